"""A command whose status message is slow to post (a busy channel) keeps its job: the engine,
which takes over a job a command left behind, never posts a second status for it."""

import asyncio
import dataclasses

from tests.cogs.test_reach import ShiftedClock, eventually
from tests.harness import running_bot


def status_posts(world, job_id):
    return [
        m
        for m in world.discord.messages(world.discord.channel_id)
        if f"Job #{job_id} " in m.get("content", "")
    ]


async def test_an_announcement_held_up_past_the_grace_is_still_the_only_one(tmp_path, monkeypatch):
    clock = ShiftedClock()
    async with running_bot(tmp_path, clock=clock) as world:
        # The deadline is put off every 20 s; this test's minute passes in a moment.
        jobs = world.bot.jobs
        monkeypatch.setattr(jobs, "_timing", dataclasses.replace(jobs._timing, orphan_put_off=0.05))
        fake = world.discord
        # Discord makes the channel's post wait (many /video in one channel at once).
        fake.fail_next("POST", r"^/channels/\d+/messages$", status=429, retry_after=1.5)
        interaction = await fake.slash_command("video", {"prompt": "a kite"})
        await asyncio.sleep(0.3)
        # A minute passes while the post waits: past the 60 s after which the engine takes
        # over a job its command left behind.
        clock.offset += 61

        async def put_off_past_the_jump():
            job = await world.bot.store.get(1)
            return job is not None and job.next_poll_at > clock()

        # The command moves the deadline on every 0.05 s; on a loaded machine that can take
        # longer than any fixed wait, and the engine would find the job due meanwhile.
        assert await eventually(put_off_past_the_jump, True)
        world.bot.poller.wake()
        await interaction.wait_for_answer(timeout=10)
        await world.api.wait_until(lambda: world.api.task_ids, what="the submit")
        await asyncio.sleep(0.5)
        assert len(world.api.submits) == 1
        assert len(status_posts(world, 1)) == 1, [m["content"] for m in status_posts(world, 1)]
