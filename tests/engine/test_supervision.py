"""Supervised stages: whatever a stage raises, the next job is delivered and the failing one is
tried again (or ends honestly), never left claimed."""

import asyncio
import logging
import sqlite3
import time
from dataclasses import replace

import pytest

from bot.engine.supervisor import supervise
from bot.jobs.kept_tasks import KeptTask, KeptTasks
from bot.jobs.models import JobState
from bot.jobs.service import SubmitTiming
from bot.jobs.stages import LeaseTerms, Stage
from bot.jobs.status_marks import StatusMarks
from bot.status_messages import StatusMessages
from tests.engine.faults import Outage, for_job, raise_on
from tests.engine.world import (
    TIMING,
    is_result,
    make_engine,
    results,
    running,
    wait_for_result,
)
from tests.fakes.apimart import TaskPlan
from tests.fakes.components import shown_text

LOCKED = sqlite3.OperationalError("database is locked")


def logged(caplog, text):
    return [record for record in caplog.records if text in record.getMessage()]


async def test_a_poll_that_raises_is_polled_again_and_the_next_job_is_still_delivered(
    db, api, session, client, fake, monkeypatch, caplog
):
    api.default_plan = TaskPlan(polls_until_done=2)
    engine = make_engine(db, api, session, client, fake)
    failing = await engine.queue("hit by a locked database")
    other = await engine.queue("unharmed")
    raised = raise_on(
        monkeypatch, engine.store, "record_progress", LOCKED, when=for_job(failing.id)
    )
    async with running(engine):
        await wait_for_result(fake, other.id)
        await wait_for_result(fake, failing.id)
    assert raised, "the fault really hit the poll"
    assert logged(caplog, f"Job {failing.id}: poll failed unexpectedly")
    assert len(results(fake, failing.id)) == len(results(fake, other.id)) == 1


async def test_a_status_edit_that_raises_does_not_strand_the_job(
    db, api, session, client, fake, caplog
):
    api.default_plan = TaskPlan(polls_until_done=3)
    edits = []

    async def status_edit(job):
        edits.append(job.id)
        # The first edit of the failing job (the two jobs' polls run in either order).
        if job.id == failing.id and edits.count(job.id) == 1:
            raise ConnectionResetError("Discord hung up while the status was edited")

    engine = make_engine(db, api, session, client, fake, on_progress=status_edit)
    failing = await engine.queue()
    other = await engine.queue()
    async with running(engine):
        await wait_for_result(fake, failing.id)
        await wait_for_result(fake, other.id)
    assert len(edits) >= 3, "progress went on being reported after the failed edit"
    # A network fault, no bug: its own words, no traceback.
    [line] = logged(caplog, f"Job {failing.id}: poll failed, a connection failing")
    assert "(ConnectionResetError: Discord hung up" in line.getMessage() and not line.exc_info


async def test_a_delivery_that_raises_is_retried_and_the_next_job_is_still_delivered(
    db, api, session, client, fake, monkeypatch
):
    api.default_plan = TaskPlan(polls_until_done=1)
    engine = make_engine(db, api, session, client, fake)
    failing = await engine.queue()
    other = await engine.queue()
    raised = raise_on(
        monkeypatch, engine.delivery, "_deliver", RuntimeError("a bug"), when=for_job(failing.id)
    )
    async with running(engine):
        await wait_for_result(fake, other.id)
        await wait_for_result(fake, failing.id)
    assert raised
    stored = await engine.store.get(failing.id)
    assert stored.delivered_at is not None
    assert stored.delivery_attempts == 2


