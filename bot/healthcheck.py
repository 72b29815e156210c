"""The container's health check: `python -m bot.healthcheck` (the Dockerfile's HEALTHCHECK).

Exit 0 when `/healthz` answers 200, 1 when it answers otherwise or not at all. With the
endpoint turned off (`METRICS_PORT` empty) or on a port chosen at start-up (`0`), there is
nothing to ask: the check passes rather than mark a working bot unhealthy for ever.
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request

TIMEOUT = 4.0


def check(port: str) -> int:
    """The exit code for a health check of the bot serving on `port`."""
    if port.strip() in ("", "0"):
        return 0
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port.strip()}/healthz", timeout=TIMEOUT):
            return 0
    except (OSError, ValueError) as error:
        # A 503 arrives as HTTPError (an OSError): its body says why; the status is enough here.
        print(f"unhealthy: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(check(os.environ.get("METRICS_PORT", "")))
