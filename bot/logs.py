"""Logging set-up that scrubs secrets from every line, tracebacks included."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable

REDACTED = "[REDACTED]"
_FORMAT = "%(asctime)s %(levelname)-8s %(name)s: %(message)s"


class RedactingFormatter(logging.Formatter):
    """Formats as usual, then replaces any secret with a marker."""

    def __init__(self, secrets: Iterable[str], fmt: str = _FORMAT) -> None:
        super().__init__(fmt)
        # Longest first, so a secret that contains another is replaced whole.
        self._secrets = sorted({secret for secret in secrets if secret}, key=len, reverse=True)

    def format(self, record: logging.LogRecord) -> str:
        """The formatted record with secrets removed."""
        text = super().format(record)
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text


class OneLineFaults(logging.Filter):
    """A library's line about an expected fault (Discord unreachable) keeps to one line.

    discord.py logs each gateway reconnect with a full traceback; for a network fault the
    error's own words say all an operator needs, so they replace the traceback.
    """

    def __init__(self, faults: tuple[type[BaseException], ...], library: str = "discord") -> None:
        super().__init__()
        self._faults = faults
        self._library = library

    def filter(self, record: logging.LogRecord) -> bool:
        """Always keep the record; fold an expected fault's traceback into its message."""
        error = record.exc_info[1] if record.exc_info else None
        in_library = record.name == self._library or record.name.startswith(self._library + ".")
        if in_library and isinstance(error, self._faults):
            record.msg = f"{record.getMessage()} ({type(error).__name__}: {error})"
            record.args = None
            record.exc_info = None
            record.exc_text = None
        return True


def configure_logging(
    level: str, secrets: Iterable[str], *, quiet_faults: tuple[type[BaseException], ...] = ()
) -> None:
    """Send all logs to stderr through the redacting formatter.

    `quiet_faults`: errors discord.py logs with a traceback that one line describes well enough.
    """
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(RedactingFormatter(secrets))
    handler.addFilter(OneLineFaults(quiet_faults))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # discord.py's HTTP debug lines echo request bodies; keep them at INFO and above.
    logging.getLogger("discord.http").setLevel(max(logging.INFO, root.level))
