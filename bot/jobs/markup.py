"""Discord's markup in a prompt as the member saw it: the model reads names, not ids.

A member who writes "@bob surfing" sends `<@1577…> surfing`, which Discord shows as a name
but which means nothing to the video model; custom emoji arrive as `<:party:1234…>`. The
prompt sent to the service names the person, role or channel, and the emoji by its name; a
timestamp (`<t:1767225600:D>`, shown as a date) is written as its date or time (UTC), and a
command mention (`</video:1234…>`) as the command. Neither is ever longer than its markup.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Literal

Kind = Literal["user", "role", "channel"]
# Who or what an id names, or None when the bot cannot tell.
NameOf = Callable[[Kind, int], str | None]

# Discord's markup for a mention, a custom emoji, a timestamp or a command (`bot.jobs.quoted`
# reads words outside it).
MARKUP = re.compile(
    r"<(?P<kind>@!?|@&|#)(?P<id>\d{1,20})>|<a?:(?P<emoji>\w{1,32}):\d{1,20}>"
    r"|<t:(?P<time>-?\d{1,13})(?::(?P<style>[tTdDfFR]))?>"
    r"|</(?P<command>[^\s:<>/][^:<>/]{0,96}):\d{1,20}>"
)
# A timestamp as written out, by its style: a time, a date and time, else a date.
_TIME_FORMATS = {"t": "%H:%M", "T": "%H:%M", "f": "%Y-%m-%d %H:%M", "F": "%Y-%m-%d %H:%M"}
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
        if match["time"] is not None:
            return _written_time(match)
        if match["command"] is not None:
            return f"/{match['command']}"
        kind = _KINDS[match["kind"]]
        name = name_of(kind, int(match["id"]))
        if name is None:
            return _UNNAMED[kind]
        return f"#{name}" if kind == "channel" else f"@{name}"

    return MARKUP.sub(named, text)


def _nobody(kind: Kind, id_: int) -> None:
    return None


def _written_time(match: re.Match[str]) -> str:
    """A Discord timestamp as its date or time in UTC; the markup itself if out of range, or
    if written out it would be longer (a time of few digits): a prompt never grows."""
    try:
        moment = datetime.datetime.fromtimestamp(int(match["time"]), datetime.UTC)
    except (OverflowError, OSError, ValueError):
        return match[0]
    written = moment.strftime(_TIME_FORMATS.get(match["style"] or "", "%Y-%m-%d"))
    return written if len(written) <= len(match[0]) else match[0]
