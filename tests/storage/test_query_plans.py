"""The stage loops and the metrics scrape find their rows through an index, not a table scan.

The jobs table holds half a year of jobs (or every one, `JOB_RETENTION_DAYS=0`), so a query that
scans it costs more every day a server lives;
on SQLite every statement waits for the one connection, the health probe's too. SQLite uses a
partial index only where the query repeats the index's condition term for term, so these are
checked on SQLite (PostgreSQL's planner proves the implication itself).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from bot.apimart.models import VideoRequest
from bot.jobs.models import JobState, Requester
from bot.jobs.reply_routes import ReplyRoutes
from bot.jobs.service import HOLD_SLOT
from bot.jobs.stages import Stage
from bot.jobs.store import JobStore
from bot.moderation.store import ModerationStore
from bot.storage import Database
from tests.backends import RecordingDatabase, postgres_only, sqlite_only

ROOT = Path(__file__).resolve().parents[2]
REQUESTER = Requester(user_id=42, channel_id=7, guild_id=1, locale="en-US")
REQUEST = VideoRequest(prompt="a fox", duration=8, resolution="1080p", aspect_ratio="9:16")


async def _plans(db: Database, statements: list[tuple[str, tuple[Any, ...]]]) -> list[list[str]]:
    """Each statement's query plan, a step a line."""
    plans = []
    for sql, params in statements:
        plan = await db.fetch_all(f"EXPLAIN QUERY PLAN {sql}", params)
        plans.append([str(row[3]).strip() for row in plan])
    return plans


async def _sent_in_transactions(db: Any, call: Callable[[], Awaitable[object]]) -> list[str]:
    """The statements on jobs that `call` sent to SQLite (parameters filled in), the ones inside
    a transaction among them, which `RecordingDatabase` does not see."""
    sent: list[str] = []
    await db._connection.set_trace_callback(sent.append)
    try:
        await call()
    finally:
        await db._connection.set_trace_callback(None)
    return [sql for sql in sent if " jobs " in sql]


async def _table_scans(db: Database, statements: list[tuple[str, tuple[Any, ...]]]) -> list[str]:
    """The statements whose plan reads the whole jobs table."""
    plans = await _plans(db, statements)
    return [sql for (sql, _), plan in zip(statements, plans, strict=True) if "SCAN jobs" in plan]


@sqlite_only
async def test_every_stage_claims_and_finds_its_next_due_job_through_an_index(db, clock):
    recording = RecordingDatabase(db)
    store = JobStore(recording, clock=clock)  # type: ignore[arg-type]
    for stage in Stage:
        await store.next_due(stage)
        await store.overdue(stage)

    assert recording.statements
    assert await _table_scans(db, recording.statements) == []


@sqlite_only
async def test_a_claim_takes_the_earliest_due_jobs_in_index_order_without_sorting_them(db, clock):
    """Each stage's claim reads its index in due order and stops at its limit: no table scan,
    and no sort of every running job (an index by state alone was taken for the poll stage's
    claim over `jobs_due_poll`, and sorted all of them on every claim)."""
    for stage in Stage:
        recording = RecordingDatabase(db)
        await JobStore(recording, clock=clock).claim_due(stage, 8)  # type: ignore[arg-type]
        [plan] = await _plans(db, recording.statements)
        assert "SCAN jobs" not in plan, (stage, plan)
        assert not any("TEMP B-TREE" in step for step in plan), (stage, plan)


@sqlite_only
async def test_a_metrics_scrape_counts_jobs_by_state_without_reading_the_table(db, clock):
    recording = RecordingDatabase(db)
    store = JobStore(recording, clock=clock)  # type: ignore[arg-type]
    start = await store.recent_jobs_from(10_000)
    await store.count_finished_by_state(start)
    await store.count_unfinished_by_state()
    await store.count_recent_finished_by_state(start)

    assert await _table_scans(db, recording.statements) == []


@sqlite_only
async def test_every_scrape_counts_the_recent_finished_jobs_along_the_primary_key(db, clock):
    """Not through `jobs_finished_by_state`, which holds every finished job of the retention
    period: what every scrape reads must not grow with the history."""
    recording = RecordingDatabase(db)
    await JobStore(recording, clock=clock).count_recent_finished_by_state(1)  # type: ignore[arg-type]

    [plan] = await _plans(db, recording.statements)
    assert plan[0] == "SEARCH jobs USING INTEGER PRIMARY KEY (rowid>?)", plan
    assert not any("jobs_finished_by_state" in step for step in plan), plan


