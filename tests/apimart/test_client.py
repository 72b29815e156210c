"""The APIMart client against a fake APIMart on loopback."""

import asyncio
import email.utils
import json
import logging
import random
import time

import aiohttp
import pytest

from bot.apimart import (
    APIMartClient,
    APIMartError,
    AuthenticationError,
    InvalidRequestError,
    MalformedResponseError,
    PaymentRequiredError,
    RateLimitError,
    RetryPolicy,
    ServerError,
    SubmitOutcomeUnknownError,
    TaskNotFoundError,
    TaskStatus,
    VideoRequest,
)
from bot.apimart.models import parse_balance, parse_task, web_link
from tests.fakes.apimart import FakeAPIMart, TaskPlan
from tests.fakes.web import PUBLIC_HOST, Site

REQUEST = VideoRequest(prompt="a lighthouse in a storm", duration=8, resolution="1080p")


class RecordedSleep:
    """Stands in for asyncio.sleep: remembers the waits instead of waiting."""

    def __init__(self):
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
async def api():
    async with FakeAPIMart(api_key="sk-test") as fake:
        yield fake


@pytest.fixture
def sleeps():
    return RecordedSleep()


@pytest.fixture
async def client(api, sleeps):
    async with aiohttp.ClientSession() as session:
        yield APIMartClient(
            session,
            base_url=api.base_url,
            api_key="sk-test",
            timeout=2.0,
            retry=RetryPolicy(max_retries=3, base_delay=1.0, rng=random.Random(1)),
            sleep=sleeps,
        )


async def test_submit_sends_the_exact_body_with_the_key(api, client):
    result = await client.submit(REQUEST)
    assert result.task_id.startswith("task_")
    assert api.submits == [
        {
            "model": "Omni-Flash-Ext",
            "prompt": "a lighthouse in a storm",
            "duration": 8,
            "resolution": "1080p",
            "aspect_ratio": "16:9",
        }
    ]
    assert api.requests[0].headers["Authorization"] == "Bearer sk-test"


async def test_submit_accepts_the_object_shape(api, client):
    api.submit_shape = "object"
    result = await client.submit(REQUEST)
    assert result.task_id.startswith("task_")


async def test_poll_reports_progress_then_the_video(api, client):
    api.default_plan = TaskPlan(polls_until_done=3, estimated_time=300, credits_cost=4)
    task_id = (await client.submit(REQUEST)).task_id
    first = await client.get_task(task_id)
    assert first.status is TaskStatus.PENDING
    second = await client.get_task(task_id)
    assert second.status is TaskStatus.PROCESSING
    assert 0 < second.progress < 100
    assert second.estimated_time == 300
    done = await client.get_task(task_id, language="zh")
    assert done.status is TaskStatus.COMPLETED
    assert done.video_url.startswith(api.base_url)
    assert done.expires_at is not None
    assert done.credits_cost == 4
    assert api.requests[-1].query.get("language") == "zh"


@pytest.mark.parametrize("status", ["queued", "RUNNING", "submitted", ""])
async def test_a_status_apimart_does_not_document_is_still_running_and_logged(
    api, client, caplog, status
):
    """APIMart documents pending, processing, completed, failed and cancelled: anything else is
    a render still under way (never a final state, nor an error that fails the check), and the
    operator reads which status it was."""
    data = {"id": "task_odd", "status": status, "progress": 30, "estimated_time": 600}
    api.malformed_next("poll", body=json.dumps({"code": 200, "data": data}))
    with caplog.at_level(logging.WARNING, logger="bot.apimart.models"):
        info = await client.get_task("task_odd")
    assert (info.status, info.progress, info.estimated_time) == (TaskStatus.PROCESSING, 30, 600)
    assert not info.status.is_final
    assert f"unknown status {status.lower()!r}" in caplog.text


async def test_result_url_as_a_plain_string_is_accepted(api, client):
    api.default_plan = TaskPlan(polls_until_done=1, url_as_string=True)
    task_id = (await client.submit(REQUEST)).task_id
    info = await client.get_task(task_id)
    assert info.video_url.startswith("http")


async def test_failed_task_carries_its_reason(api, client):
    api.default_plan = TaskPlan(
        polls_until_done=1,
        final_status="failed",
        error_message="content moderation refused the prompt",
    )
    task_id = (await client.submit(REQUEST)).task_id
    info = await client.get_task(task_id)
    assert info.status is TaskStatus.FAILED
    assert info.error_message == "content moderation refused the prompt"


