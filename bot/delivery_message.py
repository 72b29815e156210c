"""The result post (part of `bot.delivery`): made once (claimed, its nonce, a reply to the
status message), as a layout with the video or its link, and its plainer fallbacks when Discord
refuses it."""

from __future__ import annotations

import dataclasses
import io
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import IO, Any, cast

import discord

from bot.delivery_fetch import _Fetching
from bot.delivery_outcome import Messageable, _Retry, delivered
from bot.discord_refusals import blocked_by_automod, cannot_reply, closed_to_the_bot
from bot.jobs.models import CHANNEL_TARGET, DM_TARGET, Job, JobState
from bot.jobs.poller import DeliveryResult
from bot.jobs.store import JobStore
from bot.result_layout import Row, made_from_spoiler, video_description
from bot.result_text import (
    VIDEO_FILENAME,
    LinkReason,
    link_expired,
    mentions_only,
    plain_embed,
    result_content,
    result_message,
    shows_video,
)

# The name its lines had before bot/delivery.py was split (operators' filters know it).
log = logging.getLogger("bot.delivery")

# Discord answers 413 (code 40005) when an upload is over the server's limit, and 400 when the
# message itself is invalid (code 50035), which no retry of it can change.
_PAYLOAD_TOO_LARGE = 413
_BAD_REQUEST = 400
# Discord's 403 when the bot lacks a permission the post needs (Attach Files, for a file).
_MISSING_PERMISSIONS = 50013


# A post's nonce says which end of the job it tells (see `result_nonce`); Discord allows 25
# characters, so one letter each. "-s" is taken: the status message's (`status_nonce`).
_END_MARKS: Mapping[JobState, str] = {
    JobState.COMPLETED: "",
    JobState.FAILED: "-f",
    JobState.CANCELLED: "-c",
    JobState.TIMED_OUT: "-t",
    JobState.REJECTED: "-r",
    JobState.SUBMIT_UNKNOWN: "-u",
}


def result_nonce(job: Job) -> str:
    """The nonce of the post telling `job`'s end. Discord answers a nonce it saw in the last
    few minutes with that first message instead of posting, so a quick retry after a crash
    cannot post twice (the marker check covers longer gaps). A job can end twice: given up on,
    then done after all; its submit's outcome unknown, then its task found. Each end has its
    own nonce, or the video would be taken for the notice before it and never posted. (A
    cancel's notice, posted while the job is still running, has one too; so has a moderator's
    cancel of a render given up on, posted after the notice that gave it up.)"""
    if job.cancelled_after_giving_up:
        return f"video-job-{job.id}-x"
    if job.cancelled and job.state is JobState.COMPLETED:
        # A video made, then stopped (a block) after a post of it may have gone: the notice
        # is not that post.
        return f"video-job-{job.id}-w"
    return f"video-job-{job.id}{_END_MARKS.get(job.state, '-n')}"


@dataclass(frozen=True)
class _Post:
    """One result about to be posted: where, replying to what, and what is known of its video."""

    target: Messageable
    job: Job
    reference: discord.MessageReference | None
    now: float
    dm: bool
    unreachable: bool
    # A DM in place of a channel post that failed (the member is told why it came here).
    channel_failed: bool = False
    # ... that may have gone after all (an earlier attempt's, unseen, in a channel the bot can
    # no longer read): the member is told that, not that the channel failed.
    channel_unsure: bool = False
    # Why the video, when it is not attached, is its link.
    link_reason: LinkReason = LinkReason.TOO_LARGE
    # The server's AutoMod blocked the post quoting the prompt: posted without it.
    prompt_hidden: bool = False
    # A DM in place of a channel post the server's AutoMod blocked even without the prompt.
    blocked_in_channel: bool = False


