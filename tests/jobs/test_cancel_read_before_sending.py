"""A cancel read just before the request would leave, by a process that dies before it
writes the cancel down: nothing left, so the next process refunds it, never "outcome unknown"."""

from bot.jobs.models import JobState
from bot.jobs.stages import Stage
from tests.jobs.test_cancel_while_sending import rounds
from tests.jobs.test_service_and_poller import (
    REQUEST,
    REQUESTER,
    RecordingDelivery,
    make_world,
)


async def test_a_block_read_before_sending_is_refunded_after_a_crash(db, api, session, clock):
    store, _, _ = make_world(db, api, session, clock, RecordingDelivery())
    job = await store.create(REQUESTER, REQUEST, now=clock(), submit_by=clock())
    [claimed] = await store.claim_due(Stage.SUBMIT, 1)
    # A moderator's block lands while the submit waits for its turn...
    await store.cancel(job.id, reason_key="cancelled_by_block", now=clock(), member_told=False)
    # ...the sender reads it with its last renewal, and its process dies right there (killed,
    # the machine lost) before it writes the cancel: the request never left.
    renewal = await store.renew_before_sending(claimed)
    assert renewal is not None and renewal.job.cancelled
    assert not renewal.ban_marked, "the block's mark, not this renewal's"

    delivery = RecordingDelivery()
    after, service, poller = make_world(db, api, session, clock, delivery)
    await service.settle_lost_submits(at_start=True)
    await rounds(poller, clock)

    stored = await after.get(job.id)
    assert api.submits == []
    assert stored.state is JobState.CANCELLED
    assert not stored.counts, "never sent: it must not count against the member"
    [told] = delivery.delivered
    assert told.public_cancel_notice().key == "cancel_notice_refunded"