async def test_marking_delivered_that_fails_is_retried_and_the_result_is_posted_once(
    db, api, session, client, fake, monkeypatch, caplog
):
    caplog.set_level(logging.INFO)
    api.default_plan = TaskPlan(polls_until_done=1)
    engine = make_engine(db, api, session, client, fake)
    failing = await engine.queue()
    other = await engine.queue()
    raised = raise_on(
        monkeypatch,
        engine.store,
        "mark_delivered",
        sqlite3.OperationalError("disk I/O error"),
        when=for_job(failing.id),
    )
    async with running(engine):
        await wait_for_result(fake, other.id)
        [posted] = [await wait_for_result(fake, failing.id)]
        await fake.wait_for(lambda: len(raised) == 1, description="the fault to hit")
        await fake.wait_for(
            lambda: logged(caplog, f"Job {failing.id} was already delivered"),
            description="the retry to find the post",
        )
    stored = await engine.store.get(failing.id)
    assert stored.delivered_at is not None
    assert stored.delivery_message_id == int(posted["id"])
    assert results(fake, failing.id) == [posted]


async def test_a_task_id_write_that_fails_a_while_is_retried_and_the_job_delivered(
    db, api, session, client, fake, monkeypatch
):
    api.default_plan = TaskPlan(polls_until_done=1)
    timing = replace(TIMING, store_task_backoff=0.01)
    engine = make_engine(db, api, session, client, fake, timing=timing)
    job = await engine.record()
    raised = raise_on(monkeypatch, engine.store, "mark_submitted", LOCKED, times=3)
    async with running(engine):
        await wait_for_result(fake, job.id)
    assert len(raised) == 3
    assert len(api.submits) == 1
    assert (await engine.store.get(job.id)).state is JobState.COMPLETED


async def test_a_task_id_write_during_a_database_restart_keeps_the_paid_render(
    db, api, session, client, fake, monkeypatch
):
    """APIMart accepted the video, and the database restarts (a failover) for longer than a
    few quick tries: the id is written once it is back, and the video posted; not "outcome
    unknown", with a render APIMart makes and bills never followed."""
    api.default_plan = TaskPlan(polls_until_done=1)
    timing = replace(TIMING, store_task_backoff=0.01, store_task_max_backoff=0.1)
    engine = make_engine(db, api, session, client, fake, timing=timing)
    job = await engine.record()
    write = engine.store.mark_submitted
    outage: list[float] = []

    async def during_restart(*args, **kwargs):
        now = asyncio.get_running_loop().time()
        outage.append(now)
        if now - outage[0] < 1.5:
            raise ConnectionRefusedError("the database system is starting up")
        return await write(*args, **kwargs)

    monkeypatch.setattr(engine.store, "mark_submitted", during_restart)
    async with running(engine):
        told = await wait_for_result(fake, job.id, timeout=10)
    assert "can't tell whether" not in shown_text(told)
    assert len(api.submits) == 1
    assert (await engine.store.get(job.id)).state is JobState.COMPLETED


async def kept_on_disk(kept: KeptTasks) -> list[KeptTask]:
    """The kept task ids, once there are any (a bounded wait, never a timing)."""
    for _ in range(1500):
        if pending := kept.pending():
            return pending
        await asyncio.sleep(0.01)
    raise AssertionError("no task id was kept")


def video_of(job_id: int):
    """The job's result post with its video (not a notice that it cannot be told)."""
    return lambda message: is_result(job_id)(message) and "can't tell" not in shown_text(message)


