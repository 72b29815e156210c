"""/videomod usage: the server's "spent" and its members' credits count the same videos."""

import pytest

from bot.apimart.models import VideoRequest
from bot.jobs.models import JobState, Requester
from bot.moderation.periods import budget_window
from bot.moderation.report import job_lines
from bot.moderation.service import Moderation
from tests.jobstates import finished, submitted
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


@pytest.mark.parametrize("followed", [True, False])
async def test_the_job_line_of_a_video_the_budget_holds_after_its_end_shows_that_figure(
    store, moderation, clock, followed
):
    """A render given up on but still followed (APIMart may yet finish and bill it), or one
    whose submit got no answer, is held by the budget at what its member was quoted:
    `/videomod limits show` reads "15 more held for videos not billed yet (… any whose submit
    got no answer)". Its line in `/videomod jobs` must say that figure, not read as a job that
    cost nothing: the moderator could not find what the 15 held is for. One given up on and no
    longer followed is held by nothing, and its line says no figure."""
    await set_limits(moderation, monthly_budget=100.0)
    dear = VideoRequest(prompt="a fox in snow", duration=10, resolution="4k")  # 15 expected
    alice = Requester(user_id=42, channel_id=7, guild_id=GUILD)
    lost = await record(store, moderation, clock, alice, dear)
    await end(store, clock, lost, JobState.SUBMIT_UNKNOWN)
    given_up = await record(store, moderation, clock, alice, dear)
    given_up = await submitted(store, given_up, now=clock(), task_id="task_given_up")
    follow_up_at = clock() + 600 if followed else None
    await finished(store, given_up, JobState.TIMED_OUT, now=clock(), follow_up_at=follow_up_at)
    use = await moderation.store.budget_used(GUILD)
    assert use.held == (30.0 if followed else 15.0), use
    lines = [
        line.render("en-US")
        for line in job_lines(await moderation.store.recent_jobs(GUILD, None, 10))
    ]
    timed_out, unknown = lines
    held = "expected cost about 15 credits, a fox in snow"
    assert f"unknown (still counts), {held}" in unknown, unknown
    if followed:
        assert f"timed out (still counts), {held}" in timed_out, timed_out
    else:
        assert "credits" not in timed_out, timed_out
    zh = job_lines(await moderation.store.recent_jobs(GUILD, None, 10))[1].render("zh-CN")
    assert "未知（仍计入额度），预计花费约 15 积分" in zh, zh  # noqa: RUF001
