"""/videos history, status and cancel, as a member sees them."""

from tests.fakes.apimart import TaskPlan
from tests.fakes.discord import INTERACTION_AUTOCOMPLETE
from tests.harness import running_bot

EPHEMERAL = 64


async def queued(world, prompt):
    interaction = await world.video(prompt=prompt)
    return await interaction.wait_for_answer()


async def test_history_lists_my_jobs_newest_first_with_state_and_link(tmp_path):
    async with running_bot(tmp_path, plan=TaskPlan(polls_until_done=1)) as world:
        await queued(world, "first video")
        await world.discord.wait_for_message(predicate=lambda m: bool(m.get("embeds")))
        await world.bot.poller.stop()
        world.api.default_plan = TaskPlan(polls_until_done=None)
        await queued(world, "second video")
        interaction = await world.discord.slash_command("videos history")
        callback = await interaction.wait_for_callback()
        content = callback["data"]["content"]
        assert callback["data"]["flags"] & EPHEMERAL
        assert content.index("#2") < content.index("#1")
        assert "second video" in content and "first video" in content
        assert "done" in content and "[video](https://discord.com/channels/" in content


async def test_history_of_someone_new_says_how_to_start(tmp_path):
    async with running_bot(tmp_path) as world:
        interaction = await world.discord.slash_command("videos history")
        callback = await interaction.wait_for_callback()
        assert "no videos yet" in callback["data"]["content"]


async def test_status_of_my_running_job_shows_progress(tmp_path):
    async with running_bot(tmp_path, plan=TaskPlan(polls_until_done=None)) as world:
        await queued(world, "slow one")
        world.api.last_task.set_progress(60)
        await world.api.wait_for_polls(2)
        await world.bot.poller.stop()
        interaction = await world.discord.slash_command("videos status", options={"job": 1})
        content = (await interaction.wait_for_callback())["data"]["content"]
        assert "Job #1" in content
        assert "60%" in content


async def test_status_of_someone_elses_job_is_refused(tmp_path):
    async with running_bot(tmp_path, plan=TaskPlan(polls_until_done=None)) as world:
        await queued(world, "mine")
        bob = world.discord.add_member("bob")
        interaction = await world.discord.slash_command(
            "videos status", options={"job": 1}, user=bob
        )
        content = (await interaction.wait_for_callback())["data"]["content"]
        assert "not one of yours" in content


async def test_cancel_marks_the_status_message_and_progress_no_longer_shows(tmp_path):
    """The render goes on at APIMart (it is polled quietly); the channel only sees "cancelled"."""
    async with running_bot(tmp_path, plan=TaskPlan(polls_until_done=None)) as world:
        await queued(world, "never mind")
        status = await world.discord.wait_for_message(
            predicate=lambda m: "asked for a video" in m["content"]
        )
        interaction = await world.discord.slash_command("videos cancel", options={"job": 1})
        content = (await interaction.wait_for_callback())["data"]["content"]
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