async def test_a_database_away_longer_than_the_task_id_window_still_gets_the_video_posted(
    db, api, session, client, fake, monkeypatch, tmp_path, caplog
):
    """APIMart accepted the video (and bills it), and the database is away for longer than the
    task id's write is retried: the id is kept on disk, and once the database is back the
    render is followed and the video posted, instead of "outcome unknown" for a video the
    member paid for and never got. The operator's log says the answer is kept, not that the
    submit's outcome is unknown (which sent them looking for a render the bot never lost)."""
    api.default_plan = TaskPlan(polls_until_done=1)
    leases = LeaseTerms(owner="engine-a", submit=0.5)
    timing = replace(
        TIMING, store_task_for=0.2, store_task_backoff=0.01, store_task_max_backoff=0.05
    )
    kept = KeptTasks(tmp_path / "bot.sqlite3.accepted-tasks")
    engine = make_engine(
        db, api, session, client, fake, leases=leases, timing=timing, kept_tasks=kept
    )
    outage = Outage(monkeypatch, db)
    job = await engine.record()
    write = engine.store.mark_submitted

    async def database_goes_away(*args, **kwargs):
        outage.down = True  # just as APIMart's answer is to be written down
        return await write(*args, **kwargs)

    monkeypatch.setattr(engine.store, "mark_submitted", database_goes_away)
    async with running(engine):
        [task] = await kept_on_disk(kept)  # the window passed with the database still away
        outage.down = False
        await fake.wait_for_message(None, video_of(job.id), timeout=15)
    assert task == KeptTask(job.id, api.task_ids[0], job.created_at)
    assert len(api.submits) == 1
    stored = await engine.store.get(job.id)
    assert (stored.state, stored.task_id) == (JobState.COMPLETED, task.task_id)
    assert len(results(fake, job.id)) == 1
    assert kept.pending() == [], "handed over, the id is no longer kept"
    assert not logged(caplog, "outcome is unknown")
    assert logged(caplog, f"Job {job.id}: APIMart's answer could not be written down; kept")


async def test_a_task_id_kept_by_a_bot_stopped_during_an_outage_is_followed_by_the_next_one(
    db, api, session, client, fake, monkeypatch, tmp_path, caplog
):
    """The bot stops while the database is away and the accepted task's id still waits to be
    written: the next process (the database back) follows the render and posts it. Its log
    says the kept answer is handed over, not that the submit's outcome is unknown."""
    api.default_plan = TaskPlan(polls_until_done=1)
    kept = KeptTasks(tmp_path / "bot.sqlite3.accepted-tasks")
    first = make_engine(db, api, session, client, fake, kept_tasks=kept)
    outage = Outage(monkeypatch, db)
    job = await first.record()
    write = first.store.mark_submitted
    writing = asyncio.Event()

    async def database_goes_away(*args, **kwargs):
        outage.down = True
        writing.set()
        return await write(*args, **kwargs)

    monkeypatch.setattr(first.store, "mark_submitted", database_goes_away)
    async with running(first):
        await writing.wait()
    assert kept.pending() == [KeptTask(job.id, api.task_ids[0], job.created_at)]
    outage.down = False
    # The next process: its own lease owner, the same file beside the same database.
    leases = LeaseTerms(owner="engine-b")
    second = make_engine(
        db, api, session, client, fake, leases=leases, kept_tasks=KeptTasks(kept.path)
    )
    async with running(second):
        told = await wait_for_result(fake, job.id)
    assert "can't tell" not in shown_text(told), "followed again before anything was posted"
    assert len(api.submits) == 1
    assert (await second.store.get(job.id)).state is JobState.COMPLETED
    assert kept.pending() == []
    assert not logged(caplog, "outcome unknown")


async def test_a_task_id_write_whose_answer_was_lost_is_not_reported_as_a_lost_claim(
    db, api, session, client, fake, monkeypatch, caplog
):
    """The write committed but the connection dropped before its answer: the retry finds the
    job already queued with this very task id, which is success, not an error to chase."""
    api.default_plan = TaskPlan(polls_until_done=1)
    timing = replace(TIMING, store_task_backoff=0.01)
    engine = make_engine(db, api, session, client, fake, timing=timing)
    job = await engine.record()
    write = engine.store.mark_submitted
    lost: list[int] = []

    async def committed_then_lost(claim, *args, **kwargs):
        stored = await write(claim, *args, **kwargs)
        if not lost:
            lost.append(claim.id)
            raise ConnectionResetError("the connection dropped before the answer")
        return stored

    monkeypatch.setattr(engine.store, "mark_submitted", committed_then_lost)
    async with running(engine):
        await wait_for_result(fake, job.id)
    assert lost == [job.id]
    assert len(api.submits) == 1
    assert (await engine.store.get(job.id)).state is JobState.COMPLETED
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], "nothing to chase"


