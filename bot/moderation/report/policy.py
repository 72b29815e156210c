"""The whole policy of a server, for `/videomod limits show`."""

from __future__ import annotations

from collections.abc import Sequence

from bot.i18n import Listed, Message, Plural, msg, plural
from bot.jobs.pricing import amount
from bot.moderation.models import BudgetUse, MemberOverride, Policy, Window
from bot.moderation.periods import stamp_until
from bot.moderation.report.rules_text import (
    _period,
    cooldown_text,
    credits_text,
    slots_text,
    starts_again,
)
from bot.moderation.rules import channels_listed, option_label, roles_text
from bot.text import LINE_REASON_CHARS, preview

LISTED_OVERRIDES = 10


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
    bans_unheard: bool = False,
) -> list[Message]:
    """The whole policy of a server, for `/videomod limits show`: the rules of a bounded size
    first, the lists last, so a message cut short loses list lines, never a rule. With
    `bans_unheard` (the bot may neither view the audit log nor ban), one more rule line says
    Discord tells the bot of no ban there.

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
        *([msg("mod_show_bans_unheard")] if bans_unheard else []),
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
