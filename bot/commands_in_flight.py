"""The commands recording or sending a job: a stop waits for them, then cuts short the rest."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from bot.engine.pool import LAST_WORD, settle_cancelled

log = logging.getLogger(__name__)


class CommandsInFlight:
    """Counts the commands in flight and keeps their tasks, for `VideoBot.close`."""

    def __init__(self) -> None:
        # Commands that are recording or sending a job; shutdown waits for them.
        self.count = 0
        # The tasks running those commands: cut short when the grace runs out (`finish`).
        self.tasks: set[asyncio.Task[Any]] = set()
        self.idle = asyncio.Event()
        self.idle.set()

    def mark(self) -> contextlib.AbstractAsyncContextManager[None]:
        """`VideoBot.command_in_flight`: marks one command until it ends."""
        return _Marked(self)

    async def finish(self, grace: float) -> None:
        """Wait up to `grace` seconds for the commands in flight to finish."""
        try:
            await asyncio.wait_for(self.idle.wait(), grace)
        except TimeoutError:
            log.warning("%d commands still running after %.0fs; stopping anyway", self.count, grace)
            # Cut short now, while the database is open: a submit not sent yet waits for the
            # next process; one whose request left keeps its claim, which lapses into "outcome
            # unknown", told to the member by the next process. Left running, it would meet
            # the closed HTTP session, be taken as told, and the member would hear nothing.
            # (The last may have ended as the wait timed out: nothing left to cut short.)
            tasks = {task for task in self.tasks if not task.done()}
            for task in tasks:
                task.cancel()
            await settle_cancelled(tasks, "Commands", last_word=LAST_WORD)


class _Marked:
    """`CommandsInFlight.mark`: a plain class rather than a generator-based context
    manager, as it wraps every `/video` from its deferral on. Measured on a burst of 200: the
    generator-based pair (this and `cogs._cut_short.answered_if_cut_short`) cost the bot about
    0.05 s more CPU before all were acknowledged (docs/performance.md)."""

    __slots__ = ("_commands", "_marked", "_task")

    def __init__(self, commands: CommandsInFlight) -> None:
        self._commands = commands
        self._task: asyncio.Task[Any] | None = None
        self._marked = False

    async def __aenter__(self) -> None:
        commands = self._commands
        task = asyncio.current_task()
        if task is not None and task in commands.tasks:
            return  # marked already, by the command around it
        self._marked, self._task = True, task
        if task is not None:
            commands.tasks.add(task)
        commands.count += 1
        commands.idle.clear()

    async def __aexit__(self, *_: object) -> None:
        if not self._marked:
            return
        commands = self._commands
        if self._task is not None:
            commands.tasks.discard(self._task)
        commands.count -= 1
        if commands.count == 0:
            commands.idle.set()
