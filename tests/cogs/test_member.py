"""/videos history, status, cancel and quota, as a member sees them."""

import asyncio
import dataclasses
import re
import time

import pytest

from bot.apimart.models import TaskInfo, TaskStatus, VideoRequest
from bot.jobs.models import (
    CHANNEL_TARGET,
    DELETED_RESULT,
    DM_TARGET,
    INTERACTION_TARGET,
    JobState,
    Requester,
)
from bot.jobs.stages import Stage
from bot.jobs.validation import MAX_PROMPT_LENGTH
from bot.reach import Reply, Route
from bot.result_text import failure_text
from cogs._private import whose_allowance
from cogs.member import (
    HISTORY_PAGES,
    HISTORY_SIZE,
    history_text,
    job_choices,
    status_details,
    status_report,
)
from tests.cogs.test_reach import eventually
from tests.conftest import FakeClock
from tests.fakes.apimart import FakeAPIMart, TaskPlan
from tests.fakes.components import is_layout
from tests.fakes.discord import INTERACTION_AUTOCOMPLETE, FakeDiscord
from tests.harness import API_KEY, BOT_TOKEN, running_bot
from tests.jobstates import claimed, finished, submitted
from tests.test_message_limits import NOW, SNOWFLAKE, job
from tests.timestamps import read_at

EPHEMERAL = 64


async def queued(world, prompt):
    interaction = await world.video(prompt=prompt)
    return await interaction.wait_for_answer()


async def test_history_lists_my_jobs_newest_first_with_state_and_link(tmp_path):
    async with running_bot(tmp_path, plan=TaskPlan(polls_until_done=1)) as world:
        await queued(world, "first video")
        await world.discord.wait_for_message(predicate=is_layout)
        await world.bot.poller.stop()
        world.api.default_plan = TaskPlan(polls_until_done=None)
        await queued(world, "second video")
        interaction = await world.discord.slash_command("videos history")
        content = await interaction.wait_for_private_answer()
        assert content.index("#2") < content.index("#1")
        assert "second video" in content and "first video" in content
        assert "done" in content and "[video](https://discord.com/channels/" in content


async def test_history_of_someone_new_says_how_to_start(tmp_path):
    async with running_bot(tmp_path) as world:
        interaction = await world.discord.slash_command("videos history")
        assert "no videos yet" in await interaction.wait_for_private_answer()


async def test_status_of_my_running_job_shows_progress(tmp_path):
    # Held at 0% until set: a creeping task could pass 60% before the test sets it.
    async with running_bot(tmp_path, plan=TaskPlan(polls_until_done=None, creep=0)) as world:
        await queued(world, "slow one")
        world.api.last_task.set_progress(60)
        # Two checks after the 60% (the first answered 60%; the second asked once the first
        # was written down), not two in all: on a slow machine two came before it.
        await world.api.wait_for_polls(len(world.api.polls) + 2)
        await world.bot.poller.stop()
        interaction = await world.discord.slash_command("videos status", options={"job": 1})
        content = await interaction.wait_for_private_answer()
        assert "Job #1" in content
        assert "60%" in content


async def test_status_of_someone_elses_job_is_refused(tmp_path):
    async with running_bot(tmp_path, plan=TaskPlan(polls_until_done=None)) as world:
        await queued(world, "mine")
        bob = world.discord.add_member("bob")
        interaction = await world.discord.slash_command(
            "videos status", options={"job": 1}, user=bob
        )
        content = await interaction.wait_for_private_answer()
        assert "You have no job #1" in content


async def test_status_of_a_job_that_does_not_exist_does_not_say_it_is_someone_elses(tmp_path):
    async with running_bot(tmp_path) as world:
        interaction = await world.discord.slash_command("videos status", options={"job": 99})
        content = await interaction.wait_for_private_answer()
        # The same answer as for another member's job (it says nothing of theirs), and true.
        assert content.startswith("You have no job #99.")


async def test_cancel_marks_the_status_message_and_progress_no_longer_shows(tmp_path):
    """The render goes on at APIMart (it is polled quietly); the channel only sees "cancelled"."""
    async with running_bot(tmp_path, plan=TaskPlan(polls_until_done=None)) as world:
        await queued(world, "never mind")
        status = await world.discord.wait_for_message(
            predicate=lambda m: "asked for a video" in m["content"]
        )
        interaction = await world.discord.slash_command("videos cancel", options={"job": 1})
        callback = await interaction.wait_for_callback()
        assert callback["data"]["flags"] & EPHEMERAL, "acknowledged privately before the write"
        content = (await interaction.wait_for_answer())["content"]
        assert "is cancelled: it won't be posted" in content
        await world.discord.wait_for(
            lambda: "was cancelled" in world.discord.get_message(int(status["id"]))["content"]
        )
        world.api.last_task.set_progress(70)
        await world.api.wait_for_polls(len(world.api.polls) + 2)
        await world.bot.poller.stop()
        message = world.discord.get_message(int(status["id"]))["content"]
        assert "was cancelled" in message and "70%" not in message


