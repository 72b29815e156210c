"""The personal scope: requests outside any server that installed the bot (issue 17).

A user install lets a member use /video in DMs, group DMs and servers that never added the bot.
No server moderator sets rules there, so the operator does: a daily allowance per user, a cap
on unfinished videos, and an optional monthly credit budget shared by all such requests. The
same admission rules (`bot.moderation.rules`) decide, on facts read the same way; jobs of this
scope are stored with no server (`guild_id` NULL), so no server's allowance is ever spent.
The operator can also block a user everywhere (`OWNER_IDS`, `/videoowner block`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from bot.i18n import Message, msg
from bot.jobs.models import Requester
from bot.jobs.pricing import Estimate, amount, stated_cost
from bot.moderation.facts import scope_facts, value_of
from bot.moderation.models import (
    CREDIT_TOLERANCE,
    Allowance,
    MemberFacts,
    Period,
    Policy,
    credits_left,
    no_video_fits,
    short_of,
)
from bot.moderation.periods import stamp_until
from bot.storage import Connection
from bot.text import REASON_CHARS, quote

# Global blocks live in the key/value store under this prefix and the user's id.
BLOCK_KEY_PREFIX = "user_block:"
# The personal scope's policy has no server: this stands in for its id.
PERSONAL_SCOPE = 0


@dataclass(frozen=True)
class PersonalLimits:
    """The operator's limits for requests outside servers that installed the bot."""

    videos_per_day: int = 3
    max_active: int = 1
    monthly_budget: float | None = None  # credits per calendar month, all such requests


@dataclass(frozen=True)
class GlobalBlock:
    """An operator's block of one user, everywhere."""

    reason: str
    set_by: int
    set_at: float


def admission_lock(user_id: int) -> str:
    """The lock on a user's admissions (`hold_admissions`)."""
    return f"admission:{user_id}"


async def hold_admissions(conn: Connection, user_id: int) -> None:
    """Hold a user's admissions (in every server and outside them) until `conn`'s transaction
    ends, across processes. Every admission takes it before it reads anything, and so does
    every block: a block waits for the admission in flight to commit (its cancel then finds
    that job), and an admission that waited reads the block."""
    await conn.serialize(admission_lock(user_id))


def block_key(user_id: int) -> str:
    """The key/value store key of a user's global block."""
    return f"{BLOCK_KEY_PREFIX}{user_id}"


async def read_block(conn: Connection, user_id: int) -> GlobalBlock | None:
    """The user's global block, if the operator set one."""
    raw = await value_of(conn, "SELECT value FROM bot_state WHERE key = ?", (block_key(user_id),))
    if raw is None:
        return None
    data = json.loads(raw)
    return GlobalBlock(str(data["reason"]), int(data["set_by"]), float(data["set_at"]))


def encode_block(block: GlobalBlock) -> str:
    """A block as stored."""
    return json.dumps({"reason": block.reason, "set_by": block.set_by, "set_at": block.set_at})


def personal_policy(limits: PersonalLimits) -> Policy:
    """The personal scope's rules, as a server policy the admission rules understand."""
    return Policy(
        guild_id=PERSONAL_SCOPE,
        period=Period.DAY,
        default_limit=limits.videos_per_day,
        # The table keeps at least 1; an allowance of 0 is refused before this is read.
        max_active=max(limits.max_active, 1),
    )


async def personal_facts(
    conn: Connection, requester: Requester, limits: PersonalLimits, now: float
) -> MemberFacts:
    """What the admission rules see for a member's personal-scope request: their jobs stored
    with no server, under the operator's limits."""
    return await scope_facts(
        conn,
        None,
        requester.user_id,
        now,
        policy=personal_policy(limits),
        allowance=Allowance(limits.videos_per_day, "default"),
        monthly_budget=limits.monthly_budget,
    )


def budget_spent(facts: MemberFacts, limits: PersonalLimits) -> bool:
    """Whether the operator's monthly credits for personal requests are used up, or held for
    the videos being made."""
    return no_video_fits(limits.monthly_budget, facts.budget_committed, facts.budget_floor)


def personal_budget_short(
    facts: MemberFacts, limits: PersonalLimits, expected: Estimate
) -> Message | None:
    """A video expected to cost more than what is left of the operator's monthly credits."""
    left = short_of(limits.monthly_budget, facts.budget_committed, expected.credits)
    if left is None:
        return None
    return msg(
        "personal_budget_short_reference" if expected.up_to else "personal_budget_short",
        cost=stated_cost(expected),
        left=amount(left),
        reset=stamp_until(facts.budget_window.end, "R"),
    )


def personal_refusal(facts: MemberFacts, limits: PersonalLimits) -> Message | None:
    """What only the personal scope refuses: switched off, or its monthly budget spent."""
    if limits.videos_per_day <= 0:
        return msg("personal_off")
    if budget_spent(facts, limits):
        # Held for videos being made: one that fails or costs less gives credits back sooner.
        held = "_held" if facts.budget_held > 0 else ""
        reset = stamp_until(facts.budget_window.end, "R")
        left = credits_left(limits.monthly_budget or 0.0, facts.budget_committed)
        if left > CREDIT_TOLERANCE:
            # Some left, less than the cheapest video: said as what is left, as a server's is.
            return msg(
                f"personal_budget_too_little{held}",
                left=amount(left),
                cheapest=amount(facts.budget_floor),
                reset=reset,
            )
        return msg(f"personal_budget_spent{held}", reset=reset)
    return None


# The admission rules' words where they name a place ("the most allowed here"), as the personal
# scope says them: its limits are the member's own, wherever they ask outside servers that
# added the bot, not a rule of the DM they asked in.
_PERSONAL_WORDING = {
    "mod_too_many_active": "mod_too_many_active_personal",
    "mod_too_many_active_several": "mod_too_many_active_several_personal",
}


def in_personal_words(refusal: Message) -> Message:
    """An admission rule's refusal as the personal scope says it (`_PERSONAL_WORDING`)."""
    key = _PERSONAL_WORDING.get(refusal.key)
    return refusal if key is None else Message(key, refusal.values)


def blocked_everywhere(block: GlobalBlock) -> Message:
    """Why a user the operator blocked may make no video anywhere."""
    return msg("owner_blocked", reason=quote(block.reason, REASON_CHARS))


def is_blocked_everywhere(refusal: Message) -> bool:
    """Whether a refusal is `blocked_everywhere`'s (as a refusal or as `/videos quota` says it)."""
    return refusal.key in ("owner_blocked", "owner_blocked_standing")
