"""Keys seen lately: the first sighting of a key passes, the others within a window do not.

Used where a member's repeated action within a few seconds or minutes is the same action
(a double click) or needs no second answer (a note on how to ask). Kept in memory: a server's
events all reach the process of its shard, and a DM's the first shard's.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable


class SeenLately:
    """Keys seen within the last `window` seconds of `clock`; older ones are dropped as new
    ones come, so it holds only the window's."""

    def __init__(self, window: float, clock: Callable[[], float]) -> None:
        self._window = window
        self._clock = clock
        self._seen: dict[Hashable, float] = {}

    def first(self, key: Hashable) -> bool:
        """Whether `key` is new within the window (it is remembered before the caller awaits
        anything, so one arriving meanwhile sees it)."""
        now = self._clock()
        self._seen = {seen: at for seen, at in self._seen.items() if now - at < self._window}
        if key in self._seen:
            return False
        self._seen[key] = now
        return True

    def seen(self, key: Hashable) -> bool:
        """Whether `key` was seen within the window (without counting this as a sighting)."""
        at = self._seen.get(key)
        return at is not None and self._clock() - at < self._window

    def forget(self, key: Hashable) -> None:
        """The sighting came to nothing: the next one passes."""
        self._seen.pop(key, None)
