"""Submitting and polling jobs: a real SQLite file, the fake APIMart, a controlled clock."""

import asyncio
import dataclasses
import datetime
import json
import logging
import random
import time

import pytest

from bot.apimart import APIMartClient, RetryPolicy, VideoRequest
from bot.apimart.models import TaskInfo, TaskStatus
from bot.i18n import msg
from bot.jobs.budget import RequestBudget
from bot.jobs.cancels import CancelOutcome
from bot.jobs.models import Job, JobRefused, JobState, Requester
from bot.jobs.poller import DeliveryOutcome, DeliveryResult, Poller, PollerConfig
from bot.jobs.schedule import PollSchedule, ScheduleMode
from bot.jobs.service import JobService, SubmitTiming
from bot.jobs.stages import Stage
from bot.jobs.store import JobStore
from bot.moderation.service import Moderation
from bot.moderation.store import Actor
from bot.result_text import failure_text, shows_video
from tests.fakes.apimart import TaskPlan
from tests.jobstates import finished, submitted

REQUESTER = Requester(user_id=42, channel_id=7, guild_id=1, locale="zh-CN")
REQUEST = VideoRequest(prompt="a fox in snow", duration=6)


class RecordingDelivery:
    """Stands in for Discord: remembers each job handed over, can be told to fail."""

    def __init__(self):
        self.delivered = []
        self.failures_left = 0

    async def __call__(self, job):
        if self.failures_left:
            self.failures_left -= 1
            return DeliveryResult(DeliveryOutcome.RETRY)
        self.delivered.append(job)
        return DeliveryResult(DeliveryOutcome.DELIVERED, message_id=1000 + job.id)


async def no_sleep(_seconds):
    return None


def poller_client(api, session):
    """The client as bot/wiring.py wires the poller's: it never retries on its own."""
    return APIMartClient(
        session,
        base_url=api.base_url,
        api_key="test-key",
        retry=RetryPolicy(max_retries=0, rng=random.Random(0)),
    )


def make_client(api, session, *, timeout=2.0):
    return APIMartClient(
        session,
        base_url=api.base_url,
        api_key="test-key",
        timeout=timeout,
        retry=RetryPolicy(max_retries=1, rng=random.Random(0)),
        sleep=no_sleep,
    )


def make_world(db, api, session, clock, delivery, *, client=None, **config):
    """Store, service and poller, on `client` (by default one that retries once itself)."""
    client = client or make_client(api, session)
    store = JobStore(db, clock=clock)
    service = JobService(store, client, clock=clock, timing=SubmitTiming(first_poll_delay=8))
    poller = Poller(
        store,
        client,
        service,
        delivery,
        clock=clock,
        config=PollerConfig(poll_interval=8, **config),
    )
    return store, service, poller


async def run_until_delivered(poller, clock, delivery, count=1, rounds=20):
    for _ in range(rounds):
        clock.advance(8)
        await poller.run_once()
        if len(delivery.delivered) >= count:
            return
    raise AssertionError("not delivered")


async def test_a_good_job_is_recorded_before_it_is_submitted(db, api, session, clock):
    store, service, _ = make_world(db, api, session, clock, RecordingDelivery())
    api.delay_next("submit", 0.3)
    submitting = asyncio.create_task(service.create_and_submit(REQUESTER, REQUEST))
    await api.wait_for_submits(1)
    # While APIMart is still answering, the job is already safe in SQLite.
    in_flight = await store.get(1)
    assert in_flight.state is JobState.SUBMITTING
    report = await submitting
    assert report.state is JobState.QUEUED
    assert report.job.task_id == api.task_ids[0]
    assert "job #1" in report.member_message.render("en-US")
    assert api.submits[0]["prompt"] == "a fox in snow"


async def test_completed_task_is_delivered_once_with_its_result(db, api, session, clock):
    delivery = RecordingDelivery()
    api.default_plan = TaskPlan(polls_until_done=3, credits_cost=4)
    _, service, poller = make_world(db, api, session, clock, delivery)
    await service.create_and_submit(REQUESTER, REQUEST)
    await run_until_delivered(poller, clock, delivery)
    [job] = delivery.delivered
    assert job.state is JobState.COMPLETED
    assert job.result_url.startswith(api.base_url)
    assert job.credits_cost == 4
    for _ in range(3):
        clock.advance(8)
        await poller.run_once()
    assert len(delivery.delivered) == 1
    assert len(api.polls) == 3, "no polling after the task ended"
    # The member's Chinese locale asks APIMart for Chinese error texts.
    assert api.requests_for("poll")[0].query["language"] == "zh"


@pytest.mark.parametrize("final", ["failed", "cancelled"])
async def test_failed_and_cancelled_tasks_are_delivered_with_the_reason(
    db, api, session, clock, final
):
    delivery = RecordingDelivery()
    api.default_plan = TaskPlan(
        polls_until_done=1,
        final_status=final,
        error_message="content moderation refused the prompt",
    )
    _, service, poller = make_world(db, api, session, clock, delivery)
    await service.create_and_submit(REQUESTER, REQUEST)
    await run_until_delivered(poller, clock, delivery)
    [job] = delivery.delivered
    assert job.state.value == final
    if final == "failed":
        assert job.error_message == "content moderation refused the prompt"


async def test_a_stuck_task_times_out(db, api, session, clock):
    delivery = RecordingDelivery()
    api.default_plan = TaskPlan(polls_until_done=None)
    _, service, poller = make_world(db, api, session, clock, delivery, task_timeout=60)
    await service.create_and_submit(REQUESTER, REQUEST)
    await run_until_delivered(poller, clock, delivery)
    assert delivery.delivered[0].state is JobState.TIMED_OUT


async def test_a_timed_out_task_apimart_finishes_later_is_delivered_after_all(
    db, api, session, clock
):
    """APIMart may still finish (and bill) a task given up on: the member, told it was given
    up on and that it counts, gets the video they paid for when it comes."""
    delivery = RecordingDelivery()
    api.default_plan = TaskPlan(polls_until_done=None, credits_cost=4)
    _, service, poller = make_world(
        db, api, session, clock, delivery, task_timeout=60, follow_up_interval=300
    )
    await service.create_and_submit(REQUESTER, REQUEST)
    await run_until_delivered(poller, clock, delivery)
    assert delivery.delivered[0].state is JobState.TIMED_OUT
    polls = len(api.polls)
    clock.advance(100)
    await poller.run_once()
    assert len(api.polls) == polls, "followed up sparsely, not at the rendering pace"
    api.last_task.complete()
    clock.advance(200)
    await poller.run_once()
    await run_until_delivered(poller, clock, delivery, count=2)
    late = delivery.delivered[1]
    assert (late.state, late.credits_cost) == (JobState.COMPLETED, 4)
    assert late.result_url and late.counts
    clock.advance(3600)
    await poller.run_once()
    assert len(api.polls) == polls + 1, "no more polling once APIMart said it was done"
    assert len(delivery.delivered) == 2


async def test_a_cancelled_render_apimart_finishes_after_it_was_given_up_on_is_not_told_again(
    db, api, session, clock
):
    """The member cancelled it and was told; the bot still follows it to learn its credits.
    APIMart finishing it a day later records what it cost, and sends the member nothing."""
    delivery = RecordingDelivery()
    api.default_plan = TaskPlan(polls_until_done=None, credits_cost=4)
    store, service, poller = make_world(
        db, api, session, clock, delivery, task_timeout=60, follow_up_interval=300
    )
    report = await service.create_and_submit(REQUESTER, REQUEST)
    await poller.run_once()
    await store.cancel(
        report.job.id, reason_key="cancelled_by_member", now=clock(), member_told=True
    )
    clock.advance(61)
    await poller.run_once()
    assert (await store.get(report.job.id)).state is JobState.TIMED_OUT
    api.last_task.complete()
    clock.advance(300)
    await poller.run_once()
    clock.advance(60)
    await poller.run_once()
    ended = await store.get(report.job.id)
    assert (ended.state, ended.credits_cost) == (JobState.COMPLETED, 4)
    assert delivery.delivered == [], "told once, when it was cancelled"


async def test_a_timed_out_task_that_apimart_then_fails_is_refunded(db, api, session, clock):
    delivery = RecordingDelivery()
    api.default_plan = TaskPlan(polls_until_done=None)
    store, service, poller = make_world(
        db, api, session, clock, delivery, task_timeout=60, follow_up_interval=300
    )
    report = await service.create_and_submit(REQUESTER, REQUEST)
    await run_until_delivered(poller, clock, delivery)
    api.last_task.fail("upstream timeout")
    clock.advance(300)
    await poller.run_once()
    assert (await store.get(report.job.id)).state is JobState.FAILED
    assert len(delivery.delivered) == 1