class _Posting(_Fetching):
    """`Delivery`'s post of one result, with its fallbacks."""

    _store: JobStore
    _result_view: Callable[[Job], Row | None] | None
    cdn_origins: frozenset[str]

    async def _send(
        self,
        target: Messageable,
        job: Job,
        *,
        dm: bool,
        channel_failed: bool = False,
        channel_unsure: bool = False,
        blocked_in_channel: bool = False,
        started_at: float | None = None,
    ) -> DeliveryResult:
        """Post the result to `target`; the result as posted. `started_at`: the earlier
        attempt this one posts again (with its nonce), whose start is kept."""
        now = self._clock()
        begun = started_at if started_at is not None else now
        video: IO[bytes] | None = None
        unreachable = False
        if shows_video(job) and not link_expired(job, now):
            video, unreachable = await self._fetch_result(job, target)
        reference = None
        # A deleted status message is no reply (Discord would post it unreplied anyway).
        if not dm and job.status_message_id is not None and not job.status_deleted:
            reference = discord.MessageReference(
                message_id=job.status_message_id,
                channel_id=job.requester.channel_id,
                fail_if_not_exists=False,
            )
        post = _Post(
            target,
            job,
            reference,
            now=now,
            dm=dm,
            unreachable=unreachable,
            channel_failed=channel_failed,
            channel_unsure=channel_unsure,
            blocked_in_channel=blocked_in_channel,
        )
        try:
            # Written down before posting: a retry after a crash looks for this post from
            # here. (Inside the `try`: a lost claim closes the download too.)
            where = DM_TARGET if dm else CHANNEL_TARGET
            if await self._store.begin_delivery(job, now=begun, target=where) is None:
                log.warning("Job %d: delivery claim was lost; not posting", job.id)
                raise _Retry
            try:
                message = await self._post_result(post, video)
            except discord.HTTPException as error:
                if post.reference is None or not cannot_reply(error):
                    raise
                # Read Message History was taken from the bot while the video rendered: every
                # reply is refused, the same post without it is not (it names the member).
                log.warning(
                    "Job %d: Discord refused the reply to the status message (%s); posting "
                    "the result without it",
                    job.id,
                    error,
                )
                message = await self._post_result(dataclasses.replace(post, reference=None), video)
            return delivered(job, message, started_at=begun)
        finally:
            if video is not None:
                video.close()

    async def _post_result(self, post: _Post, video: IO[bytes] | None) -> discord.Message:
        """The result; once more at once without the prompt when the server's AutoMod blocks
        it (refused again, the caller sends it by DM)."""
        try:
            return await self._post_shown(post, video)
        except discord.HTTPException as error:
            if post.prompt_hidden or not blocked_by_automod(error):
                raise
        # The prompt is the likely trigger (slash command options are not checked by AutoMod,
        # so it reached us): the same post again would be refused again, for hours.
        log.info(
            "Job %d: the server's AutoMod blocked the result post; posting it without the prompt",
            post.job.id,
        )
        return await self._post_shown(dataclasses.replace(post, prompt_hidden=True), video)

    async def _post_shown(self, post: _Post, video: IO[bytes] | None) -> discord.Message:
        """The result as a layout; the plainest result at once when Discord refuses that."""
        file = None
        if video is not None:
            video.seek(0)  # an earlier, refused post may have read it through
            # A spooled file is an IOBase (Python 3.11+): discord.py streams it from there.
            file = discord.File(cast(io.BufferedIOBase, video), filename=VIDEO_FILENAME)
        try:
            return await self._post_layout(post, file)
        except discord.HTTPException as error:
            if (
                error.status != _BAD_REQUEST
                or closed_to_the_bot(error)
                or cannot_reply(error)
                or blocked_by_automod(error)
            ):
                raise
            # Every retry of the same message would be refused the same way: post the
            # plainest result now rather than let the member wait for nothing.
            log.error(
                "Job %d: Discord refused the result message (%s); posting a plain one",
                post.job.id,
                error,
            )
            return await self._post_plain(post, video)

    async def _post_layout(self, post: _Post, file: discord.File | None) -> discord.Message:
        """The result as a Components V2 layout; its link instead when the upload is refused
        (too large, or Attach Files taken from the bot: a 403 for the post without the file
        too gives up on the channel)."""
        try:
            return await self._send_layout(post, file)
        except discord.HTTPException as error:
            if file is None:
                raise
            if error.status == _PAYLOAD_TOO_LARGE:
                log.info("Job %d: upload refused as too large; posting the link", post.job.id)
            elif isinstance(error, discord.Forbidden) and error.code == _MISSING_PERMISSIONS:
                log.warning(
                    "Job %d: upload refused (%s); posting the link, saying why", post.job.id, error
                )
                post = dataclasses.replace(post, link_reason=LinkReason.FILES_REFUSED)
            else:
                raise
        return await self._send_layout(post, None)

    async def _send_layout(self, post: _Post, file: discord.File | None) -> discord.Message:
        job = post.job
        # A server's buttons act in the server: its result sent by DM (the channel was closed
        # to us) has none. A video made outside servers keeps them: a click in the DM acts
        # as it would where it was asked for, on the member's own allowance.
        server_job_in_dm = (
            isinstance(post.target, discord.User | discord.Member)
            and job.requester.guild_id is not None
        )
        buttons = None
        if self._result_view is not None and not server_job_in_dm:
            buttons = self._result_view(job)
        layout = result_message(
            job,
            now=post.now,
            channel_failed=post.channel_failed,
            channel_unsure=post.channel_unsure,
            attached=file is not None,
            unreachable=post.unreachable,
            link_reason=post.link_reason,
            buttons=buttons,
            cdn_origins=self.cdn_origins,
            prompt_hidden=post.prompt_hidden,
            blocked_in_channel=post.blocked_in_channel,
        )
        # With the layout flag there is no `content`: the mention is in a text display, and
        # allowed mentions still let it ping the requester only.
        return await post.target.send(
            view=layout,
            files=[file] if file is not None else [],
            **self._common(post),
        )

    async def _post_plain(self, post: _Post, video: IO[bytes] | None) -> discord.Message:
        """The plainest result (text and a bare card, no layout, no buttons): Discord refused
        the layout, and the member must still hear. With the video when it was fetched (it
        fits: it is not "too large to upload here"); refused again, with its link."""
        if video is not None:
            video.seek(0)  # the refused post read it through
            # No gallery here to hide it: the file itself is the spoiler (`SPOILER_` name).
            file = discord.File(
                cast(io.BufferedIOBase, video),
                filename=VIDEO_FILENAME,
                spoiler=made_from_spoiler(post.job),
                description=video_description(post.job, prompt_hidden=post.prompt_hidden),
            )
            try:
                return await self._send_plain(post, file)
            except discord.HTTPException as error:
                if (
                    error.status not in (_BAD_REQUEST, _PAYLOAD_TOO_LARGE)
                    or closed_to_the_bot(error)
                    or cannot_reply(error)
                    or blocked_by_automod(error)
                ):
                    raise
                log.error("Job %d: Discord refused the plain upload too (%s)", post.job.id, error)
                if error.status == _BAD_REQUEST:
                    post = dataclasses.replace(post, link_reason=LinkReason.NOT_ATTACHED)
        return await self._send_plain(post, None)

    async def _send_plain(self, post: _Post, file: discord.File | None) -> discord.Message:
        content = result_content(
            post.job,
            now=post.now,
            attached=file is not None,
            unreachable=post.unreachable,
            channel_failed=post.channel_failed,
            channel_unsure=post.channel_unsure,
            link_reason=post.link_reason,
            prompt_hidden=post.prompt_hidden,
            blocked_in_channel=post.blocked_in_channel,
        )
        return await post.target.send(
            content,
            embed=plain_embed(post.job, now=post.now),
            files=[file] if file is not None else [],
            **self._common(post),
        )

    @staticmethod
    def _common(post: _Post) -> dict[str, Any]:
        """What every result post carries: the reply, who may be pinged, the nonce."""
        optional: dict[str, Any] = {}
        if post.reference is not None:
            optional["reference"] = post.reference
        return {
            "allowed_mentions": mentions_only(post.job.requester.user_id),
            "nonce": result_nonce(post.job),
            **optional,
        }
