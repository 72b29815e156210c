"""APIMart's answer to a submit, kept while the database is away: the member reads what APIMart
said once the database is back (the video, the wait, the refusal), never a false "can't tell
whether your video was started"."""

import asyncio
from dataclasses import replace

import pytest

from bot.jobs.kept_tasks import AnswerKept, KeptNothingMade, KeptTask, KeptTasks
from bot.jobs.models import JobState
from bot.jobs.stages import LeaseTerms, Stage
from bot.jobs.store import JobStore
from tests.engine.faults import Outage, raise_on
from tests.engine.world import TIMING, Engine, make_engine, results
from tests.fakes.apimart import TaskPlan
from tests.fakes.components import shown_text

# The write of APIMart's answer is given up after a twentieth of a second (5 minutes shipped).
SHORT_WINDOW = replace(
    TIMING, store_task_for=0.05, store_task_backoff=0.01, store_task_max_backoff=0.01
)


def cant_tell(engine: Engine) -> list[str]:
    """The "can't tell whether your video was started" notices the member read."""
    texts = [shown_text(message) for message in engine.fake.messages(None)]
    return [text for text in texts if "can't tell" in text]


def kept_world(db, api, session, client, fake, monkeypatch, tmp_path, clock, window=0.05):
    """An engine on a fake clock with its file of kept answers, and the database's outage."""
    kept = KeptTasks(tmp_path / "bot.sqlite3.accepted-tasks")
    timing = replace(SHORT_WINDOW, store_task_for=window)
    engine = make_engine(
        db, api, session, client, fake, clock=clock, timing=timing, kept_tasks=kept
    )
    return engine, kept, Outage(monkeypatch, db)


def away_as_the_answer_comes(monkeypatch, engine: Engine, outage: Outage, method: str) -> None:
    """The database goes away just as APIMart's answer is to be written down by `method`."""
    write = getattr(engine.store, method)

    async def database_goes_away(*args, **kwargs):
        outage.down = True
        return await write(*args, **kwargs)

    monkeypatch.setattr(engine.store, method, database_goes_away)


def away_as_apimart_answers(monkeypatch, engine: Engine, outage: Outage) -> None:
    """The database goes away just as APIMart answers the first submit (whatever it says)."""
    submit = engine.client.submit

    async def answered(*args, **kwargs):
        try:
            return await submit(*args, **kwargs)
        finally:
            outage.down = outage.down or not answers
            answers.append(True)

    answers: list[bool] = []

    monkeypatch.setattr(engine.client, "submit", answered)


async def rounds(engine: Engine, clock, count: int, step: float = 5.0) -> None:
    for _ in range(count):
        clock.advance(step)
        await engine.poller.run_once()


async def test_a_kept_task_is_handed_over_before_any_cant_tell_notice_is_posted(
    db, api, session, client, fake, monkeypatch, tmp_path, clock
):
    """APIMart accepted the video during a long outage; its id was kept on disk. The database
    is back, and the first statement of the hand-over fails (it is still settling): the job
    was already marked "outcome unknown", so the member read "can't tell whether your video
    was started; it counts", then got the video anyway."""
    api.default_plan = TaskPlan(polls_until_done=1)
    engine, kept, outage = kept_world(db, api, session, client, fake, monkeypatch, tmp_path, clock)
    job = await engine.record()
    away_as_the_answer_comes(monkeypatch, engine, outage, "mark_submitted")
    with pytest.raises(AnswerKept):
        await engine.service.submit(job, member_present=False)
    assert [task.task_id for task in kept.pending()] == api.task_ids
    outage.down = False
    clock.advance(engine.store.leases.submit + 1)  # its claim lapsed meanwhile
    raise_on(monkeypatch, engine.store, "adopt_task", ConnectionRefusedError("still settling"))
    await rounds(engine, clock, 6)
    assert cant_tell(engine) == []
    assert len(results(fake, job.id)) == 1, "the video is posted"
    assert (await engine.store.get(job.id)).state is JobState.COMPLETED
    assert kept.pending() == []
    assert len(api.submits) == 1


