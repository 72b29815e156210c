"""The server's banned words and phrases (canonical patterns)."""

from __future__ import annotations

from bot.i18n import Message, msg
from bot.moderation.store.audit import Audit
from bot.moderation.store.base import Actor


class BannedWords(Audit):
    """`ModerationStore`'s banned words."""

    async def banned_patterns(self, guild_id: int) -> list[str]:
        """The server's banned words and phrases."""
        rows = await self._db.fetch_all(
            "SELECT pattern FROM mod_banned_words WHERE guild_id = ? ORDER BY pattern", (guild_id,)
        )
        return [row[0] for row in rows]

    async def add_banned(self, actor: Actor, pattern: str) -> Message | None:
        """Ban a canonical pattern; None if it was already banned."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO mod_banned_words (guild_id, pattern, added_by, added_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (actor.guild_id, pattern, actor.moderator_id, self._clock()),
            )
            if cursor.rowcount == 0:
                return None
            change = msg("change_word_added", moderator=actor.mention, pattern=pattern)
            return await self._audit(conn, actor, change)

    async def remove_banned(self, actor: Actor, pattern: str) -> Message | None:
        """Unban a canonical pattern; None if it was not banned."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "DELETE FROM mod_banned_words WHERE guild_id = ? AND pattern = ?",
                (actor.guild_id, pattern),
            )
            if cursor.rowcount == 0:
                return None
            change = msg("change_word_removed", moderator=actor.mention, pattern=pattern)
            return await self._audit(conn, actor, change)
