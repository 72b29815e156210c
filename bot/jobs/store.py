"""Jobs in SQLite: every state change is one transaction."""

from __future__ import annotations

import dataclasses
import enum
import json
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import aiosqlite

from bot.apimart.models import TaskInfo, TaskStatus, VideoRequest
from bot.db import Database
from bot.jobs.models import ACTIVE_STATES, FINAL_STATES, Job, JobState, MessageRef, Requester

_ACTIVE = tuple(state.value for state in ACTIVE_STATES)
_FINAL = tuple(state.value for state in FINAL_STATES)
# States the poller asks APIMart about: running tasks, and timed-out ones followed quietly
# (only while their `next_poll_at` is set) because APIMart may still finish and bill them.
_POLLED = (*_ACTIVE, JobState.TIMED_OUT.value)
# Runs inside the insert's transaction and raises `JobRefused` to stop it, so a policy check
# and the insert are atomic (a burst of requests cannot overshoot a quota).
Admission = Callable[[aiosqlite.Connection, Requester, VideoRequest, float], Awaitable[None]]
CANCELLABLE = (JobState.RECORDED.value, *_ACTIVE)

# States whose `next_poll_at` means "act then": poll it, or (re)submit it.
_WAITING = (*_POLLED, JobState.RECORDED.value)


class CancelOutcome(enum.Enum):
    """What a cancel did to a job's count against its member."""

    REFUNDED = "refunded"  # never reached APIMart: cancelled, and it stops counting
    COUNTED = "counted"  # APIMart has it: never posted, but it still counts


def _placeholders(values: Sequence[object]) -> str:
    return ", ".join("?" for _ in values)


# Jobs whose news awaits delivery: final ones, and cancelled ones whose member is not told yet.
_NEWS = f"(state IN ({_placeholders(_FINAL)}) OR cancelled_at IS NOT NULL)"


def _sources_to_json(sources: Sequence[MessageRef]) -> str:
    return json.dumps([[source.channel_id, source.message_id] for source in sources])


def _sources_from_json(text: str) -> tuple[MessageRef, ...]:
    return tuple(MessageRef(int(channel), int(message)) for channel, message in json.loads(text))


def _job_from_row(row: aiosqlite.Row) -> Job:
    return Job(
        id=row["id"],
        requester=Requester(
            user_id=row["user_id"],
            channel_id=row["channel_id"],
            guild_id=row["guild_id"],
            locale=row["locale"],
            sources=_sources_from_json(row["source_messages"]),
        ),
        request=VideoRequest(
            prompt=row["prompt"],
            duration=row["duration"],
            resolution=row["resolution"],
            aspect_ratio=row["aspect_ratio"],
            generation_type=row["generation_type"],
            image_urls=tuple(json.loads(row["image_urls"])),
            video_urls=tuple(json.loads(row["video_urls"])),
        ),
        state=JobState(row["state"]),
        task_id=row["task_id"],
        progress=row["progress"],
        estimated_time=row["estimated_time"],
        result_url=row["result_url"],
        result_expires_at=row["result_expires_at"],
        error_key=row["error_key"],
        error_message=row["error_message"],
        cost=row["cost"],
        credits_cost=row["credits_cost"],
        created_at=row["created_at"],
        media_fetched_at=row["media_fetched_at"],
        submitted_at=row["submitted_at"],
        finished_at=row["finished_at"],
        next_poll_at=row["next_poll_at"],
        poll_failures=row["poll_failures"],
        status_message_id=row["status_message_id"],
        delivery_attempts=row["delivery_attempts"],
        delivered_at=row["delivered_at"],
        delivery_message_id=row["delivery_message_id"],
        cancelled_at=row["cancelled_at"],
        cancel_reason_key=row["cancel_reason_key"],
    )


