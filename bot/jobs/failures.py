"""Why APIMart failed a render, read from its free-text reason, so the member is told plainly.

APIMart reports every failed task with the same code (`task_failed`) and a message in the
requested language; its documented causes are content moderation, upstream quota or load, and
upstream timeouts. Anything else is shown as APIMart worded it.
"""

from __future__ import annotations

from enum import Enum

from bot.i18n import Message, msg
from bot.text import Quoted, quoted_sentence


class FailureCause(Enum):
    """What a member should do next depends on this, not on the exact wording."""

    MODERATION = "moderation"  # rephrase
    UPSTREAM_BUSY = "upstream_busy"  # try later; nothing wrong with the request
    UPSTREAM_TIMEOUT = "upstream_timeout"  # try later
    OTHER = "other"


# Lowercase fragments, English and Chinese (APIMart answers in the member's language).
_MARKERS: tuple[tuple[FailureCause, tuple[str, ...]], ...] = (
    (
        FailureCause.MODERATION,
        (
            "moderat",
            "sensitive",
            "content policy",
            "usage policy",
            "policy violation",
            "safety",
            "violat",
            "inappropriate",
            "nsfw",
            "prohibited",
            "审核",
            "敏感",
            "违规",
            "违反",
            "不当内容",
        ),
    ),
    (FailureCause.UPSTREAM_TIMEOUT, ("timeout", "timed out", "time out", "超时")),
    (
        FailureCause.UPSTREAM_BUSY,
        (
            "quota",
            "busy",
            "overload",
            "capacity",
            "rate limit",
            "too many requests",
            "exhausted",
            "insufficient",
            "unavailable",
            "额度",
            "配额",
            "繁忙",
            "限流",
            "过载",
            "资源不足",
        ),
    ),
)


def failure_cause(reason: str | None) -> FailureCause:
    """The cause behind APIMart's reason for a failed task."""
    text = (reason or "").lower()
    for cause, markers in _MARKERS:
        if any(marker in text for marker in markers):
            return cause
    return FailureCause.OTHER


# APIMart's documented refusals of a submit, which the bot explains in its own words (APIMart's
# text may be Chinese); a job refused so keeps the key as its reason (`error_message`).
REFUSAL_KEYS = frozenset(
    {
        "refusal_invalid_duration",
        "refusal_invalid_resolution",
        "refusal_unsupported_image_count",
        "refusal_unsupported_video_count",
    }
)


def stored_reason(detail: str) -> Message | Quoted:
    """A closed job's reason as kept: one of the bot's refusal sentences by its key (shown in
    the reader's language), else APIMart's own words, quoted."""
    return msg(detail) if detail in REFUSAL_KEYS else quoted_sentence(detail)
