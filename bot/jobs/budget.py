"""One request budget for the API: paced calls, halved on 429, slowly regained.

A submit's 429 is different: it pauses the other submits only (`refuse_submits`), so a
submit queue waiting out APIMart's `Retry-After` never holds up status checks, and so never a
finished video's delivery. Status checks learn from their own 429s.

A status check's 503 with `Retry-After` (APIMart down for upkeep) pauses every caller, as a
check's 429 does, without cutting the pace (`unavailable`): the other checks and submits
would only get their own 503s.

A submit never waits out a pause in the budget's line (`submit_hold`,
`acquire_unless_paused`): it waits in the database, its status saying why and until when.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]

_WINDOW = 1.0  # the budget is "requests per second": no one-second window holds more


@dataclass(frozen=True)
class SubmitHold:
    """A pause APIMart asked for that holds a submit back: for how many seconds, and whether
    it said it is down (a 503) rather than that we ask too often (a 429)."""

    seconds: float
    down: bool


class RequestBudget:
    """A rate limit shared by every caller; `acquire()` before each API request.

    Requests are paced `1/rate` apart (with `slack` seconds of tolerance, so a late event
    loop catches up instead of losing throughput), and a sliding log makes sure no one-second
    window ever holds more than `rate` of them. A 429 halves the rate, at most once per
    round of requests already in flight, down to `min_rate`; without further 429s the rate
    climbs back linearly, regaining half the ceiling every `recovery` seconds.
    """

    def __init__(
        self,
        rate: float,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        min_rate: float | None = None,
        recovery: float = 60.0,
        slack: float = 0.25,
        max_pause: float = 120.0,
    ) -> None:
        if rate <= 0 or recovery <= 0 or slack < 0:
            raise ValueError("need rate > 0, recovery > 0, slack >= 0")
        self._ceiling = rate
        self._min_rate = min(rate, min_rate if min_rate is not None else rate / 16)
        self._recovery = recovery
        self._slack = slack
        self._max_pause = max_pause
        self._clock = clock
        self._sleep = sleep
        self._turn = asyncio.Lock()  # FIFO: waiters are served in arrival order
        self._next_at = -math.inf  # when the next request is due by pacing
        self._paused_until = -math.inf
        self._recent: deque[float] = deque()  # grant times within the last window
        self._cut_at = -math.inf
        self._cut_rate = rate
        self._submits_paused_until = -math.inf
        self._submits_down_until = -math.inf  # the part of the submits' pause a 503 asked for
        self._unavailable_until = -math.inf
        # Callers waiting for their turn that give it up when a pause begins.
        self._pause_watchers: set[asyncio.Future[None]] = set()
        self.granted = 0
        self.cuts = 0
        self.waited = 0.0  # total seconds callers spent waiting for their turn

    @property
    def ceiling(self) -> float:
        """The configured rate, requests per second."""
        return self._ceiling

    @property
    def max_pause(self) -> float:
        """The longest pause APIMart's `Retry-After` may impose, in seconds."""
        return self._max_pause

    def rate(self, now: float | None = None) -> float:
        """The rate allowed at `now`: the ceiling, or less while recovering from a 429."""
        now = self._clock() if now is None else now
        regained = (now - self._cut_at) * self._ceiling / (2 * self._recovery)
        return min(self._ceiling, self._cut_rate + regained)

    def delay(self, now: float) -> float:
        """Seconds a request must wait at `now` before it may start (0: go)."""
        self._forget_before(now - _WINDOW)
        wait = max(self._paused_until - now, self._next_at - self._slack - now)
        allowed = max(1, math.floor(self.rate(now) * _WINDOW))
        if len(self._recent) >= allowed:
            # The window is full: wait until enough of it has slid past.
            wait = max(wait, self._recent[-allowed] + _WINDOW - now)
        return max(wait, 0.0)

    def take(self, now: float) -> None:
        """Count a request starting at `now` (callers checked `delay(now) == 0`)."""
        self._recent.append(now)
        self._next_at = max(self._next_at, now) + 1 / self.rate(now)
        self.granted += 1

    async def acquire(self) -> float:
        """Wait for this caller's turn, take it, and return the time it was granted."""
        started = self._clock()
        async with self._turn:
            now = await self._take_when_due(unless_paused=False)
        assert now is not None  # only a pause gives up, and this one waits pauses out
        self.waited += now - started
        return now

    async def _take_when_due(self, *, unless_paused: bool) -> float | None:
        """At the front of the line (holding `_turn`): sleep until a request may start, take
        it and return when; `unless_paused`, None instead (nothing taken) once a pause
        stands."""
        now = self._clock()
        while (wait := self.delay(now)) > 0:
            if unless_paused and self._paused_until > now:
                return None
            await self._sleep(wait)
            now = self._clock()
        self.take(now)
        return now

    async def acquire_unless_paused(self) -> float | None:
        """As `acquire`, but a pause APIMart asked for (a status check's 429 or 503), standing
        or begun while this waits its turn, is not waited out: None at once, no turn taken. A
        submit waits it out in the database instead, its status saying until when."""
        started = self._clock()
        if not await self._line_unless_paused():
            return None
        try:
            now = await self._take_when_due(unless_paused=True)
        finally:
            self._turn.release()
        if now is not None:
            self.waited += now - started
        return now

    async def _line_unless_paused(self) -> bool:
        """Wait for the front of the line (holding `_turn` once True); False, not holding it,
        if a pause stands or begins first (the callers before it wait it out at the front)."""
        if self._paused_until > self._clock():
            return False
        began: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        turn = asyncio.ensure_future(self._turn.acquire())
        self._pause_watchers.add(began)
        try:
            await asyncio.wait((turn, began), return_when=asyncio.FIRST_COMPLETED)
        except BaseException:
            self._leave_line(turn)
            raise
        finally:
            self._pause_watchers.discard(began)
            began.cancel()
        if turn.done() and not turn.cancelled() and turn.exception() is None:
            return True  # its turn came (a pause begun at once is seen at the front)
        self._leave_line(turn)
        return False

    def _leave_line(self, turn: asyncio.Task[Literal[True]]) -> None:
        """Give up a place in the line; a turn that came meanwhile is handed on."""

        def hand_on(done: asyncio.Task[Literal[True]]) -> None:
            if not done.cancelled() and done.exception() is None:
                self._turn.release()

        turn.cancel()
        turn.add_done_callback(hand_on)

    def _pause(self, until: float) -> None:
        """Nobody asks before `until`; callers that do not wait pauses out leave the line."""
        if until <= self._paused_until:
            return
        self._paused_until = until
        for watcher in self._pause_watchers:
            if not watcher.done():
                watcher.set_result(None)

    def rate_limited(self, *, sent_at: float, retry_after: float | None = None) -> None:
        """The API answered 429 to a request granted at `sent_at`: slow everyone down."""
        now = self._clock()
        if retry_after is not None and retry_after > 0:
            self._pause(now + min(retry_after, self._max_pause))
        # Requests sent before the last cut were paced at the old rate: their 429s are old news.
        if sent_at <= self._cut_at:
            return
        self._cut_rate = max(self._min_rate, self.rate(now) / 2)
        self._cut_at = now
        self.cuts += 1

    def unavailable(self, retry_after: float) -> float:
        """APIMart answered a status check 503 with this wait (down for upkeep): no request
        leaves before it ends, at most the longest pause, as after a 429's; the rate is kept (a
        503 says nothing of the pace). Returns the pause, in seconds."""
        if retry_after <= 0:
            return 0.0
        pause = min(retry_after, self._max_pause)
        until = self._clock() + pause
        self._unavailable_until = max(self._unavailable_until, until)
        self._pause(until)
        return pause

    def refuse_submits(self, retry_after: float, *, down: bool = False) -> float:
        """APIMart answered a submit 429 (or, `down`, a 503) with this wait: hold back submits,
        nothing else, for the seconds returned (the wait, at most the longest pause)."""
        if retry_after <= 0:
            return 0.0
        pause = min(retry_after, self._max_pause)
        until = self._clock() + pause
        self._submits_paused_until = max(self._submits_paused_until, until)
        if down:
            self._submits_down_until = max(self._submits_down_until, until)
        return pause

    def submit_hold(self) -> SubmitHold | None:
        """Whether a submit is held back now, and for how long: by a pause of submits (a
        submit's 429 or 503) or of every request (a status check's); None: it may go, in its
        turn. Its reason is that of the pause that ends last, which is the one it waits for."""
        now = self._clock()
        until = max(self._submits_paused_until, self._paused_until)
        if until <= now:
            return None
        down = max(self._submits_down_until, self._unavailable_until) >= until
        return SubmitHold(until - now, down)

    def _forget_before(self, horizon: float) -> None:
        while self._recent and self._recent[0] <= horizon:
            self._recent.popleft()
