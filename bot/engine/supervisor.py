"""Keep a loop alive: log what killed it, wait a little longer each time, start it again."""

from __future__ import annotations

import asyncio
import logging
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
) -> None:
    """Run `body` until it returns; after an exception, log it and run it again with backoff.

    Cancellation is never swallowed: it is how the owner stops the loop for good.
    """
    backoff = first_backoff
    while True:
        try:
            await body()
            return
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("%s crashed; restarting it in %.0fs", name, backoff)
        await sleep(backoff)
        backoff = min(backoff * 2, max_backoff)
