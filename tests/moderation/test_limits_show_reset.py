"""`/videomod limits show` says when a period starts again: the weekday of a weekly one, the
1st of a monthly one, not an hour that reads as every day."""

import dataclasses

import pytest

from bot.moderation.models import BudgetUse, Period, Policy
from bot.moderation.periods import quota_window
from bot.moderation.report import policy_lines

NOW = 1_800_000_000.0  # 2027-01-15 08:00 UTC, a Friday


def limits_line(policy: Policy, locale: str) -> str:
    window = quota_window(policy, NOW)
    lines = policy_lines(
        policy,
        now_window=window,
        role_limits=[],
        overrides=[],
        reserved={},
        channels=[],
        banned_count=0,
        budget=BudgetUse(0.0, 0.0, window),
        paused=False,
        moderator_role_id=None,
    )
    return lines[0].render(locale)


WEEKLY = Policy(guild_id=1, period=Period.WEEK, reset_hour=18, reset_weekday=4)


@pytest.mark.parametrize(
    ("policy", "locale", "said"),
    [
        (WEEKLY, "en-US", "every Friday at 18:00 UTC"),
        (WEEKLY, "zh-CN", "每周五 UTC 18:00"),
        (dataclasses.replace(WEEKLY, reset_weekday=0), "en-US", "every Monday at 18:00 UTC"),
        (
            dataclasses.replace(WEEKLY, period=Period.MONTH, reset_hour=6),
            "en-US",
            "on the 1st of each month at 06:00 UTC",
        ),
        (
            dataclasses.replace(WEEKLY, period=Period.MONTH, reset_hour=6),
            "zh-CN",
            "每月 1 日 UTC 06:00",
        ),
        (Policy(guild_id=1), "en-US", "every day at 00:00 UTC"),
        (Policy(guild_id=1), "zh-CN", "每天 UTC 00:00"),
    ],
)
def test_limits_show_names_when_the_period_starts_again(policy, locale, said):
    """A weekly allowance "starting again at 18:00 UTC" read as every day at 18:00."""
    text = limits_line(policy, locale)
    assert said in text, text
