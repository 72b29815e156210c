"""The APIMart HTTP client: one shared session, typed answers, bounded retries."""

from __future__ import annotations

import asyncio
import json
import logging
import math
import random
import time
import urllib.parse
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any, ParamSpec, TypeVar

import aiohttp
import yarl

from bot.apimart.errors import (
    APIConnectionError,
    APIMartError,
    AuthenticationError,
    InvalidRequestError,
    MalformedResponseError,
    PaymentRequiredError,
    RateLimitError,
    ServerError,
    SubmitOutcomeUnknownError,
    TaskNotFoundError,
)
from bot.apimart.models import (
    Balance,
    SubmitResult,
    TaskInfo,
    VideoRequest,
    binding_balance,
    parse_balance,
    parse_submit,
    parse_task,
    reports_a_status,
)
from bot.apimart.scrub import without_key, without_key_anywhere
from bot.observability.metrics import Metrics

log = logging.getLogger(__name__)

SUBMIT_PATH = "/v1/videos/generations"
TASK_PATH = "/v1/tasks/{task_id}"
UPLOAD_PATH = "/v1/uploads/images"
# The largest image APIMart's upload endpoint takes (its documented 20 MB).
UPLOAD_MAX_BYTES = 20 * 1024 * 1024
BALANCE_PATH = "/v1/balance"  # the API key's own quota
USER_BALANCE_PATH = "/v1/user/balance"  # the account's balance, which every key draws on
TASK_LANGUAGES = frozenset({"zh", "en", "ko", "ja"})
# The account's balance refused to a key its own quota was just read with (401, 403), or not
# there at all (404, a gateway that does not pass it on): the key's quota is read alone. Not
# the key refused: videos are still made with it.
_NO_ACCOUNT_BALANCE = frozenset({401, 403, 404})

# Past any answer APIMart gives (a task's status is well under a kilobyte, a gateway's error
# page a few dozen): more is a gateway streaming a file or garbage at the API's path, not read
# on (in memory, once for each of the hundreds of checks that may be in flight).
MAX_ANSWER_BYTES = 1024 * 1024
_CHUNK = 64 * 1024

# Gateways answer these when the request never reached the service, so a submit may be resent.
# Not 504: a gateway that timed out had passed the request on (the task may exist).
_SUBMIT_SAFE_SERVER_STATUSES = frozenset({502, 503})

Sleep = Callable[[float], Awaitable[None]]
# Whether a 2xx answer holds what was asked for (a task id, a task's status).
Answered = Callable[[Mapping[str, Any]], bool]


def _never_reached_apimart(error: ServerError) -> bool:
    """A gateway's 502 or 503: the submit may be sent again."""
    return error.status in _SUBMIT_SAFE_SERVER_STATUSES and not error.reached_service


def endpoint_label(path: str) -> str:
    """The path as a metric label: one label for every task's status, not one per task id."""
    if path.startswith(TASK_PATH.split("{", 1)[0]):
        return TASK_PATH
    return path


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to retry transient failures."""

    max_retries: int = 4
    base_delay: float = 1.0
    max_delay: float = 30.0
    max_retry_after: float = 120.0
    rng: random.Random = field(default_factory=random.Random, compare=False)

    def delay(self, attempt: int, error: APIMartError) -> float:
        """Seconds to wait before retry number `attempt` (0-based)."""
        # A 429's wait, or a 503's pause (the service down for upkeep): the server's own word.
        if isinstance(error, RateLimitError | ServerError) and error.retry_after is not None:
            return min(max(error.retry_after, 0.0), self.max_retry_after)
        backoff = min(self.base_delay * 2.0**attempt, self.max_delay)
        # Equal jitter: never retry in lockstep with every other waiting job.
        return backoff / 2 + self.rng.uniform(0, backoff / 2)


def _pause_asked(status: int, headers: Mapping[str, str], body: Mapping[str, Any]) -> float | None:
    """A 503's `Retry-After`: the service asking for a pause (HTTP's meaning), not a fault."""
    return _retry_after(headers, body) if status == 503 else None


def _retry_after(headers: Mapping[str, str], body: Mapping[str, Any]) -> float | None:
    """The server's wait hint from the `Retry-After` header or a `retry_after` body field."""
    candidates: list[object] = [headers.get("Retry-After"), body.get("retry_after")]
    error = body.get("error")
    if isinstance(error, Mapping):
        candidates.append(error.get("retry_after"))
    for candidate in candidates:
        if candidate is None:
            continue
        try:
            wait = float(str(candidate))
        except ValueError:
            pass
        else:
            # `nan` parses, and would slip past every cap (a sleep that never ends); a negative
            # wait is no hint, and must not hide the body's.
            if math.isfinite(wait) and wait >= 0:
                return wait
            continue
        try:
            # HTTP also allows a date: `Retry-After: Wed, 21 Oct 2026 07:28:00 GMT`.
            until = parsedate_to_datetime(str(candidate)).timestamp()
        except (TypeError, ValueError):
            continue
        return max(0.0, until - _answered_at(headers))
    return None


