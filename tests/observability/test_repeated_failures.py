"""A failure that hits every status check at once is logged once a minute, not once a check."""

import asyncio
import logging

from bot.observability.repeated import RepeatedFailures
from tests.engine.world import make_engine, running
from tests.fakes.apimart import TaskPlan


def lines(caplog, text, level=logging.ERROR):
    return [r for r in caplog.records if text in r.getMessage() and r.levelno >= level]


async def test_a_refused_key_while_polling_is_one_error_line_not_one_per_check(
    db, api, session, client, fake, caplog
):
    api.default_plan = TaskPlan(polls_until_done=None)
    engine = make_engine(db, api, session, client, fake, max_poll_backoff=0.1)
    for n in range(5):
        await engine.queue(f"kite {n}")
    api.fail_next("poll", status=401, times=30)
    async with running(engine):
        await api.wait_until(lambda: api.pending_faults == 0, what="30 refused checks")
        await asyncio.sleep(0.1)
    assert len(api.requests_for("poll")) >= 30
    refused = lines(caplog, "rejected the API key")
    assert len(refused) == 1, [r.getMessage() for r in refused]
    assert "check APIMART_API_KEY" in refused[0].getMessage()


async def test_an_outage_is_one_warning_per_minute_that_counts_the_ones_held_back(caplog):
    now = [0.0]
    failures = RepeatedFailures(logging.getLogger("poller"), clock=lambda: now[0])
    with caplog.at_level(logging.DEBUG, "poller"):
        for job in range(1, 11):
            failures.log("ServerError", logging.WARNING, "Job %d: poll failed", job)
            now[0] += 7
        failures.log("RateLimitError", logging.WARNING, "Job %d: poll rate limited", 11)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == [
        "Job 1: poll failed",
        "Job 10: poll failed (and 8 more like it within 56 s of the last one logged)",
        "Job 11: poll rate limited",
    ]
    held_back = [r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG]
    assert held_back[0] == "Job 2: poll failed", "each one is still there at DEBUG"


def test_the_same_failure_a_full_window_later_is_logged_again(caplog):
    now = [0.0]
    failures = RepeatedFailures(logging.getLogger("poller"), window=60, clock=lambda: now[0])
    with caplog.at_level(logging.DEBUG, "poller"):
        for at in (0.0, 59.9, 60.0):
            now[0] = at
            failures.log("ServerError", logging.WARNING, "poll failed")
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == [
        "poll failed",
        "poll failed (and 1 more like it within 60 s of the last one logged)",
    ]


def test_a_burst_held_back_is_not_stretched_to_when_the_next_line_comes(caplog):
    """A 25-second blip, then the same failure once a day later: the count says the span the
    held-back lines came in, not "in the last 86425 s"."""
    now = [0.0]
    failures = RepeatedFailures(logging.getLogger("poller"), clock=lambda: now[0])
    with caplog.at_level(logging.WARNING, "poller"):
        failures.log("ServerError", logging.WARNING, "poll failed")
        for _ in range(5):
            now[0] += 5
            failures.log("ServerError", logging.WARNING, "poll failed")
        now[0] += 86_400
        failures.log("ServerError", logging.WARNING, "poll failed")
    assert caplog.records[-1].getMessage() == (
        "poll failed (and 5 more like it within 25 s of the last one logged)"
    )
