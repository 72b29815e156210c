"""Is the bot alive (`/healthz`) and ready (`/readyz`)? Each check answers with its reasons.

Liveness fails only for what a restart may cure and an operator must hear about: a gateway
down for longer than discord.py's own reconnects should take, a job stage whose loop is dead, a
database that has not answered for minutes. Readiness is "takes commands now".

A database outage is for readiness: restarting cannot cure it, and a liveness probe that failed
at once would kill every process together (their submits in flight becoming "outcome unknown")
and keep them crash-looping past the database's return. Only a long one counts for liveness,
where a restart may help (a wedged connection pool); until then the stage loops it kills do not
count either (their supervisors bring them back within a minute of the database), unless
one stays dead on every probe for longer than such an outage and that minute (a database that
fails a probe now and then would otherwise excuse it for ever).
"""

from __future__ import annotations

import asyncio
import math
import time
import weakref
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from discord.ext.commands.bot import BotBase

from bot.storage import Database, Row

# A cheap `SELECT 1` that takes longer than this means the database is in trouble.
DATABASE_TIMEOUT = 2.0
# Seconds the database may stay unreachable before /healthz fails for it.
DATABASE_OUTAGE_RESTART = 300.0
# Seconds after the database last failed a probe during which stage loops it stopped are not
# counted dead: their supervisors restart them after a backoff of up to a minute
# (`PollerConfig.max_restart_backoff`), and every process would fail liveness together the
# moment the database answered again.
LOOPS_BACK_WITHIN = 90.0

# A query out this long (stuck, maybe, on a connection a partition left dead while new ones
# are answered) is joined no more: the next caller asks afresh, each further time after twice
# as long; never more than `OUT_AT_MOST` probes and `REFRESHES_OUT_AT_MOST` metrics' refreshes out
# at once: each holds a pool connection, and together they leave half the pool of 10 to the work.
ASK_AGAIN_AFTER = 10.0
OUT_AT_MOST = 3
REFRESHES_OUT_AT_MOST = 2

Clock = Callable[[], float]
Reasons = Callable[[], Sequence[str]]
AsyncReasons = Callable[[], Awaitable[Sequence[str]]]
T = TypeVar("T")


class Outstanding(Generic[T]):
    """One kind of database read that callers share while it is out (a health probe, the
    metrics' refresh): on a server gone silent a read does not return, cancelled or not, and
    holds a pool connection meanwhile, so callers every few seconds must not each start one;
    nor may one stuck read answer for the database for good once it answers again."""

    def __init__(self, *, again_after: float = ASK_AGAIN_AFTER, at_most: int = OUT_AT_MOST) -> None:
        self._again_after = again_after
        self._at_most = at_most
        self._out: list[tuple[float, asyncio.Future[T]]] = []

    def join(self, start: Callable[[], Awaitable[T]], *, now: float) -> asyncio.Future[T]:
        """The youngest read out, or a fresh one from `start` when none is out, or when the
        youngest has been out for `again_after` seconds (doubled for each other one out) and
        fewer than `at_most` are."""
        self._out = [(started, read) for started, read in self._out if not read.done()]
        if self._out:
            started, youngest = self._out[-1]
            if (
                now - started < self._again_after * 2 ** (len(self._out) - 1)
                or len(self._out) >= self._at_most
            ):
                return youngest
        read = asyncio.ensure_future(start())
        # Its outcome, once nobody waits any more, is nobody's business.
        read.add_done_callback(lambda done: done.cancelled() or done.exception())
        self._out.append((now, read))
        return read


class GatewayWatch:
    """When each shard's gateway connection went down, from discord.py's shard events.

    Until the first shard connects, the bot counts as disconnected since the watch was made
    (Discord unreachable at start-up is an outage too); so does each of this process's
    `shards` that has not connected yet: discord.py launches them in turn and retries a
    failing one for ever, so the ones after it may never come up while the first serves.
    """

    def __init__(
        self,
        *,
        grace: float,
        clock: Clock = time.monotonic,
        shards: Callable[[], Iterable[int] | None] = tuple,
    ) -> None:
        self._grace = grace
        self._clock = clock
        self._shards = shards
        self._started = clock()
        self._down_since: dict[int, float] = {}
        self._connected_once: set[int] = set()

    def listen(self, bot: BotBase) -> None:
        """Follow `bot`'s shards."""
        bot.add_listener(self.connected, "on_shard_connect")
        bot.add_listener(self.connected, "on_shard_resumed")
        bot.add_listener(self.disconnected, "on_shard_disconnect")

    async def connected(self, shard_id: int) -> None:
        """A shard (re)connected or resumed."""
        self._connected_once.add(shard_id)
        self._down_since.pop(shard_id, None)

    async def disconnected(self, shard_id: int) -> None:
        """A shard lost its connection (discord.py reconnects it by itself)."""
        self._down_since.setdefault(shard_id, self._clock())

    def _never_up(self) -> set[int]:
        """This process's shards that have not connected once yet."""
        return set(self._shards() or ()) - self._connected_once

    def down(self) -> bool:
        """Whether any shard is disconnected right now (or has not connected yet)."""
        return bool(self._down_since) or not self._connected_once or bool(self._never_up())

    def problem(self) -> str | None:
        """Why the gateway counts as down, or None."""
        now = self._clock()
        waited = now - self._started
        if not self._connected_once:
            if waited <= self._grace:
                return None
            return f"gateway: not connected since start-up {waited:.0f}s ago"
        problems: list[str] = []
        never_up = sorted(self._never_up()) if waited > self._grace else []
        if never_up:
            shards = ", ".join(str(shard) for shard in never_up)
            problems.append(
                f"gateway: shard {shards} not connected since start-up {waited:.0f}s ago"
            )
        late = {
            shard: now - since
            for shard, since in self._down_since.items()
            if now - since > self._grace
        }
        if late:
            shards = ", ".join(str(shard) for shard in sorted(late))
            problems.append(f"gateway: shard {shards} disconnected for {max(late.values()):.0f}s")
        return "; ".join(problems) or None


