"""What a refused member is told about when they may make videos again matches what the
admission check then does (a member's own allowance or block that ends before the period)."""

import re

import pytest

from bot.jobs.models import JobRefused
from bot.moderation.report import member_usage_line, quota_lines
from bot.moderation.service import Moderation
from tests.moderation.test_admission import (
    ALICE,
    MOD,
    make_done,
    record,
    refusal,
    set_limits,
)


@pytest.fixture
def moderation(db, clock):
    return Moderation(db, clock=clock)


def stamps(text):
    return [int(value) for value in re.findall(r"<t:(\d+):[FR]>", text)]


async def test_a_spent_own_allowance_that_ends_before_the_period_says_when_it_ends(
    store, moderation, clock
):
    """Alice gets 1 video a day for 6 hours (default 5): after her 1 she is refused, and told
    her allowance starts again at midnight, but 6 hours later she may make 4 more."""
    ends = clock() + 6 * 3600
    await moderation.store.set_member_limit(MOD, ALICE.user_id, 1, "cool off", ends)
    await make_done(store, moderation, clock, 1)
    text = await refusal(store, moderation, clock)
    [told, *_] = stamps(text)
    clock.advance(6 * 3600 + 1)
    await record(store, moderation, clock)  # admitted at `ends`: long before what she was told
    assert told <= clock(), f"told to wait until {told}, admitted at {clock()}: {text}"


async def test_a_block_that_ends_does_not_promise_videos_while_the_allowance_is_spent(
    store, moderation, clock
):
    """Alice made her 5 today, then was blocked for an hour: the block says she can make videos
    again after that hour, but then every video is refused until midnight."""
    await make_done(store, moderation, clock, 5)
    until = clock() + 3600
    await moderation.store.set_member_limit(MOD, ALICE.user_id, 0, "flooding", until)
    text = await refusal(store, moderation, clock)
    clock.advance(3600 + 1)
    try:
        await record(store, moderation, clock)
        admitted = True
    except JobRefused:
        admitted = False
    assert admitted or "You can make videos again after that" not in text, text
    assert "You've also used all your videos today, so you can make videos again from" in text
    clock.advance(stamps(text)[-1] - clock())
    await record(store, moderation, clock)  # admitted when it said


async def test_a_block_on_a_member_with_no_allowance_does_not_say_it_was_used_up(
    store, moderation, clock
):
    """The server's default allowance is 0 (only roles grant videos) and Alice has no such
    role; a moderator blocks her for an hour. She made nothing, so she has not "used all her
    videos today", and midnight brings her none: she is told what she will read then."""
    await set_limits(moderation, default_limit=0)
    until = clock() + 3600
    await moderation.store.set_member_limit(MOD, ALICE.user_id, 0, "flooding", until)
    text = await refusal(store, moderation, clock)
    promised = stamps(text)
    clock.advance(max(promised, default=until) - clock() + 1)
    later = await refusal(store, moderation, clock)  # still no videos after what she was told
    assert "used all your videos" not in text, text
    assert "make videos again" not in text, (text, later)


async def test_quota_says_when_a_spent_own_allowance_that_ends_early_lets_videos_start_again(
    store, moderation, clock
):
    """Alice gets 1 video a day for 6 hours (default 5) and made it. /video refuses her, saying
    she may start again in 6 hours (and is admitted then); /videos quota must not tell her
    she has to wait until midnight."""
    ends = clock() + 6 * 3600
    await moderation.store.set_member_limit(MOD, ALICE.user_id, 1, "cool off", ends)
    await make_done(store, moderation, clock, 1)
    refused = await refusal(store, moderation, clock)
    assert stamps(refused)[0] == int(ends), refused
    quota = " ".join(await quota_read(moderation, clock))
    told = min(stamps(quota))
    clock.advance(6 * 3600 + 1)
    await record(store, moderation, clock)  # admitted 6 hours later
    assert told <= clock(), f"quota said to wait until {told}, admitted at {clock()}: {quota}"


async def admitted_at(store, moderation, clock, when):
    """Move the clock to `when` and try: None if admitted, else what she reads."""
    clock.advance(when - clock())
    try:
        await record(store, moderation, clock)
    except JobRefused as refused:
        return refused.user_message.render("en-US")
    return None


