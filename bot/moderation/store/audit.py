"""The audit of moderators' changes: written with each change, read back for the mod-log and
/videomod audit (each sentence kept as its catalog key and values)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.i18n import Listed, Message, Plural, msg, plural
from bot.moderation.store.base import Actor, StoreBase
from bot.storage import Connection


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


class Audit(StoreBase):
    """Writes a change's audit row (in the change's transaction) and reads the audit back."""

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
