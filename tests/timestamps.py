"""A message as a member reads it at a given moment: Discord shows each `<t:…:R>` as a live
relative time ("in 20 seconds", "2 minutes ago"; "20秒后", "2分钟前" in Chinese), computed
when it is read, not when it was sent."""

from __future__ import annotations

import re

_RELATIVE = re.compile(r"<t:(-?\d+):R>")
_UNITS = ((3600, "hour", "小时"), (60, "minute", "分钟"), (1, "second", "秒"))


def _relative(moment: int, now: float, chinese: bool) -> str:
    seconds = moment - now
    span = abs(seconds)
    size, english, zh = next(unit for unit in _UNITS if span >= unit[0] or unit[0] == 1)
    count = round(span / size)
    if chinese:
        return f"{count}{zh}{'后' if seconds >= 0 else '前'}"
    words = f"{count} {english}{'' if count == 1 else 's'}"
    return f"in {words}" if seconds >= 0 else f"{words} ago"


def read_at(text: str, now: float, locale: str = "en-US") -> str:
    """`text` with its relative timestamps as a member reading it at `now` sees them."""
    chinese = locale.startswith("zh")
    return _RELATIVE.sub(lambda match: _relative(int(match[1]), now, chinese), text)


def stamps(text: str) -> list[int]:
    """The moments of `text`'s relative timestamps."""
    return [int(value) for value in _RELATIVE.findall(text)]
