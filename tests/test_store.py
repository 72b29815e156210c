"""The job lifecycle in the database: each change one statement, or one transaction."""

import asyncio
import random

import asyncpg
import pytest

from bot.apimart.models import TaskInfo, TaskStatus, VideoRequest
from bot.jobs.models import JobState, Requester
from bot.jobs.stages import LeaseTerms, Stage
from bot.jobs.store import JobStore
from bot.reach import Reply, Route
from tests.backends import RecordingDatabase, postgres_only
from tests.jobstates import claimed, finished, submitted

REQUESTER = Requester(user_id=42, channel_id=7, guild_id=1, locale="zh-CN")
REQUEST = VideoRequest(
    prompt="a fox",
    duration=8,
    resolution="1080p",
    aspect_ratio="9:16",
    generation_type="frame",
    image_urls=("https://x/a.png",),
)


async def test_a_job_round_trips_with_every_parameter(store, clock):
    job = await store.create(REQUESTER, REQUEST, now=clock(), submit_by=clock() + 60)
    loaded = await store.get(job.id)
    assert loaded.request == REQUEST
    assert loaded.requester == REQUESTER
    assert loaded.state is JobState.RECORDED


async def test_lifecycle_from_recorded_to_delivered(store, clock):
    job = await store.create(REQUESTER, REQUEST, now=clock(), submit_by=clock() + 60)
    claim = await store.claim_for_submit(job.id)
    assert claim is not None and claim.state is JobState.SUBMITTING
    assert await store.claim_for_submit(job.id) is None, "a job is submitted once"
    await store.mark_submitted(claim, "task_1", now=clock(), first_poll_at=clock() + 8)
    assert await store.claim_due(Stage.POLL, 10) == []
    clock.advance(8)
    [due] = await store.claim_due(Stage.POLL, 10)
    assert due.task_id == "task_1"
    progressed = await store.record_progress(
        due,
        TaskInfo(task_id="task_1", status=TaskStatus.PROCESSING, progress=40, estimated_time=240),
        next_poll_at=clock() + 8,
    )
    assert progressed is not None
    stored = await store.get(job.id)
    assert stored is not None and stored.state is JobState.PROCESSING and stored.progress == 40
    clock.advance(8)
    [due] = await store.claim_due(Stage.POLL, 10)
    info = TaskInfo(
        task_id="task_1",
        status=TaskStatus.COMPLETED,
        progress=100,
        video_url="https://cdn/v.mp4",
        expires_at=123,
        credits_cost=4,
        cost=0.4,
    )
    assert await store.finish(due, JobState.COMPLETED, now=clock(), info=info)
    assert not await store.finish(due, JobState.FAILED, now=clock()), "final is final"
    [waiting] = await store.claim_due(Stage.DELIVER, 10)
    assert waiting.result_url == "https://cdn/v.mp4"
    assert waiting.credits_cost == 4
    await store.mark_delivered(waiting, now=clock(), message_id=99)
    assert await store.claim_due(Stage.DELIVER, 10) == []
    assert (await store.get(job.id)).delivery_message_id == 99
    # Someone deletes the post: only that channel's message 99 is this job's.
    assert await store.forget_deleted_messages(8, {99}) == []
    assert not (await store.get(job.id)).result_deleted
    [forgotten] = await store.forget_deleted_messages(7, {98, 99})
    assert forgotten.id == job.id and forgotten.result_deleted
    assert not forgotten.status_deleted, "its status message (none) was not deleted"
    assert await store.forget_deleted_messages(7, {99}) == [], "forgotten once"