@pytest.mark.parametrize(
    ("status", "error_type", "expected"),
    [
        (400, "invalid_request_error", InvalidRequestError),
        (400, "invalid_duration", InvalidRequestError),
        (400, "invalid_resolution", InvalidRequestError),
        (400, "unsupported_image_count", InvalidRequestError),
        (400, "unsupported_video_count", InvalidRequestError),
        (401, "authentication_error", AuthenticationError),
        (402, "payment_required", PaymentRequiredError),
        # A spent quota as OpenAI-style gateways answer it: no wait ends it.
        (429, "insufficient_quota", PaymentRequiredError),
        (429, "payment_required", PaymentRequiredError),
    ],
)
async def test_documented_errors_become_typed_errors_without_retry(
    api, client, sleeps, status, error_type, expected
):
    api.fail_next("submit", status=status, error_type=error_type, message="请求参数无效")
    with pytest.raises(expected) as caught:
        await client.submit(REQUEST)
    assert caught.value.error_type == error_type
    assert len(api.submits) == 1
    assert sleeps.waits == []


@pytest.mark.parametrize(
    ("status", "code", "message"),
    [
        (403, "insufficient_user_quota", "用户额度不足, 剩余额度: $0.000000"),
        (403, "pre_consume_token_quota_failed", "token quota is not enough"),
        (200, "insufficient_user_quota", "user quota is not enough"),
    ],
)
async def test_a_spent_quota_named_in_the_error_code_is_an_empty_balance(
    api, client, sleeps, status, code, message
):
    """The gateways APIMart's balance endpoints come from (`remain_balance`, `unlimited_quota`)
    name a spent account or key quota in `error.code`, beside a type of their own, and answer
    it with a 403: no wait ends it, so it is the 402 APIMart documents, not a passing refusal
    every job is held and resent for."""
    body = {"error": {"message": message, "type": "new_api_error", "code": code}}
    api.malformed_next("submit", status=status, body=json.dumps(body), times=10)
    with pytest.raises(PaymentRequiredError):
        await client.submit(REQUEST)
    assert len(api.submits) == 1
    assert sleeps.waits == []


async def test_a_wrong_key_is_an_authentication_error_that_does_not_leak_it(api, sleeps):
    async with aiohttp.ClientSession() as session:
        client = APIMartClient(
            session, base_url=api.base_url, api_key="sk-wrong-secret", sleep=sleeps
        )
        with pytest.raises(AuthenticationError) as caught:
            await client.submit(REQUEST)
    assert "sk-wrong-secret" not in str(caught.value)
    assert "sk-wrong-secret" not in repr(client)


async def test_error_hidden_in_an_http_200_body_is_an_error(api, client):
    api.fail_next("submit", status=400, error_type="invalid_request_error", http200_body_code=400)
    with pytest.raises(InvalidRequestError):
        await client.submit(REQUEST)


@pytest.mark.parametrize(
    ("body", "refusal"),
    [
        # The body's code says 429; `error.code` is a word, as in APIMart's own task errors.
        (
            {"code": 429, "error": {"code": "rate_limit_error", "message": "slow down"}},
            RateLimitError,
        ),
        # No number anywhere: the documented `type` says what it is.
        ({"error": {"message": "账户余额不足", "type": "payment_required"}}, PaymentRequiredError),
        ({"error": {"message": "bad key", "type": "authentication_error"}}, AuthenticationError),
        ({"error": {"message": "4s|6s|8s|10s", "type": "invalid_duration"}}, InvalidRequestError),
    ],
)
async def test_a_refusal_in_a_200_body_without_a_numeric_error_code_is_not_an_unknown_submit(
    api, client, body, refusal
):
    """A refusal means nothing was made: taking it for a 5xx would end the job "outcome unknown"
    and count it against the member."""
    api.malformed_next("submit", body=json.dumps(body), times=10)
    with pytest.raises(refusal):
        await client.submit(REQUEST)


async def test_an_unknown_error_in_a_200_body_is_still_an_unknown_submit(api, client):
    api.malformed_next("submit", body=json.dumps({"error": {"message": "?", "type": "odd"}}))
    with pytest.raises(SubmitOutcomeUnknownError):
        await client.submit(REQUEST)


