"""Discord's global rate limit, kept by the bot itself rather than learned from 429s.

A bot token may make 50 requests per second to Discord, all routes together; interaction
callbacks and follow-ups (sent by discord.py outside its HTTP client, through webhooks) are not
bound to it. discord.py paces each route's bucket from the headers Discord returns, but knows
of the global limit only once it is answered 429: a burst of commands (200 /video at once,
each announced by a channel message) would run into it.

Discord counts a request when it arrives, which the bot cannot see: a request let go may wait
behind a busy event loop, or on a slow connection, and reach Discord together with later ones.
So a request holds its place here from the moment it goes out until its response came back,
and for one second after: Discord saw it somewhere in between, so no second at Discord holds
more than the limit, however the sends bunch. (discord.py's own retries after a 429 or a 5xx
take a place each: Discord counts each.)

It goes out once discord.py's wait for the route's bucket is over (a channel lets through about
5 messages per 5 s): the place is taken in an aiohttp trace of the request itself. A place held
through that wait would let one busy channel's backlog (a burst of announcements there) hold
places while it waits and slow every other channel down: forty channels with a message each
waiting for its bucket kept the other channels to five places for three seconds.

When the window is full, status edits give way (`giving_way`): announcements and results go
first, so under load a member's video is posted on time and the progress bars catch up after.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterator
from contextvars import ContextVar
from typing import Any

import aiohttp
import discord

DISCORD_GLOBAL_LIMIT = 50  # requests per second, per bot token, unless Discord raised it
# A little below: other tools on the same token (a one-off script) would share the limit.
_SHARE_USED = 0.9
_WINDOW = 1.0  # Discord's limit is "per second"
# Set for requests that give way to every other (`giving_way`).
_GIVING_WAY: ContextVar[bool] = ContextVar("discord_giving_way", default=False)


@contextlib.contextmanager
def giving_way() -> Iterator[None]:
    """Requests made in the block take a place in the window only while no other request
    waits for one (status edits: a result or an announcement matters more than a progress bar)."""
    token = _GIVING_WAY.set(True)
    try:
        yield
    finally:
        _GIVING_WAY.reset(token)


class GlobalWindow:
    """At most `limit` requests whose arrival at Discord may fall in any one second.

    `acquire()` before a request goes out, `release()` once its response (or failure) came
    back. A request counts while in flight and for one second after; waiters go in order,
    except that those giving way go only when no other waits.
    """

    def __init__(self, limit: int, *, clock: Callable[[], float] = time.monotonic) -> None:
        if limit < 1:
            raise ValueError("need limit >= 1")
        self.limit = limit
        self._clock = clock
        self._turn = asyncio.Lock()  # FIFO: waiters are served in arrival order
        self._giving_way_turn = asyncio.Lock()  # requests that give way, one in line at a time
        self._others_waiting = 0  # requests that do not give way, waiting for a place
        # A place freed, or a request that does not give way took its own: waiters look again.
        self._changed = asyncio.Event()
        self._in_flight = 0
        self._ended: deque[float] = deque()  # when responses came back, within the window
        self.granted = 0
        self.waited = 0.0  # total seconds requests spent waiting for their turn

    def counted(self, now: float) -> int:
        """Requests that could still reach Discord within a second of `now`."""
        while self._ended and self._ended[0] <= now - _WINDOW:
            self._ended.popleft()
        return self._in_flight + len(self._ended)

    async def acquire(self, *, giving_way: bool = False) -> None:
        """Wait until one more request cannot make any second at Discord hold too many; with
        `giving_way`, also until no other request waits (see `giving_way()`)."""
        started = self._clock()
        if giving_way:
            async with self._giving_way_turn:
                # Checked and taken with no await between: nothing can slip in.
                while self.counted(now := self._clock()) >= self.limit or self._others_waiting:
                    await self._a_change(now)
                self._take()
        else:
            self._others_waiting += 1
            try:
                async with self._turn:
                    while self.counted(now := self._clock()) >= self.limit:
                        await self._a_change(now)
                    self._take()
            finally:
                self._others_waiting -= 1
                self._changed.set()
        self.waited += now - started

    def _take(self) -> None:
        self._in_flight += 1
        self.granted += 1

    async def _a_change(self, now: float) -> None:
        """Until the oldest ended request leaves the window, or a place or the line changed.
        (With every place in flight, only a response can start a place's last second.)"""
        self._changed.clear()
        expires = self._ended[0] + _WINDOW - now if self._ended else None
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(expires):
                await self._changed.wait()

    def release(self) -> None:
        """A request's response (or failure) came back: it counts one more second."""
        self._in_flight -= 1
        self._ended.append(self._clock())
        self._changed.set()


def window_places(shard_share: float = 1.0, token_limit: int = DISCORD_GLOBAL_LIMIT) -> int:
    """This process's part of the token's global limit (`token_limit` requests a second, which
    Discord raises for large bots on request): its share of the shards."""
    return max(1, int(token_limit * _SHARE_USED * shard_share))


def global_window(
    shard_share: float = 1.0, token_limit: int = DISCORD_GLOBAL_LIMIT
) -> GlobalWindow:
    """A window of `window_places()`."""
    return GlobalWindow(window_places(shard_share, token_limit))


class _Lane:
    """One channel's places, and how many requests use the lane (waiting or holding a place)."""

    def __init__(self, width: int) -> None:
        self.places = asyncio.Semaphore(width)
        self.users = 0


class Lanes:
    """At most `width` requests at once per channel (route major parameter); a lane exists
    only while it has requests, so the table stays as small as the traffic."""

    def __init__(self, width: int) -> None:
        self.width = width
        self._lanes: dict[str, _Lane] = {}

    def __len__(self) -> int:
        return len(self._lanes)

    async def enter(self, key: str) -> None:
        lane = self._lanes.get(key)
        if lane is None:
            lane = self._lanes[key] = _Lane(self.width)
        lane.users += 1
        try:
            await lane.places.acquire()
        except BaseException:
            self._leave(key, lane)
            raise

    def exit(self, key: str) -> None:
        lane = self._lanes[key]
        lane.places.release()
        self._leave(key, lane)

    @contextlib.asynccontextmanager
    async def held(self, key: str) -> AsyncIterator[None]:
        """A place in `key`'s lane for the block."""
        await self.enter(key)
        try:
            yield
        finally:
            self.exit(key)

    def _leave(self, key: str, lane: _Lane) -> None:
        lane.users -= 1
        if lane.users == 0:
            del self._lanes[key]


def pace_requests(http: discord.http.HTTPClient, window: GlobalWindow) -> None:
    """Make every request of `http` made with the bot's token hold a place in `window` while it
    is out (see the module's docstring). Interaction callbacks and follow-ups carry no bot
    token (their own token is in the address): Discord does not count them, nor does this."""
    # Added to the trace the client has (`bot.discord_time` reads Discord's clock off every
    # answer there), not in its place. The session discord.py makes at login takes it; one
    # made already is given it below.
    trace = http.http_trace if http.http_trace is not None else aiohttp.TraceConfig()
    _hold_while_out(trace, window)
    http.http_trace = trace
    send = http.request

    async def paced(route: discord.http.Route, **kwargs: Any) -> Any:
        # discord.py offers no hook around a request's sending but the session's tracing,
        # and makes its session again after a close: each one given the trace.
        session = getattr(http, "_HTTPClient__session", None)
        if session and trace not in session.trace_configs:
            trace.freeze()
            session.trace_configs.append(trace)
        return await send(route, **kwargs)

    http.request = paced  # type: ignore[method-assign]


def _hold_while_out(trace: aiohttp.TraceConfig, window: GlobalWindow) -> None:
    """Have `trace` take a place in `window` as a bot-token request starts, given back as its
    response (or failure) comes: its `trace_config_ctx` says whether it took one."""

    async def start(
        _session: aiohttp.ClientSession, context: Any, params: aiohttp.TraceRequestStartParams
    ) -> None:
        if "Authorization" in params.headers:
            await window.acquire(giving_way=_GIVING_WAY.get())
            context.placed = True

    async def end(_session: aiohttp.ClientSession, context: Any, _params: object) -> None:
        if getattr(context, "placed", False):
            context.placed = False
            window.release()

    trace.on_request_start.append(start)
    trace.on_request_end.append(end)
    trace.on_request_exception.append(end)
