"""How often a member's banned-word refusals reach the mod-log: a member (or a script) retrying
a refused prompt must not flood the channel. One line per member and server every
`BANNED_REPORT_EVERY`; the refusals in between are counted and the count is told in the next
line about them. The count is kept in the database, so every process sharing it keeps to the
same pace (the bot's log still has each refusal)."""

from __future__ import annotations

from bot.moderation.facts import value_of
from bot.storage import Database
from bot.storage.base import GET_VALUE_SQL, SET_VALUE_SQL

# At most one mod-log line per member and server this often (seconds).
BANNED_REPORT_EVERY = 300.0

_KEY_PREFIX = "banned_reports:"


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
        reported_at, held = (float(raw.split()[0]), int(raw.split()[1])) if raw else (None, 0)
        if reported_at is not None and reported_at <= now < reported_at + BANNED_REPORT_EVERY:
            await conn.execute(SET_VALUE_SQL, (key, f"{reported_at!r} {held + 1}"))
            return None
        await conn.execute(SET_VALUE_SQL, (key, f"{now!r} 0"))
        return held
