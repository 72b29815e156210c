"""The Cancel button on the status message: the member who asked, or a moderator."""

import asyncio

import pytest

from tests.cogs.test_moderation import server, video
from tests.cogs.test_reach import ShiftedClock, eventually
from tests.fakes.apimart import FakeAPIMart, TaskPlan
from tests.fakes.components import custom_ids, is_layout, shown_text
from tests.fakes.discord import FakeDiscord
from tests.harness import API_KEY, BOT_TOKEN, running_bot

EPHEMERAL = 64
RENDERS_UNTIL_TOLD = TaskPlan(polls_until_done=None, credits_cost=4)


@pytest.fixture
async def fakes():
    async with FakeDiscord(token=BOT_TOKEN) as fake, FakeAPIMart(api_key=API_KEY) as api:
        api.default_plan = RENDERS_UNTIL_TOLD
        yield fake, api


async def status_with_button(world, job_id=1):
    """The job's status message, once it carries the Cancel button."""
    return await world.discord.wait_for_message(
        predicate=lambda m: f"video:cancel:{job_id}" in custom_ids(m), timeout=10
    )


async def click_cancel(world, status, *, user=None, locale="en-US"):
    click = await world.discord.component_interaction(
        "video:cancel:1", message_id=int(status["id"]), user=user, locale=locale
    )
    # Deferred before the cancel is written, then answered privately.
    return await click.wait_for_answer()


async def test_the_button_is_there_while_it_renders_and_gone_once_the_video_is_posted(tmp_path):
    async with running_bot(tmp_path, plan=TaskPlan(polls_until_done=3)) as world:
        await video(world, prompt="a short one")
        status = await status_with_button(world)
        [button] = [c for row in status["components"] for c in row["components"]]
        assert button["label"].startswith("Cancel")
        await world.discord.wait_for_message(predicate=is_layout, timeout=10)
        await world.discord.wait_for(
            lambda: world.discord.get_message(int(status["id"]))["components"] == [], timeout=10
        )
        assert "is done" in world.discord.get_message(int(status["id"]))["content"]


async def test_the_member_cancels_after_a_restart_and_reads_that_it_still_counts(tmp_path, fakes):
    fake, api = fakes
    async with running_bot(tmp_path, fake=fake, api=api) as world:
        await video(world, prompt="never mind")
        status = await status_with_button(world)
        await api.wait_for_polls(1)
    async with running_bot(tmp_path, fake=fake, api=api) as world:  # a new process
        answer = await click_cancel(world, status)
        assert answer["flags"] & EPHEMERAL
        assert "Job #1 is cancelled: it won't be posted" in answer["content"]
        assert "still counts toward your allowance" in answer["content"]
        await fake.wait_for(
            lambda: "was cancelled" in fake.get_message(int(status["id"]))["content"], timeout=10
        )
        assert fake.get_message(int(status["id"]))["components"] == [], "the button is gone"
        job = await world.bot.store.get(1)
        assert job.cancelled and job.cancel_reason_key == "cancelled_by_member"


async def test_another_member_cannot_cancel(tmp_path, fakes):
    fake, api = fakes
    async with running_bot(tmp_path, fake=fake, api=api) as world:
        await video(world, prompt="mine")
        status = await status_with_button(world)
        stranger = fake.add_member("mallory")
        answer = await click_cancel(world, status, user=stranger)
        assert answer["flags"] & EPHEMERAL
        assert "Only the member who asked for this video, or a moderator" in answer["content"]
        assert not (await world.bot.store.get(1)).cancelled


async def test_a_chinese_member_reads_the_confirmation_in_chinese(tmp_path, fakes):
    fake, api = fakes
    async with running_bot(tmp_path, fake=fake, api=api) as world:
        await video(world)
        status = await status_with_button(world)
        answer = await click_cancel(world, status, locale="zh-CN")
        assert "任务 #1 已取消" in answer["content"] and "仍计入你的额度" in answer["content"]


