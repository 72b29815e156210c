"""Name lookups for links from outside (members' links, and the result links APIMart's answers
name), on threads of their own.

A lookup blocks a thread until the name's nameserver answers, and whoever wrote the link
chooses that nameserver: one that never answers holds a thread for the system resolver's
whole timeout (about 10 s with glibc's defaults, longer with search domains), however soon the
link itself is given up on. Through the event loop's own resolver those threads are shared with
every other lookup the bot makes (APIMart's, Discord's; uvloop runs at most a few at once): a
handful of such links would stall them all. Here they can only hold up other such links, and
one member's only a share of them: a member's links (`lookups_for`) take at most
`LOOKUPS_PER_MEMBER` threads at once, so a message of stuck names leaves the rest to others.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import weakref
from collections.abc import Iterator, Sequence
from contextvars import ContextVar
from typing import Any

from aiohttp.abc import AbstractResolver, ResolveResult

# Lookups at once, stuck ones included; more wait their turn (a link gives up on its own cap).
LOOKUP_THREADS = 8
# ... of which one member's links may hold this many: a slot is held until its thread ends.
LOOKUPS_PER_MEMBER = 2

# Whose links the lookups made here are (tasks started here inherit it); None: nobody's.
_member: ContextVar[int | None] = ContextVar("link_lookups_for", default=None)

_FLAGS = socket.AI_ADDRCONFIG
_NUMERIC = socket.AI_NUMERICHOST | socket.AI_NUMERICSERV
_AddrInfo = Sequence[tuple[Any, ...]]


@contextlib.contextmanager
def lookups_for(member_id: int) -> Iterator[None]:
    """Count the name lookups made inside (in tasks started inside too) as `member_id`'s."""
    token = _member.set(member_id)
    try:
        yield
    finally:
        _member.reset(token)


async def _take(slots: Sequence[asyncio.Semaphore]) -> None:
    """A place in each of `slots`, in order; none kept when the wait is given up on."""
    taken: list[asyncio.Semaphore] = []
    try:
        for slot in slots:
            await slot.acquire()
            taken.append(slot)
    except BaseException:
        _free(taken)
        raise


def _free(slots: Sequence[asyncio.Semaphore]) -> None:
    for slot in slots:
        slot.release()


class LinkResolver(AbstractResolver):
    """Resolves each name on a daemon thread, at most `threads` at once, and at most
    `per_member` for one member's links.

    Daemon threads, not a pool: Python waits for a pool's threads when the process exits, and a
    lookup stuck on a silent nameserver would hold up a stop past `docker stop`'s grace."""

    def __init__(self, threads: int = LOOKUP_THREADS, per_member: int = LOOKUPS_PER_MEMBER) -> None:
        self._slots = asyncio.Semaphore(threads)
        self._per_member = per_member
        # A member's share lasts while a lookup of theirs holds it or waits for it.
        self._shares: weakref.WeakValueDictionary[int, asyncio.Semaphore] = (
            weakref.WeakValueDictionary()
        )

    def _slots_for(self, member: int | None) -> list[asyncio.Semaphore]:
        """The member's share first, so their lookups queue there, not in everyone's line."""
        if member is None:
            return [self._slots]
        share = self._shares.get(member)
        if share is None:
            share = self._shares[member] = asyncio.Semaphore(self._per_member)
        return [share, self._slots]

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        slots = self._slots_for(_member.get())
        await _take(slots)
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
                loop.call_soon_threadsafe(self._settle, answer, infos, slots)

        try:
            threading.Thread(target=lookup, name="link-lookup", daemon=True).start()
        except BaseException:  # no thread to be had (a process limit): the slot is not lost
            _free(slots)
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

    @staticmethod
    def _settle(
        answer: asyncio.Future[_AddrInfo],
        infos: _AddrInfo | BaseException,
        slots: Sequence[asyncio.Semaphore],
    ) -> None:
        _free(slots)
        if answer.done():  # given up on meanwhile
            return
        if isinstance(infos, BaseException):
            answer.set_exception(infos)
        else:
            answer.set_result(infos)

    async def close(self) -> None:
        """Nothing to let go: a lookup still running ends on its own, and waits for nobody."""
