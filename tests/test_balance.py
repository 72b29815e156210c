"""The balance watch: readings of the fake APIMart's balances (the key's and the account's),
alerts once per crossing, and the alerted state kept in the database (both backends) across
restarts."""

import asyncio
import math

import aiohttp
import pytest

from bot.apimart import APIMartClient, RetryPolicy
from bot.balance import SOON_SPACING, BalanceWatch, balance_line
from bot.moderation.feed import ModLogFeed
from tests.fakes.apimart import FakeAPIMart


@pytest.fixture
async def api():
    async with FakeAPIMart() as fake:
        yield fake


@pytest.fixture
async def client(api):
    async with aiohttp.ClientSession() as session:
        yield APIMartClient(
            session, base_url=api.base_url, api_key=api.api_key, retry=RetryPolicy(max_retries=0)
        )


@pytest.fixture
def alerts():
    """What reached the mod-log feed: (guild, rendered English text)."""
    return []


def watch_for(client, db, alerts, clock, *, alert_below=5.0, interval=3600.0):
    feed = ModLogFeed()

    async def sink(guild_id, message, skip):
        alerts.append((guild_id, message.render("en-US")))

    feed.connect(sink)
    watch = BalanceWatch(
        client.balance, db, feed, clock=clock, interval=interval, alert_below=alert_below
    )
    return watch, feed


async def reading(watch, feed, api, remaining):
    api.remain_balance = remaining
    result = await watch.read_now()
    await feed.drain()
    return result


async def test_falling_below_the_threshold_alerts_every_server_once_per_crossing(
    api, client, db, alerts, clock
):
    watch, feed = watch_for(client, db, alerts, clock)
    await reading(watch, feed, api, 8.0)
    assert alerts == []
    await reading(watch, feed, api, 4.0)
    assert alerts == [
        (
            None,
            "⚠️ The APIMart balance is down to 4.00, below the alert level of 5.00. "
            "Top up the account soon: when it is empty, new videos stop for everyone.",
        )
    ]
    await reading(watch, feed, api, 3.0)
    assert len(alerts) == 1, "still below: no second alert"
    await reading(watch, feed, api, 9.0)
    await reading(watch, feed, api, 2.0)
    assert len(alerts) == 2, "back above, then below again: a second alert"


async def test_a_restart_does_not_alert_again_for_the_same_crossing(api, client, db, alerts, clock):
    first, feed = watch_for(client, db, alerts, clock)
    await reading(first, feed, api, 4.0)
    restarted, feed = watch_for(client, db, alerts, clock)
    await reading(restarted, feed, api, 3.5)
    assert len(alerts) == 1
    await reading(restarted, feed, api, 6.0)
    await reading(restarted, feed, api, 1.0)
    assert len(alerts) == 2


async def test_a_key_without_a_limit_of_its_own_still_alerts_on_the_account_running_low(
    api, client, db, alerts, clock
):
    """APIMart's keys carry their own quota (`GET /v1/balance`), often none: such a key reads
    "unlimited" while the account it draws on (`GET /v1/user/balance`) runs dry, and its 402
    stops every video. The account's balance is what is watched then."""
    watch, feed = watch_for(client, db, alerts, clock)
    assert api.key_quota is None, "the fake's key has no limit of its own"
    result = await reading(watch, feed, api, 3.0)
    assert result is not None and not result.unlimited
    assert [text for _, text in alerts] == [
        "⚠️ The APIMart balance is down to 3.00, below the alert level of 5.00. "
        "Top up the account soon: when it is empty, new videos stop for everyone."
    ]
    assert balance_line(result).render("en-US").startswith("APIMart balance: 3.00 left")
    assert watch.remaining_balance() == 3.0


async def test_the_account_balance_refused_to_a_working_key_is_no_refused_key(
    api, client, db, alerts, clock
):
    """The key's quota read, the account's answered 401: the key works (videos are made with
    it), so /readyz must not say it was refused, and the key's quota is still watched."""
    watch, feed = watch_for(client, db, alerts, clock)
    api.user_balance_refusal, api.key_quota = 401, 3.0
    result = await reading(watch, feed, api, 100.0)
    assert not watch.key_refused
    assert result is not None and result.remaining == 3.0
    assert len(alerts) == 1, "the key's quota, below the alert level, alerts"


