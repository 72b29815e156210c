"""Holding a claim on a job while work on it runs: renewed at a third of its length."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from bot.jobs.models import Job
from bot.jobs.store import JobStore, Stage

log = logging.getLogger(__name__)


@contextlib.asynccontextmanager
async def holding(store: JobStore, job: Job, stage: Stage) -> AsyncIterator[None]:
    """Keep `job`'s claim of `stage` from lapsing while the block runs (a stage's worker, or a
    command sending its own job), so no other process takes over work still in flight."""
    renewing = asyncio.create_task(_keep(store, job, stage))
    try:
        yield
    finally:
        renewing.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await renewing


async def _keep(store: JobStore, job: Job, stage: Stage) -> None:
    interval = store.leases.length(stage) / 3
    while True:
        await asyncio.sleep(interval)
        try:
            if not await store.renew(job, stage):
                log.warning("Job %d: its %s claim was taken over", job.id, stage)
                return
        except Exception:
            log.warning("Job %d: could not renew its %s claim", job.id, stage)