async def test_a_deleted_status_message_is_marked_and_the_job_keeps_its_id(store, clock, marks):
    """The status message of a job still waiting is deleted: marked deleted, its id kept (no id
    means "never announced", and such a job is announced when it is sent)."""
    job = await store.create(REQUESTER, REQUEST, now=clock(), submit_by=clock() + 60)
    await marks.set_status_message(job.id, 55)
    assert not (await store.get(job.id)).status_deleted
    assert await store.forget_deleted_messages(8, {55}) == [], "another channel's message 55"
    [marked] = await store.forget_deleted_messages(7, {54, 55})
    assert marked.id == job.id and marked.status_deleted
    assert marked.status_message_id == 55, "still announced"
    assert not marked.result_deleted and marked.delivery_target is None
    assert await store.forget_deleted_messages(7, {55}) == [], "marked once"


async def test_a_purge_of_a_status_and_its_result_marks_both_in_one_statement(store, clock, marks):
    job = await store.create(REQUESTER, REQUEST, now=clock(), submit_by=clock() + 60)
    await marks.set_status_message(job.id, 55)
    job = await submitted(store, job, now=clock())
    done = TaskInfo(task_id=job.task_id, status=TaskStatus.COMPLETED, progress=100)
    await finished(store, job, JobState.COMPLETED, now=clock(), info=done)
    await store.mark_delivered(
        await claimed(store, job.id, Stage.DELIVER), now=clock(), message_id=56
    )
    other = await store.create(REQUESTER, REQUEST, now=clock(), submit_by=clock() + 60)
    await marks.set_status_message(other.id, 57)
    [both, status_only] = await store.forget_deleted_messages(7, {55, 56, 57})
    assert both.id == job.id and both.result_deleted and both.status_deleted
    assert both.delivery_message_id is None and both.status_message_id == 55
    assert status_only.id == other.id and status_only.status_deleted
    assert not status_only.result_deleted


async def test_a_deleted_channel_takes_every_job_message_in_it_but_no_dm(store, clock, marks):
    """Discord deletes a channel's messages with it, without an event each: its jobs' statuses
    and posted videos are deleted; a video sent by DM instead, and another channel's, stay."""

    async def posted(channel_id: int, status_id: int, result_id: int, target: str) -> int:
        there = Requester(user_id=42, channel_id=channel_id, guild_id=1)
        job = await store.create(there, REQUEST, now=clock(), submit_by=clock() + 60)
        await marks.set_status_message(job.id, status_id)
        job = await submitted(store, job, now=clock())
        done = TaskInfo(task_id=job.task_id, status=TaskStatus.COMPLETED, progress=100)
        await finished(store, job, JobState.COMPLETED, now=clock(), info=done)
        delivering = await claimed(store, job.id, Stage.DELIVER)
        delivering = await store.begin_delivery(delivering, now=clock(), target=target)
        await store.mark_delivered(delivering, now=clock(), message_id=result_id)
        return job.id

    here = await posted(7, 55, 56, "channel")
    by_dm = await posted(7, 57, 58, "dm")
    elsewhere = await posted(8, 59, 60, "channel")
    forgotten = await store.forget_deleted_channel(1, 7)
    assert [job.id for job in forgotten] == [here, by_dm]
    assert forgotten[0].result_deleted and forgotten[0].status_deleted
    assert forgotten[1].status_deleted and not forgotten[1].result_deleted
    assert forgotten[1].delivery_message_id == 58, "the video in the member's DM"
    other = await store.get(elsewhere)
    assert not other.status_deleted and not other.result_deleted
    assert await store.forget_deleted_channel(1, 7) == [], "forgotten once"