async def test_autocomplete_offers_my_recent_jobs(tmp_path):
    async with running_bot(tmp_path, plan=TaskPlan(polls_until_done=None)) as world:
        await queued(world, "a cat on a skateboard")
        interaction = await world.discord.slash_command(
            "videos status",
            options=[{"name": "job", "type": 4, "value": "", "focused": True}],
            interaction_type=INTERACTION_AUTOCOMPLETE,
        )
        callback = await interaction.wait_for_callback()
        assert callback["type"] == 8
        [choice] = callback["data"]["choices"]
        assert choice["value"] == 1
        assert "a cat on a skateboard" in choice["name"]


async def autocompleted(world, command):
    """The job numbers Discord would offer in `command`'s job option, nothing typed yet."""
    interaction = await world.discord.slash_command(
        command,
        options=[{"name": "job", "type": 4, "value": "", "focused": True}],
        interaction_type=INTERACTION_AUTOCOMPLETE,
    )
    callback = await interaction.wait_for_callback()
    return [choice["value"] for choice in callback["data"]["choices"]]


async def test_cancel_suggests_only_the_jobs_it_can_still_cancel(tmp_path):
    """A finished video, or one already cancelled, cannot be cancelled: offered in
    `/videos cancel`, it only leads to "can no longer be cancelled". `/videos status` still
    offers them all."""
    async with running_bot(tmp_path, plan=TaskPlan(polls_until_done=None)) as world:
        await queued(world, "still rendering")  # job 1, at APIMart
        await finished_jobs(world, 1, "already done")  # job 2
        fake, store = world.discord, world.bot.store
        requester = Requester(
            user_id=fake.user_id, channel_id=fake.channel_id, guild_id=fake.guild_id
        )
        now = world.bot.clock()
        dropped = await store.create(
            requester, VideoRequest(prompt="dropped"), now=now, submit_by=now
        )  # job 3, cancelled before it was sent
        await store.cancel(dropped.id, reason_key="cancelled_by_member", now=now, member_told=True)
        assert await autocompleted(world, "videos cancel") == [1]
        assert await autocompleted(world, "videos status") == [3, 2, 1]


async def test_a_video_whose_link_expired_before_it_was_posted_is_not_linked_as_a_video(
    tmp_path,
):
    """APIMart's link had expired when the result was posted (the bot was down for a day,
    say): the post says so and has no video. History and status must not call that post
    "[video]" or the result, nor send the member to watch it."""
    async with running_bot(tmp_path, plan=TaskPlan(polls_until_done=1, expires_in=-10)) as world:
        fake = world.discord
        await queued(world, "a lost lighthouse")
        notice = await fake.wait_for_message(
            predicate=lambda m: is_layout(m) and m.get("message_reference") is not None
        )
        await world.bot.poller.stop()
        job = await world.bot.store.get(1)
        assert job.delivery_message_id == int(notice["id"]), "its post is the notice"
        answers = {}
        for locale in ("en-US", "zh-CN"):
            history = await fake.slash_command("videos history", locale=locale)
            status = await fake.slash_command("videos status", options={"job": 1}, locale=locale)
            answers[locale] = (
                await history.wait_for_private_answer(),
                await status.wait_for_private_answer(),
            )
            for content in answers[locale]:
                assert str(notice["id"]) not in content, content
                assert "[video]" not in content and "[视频]" not in content, content
        for content in answers["en-US"]:
            assert "expired before it could be posted" in content, content
        for content in answers["zh-CN"]:
            assert "在发布之前" in content, content


async def finished_jobs(world, count, prompt, *, target=CHANNEL_TARGET, in_dm=False):
    """`count` delivered jobs of the member, made straight in the store (no render needed);
    `target`: where the result was posted; `in_dm`: made in the bot's DM, not the server."""
    store, fake = world.bot.store, world.discord
    await world.bot.poller.stop()  # these jobs are moved by hand, not by the engine
    requester = Requester(
        user_id=fake.user_id,
        channel_id=fake.dm_channel_id(fake.user_id) if in_dm else fake.channel_id,
        guild_id=None if in_dm else fake.guild_id,
    )
    now = world.bot.clock()
    for _ in range(count):
        job = await store.create(requester, VideoRequest(prompt=prompt), now=now, submit_by=now)
        job = await submitted(store, job, now=now)
        info = TaskInfo(
            task_id=f"task_{job.id}",
            status=TaskStatus.COMPLETED,
            progress=100,
            video_url="https://cdn.example/v.mp4",
            expires_at=int(now + 86400),
        )
        await finished(store, job, JobState.COMPLETED, now=now, info=info)
        news = await claimed(store, job.id, Stage.DELIVER)
        news = await store.begin_delivery(news, now=now, target=target)
        await store.mark_delivered(news, now=now, message_id=fake.new_snowflake())


