"""What a member reads of their own standing (`/videos quota`), and the price table."""

from __future__ import annotations

from bot.apimart.models import DURATIONS
from bot.i18n import Message, msg, plural
from bot.jobs.models import Requester
from bot.jobs.pricing import UNKNOWN_LENGTH, Estimate, Length, amount
from bot.moderation.models import MemberFacts
from bot.moderation.periods import stamp_until
from bot.moderation.rules import (
    REFERENCE_VIDEO_LENGTH,
    allowed_again_at,
    as_standing,
    blocked_message,
    budget_outlasts,
    budget_spent_message,
    channels_listed,
    cooldown_ends,
    first_start,
    option_label,
    option_labels,
    own_allowance_end,
    own_allowance_ends_with_none_after,
    paused_message,
    this_period,
    unavailable_options,
)
from bot.text import credits_number


def quota_lines(facts: MemberFacts, requester: Requester, now: float) -> list[Message]:
    """A member's `/videos quota`: what is left, when it resets, and what limits apply."""
    policy = facts.policy
    lines: list[Message] = []
    if facts.paused:
        lines.append(as_standing(paused_message(requester)))
    blocked = blocked_message(facts)
    if blocked is not None:
        # Blocked says blocked: no count, no cooldown, nothing that suggests waiting helps.
        lines.append(blocked)
        return lines
    ends = own_allowance_ends_with_none_after(facts)
    left = {
        "left": plural("count_videos", facts.left),
        "limit": facts.allowance.limit,
        "period": this_period(facts),
    }
    # Spent: the time a refusal gives (their own allowance may end before the period, or
    # before a wait that outlasts it, with none after it: no time then).
    again = allowed_again_at(facts) if facts.left == 0 else facts.window.end
    if ends is None and again is None:
        ends = own_allowance_end(facts)
    if ends is not None:
        lines.append(msg("quota_left_none_after", **left, ends=stamp_until(ends, "R")))
    else:
        assert again is not None
        lines.append(
            msg("quota_left", **left, reset=stamp_until(again, "R"), reset_at=stamp_until(again))
        )
        own_end = _own_allowance_changes_early(facts)
        if own_end is not None:
            lines.append(own_end)
    lines.append(
        msg("quota_active", active=plural("count_videos", facts.active), limit=policy.max_active)
    )
    ready_at = cooldown_ends(facts, now)
    # The wait said only where a video may start once it ends: spent, the line above names
    # when (the wait included). Its end, or when the allowance has room after it (their own
    # ended meanwhile); never a time when none follows their own allowance, nor while the
    # budget is used up past it (/video says the budget instead).
    if ready_at is not None and facts.left > 0:
        start = first_start(facts, ready_at)
        if start is None and ends is None:
            lines.append(
                msg("mod_cooldown_none_after", ends=stamp_until(own_allowance_end(facts), "R"))
            )
        elif start is not None and not budget_outlasts(facts, start):
            lines.append(msg("quota_cooldown", when=stamp_until(start, "R")))
    unavailable = unavailable_options(facts, requester.role_ids)
    if REFERENCE_VIDEO_LENGTH in unavailable:
        # A reference video sets the length, up to the longest, so it needs that length: the
        # member would otherwise learn it only from a refusal.
        lines.append(
            msg(
                "quota_reserved_reference",
                options=option_labels(unavailable),
                length=option_label(REFERENCE_VIDEO_LENGTH),
            )
        )
    elif unavailable:
        lines.append(msg("quota_reserved", options=option_labels(unavailable)))
    if facts.channels:
        channels = channels_listed(sorted(facts.channels))
        lines.append(msg("quota_channels", channels=channels))
    if facts.budget_spent:
        lines.append(budget_spent_message(facts))
    return lines


def _own_allowance_changes_early(facts: MemberFacts) -> Message | None:
    """With videos left, the member's own allowance ends before the period does and another
    takes over: what is left from then on (a raised one ending leaves fewer, and "4 left
    today" would be refused in the afternoon). Spent, `allowed_again_at` already says when."""
    override = facts.allowance.override
    after = facts.allowance.after
    if (
        facts.left == 0
        or override is None
        or override.expires_at is None
        or override.expires_at >= facts.window.end
        or after is None
        or after == facts.allowance.limit
    ):
        return None
    return msg(
        "quota_own_ends",
        ends=stamp_until(override.expires_at, "R"),
        left=plural("count_videos", max(after - facts.used, 0)),
        limit=after,
        period=this_period(facts),
    )


def price_lines(
    table: dict[tuple[str, Length], Estimate], threshold: float | None
) -> list[Message]:
    """Expected credits per resolution and length, and with a reference video, for
    `/videos quota` and `/videos help`."""

    def row(resolution: str) -> str:
        return " / ".join(
            credits_number(table[(resolution, length)].credits) for length in DURATIONS
        )

    def by_video(resolution: str) -> str:
        return credits_number(table[(resolution, None)].credits)

    lines = [
        msg(
            "price_table",
            p720=row("720p"),
            p1080=row("1080p"),
            p4k=row("4k"),
            v720=by_video("720p"),
            v1080=by_video("1080p"),
            v4k=by_video("4k"),
            seconds=UNKNOWN_LENGTH,
        ),
        msg("price_note"),
    ]
    if threshold is not None:
        lines.append(msg("price_threshold", threshold=amount(threshold)))
    return lines
