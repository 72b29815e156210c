"""Request and response bodies of the video API, parsed tolerantly."""

from __future__ import annotations

import enum
import logging
import math
import urllib.parse
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from bot.apimart.errors import MalformedResponseError
from bot.logs import without_link_signatures

log = logging.getLogger(__name__)

MODEL_NAME = "Omni-Flash-Ext"
DURATIONS: tuple[int, ...] = (4, 6, 8, 10)
RESOLUTIONS: tuple[str, ...] = ("720p", "1080p", "4k")
ASPECT_RATIOS: tuple[str, ...] = ("16:9", "9:16")

GenerationType = Literal["frame", "reference"]


def without_fragment(url: str) -> str:
    """`url` as it is fetched: a fragment is never sent over HTTP (the bot's mark re-hosted
    copies with one, bot/media_refresh.py)."""
    return url.split("#", 1)[0]


class VideoRequest(BaseModel):
    """One generation request, already validated against the API's rules."""

    model_config = ConfigDict(frozen=True)

    prompt: str
    duration: int | None = None
    resolution: str = "720p"
    aspect_ratio: str = "16:9"
    generation_type: GenerationType | None = None
    image_urls: tuple[str, ...] = ()
    video_urls: tuple[str, ...] = ()

    def to_payload(self) -> dict[str, object]:
        """The JSON body exactly as the API wants it."""
        payload: dict[str, object] = {
            "model": MODEL_NAME,
            "prompt": self.prompt,
            "resolution": self.resolution,
            "aspect_ratio": self.aspect_ratio,
        }
        # The API refuses `duration` together with a reference video.
        if self.duration is not None and not self.video_urls:
            payload["duration"] = self.duration
        if self.image_urls:
            payload["image_urls"] = [without_fragment(url) for url in self.image_urls]
            if self.generation_type is not None:
                payload["generation_type"] = self.generation_type
        if self.video_urls:
            payload["video_urls"] = [without_fragment(url) for url in self.video_urls]
        return payload


class SubmitResult(BaseModel):
    """What a successful submit tells us."""

    model_config = ConfigDict(frozen=True)

    task_id: str
    status: str = "submitted"


class TaskStatus(enum.StrEnum):
    """A task's state as the API reports it."""

    PENDING = "pending"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def is_final(self) -> bool:
        """Whether the task will not change any more."""
        return self in {TaskStatus.COMPLETED, TaskStatus.FAILED, TaskStatus.CANCELLED}


class TaskInfo(BaseModel):
    """A polled task, flattened to what the bot uses."""

    model_config = ConfigDict(frozen=True)

    task_id: str
    status: TaskStatus
    progress: int = Field(default=0, ge=0, le=100)
    estimated_time: int | None = None
    actual_time: int | None = None
    cost: float | None = None
    credits_cost: float | None = None
    video_url: str | None = None
    expires_at: int | None = None
    error_message: str | None = None


def parse_submit(body: Mapping[str, Any]) -> SubmitResult:
    """Read a submit answer: `data` as a list with `task_id` or an object with `id`."""
    data = body.get("data")
    entry = data[0] if isinstance(data, list) and data else data
    if not isinstance(entry, Mapping):
        raise MalformedResponseError("submit answer has no task in `data`")
    task_id = entry.get("task_id") or entry.get("id")
    if not isinstance(task_id, str) or not task_id:
        raise MalformedResponseError("submit answer has no task id")
    return SubmitResult(task_id=task_id, status=str(entry.get("status") or "submitted"))


def _first_video(result: object) -> tuple[str | None, int | None]:
    """The first video URL and its expiry; `url` may be a list or a string."""
    if not isinstance(result, Mapping):
        return None, None
    videos = result.get("videos")
    if not isinstance(videos, list) or not videos or not isinstance(videos[0], Mapping):
        return None, None
    video = videos[0]
    url = video.get("url")
    if isinstance(url, list):
        url = next((item for item in url if isinstance(item, str) and item), None)
    expires_at = _optional_number(video.get("expires_at"))
    return (
        web_link(url) if isinstance(url, str) else None,
        int(expires_at) if expires_at is not None else None,
    )


# Kept as they are in a link; anything else (spaces, line breaks, `<>`, brackets of a markdown
# link) is percent-encoded, which a web server reads the same.
_LINK_SAFE = "%:/?#@!$&'*+,;=~[]"


def web_link(url: str) -> str | None:
    """APIMart's result link as members may be shown it: an http(s) link, written so that it
    stays one link in a message (a spoofed answer cannot add lines, a heading or a second
    link); None for anything else."""
    try:
        parts = urllib.parse.urlsplit(urllib.parse.quote(url.strip(), safe=_LINK_SAFE))
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            return None
        parts.port  # noqa: B018 (raises for a port out of range, as a download would)
    except ValueError:  # an unclosed IPv6 bracket, a bad port, an unencodable character
        return None
    return parts.geturl()


