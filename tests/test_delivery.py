"""Delivering results: never twice, never lost, always with the bot's own token."""

import asyncio
import contextlib
import logging
import tempfile
import time
import urllib.parse
from types import SimpleNamespace
from unittest.mock import MagicMock

import discord
import pytest

from bot.apimart.models import TaskInfo, TaskStatus, VideoRequest
from bot.delivery import DOWNLOAD_ATTEMPTS, NONCE_REMEMBERED, Delivery
from bot.delivery_fetch import SERVER_LIMIT_KEPT
from bot.jobs.cancels import CancelOutcome
from bot.jobs.models import DM_TARGET, JobState, Requester
from bot.jobs.poller import DeliveryOutcome, PollerConfig
from bot.jobs.stages import Stage
from bot.media.fetcher import GuardedFetcher
from bot.media_refresh import rehosted_url
from bot.result_text import job_footer
from bot.status_messages import StatusMessages
from tests.cogs.test_reach import ShiftedClock
from tests.conftest import FakeClock
from tests.fakes.apimart import TaskPlan, fake_video_bytes
from tests.fakes.components import is_layout, media_urls, shown_text, texts
from tests.fakes.discord import (
    PERM_ATTACH_FILES,
    PERM_READ_MESSAGE_HISTORY,
    PERM_SEND_MESSAGES,
    PERM_VIEW_CHANNEL,
)
from tests.fakes.web import INTERNAL_HOST, PUBLIC_HOST, Site
from tests.harness import API_KEY, BOT_TOKEN, running_bot
from tests.jobstates import claimed, finished, submitted
from tests.observability.scrape import parse

MIB = 1024 * 1024

LINKS_ALLOWED = f"{PUBLIC_HOST}/32"


async def finished_job(store, clock, fake, api, *, size=1024, expires_in=86400, request=None):
    """A completed job whose video the fake APIMart serves."""
    requester = Requester(user_id=fake.user_id, channel_id=fake.channel_id, guild_id=fake.guild_id)
    request = request or VideoRequest(prompt="a kite", duration=4)
    job = await store.create(requester, request, now=clock(), submit_by=clock())
    job = await submitted(store, job, now=clock())
    url = api.add_file(f"v{job.id}.mp4", b"\x00" * size)
    info = TaskInfo(
        task_id=f"task_{job.id}",
        status=TaskStatus.COMPLETED,
        progress=100,
        video_url=url,
        expires_at=int(clock() + expires_in),
        credits_cost=4,
    )
    await finished(store, job, JobState.COMPLETED, now=clock(), info=info)
    return await claimed(store, job.id, Stage.DELIVER)


def results(fake):
    """The result posts: a layout, or the plain card Discord gets when it refuses one."""
    return [m for m in fake.messages() if is_layout(m) or m.get("embeds")]


async def test_a_result_posted_before_a_crash_is_not_posted_again(
    store, clock, fake, client, api, downloads
):
    delivery = Delivery(client, downloads, store, clock=clock)
    job = await finished_job(store, clock, fake, api)
    first = await delivery(job)
    assert first.outcome is DeliveryOutcome.DELIVERED
    # The process dies here, before marking the job delivered. After the restart:
    retried = await store.get(job.id)
    assert retried.delivery_started_at is not None and retried.delivered_at is None
    second = await delivery(retried)
    assert second.outcome is DeliveryOutcome.DELIVERED
    assert second.message_id == first.message_id
    assert len(results(fake)) == 1


async def test_a_retry_that_finds_the_dm_it_sent_before_a_crash_finishes_the_status(
    store, clock, fake, client, api, downloads, marks
):
    """Posting in the channel was refused, so the result went by DM; the process died before
    the status edit. The retry finds the DM (not sent twice) and the status says where it went,
    not "rendering", nor "in the reply below" (there is none)."""
    clock.now = time.time()  # the fake's message ids are real-time snowflakes
    job = await finished_job(store, clock, fake, api)
    status = StatusMessages(client, store, marks, clock=clock, min_edit_interval=0)
    await status.post(client.get_partial_messageable(fake.channel_id), job)
    job = await store.get(job.id)
    fake.take_from_bot(fake.channel_id, PERM_SEND_MESSAGES)
    first = await Delivery(client, downloads, store, clock=clock)(job)  # no status edit: died
    assert first.outcome is DeliveryOutcome.DELIVERED
    second = await Delivery(client, downloads, store, clock=clock, status=status)(
        await store.get(job.id)
    )
    await second.last_status()  # as the poller makes it, once the delivery is written down
    await status.drain()
    assert second.message_id == first.message_id
    assert "direct message" in fake.get_message(job.status_message_id)["content"]


async def test_an_expired_result_link_is_explained(store, clock, fake, client, api, downloads):
    job = await finished_job(store, clock, fake, api, expires_in=60)
    clock.advance(120)
    await Delivery(client, downloads, store, clock=clock)(job)
    [message] = results(fake)
    assert "link had already expired" in shown_text(message)
    assert message["attachments"] == []


async def test_a_413_from_discord_falls_back_to_the_link(
    store, clock, fake, client, api, downloads
):
    fake.upload_limit = 512  # the server's real limit is lower than discord.py believes
    job = await finished_job(store, clock, fake, api, size=1024)
    result = await Delivery(client, downloads, store, clock=clock)(job)
    assert result.outcome is DeliveryOutcome.DELIVERED
    [message] = results(fake)
    assert message["attachments"] == []
    assert job.result_url in shown_text(message)
    assert media_urls(message) == [job.result_url], "the link's video plays in the gallery"
    assert any(r.status == 413 for r in fake.requests)


async def test_discord_5xx_on_delivery_is_retried_later(store, clock, fake, client, api, downloads):
    fake.fail_next("POST", r"/channels/\d+/messages", status=503, times=10)
    job = await finished_job(store, clock, fake, api)
    result = await Delivery(client, downloads, store, clock=clock)(job)
    assert result.outcome is DeliveryOutcome.RETRY
    assert results(fake) == []


@pytest.mark.parametrize("lost", ["502", "reset"])
async def test_an_upload_discord_made_before_its_answer_was_lost_is_posted_once(
    store, clock, fake, client, api, downloads, lost
):
    """Discord made the 8 MiB result post, then its edge answered 502 (discord.py sends it again
    at once, with the post's nonce: Discord answers with the first post), or the connection
    reset on the way back (the next attempt looks for the post first): one post, never two."""
    clock.now = time.time()  # the fake's message ids are real-time snowflakes
    fake.upload_limit = 10 * MIB
    job = await finished_job(store, clock, fake, api, size=8 * MIB)
    posts = rf"/channels/{fake.channel_id}/messages$"
    fake.lose_answer_next("POST", posts, status=502 if lost == "502" else 0)
    delivery = Delivery(client, downloads, store, clock=clock)
    result = await delivery(job)
    if lost == "reset":
        assert result.outcome is DeliveryOutcome.RETRY
        await store.retry_delivery_at(job, clock(), download_failed=False)
        fake.advance_clock(fake.nonce_window + 1)  # only the look can tell, not the nonce
        result = await delivery(await claimed(store, job.id, Stage.DELIVER))
    assert result.outcome is DeliveryOutcome.DELIVERED
    [message] = results(fake)
    assert int(message["id"]) == result.message_id
    assert [a["size"] for a in message["attachments"]] == [8 * MIB]


async def test_discord_blocking_the_channel_read_is_a_retry_not_a_crash(
    store, clock, fake, client, api, downloads
):
    """Right after a restart nothing is cached, and the channel's read meets Cloudflare's 429
    (an address blocked for a while): the delivery is tried again later, quietly, like a post
    Discord failed, not logged as a crash with its traceback."""
    job = await finished_job(store, clock, fake, api)
    fake.block_address(times=1)
    result = await Delivery(client, downloads, store, clock=clock)(job)
    assert result.outcome is DeliveryOutcome.RETRY
    assert results(fake) == []