async def test_status_of_a_result_sent_by_dm_links_the_video_not_a_missing_post(tmp_path):
    # The channel refused the post, so the result went to the member's DMs: the message id is
    # a DM's, and a link into the server channel would lead nowhere.
    async with running_bot(tmp_path) as world:
        await finished_jobs(world, 1, "a heron", target=DM_TARGET)
        interaction = await world.discord.slash_command("videos status", options={"job": 1})
        content = await interaction.wait_for_private_answer()
        assert "discord.com/channels/" not in content
        assert "https://cdn.example/v.mp4" in content


async def test_status_of_a_job_waiting_in_the_bots_dm_links_its_status_message_there(tmp_path):
    """Asked in the bot's DM, the job's status message is in that DM: the member is pointed
    to it, as in a server, to read what the job waits for."""
    async with running_bot(tmp_path) as world:
        fake = world.discord
        world.api.fail_next("submit", status=429, retry_after_header="600")  # held: waiting
        await (await fake.slash_command("video", {"prompt": "a heron"}, dm=True)).wait_for_answer()
        dm = fake.dm_channel_id(fake.user_id)
        status = await fake.wait_for_message(
            dm, predicate=lambda m: "asked for a video: a heron" in m["content"]
        )
        asked = await fake.slash_command("videos status", options={"job": 1}, dm=True)
        content = await asked.wait_for_private_answer()
        assert f"https://discord.com/channels/@me/{dm}/{status['id']}" in content, content


async def a_held_job_whose_status_message_was_deleted(world, prompt="a heron", *, wait="600"):
    """/video held back by APIMart (slow down, `wait` seconds), then a moderator deletes its
    status message and the bot hears of it; that message."""
    fake = world.discord
    world.api.fail_next("submit", status=429, retry_after_header=wait)  # held: waiting
    await (await fake.slash_command("video", {"prompt": prompt})).wait_for_answer()
    status = await fake.wait_for_message(
        predicate=lambda m: f"asked for a video: {prompt}" in m["content"]
    )
    fake.delete_message(int(status["id"]))
    await fake.dispatch(
        "MESSAGE_DELETE",
        {"id": status["id"], "channel_id": status["channel_id"], "guild_id": str(fake.guild_id)},
    )

    async def status_deleted():
        return (await world.bot.store.get(1)).status_deleted

    assert await eventually(status_deleted, True), "the deletion heard"
    return status


async def sent_and_posted(world, clock):
    """The held job is sent (its wait over, on the bot's clock), rendered and its video posted;
    its last status edits, if any, made. The post."""
    await world.api.wait_for_submits(2, timeout=10)

    async def state():
        return (await world.bot.store.get(1)).state

    assert await eventually(state, JobState.QUEUED) is JobState.QUEUED
    clock.advance(60)  # the render
    world.bot.poller.wake()
    result = await world.discord.wait_for_message(predicate=is_layout, timeout=10)

    async def delivered():
        return (await world.bot.store.get(1)).delivered_at is not None

    assert await eventually(delivered, True)
    await world.bot.status_messages.drain(timeout=5)
    return result


def status_posts(fake, prompt="a heron"):
    """Every status message the bot posted for the prompt, deleted ones too."""
    return [
        m
        for m in [*fake.messages(), *fake.deleted_messages]
        if f"asked for a video: {prompt}" in m.get("content", "")
    ]


def edits_of(fake, message, after=0):
    return [
        r
        for r in fake.requests[after:]
        if r.method == "PATCH" and r.path.endswith(f"/messages/{message['id']}")
    ]


async def test_status_of_a_waiting_job_whose_status_message_was_deleted_says_what_it_waits_for(
    tmp_path,
):
    """A moderator deleted the status message /videos status sends the member to for what the
    job waits for: status says it itself, not a link to a message that is gone."""
    async with running_bot(tmp_path) as world:
        status = await a_held_job_whose_status_message_was_deleted(world)
        job = await world.bot.store.get(1)
        assert job.status_message_id == int(status["id"]), "kept: it was announced"
        asked = await world.discord.slash_command("videos status", options={"job": 1})
        content = await asked.wait_for_private_answer()
        assert status["id"] not in content, content
        assert "Not sent yet: the video service asked me to slow down" in content, content


