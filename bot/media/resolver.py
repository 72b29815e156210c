"""Name lookups for members' links, on threads of their own.

A lookup blocks a thread until the name's nameserver answers, and a member chooses that
nameserver: one that never answers holds a thread for the resolver's whole timeout (about 10 s
with glibc's defaults), and the wait to give up on the link does not free it. Through the event
loop's own resolver those threads are shared with every other lookup the bot makes (APIMart's,
Discord's; uvloop runs at most a few at once): a handful of such links in one message would
stall them all. Here they can only hold up other members' links.
"""

from __future__ import annotations

import asyncio
import functools
import socket
from concurrent.futures import ThreadPoolExecutor

from aiohttp.abc import AbstractResolver, ResolveResult

# Lookups at once; more wait their turn (a member's link gives up after its own time cap).
LOOKUP_THREADS = 4

_FLAGS = socket.AI_ADDRCONFIG
_NUMERIC = socket.AI_NUMERICHOST | socket.AI_NUMERICSERV


class LinkResolver(AbstractResolver):
    """Resolves on a small pool of its own threads; `close` lets them go."""

    def __init__(self, threads: int = LOOKUP_THREADS) -> None:
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="link-lookup")

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        lookup = functools.partial(
            socket.getaddrinfo, host, port, family=family, type=socket.SOCK_STREAM, flags=_FLAGS
        )
        infos = await asyncio.get_running_loop().run_in_executor(self._pool, lookup)
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

    async def close(self) -> None:
        # A thread still waiting on a silent nameserver ends on its own; nothing waits for it.
        self._pool.shutdown(wait=False, cancel_futures=True)
