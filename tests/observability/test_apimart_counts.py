"""Every APIMart request is counted once, by endpoint and status, including the 429 APIMart
hides behind an HTTP 200 and the requests that got no answer at all."""

import socket

import pytest

from bot.apimart import APIMartClient, RateLimitError, RetryPolicy, TaskNotFoundError, VideoRequest
from bot.apimart.errors import APIConnectionError
from bot.observability.metrics import Metrics
from tests.observability.scrape import parse

REQUEST = VideoRequest(prompt="a lighthouse", duration=4)
TASK = "/v1/tasks/{task_id}"


def engine_client(session, base_url, api_key, metrics):
    return APIMartClient(
        session,
        base_url=base_url,
        api_key=api_key,
        retry=RetryPolicy(max_retries=0),
        metrics=metrics,
    )


async def test_requests_are_counted_by_endpoint_and_status(api, session):
    metrics = Metrics()
    client = engine_client(session, api.base_url, api.api_key, metrics)
    submitted = await client.submit(REQUEST)
    await client.get_task(submitted.task_id)
    api.fail_next("poll", status=429, http200_body_code=429)
    with pytest.raises(RateLimitError):
        await client.get_task(submitted.task_id)
    with pytest.raises(TaskNotFoundError):
        await client.get_task("task_nobody_made")

    scraped = parse(metrics.render().decode())
    assert (
        scraped.get(
            "videobot_apimart_requests_total", endpoint="/v1/videos/generations", status="200"
        )
        == 1
    )
    # One label for every task id: two good answers (one hiding a 429) and a 404.
    assert scraped.get("videobot_apimart_requests_total", endpoint=TASK, status="200") == 2
    assert scraped.get("videobot_apimart_requests_total", endpoint=TASK, status="404") == 1
    assert scraped.get("videobot_apimart_rate_limited_total", endpoint=TASK) == 1
    assert scraped.get("videobot_apimart_request_duration_seconds_count", endpoint=TASK) == 3
    assert len(api.polls) == 3


async def test_a_request_that_cannot_connect_is_counted_as_such(session):
    # Held bound, never listening, while the request is made: no other test's server gets it.
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
        metrics = Metrics()
        client = engine_client(session, f"http://127.0.0.1:{port}", "sk-test", metrics)
        with pytest.raises(APIConnectionError):
            await client.get_task("task_1")
    scraped = parse(metrics.render().decode())
    assert scraped.total("videobot_apimart_requests_total") == 1
    assert (
        scraped.get("videobot_apimart_requests_total", endpoint=TASK, status="connect_error") == 1
    )
