"""The text of a job's status message, for every state it passes through."""

from __future__ import annotations

from bot.i18n import t
from bot.jobs.eta import Estimate, EtaKind, Prior, estimate_remaining, rounded
from bot.jobs.models import Job, JobState
from bot.text import MESSAGE_CONTENT, PROMPT_PREVIEW_CHARS, fit, preview

BAR_CELLS = 10
_FINAL_LINES = {
    JobState.COMPLETED: "status_line_completed",
    JobState.CANCELLED: "status_line_cancelled",
}


def progress_bar(progress: int) -> str:
    """A ten-cell bar such as ▰▰▰▱▱▱▱▱▱▱."""
    filled = max(0, min(BAR_CELLS, round(progress / 100 * BAR_CELLS)))
    return "▰" * filled + "▱" * (BAR_CELLS - filled)


def time_left(job: Job, now: float) -> Estimate:
    """The render's time left, from its progress readings; APIMart's estimate only as a prior."""
    started = job.submitted_at if job.submitted_at is not None else job.created_at
    return estimate_remaining(job.progress_readings, Prior(started, job.estimated_time), now)


def eta_text(job: Job, now: float) -> str:
    """The time left in words: 'about 3 min left', 'about 40 s left', 'almost done'."""
    locale = job.requester.locale
    estimate = time_left(job, now)
    if estimate.kind is EtaKind.ALMOST_DONE:
        return t("status_eta_soon", locale)
    if estimate.kind is EtaKind.UNKNOWN or estimate.seconds is None:
        return t("status_eta_unknown", locale)
    unit, value = rounded(estimate.seconds)
    if unit == "minutes":
        return t("status_eta_minutes", locale, minutes=value)
    return t("status_eta_seconds", locale, seconds=value)


def status_line(job: Job, *, position: int | None, now: float) -> str:
    """The second line: where the job is now."""
    locale = job.requester.locale
    if job.cancelled:
        # Whatever APIMart does with it now, the channel only ever learns it was cancelled.
        return t("status_line_cancelled", locale, job_id=job.id)
    if job.state is JobState.PROCESSING:
        return t(
            "status_line_processing",
            locale,
            job_id=job.id,
            bar=progress_bar(job.progress),
            progress=job.progress,
            eta=eta_text(job, now),
        )
    if job.state is JobState.QUEUED:
        return t("status_line_queued", locale, job_id=job.id, position=position or 1)
    if job.state.is_final:
        return t(_FINAL_LINES.get(job.state, "status_line_failed"), locale, job_id=job.id)
    return t("status_line_waiting", locale, job_id=job.id)


def render_status(job: Job, *, position: int | None, now: float) -> str:
    """The whole status message, with a preview of the prompt shown as typed."""
    header = t(
        "status_header",
        job.requester.locale,
        mention=f"<@{job.requester.user_id}>",
        prompt=preview(job.request.prompt, PROMPT_PREVIEW_CHARS),
    )
    return fit(f"{header}\n{status_line(job, position=position, now=now)}", MESSAGE_CONTENT)