def _answered_at(headers: Mapping[str, str]) -> float:
    """When the service answered, by its own clock (the answer's `Date`), else by ours: a
    `Retry-After` date is its clock's, and a host clock minutes off would otherwise retry at
    once, or wait minutes for nothing."""
    try:
        return parsedate_to_datetime(headers.get("Date") or "").timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return time.time()


async def _answer_body(response: aiohttp.ClientResponse) -> bytes | None:
    """The answer's body, or None when it is larger than `MAX_ANSWER_BYTES` (the rest unread)."""
    declared = response.content_length
    encoding = response.headers.get(aiohttp.hdrs.CONTENT_ENCODING, "").lower()
    # An encoded body's length is its packed size: only a plain one's says it is too large.
    if declared is not None and declared > MAX_ANSWER_BYTES and encoding in ("", "identity"):
        return None
    body = bytearray()
    async for chunk in response.content.iter_chunked(_CHUNK):
        body += chunk
        if len(body) > MAX_ANSWER_BYTES:
            return None
    return bytes(body)


def _decoded(raw: bytes, charset: str | None) -> str:
    """The body as text, never failing: a gateway's error page may come in any encoding, and
    what it says matters less than its HTTP status (JSON itself is UTF-8)."""
    try:
        return raw.decode(charset or "utf-8", errors="replace")
    except LookupError:  # a charset Python does not know
        return raw.decode("utf-8", errors="replace")


# The HTTP status each documented error `type` comes with (APIMART's error table).
_STATUS_OF_TYPE: dict[str, int] = {
    "invalid_request_error": 400,
    "invalid_duration": 400,
    "invalid_resolution": 400,
    "unsupported_image_count": 400,
    "unsupported_video_count": 400,
    "authentication_error": 401,
    "payment_required": 402,
    # The names OpenAI-style gateways in front of APIMart give the same refusals: a spent
    # quota (an OpenAI-style `type`; the account's or the key's, as the new-api gateways that
    # APIMart's balance endpoints come from name it in `error.code`, answered with a 403).
    "insufficient_quota": 402,
    "insufficient_user_quota": 402,
    "pre_consume_token_quota_failed": 402,
    "permission_error": 403,
    "not_found_error": 404,
    "timeout_error": 504,  # "timed out while processing": the task may exist
    "request_too_large": 413,
    "rate_limit_error": 429,
}


def _named_status(details: Mapping[str, Any]) -> int | None:
    """The HTTP status an error's name stands for: its `type` (APIMart's documented ones), else
    a word in its `code` (where new-api gateways name it, beside a `type` of their own)."""
    for name in (details.get("type"), details.get("code")):
        if isinstance(name, str) and name in _STATUS_OF_TYPE:
            return _STATUS_OF_TYPE[name]
    return None


_P = ParamSpec("_P")
_T = TypeVar("_T")


def _read(parse: Callable[_P, _T], *args: _P.args, **kwargs: _P.kwargs) -> _T:
    """`parse(...)` of an answer; an answer its parser did not foresee (a bug's exception) is a
    malformed one, never a crash that a poll would meet again every round."""
    try:
        return parse(*args, **kwargs)
    except MalformedResponseError:
        raise
    except (ValueError, TypeError, KeyError, IndexError, AttributeError) as error:
        raise MalformedResponseError(f"unreadable answer ({type(error).__name__})") from None


def _success_code(code: object) -> bool:
    """A number gateways write for "no error": 0 or any 2xx."""
    return type(code) is int and (code == 0 or 200 <= code < 300)


# What gateways write as the `message` of an `error` that is none.
_NO_ERROR_MESSAGES = frozenset({"", "success", "ok"})


def _says_no_error(error: object) -> bool:
    """An `error` field beside a 2xx answer that reports no error: empty (`""`, `{}`, null),
    or a gateway's `{"code": 0, "message": ""}` or `{"code": 200, "message": "success"}`."""
    if not error:
        return True
    if not isinstance(error, Mapping) or error.get("type"):
        return False
    message = str(error.get("message") or "").strip().lower()
    return _success_code(error.get("code", 0)) and message in _NO_ERROR_MESSAGES


