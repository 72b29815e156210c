"""An in-process fake of APIMart's video generation HTTP API, for tests and benchmarks.

The fake is a real aiohttp web server on ``127.0.0.1`` (random free port), so the bot's
HTTP client is exercised end to end. It imitates:

* ``POST /v1/videos/generations`` - submit a video task (validated like the real API);
* ``GET  /v1/tasks/{task_id}``    - poll a task; tasks advance one step per poll;
* ``POST /v1/uploads/images``     - multipart image upload (field ``file``, max 20 MB);
* ``GET  /v1/balance``            - the API key's own quota (APIMart's "token balance"): by
  default a key with no limit of its own (``unlimited_quota`` true, ``remain_balance`` -1);
* ``GET  /v1/user/balance``       - the account's balance, which every key draws on
  (``remain_balance`` drops by each completed task's ``cost``);
* ``GET|HEAD /files/{name}``      - public video downloads (no API key required);
* ``GET|HEAD /uploads/{name}``    - public copies of uploaded images.

Like APIMart, which downloads a task's ``image_urls`` and ``video_urls`` while it works, the fake
fetches them at the task's first poll and fails the task, uncharged, when one does not answer
2xx (a deleted or expired Discord attachment). It reaches loopback only: a URL elsewhere is one
nothing serves, and fails the task as well; ``fetch_references=False`` opts out.

Typical use::

    async with FakeAPIMart() as api:
        api.default_plan = TaskPlan(polls_until_done=3)
        api.fail_next("poll", status=429, retry_after_header="1")
        ...  # run the bot against api.base_url with api.api_key
        await api.wait_for_polls(4)
        assert api.last_task.status == "completed"

Every request is recorded (see :class:`RecordedRequest`); faults scripted with
``fail_next`` / ``delay_next`` / ``malformed_next`` / ``reset_next`` / ``truncate_next`` /
``stall_next`` / ``redirect_next`` are consumed in the order they were added, each by the next
request on a matching route.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import email.utils
import functools
import http
import ipaddress
import itertools
import json
import re
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Final, Literal, Self

import aiohttp
import yarl
from aiohttp import BodyPartReader, hdrs, web
from aiohttp.typedefs import Handler

# --------------------------------------------------------------------------- constants

MODEL: Final = "Omni-Flash-Ext"
DURATIONS: Final = frozenset({4, 6, 8, 10})
RESOLUTIONS: Final = frozenset({"720p", "1080p", "4k"})
ASPECT_RATIOS: Final = frozenset({"16:9", "9:16"})
GENERATION_TYPES: Final = frozenset({"frame", "reference"})
LANGUAGES: Final = frozenset({"zh", "en", "ko", "ja"})
MAX_UPLOAD_BYTES: Final = 20 * 1024 * 1024
AUTH_ERROR_MESSAGE: Final = "身份验证失败，请检查您的API密钥"  # noqa: RUF001 (verbatim)

FaultRoute = Literal["submit", "poll", "upload", "balance", "file", "any"]
"""Routes a fault can target. ``"any"`` means submit, poll or upload: not the balance (the bot
reads it in the background, which would take faults meant for jobs), nor the public ``file``
downloads, which stand for a separate CDN."""

RequestRoute = Literal["submit", "poll", "upload", "balance", "file", "other"]
"""How a recorded request is classified (``file`` covers /files and /uploads downloads)."""

TaskStatus = Literal["pending", "processing", "completed", "failed", "cancelled"]
FinalStatus = Literal["completed", "failed", "cancelled"]

_API_ROUTES: Final = frozenset({"submit", "poll", "upload", "balance"})
_ANY_ROUTES: Final = frozenset({"submit", "poll", "upload"})
_TERMINAL: Final = frozenset({"completed", "failed", "cancelled"})
_DEFAULT_ERROR_TYPES: Final[dict[int, str]] = {
    400: "invalid_request_error",
    401: "authentication_error",
    402: "payment_required",  # APIMart's error table (gateways' `insufficient_quota` too)
    403: "permission_error",
    404: "not_found_error",
    408: "timeout_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "server_error",
    502: "bad_gateway",
    503: "service_unavailable",
    504: "gateway_timeout",
}
_MP4_HEADER: Final = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
_UNSAFE_NAME_CHARS: Final = re.compile(r"[^A-Za-z0-9._-]+")
_json_dumps: Final = functools.partial(json.dumps, ensure_ascii=False)
# A JSON string literal, escapes included.
_JSON_STRING: Final = re.compile(r'"(?:[^"\\]|\\.)*"')
#: How long the fake waits for a reference it fetches, and how many redirects it follows.
_REFERENCE_TIMEOUT: Final = 5.0
_REFERENCE_REDIRECTS: Final = 3
_REDIRECTS: Final = frozenset({301, 302, 303, 307, 308})


# --------------------------------------------------------------------------- records


@dataclass(slots=True)
class RecordedRequest:
    """One request received by the fake (recorded on arrival, before any fault)."""

    method: str
    path: str
    route: RequestRoute
    query: dict[str, str]
    headers: dict[str, str]
    """Request headers; empty when the fake was built with ``record_bodies=False``."""
    json: Any
    """Parsed JSON body, or None (no/invalid JSON body, or ``record_bodies=False``)."""
    time: float
    """Arrival time from the fake's injectable ``clock``."""
    monotonic: float
    """Arrival time from :func:`time.monotonic` (used by :meth:`FakeAPIMart.peak_rate`)."""


@dataclass(slots=True)
class RecordedUpload:
    """An image accepted by ``POST /v1/uploads/images``."""

    filename: str | None
    content_type: str | None
    data: bytes
    url: str

    @property
    def size(self) -> int:
        """Number of bytes uploaded."""
        return len(self.data)


