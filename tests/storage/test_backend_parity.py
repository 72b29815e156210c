"""Where PostgreSQL (READ COMMITTED, several processes) must behave as SQLite does."""

import asyncio
import contextlib
import uuid

import asyncpg
import pytest

from bot.apimart.models import TaskInfo, TaskStatus, VideoRequest, parse_task
from bot.i18n import msg
from bot.jobs.models import JobRefused, JobState, Requester
from bot.jobs.stages import Stage
from bot.jobs.store import JobStore
from bot.moderation import facts, service
from bot.moderation import store as moderation_store
from bot.moderation.service import Moderation
from bot.moderation.store import Actor
from bot.moderation.store import channels as moderation_channels
from bot.storage import postgres
from tests.backends import postgres_only
from tests.jobstates import claimed, submitted

GUILD = 1
MOD_A = Actor(GUILD, 98)
MOD_B = Actor(GUILD, 99)
ALICE = Requester(user_id=42, channel_id=7, guild_id=GUILD)
BOB = Requester(user_id=43, channel_id=7, guild_id=GUILD)
DEAR = VideoRequest(prompt="a fox in snow", duration=10, resolution="4k")  # 15 expected
CHEAP = VideoRequest(prompt="a fox", duration=6)  # 3 expected


@postgres_only
async def test_a_render_ending_during_an_admission_still_counts_against_the_budget(
    store, db, clock, backend, monkeypatch
):
    """The admission reads what the budget has spent and what it holds for the videos being
    made in two statements; on PostgreSQL each sees what was committed when it began. A render
    another process finishes between them moves from held to spent: it must not be counted by
    neither (a spent budget would admit one more video)."""
    moderation = Moderation(db, clock=clock)
    await moderation.store.update_policy(
        MOD_A, msg("change_resumed", moderator="x"), monthly_budget=15.0
    )
    job = await store.create(ALICE, DEAR, now=clock(), submit_by=clock(), admission=moderation)
    job = await submitted(store, job, now=clock())
    # The budget is spoken for: Bob's 3-credit video is refused.
    try:
        await store.create(BOB, CHEAP, now=clock(), submit_by=clock(), admission=moderation)
        raise AssertionError("admitted over a budget held by the render")
    except JobRefused:
        pass

    poller = JobStore(await backend.open(), clock=clock)  # another process's poller
    render = await claimed(poller, job.id, Stage.POLL)
    reads: list[str] = []

    def then_the_render_ends(name):
        original = getattr(facts, name)

        async def read(reader, guild_id, window, **options):
            value = await original(reader, guild_id, window, **options)
            reads.append(name)
            if len(reads) == 1:  # between the two reads, whichever comes first
                info = TaskInfo(
                    task_id="t", status=TaskStatus.COMPLETED, progress=100, credits_cost=15.0
                )
                assert await poller.finish(render, JobState.COMPLETED, now=clock(), info=info)
            return value

        monkeypatch.setattr(facts, name, read)

    then_the_render_ends("credits_spent")
    then_the_render_ends("credits_held")
    clock.advance(1)
    refused = None
    try:
        await store.create(BOB, CHEAP, now=clock(), submit_by=clock(), admission=moderation)
    except JobRefused as error:
        refused = error
    assert len(reads) == 2
    assert refused is not None, "15 of 15 credits spent, yet a 3-credit video was admitted"


