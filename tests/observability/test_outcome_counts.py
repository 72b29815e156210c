"""What the engine's counters and histograms say of the less usual ends: a render given up on
that finishes after all, a submit given up after half an hour of APIMart errors, and a
moderator's cancel of a render given up on. An operator reads rates and alerts from these, and
the documented alerts can fire on the first such end after a start."""

import re
from pathlib import Path

import yaml

from bot.apimart import APIMartClient, RetryPolicy
from bot.jobs.models import JobState
from bot.jobs.poller import DeliveryOutcome, Poller, PollerConfig
from bot.jobs.service import JobService, SubmitTiming
from bot.jobs.store import JobStore
from bot.observability.metrics import (
    DELIVERY_OUTCOMES,
    POLL_OUTCOMES,
    RENDER_OUTCOMES,
    SUBMIT_OUTCOMES,
    Metrics,
)
from tests.fakes.apimart import TaskPlan
from tests.harness import running_bot
from tests.jobs.test_service_and_poller import REQUEST, REQUESTER, RecordingDelivery
from tests.observability.scrape import Samples, parse, scrape

OPERATIONS = Path(__file__).resolve().parents[2] / "docs" / "operations.md"
# A series a PromQL expression reads: `name` or `name{label="value", ...}`.
SELECTOR = re.compile(r"(videobot_\w+)(?:\{([^}]*)\})?")
MATCHER = re.compile(r'(\w+)\s*(=~|!~|!=|=)\s*"([^"]*)"')


def engine(db, api, session, clock, delivery, metrics, *, submit_give_up_after=1800.0):
    """Store, service and poller as bot/wiring.py wires them (one request per check), counting
    into `metrics`; renders are given up on after a minute and followed every 5."""
    client = APIMartClient(
        session,
        base_url=api.base_url,
        api_key="test-key",
        retry=RetryPolicy(max_retries=0),
        metrics=metrics,
    )
    store = JobStore(db, clock=clock)
    timing = SubmitTiming(first_poll_delay=8, submit_give_up_after=submit_give_up_after)
    service = JobService(store, client, clock=clock, timing=timing, metrics=metrics)
    config = PollerConfig(poll_interval=8, task_timeout=60, follow_up_interval=300)
    poller = Poller(store, client, service, delivery, clock=clock, metrics=metrics, config=config)
    return store, service, poller


async def given_up_on(store, service, poller, clock, delivery):
    """A render that outlasts the bot's wait: the member is told it was given up on."""
    report = await service.create_and_submit(REQUESTER, REQUEST)
    for _ in range(20):
        clock.advance(8)
        await poller.run_once()
        if delivery.delivered:
            break
    assert (await store.get(report.job.id)).state is JobState.TIMED_OUT
    return report.job.id


async def ended_late(db, api, session, clock, *, video=True):
    """A render given up on that the follow-up then finds finished (`video`: with one): the
    job as stored, and what the metrics say."""
    metrics, delivery = Metrics(), RecordingDelivery()
    api.default_plan = TaskPlan(polls_until_done=None, credits_cost=4)
    store, service, poller = engine(db, api, session, clock, delivery, metrics)
    job_id = await given_up_on(store, service, poller, clock, delivery)
    if video:
        api.last_task.complete()
    else:
        api.last_task.complete_without_video()
    clock.advance(300)
    await poller.run_once()
    return await store.get(job_id), parse(metrics.render().decode())


async def until_given_up(store, poller, clock, job_id):
    """Eight seconds at a time, until the bot gives up on sending the job (at most 40 rounds)."""
    for _ in range(40):
        clock.advance(8)
        await poller.run_once()
        if (await store.get(job_id)).state is JobState.REJECTED:
            return


async def test_a_render_finishing_after_it_was_given_up_on_is_timed_too(db, api, session, clock):
    """Its render time is the longest there is: leaving it out would hide the slow tail."""
    job, scraped = await ended_late(db, api, session, clock)
    assert job.state is JobState.COMPLETED
    count = "videobot_render_duration_seconds_count"
    assert scraped.get(count, resolution=REQUEST.resolution, duration="6") == 1
    assert scraped.get("videobot_render_duration_seconds_sum", resolution="720p", duration="6") > 60
    # Its end is counted once, as it ended: the give-up before it was no end.
    assert scraped.total("videobot_renders_total") == 1
    assert scraped.get("videobot_renders_total", outcome="completed") == 1


