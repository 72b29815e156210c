"""The request budget: paced, never over its rate, halved on 429, regained slowly."""

import asyncio
import itertools
import math

import pytest

from bot.apimart import APIMartClient, RetryPolicy, VideoRequest
from bot.jobs.budget import RequestBudget
from bot.jobs.models import JobState, Requester
from bot.jobs.poller import DeliveryOutcome, DeliveryResult, Poller, PollerConfig
from bot.jobs.schedule import PollSchedule, ScheduleMode
from bot.jobs.service import JobService, SubmitTiming
from bot.jobs.status_marks import StatusMarks
from bot.jobs.store import JobStore
from bot.status import next_try
from bot.status_messages import StatusMessages
from tests.fakes.apimart import FakeAPIMart, TaskPlan
from tests.jobs.test_service_and_poller import poller_client
from tests.timestamps import read_at, stamps


class ManualTime:
    """A clock that only moves when someone sleeps on it, so tests never wait."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now

    async def sleep(self, seconds):
        self.now += seconds


def most_in_one_second(times):
    """The largest number of `times` inside any half-open one-second window."""
    ordered = sorted(times)
    best = start = 0
    for end, stamp in enumerate(ordered):
        while stamp - ordered[start] >= 1.0:
            start += 1
        best = max(best, end - start + 1)
    return best


def budget(rate=10.0, **options):
    time = ManualTime()
    return RequestBudget(rate, clock=time, sleep=time.sleep, **options), time


async def test_no_second_ever_holds_more_requests_than_the_rate():
    """200 requests back to back at 10/s: never more than 10 in any one-second window."""
    limiter, _ = budget(10)
    grants = [await limiter.acquire() for _ in range(200)]
    assert most_in_one_second(grants) == 10
    assert grants[-1] - grants[0] >= 19


async def test_concurrent_callers_share_one_budget():
    """Many tasks acquiring at once are served one after another, within the same rate."""
    limiter, _ = budget(4)
    grants = await asyncio.gather(*(limiter.acquire() for _ in range(40)))
    assert most_in_one_second(grants) == 4
    assert limiter.granted == 40


async def test_requests_are_spread_out_not_sent_in_bursts():
    """Past the small slack for a late event loop, requests are spaced by 1/rate."""
    limiter, _ = budget(10, slack=0.0)
    grants = [await limiter.acquire() for _ in range(20)]
    gaps = [later - earlier for earlier, later in itertools.pairwise(grants)]
    assert min(gaps) == pytest.approx(0.1)


async def test_a_429_halves_the_rate():
    """One 429 for a request sent at the full rate halves it."""
    limiter, _ = budget(10)
    sent = await limiter.acquire()
    limiter.rate_limited(sent_at=sent)
    assert limiter.rate() == 5
    assert limiter.cuts == 1


async def test_429s_for_requests_sent_before_the_cut_do_not_halve_again():
    """A burst of 429s for requests already in flight counts once; a new one counts again."""
    limiter, _ = budget(10, recovery=6000)
    in_flight = [await limiter.acquire() for _ in range(5)]
    for sent in in_flight:
        limiter.rate_limited(sent_at=sent)
    assert limiter.rate() == 5
    sent_after_cut = await limiter.acquire()
    limiter.rate_limited(sent_at=sent_after_cut)
    assert limiter.rate() == pytest.approx(2.5, abs=0.01)


async def test_the_rate_never_drops_below_its_floor():
    """Repeated 429s stop halving at `min_rate`."""
    limiter, _ = budget(10, min_rate=1)
    for _ in range(10):
        limiter.rate_limited(sent_at=await limiter.acquire())
    assert limiter.rate() == 1


async def test_the_rate_recovers_slowly_and_only_up_to_the_ceiling():
    """After a cut the rate climbs back linearly: half the ceiling per `recovery` seconds."""
    limiter, time = budget(10, recovery=60)
    limiter.rate_limited(sent_at=await limiter.acquire())
    cut_at = time.now
    assert limiter.rate(cut_at + 1) < 5.1
    assert limiter.rate(cut_at + 30) == pytest.approx(7.5)
    assert limiter.rate(cut_at + 60) == 10
    assert limiter.rate(cut_at + 600) == 10


async def test_while_recovering_no_second_holds_more_than_the_reduced_rate():
    """Right after a cut to 5/s, the next second carries at most 5 requests."""
    limiter, time = budget(10, recovery=600)
    limiter.rate_limited(sent_at=await limiter.acquire())
    cut_at = time.now
    grants = [await limiter.acquire() for _ in range(30)]
    assert most_in_one_second([g for g in grants if g < cut_at + 2]) <= 5


async def test_retry_after_pauses_every_caller():
    """A Retry-After hint holds back the whole budget, not just the request that got it."""
    limiter, _ = budget(10)
    sent = await limiter.acquire()
    limiter.rate_limited(sent_at=sent, retry_after=30)
    assert await limiter.acquire() >= sent + 30


def test_a_budget_must_allow_something():
    """A zero or negative rate would stop the poller forever."""
    with pytest.raises(ValueError):
        RequestBudget(0)


class RecordingDelivery:
    def __init__(self):
        self.delivered = []

    async def __call__(self, job):
        self.delivered.append(job)
        return DeliveryResult(DeliveryOutcome.DELIVERED, message_id=job.id)


@pytest.fixture
async def world(db, api, session, clock):
    """A poller with a 10/s budget on the test clock, three tasks rendering at the fake."""

    async def sleep(seconds):
        clock.advance(seconds)

    api.default_plan = TaskPlan(polls_until_done=None)
    client = poller_client(api, session)
    store = JobStore(db, clock=clock)
    service = JobService(store, client, clock=clock, timing=SubmitTiming(first_poll_delay=8))
    limiter = RequestBudget(10, clock=clock, sleep=sleep)
    poller = Poller(
        store,
        client,
        service,
        RecordingDelivery(),
        clock=clock,
        config=PollerConfig(poll_interval=8),
        budget=limiter,
    )
    for _ in range(3):
        await service.create_and_submit(
            Requester(user_id=1, channel_id=2, guild_id=3), VideoRequest(prompt="a fox")
        )
    return api, poller, limiter


async def test_the_poller_takes_one_token_per_status_check(world, clock):
    """Three due tasks, three checks, three tokens."""
    api, poller, limiter = world
    clock.advance(8)
    await poller.run_once()
    assert len(api.polls) == 3
    assert limiter.granted == 3


async def test_a_429_on_a_status_check_slows_the_poller_down(world, clock):
    """The poller tells the budget about a 429 and honours its Retry-After."""
    api, poller, limiter = world
    api.fail_next("poll", status=429, retry_after_header="20")
    clock.advance(8)
    limited_at = clock()
    await poller.run_once()
    assert limiter.cuts == 1
    assert limiter.rate() < 10
    clock.advance(8)
    await poller.run_once()
    # All three were checked again (the refused one after its Retry-After, not pushed back
    # further), but only once the pause had ended.
    assert len(api.polls) == 6
    assert clock() >= limited_at + 20


async def test_a_submit_told_to_wait_holds_back_submits_not_status_checks(db, api, session, clock):
    """APIMart's Retry-After on a submit pauses the other submits; renders are still checked."""

    async def sleep(seconds):
        clock.advance(seconds)

    api.default_plan = TaskPlan(polls_until_done=1)
    client = APIMartClient(
        session, base_url=api.base_url, api_key="test-key", retry=RetryPolicy(max_retries=0)
    )
    store = JobStore(db, clock=clock)
    limiter = RequestBudget(10, clock=clock, sleep=sleep)
    timing = SubmitTiming(first_poll_delay=8)
    service = JobService(store, client, clock=clock, timing=timing, budget=limiter)
    delivery = RecordingDelivery()
    poller = Poller(
        store, client, service, delivery, clock=clock, config=PollerConfig(), budget=limiter
    )

    def member(user_id):
        return Requester(user_id=user_id, channel_id=2, guild_id=3)

    rendering = await service.create_and_submit(member(1), VideoRequest(prompt="a fox"))
    api.fail_next("submit", status=429, retry_after_header="30")
    refused = await service.create_and_submit(member(2), VideoRequest(prompt="a hare"))
    assert refused.state is JobState.RECORDED
    clock.advance(8)
    checked_at = clock()
    await poller.run_once()
    # The finished render was checked and handed over at once, not after the submit's pause.
    assert [job.id for job in delivery.delivered] == [rendering.job.id]
    assert clock() - checked_at < 1
    # Another member's video waits for the pause to end instead of being sent into it.
    waiting = await service.create_and_submit(member(3), VideoRequest(prompt="an owl"))
    assert waiting.state is JobState.RECORDED
    assert len(api.submits) == 2
    clock.advance(30)
    await poller.run_once()
    assert len(api.submits) == 4
    assert {(await store.get(job.id)).state for job in (refused.job, waiting.job)} == {
        JobState.QUEUED
    }


