"""Connectors to the company's systems (account directory, executors)."""