async def test_a_submit_given_up_after_apimart_errors_is_not_counted_as_a_rejection(
    db, api, session, clock
):
    """APIMart answered 503 (busy) for half an hour: the bot gave up (and refunded). APIMart refused
    nothing, so the alert on rejections (a bad key, no balance, bad requests) stays quiet."""
    metrics, delivery = Metrics(), RecordingDelivery()
    store, service, poller = engine(
        db, api, session, clock, delivery, metrics, submit_give_up_after=60
    )
    api.fail_next("submit", status=503, times=100)
    report = await service.create_and_submit(REQUESTER, REQUEST)
    await until_given_up(store, poller, clock, report.job.id)
    assert (await store.get(report.job.id)).state is JobState.REJECTED
    scraped = parse(metrics.render().decode())
    assert scraped.total("videobot_submits_total", outcome="rejected") == 0
    assert scraped.get("videobot_submits_total", outcome="gave_up") == 1


async def test_a_moderators_cancel_of_a_render_given_up_on_is_no_late_delivery(
    db, api, session, clock
):
    """The cancel's notice comes an hour after the give-up notice: it tells of no render's end,
    so it adds nothing to the delivery delay an operator watches."""
    metrics, delivery = Metrics(), RecordingDelivery()
    api.default_plan = TaskPlan(polls_until_done=None, credits_cost=4)
    store, service, poller = engine(db, api, session, clock, delivery, metrics)
    job_id = await given_up_on(store, service, poller, clock, delivery)
    clock.advance(3600)
    await store.cancel(job_id, reason_key="cancelled_by_moderator", now=clock(), member_told=False)
    clock.advance(8)
    await poller.run_once()
    assert len(delivery.delivered) == 2
    scraped = parse(metrics.render().decode())
    assert scraped.get("videobot_deliveries_total", outcome="delivered") == 2
    assert scraped.get("videobot_delivery_delay_seconds_count") == 1
    assert scraped.get("videobot_delivery_delay_seconds_sum") < 60


async def test_a_late_completion_without_a_video_is_no_finished_render(db, api, session, clock):
    """As before the give-up: "completed" with no video is a failure, and no render is timed."""
    job, scraped = await ended_late(db, api, session, clock, video=False)
    assert job.state is JobState.FAILED
    assert scraped.total("videobot_render_duration_seconds_count") == 0


def documented_alerts() -> dict[str, str]:
    """The alert rules of docs/operations.md, as an operator copies them: name to expression."""
    block = OPERATIONS.read_text().split("### Alert rules", 1)[1].split("```yaml", 1)[1]
    [group] = yaml.safe_load(block.split("```", 1)[0])["groups"]
    return {rule["alert"]: rule["expr"] for rule in group["rules"]}


def _fits(labels: dict[str, str], matchers: list[tuple[str, str, str]]) -> bool:
    for label, op, value in matchers:
        have = labels.get(label, "")
        matched = re.fullmatch(value, have) is not None if "~" in op else have == value
        if matched == op.startswith("!"):
            return False
    return True


def tells_of_the_outage(expr: str, healthy: Samples, outage: Samples) -> bool:
    """Whether `expr` reads a series a healthy run leaves at zero and the outage moves."""

    def total(selector: re.Match[str], samples: Samples) -> float:
        matchers = MATCHER.findall(selector[2] or "")
        return sum(
            value
            for (name, labels), value in samples.values.items()
            if name == selector[1] and _fits(dict(labels), matchers)
        )

    return any(
        total(selector, healthy) == 0 < total(selector, outage)
        for selector in SELECTOR.finditer(expr)
    )


async def test_a_full_apimart_outage_fires_a_documented_alert(db, api, session, clock):
    """APIMart answers 503 to everything: the render under way is no longer checked, a new
    video is retried and then given up on (refunded). Poll lag stays near zero (checks fail
    on time) and APIMart refuses nothing, so an operator who copied the alert rules of
    docs/operations.md hears of it only from a rule that reads the failures themselves: a
    series the outage moves and a healthy run (a video made and posted, one rendering)
    leaves at zero."""
    metrics, delivery = Metrics(), RecordingDelivery()
    store, service, poller = engine(
        db, api, session, clock, delivery, metrics, submit_give_up_after=60
    )
    api.default_plan = TaskPlan(polls_until_done=1)
    await service.create_and_submit(REQUESTER, REQUEST)
    for _ in range(5):
        clock.advance(8)
        await poller.run_once()
    assert len(delivery.delivered) == 1
    api.default_plan = TaskPlan(polls_until_done=None)
    await service.create_and_submit(REQUESTER, REQUEST)
    clock.advance(8)
    await poller.run_once()
    healthy = parse(metrics.render().decode())

    api.fail_next("any", status=503, times=1000)
    report = await service.create_and_submit(REQUESTER, REQUEST)
    await until_given_up(store, poller, clock, report.job.id)
    outage = parse(metrics.render().decode())

    assert outage.get("videobot_submits_total", outcome="gave_up") == 1
    firing = [
        alert
        for alert, expr in documented_alerts().items()
        if tells_of_the_outage(expr, healthy, outage)
    ]
    assert firing, "no documented alert reads a series only the outage moves"


