"""The HTTP server: confirmation pages, health, metrics and the JSON API."""