async def test_a_submit_waiting_for_its_turn_is_not_sent_into_a_pause(db, api, session, clock):
    """A pause that began while a submit queued for the budget holds that submit back too."""

    class PausedWhileWaiting(RequestBudget):
        async def acquire_unless_paused(self):
            granted = await super().acquire_unless_paused()
            self.refuse_submits(30)  # another submit's 429 came back meanwhile
            return granted

    client = APIMartClient(
        session, base_url=api.base_url, api_key="test-key", retry=RetryPolicy(max_retries=0)
    )
    store = JobStore(db, clock=clock)
    service = JobService(store, client, clock=clock, budget=PausedWhileWaiting(10, clock=clock))
    report = await service.create_and_submit(
        Requester(user_id=1, channel_id=2, guild_id=3), VideoRequest(prompt="a fox")
    )
    assert report.state is JobState.RECORDED
    assert api.submits == []


async def test_a_submit_queued_behind_a_check_leaves_the_line_when_a_pause_begins():
    """A submit waits its turn behind a status check (which waits for the pace); a 429's
    pause then begins (another check's answer). The submit gives its turn up at once, taking
    none (it waits in the database, its status saying until when), rather than wait out the
    pause unseen behind the check, which waits it out; the line goes on as before."""
    gate = asyncio.Event()
    time = ManualTime()

    async def sleep(seconds):
        await gate.wait()
        await time.sleep(seconds)

    limiter = RequestBudget(1, clock=time, sleep=sleep)
    sent = await limiter.acquire()
    check = asyncio.create_task(limiter.acquire())
    submit = asyncio.create_task(limiter.acquire_unless_paused())
    await asyncio.sleep(0.01)
    assert not submit.done(), "no pause yet: it waits its turn"
    limiter.rate_limited(sent_at=sent, retry_after=60)
    assert await asyncio.wait_for(submit, 1) is None
    gate.set()
    assert await asyncio.wait_for(check, 1) >= sent + 60
    assert limiter.granted == 2, "the submit took no turn"
    assert await limiter.acquire_unless_paused() is not None, "the line goes on"


