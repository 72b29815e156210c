"""/videos quota tells of a cooldown exactly when /video would refuse for one."""

import dataclasses

from bot.moderation.models import Period
from bot.moderation.periods import window
from bot.moderation.report import quota_lines
from bot.moderation.rules import member_refusal
from tests.test_message_limits import NOW, POLICY, facts, requester


def calm(cooldown_seconds):
    """A member with nothing else in the way, whose last video was recorded at NOW."""
    base = facts()
    return dataclasses.replace(
        base,
        policy=dataclasses.replace(POLICY, cooldown_seconds=cooldown_seconds),
        active=0,
        paused=False,
        used=0,
        budget_used=0.0,
        budget_held=0.0,
    )


def test_no_cooldown_is_shown_on_a_server_without_one_even_if_a_clock_runs_ahead():
    """Another process's clock a second ahead records a job 'later' than this one's now."""
    member = calm(0)
    now = member.last_created_at - 1
    assert member_refusal(member, requester(), now) is None
    assert "quota_cooldown" not in [line.key for line in quota_lines(member, requester(), now)]


def test_a_cooldown_set_shows_when_the_next_video_can_start():
    member = calm(60)
    now = member.last_created_at + 10
    refusal = member_refusal(member, requester(), now)
    assert refusal is not None and refusal.message.key == "mod_cooldown"
    keys = [line.key for line in quota_lines(member, requester(), now)]
    assert "quota_cooldown" in keys


def test_the_wait_runs_across_midnight_into_the_new_day():
    """A video asked for at 23:59 UTC with a 2-minute wait holds the next until 00:01, though
    the new day's allowance is whole; /video and /videos quota say the same time."""
    midnight = window(Period.DAY, 0, 0, NOW).end
    base = calm(120)
    member = dataclasses.replace(
        base,
        policy=dataclasses.replace(base.policy, period=Period.DAY),
        window=window(Period.DAY, 0, 0, midnight + 30),
        last_created_at=midnight - 60,
    )
    refusal = member_refusal(member, requester(), midnight + 30)
    assert refusal is not None and refusal.message.key == "mod_cooldown"
    said = f"<t:{int(midnight + 60)}:R>"
    assert refusal.message.values["when"] == said
    quota = quota_lines(member, requester(), midnight + 30)
    assert [line.values["when"] for line in quota if line.key == "quota_cooldown"] == [said]
    assert member_refusal(member, requester(), midnight + 60) is None
