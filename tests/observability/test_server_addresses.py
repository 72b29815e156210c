"""Where the health and metrics server listens when METRICS_HOST is `::` on a host without IPv6
(a container whose network has none): on every IPv4 address instead, said once, so the image's
HEALTHCHECK and a published port reach it; a port already taken is still an error."""

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
from bot.observability.server import ObservabilityServer

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


async def healthz(port: int) -> int:
    url = f"http://127.0.0.1:{port}/healthz"
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        return response.status


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
