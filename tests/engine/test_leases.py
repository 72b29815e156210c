"""Leases across processes: two engines on one database, each with its own lease owner.

The second engine starts with `recover_at_start=False`: with several live processes, a starting
one must not release the others' claims (that is only right for SQLite's single process).
"""

import asyncio
import time
from collections import Counter
from dataclasses import replace

import pytest

from bot.apimart.models import TaskInfo, TaskStatus
from bot.i18n import msg
from bot.jobs.models import CHANNEL_TARGET, JobState
from bot.jobs.stages import LeaseTerms, Stage
from bot.jobs.store import JobStore
from bot.moderation.service import Moderation
from bot.moderation.store import Actor
from tests.engine.world import TIMING, make_engine, results, running, wait_for_result
from tests.fakes.apimart import TaskPlan
from tests.fakes.components import shown_text
from tests.jobstates import a_submitted_job, claimed, finished


class Overlaps:
    """Notes every time two workers are inside the same call for the same job at once."""

    def __init__(self):
        self.active = set()
        self.overlaps = []
        self.calls = Counter()

    def watch(self, who, what, call, key):
        async def watched(*args, **kwargs):
            busy = (what, key(*args))
            if busy in self.active:
                self.overlaps.append(busy)
            self.active.add(busy)
            self.calls[who] += 1
            try:
                # Hold the job a moment, so a second claim of it would overlap.
                await asyncio.sleep(0.01)
                return await call(*args, **kwargs)
            finally:
                self.active.discard(busy)

        return watched


async def test_two_engines_on_one_database_never_work_on_the_same_job_at_once(
    db, api, session, client, fake, monkeypatch
):
    api.default_plan = TaskPlan(polls_until_done=3)
    # Eight results in one channel at once: keep Discord's per-route bucket out of the way.
    fake.rate_limit_limit = fake.rate_limit_remaining = 50
    overlaps = Overlaps()
    engines = {}
    for name in ("a", "b"):
        engine = make_engine(
            db,
            api,
            session,
            client,
            fake,
            leases=LeaseTerms(owner=f"process-{name}"),
            recover_at_start=False,
            wrap_delivery=lambda deliver, name=name: overlaps.watch(
                name, "deliver", deliver, lambda job: job.id
            ),
            submit_workers=2,
            concurrency=2,
            delivery_workers=2,
        )
        for method, key in (("submit", lambda request: request.prompt), ("get_task", str)):
            call = getattr(engine.client, method)
            monkeypatch.setattr(engine.client, method, overlaps.watch(name, method, call, key))
        engines[name] = engine
    jobs = [await engines["a"].record(f"job {n}") for n in range(8)]
    async with running(*engines.values()):
        for job in jobs:
            await wait_for_result(fake, job.id, timeout=5)
    assert overlaps.overlaps == []
    assert overlaps.calls["a"] and overlaps.calls["b"], "both engines took part"
    assert sorted(submit["prompt"] for submit in api.submits) == [f"job {n}" for n in range(8)]
    assert all(len(results(fake, job.id)) == 1 for job in jobs)
    assert all(api.task(task_id).polls == 3 for task_id in api.task_ids)


async def test_a_poll_claimed_by_a_dead_process_is_taken_over_once_its_lease_lapses(
    db, api, session, client, fake
):
    api.default_plan = TaskPlan(polls_until_done=1)
    survivor = make_engine(
        db,
        api,
        session,
        client,
        fake,
        leases=LeaseTerms(owner="alive"),
        recover_at_start=False,
        timing=replace(TIMING, first_poll_delay=0.0),
    )
    job = await survivor.queue()
    dead = JobStore(db, leases=LeaseTerms(owner="dead", poll=0.15))
    claimed_at = time.time()
    assert await dead.claim_due(Stage.POLL, 10)  # then the process is killed
    async with running(survivor):
        await wait_for_result(fake, job.id)
    [first_poll] = api.requests_for("poll")
    assert first_poll.time >= claimed_at + 0.15, "not taken before the lease lapsed"
    assert len(results(fake, job.id)) == 1


