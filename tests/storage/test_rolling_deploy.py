"""A deploy's overlap: the new release migrates while a process of the old one still serves.

Every release so far added columns (mod_policy gained `confirm_above`, `max_rendering`; jobs
gained a dozen). The old process's pooled connections keep the statements they prepared; one
whose rows change shape (`SELECT *`, `RETURNING *`) fails once PostgreSQL sees the table
changed ("cached plan must not change result type"), and asyncpg prepares it again by itself
only outside a transaction: inside one, the member read "Something went wrong".
"""

import pytest

from bot.apimart.models import VideoRequest
from bot.i18n import msg
from bot.jobs.models import JobState, Requester
from bot.jobs.store import JobStore, LeaseTerms, Stage
from bot.moderation.service import Moderation
from bot.moderation.store import Actor
from bot.storage import load_migrations
from bot.storage.base import Migration
from bot.storage.postgres import MIGRATIONS_DIR
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