async def test_a_task_id_still_being_written_is_not_announced_as_unknown_when_its_claim_lapses(
    db, api, session, client, fake, monkeypatch, clock
):
    """APIMart accepted the video; the database is away longer than the submit's claim but
    shorter than the write's window. Back, the submit stage settles the lapsed claim as
    "outcome unknown" and the member reads "can't tell" before the write, retried seconds
    later, gets the video followed and posted."""
    api.default_plan = TaskPlan(polls_until_done=1)
    timing = replace(TIMING, store_task_backoff=0.01, store_task_max_backoff=0.01)
    engine = make_engine(db, api, session, client, fake, clock=clock, timing=timing)
    job = await engine.record()
    away = ConnectionRefusedError("the database is away")
    raised = raise_on(monkeypatch, engine.store, "mark_submitted", away, times=10**9)
    sending = asyncio.create_task(engine.service.submit(job, member_present=False))
    while not raised:  # noqa: ASYNC110 (the fault's list is no event)
        await asyncio.sleep(0.01)
    clock.advance(engine.store.leases.submit + 1)  # its claim lapsed meanwhile
    await rounds(engine, clock, 2)  # the database answers the stages again
    assert cant_tell(engine) == []
    monkeypatch.undo()  # ... and the write
    await sending
    await rounds(engine, clock, 6)
    assert cant_tell(engine) == []
    assert len(results(fake, job.id)) == 1, "the video is posted"
    assert (await engine.store.get(job.id)).state is JobState.COMPLETED


@pytest.mark.parametrize("stop", [False, True], ids=["window-passed", "bot-stopped"])
async def test_a_busy_answer_kept_through_a_long_outage_sends_the_job_again(
    db, api, session, client, fake, monkeypatch, tmp_path, clock, stop
):
    """APIMart answered busy (nothing made), and the database stayed away longer than that
    answer's write is retried (or the bot stopped meanwhile): the job was settled as "outcome
    unknown", counted and told "can't tell whether your video was started", never sent. Now
    it waits again and is sent once the database is back."""
    api.default_plan = TaskPlan(polls_until_done=1)
    window = 600.0 if stop else 0.05
    engine, kept, outage = kept_world(
        db, api, session, client, fake, monkeypatch, tmp_path, clock, window
    )
    job = await engine.record()
    api.fail_next("submit", status=503)
    away_as_apimart_answers(monkeypatch, engine, outage)
    await write_down_given_up(engine, job, outage, stop)
    assert [answer.job_id for answer in kept.pending()] == [job.id]
    outage.down = False
    clock.advance(engine.store.leases.submit + 1)  # its claim lapsed meanwhile
    await rounds(engine, clock, 8)
    assert cant_tell(engine) == []
    assert len(api.submits) == 2, "sent again"
    assert len(results(fake, job.id)) == 1, "the video is posted"
    assert (await engine.store.get(job.id)).state is JobState.COMPLETED
    assert kept.pending() == []


async def test_a_busy_answer_kept_through_an_outage_longer_than_the_holds_window_is_sent_again(
    db, api, session, client, fake, monkeypatch, tmp_path, clock
):
    """APIMart had been busy for this job once already; it answered busy again, and the
    database then stayed away longer than a job is held (30 minutes). Back, the kept answer
    gave the job up ("try again later", refunded) without sending it again: the bot's own
    outage was taken for APIMart's. Now it is sent again, and the video is posted."""
    api.default_plan = TaskPlan(polls_until_done=1)
    engine, kept, outage = kept_world(db, api, session, client, fake, monkeypatch, tmp_path, clock)
    job = await engine.record()
    api.fail_next("submit", status=503)
    held = await engine.service.submit(job, member_present=False)
    assert held.state is JobState.RECORDED
    clock.advance(TIMING.submit_retry_delay + 1)
    api.fail_next("submit", status=503)
    away_as_apimart_answers(monkeypatch, engine, outage)
    with pytest.raises(AnswerKept):
        await engine.service.submit(await engine.store.get(job.id), member_present=False)
    assert [answer.job_id for answer in kept.pending()] == [job.id]
    clock.advance(engine.service.timing.submit_give_up_after)  # the database away meanwhile
    outage.down = False
    await rounds(engine, clock, 8)
    assert len(api.submits) == 3, "sent again"
    assert len(results(fake, job.id)) == 1, "the video is posted"
    assert (await engine.store.get(job.id)).state is JobState.COMPLETED
    assert kept.pending() == []


