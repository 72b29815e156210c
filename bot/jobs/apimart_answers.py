"""APIMart's answer to a submit, read: what the member is told of a refusal, and what is kept
of it (the helpers `JobService` and its parts share)."""

from __future__ import annotations

from bot.apimart import (
    APIMartError,
    AuthenticationError,
    InvalidRequestError,
    PaymentRequiredError,
)
from bot.i18n import Message, msg
from bot.jobs.failures import refusal_reason
from bot.jobs.kept_tasks import Kept, KeptNothingMade, KeptTask
from bot.jobs.models import Job
from bot.text import Quoted


def _named(answer: Kept) -> str:
    """APIMart's answer as the log lines about writing it down name it."""
    return f"its task id {answer.task_id}" if isinstance(answer, KeptTask) else "APIMart's answer"


def _refusal(job: Job, error: APIMartError) -> Message | None:
    """What the member is told of APIMart's refusal of `job` (nothing was made); None when
    the error may pass (busy, unreachable), so the job waits and is sent again."""
    if isinstance(error, AuthenticationError):
        return msg("service_misconfigured")
    if isinstance(error, PaymentRequiredError):
        # Outside servers no moderator will say it is back.
        return msg("service_unpaid" if job.requester.guild_id is not None else "personal_paused")
    if isinstance(error, InvalidRequestError):
        reason = refusal_reason(error.message, error.error_type, error.status)
        return msg("rejected_by_service", reason=reason)
    return None


def _reused_task(job_id: int, job_created_at: float | None) -> KeptNothingMade:
    """The kept answer of a job whose task id APIMart gave another job: it started nothing of
    its own, and is refused (`service_reused_task`)."""
    return KeptNothingMade(
        job_id,
        refused=True,
        key=msg("service_reused_task").key,
        detail=None,
        job_created_at=job_created_at,
    )


def _detail(message: Message) -> str | None:
    """What is kept of a closing message's reason: the API's own words as they came (less a
    closing full stop; every message that shows them quotes them), or our own sentence's key."""
    reason = message.values.get("reason")
    detail = (
        reason.text
        if isinstance(reason, Quoted)
        else reason.key
        if isinstance(reason, Message)
        else reason
    )
    return str(detail) if detail is not None else None