async def test_discord_failures_leave_the_download_its_own_tries(
    store, clock, fake, client, api, downloads
):
    """Discord refused the result post twice (an outage), then the download broke once: that
    is the video's first broken download, tried again like any other, not "couldn't fetch it"
    with a link that expires, because Discord, not APIMart, failed before."""
    delivery = Delivery(client, downloads, store, clock=clock)
    job = await finished_job(store, clock, fake, api)

    async def tried_again(result):
        """Written down as the poller does, and claimed again."""
        assert result.outcome is DeliveryOutcome.RETRY
        await store.retry_delivery_at(job, clock(), download_failed=result.download_failed)
        return await claimed(store, job.id, Stage.DELIVER)

    for _ in range(2):
        fake.fail_next("POST", rf"/channels/{fake.channel_id}/messages", status=503)
        job = await tried_again(await delivery(job))
    api.truncate_next(1)
    job = await tried_again(await delivery(job))
    assert results(fake) == []
    assert (await delivery(job)).outcome is DeliveryOutcome.DELIVERED
    [posted] = results(fake)
    assert "your video is ready" in shown_text(posted)
    assert len(posted["attachments"]) == 1


class _UnforeseenFault(GuardedFetcher):
    """A result download that fails in a way nobody wrote an answer for (a link library's own
    error on an odd link, say)."""

    @contextlib.asynccontextmanager
    async def open(self, url, *, per_hop=None):
        raise UnicodeError("label too long")
        yield


async def test_a_download_failing_in_a_way_nobody_foresaw_still_gets_the_member_the_link(
    store, clock, fake, client, api
):
    """An unforeseen error from the download is a failed download like any other: tried again,
    then the result posted with its link. Not a delivery that crashes on every try until it
    gives up, the member never getting the video nor its link."""
    delivery = Delivery(client, _UnforeseenFault(max_bytes=0), store, clock=clock)
    job = await finished_job(store, clock, fake, api)
    for _ in range(DOWNLOAD_ATTEMPTS - 1):
        result = await delivery(job)
        assert result.outcome is DeliveryOutcome.RETRY and result.download_failed
        await store.retry_delivery_at(job, clock(), download_failed=True)
        job = await claimed(store, job.id, Stage.DELIVER)
    assert (await delivery(job)).outcome is DeliveryOutcome.DELIVERED
    [message] = results(fake)
    assert "couldn't fetch it from APIMart" in shown_text(message)
    assert job.result_url in shown_text(message)
    assert message["attachments"] == []


async def test_a_channel_the_bot_can_no_longer_read_after_an_interrupted_post_sends_it_by_dm(
    store, clock, fake, client, api, downloads
):
    """The first post failed (a 503); meanwhile the bot lost access to the channel, so the
    check for that post is refused: the result goes by DM, not into hours of refused retries."""
    delivery = Delivery(client, downloads, store, clock=clock)
    fake.fail_next("POST", r"/channels/\d+/messages", status=503)
    job = await finished_job(store, clock, fake, api)
    assert (await delivery(job)).outcome is DeliveryOutcome.RETRY
    fake.fail_next("GET", r"/channels/\d+/messages", 403, 50001, "Missing Access", times=100)
    fake.fail_next("POST", rf"/channels/{fake.channel_id}/messages", 403, 50001, "Missing Access")
    result = await delivery(await store.get(job.id))
    assert result.outcome is DeliveryOutcome.DELIVERED
    dm = fake.dm_channel_id(fake.user_id)
    [posted] = [m for m in fake.messages(dm) if is_layout(m) or m.get("embeds")]
    assert int(posted["id"]) == result.message_id


async def test_a_channel_that_can_no_longer_be_read_says_on_its_status_that_the_video_went_by_dm(
    store, clock, fake, client, api, downloads, marks
):
    """The first post failed (a 503); minutes later the bot is refused the check for that
    post, so the video goes by DM. The status (only reading was refused) says so, as when a
    post is refused: not "posting the video..." for good."""
    clock.now = time.time()
    job = await finished_job(store, clock, fake, api)
    status = StatusMessages(client, store, marks, clock=clock, min_edit_interval=0)
    await status.post(client.get_partial_messageable(fake.channel_id), job)
    job = await store.get(job.id)
    delivery = Delivery(client, downloads, store, clock=clock, status=status)
    fake.fail_next("POST", r"/channels/\d+/messages", status=503)
    assert (await delivery(job)).outcome is DeliveryOutcome.RETRY
    clock.advance(NONCE_REMEMBERED)  # past what Discord remembers of that post's nonce
    fake.fail_next(
        "GET", rf"/channels/{fake.channel_id}/messages", 403, 50013, "Missing Access", times=100
    )
    result = await delivery(await store.get(job.id))
    await result.last_status()  # as the poller makes it, once the delivery is written down
    await status.drain()
    assert result.outcome is DeliveryOutcome.DELIVERED
    assert [m for m in fake.messages(fake.dm_channel_id(fake.user_id)) if is_layout(m)]
    shown = fake.get_message(job.status_message_id)["content"]
    assert "direct message" in shown and "posting the video" not in shown, shown


async def posted_unseen(store, clock, fake, client, api, downloads, marks, *, status=False):
    """A job whose result Discord posted while the bot saw its upload time out: due again.
    `status`: the job has its status message (every job announced in a channel has)."""
    clock.now = time.time()  # the fake's message ids are real-time snowflakes
    job = await finished_job(store, clock, fake, api)
    if status:
        messages = StatusMessages(client, store, marks, clock=clock, min_edit_interval=0)
        await messages.post(client.get_partial_messageable(fake.channel_id), job)
        job = await store.get(job.id)
    posted = await Delivery(client, downloads, store, clock=clock)(job)
    assert posted.outcome is DeliveryOutcome.DELIVERED
    assert await store.retry_delivery_at(job, clock())
    return posted, await claimed(store, job.id, Stage.DELIVER)


def dms(fake):
    """The results sent to the member by DM."""
    dm = fake.dm_channel_id(fake.user_id)
    return [m for m in fake.messages(dm) if is_layout(m) or m.get("embeds")]


async def test_a_retry_that_cannot_read_history_never_posts_the_video_twice_in_the_channel(
    store, clock, fake, client, api, downloads, marks
):
    """The video's upload timed out on the bot's side but Discord made the post; then a
    moderator took Read Message History from the bot. Discord answers the retry's look with
    nothing at all (not a refusal), and minutes later it no longer answers the post's nonce
    with that post: the video went up a second time, for all to see. The bot now finds it
    cannot read there: the video comes by DM, which says it could not check whether the
    channel post went through, never that posting there failed."""
    unseen, job = await posted_unseen(
        store, clock, fake, client, api, downloads, marks, status=True
    )
    fake.take_from_bot(fake.channel_id, PERM_READ_MESSAGE_HISTORY)
    clock.advance(NONCE_REMEMBERED)
    fake.advance_clock(3600)
    result = await Delivery(client, downloads, store, clock=clock)(job)
    assert result.outcome is DeliveryOutcome.DELIVERED
    in_channel = [m["id"] for m in results(fake)]
    assert in_channel == [str(unseen.message_id)], "never a second post in the channel"
    [dm] = dms(fake)
    assert int(dm["id"]) == result.message_id
    shown = shown_text(dm)
    assert "couldn't check whether my earlier post there went through" in shown, shown
    assert "couldn't post" not in shown, shown


