"""Holding a claim on a job while work on it runs: renewed at a third of its length; and
keeping an unclaimed job from being taken over while its command still works on it."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Coroutine
from typing import Any

from bot.jobs.models import Job
from bot.jobs.stages import Stage
from bot.jobs.store import JobStore

log = logging.getLogger(__name__)


@contextlib.asynccontextmanager
async def holding(store: JobStore, job: Job, stage: Stage) -> AsyncIterator[None]:
    """Keep `job`'s claim of `stage` from lapsing while the block runs (a stage's worker, or a
    command sending its own job), so no other process takes over work still in flight."""
    async with _alongside(_keep(store, job, stage)):
        yield


@contextlib.asynccontextmanager
async def putting_off_takeover(
    store: JobStore, job: Job, grace: float, *, every: float
) -> AsyncIterator[None]:
    """While the block runs (a command announcing its job, held up by a busy channel), the job
    is not due for the engine, which sends a job a command left behind `grace` after it was
    recorded: the deadline moves on every `every` seconds. A process that dies stops moving
    it, and the engine takes the job over `grace` later, as before."""
    async with _alongside(_put_off(store, job, grace, every)):
        yield


@contextlib.asynccontextmanager
async def _alongside(work: Coroutine[Any, Any, None]) -> AsyncIterator[None]:
    """Run `work` in the background while the block runs; stop it when the block ends."""
    task = asyncio.create_task(work)
    try:
        yield
    finally:
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            # The background work's own end; a stop of this task that came meanwhile is not
            # ours to swallow (the worker would go on after the process told it to end).
            current = asyncio.current_task()
            if current is not None and current.cancelling():
                raise


async def _put_off(store: JobStore, job: Job, grace: float, every: float) -> None:
    while True:
        await asyncio.sleep(every)
        try:
            await store.put_off_takeover(job.id, grace=grace)
        except Exception:
            log.warning("Job %d: could not put off its takeover", job.id)


async def _keep(store: JobStore, job: Job, stage: Stage) -> None:
    interval = store.leases.length(stage) / 3
    while True:
        await asyncio.sleep(interval)
        try:
            if not await store.renew(job, stage):
                # Most often the worker's own write ended the claim (a reading recorded, then
                # a status edit a busy channel holds up): only another holder is news.
                if await store.claimed_by_another(job.id):
                    log.warning("Job %d: its %s claim was taken over", job.id, stage)
                return
        except Exception:
            log.warning("Job %d: could not renew its %s claim", job.id, stage)