@pytest.mark.parametrize(
    "empty", ["", {}, None, {"code": 0, "message": ""}, {"code": 200, "message": "success"}]
)
async def test_a_success_with_an_empty_error_field_is_a_success(api, client, empty):
    """Gateways often send `"error": ""` beside a good answer: the task exists and is billed,
    so reading it as a server error would abandon a paid render."""
    body = {"code": 200, "data": [{"status": "submitted", "task_id": "task_01EMPTY"}]}
    api.malformed_next("submit", body=json.dumps({**body, "error": empty}))
    assert (await client.submit(REQUEST)).task_id == "task_01EMPTY"


@pytest.mark.parametrize(
    "beside", [{"code": 500, "message": "internal error"}, {"code": "warn", "message": "slow"}]
)
async def test_an_ok_answer_holding_the_task_is_read_whatever_error_is_beside_it(
    api, client, beside
):
    """A 2xx answer naming its task (a submit) or the task's status (a check) is the answer:
    the task exists and is billed, so a submit read as failed would be "outcome unknown" (never
    posted) and a check read as failed would fail until the job is given up on."""
    accepted = {"code": 200, "data": [{"status": "submitted", "task_id": "task_01BESIDE"}]}
    api.malformed_next("submit", body=json.dumps({**accepted, "error": beside}))
    assert (await client.submit(REQUEST)).task_id == "task_01BESIDE"
    task = api.create_task()
    task.complete()
    api.malformed_next("poll", body=json.dumps({"data": task.to_json(), "error": beside}))
    assert (await client.get_task(task.id)).status is TaskStatus.COMPLETED


# A gateway's "service unavailable" page in GBK, without a charset (a Chinese provider's).
GBK_PAGE = "<html><body>服务暂时不可用\uff0c请稍后再试</body></html>".encode("gbk")


async def test_an_error_page_that_is_not_utf8_is_a_server_error_like_any_other(api, client, sleeps):
    task_id = (await client.submit(REQUEST)).task_id
    api.malformed_next("poll", status=503, body=GBK_PAGE, content_type="text/html", times=2)
    info = await client.get_task(task_id)
    assert info.task_id == task_id
    assert len(sleeps.waits) == 2, "each 503 page is retried as a server error"


async def test_a_submit_refused_503_with_a_page_that_is_not_utf8_is_sent_again(api, client):
    """A 503 means APIMart made nothing: the submit is resent, not taken as outcome unknown."""
    api.malformed_next("submit", status=503, body=GBK_PAGE, content_type="text/html")
    assert (await client.submit(REQUEST)).task_id
    assert len(api.submits) == 2


async def test_429_honours_retry_after_header_then_succeeds(api, client, sleeps):
    api.fail_next("submit", status=429, retry_after_header="7", times=2)
    result = await client.submit(REQUEST)
    assert result.task_id
    assert sleeps.waits == [7.0, 7.0]
    assert len(api.submits) == 3


async def test_429_honours_a_retry_after_given_as_a_date(api, client, sleeps):
    """HTTP allows `Retry-After: <date>`: a date 30 s ahead waits about 30 s, not the default."""
    when = email.utils.formatdate(time.time() + 30, usegmt=True)
    api.fail_next("submit", status=429, retry_after_header=when)
    await client.submit(REQUEST)
    [wait] = sleeps.waits
    assert 25 <= wait <= 31


async def test_a_retry_after_date_is_read_by_the_services_clock_not_ours(api, client, sleeps):
    """A `Retry-After` date is the service's clock's: with ours 10 minutes ahead of it, a date
    30 s after its `Date` still waits about 30 s, not nothing (and not 10 minutes with ours
    behind)."""
    for ahead in (-600.0, 600.0):
        api.clock_ahead = ahead
        when = email.utils.formatdate(time.time() + ahead + 30, usegmt=True)
        api.fail_next("submit", status=429, retry_after_header=when)
        sleeps.waits.clear()
        await client.submit(REQUEST)
        [wait] = sleeps.waits
        assert 28 <= wait <= 32, ahead


async def test_429_honours_retry_after_in_the_body(api, client, sleeps):
    task_id = (await client.submit(REQUEST)).task_id
    api.fail_next("poll", status=429, retry_after_body=3.5)
    await client.get_task(task_id)
    assert sleeps.waits == [3.5]


