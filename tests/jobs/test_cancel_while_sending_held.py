"""A cancel that lands while the job is being sent, and the job is then held back without
anything reaching APIMart (the server's line, a fault before the request left)."""

from bot.i18n import msg
from bot.jobs.budget import RequestBudget
from bot.jobs.models import JobRefused, JobState
from bot.jobs.service import HOLD_SLOT, JobService, SubmitTiming
from bot.jobs.stages import Stage
from bot.moderation.service import Moderation
from bot.moderation.store import Actor
from cogs.member import status_details
from tests.jobs.test_service_and_poller import (
    REQUEST,
    REQUESTER,
    RecordingDelivery,
    make_client,
    make_world,
)


async def a_job_behind_the_servers_one_slot(db, api, session, clock):
    """A server rendering one video at a time (2 each), its slot taken by a video already at
    APIMart; the member's second job recorded behind it, not claimed yet."""
    store, service, _ = make_world(db, api, session, clock, RecordingDelivery())
    moderation = Moderation(db, clock=clock)
    await moderation.store.update_policy(
        Actor(REQUESTER.guild_id, 99),
        msg("change_resumed", moderator="x"),
        default_limit=2,
        max_rendering=1,
    )
    first = await store.create(
        REQUESTER, REQUEST, now=clock(), submit_by=clock(), admission=moderation
    )
    await service.submit(first, member_present=True)
    assert (await store.get(first.id)).state is JobState.QUEUED
    job = await store.create(
        REQUESTER, REQUEST, now=clock(), submit_by=clock(), admission=moderation
    )
    return store, service, moderation, job


async def test_a_cancel_while_sending_then_a_wait_for_a_slot_is_refunded_at_once(
    db, api, session, clock
):
    """The member pressed Cancel while their job was being got ready (its pictures fetched
    again, say); the server's one slot was taken, so it went back into line. Nothing reached
    APIMart: it must end cancelled and stop counting now, not sit in line 'cancelled' and
    holding the member's allowance until a slot frees up."""
    store, service, moderation, job = await a_job_behind_the_servers_one_slot(
        db, api, session, clock
    )
    real_slot_limit = store.slot_limit

    async def slot_limit(claimed):
        outcome = await store.cancel(
            job.id, reason_key="cancelled_by_member", now=clock(), member_told=True
        )
        assert outcome.value == "when_sent"
        return await real_slot_limit(claimed)

    store.slot_limit = slot_limit
    [claimed] = await store.claim_due(Stage.SUBMIT, 1)
    assert claimed.id == job.id
    await service.submit_claimed(claimed, member_present=False)
    stored = await store.get(job.id)
    details = status_details(stored, "en-US", clock())
    assert not stored.counts and stored.state is JobState.CANCELLED, (stored.state, details)
    try:
        await store.create(
            REQUESTER, REQUEST, now=clock(), submit_by=clock() + 60, admission=moderation
        )
    except JobRefused as refusal:
        raise AssertionError(refusal.user_message.render("en-US")) from None


async def test_a_cancel_landing_as_the_job_goes_back_into_line_is_refunded_at_once(
    db, api, session, clock
):
    """The cancel comes after the sender last looked for one, as it puts the job back into the
    server's line: the job is due again at once, so it is refunded and its member told now,
    not left counting against their allowance until its next look at the line."""
    store, service, _, job = await a_job_behind_the_servers_one_slot(db, api, session, clock)
    real_release = store.release_for_retry

    async def release_for_retry(claimed, *args, **kwargs):
        await store.cancel(job.id, reason_key="cancelled_by_member", now=clock(), member_told=True)
        return await real_release(claimed, *args, **kwargs)

    store.release_for_retry = release_for_retry
    [claimed] = await store.claim_due(Stage.SUBMIT, 1)
    await service.submit_claimed(claimed, member_present=False)
    store.release_for_retry = real_release
    [again] = await store.claim_due(Stage.SUBMIT, 1)
    assert again.id == job.id, "due again at once"
    await service.submit_claimed(again, member_present=False)
    stored = await store.get(job.id)
    assert stored.state is JobState.CANCELLED and not stored.counts


async def test_a_job_waiting_for_its_servers_slot_during_an_apimart_pause_stays_in_line(
    db, api, session, clock
):
    """A job behind the server's one slot, looked at while APIMart has paused submits for
    30 s, waits for the slot: its status says so, it is called when the slot frees, and the
    wait does not count toward the 30-minute give-up of APIMart holds."""
    store, _, moderation, job = await a_job_behind_the_servers_one_slot(db, api, session, clock)
    budget = RequestBudget(100.0, clock=clock)
    service = JobService(
        store,
        make_client(api, session),
        clock=clock,
        timing=SubmitTiming(),
        budget=budget,
        admission=moderation,
    )
    budget.refuse_submits(30)  # another job's submit was answered 429 Retry-After: 30
    [claimed] = await store.claim_due(Stage.SUBMIT, 1)
    await service.submit_claimed(claimed, member_present=False)
    stored = await store.get(job.id)
    assert (stored.error_key, stored.held_since) == (HOLD_SLOT, None)
