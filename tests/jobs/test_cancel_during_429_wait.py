"""A cancel that lands while a submit waits out APIMart's 429: nothing was accepted, so the
job stops there, unsent and not counted, whatever the service's client would retry itself."""

import asyncio

import pytest

from bot.apimart import APIMartClient, RetryPolicy
from bot.jobs.cancels import CancelOutcome
from bot.jobs.models import JobState
from tests.jobs.test_cancel_while_sending import rounds
from tests.jobs.test_service_and_poller import REQUEST, REQUESTER, RecordingDelivery, make_world


class HeldWait:
    """The client's sleep: it waits until the test lets it go, saying when it began."""

    def __init__(self) -> None:
        self.began = asyncio.Event()
        self.over = asyncio.Event()

    async def __call__(self, _seconds: float) -> None:
        self.began.set()
        await self.over.wait()


@pytest.mark.parametrize(
    ("reason_key", "member_told"),
    [("cancelled_by_member", True), ("cancelled_by_block", False)],
    ids=["members-cancel", "block"],
)
async def test_a_cancel_during_a_429s_wait_stops_the_job_unsent_and_not_counted(
    db, api, session, clock, reason_key, member_told
):
    wait = HeldWait()
    # A client as the class comes by default: it retries a submit's 429 itself (4 times,
    # waiting up to 2 minutes each).
    client = APIMartClient(
        session, base_url=api.base_url, api_key="test-key", retry=RetryPolicy(), sleep=wait
    )
    delivery = RecordingDelivery()
    store, service, poller = make_world(db, api, session, clock, delivery, client=client)
    api.fail_next("submit", status=429, retry_after_header="30")
    job = await store.create(REQUESTER, REQUEST, now=clock(), submit_by=clock() + 60)
    sending = asyncio.create_task(service.submit(job, member_present=True))
    await api.wait_for_submits(1)
    # APIMart said "not now, in 30 s": the job waits (in the client or in the database).
    waiting = asyncio.create_task(wait.began.wait())
    await asyncio.wait({sending, waiting}, return_when=asyncio.FIRST_COMPLETED)
    waiting.cancel()

    outcome = await store.cancel(
        job.id, reason_key=reason_key, now=clock(), member_told=member_told
    )
    wait.over.set()
    clock.advance(30)
    await sending
    await rounds(poller, clock)

    # The canceller reads "never sent to the video service, so it doesn't count", not
    # "it was being sent: it may count".
    assert outcome is CancelOutcome.REFUNDED
    assert api.task_ids == [], "APIMart accepted no submit after the cancel"
    assert len(api.submits) == 1, "only the refused one ever left"
    stored = await store.get(job.id)
    assert stored.state is JobState.CANCELLED
    assert not stored.counts, "never accepted: it must not count against the member"
    if member_told:
        assert delivery.delivered == [], "the member read the cancel's answer already"
    else:
        [told] = delivery.delivered
        assert told.public_cancel_notice().key == "cancel_notice_refunded"
