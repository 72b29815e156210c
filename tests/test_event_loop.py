"""Which event loop `python -m bot` runs on, as its start-up log names it."""

import asyncio
import sys

import pytest

from bot import event_loop


async def current_loop_name() -> str:
    await asyncio.sleep(0)  # a turn of the loop, so it really runs
    return event_loop.loop_name(asyncio.get_running_loop())


@pytest.mark.skipif(sys.platform == "win32", reason="uvloop does not exist on Windows")
def test_the_bot_runs_on_uvloop_where_it_is_installed():
    assert event_loop.run_on_bot_loop(current_loop_name()) == "uvloop"


def test_without_uvloop_the_bot_runs_on_asyncios_own_loop(monkeypatch):
    monkeypatch.setitem(sys.modules, "uvloop", None)  # `import uvloop` raises ImportError
    assert event_loop.loop_factory() is None
    assert event_loop.run_on_bot_loop(current_loop_name()) == "asyncio"
