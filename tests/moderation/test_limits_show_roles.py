"""`/videomod limits show` lists role allowances as the admission check applies them: the
highest of a member's roles wins, except that a role's 0 blocks whatever the others allow."""

import pytest

from bot.moderation.models import BudgetUse, Policy
from bot.moderation.periods import quota_window
from bot.moderation.report import policy_lines

NOW = 1_800_000_000.0
LEVEL_5, MUTED = 501, 502


def role_lines(locale: str) -> list[str]:
    policy = Policy(guild_id=1)
    window = quota_window(policy, NOW)
    lines = policy_lines(
        policy,
        now_window=window,
        role_limits=[(LEVEL_5, 30), (MUTED, 0)],
        overrides=[],
        reserved={},
        channels=[],
        banned_count=0,
        budget=BudgetUse(0.0, 0.0, window),
        paused=False,
        moderator_role_id=None,
    )
    return [line.render(locale) for line in lines if "<@&" in line.render(locale)]


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
