"""The admission check in the job insert's transaction: a real database, a hand-moved clock."""

import asyncio
import contextlib
import dataclasses
import itertools
from datetime import UTC, datetime

import pytest

from bot.apimart.models import TaskInfo, TaskStatus, VideoRequest
from bot.i18n import Listed, msg, plural
from bot.jobs.models import AlreadyRecorded, JobRefused, JobState, Requester
from bot.jobs.stages import Stage
from bot.jobs.store import JobStore
from bot.moderation.facts import budget_lock
from bot.moderation.models import short_of
from bot.moderation.pending import ConfirmationNeeded
from bot.moderation.personal import admission_lock
from bot.moderation.service import Moderation
from bot.moderation.store import Actor
from bot.observability.health import database_problem
from bot.storage import postgres
from bot.storage.postgres import PostgresDatabase
from tests.backends import held_by_a_silent_process, postgres_only
from tests.jobstates import claimed, finished, submitted, unsubmitted

GUILD = 1
ALICE = Requester(user_id=42, channel_id=7, guild_id=GUILD)
REQUEST = VideoRequest(prompt="a fox in snow", duration=6)
MOD = Actor(GUILD, 99)
_task_ids = itertools.count(1)


@pytest.fixture
def moderation(db, clock):
    return Moderation(db, clock=clock)


async def record(store, moderation, clock, requester=ALICE, request=REQUEST):
    """Ask for a job the way the job service does."""
    return await store.create(
        requester, request, now=clock(), submit_by=clock() + 60, admission=moderation
    )


async def refusal(store, moderation, clock, requester=ALICE, request=REQUEST):
    """The sentence a refused member reads, in English."""
    with pytest.raises(JobRefused) as caught:
        await record(store, moderation, clock, requester, request)
    return caught.value.user_message.render("en-US")


async def end(store, clock, job, state, credits=None):
    """Move a recorded job to a final state the way the service and poller do."""
    if state in (JobState.REJECTED, JobState.SUBMIT_UNKNOWN):
        await unsubmitted(store, job, state, now=clock())
        return
    job = await submitted(store, job, now=clock(), task_id=f"task_{next(_task_ids)}")
    status = {JobState.COMPLETED: TaskStatus.COMPLETED, JobState.FAILED: TaskStatus.FAILED}.get(
        state, TaskStatus.CANCELLED
    )
    info = TaskInfo(task_id="t", status=status, progress=100, credits_cost=credits)
    await finished(store, job, state, now=clock(), info=info)


async def make_done(store, moderation, clock, count, requester=ALICE, credits=4):
    for _ in range(count):
        job = await record(store, moderation, clock, requester)
        await end(store, clock, job, JobState.COMPLETED, credits)


async def set_limits(moderation, **values):
    await moderation.store.update_policy(MOD, msg("change_resumed", moderator="x"), **values)


async def test_the_sixth_video_of_the_day_is_refused_with_when_it_resets(store, moderation, clock):
    await make_done(store, moderation, clock, 5)
    text = await refusal(store, moderation, clock)
    midnight = datetime.fromtimestamp(clock(), UTC).replace(hour=0, minute=0, second=0)
    reset = int(midnight.timestamp()) + 86400
    assert "used all your videos today (5 videos)" in text
    assert f"<t:{reset}:R>" in text and f"<t:{reset}:F>" in text


@pytest.mark.parametrize("state", [JobState.REJECTED, JobState.FAILED, JobState.CANCELLED])
async def test_a_job_apimart_made_nothing_of_is_refunded(store, moderation, clock, state):
    """Refused, failed (APIMart bills a failed task 0) or cancelled by APIMart: not counted."""
    await set_limits(moderation, default_limit=1)
    await end(store, clock, await record(store, moderation, clock), state)
    assert (await record(store, moderation, clock)).id == 2


@pytest.mark.parametrize("state", [JobState.TIMED_OUT, JobState.SUBMIT_UNKNOWN])
async def test_a_job_apimart_may_still_make_keeps_counting(store, moderation, clock, state):
    """Given up on, or its submit's answer lost: APIMart was asked, so it counts."""
    await set_limits(moderation, default_limit=1)
    await end(store, clock, await record(store, moderation, clock), state)
    assert "used all your videos today (1 video)" in await refusal(store, moderation, clock)


async def test_a_failed_job_apimart_billed_all_the_same_keeps_counting(store, moderation, clock):
    """Billed means counted: otherwise a member could retry without end at the account's cost,
    and the budget (which sums what APIMart billed) would disagree with the allowance."""
    await set_limits(moderation, default_limit=1, cooldown_seconds=3600)
    await end(store, clock, await record(store, moderation, clock), JobState.FAILED, credits=4)
    assert "used all your videos today (1 video)" in await refusal(store, moderation, clock)


async def test_a_job_cancelled_before_it_was_sent_is_refunded(store, moderation, clock):
    await set_limits(moderation, default_limit=1)
    job = await record(store, moderation, clock)
    assert await store.cancel(
        job.id, reason_key="cancelled_by_member", now=clock(), member_told=True
    )
    assert (await record(store, moderation, clock)).id == 2


