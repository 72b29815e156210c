"""Recording a job (after its admission) and finding jobs again."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from bot.apimart.models import VideoRequest
from bot.i18n import msg
from bot.jobs.admission import Admission
from bot.jobs.models import AlreadyRecorded, Job, JobRefused, JobState, Requester
from bot.jobs.pricing import connection_reader, expected_with
from bot.jobs.rows import reply_columns, sources_to_json
from bot.jobs.store.base import StoreBase
from bot.storage import Connection, LockWaitTimeout, in_one_line, unreachable

# The name its lines have always had (operators' filters know it).
log = logging.getLogger("bot.jobs.store")


async def _refuse_echo(conn: Connection, origin_id: str) -> None:
    """Raise `AlreadyRecorded` if `origin_id` already has a job (held until the insert commits)."""
    # PostgreSQL: the second process waits here until the first commits, then sees its job.
    await conn.serialize(f"origin:{origin_id}")
    cursor = await conn.execute("SELECT id FROM jobs WHERE origin_id = ?", (origin_id,))
    row = await cursor.fetchone()
    if row is not None:
        raise AlreadyRecorded(origin_id, int(row[0]))


@dataclass
class _Insert:
    """Whether a job's insert has been sent to the database (it may be written from then on)."""

    sent: bool = False


class Records(StoreBase):
    """Jobs recorded, and looked up by origin, task, message or member."""

    async def create(
        self,
        requester: Requester,
        request: VideoRequest,
        *,
        now: float,
        submit_by: float,
        admission: Admission | None = None,
    ) -> Job:
        """Record a job before sending it; the poller sends it if still unsent at `submit_by`.

        An admission whose locks stay held (another process gone silent inside one) is refused
        after `LOCK_WAIT` in all (its turn and every lock) with "try again", rather than kept
        waiting on a pooled connection.
        """
        insert = _Insert()
        try:
            locks = await admission.admission_locks(requester) if admission is not None else ()
            inserted = await self._insert(
                requester, request, now, submit_by, admission, locks, insert
            )
        except LockWaitTimeout as waited:
            log.warning("User %d's admission gave up: %s", requester.user_id, waited)
            raise JobRefused(msg("admission_busy")) from None
        except Exception as failure:
            # Until the insert is sent, nothing can have been written: a database that cannot
            # be reached (restarting, out of connections) is told as such, not as a save
            # whose outcome nobody knows.
            if insert.sent or not unreachable(failure):
                raise
            log.warning(
                "User %d's job was not recorded: the database could not be reached (%s);"
                " they were told to try again",
                requester.user_id,
                in_one_line(failure),
            )
            raise JobRefused(msg("database_unavailable")) from None
        job = await self.get(inserted)
        assert job is not None
        return job

    async def _insert(
        self,
        requester: Requester,
        request: VideoRequest,
        now: float,
        submit_by: float,
        admission: Admission | None,
        locks: Sequence[str],
        insert: _Insert,
    ) -> int:
        """Admit and insert a job in one transaction (waiting on `locks`); its id. `insert`
        notes when the insert is sent (from then on, it may be written)."""
        async with self._db.transaction(waits_on=locks) as conn:
            if requester.origin_id is not None:
                # Before admission: an echo of a recorded request must not count against it.
                await _refuse_echo(conn, requester.origin_id)
            judged = None
            if admission is not None:
                judged = await admission.admit(conn, requester, request, now)
            # The figure its member reads, kept: a restart or newer prices learned never
            # change it before APIMart says what the video cost. The one the admission judged
            # (its threshold, its budget) if it priced it: read again, on PostgreSQL, it could
            # be another (renders finished meanwhile), never agreed to nor checked.
            quote = (
                judged
                if judged is not None
                else await expected_with(connection_reader(conn), request)
            )
            insert.sent = True
            cursor = await conn.execute(
                "INSERT INTO jobs (guild_id, channel_id, user_id, locale, prompt, duration,"
                " resolution, aspect_ratio, generation_type, image_urls, video_urls, state,"
                " created_at, media_fetched_at, next_poll_at, source_messages, origin_id,"
                " reply_route, interaction_token, interaction_expires_at, reply_ephemeral,"
                " interaction_upload_limit, parent_channel_id, quoted_credits, quoted_samples)"
                f" VALUES ({', '.join('?' * 25)}) RETURNING id",
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
                    sources_to_json(requester.sources),
                    requester.origin_id,
                    *reply_columns(requester.reply),
                    requester.parent_channel_id,
                    quote.credits,
                    quote.samples,
                ),
            )
            inserted = await cursor.fetchone()
        assert inserted is not None
        return int(inserted[0])

    async def job_for_origin(self, origin_id: str) -> int | None:
        """The id of the job recorded for `origin_id`, if any."""
        return await self._job_id_where("origin_id", origin_id)

    async def job_of_task(self, task_id: str) -> int | None:
        """The job that holds APIMart's task `task_id`, if any (the `task_id` index)."""
        return await self._job_id_where("task_id", task_id)

    async def _job_id_where(self, column: str, value: str) -> int | None:
        """The id of the job whose unique `column` holds `value`, if any."""
        row = await self._db.fetch_one(f"SELECT id FROM jobs WHERE {column} = ?", (value,))
        return int(row[0]) if row is not None else None

    async def job_of_result(self, message_id: int) -> Job | None:
        """The job whose result is the message `message_id` (as posted), if one is."""
        row = await self._db.fetch_one(
            "SELECT * FROM jobs WHERE delivery_message_id = ?", (message_id,)
        )
        return self._job(row) if row is not None else None

    async def job_of_status(self, message_id: int) -> Job | None:
        """The job whose status message is `message_id`, if one is."""
        row = await self._db.fetch_one(
            "SELECT * FROM jobs WHERE status_message_id = ?", (message_id,)
        )
        return self._job(row) if row is not None else None

    async def recent_for_user(self, user_id: int, limit: int) -> list[Job]:
        """A member's latest jobs wherever they were made, newest first."""
        rows = await self._db.fetch_all(
            "SELECT * FROM jobs WHERE user_id = ? ORDER BY id DESC LIMIT ?", (user_id, limit)
        )
        return [self._job(row) for row in rows]
