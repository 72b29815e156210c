"""Slash-command cogs: thin layers that parse, call the core and reply."""
