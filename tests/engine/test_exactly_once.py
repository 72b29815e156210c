"""Exactly once, whatever the traffic: a crash between posting a result and marking it delivered
never leads to a second post, however many messages came in between, in a channel or a DM.

The job's clock starts at the real time: the search for an earlier post compares the attempt's
start with the time inside Discord's message ids.
"""

import time

import discord
import pytest

from bot.apimart.models import TaskInfo, TaskStatus, VideoRequest
from bot.delivery import Delivery
from bot.discord_time import DiscordClock
from bot.jobs.models import CHANNEL_TARGET, JobState, Requester
from bot.jobs.poller import DeliveryOutcome
from bot.jobs.stages import Stage
from bot.jobs.status_marks import StatusMarks
from bot.jobs.store import JobStore
from bot.status_messages import StatusMessages
from tests.conftest import FakeClock
from tests.engine.world import results
from tests.harness import BOT_TOKEN
from tests.jobstates import claimed, finished, submitted

CHATTER = 300


@pytest.fixture
def clock():
    return FakeClock(start=time.time())


def rendered(job, api, clock):
    """APIMart's answer for `job`'s finished render; its video is served by the fake."""
    return TaskInfo(
        task_id=job.task_id,
        status=TaskStatus.COMPLETED,
        progress=100,
        video_url=api.add_file(f"v{job.id}.mp4", b"\x00" * 1024),
        expires_at=int(clock() + 86400),
    )


async def finished_job(store, clock, fake, api, *, origin_id=None):
    """A completed job, claimed for its delivery; its video is served by the fake APIMart."""
    requester = Requester(
        user_id=fake.user_id,
        channel_id=fake.channel_id,
        guild_id=fake.guild_id,
        origin_id=origin_id,
    )
    job = await store.create(
        requester, VideoRequest(prompt="a kite", duration=4), now=clock(), submit_by=clock()
    )
    job = await submitted(store, job, now=clock())
    await finished(store, job, JobState.COMPLETED, now=clock(), info=rendered(job, api, clock))
    return job


async def chatter(fake, count, channel_id=None):
    """Members talking in the conversation (without a gateway: nobody listens)."""
    for n in range(count):
        await fake.message_create(f"chatter {n}", channel_id=channel_id, dispatch=False)


async def restarted(db, store, job_id):
    """The process died before marking the job delivered; the next one claims it again."""
    await JobStore(db, clock=time.time).release_all_leases()  # the next process's recovery
    stored = await store.get(job_id)
    assert stored.delivered_at is None and stored.delivery_started_at is not None
    return await claimed(store, job_id, Stage.DELIVER)


async def test_a_result_is_posted_once_after_a_crash_in_a_channel_with_hundreds_of_messages(
    db, store, clock, fake, client, api, downloads, marks
):
    delivery = Delivery(client, downloads, store, clock=clock)
    job = await finished_job(store, clock, fake, api)
    channel = await client.fetch_channel(fake.channel_id)
    announcement = await channel.send("status: rendering")
    await marks.set_status_message(job.id, announcement.id)
    await chatter(fake, CHATTER)
    first = await delivery(await claimed(store, job.id, Stage.DELIVER))
    assert first.outcome is DeliveryOutcome.DELIVERED
    await chatter(fake, 50)
    fake.nonce_window = 0  # the restart came after Discord forgot the nonce
    clock.advance(600)
    second = await delivery(await restarted(db, store, job.id))
    assert second.outcome is DeliveryOutcome.DELIVERED
    assert second.message_id == first.message_id
    assert len(results(fake, job.id)) == 1