async def test_a_submit_claimed_by_a_dead_process_is_told_as_unknown_never_resent(
    db, api, session, client, fake
):
    survivor = make_engine(
        db, api, session, client, fake, leases=LeaseTerms(owner="alive"), recover_at_start=False
    )
    job = await survivor.record()
    dead = JobStore(db, leases=LeaseTerms(owner="dead", submit=0.15))
    [claim] = await dead.claim_due(Stage.SUBMIT, 10)
    assert claim.state is JobState.SUBMITTING
    assert await dead.renew_before_sending(claim)  # it may have sent the request, then died
    async with running(survivor):
        told = await wait_for_result(fake, job.id)
    assert "can't tell whether" in shown_text(told)
    assert api.submits == []
    assert (await survivor.store.get(job.id)).state is JobState.SUBMIT_UNKNOWN


def stale_and_fresh(db, api, session, client, fake, monkeypatch):
    """Two processes on one database: "a", whose delivery claim lapses at once (its renewals
    never get through, as in a paused process), and "b", which takes its jobs over. Jobs
    render in one status check."""
    api.default_plan = TaskPlan(polls_until_done=1)
    # One delivery worker, stuck below: the stale process cannot claim the job again itself.
    stale = make_engine(
        db,
        api,
        session,
        client,
        fake,
        leases=LeaseTerms(owner="a", deliver=0.1),
        delivery_workers=1,
    )
    fresh = make_engine(
        db, api, session, client, fake, leases=LeaseTerms(owner="b"), recover_at_start=False
    )
    renew = stale.store.renew

    async def frozen(job, stage):
        if stage is Stage.DELIVER:
            await asyncio.Event().wait()  # paused while delivering: renewals never get through
        return await renew(job, stage)

    monkeypatch.setattr(stale.store, "renew", frozen)
    return stale, fresh


async def test_a_stale_worker_whose_lease_lapsed_cannot_post_again_or_overwrite(
    db, api, session, client, fake, monkeypatch
):
    stale, fresh = stale_and_fresh(db, api, session, client, fake, monkeypatch)
    begun = []
    begin_delivery = stale.store.begin_delivery

    async def noting_begin_delivery(job, **kwargs):
        begun.append(await begin_delivery(job, **kwargs))
        return begun[-1]

    monkeypatch.setattr(stale.store, "begin_delivery", noting_begin_delivery)
    job = await stale.queue()
    api.stall_next(0.4)  # the stale worker's download resumes after its lease lapsed
    async with running(stale):
        await api.wait_for_downloads(1)
        async with running(fresh):
            posted = await wait_for_result(fake, job.id)
            await fake.wait_for(lambda: begun, description="the stale worker to try to post")
    assert begun == [None], "its claim was fenced off: it did not post"
    assert results(fake, job.id) == [posted]
    stored = await fresh.store.get(job.id)
    assert stored.delivery_message_id == int(posted["id"])
    assert stored.delivery_attempts == 1, "the stale worker's retry was not written either"
    assert time.time() >= stored.delivered_at


