"""A step of the database server's clock is followed slowly (`keep_in_step`): set to it at once,
the bot's clock would move every claim this process holds with it, and the work it has in
flight would be taken for abandoned."""

import asyncio
import contextlib

from bot.apimart import VideoRequest
from bot.engine.clock import SteadyClock, keep_in_step
from bot.jobs.models import JobState, Requester
from bot.jobs.stages import LeaseTerms
from bot.jobs.store import JobStore

REQUESTER = Requester(user_id=42, channel_id=7, guild_id=1)
REQUEST = VideoRequest(prompt="a fox in snow", duration=6)
START = 1_800_000_000.0
FIVE_MINUTES = 5 * 60


class SinceBoot:
    """Time since boot, moved by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


async def one_round_in_step(clock, server_time, since_boot):
    """One of `keep_in_step`'s rounds (every 5 minutes in the bot), as the bot runs it."""
    rounds = asyncio.Event()

    async def reading():
        value = await server_time()
        rounds.set()
        return value

    keeping = asyncio.create_task(keep_in_step(clock, reading, every=0.01, monotonic=since_boot))
    try:
        await asyncio.wait_for(rounds.wait(), timeout=5)
        await asyncio.sleep(0.05)  # its nudge made
    finally:
        keeping.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await keeping


async def test_a_step_of_the_database_clock_does_not_settle_a_submit_in_flight_as_unknown(db):
    """PostgreSQL's server clock steps 5 minutes forward (NTP correcting it, a VM resumed)
    while this process waits for APIMart's answer to a submit. Its claim is renewed, it is
    alive: the submit must not be settled as "outcome unknown" (the member told so) by this
    very process's next look for lost submits."""
    since_boot = SinceBoot()
    clock = SteadyClock(wall=lambda: START, monotonic=since_boot)
    store = JobStore(db, clock=clock, leases=LeaseTerms(owner="only-process"))
    job = await store.create(REQUESTER, REQUEST, now=clock(), submit_by=clock())
    claim = await store.claim_for_submit(job.id)
    sending = await store.renew_before_sending(claim)  # the request leaves now
    assert sending is not None
    since_boot.now += 10  # APIMart takes its time to answer

    database_ahead = FIVE_MINUTES

    async def server_time():
        return START + (since_boot.now - 100.0) + database_ahead

    before = clock()
    await one_round_in_step(clock, server_time, since_boot)
    assert clock() - before < 10, "followed a second a round, not set 5 minutes ahead"
    # The SUBMIT stage looks for lost submits before each claim (every few seconds).
    settled = await store.expire_lost_submits(now=clock())
    assert settled == [], "a submit still in flight settled as 'outcome unknown'"
    assert (await store.get(job.id)).state is JobState.SUBMITTING
