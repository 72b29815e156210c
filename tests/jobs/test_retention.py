"""Finished jobs past JOB_RETENTION_DAYS are deleted, on both backends; what the bot still needs
(unfinished or claimed jobs, what prices and times the next videos) stays."""

import asyncio

from bot.apimart.models import TaskInfo, TaskStatus, VideoRequest
from bot.i18n import msg
from bot.jobs.models import JobState, Requester
from bot.jobs.pricing import expected_of_kind
from bot.jobs.retention import DAY, KEEP_PER_KIND, JobRetention
from bot.jobs.stages import Stage
from bot.jobs.store import JobStore
from bot.moderation.store import Actor, ModerationStore
from bot.storage.copy import run
from bot.storage.sqlite import SqliteDatabase
from tests.backends import RecordingDatabase, postgres_only, sqlite_only
from tests.jobstates import claimed, finished, submitted, unsubmitted
from tests.storage.test_copy import target_url
from tests.storage.test_query_plans import _plans as query_plans

MEMBER = Requester(user_id=42, channel_id=7, guild_id=1)
RETENTION_DAYS = 180


async def recorded(store, clock, *, prompt="a fox", resolution="1080p", duration=8):
    request = VideoRequest(prompt=prompt, resolution=resolution, duration=duration)
    return await store.create(MEMBER, request, now=clock(), submit_by=clock())


async def completed(store, clock, *, credits=4.0, resolution="1080p", duration=8):
    job = await submitted(
        store, await recorded(store, clock, resolution=resolution, duration=duration), now=clock()
    )
    clock.advance(200)
    info = TaskInfo(
        task_id=job.task_id or "",
        status=TaskStatus.COMPLETED,
        progress=100,
        video_url="https://cdn.example.com/v.mp4",
        expires_at=int(clock()) + 86_400,
        credits_cost=credits,
        cost=credits / 10,
    )
    return await told(store, await finished(store, job, JobState.COMPLETED, now=clock(), info=info))


async def failed(store, clock, *, posted=True):
    """A failed render; `posted`: its notice was posted (the member told)."""
    job = await submitted(store, await recorded(store, clock), now=clock())
    job = await finished(store, job, JobState.FAILED, now=clock())
    return await told(store, job) if posted else job


async def told(store, job):
    """The job's result or notice posted: nothing more is owed to its member."""
    claim = await claimed(store, job.id, Stage.DELIVER)
    assert await store.mark_delivered(claim, now=claim.finished_at or 0.0, message_id=None)
    return await store.get(job.id)


async def test_finished_jobs_past_the_retention_are_deleted_and_younger_ones_kept(db, store, clock):
    old = [
        await failed(store, clock),
        await unsubmitted(store, await recorded(store, clock), JobState.REJECTED, now=clock()),
        await unsubmitted(
            store, await recorded(store, clock), JobState.SUBMIT_UNKNOWN, now=clock()
        ),
    ]
    clock.advance(RETENTION_DAYS * DAY - 3_600)
    young = await failed(store, clock)
    clock.advance(3_601)  # the old ones are now a second past the retention, the young not

    pruned = await JobRetention(db, RETENTION_DAYS, clock=clock).prune_once()

    assert pruned == len(old)
    assert [await store.get(job.id) for job in old] == [None] * len(old)
    assert await store.get(young.id) is not None


async def test_a_job_not_finished_or_claimed_by_a_process_is_kept_whatever_its_age(
    db, store, clock
):
    stuck = await recorded(store, clock)  # never sent: a bug to look at, not to hide
    await store.put_off_takeover(stuck.id, grace=400 * DAY)
    being_posted = await failed(store, clock, posted=False)  # its notice being posted
    clock.advance((RETENTION_DAYS + 1) * DAY)
    claim = await claimed(store, being_posted.id, Stage.DELIVER)
    retention = JobRetention(db, RETENTION_DAYS, clock=clock)

    assert await retention.prune_once() == 0
    assert await store.get(stuck.id) is not None
    assert await store.get(being_posted.id) is not None

    assert await store.mark_delivered(claim, now=clock(), message_id=None)
    assert await retention.prune_once() == 1
    assert await store.get(being_posted.id) is None
    assert await store.get(stuck.id) is not None


async def test_a_result_its_member_was_never_told_is_kept_until_it_is_posted(db, store, clock):
    """The bot was stopped for longer than the retention with a failed render's notice (or a
    video) still owed: the member is told when it runs again, never left without a word by a
    prune that came first."""
    owed = await failed(store, clock, posted=False)
    posted = await failed(store, clock)
    clock.advance((RETENTION_DAYS + 30) * DAY)
    retention = JobRetention(db, RETENTION_DAYS, clock=clock)

    assert await retention.prune_once() == 1
    assert await store.get(posted.id) is None
    assert await store.get(owed.id) is not None, "its notice is still owed"

    await told(store, owed)
    assert await retention.prune_once() == 1
    assert await store.get(owed.id) is None


