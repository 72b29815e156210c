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
