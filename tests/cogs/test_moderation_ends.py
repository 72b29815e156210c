"""When a wait or a block ends, as members and moderators read it: never a moment already past.

Discord timestamps are whole seconds. A wait ending at 12:00:00.6 shown as 12:00:00 would tell
a member reading it at 12:00:00.5 "you can make videos again 0 seconds ago" while /video still
refuses them; the end is rounded up. A time something happened is rounded as before (down).
"""

import math
import re
import time

from tests.cogs.test_moderation import command, mod, server, user_option, video
from tests.conftest import FakeClock
from tests.fakes.discord import FakeDiscord
from tests.harness import BOT_TOKEN, running_bot


def fractional_clock() -> FakeClock:
    """A clock at .6 of a second, ten minutes ago (Discord's ids carry real time)."""
    return FakeClock(start=int(time.time()) - 600 + 0.6)


def moments(text: str) -> list[int]:
    """Every Discord timestamp in `text`, in any style."""
    return [int(value) for value in re.findall(r"<t:(-?\d+):[tTdDfFR]>", text)]


async def test_a_cooldowns_end_is_rounded_up_in_the_refusal_and_the_quota(tmp_path):
    clock = fractional_clock()
    async with server(tmp_path, clock=clock) as s:
        await mod(s, "limits set", cooldown=60)
        made_at = clock.now
        assert "queued as job" in await video(s.world)
        clock.advance(59.9)  # 0.1 s of the wait left
        refused = await video(s.world)
        assert "a little fast" in refused, refused
        quota = await command(s.world, "videos quota", user=s.alice)
        assert "Your next video can start" in quota, quota
        ready = math.ceil(made_at + 60)
        for text in (refused, quota):
            assert f"<t:{ready}:R>" in text, text
            assert min(moments(text)) >= clock.now, "no time already past"


async def test_a_blocks_end_is_rounded_up_where_member_and_moderators_read_it(tmp_path):
    clock = fractional_clock()
    async with server(tmp_path, clock=clock) as s:
        alice = user_option(s.world, s.alice)
        blocked_at = clock.now
        await mod(s, "block", member=alice, reason="calm", days=0.01)
        ends = math.ceil(blocked_at + 0.01 * 86400)
        clock.advance(0.01 * 86400 - 0.1)  # 0.1 s of the block left
        refused = await video(s.world)
        assert "blocked you from making videos in this server until" in refused, refused
        usage = await mod(s, "usage", member=alice)
        audit = await mod(s, "audit")
        for text in (refused, usage, audit):
            assert f"<t:{ends}:F>" in text, text
            assert f"<t:{ends - 1}:" not in text, text
        # When it was set is a moment past, shown as it was: rounded down.
        assert f"<t:{int(blocked_at)}:R>" in audit, audit


async def test_the_end_of_the_bots_timeout_is_rounded_up(tmp_path):
    """Discord gives a timeout's end to the millisecond: the member is told to come back at
    the second after it, not the one before, when the bot could still not post."""
    until = int(time.time()) + 3600 + 0.6
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        fake.time_out(fake.bot_user_id, until=until)
        async with running_bot(tmp_path, fake=fake) as world:
            answer = await (await world.video(prompt="a paper boat")).wait_for_private_answer()
    assert f"timed me out until <t:{math.ceil(until)}:f>" in answer, answer
