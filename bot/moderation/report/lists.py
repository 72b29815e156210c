"""Moderators' lists: recent jobs, the audit of changes, the banned words."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from bot.i18n import Message, msg
from bot.jobs.pricing import amount
from bot.moderation.periods import stamp
from bot.moderation.store import AuditRow, JobRow
from bot.text import CODE_CHARS, LINE_PROMPT_CHARS, code, preview


def job_lines(jobs: Sequence[JobRow], unreadable: Collection[int] = ()) -> list[Message]:
    """Recent jobs with their state, for `/videomod jobs` and a member's history; the prompt
    of one asked for in a channel of `unreadable` (its reader may not open it) is withheld."""
    if not jobs:
        return [msg("mod_jobs_empty")]
    return [_job_line(job, job.channel_id in unreadable) for job in jobs]


def _job_line(job: JobRow, withheld: bool) -> Message:
    about = {
        "job_id": job.id,
        "created": stamp(job.created_at, "R"),
        "member": f"<@{job.user_id}>",
        "state": msg(job.state_key),
        "prompt": msg("mod_job_prompt_hidden")
        if withheld
        else preview(job.prompt, LINE_PROMPT_CHARS),
    }
    if job.credits_cost is None and job.expected_credits is not None and job.held:
        # Not billed yet (on its way, given up on but still followed, its submit's answer
        # lost): what its member was quoted, as its status message says it and the budget
        # holds it.
        key = "mod_job_line_expected_up_to" if job.expected_up_to else "mod_job_line_expected"
        return msg(key, credits=amount(job.expected_credits), **about)
    if job.credits_cost is None and job.expected_credits is not None:
        # Finished, its credits never reported: what the budget counts it at, said as such
        # (for a reference video, the most it may have cost).
        key = "mod_job_line_unreported_up_to" if job.expected_up_to else "mod_job_line_unreported"
        return msg(key, credits=amount(job.expected_credits), **about)
    if job.credits_cost is None:
        # Not charged (yet, or ever): no "- credits" in the line.
        return msg("mod_job_line_no_cost", **about)
    return msg("mod_job_line", credits=amount(job.credits_cost), **about)


def audit_lines(rows: Sequence[AuditRow]) -> list[Message]:
    """The newest moderator changes, for `/videomod audit`."""
    if not rows:
        return [msg("mod_audit_empty")]
    return [
        msg("mod_audit_line", when=stamp(row.created_at, "R"), change=row.change) for row in rows
    ]


def words_lines(patterns: Sequence[str]) -> list[Message]:
    """The banned words, for `/videomod words list`."""
    if not patterns:
        return [msg("mod_words_empty")]
    # A line each: a list longer than one message loses whole words, and says how many
    # ("…and 12 more."), instead of being cut inside one.
    return [
        msg("mod_words_list", count=len(patterns)),
        *(msg("mod_words_item", pattern=code(pattern, CODE_CHARS)) for pattern in patterns),
    ]
