"""A server's limit on videos rendering at once (`/videomod limits set max_rendering`) with
two processes sending from one database: a render at APIMart always holds its slot, and a
slot freed in one process calls the next job in line at once, in the other too."""

import asyncio

from bot.i18n import msg
from bot.jobs.models import JobState
from bot.jobs.service import JobService, SubmitTiming
from bot.jobs.stages import LeaseTerms, Stage
from bot.jobs.store import JobStore
from bot.moderation.service import Moderation
from bot.moderation.store import Actor
from tests.fakes.apimart import TaskPlan
from tests.jobs.test_service_and_poller import (
    REQUEST,
    REQUESTER,
    RecordingDelivery,
    make_client,
    make_world,
)


async def one_slot(db, clock):
    """The server renders one video at a time; members may have up to 10 unfinished."""
    moderation = Moderation(db, clock=clock)
    await moderation.store.update_policy(
        Actor(REQUESTER.guild_id, 99),
        msg("change_resumed", moderator="x"),
        default_limit=10,
        max_active=10,
        max_rendering=1,
    )
    return moderation


def a_process(db, api, session, clock, owner):
    store = JobStore(db, clock=clock, leases=LeaseTerms(owner=owner))
    service = JobService(
        store, make_client(api, session), clock=clock, timing=SubmitTiming(first_poll_delay=8)
    )
    return store, service


async def test_a_render_cancelled_while_it_was_sent_still_holds_the_servers_slot(
    db, api, session, clock
):
    """The member cancels while the request is on its way: APIMart renders it anyway, so the
    next video in line (sent by the other process) waits, as on a server allowing one."""
    moderation = await one_slot(db, clock)
    store_a, service_a = a_process(db, api, session, clock, "process-a")
    store_b, service_b = a_process(db, api, session, clock, "process-b")
    first = await store_a.create(
        REQUESTER, REQUEST, now=clock(), submit_by=clock(), admission=moderation
    )
    second = await store_b.create(
        REQUESTER, REQUEST, now=clock(), submit_by=clock() + 60, admission=moderation
    )
    api.delay_next("submit", 0.5)
    sending = asyncio.create_task(service_a.submit(first, member_present=True))
    await api.wait_for_submits(1)  # its request has left: APIMart renders it
    outcome = await store_a.cancel(
        first.id, reason_key="cancelled_by_member", now=clock(), member_told=True
    )
    assert outcome.value == "when_sent"
    report = await service_b.submit(second, member_present=True)
    await sending
    assert len(api.submits) == 1, "two renders at once on a server allowing one"
    assert report.state is JobState.RECORDED


async def test_a_slot_freed_by_another_process_while_the_next_job_was_checked_calls_it(
    db, api, session, clock
):
    """Process B reads the slot taken; process A's render ends at that moment and calls the
    line, while B's job is still being sent (so the call misses it). B's job is due at once,
    not at its recheck 30 s later with the slot idle."""
    moderation = await one_slot(db, clock)
    api.default_plan = TaskPlan(polls_until_done=1)
    store_a, service_a, poller_a = make_world(db, api, session, clock, RecordingDelivery())
    store_b, service_b = a_process(db, api, session, clock, "process-b")
    first = await store_a.create(
        REQUESTER, REQUEST, now=clock(), submit_by=clock(), admission=moderation
    )
    await service_a.submit(first, member_present=True)
    second = await store_b.create(
        REQUESTER, REQUEST, now=clock(), submit_by=clock(), admission=moderation
    )
    slot_limit = store_b.slot_limit

    async def ends_while_read(job):
        limit = await slot_limit(job)  # B reads: the slot is taken
        clock.advance(8)
        await poller_a.run_once()  # A: the render ends now, its slot frees
        return limit

    store_b.slot_limit = ends_while_read
    [claimed] = await store_b.claim_due(Stage.SUBMIT, 1)
    assert claimed.id == second.id
    await service_b.submit_claimed(claimed, member_present=False)
    store_b.slot_limit = slot_limit
    assert (await store_a.get(first.id)).state is JobState.COMPLETED
    assert [job.id for job in await store_b.claim_due(Stage.SUBMIT, 1)] == [second.id]


async def test_two_jobs_in_line_sent_at_once_do_not_hold_each_other_back(db, api, session, clock):
    """Two jobs of a one-slot server claimed in the same round: the older is sent, the newer
    waits (neither waits for the other for ever)."""
    moderation = await one_slot(db, clock)
    store, service = a_process(db, api, session, clock, "process-a")
    for _ in range(2):
        await store.create(REQUESTER, REQUEST, now=clock(), submit_by=clock(), admission=moderation)
    claimed = await store.claim_due(Stage.SUBMIT, 2)
    reports = await asyncio.gather(
        *(service.submit_claimed(job, member_present=False) for job in claimed)
    )
    assert sorted((r.job.id, r.state) for r in reports) == [
        (1, JobState.QUEUED),
        (2, JobState.RECORDED),
    ]