@pytest.mark.parametrize("apimart_says", [None, JobState.COMPLETED])
async def test_a_job_cancelled_after_apimart_accepted_it_keeps_counting(
    store, moderation, clock, apimart_says
):
    """Cancel means "don't post it": the render APIMart was asked for still counts."""
    await set_limits(moderation, default_limit=1)
    job = await record(store, moderation, clock)
    job = await submitted(store, job, now=clock(), task_id="task_c")
    assert await store.cancel(
        job.id, reason_key="cancelled_by_member", now=clock(), member_told=True
    )
    if apimart_says is not None:
        info = TaskInfo(task_id="task_c", status=TaskStatus.COMPLETED, progress=100, credits_cost=4)
        await finished(store, job, apimart_says, now=clock(), info=info)
    assert "used all your videos today (1 video)" in await refusal(store, moderation, clock)


async def test_a_cancelled_render_is_no_longer_one_of_the_members_unfinished_jobs(
    store, moderation, clock
):
    """It still counts against the allowance, but the member may start another right away."""
    for _ in range(2):
        job = await record(store, moderation, clock)
        await submitted(store, job, now=clock())
    assert "already have 2 videos in progress" in await refusal(store, moderation, clock)
    assert await store.cancel(1, reason_key="cancelled_by_member", now=clock(), member_told=True)
    assert (await record(store, moderation, clock)).id == 3


async def test_a_completed_job_keeps_counting(store, moderation, clock):
    await set_limits(moderation, default_limit=1)
    await make_done(store, moderation, clock, 1)
    assert "used all your videos today (1 video)" in await refusal(store, moderation, clock)


async def test_the_allowance_starts_again_at_the_reset_hour(store, moderation, clock):
    await set_limits(moderation, default_limit=1, reset_hour=9)  # the clock reads 08:00 UTC
    await make_done(store, moderation, clock, 1)
    await refusal(store, moderation, clock)
    clock.advance(3600)
    assert (await record(store, moderation, clock)).id == 2


async def test_the_highest_allowance_among_a_members_roles_wins(moderation):
    await moderation.store.set_role_limit(MOD, 10, 1)
    await moderation.store.set_role_limit(MOD, 11, 8)
    facts = await moderation.store.facts(dataclasses.replace(ALICE, role_ids=(10, 11, 12)))
    assert (facts.allowance.limit, facts.allowance.source) == (8, "role")


async def test_a_role_allowance_of_0_blocks_members_with_that_role(store, moderation, clock):
    """`role set role:@Muted allowance:0` blocks its members, even one whose level role allows
    10 a period; their own allowance still comes first, as it beats every role."""
    await moderation.store.set_role_limit(MOD, 11, 10)
    change = await moderation.store.set_role_limit(MOD, 10, 0)
    assert "whatever their other roles allow" in change.render("en-US")
    muted = dataclasses.replace(ALICE, role_ids=(10, 11, GUILD))
    assert "Your allowance in this server is 0 videos" in await refusal(
        store, moderation, clock, muted
    )
    await moderation.store.set_member_limit(MOD, ALICE.user_id, 2, "appeal heard", None)
    assert (await record(store, moderation, clock, muted)).id == 1


async def test_a_role_allowance_replaces_the_default_even_when_lower(store, moderation, clock):
    await moderation.store.set_role_limit(MOD, 10, 1)
    newcomer = dataclasses.replace(ALICE, role_ids=(10,))
    await make_done(store, moderation, clock, 1, newcomer)
    assert "used all your videos today (1 video)" in await refusal(
        store, moderation, clock, newcomer
    )


async def test_an_everyone_allowance_is_the_default_that_any_other_role_replaces(
    store, moderation, clock
):
    """`role set role:@everyone allowance:3` sets what members without another role's allowance
    get; a Newcomer role's 1 a day still holds (every member carries @everyone, whose id is the
    server's)."""
    await moderation.store.set_role_limit(MOD, GUILD, 3)
    await moderation.store.set_role_limit(MOD, 10, 1)
    newcomer = dataclasses.replace(ALICE, role_ids=(10, GUILD))
    await make_done(store, moderation, clock, 1, newcomer)
    assert "used all your videos today (1 video)" in await refusal(
        store, moderation, clock, newcomer
    )
    anyone = await moderation.store.facts(dataclasses.replace(ALICE, role_ids=(12, GUILD)))
    assert (anyone.allowance.limit, anyone.allowance.source) == (3, "role")


async def test_a_members_own_allowance_beats_their_roles(moderation):
    await moderation.store.set_role_limit(MOD, 10, 50)
    await moderation.store.set_member_limit(MOD, ALICE.user_id, 2, "too many", None)
    facts = await moderation.store.facts(dataclasses.replace(ALICE, role_ids=(10,)))
    assert (facts.allowance.limit, facts.allowance.source) == (2, "member")


