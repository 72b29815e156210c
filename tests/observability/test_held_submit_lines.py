"""Submits held back during an APIMart outage, or waiting for their server's slot, log a bounded
number of lines: not one per job and retry (every minute), nor one per job and recheck."""

import logging

import pytest

from bot.i18n import msg
from bot.jobs.models import JobState
from bot.moderation.service import Moderation
from bot.moderation.store import Actor
from tests.fakes.apimart import TaskPlan
from tests.jobs.test_service_and_poller import (
    REQUEST,
    REQUESTER,
    RecordingDelivery,
    make_world,
    poller_client,
)

JOBS = 40
MINUTES = 10


def written(caplog) -> list[str]:
    """The lines an operator reads at the default level (INFO)."""
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.INFO]


@pytest.mark.parametrize(
    ("status", "retry_after"), [(503, None), (429, "60")], ids=["outage", "slow-down"]
)
async def test_an_outage_of_many_held_submits_is_one_warning_a_minute(
    db, api, session, clock, caplog, status, retry_after
):
    """40 members' videos wait out a 10-minute APIMart outage: each retry (every minute) of each
    one wrote a WARNING, 400 lines that bury every other error and page on error rate."""
    store, service, poller = make_world(
        db, api, session, clock, RecordingDelivery(), client=poller_client(api, session)
    )
    jobs = [await service.record(REQUESTER, REQUEST) for _ in range(JOBS)]
    api.fail_next("submit", status=status, retry_after_header=retry_after, times=10_000)
    caplog.clear()
    caplog.set_level(logging.DEBUG, "bot")
    for _ in range(MINUTES):
        clock.advance(61)
        await poller.run_once()
    # Every job was tried again each minute, and is still waiting.
    assert len(api.submits) >= JOBS * MINUTES, len(api.submits)
    for job in jobs:
        assert (await store.get(job.id)).state is JobState.RECORDED
    lines = written(caplog)
    assert len(lines) <= MINUTES + 1, "\n".join(lines)
    # Each minute's line says how many more it stands for.
    assert f"(and {JOBS - 1} more like it" in lines[-1], lines[-1]
    # Every hold is still there at DEBUG.
    held = [r for r in caplog.records if "held back" in r.getMessage()]
    assert len(held) >= JOBS * MINUTES


async def test_jobs_waiting_for_their_servers_slot_say_so_once_not_at_each_recheck(
    db, api, session, clock, caplog
):
    """A server renders one video at a time; 20 members' videos wait behind a long render: each
    recheck (every 30 s) of each waiting job wrote an INFO line."""
    api.default_plan = TaskPlan(polls_until_done=None)
    store, _, poller = make_world(
        db, api, session, clock, RecordingDelivery(), client=poller_client(api, session)
    )
    moderation = Moderation(db, clock=clock)
    await moderation.store.update_policy(
        Actor(REQUESTER.guild_id, 99),
        msg("change_resumed", moderator="x"),
        default_limit=100,
        max_active=100,
        max_rendering=1,
    )
    jobs = [
        await store.create(REQUESTER, REQUEST, now=clock(), submit_by=clock(), admission=moderation)
        for _ in range(21)
    ]
    caplog.clear()
    caplog.set_level(logging.INFO, "bot")
    for _ in range(MINUTES * 2):
        clock.advance(31)
        await poller.run_once()
    assert (await store.get(jobs[0].id)).state is JobState.PROCESSING
    for job in jobs[1:]:
        assert (await store.get(job.id)).state is JobState.RECORDED
    waiting = [line for line in written(caplog) if "held back" in line]
    assert len(waiting) == len(jobs) - 1, "\n".join(waiting)


async def test_many_jobs_given_up_after_an_outage_write_a_bounded_number_of_warnings(
    db, api, session, clock, caplog
):
    """40 members' videos wait out a 30-minute APIMart outage and are given up on at about the
    same moment: each wrote its own 'giving up submitting' WARNING, 40 lines at once."""
    store, _, poller = make_world(
        db, api, session, clock, RecordingDelivery(), client=poller_client(api, session)
    )
    jobs = [
        await store.create(REQUESTER, REQUEST, now=clock(), submit_by=clock()) for _ in range(JOBS)
    ]
    api.fail_next("submit", status=503, times=10_000)
    caplog.set_level(logging.DEBUG, "bot")
    # Five-minute rounds past the 30-minute hold: each job tries a few times, not thirty.
    for _ in range(8):
        clock.advance(301)
        await poller.run_once()
    for job in jobs:
        assert (await store.get(job.id)).state is JobState.REJECTED
    given_up = [line for line in written(caplog) if "giving up submitting" in line]
    assert len(given_up) == 1, "\n".join(given_up)
    # Every one is still there at DEBUG.
    assert len([r for r in caplog.records if "giving up submitting" in r.getMessage()]) == JOBS
