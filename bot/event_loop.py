"""The event loop the bot runs on: uvloop where it is installed, else asyncio's own.

uvloop (libuv) does the loop's own work, sockets, transports and callbacks, in C. A burst
of commands is mostly such work (a connection and a request per acknowledgement), so the
last "thinking..." of 200 simultaneous /video goes out sooner (docs/performance.md). It is
a dependency everywhere but Windows, where uvloop does not exist.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's loop maker, or None for asyncio's default (uvloop is not installed)."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def run_on_bot_loop(main: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run(main)` on the loop `loop_factory` picks."""
    with asyncio.Runner(loop_factory=loop_factory()) as runner:
        return runner.run(main)


def loop_name(loop: asyncio.AbstractEventLoop) -> str:
    """What the start-up log calls the running loop."""
    return "uvloop" if type(loop).__module__.startswith("uvloop") else "asyncio"
