"""Posting a finished job back to Discord with the bot's own token, exactly once."""

from __future__ import annotations

import io
import logging
import time
from collections.abc import Callable
from typing import Any

import aiohttp
import discord

from bot.i18n import t
from bot.jobs.models import Job, JobState
from bot.jobs.poller import DeliveryOutcome, DeliveryResult
from bot.status_messages import StatusMessages
from bot.text import (
    EMBED_TITLE,
    MESSAGE_CONTENT,
    PROMPT_PREVIEW_CHARS,
    Quoted,
    fit,
    quote,
)

log = logging.getLogger(__name__)

VIDEO_FILENAME = "video.mp4"
_DOWNLOAD_TIMEOUT = aiohttp.ClientTimeout(total=120)
_HISTORY_SCAN_LIMIT = 100
# Discord answers 413 (code 40005) when an upload is over the server's limit, and 400 when the
# message itself is invalid (code 50035), which no retry of it can change.
_PAYLOAD_TOO_LARGE = 413
_BAD_REQUEST = 400

Messageable = discord.abc.Messageable


def mentions_only(user_id: int) -> discord.AllowedMentions:
    """Ping the requester and nobody else, whatever the prompt says."""
    return discord.AllowedMentions(
        everyone=False, roles=False, users=[discord.Object(user_id)], replied_user=False
    )


def references_summary(job: Job) -> str:
    """How the job used the member's media, e.g. '1 image (first frame) + 1 video'."""
    locale = job.requester.locale
    request = job.request
    parts: list[str] = []
    if request.image_urls:
        key = (
            "references_images_frame"
            if request.generation_type == "frame"
            else "references_images_reference"
        )
        parts.append(t(key, locale, count=len(request.image_urls)))
    if request.video_urls:
        parts.append(t("references_video", locale))
    return " + ".join(parts) or t("references_none", locale)


def result_embed(job: Job) -> discord.Embed:
    """The card that describes a finished job, in the member's language."""
    locale = job.requester.locale
    request = job.request
    ok = job.state is JobState.COMPLETED and not job.cancelled
    embed = discord.Embed(
        title=fit(t("result_title" if ok else "result_failed_title", locale), EMBED_TITLE),
        description=quote(request.prompt, PROMPT_PREVIEW_CHARS),
        colour=discord.Colour.green() if ok else discord.Colour.red(),
    )
    if request.duration is not None:
        embed.add_field(
            name=t("field_duration", locale),
            value=t("seconds_value", locale, seconds=request.duration),
        )
    embed.add_field(name=t("field_resolution", locale), value=request.resolution)
    embed.add_field(name=t("field_aspect_ratio", locale), value=request.aspect_ratio)
    embed.add_field(name=t("field_references", locale), value=references_summary(job))
    if ok and job.submitted_at is not None and job.finished_at is not None:
        minutes, seconds = divmod(round(job.finished_at - job.submitted_at), 60)
        embed.add_field(
            name=t("field_render_time", locale),
            value=t("render_time_value", locale, minutes=minutes, seconds=f"{seconds:02d}"),
        )
    if job.credits_cost is not None:
        embed.add_field(name=t("field_credits", locale), value=f"{job.credits_cost:g}")
    embed.set_footer(text=job_footer(job))
    return embed


def plain_embed(job: Job) -> discord.Embed:
    """The card at its plainest: the title, and the footer that marks the job's result."""
    ok = job.state is JobState.COMPLETED and not job.cancelled
    embed = discord.Embed(
        title=fit(
            t("result_title" if ok else "result_failed_title", job.requester.locale), EMBED_TITLE
        ),
        colour=discord.Colour.green() if ok else discord.Colour.red(),
    )
    return embed.set_footer(text=job_footer(job))


def job_footer(job: Job) -> str:
    """The footer that marks a result as this job's (used to spot duplicates after a crash)."""
    return t("job_footer", job.requester.locale, job_id=job.id)


def failure_text(job: Job, mention: str) -> list[str]:
    """Why a job produced no video, and what to do, in the member's language."""
    locale = job.requester.locale
    if job.cancelled:
        return [cancel_notice(job, mention)]
    if job.state in (JobState.REJECTED, JobState.SUBMIT_UNKNOWN):
        # The submit itself failed: these reasons are whole sentences.
        sentence = t(
            job.error_key or "submit_unknown",
            locale,
            job_id=job.id,
            reason=Quoted(job.error_message or ""),
        )
        return [f"{mention} {sentence}"]
    # The API's reason is its own text (any length, any markdown); ours is a catalog sentence.
    reason: Quoted | str = (
        Quoted(job.error_message.rstrip(".。"))
        if job.error_message
        else t(job.error_key or "task_no_video", locale).rstrip(".。")
    )
    # Given up on, but APIMart may still finish and bill it: say it counts, not "rephrase".
    hint = "result_timed_out_counts" if job.state is JobState.TIMED_OUT else "result_failed_hint"
    return [
        t("result_failed", locale, mention=mention, reason=reason),
        t(hint, locale),
    ]