async def quota_read(moderation, clock):
    """Alice's `/videos quota` now, a line each, in English."""
    facts = await moderation.facts(ALICE)
    return [line.render("en-US") for line in quota_lines(facts, ALICE, clock())]


async def assert_admitted_when_told(store, moderation, clock, told, text):
    """Alice, told in `text` she may make videos again at `told`, is admitted then."""
    later = await admitted_at(store, moderation, clock, told)
    assert later is None, f"told {told} in {text!r}, but then refused: {later!r}"


async def assert_each_promised_start_admits(store, moderation, clock, quota):
    """Each time `quota` says her next video can start, Alice is admitted then."""
    promised = [stamps(line)[0] for line in quota if "next video can start" in line]
    for when in promised:
        later = await admitted_at(store, moderation, clock, when)
        assert later is None, f"quota said {when} in {quota!r}, but then: {later!r}"


async def test_a_spent_allowance_with_a_cooldown_past_the_reset_is_not_promised_at_the_reset(
    store, moderation, clock
):
    """1 video a day, 2 hours between videos. Alice makes her video at 23:00 UTC; at 23:30 she
    is refused and told her allowance starts again at midnight. At midnight she is refused
    again, now for the cooldown (until 01:00): the time she was told was not when she may."""
    await set_limits(moderation, default_limit=1, cooldown_seconds=7200)
    clock.advance(15 * 3600)  # 2027-01-15 08:00 -> 23:00 UTC
    await make_done(store, moderation, clock, 1)
    clock.advance(1800)
    text = await refusal(store, moderation, clock)
    assert "used all your videos today" in text, text
    told = stamps(text)[0]
    await assert_admitted_when_told(store, moderation, clock, told, text)


async def test_a_spent_own_allowance_ending_before_the_reset_on_a_roles_only_server(
    store, moderation, clock
):
    """The server grants videos only through roles (default 0); a moderator gives Alice 2 a day
    for 6 hours. She makes both and is refused: she must not be promised the reset at
    midnight, which brings her nothing, but told her own allowance ends and none follows."""
    await set_limits(moderation, default_limit=0)
    ends = clock() + 6 * 3600
    await moderation.store.set_member_limit(MOD, ALICE.user_id, 2, "trial", ends)
    await make_done(store, moderation, clock, 2)
    text = await refusal(store, moderation, clock)
    assert "starts again" not in text, text
    assert f"Your own allowance ends <t:{int(ends)}:R>, and none follows it here" in text, text
    midnight = (await moderation.facts(ALICE)).window.end
    assert await admitted_at(store, moderation, clock, midnight) is not None, "none then either"


async def test_quota_does_not_promise_a_reset_that_brings_nothing(store, moderation, clock):
    """The same member's `/videos quota`: her own allowance's end, and nothing after it."""
    await set_limits(moderation, default_limit=0)
    ends = clock() + 6 * 3600
    await moderation.store.set_member_limit(MOD, ALICE.user_id, 2, "trial", ends)
    await make_done(store, moderation, clock, 1)
    text = " ".join(await quota_read(moderation, clock))
    assert f"Your own allowance ends <t:{int(ends)}:R>, and none follows it here" in text, text
    assert "starts again" not in text, text


async def test_a_short_block_after_a_video_is_not_promised_to_end_inside_the_cooldown(
    store, moderation, clock
):
    """2 hours between videos. Alice makes a video; a moderator blocks her for 1 hour: "you
    can make videos again after that" would be refused again, for the cooldown."""
    await set_limits(moderation, cooldown_seconds=7200)
    await make_done(store, moderation, clock, 1)
    until = clock() + 3600
    await moderation.store.set_member_limit(MOD, ALICE.user_id, 0, "flooding", until)
    text = await refusal(store, moderation, clock)
    assert f"until <t:{int(until)}:F>" in text, text
    told = max(stamps(text))
    assert await admitted_at(store, moderation, clock, told) is None, text


