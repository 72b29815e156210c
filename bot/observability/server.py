"""The small HTTP server behind METRICS_PORT: `/healthz`, `/readyz` and `/metrics`."""

from __future__ import annotations

import asyncio
import errno
import ipaddress
import logging
import socket
import time
from collections.abc import Awaitable, Callable
from typing import Protocol

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST

from bot.observability.health import REFRESHES_OUT_AT_MOST, Outstanding, Verdict
from bot.observability.metrics import Metrics
from bot.observability.repeated import RepeatedFailures

log = logging.getLogger(__name__)

# Values read from the database at scrape time must not hold up a scrape for long.
REFRESH_TIMEOUT = 5.0
# How long stopping waits for requests still being answered.
STOP_WAIT = 1.0

Refresh = Callable[[], Awaitable[None]]

# Where `::` is served when this host has no IPv6: every IPv4 address, as `::` meant every address.
IPV4_EVERYWHERE = "0.0.0.0"
# The errors of a host with no IPv6: none in the kernel (ipv6.disable=1), or switched off by
# sysctl (Docker's networks without IPv6), where `::` binds but nothing can ever reach it.
_NO_IPV6 = frozenset({errno.EAFNOSUPPORT, errno.EPROTONOSUPPORT, errno.EADDRNOTAVAIL})


def every_ipv6_address(host: str) -> bool:
    """Whether `host` is `::` (however spelt): meant as every address, not IPv6 alone."""
    try:
        return ipaddress.ip_address(host) == ipaddress.IPv6Address("::")
    except ValueError:
        return False


def missing_ipv6() -> str | None:
    """Why this host cannot serve IPv6, or None where it can: not even its own loopback (::1)
    takes an IPv6 socket."""
    if not socket.has_ipv6:
        return "Python was built without IPv6"
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as probe:
            probe.bind(("::1", 0))
    except OSError as error:
        if error.errno in _NO_IPV6:
            return error.strerror or str(error)
    return None


class Checks(Protocol):
    """What /healthz and /readyz answer: the bot's `Health`, or `Starting` before it exists."""

    async def liveness(self) -> Verdict: ...

    async def readiness(self) -> Verdict: ...


async def _nothing() -> None:
    return None


def _answer(verdict: Verdict, good: str, bad: str) -> web.Response:
    if verdict.ok:
        return web.json_response({"status": good})
    return web.json_response({"status": bad, "reasons": verdict.reasons}, status=503)


class ObservabilityServer:
    """Serves the health checks and the metrics on one host and port until `stop()`."""

    def __init__(
        self,
        health: Checks,
        metrics: Metrics,
        *,
        host: str,
        port: int,
        refresh: Refresh = _nothing,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._health = health
        self._metrics = metrics
        self._host = host
        self._port = port
        self._refresh = refresh
        # Prometheus scrapes every 15 s: a database down for an hour is not 240 warnings.
        self._failures = RepeatedFailures(log, clock=clock)
        self._clock = clock
        self._refreshes: Outstanding[None] = Outstanding(at_most=REFRESHES_OUT_AT_MOST)
        self._runner: web.AppRunner | None = None

    @property
    def host(self) -> str:
        """The address served: METRICS_HOST (`::` for IPv4 and IPv6 alike), or 0.0.0.0 where `::`
        was asked of a host without IPv6."""
        return self._host

    @property
    def port(self) -> int:
        """The port served (the one the system picked, when asked for port 0)."""
        if self._runner is None or not self._runner.addresses:
            return self._port
        return int(self._runner.addresses[0][1])

    async def start(self) -> None:
        """Bind and serve; raises OSError if the port is taken (on any address served)."""
        addresses = self._addresses()
        app = web.Application()
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/readyz", self._readyz)
        app.router.add_get("/metrics", self._metrics_page)
        # No access log: a probe every few seconds would drown the bot's own lines.
        # A probe still waiting when the bot stops is cut short: SIGTERM must not wait on it.
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=STOP_WAIT)
        await runner.setup()
        port = self._port
        try:
            for address in addresses:
                await web.TCPSite(runner, address, port).start()
                # Port 0: the second address takes the port the system gave the first.
                port = int(runner.addresses[0][1])
        except OSError:
            await runner.cleanup()
            raise
        self._runner = runner
        served = " and ".join(f"[{a}]" if ":" in a else a for a in addresses)
        log.info("Serving /healthz, /readyz and /metrics on %s:%d", served, port)

    def _addresses(self) -> tuple[str, ...]:
        """The addresses to bind: METRICS_HOST itself, but `::` as every IPv4 address too."""
        if not every_ipv6_address(self._host):
            return (self._host,)
        if (why := missing_ipv6()) is not None:
            # Asked of a host without IPv6, `::` listened nowhere anyone could reach (or, with no
            # IPv6 in the kernel, on no socket at all): the HEALTHCHECK failed for ever.
            log.warning(
                "METRICS_HOST=%s but this host has no IPv6 (%s): serving on %s, every IPv4"
                " address, instead",
                self._host,
                why,
                IPV4_EVERYWHERE,
            )
            self._host = IPV4_EVERYWHERE
            return (IPV4_EVERYWHERE,)
        # asyncio binds `::` IPv6-only (IPV6_V6ONLY): alone, it refused 127.0.0.1, a published
        # port and an IPv4 scrape. Both sockets on one port, so either family being taken fails.
        return (IPV4_EVERYWHERE, self._host)

    def answer_for(self, health: Checks, metrics: Metrics, refresh: Refresh) -> None:
        """Answer with these from now on: the bot's, once it exists, on the server started
        while the database was being opened (no moment without an answer in between)."""
        self._health, self._metrics, self._refresh = health, metrics, refresh

    async def stop(self) -> None:
        """Stop serving (idempotent)."""
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def _healthz(self, _request: web.Request) -> web.Response:
        return _answer(await self._health.liveness(), "ok", "unhealthy")

    async def _readyz(self, _request: web.Request) -> web.Response:
        return _answer(await self._health.readiness(), "ready", "not ready")

    async def _metrics_page(self, _request: web.Request) -> web.Response:
        # The database-backed gauges are read in a task of their own, waited for at most
        # `REFRESH_TIMEOUT`: a read cancelled on a connection to a server gone silent (a
        # partition) never returns, and the scrape must answer anyway. A read still under way
        # is waited for again rather than joined by another (one connection held, not one per
        # scrape), unless it is stuck: then the next scrape reads afresh (`Outstanding`).
        refreshing = self._refreshes.join(self._refresh, now=self._clock())
        done, _ = await asyncio.wait({refreshing}, timeout=REFRESH_TIMEOUT)
        if not done:
            # The counters are still worth serving; the database-backed gauges keep old values.
            self._metrics.database_up.set(0)
            self._failures.log(
                "refresh timeout",
                logging.WARNING,
                "/metrics: the live values took over %gs; serving the last",
                REFRESH_TIMEOUT,
            )
        elif (error := refreshing.exception()) is not None:
            kind = type(error).__name__
            self._failures.log(
                f"refresh {kind}",
                logging.WARNING,
                "Could not read the live values for /metrics (%s); serving the last",
                kind,
                exc_info=error,
            )
        return web.Response(
            body=self._metrics.render(), headers={"Content-Type": CONTENT_TYPE_LATEST}
        )
