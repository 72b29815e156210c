"""Tables of values kept for a while by key (a server's upload limit, its language): bounded
by time, so a process running for weeks holds only the last while's keys."""

from __future__ import annotations

from typing import TypeVar

Value = TypeVar("Value")


def keep_until(
    table: dict[int, tuple[Value, float]], key: int, value: Value, until: float, now: float
) -> None:
    """Keep `value` for `key` until `until`. Each table keeps its entries equally long, so put
    last it runs oldest first: those run out go as new ones come (over weeks every server the
    bot was ever in comes by), never the one just kept."""
    table.pop(key, None)
    table[key] = (value, until)
    while next(iter(table.values()))[1] <= now:
        del table[next(iter(table))]