async def test_a_scrape_counts_every_state(store, db, clock):
    """The count is read from two partial indexes: together they hold every state."""
    for state in JobState:
        job = await store.create(REQUESTER, REQUEST, now=clock(), submit_by=clock() + 60)
        await db.write("UPDATE jobs SET state = ? WHERE id = ?", (state.value, job.id))

    every, recent = await store.count_finished_by_state(1)
    assert await store.count_unfinished_by_state() | every == {s.value: 1 for s in JobState}
    assert recent == every
    assert await store.count_recent_finished_by_state(1) == every


async def test_the_recent_jobs_start_at_the_oldest_running_one_but_not_too_far_back(
    store, db, clock
):
    """A job stuck for months would otherwise make every scrape count every job since."""
    states = ("completed", "queued", "failed", "processing", "completed")
    jobs = [
        await store.create(REQUESTER, REQUEST, now=clock(), submit_by=clock() + 60) for _ in states
    ]
    for job, state in zip(jobs, states, strict=True):
        await db.write("UPDATE jobs SET state = ? WHERE id = ?", (state, job.id))

    assert await store.recent_jobs_from(100) == jobs[1].id
    assert await store.recent_jobs_from(2) == jobs[3].id
    await db.write("UPDATE jobs SET state = 'completed' WHERE state IN ('queued', 'processing')")
    assert await store.recent_jobs_from(100) == jobs[-1].id + 1, "every job is over"


def _stage_conditions(hash_seed: str) -> str:
    script = (
        "from bot.jobs.stages import STAGE_JOBS\n"
        "for stage, (jobs, column) in sorted(STAGE_JOBS.items()): print(stage, jobs, column)\n"
    )
    environment = {**os.environ, "PYTHONHASHSEED": hash_seed}
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return done.stdout


def test_the_stage_queries_read_the_same_whatever_the_processs_hash_seed():
    # Sets of strings iterate in an order that changes with each process's hash seed: a
    # condition built from one would match its partial index on some starts and not others.
    assert _stage_conditions("0") == _stage_conditions("2")


async def _rendering(db: Database, store: JobStore, count: int, now: float) -> None:
    """`count` jobs rendering, due for a status check over the next minutes."""
    job = await store.create(REQUESTER, REQUEST, now=now, submit_by=now)
    columns = ", ".join(
        str(row[1]) for row in await db.fetch_all("PRAGMA table_info(jobs)") if row[1] != "id"
    )
    await db.write(
        f"INSERT INTO jobs ({columns}) SELECT {columns} FROM jobs,"
        " (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)"
        " SELECT i FROM n) WHERE jobs.id = ?",
        (count - 1, job.id),
    )
    await db.write(
        "UPDATE jobs SET state = 'processing', task_id = 't' || id, next_poll_at = ? + id % 97",
        (now,),
    )


async def _steps_of_next_due(db: Any, store: JobStore) -> int:
    """SQLite's work (in hundreds of its virtual machine's steps) for the poll stage's
    next-due question."""
    steps = 0

    def count() -> int:
        nonlocal steps
        steps += 1
        return 0  # go on

    await db._connection.set_progress_handler(count, 100)
    await store.next_due(Stage.POLL)
    await db._connection.set_progress_handler(None, 100)
    return steps


@sqlite_only
async def test_the_next_due_question_costs_the_same_however_many_jobs_render(db, clock):
    """The stage loops ask when their next job is due before each rest, up to ten times a
    second while idle, on the one connection every statement waits for: it reads the first
    rows in due order (and of held claims), not every running job."""
    store = JobStore(db, clock=clock)
    await _rendering(db, store, 50, clock())
    await store.claim_due(Stage.POLL, 8)
    few = await _steps_of_next_due(db, store)
    await _rendering(db, store, 5_000, clock())
    await store.claim_due(Stage.POLL, 8)
    many = await _steps_of_next_due(db, store)
    assert many <= few + 2, (few, many)


