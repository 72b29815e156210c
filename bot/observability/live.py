"""Values read at scrape time rather than counted as they happen: jobs by state, how overdue
each stage is, whether each stage loop runs, gateway latency per shard."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from bot.jobs.models import JobState
from bot.jobs.stages import Stage
from bot.jobs.store import JobStore
from bot.observability.metrics import Metrics

# Counting every finished job reads the whole retention period (0.2 s at 1.5 million jobs, on
# every scrape of every process): the jobs since the oldest one still running (at most
# `RECENT_JOBS` back) are counted at each scrape along the primary key; the older ones, all long
# finished, are counted again at most every `FINISHED_COUNTS_MAX_AGE` seconds. What only that
# count sees (an old render given up on that ended after all, the hourly deletion) shows late.
RECENT_JOBS = 10_000
FINISHED_COUNTS_MAX_AGE = 300.0


class LiveValues:
    """Refreshes the scrape-time gauges of `metrics` from the bot's pieces."""

    def __init__(
        self,
        metrics: Metrics,
        *,
        store: Callable[[], JobStore | None],
        latencies: Callable[[], list[tuple[int, float]]],
        loops: Callable[[], Mapping[str, bool]],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._metrics = metrics
        self._store = store
        self._latencies = latencies
        self._loops = loops
        # Every loop named so far: one no longer named (the engine stopped, or ended) reads 0,
        # not the last value it had.
        self._loops_seen: set[str] = set()
        self._clock = clock
        # Per final state, the jobs before `_recent_from` as last counted, and when.
        self._older: dict[str, int] = {}
        self._recent_from = 0
        self._counted_at: float | None = None

    async def refresh(self) -> None:
        """Read every live value now: two small queries per stage, one for the running states,
        one for the recent finished jobs (and now and then every finished job: see
        `FINISHED_COUNTS_MAX_AGE`)."""
        metrics = self._metrics
        metrics.set_gateway_latencies(self._latencies())
        states = self._loops()
        self._loops_seen.update(states)
        for name in self._loops_seen:
            metrics.stage_up.labels(stage=name).set(1 if states.get(name) else 0)
        store = self._store()
        if store is None:
            return  # still setting up
        try:
            counts = {
                **await self._finished_counts(store),
                **await store.count_unfinished_by_state(),
            }
            overdue = {stage: await store.overdue(stage) for stage in Stage}
        except Exception:
            metrics.database_up.set(0)
            raise
        metrics.database_up.set(1)
        metrics.set_jobs_by_state([state.value for state in JobState], counts)
        for stage, seconds in overdue.items():
            metrics.stage_overdue.labels(stage=stage.value).set(seconds)

    async def _finished_counts(self, store: JobStore) -> dict[str, int]:
        """Every final state's count: the recent jobs' read now, the older ones' as last read
        (read again once that count is `FINISHED_COUNTS_MAX_AGE` old)."""
        now = self._clock()
        if self._counted_at is None or now - self._counted_at >= FINISHED_COUNTS_MAX_AGE:
            recent_from = await store.recent_jobs_from(RECENT_JOBS)
            every, recent = await store.count_finished_by_state(recent_from)
            self._older = {state: count - recent.get(state, 0) for state, count in every.items()}
            self._recent_from, self._counted_at = recent_from, now
            return every
        recent = await store.count_recent_finished_by_state(self._recent_from)
        return {
            state: self._older.get(state, 0) + recent.get(state, 0)
            for state in self._older.keys() | recent.keys()
        }