def cancel_notice(job: Job, mention: str) -> str:
    """Who cancelled the job, and whether it still counts, in the member's language."""
    locale = job.requester.locale
    return t(
        "cancel_notice_counted" if job.counts else "cancel_notice_refunded",
        locale,
        mention=mention,
        job_id=job.id,
        reason=t(job.cancel_reason_key or "cancelled_by_moderator", locale),
    )


def shows_video(job: Job) -> bool:
    """Whether the job's news is its video (not a failure, nor a cancelled render's notice)."""
    return job.state is JobState.COMPLETED and job.result_url is not None and not job.cancelled


def result_content(job: Job, *, now: float, dm: bool, attached: bool) -> str:
    """The text above the result card: for whom, and the link or why there is no video."""
    locale = job.requester.locale
    mention = f"<@{job.requester.user_id}>"
    lines: list[str] = []
    if shows_video(job):
        if link_expired(job, now):
            lines.append(t("result_link_expired", locale, mention=mention))
        else:
            lines.append(t("result_ready", locale, mention=mention))
            if not attached:
                lines.append(link_text(job))
    else:
        lines.extend(failure_text(job, mention))
    if dm:
        lines.append(t("result_dm_note", locale, channel_id=job.requester.channel_id))
    return fit("\n".join(lines), MESSAGE_CONTENT)


def link_expired(job: Job, now: float) -> bool:
    """Whether the API's link to the video no longer works."""
    return job.result_expires_at is not None and job.result_expires_at <= now


def link_text(job: Job) -> str:
    """The video's link and when it stops working."""
    assert job.result_url is not None
    locale = job.requester.locale
    expiry = (
        f"<t:{job.result_expires_at}:R>"
        if job.result_expires_at is not None
        else t("expiry_soon", locale)
    )
    return t("result_link", locale, url=job.result_url, expiry=expiry)


