"""The admission rules: given a member's facts and a request, the first reason to refuse."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.apimart.models import DURATIONS, RESOLUTIONS, VideoRequest
from bot.i18n import Listed, Message, Plural, msg, plural
from bot.jobs.models import Requester
from bot.jobs.pricing import Estimate, amount, stated_cost
from bot.moderation.models import CREDIT_TOLERANCE, MemberFacts
from bot.moderation.periods import stamp_until
from bot.moderation.words import BannedMatch, find_banned
from bot.text import REASON_CHARS, credits_number, quote, resolution_label

# Options a moderator can reserve for roles, as stored: 'resolution:4k', 'duration:10'.
RESERVABLE_OPTIONS: tuple[str, ...] = (
    *(f"resolution:{value}" for value in RESOLUTIONS),
    *(f"duration:{value}" for value in DURATIONS),
)


def option_text(option: str) -> str:
    """An option in a command's choice names: '4K', '10s'."""
    kind, _, value = option.partition(":")
    return f"{value}s" if kind == "duration" else resolution_label(value)


def option_label(option: str) -> Message:
    """An option in a sentence, in the reader's words: '4K', '10 s' / '10 秒'."""
    kind, _, value = option.partition(":")
    if kind == "duration":
        return msg("seconds_value", seconds=int(value))
    return msg("option_value", value=resolution_label(value))


def option_labels(options: list[str]) -> Listed:
    """Several options as one list in the reader's language."""
    return Listed([option_label(option) for option in options])


# A reference video sets the length, up to the longest: it is reserved (and priced) as that.
REFERENCE_VIDEO_LENGTH = f"duration:{max(DURATIONS)}"


def request_options(request: VideoRequest) -> tuple[str, ...]:
    """The reservable options a request uses."""
    options = [f"resolution:{request.resolution}"]
    if request.video_urls:
        options.append(REFERENCE_VIDEO_LENGTH)
    elif request.duration is not None:
        options.append(f"duration:{request.duration}")
    return tuple(options)


# Roles named for a reserved option; dozens of level roles would fill a message.
LISTED_ROLES = 5


def roles_text(role_ids: frozenset[int] | list[int]) -> Listed:
    """Role mentions (sent with pings disabled): the first `LISTED_ROLES`, then how many more."""
    ordered = sorted(role_ids)
    items: list[Message | Plural | str] = [f"<@&{role_id}>" for role_id in ordered[:LISTED_ROLES]]
    if len(ordered) > LISTED_ROLES:
        items.append(plural("count_more_roles", len(ordered) - LISTED_ROLES))
    return Listed(items, last="or")


def this_period(facts: MemberFacts) -> Message:
    """'today', 'this week' or 'this month' in the reader's language."""
    return msg(f"mod_this_{facts.policy.period.value}")


def unavailable_options(facts: MemberFacts, role_ids: tuple[int, ...]) -> list[str]:
    """Reserved options none of the member's roles may use."""
    mine = set(role_ids)
    return [
        option
        for option in RESERVABLE_OPTIONS
        if option in facts.reserved_options and not facts.reserved_options[option] & mine
    ]


def own_allowance_ends_with_none_after(facts: MemberFacts) -> float | None:
    """When the member's own allowance ends, if that is before the period does and nothing
    follows it here (a server where only roles grant videos, say): no reset brings videos."""
    override = facts.allowance.override
    if (
        override is not None
        and override.expires_at is not None
        and override.expires_at < facts.window.end
        and facts.allowance.after == 0
    ):
        return override.expires_at
    return None


def own_allowance_end(facts: MemberFacts) -> float:
    """When the member's own allowance ends; only for one that does (`first_start` None)."""
    override = facts.allowance.override
    assert override is not None and override.expires_at is not None
    return override.expires_at


def _allowance_at(facts: MemberFacts, when: float) -> int:
    """The member's allowance at `when`: their own until it ends (`read_override`: gone at
    its end), then the one after it."""
    override = facts.allowance.override
    if override is None or override.expires_at is None or when < override.expires_at:
        return facts.allowance.limit
    return facts.allowance.after or 0


