"""The gauges read from the database at scrape time, on both engines: jobs by state, and how
long the most overdue job of each stage has waited (the poll lag an operator alerts on)."""

from bot.apimart.models import TaskInfo, TaskStatus, VideoRequest
from bot.jobs.budget import RequestBudget
from bot.jobs.models import JobState, Requester
from bot.jobs.store import JobStore
from bot.observability.live import FINISHED_COUNTS_MAX_AGE, LiveValues
from bot.observability.metrics import Metrics
from tests.backends import RecordingDatabase
from tests.jobstates import finished, submitted
from tests.observability.scrape import parse

REQUESTER = Requester(user_id=1, channel_id=2, guild_id=3)


async def test_jobs_by_state_and_overdue_stages_come_from_the_database(store, clock):
    metrics = Metrics()
    live = LiveValues(
        metrics,
        store=lambda: store,
        latencies=lambda: [(0, 0.042), (1, float("inf"))],
        loops=lambda: {"submit": True, "poll": False, "deliver": True},
    )
    jobs = [
        await store.create(
            REQUESTER, VideoRequest(prompt=f"job {n}"), now=clock(), submit_by=clock()
        )
        for n in range(4)
    ]
    # Two are rendering (their first poll due now), one finished, one not sent yet.
    await submitted(store, jobs[0], now=clock())
    await submitted(store, jobs[1], now=clock())
    done = await submitted(store, jobs[2], now=clock())
    info = TaskInfo(task_id=done.task_id, status=TaskStatus.COMPLETED, progress=100)
    await finished(store, done, JobState.COMPLETED, now=clock(), info=info)
    clock.advance(30)

    await live.refresh()
    scraped = parse(metrics.render().decode())

    assert scraped.get("videobot_jobs", state="queued") == 2
    assert scraped.get("videobot_jobs", state="completed") == 1
    assert scraped.get("videobot_jobs", state="recorded") == 1
    assert scraped.get("videobot_jobs", state="failed") == 0
    # Nobody polled the two running tasks, due 30 s ago; the finished one awaits its post.
    assert scraped.get("videobot_stage_overdue_seconds", stage="poll") == 30
    assert scraped.get("videobot_stage_overdue_seconds", stage="deliver") == 30
    assert scraped.get("videobot_stage_overdue_seconds", stage="submit") == 30  # never sent
    assert scraped.get("videobot_stage_up", stage="poll") == 0
    assert scraped.get("videobot_stage_up", stage="submit") == 1
    assert scraped.get("videobot_gateway_latency_seconds", shard="0") == 0.042
    nan = scraped.get("videobot_gateway_latency_seconds", shard="1")
    assert nan != nan, "a shard without a heartbeat yet shows NaN"


async def test_a_scrape_counts_recent_jobs_live_and_all_finished_ones_every_few_minutes(db, clock):
    """A year of finished jobs made every scrape of every process count them all (0.2 s at
    1.5 million): they are counted once per `FINISHED_COUNTS_MAX_AGE`, while a job moving from
    queued to processing, or finishing, shows at the next scrape."""
    recording = RecordingDatabase(db)
    store = JobStore(recording, clock=clock)  # type: ignore[arg-type]
    metrics = Metrics()
    live = LiveValues(metrics, store=lambda: store, latencies=list, loops=dict, clock=clock)
    jobs = [
        await store.create(REQUESTER, VideoRequest(prompt=f"job {n}"), now=clock(), submit_by=0)
        for n in range(5)
    ]
    states = ("completed", "completed", "failed", "queued", "queued")
    for job, state in zip(jobs, states, strict=True):
        await db.write("UPDATE jobs SET state = ? WHERE id = ?", (state, job.id))
    await live.refresh()

    await db.write("UPDATE jobs SET state = 'processing' WHERE id = ?", (jobs[3].id,))
    await db.write("UPDATE jobs SET state = 'completed' WHERE id = ?", (jobs[4].id,))
    await db.write("DELETE FROM jobs WHERE id = ?", (jobs[0].id,))  # as the hourly pruning does
    clock.advance(FINISHED_COUNTS_MAX_AGE - 1)
    recording.reset()
    await live.refresh()
    soon = parse(metrics.render().decode())
    counted_all = [sql for sql, _ in recording.statements if "WHERE state IN ('cancelled'" in sql]
    clock.advance(1)
    await live.refresh()
    later = parse(metrics.render().decode())

    assert soon.get("videobot_jobs", state="processing") == 1
    assert soon.get("videobot_jobs", state="queued") == 0
    assert soon.get("videobot_jobs", state="completed") == 3, "the old ones as last counted"
    assert soon.get("videobot_jobs", state="failed") == 1
    assert counted_all == [], "a scrape within the interval counted every finished job"
    assert later.get("videobot_jobs", state="completed") == 2
    assert later.get("videobot_jobs", state="failed") == 1


def test_the_request_budget_reads_not_known_until_the_engine_has_one():
    """The endpoints serve while the bot still waits for Discord: a budget of 0 would read as
    "no requests allowed" (and fire an alert on it) where there is simply no engine yet."""
    metrics = Metrics()
    before = parse(metrics.render().decode())
    for name in ("videobot_request_budget_rate", "videobot_request_budget_ceiling"):
        value = before.get(name)
        assert value != value, f"{name} is NaN, not {value}"
    metrics.watch_budget(RequestBudget(7.5))
    after = parse(metrics.render().decode())
    assert after.get("videobot_request_budget_rate") == 7.5
    assert after.get("videobot_request_budget_ceiling") == 7.5


async def test_stage_up_reads_0_once_the_engine_stops(db, api, session, client, fake):
    """A scrape while the bot shuts down (the endpoints stop last), or after its engine ended:
    `videobot_stage_up` kept reading 1 for every stage, as if their loops still ran."""
    from tests.engine.world import make_engine, running

    engine = make_engine(db, api, session, client, fake)
    metrics = Metrics()
    live = LiveValues(
        metrics, store=lambda: engine.store, latencies=list, loops=engine.poller.loop_states
    )
    async with running(engine):
        await fake.wait_for(
            lambda: "poll" in engine.poller.loop_states(), description="the stages to start"
        )
        await live.refresh()
        up = parse(metrics.render().decode())
    await live.refresh()
    stopped = parse(metrics.render().decode())
    for stage in ("recovery", "submit", "poll", "deliver"):
        assert up.get("videobot_stage_up", stage=stage) == 1
        assert stopped.get("videobot_stage_up", stage=stage) == 0, stage
