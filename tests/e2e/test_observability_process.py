"""`python -m bot` with METRICS_PORT: what a container health check and Prometheus reach."""

import re
import signal

import aiohttp
import pytest

from tests.e2e.process import bot_process
from tests.fakes.apimart import FakeAPIMart
from tests.fakes.discord import FakeDiscord
from tests.harness import API_KEY, BOT_TOKEN, assert_no_spec_violations
from tests.observability.scrape import probe, scrape


async def test_the_real_process_serves_health_and_metrics_until_it_stops(tmp_path):
    async with FakeDiscord(token=BOT_TOKEN) as fake, FakeAPIMart(api_key=API_KEY) as api:
        async with bot_process(tmp_path, fake, api, METRICS_PORT="0") as bot:
            await bot.wait_for_log("Serving /healthz, /readyz and /metrics on 127.0.0.1:")
            [port] = re.findall(r"/metrics on 127\.0\.0\.1:(\d+)", bot.log())
            base = f"http://127.0.0.1:{port}"
            await bot.wait_for_log("Connected as")
            assert await probe(base, "/healthz") == (200, {"status": "ok"})
            assert await probe(base, "/readyz") == (200, {"status": "ready"})
            scraped = await scrape(base)
            assert scraped.get("videobot_jobs", state="queued") == 0
            assert scraped.get("videobot_request_budget_ceiling") == 1000.0
            assert await bot.stop(signal.SIGTERM) == 0
        assert "Stopped cleanly" in bot.log()
        with pytest.raises(aiohttp.ClientConnectionError):
            await probe(base, "/healthz")
        assert_no_spec_violations(fake)
