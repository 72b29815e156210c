"""Finished jobs past `JOB_RETENTION_DAYS` are deleted: their prompts and links are not kept
for ever, and the table does not grow for ever. The moderators' audit trail (which names members
and quotes their reasons) goes after the same time, and so do the banned-word refusal counts
kept for the mod-log (`bot.moderation.refusal_reports`), those told already after a day, and a
member's own allowance or block set by a moderator (with its reason) goes that long after it
ended (one without an end stays until cleared).

Every process prunes (a row deleted twice is deleted once), a batch at a time so no statement
holds the database long. Kept beyond the retention, whatever their age: jobs not finished (a
bug to look at, not to hide), jobs another process holds a claim on, jobs whose result or
notice is still owed to their member (a bot stopped for longer than the retention posts them
when it runs again: the member is told late, never not at all; a delivery ends, posted or
given up after its last attempt, so none is kept for ever), and the newest finished
videos of each resolution and length, which the next ones are priced (`bot.jobs.pricing`) and
timed (`bot.jobs.typical`) from: an idle half year does not send prices back to the starting
table.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from bot.apimart.models import DURATIONS, RESOLUTIONS
from bot.engine.pool import repeat_every, settle_cancelled
from bot.jobs.models import FINAL_STATES, JobState
from bot.jobs.pricing import LEARN_FROM, Length
from bot.jobs.typical import RECENT_RENDERS
from bot.moderation.refusal_reports import forget_old_reports
from bot.storage import Database

log = logging.getLogger(__name__)

DAY = 86_400.0
PRUNE_EVERY = 3_600.0
BATCH = 500
# The newest finished videos of each kind kept past the retention: what pricing and waits learn.
KEEP_PER_KIND = max(LEARN_FROM, RECENT_RENDERS)

_FINAL = ", ".join(f"'{state.value}'" for state in sorted(FINAL_STATES))
# Asked again of the row being deleted: on PostgreSQL a claim taken while the delete waited for
# the row is seen only there (the subquery's rows were read before it).
_UNCLAIMED = "(lease_until IS NULL OR lease_until < ?)"
# Nothing owed to the member: told (or given up on), or never due to be told.
_NOTHING_OWED = "(delivered_at IS NOT NULL OR next_delivery_at IS NULL)"


def _newest_of_kind(length: Length, *, charged: bool) -> str:
    """The ids of one kind's newest completed jobs (indexes `jobs_render_times`, `jobs_charged`):
    with a charged amount for pricing, or any for render times."""
    duration = "duration IS NULL" if length is None else "duration = ?"
    cost = " AND credits_cost IS NOT NULL" if charged else ""
    return (
        f"SELECT id FROM jobs WHERE state = '{JobState.COMPLETED}' AND resolution = ?"
        f" AND {duration}{cost} ORDER BY finished_at DESC LIMIT {KEEP_PER_KIND}"
    )


class JobRetention:
    """Deletes finished jobs older than `days` (0: never), now and every `every` seconds."""

    def __init__(
        self,
        db: Database,
        days: int,
        *,
        clock: Callable[[], float] = time.time,
        every: float = PRUNE_EVERY,
        batch: int = BATCH,
    ) -> None:
        self._db = db
        self._days = days
        self._clock = clock
        self._every = every
        self._batch = batch
        self._task: asyncio.Task[None] | None = None

    async def prune_once(self) -> int:
        """Delete every finished job past the retention, a batch at a time; how many."""
        if self._days <= 0:
            return 0
        kept = await self._kept_for_learning()
        pruned = 0
        while True:
            now = self._clock()
            deleted = await self._delete_batch(before=now - self._days * DAY, now=now, kept=kept)
            pruned += deleted
            if deleted < self._batch:
                break
        if pruned:
            log.info("Deleted %d finished jobs asked for more than %d days ago", pruned, self._days)
        return pruned

    async def prune_audit_once(self) -> int:
        """Delete the moderators' audit lines past the retention, a batch at a time; how many."""
        if self._days <= 0:
            return 0
        pruned = 0
        while True:
            # Oldest first through `mod_audit_by_age`: a batch reads the lines it deletes, not
            # the whole trail.
            rows = await self._db.write(
                "DELETE FROM mod_audit WHERE id IN (SELECT id FROM mod_audit WHERE created_at < ?"
                " ORDER BY created_at LIMIT ?) RETURNING id",
                (self._clock() - self._days * DAY, self._batch),
            )
            pruned += len(rows)
            if len(rows) < self._batch:
                break
        if pruned:
            log.info("Deleted %d audit lines older than %d days", pruned, self._days)
        return pruned

    async def prune_refusal_reports_once(self) -> int:
        """Forget the members' banned-word refusal counts no longer needed; how many."""
        if self._days <= 0:
            return 0
        now = self._clock()
        forgotten = await forget_old_reports(self._db, now, now - self._days * DAY)
        if forgotten:
            log.info("Forgot %d members' banned-word refusal counts", forgotten)
        return forgotten

    async def prune_member_limits_once(self) -> int:
        """Delete the members' own allowances and blocks that ended more than the retention
        ago; how many."""
        if self._days <= 0:
            return 0
        # One statement through `mod_member_limits_by_end`: each row is a moderator's command,
        # a few thousand a year even for a busy bot, so no batches.
        rows = await self._db.write(
            "DELETE FROM mod_member_limits WHERE expires_at < ? RETURNING user_id",
            (self._clock() - self._days * DAY,),
        )
        if rows:
            log.info(
                "Deleted %d member allowances that ended more than %d days ago",
                len(rows),
                self._days,
            )
        return len(rows)

    async def _prune_round(self) -> None:
        await self.prune_once()
        await self.prune_audit_once()
        await self.prune_refusal_reports_once()
        await self.prune_member_limits_once()

    async def _kept_for_learning(self) -> list[int]:
        ids: set[int] = set()
        for resolution in RESOLUTIONS:
            for length in (*DURATIONS, None):
                params = (resolution,) if length is None else (resolution, length)
                for charged in (False, True):
                    rows = await self._db.fetch_all(
                        _newest_of_kind(length, charged=charged), params
                    )
                    ids.update(int(row[0]) for row in rows)
        return sorted(ids)

    async def _delete_batch(self, *, before: float, now: float, kept: list[int]) -> int:
        # Oldest first through `jobs_finished_by_age`: a batch reads the rows it deletes and the
        # few it keeps. SQLite is told to (it takes the index by state for `state IN`, then
        # sorts every finished job); its condition is repeated term for term, or SQLite cannot.
        indexed = " INDEXED BY jobs_finished_by_age" if self._db.dialect == "sqlite" else ""
        keep = "" if not kept else f" AND id NOT IN ({', '.join('?' * len(kept))})"
        rows = await self._db.write(
            f"DELETE FROM jobs WHERE id IN (SELECT id FROM jobs{indexed}"
            f" WHERE state IN ({_FINAL}) AND created_at < ? AND {_UNCLAIMED}"
            f" AND {_NOTHING_OWED}{keep}"
            f" ORDER BY created_at LIMIT ?) AND {_UNCLAIMED} RETURNING id",
            (before, now, *kept, self._batch, now),
        )
        return len(rows)

    def start(self) -> None:
        """Prune now, then every `every` seconds."""
        if self._task is None and self._days > 0:
            rounds = repeat_every(self._prune_round, self._every, "Pruning old jobs", log)
            self._task = asyncio.get_running_loop().create_task(rounds, name="retention")

    async def stop(self) -> None:
        """Stop pruning; a batch's statement already sent may still finish (SQLite's runs on in
        its thread), and it is short."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            await settle_cancelled([task], "Job retention")