async def test_usage_member_names_when_the_own_limit_ends_and_when_the_cooldown_does(
    store, moderation, clock
):
    """6 hours between videos; a moderator gives Alice 1 a day for 1 hour. She makes it: the
    limit ends in 1 hour, and she may make videos again in 6."""
    await set_limits(moderation, cooldown_seconds=6 * 3600)
    ends = clock() + 3600
    await moderation.store.set_member_limit(MOD, ALICE.user_id, 1, "trial", ends)
    await make_done(store, moderation, clock, 1)
    facts = await moderation.facts(ALICE)
    text = member_usage_line(facts, ALICE.user_id, 4.0).render("en-US")
    assert f"that limit ends <t:{int(ends)}:R>" in text, text
    assert f"they may make videos again <t:{int(clock() + 6 * 3600)}:R>" in text, text


async def test_usage_member_over_a_lowered_limit_with_none_after_promises_no_period_end(
    store, moderation, clock
):
    """Roles-only server. Alice's own allowance of 5 a day let her make 3; a moderator lowers
    it to 1 for 6 hours: midnight brings her none, so the moderator is not told it will."""
    await set_limits(moderation, default_limit=0)
    await moderation.store.set_member_limit(MOD, ALICE.user_id, 5, "trial", None)
    await make_done(store, moderation, clock, 3)
    ends = clock() + 6 * 3600
    await moderation.store.set_member_limit(MOD, ALICE.user_id, 1, "cool off", ends)
    facts = await moderation.facts(ALICE)
    text = member_usage_line(facts, ALICE.user_id, 12.0).render("en-US")
    assert "until the period ends" not in text, text
    assert f"that limit ends <t:{int(ends)}:R>, and no allowance follows it here" in text, text
    assert await admitted_at(store, moderation, clock, facts.window.end) is not None


async def test_usage_member_over_a_lowered_limit_with_a_cooldown_past_the_reset_names_its_end(
    store, moderation, clock
):
    """2 hours between videos. Alice makes videos at 20:00 and 23:00 UTC; a moderator then
    lowers the default to 1. `/videomod usage member:` must not say she can make more once the
    period ends at midnight: the cooldown refuses her until 01:00."""
    await set_limits(moderation, cooldown_seconds=7200)
    clock.advance(12 * 3600)  # 2027-01-15 08:00 -> 20:00 UTC
    await make_done(store, moderation, clock, 1)
    clock.advance(3 * 3600)
    await make_done(store, moderation, clock, 1)
    await set_limits(moderation, default_limit=1)
    facts = await moderation.facts(ALICE)
    text = member_usage_line(facts, ALICE.user_id, 8.0).render("en-US")
    told = max(stamps(text))
    assert await admitted_at(store, moderation, clock, told) is None, text


async def test_usage_member_who_used_exactly_their_allowance_with_a_cooldown_past_the_reset(
    store, moderation, clock
):
    """2 a day, 2 hours between videos; Alice makes hers at 20:00 and 23:00 UTC. The moderator
    is told when she can really make the next one (01:00, as her own refusal says), not that
    the period ends at midnight."""
    await set_limits(moderation, cooldown_seconds=7200, default_limit=2)
    clock.advance(12 * 3600)  # 08:00 -> 20:00 UTC
    await make_done(store, moderation, clock, 1)
    clock.advance(3 * 3600)  # 23:00 UTC
    await make_done(store, moderation, clock, 1)
    facts = await moderation.facts(ALICE)
    text = member_usage_line(facts, ALICE.user_id, 8.0).render("en-US")
    assert "has used 2 of 2 videos" in text and "wait between videos" in text, text
    told = max(stamps(text))
    assert told == clock() + 2 * 3600
    assert await admitted_at(store, moderation, clock, told) is None, text


async def test_quota_says_a_raised_own_allowance_ending_today_leaves_fewer_videos(
    store, moderation, clock
):
    """Default 5 a day; a moderator gives Alice 10 a day for 6 hours and she makes 6. Her
    `/videos quota` says 4 left today, until midnight, yet once her own allowance ends the
    default's 5 applies and her next /video is refused: quota must say so beforehand."""
    ends = clock() + 6 * 3600
    await moderation.store.set_member_limit(MOD, ALICE.user_id, 10, "event", ends)
    await make_done(store, moderation, clock, 6)
    quota = " ".join(await quota_read(moderation, clock))
    clock.advance(6 * 3600 + 1)
    refused = await refusal(store, moderation, clock)  # 6 made of the 5 that now apply
    assert "used all your videos today (5 videos)" in refused, refused
    assert int(ends) in stamps(quota), f"not told the 10 end before she is refused: {quota}"
    assert "**0 videos** left today (out of 5)" in quota, quota