async def test_429_honours_a_retry_after_at_the_top_of_the_body(api, client, sleeps):
    """Public clients show a 429 body carrying `retry_after` beside `error`, not inside it."""
    body = {"error": {"code": 429, "message": "请求过于频繁", "type": "rate_limit_error"}}
    api.malformed_next("submit", status=429, body=json.dumps({**body, "retry_after": 12}))
    assert (await client.submit(REQUEST)).task_id
    assert sleeps.waits == [12.0]


async def test_429_with_a_negative_header_honours_the_body(api, client, sleeps):
    """`Retry-After: -1` is no wait at all: the body's 30 s is, and other submits hold off."""
    api.fail_next("submit", status=429, retry_after_header="-1", retry_after_body=30)
    await client.submit(REQUEST)
    assert sleeps.waits == [30.0]


async def test_a_503_asking_for_a_pause_is_waited_out_at_most_two_minutes(api, client, sleeps):
    """A gateway's 503 page with `Retry-After` (APIMart down for upkeep) asks for a pause: a
    submit it never passed on, and a status check, wait it out; before, they were sent again
    after 1, 2, 4 s, into the outage."""
    api.malformed_next(
        "submit",
        status=503,
        body="<html>Down for maintenance</html>",
        content_type="text/html",
        retry_after_header="45",
    )
    task_id = (await client.submit(REQUEST)).task_id
    api.fail_next("poll", status=503, retry_after_header="100000")
    await client.get_task(task_id)
    assert sleeps.waits == [45.0, 120.0]
    assert len(api.submits) == 2


async def test_429_storm_gives_up_after_the_retry_budget(api, client, sleeps):
    api.fail_next("submit", status=429, times=10)
    with pytest.raises(RateLimitError):
        await client.submit(REQUEST)
    assert len(api.submits) == 4
    assert len(sleeps.waits) == 3
    # Exponential backoff with jitter: each wait within [half, full] of 1, 2, 4 seconds.
    for wait, full in zip(sleeps.waits, (1, 2, 4), strict=True):
        assert full / 2 <= wait <= full


async def test_polls_retry_5xx_bursts(api, client, sleeps):
    task_id = (await client.submit(REQUEST)).task_id
    api.fail_next("poll", status=500, times=2)
    info = await client.get_task(task_id)
    assert info.status is TaskStatus.PENDING
    assert len(sleeps.waits) == 2


async def test_polls_retry_connection_resets(api, client, sleeps):
    task_id = (await client.submit(REQUEST)).task_id
    api.reset_next("poll", times=3)
    info = await client.get_task(task_id)
    assert info.task_id == task_id
    # aiohttp itself may retry a reset on a reused connection once; the rest are ours.
    assert 1 <= len(sleeps.waits) <= 3


async def test_polls_retry_malformed_json(api, client, sleeps):
    task_id = (await client.submit(REQUEST)).task_id
    api.malformed_next("poll")
    info = await client.get_task(task_id)
    assert info.task_id == task_id
    assert len(sleeps.waits) == 1


async def test_polls_give_up_on_persistent_malformed_json(api, client):
    task_id = (await client.submit(REQUEST)).task_id
    api.malformed_next("poll", times=10)
    with pytest.raises(MalformedResponseError):
        await client.get_task(task_id)


# Far more than any answer APIMart documents, and far less than an endless one reads in the
# fixture's time limit (hundreds of megabytes on loopback).
FLOOD_READ_AT_MOST = 16 * 1024 * 1024


async def test_an_endless_poll_answer_is_cut_off_and_the_poll_tried_again(api, client, sleeps):
    """A gateway streaming something endless at the API's path: the bot stops reading just past
    what any answer could be, instead of holding it all in memory (once per check in flight)
    until the time limit."""
    task_id = (await client.submit(REQUEST)).task_id
    api.flood_next("poll")
    info = await client.get_task(task_id)
    assert info.task_id == task_id
    assert len(sleeps.waits) == 1
    assert api.flooded_bytes < FLOOD_READ_AT_MOST


async def test_an_endless_submit_answer_is_cut_off_and_the_submit_not_resent(api, client):
    api.flood_next("submit")
    with pytest.raises(SubmitOutcomeUnknownError, match="too large"):
        await client.submit(REQUEST)
    assert len(api.submits) == 1
    assert api.flooded_bytes < FLOOD_READ_AT_MOST


