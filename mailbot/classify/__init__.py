"""Intent recognition: rules plus a spaCy text classifier."""
