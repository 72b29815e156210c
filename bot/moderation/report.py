"""What members and moderators read: moderation facts turned into catalog sentences."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from bot.apimart.models import DURATIONS
from bot.i18n import Listed, Message, Plural, msg, plural
from bot.jobs.models import Requester
from bot.jobs.pricing import UNKNOWN_LENGTH, Estimate, Length, amount
from bot.moderation.models import (
    BudgetUse,
    MemberFacts,
    MemberOverride,
    Period,
    Policy,
    Window,
)
from bot.moderation.periods import stamp, stamp_until
from bot.moderation.rules import (
    REFERENCE_VIDEO_LENGTH,
    allowed_again_at,
    as_standing,
    block_with_end,
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
    roles_text,
    this_period,
    unavailable_options,
)
from bot.moderation.store import AuditRow, CreditsRow, JobRow, UsageRow
from bot.text import (
    CODE_CHARS,
    LINE_PROMPT_CHARS,
    LINE_REASON_CHARS,
    REASON_CHARS,
    code,
    credits_number,
    preview,
    quote,
)

LISTED_OVERRIDES = 10


def slots_text(policy: Policy) -> Message:
    """The server's rule on its videos rendering at once, in words."""
    if policy.max_rendering is None:
        return msg("mod_slots_none")
    if policy.max_rendering == 1:
        return msg("mod_slots_one")
    return msg("mod_slots", limit=policy.max_rendering)


def credits_text(value: float | None) -> str:
    """Credits as people write them: 4, 2.5, or '-' when unknown."""
    return "-" if value is None else credits_number(value)


def _period(policy: Policy) -> Message:
    return msg(f"mod_period_{policy.period.value}")


def _this_period(policy: Policy) -> Message:
    return msg(f"mod_this_{policy.period.value}")


def starts_again(policy: Policy) -> Message:
    """When the policy's periods start, in UTC: a weekly one's weekday, a monthly one's 1st
    (an hour alone, "starting again at 18:00 UTC", reads as every day)."""
    hour = f"{policy.reset_hour:02d}"
    if policy.period is Period.WEEK:
        return msg("mod_reset_week", weekday=msg(f"weekday_{policy.reset_weekday}"), hour=hour)
    return msg(f"mod_reset_{policy.period.value}", hour=hour)


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


# A wait as people say it: in the largest unit that divides it ("7 days", not "604800 seconds").
_WAIT_UNITS = (("count_days", 86400), ("count_hours", 3600), ("count_minutes", 60))


