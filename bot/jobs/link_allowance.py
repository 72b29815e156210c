"""How many of their links a member may have the bot check in a while.

Checking a link fetches it (up to `MAX_REFERENCE_BYTES` for an image), and links that come to
nothing record no job, so no quota or cooldown ever counts them: without a cap, a member could
have the bot download from any site over and over, for free. Kept per process, in memory: with
several processes a member may get a little more, never unbounded.
"""

from __future__ import annotations

from collections import deque

# Five messages of 8 links (the most one message is read for) in 10 minutes.
LINKS_PER_WINDOW = 40
WINDOW_SECONDS = 600.0
# Members remembered before the idle ones are forgotten all at once.
_REMEMBERED = 10_000


class LinkAllowance:
    """A sliding window of link checks per member."""

    def __init__(self, *, links: int = LINKS_PER_WINDOW, window: float = WINDOW_SECONDS) -> None:
        self._links = links
        self._window = window
        self._checked: dict[int, deque[float]] = {}

    def take(self, user_id: int, count: int, now: float) -> float | None:
        """Count `count` links checked for `user_id` now; None if they fit, else the seconds
        until they would (nothing is counted then)."""
        if count <= 0:
            return None
        checked = self._recent(user_id, now)
        if len(checked) + count > self._links:
            if count > self._links:
                return self._window
            # Room comes as the oldest checks leave the window.
            return checked[len(checked) + count - self._links - 1] + self._window - now
        checked.extend([now] * count)
        return None

    def _recent(self, user_id: int, now: float) -> deque[float]:
        if user_id not in self._checked and len(self._checked) >= _REMEMBERED:
            self._forget_idle(now)
        checked = self._checked.setdefault(user_id, deque())
        while checked and checked[0] <= now - self._window:
            checked.popleft()
        return checked

    def _forget_idle(self, now: float) -> None:
        self._checked = {
            user: checked
            for user, checked in self._checked.items()
            if checked and checked[-1] > now - self._window
        }
