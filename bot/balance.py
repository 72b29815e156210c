"""Watching the APIMart balance: read it now and then, warn moderators before it runs out."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.apimart import APIMartError, AuthenticationError, Balance
from bot.engine.pool import settle_cancelled
from bot.i18n import Message, msg
from bot.moderation.feed import ModLogFeed
from bot.moderation.periods import stamp
from bot.storage import Database

log = logging.getLogger(__name__)

# Set while the balance is below the alert threshold and the alert went out: one alert per
# crossing, also across restarts and across processes sharing a PostgreSQL database.
ALERTED_KEY = "balance_alerted"

ReadBalance = Callable[[], Awaitable[Balance]]
Clock = Callable[[], float]


@dataclass(frozen=True)
class BalanceReading:
    """What was left to spend (the key's quota or the account's balance, whichever is
    smaller: `APIMartClient.balance`) and when it was read (clock seconds)."""

    balance: Balance
    read_at: float

    @property
    def unlimited(self) -> bool:
        """Whether the account has no limit (then `remaining` means nothing)."""
        return self.balance.unlimited_quota

    @property
    def remaining(self) -> float:
        """What is left, in the account's currency."""
        return self.balance.remain_balance


# The least time between two reads, however often one is asked for.
SOON_SPACING = 2.0


class BalanceWatch:
    """Reads the balance every `interval` seconds and when asked; alerts once per crossing.

    `latest` is the last good reading (None before the first), for `/videomod usage` and the
    metrics gauge. A failed read keeps the previous reading and is logged in one line.
    """

    def __init__(
        self,
        read: ReadBalance,
        db: Database,
        feed: ModLogFeed,
        *,
        clock: Clock,
        interval: float,
        alert_below: float | None,
    ) -> None:
        self._read = read
        self._db = db
        self._feed = feed
        self._clock = clock
        self._interval = interval
        self._alert_below = alert_below
        self.latest: BalanceReading | None = None
        # APIMart answered the last read with a 401: no video can be made until the key is fixed.
        self.key_refused = False
        self._wanted = asyncio.Event()
        # One read at a time, so two readings never judge the crossing out of order.
        self._reading = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None

    def remaining_balance(self) -> float | None:
        """What is left by the last reading: None before one, infinity for an unlimited
        account (a dashboard tells it from a balance never read)."""
        reading = self.latest
        if reading is None:
            return None
        return math.inf if reading.unlimited else reading.remaining

    def start(self) -> None:
        """Read now, then every `interval` seconds and whenever `read_soon` is called."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="balance")

    async def stop(self) -> None:
        """Stop reading (a read in flight is cut)."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            # Bounded: a query cut off on a silent database may never finish unwinding.
            await settle_cancelled({task}, "The balance watch")

    def read_soon(self) -> None:
        """Read again without waiting for the interval (after an HTTP 402, say).

        Requests made before the read starts are served by that one read.
        """
        self._wanted.set()

    async def read_now(self) -> BalanceReading | None:
        """Read the balance, keep it, alert if it crossed the threshold; None if it failed."""
        async with self._reading:
            return await self._read_once()

    async def still_empty(self) -> Message | None:
        """Read the balance now, before a pause is lifted: what to answer if it says the
        account is still empty (nothing left, and limited); None otherwise, or unread."""
        reading = await self.read_now()
        if reading is None or reading.unlimited or reading.remaining > 0:
            return None
        return msg("resume_balance_empty", remaining=money(reading.remaining))

    async def _read_once(self) -> BalanceReading | None:
        try:
            balance = await self._read()
        except AuthenticationError:
            if not self.key_refused:
                log.error(
                    "APIMart refused APIMART_API_KEY (HTTP 401): check the key; every video is"
                    " refused until it is fixed"
                )
            self.key_refused = True
            return None
        except APIMartError as error:
            log.warning("Could not read the APIMart balance (%s)", error.message)
            return None
        reading = BalanceReading(balance, self._clock())
        self.latest = reading
        self.key_refused = False
        log.debug(
            "APIMart balance: %s",
            "unlimited" if reading.unlimited else f"{reading.remaining:g} left",
        )
        await self._check(reading)
        return reading

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            self._wanted.clear()
            read_at = loop.time()
            try:
                await self.read_now()
            except Exception:
                # A database fault while checking the alert: try again at the next reading.
                log.exception("Checking the APIMart balance failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wanted.wait(), self._interval)
            # Every status check a refused key fails asks for a read: one every few seconds
            # answers them all.
            await asyncio.sleep(max(0.0, read_at + SOON_SPACING - loop.time()))

    async def _check(self, reading: BalanceReading) -> None:
        threshold = self._alert_below
        if threshold is None:
            return
        if reading.unlimited or reading.remaining >= threshold:
            # Back above (or no limit): the next fall below alerts again.
            async with self._db.transaction() as conn:
                await conn.execute("DELETE FROM bot_state WHERE key = ?", (ALERTED_KEY,))
            return
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO bot_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
                (ALERTED_KEY, repr(reading.read_at)),
            )
            newly = cursor.rowcount == 1
        if newly:
            log.warning(
                "APIMart balance %g is below BALANCE_ALERT_BELOW (%g): top up the account",
                reading.remaining,
                threshold,
            )
            self._feed.emit(
                None,
                msg(
                    "modlog_balance_low",
                    remaining=money(reading.remaining),
                    threshold=money(threshold),
                ),
            )


def money(amount: float) -> str:
    """An amount in the account's currency, as moderators read it: 12.50."""
    return f"{amount:,.2f}"


def balance_line(reading: BalanceReading | None) -> Message:
    """The balance line of `/videomod usage`: what is left and how old the reading is."""
    if reading is None:
        return msg("mod_balance_unknown")
    read = stamp(reading.read_at, "R")
    if reading.unlimited:
        return msg("mod_balance_unlimited", read=read)
    return msg(
        "mod_balance_line",
        remaining=money(reading.remaining),
        used=money(reading.balance.used_balance),
        read=read,
    )