@postgres_only
async def test_the_last_two_channels_removed_at_once_say_every_channel_is_open_again(
    db, clock, backend, monkeypatch
):
    """Two moderators remove the last two listed channels at the same moment: the list is
    empty (videos allowed everywhere), and one of the two changes must say so, as on SQLite."""
    mods = moderation_store.ModerationStore(db, clock=clock)
    other = moderation_store.ModerationStore(await backend.open(), clock=clock)
    await mods.add_channel(MOD_A, 7)
    await mods.add_channel(MOD_A, 8)

    deleted: list[object] = []
    both_deleted = asyncio.Event()
    original = moderation_channels.value_of

    async def count_after_both_deleted(conn, sql, params):
        # Each change counts what is left once the other has deleted its row too, if it can
        # (a change held back until the first one ends never gets there: a short wait).
        deleted.append(conn)
        if len(deleted) == 2:
            both_deleted.set()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(both_deleted.wait(), 0.3)
        return await original(conn, sql, params)

    # bot/moderation/store/channels.py takes a channel off the list and counts what is left.
    monkeypatch.setattr(moderation_channels, "value_of", count_after_both_deleted)
    changes = await asyncio.gather(mods.remove_channel(MOD_A, 7), other.remove_channel(MOD_B, 8))

    assert await mods.channels(GUILD) == []
    assert "change_channel_removed_last" in {change.key for change in changes}


@postgres_only
async def test_a_process_gone_silent_mid_transaction_gives_its_locks_back(backend, db, monkeypatch):
    """Process A holds a server's budget lock in an admission and goes silent (a partition, a
    frozen host): PostgreSQL must end its session soon, not after TCP gives up (hours), or
    every other process's /video in that server waits on the lock until its token dies."""
    monkeypatch.setattr(postgres, "IDLE_IN_TRANSACTION_TIMEOUT", 1.0)
    silent = await backend.open()
    held = asyncio.Event()

    async def go_silent_holding_the_lock() -> None:
        async with silent.transaction() as conn:
            await conn.serialize("budget:1")
            held.set()
            await asyncio.Event().wait()  # never speaks to the database again

    process_a = asyncio.create_task(go_silent_holding_the_lock())
    try:
        await asyncio.wait_for(held.wait(), 5)
        async with asyncio.timeout(10):
            async with db.transaction() as conn:
                await conn.serialize("budget:1")  # process B's admission
    finally:
        process_a.cancel()
        with contextlib.suppress(BaseException):
            await asyncio.wait_for(process_a, 5)


@postgres_only
async def test_a_write_given_up_behind_another_sessions_lock_ends_on_the_server_too(
    backend, db, monkeypatch
):
    """An operator's `CREATE INDEX` or `VACUUM FULL` holds the jobs table past a statement's
    bound: the bot gives the statement up and drops its connection, but PostgreSQL only
    notices once the lock is free. Left waiting there, each such statement (one per stage a
    minute, in every process) kept a connection slot until `max_connections` refused every
    client, then ran, a claim nobody works landing late. The server must end it itself."""
    monkeypatch.setattr(postgres, "STATEMENT_TIMEOUT", 0.5)
    await db.set_value("owner", "nobody")
    process = await backend.open()  # its connections made under the bound above
    marker = f"stalled-{uuid.uuid4().hex}"
    waiting = (
        "SELECT count(*) FROM pg_stat_activity WHERE pid != pg_backend_pid()"
        f" AND state = 'active' AND query LIKE '%{marker}%'"
    )
    operator = await asyncpg.connect(backend.dsn, server_settings={"search_path": backend.schema})
    try:
        async with operator.transaction():
            await operator.execute("LOCK TABLE bot_state IN ACCESS EXCLUSIVE MODE")
            # Given up by the bot, or by the server if its bound went first.
            with pytest.raises((TimeoutError, asyncpg.QueryCanceledError)):
                await process.write(f"UPDATE bot_state SET value = '{marker}' WHERE key = 'owner'")
            async with asyncio.timeout(10):  # the lock still held: only the server can end it
                # No event says a server's statement ended: its activity is looked at, each
                # time in a transaction of its own (one reads a snapshot of it taken once).
                while (await db.fetch_one(waiting))[0]:  # noqa: ASYNC110
                    await asyncio.sleep(0.05)
    finally:
        await operator.close()
    assert await db.get_value("owner") == "nobody", "the write given up never lands"


