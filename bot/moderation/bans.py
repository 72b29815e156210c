"""Bans from a server, as the bot heard them (Discord's own moderation, no `/videomod`).

A ban cancels what the member has running there (`cogs._private.cancel_for_ban`). It is also
written down (`mod_bans`), under the member's admission lock, so nothing slips past it: a
request Discord sent before the ban and the bot saves after it is refused, and a job the ban's
cancels missed (a stop, a dropped connection between them) is not sent when its turn comes,
nor its video posted once made (`Poller._withheld_for_ban`).
The unban deletes the row. An unban the bot did not hear (it was down) would leave the row for
good, so a ban reaches only what was asked up to `BAN_REACH` after it: Discord lets a banned
member ask nothing more in the server, and anything asked later came after an unban.

A ban made while the bot was down is caught up when it starts (`cogs._bans.bans_missed`).
Until a starting process has done so, no process sharing the database posts a video made in a
server (`catch_up_until`): one of a member banned meanwhile would be posted before the ban is
written down. A process says so before its engine starts (`begin_catch_up`), until a deadline
it renews while it runs (`bot.moderation.catch_up`: a Discord slow to answer must not hold
videos for long, nor a process killed meanwhile), and ends it once done.
"""

from __future__ import annotations

from bot.i18n import Message, msg
from bot.jobs.sql import placeholders
from bot.moderation.facts import value_of
from bot.moderation.personal import hold_admissions
from bot.storage import Connection, Database
from bot.storage.base import SET_VALUE_SQL

# The longest a request read before a ban may take to be saved: an interaction's token lives
# 15 minutes, and no command answers after that.
BAN_REACH = 15 * 60.0

# The jobs table's condition "its member's ban reaches it" (one `?`: `BAN_REACH`), for a
# statement on `jobs`: asked before the ban or within its reach.
BANNED_JOB = (
    "EXISTS (SELECT 1 FROM mod_bans WHERE mod_bans.guild_id = jobs.guild_id"
    " AND mod_bans.user_id = jobs.user_id AND jobs.created_at < mod_bans.banned_at + ?)"
)


# `bot_state`'s key of a process's catch-up of missed bans (its value: the deadline).
_CATCH_UP_KEY = "bans-catch-up:"


async def begin_catch_up(
    db: Database, owner: str, *, now: float, until: float, alone: bool = False
) -> None:
    """Process `owner` starts catching up the bans it missed; videos in servers wait for it
    until `until` at most. The marks of processes that died meanwhile are cleared: those
    lapsed, or every one when this process is `alone` on the database (SQLite: any other mark
    was left by a process killed before its catch-up ended)."""
    async with db.transaction() as conn:
        async with conn.execute(
            "SELECT key, value FROM bot_state WHERE key LIKE ?", (_CATCH_UP_KEY + "%",)
        ) as cursor:
            rows = await cursor.fetchall()
        lapsed = [row[0] for row in rows if alone or _deadline(row[1]) <= now]
        if lapsed:
            await conn.execute(
                f"DELETE FROM bot_state WHERE key IN ({placeholders(lapsed)})", lapsed
            )
        await conn.execute(SET_VALUE_SQL, (_CATCH_UP_KEY + owner, repr(until)))


async def end_catch_up(db: Database, owner: str) -> None:
    """Process `owner` caught up the bans it missed (or stopped): videos need not wait for it."""
    await db.write("DELETE FROM bot_state WHERE key = ?", (_CATCH_UP_KEY + owner,))


async def catch_up_until(db: Database, now: float) -> float | None:
    """Until when a catch-up of missed bans under way (in any process) holds videos made in
    servers; None when none is."""
    rows = await db.fetch_all(
        "SELECT value FROM bot_state WHERE key LIKE ?", (_CATCH_UP_KEY + "%",)
    )
    deadlines = [deadline for (value,) in rows if (deadline := _deadline(value)) > now]
    return max(deadlines, default=None)


def _deadline(stored: str) -> float:
    """A catch-up's deadline as stored; lapsed long ago if unreadable."""
    try:
        return float(stored)
    except ValueError:
        return float("-inf")


async def record_ban(db: Database, guild_id: int, user_id: int, now: float) -> None:
    """Write the ban down, once the member's admission in flight (in any process) committed:
    the ban's cancels then find that job, and the admissions after it read the ban."""
    async with db.transaction() as conn:
        await hold_admissions(conn, user_id)
        await conn.execute(
            "INSERT INTO mod_bans (guild_id, user_id, banned_at) VALUES (?, ?, ?)"
            " ON CONFLICT (guild_id, user_id) DO UPDATE SET banned_at = excluded.banned_at",
            (guild_id, user_id, now),
        )


async def lift_ban(db: Database, guild_id: int, user_id: int) -> None:
    """The unban: the member's requests are judged as before."""
    await db.write(
        "DELETE FROM mod_bans WHERE guild_id = ? AND user_id = ?",
        (guild_id, user_id),
    )


async def ban_refusal(conn: Connection, guild_id: int, user_id: int, now: float) -> Message | None:
    """Why a request of a member banned from the server a moment ago is refused, if so."""
    banned_at = await value_of(
        conn,
        "SELECT banned_at FROM mod_bans WHERE guild_id = ? AND user_id = ?",
        (guild_id, user_id),
    )
    if banned_at is None or now >= float(banned_at) + BAN_REACH:
        return None
    return msg("mod_banned_here")
