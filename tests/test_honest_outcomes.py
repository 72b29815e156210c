"""What the channel reads at a job's end matches what happened, and what its member was told."""

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
        assert "may have been made; it counts" in content, content


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
