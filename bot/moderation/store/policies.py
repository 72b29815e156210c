"""The server's policy: read (with what the admission rules see of a member) and changed."""

from __future__ import annotations

from collections.abc import Callable

from bot.i18n import Message
from bot.jobs.models import Requester
from bot.moderation.facts import POLICY_COLUMNS, member_facts, read_policy
from bot.moderation.models import MemberFacts, Policy
from bot.moderation.store.audit import Audit
from bot.moderation.store.base import Actor


class Policies(Audit):
    """`ModerationStore`'s policy reads and writes."""

    async def policy(self, guild_id: int) -> Policy:
        """The server's policy, or the defaults."""
        async with self._db.transaction() as conn:
            return await read_policy(conn, guild_id)

    async def has_budget(self, guild_id: int) -> bool:
        """Whether the server set a monthly budget (one read, outside any transaction)."""
        row = await self._db.fetch_one(
            "SELECT monthly_budget FROM mod_policy WHERE guild_id = ?", (guild_id,)
        )
        return row is not None and row[0] is not None

    async def facts(self, requester: Requester) -> MemberFacts:
        """What the admission rules would see for this member now."""
        async with self._db.transaction() as conn:
            return await member_facts(conn, requester, self._clock())

    async def modlog_channels(self) -> list[tuple[int, int]]:
        """(guild id, channel id) of every server with a mod-log channel."""
        rows = await self._db.fetch_all(
            "SELECT guild_id, modlog_channel_id FROM mod_policy WHERE modlog_channel_id IS NOT NULL"
        )
        return [(row[0], row[1]) for row in rows]

    async def update_policy(
        self, actor: Actor, change: Message | Callable[[Policy], Message], **values: object
    ) -> Message | None:
        """Set some policy fields (the rest keep their value) and audit it; None (nothing
        audited) when every field already had its value. `change` may be written from the
        policy as this update left it, read in its transaction: a moderator changing other
        fields at the same moment is in it, not a stale read."""
        unknown = values.keys() - POLICY_COLUMNS
        if unknown:
            raise ValueError(f"not policy fields: {sorted(unknown)}")
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT INTO mod_policy (guild_id) VALUES (?) ON CONFLICT (guild_id) DO NOTHING",
                (actor.guild_id,),
            )
            current = await read_policy(conn, actor.guild_id)
            if values and all(getattr(current, name) == value for name, value in values.items()):
                return None
            if values:
                assignments = ", ".join(f"{name} = ?" for name in values)
                await conn.execute(
                    f"UPDATE mod_policy SET {assignments} WHERE guild_id = ?",
                    (*values.values(), actor.guild_id),
                )
            if callable(change):
                change = change(await read_policy(conn, actor.guild_id))
            return await self._audit(conn, actor, change)
