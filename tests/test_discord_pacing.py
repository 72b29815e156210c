"""Discord's global limit (50 requests/s per token) is kept by the bot, not learned from 429s."""

import asyncio

import discord

from tests.harness import running_bot


def most_in_one_second(times):
    ordered = sorted(times)
    best = start = 0
    for end, stamp in enumerate(ordered):
        while stamp - ordered[start] >= 1.0:
            start += 1
        best = max(best, end - start + 1)
    return best


async def test_a_burst_of_channel_messages_stays_under_discords_global_limit(tmp_path):
    """70 messages in 70 channels at once (as 70 /video announcements would be): Discord
    receives fewer than 50 in any one second (the bot lets 40 go; connections opened at once
    bunch a few arrivals), so the global limit is never reached."""
    async with running_bot(tmp_path) as world:
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
        assert len(sent) == 70
        assert most_in_one_second(sent) < 50


def _text(content):
    return discord.http.handle_message_parameters(content=content)
