"""Credits and counted jobs, as the budget counts them: the server's, and each member's."""

from __future__ import annotations

from dataclasses import dataclass

from bot.jobs.pricing import connection_reader
from bot.moderation.facts import COUNTS, REFUNDED, budget_use, place_of, unreported_by_member
from bot.moderation.models import BudgetUse, Window
from bot.moderation.periods import budget_window
from bot.moderation.store.base import StoreBase


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


class Usage(StoreBase):
    """`ModerationStore`'s budget and usage reads."""

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
