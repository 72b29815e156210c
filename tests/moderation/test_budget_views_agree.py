"""/videomod usage: the server's "spent" and its members' credits count the same videos."""

import pytest

from bot.apimart.models import VideoRequest
from bot.jobs.models import JobState, Requester
from bot.moderation.periods import budget_window
from bot.moderation.report import job_lines
from bot.moderation.service import Moderation
from tests.moderation.test_admission import GUILD, end, record, set_limits


@pytest.fixture
def moderation(db, clock):
    return Moderation(db, clock=clock)


async def test_a_finished_video_without_reported_credits_is_spent_by_its_member_too(
    store, moderation, clock
):
    """The budget counts a finished video APIMart sent no credits for as spent at its expected
    cost (15 for a 10 s 4K one). `/videomod usage` shows that server figure next to the top
    spenders and, for one member, what they spent: they must add up, not read "15 credits
    spent by this server" with "Nobody has spent credits this month yet" under it."""
    await set_limits(moderation, monthly_budget=100.0)
    dear = VideoRequest(prompt="a fox in snow", duration=10, resolution="4k")  # 15 expected
    alice = Requester(user_id=42, channel_id=7, guild_id=GUILD)
    made = await record(store, moderation, clock, alice, dear)
    await end(store, clock, made, JobState.COMPLETED, credits=None)
    use = await moderation.store.budget_used(GUILD)
    month = budget_window(clock())
    assert use.spent == 15.0 and use.held == 0.0
    top = await moderation.store.top_credits(GUILD, month, 10)
    own = await moderation.store.credits_of(GUILD, alice.user_id, month)
    assert sum(row.credits for row in top) == use.spent, top
    assert own == use.spent, own


async def test_the_job_line_of_a_video_without_reported_credits_shows_what_it_counts_for(
    store, moderation, clock
):
    """`/videomod usage member:` reads "@alice spent 15 credits this month" and lists her jobs
    under it; `/videomod jobs` lists the same lines. The finished video the budget counts at
    15 must not read as one that cost nothing (a line with no credits is what a refunded or
    not yet charged job reads): the moderator cannot find where the 15 went."""
    dear = VideoRequest(prompt="a fox in snow", duration=10, resolution="4k")  # 15 expected
    alice = Requester(user_id=42, channel_id=7, guild_id=GUILD)
    made = await record(store, moderation, clock, alice, dear)
    await end(store, clock, made, JobState.COMPLETED, credits=None)
    month = budget_window(clock())
    assert await moderation.store.credits_of(GUILD, alice.user_id, month) == 15.0
    jobs = await moderation.store.recent_jobs(GUILD, alice.user_id, 10)
    line = job_lines(jobs)[0].render("en-US")
    assert "about 15 credits (not reported by APIMart)" in line, line


async def test_the_job_line_of_a_reference_video_without_reported_credits_says_up_to(
    store, moderation, clock
):
    """A reference video sets the length, so the budget counts it at the most it may cost
    (15 for 4K at the longest length): its line says "up to", as the cost question did, not
    "about", which would pass a ceiling off as an estimate."""
    copied = VideoRequest(
        prompt="dance like this",
        resolution="4k",
        video_urls=("https://cdn.example/moves.mp4",),
    )
    alice = Requester(user_id=42, channel_id=7, guild_id=GUILD)
    made = await record(store, moderation, clock, alice, copied)
    await end(store, clock, made, JobState.COMPLETED, credits=None)
    jobs = await moderation.store.recent_jobs(GUILD, alice.user_id, 10)
    line = job_lines(jobs)[0].render("en-US")
    assert "up to 15 credits (not reported by APIMart)" in line, line