async def test_a_submit_gives_its_place_in_line_back_when_cut_off():
    """A stop while a submit waits its turn: the turn it was about to get goes on to the next
    caller, never kept by nobody (the budget would stop every request)."""
    time = ManualTime()
    limiter = RequestBudget(1, clock=time, sleep=time.sleep)
    async with limiter._turn:  # a caller at the front of the line
        submit = asyncio.create_task(limiter.acquire_unless_paused())
        await asyncio.sleep(0.01)
        submit.cancel()
    with pytest.raises(asyncio.CancelledError):
        await submit
    assert await asyncio.wait_for(limiter.acquire(), 1) is not None


async def test_a_503s_pause_holds_every_caller_without_cutting_the_pace():
    """APIMart down for upkeep (a 503 with `Retry-After`): nobody asks before it ends, at most
    the longest pause (2 minutes), and the pace afterwards is the full one (a 503 says nothing
    of how fast the bot asks)."""
    limiter, _ = budget(10)
    sent = await limiter.acquire()
    assert limiter.unavailable(30) == 30
    assert await limiter.acquire() >= sent + 30
    assert limiter.cuts == 0 and limiter.rate() == 10
    paused_at = await limiter.acquire()
    assert limiter.unavailable(3600) == 120
    assert paused_at + 120 <= await limiter.acquire() < paused_at + 121


