"""Discord's clock as the `Date` header of its answers tells it."""

import time

from bot.discord_time import DiscordClock
from tests.conftest import FakeClock
from tests.harness import running_bot


def test_an_answer_tells_how_far_ahead_our_clock_runs():
    clock = FakeClock(start=1_700_000_300.0)
    discord_clock = DiscordClock(clock)
    discord_clock.observe("Tue, 14 Nov 2023 22:13:20 GMT")  # 1_700_000_000
    assert 299 <= discord_clock.ahead <= 300
    assert 1_699_999_999 <= discord_clock.to_discord(clock()) <= 1_700_000_001


def test_a_missing_or_garbled_date_teaches_nothing():
    discord_clock = DiscordClock(FakeClock(start=1_700_000_300.0))
    discord_clock.observe("Tue, 14 Nov 2023 22:13:20 GMT")
    for garbled in (None, "", "yesterday", "Tue, 99 Nov 2023 99:99:99 GMT"):
        discord_clock.observe(garbled)
    assert 299 <= discord_clock.ahead <= 300


async def test_the_running_bot_learns_discords_clock_from_its_answers(tmp_path):
    """The real bot, its host clock 5 minutes ahead of Discord's, reads Discord's time off the
    answers to its own requests: the search for a result posted before a crash looks back from
    Discord's time, not ours (or a post made minutes "earlier" would be missed, and sent twice).
    Pacing the requests (`bot.discord_pacing`) must not take that observer's place."""
    ahead = 300.0
    async with running_bot(tmp_path, clock=lambda: time.time() + ahead) as world:
        discord_now = world.bot.discord_clock.to_discord(world.bot.clock())
        assert abs(discord_now - time.time()) < 2.0
