"""Last status edits that a stopped or crashed process never made, made by a later sweep.

A job's last status edit ("is done, see the reply", "cancelled") is made after its member was
told, in the background. A process that stops before it lands (the shutdown grace ran out while
Discord held the edit back, a crash, a deploy) would leave the status saying "rendering 80%",
with its Cancel button, beside the posted video. Each made edit is written down
(`status_final_at`); every process sweeps now and then for jobs told a while ago without it.

Beside it, on a round of its own, private statuses (a command's answer, where the bot cannot
post) near the end of their 15 minutes get the last edit that says the video comes by DM, when
no status check brings it, and those whose last edit after the video went Discord failed get it
again while their token lasts (`RouteDelivery.each_round`).

On a third round, result posts whose APIMart link expired are edited once to say so
(`bot.link_expiry`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from bot.engine.pool import repeat_every, settle_cancelled
from bot.jobs.models import Job
from bot.jobs.reply_routes import ReplyRoutes
from bot.jobs.status_marks import StatusMarks
from bot.status_messages import FINAL_RETRY_WAITS, StatusMessages

log = logging.getLogger(__name__)

SWEEP_EVERY = 120.0
# The hand-over's own round, apart from the sweep's edits (which may take long): a third of
# the private status's hand-over stretch (`bot.reach.HAND_OVER_BEFORE`, 180 s at the least), so
# a round lands in it even when one runs late.
HAND_OVER_EVERY = 60.0
# Expired links' round (`bot.link_expiry`): a post says so within minutes of its link's end.
LINKS_EVERY = 300.0
# A job told this recently may still have its last edit on its way (held back by Discord, or
# waiting to be tried again after `FINAL_RETRY_WAITS`): the process that told it makes it.
SETTLE = sum(FINAL_RETRY_WAITS) + 120.0
# A job told longer ago than this is left as it is: its member has long moved on. (A render
# given up on counts as told until its checks stop: `StatusMarks.claim_unshown_last_statuses`.)
LOOK_BACK = 86_400.0
# A job a sweep took is not taken again for this long: the time its edit may take, and the wait
# before one whose sweeping process died is tried again.
HOLD = 600.0
# An edit a sweep did not make (Discord failed it, or refused it for now: the thread archived)
# waits as long as it has been due before it is tried again, between `HOLD` and this: about a
# dozen tries in its day, not one every `HOLD`, each refusal counting toward Discord's ban of
# invalid requests. (One refused for good is never tried again: `StatusMessages._edit`.)
LONGEST_WAIT = 10_800.0
_BATCH = 50


def _wait_after(job: Job, now: float) -> float:
    """How long a last edit the sweep did not make waits for its next try: as long as it has
    been due (told, or cancelled), between `HOLD` and `LONGEST_WAIT`."""
    due_since = job.delivered_at if job.delivered_at is not None else job.cancelled_at
    waited = now - due_since if due_since is not None else 0.0
    return min(LONGEST_WAIT, max(HOLD, waited))


class StatusSweep:
    """Makes the last status edits no process made; runs in every process (each job's edit is
    claimed by one)."""

    def __init__(
        self,
        marks: StatusMarks,
        routes: ReplyRoutes,
        status: StatusMessages,
        *,
        clock: Callable[[], float] = time.time,
        every: float = SWEEP_EVERY,
        settle: float = SETTLE,
        look_back: float = LOOK_BACK,
        hand_over: Callable[[], Awaitable[int]] | None = None,
        hand_over_every: float = HAND_OVER_EVERY,
        expired_links: Callable[[], Awaitable[int]] | None = None,
        expired_links_every: float = LINKS_EVERY,
    ) -> None:
        self._marks = marks
        self._routes = routes
        self._status = status
        self._clock = clock
        self._every = every
        self._settle = settle
        self._look_back = look_back
        self._hand_over = hand_over
        self._hand_over_every = hand_over_every
        self._expired_links = expired_links
        self._expired_links_every = expired_links_every
        self._tasks: list[asyncio.Task[None]] = []

    async def sweep_once(self) -> int:
        """Make every missing last edit due now; how many were tried. Each job is tried at
        most once a `HOLD`: one whose edit failed (or was refused for now) waits for a later
        sweep, as long as it has been due (`LONGEST_WAIT` at most). Interaction tokens
        past their life are forgotten too (a cancelled job keeps its token to tell the member
        anything still to come, while it works)."""
        forgotten = await self._routes.forget_expired_interactions(self._clock())
        if forgotten:
            log.info("Forgot %d expired interaction tokens", forgotten)
        tried = 0
        while True:
            now = self._clock()
            jobs = await self._marks.claim_unshown_last_statuses(
                told_since=now - self._look_back,
                told_before=now - self._settle,
                limit=_BATCH,
                hold=HOLD,
            )
            for job in jobs:
                # As it stands now: a job taken up again meanwhile (a task adopted after its
                # "outcome unknown" notice) is no longer over, and is left to its own edits.
                current = await self._status.ended(job.id)
                if current is None:
                    continue
                log.info("Job %d: making the last status edit an earlier process missed", job.id)
                # Made (or its message gone, or refused for good): written down as shown;
                # failed, or refused for now: left for a later sweep, ever later.
                await self._status.update(current, final=True)
                await self._marks.look_again_at(
                    job.id, at=self._clock() + _wait_after(current, now)
                )
            tried += len(jobs)
            if len(jobs) < _BATCH:
                return tried

    async def hand_over_once(self) -> int:
        """Private statuses in their token's last stretch get their hand-over edit (`hand_over`)
        even when no status check lands in it (APIMart not answering, a job waiting for its
        turn), and last edits Discord failed after the video went are made again; how many
        were found."""
        return await self._hand_over() if self._hand_over is not None else 0

    async def expired_links_once(self) -> int:
        """Result posts whose APIMart link expired are edited to say so (`expired_links`); how
        many were tried."""
        return await self._expired_links() if self._expired_links is not None else 0

    def start(self) -> None:
        """Sweep now, then every `every` seconds; hand over now, then every `hand_over_every`;
        edit the posts of expired links now, then every `expired_links_every`."""
        if self._tasks:
            return
        loop = asyncio.get_running_loop()
        sweeps = repeat_every(self.sweep_once, self._every, "A status sweep", log)
        self._tasks.append(loop.create_task(sweeps, name="status-sweep"))
        if self._hand_over is not None:
            rounds = repeat_every(self.hand_over_once, self._hand_over_every, "A status sweep", log)
            self._tasks.append(loop.create_task(rounds, name="hand-over-sweep"))
        if self._expired_links is not None:
            links = repeat_every(
                self.expired_links_once, self._expired_links_every, "An expired links sweep", log
            )
            self._tasks.append(loop.create_task(links, name="expired-links-sweep"))

    async def stop(self) -> None:
        """Stop sweeping: an edit in flight is cut, and its job swept again once its hold has
        passed (nothing is written on the way out, so a database that stopped answering never
        holds up a stop)."""
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            task.cancel()
        # Bounded: a query cut off on a silent database may never finish unwinding.
        await settle_cancelled(tasks, "The status sweep")