async def test_prices_learned_from_old_videos_survive_the_retention(db, store, clock):
    videos = [await completed(store, clock, credits=6.0) for _ in range(KEEP_PER_KIND + 5)]
    others = [await failed(store, clock) for _ in range(3)]
    clock.advance((RETENTION_DAYS + 30) * DAY)

    pruned = await JobRetention(db, RETENTION_DAYS, clock=clock).prune_once()

    assert pruned == 5 + len(others)
    kept = [job.id for job in videos if await store.get(job.id) is not None]
    assert kept == [job.id for job in videos[-KEEP_PER_KIND:]], "the newest of the kind stay"
    price = await expected_of_kind(db.fetch_all, "1080p", 8)
    assert price.learned and price.credits == 6.0
    assert len(await store.recent_render_times("1080p", 8, limit=KEEP_PER_KIND)) == KEEP_PER_KIND


async def test_a_large_backlog_is_deleted_in_batches_within_one_round(db, store, clock):
    old = [await failed(store, clock) for _ in range(7)]
    clock.advance((RETENTION_DAYS + 1) * DAY)

    assert await JobRetention(db, RETENTION_DAYS, clock=clock, batch=3).prune_once() == 7
    assert [await store.get(job.id) for job in old] == [None] * 7


async def test_a_retention_of_zero_keeps_every_job(db, store, clock):
    job = await failed(store, clock)
    clock.advance(10_000 * DAY)

    assert await JobRetention(db, 0, clock=clock).prune_once() == 0
    assert await store.get(job.id) is not None


async def test_started_it_prunes_at_once_and_stops_when_told(db, store, clock):
    job = await failed(store, clock)
    clock.advance((RETENTION_DAYS + 1) * DAY)
    retention = JobRetention(db, RETENTION_DAYS, clock=clock, every=3_600)

    retention.start()
    try:
        async with asyncio.timeout(10):
            await gone(store, job.id)
    finally:
        await retention.stop()
    assert retention._task is None


async def gone(store, job_id):
    """Until the job is deleted."""
    for _ in range(1_000):
        if await store.get(job_id) is None:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"job {job_id} is still there")


@postgres_only
async def test_a_claim_taken_while_the_delete_waits_for_the_row_keeps_the_job(
    backend, db, store, clock
):
    """Another process claims an old job (its failure notice to post) and holds the row while a
    prune, which read it unclaimed, waits for it: the job stays under its claim."""
    job = await failed(store, clock)
    clock.advance((RETENTION_DAYS + 1) * DAY)
    other = await backend.open()
    try:
        async with other.transaction() as conn:
            await conn.execute(
                "UPDATE jobs SET lease_owner = 'p2', lease_until = ? WHERE id = ?",
                (clock() + 600, job.id),
            )
            prune = asyncio.create_task(JobRetention(db, RETENTION_DAYS, clock=clock).prune_once())
            await waiting_for_a_lock(db)
        assert await prune == 0
    finally:
        await other.close()
    assert await store.get(job.id) is not None, "a claimed job was deleted under its claim"


async def waiting_for_a_lock(db):
    """Until a statement of the test's database waits for a row another holds."""
    for _ in range(500):
        row = await db.fetch_one(
            "SELECT COUNT(*) FROM pg_stat_activity"
            " WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        if row is not None and row[0] > 0:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the prune never waited for the claimed row")


@postgres_only
async def test_moving_to_postgresql_after_a_prune_never_hands_out_a_deleted_jobs_number(
    backend, tmp_path, clock
):
    """An idle bot's newest jobs were pruned; moved to PostgreSQL, a new job must not take the
    number an old result's buttons or `/videomod cancel` still name."""
    path = tmp_path / "old" / "bot.sqlite3"
    sqlite = await SqliteDatabase.open(path)
    await sqlite.migrate()
    old_store = JobStore(sqlite, clock=clock)
    await recorded(old_store, clock)  # unfinished: kept whatever its age
    gone = [await failed(old_store, clock) for _ in range(3)]
    clock.advance((RETENTION_DAYS + 1) * DAY)
    assert await JobRetention(sqlite, RETENTION_DAYS, clock=clock).prune_once() == len(gone)
    await sqlite.close()

    assert await run(["--from", str(path), "--to", target_url(backend)]) == 0
    moved = await backend.open()
    try:
        new = await recorded(JobStore(moved, clock=clock), clock)
    finally:
        await moved.close()
    assert new.id > max(job.id for job in gone)