async def test_a_retry_in_a_channel_hidden_from_the_bot_since_never_posts_the_video_twice(
    store, clock, fake, client, api, downloads, marks
):
    """The video's upload timed out on the bot's side but Discord made the post; then a
    moderator hid the channel from the bot (View Channel taken). Discord refuses the retry's
    look for that post (403 50001): the bot cannot look, and the video comes by DM, which
    says it could not check whether the channel post went through, never a second post."""
    unseen, job = await posted_unseen(
        store, clock, fake, client, api, downloads, marks, status=True
    )
    fake.take_from_bot(fake.channel_id, PERM_VIEW_CHANNEL)
    clock.advance(NONCE_REMEMBERED)
    fake.advance_clock(3600)
    result = await Delivery(client, downloads, store, clock=clock)(job)
    assert result.outcome is DeliveryOutcome.DELIVERED
    assert [m["id"] for m in results(fake)] == [str(unseen.message_id)], "posted once"
    [dm] = dms(fake)
    assert int(dm["id"]) == result.message_id
    shown = shown_text(dm)
    assert "couldn't check whether my earlier post there went through" in shown, shown
    looks = [r for r in fake.requests if r.method == "GET" and r.path.endswith("/messages")]
    assert looks and all(r.status == 403 for r in looks), "the look was refused, as Discord does"


async def test_a_retry_refused_a_look_soon_after_gets_the_earlier_post_back_not_a_dm(
    store, clock, fake, client, api, downloads, marks
):
    """The upload timed out on the bot's side but Discord made the post; the retry a little
    later is refused a look at the channel (posting there still allowed). It went by DM,
    saying posting in the channel had failed: the member had the video twice, once with a
    false excuse. Within the minutes Discord answers a repeated nonce with the first post, it
    is posted in the channel again, and Discord gives that first post back."""
    unseen, job = await posted_unseen(store, clock, fake, client, api, downloads, marks)
    fake.fail_next(
        "GET", rf"/channels/{fake.channel_id}/messages", 403, 50013, "Missing Access", times=100
    )
    clock.advance(30)
    result = await Delivery(client, downloads, store, clock=clock)(job)
    assert result.outcome is DeliveryOutcome.DELIVERED
    assert result.message_id == unseen.message_id
    assert [m["id"] for m in results(fake)] == [str(unseen.message_id)], "posted once"
    assert dms(fake) == []


async def test_a_retry_whose_look_at_the_channel_fails_waits_rather_than_posting_again(
    store, clock, fake, client, api, downloads, marks
):
    """The upload timed out on the bot's side but Discord made the post; an hour later the
    retry's look for it meets a Discord outage (a 503). Unsure whether the post went up, it
    tries again later: posting now would put the video up a second time, for all to see."""
    unseen, job = await posted_unseen(store, clock, fake, client, api, downloads, marks)
    clock.advance(NONCE_REMEMBERED)
    fake.advance_clock(3600)  # Discord no longer answers the post's nonce with the first post
    fake.fail_next("GET", rf"/channels/{fake.channel_id}/messages", status=503)
    result = await Delivery(client, downloads, store, clock=clock)(job)
    assert result.outcome is DeliveryOutcome.RETRY
    assert [m["id"] for m in results(fake)] == [str(unseen.message_id)], "never posted twice"
    assert dms(fake) == []


async def test_a_dm_attempt_whose_dm_can_no_longer_be_read_is_tried_again_there(
    store, clock, fake, client, api, downloads
):
    """An interrupted DM post, then the DM's history refused: nothing of ours can be there
    (the DM is closed to the bot), so the attempt goes on, and ends as unreachable."""
    delivery = Delivery(client, downloads, store, clock=clock)
    job = await finished_job(store, clock, fake, api)
    job = await store.begin_delivery(job, now=clock(), target=DM_TARGET)
    dm = fake.dm_channel_id(fake.user_id)
    fake.fail_next("GET", rf"/channels/{dm}/messages", 403, 50001, "Missing Access")
    fake.fail_next("POST", rf"/channels/{dm}/messages", 403, 50007, "Cannot send messages")
    result = await delivery.by_dm(job)
    assert result.outcome is DeliveryOutcome.UNREACHABLE


async def test_results_never_use_the_interaction_webhook(tmp_path):
    async with running_bot(tmp_path, plan=TaskPlan(polls_until_done=3)) as world:
        world.discord.token_lifetime = 0.5  # pretend the 15 minutes passed during the render
        interaction = await world.video(prompt="slow render")
        await interaction.wait_for_answer()
        queued_at = len(world.discord.requests)
        world.discord.advance_clock(1)
        await world.discord.wait_for_message(predicate=is_layout, timeout=10)
        later = world.discord.requests[queued_at:]
        assert not [r for r in later if "/webhooks/" in r.path or "/interactions/" in r.path]
        assert not [r for r in later if r.status == 401]


async def submitted_job(store, clock, fake):
    requester = Requester(user_id=fake.user_id, channel_id=fake.channel_id, guild_id=fake.guild_id)
    job = await store.create(
        requester, VideoRequest(prompt="a kite", duration=4), now=clock(), submit_by=clock()
    )
    return await submitted(store, job, now=clock())


async def test_a_timed_out_job_is_told_it_still_counts(store, clock, fake, client, downloads):
    job = await submitted_job(store, clock, fake)
    await finished(store, job, JobState.TIMED_OUT, now=clock(), reason_key="task_timed_out")
    await Delivery(client, downloads, store, clock=clock)(
        await claimed(store, job.id, Stage.DELIVER)
    )
    [message] = results(fake)
    assert "took longer than this bot waits" in shown_text(message)
    assert "may still finish and bill it, so it counts toward your allowance" in shown_text(message)
    assert "rephras" not in shown_text(message)


async def test_a_moderator_cancelled_job_that_completed_gets_the_notice_not_the_video(
    store, clock, fake, client, api, downloads
):
    """The notice was still waiting (Discord was down) when APIMart finished the render."""
    job = await submitted_job(store, clock, fake)
    await store.cancel(job.id, reason_key="cancelled_by_moderator", now=clock(), member_told=False)
    url = api.add_file("cancelled.mp4", b"\x00" * 64)
    info = TaskInfo(
        task_id=f"task_{job.id}", status=TaskStatus.COMPLETED, progress=100, video_url=url
    )
    await finished(store, job, JobState.COMPLETED, now=clock(), info=info)
    [due] = await store.claim_due(Stage.DELIVER, 10)
    await Delivery(client, downloads, store, clock=clock)(due)
    [message] = results(fake)
    assert message["attachments"] == [] and url not in shown_text(message)
    assert "job #1 was cancelled: a moderator cancelled it" in shown_text(message)
    assert "still counts toward your allowance" in shown_text(message)
    assert "Video not made" in shown_text(message)
    assert media_urls(message) == [], "no video shown"


async def blocked(store, clock, fake, job):
    """A moderator blocks the job's member before its delivery's retry: due, with the notice
    that it was cancelled."""
    assert await store.retry_delivery_at(job, clock() + 60)
    outcomes = await store.cancel_unfinished(
        fake.guild_id, fake.user_id, reason_key="cancelled_by_block", now=clock()
    )
    assert [cancelled.outcome for cancelled in outcomes] == [CancelOutcome.WITHHELD]
    [due] = await store.claim_due(Stage.DELIVER, 10)
    return due


def the_cancel_notice(messages, told):
    """The one message among `messages` (the channel's results, or the member's DMs): the
    block's notice, posted by the delivery that `told`."""
    [notice] = messages
    assert notice["id"] == str(told.message_id), "the notice is the post the delivery made"
    assert "job #1 was cancelled: a moderator cancelled it" in shown_text(notice)
    return notice


async def retried(store, clock, delivery, due):
    """The delivery's retry, made due now: its result."""
    assert await store.retry_delivery_at(due, clock())
    return await delivery(await claimed(store, due.id, Stage.DELIVER))


async def test_a_blocked_members_video_an_earlier_attempt_posted_unseen_is_deleted(
    store, clock, fake, client, api, downloads
):
    """The video's upload timed out on the bot's side, but Discord had made the post; before
    the retry, a moderator blocked the member. The block's notice went up and the video stayed
    beside it, for all to see: it is now looked for, as a retry looks for its earlier post,
    and deleted."""
    clock.now = time.time()  # the fake's message ids are real-time snowflakes
    delivery = Delivery(client, downloads, store, clock=clock)
    job = await finished_job(store, clock, fake, api)
    unseen = await delivery(job)  # posted; the bot saw a timeout and will try again later
    assert unseen.outcome is DeliveryOutcome.DELIVERED
    told = await delivery(await blocked(store, clock, fake, job))
    assert told.outcome is DeliveryOutcome.DELIVERED
    notice = the_cancel_notice(results(fake), told)
    assert notice["attachments"] == [] and media_urls(notice) == []
    assert fake.get_message(unseen.message_id) is None, "the video post is gone"