async def test_a_timed_out_task_is_not_followed_forever(db, api, session, clock):
    delivery = RecordingDelivery()
    api.default_plan = TaskPlan(polls_until_done=None)
    _, service, poller = make_world(
        db,
        api,
        session,
        clock,
        delivery,
        task_timeout=60,
        follow_up_interval=300,
        follow_up_limit=3600,
    )
    await service.create_and_submit(REQUESTER, REQUEST)
    await run_until_delivered(poller, clock, delivery)
    for _ in range(20):
        clock.advance(300)
        await poller.run_once()
    polls = len(api.polls)
    for _ in range(5):
        clock.advance(300)
        await poller.run_once()
    assert len(api.polls) == polls
    assert polls < 25


async def test_poll_failures_back_off_and_recover(db, api, session, clock):
    delivery = RecordingDelivery()
    api.default_plan = TaskPlan(polls_until_done=1)
    # POLL_INTERVAL 8 and POLL_MAX_GAP 120, as bot/wiring.py sets them by default.
    schedule = PollSchedule(interval=8, max_gap=120, mode=ScheduleMode.FIXED)
    store, service, poller = make_world(
        db, api, session, clock, delivery, schedule=schedule, rng=random.Random(3)
    )
    report = await service.create_and_submit(REQUESTER, REQUEST)
    api.fail_next("poll", status=503, times=4)
    waits = []
    for failures in (1, 2):
        clock.advance(8 if failures == 1 else waits[-1])
        await poller.run_once()
        job = await store.get(report.job.id)
        assert job.poll_failures == failures
        waits.append(job.next_poll_at - clock())
    # Doubling, each jittered to 50-100 % (never below the usual 8 s).
    assert 8 <= waits[0] <= 16 and 16 <= waits[1] <= 32, f"backs off instead of hammering: {waits}"
    await run_until_delivered(poller, clock, delivery)
    assert delivery.delivered[0].state is JobState.COMPLETED


async def test_a_status_check_answered_503_with_retry_after_waits_it_out(db, api, session, clock):
    """APIMart down for upkeep asks for a pause with its 503's `Retry-After`: before, the render
    was checked again after the usual 8-16 s, into the outage; never past POLL_MAX_GAP."""
    delivery = RecordingDelivery()
    api.default_plan = TaskPlan(polls_until_done=1)
    schedule = PollSchedule(interval=8, max_gap=120, mode=ScheduleMode.FIXED)
    store, service, poller = make_world(
        db, api, session, clock, delivery, client=poller_client(api, session), schedule=schedule
    )
    report = await service.create_and_submit(REQUESTER, REQUEST)
    api.fail_next("poll", status=503, retry_after_header="60")
    clock.advance(8)
    await poller.run_once()
    job = await store.get(report.job.id)
    assert job.next_poll_at - clock() >= 60

    api.fail_next("poll", status=503, retry_after_header="3600")
    clock.advance(job.next_poll_at - clock())
    await poller.run_once()
    job = await store.get(report.job.id)
    assert 60 <= job.next_poll_at - clock() <= 120

    await run_until_delivered(poller, clock, delivery, rounds=40)


async def test_a_submit_answered_503_with_retry_after_is_sent_again_after_the_pause(
    db, api, session, clock
):
    """A 503 says APIMart made nothing, so the submit is sent again: after the pause it asks
    for, where before it was resent after a minute, into the outage."""
    delivery = RecordingDelivery()
    store, service, poller = make_world(
        db, api, session, clock, delivery, client=poller_client(api, session)
    )
    api.fail_next("submit", status=503, retry_after_header="300")
    report = await service.create_and_submit(REQUESTER, REQUEST)
    assert report.state is JobState.RECORDED
    clock.advance(120)
    await poller.run_once()
    assert len(api.submits) == 1, "sent again into the pause"
    clock.advance(180)
    await poller.run_once()
    assert (await store.get(report.job.id)).state is JobState.QUEUED


async def test_delivery_failures_are_retried_later_not_lost(db, api, session, clock):
    delivery = RecordingDelivery()
    delivery.failures_left = 2
    api.default_plan = TaskPlan(polls_until_done=1)
    store, service, poller = make_world(db, api, session, clock, delivery, delivery_retry_base=8)
    await service.create_and_submit(REQUESTER, REQUEST)
    await run_until_delivered(poller, clock, delivery)
    assert (await store.get(1)).delivery_attempts == 3


async def test_busy_api_keeps_the_job_and_submits_it_later(db, api, session, clock):
    delivery = RecordingDelivery()
    api.default_plan = TaskPlan(polls_until_done=1)
    store, service, poller = make_world(db, api, session, clock, delivery)
    api.fail_next("submit", status=429)  # sent once: the service never resends in place
    report = await service.create_and_submit(REQUESTER, REQUEST)
    assert report.state is JobState.RECORDED
    assert "saved and waiting" in report.member_message.render("en-US")
    clock.advance(60)
    await poller.run_once()
    assert (await store.get(report.job.id)).state is JobState.QUEUED
    await run_until_delivered(poller, clock, delivery)
    assert len(api.task_ids) == 1


@pytest.mark.parametrize("said", ["Prompt is too long.", "The seed must be a number!"])
async def test_a_refusal_quoted_from_apimart_ends_in_one_full_stop(db, api, session, clock, said):
    """APIMart's own sentence ends in a full stop; the bot's sentence around it adds one."""
    delivery = RecordingDelivery()
    store, service, _ = make_world(db, api, session, clock, delivery)
    api.fail_next("submit", status=400, error_type="prompt_too_long", message=said)
    report = await service.create_and_submit(REQUESTER, REQUEST)
    assert report.state is JobState.REJECTED
    rejected = await store.get(report.job.id)
    for locale in ("en-US", "zh-CN"):
        told = report.member_message.render(locale)
        posted = "\n".join(failure_text(_in_locale(rejected, locale), "@m"))
        for text in (told, posted):
            assert said.rstrip(".!") in text
            assert ".." not in text and "!." not in text and "\u3002\u3002" not in text


async def test_a_refused_submit_is_told_at_once_and_not_delivered_again(db, api, session, clock):
    delivery = RecordingDelivery()
    _, service, poller = make_world(db, api, session, clock, delivery)
    api.fail_next("submit", status=402, error_type="payment_required")
    report = await service.create_and_submit(REQUESTER, REQUEST)
    assert report.state is JobState.REJECTED
    assert "paused" in report.member_message.render("en-US")
    clock.advance(60)
    await poller.run_once()
    assert delivery.delivered == []


async def test_a_lost_submit_answer_is_never_resent(db, api, session, clock):
    _, service, poller = make_world(db, api, session, clock, RecordingDelivery())
    api.reset_next("submit")
    report = await service.create_and_submit(REQUESTER, REQUEST)
    assert report.state is JobState.SUBMIT_UNKNOWN
    assert "can't tell whether" in report.member_message.render("en-US")
    clock.advance(600)
    await poller.run_once()
    assert len(api.submits) == 1


async def test_a_submit_answered_by_a_server_error_is_never_resent(db, api, session, clock):
    # Wired as the engine is: the client does not retry, the submit stage sends again later.
    store = JobStore(db, clock=clock)
    service = JobService(store, poller_client(api, session), clock=clock)
    poller = Poller(store, poller_client(api, session), service, RecordingDelivery(), clock=clock)
    api.fail_next("submit", status=500)
    report = await service.create_and_submit(REQUESTER, REQUEST)
    assert report.state is JobState.SUBMIT_UNKNOWN
    assert "can't tell whether" in report.member_message.render("en-US")
    clock.advance(600)
    await poller.run_once()
    assert len(api.submits) == 1, "a 500 may come after the task was made: never pay twice"


async def test_a_submit_stopped_while_waiting_its_turn_is_sent_after_the_restart(db, api, session):
    # The budget's pace (cut by APIMart's 429s) was just used by a status check: the submit
    # waits its turn in the budget's line, and a deploy's shutdown grace runs out meanwhile.
    # (A pause APIMart asked for is waited out in the database, not in the line.)
    budget = RequestBudget(0.05)
    await budget.acquire()
    store = JobStore(db, clock=time.time)
    client = poller_client(api, session)
    service = JobService(store, client, clock=time.time, budget=budget)
    poller = Poller(
        store,
        client,
        service,
        RecordingDelivery(),
        clock=time.time,
        budget=budget,
        config=PollerConfig(stop_timeout=0.2),
    )
    job = await store.create(REQUESTER, REQUEST, now=time.time(), submit_by=time.time())
    poller.start()
    async with asyncio.timeout(5):  # the submit stage claimed it and waits for its turn
        while True:
            if (await store.get(job.id)).state is JobState.SUBMITTING:
                break
            await asyncio.sleep(0.02)
    await poller.stop()
    assert api.task_ids == [], "APIMart made nothing"
    assert (await store.get(job.id)).state is JobState.RECORDED, "nothing was sent: not unknown"
    # The next start finds it waiting to be sent, not a submit of unknown outcome.
    assert await service.settle_lost_submits(at_start=True) == 0


