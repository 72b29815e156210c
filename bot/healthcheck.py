"""The container's health check: `python -m bot.healthcheck` (the Dockerfile's HEALTHCHECK).

Exit 0 when `/healthz` answers 200, 1 when it answers otherwise or not at all; it asks where
`METRICS_HOST` serves (loopback for every address), never through a proxy. With the
endpoint turned off (`METRICS_PORT` empty) or on a port chosen at start-up (`0`), there is
nothing to ask: the check passes rather than mark a working bot unhealthy for ever, and says
so (Docker keeps what it printed: `docker inspect` shows it under State.Health).
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request

TIMEOUT = 4.0


# Where a server bound to every address is reached from inside the container: `::` on its IPv6
# loopback, or, on a host without IPv6, on IPv4's (the bot serves on 0.0.0.0 there instead).
_LOOPBACK = {"": ("127.0.0.1",), "0.0.0.0": ("127.0.0.1",), "::": ("[::1]", "127.0.0.1")}
# The check talks to its own container: never through a proxy from the environment.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _turned_off(port: str) -> str | None:
    """Why there is no endpoint to ask (None: there is one)."""
    if port == "":
        return "METRICS_PORT is empty"
    if port == "0":
        return "METRICS_PORT=0 picks a port at start-up, unknown here"
    return None


def check(port: str, host: str = "") -> int:
    """The exit code for a health check of the bot serving on `host`:`port` (METRICS_HOST)."""
    port, host = port.strip(), host.strip()
    why = _turned_off(port)
    if why is not None:
        print(f"health checks are off ({why}): this says only that the container runs")
        return 0
    addresses = _LOOPBACK.get(host, (f"[{host}]" if ":" in host else host,))
    for address in addresses:
        try:
            with _DIRECT.open(f"http://{address}:{port}/healthz", timeout=TIMEOUT):
                return 0
        except urllib.error.HTTPError as error:
            # A 503 is the bot's answer (its body says why): not asked again elsewhere.
            print(f"unhealthy: {error}", file=sys.stderr)
            return 1
        except (OSError, ValueError) as error:
            failure = error
    print(f"unhealthy: {failure}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(check(os.environ.get("METRICS_PORT", ""), os.environ.get("METRICS_HOST", "")))