async def test_a_dm_result_is_posted_once_after_a_crash_with_hundreds_of_messages(
    db, store, clock, fake, client, api, downloads
):
    fake.forbidden_channels.add(fake.channel_id)  # the channel is closed to the bot: DM
    dm_channel = fake.dm_channel_id(fake.user_id)
    delivery = Delivery(client, downloads, store, clock=clock)
    job = await finished_job(store, clock, fake, api)
    await chatter(fake, CHATTER // 2, dm_channel)
    first = await delivery(await claimed(store, job.id, Stage.DELIVER))
    assert first.outcome is DeliveryOutcome.DELIVERED
    assert len(results(fake, job.id, dm_channel)) == 1
    await chatter(fake, CHATTER // 2, dm_channel)
    fake.nonce_window = 0
    clock.advance(600)
    second = await delivery(await restarted(db, store, job.id))
    assert second.outcome is DeliveryOutcome.DELIVERED
    assert second.message_id == first.message_id
    assert len(results(fake, job.id, dm_channel)) == 1
    assert results(fake, job.id) == []


async def test_after_a_crash_right_after_posting_the_status_message_still_ends_as_done(
    db, store, clock, fake, client, api, downloads, marks
):
    job = await finished_job(store, clock, fake, api)
    channel = await client.fetch_channel(fake.channel_id)
    announced = (await channel.send(f"Job #{job.id} is rendering")).id
    await marks.set_status_message(job.id, announced)
    # The first process posts the result and dies before it edits the status message.
    dying = Delivery(client, downloads, store, clock=clock)
    await dying(await claimed(store, job.id, Stage.DELIVER))
    fake.nonce_window = 0
    status = StatusMessages(client, store, marks, clock=clock)
    delivery = Delivery(client, downloads, store, clock=clock, status=status)
    result = await delivery(await restarted(db, store, job.id))
    assert result.outcome is DeliveryOutcome.DELIVERED
    await result.last_status()  # as the poller makes it, once the delivery is written down
    assert len(results(fake, job.id)) == 1
    assert f"Job #{job.id} is done" in fake.get_message(announced)["content"]


async def settled_unknown(store, clock, fake, *, cancelled_while_sent=False):
    """A submit whose request left (its member cancelling meanwhile, if asked, and told at
    once), then its sender cut off from the database longer than its claim: another process
    settles it `submit_unknown`. The job and the sender's claim."""
    requester = Requester(user_id=fake.user_id, channel_id=fake.channel_id, guild_id=fake.guild_id)
    job = await store.create(
        requester, VideoRequest(prompt="a kite", duration=4), now=clock(), submit_by=clock()
    )
    renewal = await store.renew_before_sending(await store.claim_for_submit(job.id))
    assert renewal is not None
    sending = renewal.job
    if cancelled_while_sent:
        await store.cancel(job.id, reason_key="cancelled_by_member", now=clock(), member_told=True)
    clock.advance(store.leases.submit + 1)
    [settled] = await store.expire_lost_submits(now=clock())
    assert settled.state is JobState.SUBMIT_UNKNOWN
    return job, sending


async def unknown_notice_posted(store, clock, fake, delivery):
    """`settled_unknown`, then the "outcome unknown" notice posted. The job, the sender's
    claim, the notice's delivery claim and its post."""
    job, sending = await settled_unknown(store, clock, fake)
    told = await claimed(store, job.id, Stage.DELIVER)
    notice = await delivery(told)
    assert notice.outcome is DeliveryOutcome.DELIVERED
    return job, sending, told, notice


async def adopted_render_finished(store, clock, api, job, task_id):
    """The adopted task's render, reported finished."""
    poll = await claimed(store, job.id, Stage.POLL)
    info = TaskInfo(
        task_id=task_id,
        status=TaskStatus.COMPLETED,
        progress=100,
        video_url=api.add_file(f"{task_id}.mp4", b"\x00" * 1024),
        expires_at=int(clock() + 86400),
    )
    assert await store.finish(poll, JobState.COMPLETED, now=clock(), info=info)


async def test_an_adopted_task_finishing_minutes_after_the_unknown_notice_is_posted(
    store, clock, fake, client, api, downloads
):
    """The "outcome unknown" notice, then the task adopted after all (the database was away
    longer than the submit's claim): the result is a post of its own. Discord answers a nonce
    it saw in the last few minutes with that first message, which would have stood for the
    video: the member charged, never shown it."""
    delivery = Delivery(client, downloads, store, clock=clock)
    job, sending, told, notice = await unknown_notice_posted(store, clock, fake, delivery)
    assert await store.mark_delivered(told, now=clock(), message_id=notice.message_id)
    # The sender reaches the database again: APIMart's task id answers the unknown.
    assert not await store.mark_submitted(
        sending, "task_adopted", now=clock(), first_poll_at=clock()
    )
    assert await store.adopt_task(job.id, "task_adopted", now=clock(), first_poll_at=clock())
    # The render finishes two minutes later and is delivered.
    clock.advance(120)
    await adopted_render_finished(store, clock, api, job, "task_adopted")
    result = await delivery(await claimed(store, job.id, Stage.DELIVER))
    assert result.outcome is DeliveryOutcome.DELIVERED
    # The video must be a new post, not the "outcome unknown" notice handed back by the nonce.
    assert result.message_id != notice.message_id, "the video was never posted"
    assert len(fake.messages(fake.channel_id)) == 2


async def test_the_unknown_notice_is_not_taken_for_the_video_when_adopted_while_it_posted(
    store, clock, fake, client, api, downloads
):
    """The task id arrives (adopt_task) while the "outcome unknown" notice is being posted: the
    notice's claim is lost before it is written down. Its post is still recorded as not the
    result, so a later retry of the video's delivery posts the video, rather than find the
    notice (minutes younger than the render's end) and take it for the video."""
    clock.advance(-(store.leases.submit + 61))  # ends at the real time, as Discord's ids read
    delivery = Delivery(client, downloads, store, clock=clock)
    job, sending, told, notice = await unknown_notice_posted(store, clock, fake, delivery)
    # Before the notice is written down, the sender's task id arrives after all.
    assert not await store.mark_submitted(sending, "task_x", now=clock(), first_poll_at=clock())
    assert await store.adopt_task(job.id, "task_x", now=clock(), first_poll_at=clock())
    # What the poller does when its delivery claim was lost after a post.
    assert not await store.mark_delivered(told, now=clock(), message_id=notice.message_id)
    await store.end_lost_claim(told, notice.message_id)
    clock.advance(60)
    await adopted_render_finished(store, clock, api, job, "task_x")
    # The video's first post fails once (Discord 503): its retry searches for an earlier post.
    fake.fail_next("POST", r"/channels/\d+/messages", status=503, message="Service Unavailable")
    first = await claimed(store, job.id, Stage.DELIVER)
    assert (await delivery(first)).outcome is DeliveryOutcome.RETRY
    assert await store.retry_delivery_at(first, clock())
    second = await delivery(await claimed(store, job.id, Stage.DELIVER))
    assert second.outcome is DeliveryOutcome.DELIVERED
    assert second.message_id != notice.message_id, "the notice was taken for the video"
    assert len(fake.messages(fake.channel_id)) == 2


async def test_a_member_who_cancelled_while_it_was_sent_is_told_once_when_its_task_is_adopted(
    store, clock, fake, client, api, downloads
):
    """Cancelled while its submit was on its way (told at once), then its sender cut off from
    the database longer than its claim, then APIMart's task id arrives after all: the member
    was told it is cancelled and is not told again, nor shown the video once it renders."""
    delivery = Delivery(client, downloads, store, clock=clock)
    job, _ = await settled_unknown(store, clock, fake, cancelled_while_sent=True)
    assert await store.claim_due(Stage.DELIVER, 10) == [], "told when they cancelled"

    assert await store.adopt_task(job.id, "task_late", now=clock(), first_poll_at=clock())
    assert await store.claim_due(Stage.DELIVER, 10) == [], "told a second time"
    clock.advance(120)
    await adopted_render_finished(store, clock, api, job, "task_late")
    for owed in await store.claim_due(Stage.DELIVER, 10):
        await delivery(owed)
    assert fake.messages(fake.channel_id) == []


async def a_process(db, clock, downloads):
    """One bot process: its store, a Discord client learning Discord's clock, its delivery."""
    discord_clock = DiscordClock(clock)
    client = discord.Client(intents=discord.Intents(guilds=True), http_trace=discord_clock.trace())
    await client.login(BOT_TOKEN)
    store = JobStore(db, clock=clock)
    delivery = Delivery(client, downloads, store, clock=clock, to_discord=discord_clock.to_discord)
    return store, client, delivery


def assert_one_post(fake, job, first, second, where):
    """The retry found the first post: one result, where it was posted."""
    assert second.message_id == first.message_id
    posted_in = fake.dm_channel_id(fake.user_id) if where == "dm" else fake.channel_id
    assert len(results(fake, job.id, posted_in)) == 1


async def posted_once(delivery, store, marks, clock, fake, client, api, *, where, origin_id=None):
    """A finished job's result posted (in its channel, under its status message, or in the
    member's DM when the channel is closed to the bot), and the process dies before marking
    it delivered: the job, and that first delivery."""
    if where == "dm":
        fake.forbidden_channels.add(fake.channel_id)
    job = await finished_job(store, clock, fake, api, origin_id=origin_id)
    if where == "channel":
        channel = await client.fetch_channel(fake.channel_id)
        announcement = await channel.send("status: rendering")
        await marks.set_status_message(job.id, announcement.id)
    first = await delivery(await claimed(store, job.id, Stage.DELIVER))
    assert first.outcome is DeliveryOutcome.DELIVERED
    return job, first


@pytest.mark.parametrize("where", ["channel", "dm"])
async def test_a_result_is_posted_once_after_a_crash_when_our_clock_runs_minutes_ahead(
    db, fake, api, downloads, where
):
    """Every process takes its clock from the database server: one running 5 minutes ahead of
    Discord's must not hide the earlier post from the search (it did beyond 2 minutes)."""
    clock = FakeClock(start=time.time() + 300)
    # Discord's first answer (the login) tells how far ahead we are.
    store, client, delivery = await a_process(db, clock, downloads)
    try:
        job, first = await posted_once(
            delivery, store, StatusMarks(db, clock=clock), clock, fake, client, api, where=where
        )
        fake.nonce_window = 0  # the retry came after Discord forgot the nonce (lease lapsed)
        clock.advance(600)
        second = await delivery(await restarted(db, store, job.id))
        assert_one_post(fake, job, first, second, where)
    finally:
        await client.close()


@pytest.mark.parametrize("where", ["channel", "dm"])
async def test_a_result_is_posted_once_when_the_database_clock_was_fixed_before_the_restart(
    db, fake, api, downloads, where
):
    """The database server's clock ran an hour ahead; the process posted the result and died
    before marking it delivered. NTP is fixed on the database server, and the next process
    reads the stored times (an hour ahead, so due now) with an offset of none: the search
    starts from what asked for the job, stamped by Discord's clock, and finds the post."""
    asked = f"interaction:{discord.utils.time_snowflake(discord.utils.utcnow())}"
    old_clock = FakeClock(start=time.time() + 3600)
    store, client, delivery = await a_process(db, old_clock, downloads)
    try:
        job, first = await posted_once(
            delivery,
            store,
            StatusMarks(db, clock=old_clock),
            old_clock,
            fake,
            client,
            api,
            where=where,
            origin_id=asked,
        )
    finally:
        await client.close()
    fake.nonce_window = 0  # the retry came after Discord forgot the nonce
    new_clock = FakeClock(start=time.time())
    store, client, delivery = await a_process(db, new_clock, downloads)
    try:
        second = await delivery(await restarted(db, store, job.id))
        assert_one_post(fake, job, first, second, where)
    finally:
        await client.close()


@pytest.mark.parametrize("earlier_notice", [False, True])
async def test_a_late_video_is_posted_when_the_give_up_notice_was_posted_but_not_written_down(
    db, store, clock, fake, client, api, downloads, earlier_notice
):
    """The give-up notice was posted, and the process died before writing its id down (so no
    `superseded_post_id` can be taken from it). After the restart the follow-up found the video
    done (delivered afresh); its first post was cut short before it left. The retry's search
    must not take the notice (same marker, posted minutes before the video existed) for the
    video. (`earlier_notice`: a notice before that one was written down, as when the submit's
    outcome was unknown for a while; it must not hide the one that was not.)"""
    asked = f"interaction:{discord.utils.time_snowflake(discord.utils.utcnow())}"
    requester = Requester(
        user_id=fake.user_id, channel_id=fake.channel_id, guild_id=fake.guild_id, origin_id=asked
    )
    job = await store.create(
        requester, VideoRequest(prompt="a kite", duration=4), now=clock(), submit_by=clock()
    )
    job = await submitted(store, job, now=clock())
    if earlier_notice:
        earlier = await (await client.fetch_channel(fake.channel_id)).send("outcome unknown")
        await db.write(
            "UPDATE jobs SET superseded_post_id = ? WHERE id = ? RETURNING id",
            (earlier.id, job.id),
        )
    poll = await claimed(store, job.id, Stage.POLL)
    assert await store.finish(
        poll,
        JobState.TIMED_OUT,
        now=clock(),
        reason_key="task_timed_out",
        follow_up_at=clock() + 300,
    )
    delivery = Delivery(client, downloads, store, clock=clock)
    notice = await delivery(await claimed(store, job.id, Stage.DELIVER))
    assert notice.outcome is DeliveryOutcome.DELIVERED  # posted; the process dies here
    await JobStore(db, clock=time.time).release_all_leases()
    fake.nonce_window = 0

    clock.advance(400)  # the restart: the follow-up finds the video done
    info = rendered(job, api, clock)
    assert await store.record_late_end(await claimed(store, job.id, Stage.POLL), info, now=clock())
    # The video's first attempt is written down, then cut short before its post left.
    first = await claimed(store, job.id, Stage.DELIVER)
    assert await store.begin_delivery(first, now=clock(), target=CHANNEL_TARGET) is not None
    await JobStore(db, clock=time.time).release_all_leases()

    clock.advance(60)
    result = await delivery(await claimed(store, job.id, Stage.DELIVER))
    assert result.outcome is DeliveryOutcome.DELIVERED
    assert result.message_id != notice.message_id, "the give-up notice was taken for the video"
    assert len(results(fake, job.id)) == 2, "the video was never posted"


async def test_a_moderators_cancel_of_a_render_given_up_on_is_a_post_of_its_own(
    db, store, clock, fake, client, api, downloads
):
    """The member read "given up on; if it finishes, I'll post it"; a moderator then stops it.
    The notice saying so is a new post, even a minute later, while Discord still remembers the
    give-up notice's nonce: it must not be answered with that notice (and never posted)."""
    job = await store.create(
        Requester(user_id=fake.user_id, channel_id=fake.channel_id, guild_id=fake.guild_id),
        VideoRequest(prompt="a kite", duration=4),
        now=clock(),
        submit_by=clock(),
    )
    job = await submitted(store, job, now=clock())
    assert await store.finish(
        await claimed(store, job.id, Stage.POLL),
        JobState.TIMED_OUT,
        now=clock(),
        reason_key="task_timed_out",
        follow_up_at=clock() + 300,
    )
    delivery = Delivery(client, downloads, store, clock=clock)
    given_up = await claimed(store, job.id, Stage.DELIVER)
    notice = await delivery(given_up)
    assert await store.mark_delivered(given_up, now=clock(), message_id=notice.message_id)

    clock.advance(60)
    await store.cancel(job.id, reason_key="cancelled_by_moderator", now=clock(), member_told=False)
    told = await delivery(await claimed(store, job.id, Stage.DELIVER))
    assert told.outcome is DeliveryOutcome.DELIVERED
    assert told.message_id != notice.message_id, "the give-up notice was taken for the cancel's"
    [_, cancelled] = results(fake, job.id)
    assert "moderator" in str(cancelled)