def first_start(facts: MemberFacts, earliest: float) -> float | None:
    """The first moment from `earliest` on at which the member's allowance has room for a
    video: then, when their own allowance ends (the one after it takes over), or when the
    period ends (nothing counts in the next one yet); nothing else changes it. None when no
    time does (their own allowance ends with none after it)."""
    override = facts.allowance.override
    changes = {facts.window.end}
    if override is not None and override.expires_at is not None:
        changes.add(override.expires_at)
    for when in (earliest, *sorted(change for change in changes if change > earliest)):
        used = facts.used if when < facts.window.end else 0
        if _allowance_at(facts, when) > used:
            return when
    return None


def allowed_again_at(facts: MemberFacts) -> float | None:
    """When a member whose allowance is spent (or who is blocked) may start a video again:
    when their own allowance ends, if the one after it has room this period; else when the
    period ends; and not before their cooldown ends, nor at its end if their allowance has no
    room then (their own ended meanwhile). None when no time brings a video (their own
    allowance ends with none after it, before the period or the cooldown does)."""
    earliest = facts.window.start
    # A member told "at midnight" must not be refused at midnight for the cooldown.
    if facts.policy.cooldown_seconds > 0 and facts.last_created_at is not None:
        earliest = max(earliest, facts.last_created_at + facts.policy.cooldown_seconds)
    return first_start(facts, earliest)


# Every refusal `blocked_message` (or the owner's block) can give: each names a block and its
# reason, so none is ever said in a public reply.
BLOCK_REFUSAL_KEYS = frozenset(
    {
        "mod_blocked",
        "mod_blocked_until",
        "mod_blocked_until_spent",
        "mod_blocked_until_cooldown",
        "mod_blocked_until_budget",
        "owner_blocked",
    }
)
# What a public reply says instead of a refusal for the member's eyes only: a block and its
# reason are theirs to read privately, and a banned word quoted back would be posted in the
# channel under the bot's name.
# A ban (a mention posted just before it) is no more named in public than a block.
PUBLIC_WORDING = dict.fromkeys((*BLOCK_REFUSAL_KEYS, "mod_banned_here"), "blocked_see_quota") | {
    "mod_banned_words": "mod_banned_words_public"
}
# What a refusal says where the request's options cannot be chosen (Regenerate, Confirm):
# "choose another resolution" there would send the member to a choice they do not have.
FIXED_OPTIONS_WORDING = {
    "mod_option_reserved": "mod_option_reserved_fixed",
    "mod_reference_video_length_reserved": "mod_reference_video_length_reserved_fixed",
}


def blocked_message(facts: MemberFacts) -> Message | None:
    """Why the member may make no videos at all, if so."""
    allowance = facts.allowance
    if allowance.limit > 0:
        return None
    override = allowance.override
    if override is None:
        return msg("mod_no_allowance")
    reason = quote(override.reason, REASON_CHARS)
    if override.expires_at is not None and allowance.after == 0:
        # No allowance here once it ends either: no date worth waiting for.
        return msg("mod_blocked", reason=reason)
    if override.expires_at is not None:
        return block_with_end(facts, override.expires_at, reason, "mod_blocked_until")
    return msg("mod_blocked", reason=reason)


def block_with_end(facts: MemberFacts, ends: float, reason: str, key: str) -> Message:
    """A block until `ends`, said with `key` (the member's or a moderator's words); and, when
    what they made before it already spent this period's allowance, when videos come back."""
    after = facts.allowance.after
    again = allowed_again_at(facts)
    # Spent (not "none at all": an allowance of 0 after it has no date to wait for), with the
    # period ending after the block does: videos come back only then.
    spent = after and facts.used >= after and again is not None and again > ends
    spent_until = again if spent else None
    cooled = cooldown_ends(facts, ends)
    free_at = spent_until or cooled or ends  # timestamps, never 0
    if budget_outlasts(facts, free_at):
        # The server's budget is used up past then: that time would be refused, for the budget.
        return msg(
            f"{key}_budget",
            reason=reason,
            until=stamp_until(ends),
            again=stamp_until(facts.budget_window.end, "R"),
        )
    if spent_until is not None:
        return msg(
            f"{key}_spent",
            reason=reason,
            until=stamp_until(ends),
            period=this_period(facts),
            again=stamp_until(spent_until),
        )
    if cooled is not None:
        # The block ends inside the wait between videos: "again after that" would be refused.
        return msg(
            f"{key}_cooldown", reason=reason, until=stamp_until(ends), again=stamp_until(cooled)
        )
    return msg(key, reason=reason, until=stamp_until(ends))