async def test_a_blocked_member_is_told_why(store, moderation, clock):
    await moderation.store.set_member_limit(MOD, ALICE.user_id, 0, "spam", None)
    text = await refusal(store, moderation, clock)
    assert "blocked you from making videos" in text and "spam" in text


async def test_a_block_with_an_expiry_ends_by_itself(store, moderation, clock):
    until = clock() + 3600
    await moderation.store.set_member_limit(MOD, ALICE.user_id, 0, "cool off", until)
    assert f"until <t:{int(until)}:F>" in await refusal(store, moderation, clock)
    clock.advance(3601)
    assert (await record(store, moderation, clock)).id == 1


async def test_at_most_two_unfinished_jobs_by_default(store, moderation, clock):
    first = await record(store, moderation, clock)
    await record(store, moderation, clock)
    assert "already have 2 videos in progress" in await refusal(store, moderation, clock)
    await end(store, clock, first, JobState.COMPLETED)
    assert (await record(store, moderation, clock)).id == 3


async def test_a_member_over_a_lowered_at_once_limit_is_told_how_many_must_finish(
    store, moderation, clock
):
    """Alice has 3 videos being made when a moderator lowers the limit to 1 at a time. "Wait
    for one to finish, then try again" would be refused again once one finishes: she is told
    all 3 must, and is admitted once they have."""
    await set_limits(moderation, max_active=3)
    jobs = [await record(store, moderation, clock) for _ in range(3)]
    await set_limits(moderation, max_active=1)
    text = await refusal(store, moderation, clock)
    assert "wait for one to finish" not in text, text
    assert "wait for 3 of them to finish" in text, text
    for job in jobs[:2]:
        await end(store, clock, job, JobState.COMPLETED)
    assert "wait for one to finish" in await refusal(store, moderation, clock)
    await end(store, clock, jobs[2], JobState.COMPLETED)
    await record(store, moderation, clock)


async def test_a_cooldown_spaces_out_a_members_videos(store, moderation, clock):
    await set_limits(moderation, cooldown_seconds=60)
    await record(store, moderation, clock)
    clock.advance(30)
    assert f"<t:{int(clock() + 30)}:R>" in await refusal(store, moderation, clock)
    clock.advance(30)
    assert (await record(store, moderation, clock)).id == 2


@pytest.mark.parametrize("ended", [JobState.REJECTED, JobState.FAILED, JobState.CANCELLED])
async def test_a_video_that_did_not_count_starts_no_cooldown(store, moderation, clock, ended):
    """'Nothing was counted; change the request and try again' must let them try again."""
    await set_limits(moderation, cooldown_seconds=3600)
    job = await record(store, moderation, clock)
    await end(store, clock, job, ended)
    clock.advance(5)
    assert (await record(store, moderation, clock)).id == 2


async def test_a_failed_video_apimart_billed_starts_the_cooldown(store, moderation, clock):
    await set_limits(moderation, cooldown_seconds=3600)
    await end(store, clock, await record(store, moderation, clock), JobState.FAILED, credits=4)
    clock.advance(5)
    assert f"<t:{int(clock() + 3595)}:R>" in await refusal(store, moderation, clock)


async def test_without_a_cooldown_two_commands_at_once_are_both_admitted_in_either_order(
    store, moderation, clock
):
    """The command that read the clock first may commit second (or run in a process whose
    clock is a hair behind): with no cooldown set, that is never a reason to refuse."""
    read_first = clock()
    clock.advance(0.01)
    await record(store, moderation, clock)
    job = await store.create(
        ALICE, REQUEST, now=read_first, submit_by=read_first + 60, admission=moderation
    )
    assert job.id == 2


async def test_4k_reserved_for_supporters_is_refused_to_others(store, moderation, clock):
    supporter = 77
    await moderation.store.reserve_option(MOD, "resolution:4k", "4k", supporter)
    in_4k = REQUEST.model_copy(update={"resolution": "4k"})
    text = await refusal(store, moderation, clock, request=in_4k)
    assert "4K is reserved for members with <@&77>" in text
    assert (await record(store, moderation, clock)).request.resolution == "720p"
    fan = dataclasses.replace(ALICE, role_ids=(supporter,))
    assert (await record(store, moderation, clock, fan, in_4k)).request.resolution == "4k"


async def test_a_reserved_duration_is_refused_to_others(store, moderation, clock):
    await moderation.store.reserve_option(MOD, "duration:10", "10s", 77)
    long = REQUEST.model_copy(update={"duration": 10})
    assert "10 s is reserved" in await refusal(store, moderation, clock, request=long)


async def test_a_reference_video_is_held_to_the_longest_length_it_may_make(
    store, moderation, clock
):
    """It sets the length itself (up to 10 s, and is priced so): 10 s reserved covers it."""
    await moderation.store.reserve_option(MOD, "duration:10", "10s", 77)
    with_clip = REQUEST.model_copy(
        update={"duration": None, "video_urls": ("https://cdn.example/clip.mp4",)}
    )
    text = await refusal(store, moderation, clock, request=with_clip)
    assert "A reference video sets the length, up to 10 s" in text
    assert "<@&77>" in text
    fan = dataclasses.replace(ALICE, role_ids=(77,))
    assert (await record(store, moderation, clock, fan, with_clip)).request.video_urls