def _names_a_task(body: Mapping[str, Any]) -> bool:
    """A submit answer that names its task: the task exists, whatever else the body says."""
    try:
        _read(parse_submit, body)
    except MalformedResponseError:
        return False
    return True


def _error_from_answer(
    status: int, headers: Mapping[str, str], body: Mapping[str, Any]
) -> APIMartError | None:
    """The error an answer carries, also when it hides behind HTTP 200."""
    error = body.get("error")
    body_code = body.get("code")
    # Any 2xx is an answer: a submit accepted with a 201 or 202 has its task, and sent again
    # it would be billed twice. An `error` saying "none" beside one is a gateway's habit, and
    # so is a body `code` of 0 or another 2xx beside the data (any other number says no).
    accepted = 200 <= status < 300
    refused_in_body = type(body_code) is int and not _success_code(body_code)
    if accepted and _says_no_error(error) and not refused_in_body:
        return None
    details: Mapping[str, Any] = error if isinstance(error, Mapping) else {}
    error_type = details.get("type")
    kind = str(error_type) if error_type is not None else None
    named = _named_status(details)
    code = status
    if accepted:
        # The number may be in `error.code` or the body's `code` (the other may be a word, as
        # APIMart's `task_failed`); without one, the documented `type` says what it is. Only
        # an error nothing identifies counts as a server error: the submit may have landed.
        numbers = [
            c for c in (details.get("code"), body_code) if type(c) is int and not _success_code(c)
        ]
        code = numbers[0] if numbers else named or 500
    elif 400 <= status < 500 and named == 402:
        # A spent quota OpenAI-style gateways answer with a 429, new-api ones with a 403: no
        # wait ends it, so it pauses videos and alerts the moderators as a 402 does (taken for
        # a rate limit or a proxy's passing refusal, every job would be resent for half an
        # hour, then given up on).
        code = 402
    message = str(details.get("message") or body.get("message") or f"HTTP {code}")
    if code == 429:
        return RateLimitError(
            message, status=code, error_type=kind, retry_after=_retry_after(headers, body)
        )
    # A timeout APIMart itself reports beside an answer (HTTP 2xx), numbered or named, is
    # its own "timed out while processing": the request reached it and the task may exist.
    its_own_timeout = accepted and (code == 408 or kind == "timeout_error")
    if code >= 500 or its_own_timeout:
        server_error = ServerError(
            message,
            status=code,
            error_type=kind,
            retry_after=_pause_asked(status, headers, body),
        )
        server_error.reached_service = accepted
        return server_error
    error_classes: dict[int, type[APIMartError]] = {
        400: InvalidRequestError,
        401: AuthenticationError,
        402: PaymentRequiredError,
        404: TaskNotFoundError,
    }
    error_class = error_classes.get(code)
    if error_class is None:
        # Another 4xx (a content check's 422, a 413) refuses the request as sent: sending it
        # again changes nothing. A timeout (408), "too early" (425) or a proxy's 403 may pass.
        passing = code in _PASSING_REFUSALS or not 400 <= code < 500
        error_class = APIMartError if passing else InvalidRequestError
    return error_class(message, status=code, error_type=kind)


_PASSING_REFUSALS = frozenset({403, 408, 425})