async def test_a_blocked_members_video_whose_deletion_failed_is_not_taken_for_the_notice(
    store, clock, fake, client, api, downloads
):
    """A video posted unseen, then withheld by a block: deleting it failed (Discord down for a
    moment), then so did the notice's post. The notice's retry found the video (it carries the
    job's marker too) and took it for the notice: the blocked video stayed, for all to see,
    and the notice never came. The retry now deletes the video, then posts the notice."""
    clock.now = time.time()  # the fake's message ids are real-time snowflakes
    delivery = Delivery(client, downloads, store, clock=clock)
    job = await finished_job(store, clock, fake, api)
    unseen = await delivery(job)  # posted; the bot saw a timeout and will try again later
    due = await blocked(store, clock, fake, job)
    fake.fail_next("DELETE", rf"/channels/{fake.channel_id}/messages/\d+", status=503)
    fake.fail_next("POST", rf"/channels/{fake.channel_id}/messages", status=503)
    assert (await delivery(due)).outcome is DeliveryOutcome.RETRY
    assert fake.get_message(unseen.message_id) is not None, "its deletion failed"
    told = await retried(store, clock, delivery, due)
    assert told.outcome is DeliveryOutcome.DELIVERED
    assert fake.get_message(unseen.message_id) is None, "the blocked video is gone"
    the_cancel_notice(results(fake), told)


async def test_a_blocked_members_video_that_cannot_be_deleted_still_gets_its_notice(
    store, clock, fake, client, api, downloads
):
    """A video posted unseen, then withheld by a block: deleting it failed, then so did the
    notice's post; on the notice's retry the deletion failed again. That retry, looking for the
    notice posted before, must not take the video for it (both carry the job's marker): the
    member would never be told the video was withheld, the video standing as its news. The
    video stays (logged), and the notice follows it."""
    clock.now = time.time()  # the fake's message ids are real-time snowflakes
    delivery = Delivery(client, downloads, store, clock=clock)
    job = await finished_job(store, clock, fake, api)
    unseen = await delivery(job)  # posted; the bot saw a timeout and will try again later
    due = await blocked(store, clock, fake, job)
    fake.fail_next("DELETE", rf"/channels/{fake.channel_id}/messages/\d+", status=503, times=2)
    fake.fail_next("POST", rf"/channels/{fake.channel_id}/messages", status=503)
    assert (await delivery(due)).outcome is DeliveryOutcome.RETRY
    told = await retried(store, clock, delivery, due)
    assert told.outcome is DeliveryOutcome.DELIVERED
    assert told.message_id != unseen.message_id, "the video was not taken for the notice"
    assert fake.get_message(unseen.message_id) is not None, "its deletion failed twice"
    video, notice = results(fake)
    assert video["id"] == str(unseen.message_id)
    assert the_cancel_notice([notice], told) is notice


async def test_a_blocked_members_expired_link_post_is_not_taken_for_the_notice(
    store, clock, fake, client, api, downloads
):
    """The video's link had expired before its post, so the post (made unseen) said "your
    video finished" under the title "Video not made", the notice's own. Blocked, its retry took
    that post for the notice: no notice came, and the post telling of the video stayed. It is
    now deleted as the video's post, and the notice goes up."""
    clock.now = time.time()  # the fake's message ids are real-time snowflakes
    delivery = Delivery(client, downloads, store, clock=clock)
    job = await finished_job(store, clock, fake, api, expires_in=60)
    clock.advance(120)
    unseen = await delivery(job)  # posted; the bot saw a timeout and will try again later
    assert "link had already expired" in shown_text(fake.get_message(unseen.message_id))
    due = await blocked(store, clock, fake, job)
    fake.fail_next("POST", rf"/channels/{fake.channel_id}/messages", status=503)
    assert (await delivery(due)).outcome is DeliveryOutcome.RETRY
    told = await retried(store, clock, delivery, due)
    assert told.outcome is DeliveryOutcome.DELIVERED
    assert fake.get_message(unseen.message_id) is None, "the post of the video is gone"
    the_cancel_notice(results(fake), told)


async def test_a_blocked_members_video_an_earlier_attempt_sent_by_dm_unseen_is_deleted(
    store, clock, fake, client, api, downloads
):
    """The channel refused the video, so it went by DM: Discord made that post, the bot saw
    its upload time out; then a moderator blocked the member. The notice came and the video
    stayed in the member's DMs. It is looked for there too now, and deleted."""
    clock.now = time.time()
    delivery = Delivery(client, downloads, store, clock=clock)
    fake.take_from_bot(fake.channel_id, PERM_SEND_MESSAGES)
    job = await finished_job(store, clock, fake, api)
    unseen = await delivery(job)
    [sent] = dms(fake)
    assert sent["id"] == str(unseen.message_id), "the video went by DM"
    told = await delivery(await blocked(store, clock, fake, job))
    assert told.outcome is DeliveryOutcome.DELIVERED
    assert fake.get_message(unseen.message_id) is None, "the blocked video is gone"
    the_cancel_notice(dms(fake), told)


async def test_a_result_discord_refuses_as_invalid_is_posted_plain_at_once(
    store, clock, fake, client, api, downloads
):
    # A 400 would come back the same on every retry: the member gets a plain card now instead.
    fake.fail_next("POST", r"/channels/\d+/messages", 400, 50035, "Invalid Form Body")
    job = await finished_job(store, clock, fake, api)
    result = await Delivery(client, downloads, store, clock=clock)(job)
    assert result.outcome is DeliveryOutcome.DELIVERED
    [message] = results(fake)
    assert not is_layout(message)
    assert "your video is ready" in message["content"]
    assert message["embeds"][0]["footer"]["text"] == f"Job #{job.id}", "still found after a crash"


# APIMart's answer names the result link; the bot must not take it as licence to reach into the
# operator's network (a compromised or spoofed answer would have the bot fetch an internal page
# and upload it to the channel). Links on APIMart's own origin are as trusted as the API itself.
async def finish_with(world, url):
    interaction = await world.video(prompt="a kite")
    await interaction.wait_for_answer()
    await world.api.wait_until(lambda: world.api.task_ids, what="the submit")
    world.api.last_task.complete(url=url)
    return await world.discord.wait_for_message(predicate=is_layout, timeout=10)


async def test_a_result_link_into_the_operators_network_is_posted_never_fetched(tmp_path):
    async with (
        Site(INTERNAL_HOST) as internal,
        running_bot(tmp_path, plan=TaskPlan(polls_until_done=None)) as world,
    ):
        secret = internal.serve("/admin/backup.mp4", b"secret" * 100, "video/mp4")
        message = await finish_with(world, secret)
        assert internal.hits == [], "the bot never reached the internal address"
        assert message["attachments"] == []
        assert secret in shown_text(message), "the member still gets the link"


async def test_a_result_link_on_another_port_of_a_public_host_is_posted_never_fetched(tmp_path):
    """The web's ports bound what the bot fetches, not what it posts: a result APIMart serves
    from a public host's other port (a CDN on :8443) still reaches the member, as its link."""
    async with running_bot(tmp_path, plan=TaskPlan(polls_until_done=None)) as world:
        link = "https://93.184.215.14:8443/results/v.mp4"
        message = await finish_with(world, link)
        assert message["attachments"] == []
        assert link in shown_text(message), "the member gets the link"


