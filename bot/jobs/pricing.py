"""Expected credits before a job is sent, per resolution and length.

APIMart says what a render cost only once it completes (`credits_cost`), so the bot learns the
price from its own completed jobs: the median of the last `LEARN_FROM` charged amounts of that
resolution and length, once `LEARN_AFTER` exist. Until then it quotes `STARTING_CREDITS`.

A reference video sets the length (up to `UNKNOWN_LENGTH`), so such a request is priced at its
worst case (`up_to`): what the longest length costs, or what reference videos were charged if
that is more.
"""

from __future__ import annotations

import statistics
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from bot.apimart.models import DURATIONS, RESOLUTIONS, VideoRequest
from bot.i18n import Message, msg
from bot.jobs.models import Job, JobState
from bot.storage import Connection, Database, Row
from bot.text import credits_number

# Charged amounts looked at per resolution and length, newest first, and how many are needed
# before they replace the starting table.
LEARN_FROM = 20
LEARN_AFTER = 3

# The starting table, in credits per second of video. Observed: a 4 s 720p render charged 2
# credits (0.5 a second) and a 10 s 4K one 15 (1.5 a second); 1080p sits between them at 1 a
# second. (APIMart publishes no prices: its example answer's `credits_cost` 4 names no
# resolution or length, so it confirms none of these.)
STARTING_RATE: dict[str, float] = {"720p": 0.5, "1080p": 1.0, "4k": 1.5}
# A reference video sets the length (no duration is sent), up to the longest: priced as that.
UNKNOWN_LENGTH = max(DURATIONS)

Length = int | None  # seconds; None when a reference video sets the length
STARTING_CREDITS: dict[tuple[str, Length], float] = {
    (resolution, length): STARTING_RATE[resolution] * (length or UNKNOWN_LENGTH)
    for resolution in RESOLUTIONS
    for length in (*DURATIONS, None)
}

# A read of the portable SQL: `Database.fetch_all`, or a statement inside a transaction.
Reader = Callable[[str, Sequence[Any]], Awaitable[Sequence[Row]]]

_CHARGED = (
    f"SELECT resolution, duration, credits_cost FROM jobs WHERE state = '{JobState.COMPLETED}'"
    " AND credits_cost IS NOT NULL AND resolution = ?"
)


@dataclass(frozen=True)
class Estimate:
    """What a job of one resolution and length is expected to cost, and what says so."""

    resolution: str
    length: Length
    credits: float
    samples: int  # charged amounts the figure is the median of; 0 = the starting table

    @property
    def learned(self) -> bool:
        """Whether the figure comes from this bot's own completed jobs."""
        return self.samples > 0

    @property
    def up_to(self) -> bool:
        """Whether the figure is a most (a reference video sets the length): said 'up to'."""
        return self.length is None


def amount(credits: float) -> Message:
    """An amount of credits as people write it: '1 credit', '2.5 credits' (singular by what is
    written: 1.0000000000000002 left reads '1 credit')."""
    written = credits_number(credits)
    return msg("credits_one") if written == "1" else msg("credits_many", value=written)


def expected_cost(expected: Estimate) -> Message:
    """What a member reads as a request's cost: 'about 4 credits', or with a reference video
    (which sets the length) the most it may cost, 'up to 15 credits'."""
    return msg("cost_up_to" if expected.up_to else "cost_about", credits=amount(expected.credits))


def stated_cost(expected: Estimate) -> Message:
    """A request's cost where a refusal states it: '4 credits', or with a reference video
    (which sets the length) the most it may cost, 'up to 15 credits'."""
    if expected.up_to:
        return msg("cost_up_to", credits=amount(expected.credits))
    return amount(expected.credits)


def costs_more(credits: float, agreed: float) -> bool:
    """Whether `credits` reads as more than the `agreed` figure a member was shown."""
    return credits > agreed and credits_number(credits) != credits_number(agreed)


def length_of(request: VideoRequest) -> Length:
    """The length a request is priced by (None: its reference video sets it)."""
    return None if request.video_urls else request.duration


