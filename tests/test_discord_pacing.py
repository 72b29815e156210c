"""Discord's global limit (50 requests/s per token) is kept by the bot, not learned from 429s.

Counted where Discord counts: arrivals at the fake Discord, whatever the bot's own timing."""

import asyncio
import contextlib
import time

import discord

from bot.discord_pacing import GlobalWindow
from tests.harness import running_bot
from tests.jobs.test_budget import most_in_one_second

LIMIT = 45  # the bot's share of Discord's 50 (one process, every shard)


def _text(content):
    return discord.http.handle_message_parameters(content=content)


def _answered_posts(world, since):
    return [
        request
        for request in world.discord.requests[since:]
        if request.method == "POST" and request.path.endswith("/messages") and request.status
    ]


def _message_posts(world, since):
    return [
        request.time
        for request in world.discord.requests[since:]
        if request.method == "POST" and request.path.endswith("/messages")
    ]


async def test_a_burst_of_channel_messages_never_reaches_discord_faster_than_its_global_limit(
    tmp_path,
):
    """70 messages in 70 channels at once (as 70 /video announcements would be): Discord
    receives at most 45 in any one second, below its 50."""
    async with running_bot(tmp_path) as world:
        channels = [world.discord.add_text_channel(f"burst-{n}") for n in range(70)]
        before = len(world.discord.requests)
        await asyncio.gather(
            *(world.bot.http.send_message(channel, params=_text("hello")) for channel in channels)
        )
        sent = _message_posts(world, before)
        assert len(sent) == 70, "every message reached Discord"
        assert most_in_one_second(sent) <= LIMIT


async def test_messages_held_back_by_their_channels_bucket_neither_bunch_up_nor_hold_others_back(
    tmp_path,
):
    """Messages that wait for a channel's bucket (5 per 5 s on Discord) are let go together
    when it refills; with fresh messages for other channels going out meanwhile, the bot
    still keeps every second at Discord under its global limit. And while they wait, they take
    none of it: the other channels' messages go out first, not a few a second behind them.

    Every channel here allows one message per 2 s: the second message to each of 40 channels
    waits 2 s in discord.py, while 40 other channels get their first message (the 80 first
    ones take a second or so, the window full after 45: 1.3 s on a machine loaded 4 to 1).
    """
    async with running_bot(tmp_path) as world:
        world.discord.rate_limit_remaining = 0
        world.discord.rate_limit_reset_after = 2.0
        busy = [world.discord.add_text_channel(f"busy-{n}") for n in range(40)]
        quiet = [world.discord.add_text_channel(f"quiet-{n}") for n in range(40)]
        before = len(world.discord.requests)
        order = [*busy, *busy, *quiet]
        sends = asyncio.gather(
            *(world.bot.http.send_message(channel, params=_text("hello")) for channel in order)
        )
        # Every message answered is all this needs: each send then waits out its channel's
        # empty bucket (2 s) in discord.py before it returns, a wait of no interest here.
        answered = await world.discord.wait_for(
            lambda: len(posts := _answered_posts(world, before)) >= 120 and posts, timeout=20
        )
        sends.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sends
        assert all(request.status == 200 for request in answered), "every message was posted"
        sent = _message_posts(world, before)
        assert len(sent) == 120, "every message reached Discord"
        assert most_in_one_second(sent) <= LIMIT
        arrivals = [
            (request.time, request.path.split("/")[2])
            for request in world.discord.requests[before:]
            if request.method == "POST" and request.path.endswith("/messages")
        ]
        quiet_done = max(time for time, channel in arrivals if int(channel) in quiet)
        seconds = sorted(time for time, channel in arrivals if int(channel) in busy)[40:]
        assert quiet_done < min(seconds), "the quiet channels waited for the busy ones' buckets"


async def test_interaction_answers_are_not_held_back_by_a_full_window(tmp_path, monkeypatch):
    """Discord does not count interaction callbacks and follow-ups toward the global limit:
    with the window full of channel messages, a member's /video is still acknowledged."""
    async with running_bot(tmp_path) as world:
        window = world.bot.discord_window
        # The window's second is moved on, not waited out (for the start's requests, then for
        # the places given back): nothing comes back but by the test's moves.
        clock = MovedClock()
        monkeypatch.setattr(window, "_clock", clock)
        clock.offset += 1.0
        for _ in range(window.limit):
            await window.acquire()  # every place taken, none coming back yet
        granted = window.granted
        interaction = await world.video(prompt="a fox at dawn")
        callback = await interaction.wait_for_callback(timeout=10)
        assert callback["type"] == 5
        assert window.granted == granted, "the deferral took no place in the window"
        for _ in range(window.limit):
            window.release()
        clock.offset += 1.0
        # The channel announcement, held until now, follows; then the member's note.
        assert "queued as job #1" in (await interaction.wait_for_answer(timeout=10))["content"]


