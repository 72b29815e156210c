"""The personal scope (issue 17): requests outside servers that installed the bot follow the
operator's limits, counted per user on a real database (SQLite and PostgreSQL)."""

from dataclasses import replace

import pytest

from bot.apimart.models import VideoRequest
from bot.jobs.models import JobRefused, JobState, Requester
from bot.moderation.pending import ConfirmationNeeded
from bot.moderation.personal import PersonalLimits
from bot.moderation.service import Moderation
from tests.moderation.test_admission import end

GUILD = 1
ALICE_PERSONAL = Requester(user_id=42, channel_id=7, guild_id=None)
BOB_PERSONAL = Requester(user_id=43, channel_id=8, guild_id=None)
ALICE_IN_SERVER = Requester(user_id=42, channel_id=9, guild_id=GUILD)
REQUEST = VideoRequest(prompt="a fox in snow", duration=6)


def moderation_with(db, clock, **limits):
    return Moderation(db, clock=clock, personal=PersonalLimits(**limits))


async def record(store, moderation, clock, requester):
    return await store.create(
        requester, REQUEST, now=clock(), submit_by=clock() + 60, admission=moderation
    )


async def refusal(store, moderation, clock, requester):
    with pytest.raises(JobRefused) as caught:
        await record(store, moderation, clock, requester)
    return caught.value.user_message.render("en-US")


async def test_the_daily_allowance_is_per_user_and_spends_no_server_allowance(db, store, clock):
    moderation = moderation_with(db, clock, videos_per_day=2, max_active=5)
    for _ in range(2):
        await record(store, moderation, clock, ALICE_PERSONAL)
    assert "used all your videos today (2 videos)" in await refusal(
        store, moderation, clock, ALICE_PERSONAL
    )
    # Bob's own allowance is untouched, and so is the server's for Alice.
    await record(store, moderation, clock, BOB_PERSONAL)
    await record(store, moderation, clock, ALICE_IN_SERVER)
    server_facts = await moderation.facts(ALICE_IN_SERVER)
    assert server_facts.used == 1
    personal_facts = await moderation.facts(ALICE_PERSONAL)
    assert (personal_facts.used, personal_facts.left) == (2, 0)
    # A new day (UTC) gives the allowance back.
    clock.advance(86400)
    for _ in range(2):
        job = await record(store, moderation, clock, ALICE_PERSONAL)
        await end(store, clock, job, JobState.COMPLETED)


async def test_unfinished_videos_are_capped_and_a_refund_does_not_count(db, store, clock):
    moderation = moderation_with(db, clock, videos_per_day=3, max_active=1)
    job = await record(store, moderation, clock, ALICE_PERSONAL)
    assert "1 at a time" in await refusal(store, moderation, clock, ALICE_PERSONAL)
    await end(store, clock, job, JobState.FAILED)  # APIMart made nothing: refunded
    await record(store, moderation, clock, ALICE_PERSONAL)
    assert (await moderation.facts(ALICE_PERSONAL)).used == 1


async def test_a_failed_video_apimart_billed_counts_outside_servers_too(db, store, clock):
    moderation = moderation_with(db, clock, videos_per_day=1, max_active=5)
    job = await record(store, moderation, clock, ALICE_PERSONAL)
    await end(store, clock, job, JobState.FAILED, credits=4)
    assert "used all your videos today (1 video)" in await refusal(
        store, moderation, clock, ALICE_PERSONAL
    )


async def test_the_monthly_budget_for_personal_requests_is_shared(db, store, clock):
    moderation = moderation_with(db, clock, videos_per_day=10, max_active=5, monthly_budget=8)
    for requester in (ALICE_PERSONAL, BOB_PERSONAL):
        job = await record(store, moderation, clock, requester)
        await end(store, clock, job, JobState.COMPLETED, credits=4)
    text = await refusal(store, moderation, clock, ALICE_PERSONAL)
    assert "credits for videos made outside servers that added this bot are used up" in text
    # A server's own budget is another matter.
    await record(store, moderation, clock, ALICE_IN_SERVER)


async def test_an_allowance_of_zero_turns_personal_requests_off(db, store, clock):
    moderation = moderation_with(db, clock, videos_per_day=0)
    assert "turned them off everywhere else" in await refusal(
        store, moderation, clock, ALICE_PERSONAL
    )
    assert await moderation.refusal_before_fetching(ALICE_PERSONAL) is not None
    await record(store, moderation, clock, ALICE_IN_SERVER)


async def test_an_operator_block_holds_everywhere_until_lifted(db, store, clock):
    moderation = moderation_with(db, clock)
    await moderation.block_everywhere(42, "spam", set_by=1)
    for requester in (ALICE_PERSONAL, ALICE_IN_SERVER):
        assert "operator has blocked you" in await refusal(store, moderation, clock, requester)
        early = await moderation.refusal_before_fetching(requester)
        assert early is not None and early.key == "owner_blocked"
    await record(store, moderation, clock, BOB_PERSONAL)
    assert await moderation.unblock_everywhere(42)
    assert not await moderation.unblock_everywhere(42)
    await record(store, moderation, clock, ALICE_PERSONAL)


async def test_a_spent_personal_budget_is_what_the_quota_says_not_videos_left(db, store, clock):
    moderation = moderation_with(db, clock, videos_per_day=10, max_active=5, monthly_budget=4)
    job = await record(store, moderation, clock, ALICE_PERSONAL)
    await end(store, clock, job, JobState.COMPLETED, credits=4)
    facts, barred = await moderation.standing(ALICE_PERSONAL)
    assert facts.left == 9
    assert barred is not None
    assert "used up for this month" in barred.render("en-US")
    _, in_server = await moderation.standing(ALICE_IN_SERVER)
    assert in_server is None, "a server's own rules are another matter"