async def test_videos_are_refused_outside_the_listed_channels(store, moderation, clock):
    await moderation.store.add_channel(MOD, 8)
    assert "use one of these channels: <#8>" in await refusal(store, moderation, clock)
    in_8 = dataclasses.replace(ALICE, channel_id=8)
    assert (await record(store, moderation, clock, in_8)).id == 1
    # A thread of a listed channel (or a post of a listed forum) follows it.
    in_a_thread_of_8 = dataclasses.replace(ALICE, channel_id=80, parent_channel_id=8)
    assert (await record(store, moderation, clock, in_a_thread_of_8)).id == 2
    in_a_thread_of_9 = dataclasses.replace(ALICE, channel_id=90, parent_channel_id=9)
    assert "use one of these channels" in await refusal(store, moderation, clock, in_a_thread_of_9)


async def test_new_jobs_are_refused_once_the_monthly_budget_is_spent(store, moderation, clock):
    await set_limits(moderation, monthly_budget=12.0)
    bob = Requester(user_id=43, channel_id=7, guild_id=GUILD)
    await make_done(store, moderation, clock, 2, credits=4)
    await make_done(store, moderation, clock, 1, bob, credits=4)
    text = await refusal(store, moderation, clock)
    assert "budget for the month is used up (12 of 12 credits)." in text


async def test_a_video_dearer_than_the_budget_left_is_refused_with_what_is_left(
    store, moderation, clock
):
    await set_limits(moderation, monthly_budget=10.0)
    await make_done(store, moderation, clock, 2, credits=4)
    text = await refusal(store, moderation, clock)  # 6 s at 720p: 3 credits expected
    assert "expected to cost 3 credits" in text
    assert "only 2 credits left this month" in text
    assert "Nothing was counted" in text


async def test_videos_being_made_hold_their_expected_cost_against_the_budget(
    store, moderation, clock
):
    """Credits are reported only once a render completes: without holding what the renders in
    flight will cost, six members could each start a 15-credit video on a budget with 1 left."""
    await set_limits(moderation, monthly_budget=40.0)
    dear = VideoRequest(prompt="a fox in snow", duration=10, resolution="4k")  # 15 expected
    members = [Requester(user_id=100 + n, channel_id=7, guild_id=GUILD) for n in range(6)]
    made = []
    for member in members:
        try:
            made.append(await record(store, moderation, clock, member, dear))
        except JobRefused as refused:
            text = refused.user_message.render("en-US")
            break
    # 2 x 15 promised; a third (45) would pass the 40.
    assert len(made) == 2
    assert "expected to cost 15 credits" in text
    assert "10 credits left" in text
    # A cheaper video still fits what is left.
    cheap = VideoRequest(prompt="a fox", duration=4, resolution="720p")  # 2 expected
    assert (await record(store, moderation, clock, members[5], cheap)).id
    # Once a render reports what it cost, that figure counts instead of the expected one.
    await end(store, clock, made[0], JobState.COMPLETED, credits=3)
    assert (await record(store, moderation, clock, members[4], dear)).id


async def test_a_finished_video_apimart_reported_no_credits_for_still_holds_its_cost(
    store, moderation, clock
):
    """APIMart finished two 15-credit renders but left `credits_cost` out of its answer: they
    were billed all the same, and must not read as free, or a 40-credit budget would let
    every member in."""
    await set_limits(moderation, monthly_budget=40.0)
    dear = VideoRequest(prompt="a fox in snow", duration=10, resolution="4k")  # 15 expected
    for user_id in (100, 101):
        made = await record(store, moderation, clock, Requester(user_id, 7, GUILD), dear)
        await end(store, clock, made, JobState.COMPLETED, credits=None)
    text = await refusal(store, moderation, clock, Requester(102, 7, GUILD), dear)
    assert "expected to cost 15 credits" in text and "10 credits left" in text


async def test_a_budget_used_up_by_finished_videos_does_not_promise_room_from_videos_being_made(
    store, moderation, clock
):
    """A finished video APIMart sent no credits for counts at its expected cost: spent, not
    held, so with nothing being made the refusal does not promise room "sooner if the videos
    being made cost less than expected" (nothing is being made: that never comes)."""
    await set_limits(moderation, monthly_budget=15.0)
    dear = VideoRequest(prompt="a fox in snow", duration=10, resolution="4k")  # 15 expected
    made = await record(store, moderation, clock, request=dear)
    await end(store, clock, made, JobState.COMPLETED, credits=None)
    bob = Requester(user_id=43, channel_id=7, guild_id=GUILD)
    text = await refusal(store, moderation, clock, bob, REQUEST)
    assert "used up (15 of 15 credits)" in text
    assert "videos being made" not in text


