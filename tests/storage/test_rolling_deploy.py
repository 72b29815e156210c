"""A deploy's overlap: the new release migrates while a process of the old one still serves.

Every release so far added columns (mod_policy gained `confirm_above`, `max_rendering`; jobs
gained a dozen). The old process's pooled connections keep the statements they prepared; one
whose rows change shape (`SELECT *`, `RETURNING *`) fails once PostgreSQL sees the table
changed ("cached plan must not change result type"), and asyncpg prepares it again by itself
only outside a transaction: inside one, the member read "Something went wrong".
"""

import asyncio
import hashlib
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
import pytest

from bot.apimart.models import VideoRequest
from bot.i18n import msg
from bot.jobs.models import JobState, Requester
from bot.jobs.stages import LeaseTerms, Stage
from bot.jobs.store import JobStore
from bot.moderation.personal import admission_lock
from bot.moderation.service import Moderation
from bot.moderation.store import Actor
from bot.storage import Database, LockWaitTimeout, load_migrations, postgres
from bot.storage.base import Migration
from bot.storage.postgres import MIGRATIONS_DIR, PostgresDatabase
from tests.backends import postgres_only

GUILD = 1
MOD = Actor(GUILD, 98)
ALICE = Requester(user_id=42, channel_id=7, guild_id=GUILD)
BOB = Requester(user_id=43, channel_id=7, guild_id=GUILD)


async def the_new_release_migrates(backend, table: str) -> None:
    """The new release's process starts and adds a column to `table`; the old one still
    serves (each statement it prepared before, the first to fail drops them all)."""
    new = await backend.open()
    next_release = Migration(10_000, "next", f"ALTER TABLE {table} ADD COLUMN next_rule INTEGER")
    assert await new.migrate([*load_migrations(MIGRATIONS_DIR), next_release]) == [10_000]


@postgres_only
@pytest.mark.parametrize("table", ["mod_policy", "mod_member_limits"])
async def test_the_old_process_admits_a_video_after_the_new_release_migrated(
    backend, db, clock, table
):
    old = Moderation(db, clock=clock)
    store = JobStore(db, clock=clock)
    await old.store.update_policy(MOD, msg("change_resumed", moderator="x"), default_limit=5)
    await old.store.set_member_limit(MOD, BOB.user_id, 3, "regular", None)
    for member in (ALICE, BOB):  # each statement of an admission prepared, as after a while
        await store.create(
            member, VideoRequest(prompt="before"), now=clock(), submit_by=clock(), admission=old
        )
    await the_new_release_migrates(backend, table)

    clock.advance(60)
    for member in (ALICE, BOB):
        job = await store.create(
            member,
            VideoRequest(prompt="after the deploy"),
            now=clock(),
            submit_by=clock(),
            admission=old,
        )
        assert job.request.prompt == "after the deploy"


async def sent(store: JobStore, job) -> None:
    """Claimed for its submit, and its request gone to APIMart (no answer yet)."""
    claim = await store.claim_for_submit(job.id)
    assert claim is not None and claim.state is JobState.SUBMITTING
    assert await store.renew_before_sending(claim) is not None


@postgres_only
@pytest.mark.parametrize("first_after", ["send", "settle"])
async def test_the_old_process_sends_and_settles_jobs_after_the_new_release_migrated(
    backend, db, clock, first_after
):
    store = JobStore(db, clock=clock, leases=LeaseTerms(owner="old"))
    lost = await store.create(ALICE, VideoRequest(prompt="a"), now=clock(), submit_by=clock())
    waiting = await store.create(ALICE, VideoRequest(prompt="b"), now=clock(), submit_by=clock())
    await sent(store, lost)
    assert await store.expire_lost_submits(now=clock()) == []
    await the_new_release_migrates(backend, "jobs")
    # The process that sent the first died unanswered: the old release's survivor settles it.
    clock.advance(store.leases.length(Stage.SUBMIT) + 1)

    if first_after == "send":
        await sent(store, waiting)
    settled = await store.expire_lost_submits(now=clock())
    if first_after == "settle":
        await sent(store, waiting)

    assert [(job.id, job.state) for job in settled] == [(lost.id, JobState.SUBMIT_UNKNOWN)]


@asynccontextmanager
async def a_transaction_left_open_on(db: Database, job_id: int) -> AsyncIterator[int]:
    """A transaction of the old process holding a job's row, as one a process gone silent
    leaves open (until PostgreSQL ends it, `IDLE_IN_TRANSACTION_TIMEOUT`); its backend's pid."""
    holding, release = asyncio.Event(), asyncio.Event()
    pid: list[int] = []

    async def hold() -> None:
        async with db.transaction() as conn:
            await conn.execute("SELECT id FROM jobs WHERE id = ? FOR UPDATE", (job_id,))
            row = await (await conn.execute("SELECT pg_backend_pid()")).fetchone()
            assert row is not None
            pid.append(int(row[0]))
            holding.set()
            await release.wait()

    held = asyncio.create_task(hold())
    await holding.wait()
    try:
        yield pid[0]
    finally:
        release.set()
        await held