@pytest.mark.parametrize("claim_read_before_the_write", [False, True])
async def test_a_worker_paused_between_its_last_claim_check_and_its_post_leaves_one_result(
    db, api, session, client, fake, monkeypatch, claim_read_before_the_write
):
    """Process A writes down its delivery attempt, then is paused (SIGSTOP, a frozen VM) past
    its claim and past the few minutes Discord remembers a nonce: B takes the job over, finds
    no post, and posts. A wakes and its post goes too; it learns its claim was lost, finds the
    video posted by B (waiting for B to write it down, however A's reads fall around that
    write), and takes its own post back: the channel shows the video once."""
    fake.nonce_window = 0.0  # the pause outlasted Discord's memory of the nonce
    stale, fresh = stale_and_fresh(db, api, session, client, fake, monkeypatch)
    resume, noted = asyncio.Event(), asyncio.Event()
    begin_delivery = stale.store.begin_delivery

    async def paused_after_noting(job, **kwargs):
        written = await begin_delivery(job, **kwargs)
        noted.set()
        await resume.wait()  # paused here: after the write, before the post leaves
        return written

    monkeypatch.setattr(stale.store, "begin_delivery", paused_after_noting)
    mark_delivered = fresh.store.mark_delivered
    written_down = asyncio.Event()

    async def slow_to_write_down(job, **kwargs):
        await asyncio.sleep(0.5)  # B's post is made; its write is on its way meanwhile
        marked = await mark_delivered(job, **kwargs)
        written_down.set()
        return marked

    monkeypatch.setattr(fresh.store, "mark_delivered", slow_to_write_down)
    if claim_read_before_the_write:
        claimed_by_another = stale.store.claimed_by_another

        async def answered_after_the_write(job_id):
            await written_down.wait()  # B's write lands while A asks who holds the job
            return await claimed_by_another(job_id)

        monkeypatch.setattr(stale.store, "claimed_by_another", answered_after_the_write)
    job = await stale.queue()
    async with running(stale):
        await noted.wait()
        await asyncio.sleep(0.2)  # A's claim lapses
        async with running(fresh):
            posted = await wait_for_result(fake, job.id)
            resume.set()  # A posts before B has written its post down
            await fake.wait_for(
                lambda: any(r.method == "DELETE" for r in fake.requests),
                description="the second post taken back",
            )
    assert results(fake, job.id) == [posted], "the result was posted twice"
    assert (await fresh.store.get(job.id)).delivery_message_id == int(posted["id"])


async def test_a_command_that_sends_its_own_job_keeps_its_claim_through_a_slow_answer(
    db, api, session, client, fake
):
    # The member's /video sends its job itself; APIMart answers after longer than a claim lasts.
    engine = make_engine(
        db, api, session, client, fake, leases=LeaseTerms(owner="alive", submit=0.9)
    )
    other = make_engine(
        db, api, session, client, fake, leases=LeaseTerms(owner="other"), recover_at_start=False
    )
    # The claim is renewed every 0.3 s: long enough apart that a busy test machine's pauses
    # cannot make it lapse, short enough that an unrenewed claim lapses well before the answer.
    # The look below comes 0.6 s after an unrenewed claim would have lapsed, 0.5 s before the
    # answer.
    api.delay_next("submit", 2.0)
    job = await engine.record()
    sending = asyncio.create_task(engine.service.submit(job, member_present=True))
    await asyncio.sleep(1.5)
    # Meanwhile another process's submit stage looks for submits whose claim lapsed.
    assert await other.service.settle_lost_submits() == 0, "a claim still held is not lapsed"
    report = await sending
    assert report.state is JobState.QUEUED
    [task_id] = api.task_ids
    assert (await engine.store.get(job.id)).task_id == task_id, "the paid render is followed"


async def test_a_submit_whose_claim_lapsed_before_sending_sends_nothing(
    db, api, session, client, fake
):
    engine = make_engine(
        db, api, session, client, fake, leases=LeaseTerms(owner="stuck", submit=0.1)
    )
    job = await engine.record()
    claimed = await engine.store.claim_for_submit(job.id)
    await asyncio.sleep(0.2)  # the worker stalled (its renewals failing) past its claim
    # Its request had not left: the job waits to be sent again, not "outcome unknown".
    assert await engine.service.settle_lost_submits() == 0
    report = await engine.service.submit_claimed(claimed, member_present=False)
    assert api.submits == [], "the stalled worker sends nothing: its claim is gone"
    assert report.state is JobState.RECORDED
    again = await engine.service.submit(job, member_present=False)
    assert again.state is JobState.QUEUED and len(api.submits) == 1, "sent once, by the next"


