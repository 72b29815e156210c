"""The core `bot.wiring` builds is reachable on the bot the way cogs reach it."""

from bot.app import VideoBot
from bot.settings import Settings
from bot.storage.sqlite import SqliteDatabase
from bot.wiring import Services
from tests.harness import fast_settings


def test_every_built_service_is_a_typed_attribute_of_the_bot():
    """`VideoBot` keeps each service as the attribute of its name (`bot.jobs`, `bot.store`...):
    a service added to `Services` must be declared on the bot too, with the same type, or the
    cogs would reach it untyped."""
    declared = VideoBot.__annotations__
    missing = {
        name: kind for name, kind in Services.__annotations__.items() if declared.get(name) != kind
    }
    assert missing == {}


async def test_guild_ready_timeout_is_how_long_each_shard_waits_for_more_servers(
    tmp_path, api, fake
):
    """GUILD_READY_TIMEOUT reaches discord.py: a shard counts as ready that long after the last
    server the gateway sent (production waits 2 s; the tests' fake sends them all at once)."""
    database = await SqliteDatabase.open(tmp_path / "bot.sqlite3")
    try:
        waits = [
            VideoBot(fast_settings(tmp_path, api, fake, **given), database)._connection
            for given in ({"guild_ready_timeout": 0.5}, {})
        ]
    finally:
        await database.close()
    assert [state.guild_ready_timeout for state in waits] == [0.5, 0.05]
    assert Settings.model_fields["guild_ready_timeout"].default == 2.0