async def test_restart_resumes_pending_jobs_and_delivers_each_once(db, api, session, clock):
    api.default_plan = TaskPlan(polls_until_done=2)
    first_delivery = RecordingDelivery()
    _, service, _ = make_world(db, api, session, clock, first_delivery)
    for _ in range(3):
        await service.create_and_submit(REQUESTER, REQUEST)
    # The first process dies here. A new one starts on the same database file.
    delivery = RecordingDelivery()
    _, _, poller = make_world(db, api, session, clock, delivery)
    await run_until_delivered(poller, clock, delivery, count=3)
    for _ in range(5):
        clock.advance(8)
        await poller.run_once()
    assert sorted(job.id for job in delivery.delivered) == [1, 2, 3]
    assert len(api.submits) == 3


async def test_restart_after_a_crash_mid_submit_tells_the_member(db, api, session, clock):
    delivery = RecordingDelivery()
    store, service, poller = make_world(db, api, session, clock, delivery)
    job = await store.create(REQUESTER, REQUEST, now=clock(), submit_by=clock() + 60)
    dead = JobStore(db, clock=clock)
    claim = await dead.claim_for_submit(job.id)
    assert await dead.renew_before_sending(claim)  # its request left; then that process died
    assert await service.settle_lost_submits(at_start=True) == 1
    clock.advance(1)
    await poller.run_once()
    [told] = delivery.delivered
    assert told.state is JobState.SUBMIT_UNKNOWN
    assert api.task_ids == [], "APIMart made nothing"


async def test_a_crash_while_a_submit_waits_its_turn_leaves_it_to_be_sent_not_unknown(
    db, api, session, clock
):
    """The process died after claiming the job, before its request left (waiting for the
    budget, a media refresh): nothing was sent, so the next start sends it, once, and never
    counts it as 'outcome unknown' with no video made."""
    delivery = RecordingDelivery()
    api.default_plan = TaskPlan(polls_until_done=1)
    store, service, poller = make_world(db, api, session, clock, delivery)
    job = await store.create(REQUESTER, REQUEST, now=clock(), submit_by=clock() + 60)
    await JobStore(db, clock=clock).claim_for_submit(job.id)  # then that process died
    assert await service.settle_lost_submits(at_start=True) == 0
    assert (await store.get(job.id)).state is JobState.RECORDED
    await run_until_delivered(poller, clock, delivery)
    assert [told.state for told in delivery.delivered] == [JobState.COMPLETED]
    assert len(api.submits) == 1


async def test_a_recorded_job_orphaned_by_a_crash_is_submitted_after_the_grace(
    db, api, session, clock
):
    store, _, poller = make_world(db, api, session, clock, RecordingDelivery())
    await store.create(REQUESTER, REQUEST, now=clock(), submit_by=clock() + 60)
    await poller.run_once()
    assert api.task_ids == [], "APIMart made nothing"
    clock.advance(61)
    await poller.run_once()
    assert len(api.submits) == 1


async def test_the_moderation_admission_and_the_insert_are_one_transaction(db, api, session, clock):
    """A burst of 20 from a member with 3 videos left makes exactly 3 jobs and 3 submits."""
    moderation = Moderation(db, clock=clock)
    await moderation.store.update_policy(
        Actor(REQUESTER.guild_id, 99),
        msg("change_resumed", moderator="x"),
        default_limit=3,
        max_active=50,
    )
    store = JobStore(db, clock=clock)
    service = JobService(store, make_client(api, session), clock=clock, admission=moderation)
    results = await asyncio.gather(
        *(service.create_and_submit(REQUESTER, REQUEST) for _ in range(20)),
        return_exceptions=True,
    )
    refused = [r for r in results if isinstance(r, JobRefused)]
    assert sum(not isinstance(r, Exception) for r in results) == 3
    assert len(refused) == 17
    assert {r.user_message.key for r in refused} == {"mod_quota_spent"}
    assert len(api.submits) == 3
    assert len(await db.fetch_all("SELECT id FROM jobs")) == 3


def refreshing_world(db, api, session, clock):
    """A store and a service whose media refresh swaps in a fresh link and records the job."""
    refreshed = []

    async def refresh(job, _needed_until):
        refreshed.append(job.id)
        return job.request.model_copy(update={"image_urls": ("https://cdn.example/fresh.png",)})

    store = JobStore(db, clock=clock)
    service = JobService(store, make_client(api, session), clock=clock, refresh_media=refresh)
    return store, service, refreshed


async def test_old_media_urls_are_refreshed_before_a_late_submit(db, api, session, clock):
    store, service, refreshed = refreshing_world(db, api, session, clock)
    request = VideoRequest(
        prompt="x", generation_type="frame", image_urls=("https://cdn.example/old.png",)
    )
    job = await store.create(REQUESTER, request, now=clock(), submit_by=clock())
    clock.advance(2 * 3600)  # e.g. the bot was down for two hours
    await service.submit(job, member_present=False)
    assert refreshed == [job.id]
    assert api.submits[0]["image_urls"] == ["https://cdn.example/fresh.png"]
    assert (await store.get(job.id)).request.image_urls == ("https://cdn.example/fresh.png",)


async def test_a_cancelled_render_is_polled_quietly_to_its_end_and_never_delivered(
    db, api, session, clock
):
    delivery = RecordingDelivery()
    api.default_plan = TaskPlan(polls_until_done=3, credits_cost=4)
    store, service, poller = make_world(db, api, session, clock, delivery)
    report = await service.create_and_submit(REQUESTER, REQUEST)
    assert await store.cancel(report.job.id, reason_key="x", now=clock(), member_told=True)
    assert not await store.cancel(report.job.id, reason_key="x", now=clock(), member_told=True)
    for _ in range(6):
        clock.advance(8)
        await poller.run_once()
    job = await store.get(report.job.id)
    assert (job.state, job.credits_cost) == (JobState.COMPLETED, 4)
    assert job.cancelled_at is not None
    assert len(api.polls) == 3, "polled until APIMart said it was done, then no more"
    assert delivery.delivered == [], "the member already knows; the video is never posted"


async def test_a_poll_in_flight_when_the_job_is_cancelled_shows_no_progress(
    db, api, session, clock
):
    """The status message must not flip back from "cancelled" to a progress bar."""
    shown = []

    async def on_progress(job):
        shown.append(job)

    api.default_plan = TaskPlan(polls_until_done=None)
    client = make_client(api, session)
    store = JobStore(db, clock=clock)
    service = JobService(store, client, clock=clock)
    poller = Poller(
        store, client, service, RecordingDelivery(), clock=clock, on_progress=on_progress
    )
    await service.create_and_submit(REQUESTER, REQUEST)
    clock.advance(8)
    api.delay_next("poll", 0.2)
    polling = asyncio.create_task(poller.run_once())
    await api.wait_for_polls(1)
    assert await store.cancel(1, reason_key="x", now=clock(), member_told=True)
    await polling
    assert (await store.get(1)).state is JobState.QUEUED, "the poll was recorded"
    assert shown == []


async def test_a_job_cancelled_before_it_was_sent_is_never_sent(db, api, session, clock):
    delivery = RecordingDelivery()
    store, _, poller = make_world(db, api, session, clock, delivery)
    job = await store.create(REQUESTER, REQUEST, now=clock(), submit_by=clock() + 60)
    assert await store.cancel(job.id, reason_key="x", now=clock(), member_told=True)
    clock.advance(120)
    await poller.run_once()
    assert api.task_ids == [], "APIMart made nothing"
    assert (await store.get(job.id)).state is JobState.CANCELLED


