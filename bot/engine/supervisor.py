"""Keep a loop alive: log what killed it, wait a little longer each time, start it again."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from contextvars import ContextVar

from bot.storage import in_one_line, unreachable

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]


class _Outage:
    """What one supervised loop told of a database outage: a line a restart while it lasts,
    no traceback (the same one each time), and one line once the loop works again."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._on = False

    def crashed(self, error: Exception, backoff: float) -> None:
        if not unreachable(error):
            log.error("%s crashed; restarting it in %.0fs", self._name, backoff, exc_info=error)
            return
        self._on = True
        log.warning(
            "%s stopped: the database could not be reached (%s); restarting it in %.0fs",
            self._name,
            in_one_line(error),
            backoff,
        )

    def over(self) -> None:
        if self._on:
            self._on = False
            log.info("%s works again: the database answered", self._name)


_supervised: ContextVar[_Outage | None] = ContextVar("supervised", default=None)


def working() -> None:
    """The supervised loop this runs in got its answer from the database: if an outage had
    stopped it, one line says it works again (a loop that never returns cannot say so by
    returning)."""
    outage = _supervised.get()
    if outage is not None:
        outage.over()


async def supervise(
    name: str,
    body: Callable[[], Awaitable[None]],
    *,
    first_backoff: float = 1.0,
    max_backoff: float = 60.0,
    sleep: Sleep = asyncio.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> None:
    """Run `body` until it returns; after an exception, log it and run it again with backoff.

    The backoff grows while `body` keeps crashing soon after it starts (an outage) and starts
    over once it ran longer than `max_backoff`: a crash after steady work is a new fault, not
    the old one again. A crash on the database being unreachable is one WARNING line, without
    the traceback; a loop it stopped says once when it works again (`working()`, or returning).
    Cancellation is never swallowed: it is how the owner stops the loop for good.
    """
    outage = _Outage(name)
    token = _supervised.set(outage)
    try:
        backoff = first_backoff
        while True:
            started = clock()
            try:
                await body()
                outage.over()
                return
            except asyncio.CancelledError:
                raise
            except Exception as error:
                if clock() - started > max_backoff:
                    backoff = first_backoff
                outage.crashed(error, backoff)
            await sleep(backoff)
            backoff = min(backoff * 2, max_backoff)
    finally:
        _supervised.reset(token)