async def test_a_submit_that_raises_midway_ends_as_submit_unknown_never_resent(
    db, api, session, client, fake, monkeypatch
):
    """The request may have left: once its lease lapses the member is told, nothing is resent."""
    api.default_plan = TaskPlan(polls_until_done=1)
    leases = LeaseTerms(owner="engine-a", submit=0.15)
    timing = SubmitTiming(first_poll_delay=0.01, orphan_grace=0.0, store_task_for=0.0)
    engine = make_engine(db, api, session, client, fake, leases=leases, timing=timing)
    failing = await engine.record("its task id is never stored")
    raise_on(monkeypatch, engine.store, "mark_submitted", OSError(28, "No space left on device"))
    async with running(engine):
        told = await wait_for_result(fake, failing.id)
        following = await engine.queue("sent after the fault")
        await wait_for_result(fake, following.id)
    assert "can't tell whether" in shown_text(told)
    assert (await engine.store.get(failing.id)).state is JobState.SUBMIT_UNKNOWN
    assert [submit["prompt"] for submit in api.submits] == [
        "its task id is never stored",
        "sent after the fault",
    ]


async def test_a_stop_while_the_task_id_is_written_leaves_the_id_in_the_log(
    db, api, session, client, fake, monkeypatch, caplog
):
    """APIMart accepted the job; the bot stops while the task id's write waits on the
    database. Whether it landed is unknown: the id is in the log, for the operator to find the
    paid render should it not have."""
    engine = make_engine(db, api, session, client, fake)
    await engine.record("its task id is being written when the bot stops")
    writing = asyncio.Event()

    async def stuck(*args, **kwargs):
        writing.set()
        await asyncio.Event().wait()

    monkeypatch.setattr(engine.store, "mark_submitted", stuck)
    async with running(engine):
        await writing.wait()
    [task_id] = api.task_ids
    assert logged(caplog, f"stopped before its task id {task_id}")


@pytest.mark.parametrize("stage", list(Stage))
async def test_a_crash_of_a_stage_loop_itself_is_restarted_by_its_supervisor(
    db, api, session, client, fake, monkeypatch, caplog, stage
):
    api.default_plan = TaskPlan(polls_until_done=1)
    engine = make_engine(db, api, session, client, fake)
    job = await engine.record()
    raised = raise_on(
        monkeypatch,
        engine.store,
        "claim_due",
        LOCKED,
        when=lambda claimed_stage, limit, **_: claimed_stage is stage,
    )
    async with running(engine):
        await wait_for_result(fake, job.id)
    assert raised
    assert logged(caplog, f"The {stage} stage crashed; restarting it")


async def test_start_up_recovery_that_fails_once_is_retried_and_polling_starts(
    db, api, session, client, fake, monkeypatch, caplog
):
    caplog.set_level(logging.INFO)
    api.default_plan = TaskPlan(polls_until_done=1)
    engine = make_engine(db, api, session, client, fake)
    job = await engine.record()
    raised = raise_on(monkeypatch, engine.store, "release_all_leases", LOCKED)
    async with running(engine):
        await wait_for_result(fake, job.id)
    assert raised
    assert logged(caplog, "Engine start-up recovery crashed; restarting it")


