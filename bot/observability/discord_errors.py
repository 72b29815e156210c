"""Count Discord REST errors at the one place every bot-token request passes through."""

from __future__ import annotations

from typing import Any

import discord

from bot.observability.metrics import Metrics


def count_rest_errors(http: discord.http.HTTPClient, metrics: Metrics) -> None:
    """Wrap `http.request` so each failed request (after discord.py's own 429 and 5xx retries)
    counts by status and Discord error code. Interaction answers go through webhooks, not here.
    """
    request = http.request

    async def counted(route: discord.http.Route, **kwargs: Any) -> Any:
        try:
            return await request(route, **kwargs)
        except discord.HTTPException as error:
            metrics.discord_error(error.status, error.code)
            raise

    http.request = counted  # type: ignore[method-assign]
