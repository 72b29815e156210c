"""Bans from a server (Discord's own), heard as they happen or looked up after the bot was down."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import discord

from bot.moderation.bans import BAN_REACH
from cogs._private import cancel_for_ban

if TYPE_CHECKING:
    from bot.app import VideoBot

log = logging.getLogger(__name__)


async def banned(bot: VideoBot, guild: discord.Guild, user_id: int) -> None:
    """A member banned from `guild`: the ban is written down first (a request of theirs being
    saved meanwhile commits before it, and one after it is refused), then what they have
    running there stops as a block stops it."""
    await bot.moderation.record_ban(guild.id, user_id)
    me = guild.me
    await cancel_for_ban(bot, guild.id, user_id, me.id if me is not None else 0)


async def bans_missed(bot: VideoBot, shard_id: int) -> None:
    """Bans made while the bot was down (no GUILD_BAN_ADD reached it), in the servers of
    `shard_id`, of the members with videos still to come there: each found is caught up as if
    heard.

    With Ban Members the bot looks each member's ban up; with View Audit Log alone (what the
    invite asks for) it reads the server's audit log for bans and unbans since the oldest of
    those videos was asked. With neither, Discord tells the bot of no ban at all there, and the
    log says so."""
    unfinished = await bot.store.members_with_unfinished()
    since: dict[int, float] | None = None
    for guild_id, members in unfinished.items():
        guild = bot.get_guild(guild_id)
        if guild is None or guild.shard_id != shard_id or guild.unavailable:
            continue  # gone (caught up as a removal), another shard's, or in an outage
        me = guild.me
        permissions = me.guild_permissions if me is not None else discord.Permissions.none()
        if permissions.ban_members:
            await _look_up(bot, guild, members)
        elif permissions.view_audit_log:
            if since is None:
                since = await bot.store.unfinished_since()
            if guild_id not in since:
                continue  # its videos ended meanwhile: no ban concerns them
            log.info(
                "Guild %d: without Ban Members, bans made while the bot was down are read"
                " from its audit log",
                guild_id,
            )
            # A request read before a ban may be saved up to `BAN_REACH` after it.
            await _read_audit_log(bot, guild, members, since[guild_id] - BAN_REACH)
        else:
            log.info(
                "Guild %d: without Ban Members or View Audit Log, Discord tells the bot of no"
                " ban there (made while it runs or while it was down); videos of %d member(s)"
                " there go on",
                guild_id,
                len(members),
            )


async def _look_up(bot: VideoBot, guild: discord.Guild, members: list[int]) -> None:
    """Catch up the bans of `members` in `guild` (one request each)."""
    for user_id in members:
        try:
            await guild.fetch_ban(discord.Object(user_id))
        except discord.NotFound:
            continue  # not banned
        except discord.HTTPException as error:
            # The permission taken away meanwhile, or Discord failing: the next start retries.
            log.warning("Guild %d: could not read its bans (%s)", guild.id, error)
            return
        log.info("Guild %d: user %d was banned while the bot was down", guild.id, user_id)
        await banned(bot, guild, user_id)


async def _read_audit_log(
    bot: VideoBot, guild: discord.Guild, members: list[int], since: float
) -> None:
    """Catch up the bans of `members` in `guild` from its audit log: a member whose latest
    entry since `since` (a timestamp) is a ban, not an unban, is banned."""
    after = datetime.fromtimestamp(since, tz=UTC)
    latest: dict[int, tuple[int, bool]] = {}  # member: (entry id, a ban)
    try:
        for action in (discord.AuditLogAction.ban, discord.AuditLogAction.unban):
            # Newest first, a page of 100 at a time (`before`), down to `after`.
            async for entry in guild.audit_logs(action=action, after=after, limit=None):
                target = entry.target
                if target is None or target.id not in members:
                    continue
                if entry.id > latest.get(target.id, (0, False))[0]:
                    latest[target.id] = (entry.id, action is discord.AuditLogAction.ban)
    except discord.HTTPException as error:
        # The permission taken away meanwhile, or Discord failing: the next start retries.
        log.warning("Guild %d: could not read its audit log (%s)", guild.id, error)
        return
    for user_id in members:
        if latest.get(user_id, (0, False))[1]:
            log.info("Guild %d: user %d was banned while the bot was down", guild.id, user_id)
            await banned(bot, guild, user_id)
