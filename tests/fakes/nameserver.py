"""A nameserver that never answers, for the bot's lookups (`socket.getaddrinfo`, which the
event loop's resolver threads call)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import pytest

# Names under this domain are never answered until the test ends.
SILENT_DOMAIN = "silent-dns.example"


@contextmanager
def silent_nameserver(
    monkeypatch: pytest.MonkeyPatch,
    answers: Mapping[str, str] | None = None,
    asked: threading.Event | None = None,
) -> Iterator[threading.Event]:
    """Lookups of names under `SILENT_DOMAIN` hang (each holding its thread) until the block
    ends, then fail as an unreachable nameserver does; `asked` is set at the first. A name in
    `answers` resolves to its IPv4 address; any other name is looked up as usual. Yields
    the event that lets the silent lookups fail at once when set."""
    released = threading.Event()
    lookup = socket.getaddrinfo
    known = dict(answers or {})

    def getaddrinfo(host, port, *args, **kwargs):
        if str(host).endswith(f".{SILENT_DOMAIN}"):
            if asked is not None:
                asked.set()
            released.wait(30)
            raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
        if host in known:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (known[host], port))]
        return lookup(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    try:
        yield released
    finally:
        released.set()