@pytest.fixture
async def apimart_on_the_clock(clock):
    """A fake APIMart that stamps each request with the test's clock."""
    async with FakeAPIMart(clock=clock) as fake:
        fake.default_plan = TaskPlan(polls_until_done=None)
        yield fake


def engine_on_a_budget(db, api, session, clock, *, rate=10, slept=None, on_progress=None, **config):
    """Store, service and poller as bot/wiring.py wires them: one budget (10/s, on the test's
    clock) for submits and checks, a client that never retries on its own. `slept(limiter)`
    is awaited after each wait of the budget (the clock moved on), `on_progress` is the
    status messages' listener."""

    async def sleep(seconds):
        clock.advance(seconds)
        if slept is not None:
            await slept(limiter)

    client = poller_client(api, session)
    store = JobStore(db, clock=clock)
    limiter = RequestBudget(rate, clock=clock, sleep=sleep)
    service = JobService(
        store, client, clock=clock, timing=SubmitTiming(first_poll_delay=8), budget=limiter
    )
    schedule = PollSchedule(interval=8, max_gap=120, mode=ScheduleMode.ADAPTIVE)
    poller = Poller(
        store,
        client,
        service,
        RecordingDelivery(),
        clock=clock,
        config=PollerConfig(poll_interval=8, schedule=schedule, **config),
        budget=limiter,
        **({"on_progress": on_progress} if on_progress is not None else {}),
    )
    return store, service, poller


def member(user_id):
    return Requester(user_id=user_id, channel_id=2, guild_id=3, locale="en-US")


async def test_a_status_check_answered_503_retry_after_pauses_every_other_check(
    db, apimart_on_the_clock, session, clock
):
    """APIMart answers one status check 503 `Retry-After: 3600` (down for upkeep): the other
    renders' checks wait the pause out instead of each going out for its own 503 (before, the
    other four were sent at once, into the outage, each a call from the budget), and they go
    out again once it ends: after 2 minutes, the longest pause, not an hour."""
    api = apimart_on_the_clock
    # One check in flight at a time, so the first answer is back before the next one leaves
    # (with many in flight, those already sent are out whatever the answer says).
    store, service, poller = engine_on_a_budget(db, api, session, clock, concurrency=1)
    jobs = [
        (await service.create_and_submit(member(i), VideoRequest(prompt="a fox"))).job
        for i in range(5)
    ]
    clock.advance(8)
    api.fail_next("poll", status=503, retry_after_header="3600")
    down_at = clock()
    await poller.run_once()
    checks = [r.time - down_at for r in api.requests_for("poll")]
    during = [t for t in checks if t < 120]
    assert len(during) == 1, f"APIMart got {len(during)} status checks while it said it was down"
    assert len(checks) == 5, "the other renders are checked once the pause ends"
    assert all(120 <= t < 121 for t in checks[1:]), f"checked again {checks[1:]} s later"
    read = [await store.get(job.id) for job in jobs]
    assert sorted(job.poll_failures for job in read) == [0, 0, 0, 0, 1]
    assert sum(job.progress_at is not None for job in read) == 4


