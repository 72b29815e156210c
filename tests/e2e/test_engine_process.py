"""The engine as an operator meets it in a real `python -m bot` process: a stop during a slow
submit, a second process by mistake, a database that cannot be used."""

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from tests.e2e.process import bot_environment, bot_process, spawn_bot
from tests.fakes.apimart import FakeAPIMart, TaskPlan
from tests.fakes.discord import FakeDiscord
from tests.harness import API_KEY, BOT_TOKEN, assert_no_spec_violations

# A process that cannot start must say so and end well within this.
EXIT_WITHIN = 20.0


@pytest.fixture
async def fakes():
    async with FakeDiscord(token=BOT_TOKEN) as fake, FakeAPIMart(api_key=API_KEY) as api:
        yield fake, api
        assert_no_spec_violations(fake)


async def run_to_exit(tmp_path, env):
    """Run `python -m bot` until it exits by itself; its exit code and its output lines."""
    process = await spawn_bot(tmp_path, env, asyncio.subprocess.PIPE)
    try:
        output, _ = await asyncio.wait_for(process.communicate(), EXIT_WITHIN)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise AssertionError("the process hung instead of exiting") from None
    return process.returncode, output.decode(errors="replace").strip().splitlines()


async def test_sigterm_during_a_slow_submit_exits_zero_with_the_task_id_stored(tmp_path, fakes):
    fake, api = fakes
    api.default_plan = TaskPlan(polls_until_done=None)
    async with bot_process(tmp_path, fake, api, POLL_FIRST_DELAY="60") as bot:
        api.delay_next("submit", 1.0)
        interaction = await fake.slash_command("video", options={"prompt": "a comet"})
        await api.wait_for_submits(1, timeout=10)  # APIMart has the request, not yet answered
        assert await bot.stop(signal.SIGTERM) == 0
    # uvloop runs the process where it is installed, and takes the stop signal as asyncio does.
    expected_loop = "asyncio" if sys.platform == "win32" else "uvloop"
    assert bot.log_lines(f"Running on the {expected_loop} event loop"), bot.tail()
    row = bot.job_row(1)
    assert row["task_id"] == api.task_ids[0], "the paid task is known"
    assert row["state"] == "queued"
    assert row["lease_owner"] is None
    answer = await interaction.wait_for_answer()
    assert "queued as job #1" in answer["content"], "the member heard the outcome"


async def test_a_second_process_on_the_same_database_refuses_with_one_clear_line(tmp_path, fakes):
    fake, api = fakes
    async with bot_process(tmp_path, fake, api) as first:
        env = bot_environment(tmp_path, fake, api, LOG_LEVEL="INFO")
        code, lines = await run_to_exit(tmp_path, env)
        assert code != 0
        assert len(lines) == 1, lines
        assert "another bot process" in lines[0]
        assert fake.handshakes == 1, "the second process never connected"
        assert await first.stop(signal.SIGTERM) == 0, "the first one ran on undisturbed"


def unusable_database(tmp_path, shape):
    """A DATABASE_PATH the bot cannot use, shaped as operators manage to."""
    if shape == "read-only-folder":
        folder = tmp_path / "read-only"
        folder.mkdir()
        folder.chmod(0o555)
        if os.access(folder, os.W_OK):  # root ignores modes; sysfs refuses new files to all
            folder = Path("/sys")
        return folder / "bot.sqlite3"
    if shape == "folder-is-a-file":
        (tmp_path / "data").write_text("not a folder")
        return tmp_path / "data" / "bot.sqlite3"
    path = tmp_path / "bot.sqlite3"
    path.write_bytes(b"this is not an SQLite database, it is a note" * 100)
    return path


@pytest.mark.parametrize("shape", ["read-only-folder", "folder-is-a-file", "not-a-database"])
async def test_a_database_that_cannot_be_used_ends_the_process_with_one_clear_line(
    tmp_path, fakes, shape
):
    fake, api = fakes
    path = unusable_database(tmp_path, shape)
    env = bot_environment(tmp_path, fake, api, DATABASE_PATH=str(path), LOG_LEVEL="INFO")
    code, lines = await run_to_exit(tmp_path, env)
    assert code == 1
    assert len(lines) == 1, lines
    assert "database" in lines[0] and str(path) in lines[0]
    assert fake.handshakes == 0
