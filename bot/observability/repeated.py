"""One log line per cause and minute for failures that repeat on every job at once.

When APIMart refuses the key, has no balance or is down, every status check fails the same way:
at the request budget that is ten identical lines a second, which buries every other error and
pages on error rate. The first of a kind is logged as it comes; the same kind again within the
window only at DEBUG, and its count goes with the next line of that kind after the window.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class _Seen:
    logged_at: float
    held_back: int = 0
    last_held_at: float = 0.0


class RepeatedFailures:
    """Logs each cause of failure at most once per `window` seconds at its own level."""

    def __init__(
        self,
        logger: logging.Logger,
        *,
        window: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._log = logger
        self._window = window
        self._clock = clock
        self._seen: dict[str, _Seen] = {}

    def log(
        self,
        cause: str,
        level: int,
        message: str,
        *args: object,
        exc_info: BaseException | None = None,
    ) -> None:
        """Log `message % args` at `level`, or at DEBUG if `cause` was logged within the window.

        `cause` names the kind of failure (a handful of kinds, never a job or a member).
        `exc_info`'s traceback goes with the first line of a run of them only: the lines that
        count its repeats would print the same one again."""
        now = self._clock()
        seen = self._seen.get(cause)
        if seen is not None and now - seen.logged_at < self._window:
            seen.held_back += 1
            seen.last_held_at = now
            self._log.debug(message, *args)
            return
        repeats = seen is not None and seen.held_back > 0
        if seen is not None and repeats:
            # Over the span they came in, not up to now: a short burst a day ago is not a
            # day-long one.
            message += " (and %d more like it within %.0f s of the last one logged)"
            args = (*args, seen.held_back, seen.last_held_at - seen.logged_at)
        self._seen[cause] = _Seen(now)
        self._log.log(level, message, *args, exc_info=None if repeats else exc_info)
