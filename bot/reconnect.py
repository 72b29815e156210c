"""Keep trying while Discord cannot be reached: one log line per failure, capped backoff."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import aiohttp
import discord

log = logging.getLogger(__name__)

# Faults of the network or of Discord's side that go away by themselves: worth waiting out.
# A refused token, missing intents or a bad request are not among them: those end the bot.
NETWORK_FAULTS: tuple[type[BaseException], ...] = (
    OSError,
    TimeoutError,
    aiohttp.ClientError,
    discord.DiscordServerError,
    discord.GatewayNotFound,
)


class SetupFailed(RuntimeError):
    """A network fault after log-in, while the bot wired itself up: not waited out."""


@dataclass
class Backoff:
    """Waits that double from `first` up to `cap` seconds, each jittered to 50-100 %.

    The jitter keeps a fleet of bots that lost Discord together from coming back in step.
    """

    first: float = 1.0
    cap: float = 60.0
    rng: random.Random = field(default_factory=random.Random)
    _failures: int = 0

    def next_delay(self) -> float:
        """The wait before the next attempt, one failure later."""
        ceiling = min(self.cap, self.first * 2.0 ** min(self._failures, 32))
        self._failures += 1
        return ceiling * (0.5 + 0.5 * self.rng.random())


def rate_limited(error: BaseException) -> bool:
    """A 429 discord.py raised: Cloudflare's (`blocked`), or Discord's own once discord.py gave
    up retrying it. Either lifts by itself; a process that exits on it is restarted straight
    back into it."""
    return isinstance(error, discord.HTTPException) and error.status == 429


def blocked(error: BaseException) -> bool:
    """Cloudflare's 429 (no `Via` header, as discord.py tells it): an address that made too many
    invalid requests is blocked for a while (up to an hour)."""
    if not isinstance(error, discord.HTTPException) or error.status != 429:
        return False
    return not (getattr(error.response, "headers", None) or {}).get("Via")


def worth_waiting_out(error: BaseException) -> bool:
    """Whether `error` goes away by itself: a network fault, or a 429 (a limit, or a block).
    A gateway lookup answered 404 does not: Discord always has `/gateway/bot`."""
    if isinstance(error, discord.GatewayNotFound) and isinstance(error.__cause__, discord.NotFound):
        return False
    return isinstance(error, NETWORK_FAULTS) or rate_limited(error)


def describe(error: BaseException) -> str:
    """A fault in a few words, for one log line (never a traceback)."""
    if blocked(error):
        # Not the answer's text: Cloudflare's page may be a whole HTML document.
        return "HTTP 429: this address is blocked for a while after too many invalid requests"
    # PostgreSQL's and asyncpg's texts put a DETAIL or HINT on lines of their own: in a text
    # log those read as lines with no time and no level.
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return "; ".join(lines) or type(error).__name__


async def until_reachable(
    attempt: Callable[[], Awaitable[None]],
    *,
    what: str,
    stopping: asyncio.Event,
    backoff: Backoff,
    between: Callable[[], Awaitable[None]] | None = None,
) -> bool:
    """Run `attempt` until it succeeds (True) or a stop is requested (False).

    A network fault or a 429 (a rate limit, or a blocked address) is logged in one line and
    tried again after the backoff; `between` tidies up after a failed attempt. A stop ends the
    wait at once. Other errors propagate.
    """
    while not stopping.is_set():
        try:
            await attempt()
            return True
        except Exception as error:
            if not worth_waiting_out(error):
                raise
            if stopping.is_set():
                return False  # the stop closed the connection under the attempt
            delay = backoff.next_delay()
            log.warning(
                "Discord is unreachable (%s: %s); trying again in %.1fs",
                what,
                describe(error),
                delay,
            )
        if between is not None:
            await between()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stopping.wait(), delay)
    return False
