"""Why APIMart failed a render, read from its free-text reason, so the member is told plainly.

APIMart reports every failed task with the same code (`task_failed`) and a message in the
requested language; its documented causes are content moderation, upstream quota or load, and
upstream timeouts. Anything else is shown as APIMart worded it.
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Literal

from bot.i18n import Message, language_for, msg
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
_EXPLAINED = frozenset(
    {
        "refusal_invalid_duration",
        "refusal_invalid_resolution",
        "refusal_unsupported_image_count",
        "refusal_unsupported_video_count",
    }
)
REFUSAL_KEYS = _EXPLAINED | {
    "refusal_invalid_request_error",
    "refusal_content_policy",
    "refusal_unexplained",
}
# Words the bot cannot pass on as a reason a member reads in English: Chinese, Japanese or
# Korean (APIMart's default language), or only a status line ("HTTP 400", a proxy's page).
_NOT_PLAIN_ENGLISH = re.compile(
    r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]|^HTTP \d+$"
)
CONTENT_CHECK_STATUS = 422


def refusal_reason(message: str, error_type: str | None, status: int | None) -> Message | Quoted:
    """Why APIMart refused a submit, as the member reads it: the documented refusals and a
    content check in the bot's own words (kept by key: each reader reads their language),
    APIMart's own words where they are plain, else a sentence that blames no one."""
    key = f"refusal_{error_type}"
    if key in _EXPLAINED:
        return msg(key)
    if status == CONTENT_CHECK_STATUS or failure_cause(f"{error_type} {message}") is (
        FailureCause.MODERATION
    ):
        return msg("refusal_content_policy")
    said = quoted_sentence(message)
    if said is not None and not _NOT_PLAIN_ENGLISH.search(said.text.strip()):
        return said
    if error_type == "invalid_request_error":
        return msg("refusal_invalid_request_error")
    return msg("refusal_unexplained")


def stored_reason(detail: str) -> Message | Quoted:
    """A closed job's reason as kept: one of the bot's refusal sentences by its key (shown in
    the reader's language), else APIMart's own words, quoted; words that say nothing (kept
    empty, or only "...") are no reason."""
    if detail in REFUSAL_KEYS:
        return msg(detail)
    return quoted_sentence(detail) or msg("refusal_unexplained")


def apimart_language(locale: str | None) -> Literal["zh", "en"]:
    """The language APIMart is asked to write a failed render's reason in, for a requester (or
    reader) of `locale`: Chinese for Chinese readers, Simplified and Traditional alike, else
    English (`failure_cause` reads only those). APIMart writes no Traditional Chinese: a zh-TW
    reader is shown its Chinese words quoted as its own, which they read far more readily than
    English, while every sentence of the bot's around them is Traditional."""
    return "en" if language_for(locale) == "en" else "zh"


def render_failure_reason(said: str, asked_in: str | None, reader: str | None) -> Message | Quoted:
    """APIMart's reason for a failed render as `reader` reads it: its own words when they were
    asked for (in `apimart_language` of `asked_in`, the requester's locale) in the language the
    reader would have asked in, else the bot's sentence for their cause, in the reader's
    language."""
    quoted = quoted_sentence(said)
    if quoted is None:
        return msg("refusal_unexplained")
    if apimart_language(asked_in) == apimart_language(reader):
        return quoted
    return msg(f"cause_{failure_cause(said).value}")