@pytest.mark.parametrize(
    ("escaped", "written"),
    [
        (True, API_KEY),
        (False, "".join(f"%{byte:02X}" for byte in API_KEY.encode())),
    ],
    ids=["json-escaped", "percent-encoded"],
)
async def test_a_result_link_that_carries_the_api_key_is_posted_without_it(
    tmp_path, escaped, written
):
    """A gateway that signs its result links with the key: the answer's JSON escapes, or the
    link's own percent-encoding, hide it from a search for the key, not from a member who reads
    the link posted (a browser decodes it)."""
    async with (
        Site(INTERNAL_HOST) as internal,
        running_bot(tmp_path, plan=TaskPlan(polls_until_done=None)) as world,
    ):
        world.api.escapes_every_character = escaped
        link = internal.serve("/v.mp4", b"video", "video/mp4")
        message = await finish_with(world, f"{link}?key={written}")
        shown = shown_text(message)
        assert API_KEY not in urllib.parse.unquote(shown), shown
        assert link in shown, "the member still gets the link"


async def test_a_result_redirected_into_the_operators_network_is_not_followed(tmp_path):
    async with (
        Site(INTERNAL_HOST) as internal,
        running_bot(tmp_path, plan=TaskPlan(polls_until_done=None)) as world,
    ):
        secret = internal.serve("/admin/backup.mp4", b"secret" * 100, "video/mp4")
        hop = world.api.redirect_file("hop.mp4", secret)
        message = await finish_with(world, hop)
        assert internal.hits == []
        assert message["attachments"] == []


async def test_a_result_link_cannot_write_its_own_lines_into_the_post(tmp_path):
    """The link is APIMart's text: a spoofed answer whose "link" carries a line break and a
    heading must not forge a notice in the bot's post (nor a link that is not http(s) be shown
    as the video)."""
    async with (
        Site(INTERNAL_HOST) as internal,
        running_bot(tmp_path, plan=TaskPlan(polls_until_done=None)) as world,
    ):
        link = internal.serve("/v.mp4", b"video", "video/mp4")
        message = await finish_with(world, f"{link}\n# Moderator notice: appeal in #appeals)")
        lines = shown_text(message).splitlines()
        assert not any(line.startswith("#") and "notice" in line for line in lines), lines
        assert f"{link}%0A#%20Moderator%20notice" in shown_text(message), "still its link"
    async with running_bot(tmp_path, plan=TaskPlan(polls_until_done=None)) as world:
        message = await finish_with(world, "file:///v.mp4\n# Moderator notice")
        assert "notice" not in shown_text(message) and "file:" not in shown_text(message)


@contextlib.asynccontextmanager
async def bot_beside_a_cdn(tmp_path):
    """A video CDN on the network LINK_ALLOWED_NETWORKS opens, and the bot."""
    async with (
        Site(PUBLIC_HOST) as cdn,
        running_bot(
            tmp_path, plan=TaskPlan(polls_until_done=None), link_allowed_networks=LINKS_ALLOWED
        ) as world,
    ):
        yield cdn, world


async def test_a_result_redirected_to_a_public_cdn_is_attached(tmp_path):
    async with bot_beside_a_cdn(tmp_path) as (cdn, world):
        video = cdn.serve("/r/v.mp4", fake_video_bytes("cdn", 2048), "video/mp4")
        message = await finish_with(world, world.api.redirect_file("hop.mp4", video))
        assert cdn.hits == ["/r/v.mp4"]
        [attachment] = message["attachments"]
        assert attachment["size"] == 2048


@pytest.mark.parametrize(
    "target",
    [
        "file:///etc/passwd",
        # misconfigured or spoofed: a host IDNA cannot read, refused like any invalid link,
        # not a delivery that crashes on every try
        "https://xn--zz/v.mp4",
    ],
    ids=["file-link", "host-no-valid-name"],
)
async def test_a_result_redirected_to_an_invalid_link_is_posted_as_its_link_at_once(
    tmp_path, target
):
    async with running_bot(tmp_path, plan=TaskPlan(polls_until_done=None)) as world:
        hop = world.api.redirect_file("hop.mp4", target)
        message = await finish_with(world, hop)
        assert message["attachments"] == []
        assert hop in shown_text(message)
        assert len(world.api.requests_for("file")) == 1, "refused at once, never retried"


async def test_a_result_the_cdn_sends_gzip_encoded_is_attached_whole(tmp_path):
    """A CDN may compress the video on the wire: its Content-Length is then the packed size, and
    the whole unpacked video is not a body cut short."""
    async with bot_beside_a_cdn(tmp_path) as (cdn, world):
        video = cdn.gzipped("/r/v.mp4", fake_video_bytes("cdn", 4096), "video/mp4")
        message = await finish_with(world, video)
        [attachment] = message["attachments"]
        assert attachment["size"] == 4096
        assert cdn.hits == ["/r/v.mp4"], "fetched once, not retried as cut short"


async def test_a_copy_of_the_results_marker_by_someone_else_is_not_taken_for_the_result(
    store, clock, fake, client, api, downloads
):
    """After a crash between claiming the post and posting it, the retry looks for the bot's
    own earlier post; a member (or another bot) quoting the job's marker must not stand in for
    it, or the member would never get the video."""
    clock.now = time.time()  # the history is read by Discord's (real) message times
    delivery = Delivery(client, downloads, store, clock=clock)
    job = await finished_job(store, clock, fake, api)
    started = await store.begin_delivery(job, now=clock(), target="channel")
    assert started is not None
    # The process dies here, before posting. Meanwhile someone posts the marker:
    someone = fake.add_member("copycat")
    await fake.message_create(
        "look",
        author=someone,
        embeds=[{"type": "rich", "footer": {"text": job_footer(job)}}],
        dispatch=False,
    )
    retried = await store.get(job.id)
    result = await delivery(retried)
    assert result.outcome is DeliveryOutcome.DELIVERED
    [posted] = [m for m in results(fake) if m["author"]["id"] == str(fake.bot_user_id)]
    assert result.message_id == int(posted["id"])


async def test_a_result_posted_just_after_the_jobs_end_is_found_by_a_late_retry(
    store, clock, fake, client, api, downloads
):
    """The retry after a crash, once Discord forgot the nonce, finds the result posted seconds
    after the job ended: only posts from before the end (less the clock skew) are skipped."""
    clock.now = time.time()  # the history is read by Discord's (real) message times
    fake.nonce_window = 0.0  # a longer gap: only the marker check can tell
    delivery = Delivery(client, downloads, store, clock=clock)
    job = await finished_job(store, clock, fake, api)
    first = await delivery(job)
    assert first.outcome is DeliveryOutcome.DELIVERED
    retried = await store.get(job.id)
    second = await delivery(retried)
    assert second.outcome is DeliveryOutcome.DELIVERED
    assert second.message_id == first.message_id
    assert len(results(fake)) == 1


@pytest.mark.parametrize(("code", "why"), [(50083, "Thread is archived"), (160005, "Locked")])
async def test_a_result_for_a_thread_closed_while_rendering_goes_by_dm_at_once(
    store, clock, fake, client, api, downloads, code, why
):
    """A moderator closed (archived) or locked the thread while the video rendered: Discord
    refuses every post there with a 400, on every retry alike. The member gets the video by DM
    after one refusal, not after hours of refused retries (each counts toward a ban)."""
    fake.fail_next("POST", rf"/channels/{fake.channel_id}/messages", 400, code, why, times=1000)
    job = await finished_job(store, clock, fake, api)
    result = await Delivery(client, downloads, store, clock=clock)(job)
    assert result.outcome is DeliveryOutcome.DELIVERED, result
    dm = fake.dm_channel_id(fake.user_id)
    [sent] = [m for m in fake.messages(dm) if is_layout(m) or m.get("embeds")]
    assert "couldn't post" in shown_text(sent)
    refused = [r for r in fake.requests if r.status == 400]
    assert len(refused) == 1, "no plainer post tried where none can go"


