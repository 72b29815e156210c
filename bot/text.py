"""Small helpers for showing members' text safely inside the bot's messages."""

from __future__ import annotations


def truncate(text: str, limit: int) -> str:
    """Shorten `text` to `limit` characters, marking the cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def one_line(text: str, limit: int) -> str:
    """Collapse whitespace (newlines included), then shorten to `limit` characters."""
    return truncate(" ".join(text.split()), limit)