async def test_a_status_answer_with_an_absurd_estimate_is_recorded_on_both_backends(store, clock):
    """An `estimated_time` of billions of seconds (a broken answer) fits SQLite's INTEGER but
    not PostgreSQL's: every status check of the job failed there, its status frozen."""
    job = await store.create(ALICE, CHEAP, now=clock(), submit_by=clock())
    job = await submitted(store, job, now=clock())
    poll = await claimed(store, job.id, Stage.POLL)
    answer = {"data": {"status": "processing", "progress": 40, "estimated_time": 5_000_000_000}}
    updated = await store.record_progress(poll, parse_task(answer, "t"), next_poll_at=clock() + 8)
    assert updated is not None
    assert updated.progress == 40


@postgres_only
async def test_an_unblock_at_the_moment_another_moderator_sets_an_allowance_keeps_it(
    db, clock, backend, monkeypatch
):
    """Moderator A unblocks a member while moderator B gives them an allowance of 5: on SQLite
    one change runs after the other, and the allowance stays (or A finds no block to lift).
    The unblock read the block, then deleted whatever row was there by then: B's allowance,
    which B was told was set and the audit recorded, silently gone."""
    mods = moderation_store.ModerationStore(db, clock=clock)
    other = moderation_store.ModerationStore(await backend.open(), clock=clock)
    await mods.set_member_limit(MOD_A, ALICE.user_id, 0, "spam", None)

    original = postgres.PostgresConnection.execute
    setting: list[asyncio.Task[object]] = []

    def execute(self, sql, parameters=(), /):
        if sql.startswith("DELETE FROM mod_member_limits") and not setting:
            # A has read the block: B's change comes now (if it can: a short wait, as a
            # change held back until A ends never gets there).
            setting.append(
                asyncio.create_task(other.set_member_limit(MOD_B, ALICE.user_id, 5, "ok", None))
            )

            async def after_b():
                await asyncio.wait(setting, timeout=0.3)
                return await original(self, sql, parameters)

            return after_b()
        return original(self, sql, parameters)

    monkeypatch.setattr(postgres.PostgresConnection, "execute", execute)
    unblocked = await mods.clear_member_limit(
        MOD_A, ALICE.user_id, "change_member_unblocked", blocks_only=True
    )
    await asyncio.gather(*setting)

    assert unblocked is not None
    [override] = await mods.member_overrides(GUILD)
    assert (override.user_id, override.video_limit) == (ALICE.user_id, 5)


@postgres_only
async def test_a_video_is_quoted_the_figure_its_admission_judged_though_prices_move_meanwhile(
    store, db, clock, backend, monkeypatch
):
    """The admission prices a video for the server's threshold (and budget), then the insert
    keeps its quote: on PostgreSQL a read of its own would see renders another process
    finished in between. Three 1080p 10 s renders charged 30 credits land there: the video,
    judged at 10 credits (under the threshold of 20, so never asked about), must not be quoted
    (and held) at 30 that its member was never asked to agree to."""
    moderation = Moderation(db, clock=clock)
    await moderation.store.update_policy(
        MOD_A, msg("change_resumed", moderator="x"), confirm_above=20.0
    )
    kind = VideoRequest(prompt="a harbour at dawn", duration=10, resolution="1080p")
    poller = JobStore(await backend.open(), clock=clock)  # another process
    renders = []
    for n in range(3):
        rival = Requester(user_id=500 + n, channel_id=7, guild_id=GUILD)
        job = await poller.create(rival, kind, now=clock(), submit_by=clock())
        renders.append(await submitted(poller, job, now=clock(), task_id=f"rival_{n}"))
    claims = [await claimed(poller, job.id, Stage.POLL) for job in renders]
    original = service.expected_with

    async def then_renders_end(read, request):
        judged = await original(read, request)
        for claim in claims:
            info = TaskInfo(
                task_id="t", status=TaskStatus.COMPLETED, progress=100, credits_cost=30.0
            )
            assert await poller.finish(claim, JobState.COMPLETED, now=clock(), info=info)
        return judged

    monkeypatch.setattr(service, "expected_with", then_renders_end)
    clock.advance(1)
    job = await store.create(ALICE, kind, now=clock(), submit_by=clock(), admission=moderation)
    assert job.quoted_credits == 10.0, job.quoted_credits
