"""Moderation as the rest of the bot sees it: the admission check, the pause and the store."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial

from bot.apimart.models import VideoRequest
from bot.i18n import Listed, Message, msg, plural
from bot.jobs.cancels import CancelOutcome
from bot.jobs.models import JobRefused, Requester
from bot.jobs.pricing import Estimate, connection_reader, costs_more, expected_with
from bot.moderation.bans import ban_refusal, lift_ban, record_ban
from bot.moderation.facts import budget_lock, hold_budget, member_facts, read_policy
from bot.moderation.feed import ModLogFeed
from bot.moderation.models import MemberFacts
from bot.moderation.pause import SubmissionPause
from bot.moderation.pending import ConfirmationNeeded, PendingRequests
from bot.moderation.personal import (
    GlobalBlock,
    PersonalLimits,
    admission_lock,
    block_key,
    blocked_everywhere,
    encode_block,
    hold_admissions,
    in_personal_words,
    personal_budget_short,
    personal_facts,
    personal_refusal,
    read_block,
)
from bot.moderation.refusal_reports import refusals_to_report
from bot.moderation.rules import budget_short_refusal, first_refusal, member_refusal, standing
from bot.moderation.store import Actor, ModerationStore
from bot.storage import Connection, Database
from bot.storage.base import SET_VALUE_SQL
from bot.text import PROMPT_PREVIEW_CHARS, preview

log = logging.getLogger(__name__)

# How a job its member's saved ban stopped reads in the audit: the ban's cancels' own lines.
_BAN_STOPPED_KEYS = {
    CancelOutcome.REFUNDED: "mod_block_cancelled_refunded",
    CancelOutcome.WITHHELD: "mod_block_cancelled_withheld",
}


# Stored by `/videomod modrole` without a role: the server has none, not even the default.
NO_MODERATOR_ROLE = 0


class Moderation:
    """Owns the moderation parts and hands the job service its admission check."""

    def __init__(
        self,
        db: Database,
        *,
        clock: Callable[[], float],
        default_moderator_role_id: int | None = None,
        personal: PersonalLimits | None = None,
    ) -> None:
        self._db = db
        # Requests outside servers that installed the bot follow the operator's limits.
        self.personal = personal or PersonalLimits()
        self.feed = ModLogFeed()
        self.store = ModerationStore(db, clock=clock)
        self.pause = SubmissionPause(db, self.feed, clock=clock)
        self.pending = PendingRequests(db, clock=clock)
        self._default_moderator_role_id = default_moderator_role_id
        self._clock = clock

    async def refusal_before_fetching(self, requester: Requester) -> Message | None:
        """Why the member may make no video here now, whatever they ask; None to go on.

        Asked before any of the member's links is fetched, so a blocked or capped member cannot
        make the bot download anything. The full check still runs when the job is recorded.
        """
        now = self._clock()
        async with self._db.transaction() as conn:
            block = await read_block(conn, requester.user_id)
            if block is not None:
                return blocked_everywhere(block)
            if requester.guild_id is None:
                facts = await personal_facts(conn, requester, self.personal, now)
                early = personal_refusal(facts, self.personal)
                if early is not None:
                    return early
                refusal = member_refusal(facts, requester, now)
                return None if refusal is None else in_personal_words(refusal.message)
            else:
                banned = await ban_refusal(conn, requester.guild_id, requester.user_id, now)
                if banned is not None:
                    return banned
                facts = await member_facts(conn, requester, now)
        refusal = member_refusal(facts, requester, now)
        return None if refusal is None else refusal.message

    async def facts(self, requester: Requester) -> MemberFacts:
        """What the admission rules see for this member now, in a server or personally."""
        return (await self.standing(requester))[0]

    async def block_of(self, user_id: int) -> GlobalBlock | None:
        """The operator's block on a user in every server, if any."""
        async with self._db.transaction() as conn:
            return await read_block(conn, user_id)

    async def standing(self, requester: Requester) -> tuple[MemberFacts, Message | None]:
        """The member's facts, and what refuses them whatever they ask and however many videos
        they have left (a block everywhere; personal videos off or their budget spent)."""
        async with self._db.transaction() as conn:
            block = await read_block(conn, requester.user_id)
            barred = None if block is None else blocked_everywhere(block)
            if requester.guild_id is not None:
                return await member_facts(conn, requester, self._clock()), standing(barred)
            facts = await personal_facts(conn, requester, self.personal, self._clock())
        return facts, standing(barred or personal_refusal(facts, self.personal))

    async def admission_locks(self, requester: Requester) -> tuple[str, ...]:
        """The locks `admit` takes for `requester`, in its order: the member's admissions, then
        their budget's where one is set. Read before the admission's transaction, so a budget
        set meanwhile is still held by `admit`, only without taking turns in this process."""
        if requester.guild_id is None:
            budgeted = self.personal.monthly_budget is not None
        else:
            budgeted = await self.store.has_budget(requester.guild_id)
        member = admission_lock(requester.user_id)
        return (member, budget_lock(requester.guild_id)) if budgeted else (member,)

    async def admit(
        self,
        conn: Connection,
        requester: Requester,
        request: VideoRequest,
        now: float,
    ) -> Estimate | None:
        """Refuse a job that breaks a rule, or ask first for one that costs more than the server
        allows unasked (`ConfirmationNeeded`); runs inside the job insert's transaction. Returns
        the expected cost it judged the job by (its budget, its threshold), the figure the job is
        quoted; None where it priced nothing.

        A user the operator blocked is refused everywhere. Outside a server that installed the
        bot (no `guild_id`), the member's personal allowance applies, never a server's.
        """
        # One admission per member at a time, across processes too: a burst cannot overshoot,
        # and a block set meanwhile is read here.
        await hold_admissions(conn, requester.user_id)
        block = await read_block(conn, requester.user_id)
        if block is not None:
            raise JobRefused(blocked_everywhere(block))
        if requester.guild_id is None:
            return await self._admit_personal(conn, requester, request, now)
        # Banned a moment ago: a request Discord sent before the ban, saved only now.
        banned = await ban_refusal(conn, requester.guild_id, requester.user_id, now)
        if banned is not None:
            log.info(
                "Refused a job for user %d, banned from guild %d",
                requester.user_id,
                requester.guild_id,
            )
            raise JobRefused(banned)
        agreed: float | None = None
        if requester.confirms is not None:
            # Ends the pending request with this job (rolled back if a rule refuses it below).
            agreed = await PendingRequests.consume(conn, requester.confirms, requester, now)
        policy = await read_policy(conn, requester.guild_id)
        if policy.monthly_budget is not None:
            await hold_budget(conn, requester.guild_id)
        facts = await member_facts(conn, requester, now, policy)
        refusal = first_refusal(facts, requester, request, now)
        threshold = facts.policy.confirm_above
        asks = threshold is not None or agreed is not None or requester.asks_cost_first
        expected: Estimate | None = None
        if refusal is None and (facts.policy.monthly_budget is not None or asks):
            expected = await expected_with(connection_reader(conn), request)
            refusal = budget_short_refusal(facts, expected)
            over = threshold is not None and expected.credits > threshold
            if agreed is not None:
                # Asked again: the member agreed to a lower figure than the bot now expects
                # (the learned price moved while the question was open).
                ask = costs_more(expected.credits, agreed)
            else:
                ask = over or requester.asks_cost_first
            if refusal is None and ask:
                raise ConfirmationNeeded(expected, threshold if over else None)
        if refusal is None:
            return expected
        log.info(
            "Refused a job for user %d in guild %d: %s",
            requester.user_id,
            requester.guild_id,
            refusal.message.key,
        )
        if refusal.banned is not None:
            # Quoted whatever channel it was typed in (a private one too): the mod-log is the
            # audience the server chose for refusals, and judging one needs its words.
            line = msg(
                "modlog_banned_prompt",
                member=f"<@{requester.user_id}>",
                channel=f"<#{requester.channel_id}>",
                pattern=refusal.banned.pattern,
                prompt=preview(request.prompt, PROMPT_PREVIEW_CHARS),
            )
            self.feed.emit_if(
                requester.guild_id, partial(self._banned_report, requester, line, now)
            )
        raise JobRefused(refusal.message)

    async def _banned_report(
        self, requester: Requester, line: Message, now: float
    ) -> Message | None:
        """The mod-log line of a banned-word refusal, with how many of the member's were held
        back since their last one; None while their last one is recent (`refusal_reports`)."""
        assert requester.guild_id is not None
        held = await refusals_to_report(self._db, requester.guild_id, requester.user_id, now)
        if not held:
            return None if held is None else line
        return msg(
            "modlog_banned_prompt_more",
            refused=line,
            tries=plural("count_more_prompts_refused", held),
        )

    async def block_everywhere(self, user_id: int, reason: str, set_by: int) -> None:
        """The operator blocks a user in every server and outside them (until unblocked)."""
        block = GlobalBlock(reason, set_by, self._clock())
        async with self._db.transaction() as conn:
            await hold_admissions(conn, user_id)
            await conn.execute(SET_VALUE_SQL, (block_key(user_id), encode_block(block)))
        log.info("User %d blocked everywhere by operator %d", user_id, set_by)

    async def record_ban(self, guild_id: int, user_id: int) -> None:
        """A member banned from a server: written down once their admission in flight
        committed (`bot.moderation.bans`); cancel what they have running after this."""
        await record_ban(self._db, guild_id, user_id, self._clock())

    async def tell_ban_stopped(
        self, guild_id: int, user_id: int, job_id: int, by: int, outcome: CancelOutcome
    ) -> None:
        """The audit and mod-log line of a job its member's saved ban stopped (`outcome`:
        refunded before its submit, or its video withheld), the line
        `cogs._private.cancel_for_ban` writes, with `by` (the bot) as who did it."""
        member = f"<@{user_id}>"
        stopped = msg(_BAN_STOPPED_KEYS[outcome], member=member, jobs=Listed([f"#{job_id}"]))
        change = msg("change_member_banned_cancelled", member=member, cancelled=stopped)
        await self.store.record(Actor(guild_id, by), change)
        self.feed.emit(guild_id, change)

    async def lift_ban(self, guild_id: int, user_id: int) -> None:
        """The member's ban from the server was lifted."""
        await lift_ban(self._db, guild_id, user_id)

    async def unblock_everywhere(self, user_id: int) -> bool:
        """Lift the operator's block; False if the user was not blocked."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "DELETE FROM bot_state WHERE key = ?", (block_key(user_id),)
            )
            lifted = cursor.rowcount > 0
        if lifted:
            log.info("User %d unblocked everywhere", user_id)
        return lifted

    async def _admit_personal(
        self, conn: Connection, requester: Requester, request: VideoRequest, now: float
    ) -> Estimate | None:
        """Admit a job outside a server (`admit` holds the user's admissions meanwhile), or ask
        first what another member's video made again costs (`ConfirmationNeeded`), as a server
        does: the member's own allowance pays for it."""
        agreed: float | None = None
        if requester.confirms is not None:
            # Ends a question asked under the personal allowance only: a server's, pressed
            # here once the server removed the bot, is none of this allowance's to end.
            agreed = await PendingRequests.consume(conn, requester.confirms, requester, now)
        if self.personal.monthly_budget is not None:
            await hold_budget(conn, None)
        facts = await personal_facts(conn, requester, self.personal, now)
        early = personal_refusal(facts, self.personal)
        if early is not None:
            raise JobRefused(early)
        refusal = first_refusal(facts, requester, request, now)
        if refusal is not None:
            log.info(
                "Refused a personal job for user %d: %s", requester.user_id, refusal.message.key
            )
            raise JobRefused(in_personal_words(refusal.message))
        budgeted = self.personal.monthly_budget is not None
        if not (budgeted or agreed is not None or requester.asks_cost_first):
            return None
        expected = await expected_with(connection_reader(conn), request)
        if budgeted:
            # The member's own limits first: "you've used your videos" over "the credits".
            short = personal_budget_short(facts, self.personal, expected)
            if short is not None:
                raise JobRefused(short)
        if agreed is not None:
            # Asked again: the price learned rose above the figure agreed to.
            if costs_more(expected.credits, agreed):
                raise ConfirmationNeeded(expected, None)
        elif requester.asks_cost_first:
            raise ConfirmationNeeded(expected, None)
        return expected

    async def moderator_role_id(self, guild_id: int) -> int | None:
        """The role that may moderate besides Manage Server: the server's, else the default
        (MODERATOR_ROLE_ID); None where the server removed it (`NO_MODERATOR_ROLE`) or none."""
        policy = await self.store.policy(guild_id)
        if policy.moderator_role_id == NO_MODERATOR_ROLE:
            return None
        if policy.moderator_role_id is not None:
            return policy.moderator_role_id
        return self._default_moderator_role_id