async def test_a_held_job_whose_status_message_was_deleted_is_sent_without_a_second_status(
    tmp_path,
):
    """When it is finally sent, it is not announced again (a second status post): it was
    announced, and its status message is not edited either; its video is posted."""
    clock = FakeClock(start=time.time())
    async with running_bot(tmp_path, clock=clock, plan=TaskPlan(polls_until_done=0)) as world:
        fake = world.discord
        # Held for a second of the bot's clock, which stands still until moved (and APIMart's
        # pause of every submit, a second of real time, is over first).
        status = await a_held_job_whose_status_message_was_deleted(world, wait="1")
        seen = len(fake.requests)
        await asyncio.sleep(1.1)
        clock.advance(2)
        world.bot.poller.wake()
        result = await sent_and_posted(world, clock)
        assert len(status_posts(fake)) == 1, "no second status message"
        assert result.get("message_reference") is None, "no reply to a message that is gone"
        assert edits_of(fake, status, seen) == [], "the deleted one is not edited"


async def test_a_deleted_status_message_stays_unlinked_and_unedited_after_a_restart(tmp_path):
    """The next process (a restart, or another process on the same database) knows the status
    message was deleted: /videos status does not link it, the job is not announced again when
    it is sent, and nothing edits the message that is gone."""
    clock = FakeClock(start=time.time())
    async with (
        FakeDiscord(token=BOT_TOKEN) as fake,
        FakeAPIMart(api_key=API_KEY) as api,
    ):
        api.default_plan = TaskPlan(polls_until_done=0)
        async with running_bot(tmp_path, fake=fake, api=api, clock=clock) as world:
            status = await a_held_job_whose_status_message_was_deleted(world)
        seen = len(fake.requests)
        async with running_bot(tmp_path, fake=fake, api=api, clock=clock) as world:  # restarted
            asked = await fake.slash_command("videos status", options={"job": 1})
            content = await asked.wait_for_private_answer()
            assert status["id"] not in content, content
            assert "Not sent yet: the video service asked me to slow down" in content, content
            clock.advance(601)
            world.bot.poller.wake()
            result = await sent_and_posted(world, clock)
        assert len(status_posts(fake)) == 1, "no second status message"
        assert result.get("message_reference") is None, "no reply to a message that is gone"
        assert edits_of(fake, status, seen) == [], "the deleted one is not edited"


async def test_status_of_a_video_over_the_upload_limit_gives_its_link_and_expiry(tmp_path):
    """Its post carries APIMart's link, which stops working: the member is told when."""
    plan = TaskPlan(polls_until_done=1, video_bytes=11 * 1024 * 1024)
    async with running_bot(tmp_path, plan=plan) as world:
        await world.video(prompt="a long 4k shot", resolution="4k")
        result = await world.wait_for_result()
        assert result["attachments"] == [], "posted as APIMart's link"
        interaction = await world.discord.slash_command("videos status", options={"job": 1})
        content = await interaction.wait_for_private_answer()
        assert world.api.last_task.video_url in content, content
        assert f"<t:{int(world.api.last_task.expires_at)}:R>" in content


def test_status_of_a_linked_video_past_its_expiry_says_it_is_gone():
    linked = job(result_linked=True, result_expires_at=int(NOW) - 60)
    text = status_details(linked, "en-US", now=NOW)
    assert text == (
        f"The video was posted as the video service's link, which expired <t:{int(NOW) - 60}:R>:"
        " it is no longer available."
    )
    uploaded = job(result_linked=False, result_expires_at=int(NOW) - 60)
    assert status_details(uploaded, "en-US", now=NOW).startswith("Result: https://discord.com/")


async def test_history_of_ten_long_markdown_prompts_fits_in_one_message(tmp_path):
    longest = ("*bold* _it_ " * 200)[:MAX_PROMPT_LENGTH]
    async with running_bot(tmp_path) as world:
        await finished_jobs(world, 10, longest)
        interaction = await world.discord.slash_command("videos history")
        content = await interaction.wait_for_private_answer()
        assert len(content) <= 2000
        assert all(f"**#{n}**" in content for n in range(1, 11)), "all ten jobs are listed"
        assert content.count("[video](https://discord.com/channels/") == 10
        assert "\\*bold\\*" in content, "the prompts' markdown is shown as typed"


async def history_pages(fake, locale, **place):
    """Every page of `/videos history`, read as each page's last line says, from the first."""
    pages, page = [], 1
    while True:
        options = {"page": page} if page > 1 else {}
        asked = await fake.slash_command("videos history", options, locale=locale, **place)
        pages.append(await asked.wait_for_private_answer())
        if not pages[-1].endswith(f":{page + 1}`"):  # the last line names the next page
            return pages
        page += 1


