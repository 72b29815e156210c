"""The balance as moderators meet it: the mod-log alert, the read after a 402, `/videomod usage`.

The real bot against both fakes; readings are taken with `bot.balance.read_now()` (the bot's
own periodic read is set an hour apart), so nothing waits on time.
"""

import aiohttp
import discord
import pytest

from bot.i18n import msg
from bot.moderation.store import Actor
from tests.cogs.test_moderation import channel_option, mod, modlog_message, server, video
from tests.fakes.apimart import TaskPlan
from tests.fakes.components import is_layout, shown_text
from tests.fakes.discord import FakeDiscord
from tests.harness import BOT_TOKEN, running_bot

LOW = "The APIMart balance is down to"


def alerts_in(s):
    return [m for m in s.world.discord.messages(s.modlog) if LOW in m["content"]]


@pytest.fixture
def quick_reads(monkeypatch):
    """The read asked for comes 0.1 s after the one at start, not the 2 s the bot spaces them
    (tests/test_balance.py tests the spacing): the tests here are about its being asked."""
    monkeypatch.setattr("bot.balance.SOON_SPACING", 0.1)


async def reading(s, remaining):
    s.world.api.remain_balance = remaining
    await s.world.bot.balance.read_now()
    await s.world.bot.moderation.feed.drain()


async def test_a_falling_balance_is_posted_once_per_crossing_in_the_modlog(tmp_path):
    async with server(tmp_path, balance_alert_below=5, balance_check_interval=3600) as s:
        await mod(s, "modlog", channel=channel_option(s.world, s.modlog))
        await reading(s, 8.0)
        await reading(s, 4.0)
        posted = await modlog_message(s, LOW)
        assert "down to 4.00, below the alert level of 5.00" in posted["content"]
        await reading(s, 3.0)
        assert len(alerts_in(s)) == 1, "no storm while it stays below"
        await reading(s, 12.0)
        await reading(s, 2.0)
        assert len(alerts_in(s)) == 2, "a second crossing, a second alert"


@pytest.mark.parametrize(
    ("route", "member_reads"),
    [("submit", "balance is empty"), ("poll", "queued as job #1")],
    ids=["submit", "status check"],
)
async def test_a_402_has_the_balance_read_at_once(tmp_path, route, member_reads, quick_reads):
    async with server(tmp_path, balance_check_interval=3600, plan=TaskPlan()) as s:
        api = s.world.api
        await api.wait_until(lambda: api.balance_reads == 1, what="the reading at start")
        api.fail_next(route, status=402)
        assert member_reads in await video(s.world)
        await api.wait_until(lambda: api.balance_reads == 2, what="a reading after the 402")
        if route == "poll":
            # A status check spends nothing: the render is checked again and delivered.
            result = await s.world.discord.wait_for_message(predicate=is_layout, timeout=10)
            assert "your video is ready" in shown_text(result)


async def test_usage_shows_the_balance_and_how_old_the_reading_is(tmp_path):
    async with server(tmp_path, balance_check_interval=3600) as s:
        s.world.api.used_balance = 7.0
        await reading(s, 42.0)
        read_at = int(s.world.bot.balance.latest.read_at)
        usage = await mod(s, "usage")
        assert f"APIMart balance: 42.00 left (7.00 spent so far), read <t:{read_at}:R>." in usage
        s.world.api.unlimited_quota = True
        await reading(s, -1.0)
        assert "APIMart balance: unlimited" in await mod(s, "usage")


KEY_REFUSED = "apimart: the API key was refused (check APIMART_API_KEY)"


@pytest.mark.parametrize("route", ["submit", "poll"], ids=["submit", "status check"])
async def test_a_key_revoked_while_running_makes_readyz_say_so_at_once(
    tmp_path, route, quick_reads
):
    """Not at the next hourly (here) or 5-minutely (default) read: until then /readyz stays
    200 while every video is refused."""
    async with server(tmp_path, balance_check_interval=3600, plan=TaskPlan()) as s:
        api, bot = s.world.api, s.world.bot
        await api.wait_until(lambda: api.balance_reads == 1, what="the reading at start")
        assert KEY_REFUSED not in await bot.readiness.reasons()
        if route == "submit":
            api.api_key = "sk-rotated-on-apimart"
            assert "not set up correctly" in await video(s.world)
        else:
            assert "queued as job #1" in await video(s.world)
            api.api_key = "sk-rotated-on-apimart"
            await api.wait_for_polls(1)
        await api.wait_until(lambda: api.balance_reads == 2, what="a reading after the 401")
        assert KEY_REFUSED in await bot.readiness.reasons()


async def test_a_server_on_another_process_shard_reads_the_alert_in_its_own_language(tmp_path):
    """With several processes each runs some shards and caches only their servers; the one
    that reads the balance below the threshold alerts every server, in its own language."""
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        here = (fake.guild_id >> 22) % 2
        elsewhere = fake.add_guild_on_shard("Other", 1 - here, 2)
        fake.set_preferred_locale("zh-CN", elsewhere)
        their_log = fake.channel_ids(elsewhere)[0]
        settings = {"shard_count": 2, "shard_ids": (here,), "balance_alert_below": 5}
        async with running_bot(tmp_path, fake=fake, balance_check_interval=3600, **settings) as w:
            assert w.bot.get_guild(elsewhere) is None, "another process's server"
            await w.bot.moderation.store.update_policy(
                Actor(elsewhere, fake.owner_id),
                msg("change_modlog", moderator="x", channel="y"),
                modlog_channel_id=their_log,
            )
            w.api.remain_balance = 4.0
            await w.bot.balance.read_now()
            posted = await fake.wait_for_message(their_log)
            assert "APIMart 余额已降至 4.00" in posted["content"]


async def test_a_connection_lost_posting_one_servers_alert_still_alerts_the_others(
    tmp_path, monkeypatch
):
    """An alert goes to every server's mod-log: a dropped connection on one post is that
    server's miss, not every server after it in the list."""
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        other = fake.add_guild("Other")
        logs = {fake.guild_id: fake.channel_ids()[0], other: fake.channel_ids(other)[0]}
        settings = {"balance_check_interval": 3600, "balance_alert_below": 5}
        async with running_bot(tmp_path, fake=fake, **settings) as w:
            for guild_id, channel_id in logs.items():
                await w.bot.moderation.store.update_policy(
                    Actor(guild_id, fake.owner_id),
                    msg("change_modlog", moderator="x", channel="y"),
                    modlog_channel_id=channel_id,
                )
            send = discord.PartialMessageable.send
            dropped: list[int] = []

            async def first_post_dropped(channel, *args, **kwargs):
                if not dropped:
                    dropped.append(channel.id)
                    raise aiohttp.ServerDisconnectedError()
                return await send(channel, *args, **kwargs)

            monkeypatch.setattr(discord.PartialMessageable, "send", first_post_dropped)
            w.api.remain_balance = 4.0
            await w.bot.balance.read_now()
            await w.bot.moderation.feed.drain()
            [reached] = set(logs.values()) - set(dropped)
            assert any(LOW in m["content"] for m in fake.messages(reached)), "still alerted"