async def test_a_deleted_channel_takes_the_job_messages_in_its_threads(store, clock, marks):
    """Discord sends no event for a deleted channel's archived threads (discord.py makes one up
    only for the threads it holds): a video posted in one is deleted with the channel, not
    linked from `/videos history` for good. Another channel's thread keeps its video."""

    async def posted(thread_id: int, parent_id: int, result_id: int) -> int:
        there = Requester(user_id=42, channel_id=thread_id, guild_id=1, parent_channel_id=parent_id)
        job = await store.create(there, REQUEST, now=clock(), submit_by=clock() + 60)
        await marks.set_status_message(job.id, result_id - 1)
        job = await submitted(store, job, now=clock())
        done = TaskInfo(task_id=job.task_id, status=TaskStatus.COMPLETED, progress=100)
        await finished(store, job, JobState.COMPLETED, now=clock(), info=done)
        delivering = await claimed(store, job.id, Stage.DELIVER)
        delivering = await store.begin_delivery(delivering, now=clock(), target="channel")
        await store.mark_delivered(delivering, now=clock(), message_id=result_id)
        return job.id

    in_thread = await posted(70, 7, 56)
    elsewhere = await posted(80, 8, 58)
    forgotten = await store.forget_deleted_channel(1, 7)
    assert [job.id for job in forgotten] == [in_thread]
    assert forgotten[0].result_deleted and forgotten[0].status_deleted
    other = await store.get(elsewhere)
    assert not other.status_deleted and not other.result_deleted


async def test_a_status_message_found_deleted_by_an_edit_is_marked(store, clock, marks):
    """An edit answered 404: every process (and the next one) knows it is gone."""
    job = await store.create(REQUESTER, REQUEST, now=clock(), submit_by=clock() + 60)
    await marks.set_status_message(job.id, 55)
    await marks.status_message_deleted(job.id)
    stored = await store.get(job.id)
    assert stored.status_deleted and stored.status_message_id == 55


async def test_next_due_covers_submits_polls_and_deliveries(store, clock):
    assert await store.next_due(Stage.SUBMIT) is None
    job = await store.create(REQUESTER, REQUEST, now=clock(), submit_by=clock() + 60)
    assert await store.next_due(Stage.SUBMIT) == clock() + 60
    claim = await store.claim_for_submit(job.id)
    await store.mark_submitted(claim, "t", now=clock(), first_poll_at=clock() + 5)
    assert await store.next_due(Stage.POLL) == clock() + 5
    assert await store.next_due(Stage.DELIVER) is None


async def test_next_due_is_the_earliest_due_time_or_lease_end_of_any_job(store, db, clock):
    """Each stage loop sleeps until its next job is due: the later of its due time and the end
    of its lease, if held (a job held now is due when a lapsed claim would be taken over).
    Rounds of a few jobs in every stage, free, held past their due time, held by a lease that
    already lapsed or that ends before their due time; the answer matches the rows."""
    rng = random.Random(7)
    states = {Stage.SUBMIT: "recorded", Stage.POLL: "processing", Stage.DELIVER: "completed"}
    columns = {Stage.SUBMIT: "next_poll_at", Stage.POLL: "next_poll_at"}
    for _ in range(25):
        await db.write("DELETE FROM jobs")
        for stage, state in states.items():
            column = columns.get(stage, "next_delivery_at")
            for _ in range(3):
                job = await store.create(REQUESTER, REQUEST, now=clock(), submit_by=clock())
                due = clock() + rng.uniform(-300, 300)
                lease = rng.choice([None, due - 100, due + rng.uniform(1, 500), clock() - 5])
                await db.write(
                    f"UPDATE jobs SET state = ?, {column} = ?, lease_until = ? WHERE id = ?",
                    (state, due, lease, job.id),
                )
        for stage, state in states.items():
            column = columns.get(stage, "next_delivery_at")
            rows = await db.fetch_all(
                f"SELECT {column}, lease_until FROM jobs WHERE state = ?", (state,)
            )
            expected = min(max(due, due if lease is None else lease) for due, lease in rows)
            assert await store.next_due(stage) == pytest.approx(expected), stage


