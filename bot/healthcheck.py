"""The container's health check: `python -m bot.healthcheck` (the Dockerfile's HEALTHCHECK).

Exit 0 when `/healthz` answers 200, 1 when it answers otherwise or not at all; it asks where
`METRICS_HOST` serves (127.0.0.1 for every address), never through a proxy. With the
endpoint turned off (`METRICS_PORT` empty) or on a port chosen at start-up (`0`), there is
nothing to ask: the check passes rather than mark a working bot unhealthy for ever, and says
so (Docker keeps what it printed: `docker inspect` shows it under State.Health).
"""

from __future__ import annotations

import ipaddress
import json
import os
import sys
import urllib.error
import urllib.request

TIMEOUT = 4.0


# The check talks to its own container: never through a proxy from the environment.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _turned_off(port: str) -> str | None:
    """Why there is no endpoint to ask (None: there is one)."""
    if port == "":
        return "METRICS_PORT is empty"
    if port == "0":
        return "METRICS_PORT=0 picks a port at start-up, unknown here"
    return None


def _address(host: str) -> str:
    """Where to ask a server bound to `host`, as a URL's host."""
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return host or "127.0.0.1"  # a host name (empty: the server's default, loopback)
    if ip.is_unspecified:
        # Every address (`::` too, IPv4 and IPv6 alike, or 0.0.0.0 on a host without IPv6): asked
        # on IPv4's loopback, where a published port, compose and an IPv4 scrape arrive, so a
        # server on IPv6 alone fails here rather than pass on [::1].
        return "127.0.0.1"
    return f"[{ip}]" if ip.version == 6 else str(ip)


def check(port: str, host: str = "") -> int:
    """The exit code for a health check of the bot serving on `host`:`port` (METRICS_HOST)."""
    port, host = port.strip(), host.strip()
    why = _turned_off(port)
    if why is not None:
        print(f"health checks are off ({why}): this says only that the container runs")
        return 0
    try:
        with _DIRECT.open(f"http://{_address(host)}:{port}/healthz", timeout=TIMEOUT):
            return 0
    except urllib.error.HTTPError as error:  # a 503: the bot's own answer, with its reasons
        print(f"unhealthy: {_reasons(error) or error}", file=sys.stderr)
    except (OSError, ValueError) as error:
        print(f"unhealthy: {error}", file=sys.stderr)
    return 1


def _reasons(answer: urllib.error.HTTPError) -> str | None:
    """The reasons `/healthz` gave (`{"reasons": [...]}`), on one line: what `docker inspect`
    shows of the check. None where the answer holds none (not the bot's, or cut short)."""
    try:
        reasons = json.loads(answer.read(64 * 1024)).get("reasons")
    except (OSError, ValueError, AttributeError):
        return None
    if not isinstance(reasons, list) or not reasons:
        return None
    return "; ".join(str(reason) for reason in reasons)


if __name__ == "__main__":
    sys.exit(check(os.environ.get("METRICS_PORT", ""), os.environ.get("METRICS_HOST", "")))