async def test_links_that_say_they_expire_soon_are_refreshed_even_on_a_new_job(
    db, api, session, clock
):
    """A regenerated job reuses an old result's links: their own expiry decides."""
    store, service, refreshed = refreshing_world(db, api, session, clock)
    soon = format(int(clock() + 600), "x")
    later = format(int(clock() + 20 * 3600), "x")
    signed = "https://cdn.discordapp.com/attachments/1/2/a.png?ex={}&is=00&hm=ab"
    for expiry, expect_refresh in ((later, False), (soon, True)):
        request = VideoRequest(
            prompt="x", generation_type="frame", image_urls=(signed.format(expiry),)
        )
        job = await store.create(REQUESTER, request, now=clock(), submit_by=clock())
        await service.submit(job, member_present=True)
        assert (job.id in refreshed) is expect_refresh
    assert api.submits[-1]["image_urls"] == ["https://cdn.example/fresh.png"]


async def test_a_block_that_lands_while_a_job_is_prepared_stops_it_before_it_is_sent(
    db, api, session, clock
):
    """The block finds the job `submitting` (its media being refreshed): nothing may leave."""
    store = JobStore(db, clock=clock)
    outcomes = []

    async def refresh_while_blocked(job, _needed_until):
        outcomes.extend(
            await store.cancel_unfinished(1, 42, reason_key="cancelled_by_block", now=clock())
        )
        return job.request

    service = JobService(
        store, make_client(api, session), clock=clock, refresh_media=refresh_while_blocked
    )
    request = VideoRequest(
        prompt="x", generation_type="frame", image_urls=("https://cdn.example/old.png",)
    )
    job = await store.create(REQUESTER, request, now=clock(), submit_by=clock())
    clock.advance(2 * 3600)  # old links: refreshed just before sending
    report = await service.submit(job, member_present=False)
    assert [cancelled.outcome.value for cancelled in outcomes] == ["when_sent"]
    assert api.submits == [], "a blocked member's job is never sent"
    job = await store.get(job.id)
    assert (job.state, job.cancel_reason_key) == (JobState.CANCELLED, "cancelled_by_block")
    assert report.state is JobState.CANCELLED
    assert not job.counts, "never sent, so it does not count"
    [row] = await db.fetch_all("SELECT next_delivery_at, delivered_at FROM jobs")
    assert row["next_delivery_at"] is not None and row["delivered_at"] is None, "to be told"


@pytest.mark.parametrize("members_own", [False, True], ids=["block", "members-own-cancel"])
async def test_a_cancel_that_lands_while_the_submit_is_answered_never_posts_the_render(
    db, api, session, clock, members_own
):
    """A block's notice goes out at once; a member who cancelled read the answer already."""
    delivery = RecordingDelivery()
    api.default_plan = TaskPlan(polls_until_done=2, credits_cost=4)
    store, service, poller = make_world(db, api, session, clock, delivery)
    api.delay_next("submit", 0.3)
    job = await store.create(REQUESTER, REQUEST, now=clock(), submit_by=clock())
    sending = asyncio.create_task(service.submit(job, member_present=False))
    await api.wait_for_submits(1)  # the request has left: APIMart will render it
    if members_own:
        outcome = await store.cancel(
            job.id, reason_key="cancelled_by_member", now=clock(), member_told=True
        )
    else:
        [(_, outcome, _)] = await store.cancel_unfinished(
            1, 42, reason_key="cancelled_by_block", now=clock()
        )
    assert outcome.value == "when_sent"
    await sending
    for _ in range(6):
        clock.advance(8)
        await poller.run_once()
    job = await store.get(job.id)
    assert (job.state, job.credits_cost) == (JobState.COMPLETED, 4), "followed for its cost"
    assert job.cancelled and job.counts, "APIMart made it: it counts"
    if members_own:
        assert delivery.delivered == [], "the member already knows; nothing is posted"
        return
    [told] = delivery.delivered
    assert told.cancelled and told.cancel_reason_key == "cancelled_by_block"
    assert told.state is JobState.QUEUED, "the notice went out at once, not with the video"


async def test_a_fault_before_the_request_leaves_gives_the_job_back_to_be_sent_later(
    db, api, session, clock, monkeypatch
):
    """Nothing left the bot: the job must not lapse into "outcome unknown" (which counts)."""
    store = JobStore(db, clock=clock)
    service = JobService(store, make_client(api, session), clock=clock)
    job = await store.create(REQUESTER, REQUEST, now=clock(), submit_by=clock())
    slot_limit = store.slot_limit

    async def unreadable(job):
        monkeypatch.setattr(store, "slot_limit", slot_limit)
        raise ConnectionResetError("the database connection was reset")

    monkeypatch.setattr(store, "slot_limit", unreadable)
    report = await service.submit(job, member_present=False)
    assert report.state is JobState.RECORDED
    assert api.task_ids == [], "APIMart made nothing"
    clock.advance(3600)  # long past the submit claim's lease
    assert await service.settle_lost_submits() == 0
    waiting = await store.get(job.id)
    assert waiting.state is JobState.RECORDED and waiting.counts is True
    [again] = await store.claim_due(Stage.SUBMIT, 1)
    assert (await service.submit_claimed(again, member_present=False)).state is JobState.QUEUED
    assert len(api.submits) == 1


async def test_one_not_found_answer_to_a_status_check_does_not_end_a_paid_render(
    db, api, session, clock
):
    """A 404 may be a moment's glitch (a deploy, a proxy): the render goes on, and is billed."""
    delivery = RecordingDelivery()
    api.default_plan = TaskPlan(polls_until_done=2, credits_cost=4)
    _, service, poller = make_world(db, api, session, clock, delivery)
    report = await service.create_and_submit(REQUESTER, REQUEST)
    api.fail_next("poll", status=404)
    await run_until_delivered(poller, clock, delivery)
    [done] = delivery.delivered
    assert (done.state, done.credits_cost) == (JobState.COMPLETED, 4)
    assert done.id == report.job.id


async def test_a_404_after_server_errors_is_one_not_found_answer_not_three(db, api, session, clock):
    """Only "not found" answers in a row end a render; failed checks of other kinds between
    them (5xx, timeouts) are no such answer."""
    delivery = RecordingDelivery()
    api.default_plan = TaskPlan(polls_until_done=2, credits_cost=4)
    _, service, poller = make_world(db, api, session, clock, delivery)
    await service.create_and_submit(REQUESTER, REQUEST)
    api.fail_next("poll", status=500, times=4)  # two failed checks (the client retries once)
    api.fail_next("poll", status=404)
    await run_until_delivered(poller, clock, delivery, rounds=40)
    [done] = delivery.delivered
    assert (done.state, done.credits_cost) == (JobState.COMPLETED, 4)


async def timed_out_job(db, api, session, clock, plan):
    """A job given up on after 60 s (its member told), followed up every 300 s."""
    delivery = RecordingDelivery()
    api.default_plan = plan
    store, service, poller = make_world(
        db, api, session, clock, delivery, task_timeout=60, follow_up_interval=300
    )
    report = await service.create_and_submit(REQUESTER, REQUEST)
    await run_until_delivered(poller, clock, delivery)
    return store, poller, report.job


async def test_a_timed_out_task_is_still_followed_after_one_not_found_answer(
    db, api, session, clock
):
    plan = TaskPlan(polls_until_done=None, credits_cost=4)
    store, poller, job = await timed_out_job(db, api, session, clock, plan)
    api.fail_next("poll", status=404)
    clock.advance(300)
    await poller.run_once()
    api.last_task.complete()
    clock.advance(300)
    await poller.run_once()
    job = await store.get(job.id)
    assert (job.state, job.credits_cost) == (JobState.COMPLETED, 4), "its video and cost are known"


async def test_a_timed_out_task_apimart_keeps_not_finding_is_no_longer_followed(
    db, api, session, clock
):
    _, poller, _ = await timed_out_job(db, api, session, clock, TaskPlan(polls_until_done=None))
    polls = len(api.polls)
    api.fail_next("poll", status=404, times=100)
    for _ in range(6):
        clock.advance(300)
        await poller.run_once()
    assert len(api.polls) == polls + 3, "three answers in a row, then it stops looking"


async def test_an_outage_failing_every_follow_up_is_one_line_not_one_per_job(
    db, api, session, clock, caplog
):
    """docs/operations.md: a failure that hits every render's status check at once is logged
    once a minute per kind, not once per check. The timed-out renders an APIMart outage leaves
    are looked at every 5 minutes for a day: each failed look was an INFO line of its own
    (a thousand jobs, a thousand lines every 5 minutes)."""
    delivery = RecordingDelivery()
    api.default_plan = TaskPlan(polls_until_done=None)
    _, service, poller = make_world(
        db, api, session, clock, delivery, task_timeout=60, follow_up_interval=300
    )
    for _ in range(3):
        await service.create_and_submit(REQUESTER, REQUEST)
    await run_until_delivered(poller, clock, delivery, count=3)
    api.fail_next("poll", status=503, times=100)
    caplog.set_level(logging.DEBUG, "bot.jobs.poller")
    for _ in range(2):
        clock.advance(300)
        await poller.run_once()
    looks = [r for r in caplog.records if "follow-up of task" in r.getMessage()]
    assert len(looks) == 6, "every look still written, at DEBUG"
    assert len([r for r in looks if r.levelno >= logging.INFO]) == 1, [
        r.getMessage() for r in looks
    ]