class Delivery:
    """Turns a finished job into a channel message, falling back to a DM."""

    def __init__(
        self,
        client: discord.Client,
        session: aiohttp.ClientSession,
        *,
        clock: Callable[[], float] = time.time,
        status: StatusMessages | None = None,
        result_view: Callable[[Job], discord.ui.View | None] | None = None,
    ) -> None:
        self._client = client
        self._session = session
        self._clock = clock
        self._status = status
        self._result_view = result_view

    async def __call__(self, job: Job) -> DeliveryResult:
        """Deliver `job`; says whether to retry later."""
        channel = await self._resolve_channel(job.requester.channel_id)
        if channel is not None and job.delivery_attempts > 0:
            # A previous attempt may have posted before the bot died: never post twice.
            existing = await self._find_existing(channel, job)
            if existing is not None:
                log.info("Job %d was already delivered as message %d", job.id, existing)
                return DeliveryResult(DeliveryOutcome.DELIVERED, existing)
        if channel is None:
            log.warning("Job %d: channel %d is gone; trying a DM", job.id, job.requester.channel_id)
            return await self._deliver_by_dm(job)
        try:
            message = await self._send(channel, job, dm=False)
        except (discord.Forbidden, discord.NotFound):
            log.warning(
                "Job %d: cannot post in channel %d; trying a DM", job.id, job.requester.channel_id
            )
            return await self._deliver_by_dm(job)
        except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as error:
            log.warning("Job %d: delivery failed (%s); will retry", job.id, error)
            return DeliveryResult(DeliveryOutcome.RETRY)
        if self._status is not None:
            await self._status.update(job, final=True)
        return DeliveryResult(DeliveryOutcome.DELIVERED, message.id)

    async def _resolve_channel(self, channel_id: int) -> Messageable | None:
        channel = self._client.get_channel(channel_id)
        if channel is None:
            try:
                channel = await self._client.fetch_channel(channel_id)
            except (discord.NotFound, discord.Forbidden):
                return None
        return channel if isinstance(channel, Messageable) else None

    async def _deliver_by_dm(self, job: Job) -> DeliveryResult:
        try:
            user = await self._client.fetch_user(job.requester.user_id)
            message = await self._send(user, job, dm=True)
        except (discord.Forbidden, discord.NotFound):
            return DeliveryResult(DeliveryOutcome.UNREACHABLE)
        except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as error:
            log.warning("Job %d: DM delivery failed (%s); will retry", job.id, error)
            return DeliveryResult(DeliveryOutcome.RETRY)
        return DeliveryResult(DeliveryOutcome.DELIVERED, message.id)

    async def _find_existing(self, channel: Messageable, job: Job) -> int | None:
        """The result message an earlier attempt already posted, if any."""
        footer = job_footer(job)
        # Results reply to the status message, so nothing older needs reading.
        after = discord.Object(job.status_message_id) if job.status_message_id else None
        me = self._client.user
        try:
            async for message in channel.history(limit=_HISTORY_SCAN_LIMIT, after=after):
                if me is not None and message.author.id != me.id:
                    continue
                if any(embed.footer.text == footer for embed in message.embeds):
                    return message.id
        except discord.HTTPException:
            log.warning("Job %d: cannot read history to check for a duplicate", job.id)
        return None

    async def _send(self, target: Messageable, job: Job, *, dm: bool) -> discord.Message:
        embed = result_embed(job)
        now = self._clock()
        file: discord.File | None = None
        if shows_video(job) and not link_expired(job, now):
            assert job.result_url is not None
            data = await self._download(job.result_url, self._upload_limit(target))
            if data is not None:
                file = discord.File(io.BytesIO(data), filename=VIDEO_FILENAME)
        reference = None
        if not dm and job.status_message_id is not None:
            reference = discord.MessageReference(
                message_id=job.status_message_id,
                channel_id=job.requester.channel_id,
                fail_if_not_exists=False,
            )
        content = result_content(job, now=now, dm=dm, attached=file is not None)
        buttons = True
        try:
            return await self._post(target, job, content, embed, reference, file)
        except discord.HTTPException as error:
            if file is not None and error.status == _PAYLOAD_TOO_LARGE:
                log.info("Job %d: upload refused as too large; posting the link instead", job.id)
            elif error.status == _BAD_REQUEST:
                # Every retry of the same message would be refused the same way: post the
                # plainest result now rather than let the member wait for nothing.
                log.error(
                    "Job %d: Discord refused the result message (%s); posting a plain one",
                    job.id,
                    error,
                )
                embed, buttons = plain_embed(job), False
            else:
                raise
            # A file is closed once sent, even when refused: the link goes instead.
            content = result_content(job, now=now, dm=dm, attached=False)
            return await self._post(target, job, content, embed, reference, None, buttons=buttons)

    async def _post(
        self,
        target: Messageable,
        job: Job,
        content: str,
        embed: discord.Embed,
        reference: discord.MessageReference | None,
        file: discord.File | None,
        *,
        buttons: bool = True,
    ) -> discord.Message:
        optional: dict[str, Any] = {}
        if reference is not None:
            optional["reference"] = reference
        # Buttons act in the server; a DM result (the channel was closed to us) has none.
        in_dm = isinstance(target, discord.User | discord.Member)
        if buttons and self._result_view is not None and not in_dm:
            view = self._result_view(job)
            if view is not None:
                optional["view"] = view
        return await target.send(
            content,
            embed=embed,
            files=[file] if file is not None else [],
            allowed_mentions=mentions_only(job.requester.user_id),
            # Discord returns the first message for a repeated nonce, so a quick retry after a
            # crash cannot post twice; the footer check covers longer gaps.
            nonce=f"video-job-{job.id}",
            **optional,
        )

    def _upload_limit(self, target: Messageable) -> int:
        guild = getattr(target, "guild", None)
        if isinstance(guild, discord.Guild):
            return guild.filesize_limit
        return discord.utils.DEFAULT_FILE_SIZE_LIMIT_BYTES

    async def _download(self, url: str, limit: int) -> bytes | None:
        """The video's bytes if it fits under `limit`, else None (post the link instead)."""
        try:
            # Result URLs are public: no Authorization header goes to them.
            async with self._session.get(url, timeout=_DOWNLOAD_TIMEOUT) as response:
                if response.status != 200:
                    log.warning(
                        "Result download answered HTTP %d; posting the link", response.status
                    )
                    return None
                if response.content_length is not None and response.content_length > limit:
                    return None
                buffer = bytearray()
                async for chunk in response.content.iter_chunked(64 * 1024):
                    buffer.extend(chunk)
                    if len(buffer) > limit:
                        return None
                return bytes(buffer)
        except (aiohttp.ClientError, TimeoutError) as error:
            log.warning("Result download failed (%s); posting the link", type(error).__name__)
            return None