def counter_series_alerts_select() -> set[tuple[str, frozenset[tuple[str, str]]]]:
    """Each counter series a documented alert names by exact labels: `x_total{label="value"}`."""
    return {
        (selector[1], frozenset((label, value) for label, _, value in matchers))
        for expr in documented_alerts().values()
        for selector in SELECTOR.finditer(expr)
        if selector[1].endswith("_total")
        and (matchers := MATCHER.findall(selector[2] or ""))
        and all(op == "=" for _, op, _ in matchers)
    }


async def test_every_counter_series_an_alert_selects_is_served_from_the_first_scrape(tmp_path):
    """`increase(x[30m]) > 0` sees a rise only between two samples of one series: a series first
    served at 1 (the first give-up after a start) has none before it, reads an increase of 0,
    and VideoBotSubmitsGivenUp would stay silent for it. So each series an alert selects is
    there, at 0, before anything happened."""
    selected = counter_series_alerts_select()
    assert ("videobot_submits_total", frozenset({("outcome", "gave_up")})) in selected
    async with running_bot(tmp_path, metrics_port=0) as world:
        first = await scrape(f"http://127.0.0.1:{world.bot.observability.port}")
    assert {series: first.values.get(series) for series in selected} == dict.fromkeys(selected, 0.0)


def documented_outcomes(metric: str) -> list[str]:
    """The outcomes docs/operations.md's table names for `metric`, in its order."""
    row = next(
        line for line in OPERATIONS.read_text().splitlines() if line.startswith(f"| `{metric}`")
    )
    described = row.split("|")[4]
    # Each outcome is a code span followed by its description or a separator.
    return re.findall(r"`([a-z_]+)`(?= \(|,|\.|:| or)", described)


def test_the_outcomes_served_at_0_are_those_the_operations_guide_describes():
    """An operator writes alerts from the guide's outcome names: every one is served from the
    first scrape, and the counters count no name the guide does not describe. The delivery
    outcomes are the poller's own `DeliveryOutcome` values."""
    assert set(documented_outcomes("videobot_submits_total")) == set(SUBMIT_OUTCOMES)
    assert set(documented_outcomes("videobot_polls_total")) == set(POLL_OUTCOMES)
    assert set(documented_outcomes("videobot_deliveries_total")) == set(DELIVERY_OUTCOMES)
    assert set(documented_outcomes("videobot_renders_total")) == set(RENDER_OUTCOMES)
    assert {outcome.value for outcome in DeliveryOutcome} == set(DELIVERY_OUTCOMES)


async def run_to_the_end(service, poller, clock, delivery, videos):
    """`videos` videos made, checked until APIMart ends them, and their news posted."""
    for _ in range(videos):
        await service.create_and_submit(REQUESTER, REQUEST)
    posted = len(delivery.delivered) + videos
    for _ in range(10):
        clock.advance(8)
        await poller.run_once()
        if len(delivery.delivered) >= posted:
            return
    raise AssertionError("the videos' news was not posted")


async def test_apimart_failing_every_render_fires_a_documented_alert(db, api, session, clock):
    """APIMart takes every submit and then fails each render (an upstream model down): every
    member gets a failure notice. Submits are accepted, checks answer 200 and find the render
    finished, the notices are delivered: nothing is rejected, slow or unanswered. An operator
    who copied docs/operations.md's alert rules must still hear of it, from a series a healthy
    run (videos made and posted) leaves at zero."""
    metrics, delivery = Metrics(), RecordingDelivery()
    store, service, poller = engine(db, api, session, clock, delivery, metrics)
    api.default_plan = TaskPlan(polls_until_done=1)
    await run_to_the_end(service, poller, clock, delivery, videos=2)
    healthy = parse(metrics.render().decode())

    api.default_plan = TaskPlan(polls_until_done=1, final_status="failed")
    await run_to_the_end(service, poller, clock, delivery, videos=3)
    failing = parse(metrics.render().decode())

    jobs = await store.recent_for_user(REQUESTER.user_id, 10)
    assert sorted(job.state.value for job in jobs) == ["completed"] * 2 + ["failed"] * 3
    firing = [
        alert
        for alert, expr in documented_alerts().items()
        if tells_of_the_outage(expr, healthy, failing)
    ]
    assert firing, "no documented alert reads a series only failed renders move"
