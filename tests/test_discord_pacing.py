"""Discord's global limit (50 requests/s per token) is kept by the bot, not learned from 429s."""

import asyncio

import discord

from tests.harness import running_bot
from tests.jobs.test_budget import most_in_one_second


async def test_a_burst_of_channel_messages_stays_under_discords_global_limit(tmp_path):
    """70 messages in 70 channels at once (as 70 /video announcements would be): the bot lets
    at most 40 go in any one second, below Discord's 50, so the global limit is never reached.

    Counted where the bot sends them: arrival times at the fake also carry this machine's
    scheduling (connections opened at once bunch a few arrivals), which no bot controls."""
    async with running_bot(tmp_path) as world:
        budget = world.bot.discord_budget
        granted = []
        acquire = budget.acquire

        async def recorded():
            granted.append(await acquire())

        budget.acquire = recorded
        channels = [world.discord.add_text_channel(f"burst-{n}") for n in range(70)]
        before = len(world.discord.requests)
        await asyncio.gather(
            *(world.bot.http.send_message(channel, params=_text("hello")) for channel in channels)
        )
        sent = [
            request.time
            for request in world.discord.requests[before:]
            if request.method == "POST" and request.path.endswith("/messages")
        ]
        assert len(sent) == 70, "every message reached Discord"
        assert len(granted) >= 70
        assert most_in_one_second(granted) <= 40


def _text(content):
    return discord.http.handle_message_parameters(content=content)