# Well under the answer cap, far deeper than Python's JSON reader recurses.
NESTED_TOO_DEEP = '{"data": ' + "[" * 100_000 + "]" * 100_000 + "}"


async def test_an_answer_nested_too_deep_to_read_is_a_malformed_one(api, client, sleeps):
    """JSON the reader cannot recurse through (RecursionError, not ValueError): a check is tried
    again and a submit is "outcome unknown", never an unexpected crash of the caller."""
    task_id = (await client.submit(REQUEST)).task_id
    api.malformed_next("poll", body=NESTED_TOO_DEEP)
    assert (await client.get_task(task_id)).task_id == task_id
    assert len(sleeps.waits) == 1
    api.malformed_next("submit", body=NESTED_TOO_DEEP)
    with pytest.raises(SubmitOutcomeUnknownError):
        await client.submit(REQUEST)


async def test_a_slow_poll_times_out_and_is_retried(api, client, sleeps):
    task_id = (await client.submit(REQUEST)).task_id
    api.delay_next("poll", 5.0)
    info = await client.get_task(task_id)
    assert info.task_id == task_id
    assert len(sleeps.waits) == 1


async def test_a_submit_that_times_out_is_not_resent(api, client):
    api.delay_next("submit", 5.0)
    with pytest.raises(SubmitOutcomeUnknownError):
        await client.submit(REQUEST)
    assert len(api.submits) == 1


async def test_a_submit_whose_connection_resets_is_not_resent(api, client):
    api.reset_next("submit")
    with pytest.raises(SubmitOutcomeUnknownError):
        await client.submit(REQUEST)
    assert len(api.submits) == 1


@pytest.mark.parametrize("status", [500, 504])
async def test_a_submit_500_or_gateway_timeout_is_not_resent_but_503_is(api, client, status):
    # The task may exist: whoever sends again could pay for it twice. A gateway that timed out
    # (504) had passed the request on, and gave up waiting for the answer.
    api.fail_next("submit", status=status)
    with pytest.raises(SubmitOutcomeUnknownError, match="may exist"):
        await client.submit(REQUEST)
    assert len(api.submits) == 1
    api.fail_next("submit", status=503)
    assert (await client.submit(REQUEST)).task_id
    assert len(api.submits) == 3


@pytest.mark.parametrize("code", [502, 503])
async def test_a_submit_whose_ok_answer_carries_a_server_error_is_not_resent(api, client, code):
    """HTTP 200 with `code: 502` in the body was written by APIMart's own application, not by a
    gateway in front of it: the request reached the service, and the task may exist."""
    api.fail_next("submit", status=500, http200_body_code=code)
    with pytest.raises(SubmitOutcomeUnknownError, match="may exist"):
        await client.submit(REQUEST)
    assert len(api.submits) == 1


async def test_unknown_task_is_not_found(api, client):
    with pytest.raises(TaskNotFoundError):
        await client.get_task("task_nope")


async def test_unreachable_api_is_retried_then_reported(sleeps):
    async with aiohttp.ClientSession() as session:
        client = APIMartClient(
            session,
            base_url="http://127.0.0.1:9",
            api_key="k",
            retry=RetryPolicy(max_retries=2),
            sleep=sleeps,
        )
        with pytest.raises(Exception, match="cannot connect") as caught:
            await client.submit(REQUEST)
    assert caught.type.__name__ == "APIConnectionError"
    assert len(sleeps.waits) == 2


async def test_a_submit_that_never_got_a_connection_is_known_unsent(api):
    """Waiting for a connection (the pool full, or a host that never answers the handshake)
    sends nothing: safe to send again, not "the task may exist"."""
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=1)) as session:

        def client_with(timeout):
            return APIMartClient(
                session,
                base_url=api.base_url,
                api_key="sk-test",
                timeout=timeout,
                retry=RetryPolicy(max_retries=0, rng=random.Random(0)),
            )

        api.delay_next("poll", 1.5)
        task = await client_with(10).submit(REQUEST)
        holding = asyncio.create_task(client_with(10).get_task(task.task_id))
        await api.wait_for_polls(1)  # the only connection is taken
        with pytest.raises(Exception, match="cannot connect") as caught:
            await client_with(0.5).submit(REQUEST)
        await holding
    assert caught.type.__name__ == "APIConnectionError"
    assert len(api.requests_for("submit")) == 1, "the second submit never left"


