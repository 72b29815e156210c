"""A result's delivery: its attempts, its post, and the bot's messages deleted in Discord."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection

from bot.jobs.models import CHANNEL_TARGET, DELETED_RESULT, DM_TARGET, Job, JobState
from bot.jobs.store.base import StoreBase
from bot.jobs.store.terms import RELEASE

# Message ids forgotten in one statement when a channel is deleted: each is bound six times,
# well within SQLite's and PostgreSQL's limits on a statement's parameters.
_FORGOTTEN_AT_ONCE = 500


class Deliveries(StoreBase):
    """Posting a job's news, and forgetting the posts Discord deleted."""

    async def begin_delivery(self, job: Job, *, now: float, target: str) -> Job | None:
        """Note an attempt (when, and where it posts) before sending; None if the claim is lost.

        A retry after a crash reads these to look for the earlier post in exactly that place
        and stretch of time.
        """
        written = await self._fenced(
            job,
            "delivery_started_at = ?, delivery_target = ?",
            (now, target),
            release=False,
        )
        if not written:
            return None
        return dataclasses.replace(job, delivery_started_at=now, delivery_target=target)

    async def mark_delivered(
        self,
        job: Job,
        *,
        now: float,
        message_id: int | None,
        linked: bool = False,
        plain: bool | None = None,
    ) -> bool:
        """The member has been told (`linked`: the post carries APIMart's link, not the file;
        `plain`: it is plain text and a card, not a layout, None if not known)."""
        return await self._fenced(
            job,
            "delivered_at = ?, delivery_message_id = ?, result_linked = ?, result_plain = ?,"
            " next_delivery_at = NULL, delivery_attempts = delivery_attempts + 1",
            (now, message_id, int(linked), None if plain is None else int(plain)),
        )

    async def end_lost_claim(self, job: Job, posted_id: int | None) -> None:
        """A delivery claim lost before its outcome was written, to a change of the job (as a
        cancel makes to a render given up on): the claim ends now, not when its lease would
        lapse, so the post that change asks for is not kept waiting. `posted_id`, a post made
        meanwhile, whatever the change: the job's next post comes after it, so its search for
        an earlier one starts there. (Only if nothing but that one change came since: no newer
        claim, nor a newer attempt's mark, is touched.)"""
        if posted_id is not None:
            # Whatever that one change was (a cancel, a task id adopted after an "outcome
            # unknown" notice), the post was made and is not the job's result.
            await self._db.write(
                "UPDATE jobs SET superseded_post_id = ? WHERE id = ? AND version = ?"
                " AND delivery_started_at IS NULL AND delivery_message_id IS NULL"
                " AND COALESCE(superseded_post_id, 0) < ? RETURNING id",
                (posted_id, job.id, job.version + 1, posted_id),
            )
        if job.cancelled:
            return  # only a cancel's bump ends a claim early; this claim knew of its cancel
        await self._db.write(
            f"UPDATE jobs SET {RELEASE} WHERE id = ? AND lease_owner = ? AND version = ?"
            " AND cancelled_at IS NOT NULL RETURNING id",
            (job.id, self.leases.owner, job.version + 1),
        )

    async def forget_deleted_messages(
        self, channel_id: int, message_ids: Collection[int]
    ) -> list[Job]:
        """The bot's messages deleted from `channel_id` (one by one or in bulk), in one
        statement (through the indexes `jobs_by_result` and `jobs_by_status`): a posted video's
        id is forgotten, and said so; a status message is marked deleted. The jobs changed, if
        any. A result sent to the member's DM instead of its channel counts wherever it is
        deleted (its DM's id is not kept)."""
        if not message_ids:
            return []
        marks = ", ".join("?" * len(message_ids))
        # The target says where the result went; "deleted" tells it apart from a job whose
        # result could never be posted (no message id either). Only a video counts: a deleted
        # notice of a failed or given-up render leaves that job as it was (no video was made,
        # or it may yet come).
        result = (
            f"delivery_message_id IN ({marks}) AND (channel_id = ? OR delivery_target = ?)"
            " AND state = ?"
        )
        result_params = (*message_ids, channel_id, DM_TARGET, JobState.COMPLETED.value)
        # A status message is in its job's channel. Its id stays: NULL would mean "never
        # announced", and a job still waiting would be announced again when it is sent.
        status = f"status_message_id IN ({marks}) AND channel_id = ? AND status_deleted = 0"
        status_params = (*message_ids, channel_id)
        rows = await self._db.write(
            f"UPDATE jobs SET delivery_target = CASE WHEN {result} THEN ? ELSE delivery_target"
            f" END, delivery_message_id = CASE WHEN {result} THEN NULL ELSE delivery_message_id"
            f" END, status_deleted = CASE WHEN {status} THEN 1 ELSE status_deleted END"
            f" WHERE ({result}) OR ({status}) RETURNING id",
            (
                *result_params,
                DELETED_RESULT,
                *result_params,
                *status_params,
                *result_params,
                *status_params,
            ),
        )
        jobs = [await self.get(int(row[0])) for row in rows]
        return sorted((job for job in jobs if job is not None), key=lambda job: job.id)

    async def forget_deleted_channel(self, guild_id: int, channel_id: int) -> list[Job]:
        """A channel or thread deleted in Discord, its messages with it (with no delete event
        for each, nor for its archived threads): the bot's job messages there and in its
        threads are forgotten as `forget_deleted_messages` forgets deleted ones, a few hundred
        at a time (a statement holds only so many parameters). Read through the channel's jobs
        and its threads' (indexes `jobs_in_channel`, `jobs_in_threads_of`), never the server's
        whole history; the jobs changed."""
        # Two reads, one per index: with an OR, SQLite walks every job of the server instead.
        columns = "channel_id, status_message_id, delivery_message_id, delivery_target"
        rows = await self._db.fetch_all(
            f"SELECT {columns} FROM jobs WHERE guild_id = ? AND channel_id = ?"
            f" UNION ALL SELECT {columns} FROM jobs WHERE guild_id = ? AND parent_channel_id = ?"
            " AND channel_id != ?",
            (guild_id, channel_id, guild_id, channel_id, channel_id),
        )
        gone: dict[int, list[int]] = {}
        for where, status_id, result_id, target in rows:
            ids = gone.setdefault(int(where), [])
            if status_id is not None:
                ids.append(int(status_id))
            # A result sent by DM instead is not in the channel (nor is its id).
            if result_id is not None and target in (None, CHANNEL_TARGET):
                ids.append(int(result_id))
        changed: list[Job] = []
        for where, ids in gone.items():
            for start in range(0, len(ids), _FORGOTTEN_AT_ONCE):
                chunk = ids[start : start + _FORGOTTEN_AT_ONCE]
                changed.extend(await self.forget_deleted_messages(where, chunk))
        return sorted(changed, key=lambda job: job.id)

    async def retry_delivery_at(
        self, job: Job, when: float, *, download_failed: bool = False
    ) -> bool:
        """Delivery failed for now (one attempt more, `download_failed`: its result could not
        be fetched); try again at `when`."""
        return await self._fenced(
            job,
            "next_delivery_at = ?, delivery_attempts = delivery_attempts + 1,"
            " download_failures = download_failures + ?",
            (when, int(download_failed)),
        )
