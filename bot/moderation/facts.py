"""What the admission check reads about a member, inside the job insert's transaction.

Usage is never stored: it is counted from the jobs table, so a refund (a job APIMart made
nothing of: refused, failed, cancelled before it was sent) is simply a job whose state no
longer counts (`bot.jobs.models.REFUNDED_STATES`, `COUNTS` below).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from typing import Any

from bot.jobs.models import ACTIVE_STATES, REFUNDED_STATES, JobState, Requester
from bot.jobs.pricing import Reader, cheapest_expected, connection_reader, expected_of_kind
from bot.jobs.sql import placeholders
from bot.moderation.models import (
    UNFINISHED_STATES,
    Allowance,
    MemberFacts,
    MemberOverride,
    Period,
    Policy,
    Window,
)
from bot.moderation.periods import budget_window, quota_window
from bot.storage import Connection

# Set while the API says the account has no balance (HTTP 402); see `pause.py`.
PAUSE_KEY = "apimart_payment_required"
REFUNDED = tuple(state.value for state in REFUNDED_STATES)
UNFINISHED = tuple(state.value for state in UNFINISHED_STATES)
ACTIVE = tuple(state.value for state in ACTIVE_STATES)
POLICY_COLUMNS = frozenset(f.name for f in fields(Policy)) - {"guild_id"}
# Columns are named, never `*`, in what runs inside a transaction: a column a newer release adds
# (rolling deploy) changes what `*` returns, and PostgreSQL refuses the statement the older
# process prepared before (asyncpg prepares it again by itself only outside a transaction).
_POLICY_SELECT = ", ".join(sorted(POLICY_COLUMNS))
_OVERRIDE_SELECT = ", ".join(f.name for f in fields(MemberOverride))


# `Job.counts` in SQL (its parameters: `REFUNDED`).
COUNTS = f"(state NOT IN ({placeholders(REFUNDED)}) OR COALESCE(credits_cost, 0) > 0)"


async def rows_of(conn: Connection, sql: str, params: Sequence[Any]) -> list[Any]:
    """Every row of a read on the caller's connection (inside its transaction)."""
    async with conn.execute(sql, params) as cursor:
        return list(await cursor.fetchall())


async def value_of(conn: Connection, sql: str, params: Sequence[Any]) -> Any:
    """The first column of the first row of a read, or None."""
    async with conn.execute(sql, params) as cursor:
        row = await cursor.fetchone()
    return row[0] if row is not None else None


async def read_policy(conn: Connection, guild_id: int) -> Policy:
    """The server's policy, or the defaults."""
    async with conn.execute(
        f"SELECT {_POLICY_SELECT} FROM mod_policy WHERE guild_id = ?", (guild_id,)
    ) as cursor:
        row = await cursor.fetchone()
    if row is None:
        return Policy(guild_id)
    values = {name: row[name] for name in POLICY_COLUMNS}
    return Policy(guild_id, **{**values, "period": Period(row["period"])})


async def read_override(
    conn: Connection, guild_id: int, user_id: int, now: float
) -> MemberOverride | None:
    """A member's own allowance, unless it expired."""
    async with conn.execute(
        f"SELECT {_OVERRIDE_SELECT} FROM mod_member_limits WHERE guild_id = ? AND user_id = ?"
        " AND (expires_at IS NULL OR expires_at > ?)",
        (guild_id, user_id, now),
    ) as cursor:
        row = await cursor.fetchone()
    if row is None:
        return None
    return MemberOverride(
        user_id=row["user_id"],
        video_limit=row["video_limit"],
        reason=row["reason"],
        expires_at=row["expires_at"],
        set_by=row["set_by"],
    )


