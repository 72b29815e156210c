"""Processes sharing a database may run with different LEASE_SECONDS (a rolling deploy that
raises it): a claim longer than this process's own is still held, only one longer than any
LEASE_SECONDS allows is taken for one written by a clock since set back (`JobStore._unheld`)."""

from bot.apimart.models import TaskInfo, TaskStatus
from bot.jobs.models import JobState
from bot.jobs.stages import LEASE_SECONDS_AT_MOST, LeaseTerms, Stage
from bot.jobs.store import JobStore
from bot.settings import Settings
from tests.jobstates import a_submitted_job, claimed, finished


async def test_a_delivery_claimed_under_a_longer_lease_is_not_taken_over_while_held(db, clock):
    """The new release runs with LEASE_SECONDS=120 (deliveries: 600 s), the old one, still
    serving during the rollout, with the default 60 (300 s). The new process is posting a
    video; the old one must not claim it (and post it a second time)."""
    # LeaseTerms.lasting(120), as the new release's settings make it.
    new_terms = LeaseTerms(owner="new-release", submit=360.0, poll=120.0, deliver=600.0)
    new = JobStore(db, clock=clock, leases=new_terms)
    old = JobStore(db, clock=clock, leases=LeaseTerms(owner="old-release"))
    job = await a_submitted_job(new, clock)
    info = TaskInfo(
        task_id=job.task_id,
        status=TaskStatus.COMPLETED,
        progress=100,
        video_url="https://cdn.example/v.mp4",
    )
    await finished(new, job, JobState.COMPLETED, now=clock(), info=info)
    posting = await claimed(new, job.id, Stage.DELIVER)
    assert posting.id == job.id
    clock.advance(5)  # the upload is under way; its claim lasts 595 s more
    assert await old.claim_due(Stage.DELIVER, 10) == [], "a delivery in flight taken over"


def test_lease_seconds_is_bounded_where_the_store_takes_the_longest_claim_to_be():
    [bound] = [m.le for m in Settings.model_fields["lease_seconds"].metadata if hasattr(m, "le")]
    assert bound == LEASE_SECONDS_AT_MOST