async def test_read_message_history_lost_while_rendering_still_delivers_in_the_channel(
    store, clock, fake, client, api, downloads, marks
):
    """A moderator took Read Message History from the bot while the video rendered: Discord
    refuses every reply (400 160002), so the result cannot answer its status message. It is
    posted in the channel all the same, naming the member, with its video: not refused on
    every retry for hours and then lost."""
    clock.now = time.time()
    job = await finished_job(store, clock, fake, api)
    status = StatusMessages(client, store, marks, clock=clock, min_edit_interval=0)
    await status.post(client.get_partial_messageable(fake.channel_id), job)
    job = await store.get(job.id)
    fake.take_from_bot(fake.channel_id, PERM_READ_MESSAGE_HISTORY)
    result = await Delivery(client, downloads, store, clock=clock)(job)
    assert result.outcome is DeliveryOutcome.DELIVERED, result
    [message] = results(fake)
    assert message["channel_id"] == str(fake.channel_id)
    assert f"<@{fake.user_id}>" in shown_text(message)
    assert [a["size"] for a in message["attachments"]] == [1024], "the video it fetched"
    refused = [r for r in fake.requests if r.status == 400]
    assert len(refused) == 1, "one refused reply, then the post without it"


async def test_attach_files_lost_while_rendering_still_posts_the_link_in_the_channel(
    store, clock, fake, client, api, downloads
):
    """A moderator took Attach Files from the bot while the video rendered (text still
    allowed): the result is posted in the channel as its link, saying why, not sent by DM (or,
    to a member whose DMs are closed, nowhere at all)."""
    fake.dm_blocked_users.add(fake.user_id)
    fake.take_from_bot(fake.channel_id, PERM_ATTACH_FILES)
    job = await finished_job(store, clock, fake, api)
    result = await Delivery(client, downloads, store, clock=clock)(job)
    assert result.outcome is DeliveryOutcome.DELIVERED, result
    [message] = results(fake)
    assert message["channel_id"] == str(fake.channel_id)
    shown = shown_text(message)
    assert job.result_url in shown and "not allowed to attach files" in shown, shown
    assert "too large" not in shown, shown
    assert media_urls(message) == [job.result_url], "the link's video plays in the gallery"


async def test_the_download_is_closed_when_the_delivery_claim_is_lost(
    store, clock, fake, client, api, downloads, monkeypatch
):
    """A spooled download over 2 MiB is on disk: every path closes it, a lost claim too."""
    opened = []
    real = tempfile.SpooledTemporaryFile

    def spy(*args, **kwargs):
        spool = real(*args, **kwargs)
        opened.append(spool)
        return spool

    monkeypatch.setattr(tempfile, "SpooledTemporaryFile", spy)
    job = await finished_job(store, clock, fake, api, size=3 * 1024 * 1024)  # past 2 MiB: on disk

    async def claim_lost(*args, **kwargs):
        return None

    monkeypatch.setattr(store, "begin_delivery", claim_lost)
    result = await Delivery(client, downloads, store, clock=clock)(job)
    assert result.outcome is DeliveryOutcome.RETRY
    [spool] = opened
    assert spool.closed, "the downloaded video is left open"


async def test_a_boosted_servers_video_is_attached_when_its_channel_is_not_cached_yet(
    store, clock, fake, client, api, downloads
):
    """The engine starts in `setup_hook`, before the gateway has sent a single server: the
    results that finished while the bot was down are delivered right after a restart, with
    every channel fetched over REST and its server a stub at boost level 0. A server boosted
    to level 2 takes 50 MiB uploads: its 12 MiB video must be attached, not posted as an
    APIMart link that expires in a day."""
    fake._guild(fake.guild_id).premium_tier = 2
    job = await finished_job(store, clock, fake, api, size=12 * MIB)
    assert client.get_channel(fake.channel_id) is None, "as after a restart: nothing cached"
    result = await Delivery(client, downloads, store, clock=clock)(job)
    assert result.outcome is DeliveryOutcome.DELIVERED
    [message] = results(fake)
    assert [a["size"] for a in message["attachments"]] == [12 * MIB], shown_text(message)
    assert not result.linked


async def test_a_boosted_servers_video_is_attached_while_the_gateway_has_not_sent_its_server(
    store, clock, fake, api, downloads
):
    """READY lists every server as unavailable, and discord.py caches each as a stub at boost
    level 0 until its GUILD_CREATE comes (seconds to minutes after a start for a large bot;
    never while Discord has an outage there). A server boosted to level 2 takes 50 MiB
    uploads: its 12 MiB video must be attached, not posted as an APIMart link that expires."""
    fake._guild(fake.guild_id).premium_tier = 2
    fake.outage_guilds.add(fake.guild_id)
    client = discord.Client(intents=discord.Intents(guilds=True))
    async with client:
        await client.login(BOT_TOKEN)
        gateway = asyncio.create_task(client.connect())
        try:
            stub = await fake.wait_for(
                lambda: client.get_guild(fake.guild_id), description="READY's server stub"
            )
            assert stub.unavailable
            job = await finished_job(store, clock, fake, api, size=12 * MIB)
            result = await Delivery(client, downloads, store, clock=clock)(job)
        finally:
            await client.close()
            await gateway
    assert result.outcome is DeliveryOutcome.DELIVERED
    [message] = results(fake)
    assert [a["size"] for a in message["attachments"]] == [12 * MIB], shown_text(message)
    assert not result.linked


async def test_a_boosted_servers_video_that_goes_by_dm_is_held_to_the_dms_limit(
    store, clock, fake, client, api, downloads
):
    """A 12 MiB video fits its level-2 server (50 MiB), but its channel was shut to the bot
    and it goes by DM, where Discord takes 10 MiB: the DM carries its link, not an upload
    Discord refuses (413) on every retry."""
    fake._guild(fake.guild_id).premium_tier = 2
    fake.forbidden_channels.add(fake.channel_id)
    job = await finished_job(store, clock, fake, api, size=12 * MIB)
    result = await Delivery(client, downloads, store, clock=clock)(job)
    assert result.outcome is DeliveryOutcome.DELIVERED, result
    [sent] = [m for m in fake.messages(fake.dm_channel_id(fake.user_id)) if is_layout(m)]
    assert not sent["attachments"], "uploaded over the DM's limit"
    assert job.result_url in media_urls(sent), shown_text(sent)
    assert not [r for r in fake.requests if r.status == 413]


async def test_one_dropped_read_of_a_boosted_servers_limit_leaves_its_videos_attached(
    store, clock, fake, client, api, downloads
):
    """Right after a restart (nothing cached), reading a level-2 server's upload limit lost its
    connection once. That moment must not turn the server's 12 MiB videos into links that
    expire in a day, neither this one nor the next, a minute later."""
    fake._guild(fake.guild_id).premium_tier = 2
    fake.drop_next("GET", rf"/guilds/{fake.guild_id}$", times=2)
    delivery = Delivery(client, downloads, store, clock=clock)
    for _ in range(2):
        job = await finished_job(store, clock, fake, api, size=12 * MIB)
        result = await delivery(job)
        assert result.outcome is DeliveryOutcome.DELIVERED
        [message] = [m for m in results(fake) if f"#{job.id}" in shown_text(m)]
        assert [a["size"] for a in message["attachments"]] == [12 * MIB], shown_text(message)
        clock.advance(60)


class _OtherShardsServers:
    """A client that holds no server (each is on another process's shard) and reads each one's
    upload limit over REST, as `discord.Client.fetch_guild` does."""

    def __init__(self) -> None:
        self.reads = 0

    def get_guild(self, _guild_id: int) -> None:
        return None

    async def fetch_guild(self, guild_id: int, *, with_counts: bool = True) -> discord.Guild:
        self.reads += 1
        return discord.Guild(data={"id": str(guild_id), "premium_tier": 2}, state=MagicMock())


