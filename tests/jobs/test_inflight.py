"""Status checks in flight: as many as spend the request budget at APIMart's round trip."""

import time

import aiohttp
import pytest

from bot.apimart import VideoRequest
from bot.apimart.session import api_connector
from bot.jobs.budget import RequestBudget
from bot.jobs.inflight import RoundTrip, checks_in_flight
from bot.jobs.models import Requester
from bot.jobs.poller import DeliveryOutcome, DeliveryResult, Poller, PollerConfig
from bot.jobs.service import JobService, SubmitTiming
from bot.jobs.store import JobStore
from tests.fakes.apimart import TaskPlan
from tests.jobs.test_service_and_poller import poller_client


def test_the_default_budget_at_a_150_ms_api_keeps_four_checks_in_flight():
    """10 requests/s, each check 150 ms: 1.5 in flight on average, 4 with headroom."""
    assert checks_in_flight(10, 0.15, cap=256) == 4


@pytest.mark.parametrize("rate", [0.5, 10, 50, 200, 400])
@pytest.mark.parametrize("round_trip", [0.01, 0.15, 0.5, 2.0])
def test_the_checks_in_flight_can_always_spend_the_budget(rate, round_trip):
    """Each check holds a worker for a round trip: the pool must carry `rate` per second."""
    workers = checks_in_flight(rate, round_trip, cap=100_000)
    assert workers / round_trip >= 1.5 * rate
    # ... and not many more than that: the rest would only queue for the budget.
    assert workers <= 1.5 * rate * round_trip + 2


def test_poll_concurrency_caps_the_checks_in_flight():
    """400/s at 500 ms would need 301 in flight; POLL_CONCURRENCY=256 caps it."""
    assert checks_in_flight(400, 0.5, cap=256) == 256
    assert checks_in_flight(None, 0.5, cap=64) == 64  # no budget: the cap


def test_the_round_trip_follows_the_api_but_one_hung_request_barely_moves_it():
    """A steady 500 ms API is learned; one 30 s hang moves the average by less than 0.5 s."""
    trip = RoundTrip(first_guess=0.25)
    for _ in range(100):
        trip.measured(0.5)
    assert trip.seconds == pytest.approx(0.5, abs=0.01)
    trip.measured(30.0)
    assert trip.seconds < 1.0


class RecordingDelivery:
    async def __call__(self, job):
        return DeliveryResult(DeliveryOutcome.DELIVERED, message_id=job.id)


async def following(db, api, session, budget, config, *, jobs):
    """A poller on `budget` following `jobs` renders that never end (each submitted)."""
    api.default_plan = TaskPlan(polls_until_done=None)
    client = poller_client(api, session)
    store = JobStore(db, clock=time.time)
    service = JobService(store, client, clock=time.time, timing=SubmitTiming(first_poll_delay=0))
    poller = Poller(
        store,
        client,
        service,
        RecordingDelivery(),
        clock=time.monotonic,
        config=config,
        budget=budget,
    )
    for _ in range(jobs):
        await service.create_and_submit(
            Requester(user_id=1, channel_id=2, guild_id=3), VideoRequest(prompt="a fox")
        )
    return poller


async def test_a_slower_api_gets_more_checks_in_flight_and_a_429_fewer(db, api, session):
    """The poller measures APIMart's answer time on its checks: at 100 requests/s, checks that
    take 0.6 s widen the pool; a 429 that halves the budget narrows it again."""
    limiter = RequestBudget(100)
    poller = await following(db, api, session, limiter, PollerConfig(poll_interval=8), jobs=4)
    before = poller.poll_workers()
    assert before == checks_in_flight(100, 0.25, cap=PollerConfig.concurrency)
    api.delay_next("poll", 0.6, times=4)
    await poller.run_once()  # the four checks run side by side: 0.6 s in all
    assert len(api.polls) == 4
    assert poller.round_trip.seconds > 0.3
    widened = poller.poll_workers()
    assert widened > before
    limiter.rate_limited(sent_at=time.monotonic())
    assert poller.poll_workers() < widened


async def test_a_slow_api_gets_all_the_checks_the_budget_pays_for_at_once(db, api):
    """400 requests/s at a 500 ms API: some 300 checks in flight. The bot's session carries
    them all; aiohttp's default 100 connections would hold the rest back (200 checks a second
    at most, whatever the budget)."""
    jobs = 150
    config = PollerConfig(poll_interval=8)
    connector = api_connector(
        checks=config.concurrency,
        submits=config.submit_workers,
        deliveries=config.delivery_workers,
    )
    async with aiohttp.ClientSession(connector=connector) as session:
        poller = await following(db, api, session, RequestBudget(400), config, jobs=jobs)
        poller.round_trip.seconds = 0.5  # as measured on a slow API
        assert poller.poll_workers() > jobs
        api.delay_next("poll", 0.6, times=jobs)
        await poller.run_once()
    assert len(api.polls) == jobs
    # Granted at 400/s, each answered 0.6 s later: all of them in flight together.
    assert api.peak_in_flight > 120
