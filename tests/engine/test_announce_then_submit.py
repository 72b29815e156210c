"""Announce, then submit: the status message exists and is stored before the job can be
delivered, so even an instant render replies to it, and the status ends as done."""

import time

from bot.jobs.models import JobState
from tests.engine.world import is_result
from tests.fakes.apimart import TaskPlan
from tests.harness import running_bot

INSTANT = TaskPlan(polls_until_done=0)  # APIMart has the video before the first poll


def is_status(message):
    return "asked for a video" in message["content"]


async def test_an_instant_render_replies_to_its_status_message_which_ends_as_done(tmp_path):
    async with running_bot(tmp_path, plan=INSTANT, poll_first_delay=0.001) as world:
        interaction = await world.video(prompt="a quick sketch")
        result = await world.discord.wait_for_message(predicate=is_result(1))
        status = await world.discord.wait_for_message(predicate=is_status)
        assert result["message_reference"]["message_id"] == status["id"]
        await interaction.wait_for_answer()  # the command has finished its own edits
        await world.bot.poller.stop()
        final = world.discord.get_message(int(status["id"]))
        assert "Job #1 is done" in final["content"]


async def test_a_late_accepted_edit_never_overwrites_the_done_status(tmp_path):
    """The command's own "accepted" edit may come after the engine's final one (a slow event
    loop, a rate-limited edit); the status must still end as done."""
    async with running_bot(tmp_path, plan=INSTANT, poll_first_delay=0.001) as world:
        status_messages = world.bot.status_messages
        update = status_messages.update

        async def late_accepted_edit(job, *, final=False):
            if not final and job.state is JobState.QUEUED:  # the "accepted" edit
                await world.discord.wait_for_message(predicate=is_result(1))
            await update(job, final=final)

        status_messages.update = late_accepted_edit
        interaction = await world.video(prompt="a quick sketch")
        await world.discord.wait_for_message(predicate=is_result(1))
        await interaction.wait_for_answer()
        await world.bot.poller.stop()
        [status] = [m for m in world.discord.messages() if is_status(m)]
        assert "Job #1 is done" in status["content"]


async def test_the_job_is_recorded_before_discord_is_answered(tmp_path):
    """A crash right after the acknowledgement cannot leave a member with nothing recorded."""
    async with running_bot(tmp_path, plan=TaskPlan(polls_until_done=None)) as world:
        store = world.bot.store
        create = store.create
        recorded_at = []

        async def noting_create(*args, **kwargs):
            job = await create(*args, **kwargs)
            recorded_at.append(time.monotonic())
            return job

        store.create = noting_create
        interaction = await world.video(prompt="a slow render")
        await interaction.wait_for_callback()
        [callback] = [r for r in world.discord.requests if r.path.endswith("/callback")]
        assert recorded_at and recorded_at[0] <= callback.time