async def test_a_job_whose_claim_cannot_even_be_given_back_is_taken_again_once_it_lapses(
    db, api, session, client, fake, monkeypatch
):
    api.default_plan = TaskPlan(polls_until_done=2)
    leases = LeaseTerms(owner="engine-a", poll=1.5)
    # Given back, the job would be polled again after 0.01 s.
    engine = make_engine(db, api, session, client, fake, leases=leases, crash_retry=0.01)
    job = await engine.queue()
    store = engine.store
    renewed = asyncio.Event()
    renew, record_progress, release = store.renew, store.record_progress, store.release

    async def renewing(*args, **kwargs):
        if kept := await renew(*args, **kwargs):
            renewed.set()
        return kept

    async def record_progress_fails(*args, **kwargs):
        if not not_given_back:
            # Once the claim was renewed: a lease counts from before its claim's write, which
            # a loaded machine can stretch past the whole lease (taken again at once, rightly).
            await renewed.wait()
            raise LOCKED
        return await record_progress(*args, **kwargs)

    not_given_back: list[tuple[float, float]] = []  # when, and when its claim lapses

    async def release_refused(claimed, *args, **kwargs):
        if not not_given_back:
            refused_at = time.time()
            row = await db.fetch_one(
                "SELECT lease_until, version FROM jobs WHERE id = ?", (job.id,)
            )
            assert row[1] == claimed.version, "still this claim's"
            not_given_back.append((refused_at, float(row[0])))
            raise LOCKED
        return await release(claimed, *args, **kwargs)

    monkeypatch.setattr(store, "renew", renewing)
    monkeypatch.setattr(store, "record_progress", record_progress_fails)
    monkeypatch.setattr(store, "release", release_refused)
    async with running(engine):
        await wait_for_result(fake, job.id)
    [(refused_at, lapses_at)] = not_given_back
    assert lapses_at - refused_at >= 0.5, "still claimed for a while when not given back"
    _, second = api.requests_for("poll")
    # From the claim's own end, not from the first poll, which a loaded machine may send late.
    assert second.time >= lapses_at, "not polled again before its claim lapsed"


async def test_an_announcement_that_fails_is_tried_again_and_the_job_is_never_taken_as_unknown(
    db, api, session, client, fake
):
    """A job whose command died before announcing it: a network error announcing it now is
    no reason to call its outcome unknown, since nothing was sent."""
    api.default_plan = TaskPlan(polls_until_done=1)
    attempts = []

    async def announce(job):
        attempts.append(job.id)
        if len(attempts) == 1:
            raise ConnectionResetError("Discord went away mid-post")

    engine = make_engine(db, api, session, client, fake, announce=announce, crash_retry=0.05)
    job = await engine.record("announced on the second try")
    async with running(engine):
        await wait_for_result(fake, job.id)
    assert attempts == [job.id, job.id]
    assert (await engine.store.get(job.id)).state is JobState.COMPLETED
    assert len(api.submits) == 1


async def test_a_loop_that_ran_steadily_after_an_outage_restarts_at_once_on_its_next_crash():
    """A database outage of a few minutes drives the backoff to its cap; weeks of steady running
    later, one crash must not leave the stage dead for a minute (a 503, no polls, no posts)."""
    now = [0.0]
    waits: list[float] = []
    runs = 0

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    async def body() -> None:
        nonlocal runs
        runs += 1
        if runs <= 8:
            raise ConnectionError("the database is down")
        if runs == 9:
            now[0] += 14 * 86_400  # two weeks of work, then one blip
            raise ConnectionError("one lost connection")

    await supervise("The poll stage", body, sleep=sleep, clock=lambda: now[0])
    assert waits[:8] == [1, 2, 4, 8, 16, 32, 60, 60], "the outage backs off"
    assert waits[8] == 1, "the blip after steady running starts over"


async def test_a_status_message_whose_id_was_not_written_is_not_posted_a_second_time(
    db, api, session, client, fake, monkeypatch
):
    """The engine announces a job its command left behind; Discord takes the post, then the id
    cannot be written (the database locked a moment, or the process dies right there). The
    next try must find that post, not add a second status message that nothing ever edits
    (it would say "waiting" beside the finished video for good)."""
    api.default_plan = TaskPlan(polls_until_done=1)

    async def announce(job):
        await status.post(client.get_partial_messageable(job.requester.channel_id), job)

    engine = make_engine(db, api, session, client, fake, announce=announce)
    marks = StatusMarks(db)
    status = StatusMessages(client, engine.store, marks)
    raised = raise_on(monkeypatch, marks, "set_status_message", LOCKED)
    job = await engine.record()
    async with running(engine):
        posted = await wait_for_result(fake, job.id)
    assert len(raised) == 1
    statuses = [m for m in fake.messages() if f"Job #{job.id} " in m.get("content", "")]
    assert len(statuses) == 1, [m["content"] for m in statuses]
    stored = await engine.store.get(job.id)
    assert stored.status_message_id == int(statuses[0]["id"])
    assert posted["message_reference"]["message_id"] == statuses[0]["id"]


