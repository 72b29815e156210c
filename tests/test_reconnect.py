"""Waiting out an unreachable Discord: capped, jittered backoff; a stop ends the wait at once."""

import asyncio
import logging
import random

import discord
import pytest

from bot.app import VideoBot
from bot.reconnect import Backoff, SetupFailed, describe, until_reachable, worth_waiting_out
from bot.storage.sqlite import SqliteDatabase
from tests.fakes.apimart import FakeAPIMart
from tests.fakes.discord import FakeDiscord
from tests.harness import API_KEY, BOT_TOKEN, discord_pointed_at, fast_settings


class FixedRandom(random.Random):
    def __init__(self, value: float) -> None:
        super().__init__()
        self.value = value

    def random(self) -> float:
        return self.value


def test_backoff_doubles_from_one_second_to_a_minute():
    longest = Backoff(rng=FixedRandom(0.999999))
    shortest = Backoff(rng=FixedRandom(0.0))
    ceilings = [1, 2, 4, 8, 16, 32, 60, 60, 60]
    assert [round(longest.next_delay()) for _ in ceilings] == ceilings
    assert [shortest.next_delay() for _ in ceilings] == [c / 2 for c in ceilings], "jittered"


class Answered429:
    """What discord.py keeps of a 429 answer in the `HTTPException` it raises."""

    def __init__(self, headers: dict[str, str]) -> None:
        self.status = 429
        self.reason = "Too Many Requests"
        self.headers = headers


def test_discords_own_429_is_waited_out_but_not_called_a_block():
    """discord.py raises Discord's own 429 too, once its five tries are spent: waited out like
    Cloudflare's, but the operator is not told the address made too many invalid requests."""
    limited = discord.HTTPException(
        Answered429({"Via": "1.1 google"}),
        {"message": "You are being rate limited.", "retry_after": 0.5, "global": False},
    )
    banned = discord.HTTPException(Answered429({}), "<html>error code: 1015</html>")
    assert worth_waiting_out(limited) and worth_waiting_out(banned)
    assert "invalid requests" not in describe(limited), describe(limited)
    assert "rate limited" in describe(limited)
    assert "invalid requests" in describe(banned) and "<html>" not in describe(banned)


def test_backoff_stays_capped_after_days_of_failures():
    backoff = Backoff(rng=FixedRandom(0.5))
    delays = [backoff.next_delay() for _ in range(5000)]
    assert max(delays) <= 60


async def test_a_fault_is_logged_in_one_line_then_tried_again(caplog):
    outcomes: list[BaseException | None] = [ConnectionRefusedError("refused"), TimeoutError(), None]

    async def attempt() -> None:
        outcome = outcomes.pop(0)
        if outcome is not None:
            raise outcome

    caplog.set_level(logging.WARNING, "bot.reconnect")
    done = await until_reachable(
        attempt, what="log-in", stopping=asyncio.Event(), backoff=Backoff(first=0.001)
    )
    assert done and outcomes == []
    lines = [record for record in caplog.records if record.name == "bot.reconnect"]
    assert [record.getMessage().split(";")[0] for record in lines] == [
        "Discord is unreachable (log-in: refused)",
        "Discord is unreachable (log-in: TimeoutError)",
    ]
    assert all(record.exc_info is None for record in lines), "no traceback"


async def test_a_stop_ends_the_wait_at_once():
    stopping = asyncio.Event()
    tried = asyncio.Event()

    async def attempt() -> None:
        tried.set()
        raise ConnectionRefusedError("refused")

    waiting = asyncio.create_task(
        until_reachable(attempt, what="log-in", stopping=stopping, backoff=Backoff(first=3600))
    )
    await tried.wait()
    stopping.set()
    assert await asyncio.wait_for(waiting, 1) is False, "not an hour later"


async def test_a_refused_token_is_not_waited_out():
    async def attempt() -> None:
        raise discord.LoginFailure("Improper token has been passed.")

    with pytest.raises(discord.LoginFailure):
        await until_reachable(
            attempt, what="log-in", stopping=asyncio.Event(), backoff=Backoff(first=0.001)
        )


async def test_a_network_fault_while_setting_up_is_not_taken_for_an_unreachable_discord(
    tmp_path, monkeypatch
):
    """Log-in is retried only until it succeeds: the set-up after it never runs twice."""
    setups = 0

    async def failing_sync(*_) -> None:
        nonlocal setups
        setups += 1
        raise ConnectionResetError("the database went away")

    monkeypatch.setattr("bot.app.sync_commands", failing_sync)
    async with (
        FakeDiscord(token=BOT_TOKEN) as fake,
        FakeAPIMart(api_key=API_KEY) as api,
        discord_pointed_at(fake),
    ):
        config = fast_settings(tmp_path, api, fake)
        db = await SqliteDatabase.open(config.database_path)
        await db.migrate()
        bot = VideoBot(config, db)
        try:
            with pytest.raises(SetupFailed) as raised:
                await asyncio.wait_for(bot.start(BOT_TOKEN), 10)
            assert isinstance(raised.value.__cause__, ConnectionResetError)
        finally:
            await bot.close()
            await db.close()
    assert setups == 1
