"""Keep a loop alive: log what killed it, wait a little longer each time, start it again."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]


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
    the old one again. Cancellation is never swallowed: it is how the owner stops the loop for
    good.
    """
    backoff = first_backoff
    while True:
        started = clock()
        try:
            await body()
            return
        except asyncio.CancelledError:
            raise
        except Exception:
            if clock() - started > max_backoff:
                backoff = first_backoff
            log.exception("%s crashed; restarting it in %.0fs", name, backoff)
        await sleep(backoff)
        backoff = min(backoff * 2, max_backoff)