@pytest.mark.parametrize(
    ("status", "write", "ends_as"),
    [
        (503, "release_for_retry", JobState.COMPLETED),  # busy: sent again later
        (400, "mark_unsubmitted", JobState.REJECTED),  # refused: told why, not counted
    ],
)
async def test_an_answer_that_made_nothing_is_kept_through_a_failing_write(
    db, api, session, client, fake, monkeypatch, status, write, ends_as
):
    """APIMart said it made nothing (busy, or a refusal), and the write of that answer meets
    a database blip (a lock, a failover): the answer is written once the database is back. Left
    to lapse, the claim would read as a request whose answer was lost: "can't tell whether it
    was made", counted against the member, and a busy job never sent again."""
    api.default_plan = TaskPlan(polls_until_done=1)
    # Short enough that a claim left to lapse settles within the test.
    leases = LeaseTerms(owner="engine-a", submit=0.3)
    timing = replace(TIMING, store_task_backoff=0.01, store_task_max_backoff=0.05)
    engine = make_engine(db, api, session, client, fake, leases=leases, timing=timing)
    api.fail_next("submit", status=status)
    job = await engine.record()
    raised = raise_on(monkeypatch, engine.store, write, LOCKED)
    async with running(engine):
        told = await wait_for_result(fake, job.id)
    assert raised, "the blip hit the write of APIMart's answer"
    assert "can't tell whether" not in shown_text(told)
    stored = await engine.store.get(job.id)
    assert stored.state is ends_as
    assert stored.counts is (ends_as is JobState.COMPLETED)
    assert len(api.submits) == (2 if status == 503 else 1), "a refusal is never sent again"


async def test_a_status_edit_failing_after_an_accepted_submit_is_not_logged_as_outcome_unknown(
    db, api, session, client, fake, caplog
):
    """APIMart accepted the video and its id is written; then the status edit saying so fails.
    The job is queued and followed as any other: the log says what happened, not "outcome
    unknown", which would send an operator looking for a render the bot never lost."""
    api.default_plan = TaskPlan(polls_until_done=1)
    edits = []

    async def status_edit(job):
        edits.append(job.state)
        if len(edits) == 1:
            raise ConnectionResetError("Discord hung up while the status was edited")

    engine = make_engine(db, api, session, client, fake, on_progress=status_edit)
    job = await engine.record()
    async with running(engine):
        told = await wait_for_result(fake, job.id)
    assert edits[0] is JobState.QUEUED, "the edit that failed told of the accepted submit"
    assert "can't tell whether" not in shown_text(told)
    assert (await engine.store.get(job.id)).state is JobState.COMPLETED
    assert len(api.submits) == 1
    assert not logged(caplog, "outcome is unknown")
    assert logged(
        caplog, f"Job {job.id}: submit failed unexpectedly after APIMart's answer was written"
    )


async def test_a_submit_failing_before_its_request_left_is_sent_again_at_once(
    db, api, session, client, fake, monkeypatch, caplog
):
    """A fault escapes the submit before its request left (the database failing while the job
    is given back): nothing was sent, so the job waits to be sent again after the stage's short
    crash pause, not the submit claim's 3 minutes before it lapses."""
    api.default_plan = TaskPlan(polls_until_done=1)
    engine = make_engine(db, api, session, client, fake)
    job = await engine.record()
    raise_on(monkeypatch, engine.store, "slot_limit", LOCKED)
    raised = raise_on(monkeypatch, engine.store, "release", LOCKED)
    async with running(engine):
        await wait_for_result(fake, job.id)
    assert raised, "the fault escaped the submit"
    assert len(api.submits) == 1
    assert not logged(caplog, "outcome is unknown")
    assert logged(caplog, f"Job {job.id}: submit failed unexpectedly before its request left")


