"""Reply rendering from the templates folder."""