async def test_upload_limits_read_for_other_shards_servers_are_not_kept_for_good():
    """Any process delivers to any server (docs/scaling.md): over weeks, one process reads the
    upload limit of every server another process's shards hold. A limit is kept while it is
    used (`SERVER_LIMIT_KEPT`), then goes: 100,000 servers must not stay in memory for good."""
    clock = FakeClock()
    client = _OtherShardsServers()
    delivery = Delivery(client, None, None, clock=clock)  # type: ignore[arg-type]
    state = MagicMock()  # a server's stub, as a channel of a server not held carries
    for guild_id in range(1, 401):
        target = SimpleNamespace(guild=discord.Guild(data={"id": str(guild_id)}, state=state))
        assert await delivery._upload_limit(target) == 50 * MIB
        clock.advance(SERVER_LIMIT_KEPT / 50)  # fifty servers' deliveries per stretch
    assert len(delivery._server_limits) <= 51
    # One still kept is not read again.
    reads = client.reads
    kept = SimpleNamespace(guild=discord.Guild(data={"id": "400"}, state=state))
    assert await delivery._upload_limit(kept) == 50 * MIB
    assert client.reads == reads


async def test_a_plain_result_after_a_refused_layout_does_not_call_a_small_video_too_large(
    store, clock, fake, client, api, downloads
):
    """Discord refused the panel (a 400): the plain result goes out without the file. The 1 KiB
    video was fetched and fits: the member must not be told it is too large to upload here."""
    fake.fail_next("POST", r"/channels/\d+/messages", 400, 50035, "Invalid Form Body")
    job = await finished_job(store, clock, fake, api, size=1024)
    result = await Delivery(client, downloads, store, clock=clock)(job)
    assert result.outcome is DeliveryOutcome.DELIVERED
    [message] = results(fake)
    assert "your video is ready" in message["content"]
    assert "too large" not in message["content"], message["content"]
    assert [a["size"] for a in message["attachments"]] == [1024], "the video it fetched"


# A member's picture hidden behind a spoiler: Discord names such a file SPOILER_...
SPOILERED = VideoRequest(
    prompt="make the ending move",
    duration=4,
    image_urls=("https://cdn.discordapp.com/attachments/1/2/SPOILER_ending.png",),
)


async def test_a_plain_result_of_a_spoilered_picture_keeps_the_video_behind_a_spoiler(
    store, clock, fake, client, api, downloads
):
    """Discord refused the panel (whose gallery hides the video): the plain result carries the
    file itself as a spoiler, or the video made from a hidden picture plays openly."""
    fake.fail_next("POST", r"/channels/\d+/messages", 400, 50035, "Invalid Form Body")
    job = await finished_job(store, clock, fake, api, request=SPOILERED)
    assert (await Delivery(client, downloads, store, clock=clock)(job)).outcome is (
        DeliveryOutcome.DELIVERED
    )
    [message] = results(fake)
    assert [a["filename"] for a in message["attachments"]] == ["SPOILER_video.mp4"]


async def test_a_linked_result_of_a_spoilered_picture_is_a_spoilered_link(
    store, clock, fake, client, api, downloads
):
    """Refused twice, the plain result is the video's link: a bare link would play it openly
    in the channel, so it is written behind a spoiler."""
    fake.fail_next("POST", r"/channels/\d+/messages", 400, 50035, "Invalid Form Body", times=2)
    job = await finished_job(store, clock, fake, api, request=SPOILERED)
    await Delivery(client, downloads, store, clock=clock)(job)
    [message] = results(fake)
    assert f"||{job.result_url}||" in message["content"], message["content"]


async def test_a_linked_result_of_an_open_picture_is_a_bare_link(
    store, clock, fake, client, api, downloads
):
    fake.fail_next("POST", r"/channels/\d+/messages", 400, 50035, "Invalid Form Body", times=2)
    job = await finished_job(store, clock, fake, api)
    await Delivery(client, downloads, store, clock=clock)(job)
    [message] = results(fake)
    assert job.result_url in message["content"]
    assert f"||{job.result_url}||" not in message["content"], message["content"]


async def test_a_small_video_discord_refuses_twice_is_linked_as_not_attached_not_too_large(
    store, clock, fake, client, api, downloads
):
    """Discord refused the panel (a 400), then the plain post with the file (a 400 again): the
    link goes out. The 1 KiB video fits: the member reads that it could not be attached, not
    that it is too large to upload here."""
    fake.fail_next("POST", r"/channels/\d+/messages", 400, 50035, "Invalid Form Body", times=2)
    job = await finished_job(store, clock, fake, api, size=1024)
    result = await Delivery(client, downloads, store, clock=clock)(job)
    assert result.outcome is DeliveryOutcome.DELIVERED
    [message] = results(fake)
    assert message["attachments"] == []
    assert job.result_url in message["content"], message["content"]
    assert "too large" not in message["content"], message["content"]
    assert "would not let me attach the file here" in message["content"], message["content"]


async def test_a_reference_picture_whose_link_expired_before_the_result_still_shows(
    store, clock, fake, client, api, downloads, session
):
    """A render given up on and posted a day later: the member's picture's signed link has
    expired by then. Discord refreshes only links valid when posted, so the result's thumbnail
    gets the bare attachment link (which Discord renders and signs afresh), never the dead one
    (a broken picture on the result)."""
    clock.now = fake.wall_clock()
    picture = fake.make_attachment("cat.png", b"\x89PNG cat")
    fake.advance_clock(25 * 3600)
    clock.advance(25 * 3600)
    request = VideoRequest(
        prompt="the cat jumps", generation_type="frame", image_urls=(picture.url,)
    )
    job = await finished_job(store, clock, fake, api, request=request)
    delivery = Delivery(
        client, downloads, store, clock=clock, cdn_origins=frozenset({fake.base_url})
    )
    assert (await delivery(job)).outcome is DeliveryOutcome.DELIVERED
    [message] = results(fake)
    [_video, thumbnail] = media_urls(message)
    assert "First frame" in shown_text(message)
    async with session.get(thumbnail) as shown:
        assert shown.status == 200, f"a broken picture on the result: {thumbnail}"
        assert await shown.read() == b"\x89PNG cat"


async def test_a_reference_copy_gone_before_the_result_is_named_not_shown_broken(
    store, clock, fake, client, api, downloads
):
    """The picture was a copy APIMart keeps for 72 hours, gone when the result is posted:
    nothing renews it, so the result names it without a broken thumbnail."""
    copy = rehosted_url(f"{api.base_url}/uploads/cat.png", clock() - 60, attachment=7)
    request = VideoRequest(prompt="the cat jumps", generation_type="frame", image_urls=(copy,))
    job = await finished_job(store, clock, fake, api, request=request)
    await Delivery(client, downloads, store, clock=clock)(job)
    [message] = results(fake)
    [video] = media_urls(message)
    assert copy.split("#")[0] not in video, "no thumbnail of the gone copy"
    assert "First frame" in texts(message)


# The give-ups below take 50 attempts of 3 requests each, made at once: Discord's global limit
# (45 a second kept) would hold each run up a second or so every 15 attempts, for nothing they
# look at.
UNPACED = {"discord_requests_per_second": 10_000}


