"""A worker's claim is kept while it works; its log says 'taken over' only when it was."""

import asyncio
import logging
import time

from bot.apimart import VideoRequest
from bot.jobs.claims import holding
from bot.jobs.models import Requester
from bot.jobs.stages import LeaseTerms, Stage
from bot.jobs.store import JobStore

REQUESTER = Requester(user_id=42, channel_id=7, guild_id=1)
REQUEST = VideoRequest(prompt="a fox")
LEASE = 0.3  # renewed every 0.1 s


async def polled_job(store):
    job = await store.create(REQUESTER, REQUEST, now=time.time(), submit_by=time.time())
    claim = await store.claim_for_submit(job.id)
    assert await store.mark_submitted(claim, "task_1", now=time.time(), first_poll_at=time.time())
    [due] = await store.claim_due(Stage.POLL, 10)
    return due


async def logged(caplog, text: str, *, within: float = 10.0) -> bool:
    """Whether `text` is logged within `within` s. The renewal that finds the claim taken runs
    on its own schedule (a third of the lease, then two database calls), which a loaded machine
    can put off well past any fixed sleep; and ending the block cancels a renewal in flight."""
    deadline = time.monotonic() + within
    while text not in caplog.text:
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.01)
    return True


async def test_a_worker_that_gave_its_claim_back_itself_is_not_told_it_was_taken_over(db, caplog):
    """A poll records its reading (which ends the claim), then edits the status message, which
    a busy channel can hold up for seconds: nobody took anything over."""
    store = JobStore(db, leases=LeaseTerms(owner="this", poll=LEASE))
    job = await polled_job(store)
    with caplog.at_level(logging.WARNING, logger="bot.jobs.claims"):
        async with holding(store, job, Stage.POLL):
            assert await store.release(job, Stage.POLL)
            await asyncio.sleep(LEASE / 3 * 2 + 0.05)  # past two renewals
    assert "taken over" not in caplog.text


async def test_a_claim_another_process_took_over_is_logged(db, caplog):
    store = JobStore(db, leases=LeaseTerms(owner="this", poll=LEASE))
    # Its clock past the lease: as if this process had stalled that long.
    other = JobStore(db, clock=lambda: time.time() + 1, leases=LeaseTerms(owner="other"))
    job = await polled_job(store)
    with caplog.at_level(logging.WARNING, logger="bot.jobs.claims"):
        async with holding(store, job, Stage.POLL):
            assert [taken.id for taken in await other.claim_due(Stage.POLL, 10)] == [job.id]
            assert await logged(caplog, f"Job {job.id}: its poll claim was taken over")


async def test_a_worker_stopped_while_its_renewal_unwinds_stops(db, monkeypatch):
    """A stop (its task cancelled) that lands while the claim's renewal is being stopped, as a
    database call in flight unwinds, must stop the worker: swallowed, the worker went on with
    its job after the process had told it to end."""
    store = JobStore(db, leases=LeaseTerms(owner="this", poll=LEASE))
    job = await polled_job(store)

    async def renewal_slow_to_unwind(job, stage):
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            await asyncio.sleep(0.3)  # the database call in flight, unwinding
            raise

    monkeypatch.setattr(store, "renew", renewal_slow_to_unwind)
    went_on = asyncio.Event()

    async def worker():
        async with holding(store, job, Stage.POLL):
            await asyncio.sleep(LEASE / 3 + 0.05)  # a renewal is in flight when the work ends
        went_on.set()

    working = asyncio.create_task(worker())
    await asyncio.sleep(LEASE / 3 + 0.15)  # the block has ended; the renewal unwinds
    working.cancel()
    await asyncio.gather(working, return_exceptions=True)
    assert working.cancelled() and not went_on.is_set()
