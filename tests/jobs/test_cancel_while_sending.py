"""A member's own cancel that lands while the submit is in flight, then the submit fails."""

import asyncio

import pytest

from bot.jobs.models import JobState
from bot.jobs.stages import Stage
from tests.jobs.test_service_and_poller import (
    REQUEST,
    REQUESTER,
    RecordingDelivery,
    make_world,
)


def cancel_while_sending(store, service, clock, job_id, reason_key, *, member_told):
    """The job's cancel (the member's, or a block) lands while its request is on its way."""
    client = service._client
    real_submit = client.submit

    async def submit(request, **options):
        outcome = await store.cancel(
            job_id, reason_key=reason_key, now=clock(), member_told=member_told
        )
        assert outcome.value == "when_sent"
        return await real_submit(request, **options)

    client.submit = submit


async def rounds(poller, clock):
    """Three poller rounds 8 s apart: long enough for any notice due to be posted."""
    for _ in range(3):
        clock.advance(8)
        await poller.run_once()


@pytest.mark.parametrize("status", [500, 400], ids=["answer-lost", "refused"])
async def test_a_members_own_cancel_is_not_told_again_when_the_submit_fails(
    db, api, session, clock, status
):
    delivery = RecordingDelivery()
    store, service, poller = make_world(db, api, session, clock, delivery)
    api.fail_next("submit", status=status, times=5)
    job = await store.create(REQUESTER, REQUEST, now=clock(), submit_by=clock())
    # The member presses Cancel (answered at once) while the request is on its way.
    cancel_while_sending(store, service, clock, job.id, "cancelled_by_member", member_told=True)
    [claimed] = await store.claim_due(Stage.SUBMIT, 1)
    await service.submit_claimed(claimed, member_present=False)
    stored = await store.get(job.id)
    assert stored.state in (JobState.SUBMIT_UNKNOWN, JobState.REJECTED)
    await rounds(poller, clock)
    assert delivery.delivered == [], "the member read the cancel's answer already"


async def test_a_block_while_the_members_command_sends_is_told_once(db, api, session, clock):
    """A block lands while the member's /video sends the job; APIMart accepts it (so it
    counts). The command answers the member with the notice: not posted a second time."""
    delivery = RecordingDelivery()
    store, service, poller = make_world(db, api, session, clock, delivery)
    job = await store.create(REQUESTER, REQUEST, now=clock(), submit_by=clock() + 60)
    cancel_while_sending(store, service, clock, job.id, "cancelled_by_block", member_told=False)
    report = await service.submit(job, member_present=True)
    assert report.state is JobState.QUEUED and report.job.cancelled
    assert report.member_message.key == "cancel_notice_counted"
    await rounds(poller, clock)
    assert delivery.delivered == [], "the member read the notice in the command's answer"


async def test_a_block_while_the_engine_sends_is_posted(db, api, session, clock):
    """Nobody is waiting on the engine's own submit: the notice is posted for the member."""
    delivery = RecordingDelivery()
    store, service, poller = make_world(db, api, session, clock, delivery)
    job = await store.create(REQUESTER, REQUEST, now=clock(), submit_by=clock())
    cancel_while_sending(store, service, clock, job.id, "cancelled_by_block", member_told=False)
    [claimed] = await store.claim_due(Stage.SUBMIT, 1)
    await service.submit_claimed(claimed, member_present=False)
    await rounds(poller, clock)
    [told] = delivery.delivered
    assert told.id == job.id and told.cancelled


async def test_a_block_before_the_members_command_sends_is_told_once(db, api, session, clock):
    """The block lands first: the command answers with the notice, and it is not posted."""
    delivery = RecordingDelivery()
    store, service, poller = make_world(db, api, session, clock, delivery)
    job = await store.create(REQUESTER, REQUEST, now=clock(), submit_by=clock() + 60)
    await store.cancel(job.id, reason_key="cancelled_by_block", now=clock(), member_told=False)
    report = await service.submit(job, member_present=True)
    assert report.member_message.key == "cancel_notice_refunded"
    await rounds(poller, clock)
    assert delivery.delivered == [], "the member read the notice in the command's answer"
    assert api.submits == []


@pytest.mark.parametrize("first", ["member", "moderator"])
async def test_two_cancels_at_once_on_a_job_being_sent_tell_its_member_once(
    db, api, session, clock, first
):
    """The member's Cancel (answered at once: told) and a moderator's `/videomod cancel` (told
    by a notice) land together while the request is on its way. One of them cancels; the
    other finds it cancelled and writes nothing, so the winner's "told" stands: the member
    reads no notice after their own answer, and exactly one after the moderator's."""
    delivery = RecordingDelivery()
    store, service, poller = make_world(db, api, session, clock, delivery)
    job = await store.create(REQUESTER, REQUEST, now=clock(), submit_by=clock())
    client = service._client
    real_submit = client.submit
    told = {"member": True, "moderator": False}
    order = [first, *(who for who in told if who != first)]
    outcomes = {}

    async def submit(request, **options):
        results = await asyncio.gather(
            *(
                store.cancel(
                    job.id,
                    reason_key=f"cancelled_by_{who}",
                    now=clock(),
                    member_told=told[who],
                    unposted_too=who == "moderator",
                )
                for who in order
            )
        )
        outcomes.update(zip(order, results, strict=True))
        return await real_submit(request, **options)

    client.submit = submit
    [claimed] = await store.claim_due(Stage.SUBMIT, 1)
    await service.submit_claimed(claimed, member_present=False)
    [winner] = [who for who, outcome in outcomes.items() if outcome is not None]
    assert outcomes[winner].value == "when_sent"
    stored = await store.get(job.id)
    assert stored.state is JobState.QUEUED and stored.cancel_reason_key == f"cancelled_by_{winner}"
    await rounds(poller, clock)
    expected = [] if told[winner] else [job.id]
    assert [j.id for j in delivery.delivered] == expected, (winner, delivery.delivered)
