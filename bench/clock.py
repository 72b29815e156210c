"""Compressed time: one clock for the fake API and the bot, and an event loop that runs on it.

Renders take minutes; a benchmark may not. Both processes read the same clock: it holds still
at `EPOCH` until started, then runs `factor` times faster than the wall. A 240 s render ends
240 / factor wall seconds after the start, and every figure comes out in real-time-equivalent
seconds. In the bot's process the event loop runs on that clock too, so `asyncio.sleep`, the
poller's waits, the request budget's pacing and aiohttp's timeouts all shrink by the same
factor without touching the bot's code.
"""

from __future__ import annotations

import asyncio
import selectors
import time

EPOCH = 1_800_000_000.0  # a plausible Unix time, so `created`/`expires_at` look real


class CompressedClock:
    """Seconds since the Unix epoch: still until `start`, then `factor` times the wall's pace."""

    def __init__(self, factor: float, origin: float | None = None) -> None:
        self.factor = factor
        self.origin = origin  # a time.monotonic() value, shared by every process of a run

    def start(self, origin: float) -> None:
        self.origin = origin

    def __call__(self) -> float:
        if self.origin is None:
            return EPOCH
        return EPOCH + (time.monotonic() - self.origin) * self.factor


class _ScaledSelector(selectors.DefaultSelector):
    """Waits `factor` times shorter than asked: the loop's timeouts are in compressed time."""

    def __init__(self, factor: float) -> None:
        super().__init__()
        self._factor = factor

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        return super().select(None if timeout is None else timeout / self._factor)


class CompressedEventLoop(asyncio.SelectorEventLoop):
    """An event loop whose `time()` is a started compressed clock (minus the epoch)."""

    def __init__(self, clock: CompressedClock) -> None:
        if clock.origin is None:
            raise ValueError("start the clock first: a still loop would never fire a timer")
        super().__init__(selector=_ScaledSelector(clock.factor))
        self._compressed = clock

    def time(self) -> float:
        return self._compressed() - EPOCH
