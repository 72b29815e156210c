"""docs/scaling.md: two deployments (staging and production, or two bots) in one PostgreSQL
database, each on a schema of its own (`?search_path=` in DATABASE_URL, or the role's).

PostgreSQL's advisory locks are the whole database's, not a schema's. The bot's locks were
keyed by their name alone (`admission:42`, `budget:1`), so one deployment's process holding a
member's admission (gone silent: a partition, a frozen host, for up to 30 s) held up the same
member's /video in the other deployment too, which told them "busy, try again" after 10 s.
"""

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.apimart.models import VideoRequest
from bot.i18n import msg
from bot.jobs.models import Requester
from bot.jobs.store import JobStore
from bot.moderation.facts import budget_lock
from bot.moderation.personal import admission_lock
from bot.moderation.service import Moderation
from bot.moderation.store import Actor
from bot.storage import Database
from bot.storage.postgres import LOCK_WAIT, PostgresDatabase
from tests.backends import drop_schema, held_by_a_silent_process, new_schema, postgres_only

GUILD = 1
# The same member in both deployments: two bots share their servers' members (a staging bot
# is tried in the production bot's server, by its moderators).
ALICE = Requester(user_id=42, channel_id=7, guild_id=GUILD)
REQUEST = VideoRequest(prompt="a fox in snow", duration=6)
# Well within `LOCK_WAIT`: a lock free in this deployment is taken at once.
PROMPTLY = 3.0


def on_schema(dsn: str, schema: str) -> str:
    """DATABASE_URL choosing `schema`, as docs/scaling.md tells an operator to write it."""
    return f"{dsn}{'&' if '?' in dsn else '?'}search_path={schema}"


@pytest.fixture
async def other_deployment(backend) -> AsyncIterator[Database]:
    """A second deployment in the test's database, on a schema of its own, migrated."""
    schema = await new_schema(backend.dsn)
    database = await PostgresDatabase.open(on_schema(backend.dsn, schema), max_size=5)
    try:
        await database.migrate()
        yield database
    finally:
        await database.close()
        await drop_schema(backend.dsn, schema)


@postgres_only
@pytest.mark.parametrize("held", ["member", "budget"])
async def test_a_silent_process_of_one_deployment_does_not_hold_up_the_others_video(
    db, other_deployment, clock, held
):
    """Production's process holding Alice's admission (or her server's budget) goes silent:
    Alice's /video to the staging bot, on a schema of its own, is admitted at once, not told
    "busy, try again" after `LOCK_WAIT`."""
    staging = Moderation(other_deployment, clock=clock)
    await staging.store.update_policy(
        Actor(GUILD, 99), msg("change_resumed", moderator="x"), monthly_budget=1000.0
    )
    lock = admission_lock(ALICE.user_id) if held == "member" else budget_lock(GUILD)
    async with held_by_a_silent_process(db, lock):
        async with asyncio.timeout(PROMPTLY):
            job = await JobStore(other_deployment, clock=clock).create(
                ALICE, REQUEST, now=clock(), submit_by=clock() + 60, admission=staging
            )
    assert job.requester == ALICE
    assert PROMPTLY < LOCK_WAIT


@postgres_only
async def test_one_deployments_lock_is_not_the_other_deployments(db, other_deployment):
    """Every lock the stores take (`serialize`): one deployment's holder never makes the
    other's wait; within one deployment it still does."""
    name = "channels:1"
    async with held_by_a_silent_process(db, name):
        async with asyncio.timeout(PROMPTLY), other_deployment.transaction() as conn:
            await conn.serialize(name)
        # ... while the holder's own deployment still waits for it.
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(0.3), db.transaction() as conn:
                await conn.serialize(name)


@postgres_only
async def test_a_deployment_starts_while_the_other_migrates(backend, db):
    """Production's new release is migrating (a long index build): staging, on its own schema,
    starts (migrates) meanwhile rather than waiting its turn behind production."""
    schema = await new_schema(backend.dsn)
    staging = await PostgresDatabase.open(on_schema(backend.dsn, schema), max_size=2)
    released, locked = asyncio.Event(), asyncio.Event()

    async def a_long_migration() -> None:
        async with db.transaction() as conn:
            await conn.execute(
                "SELECT pg_advisory_xact_lock(hashtext('migrations:' || current_schema()))"
            )
            locked.set()
            await released.wait()

    migrating = asyncio.create_task(a_long_migration())
    try:
        await locked.wait()
        async with asyncio.timeout(30):  # the migrations themselves, on a busy server
            assert await staging.migrate()
        assert not migrating.done()
    finally:
        released.set()
        await migrating
        await staging.close()
        await drop_schema(backend.dsn, schema)
