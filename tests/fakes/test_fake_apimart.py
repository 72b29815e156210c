"""Quick self-tests of the APIMart fake, driven by a plain aiohttp client."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from tests.fakes.apimart import AUTH_ERROR_MESSAGE, FakeAPIMart, TaskPlan

KEY = "test-key"
AUTH = {"Authorization": f"Bearer {KEY}"}
NOW = 1_700_000_000.0
GOOD = {"model": "Omni-Flash-Ext", "prompt": "a cat surfing"}


@pytest.fixture
async def api() -> AsyncIterator[FakeAPIMart]:
    async with FakeAPIMart(KEY, clock=lambda: NOW) as fake:
        yield fake


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def submit(
    http: aiohttp.ClientSession, api: FakeAPIMart, body: dict[str, Any] | None = None
) -> tuple[int, Any]:
    async with http.post(
        f"{api.base_url}/v1/videos/generations", json=body or GOOD, headers=AUTH
    ) as resp:
        return resp.status, await resp.json()


async def poll(
    http: aiohttp.ClientSession, api: FakeAPIMart, task_id: str, **query: str
) -> tuple[int, Any]:
    async with http.get(f"{api.base_url}/v1/tasks/{task_id}", params=query, headers=AUTH) as resp:
        return resp.status, await resp.json()


async def test_lifecycle_and_public_download(api: FakeAPIMart, http: aiohttp.ClientSession):
    status, body = await submit(http, api, {**GOOD, "duration": 6, "resolution": "1080P"})
    assert status == 200
    assert body["code"] == 200
    [item] = body["data"]
    assert item["status"] == "submitted"
    task_id = item["task_id"]
    assert task_id.startswith("task_")
    assert api.task_ids == [task_id]
    assert api.submits[0]["duration"] == 6

    _, first = await poll(http, api, task_id, language="en")
    assert (first["data"]["status"], first["data"]["progress"]) == ("pending", 0)
    assert "result" not in first["data"]

    _, done = await poll(http, api, task_id)
    data = done["data"]
    assert (data["status"], data["progress"]) == ("completed", 100)
    assert data["completed"] == int(NOW)
    assert (data["cost"], data["credits_cost"], data["estimated_time"]) == (0.4, 4, 240)
    [video] = data["result"]["videos"]
    assert video["expires_at"] == int(NOW) + 86400
    [url] = video["url"]
    assert api.polls == [task_id, task_id]
    assert api.task(task_id).languages == ["en", None]

    async with http.get(url) as resp:
        assert resp.status == 200
        assert resp.content_type == "video/mp4"
        payload = await resp.read()
    assert len(payload) == 1024
    assert payload[4:8] == b"ftyp"
    async with http.head(url) as resp:
        assert resp.status == 200
        assert resp.headers["Content-Length"] == "1024"
    async with http.get(f"{api.base_url}/files/nope.mp4") as resp:
        assert resp.status == 404
    assert [d.method for d in api.downloads] == ["GET", "HEAD", "GET"]
    assert not any(d.authorization_sent for d in api.downloads)


async def test_auth_and_unknown_task(api: FakeAPIMart, http: aiohttp.ClientSession):
    for headers in ({}, {"Authorization": "Bearer wrong"}):
        async with http.post(
            f"{api.base_url}/v1/videos/generations", json=GOOD, headers=headers
        ) as resp:
            assert resp.status == 401
            assert await resp.json() == {
                "error": {
                    "code": 401,
                    "message": AUTH_ERROR_MESSAGE,
                    "type": "authentication_error",
                }
            }
    assert len(api.submits) == 2
    assert api.task_ids == []
    status, body = await poll(http, api, "task_missing")
    assert status == 404
    assert body["error"]["type"] == "not_found_error"


@pytest.mark.parametrize(
    ("status", "error_type"),
    [
        (400, "invalid_request_error"),
        (401, "authentication_error"),
        (402, "payment_required"),
        (429, "rate_limit_error"),
    ],
)
async def test_a_scripted_error_carries_the_type_apimart_documents_for_its_status(
    api: FakeAPIMart, http: aiohttp.ClientSession, status: int, error_type: str
):
    """`fail_next` without a type answers as APIMart's error table does: an empty balance is
    HTTP 402 `payment_required`, not another gateway's name for it."""
    api.fail_next("submit", status=status)
    answered, body = await submit(http, api)
    assert (answered, body["error"]["code"], body["error"]["type"]) == (status, status, error_type)


