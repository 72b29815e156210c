"""A ban from the server (Discord's own), written down: what it refuses and stops, and for how
long, on both databases."""

from bot.apimart.models import TaskInfo, VideoRequest
from bot.jobs.models import JobRefused, JobState, Requester
from bot.jobs.stages import Stage
from bot.jobs.store import JobStore
from bot.moderation.bans import BAN_REACH, begin_catch_up, end_catch_up
from bot.moderation.service import Moderation
from tests.jobstates import finished, submitted

GUILD = 1
ALICE = Requester(user_id=42, channel_id=7, guild_id=GUILD)
BOB = Requester(user_id=43, channel_id=7, guild_id=GUILD)
CAROL = Requester(user_id=44, channel_id=7, guild_id=GUILD)
IN_A_DM = Requester(user_id=45, channel_id=8, guild_id=None)
REQUEST = VideoRequest(prompt="a fox in snow", duration=6)


async def record(store, moderation, clock, requester=ALICE):
    return await store.create(
        requester, REQUEST, now=clock(), submit_by=clock() + 60, admission=moderation
    )


async def refusal(store, moderation, clock, requester=ALICE):
    try:
        await record(store, moderation, clock, requester)
    except JobRefused as refused:
        return refused.user_message.key
    return None


async def test_a_job_its_members_ban_reaches_is_marked_cancelled_just_before_it_is_sent(db, clock):
    """Alice's job waits (its ban's cancels missed it: a stop between them); Bob's too. At the
    last look before the request leaves, Alice's carries the ban's cancel; Bob's goes."""
    moderation, store = Moderation(db, clock=clock), JobStore(db, clock=clock)
    hers, his = await record(store, moderation, clock), await record(store, moderation, clock, BOB)
    clock.advance(5)
    await moderation.record_ban(GUILD, ALICE.user_id)
    for job, cancelled in ((hers, True), (his, False)):
        claimed = await store.claim_for_submit(job.id)
        renewal = await store.renew_before_sending(claimed)
        renewed = renewal.job
        assert renewed.cancelled is cancelled
        assert renewal.ban_marked is cancelled, "marked by this renewal: its sender tells it"
        if cancelled:
            assert renewed.cancel_reason_key == "cancelled_by_ban"
            await store.cancel_unsent(renewed, now=clock(), member_told=False)
            assert (await store.get(job.id)).state.value == "cancelled"
        else:
            await store.release(renewed, Stage.SUBMIT)


async def test_a_job_the_bans_own_cancel_marked_while_it_was_being_sent_is_not_told_again(
    db, clock
):
    """Alice's job is being sent when she is banned, and the ban's cancel marks it (its line in
    the mod-log names it). The sender's last look finds the mark: nothing leaves, and the mark
    is not its own to tell (a second line would name the job twice)."""
    moderation, store = Moderation(db, clock=clock), JobStore(db, clock=clock)
    job = await record(store, moderation, clock)
    claimed = await store.claim_for_submit(job.id)
    await moderation.record_ban(GUILD, ALICE.user_id)
    cancelled = await store.cancel_unfinished(
        GUILD, ALICE.user_id, reason_key="cancelled_by_ban", now=clock()
    )
    assert [cancel.job_id for cancel in cancelled] == [job.id]
    renewal = await store.renew_before_sending(claimed)
    assert renewal.job.cancelled and not renewal.ban_marked


async def test_a_ban_refuses_what_is_asked_within_its_reach_and_an_unban_ends_it(db, clock):
    """Banned: a request saved now (Discord sent it before the ban) is refused. One saved past
    the ban's reach came after an unban the bot did not hear: it is judged as before, and its
    job is sent. An unban heard ends the refusal at once."""
    moderation, store = Moderation(db, clock=clock), JobStore(db, clock=clock)
    await moderation.record_ban(GUILD, ALICE.user_id)
    assert await refusal(store, moderation, clock) == "mod_banned_here"
    assert (await moderation.refusal_before_fetching(ALICE)).key == "mod_banned_here"
    assert await refusal(store, moderation, clock, BOB) is None, "only Alice is banned"
    clock.advance(BAN_REACH + 1)
    job = await record(store, moderation, clock)
    renewal = await store.renew_before_sending(await store.claim_for_submit(job.id))
    assert not renewal.job.cancelled, "asked after an unban the bot did not hear"
    await moderation.record_ban(GUILD, ALICE.user_id)
    assert await refusal(store, moderation, clock) == "mod_banned_here"
    await moderation.lift_ban(GUILD, ALICE.user_id)
    assert await refusal(store, moderation, clock) is None