def outage_lines(caplog, stage):
    return [r for r in caplog.records if r.getMessage().startswith(f"The {stage} stage")]


async def test_a_database_outage_is_one_line_a_restart_no_traceback_and_one_line_at_its_end(
    db, api, session, client, fake, monkeypatch, caplog
):
    """PostgreSQL restarting (or the network to it gone) stops a stage at its next look at the
    database. The operator reads why in one WARNING line a restart, with the next try's delay
    and no traceback (a ten-minute outage was dozens of identical ones from every stage), and
    one line when the stage works again."""
    caplog.set_level(logging.INFO)
    api.default_plan = TaskPlan(polls_until_done=20)
    # A claim the outage kept from being given back lapses within the test.
    engine = make_engine(db, api, session, client, fake, leases=LeaseTerms.lasting(1.0))
    outage = Outage(monkeypatch, db)
    job = await engine.queue()
    async with running(engine):
        await api.wait_for_polls(1)
        outage.down = True
        await fake.wait_for(
            lambda: len(logged(caplog, "The poll stage stopped")) >= 3,
            description="the poll stage restarted thrice during the outage",
        )
        outage.down = False
        await wait_for_result(fake, job.id)
        await fake.wait_for(lambda: logged(caplog, "The poll stage works again"))
    stopped = logged(caplog, "The poll stage stopped")
    assert all(r.levelno == logging.WARNING and r.exc_info is None for r in stopped)
    assert (
        stopped[0]
        .getMessage()
        .startswith(
            "The poll stage stopped: the database could not be reached"
            " (ConnectionRefusedError: the database is away); restarting it in "
        )
    )
    lines = [r.getMessage() for r in outage_lines(caplog, Stage.POLL)]
    assert lines[-1] == "The poll stage works again: the database answered", lines
    assert lines.count(lines[-1]) == 1
    outage_errors = [
        r for r in caplog.records if r.exc_info and isinstance(r.exc_info[1], ConnectionError)
    ]
    assert not outage_errors, "no traceback for an outage, anywhere in the engine"


async def test_a_loop_that_crashes_on_a_bug_keeps_its_traceback(caplog):
    """Only the database being away is one quiet line: anything else is a bug to chase."""
    runs = 0

    async def body() -> None:
        nonlocal runs
        runs += 1
        if runs == 1:
            raise KeyError("a bug")

    async def sleep(seconds: float) -> None:
        return None

    await supervise("The poll stage", body, sleep=sleep)
    [crash] = caplog.records
    assert crash.levelno == logging.ERROR and crash.exc_info is not None
    assert crash.getMessage() == "The poll stage crashed; restarting it in 1s"


async def test_start_up_recovery_through_an_outage_says_so_once_a_try_and_once_when_done(caplog):
    """The start-up recovery (one pass, then it returns) while the database is away: a line a
    try with the next one's delay, no traceback, and one line when it got through."""
    caplog.set_level(logging.INFO)
    runs = 0

    async def body() -> None:
        nonlocal runs
        runs += 1
        if runs <= 3:
            raise TimeoutError()

    async def sleep(seconds: float) -> None:
        return None

    await supervise("Engine start-up recovery", body, sleep=sleep)
    assert [(r.levelname, r.getMessage(), r.exc_info) for r in caplog.records] == [
        *(
            (
                "WARNING",
                "Engine start-up recovery stopped: the database could not be reached"
                f" (TimeoutError); restarting it in {wait}s",
                None,
            )
            for wait in (1, 2, 4)
        ),
        ("INFO", "Engine start-up recovery works again: the database answered", None),
    ]
