"""Where the health and metrics server listens for METRICS_HOST: `::` is every address, IPv4 as
well as IPv6 (what a probe of 127.0.0.1, a published port or an IPv4 scrape reaches), and on a
host without IPv6 (a container whose network has none) every IPv4 address, said once; any other
address is served there alone; a port already taken is still an error."""

import errno
import logging
import shutil
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import aiohttp
import pytest

from bot.observability.health import Starting
from bot.observability.metrics import Metrics
from bot.observability.server import ObservabilityServer, missing_ipv6
from bot.observability.wiring import serve_while_starting
from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
FALLBACK = "no IPv6"


@pytest.fixture
def kernel_without_ipv6(monkeypatch):
    """IPv6 sockets refused as by a kernel booted with ipv6.disable=1 (EAFNOSUPPORT)."""
    real = socket.socket

    class NoIPv6Socket(real):
        def __init__(self, family=socket.AF_INET, *args, **kwargs):
            if family == socket.AF_INET6:
                raise OSError(errno.EAFNOSUPPORT, "Address family not supported by protocol")
            super().__init__(family, *args, **kwargs)

    monkeypatch.setattr(socket, "socket", NoIPv6Socket)


async def healthz(port: int, address: str = "127.0.0.1") -> int:
    url = f"http://{address}:{port}/healthz"
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        return response.status


async def refused(port: int, address: str) -> bool:
    try:
        await healthz(port, address)
    except aiohttp.ClientConnectorError:
        return True
    return False


needs_ipv6 = pytest.mark.skipif(missing_ipv6() is not None, reason="this host has no IPv6")


@needs_ipv6
async def test_every_address_is_served_on_ipv4_and_ipv6_alike(monkeypatch):
    """METRICS_HOST=:: ("all addresses") listened on IPv6 alone (asyncio binds `::` with
    IPV6_V6ONLY): a probe of 127.0.0.1, Docker's published port and an IPv4 scrape were refused."""
    monkeypatch.setenv("METRICS_HOST", "::")
    monkeypatch.setenv("METRICS_PORT", "0")
    settings = Settings(_env_file=None, discord_token="token", apimart_api_key="key")
    server = await serve_while_starting(settings)
    assert server is not None
    try:
        assert await healthz(server.port, "127.0.0.1") == 200
        assert await healthz(server.port, "[::1]") == 200
    finally:
        await server.stop()


@needs_ipv6
async def test_every_address_cannot_be_served_on_a_port_another_process_has_on_ipv4():
    """Else the bot said it served `::` while IPv4 clients reached the other process."""
    with socket.create_server(("0.0.0.0", 0)) as taken:
        port = taken.getsockname()[1]
        server = ObservabilityServer(Starting(), Metrics(), host="::", port=port)
        with pytest.raises(OSError) as raised:
            await server.start()
    assert raised.value.errno == errno.EADDRINUSE


@needs_ipv6
@pytest.mark.parametrize(("host", "elsewhere"), [("127.0.0.1", "[::1]"), ("::1", "127.0.0.1")])
async def test_one_address_is_served_there_alone(host, elsewhere):
    server = ObservabilityServer(Starting(), Metrics(), host=host, port=0)
    await server.start()
    try:
        assert await healthz(server.port, f"[{host}]" if ":" in host else host) == 200
        assert await refused(server.port, elsewhere)
    finally:
        await server.stop()


async def test_a_wildcard_ipv6_host_without_ipv6_serves_on_every_ipv4_address(
    kernel_without_ipv6, caplog
):
    server = ObservabilityServer(Starting(), Metrics(), host="::", port=0)
    with caplog.at_level(logging.INFO, logger="bot.observability.server"):
        await server.start()
    port = server.port
    try:
        assert port != 0, "nothing listens"
        assert await healthz(port) == 200
    finally:
        await server.stop()
    [warning] = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert "METRICS_HOST=::" in warning and FALLBACK in warning and "0.0.0.0" in warning
    assert f"on 0.0.0.0:{port}" in caplog.text, "the serving line names the real address"


async def test_a_taken_port_is_still_an_error_after_falling_back(kernel_without_ipv6):
    with socket.create_server(("0.0.0.0", 0)) as taken:
        port = taken.getsockname()[1]
        server = ObservabilityServer(Starting(), Metrics(), host="::", port=port)
        with pytest.raises(OSError) as raised:
            await server.start()
    assert raised.value.errno == errno.EADDRINUSE


async def test_an_ipv4_host_is_never_moved(kernel_without_ipv6, caplog):
    server = ObservabilityServer(Starting(), Metrics(), host="127.0.0.1", port=0)
    await server.start()
    try:
        assert await healthz(server.port) == 200
    finally:
        await server.stop()
    assert FALLBACK not in caplog.text


# Docker's usual case: IPv6 switched off by sysctl in the container's network. `::` still binds,
# but nothing can reach it: the HEALTHCHECK failed for ever with no error at all.
IN_A_CONTAINER_WITHOUT_IPV6 = textwrap.dedent(
    """
    set -e
    ip link set lo up
    for scope in all default lo; do sysctl -qw net.ipv6.conf.$scope.disable_ipv6=1; done
    "$PYTHON" -c "$SERVE" &
    for try in $(seq 100); do
        if METRICS_HOST=:: METRICS_PORT=8080 "$PYTHON" -m bot.healthcheck 2>/dev/null; then
            echo healthy; kill $!; exit 0
        fi
        sleep 0.1
    done
    kill $!; echo unhealthy
    """
)
SERVE = textwrap.dedent(
    """
    import asyncio, logging
    from bot.observability.health import Starting
    from bot.observability.metrics import Metrics
    from bot.observability.server import ObservabilityServer

    async def main():
        logging.basicConfig(level=logging.INFO)
        await ObservabilityServer(Starting(), Metrics(), host="::", port=8080).start()
        await asyncio.sleep(30)

    asyncio.run(main())
    """
)


def _can_make_network_namespaces() -> bool:
    if shutil.which("unshare") is None or shutil.which("ip") is None:
        return False
    return subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0


@pytest.mark.skipif(not _can_make_network_namespaces(), reason="needs unshare -n (root)")
def test_a_container_network_without_ipv6_passes_the_image_health_check():
    result = subprocess.run(
        ["unshare", "-n", "sh", "-c", IN_A_CONTAINER_WITHOUT_IPV6],
        env={
            "PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
            "PYTHONPATH": str(ROOT),
            "PYTHON": sys.executable,
            "SERVE": SERVE,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "healthy", result.stderr
    assert FALLBACK in result.stderr