async def test_direct_message_jobs_are_queued_apart_and_listed_with_the_members_others(
    store, clock
):
    """A job from a DM has no server: NULL matches NULL in the queue, never a server's jobs;
    the member's own list holds all of theirs, wherever made, and nobody else's."""
    in_dm = Requester(user_id=42, channel_id=8, guild_id=None)
    in_server = await store.create(REQUESTER, REQUEST, now=clock(), submit_by=clock() + 60)
    first = await store.create(in_dm, REQUEST, now=clock(), submit_by=clock() + 60)
    second = await store.create(in_dm, REQUEST, now=clock(), submit_by=clock() + 60)
    await store.create(
        Requester(user_id=43, channel_id=8, guild_id=None),
        REQUEST,
        now=clock(),
        submit_by=clock() + 60,
    )
    listed = await store.recent_for_user(42, 10)
    assert [job.id for job in listed] == [second.id, first.id, in_server.id]
    assert await store.held_position(second) == 2, "both wait unsent, DMs included"


async def test_a_members_cancellable_jobs_are_those_their_cancel_still_stops(store, clock):
    """`/videos cancel` suggests these: waiting, at APIMart, or given up on but still
    followed; never finished, no longer followed, or already cancelled, nor another's."""
    member = Requester(user_id=42, channel_id=8, guild_id=None)

    async def new() -> int:
        return (await store.create(member, REQUEST, now=clock(), submit_by=clock())).id

    waiting = await new()
    rendering = (await submitted(store, await store.get(await new()), now=clock())).id
    followed, left, done = [await new() for _ in range(3)]
    for job_id, follow_up_at in ((followed, clock() + 300), (left, None)):
        job = await submitted(store, await store.get(job_id), now=clock())
        await finished(store, job, JobState.TIMED_OUT, now=clock(), follow_up_at=follow_up_at)
    await finished(
        store,
        await submitted(store, await store.get(done), now=clock()),
        JobState.COMPLETED,
        now=clock(),
        info=TaskInfo(task_id=f"task_{done}", status=TaskStatus.COMPLETED, progress=100),
    )
    dropped, stopped = await new(), await new()
    await submitted(store, await store.get(stopped), now=clock())
    for job_id in (dropped, stopped):
        assert await store.cancel(job_id, reason_key="x", now=clock(), member_told=True)
    await store.create(
        Requester(user_id=43, channel_id=8, guild_id=None), REQUEST, now=clock(), submit_by=clock()
    )
    listed = await store.cancellable_for_user(42, 10)
    assert [job.id for job in listed] == [followed, rendering, waiting]
    assert [job.id for job in await store.cancellable_for_user(42, 2)] == [followed, rendering]


async def test_a_server_that_removed_the_bot_has_only_its_waiting_jobs_cancelled(store, clock):
    """Waiting to be sent there: cancelled, refunded, their notice due. Being sent, or at
    APIMart (billed whatever happens): left to go on. Another server's: untouched."""

    async def new(guild_id: int) -> int:
        there = Requester(user_id=42, channel_id=7, guild_id=guild_id)
        return (await store.create(there, REQUEST, now=clock(), submit_by=clock())).id

    waiting, sending, rendering, elsewhere = await new(1), await new(1), await new(1), await new(2)
    assert await store.claim_for_submit(sending) is not None
    await submitted(store, await store.get(rendering), now=clock())
    cancelled = await store.cancel_waiting_in(1, reason_key="cancelled_bot_removed", now=clock())
    assert cancelled == [waiting]
    dropped = await store.get(waiting)
    assert dropped.state is JobState.CANCELLED and not dropped.counts
    assert dropped.delivered_at is None, "its member is still to be told"
    for job_id in (sending, rendering, elsewhere):
        assert not (await store.get(job_id)).cancelled


