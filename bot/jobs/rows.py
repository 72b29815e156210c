"""Jobs' rows as models and back: the columns a job is read from, and how its requester,
media sources, reply route and progress readings are written to and read from them."""

from __future__ import annotations

import json
from collections.abc import Sequence

from bot.apimart.models import VideoRequest
from bot.apimart.scrub import without_key
from bot.jobs.eta import Reading
from bot.jobs.models import Job, JobState, MessageRef, Requester
from bot.reach import Reply, Route
from bot.storage import Row


def sources_to_json(sources: Sequence[MessageRef]) -> str:
    """Where a request's media came from, as stored (jobs and requests awaiting confirmation)."""
    return json.dumps([[source.channel_id, source.message_id] for source in sources])


def sources_from_json(text: str) -> tuple[MessageRef, ...]:
    return tuple(MessageRef(int(channel), int(message)) for channel, message in json.loads(text))


def requester_from_row(
    row: Row, *, origin_id: str | None = None, reply: Reply | None = None
) -> Requester:
    """Who asked, from the columns a job and a request awaiting confirmation both keep."""
    return Requester(
        user_id=row["user_id"],
        channel_id=row["channel_id"],
        guild_id=row["guild_id"],
        locale=row["locale"],
        sources=sources_from_json(row["source_messages"]),
        origin_id=origin_id,
        reply=reply,
    )


def readings_to_json(readings: Sequence[Reading]) -> str:
    """A job's progress readings, as stored (`progress_readings`)."""
    return json.dumps([[reading.at, reading.progress] for reading in readings])


def _readings_from_json(text: str) -> tuple[Reading, ...]:
    return tuple(Reading(float(at), int(progress)) for at, progress in json.loads(text))


def reply_columns(reply: Reply | None) -> tuple[object, ...]:
    """How a job answers (`Reply`), as its five columns: `reply_route` to
    `interaction_upload_limit`, in `JOB_COLUMNS`' order."""
    if reply is None:
        return (None, None, None, 0, None)
    return (
        reply.route.value,
        reply.token,
        reply.expires_at,
        int(reply.ephemeral),
        reply.upload_limit,
    )


# The columns `job_from_row` reads. Named, never `*`, in what runs inside a transaction: a
# column a newer release adds (rolling deploy) changes what `*` returns, and PostgreSQL refuses
# the statement this process prepared before (asyncpg prepares it again only outside one).
JOB_COLUMNS = (
    "id, user_id, channel_id, guild_id, locale, source_messages, origin_id, reply_route,"
    " interaction_token, interaction_expires_at, reply_ephemeral, interaction_upload_limit,"
    " prompt, duration, resolution, aspect_ratio, generation_type, image_urls, video_urls,"
    " state, task_id, progress, estimated_time, result_url, result_expires_at, error_key,"
    " error_message, cost, credits_cost, created_at, media_fetched_at, submitted_at,"
    " finished_at, next_poll_at, poll_failures, status_message_id, delivery_attempts,"
    " delivered_at, delivery_message_id, version, delivery_started_at, delivery_target,"
    " cancelled_at, cancel_reason_key, progress_readings, interaction_message_id, progress_at,"
    " top_progress, not_found_answers, result_linked, held_since,"
    " download_failures, superseded_post_id, status_deleted, reply_handed_over,"
    " quoted_credits, quoted_samples, result_plain"
)


def job_from_row(row: Row, *, api_key: str = "") -> Job:
    """The job a row of `jobs` holds (read with `JOB_COLUMNS`, or every column).

    `api_key` is taken out of APIMart's words kept with it (its reason, its result link):
    versions older than that scrub saved them as said, and they are shown to members.
    """
    return Job(
        id=row["id"],
        requester=requester_from_row(row, origin_id=row["origin_id"], reply=_reply_from_row(row)),
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
        result_url=_without_key(row["result_url"], api_key),
        result_expires_at=row["result_expires_at"],
        error_key=row["error_key"],
        error_message=_without_key(row["error_message"], api_key),
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
        version=row["version"],
        delivery_started_at=row["delivery_started_at"],
        delivery_target=row["delivery_target"],
        cancelled_at=row["cancelled_at"],
        cancel_reason_key=row["cancel_reason_key"],
        progress_readings=_readings_from_json(row["progress_readings"]),
        interaction_message_id=row["interaction_message_id"],
        progress_at=row["progress_at"],
        top_progress=row["top_progress"],
        not_found_answers=row["not_found_answers"],
        result_linked=bool(row["result_linked"]),
        held_since=row["held_since"],
        download_failures=row["download_failures"],
        superseded_post_id=row["superseded_post_id"],
        status_deleted=bool(row["status_deleted"]),
        quoted_credits=row["quoted_credits"],
        quoted_samples=row["quoted_samples"],
        result_plain=None if row["result_plain"] is None else bool(row["result_plain"]),
    )


def _without_key(said: str | None, api_key: str) -> str | None:
    return None if said is None else without_key(said, api_key)


def _reply_from_row(row: Row) -> Reply | None:
    route = row["reply_route"]
    if route is None:
        return None
    return Reply(
        Route(route),
        token=row["interaction_token"],
        expires_at=row["interaction_expires_at"],
        ephemeral=bool(row["reply_ephemeral"]),
        handed_over=bool(row["reply_handed_over"]),
        upload_limit=row["interaction_upload_limit"],
    )
