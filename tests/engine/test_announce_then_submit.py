"""Announce, then submit: the status message exists and is stored before the job can be
delivered, so even an instant render replies to it, and the status ends as done."""

import asyncio
import sqlite3

from bot.jobs.models import JobState
from tests.engine.faults import raise_on
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
        await status_messages.drain(timeout=5)  # every edit made, whichever came last
        [status] = [m for m in world.discord.messages() if is_status(m)]
        assert "Job #1 is done" in status["content"]


async def test_a_slow_database_never_holds_up_the_members_thinking_then_they_read_queued(
    tmp_path,
):
    """Discord is answered before the job is written: a database that takes its time (a burst
    of commands queueing for the write) leaves the member "thinking...", not unanswered."""
    async with running_bot(tmp_path, plan=TaskPlan(polls_until_done=None)) as world:
        store = world.bot.store
        create = store.create
        writing = asyncio.Event()
        release = asyncio.Event()
        acknowledged_when_writing = []

        async def slow_create(*args, **kwargs):
            callbacks = [r for r in world.discord.requests if r.path.endswith("/callback")]
            acknowledged_when_writing.append(any(200 <= r.status < 300 for r in callbacks))
            writing.set()
            await release.wait()
            return await create(*args, **kwargs)

        store.create = slow_create
        interaction = await world.video(prompt="a slow render")
        callback = await interaction.wait_for_callback()
        await asyncio.wait_for(writing.wait(), timeout=5)
        assert acknowledged_when_writing == [True], "Discord was answered before the write"
        # Acknowledged while the write is still held: a private deferral, nothing recorded yet.
        assert interaction.deferred and interaction.ephemeral
        assert callback["type"] == 5
        assert await world.bot.db.fetch_all("SELECT id FROM jobs") == []
        assert interaction.answers == [] and world.api.submits == []
        release.set()
        answer = await interaction.wait_for_answer()
        assert "queued as job #1" in answer["content"]
        assert len(interaction.callbacks) == 1 and interaction.rejected_callbacks == []


async def test_an_accepted_video_is_told_as_queued_though_the_pause_check_after_it_fails(
    tmp_path, monkeypatch, caplog
):
    """After APIMart accepts a video and its task id is stored, the bot reads whether videos
    were paused (to resume them). That read failing (a database blip) is no failure of the
    video: the member reads "queued", the operator no "outcome unknown" error, and the video is
    posted."""
    async with running_bot(tmp_path, plan=TaskPlan(polls_until_done=1)) as world:
        raised = raise_on(
            monkeypatch,
            world.bot.moderation.pause,
            "on_balance",
            sqlite3.OperationalError("database is locked"),
        )
        interaction = await world.video(prompt="accepted, then a blip")
        answer = await interaction.wait_for_answer()
        await world.discord.wait_for_message(predicate=is_result(1))
    assert raised, "the blip hit the check after the accepted submit"
    assert "queued as job #1" in answer["content"], answer["content"]
    assert not [r for r in caplog.records if "failed unexpectedly" in r.getMessage()]