async def test_a_moderator_cancels_from_the_status_message_and_the_member_is_told(tmp_path):
    async with server(tmp_path, plan=RENDERS_UNTIL_TOLD) as s:
        world = s.world
        await video(world, prompt="a secret cat")
        status = await status_with_button(world)
        answer = await click_cancel(world, status, user=s.owner)
        assert f"cancelled job #1 of <@{s.alice}>" in answer["content"]
        assert "still counts against them" in answer["content"]
        notice = await world.discord.wait_for_message(
            predicate=lambda m: is_layout(m) and "job #1 was cancelled" in shown_text(m),
            timeout=10,
        )
        assert "a moderator cancelled it" in shown_text(notice)
        assert [u["id"] for u in notice["mentions"]] == [str(s.alice)]
        audit = await world.db.fetch_all("SELECT id FROM mod_audit")
        assert len(audit) == 1, "audited like /videomod cancel"


async def test_a_job_held_back_by_the_service_gets_the_button_and_its_cancel_is_free(
    tmp_path, fakes
):
    fake, api = fakes
    api.fail_next("submit", status=429, retry_after_header="600")  # held for 10 minutes
    async with running_bot(tmp_path, fake=fake, api=api) as world:
        assert "saved and waiting" in await video(world)
        status = await status_with_button(world)
        answer = await click_cancel(world, status)
        assert "never sent to the video service, so it doesn't count" in answer["content"]
        await fake.wait_for(
            lambda: "was cancelled" in fake.get_message(int(status["id"]))["content"], timeout=10
        )
        assert fake.get_message(int(status["id"]))["components"] == []
    assert len(api.requests_for("submit")) == 1, "only the refused try: never sent after it"


async def test_a_double_click_on_cancel_reads_already_cancelled_not_finished(tmp_path, fakes):
    fake, api = fakes
    async with running_bot(tmp_path, fake=fake, api=api) as world:
        await video(world, prompt="never mind")
        status = await status_with_button(world)
        await api.wait_for_polls(1)
        first, second = await asyncio.gather(
            click_cancel(world, status), click_cancel(world, status)
        )
        answers = sorted([first["content"], second["content"]])
        assert any("Job #1 is cancelled" in answer for answer in answers), answers
        assert any("already cancelled" in answer for answer in answers), answers
        assert not any("already finished" in answer for answer in answers), answers


async def test_the_button_says_a_cancel_still_counts_once_the_service_has_the_job(tmp_path, fakes):
    fake, api = fakes
    api.fail_next("submit", status=429, retry_after_header="600")  # held: a cancel is free
    async with running_bot(tmp_path, fake=fake, api=api) as world:
        assert "saved and waiting" in await video(world)
        status = await status_with_button(world)
        [held] = [c for row in status["components"] for c in row["components"]]
        assert held["label"] == "Cancel"
    api.default_plan = RENDERS_UNTIL_TOLD
    async with running_bot(tmp_path / "second", fake=fake, api=api) as world:
        await video(world, prompt="rendering")
        rendering = await fake.wait_for_message(
            predicate=lambda m: "Job #1 is being made" in m["content"] and m["components"]
        )
        [button] = [c for row in rendering["components"] for c in row["components"]]
        assert button["label"] == "Cancel (still counts)"


async def given_up_status(world):
    """The status message once it says the bot stopped waiting for the render."""
    return await world.discord.wait_for_message(
        predicate=lambda m: "took longer than this bot waits" in m["content"], timeout=10
    )