async def test_an_unlimited_account_never_alerts(api, client, db, alerts, clock):
    watch, feed = watch_for(client, db, alerts, clock)
    api.unlimited_quota = True
    result = await reading(watch, feed, api, -1.0)
    assert result is not None and result.unlimited
    assert alerts == []
    assert balance_line(result).render("en-US").startswith("APIMart balance: unlimited")
    assert watch.remaining_balance() == math.inf, "the gauge reads +Inf, not NaN (never read)"


async def test_without_a_threshold_nothing_is_posted(api, client, db, alerts, clock):
    watch, feed = watch_for(client, db, alerts, clock, alert_below=None)
    await reading(watch, feed, api, 0.5)
    assert alerts == []
    assert watch.latest is not None and watch.latest.remaining == 0.5
    assert watch.remaining_balance() == 0.5


async def test_the_balance_drops_as_videos_complete(api, client, db, alerts, clock):
    watch, feed = watch_for(client, db, alerts, clock)
    api.remain_balance = 5.3
    await watch.read_now()
    assert alerts == []
    api.create_task().complete()  # costs 0.4
    await watch.read_now()
    await feed.drain()
    assert watch.latest is not None and watch.latest.remaining == pytest.approx(4.9)
    assert "down to 4.90" in alerts[0][1]


async def test_a_failed_read_keeps_the_last_reading(api, client, db, alerts, clock):
    watch, feed = watch_for(client, db, alerts, clock)
    first = await reading(watch, feed, api, 20.0)
    clock.advance(300)
    api.fail_next("balance", status=500)
    assert await reading(watch, feed, api, 1.0) is None
    assert watch.latest == first
    assert alerts == []


async def test_the_watch_reads_at_start_and_again_when_asked(
    api, client, db, alerts, clock, monkeypatch
):
    monkeypatch.setattr("bot.balance.SOON_SPACING", 0.1)  # spacing is tested below
    watch, _ = watch_for(client, db, alerts, clock, interval=3600.0)
    watch.start()
    try:
        await api.wait_until(lambda: api.balance_reads == 1, what="the first reading")
        watch.read_soon()
        await api.wait_until(lambda: api.balance_reads == 2, what="a reading on request")
    finally:
        await watch.stop()


async def test_the_usage_line_says_what_is_left_and_when_it_was_read(
    api, client, db, alerts, clock
):
    watch, feed = watch_for(client, db, alerts, clock)
    assert balance_line(watch.latest).render("en-US") == "APIMart balance: not read yet."
    api.used_balance = 2.5
    await reading(watch, feed, api, 1234.5)
    read_at = int(clock())
    assert balance_line(watch.latest).render("en-US") == (
        f"APIMart balance: 1,234.50 left (2.50 spent so far), read <t:{read_at}:R>."
    )
    assert balance_line(watch.latest).render("zh-CN") == (
        f"APIMart 余额：剩余 1,234.50（已用 2.50），读取于 <t:{read_at}:R>。"  # noqa: RUF001
    )


async def test_reads_asked_for_by_every_refused_check_come_a_few_seconds_apart(
    api, client, db, alerts, clock, monkeypatch
):
    """A refused key fails every status check, and each asks for a read: the balance endpoint
    gets one every SOON_SPACING seconds, not one per failed check."""
    assert SOON_SPACING >= 2.0, "a few seconds apart"
    spacing = 1.0  # the same wait, shorter: asked for half of it, read once after all of it
    monkeypatch.setattr("bot.balance.SOON_SPACING", spacing)
    watch, _ = watch_for(client, db, alerts, clock)
    watch.start()
    try:
        await api.wait_until(lambda: api.balance_reads == 1, what="the first reading")
        for _ in range(20):
            watch.read_soon()
            await asyncio.sleep(spacing / 40)
        assert api.balance_reads == 1, "the next read waits for the spacing"
        await api.wait_until(
            lambda: api.balance_reads == 2, timeout=spacing + 1, what="one read for all 20"
        )
    finally:
        await watch.stop()
