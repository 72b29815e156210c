"""The text of a job's status message, for every state it passes through."""

from __future__ import annotations

from bot.i18n import Message, t
from bot.jobs.eta import Estimate, EtaKind, estimate_remaining, rounded
from bot.jobs.models import (
    CHANNEL_TARGET,
    DM_TARGET,
    INTERACTION_TARGET,
    REFUNDED_STATES,
    TIMED_OUT_REASON,
    Job,
    JobState,
)
from bot.jobs.service import HOLD_BUSY, HOLD_DISCORD, HOLD_KEYS, HOLD_SLOT
from bot.jobs.typical import UsualWait
from bot.moderation.periods import stamp, stamp_until, stamp_wait
from bot.reach import Route
from bot.result_layout import references_summary, settings_text, uses_media
from bot.text import MESSAGE_CONTENT, PROMPT_PREVIEW_CHARS, fit, preview

BAR_CELLS = 10
_FINAL_LINES = {
    JobState.COMPLETED: "status_line_completed",
    JobState.CANCELLED: "status_line_cancelled",
    # Not "could not be made": it may have been, and it counts.
    JobState.SUBMIT_UNKNOWN: "status_line_unknown",
}

# Holds of one job alone (the videos after it are not held): they show no place in line.
_ON_ITS_OWN = frozenset({HOLD_BUSY, HOLD_DISCORD})
_SAID_BELOW = frozenset({"status_line_failed", "status_line_unknown"})


def final_line_key(job: Job) -> str:
    """The catalog key of a finished job's line: where its news went, if not below."""
    if job.no_longer_followed:
        # Followed for a day, then not: no late video will come, and a promise of one would
        # stay up for good.
        return "status_line_timed_out_unfollowed"
    if job.state is JobState.TIMED_OUT:
        # Given up on, but still followed for a day: not "could not be made", which a late
        # video posted under it would contradict.
        return "status_line_timed_out"
    if job.state in REFUNDED_STATES and job.error_key == TIMED_OUT_REASON:
        # Given up on, then ended by APIMart without a video: nothing will come after all, and
        # it counts only if APIMart billed it.
        return (
            "status_line_timed_out_failed_counted" if job.counts else "status_line_timed_out_failed"
        )
    key = _FINAL_LINES.get(job.state, "status_line_failed")
    if job.state is JobState.CANCELLED or job.delivered_at is None:
        return key
    # Outside the bot's servers the status is the member's own private answer: said to them.
    reply = job.requester.reply
    private = "_private" if reply is not None and reply.route is not Route.CHANNEL else ""
    if job.given_up_delivery:
        if not private and key == "status_line_completed" and job.delivery_target != DM_TARGET:
            # Given up in the channel with no DM tried (the channel could not be looked at:
            # the last post may be there): "neither here nor by direct message" would be untrue.
            return "status_line_completed_unposted_here"
        return f"{key}_unposted{private}"
    if job.expired_unposted:
        return f"status_line_expired{private}"  # not "the video is in the reply below"
    if private and reply is not None and reply.ephemeral and key == "status_line_completed":
        # Discord showed the video only to the member (`RouteDelivery._copy_by_dm`).
        if reply.route is Route.INTERACTION and job.delivery_target == DM_TARGET:
            return "status_line_completed_copied_private"
        if job.delivery_target == INTERACTION_TARGET:
            return "status_line_completed_uncopied_private"
    if job.delivery_target == DM_TARGET and (private or job.state is JobState.COMPLETED):
        return f"{key}_dm{private}"
    if job.delivery_target == CHANNEL_TARGET and key in _SAID_BELOW:
        return f"{key}_below"  # the reason is the reply to this message
    if private and job.delivery_target == INTERACTION_TARGET:
        return f"{key}_posted_private"  # a follow-up under the member's answer, not a reply
    return key


def link_save(job: Job) -> str:
    """What a post of APIMart's link says about saving the video: before the link stops working
    (`link_end`), as a sentence."""
    return _link_end(job, known="link_save_before", unknown="link_save_no_end")