async def test_quota_of_a_spent_member_does_not_promise_the_end_of_the_cooldown(
    store, moderation, clock
):
    """1 video a day, 2 hours between videos. Alice makes hers at 08:00 UTC; at 08:30 her
    `/videos quota` says her allowance starts again at midnight, and must not also say her
    next video can start at 10:00: she is refused then, her day's video made."""
    await set_limits(moderation, default_limit=1, cooldown_seconds=7200)
    await make_done(store, moderation, clock, 1)
    clock.advance(1800)
    quota = await quota_read(moderation, clock)
    await assert_each_promised_start_admits(store, moderation, clock, quota)


async def test_quota_does_not_promise_a_cooldown_end_after_the_own_allowance_with_none_after(
    store, moderation, clock
):
    """Roles-only server, 2 hours between videos; a moderator gives Alice 2 a day for 1 hour.
    She makes 1: her quota says her allowance ends in an hour and none follows, so "your next
    video can start" in 2 hours would be refused."""
    await set_limits(moderation, default_limit=0, cooldown_seconds=7200)
    await moderation.store.set_member_limit(MOD, ALICE.user_id, 2, "trial", clock() + 3600)
    await make_done(store, moderation, clock, 1)
    quota = await quota_read(moderation, clock)
    assert any("none follows it here" in line for line in quota), quota
    await assert_each_promised_start_admits(store, moderation, clock, quota)


async def test_a_cooldown_outlasting_the_own_allowance_with_none_after_promises_no_time(
    store, moderation, clock
):
    """The same Alice asks again half an hour later: "you can start the next one in 90
    minutes" would be refused then; she is told her allowance ends first and none follows."""
    await set_limits(moderation, default_limit=0, cooldown_seconds=7200)
    ends = clock() + 3600
    await moderation.store.set_member_limit(MOD, ALICE.user_id, 2, "trial", ends)
    await make_done(store, moderation, clock, 1)
    clock.advance(1800)
    text = await refusal(store, moderation, clock)
    assert f"your own allowance ends <t:{int(ends)}:R>" in text, text
    for when in stamps(text):
        if when > ends:
            await assert_admitted_when_told(store, moderation, clock, when, text)


async def test_a_spent_allowance_under_a_used_up_budget_is_not_promised_at_the_reset(
    store, moderation, clock
):
    """1 video a day, a budget of 8 credits a month. Alice's video costs all 8: /video refuses
    her, and the time it gives must be when she may make one. Midnight brings her a video
    but the budget is still used up then (until the month ends)."""
    await set_limits(moderation, default_limit=1, monthly_budget=8.0)
    await make_done(store, moderation, clock, 1, credits=8)
    text = await refusal(store, moderation, clock)
    told = max(stamps(text))
    await assert_admitted_when_told(store, moderation, clock, told, text)


async def test_a_cooldown_under_a_used_up_budget_is_not_promised_at_its_end(
    store, moderation, clock
):
    """2 hours between videos, a budget of 8 credits a month. Alice's video costs all 8: "you
    can start the next one in 2 hours" would be refused then, for the budget."""
    await set_limits(moderation, cooldown_seconds=7200, monthly_budget=8.0)
    await make_done(store, moderation, clock, 1, credits=8)
    quota = await quota_read(moderation, clock)
    assert not any("next video can start" in line for line in quota), quota
    text = await refusal(store, moderation, clock)
    told = max(stamps(text))
    await assert_admitted_when_told(store, moderation, clock, told, text)