@pytest.mark.parametrize(
    ("changes", "error_type"),
    [
        ({"model": "other"}, "invalid_request_error"),
        ({"prompt": ""}, "invalid_request_error"),
        ({"duration": 5}, "invalid_duration"),
        ({"resolution": "480p"}, "invalid_resolution"),
        ({"aspect_ratio": "1:1"}, "invalid_request_error"),
        ({"aspect_ratio": "16:9", "size": "9:16"}, "invalid_request_error"),
        ({"image_urls": ["http://a/1.png", "http://a/2.png"]}, "unsupported_image_count"),
        ({"image_urls": ["http://a/1.png"] * 3}, "unsupported_image_count"),
        ({"generation_type": "frame"}, "unsupported_image_count"),
        ({"video_urls": ["http://a/1.mp4", "http://a/2.mp4"]}, "unsupported_video_count"),
        ({"video_urls": ["http://a/1.mp4"], "duration": 4}, "invalid_request_error"),
        # APIMart takes public image URLs only (APIMART.md), never inline data.
        ({"image_urls": ["data:image/png;base64,iVBORw0KGgo="]}, "invalid_request_error"),
    ],
)
async def test_submit_validation(
    api: FakeAPIMart, http: aiohttp.ClientSession, changes: dict[str, Any], error_type: str
):
    status, body = await submit(http, api, {**GOOD, **changes})
    assert status == 400
    assert body["error"]["code"] == 400
    assert body["error"]["type"] == error_type
    assert api.submits == [{**GOOD, **changes}]
    assert api.task_ids == []


async def test_accepted_variants(api: FakeAPIMart, http: aiohttp.ClientSession):
    three = ["http://a/1.png", "http://a/2.png", "http://a/3.png"]
    for extra in (
        {"image_urls": three, "generation_type": "reference", "size": "9:16"},
        {"image_urls": ["https://a/1.png"], "generation_type": "frame", "resolution": "4k"},
        {"video_urls": ["https://a/in.mp4"], "aspect_ratio": "16:9"},
    ):
        status, _ = await submit(http, api, {**GOOD, **extra})
        assert status == 200
    async with http.post(
        f"{api.base_url}/v1/videos/generations", data=b"{not json", headers=AUTH
    ) as resp:
        assert resp.status == 400
    assert len(api.task_ids) == 3
    assert len(api.submits) == 4


async def test_a_cost_is_reported_only_once_the_task_completes(
    api: FakeAPIMart, http: aiohttp.ClientSession
):
    """APIMART.md: cost (`cost`, `credits_cost`) is reported per task only when it completes:
    a queued or running task's answer names none (a test must not read one there)."""
    api.default_plan = TaskPlan(polls_until_done=3)
    task_id = (await submit(http, api))[1]["data"][0]["task_id"]
    running = [(await poll(http, api, task_id))[1]["data"] for _ in range(2)]
    assert [data["status"] for data in running] == ["pending", "processing"]
    for data in running:
        assert "cost" not in data and "credits_cost" not in data, data
    done = (await poll(http, api, task_id))[1]["data"]
    assert (done["status"], done["cost"], done["credits_cost"]) == ("completed", 0.4, 4)