@dataclass(frozen=True)
class Refusal:
    """Why a request is refused; `banned` is set when a banned word was the reason."""

    message: Message
    banned: BannedMatch | None = None


def first_refusal(
    facts: MemberFacts, requester: Requester, request: VideoRequest, now: float
) -> Refusal | None:
    """Check the rules in order; None means the job may be recorded."""
    return (
        _place_refusal(facts, requester)
        or _request_refusal(facts, requester, request)
        or _standing_refusal(facts, now)
    )


def member_refusal(facts: MemberFacts, requester: Requester, now: float) -> Refusal | None:
    """The rules that hold whatever is asked: checked before any of the member's links is read."""
    return _place_refusal(facts, requester) or _standing_refusal(facts, now)


# Refusals that also answer "what may I make?": worded for a member who only asked (nothing
# was asked, so nothing to count).
_STANDING = frozenset(
    {
        "owner_blocked",
        "personal_off",
        "personal_budget_spent",
        "personal_budget_spent_held",
        "personal_budget_too_little",
        "personal_budget_too_little_held",
        "mod_paused",
        "personal_paused",
    }
)


def as_standing(refusal: Message) -> Message:
    """A refusal as the answer to `/videos quota`."""
    if refusal.key not in _STANDING:
        return refusal
    return Message(f"{refusal.key}_standing", refusal.values)


def standing(refusal: Message | None) -> Message | None:
    """`as_standing`, for what may be no refusal at all."""
    return None if refusal is None else as_standing(refusal)


def paused_message(requester: Requester) -> Message:
    """Generation is paused (no balance); outside servers no moderator will say it is back."""
    return msg("mod_paused" if requester.guild_id is not None else "personal_paused")


# Channels named in a list of allowed ones; the rest are counted (a server may allow dozens,
# and what follows the list must still fit in its message).
LISTED_CHANNELS = 20


def channels_listed(channels: Sequence[int]) -> Listed:
    """The allowed channels as mentions: the first `LISTED_CHANNELS`, then how many more."""
    items: list[Message | Plural | str] = [f"<#{c}>" for c in channels[:LISTED_CHANNELS]]
    if len(channels) > LISTED_CHANNELS:
        items.append(plural("count_more_channels", len(channels) - LISTED_CHANNELS))
    return Listed(items)


def _place_refusal(facts: MemberFacts, requester: Requester) -> Refusal | None:
    """Generation paused, or a channel where videos are not made."""
    if facts.paused:
        return Refusal(paused_message(requester))
    if facts.channels and not facts.channels & {requester.channel_id, requester.parent_channel_id}:
        channels = channels_listed(sorted(facts.channels))
        return Refusal(msg("mod_channel_not_allowed", channels=channels))
    return None


def _request_refusal(
    facts: MemberFacts, requester: Requester, request: VideoRequest
) -> Refusal | None:
    """A banned word in the prompt, or an option reserved for other roles."""
    banned = find_banned(request.prompt, facts.banned_patterns)
    if banned is not None:
        fragment = banned.fragment.replace("`", "'")
        return Refusal(msg("mod_banned_words", fragment=fragment), banned)
    for option in request_options(request):
        if option in unavailable_options(facts, requester.role_ids):
            roles = roles_text(facts.reserved_options[option])
            key = "mod_option_reserved"
            if request.video_urls and option == REFERENCE_VIDEO_LENGTH:
                key = "mod_reference_video_length_reserved"
            return Refusal(msg(key, option=option_label(option), roles=roles))
    return None


