"""Credits this calendar month: a server's and its budget left, the top spenders, one member's,
and the operator's outside servers."""

from __future__ import annotations

from collections.abc import Sequence

from bot.i18n import Message, msg
from bot.jobs.pricing import amount
from bot.moderation.models import BudgetUse, Policy, Window
from bot.moderation.periods import stamp
from bot.moderation.store import CreditsRow


def server_month_line(policy: Policy, use: BudgetUse) -> Message:
    """The server's credits this calendar month, and the monthly budget left (if it has one)."""
    left = budget_left_line(policy.monthly_budget, use, none_key="mod_budget_none")
    return msg(
        "mod_month_credits", start=stamp(use.window.start), used=amount(use.spent), left=left
    )


def budget_left_line(budget: float | None, use: BudgetUse, *, none_key: str) -> Message:
    """What a new video may still spend of a monthly budget (and what is held), or `none_key`."""
    if budget is None:
        return msg(none_key)
    key = "mod_budget_left_held" if use.held > 0 else "mod_budget_left"
    return msg(key, left=amount(use.left(budget)), budget=amount(budget), held=amount(use.held))


def month_credit_lines(
    policy: Policy, use: BudgetUse, rows: Sequence[CreditsRow], first_rank: int = 1
) -> list[Message]:
    """Credits this calendar month: the server's, its budget left, and its top members
    (`first_rank`: the first row's, on a later page)."""
    return [server_month_line(policy, use), *spender_lines(rows, first_rank)]


def personal_month_lines(
    budget: float | None, use: BudgetUse, rows: Sequence[CreditsRow]
) -> list[Message]:
    """Credits this calendar month outside servers (the operator's `USER_INSTALL_MONTHLY_BUDGET`
    and what is left of it), and the users who spent the most there."""
    head = msg(
        "owner_month_credits",
        start=stamp(use.window.start),
        used=amount(use.spent),
        left=budget_left_line(budget, use, none_key="owner_budget_none"),
    )
    return [head, *spender_lines(rows)]


def spender_lines(rows: Sequence[CreditsRow], first_rank: int = 1) -> list[Message]:
    """Who spent the most credits this month, ranked from `first_rank` (a later page's)."""
    lines = []
    if not rows and first_rank == 1:
        lines.append(msg("mod_month_empty"))
    lines.extend(
        msg("mod_month_line", rank=rank, member=f"<@{row.user_id}>", credits=amount(row.credits))
        for rank, row in enumerate(rows, start=first_rank)
    )
    return lines


def member_month_line(user_id: int, credits: float, window: Window) -> Message:
    """One member's credits this calendar month."""
    return msg(
        "mod_member_month",
        member=f"<@{user_id}>",
        credits=amount(credits),
        start=stamp(window.start),
    )