async def test_a_poll_answered_with_a_redirect_is_not_followed_anywhere(api, client, caplog):
    """APIMart's API never redirects: a 302 (a proxy in front of it, a moved domain, a hijacked
    answer) is an unexpected answer, never followed, so nothing reaches where it points (here a
    server on the operator's network, which the trusted session does not guard), and the
    operator reads why in a log line that never holds the key, wherever the redirect put it."""
    async with Site(PUBLIC_HOST) as elsewhere:
        elsewhere.serve("/steal", b'{"code": 200, "data": {}}', "application/json")
        task = await client.submit(REQUEST)
        api.redirect_next("poll", elsewhere.url("/steal?key=Bearer%20sk-test"))
        with (
            caplog.at_level(logging.WARNING, logger="bot.apimart.client"),
            pytest.raises(APIMartError) as caught,
        ):
            await client.get_task(task.task_id)
    assert elsewhere.hits == []
    assert caught.value.status == 302
    assert f"redirect (HTTP 302) to {PUBLIC_HOST}" in caplog.text
    assert "sk-test" not in caplog.text


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
async def test_a_submit_answered_with_a_redirect_is_sent_nowhere_else(api, client, status):
    """A 307 or 308 would send the prompt and the members' links on to the other host, a 301
    to 303 would turn the submit into a GET there: neither happens. The submit left once, and
    its answer is a refusal the bot acts on (the job held and sent again later), not "the task
    may exist"."""
    async with Site(PUBLIC_HOST) as elsewhere:
        api.redirect_next("submit", elsewhere.url("/v1/videos/generations"), status=status)
        with pytest.raises(APIMartError) as caught:
            await client.submit(REQUEST)
    assert elsewhere.hits == []
    assert len(api.requests_for("submit")) == 1
    assert not isinstance(caught.value, SubmitOutcomeUnknownError)
    assert caught.value.status == status


async def test_upload_rehosts_an_image(api, client):
    url = await client.upload_image(b"\x89PNG...", filename="cat.png", content_type="image/png")
    assert url.startswith(api.base_url)
    assert api.uploads[0].data == b"\x89PNG..."


async def test_balance_reads_what_is_left_and_spent(client, api):
    api.remain_balance, api.used_balance = 12.5, 2.5
    balance = await client.balance()
    assert (balance.remain_balance, balance.used_balance, balance.unlimited_quota) == (
        12.5,
        2.5,
        False,
    )
    reads = api.requests_for("balance")
    assert [read.path for read in reads] == ["/v1/balance", "/v1/user/balance"]
    assert {read.headers["Authorization"] for read in reads} == {"Bearer sk-test"}


async def test_a_key_with_its_own_limit_reads_whichever_runs_out_first(client, api):
    """/v1/balance is the key's quota, /v1/user/balance the account's: either running out stops
    every video, so the smaller one is what is left."""
    api.remain_balance, api.key_quota = 50.0, 8.0
    assert (await client.balance()).remain_balance == 8.0
    api.remain_balance = 3.0
    assert (await client.balance()).remain_balance == 3.0
    api.unlimited_quota = True
    balance = await client.balance()
    assert (balance.remain_balance, balance.unlimited_quota) == (8.0, False)
    api.key_quota = None
    assert (await client.balance()).unlimited_quota, "neither has a limit"


async def test_without_the_account_endpoint_the_key_quota_is_read(client, api):
    api.serves_user_balance, api.key_quota = False, 8.0
    balance = await client.balance()
    assert (balance.remain_balance, balance.unlimited_quota) == (8.0, False)


@pytest.mark.parametrize("status", [401, 403])
async def test_the_account_balance_refused_to_the_key_leaves_its_quota_read(client, api, status):
    """The key was just accepted by /v1/balance: a 401 or 403 from /v1/user/balance is that
    endpoint refused to it, not the key (which would mark it refused in /readyz and lose every
    reading, the balance alert with it)."""
    api.user_balance_refusal, api.key_quota = status, 8.0
    balance = await client.balance()
    assert (balance.remain_balance, balance.unlimited_quota) == (8.0, False)


async def test_the_account_balance_down_fails_the_reading_not_an_unlimited_one(client, api):
    """A 5xx is APIMart down: the reading fails (the last one is kept) rather than reading the
    key's "unlimited" alone, which would end a balance alert that still holds."""
    api.user_balance_refusal = 500
    with pytest.raises(ServerError):
        await client.balance()