async def test_the_servers_with_waiting_jobs_are_those_the_bot_was_a_member_of(store, clock):
    """What a start looks at for removals it did not hear: servers with jobs waiting to be sent.
    Not a DM's job, nor a user install's (no server: it answers through its interaction), nor
    a server's whose jobs are all at APIMart or cancelled already."""

    async def new(guild_id: int | None, reply: Reply | None = None) -> int:
        there = Requester(user_id=42, channel_id=7, guild_id=guild_id, reply=reply)
        return (await store.create(there, REQUEST, now=clock(), submit_by=clock())).id

    await new(1)
    await new(1)
    await submitted(store, await store.get(await new(2)), now=clock())
    cancelled = await new(3)
    assert await store.cancel(cancelled, reason_key="x", now=clock(), member_told=True)
    await new(None)
    await new(None, Reply(Route.INTERACTION, token="t", expires_at=clock() + 900))
    assert await store.guilds_with_waiting_jobs() == [1]


async def test_a_servers_block_cancels_the_members_jobs_there_and_no_others(store, clock):
    """A moderator's block stops the member's videos in their own server only: not the
    member's videos in another server or a DM, nor another member's there; the operator's
    block (no server) stops every one of the member's."""

    async def new(user_id: int, guild_id: int | None) -> int:
        asker = Requester(user_id=user_id, channel_id=7, guild_id=guild_id)
        return (await store.create(asker, REQUEST, now=clock(), submit_by=clock())).id

    here, elsewhere, in_dm = await new(42, 1), await new(42, 2), await new(42, None)
    neighbour = await new(43, 1)
    blocked = await store.cancel_unfinished(1, 42, reason_key="cancelled_by_block", now=clock())
    assert [job.job_id for job in blocked] == [here]
    for untouched in (elsewhere, in_dm, neighbour):
        assert not (await store.get(untouched)).cancelled
    everywhere = await store.cancel_unfinished(
        None, 42, reason_key="cancelled_by_operator_block", now=clock()
    )
    assert [job.job_id for job in everywhere] == [elsewhere, in_dm]
    assert not (await store.get(neighbour)).cancelled


async def test_concurrent_creates_lose_nothing(store, clock):
    jobs = await asyncio.gather(
        *(
            store.create(
                Requester(user_id=i, channel_id=1, guild_id=1),
                REQUEST,
                now=clock(),
                submit_by=clock(),
            )
            for i in range(200)
        )
    )
    assert len({job.id for job in jobs}) == 200
    assert len(await store.claim_due(Stage.SUBMIT, 1000)) == 200


# Leases and fencing ------------------------------------------------------------------------


@postgres_only
async def test_two_processes_claiming_at_once_never_claim_a_job_twice(store, clock, backend):
    """Two processes (two pools, two lease owners) race for the same due jobs."""
    other = JobStore(await backend.open(), clock=clock, leases=LeaseTerms())
    assert other.leases.owner != store.leases.owner
    for i in range(60):
        requester = Requester(user_id=i, channel_id=1, guild_id=1)
        await store.create(requester, REQUEST, now=clock(), submit_by=clock())

    async def worker(process):
        claimed = []
        while batch := await process.claim_due(Stage.SUBMIT, 3):
            claimed.extend((job.id, job.version) for job in batch)
        return claimed

    # Every worker's connection open before the race: on a busy machine a pool still
    # connecting would leave all the jobs to the other process.
    await asyncio.gather(*(p.get(1) for p in [store, other] * 4))
    claims = await asyncio.gather(*(worker(p) for p in [store, other] * 4))
    ids = [job_id for claimed in claims for job_id, _ in claimed]
    assert sorted(ids) == list(range(1, 61)), "each job claimed exactly once"
    assert any(claims[0::2]) and any(claims[1::2]), "both processes took part"


async def test_a_claimed_job_is_not_claimed_again_until_its_lease_lapses(store, clock):
    job = await store.create(REQUESTER, REQUEST, now=clock(), submit_by=clock())
    claim = await store.claim_for_submit(job.id)
    await store.mark_submitted(claim, "t", now=clock(), first_poll_at=clock())
    [first] = await store.claim_due(Stage.POLL, 10)
    assert await store.claim_due(Stage.POLL, 10) == [], "held by the first worker"
    assert await store.next_due(Stage.POLL) == clock() + store.leases.poll
    clock.advance(store.leases.poll + 1)
    [second] = await store.claim_due(Stage.POLL, 10)
    assert second.version > first.version


