"""Name lookups for links from outside (members' links, and the result links APIMart's answers
name), on threads of their own.

A lookup blocks a thread until the name's nameserver answers, and whoever wrote the link
chooses that nameserver: one that never answers holds a thread for the system resolver's
whole timeout (about 10 s with glibc's defaults, longer with search domains), however soon the
link itself is given up on. Through the event loop's own resolver those threads are shared with
every other lookup the bot makes (APIMart's, Discord's; uvloop runs at most a few at once): a
handful of such links would stall them all. Here they can only hold up other such links.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from collections.abc import Sequence
from typing import Any

from aiohttp.abc import AbstractResolver, ResolveResult

# Lookups at once, stuck ones included; more wait their turn (a link gives up on its own cap).
LOOKUP_THREADS = 4

_FLAGS = socket.AI_ADDRCONFIG
_NUMERIC = socket.AI_NUMERICHOST | socket.AI_NUMERICSERV
_AddrInfo = Sequence[tuple[Any, ...]]


class LinkResolver(AbstractResolver):
    """Resolves each name on a daemon thread, at most `threads` at once.

    Daemon threads, not a pool: Python waits for a pool's threads when the process exits, and a
    lookup stuck on a silent nameserver would hold up a stop past `docker stop`'s grace."""

    def __init__(self, threads: int = LOOKUP_THREADS) -> None:
        self._slots = asyncio.Semaphore(threads)

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        await self._slots.acquire()
        loop = asyncio.get_running_loop()
        answer: asyncio.Future[_AddrInfo] = loop.create_future()

        def lookup() -> None:
            try:
                infos: _AddrInfo | BaseException = socket.getaddrinfo(
                    host, port, family=family, type=socket.SOCK_STREAM, flags=_FLAGS
                )
            except Exception as error:  # a failed lookup (gaierror), a name it cannot encode
                infos = error
            # The slot is freed when the thread ends, not when the link is given up on: a stuck
            # lookup keeps its slot. (The loop may have closed meanwhile, at a stop.)
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self._settle, answer, infos)

        try:
            threading.Thread(target=lookup, name="link-lookup", daemon=True).start()
        except BaseException:  # no thread to be had (a process limit): the slot is not lost
            self._slots.release()
            raise
        infos = await answer
        return [
            ResolveResult(
                hostname=host,
                # An IPv6 scope (link-local) is dropped: such addresses are refused anyway.
                host=str(address[0]),
                port=int(address[1]),
                family=found_family,
                proto=proto,
                flags=_NUMERIC,
            )
            for found_family, _, proto, _, address in infos
            if found_family in (socket.AF_INET, socket.AF_INET6)
        ]

    def _settle(self, answer: asyncio.Future[_AddrInfo], infos: _AddrInfo | BaseException) -> None:
        self._slots.release()
        if answer.done():  # given up on meanwhile
            return
        if isinstance(infos, BaseException):
            answer.set_exception(infos)
        else:
            answer.set_result(infos)

    async def close(self) -> None:
        """Nothing to let go: a lookup still running ends on its own, and waits for nobody."""
