"""Planning the next status check: sparse while a task cannot be done, dense near its end."""

import math
import random

import pytest
from pydantic import ValidationError

from bot.apimart import APIMartClient, RetryPolicy, VideoRequest
from bot.jobs.models import Requester
from bot.jobs.poller import DeliveryOutcome, DeliveryResult, Poller, PollerConfig
from bot.jobs.schedule import PollSchedule, ScheduleMode
from bot.jobs.service import JobService, SubmitTiming
from bot.jobs.store import JobStore
from bot.settings import Settings, describe_settings_errors
from tests.fakes.apimart import TaskPlan

SCHEDULE = PollSchedule(interval=8, max_gap=60)


def test_a_young_task_is_checked_sparsely():
    """Just submitted, a 240 s render cannot be done yet: wait as long as allowed."""
    assert SCHEDULE.next_delay(age=8, progress=0, estimated_time=240) == 60


def test_checks_get_denser_as_the_expected_end_nears():
    """The wait shrinks with the time the task is still expected to need."""
    delays = [
        SCHEDULE.next_delay(age=age, progress=progress, estimated_time=240)
        for age, progress in [(8, 0), (120, 50), (180, 75), (215, 90), (236, 98)]
    ]
    assert delays == sorted(delays, reverse=True)
    assert delays[0] == 60
    assert delays[-1] == 8


def test_a_task_said_to_be_complete_is_checked_at_the_dense_interval():
    """Progress 100 but not yet final: the result is moments away."""
    assert SCHEDULE.next_delay(age=50, progress=100, estimated_time=600) == 8


EXTREME_NUMBERS = [
    -math.inf,
    -1e308,
    -1e9,
    -1.0,
    -1e-9,
    0.0,
    1e-9,
    0.5,
    1.0,
    7.999,
    8.0,
    60.0,
    240.0,
    600.0,
    86400.0,
    1e9,
    1e308,
    math.inf,
    math.nan,
]
SCHEDULES = [
    SCHEDULE,
    PollSchedule(interval=0.05, max_gap=0.05),
    PollSchedule(interval=1, max_gap=3600, lookahead=1),
    PollSchedule(interval=8, max_gap=60, mode=ScheduleMode.FIXED),
]


def generated_inputs(count: int):
    """Ages, progress values and estimates: extremes first, then many random mixtures."""
    rng = random.Random(12)
    for age in EXTREME_NUMBERS:
        for progress in (-100, -1, 0, 1, 4, 5, 50, 99, 100, 101, 10**9):
            for estimate in (None, *EXTREME_NUMBERS):
                yield age, progress, estimate
    for _ in range(count):
        yield (
            rng.choice(
                [rng.uniform(-1e4, 1e6), rng.choice(EXTREME_NUMBERS), rng.expovariate(0.01)]
            ),
            rng.choice(
                [rng.randint(-10, 110), rng.randint(0, 100), rng.randint(-(10**12), 10**12)]
            ),
            rng.choice([None, rng.uniform(-1e3, 1e5), rng.choice(EXTREME_NUMBERS)]),
        )


@pytest.mark.parametrize("schedule", SCHEDULES, ids=["default", "tiny", "wide", "fixed"])
def test_every_wait_stays_between_the_interval_and_the_max_gap(schedule):
    """Whatever the task says, however absurd, the wait is within [interval, max_gap]."""
    checked = 0
    for age, progress, estimate in generated_inputs(20_000):
        delay = schedule.next_delay(age=age, progress=progress, estimated_time=estimate)
        assert schedule.interval <= delay <= schedule.max_gap, (age, progress, estimate, delay)
        checked += 1
    assert checked > 20_000


def test_progress_outweighs_an_estimate_that_is_far_off():
    """APIMart may announce 600 s for a 240 s render; 90 % progress at 200 s says otherwise."""
    by_estimate = SCHEDULE.next_delay(age=200, progress=0, estimated_time=600)
    with_progress = SCHEDULE.next_delay(age=200, progress=90, estimated_time=600)
    assert by_estimate == 60
    assert with_progress < 25


def test_an_unknown_estimate_falls_back_to_progress():
    """Half done after 100 s: expect 100 s more, check again after a third of it."""
    expected = SCHEDULE.expected_duration(age=100, progress=50, estimated_time=None)
    assert expected == pytest.approx(200)
    assert SCHEDULE.next_delay(age=100, progress=50, estimated_time=None) == pytest.approx(100 / 3)


def test_with_nothing_known_the_wait_grows_with_age():
    """No estimate, no progress: dense at first, then sparser, capped by the max gap."""
    delays = [
        SCHEDULE.next_delay(age=age, progress=0, estimated_time=None) for age in (8, 60, 120, 600)
    ]
    assert delays == [8, 20, 40, 60]


def test_an_overdue_task_is_checked_less_and_less_often():
    """Past its expected end a task may be stuck: back off, but never beyond the max gap."""
    delays = [
        SCHEDULE.next_delay(age=age, progress=0, estimated_time=240) for age in (250, 300, 400)
    ]
    assert delays == pytest.approx([8, 20, 160 / 3])
    assert SCHEDULE.next_delay(age=5000, progress=0, estimated_time=240) == 60


def test_fixed_mode_checks_every_interval():
    """The fixed mode ignores the task's estimate and progress."""
    fixed = PollSchedule(interval=5, max_gap=60, mode=ScheduleMode.FIXED)
    cases = [(5, 0, 240), (200, 90, 240), (900, 0, None)]
    delays = {fixed.next_delay(age=a, progress=p, estimated_time=e) for a, p, e in cases}
    assert delays == {5}


@pytest.mark.parametrize(
    "options", [{"interval": 0}, {"interval": 10, "max_gap": 5}, {"lookahead": 0}]
)
def test_nonsense_settings_are_refused(options):
    """A schedule that could busy-loop or never converge cannot be built."""
    with pytest.raises(ValueError):
        PollSchedule(**options)


def test_a_max_gap_below_the_interval_is_refused_at_start_up():
    """POLL_MAX_GAP < POLL_INTERVAL is named in one plain line, like every bad setting."""
    with pytest.raises(ValidationError) as refused:
        Settings(
            _env_file=None, discord_token="t", apimart_api_key="k", poll_interval=10, poll_max_gap=5
        )
    [line] = describe_settings_errors(refused.value)
    assert line.startswith("POLL_MAX_GAP is invalid (must be at least POLL_INTERVAL)")


class RecordingDelivery:
    async def __call__(self, job):
        return DeliveryResult(DeliveryOutcome.DELIVERED, message_id=job.id)


async def test_the_poller_plans_the_next_check_with_the_schedule(db, api, session, clock):
    """After the first check of a 240 s task the poller waits the schedule's gap, not 8 s."""
    api.default_plan = TaskPlan(polls_until_done=None, estimated_time=240)
    client = APIMartClient(
        session,
        base_url=api.base_url,
        api_key="test-key",
        retry=RetryPolicy(max_retries=0, rng=random.Random(0)),
    )
    store = JobStore(db, clock=clock)
    service = JobService(store, client, clock=clock, timing=SubmitTiming(first_poll_delay=8))
    config = PollerConfig(poll_interval=8, schedule=SCHEDULE)
    poller = Poller(store, client, service, RecordingDelivery(), clock=clock, config=config)
    report = await service.create_and_submit(
        Requester(user_id=1, channel_id=2, guild_id=3), VideoRequest(prompt="a fox")
    )
    clock.advance(8)
    await poller.run_once()
    job = await store.get(report.job.id)
    assert job.estimated_time == 240
    assert job.next_poll_at == clock() + 60