async def test_a_task_apimart_keeps_not_finding_fails_and_stops_counting(db, api, session, clock):
    delivery = RecordingDelivery()
    api.default_plan = TaskPlan(polls_until_done=None)
    _, service, poller = make_world(db, api, session, clock, delivery)
    await service.create_and_submit(REQUESTER, REQUEST)
    api.fail_next("poll", status=404, times=100)
    await run_until_delivered(poller, clock, delivery, rounds=40)
    [failed] = delivery.delivered
    assert (failed.state, failed.error_key) == (JobState.FAILED, "task_unknown_to_service")
    assert not failed.counts
    assert len(api.polls) == 3, "three answers in a row, minutes apart, before giving up"


async def test_a_minute_of_not_found_answers_does_not_fail_a_render_apimart_goes_on_with(
    db, api, session, clock
):
    """A deploy or a proxy at APIMart answering 404 for under a minute: the render goes on and
    is billed, so it is followed to its video, not failed and refunded."""
    delivery = RecordingDelivery()
    api.default_plan = TaskPlan(polls_until_done=2, credits_cost=15)
    _, service, poller = make_world(db, api, session, clock, delivery)
    await service.create_and_submit(REQUESTER, REQUEST)
    glitch_ends = clock() + 60
    not_found = 0
    for _ in range(100):
        clock.advance(4)
        # Every status check within the minute is answered "not found".
        api.clear_faults()
        if clock() < glitch_ends:
            api.fail_next("poll", status=404)
        before = len(api.polls)
        await poller.run_once()
        not_found += clock() < glitch_ends and len(api.polls) > before
        if delivery.delivered:
            break
    assert not_found >= 1, "the glitch was seen"
    [job] = delivery.delivered
    assert (job.state, job.credits_cost) == (JobState.COMPLETED, 15)
    assert job.counts


async def test_not_found_answers_are_taken_as_lost_only_minutes_apart(db, api, session, clock):
    api.default_plan = TaskPlan(polls_until_done=None)
    store, service, poller = make_world(db, api, session, clock, RecordingDelivery())
    report = await service.create_and_submit(REQUESTER, REQUEST)
    api.fail_next("poll", status=404, times=100)
    asked: list[float] = []
    for _ in range(600):
        before = len(api.polls)
        clock.advance(1)
        await poller.run_once()
        if len(api.polls) > before:
            asked.append(clock())
        if (await store.get(report.job.id)).state is JobState.FAILED:
            break
    assert len(asked) == 3
    assert asked[-1] - asked[0] >= 180, "three minutes from the first 404 to the verdict"


async def test_one_refusal_after_a_long_wait_to_be_sent_keeps_the_job(db, api, session, clock):
    """Thirty minutes of APIMart holding a job back give it up, not thirty minutes since it
    was recorded: this one waited (in its server's line, or for the bot to start) unrefused."""
    store, service, poller = make_world(db, api, session, clock, RecordingDelivery())
    job = await service.record(REQUESTER, REQUEST)
    clock.advance(2400)
    api.fail_next("submit", status=429, retry_after_header="5")
    report = await service.submit(job, member_present=False)
    assert report.state is JobState.RECORDED, report.member_message.render("en-US")
    clock.advance(10)
    await poller.run_once()
    assert (await store.get(job.id)).state is JobState.QUEUED


async def test_a_job_apimart_keeps_holding_back_for_thirty_minutes_is_given_up(
    db, api, session, clock
):
    store, service, _ = make_world(db, api, session, clock, RecordingDelivery())
    job = await service.record(REQUESTER, REQUEST)
    api.fail_next("submit", status=503, times=1000)
    for _ in range(40):
        report = await service.submit(await store.get(job.id), member_present=False)
        if report.state is not JobState.RECORDED:
            break
        clock.advance(60)
    assert report.state is JobState.REJECTED
    assert "unavailable for too long" in report.member_message.render("en-US")
    assert 1800 <= clock() - (await store.get(job.id)).created_at <= 1800 + 60
    assert api.task_ids == [], "APIMart made nothing"


@pytest.mark.parametrize(
    ("reason_key", "said"),
    [
        ("cancelled_by_block", "a moderator cancelled it"),
        ("cancelled_by_operator_block", "the bot's operators cancelled it"),
    ],
)
async def test_a_job_a_block_cancels_before_it_is_sent_says_who_not_that_they_were_blocked(
    db, api, session, clock, reason_key, said
):
    """The answer goes where the member asked, which for a mention or reply is public."""
    store = JobStore(db, clock=clock)
    service = JobService(store, make_client(api, session), clock=clock)
    job = await service.record(Requester(user_id=42, channel_id=7, guild_id=1), REQUEST)
    claimed = await store.claim_for_submit(job.id)  # the block lands while it is being sent
    await store.cancel_unfinished(1, 42, reason_key=reason_key, now=clock())
    report = await service.submit_claimed(claimed, member_present=True)
    assert report.state is JobState.CANCELLED
    text = report.member_message.render("en-US")
    assert said in text and "blocked" not in text
    assert api.submits == []


async def test_a_job_outside_servers_is_not_sent_once_the_personal_budget_is_spent(
    db, api, session, clock
):
    """USER_INSTALL_MONTHLY_BUDGET is checked again before a held job goes out, as a
    server's budget is: another personal video may have used the month's credits meanwhile."""
    store = JobStore(db, clock=clock)
    client = make_client(api, session)
    service = JobService(store, client, clock=clock, personal_budget=10)
    held = await service.record(Requester(user_id=42, channel_id=7, guild_id=None), REQUEST)
    other = await store.create(
        Requester(user_id=43, channel_id=8, guild_id=None), REQUEST, now=clock(), submit_by=clock()
    )
    other = await submitted(store, other, now=clock())
    spent = TaskInfo(task_id=other.task_id, status=TaskStatus.FAILED, credits_cost=12)
    await finished(store, other, JobState.FAILED, now=clock(), info=spent)
    report = await service.submit(held, member_present=False)
    assert report.state is JobState.REJECTED
    assert "outside servers" in report.member_message.render("en-US")
    assert api.submits == []


async def set_budget(moderation, credits):
    await moderation.store.update_policy(
        Actor(1, 99), msg("change_resumed", moderator="x"), monthly_budget=credits
    )


async def budgeted(db, api, session, clock, credits, *, answer_within=2.0):
    """Server 1 with a monthly budget of `credits`; its moderation, store and job service."""
    moderation = Moderation(db, clock=clock)
    await set_budget(moderation, credits)
    store = JobStore(db, clock=clock)
    client = make_client(api, session, timeout=answer_within)
    return moderation, store, JobService(store, client, clock=clock)


async def sent_for(store, clock, user_id):
    """A job of server 1's member `user_id`, accepted by APIMart and not billed yet."""
    job = await store.create(
        Requester(user_id=user_id, channel_id=7, guild_id=1),
        REQUEST,
        now=clock(),
        submit_by=clock(),
    )
    return await submitted(store, job, now=clock())


async def test_a_job_waiting_across_midnight_answers_to_the_budget_of_its_own_month(
    db, api, session, clock
):
    """A video's credits count in the month it was asked for: one recorded on the 31st that
    waits past midnight is not sent once that month's budget is spent, however empty the new
    month is."""
    clock.now = datetime.datetime(2027, 1, 31, 23, 58, tzinfo=datetime.UTC).timestamp()
    _, store, service = await budgeted(db, api, session, clock, 10.0)
    other = await sent_for(store, clock, 43)
    held = await service.record(Requester(user_id=42, channel_id=7, guild_id=1), REQUEST)
    clock.advance(180)  # 00:01 on February 1st
    spent = TaskInfo(task_id=other.task_id, status=TaskStatus.FAILED, credits_cost=12)
    await finished(store, other, JobState.FAILED, now=clock(), info=spent)
    report = await service.submit(held, member_present=False)
    assert report.state is JobState.REJECTED
    assert "budget" in report.member_message.render("en-US")
    assert len(api.submits) == 0


