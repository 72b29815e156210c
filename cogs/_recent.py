"""Keys seen lately: the first sighting of a key passes, the others within a window do not.

Used where a member's repeated action within a few seconds or minutes is the same action
(a double click) or needs no second answer (a note on how to ask). Kept in memory: a server's
events all reach the process of its shard, and a DM's the first shard's. In a deploy overlap two
processes run one shard and both get its events, in the same order: an event `sight`ed as it
arrives (before anything is awaited), in each process whether or not that one answers it, is
let through later (`Sighting.first`) in neither process if an earlier one holds its key.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass


class SeenLately:
    """Keys seen within the last `window` seconds of `clock`; older ones are dropped as new
    ones come, so it holds only the window's."""

    def __init__(self, window: float, clock: Callable[[], float]) -> None:
        self._window = window
        self._clock = clock
        # When each key was first seen, and by which event (None: not said).
        self._seen: dict[Hashable, tuple[float, Hashable | None]] = {}

    def first(self, key: Hashable, *, by: Hashable | None = None) -> bool:
        """Whether `key` is new within the window, or was first sighted by event `by` (it is
        remembered before the caller awaits anything, so one arriving meanwhile sees it)."""
        now = self._clock()
        self._seen = {
            seen: held for seen, held in self._seen.items() if now - held[0] < self._window
        }
        held = self._seen.get(key)
        if held is not None:
            return by is not None and held[1] == by
        self._seen[key] = (now, by)
        return True

    def sight(self, key: Hashable, by: Hashable) -> Sighting:
        """Remember `key` as sighted by event `by` unless an earlier event holds it; whether
        this one is the first is asked later (`Sighting.first`), by the process answering it."""
        self.first(key, by=by)
        return Sighting(self, key, by)

    def seen(self, key: Hashable) -> bool:
        """Whether `key` was seen within the window (without counting this as a sighting)."""
        held = self._seen.get(key)
        return held is not None and self._clock() - held[0] < self._window

    def forget(self, key: Hashable, *, by: Hashable | None = None) -> None:
        """The sighting came to nothing: the next one passes (only if `by` holds it, if given)."""
        held = self._seen.get(key)
        if held is not None and (by is None or held[1] == by):
            del self._seen[key]


@dataclass(frozen=True)
class Sighting:
    """Event `by`'s sighting of `key` in `seen_lately`."""

    seen_lately: SeenLately
    key: Hashable
    by: Hashable

    def first(self) -> bool:
        """Whether no earlier event within the window holds the key (one that came to nothing
        in this process does not)."""
        return self.seen_lately.first(self.key, by=self.by)

    def came_to_nothing(self) -> None:
        """This event made nothing: the next one passes. A repeat's changes nothing."""
        self.seen_lately.forget(self.key, by=self.by)