async def test_a_kept_task_of_another_job_is_told_as_a_reused_task_not_an_unknown(
    db, api, session, client, fake, monkeypatch, tmp_path, clock
):
    """APIMart answered a submit with the task of an earlier video, and the database was away
    longer than the answer's write is retried. Back, the kept id was found to be the other
    job's and dropped: the job lapsed into "outcome unknown", the member read "can't tell
    whether your video was started; it counts". Now they read what they read had the database
    taken the answer at once: APIMart started nothing new, nothing counts."""
    api.default_plan = TaskPlan(polls_until_done=1)
    engine, kept, outage = kept_world(db, api, session, client, fake, monkeypatch, tmp_path, clock)
    earlier = await engine.queue("an earlier kite")
    submit = engine.client.submit

    async def answered_with_the_earlier_task(*args, **kwargs):
        return (await submit(*args, **kwargs)).model_copy(update={"task_id": earlier.task_id})

    monkeypatch.setattr(engine.client, "submit", answered_with_the_earlier_task)
    job = await engine.record()
    away_as_the_answer_comes(monkeypatch, engine, outage, "mark_submitted")
    with pytest.raises(AnswerKept):
        await engine.service.submit(job, member_present=False)
    assert kept.pending() == [KeptTask(job.id, earlier.task_id, job.created_at)]
    outage.down = False
    clock.advance(engine.store.leases.submit + 1)  # its claim lapsed meanwhile
    await rounds(engine, clock, 6)
    assert cant_tell(engine) == []
    [told] = results(fake, job.id)
    assert "answered with an earlier video" in shown_text(told), shown_text(told)
    stored = await engine.store.get(job.id)
    assert (stored.state, stored.error_key) == (JobState.REJECTED, "service_reused_task")
    assert not stored.counts
    assert len(results(fake, earlier.id)) == 1, "the earlier video is posted, once"
    assert kept.pending() == []


async def test_a_refusal_kept_through_a_long_outage_is_told_as_a_refusal(
    db, api, session, client, fake, monkeypatch, tmp_path, clock
):
    """APIMart refused the request (nothing made, nothing counted), and the database stayed away
    longer than the refusal's write is retried: the member read "can't tell whether your video
    was started", and the job counted. Now they read APIMart's refusal, and it does not count."""
    engine, kept, outage = kept_world(db, api, session, client, fake, monkeypatch, tmp_path, clock)
    job = await engine.record()
    api.fail_next("submit", status=400, error_type="invalid_request", message="prompt refused")
    away_as_apimart_answers(monkeypatch, engine, outage)
    await write_down_given_up(engine, job, outage, stop=False)
    outage.down = False
    clock.advance(engine.store.leases.submit + 1)
    await rounds(engine, clock, 3)
    assert cant_tell(engine) == []
    [told] = results(fake, job.id)
    assert "prompt refused" in shown_text(told), shown_text(told)
    stored = await engine.store.get(job.id)
    assert (stored.state, stored.error_key) == (JobState.REJECTED, "rejected_by_service")
    assert len(api.submits) == 1
    assert kept.pending() == []