@dataclass(slots=True)
class RecordedDownload:
    """A ``GET``/``HEAD`` of a public file (``/files/...`` or ``/uploads/...``)."""

    path: str
    name: str
    method: str
    authorization: str | None
    """The Authorization header sent, if any (the bot must never send its key here)."""

    @property
    def authorization_sent(self) -> bool:
        """True when the client sent an Authorization header."""
        return self.authorization is not None


@dataclass(slots=True)
class ReferenceFetch:
    """A task's ``image_urls`` or ``video_urls`` entry the fake downloaded, as APIMart does."""

    task_id: str
    url: str
    status: int | None
    """The final answer's HTTP status; None when nothing answered (not on loopback, refused,
    timed out, too many redirects)."""

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


# --------------------------------------------------------------------------- task plans


@dataclass
class TaskPlan:
    """How a newly created task advances; each task gets its own copy.

    Tasks advance one step per poll: the first poll answers ``pending`` (progress 0),
    later polls ``processing`` with evenly rising progress, and poll number
    ``polls_until_done`` answers ``final_status``. ``polls_until_done=0`` finishes the
    task as soon as it is created; ``None`` keeps it processing forever (progress
    creeping up to 95, ``creep`` a poll) until a test calls :meth:`FakeTask.complete` and
    friends.
    """

    polls_until_done: int | None = 2
    creep: int = 10
    """With ``polls_until_done=None``: progress added by each poll after the second. 0 keeps
    the task at 0% until a test sets it (:meth:`FakeTask.set_progress`): members see the most
    progress a task reached, so a value set below what the polls made so far (how many there
    were depends on the machine's speed) would never show."""
    final_status: FinalStatus = "completed"
    estimated_time: int = 240
    actual_time: int | None = None
    """Reported ``actual_time`` once done; None means real elapsed clock seconds."""
    cost: float = 0.4
    credits_cost: int = 4
    video_bytes: int = 1024
    """Size of the fake video registered under /files when the task completes."""
    url_as_string: bool = False
    """Report ``result.videos[0].url`` as a plain string instead of a one-item list."""
    expires_in: int = 86400
    """``expires_at`` = completion clock time + this many seconds."""
    error_message: str = "Video generation failed"


def fake_video_bytes(task_id: str, size: int) -> bytes:
    """Deterministic video-like bytes: an MP4 ``ftyp`` box, the task id, then zeros."""
    prefix = _MP4_HEADER + b"fake-video:" + task_id.encode() + b"\n"
    if size <= len(prefix):
        return prefix[: max(size, 0)]
    return prefix + bytes(size - len(prefix))


class FakeTask:
    """Server-side state of one video task; tests may force its state directly.

    Forcing methods (:meth:`set_progress`, :meth:`complete`, :meth:`fail`,
    :meth:`cancel`) detach the task from its plan: later polls report the forced state.
    """

    def __init__(
        self, owner: FakeAPIMart, task_id: str, request: dict[str, Any], plan: TaskPlan
    ) -> None:
        self._owner = owner
        self.id = task_id
        self.request = request
        """The JSON body that created the task ({} for tasks made by ``create_task``)."""
        self.plan = plan
        self.created: float = owner.now()
        self.status: TaskStatus = "pending"
        self.progress = 0
        self.polls = 0
        """How many times the task was polled (faulted polls excluded)."""
        self.languages: list[str | None] = []
        """The ``language`` query value of each poll, in order."""
        self.pinned = False
        self.completed_at: float | None = None
        self.expires_at: float | None = None
        self.video_url: str | None = None
        self.error_message: str | None = None
        self.error_code = "task_failed"
        self.references_fetched = False

    def __repr__(self) -> str:
        return f"<FakeTask {self.id} {self.status} {self.progress}% polls={self.polls}>"

    @property
    def done(self) -> bool:
        """True once the task is completed, failed or cancelled."""
        return self.status in _TERMINAL

    def set_progress(
        self, progress: int, status: Literal["pending", "processing"] = "processing"
    ) -> None:
        """Force a running state, e.g. ``set_progress(40)``; the task stops following its plan."""
        if not 0 <= progress <= 100:
            raise ValueError(f"progress must be within 0..100, got {progress}")
        self.pinned = True
        self.status = status
        self.progress = progress
        self.completed_at = self.expires_at = self.video_url = self.error_message = None
        self._owner._notify()

    def complete(
        self,
        *,
        data: bytes | None = None,
        url: str | None = None,
        url_as_string: bool | None = None,
        expires_in: int | None = None,
    ) -> str:
        """Finish successfully and return the result URL.

        By default a file of ``plan.video_bytes`` bytes (or ``data``) is registered as
        ``/files/<task id>.mp4``; pass ``url`` to report any other URL instead.
        """
        now = self._owner.now()
        if self.status != "completed":
            self._owner.charge(self.plan.cost)
        if url_as_string is not None:
            self.plan.url_as_string = url_as_string
        if url is None:
            payload = data if data is not None else fake_video_bytes(self.id, self.plan.video_bytes)
            url = self._owner.add_file(f"{self.id}.mp4", payload)
        self.pinned = True
        self.status = "completed"
        self.progress = 100
        self.completed_at = now
        self.expires_at = now + (self.plan.expires_in if expires_in is None else expires_in)
        self.video_url = url
        self.error_message = None
        self._owner._notify()
        return url

    def complete_without_video(self) -> None:
        """Finish as `completed` with no `result` at all (charged), as a broken render might."""
        if self.status != "completed":
            self._owner.charge(self.plan.cost)
        self.pinned = True
        self.status = "completed"
        self.progress = 100
        self.completed_at = self._owner.now()
        self.video_url = None
        self.error_message = None
        self._owner._notify()

    def fail(self, message: str | None = None, *, code: str = "task_failed") -> None:
        """Finish as failed, e.g. ``fail("content moderation refused")``."""
        self.pinned = True
        self.status = "failed"
        self.completed_at = self._owner.now()
        self.error_message = message if message is not None else self.plan.error_message
        self.error_code = code
        self.video_url = self.expires_at = None
        self._owner._notify()

    def cancel(self) -> None:
        """Finish as cancelled."""
        self.pinned = True
        self.status = "cancelled"
        self.completed_at = self._owner.now()
        self.video_url = self.expires_at = self.error_message = None
        self._owner._notify()

    def finish_by_plan(self) -> None:
        """Finish the task the way its plan says (``plan.final_status``)."""
        if self.plan.final_status == "completed":
            self.complete()
        elif self.plan.final_status == "failed":
            self.fail()
        else:
            self.cancel()

    def advance(self) -> None:
        """Count one poll and move the task along its plan (unless done or forced)."""
        self.polls += 1
        if self.done or self.pinned:
            return
        target = self.plan.polls_until_done
        if target is not None and self.polls >= target:
            self.finish_by_plan()
        elif self.polls <= 1:
            self.status, self.progress = "pending", 0
        else:
            self.status = "processing"
            if target is None:
                self.progress = min(95, self.plan.creep * (self.polls - 1))
            else:
                self.progress = 100 * (self.polls - 1) // (target - 1)

    def to_json(self, now: float | None = None) -> dict[str, Any]:
        """The ``data`` object of a ``GET /v1/tasks/{id}`` answer."""
        now = self._owner.now() if now is None else now
        end = self.completed_at if self.completed_at is not None else now
        data: dict[str, Any] = {
            "id": self.id,
            "status": self.status,
            "progress": self.progress,
            "created": int(self.created),
        }
        if self.completed_at is not None:
            data["completed"] = int(self.completed_at)
        if self.done and self.plan.actual_time is not None:
            data["actual_time"] = self.plan.actual_time
        else:
            data["actual_time"] = max(0, int(end - self.created))
        data["estimated_time"] = self.plan.estimated_time
        # Reported only once the task ends (APIMART.md): nothing while it is queued or running.
        if self.status in ("failed", "cancelled"):
            data["cost"], data["credits_cost"] = 0, 0
        elif self.status == "completed":
            data["cost"], data["credits_cost"] = self.plan.cost, self.plan.credits_cost
        if self.status == "failed":
            data["error"] = {"message": self.error_message, "code": self.error_code}
        if self.status == "completed" and self.video_url is not None:
            url: str | list[str] = self.video_url if self.plan.url_as_string else [self.video_url]
            expires = int(self.expires_at) if self.expires_at is not None else None
            data["result"] = {"videos": [{"url": url, "expires_at": expires}]}
        return data