async def read_allowance(
    conn: Connection, policy: Policy, requester: Requester, now: float
) -> Allowance:
    """The member's own allowance, else their roles' (a role's 0 blocks, else the highest),
    else @everyone's, else the default.

    @everyone (whose id is the server's) is every member's role: an allowance set on it is the
    server's default in another form, which any other role's allowance replaces, even a lower
    one (a Newcomer role's 1 a day), as it replaces the default.
    """
    override = await read_override(conn, policy.guild_id, requester.user_id, now)
    if override is not None:
        after = None
        if override.expires_at is not None:
            after = (await _shared_allowance(conn, policy, requester)).limit
        return Allowance(override.video_limit, "member", override, after=after)
    return await _shared_allowance(conn, policy, requester)


async def _shared_allowance(conn: Connection, policy: Policy, requester: Requester) -> Allowance:
    """The highest of the member's roles' allowances, else @everyone's, else the default; but
    0 if one of their roles has 0: that is a block (a Muted role), which a level role given
    more must not lift."""
    roles = requester.role_ids
    if roles:
        rows = await rows_of(
            conn,
            f"SELECT role_id, video_limit FROM mod_role_limits WHERE guild_id = ?"
            f" AND role_id IN ({placeholders(roles)})",
            (policy.guild_id, *roles),
        )
        own = [int(limit) for role, limit in rows if role != policy.guild_id]
        everyone = [int(limit) for role, limit in rows if role == policy.guild_id]
        if 0 in own:
            return Allowance(0, "role")
        if own or everyone:
            return Allowance(max(own or everyone), "role")
    return Allowance(policy.default_limit, "default")


async def count_used(conn: Connection, guild_id: int | None, user_id: int, window: Window) -> int:
    """Jobs that count against a member in a window (refunded states excluded), in a server or
    (None) outside servers."""
    place, key = place_of(guild_id)
    return int(
        await value_of(
            conn,
            f"SELECT COUNT(*) FROM jobs WHERE {place} AND user_id = ?"
            " AND created_at >= ? AND created_at < ?"
            f" AND {COUNTS}",
            (*key, user_id, window.start, window.end, *REFUNDED),
        )
    )


async def credits_spent(read: Reader, guild_id: int | None, window: Window) -> float:
    """Credits the API reported in a window for a server's jobs, or (None) for all jobs made
    outside servers (the operator's budget for them); read with `read`, so the admission
    check (in its transaction) and the submit (on the database) count the same way. A
    finished video whose credits APIMart left out of its answer was billed all the same: it
    counts at what such a video is expected to cost."""
    place, key = place_of(guild_id)
    rows = await read(
        f"SELECT SUM(credits_cost) FROM jobs WHERE {place} AND created_at >= ? AND created_at < ?",
        (*key, window.start, window.end),
    )
    reported = float((rows[0][0] if rows else None) or 0.0)
    return reported + await _expected_total(read, place, key, window, UNREPORTED, ())


# A finished video whose credits APIMart left out of its answer (billed all the same).
UNREPORTED = f"credits_cost IS NULL AND state = '{JobState.COMPLETED.value}'"


async def unreported_by_member(
    read: Reader, guild_id: int | None, window: Window
) -> dict[int, float]:
    """Each member's finished videos APIMart reported no credits for, at their expected cost:
    what `credits_spent` counts for them, so a member's credits add up to the server's (None:
    to those outside servers)."""
    place, key = place_of(guild_id)
    return await _expected_by(read, place, key, window, UNREPORTED, (), "user_id")


def place_of(guild_id: int | None) -> tuple[str, tuple[object, ...]]:
    """The jobs of a server, or (None) those made outside servers: a WHERE part, its values."""
    return ("guild_id = ?", (guild_id,)) if guild_id is not None else ("guild_id IS NULL", ())


async def _expected_total(
    read: Reader,
    place: str,
    key: tuple[object, ...],
    window: Window,
    which: str,
    values: tuple[object, ...],
) -> float:
    """What the jobs `which` (a WHERE part, with `values`) of `place` in `window` are expected
    to cost, in all."""
    return sum((await _expected_by(read, place, key, window, which, values)).values())