# Per database, its `SELECT 1`s still out: probes every few seconds (liveness and readiness,
# each) join one rather than hold the whole pool during a partition (`Outstanding`).
_probes_out: weakref.WeakKeyDictionary[Database, Outstanding[Row | None]] = (
    weakref.WeakKeyDictionary()
)


async def database_problem(
    db: Database, *, within: float = DATABASE_TIMEOUT, clock: Clock = time.monotonic
) -> str | None:
    """Why the database counts as unreachable (a `SELECT 1` failed or was slow), or None.

    Answers within `within` whatever the database does: the query is left to end on its own
    rather than awaited, and probes made meanwhile wait on it instead of asking again, for
    `ASK_AGAIN_AFTER` seconds (`Outstanding`)."""
    probes = _probes_out.setdefault(db, Outstanding())
    query = probes.join(lambda: db.fetch_one("SELECT 1"), now=clock())
    done, _ = await asyncio.wait({query}, timeout=within)
    if not done:
        return f"database: no answer to SELECT 1 within {within:g}s"
    error = query.exception()
    if error is not None:
        # The error's text may name the server and user: the type is enough to go on.
        return f"database: unreachable ({type(error).__name__})"
    return None


@dataclass(frozen=True)
class Verdict:
    """A check's answer: fine, or the reasons it is not."""

    reasons: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether nothing is wrong."""
        return not self.reasons


async def _no_reasons() -> Sequence[str]:
    return ()


class Health:
    """The liveness and readiness checks, over the pieces the bot hands in."""

    def __init__(
        self,
        *,
        db: Database,
        gateway: GatewayWatch,
        dead_loops: Reasons,
        not_ready: AsyncReasons = _no_reasons,
        database_timeout: float = DATABASE_TIMEOUT,
        database_outage_restart: float = DATABASE_OUTAGE_RESTART,
        loops_back_within: float = LOOPS_BACK_WITHIN,
        clock: Clock = time.monotonic,
    ) -> None:
        self._db = db
        self._gateway = gateway
        self._dead_loops = dead_loops
        self._not_ready = not_ready
        self._database_timeout = database_timeout
        self._database_outage_restart = database_outage_restart
        self._clock = clock
        self._loops_back_within = loops_back_within
        # When the database first failed a probe, of those since it last answered one.
        self._database_down_since: float | None = None
        # When it last failed one.
        self._database_failed_at = -math.inf
        # Each loop found dead by every probe since, and the first of them.
        self._dead_since: dict[str, float] = {}

    async def liveness(self) -> Verdict:
        """Every reason the process should be restarted (or an operator woken)."""
        reasons: list[str] = []
        gateway = self._gateway.problem()
        if gateway is not None:
            reasons.append(gateway)
        database = await database_problem(
            self._db, within=self._database_timeout, clock=self._clock
        )
        now = self._clock()
        if database is None:
            self._database_down_since = None
            # Back now; the loops it stopped restart within their backoff.
            excused = now - self._database_failed_at < self._loops_back_within
        else:
            self._database_failed_at = now
            if self._database_down_since is None:
                self._database_down_since = now
            down_for = now - self._database_down_since
            # /readyz says so; the stage loops it stopped come back with it.
            excused = down_for < self._database_outage_restart
            if not excused:
                reasons.append(f"{database}, for {down_for:.0f}s")
        reasons.extend(
            f"engine: the {name} loop is dead" for name in self._loops_dead(now, excused)
        )
        return Verdict(reasons)

    def _loops_dead(self, now: float, excused: bool) -> list[str]:
        """The dead loops to report: all of them, unless the database failing (now, or
        lately) excuses them; even then one found dead by every probe for longer than an
        outage is given, and its loops then to come back: a database failing a probe now and
        then (never for long) would excuse it for ever."""
        dead = self._dead_loops()
        self._dead_since = {name: self._dead_since.get(name, now) for name in dead}
        if not excused:
            return list(dead)
        longest = self._database_outage_restart + self._loops_back_within
        return [name for name in dead if now - self._dead_since[name] >= longest]

    async def readiness(self) -> Verdict:
        """Every reason the bot does not take commands yet (or any more)."""
        return Verdict(list(await self._not_ready()))


class Starting:
    """The checks while `python -m bot` opens its database (DATABASE_CONNECT_WAIT, migrations),
    before the bot exists: alive (a restart would only start over, mid-migration perhaps),
    not ready."""

    async def liveness(self) -> Verdict:
        """Nothing a restart would cure."""
        return Verdict()

    async def readiness(self) -> Verdict:
        """Not taking commands yet."""
        return Verdict(["starting: opening the database"])
