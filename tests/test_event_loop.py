"""Which event loop `python -m bot` runs on, as its start-up log names it."""

import asyncio
import importlib
import importlib.util

import pytest

from bot import event_loop


def run_on(factory):
    with asyncio.Runner(loop_factory=factory) as runner:
        return runner.run(current_loop_name())


async def current_loop_name() -> str:
    await asyncio.sleep(0)  # a turn of the loop, so it really runs
    return event_loop.loop_name(asyncio.get_running_loop())


@pytest.mark.skipif(importlib.util.find_spec("uvloop") is None, reason="uvloop not installed")
def test_the_bot_runs_on_uvloop_where_it_is_installed():
    assert run_on(event_loop.loop_factory()) == "uvloop"


def test_without_uvloop_the_bot_runs_on_asyncios_own_loop(monkeypatch):
    real_import = importlib.import_module

    def no_uvloop(name, *args, **kwargs):
        if name == "uvloop":
            raise ImportError("No module named 'uvloop'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(importlib, "import_module", no_uvloop)
    assert event_loop.loop_factory() is None
    assert run_on(None) == "asyncio"