def link_end(job: Job) -> str:
    """When APIMart's link to the video stops working: its day and hour, and a live "in 5
    hours" beside them (the message that says it stays for good, and a relative time alone,
    read a day later, would say the link "expires 2 days ago"). When APIMart named no time,
    that it may stop working after a while: no end the bot does not know ("soon")."""
    return _link_end(job, known="link_end_known", unknown="link_end_unknown")


def _link_end(job: Job, *, known: str, unknown: str) -> str:
    locale = job.requester.locale
    expires = job.result_expires_at
    if expires is None:
        return t(unknown, locale)
    return t(known, locale, expiry=end_moment(expires, locale))


def end_moment(seconds: float, locale: str | None) -> str:
    """An end said in a post that stays: its day and hour beside a live "in 5 hours", so that
    read after it ("2 days ago") the sentence still holds."""
    return t("end_moment", locale, moment=stamp_until(seconds, "f"), relative=stamp_wait(seconds))


def checks_end_moment(job: Job) -> str:
    """When the bot stops checking on a render it gave up on, as its notice says it: that
    notice stays for good (its status is edited once the checks stop), so by date and hour."""
    return end_moment(job.follow_up_ends, job.requester.locale)


def checks_end(job: Job) -> str:
    """When the bot stops checking on a render it gave up on, as a live timestamp: its status,
    answer and notice stay up, and "within a day" read 20 hours on would promise another."""
    return stamp_wait(job.follow_up_ends)