@contextlib.asynccontextmanager
async def given_up_in_the_channel(
    tmp_path, *, dms_closed=False, last_made_unseen=False, unreadable_at_the_end=None
):
    """The bot, one finished video, and Discord failing every post of it in its channel (a
    503, each of the bot's attempts, hours apart; `last_made_unseen`: the last one made, its
    answer lost; `unreadable_at_the_end`: from the last attempt on, the channel's messages
    cannot be read either, that attempt's look failing with a 503 and every look after it
    with this status): yields the world once the bot stopped trying there, and the job's
    status message id."""
    clock = ShiftedClock()
    async with running_bot(
        tmp_path, clock=clock, plan=TaskPlan(polls_until_done=None), **UNPACED
    ) as world:
        fake, api = world.discord, world.api
        if dms_closed:
            fake.dm_blocked_users.add(fake.user_id)
        interaction = await world.video(prompt="a paper boat on a river")
        await interaction.wait_for_answer()
        await api.wait_until(lambda: api.task_ids, what="the submit")
        posts = rf"/channels/{fake.channel_id}/messages$"
        if last_made_unseen:
            fake.fail_next("POST", posts, status=503, times=PollerConfig.max_delivery_attempts - 1)
            fake.lose_answer_next("POST", posts)
        fake.fail_next("POST", posts, status=503, times=10**6)
        api.last_task.complete()
        async with asyncio.timeout(60):
            job = await world.bot.store.get(1)
            while job.delivered_at is None:
                # The next attempt is due (they are 600 s apart at most); the clock moves on
                # only once it is written down, so no claim of it lapses while it is made.
                clock.offset += 601
                tried = job.delivery_attempts
                if unreadable_at_the_end and tried == PollerConfig.max_delivery_attempts - 1:
                    reads = rf"/channels/{fake.channel_id}/messages"
                    fake.fail_next("GET", reads, status=503)
                    lost = unreadable_at_the_end == 403  # Missing Access
                    fake.fail_next(
                        "GET", reads, unreadable_at_the_end, 50001 if lost else 0, times=10**6
                    )
                world.bot.poller.wake()
                while job.delivered_at is None and job.delivery_attempts == tried:
                    await asyncio.sleep(0.01)
                    job = await world.bot.store.get(1)
        yield world, (await world.bot.store.get(1)).status_message_id


async def status_reads(fake, status_id, text):
    """The status message's text, once it reads `text` (its last edit is made in the
    background), or as it stays."""
    for _ in range(250):
        content = fake.get_message(status_id)["content"]
        if text in content:
            return content
        await asyncio.sleep(0.02)
    return fake.get_message(status_id)["content"]


def given_up_counts(world, caplog):
    """How the give-up was counted (`videobot_deliveries_total`) and logged (operator's
    lines)."""
    scraped = parse(world.bot.metrics.render().decode())
    counts = {
        outcome: scraped.get("videobot_deliveries_total", outcome=outcome)
        for outcome in ("delivered", "unreachable")
    }
    lines = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    said = [line for line in lines if "anywhere" in line or "by DM instead" in line]
    return counts, said


async def test_a_video_discord_kept_failing_to_post_reaches_its_member_by_dm(tmp_path, caplog):
    """Discord failed every post of a finished video in its channel, for hours: once the bot
    gives up there, the member gets the video by DM, told why, and the status under the
    command says where it went (not "posting the video…" for good); nothing in the channel.
    The operator reads it once in the log."""
    async with given_up_in_the_channel(tmp_path) as (world, status_id):
        fake = world.discord
        status = await status_reads(fake, status_id, "direct message")
        [dm] = [m for m in dms(fake) if is_layout(m)]
        job = await world.bot.store.get(1)
        counts, said = given_up_counts(world, caplog)
    assert counts == {"delivered": 1, "unreachable": 0}
    assert said == ["Job 1: Discord failed its delivery 50 times; it went by DM instead"]
    assert "posting the video" not in status, status
    assert "sent the video to the member who asked by direct message" in status, status
    assert dm["attachments"], "the video itself"
    assert f"I couldn't post in <#{fake.channel_id}>" in shown_text(dm)
    assert results(fake) == [], "nothing posted in the channel"
    assert job.delivery_target == DM_TARGET and job.delivery_message_id == int(dm["id"])


async def test_a_video_discord_kept_failing_to_post_to_a_member_with_closed_dms_is_in_history(
    tmp_path, caplog
):
    """The same, the member's DMs closed: the status says the video is done and where to find
    it, at once; /videos history gives its link. Counted and logged once as reaching them
    nowhere."""
    async with given_up_in_the_channel(tmp_path, dms_closed=True) as (world, status_id):
        fake = world.discord
        status = await status_reads(fake, status_id, "history")
        job = await world.bot.store.get(1)
        counts, said = given_up_counts(world, caplog)
        asked = await fake.slash_command("videos history")
        history = await asked.wait_for_private_answer()
    assert "posting the video" not in status, status
    assert "is done, but I could neither post it here nor send it by direct message" in status
    assert job.result_url in history, history
    assert counts == {"delivered": 0, "unreachable": 1}
    assert len(said) == 1 and "could not reach user" in said[0], said
    assert results(fake) == [] and dms(fake) == []


@pytest.mark.parametrize("unreadable", [503, 403], ids=["read-failing", "read-access-lost"])
async def test_a_video_given_up_where_its_channel_cannot_be_looked_at_claims_no_dm(
    tmp_path, unreadable
):
    """Discord failed every post in the channel, and at the end its messages cannot be read
    (Discord failing the read, or the bot's access to it lost): the last post may be there,
    so no DM is sent. The status says the video is done and where to find it, never that a
    direct message was tried."""
    async with given_up_in_the_channel(tmp_path, unreadable_at_the_end=unreadable) as (
        world,
        status_id,
    ):
        fake = world.discord
        status = await status_reads(fake, status_id, "history")
        job = await world.bot.store.get(1)
    assert dms(fake) == [], "no DM: the post may be in the channel"
    assert job.delivered_at is not None and job.delivery_message_id is None
    assert "posting the video" not in status, status
    assert "direct message" not in status, status
    assert "is done" in status and "videos history" in status, status


async def test_a_last_post_discord_made_unseen_is_not_sent_again_by_dm(tmp_path):
    """Discord made the last attempt's post, its answer lost: the bot finds it before sending
    anything by DM, and the status says the video is done."""
    async with given_up_in_the_channel(tmp_path, last_made_unseen=True) as (world, status_id):
        fake = world.discord
        status = await status_reads(fake, status_id, "in the reply below")
        job = await world.bot.store.get(1)
    [posted] = results(fake)
    assert dms(fake) == [], "not sent again"
    assert job.delivery_message_id == int(posted["id"])
    assert "posting the video" not in status, status


async def test_a_video_discord_kept_failing_to_post_in_the_members_dm_is_not_sent_there_as_a_dm(
    tmp_path, caplog
):
    """Asked in the member's DM with the bot, and Discord failed every post of it there: once
    the bot gives up, there is no other way to them (their DM is where it failed). The status
    says the video is in /videos history; no post in that very DM says "I couldn't post in
    <#that DM>, so I'm sending this here"."""
    clock = ShiftedClock()
    async with running_bot(
        tmp_path, clock=clock, plan=TaskPlan(polls_until_done=None), **UNPACED
    ) as world:
        fake, api = world.discord, world.api
        dm_channel = fake.dm_channel_id(fake.user_id)
        interaction = await fake.slash_command("video", {"prompt": "a paper boat"}, dm=True)
        await interaction.wait_for_answer()
        await api.wait_until(lambda: api.task_ids, what="the submit")
        fake.fail_next(
            "POST",
            rf"/channels/{dm_channel}/messages$",
            status=503,
            times=PollerConfig.max_delivery_attempts,
        )
        api.last_task.complete()
        async with asyncio.timeout(60):
            job = await world.bot.store.get(1)
            while job.delivered_at is None:
                clock.offset += 601
                world.bot.poller.wake()
                tried = job.delivery_attempts
                while job.delivered_at is None and job.delivery_attempts == tried:
                    await asyncio.sleep(0.01)
                    job = await world.bot.store.get(1)
        status = await status_reads(fake, job.status_message_id, "history")
        sent = dms(fake)
    assert not [m for m in sent if "couldn't post in" in shown_text(m)], sent
    assert "history" in status, status


async def test_a_plain_result_describes_its_video_to_screen_readers(
    store, clock, fake, client, api, downloads
):
    """Discord refused the panel: the plain result's file carries the same alt text as the
    panel's video, or a screen reader says only "video.mp4"."""
    fake.fail_next("POST", r"/channels/\d+/messages", 400, 50035, "Invalid Form Body")
    job = await finished_job(store, clock, fake, api, request=SPOILERED)
    await Delivery(client, downloads, store, clock=clock)(job)
    [message] = results(fake)
    described = "Video made from the prompt: make the ending move"
    assert [a.get("description") for a in message["attachments"]] == [described]
