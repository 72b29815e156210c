"""The mod-log feed: the core reports events here; the Discord side posts them (or nobody)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import Any

from bot.engine.pool import settle_cancelled
from bot.i18n import Message

log = logging.getLogger(__name__)

# Posts one event to a server's mod-log channel; `None` means every server that has one but
# the third argument's (a server told in its own words).
Sink = Callable[[int | None, Message, int | None], Coroutine[Any, Any, None]]


class ModLogFeed:
    """Hands events to a sink in background tasks, so reporting never delays a command."""

    def __init__(self) -> None:
        self._sink: Sink | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    def connect(self, sink: Sink) -> None:
        """Start posting events with `sink`."""
        self._sink = sink

    def disconnect(self) -> None:
        """Stop posting; events are only logged from now on."""
        self._sink = None

    def emit(self, guild_id: int | None, message: Message, *, skip: int | None = None) -> None:
        """Report an event for one server (or for all, with `None`, but `skip`)."""
        self.emit_all(guild_id, [message], skip=skip)

    def emit_all(
        self, guild_id: int | None, messages: Sequence[Message], *, skip: int | None = None
    ) -> None:
        """Report events that belong together, posted one after the other in this order."""
        for message in messages:
            log.info("Mod-log event %s for guild %s", message.key, guild_id)
        sink = self._sink
        if sink is None:
            return

        async def post_in_order() -> None:
            for message in messages:
                await sink(guild_id, message, skip)

        self._start(post_in_order())

    def emit_if(self, guild_id: int, decide: Callable[[], Awaitable[Message | None]]) -> None:
        """Report an event for one server if `decide`, run in the background (after the
        caller's transaction), returns one: a report it may hold back or fold into a later one."""
        sink = self._sink
        if sink is None:
            return

        async def post_if_decided() -> None:
            message = await decide()
            if message is None:
                return
            log.info("Mod-log event %s for guild %s", message.key, guild_id)
            await sink(guild_id, message, None)

        self._start(post_if_decided())

    def _start(self, posting: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(posting)
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("Posting a mod-log event failed", exc_info=task.exception())

    async def drain(self, grace: float | None = None) -> None:
        """Wait for the events in flight to be posted; those still waiting (on a Discord that
        holds the channel back, or does not answer) after `grace` seconds are cancelled."""
        loop = asyncio.get_running_loop()
        deadline = None if grace is None else loop.time() + grace
        while self._tasks:
            left = None if deadline is None else max(0.0, deadline - loop.time())
            _, pending = await asyncio.wait(set(self._tasks), timeout=left)
            if pending and deadline is not None and loop.time() >= deadline:
                log.warning("Stopping: %d mod-log posts not made in time", len(pending))
                for task in pending:
                    task.cancel()
                await settle_cancelled(pending, "The mod-log feed")
                # Those still unwinding (on a database gone silent) are left behind: a later
                # drain must not wait on them again.
                self._tasks.difference_update(pending)
                return