async def test_object_shape_plans_and_forced_states(api: FakeAPIMart, http: aiohttp.ClientSession):
    api.submit_shape = "object"
    api.default_plan = TaskPlan(polls_until_done=4, url_as_string=True, video_bytes=10)
    _, body = await submit(http, api)
    assert body["data"]["status"] == "pending"
    task_id = body["data"]["id"]
    progress = [(await poll(http, api, task_id))[1]["data"]["progress"] for _ in range(4)]
    assert progress == [0, 33, 66, 100]
    _, done = await poll(http, api, task_id)
    assert isinstance(done["data"]["result"]["videos"][0]["url"], str)

    api.default_plan = TaskPlan(polls_until_done=1, final_status="failed", error_message="nope")
    failed_id = (await submit(http, api))[1]["data"]["id"]
    _, failed = await poll(http, api, failed_id)
    assert failed["data"]["status"] == "failed"
    assert failed["data"]["error"] == {"message": "nope", "code": "task_failed"}
    assert (failed["data"]["cost"], "result" in failed["data"]) == (0, False)

    api.default_plan = TaskPlan(polls_until_done=None)
    forever = api.task((await submit(http, api))[1]["data"]["id"])
    for _ in range(5):
        await poll(http, api, forever.id)
    assert forever.status == "processing"
    forever.set_progress(40)
    assert (await poll(http, api, forever.id))[1]["data"]["progress"] == 40
    forever.fail("content moderation refused")
    data = (await poll(http, api, forever.id))[1]["data"]
    assert data["error"]["message"] == "content moderation refused"
    forever.cancel()
    assert (await poll(http, api, forever.id))[1]["data"]["status"] == "cancelled"
    url = forever.complete(data=b"abc")
    async with http.get(url) as resp:
        assert await resp.read() == b"abc"

    # Held: processing at 0% however often it is polled, until a test sets its progress.
    api.default_plan = TaskPlan(polls_until_done=None, creep=0)
    held = api.task((await submit(http, api))[1]["data"]["id"])
    for _ in range(5):
        await poll(http, api, held.id)
    assert (held.status, held.progress) == ("processing", 0)
    held.set_progress(30)
    assert (await poll(http, api, held.id))[1]["data"]["progress"] == 30


async def test_faults_are_consumed_in_order(api: FakeAPIMart, http: aiohttp.ClientSession):
    task_id = api.create_task().id
    api.fail_next("poll", status=429, retry_after_header="2", retry_after_body=2.5)
    api.fail_next("any", status=200, http200_body_code=500, message="upstream broke")
    api.malformed_next("poll")
    api.reset_next("poll", times=2)  # aiohttp retries a dropped GET once by itself
    api.delay_next("poll", 0.05)
    api.fail_next("submit", status=503, times=2)

    async with http.get(f"{api.base_url}/v1/tasks/{task_id}", headers=AUTH) as resp:
        assert (resp.status, resp.headers["Retry-After"]) == (429, "2")
        body = await resp.json()
        assert body["error"]["type"] == "rate_limit_error"
        assert body["error"]["retry_after"] == 2.5
    status, body = await poll(http, api, task_id)
    assert (status, body["code"], body["error"]["message"]) == (200, 500, "upstream broke")
    async with http.get(f"{api.base_url}/v1/tasks/{task_id}", headers=AUTH) as resp:
        assert resp.status == 200
        with pytest.raises(ValueError):
            await resp.json()
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await poll(http, api, task_id)
    loop = asyncio.get_running_loop()
    started = loop.time()
    status, body = await poll(http, api, task_id)
    assert status == 200
    assert loop.time() - started >= 0.05
    assert api.task(task_id).polls == 1  # only the delayed poll reached the task

    for _ in range(2):
        assert (await submit(http, api))[0] == 503
    assert (await submit(http, api))[0] == 200
    assert api.pending_faults == 0
    assert len(api.polls) == 6


async def test_answers_with_every_character_escaped_say_the_same(
    api: FakeAPIMart, http: aiohttp.ClientSession
):
    api.escapes_every_character = True
    api.fail_next("submit", status=400, message=f"Bearer {KEY} refused \U0001f3ac")
    async with http.post(f"{api.base_url}/v1/videos/generations", json=GOOD, headers=AUTH) as resp:
        written = await resp.text()
    assert json.loads(written)["error"]["message"] == f"Bearer {KEY} refused \U0001f3ac"
    assert "test" not in written and "message" not in written, written
    api.malformed_next("poll", body='{"code": 200, "data": ')
    async with http.get(f"{api.base_url}/v1/tasks/x", headers=AUTH) as resp:
        assert await resp.text() == '{"code": 200, "data": ', "a malformed answer stays so"


