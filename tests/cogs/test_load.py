"""SQLite under load: a crowd of members asking at once loses nothing and corrupts nothing."""

import asyncio

from tests.fakes.apimart import TaskPlan
from tests.harness import running_bot

MEMBERS = 200


async def test_200_simultaneous_commands_are_all_acknowledged_recorded_and_submitted(tmp_path):
    async with running_bot(tmp_path, plan=TaskPlan(polls_until_done=None)) as world:
        members = [world.discord.add_member(f"member{i}") for i in range(MEMBERS)]
        interactions = await asyncio.gather(
            *(
                world.discord.slash_command("video", options={"prompt": f"scene {i}"}, user=m)
                for i, m in enumerate(members)
            )
        )
        followups = await asyncio.gather(
            *(interaction.wait_for_answer(timeout=60) for interaction in interactions)
        )
        assert all("queued as job #" in f["content"] for f in followups)
        assert all(not i.rejected_callbacks for i in interactions), "every ack was in time"
        await world.bot.poller.stop()
        rows = await world.db.fetch_all("SELECT user_id, prompt, task_id FROM jobs")
        assert len(rows) == MEMBERS
        assert {row["user_id"] for row in rows} == set(members)
        assert len({row["task_id"] for row in rows}) == MEMBERS
        assert len(world.api.submits) == MEMBERS
        [(integrity,)] = await world.db.fetch_all("PRAGMA integrity_check")
        assert integrity == "ok"