async def test_a_budget_held_by_videos_being_made_reads_as_used_up(store, moderation, clock):
    await set_limits(moderation, monthly_budget=15.0)
    dear = VideoRequest(prompt="a fox in snow", duration=10, resolution="4k")
    await record(store, moderation, clock, request=dear)
    bob = Requester(user_id=43, channel_id=7, guild_id=GUILD)
    text = await refusal(store, moderation, clock, bob, REQUEST)
    assert "budget for the month is used up (15 of 15 credits" in text


async def test_the_budget_starts_again_next_month(store, moderation, clock):
    await set_limits(moderation, monthly_budget=4.0)
    await make_done(store, moderation, clock, 1, credits=4)
    await refusal(store, moderation, clock)
    clock.advance(31 * 86400)
    assert (await record(store, moderation, clock)).id == 2


async def test_a_banned_word_is_refused_before_anything_is_saved(store, moderation, clock, db):
    events = []

    async def sink(guild_id, message, skip):
        events.append((guild_id, message.render("en-US")))

    moderation.feed.connect(sink)
    await moderation.store.add_banned(MOD, "gore")
    gory = VideoRequest(prompt="Lots of GORE @everyone")
    assert "words this server doesn't allow (`GORE`)" in await refusal(
        store, moderation, clock, request=gory
    )
    await moderation.feed.drain()
    assert await db.fetch_all("SELECT id FROM jobs") == []
    [(guild_id, text)] = events
    assert guild_id == GUILD
    assert "<@42> in <#7>: it matched `gore`" in text
    assert text.endswith("\nLots of GORE @everyone")


async def test_a_banned_word_in_leetspeak_or_stretched_is_refused_as_typed(
    store, moderation, clock
):
    await moderation.store.add_banned(MOD, "gore")
    for prompt, quoted in (("Lots of G0R3", "G0R3"), ("a gooore fest", "gooore")):
        text = await refusal(store, moderation, clock, request=VideoRequest(prompt=prompt))
        assert f"words this server doesn't allow (`{quoted}`)" in text


async def test_a_spelled_out_word_is_not_refused_for_a_banned_acronym_it_begins_with(
    store, moderation, clock
):
    await moderation.store.add_banned(MOD, "cp")
    job = await record(store, moderation, clock, request=VideoRequest(prompt="a C P U glowing"))
    assert job.id == 1


async def test_while_paused_for_balance_every_new_job_is_refused(store, moderation, clock):
    await moderation.pause.on_balance(False)
    assert "balance is empty" in await refusal(store, moderation, clock)
    assert await moderation.pause.resume()
    assert (await record(store, moderation, clock)).id == 1


async def test_servers_other_than_the_members_are_not_affected(store, moderation, clock):
    await moderation.store.set_member_limit(MOD, ALICE.user_id, 0, "spam", None)
    elsewhere = dataclasses.replace(ALICE, guild_id=2)
    assert (await record(store, moderation, clock, elsewhere)).id == 1


async def assert_a_burst_of_50_with_3_left_makes_exactly_3_jobs(processes, clock, db):
    """Fifty requests at once from a member with 3 of the default 5 left, taken in turn by
    `processes` (each a store and its moderation): 3 jobs made, 47 told the allowance is spent."""
    store, moderation = processes[0]
    await set_limits(moderation, max_active=50)
    await make_done(store, moderation, clock, 2)
    results = await asyncio.gather(
        *(record(*processes[i % len(processes)], clock) for i in range(50)),
        return_exceptions=True,
    )
    refused = [r for r in results if isinstance(r, JobRefused)]
    assert len(refused) == 47
    assert {r.user_message.key for r in refused} == {"mod_quota_spent"}
    counted = await db.fetch_all("SELECT id FROM jobs WHERE state = 'recorded'")
    assert len(counted) == 3


async def test_a_burst_of_50_with_3_left_makes_exactly_3_jobs(store, moderation, clock, db):
    await assert_a_burst_of_50_with_3_left_makes_exactly_3_jobs([(store, moderation)], clock, db)


async def two_processes(store, moderation, clock, backend):
    """This process's store and moderation, and a second process's (its own pool)."""
    other_db = await backend.open()
    return [
        (store, moderation),
        (JobStore(other_db, clock=clock), Moderation(other_db, clock=clock)),
    ]


@postgres_only
async def test_a_burst_spread_over_two_processes_makes_exactly_3_jobs(
    store, moderation, clock, db, backend
):
    """Two processes (two pools) admit for the same member at once: still exactly 3."""
    processes = await two_processes(store, moderation, clock, backend)
    await assert_a_burst_of_50_with_3_left_makes_exactly_3_jobs(processes, clock, db)


