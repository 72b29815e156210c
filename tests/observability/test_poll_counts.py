"""Every status check APIMart answers is counted in videobot_polls_total, those of tasks given
up on and still followed for their cost too."""

from bot.jobs.models import JobState
from bot.observability.metrics import Metrics
from tests.fakes.apimart import TaskPlan
from tests.jobs.test_service_and_poller import RecordingDelivery
from tests.observability.scrape import parse
from tests.observability.test_outcome_counts import engine, given_up_on


async def test_every_status_check_of_a_task_is_counted_in_polls_total(db, api, session, clock):
    """The status checks of a timed-out task (followed up for its cost) reach APIMart too;
    docs: "every check is counted in videobot_polls_total (outcome error, ...)"."""
    metrics, delivery = Metrics(), RecordingDelivery()
    api.default_plan = TaskPlan(polls_until_done=None, credits_cost=4)
    store, service, poller = engine(db, api, session, clock, delivery, metrics)
    job_id = await given_up_on(store, service, poller, clock, delivery)
    # APIMart answers the follow-up checks with errors (an outage), then finishes the task.
    api.fail_next("poll", status=500)
    clock.advance(300)
    await poller.run_once()
    api.last_task.complete()
    clock.advance(600)
    await poller.run_once()
    assert (await store.get(job_id)).state is JobState.COMPLETED
    scraped = parse(metrics.render().decode())
    assert scraped.total("videobot_polls_total") == len(api.polls)