async def test_a_saved_ban_reaches_the_jobs_its_member_asked_before_it(db, clock):
    """The last look before a video is posted: Alice's job asked before her ban is reached;
    Bob's is not, nor Alice's asked past the ban's reach (after an unban the bot missed)."""
    moderation, store = Moderation(db, clock=clock), JobStore(db, clock=clock)
    hers, his = await record(store, moderation, clock), await record(store, moderation, clock, BOB)
    await moderation.record_ban(GUILD, ALICE.user_id)
    assert await store.ban_reaches(hers) and not await store.ban_reaches(his)
    clock.advance(BAN_REACH + 1)
    later = await record(store, moderation, clock)
    assert not await store.ban_reaches(later)


async def test_the_members_a_missed_ban_would_concern_include_those_with_a_video_not_posted(
    db, clock
):
    """At a start, whose bans to look up: Alice's video, finished while the bot was down, is
    made but not posted yet (a ban would still withhold it); Bob's waits to be sent. Carol's
    was posted, and a DM's video has no server: neither is looked up."""
    moderation, store = Moderation(db, clock=clock), JobStore(db, clock=clock)
    made = "https://cdn.example/v.mp4"
    for requester in (ALICE, CAROL, IN_A_DM):
        job = await submitted(store, await record(store, moderation, clock, requester), now=clock())
        info = TaskInfo(task_id=job.task_id, status="completed", video_url=made)
        await finished(store, job, JobState.COMPLETED, now=clock(), info=info)
    [posted] = [job for job in await store.claim_due(Stage.DELIVER, 10) if job.requester == CAROL]
    assert await store.mark_delivered(posted, now=clock(), message_id=1)
    await record(store, moderation, clock, BOB)
    assert await store.members_with_unfinished() == {GUILD: [ALICE.user_id, BOB.user_id]}


async def test_a_missed_ban_is_looked_for_since_the_oldest_job_it_would_concern(db, clock):
    """At a start, how far back the server's audit log is read for bans: to when the oldest job
    a ban would still stop there was asked (Alice's, still to be sent); Carol's older one was
    posted, and a DM's has no server."""
    moderation, store = Moderation(db, clock=clock), JobStore(db, clock=clock)
    for requester in (CAROL, IN_A_DM):
        job = await submitted(store, await record(store, moderation, clock, requester), now=clock())
        info = TaskInfo(task_id=job.task_id, status="completed", video_url="https://cdn.ex/v.mp4")
        await finished(store, job, JobState.COMPLETED, now=clock(), info=info)
    [posted] = [job for job in await store.claim_due(Stage.DELIVER, 10) if job.requester == CAROL]
    assert await store.mark_delivered(posted, now=clock(), message_id=1)
    clock.advance(60)
    oldest = clock()
    await record(store, moderation, clock)
    clock.advance(60)
    await record(store, moderation, clock, BOB)
    await record(store, moderation, clock)
    assert await store.unfinished_since() == {GUILD: oldest}


async def test_a_catch_up_of_missed_bans_holds_videos_until_it_ends_or_its_deadline(db, clock):
    """Two processes start and catch up the bans they missed: videos in servers wait for the
    later deadline while both are under way, for the other's once one is done, for none once
    both are; one that died at its start holds them only until its deadline, and the next
    start clears its mark."""
    store = JobStore(db, clock=clock)
    assert await store.ban_catch_up_until(clock()) is None
    await begin_catch_up(db, "a", now=clock(), until=clock() + 60)
    await begin_catch_up(db, "b", now=clock(), until=clock() + 30)
    assert await store.ban_catch_up_until(clock()) == clock() + 60
    await end_catch_up(db, "a")
    assert await store.ban_catch_up_until(clock()) == clock() + 30
    clock.advance(31)  # "b" died before it was done
    assert await store.ban_catch_up_until(clock()) is None
    await begin_catch_up(db, "c", now=clock(), until=clock() + 60)
    await end_catch_up(db, "c")
    assert await db.fetch_all("SELECT key FROM bot_state WHERE key LIKE 'bans-catch-up:%'") == []


async def test_a_lone_process_on_its_database_clears_the_catch_up_a_killed_one_left(db, clock):
    """SQLite's lone process was killed during its catch-up, and started again at once: the
    mark it left would hold its videos until its deadline; the new start clears it."""
    store = JobStore(db, clock=clock)
    await begin_catch_up(db, "killed", now=clock(), until=clock() + 60)
    await begin_catch_up(db, "again", now=clock(), until=clock() + 30, alone=True)
    assert await store.ban_catch_up_until(clock()) == clock() + 30
