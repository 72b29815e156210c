"""Options reserved for roles: once an option has roles, only they may use it."""

from __future__ import annotations

from bot.i18n import Listed, Message, msg
from bot.moderation.facts import rows_of, value_of
from bot.moderation.rules import option_labels
from bot.moderation.store.audit import Audit
from bot.moderation.store.base import Actor, _hold_list
from bot.storage import Connection


class ReservedOptions(Audit):
    """`ModerationStore`'s reserved options."""

    async def reserved_options(self, guild_id: int) -> dict[str, list[int]]:
        """Option -> the roles it is reserved for."""
        reserved: dict[str, list[int]] = {}
        for row in await self._db.fetch_all(
            "SELECT option, role_id FROM mod_option_roles WHERE guild_id = ?"
            " ORDER BY option, role_id",
            (guild_id,),
        ):
            reserved.setdefault(row[0], []).append(row[1])
        return reserved

    async def reserve_option(
        self, actor: Actor, option: str, label: Message, role_id: int
    ) -> Message | None:
        """Let `role_id` use `option`; once an option has roles, only they may use it. None if
        it already could (nothing is audited twice)."""
        async with self._db.transaction() as conn:
            await _hold_list(conn, f"options:{actor.guild_id}:{option}")
            cursor = await conn.execute(
                "INSERT INTO mod_option_roles (guild_id, option, role_id) VALUES (?, ?, ?)"
                " ON CONFLICT DO NOTHING",
                (actor.guild_id, option, role_id),
            )
            if cursor.rowcount == 0:
                return None
            change = msg(
                "change_option_reserved",
                moderator=actor.mention,
                option=label,
                role=f"<@&{role_id}>",
            )
            return await self._audit(conn, actor, change)

    async def unreserve_option(
        self, actor: Actor, option: str, label: Message, role_id: int | None
    ) -> Message | None:
        """Take one role (or, with None, every role) off an option; None if nothing changed."""
        role_filter = "" if role_id is None else " AND role_id = ?"
        params = (actor.guild_id, option) if role_id is None else (actor.guild_id, option, role_id)
        async with self._db.transaction() as conn:
            await _hold_list(conn, f"options:{actor.guild_id}:{option}")
            cursor = await conn.execute(
                f"DELETE FROM mod_option_roles WHERE guild_id = ? AND option = ?{role_filter}",
                params,
            )
            if cursor.rowcount == 0:
                return None
            left = await value_of(
                conn,
                "SELECT COUNT(*) FROM mod_option_roles WHERE guild_id = ? AND option = ?",
                (actor.guild_id, option),
            )
            if left:
                change = msg(
                    "change_option_role_removed",
                    moderator=actor.mention,
                    option=label,
                    role=f"<@&{role_id}>",
                )
            else:
                change = msg("change_option_opened", moderator=actor.mention, option=label)
            return await self._audit(conn, actor, change)


async def _forget_option_role(conn: Connection, guild_id: int, role_id: int) -> Listed | None:
    """Take a deleted role off the options it shared with other roles; the options it alone
    was allowed (kept reserved, for no one now), or None."""
    alone = []
    for (option,) in await rows_of(
        conn,
        "SELECT option FROM mod_option_roles WHERE guild_id = ? AND role_id = ? ORDER BY option",
        (guild_id, role_id),
    ):
        await _hold_list(conn, f"options:{guild_id}:{option}")
        others = await value_of(
            conn,
            "SELECT COUNT(*) FROM mod_option_roles WHERE guild_id = ? AND option = ?"
            " AND role_id != ?",
            (guild_id, option, role_id),
        )
        if others:
            await conn.execute(
                "DELETE FROM mod_option_roles WHERE guild_id = ? AND option = ? AND role_id = ?",
                (guild_id, option, role_id),
            )
        else:
            alone.append(option)
    return option_labels(alone) if alone else None