async def test_a_worker_whose_lease_lapsed_cannot_overwrite_the_new_holder(store, clock):
    job = await store.create(REQUESTER, REQUEST, now=clock(), submit_by=clock())
    claim = await store.claim_for_submit(job.id)
    await store.mark_submitted(claim, "t", now=clock(), first_poll_at=clock())
    [stale] = await store.claim_due(Stage.POLL, 10)
    clock.advance(store.leases.poll + 1)
    [fresh] = await store.claim_due(Stage.POLL, 10)
    done = TaskInfo(task_id="t", status=TaskStatus.COMPLETED, progress=100, video_url="https://v")
    assert await store.finish(fresh, JobState.COMPLETED, now=clock(), info=done)
    running = TaskInfo(task_id="t", status=TaskStatus.PROCESSING, progress=10)
    assert await store.record_progress(stale, running, next_poll_at=clock()) is None
    assert not await store.finish(stale, JobState.FAILED, now=clock())
    assert not await store.record_poll_failure(stale, next_poll_at=clock())
    stored = await store.get(job.id)
    assert stored.state is JobState.COMPLETED and stored.result_url == "https://v"


async def test_a_job_held_by_one_stage_is_not_claimed_by_another(store, clock):
    """A cancelled render's notice waits while a poll of it is in flight, and vice versa."""
    job = await store.create(REQUESTER, REQUEST, now=clock(), submit_by=clock())
    claim = await store.claim_for_submit(job.id)
    await store.mark_submitted(claim, "t", now=clock(), first_poll_at=clock())
    [polling] = await store.claim_due(Stage.POLL, 10)
    assert await store.cancel(job.id, reason_key="x", now=clock(), member_told=False)
    assert await store.claim_due(Stage.DELIVER, 10) == [], "the poll holds it"
    running = TaskInfo(task_id="t", status=TaskStatus.PROCESSING, progress=10)
    progressed = await store.record_progress(polling, running, next_poll_at=clock() + 60)
    assert progressed is not None and progressed.cancelled
    [notice] = await store.claim_due(Stage.DELIVER, 10)
    assert notice.cancelled and notice.state is JobState.PROCESSING


async def test_a_submit_whose_claim_lapsed_becomes_submit_unknown_never_resent(store, clock):
    job = await store.create(REQUESTER, REQUEST, now=clock(), submit_by=clock())
    renewal = await store.renew_before_sending(await store.claim_for_submit(job.id))
    assert renewal is not None, "its request is about to leave"
    claim = renewal.job
    assert await store.expire_lost_submits(now=clock()) == [], "still held"
    clock.advance(store.leases.submit + 1)
    [lost] = await store.expire_lost_submits(now=clock())
    assert lost.id == job.id and lost.state is JobState.SUBMIT_UNKNOWN
    assert await store.claim_due(Stage.SUBMIT, 10) == []
    assert not await store.mark_submitted(claim, "late", now=clock(), first_poll_at=clock())
    [news] = await store.claim_due(Stage.DELIVER, 10)
    assert news.id == job.id, "the member is told the outcome is unknown"


async def test_a_submit_claim_that_lapsed_before_its_request_left_is_sent_again(store, clock):
    job = await store.create(REQUESTER, REQUEST, now=clock(), submit_by=clock())
    claim = await store.claim_for_submit(job.id)
    clock.advance(store.leases.submit + 1)
    assert await store.expire_lost_submits(now=clock()) == [], "nothing to call unknown"
    [again] = await store.claim_due(Stage.SUBMIT, 10)
    assert again.id == job.id and again.state is JobState.SUBMITTING
    assert await store.renew_before_sending(claim) is None, "the stalled worker sends nothing"
    assert await store.renew_before_sending(again) is not None


