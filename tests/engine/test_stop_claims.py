"""A stop that comes while a claim is on its way back: the claimed jobs are given back."""

import asyncio

from bot.jobs.models import JobState
from bot.jobs.stages import Stage
from tests.engine.world import make_engine


async def test_a_claim_answered_slowly_at_stop_is_handed_back_not_left_submitting(
    db, api, session, client, fake
):
    """A database 300 ms away (or busy): the submit loop's claim commits, and its answer
    comes back after the stop began. Cut off then, the job would lapse into "outcome
    unknown" though nothing was sent; the loop is let finish and gives it back."""
    engine = make_engine(db, api, session, client, fake, stop_timeout=6.0)
    real_claim = engine.store.claim_due
    claimed = asyncio.Event()

    async def slow_claim(stage, limit, *, reach=None, servers=True):
        jobs = await real_claim(stage, limit, reach=reach, servers=servers)
        if stage is Stage.SUBMIT and jobs:
            claimed.set()
            await asyncio.sleep(0.3)  # the answer's way back
        return jobs

    engine.store.claim_due = slow_claim
    engine.poller.start()
    await engine.record("a kite")
    await asyncio.wait_for(claimed.wait(), 5)
    await engine.poller.stop(grace=6.0)  # as VideoBot.close passes what is left of the grace
    [row] = await db.fetch_all("SELECT state, lease_owner FROM jobs")
    assert api.submits == [], "nothing was sent"
    assert row["lease_owner"] is None
    assert row["state"] != JobState.SUBMITTING.value
