"""/videos quota tells of a cooldown exactly when /video would refuse for one."""

import dataclasses

from bot.moderation.report import quota_lines
from bot.moderation.rules import member_refusal
from tests.test_message_limits import POLICY, facts, requester


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