@pytest.mark.parametrize("locale", ["en-US", "zh-CN", "zh-TW"])
async def test_paging_through_the_history_reaches_every_video_each_page_in_a_message(
    tmp_path, locale
):
    """Only the last 10 were listed, so older videos (and their links while they last) could
    be found by job number alone. Page after page, as each last line says, every job is read
    once, newest first, each page one message; one made elsewhere says so on any page."""
    longest = ("*bold* _it_ [x](y) " * 200)[:MAX_PROMPT_LENGTH]
    async with running_bot(tmp_path) as world:
        fake = world.discord
        await finished_jobs(world, 4, longest, in_dm=True)
        await finished_jobs(world, 21, longest)
        pages = await history_pages(fake, locale)
        assert len(pages) == 3, pages
        seen = []
        for text in pages:
            assert len(text) <= 2000, len(text)
            seen += [int(n) for n in re.findall(r"\*\*#(\d+)\*\*", text)]
        assert seen == list(range(25, 0, -1)), "each job once, newest first"
        elsewhere = {
            "en-US": "made where the bot is not installed",
            "zh-CN": "在未添加本机器人的地方",
            "zh-TW": "在未新增本機器人的地方",
        }[locale]
        last = pages[-1]
        assert last.count(elsewhere) == 4, last
        assert elsewhere not in pages[0], "made here: no mark"
        if locale == "en-US":
            assert "</videos history:" in pages[0].splitlines()[-1], pages[0]
        else:
            assert ("/我的视频 历史" if locale == "zh-CN" else "/我的影片 歷史") in pages[0]


async def test_a_history_page_past_the_last_says_which_page_is_the_last(tmp_path):
    async with running_bot(tmp_path) as world:
        await finished_jobs(world, 12, "a fox")
        past = await world.discord.slash_command("videos history", {"page": 5})
        answer = await past.wait_for_private_answer()
        assert "There is no page 5" in answer and "page 2" in answer, answer
        second = await world.discord.slash_command("videos history", {"page": 2})
        answer = await second.wait_for_private_answer()
        assert re.findall(r"\*\*#(\d+)\*\*", answer) == ["2", "1"], answer
        assert "page 2" in answer.splitlines()[0], answer


async def test_history_pages_are_bounded_as_the_moderators_lists_are(tmp_path):
    """Reading a page renders every job before it: Discord stops a page past the bound."""
    async with running_bot(tmp_path) as world:
        (videos,) = [c for c in world.discord.commands() if c["name"] == "videos"]
        (history,) = [o for o in videos["options"] if o["name"] == "history"]
        (page,) = history["options"]
        assert (page["name"], page["min_value"], page["max_value"]) == ("page", 1, 100)
        assert not page.get("required")
        assert page["name_localizations"] == {"zh-CN": "页码", "zh-TW": "頁碼"}


@pytest.mark.parametrize("locale", ["en-US", "zh-CN", "zh-TW"])
def test_the_last_history_page_that_may_be_asked_for_names_no_page_past_it(locale):
    """Discord refuses a page past the bound: the last one that may be asked for does not
    send the member there, it says how the older jobs are still found (by number). As many
    jobs as /videos history reads for it: one more than its pages hold at most."""
    read = HISTORY_PAGES * HISTORY_SIZE + 1
    jobs = [job(id=n, error_key=None) for n in range(read, 0, -1)]
    last = history_text(jobs, locale, NOW, page=HISTORY_PAGES)
    assert len(last) <= 2000
    assert f":{HISTORY_PAGES + 1}`" not in last, last
    assert {"en-US": "/videos status", "zh-CN": "/我的视频 状态", "zh-TW": "/我的影片 狀態"}[
        locale
    ] in last.splitlines()[-1]
    before = history_text(jobs, locale, NOW, page=HISTORY_PAGES - 1)
    assert before.endswith(f":{HISTORY_PAGES}`"), before


def test_status_of_a_rendering_job_gives_the_time_left_its_status_message_shows():
    from bot.jobs.eta import Reading

    rendering = job(
        JobState.PROCESSING,
        progress=60,
        progress_readings=(Reading(NOW - 60, 30), Reading(NOW, 60)),
    )
    assert status_details(rendering, "en-US", NOW) == "▰▰▰▰▰▰▱▱▱▱ 60% · about 80 s left"


def test_status_of_a_job_not_sent_yet_links_its_status_message():
    waiting = job(JobState.RECORDED, status_message_id=5, progress=0)
    requester = waiting.requester
    link = f"https://discord.com/channels/{requester.guild_id}/{requester.channel_id}/5"
    assert link in status_details(waiting, "en-US", NOW)
    assert "Reason" not in status_details(waiting, "en-US", NOW), "waiting is no failure"