@postgres_only
async def test_members_asking_at_once_in_two_processes_cannot_share_the_budget_left(
    store, moderation, clock, db, backend
):
    """Twenty members, two processes, a budget with room for two 15-credit videos: two made."""
    processes = await two_processes(store, moderation, clock, backend)
    await set_limits(moderation, monthly_budget=30.0)
    dear = VideoRequest(prompt="a fox in snow", duration=10, resolution="4k")
    results = await asyncio.gather(
        *(
            record(
                *processes[n % 2],
                clock,
                Requester(user_id=200 + n, channel_id=7, guild_id=GUILD),
                dear,
            )
            for n in range(20)
        ),
        return_exceptions=True,
    )
    refused = [r for r in results if isinstance(r, JobRefused)]
    assert len(refused) == 18
    assert {r.user_message.key for r in refused} <= {"mod_budget_spent_held", "mod_budget_short"}
    counted = await db.fetch_all("SELECT id FROM jobs WHERE state = 'recorded'")
    assert len(counted) == 2


OTHER_SERVER = Requester(user_id=77, channel_id=9, guild_id=2)


@postgres_only
@pytest.mark.parametrize("held", ["member", "budget"])
async def test_admissions_waiting_on_a_lock_leave_the_rest_of_the_process_working(
    clock, db, backend, held
):
    """A dozen /video of one member (or of one budgeted server's members) wait on a lock
    another process holds: they must not take every pooled connection of this process (10, as
    the bot opens it), or no other server's command, status check, delivery or health probe
    of this process reaches the database until the lock is given back."""
    process = await PostgresDatabase.open(backend.dsn, schema=backend.schema)
    backend.opened.append(process)
    store, moderation = JobStore(process, clock=clock), Moderation(process, clock=clock)
    await set_limits(moderation, monthly_budget=1000.0)
    if held == "member":
        lock, askers = admission_lock(ALICE.user_id), [ALICE] * 12
    else:
        lock = budget_lock(GUILD)
        askers = [dataclasses.replace(ALICE, user_id=300 + n) for n in range(12)]
    waiting: list[asyncio.Task] = []
    try:
        async with held_by_a_silent_process(await backend.open(), lock):
            waiting += [asyncio.create_task(record(store, moderation, clock, a)) for a in askers]
            await asyncio.sleep(0.5)  # each has taken what it takes before waiting on the lock

            async with asyncio.timeout(3):
                job = await record(store, moderation, clock, OTHER_SERVER)
                assert await database_problem(process) is None, "/healthz: the database answers"
    finally:
        await asyncio.gather(*waiting, return_exceptions=True)
    assert job.requester == OTHER_SERVER


@postgres_only
async def test_an_admission_held_up_by_a_silent_process_tells_the_member_to_try_again(
    store, moderation, clock, db, backend, monkeypatch
):
    """Each of the member's waiting commands is told, within `LOCK_WAIT`, that it was not
    taken (not "Something went wrong", not an answer 30 s late); nothing counts, and once the
    lock is free the member is admitted."""
    monkeypatch.setattr(postgres, "LOCK_WAIT", 0.5)
    member = ALICE
    async with held_by_a_silent_process(await backend.open(), admission_lock(member.user_id)):
        async with asyncio.timeout(5):
            answers = await asyncio.gather(
                *(refusal(store, moderation, clock, member) for _ in range(3)),
                return_exceptions=True,
            )
    assert answers == [msg("admission_busy").render("en-US")] * 3
    assert await db.fetch_all("SELECT id FROM jobs") == []
    assert (await record(store, moderation, clock, member)).requester == member


@postgres_only
async def test_a_member_held_up_for_their_turn_and_at_each_lock_hears_within_lock_wait_in_all(
    store, moderation, clock, db, backend, monkeypatch
):
    """The member's second `/video` waits behind their first for its turn in this process,
    then on their admission lock (another process lets it go late), then on their server's
    budget lock (held by a process gone silent): each wait nearly `LOCK_WAIT`, yet the member
    is told to try again within `LOCK_WAIT` of asking, not two or three times it."""
    lock_wait = 1.0
    monkeypatch.setattr(postgres, "LOCK_WAIT", lock_wait)
    member = ALICE
    await set_limits(moderation, monthly_budget=1000.0)
    busy = msg("admission_busy").render("en-US")
    loop = asyncio.get_running_loop()

    async def answered_after(pause: float) -> tuple[str, float]:
        await asyncio.sleep(pause)
        asked = loop.time()
        return await refusal(store, moderation, clock, member), loop.time() - asked

    async with (
        held_by_a_silent_process(await backend.open(), budget_lock(member.guild_id)),
        contextlib.AsyncExitStack() as late,
    ):
        await late.enter_async_context(
            held_by_a_silent_process(await backend.open(), admission_lock(member.user_id))
        )
        first = asyncio.create_task(answered_after(0))
        second = asyncio.create_task(answered_after(0.3 * lock_wait))
        assert await first == (busy, pytest.approx(lock_wait, abs=0.25 * lock_wait))
        # The second has waited for its turn; the member's lock is given back only now, and
        # their server's budget lock never.
        await asyncio.sleep(0.2 * lock_wait)
        await late.aclose()
        answer, waited = await second
    assert answer == busy
    assert waited <= 1.25 * lock_wait, f"told to try again only after {waited:.2f} s"
    assert await db.fetch_all("SELECT id FROM jobs") == []


