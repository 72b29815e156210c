"""The test server's copy of the commands (DEV_GUILD_ID) is the bot's to clean up: once the
setting is unset or names another server, the next start removes the copy the first server
kept, so it does not list every command twice for ever."""

import asyncio
import logging
from contextlib import AsyncExitStack

import pytest

from tests.backends import postgres_only
from tests.fakes.apimart import FakeAPIMart
from tests.fakes.discord import FakeDiscord, RecordedRequest
from tests.harness import API_KEY, BOT_TOKEN, running_bot

SYNC_LOG = "bot.command_sync"


def guild_syncs(fake: FakeDiscord, guild_id: int) -> list[RecordedRequest]:
    """The bot's bulk overwrites of `guild_id`'s own copy of the commands."""
    return [
        r
        for r in fake.requests
        if r.method == "PUT" and r.path.endswith(f"/guilds/{guild_id}/commands")
    ]


def removals(fake: FakeDiscord, guild_id: int) -> list[RecordedRequest]:
    """Those that emptied it."""
    return [r for r in guild_syncs(fake, guild_id) if r.json == []]


def sync_lines(caplog: pytest.LogCaptureFixture, guild_id: int) -> list[logging.LogRecord]:
    return [
        r for r in caplog.records if r.name == SYNC_LOG and f"server {guild_id}" in r.getMessage()
    ]


async def test_the_test_servers_copy_is_removed_at_the_first_start_without_dev_guild_id(
    tmp_path, caplog
):
    """Unset before sharing the bot: the test server lists each command once (the global one),
    the log says so in one INFO line, and later starts leave the server alone."""
    caplog.set_level(logging.INFO, logger=SYNC_LOG)
    async with FakeDiscord(token=BOT_TOKEN) as fake, FakeAPIMart(api_key=API_KEY) as api:
        test_server = fake.guild_id
        async with running_bot(tmp_path, fake=fake, api=api, dev_guild_id=test_server):
            pass
        assert fake.commands(test_server), "synced to the test server"
        caplog.clear()
        async with running_bot(tmp_path, fake=fake, api=api):
            pass
        assert fake.commands(test_server) == []
        assert any(c["name"] == "video" for c in fake.commands()), "synced globally"
        [line] = sync_lines(caplog, test_server)
        assert line.levelno == logging.INFO
        assert "DEV_GUILD_ID" in line.getMessage()
        async with running_bot(tmp_path, fake=fake, api=api):
            pass
        assert len(guild_syncs(fake, test_server)) == 2, "removed once, then forgotten"


async def test_dev_guild_id_moved_to_another_server_removes_the_first_servers_copy(tmp_path):
    async with FakeDiscord(token=BOT_TOKEN) as fake, FakeAPIMart(api_key=API_KEY) as api:
        first, second = fake.guild_id, fake.add_guild("Second test server")
        async with running_bot(tmp_path, fake=fake, api=api, dev_guild_id=first):
            pass
        async with running_bot(tmp_path, fake=fake, api=api, dev_guild_id=second):
            pass
        assert fake.commands(first) == []
        assert any(c["name"] == "video" for c in fake.commands(second))
        async with running_bot(tmp_path, fake=fake, api=api, dev_guild_id=second):
            pass
        assert len(removals(fake, first)) == 1, "removed once"
        assert removals(fake, second) == [], "the server DEV_GUILD_ID names keeps its copy"
        assert any(c["name"] == "video" for c in fake.commands(second))


@pytest.mark.parametrize(
    ("status", "code", "message"),
    [(403, 50001, "Missing Access"), (404, 10004, "Unknown Guild")],
)
async def test_a_refused_removal_is_one_line_and_never_tried_again(
    tmp_path, caplog, status, code, message
):
    """The bot was removed from the test server (or the server deleted): Discord refuses; the
    bot starts all the same, says so in one line, and does not try again at every start."""
    async with FakeDiscord(token=BOT_TOKEN) as fake, FakeAPIMart(api_key=API_KEY) as api:
        test_server = fake.guild_id
        async with running_bot(tmp_path, fake=fake, api=api, dev_guild_id=test_server):
            pass
        caplog.clear()
        fake.fail_next("PUT", rf"/guilds/{test_server}/commands$", status, code, message)
        async with running_bot(tmp_path, fake=fake, api=api) as world:
            assert world.bot.set_up, "started all the same"
        [line] = sync_lines(caplog, test_server)
        assert line.levelno == logging.WARNING
        assert f"HTTP {status}: {message}" in line.getMessage()
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
        async with running_bot(tmp_path, fake=fake, api=api):
            pass
        assert len(guild_syncs(fake, test_server)) == 2, "forgotten after the refusal"


async def test_a_removal_discord_could_not_do_for_now_is_tried_again_at_the_next_start(
    tmp_path, caplog
):
    """Discord unavailable for a moment (503): the copy stays remembered, not forgotten."""
    async with FakeDiscord(token=BOT_TOKEN) as fake, FakeAPIMart(api_key=API_KEY) as api:
        test_server = fake.guild_id
        async with running_bot(tmp_path, fake=fake, api=api, dev_guild_id=test_server):
            pass
        caplog.clear()
        fake.fail_next("PUT", rf"/guilds/{test_server}/commands$", 503, 0, "Service Unavailable")
        async with running_bot(tmp_path, fake=fake, api=api) as world:
            assert world.bot.set_up, "started all the same"
        [line] = sync_lines(caplog, test_server)
        assert line.levelno == logging.WARNING and "next start" in line.getMessage()
        assert fake.commands(test_server), "still there"
        async with running_bot(tmp_path, fake=fake, api=api):
            pass
        assert fake.commands(test_server) == []


@postgres_only
async def test_processes_starting_together_remove_the_copy_once(tmp_path, backend):
    """Several processes (shards) on one database: one of them removes the copy."""
    async with FakeDiscord(token=BOT_TOKEN) as fake, FakeAPIMart(api_key=API_KEY) as api:
        test_server = fake.guild_id
        databases = [await backend.open() for _ in range(3)]
        await databases[0].migrate()
        async with running_bot(
            tmp_path, fake=fake, api=api, database=databases[0], dev_guild_id=test_server
        ):
            pass
        async with AsyncExitStack() as processes:
            await asyncio.gather(
                *(
                    processes.enter_async_context(
                        running_bot(tmp_path / str(n), fake=fake, api=api, database=db)
                    )
                    for n, db in enumerate(databases[1:])
                )
            )
        assert len(removals(fake, test_server)) == 1
        assert fake.commands(test_server) == []


@postgres_only
async def test_the_copy_is_removed_whatever_the_databases_collation(tmp_path, backend):
    """A PostgreSQL created with a language's collation (the official image's en_US.utf8):
    the test server's copy is removed as with the C collation, not kept for ever."""
    async with FakeDiscord(token=BOT_TOKEN) as fake, FakeAPIMart(api_key=API_KEY) as api:
        test_server = fake.guild_id
        db = await backend.open()
        await db.migrate()
        await db.write('ALTER TABLE bot_state ALTER COLUMN key TYPE TEXT COLLATE "en-US-x-icu"')
        async with running_bot(tmp_path, fake=fake, api=api, database=db, dev_guild_id=test_server):
            pass
        async with running_bot(tmp_path, fake=fake, api=api, database=await backend.open()):
            pass
        assert fake.commands(test_server) == []
