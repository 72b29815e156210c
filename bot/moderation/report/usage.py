"""Members' videos this period, for `/videomod usage`: the top members, and one member's
standing."""

from __future__ import annotations

from collections.abc import Sequence

from bot.i18n import Message, msg, plural
from bot.jobs.pricing import amount
from bot.moderation.models import MemberFacts, Policy, Window
from bot.moderation.periods import stamp, stamp_until
from bot.moderation.report.rules_text import _this_period
from bot.moderation.rules import allowed_again_at, block_with_end, own_allowance_end, this_period
from bot.moderation.store import UsageRow
from bot.text import REASON_CHARS, quote


def usage_lines(
    policy: Policy, window: Window, rows: Sequence[UsageRow], first_rank: int = 1
) -> list[Message]:
    """Top members this period, for `/videomod usage` (`first_rank`: the first row's, on a
    later page)."""
    if not rows:
        # Past the first page, the month's credits may go on where this list ended.
        return [msg("mod_usage_empty", period=_this_period(policy))] if first_rank == 1 else []
    lines = [msg("mod_usage_title", period=_this_period(policy), start=stamp(window.start))]
    lines.extend(
        msg(
            "mod_usage_line",
            rank=rank,
            member=f"<@{row.user_id}>",
            jobs=plural("count_videos", row.jobs),
            credits=amount(row.credits),
        )
        for rank, row in enumerate(rows, start=first_rank)
    )
    return lines


def member_usage_line(facts: MemberFacts, user_id: int, credits: float) -> Message:
    """One member's standing this period, for `/videomod usage member:`.

    A limit lowered after the member made their videos leaves them over it: say so, rather
    than "16 of 2". A member who may make none (blocked, or a limit of 0) is said to be so.
    """
    if facts.allowance.limit <= 0:
        return msg(
            "mod_member_usage_none",
            member=f"<@{user_id}>",
            used=plural("count_videos", facts.used),
            period=this_period(facts),
            credits=amount(credits),
            why=_why_none(facts),
        )
    over = facts.used > facts.allowance.limit
    # Spent: when they may start one again (None: no time brings one).
    again = allowed_again_at(facts)
    if again is None and facts.used >= facts.allowance.limit:
        # No reset brings them videos: none is promised.
        return msg(
            "mod_member_usage_none_after",
            member=f"<@{user_id}>",
            used=plural("count_videos", facts.used),
            limit=plural("count_videos", facts.allowance.limit),
            source=msg(f"mod_source_{facts.allowance.source}"),
            period=this_period(facts),
            credits=amount(credits),
            ends=stamp_until(own_allowance_end(facts), "R"),
        )
    key = "mod_member_usage_over" if over else "mod_member_usage"
    # Spent, but their own allowance ends before the period, and the one after has room.
    early = facts.used >= facts.allowance.limit and again is not None and again < facts.window.end
    if early:
        key = f"{key}_until"
    elif facts.used >= facts.allowance.limit and again is not None and again > facts.window.end:
        # "The period ends" reads as "more then", and they would be refused then, for the wait
        # between videos: the time their own refusal gives is named.
        key = "mod_member_usage_over_cooldown" if over else "mod_member_usage_spent_cooldown"
    return msg(
        key,
        member=f"<@{user_id}>",
        # "16 videos this week, more than...", but "1 of 5 videos".
        used=plural("count_videos", facts.used) if over else facts.used,
        limit=plural("count_videos", facts.allowance.limit),
        source=msg(f"mod_source_{facts.allowance.source}"),
        period=this_period(facts),
        credits=amount(credits),
        reset=stamp_until(facts.window.end, "R"),
        again=stamp_until(again, "R") if again is not None else "",
        ends=stamp_until(_own_end(facts), "R"),
    )


def _own_end(facts: MemberFacts) -> float:
    """When the member's own allowance ends (the period's end when it has no end of its own)."""
    override = facts.allowance.override
    if override is not None and override.expires_at is not None:
        return min(override.expires_at, facts.window.end)
    return facts.window.end


def _why_none(facts: MemberFacts) -> Message:
    """Why a member may make no video, in a moderator's words."""
    override = facts.allowance.override
    if override is None:
        return msg("mod_member_none_limit", source=msg(f"mod_source_{facts.allowance.source}"))
    reason = quote(override.reason, REASON_CHARS)
    if override.expires_at is not None:
        # As their own refusal says it.
        return block_with_end(facts, override.expires_at, reason, "mod_member_blocked_until")
    return msg("mod_member_blocked", reason=reason)