async def claimed_by_an_older_bot(db, clock, job):
    """What a bot from before `unsent_version` does to claim a submit: `version + 1` alone."""
    await db.write(
        "UPDATE jobs SET state = 'submitting', lease_owner = 'old', lease_until = ?,"
        " version = version + 1 WHERE id = ?",
        (clock() + 1, job.id),
    )
    clock.advance(2)


@pytest.mark.parametrize("released_before", [False, True], ids=["first", "after-a-release"])
async def test_a_submit_claimed_by_a_bot_that_knows_no_unsent_mark_is_taken_as_sent(
    store, db, clock, released_before
):
    """During a deploy an older process claims with `version + 1` alone: its lapse may follow a
    request that left, so it is `submit_unknown`, never sent twice. A release leaves a newer
    claim's mark behind, which the older claim does not clear: only `unsent_version = version`
    tells a claim was never sent."""
    job = await store.create(REQUESTER, REQUEST, now=clock(), submit_by=clock())
    if released_before:
        assert await store.release(await store.claim_for_submit(job.id), Stage.SUBMIT)
    await claimed_by_an_older_bot(db, clock, job)
    [lost] = await store.expire_lost_submits(now=clock())
    assert lost.id == job.id and lost.state is JobState.SUBMIT_UNKNOWN


async def test_renewing_keeps_a_claim_and_a_lost_claim_cannot_be_renewed(store, clock):
    job = await store.create(REQUESTER, REQUEST, now=clock(), submit_by=clock())
    claim = await store.claim_for_submit(job.id)
    clock.advance(store.leases.submit - 1)
    assert await store.renew(claim, Stage.SUBMIT)
    clock.advance(store.leases.submit - 1)
    assert await store.expire_lost_submits(now=clock()) == [], "the renewal kept it"
    assert await store.release(claim, Stage.SUBMIT)
    assert not await store.renew(claim, Stage.SUBMIT), "released claims stay released"


async def test_a_poll_round_costs_one_claim_and_one_statement_per_check(db, clock):
    """50 due checks: one statement claims them all, one per check records its progress (with
    its fencing: a stale claim writes nothing); no transaction, no read in between."""
    counting = RecordingDatabase(db)
    store = JobStore(counting, clock=clock)
    for number in range(50):
        job = await store.create(REQUESTER, REQUEST, now=clock(), submit_by=clock())
        claim = await store.claim_for_submit(job.id)
        await store.mark_submitted(claim, f"task_{number}", now=clock(), first_poll_at=clock())
    counting.reset()
    due = await store.claim_due(Stage.POLL, 100)
    assert len(due) == 50
    for job in due:
        info = TaskInfo(task_id=job.task_id, status=TaskStatus.PROCESSING, progress=30)
        assert await store.record_progress(job, info, next_poll_at=clock() + 60) is not None
    assert (counting.writes, counting.transactions) == (51, 0)
    # The fencing holds: the claim was used up by its write, so writing again changes nothing.
    info = TaskInfo(task_id=due[0].task_id, status=TaskStatus.PROCESSING, progress=90)
    assert await store.record_progress(due[0], info, next_poll_at=clock()) is None
    assert (await store.get(due[0].id)).progress == 30


async def test_a_delivery_put_off_is_due_again_as_a_delivery_not_as_an_early_status_check(
    store, clock
):
    # A moderator cancelled a render still running; its notice's channel is busy, so the
    # delivery stage puts it off a second.
    job = await store.create(REQUESTER, REQUEST, now=clock(), submit_by=clock())
    claim = await store.claim_for_submit(job.id)
    assert await store.mark_submitted(claim, "task_1", now=clock(), first_poll_at=clock() + 100)
    await store.cancel(job.id, reason_key="cancelled_by_moderator", now=clock(), member_told=False)
    [notice] = await store.claim_due(Stage.DELIVER, 10)
    assert await store.release(notice, Stage.DELIVER, retry_at=clock() + 1)
    current = await store.get(job.id)
    assert current.next_poll_at == clock() + 100, "the render's next check stays where it was"
    assert await store.claim_due(Stage.DELIVER, 10) == [], "not taken again before its time"
    clock.advance(1)
    assert [job.id for job in await store.claim_due(Stage.DELIVER, 10)] == [job.id]


