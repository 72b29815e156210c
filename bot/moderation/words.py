"""Banned words and phrases: case-insensitive, '*' only at the ends, never a raw regex.

Only literal text with optional open ends is accepted, so every compiled pattern matches in
linear time: a moderator cannot (even by mistake) make a prompt check hang the bot.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from bot.invisible import without_hidden

MAX_PATTERN_LENGTH = 60
WILDCARD = "*"


class BadPattern(ValueError):
    """The text cannot be used as a banned-word pattern."""


@dataclass(frozen=True)
class BannedMatch:
    """Which pattern a prompt matched, and the words that matched it."""

    pattern: str
    fragment: str


def _normalise(text: str) -> str:
    # NFKC folds full-width and compatibility letters, casefold folds case (ß -> ss); invisible
    # characters (zero-width spaces, soft hyphens, selectors) would otherwise split a word.
    return without_hidden(unicodedata.normalize("NFKC", text)).casefold()


# Scripts written without spaces, where word boundaries mean nothing.
_SPACELESS = (
    (0x0E00, 0x0EFF),  # Thai, Lao
    (0x3040, 0x30FF),  # kana
    (0x3400, 0x9FFF),  # CJK ideographs
    (0xF900, 0xFAFF),
    (0x20000, 0x3FFFF),
)
# A letter or digit that continues a word: not one of those scripts, which a Latin word is
# written right against ("画一个nude女孩").
_WORD_GOES_ON = "[^\\W" + "".join(f"{chr(low)}-{chr(high)}" for low, high in _SPACELESS) + "]"


def _spaceless_script(char: str) -> bool:
    """Characters of scripts written without spaces, where word boundaries mean nothing."""
    code = ord(char)
    return any(low <= code <= high for low, high in _SPACELESS)


def _bounded(char: str) -> bool:
    return char.isalnum() and not _spaceless_script(char)


def parse_pattern(text: str) -> str:
    """The canonical form of a moderator's pattern; raises `BadPattern` if unusable."""
    canonical = " ".join(_normalise(text).split())
    core = canonical.strip(WILDCARD).strip()
    if not core or WILDCARD in core or "`" in core or len(canonical) > MAX_PATTERN_LENGTH:
        raise BadPattern(text)
    prefix = WILDCARD if canonical.startswith(WILDCARD) else ""
    suffix = WILDCARD if canonical.endswith(WILDCARD) else ""
    return f"{prefix}{core}{suffix}"


@functools.lru_cache(maxsize=2048)
def compile_pattern(pattern: str) -> re.Pattern[str]:
    """A regex for a canonical pattern: whole words unless an end is open with '*'."""
    core = pattern.strip(WILDCARD)
    body = r"\s+".join(re.escape(word) for word in core.split(" "))
    left = "" if pattern.startswith(WILDCARD) or not _bounded(core[0]) else f"(?<!{_WORD_GOES_ON})"
    right = "" if pattern.endswith(WILDCARD) or not _bounded(core[-1]) else f"(?!{_WORD_GOES_ON})"
    return re.compile(left + body + right, re.IGNORECASE)


def find_banned(prompt: str, patterns: tuple[str, ...]) -> BannedMatch | None:
    """The first pattern the prompt contains, or None."""
    text = _normalise(prompt)
    for pattern in patterns:
        found = compile_pattern(pattern).search(text)
        if found is not None:
            return BannedMatch(pattern, found.group(0))
    return None
