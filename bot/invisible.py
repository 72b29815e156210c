"""Characters that show nothing: to tell an empty prompt from a real one, and to see through
banned words disguised with them."""

from __future__ import annotations

import unicodedata

# Letters and symbols that render as blank space: braille blank, the Hangul fillers.
BLANK_LOOKING = frozenset("\u2800\u115f\u1160\u3164\uffa0")
# Marks that change nothing a reader sees between letters (format characters are found by
# their category, Cf: zero-width space and joiners, word joiner, soft hyphen, BOM, LRM/RLM).
_SELECTORS = frozenset(
    [chr(code) for code in range(0xFE00, 0xFE10)]  # variation selectors
    + [chr(code) for code in range(0xE0100, 0xE01F0)]  # variation selectors supplement
    + [chr(code) for code in range(0x180B, 0x1810)]  # Mongolian selectors and separator
    + ["\u034f"]  # combining grapheme joiner
    + ["\u17b4", "\u17b5"]  # Khmer inherent vowels: default-ignorable, yet marks (Mn)
)


def _hidden(char: str) -> bool:
    """A character that is there but shows nothing between letters."""
    return char in _SELECTORS or unicodedata.category(char) == "Cf"


def _never_shown(char: str) -> bool:
    """A code point nothing is drawn for, assigned later or not: Unicode's 66 noncharacters,
    and the unassigned places of blocks of invisible characters (the format characters'
    U+2065, the specials' U+FFF0-FFF8, the tags' plane-14 block)."""
    code = ord(char)
    return (
        0xFDD0 <= code <= 0xFDEF
        or code & 0xFFFE == 0xFFFE
        or code == 0x2065
        or 0xFFF0 <= code <= 0xFFF8
        or 0xE0000 <= code <= 0xE0FFF
    )


def _shows_nothing(char: str) -> bool:
    """Shows nothing by itself: hidden, blank-looking, a space, a control or a lone mark."""
    category = unicodedata.category(char)
    if category in ("Cn", "Co"):
        # Unassigned in this Python's tables is not unassigned on the member's screen: emoji
        # newer than them (Python 3.11 knows Unicode 14: no 🩷, 🪿 or 🫨) show, and so does a
        # private-use glyph. Only code points nothing is ever drawn for do not.
        return _never_shown(char)
    return (
        _hidden(char)
        or char in BLANK_LOOKING
        # Z: spaces and separators; C: controls and surrogates; M: marks, visible only on a
        # letter.
        or category[0] in "ZCM"
    )


def has_visible(text: str) -> bool:
    """Whether a reader would see anything at all."""
    return not all(_shows_nothing(char) for char in text)


def without_hidden(text: str) -> str:
    """The text as a reader sees it: hidden characters dropped, blank-looking ones as spaces."""
    return "".join(" " if char in BLANK_LOOKING else char for char in text if not _hidden(char))
