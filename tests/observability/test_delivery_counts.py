"""Deliveries are counted as what happened: retried, or given up once the attempts ran out."""

from bot.jobs.poller import Poller, PollerConfig
from bot.jobs.service import JobService, SubmitTiming
from bot.jobs.store import JobStore
from bot.observability.metrics import Metrics
from tests.fakes.apimart import TaskPlan
from tests.jobs.test_service_and_poller import REQUEST, REQUESTER, RecordingDelivery, make_client
from tests.observability.scrape import parse


async def test_a_delivery_given_up_on_its_last_attempt_counts_as_unreachable(
    db, api, session, clock
):
    metrics = Metrics()
    delivery = RecordingDelivery()
    delivery.failures_left = 10**6  # the member can be reached nowhere
    api.default_plan = TaskPlan(polls_until_done=1)
    client = make_client(api, session)
    store = JobStore(db, clock=clock)
    service = JobService(
        store, client, clock=clock, timing=SubmitTiming(first_poll_delay=8), metrics=metrics
    )
    config = PollerConfig(
        poll_interval=8, delivery_retry_base=1, max_delivery_backoff=1, max_delivery_attempts=3
    )
    poller = Poller(store, client, service, delivery, clock=clock, metrics=metrics, config=config)
    await service.create_and_submit(REQUESTER, REQUEST)
    for _ in range(20):
        clock.advance(8)
        await poller.run_once()
    scraped = parse(metrics.render().decode())
    assert scraped.get("videobot_deliveries_total", outcome="retry") == 2
    assert scraped.get("videobot_deliveries_total", outcome="unreachable") == 1
