"""Moderation settings in SQLite: the policy, its overrides, lists for moderators, the audit.

Every change is one transaction that also writes its audit row, and returns the sentence
describing it (for the moderator's confirmation and the mod-log).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.i18n import Listed, Message, Plural, msg, plural
from bot.jobs.models import JobState, Requester, is_billed, state_key
from bot.jobs.pricing import connection_reader, expected_of_kind
from bot.moderation.facts import (
    COUNTS,
    HELD_AFTER_ITS_END,
    POLICY_COLUMNS,
    REFUNDED,
    budget_use,
    member_facts,
    place_of,
    read_policy,
    rows_of,
    unreported_by_member,
    value_of,
)
from bot.moderation.models import BudgetUse, MemberFacts, MemberOverride, Policy, Window
from bot.moderation.periods import budget_window, stamp_until
from bot.moderation.personal import hold_admissions
from bot.moderation.rules import option_labels
from bot.storage import Connection, Database
from bot.text import REASON_CHARS, quote


@dataclass(frozen=True)
class Actor:
    """The moderator making a change, and where."""

    guild_id: int
    moderator_id: int

    @property
    def mention(self) -> str:
        """The moderator as a mention (messages are sent with pings disabled)."""
        return f"<@{self.moderator_id}>"


@dataclass(frozen=True)
class UsageRow:
    """One member's counted jobs and credits in a period."""

    user_id: int
    jobs: int
    credits: float


@dataclass(frozen=True)
class CreditsRow:
    """One member's credits reported by APIMart in a window."""

    user_id: int
    credits: float


@dataclass(frozen=True)
class JobRow:
    """A job as moderators list it."""

    id: int
    user_id: int
    state: JobState
    prompt: str
    resolution: str
    duration: int | None
    credits_cost: float | None
    created_at: float
    cancelled: bool = False
    error_key: str | None = None
    # A finished video APIMart reported no credits for, or one still on its way: what the
    # budget counts it at (its member's quote).
    expected_credits: float | None = None
    # And whether that is the most it may have cost (a reference video set its length).
    expected_up_to: bool = False
    # Where it was asked for (a thread's own id): who may read its prompt follows it.
    channel_id: int | None = None
    # Not billed yet, and a budget holds its quote for it (`credits_held`): on its way, given
    # up on but still followed, or its submit's answer lost.
    held: bool = False

    @property
    def state_key(self) -> str:
        """The catalog key naming its state (a cancelled render that still counts says so; a
        video the budget kept from being sent says that, not "refused")."""
        return state_key(
            self.state,
            cancelled=self.cancelled,
            error_key=self.error_key,
            billed=is_billed(self.credits_cost),
        )


@dataclass(frozen=True)
class AuditRow:
    """One recorded moderator change."""

    moderator_id: int
    change: Message
    created_at: float


def _encode(message: Message) -> dict[str, Any]:
    """A sentence as JSON-ready data; nested sentences (a period name) and counts keep keys."""
    return {name: _encode_value(value) for name, value in message.values.items()}


def _encode_value(value: object) -> object:
    if isinstance(value, Message):
        return {"$key": value.key, "values": _encode(value)}
    if isinstance(value, Plural):
        return {"$plural": value.key, "count": value.count}
    if isinstance(value, Listed):
        listed: dict[str, object] = {"$listed": [_encode_value(item) for item in value.items]}
        if value.last is not None:
            listed["last"] = value.last
        return listed
    return value


def _decode_value(value: object) -> object:
    if isinstance(value, dict) and "$key" in value:
        return _decode(value["$key"], value["values"])
    if isinstance(value, dict) and "$plural" in value:
        return plural(value["$plural"], int(value["count"]))
    if isinstance(value, dict) and "$listed" in value:
        last = value.get("last")
        return Listed(
            [_decode_listed(item) for item in value["$listed"]],
            last="and" if last == "and" else "or" if last == "or" else None,
        )
    return value


def _decode_listed(item: object) -> Message | str:
    decoded = _decode_value(item)
    return decoded if isinstance(decoded, Message) else str(decoded)


def _decode(key: str, values: dict[str, Any]) -> Message:
    return msg(key, **{name: _decode_value(value) for name, value in values.items()})


def _replaced(before: int, videos: int, expires_at: float | None) -> Message | None:
    """What a member's new setting ends for good, if it is worth saying: a block, or their own
    allowance replaced by a block or by one that ends (nothing brings it back)."""
    if before == 0 and videos > 0:
        return msg("member_replaced_block")
    if before > 0 and (videos == 0 or expires_at is not None):
        return msg("member_replaced_allowance", videos=plural("count_videos", before))
    return None