async def write_down_given_up(engine: Engine, job, outage: Outage, stop: bool) -> None:
    """Send `job`: the write of APIMart's answer gives up (its window passed), or the bot stops
    while it is retried."""
    if not stop:
        with pytest.raises(AnswerKept):
            await engine.service.submit(job, member_present=False)
        return
    sending = asyncio.create_task(engine.service.submit(job, member_present=False))
    while not outage.down:  # noqa: ASYNC110 (the outage's flag is no event)
        await asyncio.sleep(0.001)
    await asyncio.sleep(0.05)  # a few tries of the write failed
    sending.cancel()
    with pytest.raises(asyncio.CancelledError):
        await sending


def test_a_file_kept_by_an_earlier_version_is_read_beside_answers_that_made_nothing(tmp_path):
    """A file an earlier version wrote (task ids only) is still handed over after an upgrade,
    and a line cut short by a crash is skipped, not the whole file."""
    path = tmp_path / "bot.sqlite3.accepted-tasks"
    path.write_text('{"job_id": 3, "task_id": "task_a"}\n{"job_id": 4, "made_no\n')
    kept = KeptTasks(path)
    refusal = KeptNothingMade(
        5, refused=True, key="rejected_by_service", detail="no", job_created_at=1_800_000_000.25
    )
    assert kept.keep(refusal)
    assert kept.pending() == [KeptTask(3, "task_a", None), refusal]
    kept.forget([KeptTask(3, "task_a", None)])
    assert KeptTasks(path).pending() == [refusal]


async def test_a_task_kept_by_another_process_sharing_the_file_is_followed_by_this_one(
    db, api, session, client, fake, monkeypatch, tmp_path, clock
):
    """Two processes share the file (a deploy overlap on one volume). The other one kept the
    id of a video APIMart accepted during a long outage, then stopped; this one, started before
    the file had anything in it, never looked at it again: the member read "can't tell whether
    your video was started; it counts", and the paid video was never posted."""
    api.default_plan = TaskPlan(polls_until_done=1)
    path = tmp_path / "bot.sqlite3.accepted-tasks"
    ours = KeptTasks(path)  # this process's, made while the file is still empty
    theirs, other_kept, outage = kept_world(
        db, api, session, client, fake, monkeypatch, tmp_path, clock
    )
    this_one = make_engine(
        db,
        api,
        session,
        client,
        fake,
        clock=clock,
        timing=SHORT_WINDOW,
        kept_tasks=ours,
        leases=LeaseTerms(owner="engine-b"),
        recover_at_start=False,
    )
    job = await theirs.record()
    away_as_the_answer_comes(monkeypatch, theirs, outage, "mark_submitted")
    with pytest.raises(AnswerKept):
        await theirs.service.submit(job, member_present=False)
    assert [task.task_id for task in other_kept.pending()] == api.task_ids
    outage.down = False  # ... and the other process is gone
    clock.advance(this_one.store.leases.submit + 1)  # its claim lapsed meanwhile
    await rounds(this_one, clock, 6)
    assert cant_tell(this_one) == []
    assert len(results(fake, job.id)) == 1, "the video is posted"
    assert (await this_one.store.get(job.id)).state is JobState.COMPLETED
    assert ours.pending() == []
    assert len(api.submits) == 1


async def restore_backup_taken_before(db, job_id: int) -> None:
    """What restoring a backup taken before job `job_id` was recorded does to the jobs: it and
    every later job are gone, and the database hands their ids out again."""
    await db.write("DELETE FROM jobs WHERE id >= ? RETURNING id", (job_id,))
    if db.dialect == "sqlite":
        await db.write(
            "UPDATE sqlite_sequence SET seq = ? WHERE name = 'jobs' RETURNING seq", (job_id - 1,)
        )
    else:
        await db.fetch_one(
            "SELECT setval(pg_get_serial_sequence('jobs', 'id'), ?, false)", (job_id,)
        )


