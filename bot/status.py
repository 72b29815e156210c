"""The text of a job's status message, for every state it passes through."""

from __future__ import annotations

from bot.i18n import t
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


def eta_text(job: Job, now: float) -> str:
    """Time left from the API's estimate, or 'almost done' once it is used up."""
    locale = job.requester.locale
    if job.estimated_time is None or job.submitted_at is None:
        return t("status_eta_soon", locale)
    left = job.submitted_at + job.estimated_time - now
    if left < 60:
        return t("status_eta_soon", locale)
    return t("status_eta_minutes", locale, minutes=round(left / 60))


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
    if job.result_deleted:
        return t("status_line_completed_deleted", locale, job_id=job.id)
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
