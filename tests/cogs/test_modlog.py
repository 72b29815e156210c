"""What the mod-log remembers per server stays as small as its use, however many servers."""

from types import SimpleNamespace
from unittest.mock import MagicMock

import discord

from bot.i18n import msg
from cogs._modlog import MODLOG_REFUSED_FOR, SERVER_LOCALE_KEPT, ModLogPosts
from tests.conftest import FakeClock

ALERT = msg("modlog_balance_low", remaining="10", threshold="100")
SERVERS = 400


class _Channel:
    def __init__(self, bot: "_OtherShards", channel_id: int) -> None:
        self._bot = bot
        self.id = channel_id

    async def send(self, content: str, **_: object) -> None:
        if self.id in self._bot.shut:
            response = SimpleNamespace(status=403, reason="Forbidden")
            raise discord.Forbidden(response, {"code": 50001, "message": "Missing Access"})
        self._bot.posted.append((self.id, content))


class _OtherShards:
    """A bot process holding none of the servers (each on another process's shard): a
    server's language is read over REST, its mod-log channel may refuse the bot."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.posted: list[tuple[int, str]] = []
        self.shut: set[int] = set()
        self.reads = 0

    def get_guild(self, _guild_id: int) -> None:
        return None

    async def fetch_guild(self, guild_id: int, *, with_counts: bool = True) -> discord.Guild:
        self.reads += 1
        data = {"id": str(guild_id), "preferred_locale": "zh-CN"}
        return discord.Guild(data=data, state=MagicMock())

    def get_partial_messageable(self, channel_id: int, *, guild_id: int) -> _Channel:
        return _Channel(self, channel_id)


async def test_server_languages_read_for_alerts_are_not_kept_for_good():
    """An alert for every server (a low balance) reaches the mod-log of servers on other
    processes' shards, each one's language read over REST: kept while it is used
    (`SERVER_LOCALE_KEPT`), then gone, or every server the bot was ever in stays in memory."""
    clock = FakeClock()
    bot = _OtherShards(clock)
    modlog = ModLogPosts(bot)  # type: ignore[arg-type]
    for guild_id in range(1, SERVERS + 1):
        await modlog.post_in(guild_id, 10_000 + guild_id, ALERT)
        clock.advance(SERVER_LOCALE_KEPT / 50)
    assert len(bot.posted) == SERVERS
    assert "余额" in bot.posted[-1][1], "in the server's language"
    assert len(modlog._server_locales) <= 51
    # The latest server's language is still known: not read again.
    reads = bot.reads
    await modlog.post_in(SERVERS, 10_000 + SERVERS, ALERT)
    assert bot.reads == reads


async def test_mod_log_channels_that_refused_the_bot_are_not_remembered_for_good():
    """Servers that removed the bot (their mod-log channel refuses it) are left alone for
    `MODLOG_REFUSED_FOR`, then tried again: remembered that long, not for the life of the
    process, however many there were over the weeks."""
    clock = FakeClock()
    bot = _OtherShards(clock)
    bot.shut.update(10_000 + guild_id for guild_id in range(1, SERVERS + 1))
    modlog = ModLogPosts(bot)  # type: ignore[arg-type]
    for guild_id in range(1, SERVERS + 1):
        await modlog.post_in(guild_id, 10_000 + guild_id, ALERT)
        clock.advance(MODLOG_REFUSED_FOR / 50)
    assert len(modlog.refused_modlogs) <= 51
    # The latest is still left alone: no second refusal there.
    reads = bot.reads
    await modlog.post_in(SERVERS, 10_000 + SERVERS, ALERT)
    assert bot.reads == reads
    assert not bot.posted