async def test_every_change_is_audited_and_reads_in_chinese_too(moderation):
    await set_limits(moderation, default_limit=3)
    await moderation.store.update_policy(
        MOD,
        msg(
            "change_limits",
            moderator="<@99>",
            limit=plural("count_videos", 3),
            period=msg("mod_period_week"),
            reset_at="<t:1:F>",
            max_active=2,
            cooldown=plural("count_seconds", 1),
        ),
        period="week",
    )
    await moderation.store.set_member_limit(MOD, 42, 0, "spam", None)
    rows = await moderation.store.recent_audit(GUILD, 10)
    assert [row.change.key for row in rows] == [
        "change_member_blocked",
        "change_limits",
        "change_resumed",
    ]
    assert rows[0].moderator_id == 99
    assert "每周 3 个视频" in rows[1].change.render("zh-CN")
    # Counts kept in the audit trail still read naturally: "1 second", not "1 seconds".
    assert "3 videos per member per week" in rows[1].change.render("en-US")
    assert "1 second between videos" in rows[1].change.render("en-US")


async def test_one_members_audit_holds_the_changes_by_or_about_them_only(moderation):
    """Member 42's changes, on either database: not those about 421 (whose mention starts as
    42's does), nor another moderator's about someone else."""
    await moderation.store.set_member_limit(MOD, 421, 0, "spam", None)
    await moderation.store.set_member_limit(MOD, 42, 0, "spam", None)
    await moderation.store.set_member_limit(Actor(GUILD, 42), 7, 3, "trusted", None)
    await moderation.store.set_member_limit(Actor(GUILD, 8), 9, 3, "trusted", None)
    rows = await moderation.store.recent_audit(GUILD, 10, 42)
    assert [(row.moderator_id, row.change.values["member"]) for row in rows] == [
        (42, "<@7>"),
        (99, "<@42>"),
    ]
    assert len(await moderation.store.recent_audit(GUILD, 10)) == 4


async def test_a_command_seen_twice_makes_one_job_and_its_echo_is_not_told_it_used_all(
    store, moderation, clock, db
):
    """Discord delivers one command to two processes: the member with 1 left gets 1 video."""
    await make_done(store, moderation, clock, 4)  # 1 of the default 5 left
    command = dataclasses.replace(ALICE, origin_id="interaction:123")
    job = await record(store, moderation, clock, command)
    with pytest.raises(AlreadyRecorded) as caught:
        await record(store, moderation, clock, command)
    assert caught.value.job_id == job.id
    recorded = await db.fetch_all("SELECT id FROM jobs WHERE state = 'recorded'")
    assert [row["id"] for row in recorded] == [job.id]
    # Another command of the same member is still counted as usual.
    assert "used all" in await refusal(
        store, moderation, clock, dataclasses.replace(ALICE, origin_id="interaction:124")
    )


@postgres_only
async def test_a_command_seen_by_two_processes_at_once_makes_exactly_one_job(
    store, moderation, clock, db, backend
):
    """Two processes (two pools) record the same interaction at once: one job, the rest echo."""
    other_db = await backend.open()
    other = (JobStore(other_db, clock=clock), Moderation(other_db, clock=clock))
    await make_done(store, moderation, clock, 4)  # 1 of the default 5 left
    command = dataclasses.replace(ALICE, origin_id="interaction:123")
    processes = [(store, moderation), other]
    results = await asyncio.gather(
        *(record(*processes[i % 2], clock, command) for i in range(10)), return_exceptions=True
    )
    jobs = [r for r in results if not isinstance(r, BaseException)]
    echoes = [r for r in results if isinstance(r, AlreadyRecorded)]
    assert len(jobs) == 1
    assert len(echoes) == 9
    assert {echo.job_id for echo in echoes} == {jobs[0].id}
    recorded = await db.fetch_all("SELECT id FROM jobs WHERE state = 'recorded'")
    assert len(recorded) == 1


async def test_the_usage_list_counts_the_same_credits_as_one_members_usage(
    store, moderation, clock
):
    """APIMart billed a render that made no video (completed without one, so `failed`): it
    counts, and the period's top list shows the jobs and credits `/videomod usage member:` and
    the budget count."""
    bob = Requester(user_id=43, channel_id=7, guild_id=GUILD)
    await end(store, clock, await record(store, moderation, clock), JobState.COMPLETED, 3)
    await end(store, clock, await record(store, moderation, clock), JobState.FAILED, 4)
    await end(store, clock, await record(store, moderation, clock, bob), JobState.FAILED, 5)
    window = (await moderation.store.facts(ALICE)).window
    rows = await moderation.store.top_usage(GUILD, window, 10)
    assert [(row.user_id, row.jobs, row.credits) for row in rows] == [(42, 2, 7.0), (43, 1, 5.0)]
    assert await moderation.store.credits_of(GUILD, ALICE.user_id, window) == 7.0