def progress_bar(progress: int) -> str:
    """A ten-cell bar such as ▰▰▰▱▱▱▱▱▱▱: a cell fills once its tenth is done, so the bar
    looks full only at 100 % (95 % is nine cells, not a finished-looking ten)."""
    filled = max(0, min(BAR_CELLS, progress * BAR_CELLS // 100))
    return "▰" * filled + "▱" * (BAR_CELLS - filled)


def time_left(job: Job, now: float, typical: UsualWait | None = None) -> Estimate:
    """The render's time left, from its progress readings; as the prior, how long such a video
    took here (`typical`, when measured), else the usual range its queued note stated (or
    APIMart's estimate where shorter): one story from "usually ready in" to the end."""
    started = job.submitted_at if job.submitted_at is not None else job.created_at
    usual = typical or UsualWait(None, job.request.resolution)
    return estimate_remaining(job.progress_readings, usual.prior(started, job.estimated_time), now)


def give_up_before(job: Job, now: float, left: float, waits_for: float | None) -> float | None:
    """When the bot gives up on `job` (`waits_for` after the submit: `TASK_TIMEOUT`), if that
    comes before the `left` seconds it still needs: the moment to say instead of a time the
    bot will not wait for. None while it is not near."""
    if waits_for is None:
        return None
    started = job.submitted_at if job.submitted_at is not None else job.created_at
    gives_up = started + waits_for
    if now < gives_up and now + left <= gives_up:
        return None
    return gives_up


def queued_wait(
    job: Job, now: float, usual: UsualWait, locale: str, waits_for: float | None
) -> str | None:
    """For a video still in APIMart's queue, when the bot stops waiting for it, by the rule a
    render's time left follows: said once the usual render time from now would pass it (a
    video not yet rendering needs at least that). None while it is not near."""
    gives_up = give_up_before(job, now, usual.longest(), waits_for)
    if gives_up is None:
        return None
    if now >= gives_up:
        return t("status_wait_ending", locale)  # given up at its next check: no stamp past
    return t("status_wait_ends", locale, until=stamp_wait(gives_up))


def eta_text(
    job: Job,
    now: float,
    locale: str | None = None,
    *,
    waits_for: float | None = None,
    typical: UsualWait | None = None,
) -> str:
    """The time left in words: 'about 3 min left', 'about 40 s left', 'almost done', in
    `locale` (the member's who asked, unless someone else is reading). `waits_for`: how long
    after the submit the bot gives up on a render (`TASK_TIMEOUT`); a time left beyond that
    is not promised, the moment it gives up is said instead. `typical`: how long such a video
    usually takes here (the prior, when measured)."""
    locale = locale or job.requester.locale
    if job.without_news:
        # "Almost done" from a reading minutes old would stay up for as long as APIMart is down.
        return t("status_eta_no_news", locale)
    estimate = time_left(job, now, typical)
    if estimate.kind is EtaKind.ALMOST_DONE:
        return t("status_eta_soon", locale)
    if estimate.kind is EtaKind.UNKNOWN or estimate.seconds is None:
        return t("status_eta_unknown", locale)
    gives_up = give_up_before(job, now, estimate.seconds, waits_for)
    if gives_up is not None:
        if now >= gives_up:
            # Given up at its next check: no stamp in the past.
            return t("status_eta_stopping", locale)
        return t("status_eta_past_wait", locale, until=stamp_wait(gives_up))
    unit, value = rounded(estimate.seconds)
    if unit == "minutes":
        return t("status_eta_minutes", locale, minutes=value)
    return t("status_eta_seconds", locale, seconds=value)


def next_try(job: Job, locale: str | None, now: float) -> str:
    """Why a job held back by APIMart or Discord waits, and when it is tried again: a live
    timestamp (its status or answer stays up for minutes, and "in about 20 s" would be false a
    minute on). One already due is being tried now: no stamp in the past, which would read as
    a try made (and failed) that was not."""
    assert job.error_key is not None
    due = job.next_poll_at if job.next_poll_at is not None else now
    if due <= now:
        return t(f"{job.error_key}_now", locale)
    return t(job.error_key, locale, when=stamp_wait(due))


def held_line(job: Job, position: int, now: float, slots: int | None) -> str:
    """A job the bot itself holds back: its place in the server's line, and what it waits for
    (`slots`: the server's videos-at-once rule, for a job waiting for a free slot)."""
    locale = job.requester.locale
    if job.error_key == HOLD_SLOT:
        if slots is None:
            # The rule was lifted since: it goes with the next look.
            return t("status_line_waiting", locale, job_id=job.id)
        key = "status_hold_slot_one" if slots == 1 else "status_hold_slot"
        reason = t(key, locale, limit=slots)
    else:
        reason = next_try(job, locale, now)
    if job.requester.guild_id is None or job.error_key in _ON_ITS_OWN:
        # Outside servers there is no server's line to stand in; and a submit held for a busy
        # APIMart, or a Discord that did not answer, is tried again on its own while later
        # videos go ahead: no line either.
        return t("status_line_held_personal", locale, job_id=job.id, reason=reason)
    return t("status_line_held", locale, job_id=job.id, position=position, reason=reason)


def queued_line(
    job: Job, now: float, typical: UsualWait | None, waits_for: float | None = None
) -> str:
    """A job in APIMart's own queue: how long such videos usually take here; once it has
    waited there longer than that (APIMart's queue is long), that it is slower than usual and
    since when, as a live stamp: "usually ready in 3-5 minutes" ten minutes on reads as a
    promise broken without a word. Once the bot's give-up (`waits_for`) is near, when that is,
    as a slow render's line says it."""
    locale = job.requester.locale
    usual = typical or UsualWait(None, job.request.resolution)
    accepted = job.submitted_at if job.submitted_at is not None else job.created_at
    progress = job.shown_progress
    values = {"job_id": job.id, "bar": progress_bar(progress), "progress": progress}
    wait = queued_wait(job, now, usual, locale, waits_for)
    if wait is not None:
        key = "status_line_queued_past_wait"
        return t(key, locale, since=stamp(accepted, "R"), wait=wait, **values)
    if usual.overdue(now - accepted):
        key, values["since"] = "status_line_queued_slow", stamp(accepted, "R")
    else:
        key = "status_line_queued"
    return t(key, locale, typical=usual.words(), **values)


def status_line(
    job: Job,
    *,
    position: int | None,
    now: float,
    typical: UsualWait | None = None,
    slots: int | None = None,
    waits_for: float | None = None,
) -> str:
    """The second line: where the job is now. `position` is its place in line where the bot
    holds it back (APIMart renders accepted jobs in parallel: those have none); `typical`
    how long such a job usually takes here (read by the caller)."""
    locale = job.requester.locale
    if job.cancelled:
        # Whatever APIMart does with it now, the channel only ever learns it was cancelled.
        return t("status_line_cancelled", locale, job_id=job.id)
    if job.state is JobState.PROCESSING:
        return t(
            "status_line_processing",
            locale,
            job_id=job.id,
            bar=progress_bar(job.shown_progress),
            progress=job.shown_progress,
            eta=eta_text(job, now, waits_for=waits_for, typical=typical),
        )
    if job.state is JobState.QUEUED:
        return queued_line(job, now, typical, waits_for)
    if job.result_deleted:
        return t("status_line_completed_deleted", locale, job_id=job.id)
    if job.state is JobState.COMPLETED and job.delivered_at is None:
        # Done, its post still on its way (a slow download, Discord failing): not the last
        # progress reading, nor "in the reply below" before there is one.
        return t("status_line_posting", locale, job_id=job.id)
    if job.state.is_final:
        key = final_line_key(job)
        if key in _SAID_BELOW and job.delivered_at is None:
            # Ended, its notice still on its way (Discord failing, tried again later): not the
            # last progress reading and its Cancel button, nor "the member was told" before
            # they were.
            key = f"{key}_telling"
        if key == "status_line_timed_out":
            return t(key, locale, job_id=job.id, until=checks_end(job))
        if key == "status_line_completed_uncopied_private":
            return t(key, locale, job_id=job.id, link_end=link_end(job))
        return t(key, locale, job_id=job.id)
    if job.state is JobState.RECORDED and job.error_key in HOLD_KEYS and position is not None:
        return held_line(job, position, now, slots)
    return t("status_line_waiting", locale, job_id=job.id)


def render_status(
    job: Job,
    *,
    position: int | None,
    now: float,
    typical: UsualWait | None = None,
    slots: int | None = None,
    cost: Message | None = None,
    waits_for: float | None = None,
    prompt_hidden: bool = False,
) -> str:
    """The whole status message: a preview of the prompt shown as typed (`prompt_hidden`: the
    server's AutoMod blocked it, said instead), the settings and references, where the job is,
    and `cost` (what the video is expected to cost) while it is on its way."""
    locale = job.requester.locale
    mention = f"<@{job.requester.user_id}>"
    if job.prompt_withdrawn:
        # The prompt may have been the abuse: only who stopped it stays, in public words.
        reason = t(job.public_cancel_reason, locale)
        lines = [
            t("status_header_withdrawn", locale, mention=mention),
            t("status_line_cancelled_by", locale, job_id=job.id, reason=reason),
        ]
        return fit("\n".join(lines), MESSAGE_CONTENT)
    if prompt_hidden:
        header = t("status_header_automod", locale, mention=mention)
    else:
        header = t(
            "status_header",
            locale,
            mention=mention,
            prompt=preview(job.request.prompt, PROMPT_PREVIEW_CHARS),
        )
    # Small print under the header: what is made, from which of the member's media and how
    # (a mention or reply picks them by itself). The references say how they are used ("1
    # image (first frame)"), so the mode is named only for a video from text.
    media = uses_media(job)
    references = references_summary(job) if media else None
    settings = f"-# {settings_text(job, references, mode=not media)}"
    lines = [
        header,
        settings,
        status_line(
            job, position=position, now=now, typical=typical, slots=slots, waits_for=waits_for
        ),
    ]
    if cost is not None and on_its_way(job):
        lines.append(t("status_line_cost", locale, cost=cost))
    return fit("\n".join(lines), MESSAGE_CONTENT)


def on_its_way(job: Job) -> bool:
    """Still to be made: neither finished nor cancelled."""
    return not job.state.is_final and not job.cancelled