def estimate(resolution: str, length: Length, charged: Sequence[float]) -> Estimate:
    """The median of the charged amounts once there are enough, else the starting figure."""
    recent = list(charged)[:LEARN_FROM]
    if len(recent) >= LEARN_AFTER:
        # To what a person reads (credits come in tenths at most), halves up: the figure the
        # confirm threshold is compared with is never below the median (12.25 reads 12.3).
        median = Decimal(str(statistics.median(recent)))
        credits = float(median.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
        return Estimate(resolution, length, credits, len(recent))
    starting = STARTING_CREDITS.get((resolution, length))
    if starting is None:  # a resolution the table does not know: price it as the dearest
        starting = max(STARTING_CREDITS.values())
    return Estimate(resolution, length, starting, 0)


def _one_kind(length: Length) -> str:
    """The newest charged amounts of one resolution and length (the `jobs_charged` index)."""
    duration = "duration IS NULL" if length is None else "duration = ?"
    return f"{_CHARGED} AND {duration} ORDER BY finished_at DESC LIMIT {LEARN_FROM}"


def _params(resolution: str, length: Length) -> tuple[Any, ...]:
    return (resolution,) if length is None else (resolution, length)


async def expected_with(read: Reader, request: VideoRequest) -> Estimate:
    """What `request` is expected to cost, read with `read`: one short statement."""
    return await expected_of_kind(read, request.resolution, length_of(request))


async def expected_of_kind(read: Reader, resolution: str, length: Length) -> Estimate:
    """What a video of one resolution and length is expected to cost, read with `read`; with a
    reference video (length None), the most it may cost (`worst_case`)."""
    if length is not None:
        rows = await read(_one_kind(length), _params(resolution, length))
        return estimate(resolution, length, [float(row[2]) for row in rows])
    longest = (resolution, UNKNOWN_LENGTH)
    charged = await _charged(read, [longest, (resolution, None)])
    return worst_case(estimate(*longest, charged[longest]), charged[(resolution, None)])


def worst_case(longest: Estimate, by_video: Sequence[float]) -> Estimate:
    """What a request with a reference video may cost: APIMart bills the length the video sets,
    so the median of those charged is only what other members' clips cost (a few short ones in
    any server would pull it below a 10 s clip's price, and it would pass a confirm threshold
    and a budget unasked). Priced as the longest length (`longest`), or as the reference videos
    charged if that is more (a charge for the video itself)."""
    charged = estimate(longest.resolution, None, by_video)
    if charged.learned and charged.credits > longest.credits:
        return charged
    return Estimate(longest.resolution, None, longest.credits, longest.samples)


def quoted(job: Job) -> Estimate | None:
    """What `job`'s member was told it is expected to cost as it was recorded (None: recorded
    before the bot kept it): the figure shown until APIMart says what it cost, whatever is
    learned meanwhile."""
    if job.quoted_credits is None:
        return None
    request = job.request
    samples = job.quoted_samples or 0
    return Estimate(request.resolution, length_of(request), job.quoted_credits, samples)


def connection_reader(conn: Connection) -> Reader:
    """Reads on a transaction's connection (the admission check runs inside one)."""

    async def read(sql: str, params: Sequence[Any]) -> Sequence[Row]:
        async with conn.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    return read


class Pricing:
    """Expected credits, read from the jobs table."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def expected(self, request: VideoRequest) -> Estimate:
        """What `request` is expected to cost."""
        return await expected_with(self._db.fetch_all, request)

    async def quoted(self, job: Job) -> Estimate:
        """What `job` was quoted as it was recorded (`quoted`); for a job recorded before the
        bot kept that, what one like it is expected to cost now."""
        return quoted(job) or await self.expected(job.request)

    async def table(self) -> dict[tuple[str, Length], Estimate]:
        """Every resolution and length a member can choose (`price_table`), in one round trip."""
        return await price_table(self._db.fetch_all)


async def _charged(
    read: Reader, kinds: Sequence[tuple[str, Length]]
) -> dict[tuple[str, Length], list[float]]:
    """The newest charged amounts of each kind, read with `read` as one statement (one short
    index read per kind)."""
    sql = " UNION ALL ".join(
        f"SELECT * FROM ({_one_kind(length)}) AS kind_{number}"
        for number, (_, length) in enumerate(kinds)
    )
    params = [value for kind in kinds for value in _params(*kind)]
    charged: dict[tuple[str, Length], list[float]] = {kind: [] for kind in kinds}
    for row in await read(sql, params):
        charged[(row[0], row[1])].append(float(row[2]))
    return charged


async def price_table(read: Reader) -> dict[tuple[str, Length], Estimate]:
    """Every resolution and length a member can choose, and each resolution with a reference
    video (length None: the most it may cost, `worst_case`), read with `read` in one round
    trip."""
    kinds = [(resolution, length) for resolution in RESOLUTIONS for length in (*DURATIONS, None)]
    charged = await _charged(read, kinds)
    table = {kind: estimate(*kind, charged[kind]) for kind in kinds if kind[1] is not None}
    for resolution in RESOLUTIONS:
        longest = table[(resolution, UNKNOWN_LENGTH)]
        table[(resolution, None)] = worst_case(longest, charged[(resolution, None)])
    return table


async def cheapest_expected(read: Reader) -> float:
    """What the cheapest video a member can ask for is expected to cost: of every resolution
    and length (a reference video is priced at its longest, so never the cheapest)."""
    return min(price.credits for price in (await price_table(read)).values())
