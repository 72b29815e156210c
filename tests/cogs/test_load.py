"""SQLite under load: a crowd of members asking at once loses nothing and corrupts nothing."""

import asyncio

from tests.fakes.apimart import TaskPlan
from tests.harness import running_bot

MEMBERS = 200


async def test_200_simultaneous_commands_are_all_acknowledged_recorded_and_submitted(tmp_path):
    # No status checks while the crowd is served: 200 renders checked every 50 ms (the harness's
    # pace) would be 4,000 checks a second, load of the test's own making, not the members'.
    quiet = {"poll_first_delay": 600.0, "poll_interval": 600.0, "poll_max_gap": 600.0}
    # The crowd's announcements all go to one channel, whose bucket the fake refills every 1 s
    # (5 a second: 40 s for 200); here every 25 ms, and with the bot's own pace raised from 45
    # requests a second to 180 they take 1.5 s, not 4.5 s: the pace is not what this proves
    # (tests/test_discord_pacing.py tests both), and the crowd's acknowledgements, which
    # neither holds back, are made while the announcements crowd the bot harder, not less.
    # The stop does not wait out the 2 s the status edits still queued would get.
    fast = {"discord_requests_per_second": 200, "shutdown_grace": 0.25}
    async with running_bot(
        tmp_path, plan=TaskPlan(polls_until_done=None), **quiet, **fast
    ) as world:
        world.discord.rate_limit_reset_after = 0.025
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