@sqlite_only
async def test_a_prune_reads_only_old_finished_jobs_through_an_index(db, store, clock):
    """On the one SQLite connection every statement waits for the one before: a prune never
    scans or sorts the jobs table (an upgrade's first prune of a long history took seconds)."""
    await failed(store, clock)
    clock.advance((RETENTION_DAYS + 1) * DAY)
    await recorded(store, clock)
    recording = RecordingDatabase(db)
    await JobRetention(recording, RETENTION_DAYS, clock=clock).prune_once()  # type: ignore[arg-type]
    statements = [(sql, params) for sql, params in recording.statements if "DELETE" in sql]
    [plan] = await query_plans(db, statements)
    assert any("jobs_finished_by_age" in step for step in plan), plan
    assert not any("SCAN jobs" in step or "TEMP B-TREE" in step for step in plan), plan


async def test_audit_lines_past_the_retention_are_deleted_and_younger_ones_kept(db, clock):
    """The audit names members and quotes moderators' reasons: it is not kept for ever either."""
    moderation = ModerationStore(db, clock=clock)
    actor = Actor(guild_id=1, moderator_id=9)
    for reason in ("spam", "flood", "insults"):
        await moderation.record(actor, msg("change_role_cleared", moderator="<@9>", role=reason))
    clock.advance(RETENTION_DAYS * DAY - 3_600)
    await moderation.record(actor, msg("change_role_cleared", moderator="<@9>", role="young"))
    clock.advance(3_601)

    retention = JobRetention(db, RETENTION_DAYS, clock=clock, batch=2)
    assert await retention.prune_audit_once() == 3
    [kept] = await moderation.recent_audit(1, 10)
    assert kept.change.values["role"] == "young"
    assert await JobRetention(db, 0, clock=clock).prune_audit_once() == 0


@sqlite_only
async def test_the_audit_prune_reads_only_the_lines_past_the_retention(db, clock):
    """Every process prunes the audit every hour, on SQLite in a write every other statement
    waits for: through its index by age, never a scan of the whole trail."""
    recording = RecordingDatabase(db)
    await JobRetention(recording, RETENTION_DAYS, clock=clock).prune_audit_once()  # type: ignore[arg-type]
    [plan] = await query_plans(db, recording.statements)
    assert any("mod_audit_by_age" in step for step in plan), plan
    assert not any("SCAN mod_audit" in step or "TEMP B-TREE" in step for step in plan), plan


async def test_member_allowances_that_ended_past_the_retention_are_deleted(db, clock):
    """A moderator's block or allowance for a member, with its reason, stayed in the database
    for good once it ended: it goes the retention period after its end; one still in force, or
    ended more recently, stays."""
    moderation = ModerationStore(db, clock=clock)
    actor = Actor(guild_id=1, moderator_id=9)
    await moderation.set_member_limit(actor, 1, 0, "spam", clock() + DAY)
    await moderation.set_member_limit(actor, 2, 3, "a week of grace", clock() + 7 * DAY)
    await moderation.set_member_limit(actor, 3, 0, "for good", None)
    clock.advance(DAY + RETENTION_DAYS * DAY + 60)  # the first ended past the retention
    await moderation.set_member_limit(actor, 4, 1, "newcomer", clock() + 3 * DAY)

    assert await JobRetention(db, 0, clock=clock).prune_member_limits_once() == 0
    assert await JobRetention(db, RETENTION_DAYS, clock=clock).prune_member_limits_once() == 1
    rows = await db.fetch_all("SELECT user_id, reason FROM mod_member_limits ORDER BY user_id")
    assert [(row[0], row[1]) for row in rows] == [
        (2, "a week of grace"),
        (3, "for good"),
        (4, "newcomer"),
    ]
    assert [override.user_id for override in await moderation.member_overrides(1)] == [3, 4]


async def test_the_hourly_prune_deletes_member_allowances_that_ended_long_ago(db, clock):
    moderation = ModerationStore(db, clock=clock)
    await moderation.set_member_limit(Actor(1, 9), 5, 0, "spam", clock() + DAY)
    clock.advance((RETENTION_DAYS + 2) * DAY)
    retention = JobRetention(db, RETENTION_DAYS, clock=clock, every=3_600)

    retention.start()
    try:
        # No event says when the round got there: look again shortly, as `gone` does.
        for _ in range(1_000):
            if await db.fetch_one("SELECT user_id FROM mod_member_limits") is None:
                break
            await asyncio.sleep(0.01)
    finally:
        await retention.stop()
    assert await db.fetch_one("SELECT user_id FROM mod_member_limits") is None


@sqlite_only
async def test_the_member_allowance_prune_reads_only_those_that_ended(db, clock):
    """Pruned every hour by every process, on SQLite in a write every other statement waits
    for: through an index by end, never a scan of every member's allowance."""
    recording = RecordingDatabase(db)
    await JobRetention(recording, RETENTION_DAYS, clock=clock).prune_member_limits_once()  # type: ignore[arg-type]
    [plan] = await query_plans(db, recording.statements)
    assert any("mod_member_limits_by_end" in step for step in plan), plan
    assert not any("SCAN mod_member_limits" in step for step in plan), plan
