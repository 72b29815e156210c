"""Allowances of roles and members: read, set and cleared (a block is an allowance of 0)."""

from __future__ import annotations

from bot.i18n import Message, msg, plural
from bot.moderation.models import MemberOverride
from bot.moderation.periods import stamp_until
from bot.moderation.personal import hold_admissions
from bot.moderation.store.audit import Audit
from bot.moderation.store.base import Actor
from bot.moderation.store.options import _forget_option_role
from bot.storage import Connection
from bot.text import REASON_CHARS, quote


def _replaced(before: int, videos: int, expires_at: float | None) -> Message | None:
    """What a member's new setting ends for good, if it is worth saying: a block, or their own
    allowance replaced by a block or by one that ends (nothing brings it back)."""
    if before == 0 and videos > 0:
        return msg("member_replaced_block")
    if before > 0 and (videos == 0 or expires_at is not None):
        return msg("member_replaced_allowance", videos=plural("count_videos", before))
    return None


class Allowances(Audit):
    """`ModerationStore`'s role and member allowances."""

    async def role_limits(self, guild_id: int) -> list[tuple[int, int]]:
        """(role id, videos) for every role with its own allowance."""
        rows = await self._db.fetch_all(
            "SELECT role_id, video_limit FROM mod_role_limits WHERE guild_id = ?"
            " ORDER BY video_limit DESC",
            (guild_id,),
        )
        return [(row[0], row[1]) for row in rows]

    async def member_overrides(self, guild_id: int) -> list[MemberOverride]:
        """Every member allowance still in force."""
        rows = await self._db.fetch_all(
            "SELECT * FROM mod_member_limits WHERE guild_id = ?"
            " AND (expires_at IS NULL OR expires_at > ?) ORDER BY video_limit, user_id",
            (guild_id, self._clock()),
        )
        return [
            MemberOverride(
                row["user_id"], row["video_limit"], row["reason"], row["expires_at"], row["set_by"]
            )
            for row in rows
        ]

    async def servers_blocking(self, user_id: int) -> int:
        """How many servers' moderators block this user (an allowance of 0 still in force)."""
        row = await self._db.fetch_one(
            "SELECT COUNT(*) FROM mod_member_limits WHERE user_id = ? AND video_limit = 0"
            " AND (expires_at IS NULL OR expires_at > ?)",
            (user_id, self._clock()),
        )
        return int(row[0]) if row is not None else 0

    async def set_role_limit(self, actor: Actor, role_id: int, videos: int) -> Message | None:
        """Give a role its own allowance; None (nothing audited) if it had that one already."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO mod_role_limits (guild_id, role_id, video_limit) VALUES (?, ?, ?)"
                " ON CONFLICT (guild_id, role_id) DO UPDATE SET video_limit = excluded.video_limit"
                " WHERE mod_role_limits.video_limit != excluded.video_limit",
                (actor.guild_id, role_id, videos),
            )
            if cursor.rowcount == 0:
                return None
            role = f"<@&{role_id}>"
            if videos == 0 and role_id != actor.guild_id:
                # A block that outweighs the member's other roles: say so (@everyone's 0 is
                # only the default, which any other role's allowance replaces).
                change = msg("change_role_blocked", moderator=actor.mention, role=role)
            else:
                videos_text = plural("count_videos", videos)
                change = msg(
                    "change_role_limit", moderator=actor.mention, role=role, videos=videos_text
                )
            return await self._audit(conn, actor, change)

    async def clear_role_limit(self, actor: Actor, role_id: int) -> Message | None:
        """Make a role follow the default again; None if it had no allowance."""
        async with self._db.transaction() as conn:
            if await _delete_role_limit(conn, actor.guild_id, role_id) is None:
                return None
            change = msg("change_role_cleared", moderator=actor.mention, role=f"<@&{role_id}>")
            return await self._audit(conn, actor, change)

    async def forget_deleted_role(self, actor: Actor, role_id: int, name: str) -> Message | None:
        """A role deleted in Discord: its own allowance applies to no one any more, and could
        not be cleared (`role clear` picks a live role). An option it shared with other roles
        loses it (nobody has it: nothing changes for anyone); one reserved for it alone stays
        reserved, opening it to everyone being the moderators' choice, but no member can use
        it now, which is said. None if it had neither."""
        async with self._db.transaction() as conn:
            videos = await _delete_role_limit(conn, actor.guild_id, role_id)
            closed = await _forget_option_role(conn, actor.guild_id, role_id)
            if videos is None and closed is None:
                return None
            role = quote(name, REASON_CHARS)
            if videos is None:
                change = msg("change_role_deleted_options", role=role, options=closed)
            else:
                change = msg(
                    "change_role_deleted", role=role, videos=plural("count_videos", videos)
                )
                if closed is not None:
                    also = msg("role_deleted_options_also", options=closed)
                    change = msg("sentences", first=change, then=also)
            return await self._audit(conn, actor, change)

    async def set_member_limit(
        self, actor: Actor, user_id: int, videos: int, reason: str, expires_at: float | None
    ) -> Message | None:
        """Give a member their own allowance (0 blocks them); after their admissions in flight.
        A member has one such setting: the change says which one it replaces for good. None
        (nothing audited) when they have that very one already, without an end (one with
        `expires_at` starts its days again)."""
        async with self._db.transaction() as conn:
            before = await _hold_member_limit(conn, actor.guild_id, user_id)
            if (
                before is not None
                and expires_at is None
                and before[1] is None
                and (before[0], before[2]) == (videos, reason)
            ):
                return None
            await conn.execute(
                "INSERT INTO mod_member_limits"
                " (guild_id, user_id, video_limit, reason, expires_at, set_by, set_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (guild_id, user_id) DO UPDATE SET"
                " video_limit = excluded.video_limit, reason = excluded.reason,"
                " expires_at = excluded.expires_at, set_by = excluded.set_by,"
                " set_at = excluded.set_at",
                (
                    actor.guild_id,
                    user_id,
                    videos,
                    reason,
                    expires_at,
                    actor.moderator_id,
                    self._clock(),
                ),
            )
            key = "change_member_blocked" if videos == 0 else "change_member_limit"
            values: dict[str, object] = {
                "moderator": actor.mention,
                "member": f"<@{user_id}>",
                "videos": plural("count_videos", videos),
                "reason": quote(reason, REASON_CHARS),
            }
            if expires_at is not None:
                key, values["until"] = f"{key}_until", stamp_until(expires_at)
            change = msg(key, **values)
            # The setting it replaces, if that one still held.
            if before is not None and before[1] is not None and before[1] <= self._clock():
                before = None
            replaced = _replaced(before[0], videos, expires_at) if before else None
            if replaced is not None:
                change = msg("change_and_replaced", change=change, replaced=replaced)
            return await self._audit(conn, actor, change)

    async def clear_member_limit(
        self, actor: Actor, user_id: int, key: str, *, blocks_only: bool = False
    ) -> Message | None:
        """Remove a member's own allowance (with `blocks_only`, only a block: an allowance of
        0); None if they had none that still holds (one that expired is only tidied away)."""
        async with self._db.transaction() as conn:
            row = await _hold_member_limit(conn, actor.guild_id, user_id)
            if row is None or (blocks_only and row[0] > 0):
                return None
            await conn.execute(
                "DELETE FROM mod_member_limits WHERE guild_id = ? AND user_id = ?",
                (actor.guild_id, user_id),
            )
            if row[1] is not None and row[1] <= self._clock():
                return None
            change = msg(key, moderator=actor.mention, member=f"<@{user_id}>")
            return await self._audit(conn, actor, change)


async def _hold_member_limit(
    conn: Connection, guild_id: int, user_id: int
) -> tuple[int, float | None, str] | None:
    """Hold the member's admissions (`hold_admissions`), then read their own allowance in the
    server: (videos, expires_at, reason), expired or not; None if they have none. Held before
    the read: on PostgreSQL a setting made between the read and a change would otherwise be
    replaced or deleted unseen (an unblock removing a new allowance)."""
    await hold_admissions(conn, user_id)
    cursor = await conn.execute(
        "SELECT video_limit, expires_at, reason FROM mod_member_limits"
        " WHERE guild_id = ? AND user_id = ?",
        (guild_id, user_id),
    )
    row = await cursor.fetchone()
    return (int(row[0]), row[1], row[2]) if row is not None else None


async def _delete_role_limit(conn: Connection, guild_id: int, role_id: int) -> int | None:
    """Remove a role's own allowance; the videos it allowed, or None if it had none."""
    cursor = await conn.execute(
        "DELETE FROM mod_role_limits WHERE guild_id = ? AND role_id = ? RETURNING video_limit",
        (guild_id, role_id),
    )
    row = await cursor.fetchone()
    return int(row[0]) if row is not None else None
