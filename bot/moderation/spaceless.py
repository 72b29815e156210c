"""Scripts written without spaces (Chinese, Japanese, Thai), where a word has no visible end:
a Latin word or a number is written right against their characters ("画一个5m高的巨人")."""

from __future__ import annotations

SPACELESS = (
    (0x0E00, 0x0EFF),  # Thai, Lao
    (0x3040, 0x30FF),  # kana
    (0x3400, 0x9FFF),  # CJK ideographs
    (0xF900, 0xFAFF),
    (0x20000, 0x3FFFF),
)
# For a regex character class: every character of those scripts.
SPACELESS_CLASS = "".join(f"{chr(low)}-{chr(high)}" for low, high in SPACELESS)


def spaceless_script(char: str) -> bool:
    """Whether `char` belongs to a script written without spaces."""
    code = ord(char)
    return any(low <= code <= high for low, high in SPACELESS)