async def test_uploads(api: FakeAPIMart, http: aiohttp.ClientSession):
    form = aiohttp.FormData()
    form.add_field("file", b"\x89PNGdata", filename="cat.png", content_type="image/png")
    async with http.post(f"{api.base_url}/v1/uploads/images", data=form, headers=AUTH) as resp:
        assert resp.status == 200
        url = (await resp.json())["data"]["url"]
    assert url.startswith(f"{api.base_url}/uploads/")
    [upload] = api.uploads
    assert (upload.filename, upload.content_type, upload.data) == (
        "cat.png",
        "image/png",
        b"\x89PNGdata",
    )
    async with http.get(url) as resp:
        assert await resp.read() == b"\x89PNGdata"

    api.max_upload_bytes = 100
    big = aiohttp.FormData()
    big.add_field("file", b"x" * 500, filename="big.png", content_type="image/png")
    async with http.post(f"{api.base_url}/v1/uploads/images", data=big, headers=AUTH) as resp:
        assert resp.status == 413
        assert (await resp.json())["error"]["code"] == 413
    assert len(api.uploads) == 1


async def test_waiting_and_rates(http: aiohttp.ClientSession):
    async with FakeAPIMart(KEY, record_bodies=False) as api:
        waiter = asyncio.create_task(api.wait_for_polls(3))
        task_id = api.create_task(plan=TaskPlan(polls_until_done=None)).id
        await asyncio.gather(*(poll(http, api, task_id) for _ in range(3)))
        await asyncio.wait_for(waiter, 1)
        with pytest.raises(TimeoutError):
            await api.wait_for_submits(1, timeout=0.01)
        assert api.requests[0].json is None
        assert api.requests[0].headers == {}
        assert api.peak_rate() == 3.0
        assert api.peak_rate(route="submit") == 0.0


async def test_file_downloads_can_be_cut_short_or_stall(
    api: FakeAPIMart, http: aiohttp.ClientSession
):
    url = api.add_file("v.mp4", b"v" * 1000)
    api.truncate_next(keep_bytes=10)
    api.stall_next(0.05, keep_bytes=10)
    async with http.get(url) as resp:
        assert (resp.status, resp.content_length) == (200, 1000)
        with pytest.raises(aiohttp.ClientPayloadError):
            await resp.read()
    loop = asyncio.get_running_loop()
    started = loop.time()
    async with http.get(url) as resp:
        assert await resp.read() == b"v" * 1000
    assert loop.time() - started >= 0.05
    async with http.get(url) as resp:
        assert await resp.read() == b"v" * 1000
    assert len(api.downloads) == 3


async def test_a_task_whose_reference_cannot_be_downloaded_fails_uncharged(
    http: aiohttp.ClientSession,
):
    """APIMart downloads `image_urls`/`video_urls` itself while it works: a link that answers
    404 (a deleted message's file, an expired attachment) makes no video, and costs nothing."""
    async with FakeAPIMart(KEY, default_plan=TaskPlan(polls_until_done=2)) as api:
        form = aiohttp.FormData()
        form.add_field("file", b"\x89PNGdata", filename="cat.png", content_type="image/png")
        async with http.post(f"{api.base_url}/v1/uploads/images", data=form, headers=AUTH) as r:
            served = (await r.json())["data"]["url"]
        frame = {**GOOD, "generation_type": "frame"}
        outcomes = {}
        for name, url in (
            ("served", served),
            ("gone", f"{api.base_url}/uploads/gone.png"),
            ("nowhere", "https://cdn.example/cat.png"),  # no network here: nothing serves it
        ):
            _, body = await submit(http, api, {**frame, "image_urls": [url]})
            task_id = body["data"][0]["task_id"]
            await poll(http, api, task_id)
            _, last = await poll(http, api, task_id)
            outcomes[name] = (last["data"]["status"], last["data"]["cost"])
        assert outcomes == {
            "served": ("completed", 0.4),
            "gone": ("failed", 0),
            "nowhere": ("failed", 0),
        }
        assert api.used_balance == pytest.approx(0.4), "only the video made is paid for"
        assert [f.status for f in api.reference_fetches] == [200, 404, None]
        gone = api.task(api.task_ids[1])
        assert gone.error_message == "Failed to download image_urls[0] (HTTP 404)"


async def test_references_are_taken_as_served_when_a_test_opts_out(http: aiohttp.ClientSession):
    async with FakeAPIMart(KEY, default_plan=TaskPlan(polls_until_done=1)) as api:
        api.fetch_references = False
        body = {**GOOD, "generation_type": "frame", "image_urls": ["https://cdn.example/a.png"]}
        _, submitted = await submit(http, api, body)
        _, last = await poll(http, api, submitted["data"][0]["task_id"])
        assert last["data"]["status"] == "completed"
        assert api.reference_fetches == []