async def test_a_waiting_job_is_not_sent_when_the_renders_before_it_leave_no_room_for_it(
    db, api, session, clock
):
    """The budget had room for both when they were asked for; the render sent first cost more
    than expected, and the rest of the budget (2 credits) cannot pay for the one waiting (3
    expected): it is closed unsent rather than sent past the budget. Renders still being made
    (and not yet billed) hold their expected cost too."""
    _, store, service = await budgeted(db, api, session, clock, 20.0)
    first = await sent_for(store, clock, 43)
    await sent_for(store, clock, 44)  # 3 credits expected, not billed yet
    waiting = await service.record(Requester(user_id=42, channel_id=7, guild_id=1), REQUEST)
    dear = TaskInfo(task_id=first.task_id, status=TaskStatus.COMPLETED, credits_cost=15)
    await finished(store, first, JobState.COMPLETED, now=clock(), info=dear)
    report = await service.submit(waiting, member_present=False)
    assert report.state is JobState.REJECTED
    assert "what is left would not pay for it" in report.member_message.render("en-US")
    assert api.submits == []


async def test_a_task_accepted_after_its_lapsed_claim_was_settled_is_kept_and_delivered(
    db, api, session, clock
):
    """The database was away longer than the submit's lease: another process settled the job as
    "outcome unknown" while APIMart was accepting it. The task id APIMart then gives is the
    answer to that unknown: kept, followed and delivered, never a paid render lost."""
    delivery = RecordingDelivery()
    store, service, poller = make_world(db, api, session, clock, delivery)
    api.default_plan = TaskPlan(polls_until_done=1)
    api.delay_next("submit", 0.3)
    job = await store.create(REQUESTER, REQUEST, now=clock(), submit_by=clock())
    sending = asyncio.create_task(service.submit(job, member_present=True))
    await api.wait_for_submits(1)
    clock.advance(store.leases.submit + 1)
    [settled] = await store.expire_lost_submits(now=clock())
    assert settled.state is JobState.SUBMIT_UNKNOWN
    report = await sending
    stored = await store.get(job.id)
    assert (stored.state, stored.task_id) == (JobState.QUEUED, api.task_ids[0])
    assert report.state is JobState.QUEUED
    await run_until_delivered(poller, clock, delivery)
    [posted] = delivery.delivered
    assert posted.state is JobState.COMPLETED and posted.result_url


async def test_a_refusal_answered_after_its_lapsed_claim_was_settled_is_not_counted(
    db, api, session, clock
):
    """The database was away longer than the submit's lease: another process settled the job as
    "outcome unknown" while APIMart was refusing it. APIMart made nothing: the refusal is the
    answer to that unknown, so the job is refused and not counted, as a task id would have been
    followed; never left counting a render that does not exist."""
    store, service, _ = make_world(db, api, session, clock, RecordingDelivery())
    said = "The prompt is not allowed"
    api.fail_next("submit", status=400, error_type="invalid_request_error", message=said, after=0.3)
    job = await store.create(REQUESTER, REQUEST, now=clock(), submit_by=clock())
    sending = asyncio.create_task(service.submit(job, member_present=True))
    await api.wait_for_submits(1)
    clock.advance(store.leases.submit + 1)
    [settled] = await store.expire_lost_submits(now=clock())
    assert settled.state is JobState.SUBMIT_UNKNOWN and settled.counts
    report = await sending
    stored = await store.get(job.id)
    assert stored.state is JobState.REJECTED
    assert not stored.counts
    assert report.state is JobState.REJECTED
    assert said in report.member_message.render("en-US")


async def test_a_refusal_written_after_taking_back_its_lapsed_claim_survives_a_failed_try(
    db, api, session, clock, monkeypatch
):
    """As above, with the database failing the first try to write the refusal once the claim
    was taken back: the next try writes it as the claim taken back, not the lapsed one (whose
    write the database turns down), so the job is refused and not counted, never left being
    sent (and then "outcome unknown", counted) for a render APIMart refused."""
    store, service, _ = make_world(db, api, session, clock, RecordingDelivery())
    api.fail_next("submit", status=400, error_type="invalid_request_error", after=0.3)
    job = await store.create(REQUESTER, REQUEST, now=clock(), submit_by=clock())
    writes = 0
    mark_unsubmitted = store.mark_unsubmitted

    async def fails_once_taken_back(*args, **kwargs):
        nonlocal writes
        writes += 1
        if writes == 2:  # the first write as the claim taken back
            raise ConnectionResetError("database restarting")
        return await mark_unsubmitted(*args, **kwargs)

    monkeypatch.setattr(store, "mark_unsubmitted", fails_once_taken_back)
    sending = asyncio.create_task(service.submit(job, member_present=True))
    await api.wait_for_submits(1)
    clock.advance(store.leases.submit + 1)
    await store.expire_lost_submits(now=clock())
    report = await sending
    stored = await store.get(job.id)
    assert stored.state is JobState.REJECTED
    assert not stored.counts
    assert report.state is JobState.REJECTED


async def test_a_busy_answer_after_its_lapsed_claim_was_settled_sends_the_job_again(
    db, api, session, clock
):
    """As above, with APIMart too busy to take it (made nothing): the job waits to be sent again,
    and is, once; it is not left "outcome unknown", counting a render nobody made."""
    delivery = RecordingDelivery()
    store, service, poller = make_world(db, api, session, clock, delivery)
    api.default_plan = TaskPlan(polls_until_done=1)
    api.fail_next("submit", status=503, message="busy", after=0.3)
    job = await store.create(REQUESTER, REQUEST, now=clock(), submit_by=clock())
    sending = asyncio.create_task(service.submit(job, member_present=True))
    await api.wait_for_submits(1)
    clock.advance(store.leases.submit + 1)
    [settled] = await store.expire_lost_submits(now=clock())
    assert settled.state is JobState.SUBMIT_UNKNOWN
    report = await sending
    assert report.state is JobState.RECORDED
    assert (await store.get(job.id)).state is JobState.RECORDED
    await run_until_delivered(poller, clock, delivery)
    [posted] = delivery.delivered
    assert posted.state is JobState.COMPLETED and posted.result_url
    assert len(api.submits) == 2


async def test_a_job_its_command_still_announces_is_taken_over_only_once_the_command_stops(
    db, api, session, clock
):
    store = JobStore(db, clock=clock)
    timing = SubmitTiming(orphan_grace=60, orphan_put_off=0.02)
    service = JobService(store, make_client(api, session), clock=clock, timing=timing)
    job = await service.record(REQUESTER, REQUEST)
    async with service.announcing(job):
        clock.advance(61)  # the post waits on a busy channel
        await asyncio.sleep(0.1)
        assert await store.claim_due(Stage.SUBMIT, 10) == [], "still its command's"
    # The command (or its process) is gone: the engine takes the job over after the grace.
    assert await store.claim_due(Stage.SUBMIT, 10) == []
    clock.advance(61)
    [taken] = await store.claim_due(Stage.SUBMIT, 10)
    assert taken.id == job.id


async def test_a_task_completed_without_a_video_ends_failed_and_says_so(db, api, session, clock):
    delivery = RecordingDelivery()
    _, service, poller = make_world(db, api, session, clock, delivery)
    api.default_plan = TaskPlan(polls_until_done=None)
    report = await service.create_and_submit(REQUESTER, REQUEST)
    api.task(report.job.task_id).complete_without_video()
    await run_until_delivered(poller, clock, delivery)
    [told] = delivery.delivered
    assert (told.state, told.error_key) == (JobState.FAILED, "task_no_video")
    assert told.result_url is None
    # APIMart billed it (it says completed), so it counts, and the member is told so.
    assert told.counts
    text = english_failure(told)
    assert "charged" in text and "counts toward your allowance" in text
    assert "not counted" not in text


async def test_a_task_completed_without_a_video_and_not_billed_is_not_counted(
    db, api, session, clock
):
    delivery = RecordingDelivery()
    _, service, poller = make_world(db, api, session, clock, delivery)
    api.default_plan = TaskPlan(polls_until_done=None, cost=0, credits_cost=0)
    report = await service.create_and_submit(REQUESTER, REQUEST)
    api.task(report.job.task_id).complete_without_video()
    await run_until_delivered(poller, clock, delivery)
    [told] = delivery.delivered
    assert not told.counts
    assert "It was not counted against you" in english_failure(told)


def english_failure(job: Job) -> str:
    return "\n".join(failure_text(_in_locale(job, "en-US"), "@m"))


def _in_locale(job: Job, locale: str) -> Job:
    return dataclasses.replace(job, requester=dataclasses.replace(job.requester, locale=locale))