async def test_a_block_ending_under_a_used_up_budget_does_not_promise_videos_after_it(
    store, moderation, clock
):
    """A budget of 8 credits a month; Alice's video costs all 8, then a moderator blocks her
    for an hour. "You can make videos again after that" would be refused then, for the
    budget: she is told the budget is used up, and when videos come back."""
    await set_limits(moderation, monthly_budget=8.0)
    await make_done(store, moderation, clock, 1, credits=8)
    until = clock() + 3600
    await moderation.store.set_member_limit(MOD, ALICE.user_id, 0, "flooding", until)
    text = await refusal(store, moderation, clock)
    assert f"until <t:{int(until)}:F>" in text, text
    facts = await moderation.facts(ALICE)
    usage = member_usage_line(facts, ALICE.user_id, 8.0).render("en-US")
    assert "monthly budget is used up" in usage, usage
    told = max(stamps(text))
    await assert_admitted_when_told(store, moderation, clock, told, text)


async def test_a_cooldown_outlasting_a_raised_own_allowance_names_when_the_next_video_can_start(
    store, moderation, clock
):
    """1 video a day, 3 hours between videos; a moderator gives Alice 5 a day for 2 hours and
    she makes 1 at 08:00 UTC. "You can start the next one at 11:00" would be refused then: her
    own 5 ended at 10:00 and the day's 1 is made. Her next video can start at midnight."""
    await set_limits(moderation, default_limit=1, cooldown_seconds=3 * 3600)
    await moderation.store.set_member_limit(MOD, ALICE.user_id, 5, "event", clock() + 2 * 3600)
    await make_done(store, moderation, clock, 1)
    clock.advance(60)
    quota = await quota_read(moderation, clock)
    text = await refusal(store, moderation, clock)
    midnight = (await moderation.facts(ALICE)).window.end
    assert max(stamps(text)) == midnight, text
    promised = [stamps(line)[0] for line in quota if "next video can start" in line]
    assert promised == [midnight], quota
    await assert_admitted_when_told(store, moderation, clock, midnight, text)


async def test_a_cooldown_outlasting_an_own_allowance_that_ends_tomorrow_promises_no_time(
    store, moderation, clock
):
    """Roles-only server, 2 days between videos; a moderator gives Alice 5 a day for 30 hours.
    She makes 1: "you can start the next one in 2 days" would be refused then (her allowance
    ended after 30 hours, and none follows): she is told so, with no time, and so is her
    `/videos quota`."""
    await set_limits(moderation, default_limit=0, cooldown_seconds=2 * 86400)
    ends = clock() + 30 * 3600
    await moderation.store.set_member_limit(MOD, ALICE.user_id, 5, "trial", ends)
    await make_done(store, moderation, clock, 1)
    clock.advance(60)
    quota = await quota_read(moderation, clock)
    assert not any("next video can start" in line for line in quota), quota
    assert any(f"your own allowance ends <t:{int(ends)}:R>" in line for line in quota), quota
    text = await refusal(store, moderation, clock)
    assert f"your own allowance ends <t:{int(ends)}:R>" in text, text
    assert "can start the next one" not in text, text


async def test_a_spent_own_allowance_that_ends_tomorrow_inside_the_cooldown_promises_no_time(
    store, moderation, clock
):
    """Roles-only server, 2 days between videos; a moderator gives Alice 1 a day for 30 hours.
    She makes it: "your allowance starts again in 2 days" would be refused then (her own
    allowance ended after 30 hours, and none follows), for her and for the moderator."""
    await set_limits(moderation, default_limit=0, cooldown_seconds=2 * 86400)
    ends = clock() + 30 * 3600
    await moderation.store.set_member_limit(MOD, ALICE.user_id, 1, "trial", ends)
    await make_done(store, moderation, clock, 1)
    clock.advance(60)
    text = await refusal(store, moderation, clock)
    assert f"Your own allowance ends <t:{int(ends)}:R>, and none follows it here" in text, text
    quota = " ".join(await quota_read(moderation, clock))
    assert f"Your own allowance ends <t:{int(ends)}:R>, and none follows it here" in quota, quota
    facts = await moderation.facts(ALICE)
    usage = member_usage_line(facts, ALICE.user_id, 4.0).render("en-US")
    assert f"that limit ends <t:{int(ends)}:R>, and no allowance follows it here" in usage, usage
