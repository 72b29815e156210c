"""Every status check APIMart answers is counted in videobot_polls_total, those of tasks given
up on and still followed for their cost too."""

from bot.apimart import APIMartClient, RetryPolicy
from bot.jobs.models import JobState
from bot.jobs.poller import Poller, PollerConfig
from bot.jobs.service import JobService, SubmitTiming
from bot.jobs.store import JobStore
from bot.observability.metrics import Metrics
from tests.fakes.apimart import TaskPlan
from tests.jobs.test_service_and_poller import REQUEST, REQUESTER, RecordingDelivery
from tests.observability.scrape import parse


async def test_every_status_check_of_a_task_is_counted_in_polls_total(db, api, session, clock):
    """The status checks of a timed-out task (followed up for its cost) reach APIMart too;
    docs: "every check is counted in videobot_polls_total (outcome error, ...)"."""
    metrics = Metrics()
    delivery = RecordingDelivery()
    api.default_plan = TaskPlan(polls_until_done=None, credits_cost=4)
    # The engine's client: one request per check, no retries (as bot/app.py builds it).
    client = APIMartClient(
        session, base_url=api.base_url, api_key="test-key", retry=RetryPolicy(max_retries=0)
    )
    store = JobStore(db, clock=clock)
    service = JobService(
        store, client, clock=clock, timing=SubmitTiming(first_poll_delay=8), metrics=metrics
    )
    config = PollerConfig(poll_interval=8, task_timeout=60, follow_up_interval=300)
    poller = Poller(store, client, service, delivery, clock=clock, metrics=metrics, config=config)
    report = await service.create_and_submit(REQUESTER, REQUEST)
    for _ in range(20):
        clock.advance(8)
        await poller.run_once()
        if delivery.delivered:
            break
    assert (await store.get(report.job.id)).state is JobState.TIMED_OUT
    # APIMart answers the follow-up checks with errors (an outage), then finishes the task.
    api.fail_next("poll", status=500)
    clock.advance(300)
    await poller.run_once()
    api.last_task.complete()
    clock.advance(600)
    await poller.run_once()
    assert (await store.get(report.job.id)).state is JobState.COMPLETED
    scraped = parse(metrics.render().decode())
    assert scraped.total("videobot_polls_total") == len(api.polls)
