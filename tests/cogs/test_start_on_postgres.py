"""A bot process starting on PostgreSQL, where other processes may be at work."""

import time

from bot.apimart.models import VideoRequest
from bot.jobs.models import JobState, Requester
from bot.jobs.stages import LeaseTerms
from bot.jobs.store import JobStore
from tests.backends import postgres_only
from tests.conftest import FakeClock
from tests.fakes.apimart import TaskPlan
from tests.harness import running_bot


@postgres_only
async def test_a_starting_process_leaves_another_processs_submit_in_flight_alone(
    tmp_path, backend, db
):
    """Unlike SQLite's lone process, it cannot know the other one died: its claim stands."""
    clock = FakeClock(start=time.time())
    other = JobStore(db, clock=clock, leases=LeaseTerms())
    elsewhere = Requester(user_id=5, channel_id=6, guild_id=7)
    sending = await other.create(elsewhere, VideoRequest(prompt="a kite"), now=clock(), submit_by=0)
    assert await other.claim_for_submit(sending.id) is not None
    async with running_bot(
        tmp_path, clock=clock, plan=TaskPlan(polls_until_done=0), database=await backend.open()
    ) as world:
        fake = world.discord
        requester = Requester(
            user_id=fake.user_id, channel_id=fake.channel_id, guild_id=fake.guild_id
        )
        # A job this process's engine sends: its stages run only after the start-up recovery.
        await world.bot.jobs.record(requester, VideoRequest(prompt="a fox"))
        clock.advance(61)
        world.bot.poller.wake()
        await fake.wait_for_message(
            predicate=lambda m: "Job #2 is queued at the video service" in m["content"]
        )
        still = await other.get(sending.id)
        assert still.state is JobState.SUBMITTING
        assert still.version == sending.version + 1, "the other process's claim is untouched"