@sqlite_only
async def test_the_hand_over_sweep_reads_live_tokens_through_their_index(db, clock):
    """Every process looks for tokens running out each minute: only the few live tokens are
    read (an order by id alone walked the whole table by its primary key)."""
    recording = RecordingDatabase(db)
    routes = ReplyRoutes(recording)  # type: ignore[arg-type]
    await routes.tokens_running_out(clock() + 300, after=(0.0, 0), limit=50)
    [plan] = await _plans(db, recording.statements)
    assert any("USING INDEX jobs_with_token" in step for step in plan), plan
    assert not any("TEMP B-TREE" in step for step in plan), plan


@sqlite_only
async def test_the_line_after_each_send_reads_only_the_servers_unfinished_jobs(db, clock):
    """After every send the jobs waiting behind it are shown their new place (`held_behind`):
    read among the server's unfinished jobs (`jobs_unfinished_by_guild`), not through every
    job the server ever made, sorted (1 M jobs in one server: ~100 ms per send, on the one
    connection every other statement waits for)."""
    recording = RecordingDatabase(db)
    store = JobStore(recording, clock=clock)  # type: ignore[arg-type]
    job = await store.create(REQUESTER, REQUEST, now=clock(), submit_by=clock() + 60)
    recording.reset()

    await store.held_behind(job, limit=5)

    [plan] = await _plans(db, recording.statements)
    assert any("jobs_unfinished_by_guild" in step for step in plan), plan
    assert not any("TEMP B-TREE" in step for step in plan), plan


@sqlite_only
async def test_a_freed_slot_calls_the_waiting_jobs_without_reading_the_servers_history(db, clock):
    """A render ending in a server with a videos-at-once rule calls the jobs waiting for a slot
    (`call_held_now`), holding the write lock: found among the server's unfinished jobs
    (`jobs_unfinished_by_guild`), not through its whole history (1 M jobs in one server:
    ~200 ms per finished render, every other statement waiting)."""
    store = JobStore(db, clock=clock)
    await store.create(REQUESTER, REQUEST, now=clock(), submit_by=clock() + 60)

    [update] = await _sent_in_transactions(
        db, lambda: store.call_held_now(REQUESTER.guild_id, HOLD_SLOT, now=clock())
    )

    [plan] = await _plans(db, [(update, ())])
    assert any("jobs_unfinished_by_guild" in step for step in plan), plan


@sqlite_only
async def test_a_deleted_message_is_looked_up_among_results_and_statuses_through_their_indexes(
    db, clock
):
    """Every message deleted in a channel the bot reads is looked up, in one statement, among
    the posted videos and the status messages: through their indexes, never the whole table."""
    recording = RecordingDatabase(db)
    store = JobStore(recording, clock=clock)  # type: ignore[arg-type]
    await store.forget_deleted_messages(7, {98, 99})
    assert recording.writes == 1
    [plan] = await _plans(db, recording.statements[:1])
    assert "SCAN jobs" not in plan, plan
    assert any("jobs_by_result" in step for step in plan), plan
    assert any("jobs_by_status" in step for step in plan), plan


@sqlite_only
async def test_the_private_statuses_owed_are_read_through_the_live_tokens_index(db, clock):
    """Each minute every process looks for private statuses whose last edit is owed: read
    among the few live tokens, not through every job ever delivered."""
    recording = RecordingDatabase(db)
    routes = ReplyRoutes(recording)  # type: ignore[arg-type]
    await routes.private_statuses_owed(clock() + 60, limit=50)
    [plan] = await _plans(db, recording.statements)
    assert any("USING INDEX jobs_with_token" in step for step in plan), plan
    assert not any("TEMP B-TREE" in step for step in plan), plan


@sqlite_only
async def test_the_look_for_removals_missed_at_a_start_reads_only_the_waiting_jobs(db, clock):
    """Each shard's start looks for servers with jobs waiting to be sent: only those, through
    their index, not every job of every server (`jobs_by_guild`)."""
    recording = RecordingDatabase(db)
    await JobStore(recording, clock=clock).guilds_with_waiting_jobs()  # type: ignore[arg-type]
    [plan] = await _plans(db, recording.statements)
    assert any("USING INDEX jobs_due_submit" in step for step in plan), plan