class APIMartClient:
    """Talks to APIMart; never logs the key, never resends a submit that may have landed."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        *,
        base_url: str,
        api_key: str,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        sleep: Sleep = asyncio.sleep,
        metrics: Metrics | None = None,
    ) -> None:
        self._session = session
        self._base_url = base_url.rstrip("/")
        self._api_key = api_key
        # Getting a connection (a free one in the pool, then the handshake) and the answer are
        # timed apart: a submit that never got a connection was not sent, so it is safe to send
        # again; one that timed out later may have reached APIMart.
        self._timeout = aiohttp.ClientTimeout(total=2 * timeout, connect=timeout, sock_read=timeout)
        self._retry = retry or RetryPolicy()
        self._sleep = sleep
        self._metrics = metrics if metrics is not None else Metrics()
        # The account's balance was refused (`_NO_ACCOUNT_BALANCE`): said once, not each read.
        self._account_balance_refused = False

    def __repr__(self) -> str:
        return f"<APIMartClient base_url={self._base_url!r}>"

    @property
    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._api_key}", "Accept": "application/json"}

    async def submit(self, request: VideoRequest, *, once: bool = False) -> SubmitResult:
        """Create a task; raises `SubmitOutcomeUnknownError` when the answer was lost, or was a
        server error that may come after the task was created (a 500, unlike a gateway's 502,
        503 or 504): sent again, it could be paid twice.

        `once`: one request whatever the retry policy, a 429 raised at once: the caller sends
        again itself, once it has read whether the job was cancelled meanwhile."""
        try:
            body = await self._call(
                "POST",
                SUBMIT_PATH,
                json_body=request.to_payload(),
                submit=True,
                answered=_names_a_task,
                retries=0 if once else None,
            )
        except ServerError as error:
            if _never_reached_apimart(error):
                raise
            raise SubmitOutcomeUnknownError(
                f"the submit failed on APIMart's side ({error.message}); the task may exist"
            ) from None
        try:
            return _read(parse_submit, body)
        except MalformedResponseError as error:
            # The API said yes but we cannot read the task id: it may exist.
            raise SubmitOutcomeUnknownError(error.message) from None

    async def get_task(self, task_id: str, *, language: str | None = None) -> TaskInfo:
        """Poll one task, retrying transient failures."""
        params = {"language": language} if language in TASK_LANGUAGES else None
        # One path segment, whatever the id holds (a `/` or `?` would ask for another URL).
        path = TASK_PATH.format(task_id=urllib.parse.quote(task_id, safe=""))
        body = await self._call("GET", path, params=params, answered=reports_a_status)
        return _read(parse_task, body, task_id)

    async def balance(self) -> Balance:
        """What is left to spend (remaining, used, unlimited), retrying transient failures: the
        key's quota or the account's balance, whichever runs out first. `/v1/balance` alone is
        the key's: a key without a limit of its own reads "unlimited" while the account, whose
        emptiness is the 402 that stops every video, drains unseen."""
        key = parse_balance(await self._call("GET", BALANCE_PATH))
        try:
            account = parse_balance(await self._call("GET", USER_BALANCE_PATH))
        except APIMartError as error:
            if error.status not in _NO_ACCOUNT_BALANCE:
                # APIMart down, slow, or "user quota query failed": this reading fails and the
                # last one stays (the key's alone, often "unlimited", would end an alert).
                raise
            if not self._account_balance_refused:
                log.warning(
                    "APIMart did not give the account's balance (%s %s: %s): reading the API"
                    " key's quota alone",
                    USER_BALANCE_PATH,
                    error.status,
                    error.message,
                )
            self._account_balance_refused = True
            return key
        self._account_balance_refused = False
        return binding_balance(key, account)

    async def upload_image(self, data: bytes, *, filename: str, content_type: str) -> str:
        """Re-host an image on APIMart (kept 72 hours) and return its public URL."""
        form = aiohttp.FormData()
        form.add_field("file", data, filename=filename, content_type=content_type)
        try:
            # Sent once (a form is read once); the caller tries again later.
            body = await self._call("POST", UPLOAD_PATH, form=form, submit=True)
        except SubmitOutcomeUnknownError as error:
            # An upload whose answer was lost made nothing billed: a passing fault, no more.
            raise APIConnectionError(f"the upload's answer was lost ({error})") from None
        payload = body.get("data")
        url = payload.get("url") if isinstance(payload, Mapping) else None
        if not isinstance(url, str) or not url:
            raise MalformedResponseError("upload answer has no url")
        return url

    async def _call(
        self,
        method: str,
        path: str,
        *,
        json_body: Mapping[str, object] | None = None,
        form: aiohttp.FormData | None = None,
        params: Mapping[str, str] | None = None,
        submit: bool = False,
        answered: Answered | None = None,
        retries: int | None = None,
    ) -> Mapping[str, Any]:
        """The request's answer, sent again after a passing failure up to `retries` times (by
        default the policy's)."""
        most = self._retry.max_retries if retries is None else retries
        attempt = 0
        while True:
            try:
                return await self._once(method, path, json_body, form, params, submit, answered)
            except APIMartError as error:
                if not self._may_retry(error, submit) or attempt >= most:
                    raise
                delay = self._retry.delay(attempt, error)
                log.warning(
                    "APIMart %s %s failed (%s); retry %d/%d in %.1fs",
                    method,
                    path,
                    error.message,
                    attempt + 1,
                    most,
                    delay,
                )
                attempt += 1
                await self._sleep(delay)

    def _redirected(
        self, method: str, path: str, status: int, headers: Mapping[str, str]
    ) -> APIMartError:
        """A redirect, which the API never answers: not followed, and said to the operator
        (where it pointed: its host alone, scrubbed, never a query that could hold anything).
        A plain error: the request went nowhere, so a submit waits and is sent again later."""
        location = headers.get(aiohttp.hdrs.LOCATION, "")
        try:
            host = yarl.URL(location).raw_host or "the same host"
        except ValueError:
            host = "an unreadable address"
        log.warning(
            "APIMart answered %s %s with a redirect (HTTP %d) to %s; not followed, as its API"
            " never redirects: check APIMART_BASE_URL (https://, the right host)",
            method,
            path,
            status,
            without_key(host, self._api_key),
        )
        return APIMartError(f"HTTP {status}: a redirect, not followed", status=status)

    @staticmethod
    def _may_retry(error: APIMartError, submit: bool) -> bool:
        if not submit:
            return error.retryable
        if isinstance(error, ServerError):
            return _never_reached_apimart(error)
        return isinstance(error, RateLimitError | APIConnectionError)

    async def _once(
        self,
        method: str,
        path: str,
        json_body: Mapping[str, object] | None,
        form: aiohttp.FormData | None,
        params: Mapping[str, str] | None,
        submit: bool,
        answered: Answered | None,
    ) -> Mapping[str, Any]:
        url = self._base_url + path
        endpoint = endpoint_label(path)
        started = time.monotonic()
        try:
            async with self._session.request(
                method,
                url,
                json=json_body,
                data=form,
                params=params,
                headers=self._headers,
                timeout=self._timeout,
                # The API never redirects. Followed, a redirect would carry a submit's prompt
                # and links (307/308) to wherever it points, the bot's own network included
                # (this session checks no address), and the key too on the same origin.
                allow_redirects=False,
            ) as response:
                raw = await _answer_body(response)
                text = None if raw is None else _decoded(raw, response.charset)
                status = response.status
                headers = response.headers
        except (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError) as error:
            self._metrics.apimart_answer(endpoint, "connect_error", time.monotonic() - started)
            # Nothing was sent: safe to retry, even a submit.
            raise APIConnectionError(
                f"cannot connect to APIMart ({type(error).__name__})"
            ) from None
        except (TimeoutError, aiohttp.ClientError) as error:
            reason = type(error).__name__
            no_answer = "timeout" if isinstance(error, TimeoutError) else "no_answer"
            self._metrics.apimart_answer(endpoint, no_answer, time.monotonic() - started)
            if submit:
                raise SubmitOutcomeUnknownError(
                    f"no answer to the submit ({reason}); the task may exist"
                ) from None
            raise APIConnectionError(f"APIMart did not answer ({reason})") from None
        self._metrics.apimart_answer(endpoint, str(status), time.monotonic() - started)
        if status == 429:
            self._metrics.apimart_rate_limit(endpoint)
        if 300 <= status < 400:
            raise self._redirected(method, path, status, headers)
        try:
            body = None if text is None else json.loads(text) if text else {}
        except (ValueError, RecursionError):  # nested deeper than the reader recurses
            body = None
        # The key out of what the answer says, once decoded: a gateway quoting the request's
        # Authorization header (a refusal's or a failed render's reason is shown to members
        # as said, and kept), or signing its result links with it, may have escaped it.
        body = without_key_anywhere(body, self._api_key)
        if not isinstance(body, dict):
            if status >= 500:
                # A gateway's page (not JSON), which may still ask for a pause.
                raise ServerError(
                    f"HTTP {status}", status=status, retry_after=_pause_asked(status, headers, {})
                )
            if not 200 <= status < 300:
                raise _error_from_answer(status, headers, {}) or APIMartError(f"HTTP {status}")
            what = "too large" if text is None else "not JSON"
            if submit:
                raise SubmitOutcomeUnknownError(f"the submit answer was {what}; the task may exist")
            raise MalformedResponseError(f"APIMart's answer was {what}")
        if 200 <= status < 300 and answered is not None and answered(body):
            # The task (or its status) is there: it exists and is billed, whatever an `error`
            # beside it says, and read as a failure it would be sent again or given up on.
            return body
        answer_error = _error_from_answer(status, headers, body)
        if isinstance(answer_error, RateLimitError) and status != 429:
            self._metrics.apimart_rate_limit(endpoint)  # a 429 behind an HTTP 200
        if answer_error is not None:
            raise answer_error
        return body
