"""Values read at scrape time rather than counted as they happen: jobs by state, how overdue
each stage is, whether each stage loop runs, gateway latency per shard."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from bot.jobs.models import JobState
from bot.jobs.stages import Stage
from bot.jobs.store import JobStore
from bot.observability.metrics import Metrics


class LiveValues:
    """Refreshes the scrape-time gauges of `metrics` from the bot's pieces."""

    def __init__(
        self,
        metrics: Metrics,
        *,
        store: Callable[[], JobStore | None],
        latencies: Callable[[], list[tuple[int, float]]],
        loops: Callable[[], Mapping[str, bool]],
    ) -> None:
        self._metrics = metrics
        self._store = store
        self._latencies = latencies
        self._loops = loops
        # Every loop named so far: one no longer named (the engine stopped, or ended) reads 0,
        # not the last value it had.
        self._loops_seen: set[str] = set()

    async def refresh(self) -> None:
        """Read every live value now (two small queries per stage, one for the states)."""
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
            counts = await store.count_by_state()
            overdue = {stage: await store.overdue(stage) for stage in Stage}
        except Exception:
            metrics.database_up.set(0)
            raise
        metrics.database_up.set(1)
        metrics.set_jobs_by_state([state.value for state in JobState], counts)
        for stage, seconds in overdue.items():
            metrics.stage_overdue.labels(stage=stage.value).set(seconds)
