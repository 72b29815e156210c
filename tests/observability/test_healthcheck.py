"""The container's HEALTHCHECK command (`python -m bot.healthcheck`), run as Docker runs it."""

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest
from aiohttp import web

from bot.observability.health import Starting, Verdict
from bot.observability.metrics import Metrics
from bot.observability.server import ObservabilityServer, missing_ipv6

ROOT = Path(__file__).resolve().parents[2]


def healthcheck(port: str, **env: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "METRICS_PORT": port, **env}
    return subprocess.run(
        [sys.executable, "-m", "bot.healthcheck"],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )


async def serving(status: int, host: str = "127.0.0.1") -> tuple[web.AppRunner, int]:
    async def healthz(request: web.Request) -> web.Response:
        return web.json_response({"status": "x"}, status=status)

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, host, 0)
    await site.start()
    return runner, site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]


async def test_a_healthy_bot_passes_and_an_unhealthy_one_fails():
    for status, code in ((200, 0), (503, 1)):
        runner, port = await serving(status)
        try:
            # The check runs in its own process; this loop keeps serving meanwhile.
            result = await asyncio.to_thread(healthcheck, str(port))
        finally:
            await runner.cleanup()
        assert result.returncode == code, result.stderr


def test_nothing_listening_fails():
    assert healthcheck("9").returncode == 1


def test_a_turned_off_endpoint_is_no_failure_and_the_check_says_it_asked_nothing():
    """METRICS_PORT= in .env turns the endpoints off: the container is not unhealthy for it, and
    what the check printed (`docker inspect`'s Health log) says it knows only that it runs."""
    for port, why in (("", "METRICS_PORT is empty"), ("0", "METRICS_PORT=0")):
        result = healthcheck(port)
        assert result.returncode == 0
        assert "health checks are off" in result.stdout and why in result.stdout
        assert "only that the container runs" in result.stdout


@pytest.mark.skipif(missing_ipv6() is not None, reason="this host has no IPv6")
async def test_it_asks_where_metrics_host_serves_and_never_through_a_proxy():
    for host in ("0.0.0.0", "127.0.0.1", "::", "::1"):
        server = ObservabilityServer(Starting(), Metrics(), host=host, port=0)
        await server.start()
        try:
            result = await asyncio.to_thread(
                healthcheck, str(server.port), METRICS_HOST=host, HTTP_PROXY="http://127.0.0.1:9"
            )
        finally:
            await server.stop()
        assert result.returncode == 0, (host, result.stderr)


@pytest.mark.skipif(missing_ipv6() is not None, reason="this host has no IPv6")
async def test_every_address_is_asked_on_ipv4_where_a_published_port_arrives():
    """METRICS_HOST=:: is IPv4 too: a server on IPv6 alone (aiohttp binds `::` IPV6_V6ONLY, as
    the bot once did) refuses Docker's published port and an IPv4 scrape, and the check passed it
    on [::1], the container "healthy" all the same."""
    runner, port = await serving(200, "::")
    try:
        result = await asyncio.to_thread(healthcheck, str(port), METRICS_HOST="::")
    finally:
        await runner.cleanup()
    assert result.returncode == 1
    assert "refused" in result.stderr, result.stderr


async def test_a_wildcard_ipv6_host_served_on_ipv4_instead_is_asked_on_ipv4():
    """METRICS_HOST=:: on a host without IPv6: the bot serves on 0.0.0.0 (one warning line), and
    the check finds it there rather than fail for ever on [::1]."""
    runner, port = await serving(200, "0.0.0.0")
    try:
        result = await asyncio.to_thread(healthcheck, str(port), METRICS_HOST="::")
    finally:
        await runner.cleanup()
    assert result.returncode == 0, result.stderr


async def test_an_unhealthy_answer_s_reasons_are_what_the_check_prints():
    """`docker inspect` shows what the check printed: the bot's own reasons (a gateway down for
    minutes, a dead loop), not only "HTTP Error 503", which every reason looks alike in."""
    server = ObservabilityServer(Unhealthy(), Metrics(), host="127.0.0.1", port=0)
    await server.start()
    try:
        result = await asyncio.to_thread(healthcheck, str(server.port))
    finally:
        await server.stop()
    assert result.returncode == 1
    assert "gateway: not connected since start-up 130s ago" in result.stderr, result.stderr
    assert "engine: the poll loop is dead" in result.stderr, result.stderr


class Unhealthy:
    async def liveness(self) -> Verdict:
        return Verdict(
            ["gateway: not connected since start-up 130s ago", "engine: the poll loop is dead"]
        )

    async def readiness(self) -> Verdict:
        return Verdict(["not ready"])