async def test_a_render_given_up_on_but_still_followed_can_be_cancelled_and_still_counts(
    tmp_path, fakes
):
    """The bot stopped waiting for the render, but still follows it for a day, and would post
    its video if APIMart finished it: its status keeps the button (a cancel still counts, as
    `/videos cancel` says), and a cancel keeps the late video from being posted."""
    fake, api = fakes
    clock = ShiftedClock()
    async with running_bot(tmp_path, fake=fake, api=api, clock=clock, task_timeout=1.0) as world:
        await video(world, prompt="a slow glacier")
        status = await given_up_status(world)
        await fake.wait_for(
            lambda: "video:cancel:1" in custom_ids(fake.get_message(int(status["id"]))),
            timeout=10,
        )
        [button] = [
            c
            for row in fake.get_message(int(status["id"]))["components"]
            for c in row["components"]
        ]
        assert button["label"] == "Cancel (still counts)"
        answer = await click_cancel(world, status)
        assert "Job #1 is cancelled: it won't be posted" in answer["content"]
        assert "still counts toward your allowance" in answer["content"]
        await fake.wait_for(
            lambda: "was cancelled" in fake.get_message(int(status["id"]))["content"], timeout=10
        )
        assert fake.get_message(int(status["id"]))["components"] == [], "the button is gone"
        api.last_task.complete()
        clock.offset += 301  # the next quiet look at the task
        world.bot.poller.wake()

        async def credits():
            return (await world.bot.store.get(1)).credits_cost

        assert await eventually(credits, 4) == 4, "followed to its end, for its cost"
        assert not [m for m in fake.messages() if is_layout(m) and "video is ready" in str(m)]
        job = await world.bot.store.get(1)
        assert job.cancelled and job.counts


async def test_the_button_of_a_render_given_up_on_goes_once_its_late_video_is_posted(
    tmp_path, fakes
):
    fake, api = fakes
    clock = ShiftedClock()
    async with running_bot(tmp_path, fake=fake, api=api, clock=clock, task_timeout=1.0) as world:
        await video(world, prompt="a slow glacier")
        status = await given_up_status(world)
        await fake.wait_for(
            lambda: "video:cancel:1" in custom_ids(fake.get_message(int(status["id"]))),
            timeout=10,
        )
        api.last_task.complete()
        clock.offset += 301
        world.bot.poller.wake()
        await fake.wait_for_message(
            predicate=lambda m: is_layout(m) and "your video is ready" in str(m), timeout=10
        )
        await fake.wait_for(
            lambda: fake.get_message(int(status["id"]))["components"] == [], timeout=10
        )


async def test_a_moderator_pressing_cancel_on_a_finished_job_is_not_sent_to_videos_status(
    tmp_path,
):
    """A press that comes as the video is posted (the button was still on the moderator's
    screen): "check it with /videos status" would answer them "You have no job #1", the job
    being the member's. They read what /videomod cancel says: it is done."""
    async with server(tmp_path, plan=TaskPlan(polls_until_done=3)) as s:
        world = s.world
        await video(world, prompt="a quick one")
        status = await status_with_button(world)
        await world.discord.wait_for_message(predicate=is_layout, timeout=10)
        answer = await click_cancel(world, status, user=s.owner)
        assert answer["flags"] & EPHEMERAL
        assert "Job #1 is done, so it can no longer be cancelled" in answer["content"], answer
        assert "/videos status" not in answer["content"]
        assert not (await world.bot.store.get(1)).cancelled


async def test_a_moderator_pressing_cancel_while_the_video_is_fetched_withholds_it(tmp_path):
    """APIMart finished the member's video and the bot is fetching it to post (the Cancel
    button still on the status). A moderator's press does what /videomod cancel does then: the
    video is withheld (never posted, still counts), not refused as "done, so it can no longer
    be cancelled" a moment before it is posted."""
    async with server(tmp_path, plan=RENDERS_UNTIL_TOLD) as s:
        world, fake = s.world, s.world.discord
        await video(world, prompt="an abusive video")
        status = await status_with_button(world)
        world.api.stall_next(1)  # the result's download hangs a while
        world.api.last_task.complete()
        world.bot.poller.wake()
        await world.api.wait_for_downloads(1)  # begun, and stalled
        answer = await click_cancel(world, status, user=s.owner)
        assert answer["flags"] & EPHEMERAL
        assert "can no longer be cancelled" not in answer["content"], answer
        assert "won't be posted" in answer["content"], answer
        assert "still counts" in answer["content"], answer
        notice = await fake.wait_for_message(
            predicate=lambda m: is_layout(m) and "job #1 was cancelled" in shown_text(m)
        )
        assert "a moderator cancelled it" in shown_text(notice)
        await world.bot.poller.stop()  # once the fetch ended and its delivery with it
        assert not any(m.get("attachments") for m in fake.messages()), "never posted"