async def _expected_by(
    read: Reader,
    place: str,
    key: tuple[object, ...],
    window: Window,
    which: str,
    values: tuple[object, ...],
    by: str = "NULL",
) -> dict[Any, float]:
    """What those jobs are expected to cost, per value of the column `by` (one group if none):
    each at what its member was quoted when it was recorded, so newer prices learned (or a
    restart) never move a budget or a month's spending while nothing happens to its jobs. A
    job recorded before the bot kept that is priced as one like it is now, by resolution and
    length (a reference video sets the length: `length_of`), read only for such jobs."""
    rows = await read(
        f"SELECT {by}, resolution, CASE WHEN video_urls = '[]' THEN duration END,"
        " SUM(quoted_credits), COUNT(*) - COUNT(quoted_credits)"
        f" FROM jobs WHERE {place} AND created_at >= ? AND created_at < ? AND {which}"
        " GROUP BY 1, 2, 3",
        (*key, window.start, window.end, *values),
    )
    costs: dict[Any, float] = {}
    for group, resolution, length, quoted, unquoted in rows:
        credits = float(quoted or 0.0)
        if unquoted:
            estimate = await expected_of_kind(read, resolution, length)
            credits += int(unquoted) * estimate.credits
        costs[group] = costs.get(group, 0.0) + credits
    return costs


# Sent, with no credits to come from a status check: a render given up on is still followed
# (`next_poll_at`) and billed if APIMart ends it; one whose submit answer was lost was likely
# made and billed, and no answer will ever say what it cost. A budget holds what these were
# quoted (`credits_held`), as it does for the videos being made.
HELD_AFTER_ITS_END = (
    f"(state = '{JobState.TIMED_OUT.value}' AND next_poll_at IS NOT NULL"
    f" OR state = '{JobState.SUBMIT_UNKNOWN.value}')"
)


def budget_lock(guild_id: int | None) -> str:
    """The lock on the admissions under a server's monthly budget, or (None) the operator's
    budget outside servers (`hold_budget`)."""
    return f"budget:{guild_id if guild_id is not None else 'personal'}"


async def hold_budget(conn: Connection, guild_id: int | None) -> None:
    """Hold the admissions under one monthly budget, a server's (None: the operator's budget
    outside servers), until `conn`'s transaction ends, across processes: two members' videos
    admitted at once must not both count on the same credits left. Taken only where a budget
    is set: without one, members of a busy server are admitted side by side."""
    await conn.serialize(budget_lock(guild_id))


async def credits_held(
    read: Reader, guild_id: int | None, window: Window, *, ahead_of: int | None = None
) -> float:
    """What the videos asked for in a window and still being made are expected to cost: APIMart
    reports a render's credits only once it ends, so a budget holds this much for them until
    then, and for good for those whose submit answer was lost. `ahead_of` (a job about to be
    sent): the videos APIMart has, and those waiting that were asked for before it; None: every
    one."""
    place, key = place_of(guild_id)
    sent = HELD_AFTER_ITS_END
    order: tuple[str, tuple[object, ...]] = ("", ())
    if ahead_of is not None:
        order = (
            f" AND (id < ? OR state IN ({placeholders(ACTIVE)}) OR {sent})",
            (ahead_of, *ACTIVE),
        )
    which = f"credits_cost IS NULL AND (state IN ({placeholders(UNFINISHED)}) OR {sent}){order[0]}"
    return await _expected_total(read, place, key, window, which, (*UNFINISHED, *order[1]))


async def budget_use(
    read: Reader, guild_id: int | None, window: Window, *, ahead_of: int | None = None
) -> tuple[float, float]:
    """What a budget holds for the videos being made (`credits_held`, `ahead_of` as there),
    and what was spent, in `window`; read with `read` (the admission's transaction, or the
    database before a send).

    Held first: on PostgreSQL each statement sees what was committed when it began, and a
    render that ends between the two reads moves from held to spent. Read in this order it is
    counted twice for that moment (a video refused that might just have fit); the other way
    round it would be counted by neither, and a spent budget would admit one more video.
    """
    held = await credits_held(read, guild_id, window, ahead_of=ahead_of)
    return held, await credits_spent(read, guild_id, window)


