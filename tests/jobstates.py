"""Moving a job through its states the way the engine does: claim, then a fenced write."""

from __future__ import annotations

from collections.abc import Callable

from bot.apimart.models import TaskInfo, VideoRequest
from bot.jobs.models import Job, JobState, Requester
from bot.jobs.stages import Stage
from bot.jobs.store import JobStore


async def claimed(store: JobStore, job_id: int, stage: Stage) -> Job:
    """Claim one job for `stage` (it must be due), giving back any other due job."""
    jobs = await store.claim_due(stage, 10_000)
    for other in jobs:
        if other.id != job_id:
            await store.release(other, stage)
    [job] = [job for job in jobs if job.id == job_id]
    return job


async def submitted(
    store: JobStore,
    job: Job,
    *,
    now: float,
    task_id: str | None = None,
    first_poll_at: float | None = None,
) -> Job:
    """APIMart accepted the job; its first poll is due at `first_poll_at` (default: at once)."""
    claim = await store.claim_for_submit(job.id)
    assert claim is not None, f"job {job.id} could not be claimed for its submit"
    assert await store.mark_submitted(
        claim,
        task_id or f"task_{job.id}",
        now=now,
        first_poll_at=now if first_poll_at is None else first_poll_at,
    )
    current = await store.get(job.id)
    assert current is not None
    return current


async def finished(
    store: JobStore,
    job: Job,
    state: JobState,
    *,
    now: float,
    info: TaskInfo | None = None,
    reason_key: str | None = None,
    follow_up_at: float | None = None,
) -> Job:
    """A poll found the task over (the job must be due for a poll); a render given up on is
    still looked at from `follow_up_at` (None: no more)."""
    claim = await claimed(store, job.id, Stage.POLL)
    assert await store.finish(
        claim, state, now=now, info=info, reason_key=reason_key, follow_up_at=follow_up_at
    )
    current = await store.get(job.id)
    assert current is not None
    return current


async def unsubmitted(
    store: JobStore, job: Job, state: JobState, *, now: float, reason_key: str = "x"
) -> Job:
    """The submit was refused or its answer lost; the member was told."""
    claim = await store.claim_for_submit(job.id)
    assert claim is not None
    assert await store.mark_unsubmitted(claim, state, reason_key, now=now, member_told=True)
    current = await store.get(job.id)
    assert current is not None
    return current


async def a_submitted_job(store: JobStore, clock: Callable[[], float]) -> Job:
    """A member's video, recorded and accepted by APIMart (a task id, nothing read of it yet)."""
    job = await store.create(
        Requester(user_id=1, channel_id=2, guild_id=3),
        VideoRequest(prompt="a kite"),
        now=clock(),
        submit_by=clock(),
    )
    return await submitted(store, job, now=clock())