def cooldown_text(seconds: int) -> Message | Plural:
    """The wait between a member's videos: "no wait" rather than "0 seconds"."""
    if seconds <= 0:
        return msg("cooldown_none")
    for key, unit in _WAIT_UNITS:
        if seconds % unit == 0:
            return plural(key, seconds // unit)
    return plural("count_seconds", seconds)


def _override_text(override: MemberOverride) -> Message:
    """One line of the members' list; its reason cut short (the audit and the mod-log keep
    it whole): ten reasons of 200 characters would push the rest out of the message."""
    # An allowance of 0 is a block: said so, not "0".
    videos: Message | Plural = (
        plural("count_videos", override.video_limit)
        if override.video_limit > 0
        else msg("mod_override_blocked")
    )
    if override.expires_at is None:
        return msg(
            "mod_override_item",
            member=f"<@{override.user_id}>",
            videos=videos,
            reason=preview(override.reason, LINE_REASON_CHARS),
        )
    return msg(
        "mod_override_item_until",
        member=f"<@{override.user_id}>",
        videos=videos,
        reason=preview(override.reason, LINE_REASON_CHARS),
        until=stamp_until(override.expires_at),
    )


def policy_lines(
    policy: Policy,
    *,
    now_window: Window,
    role_limits: Sequence[tuple[int, int]],
    overrides: Sequence[MemberOverride],
    reserved: dict[str, list[int]],
    channels: Sequence[int],
    banned_count: int,
    budget: BudgetUse,
    paused: bool,
    moderator_role_id: int | None,
) -> list[Message]:
    """The whole policy of a server, for `/videomod limits show`: the rules of a bounded size
    first, the lists last, so a message cut short loses list lines, never a rule.

    @everyone's own allowance (its id is the server's) is what every member gets unless
    another allowance applies: given as the limits line's, not listed as one more role."""
    everyone = dict(role_limits).get(policy.guild_id)
    roles = [(role, videos) for role, videos in role_limits if role != policy.guild_id]
    return [
        *_rule_lines(
            policy,
            everyone=everyone,
            now_window=now_window,
            channels=channels,
            banned_count=banned_count,
            budget=budget,
            paused=paused,
            moderator_role_id=moderator_role_id,
        ),
        *_list_lines(role_limits=roles, overrides=overrides, reserved=reserved),
    ]


def _rule_lines(
    policy: Policy,
    *,
    everyone: int | None,
    now_window: Window,
    channels: Sequence[int],
    banned_count: int,
    budget: BudgetUse,
    paused: bool,
    moderator_role_id: int | None,
) -> list[Message]:
    """The server's rules, each of a bounded size (the channels name the first 20)."""
    # First: while it lasts no video is made, whatever the rules below say.
    lines = [msg("mod_show_paused")] if paused else []
    lines += [_limits_line(policy, everyone, now_window), slots_text(policy)]
    lines.append(
        msg("mod_show_channels", items=channels_listed(channels))
        if channels
        else msg("mod_show_all_channels")
    )
    if policy.monthly_budget is not None:
        lines.append(
            msg(
                "mod_show_budget_held" if budget.held > 0 else "mod_show_budget",
                used=credits_text(budget.spent),
                held=credits_text(budget.held),
                budget=credits_text(policy.monthly_budget),
                reset=stamp_until(budget.window.end, "R"),
            )
        )
    else:
        lines.append(msg("mod_show_no_budget", used=amount(budget.spent)))
    if policy.confirm_above is not None:
        lines.append(msg("mod_show_confirm", threshold=amount(policy.confirm_above)))
    else:
        lines.append(msg("mod_show_no_confirm"))
    lines.append(msg("mod_show_words", count=banned_count))
    modlog = policy.modlog_channel_id
    lines.append(
        msg("mod_show_modlog", channel=f"<#{modlog}>")
        if modlog is not None
        else msg("mod_show_no_modlog")
    )
    lines.append(
        msg("mod_show_modrole", role=f"<@&{moderator_role_id}>")
        if moderator_role_id is not None
        else msg("mod_show_no_modrole")
    )
    return lines


def _limits_line(policy: Policy, everyone: int | None, now_window: Window) -> Message:
    """The allowance members get unless a role's or their own applies (@everyone's when it
    has one, saying the default it replaces), and the period and pace rules."""
    rules = {
        "period": _period(policy),
        "starts": starts_again(policy),
        "reset": stamp_until(now_window.end, "R"),
        "reset_at": stamp_until(now_window.end),
        "max_active": policy.max_active,
        "cooldown": cooldown_text(policy.cooldown_seconds),
    }
    default = plural("count_videos", policy.default_limit)
    if everyone is None:
        return msg("mod_show_limits", limit=default, **rules)
    return msg(
        "mod_show_limits_everyone",
        limit=plural("count_videos", everyone),
        default=default,
        **rules,
    )


def _list_lines(
    *,
    role_limits: Sequence[tuple[int, int]],
    overrides: Sequence[MemberOverride],
    reserved: dict[str, list[int]],
) -> list[Message]:
    """The reserved options (a few roles named each), the members' own allowances (reasons
    cut short), then the role allowances, one a line: dozens of level roles get as many as
    fit."""
    none = msg("mod_none")
    options = [
        msg("mod_option_item", option=option_label(option), roles=roles_text(roles))
        for option, roles in reserved.items()
    ]
    lines = [msg("mod_show_options", items=Listed(options) if options else none)]
    if overrides:
        lines.append(msg("mod_show_members"))
        lines.extend(_override_text(override) for override in overrides[:LISTED_OVERRIDES])
        if len(overrides) > LISTED_OVERRIDES:
            lines.append(msg("mod_more", count=len(overrides) - LISTED_OVERRIDES))
    else:
        lines.append(msg("mod_show_no_members"))
    if role_limits:
        lines.append(msg("mod_show_roles_header"))
        lines.extend(_role_limit_text(role, videos) for role, videos in role_limits)
    else:
        lines.append(msg("mod_show_roles", items=none))
    return lines


def _role_limit_text(role_id: int, videos: int) -> Message:
    """One line of the roles' list: a role's 0 said as the block it is (it outweighs the
    member's other roles), not as the lowest of the allowances the highest of which wins."""
    if videos == 0:
        return msg("mod_role_limit_blocked", role=f"<@&{role_id}>")
    return msg("mod_role_limit_item", role=f"<@&{role_id}>", videos=plural("count_videos", videos))


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


def job_lines(jobs: Sequence[JobRow], unreadable: Collection[int] = ()) -> list[Message]:
    """Recent jobs with their state, for `/videomod jobs` and a member's history; the prompt
    of one asked for in a channel of `unreadable` (its reader may not open it) is withheld."""
    if not jobs:
        return [msg("mod_jobs_empty")]
    return [_job_line(job, job.channel_id in unreadable) for job in jobs]


def _job_line(job: JobRow, withheld: bool) -> Message:
    about = {
        "job_id": job.id,
        "created": stamp(job.created_at, "R"),
        "member": f"<@{job.user_id}>",
        "state": msg(job.state_key),
        "prompt": msg("mod_job_prompt_hidden")
        if withheld
        else preview(job.prompt, LINE_PROMPT_CHARS),
    }
    if job.credits_cost is None and job.expected_credits is not None and job.held:
        # Not billed yet (on its way, given up on but still followed, its submit's answer
        # lost): what its member was quoted, as its status message says it and the budget
        # holds it.
        key = "mod_job_line_expected_up_to" if job.expected_up_to else "mod_job_line_expected"
        return msg(key, credits=amount(job.expected_credits), **about)
    if job.credits_cost is None and job.expected_credits is not None:
        # Finished, its credits never reported: what the budget counts it at, said as such
        # (for a reference video, the most it may have cost).
        key = "mod_job_line_unreported_up_to" if job.expected_up_to else "mod_job_line_unreported"
        return msg(key, credits=amount(job.expected_credits), **about)
    if job.credits_cost is None:
        # Not charged (yet, or ever): no "- credits" in the line.
        return msg("mod_job_line_no_cost", **about)
    return msg("mod_job_line", credits=amount(job.credits_cost), **about)


def audit_lines(rows: Sequence[AuditRow]) -> list[Message]:
    """The newest moderator changes, for `/videomod audit`."""
    if not rows:
        return [msg("mod_audit_empty")]
    return [
        msg("mod_audit_line", when=stamp(row.created_at, "R"), change=row.change) for row in rows
    ]


def words_lines(patterns: Sequence[str]) -> list[Message]:
    """The banned words, for `/videomod words list`."""
    if not patterns:
        return [msg("mod_words_empty")]
    # A line each: a list longer than one message loses whole words, and says how many
    # ("…and 12 more."), instead of being cut inside one.
    return [
        msg("mod_words_list", count=len(patterns)),
        *(msg("mod_words_item", pattern=code(pattern, CODE_CHARS)) for pattern in patterns),
    ]


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