async def test_balance_drops_by_the_cost_of_each_completed_video(client, api):
    api.default_plan = TaskPlan(polls_until_done=1, cost=0.4)
    before = (await client.balance()).remain_balance
    task_id = (await client.submit(REQUEST)).task_id
    assert (await client.get_task(task_id)).status is TaskStatus.COMPLETED
    after = await client.balance()
    assert after.remain_balance == pytest.approx(before - 0.4)
    assert after.used_balance == pytest.approx(0.4)


async def test_an_unlimited_account_says_so(client, api):
    api.unlimited_quota = True
    assert (await client.balance()).unlimited_quota is True


async def test_a_balance_answer_inside_data_is_read_too():
    body = {"code": 200, "data": {"remain_balance": 3, "used_balance": 7, "unlimited_quota": False}}
    assert parse_balance(body).remain_balance == 3.0
    with pytest.raises(MalformedResponseError):
        parse_balance({"success": True})


async def test_a_balance_read_retries_a_server_error(client, api, sleeps):
    api.fail_next("balance", status=503)
    assert (await client.balance()).remain_balance == api.remain_balance
    assert len(sleeps.waits) == 1


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        # A signed CDN link is kept exactly: its signature covers what it says.
        (
            "https://cdn.apimart.ai/v/a%2Fb.mp4?X-Sig=ab%3D&exp=1#t=0",
            "https://cdn.apimart.ai/v/a%2Fb.mp4?X-Sig=ab%3D&exp=1#t=0",
        ),
        (" https://cdn.example/a b.mp4\n", "https://cdn.example/a%20b.mp4"),
        ("https://cdn.example/v.mp4)\n# notice", "https://cdn.example/v.mp4%29%0A#%20notice"),
        ("https://cdn.example/<@&1>.mp4", "https://cdn.example/%3C@&1%3E.mp4"),
        ("javascript:alert(1)", None),
        ("file:///etc/passwd", None),
        ("https:///no-host.mp4", None),
        ("/relative.mp4", None),
        # Not links a reader can follow (each made the link's parser raise).
        ("http://[cdn.example/v.mp4", None),
        ("https://cdn.example:99999/v.mp4", None),
        ("https://cdn.example/\ud800.mp4", None),
    ],
)
def test_a_result_link_is_shown_as_one_http_link_or_not_at_all(given, shown):
    assert web_link(given) == shown


@pytest.mark.parametrize("status", [201, 202])
async def test_a_submit_accepted_with_another_2xx_status_is_not_a_plain_error(api, client, status):
    """A 2xx answer naming a task means the task exists: it must be read (or at worst be
    "outcome unknown"), never a plain APIMartError that the submit stage resends."""
    body = {"code": 200, "data": [{"status": "submitted", "task_id": "task_01ACCEPTED"}]}
    api.malformed_next("submit", status=status, body=json.dumps(body))
    try:
        result = await client.submit(REQUEST)
    except SubmitOutcomeUnknownError:
        return
    assert result.task_id == "task_01ACCEPTED"


@pytest.mark.parametrize(
    "data",
    [
        '{"id": "task_n", "status": "processing", "progress": NaN}',
        '{"id": "task_n", "status": "processing", "estimated_time": 1e999}',
        '{"id": "task_n", "status": "completed", "progress": 100,'
        ' "result": {"videos": [{"url": ["https://cdn.example/v.mp4"], "expires_at": Infinity}]}}',
    ],
)
async def test_a_poll_answer_with_non_finite_numbers_is_read_or_malformed(api, client, data):
    """Python's json accepts NaN/Infinity/1e999; the parser must not leak ValueError or
    OverflowError out of get_task (the poller only handles APIMartError)."""
    api.malformed_next("poll", body='{"code": 200, "data": ' + data + "}", times=10)
    try:
        info = await client.get_task("task_n")
    except MalformedResponseError:
        return
    assert info.status in (TaskStatus.PROCESSING, TaskStatus.COMPLETED)


