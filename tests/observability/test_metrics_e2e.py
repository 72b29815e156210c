"""An operator's view of a real run: the bot against fake Discord and fake APIMart, with
METRICS_PORT on, scraped over HTTP while two members' videos are made and delivered."""

import asyncio
import math

import aiohttp
import pytest

from bot.jobs.models import JobState
from tests.fakes.apimart import FakeAPIMart, TaskPlan
from tests.harness import API_KEY, running_bot
from tests.observability.scrape import probe, scrape, until_status

SUBMIT = "/v1/videos/generations"
TASK = "/v1/tasks/{task_id}"


async def delivered(world, job_id):
    """The job once its delivery is stored (the result post comes just before)."""
    async with asyncio.timeout(10):
        # No event says when that write lands: look again shortly.
        while True:
            job = await world.bot.store.get(job_id)
            if job is not None and job.delivered_at is not None:
                return job
            await asyncio.sleep(0.02)


async def balance_read(world):
    """Once the bot has read APIMart's balance (after it is set up; no event says when)."""
    async with asyncio.timeout(10):
        while True:
            if world.bot.balance.latest is not None:
                return
            await asyncio.sleep(0.02)


async def test_the_metrics_follow_a_run_of_two_videos_and_the_bot_reports_healthy(tmp_path):
    async with running_bot(tmp_path, plan=TaskPlan(polls_until_done=2), metrics_port=0) as world:
        base = f"http://127.0.0.1:{world.bot.observability.port}"
        await balance_read(world)
        before = await scrape(base)
        assert before.total("videobot_submits_total") == 0
        assert before.get("videobot_jobs", state="completed") == 0
        assert before.get("videobot_apimart_balance") == world.api.remain_balance == 1000.0

        # One status check is rate limited, and one status edit refused by Discord.
        world.api.fail_next("poll", status=429, retry_after_header="0")
        world.discord.fail_next(
            "PATCH", r"/channels/\d+/messages/\d+", status=403, code=50001, message="Missing Access"
        )
        await world.video(prompt="a kite over the sea", duration=4, resolution="720p")
        await world.video(prompt="a boat at dawn", duration=8, resolution="1080p")
        jobs = [await delivered(world, 1), await delivered(world, 2)]
        after = await scrape(base)

        assert await probe(base, "/healthz") == (200, {"status": "ok"})
        assert await probe(base, "/readyz") == (200, {"status": "ready"})

    # The bot stopped its server on close: nothing answers there any more.
    with pytest.raises(aiohttp.ClientConnectionError):
        await probe(base, "/healthz")
    assert [job.state for job in jobs] == [JobState.COMPLETED, JobState.COMPLETED]
    # Jobs by state, read from the database at scrape time.
    assert after.get("videobot_jobs", state="completed") == 2
    assert after.total("videobot_jobs") == 2
    # Each stage counted what it did.
    assert after.get("videobot_submits_total", outcome="accepted") == 2
    assert after.total("videobot_submits_total") == 2
    assert after.get("videobot_polls_total", outcome="finished") == 2
    assert after.get("videobot_polls_total", outcome="rate_limited") == 1
    assert after.total("videobot_polls_total") == len(world.api.polls)
    assert after.get("videobot_deliveries_total", outcome="delivered") == 2
    assert after.total("videobot_deliveries_total") == 2
    # Every APIMart request, by endpoint and status, as the fake saw them.
    assert after.get("videobot_apimart_requests_total", endpoint=SUBMIT, status="200") == 2
    assert after.get("videobot_apimart_requests_total", endpoint=TASK, status="429") == 1
    assert after.get("videobot_apimart_requests_total", endpoint=TASK, status="200") == (
        len(world.api.polls) - 1
    )
    assert after.get("videobot_apimart_request_duration_seconds_count", endpoint=SUBMIT) == 2
    assert after.get("videobot_apimart_rate_limited_total", endpoint=TASK) == 1
    # The 429 halved the budget's rate, which is climbing back toward its ceiling.
    assert after.get("videobot_request_budget_ceiling") == 1000.0
    assert after.get("videobot_request_budget_rate") < 1000.0
    # Render time by resolution and length; credits as the jobs record them.
    assert after.get("videobot_render_duration_seconds_count", resolution="720p", duration="4") == 1
    assert (
        after.get("videobot_render_duration_seconds_count", resolution="1080p", duration="8") == 1
    )
    assert after.get("videobot_credits_spent_total") == sum(job.credits_cost for job in jobs) > 0
    assert after.get("videobot_delivery_delay_seconds_count") == 2
    # Discord's refusal of the status edit, by status and code.
    assert after.get("videobot_discord_rest_errors_total", status="403", code="50001") == 1
    # Live values: the loops run, nothing is overdue, the one shard has a latency series.
    for stage in ("submit", "poll", "deliver"):
        assert after.get("videobot_stage_up", stage=stage) == 1
    assert after.labels_of("videobot_gateway_latency_seconds") == [{"shard": "0"}]
    assert not math.isnan(after.get("videobot_apimart_balance"))


async def test_a_gateway_outage_longer_than_the_grace_shows_on_healthz_until_it_resumes(
    tmp_path, monkeypatch
):
    async with running_bot(tmp_path, metrics_port=0, health_gateway_grace=0.2) as world:
        base = f"http://127.0.0.1:{world.bot.observability.port}"
        fake = world.discord
        assert (await probe(base, "/healthz"))[0] == 200
        # Discord drops the connection and does not take the bot's RESUME until released.
        released = asyncio.Event()
        resume = fake._on_resume

        async def held_resume(conn, data):
            await released.wait()
            await resume(conn, data)

        monkeypatch.setattr(fake, "_on_resume", held_resume)
        handshakes = fake.handshakes
        await fake.disconnect_all()

        body = await until_status(base, "/healthz", 503)
        [reason] = body["reasons"]
        assert reason.startswith("gateway: shard 0 disconnected for ")
        assert (await probe(base, "/readyz")) == (
            503,
            {"status": "not ready", "reasons": ["gateway: reconnecting"]},
        )

        released.set()
        await fake.wait_for_connection(handshakes=handshakes + 1)
        assert await until_status(base, "/healthz", 200) == {"status": "ok"}
        assert await probe(base, "/readyz") == (200, {"status": "ready"})


async def test_an_unlimited_account_is_not_shown_as_a_balance_never_read(tmp_path):
    """docs/operations.md: the balance source returns `math.inf` for an account with
    unlimited quota; NaN means "not read yet"."""
    async with FakeAPIMart(api_key=API_KEY) as api:
        api.unlimited_quota = True
        async with running_bot(tmp_path, api=api, metrics_port=0) as world:
            await balance_read(world)
            assert world.bot.balance.latest.unlimited
            scraped = await scrape(f"http://127.0.0.1:{world.bot.observability.port}")
    assert scraped.get("videobot_apimart_balance") == math.inf
