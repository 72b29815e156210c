"""What members and moderators read: moderation facts turned into catalog sentences.

Each report has its own module: the rules in words (`rules_text`), a member's quota and the
price table (`quota`), the policy (`policy`), the usage (`usage`), moderators' lists of jobs,
changes and banned words (`lists`) and the month's credits (`credits`).
"""

from __future__ import annotations

from bot.moderation.report.credits import (
    budget_left_line,
    member_month_line,
    month_credit_lines,
    personal_month_lines,
    server_month_line,
    spender_lines,
)
from bot.moderation.report.lists import audit_lines, job_lines, words_lines
from bot.moderation.report.policy import LISTED_OVERRIDES, policy_lines
from bot.moderation.report.quota import price_lines, quota_lines
from bot.moderation.report.rules_text import cooldown_text, credits_text, slots_text, starts_again
from bot.moderation.report.usage import member_usage_line, usage_lines

# The reports live in their own modules; these names are still imported from here.
__all__ = [
    "LISTED_OVERRIDES",
    "audit_lines",
    "budget_left_line",
    "cooldown_text",
    "credits_text",
    "job_lines",
    "member_month_line",
    "member_usage_line",
    "month_credit_lines",
    "personal_month_lines",
    "policy_lines",
    "price_lines",
    "quota_lines",
    "server_month_line",
    "slots_text",
    "spender_lines",
    "starts_again",
    "usage_lines",
    "words_lines",
]
