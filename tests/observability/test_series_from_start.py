"""Counters an alert reads are served at 0 from a start, not first at their first event.

Prometheus' `increase()` and `rate()` see no rise in a series whose first sample is already 1
(or 25): without a 0 before it, the first error of a kind after a restart (or a whole burst
of them within one scrape) is invisible to the alerts docs/operations.md ships. Where the
label values are a small known set they are served at 0 before anything happens; unbounded
ones (every Discord error code, every HTTP status) are not.
"""

from __future__ import annotations

from pathlib import Path

from bot.apimart.client import (
    BALANCE_PATH,
    SUBMIT_PATH,
    TASK_PATH,
    UPLOAD_PATH,
    USER_BALANCE_PATH,
    endpoint_label,
)
from tests.harness import running_bot
from tests.observability.scrape import Samples, scrape
from tests.observability.test_alert_rules import (
    _discord_errors,
    _series,
    needs_promtool,
    promtool_test,
)

ENDPOINTS = [
    endpoint_label(path)
    for path in (SUBMIT_PATH, TASK_PATH, UPLOAD_PATH, BALANCE_PATH, USER_BALANCE_PATH)
]
# What APIMart failing looks like to the client: no answer, a rate limit, a server error.
APIMART_FAILURES = ("connect_error", "timeout", "no_answer", "429", "500", "502", "503", "504")
# Discord failing the bot (after discord.py's own retries): no Discord error code with these.
DISCORD_FAILURES = ("401", "429", "500", "502", "503", "504")


async def fresh_scrape(tmp_path: Path) -> Samples:
    """A just-started bot's /metrics, before any request has failed."""
    async with running_bot(tmp_path, metrics_port=0) as world:
        return await scrape(f"http://127.0.0.1:{world.bot.observability.port}")


async def test_a_just_started_bot_serves_its_failure_counters_at_zero(tmp_path):
    samples = await fresh_scrape(tmp_path)
    missing = []
    for endpoint in ENDPOINTS:
        for status in (*APIMART_FAILURES, "200"):
            key = ("videobot_apimart_requests_total", endpoint, status)
            try:
                value = samples.get(key[0], endpoint=endpoint, status=status)
            except KeyError:
                missing.append(key)
                continue
            if status != "200":  # nothing has failed: each is 0
                assert value == 0, key
        try:
            assert samples.get("videobot_apimart_rate_limited_total", endpoint=endpoint) == 0
        except KeyError:
            missing.append(("videobot_apimart_rate_limited_total", endpoint))
    for status in DISCORD_FAILURES:
        try:
            assert samples.get("videobot_discord_rest_errors_total", status=status, code="0") == 0
        except KeyError:
            missing.append(("videobot_discord_rest_errors_total", status, "0"))
    assert missing == []
    # Not every Discord error code: those appear as they come.
    codes = {labels["code"] for labels in samples.labels_of("videobot_discord_rest_errors_total")}
    assert codes == {"0"}


@needs_promtool
async def test_a_burst_of_discord_failures_just_after_a_start_pages(tmp_path):
    """Discord fails 25 of the bot's requests within a minute of a restart (a 503 each, after
    discord.py's retries): VideoBotDiscordErrors fires. Fed the series as a freshly started
    bot serves it: absent until its first count, the whole burst would read as no increase."""
    samples = await fresh_scrape(tmp_path / "bot")
    served = ("videobot_discord_rest_errors_total", frozenset({("status", "503"), ("code", "0")}))
    before = "0" if served in samples.values else "_"
    series = [
        _discord_errors(f"{before}x5 25x30", "503", "0"),
        _series("up", "1x36"),
    ]
    (tmp_path / "rules").mkdir()
    checks = [("VideoBotDiscordErrors", "4m", False), ("VideoBotDiscordErrors", "10m", True)]
    assert promtool_test(tmp_path / "rules", series, checks) == ""