class MovedClock:
    """The monotonic clock plus an offset a test moves."""

    def __init__(self):
        self.offset = 0.0

    def __call__(self):
        return time.monotonic() + self.offset


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


async def test_a_request_counts_from_its_sending_until_a_second_after_its_response():
    """However long a request is on its way, it cannot share a second at Discord with more
    than `limit - 1` others."""
    clock = Clock()
    window = GlobalWindow(2, clock=clock)
    await window.acquire()
    await window.acquire()
    third = asyncio.create_task(window.acquire())
    await asyncio.sleep(0.01)
    assert not third.done(), "both places in flight"
    clock.now += 5.0  # a slow response: still counted
    window.release()
    await asyncio.sleep(0.01)
    assert not third.done(), "answered just now: it may have reached Discord just now"
    clock.now += 1.0
    await asyncio.wait_for(third, timeout=5)
    assert window.granted == 3


async def test_one_channels_backlog_does_not_hold_back_another_channel(tmp_path):
    """60 announcements in one busy channel (Discord lets it take one message every 3 s here)
    wait in that channel's lane; a message to a quiet channel goes out at once, not after the
    backlog has taken every place in the window."""
    async with running_bot(tmp_path) as world:
        world.discord.rate_limit_remaining = 0
        world.discord.rate_limit_reset_after = 3.0
        busy = world.discord.add_text_channel("busy")
        quiet = world.discord.add_text_channel("quiet")
        backlog = [
            asyncio.create_task(world.bot.http.send_message(busy, params=_text(f"job {n}")))
            for n in range(60)
        ]
        quiet_post = None
        try:
            await asyncio.sleep(0.2)  # the backlog is queued before the quiet message
            before = len(world.discord.requests)
            # (discord.py itself returns only after the channel's bucket refills: 3 s here.)
            quiet_post = asyncio.create_task(
                world.bot.http.send_message(quiet, params=_text("hello"))
            )
            await world.discord.wait_for_request(
                "POST", rf"/channels/{quiet}/messages", after=before, timeout=2.0
            )
            assert len(_message_posts(world, before)) <= 2, "the backlog is still waiting"
        finally:
            pending = [*backlog, *([quiet_post] if quiet_post is not None else [])]
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)


async def test_a_bot_whose_limit_discord_raised_uses_the_raised_limit(tmp_path):
    """Discord raises the global limit of large bots on request: with
    DISCORD_REQUESTS_PER_SECOND=100, a burst of 150 announcements goes out at up to 90 a
    second (the bot's nine tenths), not at the default's 45."""
    async with running_bot(tmp_path, discord_requests_per_second=100) as world:
        channels = [world.discord.add_text_channel(f"burst-{n}") for n in range(150)]
        before = len(world.discord.requests)
        await asyncio.gather(
            *(world.bot.http.send_message(channel, params=_text("hello")) for channel in channels)
        )
        sent = _message_posts(world, before)
        assert len(sent) == 150, "every message reached Discord"
        assert LIMIT < most_in_one_second(sent) <= 90


async def test_a_request_giving_way_goes_once_nobody_else_waits():
    """A status edit waiting for the full window lets a message that came later go first, then
    takes the next place: giving way never means waiting for ever."""
    clock = Clock()
    window = GlobalWindow(2, clock=clock)
    await window.acquire()
    await window.acquire()
    granted: list[str] = []
    edit = asyncio.create_task(window.acquire(giving_way=True))
    edit.add_done_callback(lambda _: granted.append("edit"))
    await asyncio.sleep(0.01)
    message = asyncio.create_task(window.acquire())
    message.add_done_callback(lambda _: granted.append("message"))
    await asyncio.sleep(0.01)
    window.release()
    window.release()
    clock.now += 1.0  # both places free again
    await asyncio.wait_for(asyncio.gather(edit, message), timeout=5)
    assert granted == ["message", "edit"]


async def test_a_request_giving_way_takes_no_place_while_a_later_one_waits():
    """Places free in bunches (responses come back together): a status edit waiting since
    before a message still lets that message have the second free place."""
    clock = Clock()
    window = GlobalWindow(2, clock=clock)
    await window.acquire()
    await window.acquire()
    granted: list[str] = []

    def named(name, task):
        task.add_done_callback(lambda _: granted.append(name))
        return task

    first = named("first", asyncio.create_task(window.acquire()))
    await asyncio.sleep(0.01)
    edit = named("edit", asyncio.create_task(window.acquire(giving_way=True)))
    await asyncio.sleep(0.01)
    second = named("second", asyncio.create_task(window.acquire()))
    await asyncio.sleep(0.01)
    window.release()
    window.release()
    clock.now += 1.0
    await asyncio.wait_for(asyncio.gather(first, second), timeout=5)
    assert granted == ["first", "second"]
    assert not edit.done(), "no place left this second"
    edit.cancel()
