"""A budget counts a video not billed yet at the figure its member was quoted when it was
recorded (`jobs.quoted_credits`), not at what newer prices say: a real database (SQLite and
PostgreSQL), a hand-moved clock."""

import pytest

from bot.apimart.models import VideoRequest
from bot.jobs.models import JobState, Requester
from bot.moderation.periods import budget_window
from bot.moderation.service import Moderation
from tests.moderation.test_admission import ALICE, GUILD, end, record, refusal, set_limits
from tests.moderation.test_personal import ALICE_PERSONAL, BOB_PERSONAL, moderation_with

BOB = Requester(user_id=43, channel_id=7, guild_id=GUILD)
ELSEWHERE = Requester(user_id=70, channel_id=700, guild_id=2)
CHEAP = VideoRequest(prompt="a fox", duration=4, resolution="720p")  # 2 expected at first
DEAR = VideoRequest(prompt="a fox in snow", duration=10, resolution="4k")  # 15 expected


@pytest.fixture
def moderation(db, clock):
    return Moderation(db, clock=clock)


async def learn_price(store, clock, request, credits):
    """Three videos like `request` made in another server, each charged `credits`: the price
    of such a video moves to it, and nothing is spent of this server's budget."""
    for _ in range(3):
        job = await store.create(ELSEWHERE, request, now=clock(), submit_by=clock() + 60)
        await end(store, clock, job, JobState.COMPLETED, credits)


async def forget_quote(db, job_id):
    """As a job recorded before the bot kept what it quoted."""
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE jobs SET quoted_credits = NULL, quoted_samples = NULL WHERE id = ?", (job_id,)
        )


async def test_a_video_being_made_holds_what_it_was_quoted_though_prices_rose(
    store, moderation, clock
):
    """Alice was told about 2 credits; newer videos like hers were charged 10. Her video still
    holds the 2 she was quoted of a 20-credit budget, so Bob's 15-credit video fits (17), and
    the moderator's budget reads the same."""
    await set_limits(moderation, monthly_budget=20.0)
    await record(store, moderation, clock, ALICE, CHEAP)
    await learn_price(store, clock, CHEAP, 10)
    assert (await record(store, moderation, clock, BOB, DEAR)).id
    use = await moderation.store.budget_used(GUILD)
    assert (use.held, use.spent) == (17.0, 0.0)


async def test_a_video_recorded_before_quotes_were_kept_holds_what_is_learned_now(
    db, store, clock, moderation
):
    await set_limits(moderation, monthly_budget=20.0)
    alices = await record(store, moderation, clock, ALICE, CHEAP)
    await forget_quote(db, alices.id)
    await learn_price(store, clock, CHEAP, 10)
    text = await refusal(store, moderation, clock, BOB, DEAR)
    assert "expected to cost 15 credits" in text and "10 credits left" in text, text
    assert (await moderation.store.budget_used(GUILD)).held == 10.0


async def test_a_finished_video_without_credits_counts_what_it_was_quoted_though_prices_rose(
    store, moderation, clock
):
    """APIMart left the credits out of its answer for Alice's video, quoted 2: every view of
    the month's spending counts the 2, however newer prices move."""
    await set_limits(moderation, monthly_budget=20.0)
    alices = await record(store, moderation, clock, ALICE, CHEAP)
    await end(store, clock, alices, JobState.COMPLETED, credits=None)
    await learn_price(store, clock, CHEAP, 10)
    window = budget_window(clock())
    use = await moderation.store.budget_used(GUILD)
    assert (use.spent, use.held) == (2.0, 0.0)
    assert await moderation.store.credits_of(GUILD, ALICE.user_id, window) == 2.0
    [top] = await moderation.store.top_credits(GUILD, window, 5)
    assert (top.user_id, top.credits) == (ALICE.user_id, 2.0)
    [usage] = await moderation.store.top_usage(GUILD, window, 5)
    assert usage.credits == 2.0


async def test_the_personal_budget_holds_what_a_video_was_quoted_though_prices_rose(
    db, store, clock
):
    moderation = moderation_with(db, clock, videos_per_day=10, max_active=5, monthly_budget=20)
    await store.create(
        ALICE_PERSONAL, CHEAP, now=clock(), submit_by=clock() + 60, admission=moderation
    )
    await learn_price(store, clock, CHEAP, 10)
    bobs = await store.create(
        BOB_PERSONAL, DEAR, now=clock(), submit_by=clock() + 60, admission=moderation
    )
    assert bobs.id
    assert (await moderation.store.budget_used(None)).held == 17.0


async def test_a_video_waiting_is_sent_at_what_it_and_those_before_it_were_quoted(
    store, moderation, clock
):
    """Two videos quoted 2 each fit a 5-credit budget when asked for; newer prices say 10 each.
    The check before the second is sent counts the 2s its members were told, and sends it."""
    await set_limits(moderation, monthly_budget=5.0)
    await record(store, moderation, clock, ALICE, CHEAP)
    bobs = await record(store, moderation, clock, BOB, CHEAP)
    personal = await store.create(ALICE_PERSONAL, CHEAP, now=clock(), submit_by=clock() + 60)
    await learn_price(store, clock, CHEAP, 10)
    assert not await store.over_budget(bobs)
    # Outside servers too, under the operator's budget: its own quote is all it counts.
    assert not await store.over_budget(personal, personal_budget=2.0)