async def test_a_lost_claim_never_ends_the_same_process_s_newer_claim(store, clock):
    """A delivery outlives its lease (renewals failed: the database away for minutes) and the
    same process claims the job again and starts posting. When the first attempt finds its
    claim lost, ending it early must not free the second: a third would post beside it."""
    job = await a_submitted_job(store, clock)
    info = TaskInfo(
        task_id=job.task_id, status=TaskStatus.COMPLETED, progress=100, video_url="https://v/x"
    )
    await finished(store, job, JobState.COMPLETED, now=clock(), info=info)
    first = await claimed(store, job.id, Stage.DELIVER)
    clock.advance(store.leases.deliver + 1)
    second = await claimed(store, job.id, Stage.DELIVER)  # same owner, one version on
    assert await store.begin_delivery(second, now=clock(), target=CHANNEL_TARGET)
    assert not await store.mark_delivered(first, now=clock(), message_id=555)
    await store.end_lost_claim(first, 555)
    assert await store.claim_due(Stage.DELIVER, 10) == [], "the second claim was freed"


async def test_a_submit_worker_paused_past_its_lease_never_sends_back_the_job_another_sent(
    db, api, session, client, fake, monkeypatch
):
    """Process A claims a job left behind and announces it; A pauses (its renewals stop) past
    its claim, and process B takes the job over and sends it: APIMart renders it. When A
    resumes, the job it reads back is B's: it must not act on it (here the server's one slot,
    which B's render now holds, would put it back in line and have it sent and billed again)."""
    api.default_plan = TaskPlan(polls_until_done=None)
    await Moderation(db, clock=time.time).store.update_policy(
        Actor(fake.guild_id, 99),
        msg("change_resumed", moderator="x"),
        default_limit=10,
        max_active=10,
        max_rendering=1,
    )
    announcing, resume = asyncio.Event(), asyncio.Event()
    # No status check of B's render within the test: each moves the fake render on (pending,
    # then processing), and how many fell in here would be the machine's speed. Both processes
    # run with the same settings, as deployed: an engine takes a job due further ahead than its
    # own first check for one set by a clock that ran ahead, and checks it at once.
    unchecked = replace(TIMING, first_poll_delay=600.0)

    async def paused_announce(job):
        announcing.set()
        await resume.wait()  # the process is paused while its status message is posted

    paused = make_engine(
        db,
        api,
        session,
        client,
        fake,
        leases=LeaseTerms(owner="a", submit=0.1),
        announce=paused_announce,
        timing=unchecked,
    )
    renew = paused.store.renew

    async def frozen(job, stage):
        if stage is Stage.SUBMIT:
            await asyncio.Event().wait()  # paused: its renewals never get through
        return await renew(job, stage)

    monkeypatch.setattr(paused.store, "renew", frozen)
    other = make_engine(
        db,
        api,
        session,
        client,
        fake,
        leases=LeaseTerms(owner="b"),
        recover_at_start=False,
        timing=unchecked,
    )
    job = await paused.record()
    round_a = asyncio.create_task(paused.poller.run_once())
    await announcing.wait()
    await asyncio.sleep(0.3)  # A's claim (0.1 s) lapses, with room for a loaded machine
    # B's submit stage: A's claim lapsed before its request left, so B sends the job.
    assert await other.service.settle_lost_submits() == 0
    sent = await other.service.submit(job, member_present=False)
    assert sent.state is JobState.QUEUED
    [task_id] = api.task_ids
    resume.set()
    await round_a
    await other.poller.run_once()  # any submit now due is sent
    stored = await other.store.get(job.id)
    assert (stored.state, stored.task_id) == (JobState.QUEUED, task_id), "B's render is followed"
    assert len(api.submits) == 1, "sent, and billed, twice"
