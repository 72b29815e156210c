"""Reading where an interaction came from, and choosing how to answer there (issue 17)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot.reach import TOKEN_LIFETIME, Place, Reply, Route, choose_route

if TYPE_CHECKING:
    from bot.app import VideoBot


def place_of(interaction: discord.Interaction[VideoBot]) -> Place:
    """Where a command was used, from what Discord sent with it."""
    guild_id = interaction.guild_id
    # `is_guild_integration`: key 0 of `authorizing_integration_owners` is this very server.
    server_installed = guild_id is not None and interaction.is_guild_integration()
    bot_dm = guild_id is None and interaction.context.dm_channel
    return Place(
        guild_id=guild_id,
        server_installed=server_installed,
        bot_dm=bot_dm,
        # "Use External Apps" denied to the member (Discord: "responses will be ephemeral"
        # for apps not installed to the server): every answer there is private.
        ephemeral_only=(
            guild_id is not None
            and not server_installed
            and not interaction.permissions.use_external_apps
        ),
        # A server of the bot is cached from its shard's READY on (unavailable until its
        # GUILD_CREATE, and through an outage), and Discord sends its commands to that shard:
        # absent here means the bot is not in it, never that it was not sent yet.
        bot_in_server=guild_id is not None and interaction.client.get_guild(guild_id) is not None,
    )


def rules_guild_id(interaction: discord.Interaction[VideoBot]) -> int | None:
    """The server whose rules and allowances apply, or None for the member's personal ones."""
    return place_of(interaction).rules_guild_id


def token_expiry(interaction: discord.Interaction[VideoBot], now: float) -> float:
    """When the interaction's token stops working, on the bot's clock."""
    created = interaction.created_at.timestamp()
    return min(now, created) + TOKEN_LIFETIME


def reply_for(
    interaction: discord.Interaction[VideoBot], resolution: str, now: float
) -> Reply | None:
    """How this request's news goes back; None where the bot simply posts in the channel."""
    place = place_of(interaction)
    expires_at = token_expiry(interaction, now)
    route = choose_route(
        place,
        now=now,
        expires_at=expires_at,
        resolution=resolution,
        window=interaction.client.routes.hand_over_before,
    )
    if route is Route.CHANNEL:
        return None
    return Reply(
        route,
        token=interaction.token,
        expires_at=expires_at,
        ephemeral=place.ephemeral_only,
        upload_limit=interaction.filesize_limit,
    )
