"""A server's AutoMod blocking the bot's posts that echo a member's prompt (400 200000).

A slash command's options are not checked by AutoMod: a prompt holding a word the server
blocks reaches the bot, and every post or edit of the bot's that repeats it is refused.
"""

import dataclasses
import logging
import time

from bot.apimart.models import TaskInfo, TaskStatus, VideoRequest
from bot.delivery import Delivery
from bot.jobs.link_marks import LinkMarks
from bot.jobs.models import JobState, Requester
from bot.jobs.poller import DeliveryOutcome
from bot.jobs.stages import Stage
from bot.link_expiry import ExpiredLinkPosts
from bot.status_messages import StatusMessages
from tests.fakes.components import media_urls, shown_text
from tests.harness import running_bot
from tests.jobstates import claimed, finished, submitted
from tests.test_delivery import dms, finished_job, results
from tests.test_status_messages import posted_job, settled, video_posted

AUTOMOD = 200000


def refused_by_automod(fake):
    """The bot's requests Discord refused for AutoMod (each one a member waited for)."""
    return [
        r
        for r in fake.requests
        if r.status == 400 and isinstance(r.response, dict) and r.response.get("code") == AUTOMOD
    ]


async def test_a_result_whose_prompt_automod_blocks_is_posted_at_once_without_it(
    store, clock, fake, client, api, downloads, caplog
):
    """The member's prompt holds a word this server's AutoMod blocks: the result post (which
    quotes the prompt) is refused. It is posted again at once, once, without the prompt, with
    the video and a note saying why the prompt is not shown; never retried for hours."""
    fake.automod_blocks("kite")
    request = VideoRequest(prompt="a red kite over the sea", duration=4)
    job = await finished_job(store, clock, fake, api, request=request)
    with caplog.at_level(logging.INFO):
        result = await Delivery(client, downloads, store, clock=clock)(job)
    assert result.outcome is DeliveryOutcome.DELIVERED, result
    [message] = results(fake)
    assert message["channel_id"] == str(fake.channel_id)
    shown = shown_text(message)
    assert "kite" not in shown.lower(), shown
    assert "AutoMod" in shown, shown
    assert f"<@{fake.user_id}>" in shown
    assert [a["size"] for a in message["attachments"]] == [1024], "the video is still attached"
    assert int(message["id"]) == result.message_id
    assert len(refused_by_automod(fake)) == 1, "one refused post, then the one without the prompt"
    assert not result.plain, "the result keeps its layout (and its buttons)"
    warned = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert all("kite" not in r.getMessage() for r in warned), "no prompt in warnings"


async def failed_job(store, clock, fake, *, prompt, reason):
    """A render the service failed, with its own words (which may quote the prompt)."""
    requester = Requester(user_id=fake.user_id, channel_id=fake.channel_id, guild_id=fake.guild_id)
    job = await store.create(
        requester, VideoRequest(prompt=prompt, duration=4), now=clock(), submit_by=clock()
    )
    job = await submitted(store, job, now=clock())
    info = TaskInfo(task_id=f"task_{job.id}", status=TaskStatus.FAILED, error_message=reason)
    await finished(store, job, JobState.FAILED, now=clock(), info=info)
    return await claimed(store, job.id, Stage.DELIVER)


async def test_a_failure_whose_service_reason_quotes_the_blocked_prompt_is_told_at_once(
    store, clock, fake, client, api, downloads
):
    """The service failed the render, its reason quoting the prompt: every post quoting either
    is refused, the plainest too. It is told at once without both, not refused three times over
    at each retry for hours."""
    fake.automod_blocks("kite")
    job = await failed_job(
        store, clock, fake, prompt="a red kite", reason='Content policy: "kite" is not allowed'
    )
    result = await Delivery(client, downloads, store, clock=clock)(job)
    assert result.outcome is DeliveryOutcome.DELIVERED, result
    [message] = results(fake)
    shown = shown_text(message)
    assert "kite" not in shown.lower() and "AutoMod" in shown, shown
    assert len(refused_by_automod(fake)) == 1


async def test_a_failure_of_no_known_cause_leaves_out_the_service_reason_with_the_prompt(
    store, clock, fake, client, api, downloads
):
    """A reason the bot does not recognise is its whole explanation ("could not make job #1:
    …"): quoting the blocked prompt, it is left out too and said to be, not posted again."""
    fake.automod_blocks("kite")
    job = await failed_job(
        store, clock, fake, prompt="a red kite", reason='Render stopped at "a red kite"'
    )
    result = await Delivery(client, downloads, store, clock=clock)(job)
    assert result.outcome is DeliveryOutcome.DELIVERED, result
    [message] = results(fake)
    shown = shown_text(message)
    assert "kite" not in shown.lower(), shown
    assert "its reason is not shown here, as it may quote the prompt" in shown, shown
    assert len(refused_by_automod(fake)) == 1


