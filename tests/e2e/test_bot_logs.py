"""A failing end-to-end test's report shows what its bot processes logged; a passing one's not."""

from __future__ import annotations

from tests.e2e.bot_logs import LINE_CHARS, TAIL_LINES, log_tail
from tests.e2e.process import ROOT
from tests.harness import API_KEY, BOT_TOKEN

# Run by an inner pytest: two tests that each start a real bot, one failing.
INNER = """
from tests.e2e.process import bot_process
from tests.fakes.apimart import FakeAPIMart
from tests.fakes.discord import FakeDiscord
from tests.harness import API_KEY, BOT_TOKEN


async def run_a_bot(tmp_path, name):
    async with FakeDiscord(token=BOT_TOKEN) as fake, FakeAPIMart(api_key=API_KEY) as api:
        async with bot_process(tmp_path, fake, api, name=name) as bot:
            assert await bot.stop() == 0
    # What reaches stderr around the bot's logging (a crash's traceback) is not scrubbed by it.
    with bot.log_path.open("a") as log:
        log.write(f"crashed with the token {BOT_TOKEN} and the key {API_KEY}\\n")


async def test_one_that_fails(tmp_path):
    await run_a_bot(tmp_path, "failing-bot")
    assert False, "the failure"


async def test_one_that_passes(tmp_path):
    await run_a_bot(tmp_path, "passing-bot")
"""


def test_a_failing_tests_report_ends_with_its_bot_logs_and_a_passing_ones_does_not(
    pytester, monkeypatch
):
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    pytester.makepyfile(test_inner=INNER)
    result = pytester.runpytest_subprocess(
        "-p",
        "tests.e2e.bot_logs",
        "-p",
        "no:cacheprovider",
        "-o",
        "asyncio_mode=auto",
        "-rP",  # a passing test's report, with any section it has
        timeout=120,
    )
    result.assert_outcomes(passed=1, failed=1)
    output = result.stdout.str()
    headers = [line for line in output.splitlines() if "bot process " in line]
    assert len(headers) == 1, output
    assert "bot process failing-bot (pid " in headers[0]
    assert f"last {TAIL_LINES} lines of" in headers[0]
    failing_log = output.split(headers[0], 1)[1]
    assert "bot: Stopped cleanly" in failing_log, "the bot's own log lines"
    assert "crashed with the token [REDACTED] and the key [REDACTED]" in failing_log
    assert BOT_TOKEN not in output and API_KEY not in output


def test_a_log_tail_is_its_last_lines_each_bounded(tmp_path):
    log = tmp_path / "bot.log"
    lines = [f"line {n}" for n in range(1, 501)]
    lines[-1] = "x" * (LINE_CHARS + 5)
    log.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tail = log_tail(log, []).splitlines()
    assert len(tail) == TAIL_LINES
    assert tail[0] == f"line {500 - TAIL_LINES + 1}"
    assert tail[-1] == "x" * LINE_CHARS + " [... 5 more characters]"
