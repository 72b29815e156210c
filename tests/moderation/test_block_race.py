"""A block lands while a member's burst of /video is being admitted (several processes on one
PostgreSQL): no job of the burst escapes it. A moderator is told the block stopped everything
the member had running; a job committed just after that cancel would render and be posted."""

import asyncio

import pytest

from bot.apimart.models import VideoRequest
from bot.jobs.models import JobRefused, Requester
from bot.jobs.store import JobStore
from bot.moderation.service import Moderation
from bot.moderation.store import Actor
from tests.backends import postgres_only

GUILD = 1
ALICE = Requester(user_id=42, channel_id=7, guild_id=GUILD)
REQUEST = VideoRequest(prompt="a fox in snow", duration=6)
MODERATOR = Actor(GUILD, 99)


async def moderator_block(moderation: Moderation, store: JobStore, clock) -> None:
    """`/videomod block`: her allowance here set to 0, then what she has running cancelled."""
    await moderation.store.set_member_limit(MODERATOR, ALICE.user_id, 0, "spam", None)
    await store.cancel_unfinished(
        GUILD, ALICE.user_id, reason_key="cancelled_by_block", now=clock()
    )


async def operator_block(moderation: Moderation, store: JobStore, clock) -> None:
    """`/videoowner block`: blocked everywhere, then what she has running cancelled."""
    await moderation.block_everywhere(ALICE.user_id, "abuse", set_by=1)
    await store.cancel_unfinished(
        None, ALICE.user_id, reason_key="cancelled_by_operator_block", now=clock()
    )


async def discord_ban(moderation: Moderation, store: JobStore, clock) -> None:
    """Discord's ban, heard (`on_member_ban`): written down, then what she has running
    cancelled. Nothing a moderator set: the ban itself must stop the burst."""
    await moderation.record_ban(GUILD, ALICE.user_id)
    await store.cancel_unfinished(GUILD, ALICE.user_id, reason_key="cancelled_by_ban", now=clock())


@postgres_only
@pytest.mark.parametrize(
    "block", [moderator_block, operator_block, discord_ban], ids=["server", "operator", "ban"]
)
async def test_a_block_during_a_burst_leaves_no_job_of_it_running(db, clock, backend, block):
    moderation = Moderation(db, clock=clock)
    store = JobStore(db, clock=clock)
    admitted = asyncio.Event()
    go_on = asyncio.Event()

    class SlowFirst:
        admission_locks = moderation.admission_locks

        async def admit(self, conn, requester, request, now):
            await moderation.admit(conn, requester, request, now)
            admitted.set()
            await go_on.wait()  # admitted, its insert not committed yet

    async def request(admission):
        try:
            job = await store.create(
                ALICE, REQUEST, now=clock(), submit_by=clock() + 60, admission=admission
            )
        except JobRefused:
            return None
        return job.id

    first = asyncio.create_task(request(SlowFirst()))
    await admitted.wait()
    second = asyncio.create_task(request(moderation))  # the burst's next one waits
    await asyncio.sleep(0.2)
    other_db = await backend.open()  # the moderator's command, served by another process
    try:
        blocking = asyncio.create_task(
            block(Moderation(other_db, clock=clock), JobStore(other_db, clock=clock), clock)
        )
        await asyncio.sleep(0.2)
        go_on.set()
        ids = [job_id for job_id in await asyncio.gather(first, second) if job_id is not None]
        await blocking
    finally:
        await other_db.close()
    escaped = [job.id for job in [await store.get(job_id) for job_id in ids] if not job.cancelled]
    assert escaped == [], "recorded after the block's cancel, so rendered and posted"