def test_status_of_a_job_not_sent_yet_with_no_status_message_says_what_it_waits_for():
    """With no status message to point to (one answered through the interaction, as for a
    user install), what it waits for is said here."""
    dm = Requester(user_id=SNOWFLAKE, channel_id=SNOWFLAKE, guild_id=None)
    held = job(
        JobState.RECORDED,
        requester=dm,
        status_message_id=None,
        progress=0,
        error_key="status_hold_busy",
        next_poll_at=NOW + 120,
    )
    text = status_details(held, "en-US", NOW)
    # The moment of the next try, which reads true however long the answer stays up.
    assert text == f"Not sent yet: the video service is busy; trying again <t:{int(NOW) + 120}:R>."
    assert read_at(text, NOW + 100).endswith("trying again in 20 seconds."), "not 'about 2 min'"
    chinese = status_details(held, "zh-CN", NOW)
    assert "视频服务繁忙，20秒后 重试" in read_at(chinese, NOW + 100, "zh-CN"), chinese  # noqa: RUF001
    sending = job(JobState.SUBMITTING, requester=dm, status_message_id=None, error_key=None)
    assert status_details(sending, "en-US", NOW) == "Not sent yet; it goes as soon as it can."


def test_status_of_a_job_whose_next_try_is_due_says_it_is_tried_now_not_when_it_was_due():
    """Asked after the next try's moment, before the engine took the job up again: the answer
    stays up, and "trying again 5 seconds ago" would say the try was made (and failed)."""
    dm = Requester(user_id=SNOWFLAKE, channel_id=SNOWFLAKE, guild_id=None)
    for key, english, chinese in (
        ("status_hold_busy", "trying again now.", "正在重试。"),
        ("status_hold_slow_down", "sending now.", "正在发送。"),
        ("status_hold_discord", "trying again now.", "正在重试。"),
    ):
        due = job(
            JobState.RECORDED,
            requester=dm,
            status_message_id=None,
            progress=0,
            error_key=key,
            next_poll_at=NOW - 5,
        )
        text = status_details(due, "en-US", NOW)
        assert text.endswith(english) and "<t:" not in text, text
        assert status_details(due, "zh-CN", NOW).endswith(chinese)


@pytest.mark.parametrize(
    "requester",
    [
        Requester(user_id=SNOWFLAKE, channel_id=SNOWFLAKE, guild_id=SNOWFLAKE),
        Requester(user_id=SNOWFLAKE, channel_id=SNOWFLAKE, guild_id=None),  # the bot's DM
    ],
    ids=["server", "dm"],
)
def test_status_of_a_job_not_sent_yet_whose_status_message_was_deleted_links_no_message(
    requester,
):
    """Its status message was deleted (its id kept: it was announced): what the job waits for
    is said here, as for a job with no status message, in a server or in the bot's DM."""
    held = job(
        JobState.RECORDED,
        requester=requester,
        status_message_id=5,
        status_deleted=True,
        progress=0,
        error_key="status_hold_busy",
        next_poll_at=NOW + 120,
    )
    text = status_details(held, "en-US", NOW)
    assert text == f"Not sent yet: the video service is busy; trying again <t:{int(NOW) + 120}:R>."
    sending = dataclasses.replace(held, state=JobState.SUBMITTING, error_key=None)
    assert status_details(sending, "en-US", NOW) == "Not sent yet; it goes as soon as it can."


def test_status_gives_the_time_left_in_the_language_of_whoever_asks():
    from bot.jobs.eta import Reading

    rendering = job(
        JobState.PROCESSING,
        progress=60,
        progress_readings=(Reading(NOW - 60, 30), Reading(NOW, 60)),
    )
    assert rendering.requester.locale == "en-US"
    assert status_details(rendering, "zh-CN", NOW).endswith("大约还需 80 秒")


def test_a_video_the_member_holds_as_a_file_is_not_said_to_be_gone_when_the_link_expires():
    """Uploaded to their DM (the channel refused it) or through the command: the file is
    theirs; only a video never delivered, or posted as the link, is gone with the link."""
    expired = int(NOW) - 60
    sent = job(delivery_target=DM_TARGET, result_linked=False, result_expires_at=expired)
    assert "could not be posted or sent" not in status_details(sent, "en-US", now=NOW)
    assert "its link has expired" not in history_text([sent], "en-US", NOW)
    kept = dataclasses.replace(sent, delivery_message_id=None)
    assert "could not be posted or sent" in status_details(kept, "en-US", now=NOW)
    assert "its link has expired" in history_text([kept], "en-US", NOW)


def test_a_video_held_as_a_file_elsewhere_says_where_once_the_link_expired():
    """By DM (the channel refused it), or under the command (a user install where the bot is
    no member): with APIMart's link gone, `/videos status` and history still say where the
    video is, not nothing at all."""
    expired = int(NOW) - 60
    sent = job(delivery_target=DM_TARGET, result_linked=False, result_expires_at=expired)
    assert status_details(sent, "en-US", now=NOW) == "The video was sent to you by direct message."
    assert "sent to you by direct message" in history_text([sent], "en-US", NOW)
    asked_elsewhere = Requester(
        user_id=SNOWFLAKE, channel_id=SNOWFLAKE, guild_id=None, reply=Reply(Route.INTERACTION)
    )
    posted = dataclasses.replace(
        sent, requester=asked_elsewhere, delivery_target=INTERACTION_TARGET
    )
    assert "posted under the command you used" in status_details(posted, "en-US", now=NOW)
    assert "posted under the command you used" in history_text([posted], "en-US", NOW)