@pytest.mark.parametrize(
    ("locale", "language"),
    [("ko", "en"), ("ja", "en"), ("zh-CN", "zh"), ("zh-TW", "zh"), ("fr", "en"), ("en-US", "en")],
)
async def test_status_checks_ask_for_apimart_errors_in_the_language_the_member_is_answered_in(
    db, api, session, clock, locale, language
):
    """APIMart writes a failed render's reason in zh, en, ko or ja: in the language the bot
    answers the member in (Chinese for zh-CN and zh-TW, whose Traditional APIMart does not
    write, else English), which is also what the bot reads to say what to do next (a Japanese
    reason would read as an unknown cause)."""
    _, service, poller = make_world(db, api, session, clock, RecordingDelivery())
    api.default_plan = TaskPlan(polls_until_done=None)
    requester = Requester(user_id=42, channel_id=7, guild_id=1, locale=locale)
    report = await service.create_and_submit(requester, REQUEST)
    clock.advance(600)
    await poller.run_once()
    assert api.task(report.job.task_id).languages[-1] == language


async def _two_waiting(db, api, session, clock):
    """Two videos (3 credits expected each) admitted under a budget of 6, both still waiting."""
    moderation, store, service = await budgeted(db, api, session, clock, 6.0)
    first = await service.record(Requester(user_id=42, channel_id=7, guild_id=1), REQUEST)
    later = await service.record(Requester(user_id=43, channel_id=7, guild_id=1), REQUEST)
    return moderation, store, service, first, later


async def test_a_waiting_job_is_not_held_back_by_videos_asked_for_after_it(db, api, session, clock):
    """The budget is lowered to 3 while both wait: the one asked first still fits (the one
    behind it is not counted against it, nor is its own cost counted twice)."""
    moderation, _, service, first, _ = await _two_waiting(db, api, session, clock)
    await set_budget(moderation, 3.0)
    report = await service.submit(first, member_present=False)
    assert report.state is JobState.QUEUED
    assert len(api.submits) == 1


async def test_a_later_video_apimart_already_renders_holds_its_cost_against_an_earlier_one(
    db, api, session, clock
):
    """The later video was sent first (it was not held back) and is rendering: its expected 3
    credits are promised, so under a budget lowered to 5 the earlier one (3) is not sent."""
    moderation, store, service, first, later = await _two_waiting(db, api, session, clock)
    await submitted(store, later, now=clock())
    await set_budget(moderation, 5.0)
    sent_before = len(api.submits)
    report = await service.submit(first, member_present=False)
    assert report.state is JobState.REJECTED
    assert len(api.submits) == sent_before


async def test_renders_whose_submit_answer_was_lost_hold_the_servers_monthly_budget(
    db, api, session, clock
):
    """Two videos whose submit answers were lost (APIMart answered after the client's 0.5 s):
    APIMart made and bills both, and each counts against its member ("it counts toward your
    allowance"), yet the server's monthly budget (6 credits, 3 expected a video) counted
    neither: `/videomod usage` showed it all left, and a third video was sent past it."""
    moderation, _, service = await budgeted(db, api, session, clock, 6.0, answer_within=0.5)
    for user_id in (43, 44):
        api.delay_next("submit", 1.0)
        lost = await service.create_and_submit(
            Requester(user_id=user_id, channel_id=7, guild_id=1), REQUEST
        )
        assert lost.state is JobState.SUBMIT_UNKNOWN and lost.job.counts
    await api.wait_until(lambda: len(api.task_ids) == 2, what="APIMart made both")
    assert (await moderation.store.budget_used(1)).held == 6.0
    third = await service.record(Requester(user_id=42, channel_id=7, guild_id=1), REQUEST)
    report = await service.submit(third, member_present=False)
    assert report.state is JobState.REJECTED, (
        f"sent as {report.state}: {len(api.task_ids)} renders billed against a 6-credit budget"
    )


async def announcing_an_orphan(db, api, session, clock):
    """A job whose command died before announcing it, and a poller whose submit stage is
    announcing it in a busy channel (Discord makes the post wait): (store, service, poller,
    job), once the announcement has begun."""
    store = JobStore(db, clock=clock)
    client = make_client(api, session)
    service = JobService(store, client, clock=clock, timing=SubmitTiming(orphan_grace=0))
    announcing = asyncio.Event()

    async def slow_announce(job):
        announcing.set()
        await asyncio.sleep(30)

    poller = Poller(
        store,
        client,
        service,
        RecordingDelivery(),
        clock=clock,
        config=PollerConfig(stop_timeout=0.05),
        announce=slow_announce,
        recover_at_start=False,
    )
    job = await service.record(REQUESTER, REQUEST)
    poller.start()
    await asyncio.wait_for(announcing.wait(), 5)
    return store, service, poller, job


async def test_shutdown_while_an_orphan_is_announced_leaves_it_to_be_sent_not_unknown(
    db, api, session, clock
):
    """SIGTERM while the announcement waits: nothing was sent, so the next process sends it,
    never 'outcome unknown' (which would count it with no video made)."""
    store, service, poller, job = await announcing_an_orphan(db, api, session, clock)
    await poller.stop()
    assert api.submits == []
    # Its claim is given back as the announcement is cut short. On a loaded database that write
    # may outlast the stop's short wait for cancelled work (it goes on, left behind): waited for.
    for _ in range(100):
        if (await store.get(job.id)).state is JobState.RECORDED:
            break
        await asyncio.sleep(0.05)
    assert (await store.get(job.id)).state is JobState.RECORDED
    clock.advance(store.leases.submit + 1)
    await service.settle_lost_submits()  # what the next start-up, or a lapsed lease, does
    assert (await store.get(job.id)).state is JobState.RECORDED


async def test_shutdown_while_announcing_with_the_database_gone_is_still_a_stop(
    db, api, session, clock, caplog
):
    """Giving the claim back fails (the database went first): the stop is still a stop, not a
    submit 'failed unexpectedly'."""
    store, _, poller, _ = await announcing_an_orphan(db, api, session, clock)

    async def database_gone(job, stage, **kwargs):
        raise ConnectionResetError("database went away")

    store.release = database_gone
    with caplog.at_level(logging.WARNING):
        await poller.stop()
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert "could not give its submit claim back" in caplog.text


async def test_a_submit_accepted_with_http_202_is_never_resent(db, api, session, clock):
    # Wired as the engine is: the client does not retry, the submit stage sends again later.
    """APIMart made (and will bill) the task, and said so with a 202: never sent again."""
    store = JobStore(db, clock=clock)
    service = JobService(store, poller_client(api, session), clock=clock)
    poller = Poller(store, poller_client(api, session), service, RecordingDelivery(), clock=clock)
    task = api.create_task()  # APIMart made (and will bill) the task, and said so with a 202
    body = {"code": 200, "data": [{"status": "submitted", "task_id": task.id}]}
    api.malformed_next("submit", status=202, body=json.dumps(body))
    report = await service.create_and_submit(REQUESTER, REQUEST)
    clock.advance(600)
    await poller.run_once()
    assert len(api.submits) == 1, "the task exists: sending it again pays for it twice"
    assert report.state is not JobState.RECORDED


async def test_a_finished_render_with_an_infinite_expiry_is_still_delivered(
    db, api, session, clock
):
    """`Infinity` (or `NaN`) in a status answer is no count nor time: the video is still
    posted, not a poll that fails forever."""
    delivery = RecordingDelivery()
    api.default_plan = TaskPlan(polls_until_done=None)
    store, service, poller = make_world(db, api, session, clock, delivery)
    report = await service.create_and_submit(REQUESTER, REQUEST)
    url = api.last_task.complete()
    video = {"url": [url], "expires_at": "INFINITY"}
    data = {"id": api.last_task.id, "status": "completed", "progress": 100}
    data["result"] = {"videos": [video]}
    # JSON readers take a bare `Infinity`; `json.dumps` would quote it.
    body = json.dumps({"code": 200, "data": data}).replace('"INFINITY"', "Infinity")
    api.malformed_next("poll", body=body, times=1000)
    for _ in range(10):
        clock.advance(60)
        await poller.run_once()
    assert (await store.get(report.job.id)).state is JobState.COMPLETED


async def test_a_submit_answered_with_another_jobs_task_is_closed_uncounted(
    db, api, session, clock
):
    """APIMart answers a second submit with the task id it gave an earlier job: that job keeps
    its render, and the member of the second is told at once that nothing new was started
    and nothing counted (the job is not left claimed, to end "outcome unknown", counted)."""
    store, service, _ = make_world(db, api, session, clock, RecordingDelivery())
    first = await service.create_and_submit(REQUESTER, REQUEST)
    task_id = first.job.task_id
    answer = json.dumps({"code": 200, "data": [{"status": "submitted", "task_id": task_id}]})
    api.malformed_next("submit", body=answer)
    second = await service.create_and_submit(REQUESTER, REQUEST)
    assert second.state is JobState.REJECTED
    assert "nothing was made or counted" in second.member_message.render("en-US")
    stored = await store.get(second.job.id)
    assert stored is not None and stored.state is JobState.REJECTED and not stored.counts
    # Its notice in the channel, when it was sent in the background, says the same.
    assert "没有生成也没有计入额度" in "\n".join(failure_text(stored, "@m"))  # zh-CN member
    kept = await store.get(first.job.id)
    assert kept is not None and kept.task_id == task_id and kept.state is JobState.QUEUED