async def test_a_result_automod_blocks_even_without_the_prompt_goes_by_dm_saying_why(
    store, clock, fake, client, api, downloads, marks
):
    """This server's AutoMod blocks a word of the bot's own ("video"): the post without the
    prompt is refused too. The result goes to the member by DM at once (DMs have no AutoMod),
    saying why, and the status says where it went: two refused posts, not two at every retry
    for eight hours."""
    clock.now = time.time()  # the fake's message ids are real-time snowflakes
    job = await finished_job(store, clock, fake, api)
    status = StatusMessages(client, store, marks, clock=clock, min_edit_interval=0)
    await status.post(client.get_partial_messageable(fake.channel_id), job)
    job = await store.get(job.id)
    fake.automod_blocks("video")  # a rule set after the announcement
    result = await Delivery(client, downloads, store, clock=clock, status=status)(job)
    assert result.outcome is DeliveryOutcome.DELIVERED, result
    assert results(fake) == []
    [dm] = dms(fake)
    assert int(dm["id"]) == result.message_id
    shown = shown_text(dm)
    assert "AutoMod blocked my post" in shown and "a kite" in shown, shown
    assert len(refused_by_automod(fake)) == 2


async def test_a_video_whose_announcement_automod_blocks_is_not_made_and_the_member_hears_why(
    tmp_path,
):
    """/video's prompt reached the bot (AutoMod does not check a command's options), but the
    announcement quoting it in the channel is refused. Nothing was sent to the video service
    yet: the video is not made nor counted, and the member alone reads why, not "queued" for
    a video whose every post there would be refused."""
    async with running_bot(tmp_path) as world:
        fake = world.discord
        fake.automod_blocks("kite")
        interaction = await fake.slash_command("video", options={"prompt": "a red kite"})
        answer = await interaction.wait_for_private_answer()
        assert "AutoMod" in answer and "nothing was counted" in answer, answer
        assert "queued" not in answer, answer
        assert world.api.submits == [], "a video is paid for that the server's AutoMod blocks"
        [row] = await world.db.fetch_all("SELECT state FROM jobs")
        assert row["state"] == "rejected", "closed unsent: it does not count"
        assert len(refused_by_automod(fake)) == 1, "refused once, never posted again"


async def test_a_status_whose_prompt_automod_blocks_goes_on_without_it(
    store, clock, fake, client, marks
):
    """The server's AutoMod starts blocking a word of the prompt while the video renders: the
    next progress edit, quoting the prompt, is refused. Edited at once without the prompt
    (saying why), the status goes on showing progress and the end, never refused again."""
    status = StatusMessages(client, store, marks, clock=clock, min_edit_interval=0)
    job = await posted_job(store, clock, fake, client, status)  # "a *bold* @everyone cat"
    fake.automod_blocks("cat")
    for progress in (20, 40):
        await status.update(dataclasses.replace(job, state=JobState.PROCESSING, progress=progress))
    await video_posted(store, clock, fake, status, job)
    shown = fake.get_message(job.status_message_id)["content"]
    assert "is done" in shown and "AutoMod" in shown and "cat" not in shown, shown
    assert len(refused_by_automod(fake)) == 1


async def test_a_status_automod_blocks_even_without_the_prompt_is_edited_no_more(
    store, clock, fake, client, marks
):
    """A word of the bot's own is blocked ("video"): the status without the prompt is refused
    too. It is left as it is, not refused again at every progress step and last edit."""
    status = StatusMessages(
        client, store, marks, clock=clock, min_edit_interval=0, final_retry_waits=(0.01, 0.01)
    )
    job = await posted_job(store, clock, fake, client, status)
    fake.automod_blocks("video")
    for progress in (20, 40, 60):
        await status.update(dataclasses.replace(job, state=JobState.PROCESSING, progress=progress))
    await video_posted(store, clock, fake, status, job)
    await settled(status)
    assert len(refused_by_automod(fake)) == 2


async def test_a_link_post_whose_prompt_automod_blocks_still_says_its_link_expired(
    store, clock, fake, client, api, downloads
):
    """The video was posted as APIMart's link; the server's AutoMod now blocks a word of its
    prompt, and the edit saying the link expired (the card quoting the prompt) is refused.
    Edited at once without the prompt: the post does not go on playing a dead link."""
    fake.upload_limit = 512
    job = await finished_job(
        store, clock, fake, api, size=1024, request=VideoRequest(prompt="a red kite", duration=4)
    )
    result = await Delivery(client, downloads, store, clock=clock)(job)
    assert result.linked
    assert await store.mark_delivered(
        job, now=clock(), message_id=result.message_id, linked=True, plain=result.plain
    )
    fake.automod_blocks("kite")
    clock.advance(86_400 + 60)
    sweep = ExpiredLinkPosts(client, LinkMarks(store._db, clock=clock), clock=clock)
    assert await sweep.sweep_once() == 1
    shown = shown_text(fake.get_message(result.message_id))
    assert "expired" in shown and "kite" not in shown and "AutoMod" in shown, shown
    assert media_urls(fake.get_message(result.message_id)) == []
    assert len(refused_by_automod(fake)) == 1
