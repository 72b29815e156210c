"""Start-up recovery (SQLite) that is retried must not settle a submit this process just began."""

import asyncio
import sqlite3

from bot.jobs.models import JobState
from tests.backends import sqlite_only
from tests.fakes.apimart import TaskPlan
from tests.jobs.test_service_and_poller import REQUEST, REQUESTER, RecordingDelivery, make_world


@sqlite_only
async def test_a_command_submit_during_a_retried_start_up_recovery_is_not_made_unknown(
    db, api, session, clock
):
    delivery = RecordingDelivery()
    api.default_plan = TaskPlan(polls_until_done=1, credits_cost=4)
    store, service, poller = make_world(
        db, api, session, clock, delivery, restart_backoff=0.3, max_idle_wait=0.05
    )
    release_all = store.release_all_leases
    calls = 0
    failed = asyncio.Event()

    async def locked_once():
        nonlocal calls
        calls += 1
        if calls == 1:
            failed.set()
            # Another tool held the file for longer than the busy timeout at start.
            raise sqlite3.OperationalError("database is locked")
        return await release_all()

    store.release_all_leases = locked_once
    api.delay_next("submit", 0.6)  # APIMart takes a moment to answer
    poller.start()
    await asyncio.wait_for(failed.wait(), 5)  # recovery failed once; the supervisor waits to retry
    # Meanwhile the gateway is up and a member's /video sends its own job.
    report = await service.create_and_submit(REQUESTER, REQUEST)
    await poller.stop()
    job = await store.get(report.job.id)
    assert len(api.submits) == 1
    assert job.state is not JobState.SUBMIT_UNKNOWN, "sent by this live process, answer received"
    assert job.task_id is not None, "APIMart accepted it: its task id must be kept"