def cooldown_ends(facts: MemberFacts, now: float) -> float | None:
    """When the member's cooldown ends, if they are in one now."""
    # No cooldown set: never one, even if a job recorded at the same moment reads as later
    # (another process's clock a little ahead).
    if facts.policy.cooldown_seconds <= 0 or facts.last_created_at is None:
        return None
    ready_at = facts.last_created_at + facts.policy.cooldown_seconds
    return ready_at if ready_at > now else None


def _standing_refusal(facts: MemberFacts, now: float) -> Refusal | None:
    """A block, a spent allowance, too many unfinished videos, a cooldown, a spent budget."""
    policy = facts.policy
    blocked = blocked_message(facts)
    if blocked is not None:
        return Refusal(blocked)
    if facts.used >= facts.allowance.limit:
        spent = {
            "limit": plural("count_videos", facts.allowance.limit),
            "period": this_period(facts),
        }
        again = allowed_again_at(facts)
        if again is None:
            ends = stamp_until(own_allowance_end(facts), "R")
            return Refusal(msg("mod_quota_spent_none_after", **spent, ends=ends))
        if budget_outlasts(facts, again):
            return Refusal(budget_spent_message(facts))
        return Refusal(
            msg(
                "mod_quota_spent",
                **spent,
                reset=stamp_until(again, "R"),
                reset_at=stamp_until(again),
            )
        )
    if facts.active >= policy.max_active:
        # The limit lowered while more were being made: "wait for one" would be refused again.
        finish = facts.active - policy.max_active + 1
        return Refusal(
            msg(
                "mod_too_many_active" if finish == 1 else "mod_too_many_active_several",
                active=plural("count_videos", facts.active),
                limit=policy.max_active,
                finish=finish,
            )
        )
    ready_at = cooldown_ends(facts, now)
    if ready_at is not None:
        start = first_start(facts, ready_at)
        if start is None:
            # Their own allowance ends before the wait does, and none follows: no time to give.
            ends = stamp_until(own_allowance_end(facts), "R")
            return Refusal(msg("mod_cooldown_none_after", ends=ends))
        if budget_outlasts(facts, start):
            return Refusal(budget_spent_message(facts))
        if start > ready_at:
            # Their own allowance ends before the wait does, and the one after it is spent.
            return Refusal(
                msg(
                    "mod_cooldown_own_ends",
                    ends=stamp_until(own_allowance_end(facts), "R"),
                    limit=plural("count_videos", facts.allowance.after or 0),
                    period=this_period(facts),
                    when=stamp_until(start, "R"),
                )
            )
        return Refusal(msg("mod_cooldown", when=stamp_until(ready_at, "R")))
    if facts.budget_spent:
        return Refusal(budget_spent_message(facts))
    return None


def budget_outlasts(facts: MemberFacts, when: float) -> bool:
    """Whether the server's monthly budget is used up past `when`: "try again then" would be
    refused then, for the budget, so the budget (and when its month ends) is the answer."""
    return facts.budget_spent and facts.budget_window.end > when


def budget_spent_message(facts: MemberFacts) -> Message:
    """The server's monthly budget is used up, held for the videos being made, or what is
    left would pay for no video."""
    reset = stamp_until(facts.budget_window.end, "R")
    if facts.budget_left > CREDIT_TOLERANCE:
        return msg(
            "mod_budget_too_little_held" if facts.budget_held > 0 else "mod_budget_too_little",
            left=amount(facts.budget_left),
            cheapest=amount(facts.budget_floor),
            reset=reset,
        )
    return msg(
        "mod_budget_spent_held" if facts.budget_held > 0 else "mod_budget_spent",
        used=credits_number(facts.budget_committed),
        budget=credits_number(facts.policy.monthly_budget or 0.0),
        reset=reset,
    )


def budget_short_refusal(facts: MemberFacts, expected: Estimate) -> Refusal | None:
    """A video expected to cost more than what is left of the server's monthly budget."""
    left = facts.budget_short(expected.credits)
    if left is None:
        return None
    return Refusal(
        msg(
            "mod_budget_short_reference" if expected.up_to else "mod_budget_short",
            cost=stated_cost(expected),
            left=amount(left),
            reset=stamp_until(facts.budget_window.end, "R"),
        )
    )