def every_character_escaped(text: str) -> str:
    """JSON `text` with every character of every string written as a `\\uXXXX` escape: the
    same JSON to any reader (as a gateway's writer may escape), sharing no letter with it."""

    def escaped(found: re.Match[str]) -> str:
        units = json.loads(found[0]).encode("utf-16-be")
        return (
            '"'
            + "".join(f"\\u{units[i]:02x}{units[i + 1]:02x}" for i in range(0, len(units), 2))
            + '"'
        )

    return _JSON_STRING.sub(escaped, text)


# --------------------------------------------------------------------------- errors & faults


def error_body(status: int, error_type: str = "", message: str = "") -> dict[str, Any]:
    """The ``{"error": {...}}`` object APIMart answers errors with (defaults by status)."""
    return {
        "error": {
            "code": status,
            "message": message or _default_message(status),
            "type": error_type or _default_error_type(status),
        }
    }


def _default_error_type(status: int) -> str:
    if status in _DEFAULT_ERROR_TYPES:
        return _DEFAULT_ERROR_TYPES[status]
    return "server_error" if status >= 500 else "invalid_request_error"


def _default_message(status: int) -> str:
    if status == 401:
        return AUTH_ERROR_MESSAGE
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return f"HTTP {status}"


class _APIError(Exception):
    """Raised by handlers; turned into an APIMart-style error answer."""

    def __init__(self, status: int, error_type: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.error_type = error_type
        self.message = message

    def response(self) -> web.Response:
        body = error_body(self.status, self.error_type, self.message)
        return web.json_response(body, status=self.status, dumps=_json_dumps)


def _invalid(message: str, error_type: str = "invalid_request_error") -> _APIError:
    return _APIError(400, error_type, message)


@dataclass(slots=True)
class _Fault:
    route: FaultRoute
    kind: Literal["error", "delay", "malformed", "reset", "truncate", "stall", "flood", "redirect"]
    remaining: int
    status: int = 500
    error_type: str = ""
    message: str = ""
    retry_after_header: str | None = None
    retry_after_body: float | None = None
    http200_body_code: int | None = None
    seconds: float = 0.0
    body: str | bytes = ""
    content_type: str = "application/json"
    keep_bytes: int = 0
    location: str = ""

    def matches(self, route: RequestRoute) -> bool:
        return self.route == route or (self.route == "any" and route in _ANY_ROUTES)

    def error_response(self) -> web.Response:
        code = self.http200_body_code if self.http200_body_code is not None else self.status
        payload = error_body(code, self.error_type, self.message)
        if self.retry_after_body is not None:
            payload["error"]["retry_after"] = self.retry_after_body
        headers = {}
        if self.retry_after_header is not None:
            headers[hdrs.RETRY_AFTER] = self.retry_after_header
        if self.http200_body_code is not None:
            payload = {"code": self.http200_body_code, **payload}
            return web.json_response(payload, headers=headers, dumps=_json_dumps)
        return web.json_response(payload, status=self.status, headers=headers, dumps=_json_dumps)


# --------------------------------------------------------------------------- validation


def _is_http_url(value: object) -> bool:
    return isinstance(value, str) and value.startswith(("http://", "https://"))


def _url_list(body: dict[str, Any], key: str) -> list[str]:
    value = body.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        raise _invalid(f"{key} must be a list of URL strings")
    return value


def validate_submit(body: dict[str, Any]) -> None:
    """Refuse a ``POST /v1/videos/generations`` body like APIMart does (raises on error)."""
    if body.get("model") != MODEL:
        raise _invalid(f"model must be '{MODEL}'")
    prompt = body.get("prompt")
    if not isinstance(prompt, str) or not prompt.strip():
        raise _invalid("prompt is required and must be a non-empty string")

    duration = body.get("duration")
    if duration is not None and (
        isinstance(duration, bool) or not isinstance(duration, int) or duration not in DURATIONS
    ):
        raise _invalid(f"duration must be one of {sorted(DURATIONS)}", "invalid_duration")

    resolution = body.get("resolution")
    if resolution is not None and (
        not isinstance(resolution, str) or resolution.lower() not in RESOLUTIONS
    ):
        raise _invalid("resolution must be one of 720p, 1080p, 4k", "invalid_resolution")

    aspect_ratio, size = body.get("aspect_ratio"), body.get("size")
    for key, value in (("aspect_ratio", aspect_ratio), ("size", size)):
        if value is not None and value not in ASPECT_RATIOS:
            raise _invalid(f"{key} must be 16:9 or 9:16")
    if aspect_ratio is not None and size is not None and aspect_ratio != size:
        raise _invalid("aspect_ratio and size must be equal when both are given")

    generation_type = body.get("generation_type")
    if generation_type is not None and generation_type not in GENERATION_TYPES:
        raise _invalid("generation_type must be 'frame' or 'reference'")

    images = _url_list(body, "image_urls")
    # Public URLs only (APIMART.md): inline `data:` images are no URL APIMart takes.
    if not all(_is_http_url(url) for url in images):
        raise _invalid("image_urls must be http(s) URLs")
    if len(images) not in (0, 1, 3):
        raise _invalid("image_urls must hold 0, 1 or 3 images", "unsupported_image_count")
    if generation_type == "frame" and len(images) != 1:
        raise _invalid("frame generation needs exactly 1 image", "unsupported_image_count")
    if len(images) == 3 and generation_type != "reference":
        raise _invalid("3 images are only allowed with reference", "unsupported_image_count")

    videos = _url_list(body, "video_urls")
    if len(videos) > 1:
        raise _invalid("video_urls must hold at most 1 video", "unsupported_video_count")
    if not all(_is_http_url(url) for url in videos):
        raise _invalid("video_urls must be http(s) URLs")
    if videos and duration is not None:
        raise _invalid("duration and video_urls cannot be combined")


def _on_loopback(url: str) -> bool:
    host = yarl.URL(url).host or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# --------------------------------------------------------------------------- the fake

_Handler = Callable[[web.Request, bytes], Awaitable[web.StreamResponse]]


class FakeAPIMart:
    """A fake APIMart server. Start with ``async with FakeAPIMart() as api:``."""

    def __init__(
        self,
        api_key: str = "test-key",
        *,
        clock: Callable[[], float] = time.time,
        submit_shape: Literal["list", "object"] = "list",
        default_plan: TaskPlan | None = None,
        record_bodies: bool = True,
        max_upload_bytes: int = MAX_UPLOAD_BYTES,
        fetch_references: bool = True,
    ) -> None:
        self.api_key = api_key
        """The only key accepted (may be changed at any time, e.g. to simulate revocation)."""
        self.submit_shape: Literal["list", "object"] = submit_shape
        self.default_plan = default_plan if default_plan is not None else TaskPlan()
        """Copied into every task created from now on."""
        self.record_bodies = record_bodies
        self.max_upload_bytes = max_upload_bytes
        self.fetch_references = fetch_references
        """Download each task's references at its first poll and fail it when one cannot be
        (see the module's notes); False for a test whose made-up links nothing serves."""
        self.reference_fetches: list[ReferenceFetch] = []
        self.remain_balance = 1000.0
        """What ``GET /v1/balance`` reports as left; each completed task takes its ``cost``."""
        self.used_balance = 0.0
        self.unlimited_quota = False
        """The account has no limit (``GET /v1/user/balance`` then says ``remain_balance`` -1)."""
        self.key_quota: float | None = None
        """The API key's own limit, which ``GET /v1/balance`` reports (less what the key spent);
        None: a key with no limit of its own, stopped only by the account's balance (a 402)."""
        self.key_used = 0.0
        self.serves_user_balance = True
        """False: ``GET /v1/user/balance`` answers 404, as a gateway that does not pass it on."""
        self.user_balance_refusal: int | None = None
        """An HTTP status ``GET /v1/user/balance`` answers with, every time (401, 403, 500)."""
        self.clock_ahead = 0.0
        """Seconds the service's clock runs ahead of ours (negative: behind), as the ``Date``
        header of its every answer reads it."""
        self.escapes_every_character = False
        """Write every character of every string in a JSON answer as a ``\\uXXXX`` escape
        (see `every_character_escaped`): a key an answer echoes then shares no letter with it."""

        self.requests: list[RecordedRequest] = []
        self.submits: list[dict[str, Any]] = []
        """Bodies of every submit, accepted or refused (bad JSON: ``{"_invalid_json": text}``)."""
        self.polls: list[str] = []
        """Task ids polled, in order (including unknown ids and faulted polls)."""
        self.uploads: list[RecordedUpload] = []
        self.downloads: list[RecordedDownload] = []
        self.files: dict[str, bytes] = {}
        """Public video files served under /files/<name>."""
        self.file_redirects: dict[str, str] = {}
        """/files/<name> answered by a 302 to the URL given (see `redirect_file`)."""
        self.in_flight = 0
        """Requests arrived and not yet answered."""
        self.peak_in_flight = 0
        """The most requests the fake was answering at once."""
        self.flooded_bytes = 0
        """Bytes of endless answers (`flood_next`) the client took before it hung up."""

        self._clock = clock
        self._tasks: dict[str, FakeTask] = {}
        self._uploaded: dict[str, tuple[bytes, str]] = {}
        self._faults: list[_Fault] = []
        self._changed = asyncio.Event()
        self._closing = asyncio.Event()
        self._ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self._base_url: str | None = None
        self._http: aiohttp.ClientSession | None = None

    # ------------------------------------------------------------------ lifecycle

    async def _date_header(self, request: web.Request, response: web.StreamResponse) -> None:
        """Every answer's ``Date``, by the service's clock (`clock_ahead`)."""
        response.headers[hdrs.DATE] = email.utils.formatdate(
            time.time() + self.clock_ahead, usegmt=True
        )

    async def start(self) -> None:
        """Start serving on 127.0.0.1 on a free port."""
        if self._runner is not None:
            raise RuntimeError("FakeAPIMart is already started")
        self._closing.clear()
        app = web.Application(client_max_size=max(64 * 1024 * 1024, self.max_upload_bytes * 2))
        router = app.router
        router.add_post("/v1/videos/generations", self._endpoint("submit", self._submit))
        router.add_get("/v1/tasks/{task_id}", self._endpoint("poll", self._poll))
        router.add_post("/v1/uploads/images", self._endpoint("upload", self._upload))
        router.add_get("/v1/balance", self._endpoint("balance", self._balance))
        router.add_get("/v1/user/balance", self._endpoint("balance", self._user_balance))
        router.add_get("/files/{name}", self._endpoint("file", self._serve_file))
        router.add_get("/uploads/{name}", self._endpoint("file", self._serve_upload))
        router.add_route("*", "/{tail:.*}", self._endpoint("other", self._unknown))
        app.on_response_prepare.append(self._date_header)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self._runner = runner
        host, port = runner.addresses[0][:2]
        self._base_url = f"http://{host}:{port}"
        self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=_REFERENCE_TIMEOUT))

    async def close(self) -> None:
        """Stop serving (idempotent)."""
        runner, self._runner = self._runner, None
        session, self._http = self._http, None
        if session is not None:
            await session.close()
        if runner is not None:
            self._closing.set()
            await runner.cleanup()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>`` (only once started)."""
        if self._base_url is None:
            raise RuntimeError("FakeAPIMart is not started")
        return self._base_url

    def now(self) -> float:
        """Current time from the injected clock."""
        return self._clock()

    # ------------------------------------------------------------------ tasks & files

    def task(self, task_id: str) -> FakeTask:
        """The state of a created task (KeyError if unknown)."""
        return self._tasks[task_id]

    @property
    def task_ids(self) -> list[str]:
        """Ids of all created tasks, oldest first."""
        return list(self._tasks)

    @property
    def last_task(self) -> FakeTask:
        """The most recently created task."""
        if not self._tasks:
            raise LookupError("no task was created")
        return self._tasks[next(reversed(self._tasks))]

    def create_task(
        self,
        task_id: str | None = None,
        *,
        request: dict[str, Any] | None = None,
        plan: TaskPlan | None = None,
    ) -> FakeTask:
        """Create a task without HTTP (e.g. one a restarted bot still remembers)."""
        task_id = task_id if task_id is not None else self._new_task_id()
        if task_id in self._tasks:
            raise ValueError(f"task {task_id} already exists")
        plan = dataclasses.replace(plan if plan is not None else self.default_plan)
        task = FakeTask(self, task_id, request if request is not None else {}, plan)
        self._tasks[task_id] = task
        if plan.polls_until_done is not None and plan.polls_until_done <= 0:
            task.finish_by_plan()
        self._notify()
        return task

    def charge(self, cost: float) -> None:
        """Take ``cost`` from the balance, as APIMart does when a task completes."""
        self.remain_balance -= cost
        self.used_balance += cost
        self.key_used += cost

    @property
    def balance_reads(self) -> int:
        """How many times the balance was asked for: readings of the key's quota (the bot reads
        the account's balance after it, and not when the key is refused)."""
        return sum(1 for request in self.requests_for("balance") if request.path == "/v1/balance")

    def add_file(self, name: str, data: bytes) -> str:
        """Serve ``data`` publicly as ``/files/<name>``; returns its URL."""
        self.files[name] = data
        return f"{self.base_url}/files/{name}"

    def redirect_file(self, name: str, location: str) -> str:
        """Answer ``/files/<name>`` with a 302 to ``location`` (a CDN hop); returns its URL."""
        self.file_redirects[name] = location
        return f"{self.base_url}/files/{name}"

    # ------------------------------------------------------------------ faults

    def fail_next(
        self,
        route: FaultRoute,
        *,
        status: int,
        error_type: str = "",
        message: str = "",
        times: int = 1,
        retry_after_header: str | None = None,
        retry_after_body: float | None = None,
        http200_body_code: int | None = None,
        after: float = 0.0,
    ) -> None:
        """Answer the next ``times`` matching requests with an error.

        ``error_type``/``message`` default from ``status``. ``retry_after_header`` sets a
        ``Retry-After`` header; ``retry_after_body`` adds ``error.retry_after``. With
        ``http200_body_code`` the answer is HTTP 200 with ``{"code": <it>, "error": {...}}``
        (``error.code`` is then that code too; ``status`` is ignored). ``after``: seconds the
        error takes to come (a slow refusal).
        """
        if after < 0:
            raise ValueError("after must be >= 0")
        self._add_fault(
            _Fault(
                route,
                "error",
                times,
                status=status,
                error_type=error_type,
                message=message,
                retry_after_header=retry_after_header,
                retry_after_body=retry_after_body,
                http200_body_code=http200_body_code,
                seconds=after,
            )
        )

    def delay_next(self, route: FaultRoute, seconds: float, times: int = 1) -> None:
        """Wait ``seconds`` before answering the next ``times`` matching requests normally."""
        if seconds < 0:
            raise ValueError("seconds must be >= 0")
        self._add_fault(_Fault(route, "delay", times, seconds=seconds))

    def malformed_next(
        self,
        route: FaultRoute,
        times: int = 1,
        *,
        body: str | bytes = '{"code": 200, "data": ',
        content_type: str = "application/json",
        status: int = 200,
        retry_after_header: str | None = None,
    ) -> None:
        """Answer with a body that is not valid JSON (truncated JSON by default), HTTP 200
        unless ``status`` says otherwise; ``bytes`` are sent as they are (another encoding).
        ``retry_after_header`` sets a ``Retry-After`` header (a gateway's 503 page)."""
        self._add_fault(
            _Fault(
                route,
                "malformed",
                times,
                status=status,
                body=body,
                content_type=content_type,
                retry_after_header=retry_after_header,
            )
        )

    def reset_next(self, route: FaultRoute, times: int = 1) -> None:
        """Drop the connection without answering (client sees ServerDisconnectedError).

        Note: aiohttp's client silently retries an idempotent request (GET, HEAD) once
        after a dropped connection, so use ``times=2`` to make a poll or download fail.
        """
        self._add_fault(_Fault(route, "reset", times))

    def truncate_next(self, times: int = 1, *, keep_bytes: int = 16) -> None:
        """Answer the next ``times`` file downloads 200 with the whole file's Content-Length,
        but send only its first ``keep_bytes`` bytes, then drop the connection."""
        self._add_fault(_Fault("file", "truncate", times, keep_bytes=keep_bytes))

    def stall_next(self, seconds: float, times: int = 1, *, keep_bytes: int = 16) -> None:
        """Start the next ``times`` file downloads (headers and ``keep_bytes`` bytes), then
        stall for ``seconds`` (or until the fake closes) before sending the rest."""
        if seconds < 0:
            raise ValueError("seconds must be >= 0")
        self._add_fault(_Fault("file", "stall", times, seconds=seconds, keep_bytes=keep_bytes))

    def flood_next(self, route: FaultRoute, times: int = 1, *, status: int = 200) -> None:
        """Answer with a body that never ends (a gateway streaming a file, or garbage, at the
        API's path) until the client hangs up; `flooded_bytes` counts what it took."""
        self._add_fault(_Fault(route, "flood", times, status=status))

    def redirect_next(
        self, route: FaultRoute, location: str, *, status: int = 302, times: int = 1
    ) -> None:
        """Answer the next ``times`` matching requests with a redirect to ``location`` (the
        real API never redirects: a proxy, a moved domain or a hijacked answer does)."""
        self._add_fault(_Fault(route, "redirect", times, status=status, location=location))

    def clear_faults(self) -> None:
        """Forget every fault not yet consumed."""
        self._faults.clear()

    @property
    def pending_faults(self) -> int:
        """How many faulty answers are still scripted."""
        return sum(fault.remaining for fault in self._faults)

    # ------------------------------------------------------------------ waiting

    async def wait_until(
        self,
        predicate: Callable[[], bool],
        timeout: float = 15.0,  # noqa: ASYNC109 (a plain timeout keeps test code short)
        what: str = "condition",
    ) -> None:
        """Wait (without polling loops) until ``predicate()`` is true.

        Re-checked whenever a request arrives or is answered, or a task changes state.
        """
        try:
            async with asyncio.timeout(timeout):
                while not predicate():
                    await self._changed.wait()
        except TimeoutError:
            raise TimeoutError(
                f"FakeAPIMart: timed out after {timeout}s waiting for {what}"
            ) from None

    async def wait_for_submits(self, n: int, timeout: float = 15.0) -> None:  # noqa: ASYNC109
        """Wait until at least ``n`` submits (accepted or refused) arrived."""
        await self.wait_until(lambda: len(self.submits) >= n, timeout, f"{n} submits")

    async def wait_for_polls(self, n: int, timeout: float = 15.0) -> None:  # noqa: ASYNC109
        """Wait until at least ``n`` polls arrived."""
        await self.wait_until(lambda: len(self.polls) >= n, timeout, f"{n} polls")

    async def wait_for_downloads(self, n: int, timeout: float = 15.0) -> None:  # noqa: ASYNC109
        """Wait until at least ``n`` public file requests arrived."""
        await self.wait_until(lambda: len(self.downloads) >= n, timeout, f"{n} downloads")

    # ------------------------------------------------------------------ statistics

    @property
    def member_requests(self) -> list[RecordedRequest]:
        """Every request made for members' jobs: all but the bot's own balance reads."""
        return [request for request in self.requests if request.route != "balance"]

    def requests_for(self, route: RequestRoute) -> list[RecordedRequest]:
        """Recorded requests of one route."""
        return [request for request in self.requests if request.route == route]

    def peak_rate(self, window: float = 1.0, *, route: RequestRoute | None = None) -> float:
        """Highest number of requests (per second) seen in any ``window``-second span."""
        if window <= 0:
            raise ValueError("window must be > 0")
        stamps = [r.monotonic for r in self.requests if route is None or r.route == route]
        best = start = 0
        for end, stamp in enumerate(stamps):
            while stamp - stamps[start] >= window:
                start += 1
            best = max(best, end - start + 1)
        return best / window

    # ------------------------------------------------------------------ internals

    def _notify(self) -> None:
        """Wake every ``wait_until`` so it re-checks its predicate."""
        self._changed.set()
        self._changed = asyncio.Event()

    def _new_task_id(self) -> str:
        return f"task_{next(self._ids):06d}{secrets.token_hex(5)}"

    def _add_fault(self, fault: _Fault) -> None:
        if fault.remaining < 1:
            raise ValueError("times must be >= 1")
        self._faults.append(fault)

    def _take_fault(self, route: RequestRoute) -> _Fault | None:
        for index, fault in enumerate(self._faults):
            if fault.matches(route):
                fault.remaining -= 1
                if fault.remaining <= 0:
                    del self._faults[index]
                return fault
        return None

    def _authorized(self, request: web.Request) -> bool:
        return request.headers.get(hdrs.AUTHORIZATION) == f"Bearer {self.api_key}"

    def _endpoint(self, route: RequestRoute, handler: _Handler) -> Handler:
        """Wrap a handler with recording, fault injection and (for API routes) auth."""
        public = route not in _API_ROUTES

        async def endpoint(request: web.Request) -> web.StreamResponse:
            return self._as_written(await answer(request))

        async def answer(request: web.Request) -> web.StreamResponse:
            raw = b"" if route == "upload" or not request.can_read_body else await request.read()
            self._record(request, route, raw)
            self.in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
            try:
                fault = self._take_fault(route)
                if fault is not None:
                    response = await self._apply_fault(fault, request)
                    if response is not None:
                        return response
                if not public and not self._authorized(request):
                    await request.release()
                    raise _APIError(401, "authentication_error", AUTH_ERROR_MESSAGE)
                return await handler(request, raw)
            except _APIError as error:
                await request.release()
                return error.response()
            finally:
                self.in_flight -= 1
                self._notify()

        return endpoint

    def _as_written(self, response: web.StreamResponse) -> web.StreamResponse:
        """The answer as the wire carries it: a JSON one escaped (``escapes_every_character``)."""
        if (
            not self.escapes_every_character
            or not isinstance(response, web.Response)
            or response.content_type != "application/json"
            or not isinstance(response.body, bytes)
        ):
            return response
        text = response.body.decode()
        try:
            json.loads(text)
        except ValueError:
            return response  # a malformed answer stays as scripted
        response.body = every_character_escaped(text).encode()
        return response

    def _record(self, request: web.Request, route: RequestRoute, raw: bytes) -> None:
        parsed: Any = None
        if raw:
            try:
                parsed = json.loads(raw)
            except ValueError:
                parsed = None
            if route == "submit":
                valid = isinstance(parsed, dict)
                self.submits.append(
                    parsed if valid else {"_invalid_json": raw.decode("utf-8", "replace")}
                )
        elif route == "submit":
            self.submits.append({"_invalid_json": ""})
        if route == "poll":
            self.polls.append(request.match_info["task_id"])
        elif route == "file":
            self.downloads.append(
                RecordedDownload(
                    path=request.path,
                    name=request.match_info["name"],
                    method=request.method,
                    authorization=request.headers.get(hdrs.AUTHORIZATION),
                )
            )
        self.requests.append(
            RecordedRequest(
                method=request.method,
                path=request.path,
                route=route,
                query=dict(request.query),
                headers=dict(request.headers) if self.record_bodies else {},
                json=parsed if self.record_bodies else None,
                time=self.now(),
                monotonic=time.monotonic(),
            )
        )
        self._notify()

    async def _apply_fault(self, fault: _Fault, request: web.Request) -> web.StreamResponse | None:
        """Act out a fault; None means "go on and answer normally"."""
        if fault.kind in ("delay", "error") and fault.seconds > 0:
            # Sleep, but wake up early when the fake is closing so close() stays fast.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(fault.seconds):
                    await self._closing.wait()
        if fault.kind == "delay":
            return None
        await request.release()
        if fault.kind in ("truncate", "stall"):
            return await self._serve_file_slowly(fault, request)
        if fault.kind == "flood":
            return await self._flood(fault, request)
        if fault.kind == "error":
            return fault.error_response()
        if fault.kind == "redirect":
            return web.Response(status=fault.status, headers={hdrs.LOCATION: fault.location})
        if fault.kind == "malformed":
            headers = {}
            if fault.retry_after_header is not None:
                headers[hdrs.RETRY_AFTER] = fault.retry_after_header
            if isinstance(fault.body, bytes):
                return web.Response(
                    status=fault.status,
                    body=fault.body,
                    headers={hdrs.CONTENT_TYPE: fault.content_type, **headers},
                )
            return web.Response(
                status=fault.status,
                text=fault.body,
                content_type=fault.content_type,
                headers=headers,
            )
        # "reset": close the socket; the response returned below is never sent.
        if request.transport is not None:
            request.transport.close()
        return web.Response(status=500)

    async def _flood(self, fault: _Fault, request: web.Request) -> web.StreamResponse:
        """An answer whose body goes on until the client hangs up (or the fake closes)."""
        response = web.StreamResponse(
            status=fault.status, headers={hdrs.CONTENT_TYPE: "text/plain"}
        )
        response.enable_chunked_encoding()
        await response.prepare(request)
        chunk = b"x" * (64 * 1024)
        with contextlib.suppress(ConnectionError):
            while not self._closing.is_set():
                await response.write(chunk)
                self.flooded_bytes += len(chunk)
        return response

    async def _serve_file_slowly(
        self, fault: _Fault, request: web.Request
    ) -> web.StreamResponse | None:
        """A download cut short ("truncate") or held up halfway ("stall")."""
        data = self.files.get(request.match_info.get("name", ""))
        if data is None:
            return None  # nothing to cut: answer normally (404)
        response = web.StreamResponse(headers={hdrs.CONTENT_TYPE: "video/mp4"})
        response.content_length = len(data)
        await response.prepare(request)
        await response.write(data[: fault.keep_bytes])
        if fault.kind == "stall":
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(fault.seconds):
                    await self._closing.wait()
            if not self._closing.is_set():
                with contextlib.suppress(ConnectionError):  # the client may have given up
                    await response.write(data[fault.keep_bytes :])
                    await response.write_eof()
                return response
        if request.transport is not None:
            request.transport.close()
        return response

    # ------------------------------------------------------------------ route handlers

    async def _submit(self, request: web.Request, raw: bytes) -> web.StreamResponse:
        try:
            body = json.loads(raw)
        except ValueError:
            raise _invalid("request body must be valid JSON") from None
        if not isinstance(body, dict):
            raise _invalid("request body must be a JSON object")
        validate_submit(body)
        task = self.create_task(request=body)
        data: Any
        if self.submit_shape == "object":
            data = {"id": task.id, "status": "pending", "progress": 0}
        else:
            data = [{"status": "submitted", "task_id": task.id}]
        return web.json_response({"code": 200, "data": data})

    async def _poll(self, request: web.Request, raw: bytes) -> web.StreamResponse:
        task = self._tasks.get(request.match_info["task_id"])
        if task is None:
            raise _APIError(404, "not_found_error", "task not found")
        if not task.references_fetched:
            task.references_fetched = True
            await self._fetch_references(task)
        task.languages.append(request.query.get("language"))
        task.advance()
        return web.json_response({"code": 200, "data": task.to_json()}, dumps=_json_dumps)

    async def _fetch_references(self, task: FakeTask) -> None:
        """Download the task's references as APIMart does; fail it (uncharged) at the first
        that does not answer 2xx: no video is made, or paid for, from a dead link."""
        if not self.fetch_references or task.done or task.pinned:
            return  # a test that forced the task's state has the last word
        for key in ("image_urls", "video_urls"):
            for index, url in enumerate(task.request.get(key) or []):
                fetch = ReferenceFetch(task.id, url, await self._reference_status(url))
                self.reference_fetches.append(fetch)
                if not fetch.ok:
                    answer = "no answer" if fetch.status is None else f"HTTP {fetch.status}"
                    if not (task.done or task.pinned):
                        task.fail(f"Failed to download {key}[{index}] ({answer})")
                    return

    async def _reference_status(self, url: str) -> int | None:
        """The status a reference finally answers (redirects followed), None if nothing does."""
        for _ in range(_REFERENCE_REDIRECTS + 1):
            own = self._own_upload_status(url)
            if own is not None:
                return own
            if not _on_loopback(url) or self._http is None:
                return None  # the fake reaches loopback only: nothing serves this link here
            try:
                async with self._http.get(url, allow_redirects=False) as response:
                    location = response.headers.get(hdrs.LOCATION)
                    if response.status in _REDIRECTS and location:
                        url = str(response.url.join(yarl.URL(location)))
                        continue
                    await response.read()
                    return response.status
            except (aiohttp.ClientError, TimeoutError, ValueError):
                return None
        return None

    def _own_upload_status(self, url: str) -> int | None:
        """The status of a link to an image uploaded here (read directly: APIMart reading its
        own copy is no download by the bot); None for any other link."""
        prefix = f"{self.base_url}/uploads/"
        if not url.startswith(prefix):
            return None
        return 200 if yarl.URL(url).path.removeprefix("/uploads/") in self._uploaded else 404

    async def _upload(self, request: web.Request, raw: bytes) -> web.StreamResponse:
        try:
            reader = await request.multipart()
        except (ValueError, AssertionError, KeyError):
            raise _invalid("expected a multipart/form-data body with a 'file' field") from None
        found: tuple[bytes, str | None, str | None] | None = None
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader) or part.name != "file" or found is not None:
                await part.release()
                continue
            data = bytearray()
            while chunk := await part.read_chunk(256 * 1024):
                data += chunk
                if len(data) > self.max_upload_bytes:
                    limit_mb = self.max_upload_bytes / (1024 * 1024)
                    raise _APIError(
                        413, "request_too_large", f"file exceeds the {limit_mb:g} MB limit"
                    )
            found = (bytes(data), part.filename, part.headers.get(hdrs.CONTENT_TYPE))
        if found is None:
            raise _invalid("missing multipart field 'file'")
        data_bytes, filename, content_type = found
        safe = _UNSAFE_NAME_CHARS.sub("_", filename or "image")[-80:] or "image"
        name = f"{secrets.token_hex(8)}-{safe}"
        url = f"{self.base_url}/uploads/{name}"
        self._uploaded[name] = (data_bytes, content_type or "application/octet-stream")
        self.uploads.append(RecordedUpload(filename, content_type, data_bytes, url))
        return web.json_response({"code": 200, "data": {"url": url}})

    async def _balance(self, request: web.Request, raw: bytes) -> web.StreamResponse:
        # The key's own quota ("token balance"); the shape public APIMart clients read: the
        # fields at the top level, `remain_balance` -1 for a key without a limit.
        unlimited = self.key_quota is None
        remaining = -1.0 if self.key_quota is None else self.key_quota - self.key_used
        return self._balance_answer(remaining, self.key_used, unlimited)

    async def _user_balance(self, request: web.Request, raw: bytes) -> web.StreamResponse:
        if not self.serves_user_balance:
            raise _APIError(404, "not_found_error", f"no route for GET {request.path}")
        if self.user_balance_refusal is not None:
            status = self.user_balance_refusal
            kind = {401: "authentication_error", 403: "permission_error"}.get(status, "api_error")
            raise _APIError(status, kind, "the account's balance is not given to this key")
        remaining = -1.0 if self.unlimited_quota else self.remain_balance
        return self._balance_answer(remaining, self.used_balance, self.unlimited_quota)

    @staticmethod
    def _balance_answer(remaining: float, used: float, unlimited: bool) -> web.Response:
        return web.json_response(
            {
                "success": True,
                "remain_balance": round(remaining, 6),
                "used_balance": round(used, 6),
                "unlimited_quota": unlimited,
            }
        )

    async def _serve_file(self, request: web.Request, raw: bytes) -> web.StreamResponse:
        location = self.file_redirects.get(request.match_info["name"])
        if location is not None:
            return web.Response(status=302, headers={hdrs.LOCATION: location})
        data = self.files.get(request.match_info["name"])
        if data is None:
            raise _APIError(404, "not_found_error", "file not found")
        return web.Response(body=data, content_type="video/mp4")

    async def _serve_upload(self, request: web.Request, raw: bytes) -> web.StreamResponse:
        stored = self._uploaded.get(request.match_info["name"])
        if stored is None:
            raise _APIError(404, "not_found_error", "file not found")
        data, content_type = stored
        return web.Response(body=data, headers={hdrs.CONTENT_TYPE: content_type})

    async def _unknown(self, request: web.Request, raw: bytes) -> web.StreamResponse:
        raise _APIError(404, "not_found_error", f"no route for {request.method} {request.path}")
