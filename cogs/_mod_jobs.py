"""`/videomod usage`, `jobs`, `cancel` and `audit`: who used how much, members' jobs, and the
moderators' changes."""

from __future__ import annotations

import logging

import discord
from discord import app_commands

from bot.balance import balance_line
from bot.i18n import Message, msg, plural
from bot.moderation.models import BudgetUse
from bot.moderation.periods import quota_window
from bot.moderation.report import (
    job_lines,
    member_month_line,
    month_credit_lines,
    server_month_line,
    usage_lines,
)
from bot.moderation.store import JobRow
from bot.text import REASON_CHARS, quote
from cogs._answers import answer_privately, send_privately
from cogs._audit import AUDIT_PAGES, audit_answer
from cogs._hierarchy import refused_as_outranked
from cogs._private import (
    MODERATOR_CANCEL_KEYS,
    moderator_too_late,
    places_move_up,
    requester_of,
    show_privately,
)
from cogs._sight import unreadable_channels
from cogs._videomod import Interaction, ModerationCommands

log = logging.getLogger(__name__)

LISTED_JOBS = 15
LISTED_MEMBERS = 10
# The last page of `/videomod usage` that may be asked for.
USAGE_PAGES = 100


class JobCommands(ModerationCommands):
    """Reading the server's use and jobs, and cancelling one."""

    @app_commands.command(name="usage", description="Top members this period, or one member")
    @app_commands.describe(
        member="One member's standing and recent jobs",
        page="1 for the top members, 2 for the next ones, and so on",
    )
    async def usage(
        self,
        interaction: Interaction,
        member: discord.User | None = None,
        page: app_commands.Range[int, 1, USAGE_PAGES] = 1,
    ) -> None:
        """Who used how much this period, `LISTED_MEMBERS` a page."""
        guild_id = self._actor(interaction).guild_id
        store = self.bot.moderation.store
        # Credits are counted over the calendar month (UTC), as the monthly budget is.
        use = await store.budget_used(guild_id)
        month = use.window
        if member is None:
            await show_privately(interaction, await self._usage_page(guild_id, use, page))
            return
        facts = await store.facts(requester_of(interaction, member))
        month_credits = await store.credits_of(guild_id, member.id, month)
        jobs = await store.recent_jobs(guild_id, member.id, LISTED_MEMBERS)
        owner_block = await self._owner_block(member)
        await show_privately(
            interaction,
            [
                *([owner_block] if owner_block is not None else []),
                await self._standing(interaction, member, facts),
                member_month_line(member.id, month_credits, month),
                server_month_line(facts.policy, use),
                *job_lines(jobs, await self._unreadable(interaction, jobs)),
            ],
        )

    async def _usage_page(self, guild_id: int, use: BudgetUse, page: int) -> list[Message]:
        """Page `page` of the members' use this period and credits this month (the budget's
        `use`): every member who made or spent anything is on some page, so the 11th of a busy
        server is never out of sight."""
        store = self.bot.moderation.store
        policy = await store.policy(guild_id)
        window = quota_window(policy, self.bot.clock())
        rows = await store.top_usage(guild_id, window, None)
        spenders = await store.top_credits(guild_id, use.window, None)
        longest = max(len(rows), len(spenders))
        last = max(1, -(-longest // LISTED_MEMBERS))
        if page > last:
            return [msg("mod_usage_no_page", page=page, last=last)]
        start = (page - 1) * LISTED_MEMBERS
        end = start + LISTED_MEMBERS
        lines = [
            *usage_lines(policy, window, rows[start:end], first_rank=start + 1),
            *month_credit_lines(policy, use, spenders[start:end], first_rank=start + 1),
        ]
        if longest > end:
            members = plural("count_more_members", longest - end)
            if page < USAGE_PAGES:
                lines.append(msg("mod_usage_more", members=members, next=page + 1))
            else:
                # Discord refuses a page past the bound: the rest are read one by one.
                lines.append(msg("mod_usage_beyond", members=members, last=USAGE_PAGES))
        # Last, as on every page: the balance is the server's, whatever the page.
        return [*lines, balance_line(self.bot.balance.latest)]

    @app_commands.command(name="jobs", description="Recent jobs in this server and their state")
    @app_commands.describe(member="Only this member's jobs")
    async def jobs(self, interaction: Interaction, member: discord.User | None = None) -> None:
        """The newest jobs, privately."""
        jobs = await self.bot.moderation.store.recent_jobs(
            self._actor(interaction).guild_id, member.id if member else None, LISTED_JOBS
        )
        await show_privately(
            interaction, job_lines(jobs, await self._unreadable(interaction, jobs))
        )

    async def _unreadable(self, interaction: Interaction, jobs: list[JobRow]) -> frozenset[int]:
        """The channels of `jobs` the moderator may not read: their prompts are withheld."""
        places = (job.channel_id for job in jobs if job.channel_id is not None)
        return await unreadable_channels(self.bot, interaction, places)

    @app_commands.command(name="cancel", description="Cancel a member's unfinished job")
    @app_commands.describe(
        job="The job number, e.g. 12 (see /videomod jobs)",
        reason="Why (kept in the audit trail and shown in the mod-log)",
    )
    async def cancel(
        self,
        interaction: Interaction,
        job: int,
        reason: app_commands.Range[str, 1, 200] | None = None,
    ) -> None:
        """Never post the job (one made but not posted yet too); it stops counting only if
        APIMart never had it. Member told (that a moderator cancelled it, not the reason: a
        cancel notice carries no moderator's words)."""
        actor = self._actor(interaction)
        found = await self.bot.moderation.store.job_owner(actor.guild_id, job)
        if found is None:
            await answer_privately(interaction, msg("mod_job_not_found", job_id=job))
            return
        owner, state = found
        # Their own job a moderator may cancel, as any member may.
        if owner != interaction.user.id and await refused_as_outranked(
            self.bot, interaction, owner
        ):
            return
        # A video made but not posted yet (its upload failing, say) is withheld too, as a block
        # withholds it: "never post it" is what a moderator asks, and it is still to come.
        outcome = await self.bot.store.cancel(
            job,
            reason_key="cancelled_by_moderator",
            now=self.bot.clock(),
            member_told=False,
            unposted_too=True,
        )
        if outcome is None:
            await answer_privately(interaction, moderator_too_late(job, state))
            return
        log.info("Job %d cancelled by moderator %d (%s)", job, actor.moderator_id, outcome.value)
        self.bot.poller.wake()  # tells the member in the channel
        change = msg(
            MODERATOR_CANCEL_KEYS[outcome],
            moderator=actor.mention,
            job_id=job,
            member=f"<@{owner}>",
        )
        if reason is not None:
            change = msg("change_with_reason", change=change, reason=quote(reason, REASON_CHARS))
        await self._changed(
            interaction, await self.bot.moderation.store.record(actor, change), change
        )
        cancelled = await self.bot.store.get(job)
        if cancelled is not None:
            await places_move_up(self.bot, cancelled, outcome)

    @app_commands.command(name="audit", description="Recent moderator changes")
    @app_commands.describe(
        member="Only changes by or about this member",
        page="1 for the newest changes, 2 for older ones, and so on",
    )
    async def audit(
        self,
        interaction: Interaction,
        member: discord.User | None = None,
        page: app_commands.Range[int, 1, AUDIT_PAGES] = 1,
    ) -> None:
        """The audit trail, newest first, a page at a time."""
        answer = await audit_answer(
            self.bot.moderation.store,
            self._actor(interaction).guild_id,
            member.id if member is not None else None,
            page,
            str(interaction.locale),
        )
        await send_privately(interaction, answer)