def test_job_suggestions_match_a_prompt_whatever_its_case():
    """A member typing "Cat" looks for their "a cat on a skateboard"."""
    mine = job(request=job().request.model_copy(update={"prompt": "a cat on a skateboard"}))
    assert [choice.value for choice in job_choices([mine], "en-US", "Cat")] == [mine.id]


def test_history_of_a_linked_video_says_when_its_link_expires():
    expires = int(NOW) + 3600
    linked = job(result_linked=True, result_expires_at=expires)
    line = history_text([linked], "en-US", NOW)
    assert f"[video]({linked.result_url}), link expires <t:{expires}:R>" in line


def test_history_of_a_deleted_video_does_not_say_its_link_expired():
    """Deleted is deleted: the history does not send the member looking for a link."""
    deleted = job(
        result_linked=True, result_expires_at=int(NOW) - 60, delivery_target=DELETED_RESULT
    )
    assert "its link has expired" not in history_text([deleted], "en-US", NOW)


def test_status_and_history_of_a_video_posted_as_a_link_without_an_expiry_still_give_it():
    """Over the upload limit, posted as APIMart's link, and APIMart named no expiry (its post
    says the link "expires soon"): the member is still pointed at the video."""
    linked = job(result_linked=True, result_expires_at=None, error_key=None, error_message=None)
    details = status_details(linked, "en-US", NOW)
    assert linked.result_url in details or "https://discord.com/channels/" in details, details
    line = history_text([linked], "en-US", NOW)
    assert linked.result_url in line or "[video](https://discord.com/channels/" in line, line


def test_history_shows_a_prompts_markdown_as_typed_even_around_a_bracketed_link():
    """`escape_markdown` escapes `[x](y) … )` as one span, leaving what is inside it live."""
    prompt = "a [red](car), **neon**, ||dark|| (night)"
    typed = job(request=job().request.model_copy(update={"prompt": prompt}))
    line = history_text([typed], "en-US", NOW)
    assert "\\*\\*neon\\*\\*" in line, line
    assert "\\|\\|dark\\|\\|" in line, line


def test_status_and_history_of_a_failure_apimart_charged_for_say_it_counts():
    """Its notice said it counts toward the allowance, and /videos quota counts it: status and
    history say so too, not a plain "failed" like a failure that costs nothing."""
    billed = job(JobState.FAILED, error_message=None, result_url=None, credits_cost=4.0)
    status = status_report(billed, "en-US", NOW).render("en-US")
    assert "failed (still counts)" in status
    assert "charged for it but sent no video" in status and "counts toward your allowance" in status
    assert "failed (still counts)" in history_text([billed], "en-US", NOW)
    assert "仍计入额度" in status_report(billed, "zh-CN", NOW).render("zh-CN")
    free = dataclasses.replace(billed, credits_cost=None)
    assert "counts" not in status_report(free, "en-US", NOW).render("en-US")
    assert "still counts" not in history_text([free], "en-US", NOW)


@pytest.mark.parametrize(
    ("locale", "counted"),
    [
        ("en-US", "cancelled (still counts)"),
        ("zh-CN", "已取消（仍计入额度）"),  # noqa: RUF001
        ("zh-TW", "已取消（仍計入額度）"),  # noqa: RUF001
    ],
)
def test_status_and_history_of_a_task_apimart_cancelled_and_charged_for_say_it_counts(
    locale, counted
):
    """APIMart ended the task as cancelled, and billed it: its notice said it counts, and
    /videos quota counts it. Status and history must not read a plain "cancelled", which is
    what a refunded cancel reads, beside "cancelled (still counts)" for one that counts."""
    billed = job(JobState.CANCELLED, locale, error_message=None, result_url=None, credits_cost=4.0)
    assert billed.counts
    assert counted in status_report(billed, locale, NOW).render(locale)
    assert counted in history_text([billed], locale, NOW)
    free = dataclasses.replace(billed, credits_cost=None)
    assert counted not in history_text([free], locale, NOW)


@pytest.mark.parametrize(("locale", "moderator"), [("en-US", "moderator"), ("zh-CN", "管理员")])
def test_a_charged_failure_made_outside_servers_sends_nobody_to_a_moderator(locale, moderator):
    """Made in a DM, a group DM or a server where the member used their own install: no
    moderator has a say over the bot there. It still counts, and status says so."""
    server = job(JobState.FAILED, locale, error_message=None, result_url=None, credits_cost=4.0)
    assert moderator in status_report(server, locale, NOW).render(locale)
    requester = dataclasses.replace(server.requester, guild_id=None)
    personal = dataclasses.replace(server, requester=requester)
    status = status_report(personal, locale, NOW).render(locale)
    assert moderator not in status, status
    assert "counts toward your allowance" in status or "计入你的额度" in status
    notice = "\n".join(failure_text(personal, "<@1>"))
    assert moderator not in notice, notice
    assert "counts toward your allowance" in notice or "计入你的额度" in notice