async def test_a_submit_due_while_apimart_is_down_waits_with_a_true_next_try(
    db, apimart_on_the_clock, session, clock
):
    """A status check answered 503 `Retry-After: 60`: a member's `/video` meanwhile is not
    sent into the outage (before, it went out at once, a call APIMart answers with its own
    503); it waits, its status saying when it is tried (the pause's end, not a time already
    past), and it is sent once the pause ends."""
    api = apimart_on_the_clock
    store, service, poller = engine_on_a_budget(db, api, session, clock)
    await service.create_and_submit(member(1), VideoRequest(prompt="a fox"))
    clock.advance(8)
    api.fail_next("poll", status=503, retry_after_header="60")
    await poller.run_once()
    ends = clock() + 60
    report = await service.create_and_submit(member(2), VideoRequest(prompt="a hare"))
    assert len(api.submits) == 1, "a submit was sent while APIMart said it was down"
    assert report.state is JobState.RECORDED
    assert "busy" in report.member_message.render("en-US")
    waiting = await store.get(report.job.id)
    assert f"<t:{math.ceil(ends)}:R>" in next_try(waiting, "en-US", clock())
    clock.advance(60)
    await poller.run_once()
    assert len(api.submits) == 2
    assert (await store.get(report.job.id)).state is JobState.QUEUED


async def posted(store, status, fake, client, clock, prompt, *, locale="en-US"):
    """A job due to be sent now, its status message posted in the fake's channel."""
    requester = Requester(
        user_id=fake.user_id, channel_id=fake.channel_id, guild_id=fake.guild_id, locale=locale
    )
    job = await store.create(requester, VideoRequest(prompt=prompt), now=clock(), submit_by=clock())
    await status.post(client.get_partial_messageable(fake.channel_id), job)
    return await store.get(job.id)


def reads(fake, job, clock, locale="en-US"):
    """The job's status message as its member reads it now (live times as Discord shows them)."""
    return read_at(fake.get_message(job.status_message_id)["content"], clock(), locale)


def overdue(fake, job, clock):
    """How long ago the next try the job's status message shows was (0: none in the past)."""
    content = fake.get_message(job.status_message_id)["content"]
    return max((clock() - moment for moment in stamps(content)), default=0.0)


def status_messages(client, db, clock):
    """Status messages as the bot shows them, each change edited at once."""
    return StatusMessages(
        client,
        JobStore(db, clock=clock),
        StatusMarks(db, clock=clock),
        clock=clock,
        min_edit_interval=0,
    )


async def test_a_held_submit_due_during_a_status_checks_429_pause_shows_when_it_is_sent(
    db, apimart_on_the_clock, session, clock, fake, client
):
    """A video held once (its submit answered 429 `Retry-After: 20`: "sending in 20 seconds")
    comes due while a status check's 429 `Retry-After: 60` has paused every request. Before,
    it waited in the budget's line through the pause, its status reading "sending 55 seconds
    ago" while nothing happened; now it waits in the database, its status saying it is sent
    when the pause ends, and it is sent then, once."""
    api = apimart_on_the_clock
    status = status_messages(client, db, clock)
    watched = []
    worst = []  # while the budget made anyone wait: how far in the past the shown try was

    async def slept(_limiter):
        worst.extend(overdue(fake, job, clock) for job in watched)

    store, service, poller = engine_on_a_budget(
        db, api, session, clock, slept=slept, on_progress=status.update
    )
    await service.create_and_submit(member(1), VideoRequest(prompt="a fox"))  # a render
    hare = await posted(store, status, fake, client, clock, "a hare")
    watched.append(hare)
    api.fail_next("submit", status=429, retry_after_header="20")
    await poller.run_once()
    assert "asked me to slow down; sending in 20 seconds" in reads(fake, hare, clock)
    clock.advance(15)
    api.fail_next("poll", status=429, retry_after_header="60")
    await poller.run_once()  # the fox's check is refused: every request waits a minute
    clock.advance(5)  # the hare's next try
    await poller.run_once()
    assert max(worst, default=0.0) < 2, f"its status showed a try {max(worst)} s past"
    shown = reads(fake, hare, clock)
    assert "asked me to slow down; sending in 55 seconds" in shown, shown
    assert len(api.submits) == 2, "nothing is sent while APIMart asked for a pause"
    clock.advance(55)
    await poller.run_once()
    assert (await store.get(hare.id)).state is JobState.QUEUED
    assert len(api.submits) == 3
    assert max(worst, default=0.0) < 2, f"its status showed a try {max(worst)} s past"


