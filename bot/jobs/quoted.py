"""A prompt made of words quoted from another message and the member's own direction.

A reply that mentions the bot under a message of words alone asks for a video of those words:
`@Bot make it cinematic` under "A knight rides at dusk" is "A knight rides at dusk", then, after
a blank line, "make it cinematic". A forward's comment that mentions the bot directs the
forwarded words alike. The member's words are what they typed and stay whole; the
quoted words, which they cannot shorten, give way at their end when both do not fit.
"""

from __future__ import annotations

import re

from bot.jobs.links import without_links
from bot.jobs.markup import MARKUP
from bot.text import ELLIPSIS, fit

# Between the quoted words and the member's: the scene, then what to do with it.
SEPARATOR = "\n\n"
# Quoted words cut shorter than this (a member's direction near the limit) are left out whole:
# "A…" is no scene.
MIN_QUOTED = 20

_EVERYONE = re.compile(r"(?<![\w@])@(?:everyone|here)(?!\w)")
# Words its author hid behind a spoiler (`||...||`, paired as Discord pairs its bars), with the
# blanks before them.
_SPOILER = re.compile(r"[ \t]*\|\|.*?\|\|", re.DOTALL)


def without_spoilers(text: str) -> str:
    """`text` without the words hidden behind spoilers: quoted in a prompt, they would be
    posted uncovered in the status and the result, which quote it as plain text."""
    return _SPOILER.sub("", text)


def has_words(text: str) -> bool:
    """Whether `text` says anything beyond links, mentions and emoji: a letter or a digit
    outside Discord's markup."""
    bare = _EVERYONE.sub(" ", MARKUP.sub(" ", without_links(text)))
    return any(char.isalnum() for char in bare)


def directed(quoted: str, direction: str, *, limit: int) -> tuple[str, bool]:
    """The prompt of `quoted` words followed by the member's `direction` (either may be
    empty), within `limit` characters if the direction alone is; and whether the quoted
    words were cut (or left out) to fit."""
    quoted, direction = quoted.strip(), direction.strip()
    if not direction:
        return fit(quoted, limit), len(quoted) > limit
    if not quoted:
        return direction, False
    room = limit - len(direction) - len(SEPARATOR)
    if len(quoted) <= room:
        return f"{quoted}{SEPARATOR}{direction}", False
    if room < MIN_QUOTED + len(ELLIPSIS):
        return direction, True
    return f"{fit(quoted, room)}{SEPARATOR}{direction}", True
