"""What the channel reads matches what happened, and what its member was told."""

import asyncio

from tests.cogs.test_reach import UNTIL_TOLD, ShiftedClock
from tests.fakes.apimart import TaskPlan
from tests.fakes.components import is_layout
from tests.harness import running_bot


def shown(message: dict) -> str:
    return str(message.get("content") or "") + str(message.get("components") or "")


async def test_an_outcome_unknown_status_does_not_say_the_video_could_not_be_made(tmp_path):
    """APIMart answered the submit with a 500: it may be making the video, and it counts (the
    member is told so); the channel's status must not say it could not be made."""
    async with running_bot(tmp_path) as world:
        fake = world.discord
        world.api.fail_next("submit", status=500)
        answer = await (await world.video(prompt="a lost comet")).wait_for_answer()
        assert "never heard back" in answer["content"]
        assert "counts toward your allowance" in answer["content"]
        status = await fake.wait_for_message(
            predicate=lambda m: "Job #1" in m["content"] and "waiting for" not in m["content"]
        )
        await world.bot.status_messages.drain(timeout=5)
        content = fake.get_message(int(status["id"]))["content"]
        assert "could not be made" not in content, content
        assert "may have been made but can't be posted" in content, content
        assert "it counts" in content, content


async def test_a_result_whose_link_expired_is_not_called_ready_nor_in_the_reply_below(tmp_path):
    """The link had expired when the result was posted (the bot was down for a day, say): the
    reply says so and has no video; neither its title nor the status may say there is one."""
    async with running_bot(tmp_path, plan=TaskPlan(polls_until_done=1, expires_in=-10)) as world:
        fake = world.discord
        await world.video(prompt="a lost lighthouse")
        reply = await fake.wait_for_message(
            predicate=lambda m: is_layout(m) and m.get("message_reference") is not None
        )
        assert "download link had already expired" in shown(reply), shown(reply)
        assert "Video ready" not in shown(reply)
        status_id = int(reply["message_reference"]["message_id"])
        await fake.wait_for(
            lambda: "queued" not in fake.get_message(status_id)["content"],
            description="the status's last edit",
        )
        status = fake.get_message(status_id)["content"]
        assert "was made, but its download link expired" in status, status
        assert "the video is in the reply below" not in status


async def test_almost_done_gives_way_to_no_news_while_every_check_fails_then_comes_back(tmp_path):
    """A render at 92 % reads "almost done"; then APIMart answers every status check 503 for
    ten minutes. The status says there is no news (not "almost done" all that while), and
    shows the render's progress again once a check succeeds."""
    clock = ShiftedClock()
    async with running_bot(tmp_path, plan=UNTIL_TOLD, clock=clock, task_timeout=3600) as world:
        fake, api, bot = world.discord, world.api, world.bot
        await world.video(prompt="a fox at the finish line")
        await api.wait_until(lambda: api.task_ids, what="the submit")
        task = api.task(api.task_ids[0])
        for progress in (30, 60, 92):
            task.set_progress(progress)
            status = await fake.wait_for_message(
                predicate=lambda m, p=progress: (
                    "Job #1 is being made" in m["content"] and f"{p}%" in m["content"]
                )
            )
            clock.offset += 20
        assert "almost done" in status["content"], status["content"]
        status_id = int(status["id"])
        api.fail_next("poll", status=503, times=10_000)
        for _ in range(10):  # ten minutes of failed checks
            clock.offset += 60
            bot.poller.wake()
            await asyncio.sleep(0.1)
        assert len(api.requests_for("poll")) > 3
        await bot.status_messages.drain(timeout=5)
        content = fake.get_message(status_id)["content"]
        assert "almost done" not in content, content
        assert "no news from the video service for now; still checking" in content, content

        api.clear_faults()
        task.set_progress(96)
        clock.offset += 600
        bot.poller.wake()
        await fake.wait_for(
            lambda: (
                "96%" in fake.get_message(status_id)["content"]
                and "no news" not in fake.get_message(status_id)["content"]
            ),
            description="progress shown again",
        )
