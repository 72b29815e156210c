"""The channels where videos may be made (none listed: every channel)."""

from __future__ import annotations

from bot.i18n import Message, msg
from bot.moderation.facts import value_of
from bot.moderation.store.audit import Audit
from bot.moderation.store.base import Actor, _hold_list
from bot.storage import Connection
from bot.text import REASON_CHARS, quote


class Channels(Audit):
    """`ModerationStore`'s channel list."""

    async def channels(self, guild_id: int) -> list[int]:
        """Channels where videos may be made; empty means all."""
        rows = await self._db.fetch_all(
            "SELECT channel_id FROM mod_channels WHERE guild_id = ? ORDER BY channel_id",
            (guild_id,),
        )
        return [row[0] for row in rows]

    async def add_channel(
        self, actor: Actor, channel_id: int, *, forum: bool = False
    ) -> Message | None:
        """Allow videos in a channel (the first one listed closes the others).

        ``forum``: the channel is a forum, whose posts (threads) follow it; the change says so.
        """
        async with self._db.transaction() as conn:
            await _hold_list(conn, f"channels:{actor.guild_id}")
            cursor = await conn.execute(
                "INSERT INTO mod_channels (guild_id, channel_id) VALUES (?, ?)"
                " ON CONFLICT DO NOTHING",
                (actor.guild_id, channel_id),
            )
            if cursor.rowcount == 0:
                return None
            key = "change_forum_added" if forum else "change_channel_added"
            change = msg(key, moderator=actor.mention, channel=f"<#{channel_id}>")
            return await self._audit(conn, actor, change)

    async def remove_channel(self, actor: Actor, channel_id: int) -> Message | None:
        """Stop allowing videos in a listed channel; None if it was not listed."""
        async with self._db.transaction() as conn:
            left = await _unlist_channel(conn, actor.guild_id, channel_id)
            if left is None:
                return None
            key = "change_channel_removed" if left else "change_channel_removed_last"
            change = msg(key, moderator=actor.mention, channel=f"<#{channel_id}>")
            return await self._audit(conn, actor, change)

    async def forget_deleted_channel(
        self, actor: Actor, channel_id: int, name: str | None
    ) -> Message | None:
        """A listed channel or thread deleted in Discord: nothing can be made there any more,
        and `channels remove` picks a live one; left listed, it would be the only place /video
        works once the others are gone. None if it was not listed. `name`: the channel's (its
        mention reads "#unknown" once deleted), None if the bot never saw it."""
        async with self._db.transaction() as conn:
            left = await _unlist_channel(conn, actor.guild_id, channel_id)
            if left is None:
                return None
            shown = f"#{quote(name, REASON_CHARS)}" if name is not None else f"<#{channel_id}>"
            key = "change_channel_deleted" if left else "change_channel_deleted_last"
            return await self._audit(conn, actor, msg(key, channel=shown))

    async def clear_channels(self, actor: Actor) -> Message | None:
        """Allow videos in every channel again; None if that was already so."""
        async with self._db.transaction() as conn:
            await _hold_list(conn, f"channels:{actor.guild_id}")
            cursor = await conn.execute(
                "DELETE FROM mod_channels WHERE guild_id = ?", (actor.guild_id,)
            )
            if cursor.rowcount == 0:
                return None
            change = msg("change_channels_all", moderator=actor.mention)
            return await self._audit(conn, actor, change)


async def _unlist_channel(conn: Connection, guild_id: int, channel_id: int) -> int | None:
    """Take a channel off a server's list: how many stay listed, or None if it was not listed."""
    await _hold_list(conn, f"channels:{guild_id}")
    cursor = await conn.execute(
        "DELETE FROM mod_channels WHERE guild_id = ? AND channel_id = ?", (guild_id, channel_id)
    )
    if cursor.rowcount == 0:
        return None
    return int(
        await value_of(conn, "SELECT COUNT(*) FROM mod_channels WHERE guild_id = ?", (guild_id,))
    )
