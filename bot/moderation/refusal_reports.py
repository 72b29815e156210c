"""How often a member's banned-word refusals reach the mod-log: a member (or a script) retrying
a refused prompt must not flood the channel. One line per member and server every
`BANNED_REPORT_EVERY`; the refusals in between are counted and the count is told in the next
line about them. The count is kept in the database, so every process sharing it keeps to the
same pace (the bot's log still has each refusal).

The retention (`bot.jobs.retention`) forgets a member's row a day after its line when nothing
was held back since (it paces nothing any more: the next refusal is posted either way), and one
holding a count never told once the audit trail of that time is gone too."""

from __future__ import annotations

from bot.moderation.facts import value_of
from bot.storage import Database
from bot.storage.base import GET_VALUE_SQL, SET_VALUE_SQL

# At most one mod-log line per member and server this often (seconds).
BANNED_REPORT_EVERY = 300.0
# A row with nothing held is forgotten this long after its line (seconds).
FORGET_TOLD_AFTER = 86_400.0

_KEY_PREFIX = "banned_reports:"
# Past every key with the prefix (":" + 1): the range its rows are read in, through the key.
_KEY_END = "banned_reports;"


def _key(guild_id: int, user_id: int) -> str:
    return f"{_KEY_PREFIX}{guild_id}:{user_id}"


async def refusals_to_report(db: Database, guild_id: int, user_id: int, now: float) -> int | None:
    """Count one banned-word refusal of the member's: None when a line about them went out
    less than `BANNED_REPORT_EVERY` ago (this one waits for the next line), else how many
    refusals were held back since the last line (0: none), as one is to be posted now."""
    key = _key(guild_id, user_id)
    async with db.transaction(waits_on=(key,)) as conn:
        # Two processes refusing the same member at once must not both post.
        await conn.serialize(key)
        raw = await value_of(conn, GET_VALUE_SQL, (key,))
        reported_at, held = _parsed(raw) if raw else (None, 0)
        if reported_at is not None and reported_at <= now < reported_at + BANNED_REPORT_EVERY:
            await conn.execute(SET_VALUE_SQL, (key, f"{reported_at!r} {held + 1}"))
            return None
        await conn.execute(SET_VALUE_SQL, (key, f"{now!r} 0"))
        return held


async def forget_old_reports(db: Database, now: float, held_before: float) -> int:
    """Delete the rows with nothing held whose line is `FORGET_TOLD_AFTER` old, and those
    holding a count whose line came before `held_before`; how many."""
    rows = await db.fetch_all(
        "SELECT key, value FROM bot_state WHERE key >= ? AND key < ?", (_KEY_PREFIX, _KEY_END)
    )
    forgotten = 0
    for key, value in rows:
        reported_at, held = _parsed(str(value))
        if reported_at >= (now - FORGET_TOLD_AFTER if held == 0 else held_before):
            continue
        # Only the value read: a refusal counted since (another process) keeps its row.
        deleted = await db.write(
            "DELETE FROM bot_state WHERE key = ? AND value = ? RETURNING key", (key, value)
        )
        forgotten += len(deleted)
    return forgotten


def _parsed(raw: str) -> tuple[float, int]:
    """When the last line went out, and how many refusals were held back since."""
    reported_at, held = raw.split()
    return float(reported_at), int(held)