async def test_a_task_kept_before_a_restore_is_never_handed_to_a_new_job_with_its_id(
    db, api, session, client, fake, monkeypatch, tmp_path, clock
):
    """APIMart accepted a member's video during a long outage; its id was kept on disk, then the
    operator restored a backup taken before that job (docs/operations.md), leaving the file.
    The restored database gave the job's id to another member's new job, whose submit was
    lost: that job adopted the kept task, and its member was posted the first member's video
    (their prompt, their paid render)."""
    api.default_plan = TaskPlan(polls_until_done=1)
    before, kept, outage = kept_world(db, api, session, client, fake, monkeypatch, tmp_path, clock)
    first = await before.record("the first member's kite")
    away_as_the_answer_comes(monkeypatch, before, outage, "mark_submitted")
    with pytest.raises(AnswerKept):
        await before.service.submit(first, member_present=False)
    [first_task] = api.task_ids
    assert [answer.job_id for answer in kept.pending()] == [first.id]
    outage.down = False
    await restore_backup_taken_before(db, first.id)
    clock.advance(3600)  # the bot is started again on the restored database
    restored = make_engine(
        db, api, session, client, fake, clock=clock, timing=SHORT_WINDOW, kept_tasks=kept
    )
    other = await restored.record("another member's boat")
    assert other.id == first.id
    dead = JobStore(db, clock=clock, leases=LeaseTerms(owner="dead"))
    [claim] = await dead.claim_due(Stage.SUBMIT, 10)
    assert await dead.renew_before_sending(claim)  # its request may have left; then it died
    clock.advance(dead.leases.submit + 1)
    await rounds(restored, clock, 6)
    stored = await restored.store.get(other.id)
    assert (stored.state, stored.task_id) == (JobState.SUBMIT_UNKNOWN, None)
    assert first_task not in api.polls, "the first member's render is never followed for it"
    assert len(cant_tell(restored)) == 1
    assert kept.pending() == []


async def lost_submit(engine: Engine, db, clock, prompt: str):
    """A member's job whose sender died after its request may have left."""
    job = await engine.record(prompt)
    dead = JobStore(db, clock=clock, leases=LeaseTerms(owner="dead"))
    [claim] = await dead.claim_due(Stage.SUBMIT, 10)
    assert await dead.renew_before_sending(claim)
    return job


@pytest.mark.parametrize("recorded", ["before-the-start", "since-the-start"])
async def test_a_task_kept_by_an_earlier_version_reaches_only_a_job_recorded_before_the_start(
    db, api, session, client, fake, tmp_path, clock, recorded
):
    """A file an earlier version wrote names jobs by id alone: after an upgrade its task is
    still followed for a job recorded before the bot started, but a job recorded since (its id
    handed out again by a restored database) is not given it."""
    api.default_plan = TaskPlan(polls_until_done=1)
    kept = KeptTasks(tmp_path / "bot.sqlite3.accepted-tasks")
    earlier = make_engine(db, api, session, client, fake, clock=clock, timing=SHORT_WINDOW)
    if recorded == "before-the-start":
        job = await lost_submit(earlier, db, clock, "a kite")
    clock.advance(60)
    upgraded = make_engine(
        db, api, session, client, fake, clock=clock, timing=SHORT_WINDOW, kept_tasks=kept
    )
    clock.advance(60)
    if recorded == "since-the-start":
        job = await lost_submit(upgraded, db, clock, "a boat")
    task = api.create_task()
    kept.path.write_text(f'{{"job_id": {job.id}, "task_id": "{task.id}"}}\n')
    clock.advance(LeaseTerms().submit + 1)
    await rounds(upgraded, clock, 6)
    stored = await upgraded.store.get(job.id)
    if recorded == "before-the-start":
        assert (stored.state, stored.task_id) == (JobState.COMPLETED, task.id)
        assert len(results(fake, job.id)) == 1, "the video is posted"
    else:
        assert (stored.state, stored.task_id) == (JobState.SUBMIT_UNKNOWN, None)
        assert task.id not in api.polls
    assert kept.pending() == []
