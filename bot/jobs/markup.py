"""Discord's markup in a prompt as the member saw it: the model reads names, not ids.

A member who writes "@bob surfing" sends `<@1577…> surfing`, which Discord shows as a name
but which means nothing to the video model; custom emoji arrive as `<:party:1234…>`. The
prompt sent to the service names the person, role or channel, and the emoji by its name.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Literal

Kind = Literal["user", "role", "channel"]
# Who or what an id names, or None when the bot cannot tell.
NameOf = Callable[[Kind, int], str | None]

_MARKUP = re.compile(r"<(?P<kind>@!?|@&|#)(?P<id>\d{1,20})>|<a?:(?P<emoji>\w{1,32}):\d{1,20}>")
_KINDS: dict[str, Kind] = {"@": "user", "@!": "user", "@&": "role", "#": "channel"}
# What is said of an id the bot cannot name (a member who left, a channel it cannot see).
_UNNAMED: dict[Kind, str] = {"user": "@someone", "role": "@role", "channel": "#channel"}


def spoken(text: str, name_of: NameOf, *, limit: int) -> str:
    """`text` with mentions as `@name` / `#name` and custom emoji as `:name:`.

    A name can be longer than its markup (a channel's, up to 100 characters): when names would
    take a prompt that fits past `limit`, mentions are said without them (`@someone`), shorter
    than any id Discord writes, so a member is never refused for words they did not type."""
    said = _said(text, name_of)
    if len(said) > limit >= len(text):
        return _said(text, _nobody)
    return said


def _said(text: str, name_of: NameOf) -> str:
    def named(match: re.Match[str]) -> str:
        if match["emoji"] is not None:
            return f":{match['emoji']}:"
        kind = _KINDS[match["kind"]]
        name = name_of(kind, int(match["id"]))
        if name is None:
            return _UNNAMED[kind]
        return f"#{name}" if kind == "channel" else f"@{name}"

    return _MARKUP.sub(named, text)


def _nobody(kind: Kind, id_: int) -> None:
    return None
