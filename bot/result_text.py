"""What a job's result message says, wherever it is posted: its headline (for whom, the video's
link or why there is none), the failure text, the job's marker, the whole layout and the plain
card Discord is offered when it refuses that, and whom it may ping."""

from __future__ import annotations

from enum import StrEnum

import discord

from bot.i18n import t
from bot.jobs.failures import FailureCause, failure_cause, stored_reason
from bot.jobs.models import Job, JobState
from bot.media_refresh import DISCORD_CDN_ORIGINS
from bot.result_layout import (
    LAPSED_COLOUR,
    Layout,
    Row,
    attachment_url,
    references_summary,
    result_layout,
    result_title_key,
    spoiler_link,
)
from bot.status import checks_end_moment, end_moment, link_save
from bot.text import EMBED_TITLE, MESSAGE_CONTENT, fit, quoted_sentence

# The uploaded video's name: the gallery plays it from there.
VIDEO_FILENAME = "video.mp4"


def mentions_only(user_id: int) -> discord.AllowedMentions:
    """Ping the requester and nobody else, whatever the prompt says."""
    return discord.AllowedMentions(
        everyone=False, roles=False, users=[discord.Object(user_id)], replied_user=False
    )


def made_a_video(job: Job, now: float) -> bool:
    """Whether its result brings a video (or its link): not when its link expired unposted."""
    return job.state is JobState.COMPLETED and not job.cancelled and not link_expired(job, now)


def plain_embed(job: Job, *, now: float) -> discord.Embed:
    """The card at its plainest, for when Discord refuses the layout: the title, and the footer
    that marks the job's result."""
    ok = made_a_video(job, now)
    embed = discord.Embed(
        title=fit(t(result_title_key(ok=ok), job.requester.locale), EMBED_TITLE),
        colour=discord.Colour.green() if ok else discord.Colour.red(),
    )
    return embed.set_footer(text=job_footer(job))


def job_footer(job: Job) -> str:
    """The footer that marks a result as this job's (used to spot duplicates after a crash)."""
    return t("job_footer", job.requester.locale, job_id=job.id)


def gallery_url(job: Job, *, now: float, attached: bool, unreachable: bool) -> str | None:
    """What the result's gallery plays: the upload, else the service's link while it works."""
    if attached:
        return attachment_url(VIDEO_FILENAME)
    if not shows_video(job) or unreachable or link_expired(job, now):
        return None
    url = job.result_url or ""
    # Discord plays a video from a public web link, not from anything else.
    return url if url.startswith(("https://", "http://")) else None


class LinkReason(StrEnum):
    """Why a finished video is posted as its link: the catalog key that says so."""

    TOO_LARGE = "result_link"
    # The link stands for a post that may not have been made.
    UNPOSTED = "result_link_unposted"
    # Attach Files was taken from the bot where it posts.
    FILES_REFUSED = "result_link_files_refused"
    # Discord refused the post with the file for another reason (a 400): it fits, so it is
    # not called too large.
    NOT_ATTACHED = "result_link_not_attached"


def result_message(
    job: Job,
    *,
    now: float,
    attached: bool,
    unreachable: bool = False,
    channel_failed: bool = False,
    channel_unsure: bool = False,
    link_reason: LinkReason = LinkReason.TOO_LARGE,
    buttons: Row | None = None,
    cdn_origins: frozenset[str] = DISCORD_CDN_ORIGINS,
    prompt_hidden: bool = False,
    blocked_in_channel: bool = False,
) -> Layout:
    """The whole result as a Components V2 layout, wherever it is posted (`cdn_origins`: where
    Discord serves attachments; `prompt_hidden`, `blocked_in_channel`: see `result_content`)."""
    headline = result_content(
        job,
        now=now,
        attached=attached,
        unreachable=unreachable,
        channel_failed=channel_failed,
        channel_unsure=channel_unsure,
        link_reason=link_reason,
        prompt_hidden=prompt_hidden,
        blocked_in_channel=blocked_in_channel,
    )
    return result_layout(
        job,
        ok=made_a_video(job, now),
        headline=headline,
        marker=job_footer(job),
        references=references_summary(job),
        video_url=gallery_url(job, now=now, attached=attached, unreachable=unreachable),
        now=now,
        cdn_origins=cdn_origins,
        buttons=buttons,
        prompt_hidden=prompt_hidden,
    )