async def budget_floor(conn: Connection, budget: float | None) -> float:
    """What the cheapest video is expected to cost, where a monthly `budget` needs it (a budget
    with less left fits none); read in the caller's transaction."""
    return await cheapest_expected(connection_reader(conn)) if budget is not None else 0.0


async def member_facts(
    conn: Connection, requester: Requester, now: float, policy: Policy | None = None
) -> MemberFacts:
    """Everything the admission rules need about a member, read in the caller's transaction
    (`policy`: the server's, if the caller read it already)."""
    guild_id = requester.guild_id
    assert guild_id is not None, "moderation applies to servers only"
    if policy is None:
        policy = await read_policy(conn, guild_id)
    reserved: dict[str, set[int]] = {}
    for option, role_id in await rows_of(
        conn, "SELECT option, role_id FROM mod_option_roles WHERE guild_id = ?", (guild_id,)
    ):
        reserved.setdefault(option, set()).add(role_id)
    return await scope_facts(
        conn,
        guild_id,
        requester.user_id,
        now,
        policy=policy,
        allowance=await read_allowance(conn, policy, requester, now),
        monthly_budget=policy.monthly_budget,
        channels=frozenset(
            row[0]
            for row in await rows_of(
                conn, "SELECT channel_id FROM mod_channels WHERE guild_id = ?", (guild_id,)
            )
        ),
        reserved_options={option: frozenset(roles) for option, roles in reserved.items()},
        banned_patterns=tuple(
            row[0]
            for row in await rows_of(
                conn,
                "SELECT pattern FROM mod_banned_words WHERE guild_id = ? ORDER BY pattern",
                (guild_id,),
            )
        ),
    )


async def scope_facts(
    conn: Connection,
    guild_id: int | None,
    user_id: int,
    now: float,
    *,
    policy: Policy,
    allowance: Allowance,
    monthly_budget: float | None,
    channels: frozenset[int] = frozenset(),
    reserved_options: dict[str, frozenset[int]] | None = None,
    banned_patterns: tuple[str, ...] = (),
) -> MemberFacts:
    """What the admission rules see for a member in a server, or (None) outside servers (the
    personal scope), read in the caller's transaction: their jobs there under `policy` and
    `allowance`, the credits spent of `monthly_budget` (None: no budget), whether videos are
    paused; the rest are a server's own settings, which the personal scope has none of."""
    quota = quota_window(policy, now)
    budget = budget_window(now)
    held, used = (
        await budget_use(connection_reader(conn), guild_id, budget)
        if monthly_budget is not None
        else (0.0, 0.0)
    )
    place, key = place_of(guild_id)
    return MemberFacts(
        policy=policy,
        allowance=allowance,
        window=quota,
        used=await count_used(conn, guild_id, user_id, quota),
        active=int(
            await value_of(
                conn,
                f"SELECT COUNT(*) FROM jobs WHERE {place} AND user_id = ?"
                f" AND state IN ({placeholders(UNFINISHED)}) AND cancelled_at IS NULL",
                (*key, user_id, *UNFINISHED),
            )
        ),
        # The cooldown runs from the last video that counts: a refused, failed or unsent one
        # ("nothing was counted, try again") starts none.
        last_created_at=await value_of(
            conn,
            f"SELECT MAX(created_at) FROM jobs WHERE {place} AND user_id = ? AND {COUNTS}",
            (*key, user_id, *REFUNDED),
        ),
        budget_window=budget,
        budget_held=held,
        budget_used=used,
        budget_floor=await budget_floor(conn, monthly_budget),
        paused=await value_of(conn, "SELECT 1 FROM bot_state WHERE key = ?", (PAUSE_KEY,))
        is not None,
        channels=channels,
        reserved_options=reserved_options or {},
        banned_patterns=banned_patterns,
    )