# No count, duration, timestamp (about 1.8e9 today) or cost APIMart reports comes near this:
# larger is a broken answer, which might not even fit the database's integer columns.
_PLAUSIBLE = 1e12


def _optional_number(value: object) -> float | None:
    """A number from an answer, also written as a string ("4"); None for anything else, also
    `NaN` and `Infinity` (which JSON readers accept) and the implausibly large, which no
    count, time or cost can be."""
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            return None
    if not isinstance(value, int | float) or isinstance(value, bool):
        return None
    number = float(value)
    return number if math.isfinite(number) and abs(number) < _PLAUSIBLE else None


# The longest estimate that means anything: no render is planned a day ahead. (A larger one
# would not even fit PostgreSQL's INTEGER column past 2**31 s.)
_LONGEST_ESTIMATE = 86_400


def estimate_seconds(seconds: float | None) -> int | None:
    """An `estimated_time` in whole seconds; None where it is no estimate (none, negative, or
    past a day)."""
    if seconds is None or not 0 <= seconds <= _LONGEST_ESTIMATE:
        return None
    return int(seconds)


_STATUSES = frozenset(status.value for status in TaskStatus)


def reports_a_status(body: Mapping[str, Any]) -> bool:
    """A task answer naming one of the statuses APIMart documents."""
    data = body.get("data")
    return isinstance(data, Mapping) and str(data.get("status") or "").lower() in _STATUSES


def parse_task(body: Mapping[str, Any], task_id: str) -> TaskInfo:
    """Read a poll answer; unknown statuses count as still running."""
    data = body.get("data")
    if not isinstance(data, Mapping):
        raise MalformedResponseError("task answer has no `data` object")
    raw_status = str(data.get("status") or "").lower()
    try:
        status = TaskStatus(raw_status)
    except ValueError:
        log.warning("Task %s has unknown status %r; treating it as processing", task_id, raw_status)
        status = TaskStatus.PROCESSING
    url, expires_at = _first_video(data.get("result"))
    error = data.get("error")
    error_message = None
    if isinstance(error, Mapping):
        # Only the message is a reason: the code is `task_failed` on every failed task.
        error_message = str(error.get("message") or "").strip() or None
    elif isinstance(error, str) and error:
        error_message = error
    if error_message is not None:
        # Kept as the job's reason, shown and logged: a member's signed link it quotes (an
        # image APIMart could not fetch) would open their file to whoever reads it.
        error_message = without_link_signatures(error_message, marked=False)
    progress = _optional_number(data.get("progress"))
    estimated = _optional_number(data.get("estimated_time"))
    actual = _optional_number(data.get("actual_time"))
    return TaskInfo(
        task_id=str(data.get("id") or task_id),
        status=status,
        progress=min(100, max(0, int(progress or 0))),
        estimated_time=estimate_seconds(estimated),
        actual_time=int(actual) if actual is not None else None,
        cost=_optional_number(data.get("cost")),
        credits_cost=_optional_number(data.get("credits_cost")),
        video_url=url,
        expires_at=expires_at,
        error_message=error_message,
    )


class Balance(BaseModel):
    """A balance as `GET /v1/balance` (the API key's own quota) or `GET /v1/user/balance` (the
    account's) reports it, in the account's currency."""

    model_config = ConfigDict(frozen=True)

    remain_balance: float
    used_balance: float
    unlimited_quota: bool = False


def parse_balance(body: Mapping[str, Any]) -> Balance:
    """Read a balance answer: the fields at the top level, or inside a `data` object."""
    data = body.get("data")
    fields: Mapping[str, Any] = data if isinstance(data, Mapping) else body
    remain = _optional_number(fields.get("remain_balance"))
    used = _optional_number(fields.get("used_balance"))
    unlimited = fields.get("unlimited_quota") is True
    if remain is None and not unlimited:
        raise MalformedResponseError("balance answer has no `remain_balance`")
    return Balance(
        remain_balance=remain if remain is not None else 0.0,
        used_balance=used if used is not None else 0.0,
        unlimited_quota=unlimited,
    )


def binding_balance(key: Balance, account: Balance) -> Balance:
    """What the bot may still spend: the key's quota and the account's balance each stop every
    video when they run out (a key without a limit of its own still draws on the account), so
    the smaller of those with a limit; unlimited only when neither has one."""
    limited = [balance for balance in (key, account) if not balance.unlimited_quota]
    return min(limited, key=lambda balance: balance.remain_balance, default=account)
