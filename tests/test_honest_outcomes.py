"""What the channel reads at a job's end matches what happened, and what its member was told."""

from tests.harness import running_bot


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