async def test_a_personal_video_dearer_than_the_personal_budget_left_is_refused(db, store, clock):
    """5 credits spent of the operator's 7: a video expected to cost 3 would pass the budget
    (not yet used up), so it is refused with what is left, not admitted."""
    moderation = moderation_with(db, clock, videos_per_day=10, max_active=5, monthly_budget=7)
    job = await record(store, moderation, clock, BOB_PERSONAL)
    await end(store, clock, job, JobState.COMPLETED, credits=5)
    text = await refusal(store, moderation, clock, ALICE_PERSONAL)
    assert "expected to cost" in text and "only" in text, text


async def test_personal_credits_held_by_a_video_being_made_may_come_back_before_the_month_ends(
    db, store, clock
):
    """4 credits a month outside servers; Bob's video (3 expected) is still being made, so 1 is
    left, less than the cheapest video. Alice must not read that videos come back only when
    the month ends: if Bob's video fails, or costs less, they come back sooner."""
    moderation = moderation_with(db, clock, videos_per_day=10, max_active=5, monthly_budget=4)
    await record(store, moderation, clock, BOB_PERSONAL)
    text = await refusal(store, moderation, clock, ALICE_PERSONAL)
    assert "counting what the videos being made now are expected to cost" in text, text
    assert "sooner if the videos being made cost less than expected, fail or are" in text, text
    assert "Nothing was counted" in text
    _, barred = await moderation.standing(ALICE_PERSONAL)
    assert barred is not None
    quota = barred.render("en-US")
    assert "sooner if the videos being made" in quota and "Nothing was counted" not in quota
    assert "正在生成的视频" in barred.render("zh-CN")


async def test_personal_credits_too_few_for_any_video_are_said_as_what_is_left(db, store, clock):
    """5 credits a month outside servers, 4 spent: 1 is left, less than the cheapest video
    (2). The refusal says so, as /videoowner usage shows "1 credit left" and a server's budget
    says it, not "used up"."""
    moderation = moderation_with(db, clock, videos_per_day=10, max_active=5, monthly_budget=5)
    job = await record(store, moderation, clock, BOB_PERSONAL)
    await end(store, clock, job, JobState.COMPLETED, credits=4)
    text = await refusal(store, moderation, clock, ALICE_PERSONAL)
    assert "have only 1 credit left this month: less than the cheapest video (2 credits)" in (
        text
    ), text
    assert "Nothing was counted" in text
    _, barred = await moderation.standing(ALICE_PERSONAL)
    assert barred is not None
    quota = barred.render("en-US")
    assert "only 1 credit left" in quota and "Nothing was counted" not in quota
    assert "只剩 1 积分" in barred.render("zh-CN"), barred.render("zh-CN")


async def jobs_and_questions(db):
    jobs = (await db.fetch_one("SELECT COUNT(*) FROM jobs"))[0]
    questions = (await db.fetch_one("SELECT COUNT(*) FROM pending_requests"))[0]
    return jobs, questions


async def test_another_members_video_is_asked_about_under_the_personal_allowance_once(
    db, store, clock
):
    """Regenerate on another member's result, where the member's personal allowance applies
    (a server that removed the bot): asked about first, whatever it costs, as in a server.
    Confirmed, one job ends the question; pressed again, nothing more is made. A server's job
    cannot end it, nor a refusal: the question stays open, nothing counted."""
    moderation = moderation_with(db, clock, videos_per_day=1, max_active=5)
    with pytest.raises(ConfirmationNeeded) as needed:
        await record(store, moderation, clock, replace(BOB_PERSONAL, asks_cost_first=True))
    assert needed.value.threshold is None
    assert await jobs_and_questions(db) == (0, 0), "nothing recorded before the question"
    expected = needed.value.expected.credits
    asked = await moderation.pending.hold(
        BOB_PERSONAL, REQUEST, expected_credits=expected, lasting=300
    )
    confirm = replace(BOB_PERSONAL, confirms=asked.token)

    with pytest.raises(JobRefused):
        await record(store, moderation, clock, replace(confirm, guild_id=GUILD))
    assert await jobs_and_questions(db) == (0, 1), "a server's job ends no personal question"

    await record(store, moderation, clock, confirm)
    assert await jobs_and_questions(db) == (1, 0)
    with pytest.raises(JobRefused):
        await record(store, moderation, clock, confirm)  # the second press of a double click
    assert await jobs_and_questions(db) == (1, 0)

    # His allowance spent: a confirm refused leaves its question open, nothing counted.
    again = await moderation.pending.hold(
        BOB_PERSONAL, REQUEST, expected_credits=expected, lasting=300
    )
    assert "used all your videos today" in await refusal(
        store, moderation, clock, replace(BOB_PERSONAL, confirms=again.token)
    )
    assert await jobs_and_questions(db) == (1, 1)


async def test_a_personal_question_whose_price_rose_is_asked_again_not_spent(db, store, clock):
    """The figure agreed to is below what such videos are now expected to cost: asked again,
    nothing recorded, the question left for the press to replace."""
    moderation = moderation_with(db, clock, videos_per_day=5, max_active=5)
    asked = await moderation.pending.hold(BOB_PERSONAL, REQUEST, expected_credits=1.0, lasting=300)
    with pytest.raises(ConfirmationNeeded) as needed:
        await record(store, moderation, clock, replace(BOB_PERSONAL, confirms=asked.token))
    assert needed.value.expected.credits > 1.0
    assert await jobs_and_questions(db) == (0, 1)