def without_moderator(job: Job, key: str) -> str:
    """`key`, or for a job made outside servers that added the bot (DMs, group DMs, servers
    where a member uses their own install) its `_personal` variant: no moderator has a say
    over the bot there, so none is named."""
    return f"{key}_personal" if job.requester.guild_id is None else key


def failure_text(job: Job, mention: str, *, prompt_hidden: bool = False) -> list[str]:
    """Why a job produced no video, and what to do, in the member's language; `prompt_hidden`:
    the server's AutoMod blocked a post quoting the prompt, so the service's own words (which
    may quote it) are left out too."""
    locale = job.requester.locale
    if job.cancelled:
        return [cancel_notice(job, mention)]
    if job.state in (JobState.REJECTED, JobState.SUBMIT_UNKNOWN):
        # The submit itself failed: these reasons are whole sentences.
        sentence = t(
            job.error_key or "submit_unknown",
            locale,
            job_id=job.id,
            reason=stored_reason(job.error_message or ""),
        )
        return [f"{mention} {sentence}"]
    if job.state is JobState.TIMED_OUT:
        # Given up on, but APIMart may still finish and bill it: say it counts, not "rephrase".
        return [
            t(
                "failure_timed_out",
                locale,
                mention=mention,
                job_id=job.id,
                until=checks_end_moment(job),
            )
        ]
    if job.billed:
        # Billed with nothing to show (a `completed` without a video): it counts, say so.
        billed = without_moderator(job, "failure_billed_no_video")
        return [t(billed, locale, mention=mention, job_id=job.id)]
    # The API's reason is its own text (any length, any markdown); ours is a catalog sentence.
    said = quoted_sentence(job.error_message) if job.error_message else None
    if job.state is JobState.CANCELLED:
        lines = [t("failure_service_cancelled", locale, mention=mention, job_id=job.id)]
    else:
        cause = failure_cause(job.error_message)
        if cause is FailureCause.OTHER:
            # APIMart failed it without a word: "it did not say why", as a refusal without one.
            reason = said or t(job.error_key or "refusal_unexplained", locale).rstrip(".。")
            if said is not None and prompt_hidden:
                reason = t("result_reason_hidden", locale)
            # Our own reasons (a lost task, no video, none) are nothing the prompt could change.
            hint = "result_failed_hint" if said is not None else "failure_try_again"
            return [
                t("failure_other", locale, mention=mention, job_id=job.id, reason=reason),
                t(without_moderator(job, hint), locale),
            ]
        lines = [t(f"failure_{cause.value}", locale, mention=mention, job_id=job.id)]
    if said is not None and not prompt_hidden:
        lines.append(t("failure_service_said", locale, reason=said))
    return lines


def cancel_notice(job: Job, mention: str) -> str:
    """Who cancelled the job, and whether it still counts, in the member's language; posted
    where others may read it, so a block is not named."""
    return job.cancel_notice(mention, public=True).render(job.requester.locale)


def shows_video(job: Job) -> bool:
    """Whether the job's news is its video (not a failure, nor a cancelled render's notice)."""
    return job.state is JobState.COMPLETED and job.result_url is not None and not job.cancelled