def test_status_of_a_render_no_longer_followed_does_not_promise_it_may_still_come():
    """Given up on, then no longer looked at (a day on): nothing will post it any more."""
    followed = job(JobState.TIMED_OUT, next_poll_at=NOW + 300, result_url=None, error_message=None)
    assert "posted after all" in status_details(followed, "en-US", NOW)
    abandoned = dataclasses.replace(followed, next_poll_at=None)
    text = status_details(abandoned, "en-US", NOW)
    assert "no video will come. It still counts" in text and "posted after all" not in text
    assert "不会有视频了" in status_details(abandoned, "zh-CN", NOW)


def test_a_video_shown_only_to_its_member_in_a_server_of_the_bot_is_not_linked_as_a_post():
    """Asked through the member's own install in a server the bot is in (its rules apply),
    where Discord made the answers private: the post under the command is a message only they
    saw, which no jump link opens. History and status give APIMart's link while it lasts, with
    when it expires, then say it is gone."""
    expires = int(NOW) + 3600
    private = Reply(Route.INTERACTION, ephemeral=True)
    requester = Requester(
        user_id=SNOWFLAKE, channel_id=SNOWFLAKE, guild_id=SNOWFLAKE, reply=private
    )
    shown = job(
        requester=requester,
        delivery_target=INTERACTION_TARGET,
        result_linked=False,
        result_expires_at=expires,
        error_key=None,
        error_message=None,
    )
    line = history_text([shown], "en-US", NOW, here=SNOWFLAKE)
    assert "https://discord.com/channels/" not in line, line
    assert f"[video]({shown.result_url}), link expires <t:{expires}:R>" in line
    details = status_details(shown, "en-US", NOW)
    assert "https://discord.com/channels/" not in details and shown.result_url in details
    later = expires + 60
    assert "its link has expired" in history_text([shown], "en-US", later, here=SNOWFLAKE)
    assert "no longer available" in status_details(shown, "en-US", later)


WHOSE = {
    "en-US": (
        "Under the rules of {server}:",
        "Under this server's rules:",
        "Your personal allowance (for DMs, group DMs and servers that did not add this bot):",
    ),
    "zh-CN": (
        "按 {server} 的规则：",  # noqa: RUF001
        "按本服务器的规则：",  # noqa: RUF001
        "你的个人额度（用于私信、群组私信和未添加本机器人的服务器）：",  # noqa: RUF001
    ),
    "zh-TW": (
        "依 {server} 的規則：",  # noqa: RUF001
        "依本伺服器的規則：",  # noqa: RUF001
        "你的個人額度（用於私訊、群組私訊和未新增本機器人的伺服器）：",  # noqa: RUF001
    ),
}


@pytest.mark.parametrize("locale", ["en-US", "zh-CN", "zh-TW"])
async def test_quota_says_first_whose_allowance_it_reports(tmp_path, locale):
    """A count of videos left did not say whose: this server's rules, or the member's own
    allowance (DMs, group DMs, their own install where the bot is not). Its first line does,
    before they spend; a server's name is shown as written, pinging no one."""
    server_rules, this_server, personal = WHOSE[locale]
    named = server_rules.format(server="\\*\\*Cats\\*\\* @everyone")
    async with (
        FakeDiscord(token=BOT_TOKEN, guild_name="**Cats** @everyone") as fake,
        running_bot(tmp_path, fake=fake) as world,
    ):

        async def first_line(**place):
            asked = await fake.slash_command("videos quota", locale=locale, **place)
            answer = await asked.wait_for_answer()
            assert answer["allowed_mentions"]["parse"] == [], "pings no one"
            return (await asked.wait_for_private_answer()).splitlines()[0]

        assert await first_line() == named
        # Their own install alone, in a server the bot is in: that server's rules still.
        assert await first_line(user_install=True, guild_install=False) == named
        foreign = fake.add_guild("Friends", bot_member=False)
        group = fake.add_group_dm(fake.user_id, fake.add_user("bob"))
        for place in (
            {"dm": True},
            {"guild_id": foreign, "user_install": True},
            {"group_dm": group, "user_install": True},
        ):
            assert await first_line(**place) == personal, place
        # A server the bot has no name for (installed for its commands alone) is "this one".
        unnamed = whose_allowance(world.bot, fake.add_guild("Unseen", bot_member=False))
        assert unnamed.render(locale) == this_server
