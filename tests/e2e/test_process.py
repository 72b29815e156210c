"""The real `python -m bot` process: signals, crashes and logs, as an operator meets them."""

import asyncio
import contextlib
import json
import os
import signal

import pytest

from tests.e2e.process import bot_process
from tests.engine.world import is_result
from tests.fakes.apimart import FakeAPIMart, TaskPlan
from tests.fakes.components import shown_text
from tests.fakes.discord import FakeDiscord
from tests.harness import API_KEY, BOT_TOKEN, assert_no_spec_violations


@pytest.fixture
async def fakes():
    async with FakeDiscord(token=BOT_TOKEN) as fake, FakeAPIMart(api_key=API_KEY) as api:
        yield fake, api
        assert_no_spec_violations(fake)


def results(fake):
    return [m for m in fake.messages() if is_result(1)(m)]


async def test_sigterm_stops_gracefully_and_exits_zero(tmp_path, fakes):
    fake, api = fakes
    async with bot_process(tmp_path, fake, api) as bot:
        assert await bot.stop(signal.SIGTERM) == 0
        assert "Stopped cleanly" in bot.log()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
async def test_a_stop_asked_for_again_until_the_bot_is_gone_still_exits_zero(
    tmp_path, fakes, signum
):
    """systemd and `make` each pass SIGTERM on; Ctrl-C is pressed again and again. A signal in
    the last moments, after "Stopped cleanly" while Python winds down, must not turn the clean
    stop into a death by signal (status 143 or 130) or a KeyboardInterrupt traceback."""
    fake, api = fakes
    async with bot_process(tmp_path, fake, api) as bot:
        exited = asyncio.ensure_future(bot.process.wait())
        while not exited.done():
            # Asked again, as an impatient operator would. Not `send_signal`, which reaps the
            # exited process itself and leaves asyncio's watcher no status to report.
            with contextlib.suppress(ProcessLookupError):
                os.kill(bot.process.pid, signum)
            await asyncio.wait({exited}, timeout=0.005)
        assert exited.result() == 0, bot.tail()
        assert "Stopped cleanly" in bot.log()
        assert "Traceback" not in bot.log()


async def test_a_job_survives_sigkill_and_is_delivered_exactly_once(tmp_path, fakes):
    fake, api = fakes
    api.default_plan = TaskPlan(polls_until_done=None)
    async with bot_process(tmp_path, fake, api) as bot:
        interaction = await fake.slash_command("video", options={"prompt": "a comet"})
        await interaction.wait_for_answer(timeout=10)
        await api.wait_for_polls(2, timeout=10)
        await bot.stop(signal.SIGKILL)
    api.last_task.complete()
    async with bot_process(tmp_path, fake, api) as bot:
        await fake.wait_for(
            lambda: (bot.job_row(1) or {}).get("delivered_at") is not None, timeout=20
        )
        assert len(results(fake)) == 1
        assert "your video is ready" in shown_text(results(fake)[0])
        assert await bot.stop(signal.SIGTERM) == 0
    assert len(api.submits) == 1, "never resubmitted"


async def test_a_submit_still_waiting_for_apimart_when_the_grace_ends_is_told_next_start(
    tmp_path, fakes
):
    """The request has left (it may be billed); SIGTERM's grace runs out before APIMart
    answers. The member must hear that its outcome is unknown, not be left at "waiting"."""
    fake, api = fakes
    api.default_plan = TaskPlan(polls_until_done=None)
    async with bot_process(tmp_path, fake, api, SHUTDOWN_GRACE="0.2", HTTP_TIMEOUT="30") as bot:
        api.delay_next("submit", 5.0)  # far past the grace
        await fake.slash_command("video", options={"prompt": "a comet"})
        await api.wait_for_submits(1, timeout=10)
        assert await bot.stop(signal.SIGTERM, timeout=10) == 0
        assert bot.job_row(1)["delivered_at"] is None, "nobody told the member yet"
    async with bot_process(tmp_path, fake, api, name="next") as bot:
        await fake.wait_for(
            lambda: (bot.job_row(1) or {}).get("delivered_at") is not None, timeout=20
        )
        assert bot.job_row(1)["state"] == "submit_unknown"
        told = [shown_text(m) for m in fake.messages() if "never heard back" in shown_text(m)]
        assert told, [shown_text(m) for m in fake.messages()]
        assert await bot.stop(signal.SIGTERM) == 0
    assert len(api.submits) == 1, "never resent"


@pytest.mark.parametrize("log_format", ["text", "json"])
async def test_logs_never_contain_the_token_or_the_api_key(tmp_path, fakes, log_format):
    fake, api = fakes
    api.default_plan = TaskPlan(polls_until_done=1)
    async with bot_process(tmp_path, fake, api, LOG_FORMAT=log_format) as bot:
        interaction = await fake.slash_command("video", options={"prompt": "a lighthouse"})
        await interaction.wait_for_answer(timeout=10)
        await fake.wait_for(lambda: results(fake), timeout=20)
        # Errors too: a rejected key and a Discord failure both get logged.
        api.api_key = "rotated"
        second = await fake.slash_command("video", options={"prompt": "another"})
        await second.wait_for_answer(timeout=10)
        fake.fail_next("POST", r"/channels/\d+/messages", status=500, times=3)
        await bot.stop(signal.SIGTERM)
    log = bot.log()
    assert "DEBUG" in log and "rejected the API key" in log, "the log really was captured"
    assert BOT_TOKEN not in log
    assert API_KEY not in log


async def test_json_logs_follow_a_job_from_the_command_to_its_delivery(tmp_path, fakes):
    fake, api = fakes
    api.default_plan = TaskPlan(polls_until_done=1)
    async with bot_process(tmp_path, fake, api, LOG_FORMAT="json") as bot:
        interaction = await fake.slash_command("video", options={"prompt": "a lighthouse"})
        await interaction.wait_for_answer(timeout=10)
        await fake.wait_for(lambda: (bot.job_row(1) or {}).get("delivered_at"), timeout=20)
        assert await bot.stop(signal.SIGTERM) == 0
    lines = [json.loads(line) for line in bot.log().splitlines()]  # every line is JSON
    assert all({"timestamp", "level", "logger", "message"} <= line.keys() for line in lines)
    job = [line for line in lines if line.get("job_id") == 1]
    member = {"guild_id": fake.guild_id, "user_id": fake.user_id}
    [submitted] = [line for line in job if "submitted as task" in line["message"]]
    assert submitted.items() >= {**member, "shard": 0}.items(), "the command's lines"
    engine = [line for line in job if line["logger"].startswith(("bot.jobs", "bot.delivery"))]
    assert any(line.get("task_id") == api.last_task.id for line in engine), "polls"
    assert all(line.items() >= member.items() for line in job)


async def test_a_start_logs_no_voice_support_warnings(tmp_path, fakes):
    fake, api = fakes
    async with bot_process(tmp_path, fake, api) as bot:
        assert await bot.stop(signal.SIGTERM) == 0
    log = bot.log()
    assert "logging in using static token" in log, "the log really was captured"
    assert "voice will NOT be supported" not in log, "the bot never joins voice"