class ModerationStore:
    """Reads and changes moderation settings; knows SQL, nothing about Discord."""

    def __init__(self, db: Database, *, clock: Callable[[], float]) -> None:
        self._db = db
        self._clock = clock

    # ------------------------------------------------------------------ reading

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

    async def channels(self, guild_id: int) -> list[int]:
        """Channels where videos may be made; empty means all."""
        rows = await self._db.fetch_all(
            "SELECT channel_id FROM mod_channels WHERE guild_id = ? ORDER BY channel_id",
            (guild_id,),
        )
        return [row[0] for row in rows]

    async def banned_patterns(self, guild_id: int) -> list[str]:
        """The server's banned words and phrases."""
        rows = await self._db.fetch_all(
            "SELECT pattern FROM mod_banned_words WHERE guild_id = ? ORDER BY pattern", (guild_id,)
        )
        return [row[0] for row in rows]

    async def budget_used(self, guild_id: int | None) -> BudgetUse:
        """Credits spent by the server (None: outside servers) this calendar month, and held for
        its videos not billed yet."""
        window = budget_window(self._clock())
        async with self._db.transaction() as conn:
            held, spent = await budget_use(connection_reader(conn), guild_id, window)
            return BudgetUse(spent, held, window)

    async def _unreported(self, guild_id: int | None, window: Window) -> dict[int, float]:
        return await unreported_by_member(self._db.fetch_all, guild_id, window)

    async def credits_of(self, guild_id: int | None, user_id: int, window: Window) -> float:
        """Credits one member's jobs cost in a window, as the budget counts them (None: their
        jobs outside servers)."""
        place, key = place_of(guild_id)
        row = await self._db.fetch_one(
            f"SELECT SUM(credits_cost) FROM jobs WHERE {place} AND user_id = ?"
            " AND created_at >= ? AND created_at < ?",
            (*key, user_id, window.start, window.end),
        )
        reported = float(row[0] or 0.0) if row is not None else 0.0
        return reported + (await self._unreported(guild_id, window)).get(user_id, 0.0)

    async def top_usage(self, guild_id: int, window: Window, limit: int | None) -> list[UsageRow]:
        """Members with the most counted jobs in a window (the first `limit`; None: all), with
        the credits they used: every job's, as the budget and one member's usage count them."""
        counted = f"SUM(CASE WHEN {COUNTS} THEN 1 ELSE 0 END)"
        credits = "COALESCE(SUM(credits_cost), 0)"
        rows = await self._db.fetch_all(
            f"SELECT user_id, {counted} AS jobs, {credits} AS credits"
            " FROM jobs WHERE guild_id = ? AND created_at >= ? AND created_at < ?"
            f" GROUP BY user_id HAVING {counted} > 0 OR {credits} > 0",
            (*REFUNDED, guild_id, window.start, window.end, *REFUNDED),
        )
        unreported = await self._unreported(guild_id, window)
        usage = [
            UsageRow(row[0], row[1], float(row[2]) + unreported.get(int(row[0]), 0.0))
            for row in rows
        ]
        usage.sort(key=lambda row: (-row.jobs, -row.credits, row.user_id))
        return usage if limit is None else usage[:limit]

    async def top_credits(
        self, guild_id: int | None, window: Window, limit: int | None
    ) -> list[CreditsRow]:
        """Members who spent the most credits in a window (the first `limit`; None: all), as
        the budget counts them (`guild_id` None: outside servers)."""
        place, key = place_of(guild_id)
        rows = await self._db.fetch_all(
            f"SELECT user_id, SUM(credits_cost) AS credits FROM jobs WHERE {place}"
            " AND created_at >= ? AND created_at < ? AND credits_cost > 0"
            " GROUP BY user_id",
            (*key, window.start, window.end),
        )
        spent = {int(row[0]): float(row[1]) for row in rows}
        for user_id, credits in (await self._unreported(guild_id, window)).items():
            spent[user_id] = spent.get(user_id, 0.0) + credits
        top = sorted(
            (CreditsRow(user_id, credits) for user_id, credits in spent.items() if credits > 0),
            key=lambda row: (-row.credits, row.user_id),
        )
        return top if limit is None else top[:limit]

    async def recent_jobs(self, guild_id: int, user_id: int | None, limit: int) -> list[JobRow]:
        """The server's newest jobs, or one member's."""
        member_filter = "" if user_id is None else " AND user_id = ?"
        params: tuple[int, ...] = (guild_id,) if user_id is None else (guild_id, user_id)
        rows = await self._db.fetch_all(
            "SELECT id, user_id, state, prompt, resolution, duration, credits_cost, created_at,"
            " cancelled_at, error_key, CASE WHEN video_urls = '[]' THEN duration END,"
            f" quoted_credits, channel_id, CASE WHEN {HELD_AFTER_ITS_END} THEN 1 ELSE 0 END"
            f" FROM jobs WHERE guild_id = ?{member_filter} ORDER BY id DESC LIMIT ?",
            (*params, limit),
        )
        jobs = []
        for row in rows:
            state = JobState(row[2])
            expected, up_to = None, False
            # Still on its way (its status message says this figure), or given up on but still
            # followed, or its submit's answer lost: the budget holds what it was quoted.
            held = row[6] is None and (not state.is_final or bool(row[13]))
            if row[6] is None and (state is JobState.COMPLETED or held):
                # Finished with no credits reported, or held as above: what its member was
                # quoted, else (recorded before the bot kept it) as now.
                up_to = row[10] is None
                expected = row[11]
                if expected is None:
                    estimate = await expected_of_kind(self._db.fetch_all, row[4], row[10])
                    expected = estimate.credits
            jobs.append(
                JobRow(
                    id=row[0],
                    user_id=row[1],
                    state=state,
                    prompt=row[3],
                    resolution=row[4],
                    duration=row[5],
                    credits_cost=row[6],
                    created_at=row[7],
                    cancelled=row[8] is not None,
                    error_key=row[9],
                    expected_credits=expected,
                    expected_up_to=up_to,
                    channel_id=row[12],
                    held=held,
                )
            )
        return jobs

    async def job_owner(self, guild_id: int, job_id: int) -> tuple[int, str] | None:
        """Who asked for a job of this server, and its state's catalog key; None if not ours."""
        row = await self._db.fetch_one(
            "SELECT user_id, state, cancelled_at, credits_cost, error_key FROM jobs"
            " WHERE id = ? AND guild_id = ?",
            (job_id, guild_id),
        )
        if row is None:
            return None
        user_id, state, cancelled_at, credits_cost, error_key = row
        key = state_key(
            JobState(state),
            cancelled=cancelled_at is not None,
            error_key=error_key,
            billed=is_billed(credits_cost),
        )
        return user_id, key

    async def recent_audit(
        self, guild_id: int, limit: int, user_id: int | None = None
    ) -> list[AuditRow]:
        """The newest recorded changes; with `user_id`, those by or about that member (every
        change names a member as a mention, `<@id>`, which no other id's mention contains)."""
        member_filter = "" if user_id is None else " AND (moderator_id = ? OR detail LIKE ?)"
        params: tuple[int | str, ...] = (
            (guild_id,) if user_id is None else (guild_id, user_id, f"%<@{user_id}>%")
        )
        rows = await self._db.fetch_all(
            "SELECT moderator_id, action, detail, created_at FROM mod_audit"
            f" WHERE guild_id = ?{member_filter} ORDER BY id DESC LIMIT ?",
            (*params, limit),
        )
        return [AuditRow(row[0], _decode(row[1], json.loads(row[2])), row[3]) for row in rows]

    async def modlog_channels(self) -> list[tuple[int, int]]:
        """(guild id, channel id) of every server with a mod-log channel."""
        rows = await self._db.fetch_all(
            "SELECT guild_id, modlog_channel_id FROM mod_policy WHERE modlog_channel_id IS NOT NULL"
        )
        return [(row[0], row[1]) for row in rows]

    # ------------------------------------------------------------------ changing

    async def _audit(self, conn: Connection, actor: Actor, change: Message) -> Message:
        await conn.execute(
            "INSERT INTO mod_audit (guild_id, moderator_id, action, detail, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (
                actor.guild_id,
                actor.moderator_id,
                change.key,
                json.dumps(_encode(change)),
                self._clock(),
            ),
        )
        return change

    async def record(self, actor: Actor, change: Message) -> Message:
        """Audit a change made elsewhere (a cancelled job, a resume)."""
        async with self._db.transaction() as conn:
            return await self._audit(conn, actor, change)

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


async def _hold_list(conn: Connection, name: str) -> None:
    """Hold one server's list (its channels, or one option's roles) until the transaction ends:
    a change says whether it left the list empty ("every channel again"), which two changes at
    once on PostgreSQL would each miss, both still seeing the other's row."""
    await conn.serialize(name)