class JobStore:
    """Reads and writes jobs; knows SQL, nothing about Discord or HTTP."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def _update(self, job_id: int, sql: str, params: Sequence[Any]) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(sql, (*params, job_id))

    async def create(
        self,
        requester: Requester,
        request: VideoRequest,
        *,
        now: float,
        submit_by: float,
        admit: Admission | None = None,
    ) -> Job:
        """Record a job before sending it; the poller sends it if still unsent at `submit_by`."""
        async with self._db.transaction() as conn:
            if admit is not None:
                await admit(conn, requester, request, now)
            cursor = await conn.execute(
                "INSERT INTO jobs (guild_id, channel_id, user_id, locale, prompt, duration,"
                " resolution, aspect_ratio, generation_type, image_urls, video_urls, state,"
                " created_at, media_fetched_at, next_poll_at, source_messages)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    requester.guild_id,
                    requester.channel_id,
                    requester.user_id,
                    requester.locale,
                    request.prompt,
                    request.duration,
                    request.resolution,
                    request.aspect_ratio,
                    request.generation_type,
                    json.dumps(list(request.image_urls)),
                    json.dumps(list(request.video_urls)),
                    JobState.RECORDED.value,
                    now,
                    now,
                    submit_by,
                    _sources_to_json(requester.sources),
                ),
            )
            job_id = cursor.lastrowid
        assert job_id is not None
        job = await self.get(job_id)
        assert job is not None
        return job

    async def get(self, job_id: int) -> Job | None:
        """One job by id."""
        row = await self._db.fetch_one("SELECT * FROM jobs WHERE id = ?", (job_id,))
        return _job_from_row(row) if row is not None else None

    async def claim_for_submit(self, job_id: int) -> bool:
        """Move a recorded job to `submitting`; False if another path already claimed it."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE jobs SET state = ? WHERE id = ? AND state = ?",
                (JobState.SUBMITTING.value, job_id, JobState.RECORDED.value),
            )
            return cursor.rowcount == 1

    async def replace_media(self, job_id: int, request: VideoRequest, *, now: float) -> None:
        """Store fresh media URLs for a job about to be (re)submitted."""
        await self._update(
            job_id,
            "UPDATE jobs SET image_urls = ?, video_urls = ?, media_fetched_at = ? WHERE id = ?",
            (json.dumps(list(request.image_urls)), json.dumps(list(request.video_urls)), now),
        )

    async def cancel(
        self, job_id: int, *, reason_key: str, now: float, member_told: bool
    ) -> CancelOutcome | None:
        """Cancel an unfinished job; None if it is finished, being sent or already cancelled.

        A job not yet sent is cancelled outright and refunded. One APIMart has keeps its
        state, so the poller follows it to its end and records its credits; it only gains
        the mark that stops it from ever being posted, and it still counts.
        """
        told_at = now if member_told else None
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE jobs SET state = ?, error_key = ?, finished_at = ?, next_poll_at = NULL,"
                " next_delivery_at = ?, delivered_at = ?, cancelled_at = ?, cancel_reason_key = ?"
                " WHERE id = ? AND state = ?",
                (
                    JobState.CANCELLED.value,
                    reason_key,
                    now,
                    now,
                    told_at,
                    now,
                    reason_key,
                    job_id,
                    JobState.RECORDED.value,
                ),
            )
            if cursor.rowcount == 1:
                return CancelOutcome.REFUNDED
            cursor = await conn.execute(
                "UPDATE jobs SET cancelled_at = ?, cancel_reason_key = ?, next_delivery_at = ?,"
                " delivered_at = ?"
                f" WHERE id = ? AND state IN ({_placeholders(_ACTIVE)}) AND cancelled_at IS NULL",
                (now, reason_key, now, told_at, job_id, *_ACTIVE),
            )
            return CancelOutcome.COUNTED if cursor.rowcount == 1 else None

    async def cancel_unfinished(
        self, guild_id: int, user_id: int, *, reason_key: str, now: float
    ) -> list[tuple[int, CancelOutcome]]:
        """Cancel every unfinished job of a member in a server (a block); the member is told."""
        rows = await self._db.fetch_all(
            "SELECT id FROM jobs WHERE guild_id = ? AND user_id = ?"
            f" AND state IN ({_placeholders(CANCELLABLE)}) AND cancelled_at IS NULL ORDER BY id",
            (guild_id, user_id, *CANCELLABLE),
        )
        outcomes = []
        for (job_id,) in rows:
            outcome = await self.cancel(job_id, reason_key=reason_key, now=now, member_told=False)
            if outcome is not None:
                outcomes.append((job_id, outcome))
        return outcomes

    async def release_for_retry(self, job_id: int, reason: str, *, retry_at: float) -> None:
        """The API was unreachable or busy: nothing was created, so try the submit again later."""
        await self._update(
            job_id,
            "UPDATE jobs SET state = ?, error_message = ?, next_poll_at = ? WHERE id = ?",
            (JobState.RECORDED.value, reason, retry_at),
        )

    async def mark_submitted(
        self, job_id: int, task_id: str, *, now: float, first_poll_at: float
    ) -> None:
        """The API accepted the job and gave it a task id."""
        await self._update(
            job_id,
            "UPDATE jobs SET state = ?, task_id = ?, submitted_at = ?, next_poll_at = ?"
            " WHERE id = ?",
            (JobState.QUEUED.value, task_id, now, first_poll_at),
        )

    async def mark_unsubmitted(
        self,
        job_id: int,
        state: JobState,
        reason_key: str,
        *,
        detail: str | None = None,
        now: float,
        member_told: bool,
    ) -> None:
        """The submit was refused or its answer lost; deliver the news unless already told."""
        await self._update(
            job_id,
            "UPDATE jobs SET state = ?, error_key = ?, error_message = ?, finished_at = ?,"
            " next_delivery_at = ?, delivered_at = ? WHERE id = ?",
            (state.value, reason_key, detail, now, now, now if member_told else None),
        )

    async def set_status_message(self, job_id: int, message_id: int) -> None:
        """Remember the channel message that announces the job."""
        await self._update(
            job_id, "UPDATE jobs SET status_message_id = ? WHERE id = ?", (message_id,)
        )

    async def record_progress(self, job: Job, info: TaskInfo, *, next_poll_at: float) -> Job | None:
        """A poll said the task is still running; returns the job as now stored, if still active."""
        state = JobState.QUEUED if info.status == "pending" else JobState.PROCESSING
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE jobs SET state = ?, progress = ?,"
                " estimated_time = COALESCE(?, estimated_time), next_poll_at = ?, poll_failures = 0"
                f" WHERE id = ? AND state IN ({_placeholders(_ACTIVE)})",
                (state.value, info.progress, info.estimated_time, next_poll_at, job.id, *_ACTIVE),
            )
            if cursor.rowcount != 1:
                return None
            # A cancel may have landed while this poll was in flight: report it as stored.
            async with conn.execute(
                "SELECT cancelled_at, cancel_reason_key FROM jobs WHERE id = ?", (job.id,)
            ) as marks:
                mark = await marks.fetchone()
        assert mark is not None
        return dataclasses.replace(
            job,
            cancelled_at=mark[0],
            cancel_reason_key=mark[1],
            state=state,
            progress=info.progress,
            estimated_time=info.estimated_time or job.estimated_time,
            next_poll_at=next_poll_at,
            poll_failures=0,
        )

    async def queue_position(self, job: Job) -> int:
        """1 + the server's unfinished jobs recorded before this one."""
        row = await self._db.fetch_one(
            "SELECT COUNT(*) FROM jobs WHERE guild_id IS ? AND id < ?"
            f" AND state IN ({_placeholders(CANCELLABLE)}) AND cancelled_at IS NULL",
            (job.requester.guild_id, job.id, *CANCELLABLE),
        )
        return 1 + (int(row[0]) if row is not None else 0)

    async def recent_for_user(self, guild_id: int | None, user_id: int, limit: int) -> list[Job]:
        """A member's latest jobs in a server, newest first."""
        rows = await self._db.fetch_all(
            "SELECT * FROM jobs WHERE guild_id IS ? AND user_id = ? ORDER BY id DESC LIMIT ?",
            (guild_id, user_id, limit),
        )
        return [_job_from_row(row) for row in rows]

    async def record_poll_failure(self, job_id: int, *, next_poll_at: float) -> None:
        """A poll failed in a way worth trying again later."""
        await self._update(
            job_id,
            "UPDATE jobs SET poll_failures = poll_failures + 1, next_poll_at = ? WHERE id = ?",
            (next_poll_at,),
        )

    async def finish(
        self,
        job_id: int,
        state: JobState,
        *,
        now: float,
        info: TaskInfo | None = None,
        reason_key: str | None = None,
        follow_up_at: float | None = None,
    ) -> bool:
        """Move an active job to a final state and queue its delivery; False if not active.

        A cancelled job's news was queued when it was cancelled: its delivery is left alone,
        so its result is never posted. `follow_up_at` keeps a timed-out task polled.
        """
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE jobs SET state = ?, progress = COALESCE(?, progress), result_url = ?,"
                " result_expires_at = ?, error_key = ?, error_message = ?, cost = ?,"
                " credits_cost = ?, finished_at = ?, next_poll_at = ?,"
                " next_delivery_at = CASE WHEN cancelled_at IS NULL THEN ?"
                " ELSE next_delivery_at END"
                f" WHERE id = ? AND state IN ({_placeholders(_ACTIVE)})",
                (
                    state.value,
                    info.progress if info is not None else None,
                    info.video_url if info is not None else None,
                    info.expires_at if info is not None else None,
                    reason_key,
                    info.error_message if info is not None else None,
                    info.cost if info is not None else None,
                    info.credits_cost if info is not None else None,
                    now,
                    follow_up_at,
                    now,
                    job_id,
                    *_ACTIVE,
                ),
            )
            return cursor.rowcount == 1

    async def follow_up_later(self, job_id: int, *, next_poll_at: float | None) -> None:
        """Look at a timed-out task again at `next_poll_at`, or (None) never again."""
        await self._update(
            job_id,
            "UPDATE jobs SET next_poll_at = ? WHERE state = ? AND id = ?",
            (next_poll_at, JobState.TIMED_OUT.value),
        )

    async def record_late_end(self, job_id: int, info: TaskInfo) -> None:
        """APIMart finished a task given up on: record its cost; if it made nothing, refund it.

        The member was told when it timed out; nothing is delivered again.
        """
        refunded = {
            TaskStatus.FAILED: JobState.FAILED,
            TaskStatus.CANCELLED: JobState.CANCELLED,
        }.get(info.status)
        await self._update(
            job_id,
            "UPDATE jobs SET state = COALESCE(?, state), cost = ?, credits_cost = ?,"
            " next_poll_at = NULL WHERE state = ? AND id = ?",
            (
                refunded.value if refunded is not None else None,
                info.cost,
                info.credits_cost,
                JobState.TIMED_OUT.value,
            ),
        )

    async def due_for_poll(self, now: float, limit: int) -> list[Job]:
        """Jobs whose next status check is due (running, or followed after a timeout)."""
        rows = await self._db.fetch_all(
            f"SELECT * FROM jobs WHERE state IN ({_placeholders(_POLLED)}) AND next_poll_at <= ?"
            " ORDER BY next_poll_at LIMIT ?",
            (*_POLLED, now, limit),
        )
        return [_job_from_row(row) for row in rows]

    async def due_for_delivery(self, now: float, limit: int) -> list[Job]:
        """Finished or cancelled jobs whose news has not reached the member yet."""
        rows = await self._db.fetch_all(
            f"SELECT * FROM jobs WHERE {_NEWS}"
            " AND delivered_at IS NULL AND next_delivery_at <= ? ORDER BY next_delivery_at LIMIT ?",
            (*_FINAL, now, limit),
        )
        return [_job_from_row(row) for row in rows]

    async def due_for_submit(self, now: float, limit: int) -> list[Job]:
        """Recorded jobs never sent, or waiting to retry a submit, whose time has come."""
        rows = await self._db.fetch_all(
            "SELECT * FROM jobs WHERE state = ? AND next_poll_at <= ?"
            " ORDER BY next_poll_at LIMIT ?",
            (JobState.RECORDED.value, now, limit),
        )
        return [_job_from_row(row) for row in rows]

    async def interrupted_submits(self) -> list[Job]:
        """Jobs whose submit was in flight when the process died."""
        rows = await self._db.fetch_all(
            "SELECT * FROM jobs WHERE state = ? ORDER BY id", (JobState.SUBMITTING.value,)
        )
        return [_job_from_row(row) for row in rows]

    async def begin_delivery(self, job_id: int) -> None:
        """Count a delivery attempt before sending, so a restart knows to look for a duplicate."""
        await self._update(
            job_id, "UPDATE jobs SET delivery_attempts = delivery_attempts + 1 WHERE id = ?", ()
        )

    async def mark_delivered(self, job_id: int, *, now: float, message_id: int | None) -> None:
        """The member has been told."""
        await self._update(
            job_id,
            "UPDATE jobs SET delivered_at = ?, delivery_message_id = ?, next_delivery_at = NULL"
            " WHERE id = ?",
            (now, message_id),
        )

    async def retry_delivery_at(self, job_id: int, when: float) -> None:
        """Delivery failed for now; try again at `when`."""
        await self._update(job_id, "UPDATE jobs SET next_delivery_at = ? WHERE id = ?", (when,))

    async def next_due_time(self) -> float | None:
        """The earliest moment a poll or a delivery is due, or None when nothing waits."""
        row = await self._db.fetch_one(
            "SELECT MIN(due) FROM ("
            f" SELECT MIN(next_poll_at) AS due FROM jobs"
            f" WHERE state IN ({_placeholders(_WAITING)})"
            " UNION ALL"
            f" SELECT MIN(next_delivery_at) FROM jobs WHERE delivered_at IS NULL AND {_NEWS})",
            (*_WAITING, *_FINAL),
        )
        return float(row[0]) if row is not None and row[0] is not None else None
