"""Discord's global rate limit, kept by the bot itself rather than learned from 429s.

A bot token may make 50 requests per second to Discord, all routes together (interaction
responses excepted, which discord.py sends outside this client). discord.py paces each route's
bucket from the headers Discord returns, but knows of the global limit only once it is
answered 429: a burst of commands (200 /video at once, each announced by a channel message)
would run into it. Every request the bot's HTTP client sends first takes a turn here.
"""

from __future__ import annotations

from typing import Any

import discord

from bot.jobs.budget import RequestBudget

DISCORD_GLOBAL_LIMIT = 50.0  # requests per second, per bot token
# Below the limit: the arrival times Discord counts are jittered by the network.
_SHARE_USED = 0.8


def global_budget(shard_share: float = 1.0) -> RequestBudget:
    """This process's part of the token's global limit: its share of the shards."""
    return RequestBudget(DISCORD_GLOBAL_LIMIT * _SHARE_USED * shard_share)


def pace_requests(http: discord.http.HTTPClient, budget: RequestBudget) -> None:
    """Make every request of `http` wait for `budget` first (its own retries do not)."""
    send = http.request

    async def paced(route: discord.http.Route, **kwargs: Any) -> Any:
        await budget.acquire()
        return await send(route, **kwargs)

    # discord.py offers no hook before a request; wrapping the bound method is the seam.
    http.request = paced  # type: ignore[method-assign]
