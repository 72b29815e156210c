"""`/videomod limits show` says when a period starts again (the weekday of a weekly one, the
1st of a monthly one, not an hour that reads as every day), and lists role allowances as the
admission check applies them: the highest of a member's roles wins, except that a role's 0
blocks whatever the others allow."""

import dataclasses

import pytest

from bot.i18n import Message
from bot.moderation.models import BudgetUse, Period, Policy
from bot.moderation.periods import quota_window
from bot.moderation.report import policy_lines

NOW = 1_800_000_000.0  # 2027-01-15 08:00 UTC, a Friday
LEVEL_5, MUTED = 501, 502


def shown(policy: Policy, role_limits: list[tuple[int, int]] | None = None) -> list[Message]:
    """The lines of `/videomod limits show` for `policy` and these role allowances."""
    window = quota_window(policy, NOW)
    return policy_lines(
        policy,
        now_window=window,
        role_limits=role_limits or [],
        overrides=[],
        reserved={},
        channels=[],
        banned_count=0,
        budget=BudgetUse(0.0, 0.0, window),
        paused=False,
        moderator_role_id=None,
    )


def limits_line(policy: Policy, locale: str) -> str:
    return shown(policy)[0].render(locale)


def role_lines(locale: str) -> list[str]:
    rendered = [
        line.render(locale) for line in shown(Policy(guild_id=1), [(LEVEL_5, 30), (MUTED, 0)])
    ]
    return [line for line in rendered if "<@&" in line]


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


@pytest.mark.parametrize(
    ("locale", "blocks"),
    [
        ("en-US", "whatever their other roles allow"),
        ("zh-CN", "无论其他身份组的额度如何"),
        ("zh-TW", "無論其他身分組的額度如何"),
    ],
)
def test_a_roles_0_is_listed_as_the_block_it_is(locale, blocks):
    """Listed as "0 videos" under "the highest allowance wins", a Muted role's 0 reads as the
    least a Level 5 member with it could get: it blocks them, whatever Level 5 allows."""
    level_5, muted = role_lines(locale)
    assert blocks in muted, muted
    assert blocks not in level_5, level_5