async def test_a_submit_waiting_its_turn_when_every_request_is_paused_shows_the_pauses_end(
    db, apimart_on_the_clock, session, clock, fake, client
):
    """A video held once comes due and waits its turn in the budget (a request went out just
    before); meanwhile a status check is answered 429 `Retry-After: 60`. Before, it stayed in
    the budget's line through the whole pause, its status showing a try a minute past; now it
    gives its turn up and waits in the database, its status saying when it is sent."""
    api = apimart_on_the_clock
    status = status_messages(client, db, clock)
    watched = []
    worst = []
    pause = []  # armed: the next wait of the budget sees a check's 429 come back

    async def slept(limiter):
        if pause:
            limiter.rate_limited(sent_at=pause.pop(), retry_after=60)
        worst.extend(overdue(fake, job, clock) for job in watched)

    store, service, poller = engine_on_a_budget(
        db, api, session, clock, rate=1, slept=slept, on_progress=status.update
    )
    hare = await posted(store, status, fake, client, clock, "a hare")
    watched.append(hare)
    api.fail_next("submit", status=429, retry_after_header="20")
    await poller.run_once()
    clock.advance(20)  # the hare's next try; another member's video is sent just before it
    await service.create_and_submit(member(1), VideoRequest(prompt="a fox"))
    pause.append(clock())
    await poller.run_once()
    ends = math.ceil(clock() + 60)
    assert max(worst, default=0.0) < 2, f"its status showed a try {max(worst)} s past"
    shown = fake.get_message(hare.status_message_id)["content"]
    assert "asked me to slow down" in shown and stamps(shown) == [ends], shown
    assert len(api.submits) == 2, "nothing is sent while APIMart asked for a pause"
    clock.advance(60)
    await poller.run_once()
    assert (await store.get(hare.id)).state is JobState.QUEUED
    assert len(api.submits) == 3


async def test_videos_held_back_by_another_submits_503_say_the_service_is_busy(
    db, apimart_on_the_clock, session, clock, fake, client
):
    """APIMart answers a submit 503 `Retry-After: 30` (down): that video reads "the video
    service is busy", and so must the videos held back meanwhile by the same pause (before,
    they read "the video service asked me to slow down", a 429's wording: nothing asked the bot
    to slow down). None of them is sent before the pause ends."""
    api = apimart_on_the_clock
    status = status_messages(client, db, clock)
    store, _, poller = engine_on_a_budget(db, api, session, clock, on_progress=status.update)
    fox = await posted(store, status, fake, client, clock, "a fox")
    api.fail_next("submit", status=503, retry_after_header="30")
    await poller.run_once()
    assert "the video service is busy; trying again in 30 seconds" in reads(fake, fox, clock)
    clock.advance(5)
    hare = await posted(store, status, fake, client, clock, "a hare")
    owl = await posted(store, status, fake, client, clock, "an owl", locale="zh-CN")
    await poller.run_once()
    shown = reads(fake, hare, clock)
    assert "the video service is busy; trying again in 25 seconds" in shown, shown
    shown = reads(fake, owl, clock, "zh-CN")
    assert "视频服务繁忙，25秒后 重试" in shown, shown  # noqa: RUF001
    assert len(api.submits) == 1, "nothing is sent while APIMart said it is down"
    clock.advance(25)
    await poller.run_once()
    assert len(api.submits) == 4
    assert {(await store.get(job.id)).state for job in (fox, hare, owl)} == {JobState.QUEUED}
