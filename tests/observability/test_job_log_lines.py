"""Every log line about a job carries its id, from the first ("recorded") to the last."""

import logging
import re

from bot.log_context import current
from tests.fakes.apimart import TaskPlan
from tests.harness import running_bot
from tests.observability.test_metrics_e2e import delivered


async def test_every_line_naming_a_job_carries_its_job_id_for_jq(tmp_path):
    """docs/operations.md: `jq -c 'select(.job_id == 42)'` gives "one job, command to
    delivery": every line about a job must carry `job_id`, the first one ("recorded") too."""
    lines: list[tuple[str, dict]] = []

    class Grab(logging.Handler):
        def emit(self, record):
            lines.append((record.getMessage(), dict(current())))

    grab = Grab(logging.INFO)
    root = logging.getLogger()
    root.addHandler(grab)
    level = root.level
    root.setLevel(logging.INFO)
    try:
        async with running_bot(tmp_path, plan=TaskPlan(polls_until_done=2)) as world:
            await world.video(prompt="a kite over the sea")
            await delivered(world, 1)
    finally:
        root.removeHandler(grab)
        root.setLevel(level)
    about_job_1 = [(m, ctx) for m, ctx in lines if re.match(r"Job 1\b", m)]
    assert about_job_1
    assert [m for m, ctx in about_job_1 if ctx.get("job_id") != 1] == []


def ended_lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if "ended as" in r.getMessage()]


async def test_a_failed_render_s_end_line_says_apimart_s_reason(db, api, session, clock, caplog):
    """`Job N (task X) ended as failed` left out why: the operator had to query the database
    for APIMart's `error_message`."""
    from tests.jobs.test_service_and_poller import (
        REQUEST,
        REQUESTER,
        RecordingDelivery,
        make_world,
        run_until_delivered,
    )

    api.default_plan = TaskPlan(
        polls_until_done=1, final_status="failed", error_message="Upstream quota exhausted"
    )
    delivery = RecordingDelivery()
    _, service, poller = make_world(db, api, session, clock, delivery)
    caplog.set_level(logging.INFO, "bot.jobs.poller")
    await service.create_and_submit(REQUESTER, REQUEST)
    await run_until_delivered(poller, clock, delivery)
    [ended] = ended_lines(caplog)
    assert re.fullmatch(
        r'Job 1 \(task \w+\) ended as failed: APIMart said "Upstream quota exhausted"', ended
    ), ended


async def test_a_long_reason_on_many_lines_is_one_short_log_line(db, api, session, clock, caplog):
    """A reason is APIMart's free text: a page of it (a proxy's HTML, a stack trace) stays one
    line of the log, cut short."""
    from tests.jobs.test_service_and_poller import (
        REQUEST,
        REQUESTER,
        RecordingDelivery,
        make_world,
        run_until_delivered,
    )

    said = "Traceback (most recent call last):\n" + "  File x.py, line 1\n" * 400
    api.default_plan = TaskPlan(polls_until_done=1, final_status="failed", error_message=said)
    delivery = RecordingDelivery()
    _, service, poller = make_world(db, api, session, clock, delivery)
    caplog.set_level(logging.INFO, "bot.jobs.poller")
    await service.create_and_submit(REQUESTER, REQUEST)
    await run_until_delivered(poller, clock, delivery)
    [ended] = ended_lines(caplog)
    assert "\n" not in ended and len(ended) < 400, ended
    assert 'APIMart said "Traceback (most recent call last): File x.py, line 1' in ended, ended
    assert ended.endswith('…"'), ended
