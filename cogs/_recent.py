"""Keys seen lately: the first sighting of a key passes, the others within a window do not.

Used where a member's repeated action within a few seconds or minutes is the same action
(a double click) or needs no second answer (a note on how to ask). Kept in memory: a server's
events all reach the process of its shard, and a DM's the first shard's. In a deploy overlap two
processes run one shard and both get its events, in the same order: an event `sight`ed as it
arrives (before anything is awaited), in each process whether or not that one answers it, is
let through later (`Sighting.first`) in neither process if an earlier one holds its key.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass


@dataclass
class _Held:
    """A key's holder: from when its window counts, which event holds it (None: not said), and
    until when that event's work holds it whatever the window (None: not at work)."""

    since: float
    by: Hashable | None
    working_until: float | None = None

    def holds(self, now: float, window: float) -> bool:
        at_work = self.working_until is not None and now < self.working_until
        return at_work or now - self.since < window


class SeenLately:
    """Keys seen within the last `window` seconds of `clock`; older ones are dropped as new
    ones come, so it holds only the window's. A key whose first event is still at work
    (`Sighting.working`) is held until that work ends and a window after, but never longer
    than `longest_work` seconds from its start (work stuck on a silent database, say)."""

    def __init__(
        self, window: float, clock: Callable[[], float], *, longest_work: float = 0.0
    ) -> None:
        self._window = window
        self._clock = clock
        self._longest_work = longest_work
        self._seen: dict[Hashable, _Held] = {}

    def first(self, key: Hashable, *, by: Hashable | None = None) -> bool:
        """Whether `key` is new within the window, or was first sighted by event `by` (it is
        remembered before the caller awaits anything, so one arriving meanwhile sees it)."""
        now = self._clock()
        self._seen = {
            seen: held for seen, held in self._seen.items() if held.holds(now, self._window)
        }
        held = self._seen.get(key)
        if held is not None:
            return by is not None and held.by == by
        self._seen[key] = _Held(now, by)
        return True

    def sight(self, key: Hashable, by: Hashable) -> Sighting:
        """Remember `key` as sighted by event `by` unless an earlier event holds it; whether
        this one is the first is asked later (`Sighting.first`), by the process answering it."""
        self.first(key, by=by)
        return Sighting(self, key, by)

    def seen(self, key: Hashable) -> bool:
        """Whether `key` was seen within the window (without counting this as a sighting)."""
        held = self._seen.get(key)
        return held is not None and held.holds(self._clock(), self._window)

    def forget(self, key: Hashable, *, by: Hashable | None = None) -> None:
        """The sighting came to nothing: the next one passes (only if `by` holds it, if given)."""
        held = self._seen.get(key)
        if held is not None and (by is None or held.by == by):
            del self._seen[key]

    @contextmanager
    def working(self, key: Hashable, by: Hashable) -> Iterator[None]:
        """While event `by`, holding `key`, is at work: held whatever the window (up to
        `longest_work`), then for a window from its end."""
        held = self._seen.get(key)
        if held is None or held.by != by:
            yield
            return
        held.working_until = self._clock() + self._longest_work
        try:
            yield
        finally:
            held.since, held.working_until = self._clock(), None


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

    def working(self) -> AbstractContextManager[None]:
        """Hold the key while this event's work goes on, and a window after (`first` passed)."""
        return self.seen_lately.working(self.key, self.by)

    def came_to_nothing(self) -> None:
        """This event made nothing: the next one passes. A repeat's changes nothing."""
        self.seen_lately.forget(self.key, by=self.by)