def result_content(
    job: Job,
    *,
    now: float,
    attached: bool,
    unreachable: bool = False,
    channel_failed: bool = False,
    channel_unsure: bool = False,
    link_reason: LinkReason = LinkReason.TOO_LARGE,
    prompt_hidden: bool = False,
    blocked_in_channel: bool = False,
) -> str:
    """The text above the result card: for whom, and the link or why there is no video.

    `unreachable`: the video could not be fetched, several times over; say so with its link.
    `channel_failed`: this is a DM because posting in the job's channel failed; say so.
    `channel_unsure`: ... or because an earlier post there may have gone, unseen, and the
    channel can no longer be read to know: say that, not that posting there failed.
    `link_reason`: why a video that is not `attached` is its link.
    `prompt_hidden`: the server's AutoMod blocked the post quoting the prompt: it is posted
    without it (and without the service's words, which may quote it), saying why.
    `blocked_in_channel`: this is a DM because the server's AutoMod blocked the post in the
    job's channel even so; say that.
    """
    locale = job.requester.locale
    mention = f"<@{job.requester.user_id}>"
    lines: list[str] = []
    if shows_video(job):
        if link_expired(job, now):
            lines.append(t("result_link_expired", locale, mention=mention))
        elif unreachable:
            url = spoiler_link(job, job.result_url or "")
            lines.append(t("result_download_failed", locale, mention=mention, url=url))
        else:
            lines.append(t("result_ready", locale, mention=mention))
            if not attached:
                lines.append(link_text(job, link_reason))
    else:
        lines.extend(failure_text(job, mention, prompt_hidden=prompt_hidden))
    if prompt_hidden:
        lines.append(t("result_prompt_hidden", locale))
    if blocked_in_channel:
        lines.append(t("result_dm_note_automod", locale, channel_id=job.requester.channel_id))
    elif channel_failed:
        note = "result_dm_note_unsure" if channel_unsure else "result_dm_note"
        lines.append(t(note, locale, channel_id=job.requester.channel_id))
    return fit("\n".join(lines), MESSAGE_CONTENT)


def link_expired(job: Job, now: float) -> bool:
    """Whether the API's link to the video no longer works."""
    return job.result_expires_at is not None and job.result_expires_at <= now


def link_text(job: Job, why: LinkReason) -> str:
    """The video's link, when it stops working, and `why` it is a link."""
    assert job.result_url is not None
    return t(
        why.value,
        job.requester.locale,
        url=spoiler_link(job, job.result_url),
        save=link_save(job),
    )


def lapsed_headline(job: Job) -> str:
    """What a post of APIMart's link says once that link expired: for whom, and since when the
    video can no longer be watched there. The link itself is left out: it leads nowhere now
    (and a bare link in a plain post would keep Discord's preview of it)."""
    # Only a link whose end APIMart named is found expired (`bot.jobs.link_marks`).
    assert job.result_expires_at is not None
    locale = job.requester.locale
    mention = f"<@{job.requester.user_id}>"
    expiry = end_moment(job.result_expires_at, locale)
    text = t("result_link_lapsed", locale, mention=mention, expiry=expiry)
    return fit(text, MESSAGE_CONTENT)


def lapsed_message(
    job: Job,
    *,
    now: float,
    buttons: Row | None = None,
    cdn_origins: frozenset[str] = DISCORD_CDN_ORIGINS,
    prompt_hidden: bool = False,
) -> Layout:
    """A result posted as APIMart's link, as its post is edited once that link expired: the
    same card (prompt, settings, references, marker, buttons), without the video's gallery;
    `prompt_hidden`: without the prompt, which the server's AutoMod blocks."""
    headline = lapsed_headline(job)
    if prompt_hidden:
        headline = f"{headline}\n{t('result_prompt_hidden', job.requester.locale)}"
    return result_layout(
        job,
        ok=True,
        lapsed=True,
        prompt_hidden=prompt_hidden,
        headline=headline,
        marker=job_footer(job),
        references=references_summary(job),
        video_url=None,
        now=now,
        cdn_origins=cdn_origins,
        buttons=buttons,
    )


def lapsed_embed(job: Job) -> discord.Embed:
    """The plain card of a result posted as APIMart's link, once that link expired."""
    title = t(result_title_key(ok=True, lapsed=True), job.requester.locale)
    embed = discord.Embed(title=fit(title, EMBED_TITLE), colour=LAPSED_COLOUR)
    return embed.set_footer(text=job_footer(job))
