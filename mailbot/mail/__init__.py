"""Mail intake, parsing, screening and delivery."""
