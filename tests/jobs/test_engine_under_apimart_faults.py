"""The engine under APIMart's faults: odd answers, 429 storms, renders given up on."""

import dataclasses
import logging
import random

from bot.jobs.models import JobState
from bot.jobs.schedule import PollSchedule, ScheduleMode
from tests.fakes.apimart import FakeTask, TaskPlan
from tests.jobs.test_service_and_poller import (
    REQUEST,
    REQUESTER,
    RecordingDelivery,
    make_world,
    poller_client,
    run_until_delivered,
)

# The schedule as bot/wiring.py sets it by default (POLL_INTERVAL 8, POLL_MAX_GAP 120).
ADAPTIVE = PollSchedule(interval=8, max_gap=120, mode=ScheduleMode.ADAPTIVE)


def engine_world(db, api, session, clock, delivery, **config):
    """As bot/wiring.py wires the engine: its client never retries on its own."""
    client = poller_client(api, session)
    return make_world(db, api, session, clock, delivery, client=client, **config)


async def test_a_timed_out_task_apimart_ends_completed_without_a_video_unbilled_is_refunded(
    db, api, session, clock
):
    """Given up on, then ended by APIMart with nothing made and billed 0: like a render that
    failed (or a `completed` without a video seen in time), it no longer counts."""
    delivery = RecordingDelivery()
    api.default_plan = TaskPlan(polls_until_done=None, cost=0, credits_cost=0)
    store, service, poller = make_world(
        db, api, session, clock, delivery, task_timeout=60, follow_up_interval=300
    )
    report = await service.create_and_submit(REQUESTER, REQUEST)
    await run_until_delivered(poller, clock, delivery)
    assert delivery.delivered[0].state is JobState.TIMED_OUT
    api.last_task.complete_without_video()
    clock.advance(300)
    await poller.run_once()
    job = await store.get(report.job.id)
    assert job.next_poll_at is None, "APIMart said how it ended: no more follow-ups"
    assert job.credits_cost == 0
    assert not job.counts, f"billed 0 and nothing made, yet it still counts ({job.state})"


async def test_credits_apimart_reports_as_a_numeric_string_reach_the_budget(
    db, api, session, clock, monkeypatch
):
    """`"credits_cost": "4"`: the render was billed 4; the server's monthly budget must see
    them, not a free video."""
    as_numbers = FakeTask.to_json

    def as_strings(task, now=None):
        data = as_numbers(task, now)
        return {k: str(v) if k in ("cost", "credits_cost") else v for k, v in data.items()}

    monkeypatch.setattr(FakeTask, "to_json", as_strings)
    delivery = RecordingDelivery()
    api.default_plan = TaskPlan(polls_until_done=2, credits_cost=4)
    store, service, poller = make_world(db, api, session, clock, delivery)
    report = await service.create_and_submit(REQUESTER, REQUEST)
    await run_until_delivered(poller, clock, delivery)
    job = await store.get(report.job.id)
    assert job.state is JobState.COMPLETED
    assert job.credits_cost == 4


async def test_an_absurd_estimated_time_does_not_break_every_status_check(
    db, api, session, clock, caplog
):
    """A running task whose `estimated_time` does not fit the database: its progress is still
    recorded (the estimate is just not believed), not a crash on every check."""
    delivery = RecordingDelivery()
    api.default_plan = TaskPlan(polls_until_done=None, estimated_time=10**20)
    store, service, poller = make_world(db, api, session, clock, delivery)
    report = await service.create_and_submit(REQUESTER, REQUEST)
    with caplog.at_level(logging.ERROR):
        for _ in range(3):
            clock.advance(8)
            await poller.run_once()
    job = await store.get(report.job.id)
    crashes = [r for r in caplog.records if "failed unexpectedly" in r.getMessage()]
    assert not crashes, crashes[0].getMessage()
    assert job.state is JobState.PROCESSING and job.progress > 0


async def test_a_minute_of_429s_does_not_hold_a_finished_render_back_for_another_minute(
    db, api, session, clock
):
    """APIMart answers every status check 429 `Retry-After: 5` for a minute, then is well
    again; a render that finished meanwhile is fetched soon after, not a doubling backoff
    (16, 32, 64 s, ... up to 5 minutes) later."""
    delivery = RecordingDelivery()
    api.default_plan = TaskPlan(polls_until_done=None)
    _, service, poller = engine_world(db, api, session, clock, delivery)
    await service.create_and_submit(REQUESTER, REQUEST)
    clock.advance(8)
    await poller.run_once()
    storm_began = clock()
    while clock() - storm_began < 60:
        if api.pending_faults == 0:
            api.fail_next("poll", status=429, retry_after_header="5")
        clock.advance(1)
        await poller.run_once()
    api.clear_faults()
    storm_ended = clock()
    api.last_task.complete()
    while not delivery.delivered and clock() - storm_ended < 600:
        clock.advance(1)
        await poller.run_once()
    late = clock() - storm_ended
    assert late <= 16, f"delivered {late:.0f} s after APIMart stopped answering 429"


async def test_a_few_minutes_of_5xx_do_not_hold_a_finished_render_back_past_the_longest_gap(
    db, api, session, clock
):
    """APIMart answers status checks 503 for about four minutes (a deploy, an outage), then is
    well again; the render finished meanwhile. POLL_MAX_GAP (120 s) is "the longest wait
    between two status checks of a job", yet the job's own doubling backoff (16, 32, 64, 128,
    256 s, up to 5 minutes) held the paid video back for minutes."""
    delivery = RecordingDelivery()
    api.default_plan = TaskPlan(polls_until_done=None)
    store, service, poller = engine_world(db, api, session, clock, delivery, schedule=ADAPTIVE)
    report = await service.create_and_submit(REQUESTER, REQUEST)
    clock.advance(8)
    await poller.run_once()
    outage_began = clock()
    # The outage lasts until its fifth failed check (about four minutes in), then ends.
    while (await store.get(report.job.id)).poll_failures < 5:
        if api.pending_faults == 0:
            api.fail_next("poll", status=503)
        clock.advance(1)
        await poller.run_once()
    api.clear_faults()
    outage_ended = clock()
    assert outage_ended - outage_began < 300
    api.last_task.complete()
    while not delivery.delivered and clock() - outage_ended < 900:
        clock.advance(1)
        await poller.run_once()
    late = clock() - outage_ended
    assert late <= 120, f"delivered {late:.0f} s after APIMart answered again"


async def test_the_renders_an_outage_hit_together_are_not_all_checked_again_in_one_second(
    db, api, session, clock
):
    """Ten renders whose status checks all fail with a 503 in the same round: checked again in
    step, every one of them meets a recovering APIMart in the same second, and again after it
    fails them together."""
    api.default_plan = TaskPlan(polls_until_done=None)
    store, service, poller = engine_world(
        db, api, session, clock, RecordingDelivery(), schedule=ADAPTIVE, rng=random.Random(7)
    )
    for user_id in range(10):
        await service.create_and_submit(dataclasses.replace(REQUESTER, user_id=user_id), REQUEST)
    clock.advance(8)
    api.fail_next("poll", status=503, times=10)
    await poller.run_once()
    jobs = [await store.get(job_id) for job_id in range(1, 11)]
    assert [job.poll_failures for job in jobs] == [1] * 10
    seconds = {int(job.next_poll_at - clock()) for job in jobs}
    assert len(seconds) > 3, f"checked again {sorted(seconds)} s later"
    assert min(seconds) >= 8, "never sooner than the usual pace"
