"""A stage below saturation looks at the database a few times a second, not once per wake.

Every finished job wakes every stage. At low load each wake used to cost a claim and a due-time
read per stage: the database load an operator sees grew with the checks, several statements
each, while the claims found nothing. Wakes now settle: within `SETTLE` seconds of its last
look a stage waits, then one look serves every wake that came meanwhile. No wake is lost.
"""

import asyncio

from bot.apimart import VideoRequest
from bot.engine.pool import SETTLE, StageLoop
from bot.jobs.models import Job, Requester
from bot.jobs.stages import Stage
from bot.jobs.store import JobStore
from tests.jobstates import submitted


class CountingStore(JobStore):
    """The real store, counting how often a stage claims."""

    claims = 0
    looked = asyncio.Event()

    async def claim_due(
        self, stage: Stage, limit: int, *, reach: float | None = None, servers: bool = True
    ) -> list[Job]:
        self.claims += 1
        self.looked.set()
        return await super().claim_due(stage, limit, reach=reach, servers=servers)


async def running_task(store: JobStore, *, due_in: float) -> Job:
    """A job APIMart has, whose next status check falls due `due_in` seconds from now."""
    now = store._clock()
    job = await store.create(
        Requester(user_id=1, channel_id=1, guild_id=1),
        VideoRequest(prompt="a lighthouse", duration=6),
        now=now,
        submit_by=now,
    )
    return await submitted(store, job, now=now, first_poll_at=now + due_in)


async def test_a_burst_of_wakes_costs_a_few_looks_and_a_due_job_is_still_taken(db, clock):
    store = CountingStore(db, clock=clock)
    store.looked = asyncio.Event()
    await running_task(store, due_in=300)  # nothing due for five minutes
    handled: asyncio.Queue[int] = asyncio.Queue()

    async def check(job: Job) -> None:
        await handled.put(job.id)
        await store.release(job, Stage.POLL, retry_at=clock() + 300)

    stage = StageLoop(Stage.POLL, store, check, workers=4, clock=clock)
    loop = asyncio.create_task(stage.run())
    try:
        await asyncio.wait_for(store.looked.wait(), timeout=5)
        started = asyncio.get_running_loop().time()
        # 300 wakes over 0.3 s, as 300 finished checks would send.
        for _ in range(300):
            stage.wake()
            await asyncio.sleep(0.001)
        elapsed = asyncio.get_running_loop().time() - started
        await asyncio.sleep(2 * SETTLE)
        assert store.claims <= 3 + elapsed / SETTLE, (
            f"{store.claims} claims for 300 wakes over {elapsed:.2f} s"
        )
        # A job that falls due now is still taken after the burst, on a single wake.
        due = await running_task(store, due_in=0)
        stage.wake()
        assert await asyncio.wait_for(handled.get(), timeout=5) == due.id
    finally:
        await stage.drain(grace=1)
        loop.cancel()
        await asyncio.gather(loop, return_exceptions=True)


async def test_a_stop_that_comes_while_settling_claims_nothing_more(db, clock):
    """Shutdown drains the stage; a look that was only waiting out its settle window must not
    claim a job after that (it would run past the drain, on a closing database)."""
    store = CountingStore(db, clock=clock)
    store.looked = asyncio.Event()
    handled: list[int] = []

    async def check(job: Job) -> None:
        handled.append(job.id)

    stage = StageLoop(Stage.POLL, store, check, workers=4, clock=clock, settle=0.5)
    loop = asyncio.create_task(stage.run())
    await asyncio.wait_for(store.looked.wait(), timeout=5)  # found nothing: caught up
    await running_task(store, due_in=0)
    stage.wake()  # the loop now waits out the rest of its 0.5 s window
    await asyncio.sleep(0.05)
    claims = store.claims
    await stage.drain(grace=1)
    await asyncio.wait_for(loop, timeout=5)
    assert store.claims == claims, "no look after the stop"
    assert handled == []


class HeldClaimStore(CountingStore):
    """Claims wait until the test lets them finish."""

    let_go = asyncio.Event()

    async def claim_due(
        self, stage: Stage, limit: int, *, reach: float | None = None, servers: bool = True
    ) -> list[Job]:
        self.looked.set()
        await self.let_go.wait()
        return await super().claim_due(stage, limit, reach=reach, servers=servers)


async def test_a_stop_that_comes_during_a_claim_gives_the_claimed_jobs_back(db, clock):
    """The drain no longer waits for work started after it began: a claim that returns after
    the stop hands its jobs back, due as before, instead of starting them."""
    store = HeldClaimStore(db, clock=clock)
    store.looked, store.let_go = asyncio.Event(), asyncio.Event()
    due = await running_task(store, due_in=0)
    handled: list[int] = []

    async def check(job: Job) -> None:
        handled.append(job.id)

    stage = StageLoop(Stage.POLL, store, check, workers=4, clock=clock)
    loop = asyncio.create_task(stage.run())
    await asyncio.wait_for(store.looked.wait(), timeout=5)  # the claim is under way
    draining = asyncio.create_task(stage.drain(grace=1))
    await asyncio.sleep(0.01)
    store.let_go.set()
    await asyncio.wait_for(asyncio.gather(draining, loop), timeout=5)
    assert handled == [], "no work started after the stop"
    again = await JobStore(db, clock=clock).claim_due(Stage.POLL, 10)
    assert [job.id for job in again] == [due.id], "given back, due as before"
