"""A cancel that lands while the submit is in flight, and APIMart answers busy (nothing made)."""

from bot.i18n import msg
from bot.jobs.models import JobRefused, JobState
from bot.jobs.stages import Stage
from bot.moderation.service import Moderation
from bot.moderation.store import Actor
from cogs.member import status_details
from tests.jobs.test_cancel_while_sending import cancel_while_sending
from tests.jobs.test_service_and_poller import REQUEST, REQUESTER, RecordingDelivery, make_world


async def test_a_cancel_while_sending_then_a_busy_answer_is_refunded_at_once(
    db, api, session, clock
):
    """APIMart answered 503 every time (a gateway's busy: no task made), so the video never
    reached it. The member was told "if it got there it counts; if not, it doesn't": it must
    not count, nor read "it was already being made, so it still counts", nor use up the
    allowance for the next minute."""
    store, service, _ = make_world(db, api, session, clock, RecordingDelivery())
    moderation = Moderation(db, clock=clock)
    await moderation.store.update_policy(
        Actor(REQUESTER.guild_id, 99), msg("change_resumed", moderator="x"), default_limit=1
    )
    api.fail_next("submit", status=503, times=5)
    job = await store.create(
        REQUESTER, REQUEST, now=clock(), submit_by=clock(), admission=moderation
    )
    cancel_while_sending(store, service, clock, job.id, "cancelled_by_member", member_told=True)
    [claimed] = await store.claim_due(Stage.SUBMIT, 1)
    await service.submit_claimed(claimed, member_present=False)
    stored = await store.get(job.id)
    details = status_details(stored, "en-US", clock())
    assert "still counts" not in details, details
    assert not stored.counts and stored.state is JobState.CANCELLED, stored.state
    try:
        await store.create(
            REQUESTER, REQUEST, now=clock(), submit_by=clock() + 60, admission=moderation
        )
    except JobRefused as refusal:
        raise AssertionError(refusal.user_message.render("en-US")) from None
