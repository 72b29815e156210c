"""What every part of `ModerationStore` shares: the database, the clock, who makes a change,
and the lock a change to a server's list holds."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.storage import Connection, Database


@dataclass(frozen=True)
class Actor:
    """The moderator making a change, and where."""

    guild_id: int
    moderator_id: int

    @property
    def mention(self) -> str:
        """The moderator as a mention (messages are sent with pings disabled)."""
        return f"<@{self.moderator_id}>"


class StoreBase:
    """The database and the clock every part of `ModerationStore` reads and writes with."""

    def __init__(self, db: Database, *, clock: Callable[[], float]) -> None:
        self._db = db
        self._clock = clock


async def _hold_list(conn: Connection, name: str) -> None:
    """Hold one server's list (its channels, or one option's roles) until the transaction ends:
    a change says whether it left the list empty ("every channel again"), which two changes at
    once on PostgreSQL would each miss, both still seeing the other's row."""
    await conn.serialize(name)
