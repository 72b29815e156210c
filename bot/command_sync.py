"""Syncing the slash commands at start-up, and learning their ids so messages can mention them."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from typing import Any

import discord
from discord.ext import commands

from bot.i18n import use_command_ids
from bot.reconnect import NETWORK_FAULTS, describe
from bot.storage import Database
from bot.translator import CommandTranslator

log = logging.getLogger(__name__)

COMMANDS_HASH_KEY = "global_commands_hash"
# `bot_state`'s keys of the servers holding their own copy of the commands (synced there while
# DEV_GUILD_ID named them): the copy is removed at the first start DEV_GUILD_ID names another.
_DEV_COPY_KEY = "dev_guild_commands:"
# Reading the commands back can fail like any call to Discord; messages then name them plainly.
_COMMAND_READ_FAULTS: tuple[type[BaseException], ...] = (discord.HTTPException, *NETWORK_FAULTS)

# Sharded or not: the sync needs the tree, the HTTP client and the connection state.
_Bot = commands.Bot | commands.AutoShardedBot
_AnyCommand = (
    discord.app_commands.Command[Any, ..., Any]
    | discord.app_commands.Group
    | discord.app_commands.ContextMenu
)


async def sync_commands(bot: _Bot, db: Database, dev_guild_id: int | None) -> None:
    """Sync to the dev guild at once, or globally only when the command set changed; remove
    the copy of a server DEV_GUILD_ID named before."""
    await _remove_dev_copies(bot, db, keep=dev_guild_id)
    if dev_guild_id is not None:
        guild = discord.Object(dev_guild_id)
        bot.tree.copy_global_to(guild=guild)
        synced = await bot.tree.sync(guild=guild)
        await db.set_value(_dev_copy_key(dev_guild_id), str(dev_guild_id))
        log.info("Synced %d commands to guild %d", len(synced), dev_guild_id)
        _mention_commands(synced)
        return
    known = bot.tree.get_commands()
    payload = [
        await command.get_translated_payload(bot.tree, CommandTranslator()) for command in known
    ]
    digest = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
    if await db.get_value(COMMANDS_HASH_KEY) == digest:
        log.info("Global commands unchanged; not syncing")
        await _learn_command_ids(bot)
        return
    synced = await _upsert_global_commands(bot, known, payload)
    await db.set_value(COMMANDS_HASH_KEY, digest)
    log.info("Synced %d global commands (may take a while to appear)", len(synced))
    _mention_commands(synced)


def _dev_copy_key(guild_id: int) -> str:
    return f"{_DEV_COPY_KEY}{guild_id}"


async def _remove_dev_copies(bot: _Bot, db: Database, keep: int | None) -> None:
    """Empty the copy of the commands each server DEV_GUILD_ID named before (`keep`: the one
    it names now) holds, which it would otherwise list beside the global commands for ever."""
    if bot.application_id is None:
        raise discord.app_commands.MissingApplicationID
    kept = "" if keep is None else _dev_copy_key(keep)
    # Claimed by deleting the row: of the processes (shards) starting on one database, the one
    # whose delete took it removes the copy; the others find nothing to do.
    # Matched by their prefix as such, not by a range of keys: the database's collation orders
    # punctuation its own way (en_US puts ";" before ":").
    claimed = await db.write(
        "DELETE FROM bot_state WHERE substr(key, 1, ?) = ? AND key <> ? RETURNING value",
        (len(_DEV_COPY_KEY), _DEV_COPY_KEY, kept),
    )
    for (value,) in claimed:
        await _remove_dev_copy(bot, db, bot.application_id, int(value))


async def _remove_dev_copy(bot: _Bot, db: Database, application_id: int, guild_id: int) -> None:
    """Empty `guild_id`'s copy: done or refused, it is forgotten; a network fault or a server
    error keeps it for the next start."""
    copy = f"server {guild_id}'s own copy of the commands (synced while DEV_GUILD_ID named it)"
    try:
        await bot.http.bulk_upsert_guild_commands(application_id, guild_id, [])
    except NETWORK_FAULTS as error:
        await db.write(
            "INSERT INTO bot_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
            (_dev_copy_key(guild_id), str(guild_id)),
        )
        if not bot.is_closed():
            said = _answer(error) if isinstance(error, discord.HTTPException) else describe(error)
            log.warning("Could not remove %s (%s); trying again at the next start", copy, said)
        return
    except discord.HTTPException as error:
        # 403 Missing Access: the bot was removed from the server; 404: the server is gone.
        # Either way nothing this bot can do there: trying at every start would only repeat it.
        log.warning("Discord refused to remove %s (%s); not trying again", copy, _answer(error))
        return
    log.info("Removed %s: it lists the global commands alone now", copy)


async def _upsert_global_commands(
    bot: _Bot, known: Sequence[_AnyCommand], payload: list[dict[str, Any]]
) -> list[discord.app_commands.AppCommand]:
    """`CommandTree.sync()` with the payload the digest was made of: the same request and
    errors, without asking the translator for every string in every locale again (some
    13,000 calls, half the sync's CPU)."""
    if bot.application_id is None:
        raise discord.app_commands.MissingApplicationID
    try:
        data = await bot.http.bulk_upsert_global_commands(bot.application_id, payload)
    except discord.HTTPException as error:
        if error.status == 400 and error.code == 50035:
            raise discord.app_commands.CommandSyncFailure(error, list(known)) from None
        raise
    return [discord.app_commands.AppCommand(data=d, state=bot._connection) for d in data]


async def _learn_command_ids(bot: _Bot) -> None:
    """Read back the synced commands' ids, so messages can mention them."""
    try:
        known = await bot.tree.fetch_commands()
    except _COMMAND_READ_FAULTS as error:
        log.warning("Could not read the commands' ids (%s): messages name them plainly", error)
        return
    _mention_commands(known)


def sync_refused(error: discord.HTTPException, dev_guild_id: int | None) -> str:
    """The one line for a command sync Discord refused: with DEV_GUILD_ID, the setting and the
    server it names (a server the bot was not added to, or a mistyped id, is the usual cause)."""
    answer = _answer(error)
    if dev_guild_id is None:
        return f"Command sync failed ({answer}); continuing with the commands Discord already has"
    return (
        f"Discord refused to sync the commands to server {dev_guild_id} (DEV_GUILD_ID) ({answer}):"
        " set DEV_GUILD_ID to the id of a server the bot was added to, or unset it to sync them"
        " globally; continuing with the commands Discord already has"
    )


def _answer(error: discord.HTTPException) -> str:
    """Discord's answer in a few words: its status and what it said."""
    said = " ".join((error.text or getattr(error.response, "reason", "") or "").split())
    return f"HTTP {error.status}: {said[:200]}" if said else f"HTTP {error.status}"


def _mention_commands(synced: Sequence[discord.app_commands.AppCommand]) -> None:
    """Name the slash commands Discord knows as clickable mentions from now on."""
    use_command_ids(
        {
            command.name: command.id
            for command in synced
            if command.type is discord.AppCommandType.chat_input
        }
    )