async def _forget_channel_statements(db: Database, clock: Any) -> list[tuple[str, tuple[Any, ...]]]:
    """The statements that find a deleted thread's job messages (`forget_deleted_channel`), in a
    server with jobs in other channels."""
    recording = RecordingDatabase(db)
    store = JobStore(recording, clock=clock)  # type: ignore[arg-type]
    await store.forget_deleted_channel(REQUESTER.guild_id or 0, 123_456)
    return recording.statements


@sqlite_only
async def test_a_deleted_thread_is_looked_up_among_its_own_jobs_not_the_servers_history(db, clock):
    """A thread or channel deleted (a forum post, a purge of old threads) has its job messages
    looked up through indexes by channel and by thread parent, not through every job the
    server ever made (190,000 jobs in one server: 0.5-0.7 s per deleted thread, on the one
    connection every other statement waits for)."""
    plans = await _plans(db, await _forget_channel_statements(db, clock))
    assert plans
    for plan in plans:
        assert not any("SCAN jobs" in step or "jobs_by_guild" in step for step in plan), plan


@postgres_only
async def test_a_deleted_thread_in_a_busy_server_is_found_through_an_index(db, clock):
    """On PostgreSQL too: with a busy server's history in the table (and its statistics), the
    look-up reads an index by channel, not the table (a parallel scan of the whole table,
    0.6 s at 1.5 million jobs, for every thread deleted in any server)."""
    await db.write(
        "INSERT INTO jobs (guild_id, channel_id, user_id, prompt, resolution, aspect_ratio,"
        " state, created_at, media_fetched_at, status_message_id)"
        " SELECT ?, 7 + i % 20, 42 + i % 500, 'a fox', '720p', '16:9', 'completed', i, i, i"
        " FROM generate_series(1, 20000) AS i",
        (REQUESTER.guild_id,),
    )
    await db.write("ANALYZE jobs")
    for sql, params in await _forget_channel_statements(db, clock):
        plan = [str(row[0]) for row in await db.fetch_all(f"EXPLAIN {sql}", params)]
        assert not any("Seq Scan" in step or "jobs_by_guild" in step for step in plan), plan


async def _listing_statements(db: Database, clock: Any, guild_id: int) -> list[tuple[str, tuple]]:
    """The statements `/videomod jobs` sends for a server's newest jobs, and for one member's."""
    recording = RecordingDatabase(db)
    store = ModerationStore(recording, clock=clock)  # type: ignore[arg-type]
    await store.recent_jobs(guild_id, None, 10)
    await store.recent_jobs(guild_id, REQUESTER.user_id, 10)
    return recording.statements


@sqlite_only
async def test_a_moderators_job_list_reads_the_newest_jobs_without_sorting_the_servers_history(
    db, clock
):
    """`/videomod jobs` (a server's, or one member's) reads its newest jobs in an index's order
    and stops at its limit: not every job the server ever made, sorted (190,000 jobs in one
    server: 20-220 ms, on the one connection every other statement waits for)."""
    plans = await _plans(db, await _listing_statements(db, clock, REQUESTER.guild_id or 0))
    assert len(plans) == 2
    for plan in plans:
        assert not any("SCAN jobs" in step or "TEMP B-TREE" in step for step in plan), plan


@postgres_only
async def test_a_quiet_servers_job_list_does_not_walk_the_whole_table(db, clock):
    """On PostgreSQL a server whose jobs are old (or that has none) is listed through its own
    jobs, not by walking every job newest first until ten of its own turn up (1.9 s at 1.5
    million jobs for a server with none; 150 ms for a member whose jobs are elsewhere)."""
    await db.write(
        "INSERT INTO jobs (guild_id, channel_id, user_id, prompt, resolution, aspect_ratio,"
        " state, created_at, media_fetched_at)"
        " SELECT 1 + (i - 1) / 1000, 7, 42 + i % 50, 'a fox', '720p', '16:9', 'completed', i, i"
        " FROM generate_series(1, 20000) AS i"
    )
    await db.write("ANALYZE jobs")
    # Server 1's jobs are the oldest: newest first through the whole table, they come last.
    for sql, params in await _listing_statements(db, clock, 1):
        plan = [str(row[0]) for row in await db.fetch_all(f"EXPLAIN {sql}", params)]
        assert not any(
            "Seq Scan" in step or "jobs_pkey" in step or "jobs_of_member" in step for step in plan
        ), plan