@pytest.mark.parametrize("task_id", ["task_a/b", "task_a?b", "task_a#b", "task_a%2Fb"])
async def test_a_task_id_is_one_path_segment(api, client, task_id):
    """The id APIMart gave is sent back as it is: percent-encoded into one path segment, not
    read as more path, a query or a fragment (a 404 three times ends a paid render failed)."""
    api.create_task(task_id)
    info = await client.get_task(task_id, language="ja")
    assert info.task_id == task_id
    assert api.task(task_id).languages == ["ja"]


async def test_an_absurd_retry_after_is_still_capped(api, sleeps):
    """`Retry-After: nan` must not make the client wait forever (asyncio.sleep(nan) never
    returns): the policy promises at most `max_retry_after`."""
    async with aiohttp.ClientSession() as session:
        client = APIMartClient(
            session,
            base_url=api.base_url,
            api_key="sk-test",
            retry=RetryPolicy(max_retries=1, max_retry_after=120.0),
            sleep=sleeps,
        )
        api.fail_next("balance", status=429, retry_after_header="nan")
        await client.balance()
    [wait] = sleeps.waits
    assert 0.0 <= wait <= 120.0


@pytest.mark.parametrize("status", [200, 202])
@pytest.mark.parametrize(
    "body", [{}, {"code": 200, "data": {}}, {"code": 200, "data": [{"status": "submitted"}]}]
)
async def test_an_ok_submit_answer_naming_no_task_is_an_unknown_outcome(api, client, status, body):
    """A 2xx says APIMart took the submit: with no task id to read, the task may still exist
    and be billed, so it is "outcome unknown", never an error the submit stage sends again."""
    api.malformed_next("submit", status=status, body=json.dumps(body))
    with pytest.raises(SubmitOutcomeUnknownError):
        await client.submit(REQUEST)


@pytest.mark.parametrize(
    "empty", [{"code": 0, "message": ""}, {"code": 200, "message": "success"}, {"code": 200}]
)
async def test_a_balance_with_a_gateways_no_error_field_is_read(api, client, empty):
    """A gateway's `"error": {"code": 200, "message": "success"}` beside a balance says no
    error: the reading is the balance, not a failed one (the alert would go stale)."""
    body = {"success": True, "remain_balance": 8.0, "used_balance": 2.0, "error": empty}
    api.malformed_next("balance", body=json.dumps(body))
    api.remain_balance = 50.0
    assert (await client.balance()).remain_balance == 8.0


async def test_the_account_balance_refused_is_logged_once_until_it_is_given_again(
    api, client, caplog
):
    """The operator is told once that only the key's quota is read, not at every reading; and
    told again if the account's balance, given meanwhile, is refused once more."""
    api.user_balance_refusal, api.key_quota = 403, 8.0
    with caplog.at_level(logging.WARNING, logger="bot.apimart.client"):
        for _ in range(3):
            await client.balance()
        api.user_balance_refusal = None
        await client.balance()
        api.user_balance_refusal = 403
        await client.balance()
    said = [r for r in caplog.records if "did not give the account's balance" in r.getMessage()]
    assert len(said) == 2


@pytest.mark.parametrize(
    ("data", "read"),
    [
        # Numbers written as strings are still the progress shown and the credits counted.
        ({"progress": "45", "credits_cost": "12.5"}, {"progress": 45, "credits_cost": 12.5}),
        ({"progress": 150}, {"progress": 100}),
        ({"progress": -3}, {"progress": 0}),
        # No estimate rather than a wait in the past or days away.
        ({"estimated_time": -5}, {"estimated_time": None}),
        ({"estimated_time": 90_000}, {"estimated_time": None}),
        ({"estimated_time": "120"}, {"estimated_time": 120}),
        # Past any credits a video costs: a broken answer, not a budget spent at once.
        ({"credits_cost": 1e15}, {"credits_cost": None}),
        (
            {"status": "failed", "error": "content policy violation"},
            {"error_message": "content policy violation"},
        ),
        (
            {
                "status": "completed",
                "result": {"videos": [{"url": ["", "https://cdn.example/v.mp4"]}]},
            },
            {"video_url": "https://cdn.example/v.mp4"},
        ),
    ],
)
def test_a_status_answer_is_read_as_members_are_shown_it(data, read):
    """What a status answer says is read as the member sees it (progress, wait, reason, video)
    and as the budget counts it, also where APIMart writes it loosely."""
    body = {"code": 200, "data": {"id": "task_1", "status": "processing", **data}}
    info = parse_task(body, "task_1")
    assert {name: getattr(info, name) for name in read} == read