@postgres_only
async def test_a_cancel_while_a_held_submit_is_given_back_is_never_lost(backend, store, clock):
    """A job waiting for a slot is claimed and given back (submitting, then recorded again) over
    and over; a Cancel pressed while the give-back is in flight must still stop it, never answer
    "too late" and leave it to be sent (and paid for)."""
    job = await store.create(REQUESTER, REQUEST, now=clock(), submit_by=clock())
    claim = await store.claim_for_submit(job.id)
    assert claim is not None and claim.state is JobState.SUBMITTING
    other = await asyncpg.connect(backend.dsn, server_settings={"search_path": backend.schema})
    try:
        # Another process gives the claim back; its statement is not committed yet.
        giving_back = other.transaction()
        await giving_back.start()
        await other.execute(
            "UPDATE jobs SET state = 'recorded', version = version + 1, lease_owner = NULL,"
            " lease_until = NULL WHERE id = $1 AND version = $2",
            job.id,
            claim.version,
        )
        cancel = asyncio.create_task(
            store.cancel(job.id, reason_key="cancelled_by_member", now=clock(), member_told=True)
        )
        await asyncio.sleep(0.3)  # the cancel is under way, waiting on the row
        await giving_back.commit()
        outcome = await cancel
    finally:
        await other.close()
    assert outcome is not None, "the member must not be told it is too late"
    assert (await store.get(job.id)).cancelled
    assert await store.claim_due(Stage.SUBMIT, 10) == [], "never sent"


async def test_a_submit_claimed_in_a_batch_that_lapsed_before_its_request_left_is_sent_again(
    store, clock
):
    job = await store.create(REQUESTER, REQUEST, now=clock(), submit_by=clock())
    [claim] = await store.claim_due(Stage.SUBMIT, 10)
    clock.advance(store.leases.submit + 1)
    assert await store.expire_lost_submits(now=clock()) == [], "nothing to call unknown"
    assert (await store.get(job.id)).state is JobState.RECORDED
    assert await store.renew_before_sending(claim) is None


async def test_a_prompt_with_a_nul_character_is_recorded_on_either_backend(store, clock):
    """A NUL shows nothing, and SQLite keeps it; PostgreSQL's text cannot hold one, and a
    member's pasted prompt (or APIMart's reason) carrying one would fail the command there."""
    request = VideoRequest(prompt="a lighthouse\x00 at dusk", duration=4)
    job = await store.create(REQUESTER, request, now=clock(), submit_by=clock())
    stored = await store.get(job.id)
    assert stored is not None
    assert stored.request.prompt.replace("\x00", "") == "a lighthouse at dusk"
    await store.mark_unsubmitted(
        stored,
        JobState.REJECTED,
        "service_said",
        detail="bad\x00 input",
        now=clock(),
        member_told=False,
    )
    assert (await store.get(job.id)).error_message.replace("\x00", "") == "bad input"


async def test_a_lost_claims_post_is_not_written_over_what_a_later_change_left(store, db, clock):
    """A delivery claim lost to one change records its post (its job's next search starts
    after it); after a second change, the mark is that change's (0: a newer attempt began a
    post whose id is unknown), and the late write must not replace it with an older post."""
    job = await store.create(REQUESTER, REQUEST, now=clock(), submit_by=clock() + 60)
    await db.write(
        "UPDATE jobs SET version = version + 2, superseded_post_id = 0 WHERE id = ?", (job.id,)
    )
    await store.end_lost_claim(job, posted_id=1_500_000_000_000_000_000)
    assert (await store.get(job.id)).superseded_post_id == 0
