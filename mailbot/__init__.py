"""mailbot: answers data-protection rights requests that arrive by e-mail."""

__version__ = "0.1.0"