async def waiting_behind(db: Database, pid: int) -> None:
    """Until a statement waits for a lock the backend `pid` holds."""
    for _ in range(500):
        row = await db.fetch_one(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE ? = ANY(pg_blocking_pids(pid))", (pid,)
        )
        if row is not None and row[0] > 0:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("nothing ever waited behind the open transaction")


@postgres_only
async def test_a_deploys_migration_does_not_stall_the_running_process(
    backend, db, clock, monkeypatch
):
    """The new release adds a column to jobs while a transaction of the old process is open: its
    ALTER TABLE waits for that transaction, and every later statement on jobs (of every
    process) waits behind the ALTER. It gives up within `MIGRATION_LOCK_WAIT`, lets them pass,
    and tries again: the old process keeps sending and following jobs, and the migration is
    applied once the transaction ends."""
    lock_wait = 0.5  # the ALTER's wait for its lock: 2 s (`MIGRATION_LOCK_WAIT`) in production
    monkeypatch.setattr(postgres, "MIGRATION_LOCK_WAIT", lock_wait)
    store = JobStore(db, clock=clock)
    job = await store.create(ALICE, VideoRequest(prompt="a"), now=clock(), submit_by=clock())
    new = await backend.open()
    next_release = Migration(10_000, "next", "ALTER TABLE jobs ADD COLUMN next_rule INTEGER")
    try:
        async with a_transaction_left_open_on(db, job.id) as holder:
            migrating = asyncio.create_task(
                new.migrate([*load_migrations(MIGRATIONS_DIR), next_release])
            )
            await waiting_behind(db, holder)
            bound = lock_wait + 2
            assert await asyncio.wait_for(store.claim_due(Stage.POLL, 8), bound) == []
            later = await asyncio.wait_for(
                store.create(BOB, VideoRequest(prompt="b"), now=clock(), submit_by=clock()), bound
            )
            assert later.id > job.id
        assert await asyncio.wait_for(migrating, 30) == [10_000]
    finally:
        await new.close()


@postgres_only
async def test_a_migration_that_never_gets_its_lock_stops_the_start_with_a_clear_error(
    backend, db, clock, monkeypatch
):
    """Tries go on for `MIGRATION_LOCK_PATIENCE` in all; then the start stops, naming the
    migration, and nothing of it is applied."""
    # Each try's wait 0.5 s, not 2 s (the patience a second longer, as before): a lock that is
    # never given is waited out in full however long the waits are.
    monkeypatch.setattr(postgres, "MIGRATION_LOCK_WAIT", 0.5)
    monkeypatch.setattr(postgres, "MIGRATION_LOCK_PATIENCE", 0.5 + 1)
    store = JobStore(db, clock=clock)
    job = await store.create(ALICE, VideoRequest(prompt="a"), now=clock(), submit_by=clock())
    new = await backend.open()
    next_release = Migration(10_000, "next", "ALTER TABLE jobs ADD COLUMN next_rule INTEGER")
    try:
        async with a_transaction_left_open_on(db, job.id):
            with pytest.raises(LockWaitTimeout, match=r"10000_next\.sql"):
                await new.migrate([*load_migrations(MIGRATIONS_DIR), next_release])
        assert await new.schema_version() < 10_000
    finally:
        await new.close()


def the_earlier_releases_key(name: str) -> int:
    """The advisory lock key every release before the keys were scoped by schema took for
    `serialize(name)`, in any schema (pinned here: it is what an old process still takes)."""
    digest = hashlib.blake2b(name.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


@postgres_only
async def test_the_new_release_waits_for_an_old_process_holding_a_members_admission(backend):
    """On the default schema (`public`), where every deployment without a schema of its own
    is, an old process inside a member's admission still holds up the new release's admission
    of that member: a rolling deploy must not let both count on the same videos left. (Only
    the lock is used, no table of `public`: a member no other test has.)"""
    lock = admission_lock(secrets.randbits(62))
    old = await asyncpg.connect(backend.dsn, server_settings={"search_path": "public"})
    new = await PostgresDatabase.open(backend.dsn, schema="public", max_size=1)
    try:
        async with old.transaction():
            await old.execute("SELECT pg_advisory_xact_lock($1)", the_earlier_releases_key(lock))
            with pytest.raises(TimeoutError):
                async with asyncio.timeout(0.5), new.transaction() as conn:
                    await conn.serialize(lock)
        async with asyncio.timeout(5), new.transaction() as conn:
            await conn.serialize(lock)  # the old process's admission committed: taken at once
    finally:
        await new.close()
        await old.close()
