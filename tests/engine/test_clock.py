"""The bot's clock is a `SteadyClock`: the system clock stepping forward or back (an operator,
NTP) neither times out a render APIMart is still making nor freezes polling."""

import asyncio
import time

from bot.engine.clock import SteadyClock
from bot.jobs.models import JobState
from tests.engine.world import is_result
from tests.fakes.apimart import TaskPlan
from tests.fakes.components import shown_text
from tests.harness import running_bot

FORTY_MINUTES = 40 * 60  # longer than the 30 minutes a render may take (TASK_TIMEOUT)
ONE_HOUR = 60 * 60


async def between_polls(store):
    """Returns once a poll has been written down and the next one is scheduled."""
    record_progress = store.record_progress
    written = asyncio.Event()

    async def noting_record_progress(*args, **kwargs):
        job = await record_progress(*args, **kwargs)
        written.set()
        return job

    store.record_progress = noting_record_progress
    await written.wait()
    store.record_progress = record_progress


class SteppableWall:
    """The system clock, which the test can step like an operator would."""

    def __init__(self):
        self.step = 0.0

    def __call__(self):
        return time.time() + self.step


async def test_the_wall_clock_stepping_40_minutes_forward_does_not_time_out_a_render(tmp_path):
    wall = SteppableWall()
    clock = SteadyClock(wall=wall, monotonic=time.monotonic)
    plan = TaskPlan(polls_until_done=None)  # APIMart is still rendering
    async with running_bot(tmp_path, plan=plan, clock=clock, task_timeout=1800) as world:
        interaction = await world.video(prompt="a long render")
        await interaction.wait_for_answer()
        await between_polls(world.bot.store)
        wall.step += FORTY_MINUTES
        polled = len(world.api.polls)
        await world.api.wait_for_polls(polled + 3)
        world.api.last_task.complete()
        result = await world.discord.wait_for_message(predicate=is_result(1))
        assert "your video is ready" in shown_text(result)
        await world.bot.poller.stop()
        assert (await world.bot.store.get(1)).state is JobState.COMPLETED


async def test_the_wall_clock_stepping_an_hour_back_does_not_freeze_polling(tmp_path):
    wall = SteppableWall()
    clock = SteadyClock(wall=wall, monotonic=time.monotonic)
    async with running_bot(tmp_path, plan=TaskPlan(polls_until_done=None), clock=clock) as world:
        interaction = await world.video(prompt="a long render")
        await interaction.wait_for_answer()
        await between_polls(world.bot.store)
        wall.step -= ONE_HOUR
        polled = len(world.api.polls)
        await world.api.wait_for_polls(polled + 3, timeout=2)
        world.api.last_task.complete()
        await world.discord.wait_for_message(predicate=is_result(1), timeout=3)