def test_a_video_costing_exactly_what_is_left_fits():
    # 15.8 + 2.1 + 2.1 is 20.000000000000004 in floating point.
    assert short_of(20.0, 15.8 + 2.1, 2.1) is None
    assert short_of(20.0, 15.8 + 2.1, 2.2) == pytest.approx(2.1)


async def test_a_video_expected_to_cost_exactly_the_threshold_needs_no_confirmation(
    store, moderation, clock
):
    """/videomod confirm asks about videos expected to cost *more* than the threshold."""
    await set_limits(moderation, confirm_above=3.0)  # the 6 s default is expected at 3
    await record(store, moderation, clock)
    await set_limits(moderation, confirm_above=2.9)
    with pytest.raises(ConfirmationNeeded):
        await record(store, moderation, clock)


async def test_a_servers_question_confirmed_outside_its_rules_makes_no_job(
    db, store, moderation, clock
):
    """A cost question is asked under a server's rules, and only recording a job there ends
    it. Confirmed where the member's personal allowance applies (the server removed the bot),
    nothing ended it: every press of it made a job. Refused now, each time."""
    await set_limits(moderation, confirm_above=2.0)
    with pytest.raises(ConfirmationNeeded):
        await record(store, moderation, clock)
    asked = await moderation.pending.hold(ALICE, REQUEST, expected_credits=3.0, lasting=300)
    personal = dataclasses.replace(ALICE, guild_id=None, confirms=asked.token)
    for _ in range(2):
        with pytest.raises(JobRefused):
            await record(store, moderation, clock, personal)
    assert (await db.fetch_one("SELECT COUNT(*) FROM jobs"))[0] == 0


async def test_a_render_given_up_on_holds_its_cost_while_apimart_may_still_bill_it(
    store, moderation, clock
):
    """A timed-out render is still followed for a day, and billed if APIMart finishes it: its
    expected cost stays held until the follow-up ends, or the budget admits videos it cannot
    pay for."""
    await set_limits(moderation, monthly_budget=6.0)
    job = await submitted(store, await record(store, moderation, clock), now=clock())  # 3 held
    claim = await claimed(store, job.id, Stage.POLL)
    await store.finish(
        claim, JobState.TIMED_OUT, now=clock(), reason_key="task_timed_out", follow_up_at=clock()
    )
    assert (await moderation.store.budget_used(GUILD)).held == 3.0
    bob = Requester(user_id=43, channel_id=7, guild_id=GUILD)
    assert (await record(store, moderation, clock, bob)).id  # 3 + 3: the budget is full
    carol = Requester(user_id=44, channel_id=7, guild_id=GUILD)
    assert "budget for the month is used up" in await refusal(store, moderation, clock, carol)
    # APIMart finishes it after all, for 2 credits: that figure counts instead.
    followed = await claimed(store, job.id, Stage.POLL)
    info = TaskInfo(
        task_id="t",
        status=TaskStatus.COMPLETED,
        progress=100,
        credits_cost=2.0,
        video_url="https://v.example/1.mp4",
    )
    assert await store.record_late_end(followed, info, now=clock())
    use = await moderation.store.budget_used(GUILD)
    assert (use.spent, use.held) == (2.0, 3.0)


async def test_a_render_given_up_on_without_a_follow_up_holds_nothing(store, moderation, clock):
    await set_limits(moderation, monthly_budget=6.0)
    job = await submitted(store, await record(store, moderation, clock), now=clock())
    claim = await claimed(store, job.id, Stage.POLL)
    await store.finish(claim, JobState.TIMED_OUT, now=clock(), reason_key="task_timed_out")
    assert (await moderation.store.budget_used(GUILD)).held == 0.0


async def test_a_followed_render_asked_for_later_counts_against_a_job_waiting_before_it(
    store, moderation, clock
):
    waiting = await record(store, moderation, clock)  # stays recorded: about to be sent
    bob = Requester(user_id=43, channel_id=7, guild_id=GUILD)
    later = await submitted(store, await record(store, moderation, clock, bob), now=clock())
    claim = await claimed(store, later.id, Stage.POLL)
    await store.finish(
        claim, JobState.TIMED_OUT, now=clock(), reason_key="task_timed_out", follow_up_at=clock()
    )
    await set_limits(moderation, monthly_budget=5.0)  # 3 still held + 3 for `waiting`
    assert await store.over_budget(await store.get(waiting.id))


async def test_a_listed_change_reads_back_from_the_audit_in_each_language(moderation):
    """The jobs a block cancelled are a list: the audit keeps it a list, so `/videomod audit`
    reads it back the way the reader's language lists."""
    jobs = Listed(["#11", "#12"])
    await moderation.store.record(
        MOD, msg("mod_block_cancelled_refunded", member="<@1>", jobs=jobs)
    )
    [row] = await moderation.store.recent_audit(GUILD, 5)
    assert row.change.render("en-US").endswith("#11, #12.")
    assert "#11\u3001#12" in row.change.render("zh-CN")