async def test_two_submits_answered_with_one_task_at_the_same_moment_close_one_cleanly(
    db, api, session, clock
):
    """Two jobs sent at once, both answered with one task id: the first keeps it, the second
    is closed uncounted (not a crash on the unique task id, ending "outcome unknown")."""
    store, service, _ = make_world(db, api, session, clock, RecordingDelivery())
    answer = json.dumps({"code": 200, "data": [{"status": "submitted", "task_id": "task-same"}]})
    api.malformed_next("submit", times=2, body=answer)
    reports = await asyncio.gather(
        service.create_and_submit(REQUESTER, REQUEST),
        service.create_and_submit(REQUESTER, REQUEST),
    )
    assert sorted(report.state for report in reports) == sorted(
        [JobState.QUEUED, JobState.REJECTED]
    )
    [kept] = [report.job for report in reports if report.state is JobState.QUEUED]
    assert (await store.job_of_task("task-same")) == kept.id


async def test_a_timed_out_task_apimart_no_longer_knows_stops_counting(db, api, session, clock):
    """Three "task not found" answers in a row mean the task is lost, and a lost task stops
    counting: so too for one the bot gave up on and still follows."""
    store, poller, job = await timed_out_job(
        db, api, session, clock, TaskPlan(polls_until_done=None)
    )
    assert (await store.get(job.id)).counts
    api.fail_next("poll", status=404, times=100)
    for _ in range(6):
        clock.advance(300)
        await poller.run_once()
    lost = await store.get(job.id)
    assert lost.next_poll_at is None, "no longer followed: APIMart does not know the task"
    assert lost.state is JobState.FAILED
    assert not lost.counts


async def given_up_then_stopped(db, api, session, clock, how):
    """A render given up on (its member told it may come after all), then stopped: by a block,
    a moderator's cancel or the member's own; the world and the job."""
    delivery = RecordingDelivery()
    api.default_plan = TaskPlan(polls_until_done=None, credits_cost=4)
    store, service, poller = make_world(
        db, api, session, clock, delivery, task_timeout=60, follow_up_interval=300
    )
    report = await service.create_and_submit(REQUESTER, REQUEST)
    await run_until_delivered(poller, clock, delivery)  # "took longer than this bot waits"
    assert [job.state for job in delivery.delivered] == [JobState.TIMED_OUT]
    if how == "block":
        cancelled = await store.cancel_unfinished(
            REQUESTER.guild_id, REQUESTER.user_id, reason_key="cancelled_by_block", now=clock()
        )
        assert cancelled == [(report.job.id, CancelOutcome.COUNTED, REQUESTER.guild_id)]
    else:
        outcome = await store.cancel(
            report.job.id,
            reason_key=f"cancelled_by_{how}",
            now=clock(),
            member_told=how == "member",
        )
        assert outcome is CancelOutcome.COUNTED
    return store, poller, delivery, report.job


@pytest.mark.parametrize("how", ["block", "member"])
async def test_a_render_given_up_on_can_be_stopped_from_being_posted_after_all(
    db, api, session, clock, how
):
    """A render given up on is followed for a day and posted if it finishes: a block (which
    cancels the member's unfinished videos) or a cancel must stop that post, as any cancel
    does. It still counts: APIMart made it."""
    store, poller, delivery, job = await given_up_then_stopped(db, api, session, clock, how)
    api.last_task.complete()
    clock.advance(300)
    await poller.run_once()
    await poller.run_once()
    job = await store.get(job.id)
    assert (job.state, job.credits_cost) == (JobState.COMPLETED, 4), "followed to its end"
    assert job.counts
    assert [j for j in delivery.delivered if shows_video(j)] == [], "its video is never posted"


@pytest.mark.parametrize("how", ["moderator", "block"])
async def test_a_moderator_stopping_a_render_given_up_on_tells_the_member(
    db, api, session, clock, how
):
    """The member was told "if it finishes by <then>, I'll post it here": a moderator's
    cancel, or a block, that stops that post is told to them, as for any render a moderator
    cancels."""
    _, poller, delivery, _ = await given_up_then_stopped(db, api, session, clock, how)
    for _ in range(3):
        clock.advance(8)
        await poller.run_once()
    [told] = [job for job in delivery.delivered[1:] if job.cancelled]
    assert told.cancel_reason_key == f"cancelled_by_{how}"


async def test_a_cancel_while_the_give_up_notice_is_being_posted_is_still_told(
    db, api, session, clock
):
    """A moderator stops a render given up on at the moment its give-up notice is being posted:
    the member reads both notices, the cancel's after the other (the post that was under way
    cannot swallow the one the cancel asked for), and the next post's search starts after it."""
    api.default_plan = TaskPlan(polls_until_done=None, credits_cost=4)
    store = None

    class CancelledWhilePosting(RecordingDelivery):
        async def __call__(self, job):
            if not self.delivered:
                await store.cancel(
                    job.id, reason_key="cancelled_by_moderator", now=clock(), member_told=False
                )
            return await super().__call__(job)

    delivery = CancelledWhilePosting()
    store, service, poller = make_world(
        db, api, session, clock, delivery, task_timeout=60, follow_up_interval=300
    )
    report = await service.create_and_submit(REQUESTER, REQUEST)
    await run_until_delivered(poller, clock, delivery, count=2)
    given_up, told = delivery.delivered
    assert (given_up.cancelled, told.cancel_reason_key) == (False, "cancelled_by_moderator")
    job = await store.get(report.job.id)
    assert job.superseded_post_id == 1000 + job.id, "the give-up notice's id"
    assert job.delivered_at is not None


async def test_a_cancel_that_stops_the_give_up_notice_before_it_leaves_is_told_at_once(
    db, api, session, clock
):
    """The same cancel, landing just before the give-up notice would leave (that attempt gives
    up its turn): the cancel's notice follows within seconds, not when the lost attempt's claim
    would have lapsed five minutes later."""
    api.default_plan = TaskPlan(polls_until_done=None, credits_cost=4)
    store = None

    class CancelledBeforePosting(RecordingDelivery):
        cancelled = False

        async def __call__(self, job):
            if not self.cancelled:
                self.cancelled = True
                await store.cancel(
                    job.id, reason_key="cancelled_by_moderator", now=clock(), member_told=False
                )
                return DeliveryResult(DeliveryOutcome.RETRY)
            return await super().__call__(job)

    delivery = CancelledBeforePosting()
    store, service, poller = make_world(
        db, api, session, clock, delivery, task_timeout=60, follow_up_interval=300
    )
    await service.create_and_submit(REQUESTER, REQUEST)
    await run_until_delivered(poller, clock, delivery, rounds=12)
    [told] = delivery.delivered
    assert told.cancel_reason_key == "cancelled_by_moderator"


async def test_a_cancel_during_a_follow_up_check_is_told_within_seconds(db, api, session, clock):
    """A moderator stops a render given up on while the bot is asking APIMart about it: the
    check's claim ends with it (the cancel changed the job), so the notice is not kept waiting
    for that claim to lapse."""
    api.default_plan = TaskPlan(polls_until_done=None, credits_cost=4)
    delivery = RecordingDelivery()
    store, service, poller = make_world(
        db, api, session, clock, delivery, task_timeout=60, follow_up_interval=300
    )
    report = await service.create_and_submit(REQUESTER, REQUEST)
    await run_until_delivered(poller, clock, delivery)  # the give-up notice
    asked = poller._client.get_task

    async def cancelled_meanwhile(*args, **kwargs):
        await store.cancel(
            report.job.id, reason_key="cancelled_by_moderator", now=clock(), member_told=False
        )
        return await asked(*args, **kwargs)

    poller._client.get_task = cancelled_meanwhile
    clock.advance(300)
    await poller.run_once()  # the follow-up: still running, and the cancel landed meanwhile
    poller._client.get_task = asked
    for _ in range(2):
        clock.advance(8)
        await poller.run_once()
    [_, told] = delivery.delivered
    assert told.cancel_reason_key == "cancelled_by_moderator"
