"""The container's health check: `python -m bot.healthcheck` (the Dockerfile's HEALTHCHECK).

Exit 0 when `/healthz` answers 200, 1 when it answers otherwise or not at all; it asks where
`METRICS_HOST` serves (loopback for every address), never through a proxy. With the
endpoint turned off (`METRICS_PORT` empty) or on a port chosen at start-up (`0`), there is
nothing to ask: the check passes rather than mark a working bot unhealthy for ever.
"""

from __future__ import annotations

import os
import sys
import urllib.request

TIMEOUT = 4.0


# Where a server bound to every address is reached from inside the container.
_LOOPBACK = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "[::1]"}
# The check talks to its own container: never through a proxy from the environment.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def check(port: str, host: str = "") -> int:
    """The exit code for a health check of the bot serving on `host`:`port` (METRICS_HOST)."""
    if port.strip() in ("", "0"):
        return 0
    host = host.strip()
    address = _LOOPBACK.get(host, f"[{host}]" if ":" in host else host)
    try:
        with _DIRECT.open(f"http://{address}:{port.strip()}/healthz", timeout=TIMEOUT):
            return 0
    except (OSError, ValueError) as error:
        # A 503 arrives as HTTPError (an OSError): its body says why; the status is enough here.
        print(f"unhealthy: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(check(os.environ.get("METRICS_PORT", ""), os.environ.get("METRICS_HOST", "")))
