"""`/videomod role`, `member`, `block` and `unblock`: allowances of a role or of one member,
and blocks."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.i18n import Message, msg, plural
from bot.moderation.models import MemberFacts
from bot.text import REASON_CHARS, quote
from cogs._hierarchy import refused_as_outranked, refused_role_out_of_reach
from cogs._private import cancel_for_block, requester_of, show_privately
from cogs._videomod import MEMBER, ROLE, Interaction, ModerationCommands


class MemberCommands(ModerationCommands):
    """Allowances by role and by member; a block is a member's allowance of 0."""

    @ROLE.command(name="set", description="Give a role its own allowance per period")
    @app_commands.describe(
        role="The role", allowance="Videos per period for members with it (0 blocks them)"
    )
    async def role_set(
        self,
        interaction: Interaction,
        role: discord.Role,
        allowance: app_commands.Range[int, 0, 10000],
    ) -> None:
        """The highest allowance among a member's roles replaces the default; a role's 0
        blocks its members whatever their other roles allow."""
        if await refused_role_out_of_reach(self.bot, interaction, role):
            return
        change = await self.bot.moderation.store.set_role_limit(
            self._actor(interaction), role.id, allowance
        )
        await self._changed(interaction, change, msg("mod_policy_unchanged"))

    @ROLE.command(name="clear", description="Make a role follow the default allowance again")
    @app_commands.describe(role="The role")
    async def role_clear(self, interaction: Interaction, role: discord.Role) -> None:
        """Remove a role's own allowance."""
        if await refused_role_out_of_reach(self.bot, interaction, role):
            return
        change = await self.bot.moderation.store.clear_role_limit(self._actor(interaction), role.id)
        await self._changed(interaction, change, msg("mod_role_no_limit", role=role.mention))

    @MEMBER.command(name="set", description="Give one member their own allowance per period")
    @app_commands.describe(
        member="The member",
        allowance="Videos per period (0 blocks them)",
        reason="Why (kept in the audit trail; shown to them when the allowance is 0)",
        days="How many days it lasts (leave out for no end)",
    )
    async def member_set(
        self,
        interaction: Interaction,
        member: discord.User,
        allowance: app_commands.Range[int, 0, 10000],
        reason: app_commands.Range[str, 1, 200],
        days: app_commands.Range[float, 0.01, 3650.0] | None = None,
    ) -> None:
        """A member's own allowance beats every role."""
        await self._set_member(interaction, member, allowance, reason, days)

    @MEMBER.command(name="clear", description="Remove a member's own allowance or block")
    @app_commands.describe(member="The member")
    async def member_clear(self, interaction: Interaction, member: discord.User) -> None:
        """The member follows their roles and the default again."""
        if await refused_as_outranked(self.bot, interaction, member):
            return
        change = await self.bot.moderation.store.clear_member_limit(
            self._actor(interaction), member.id, "change_member_cleared"
        )
        await self._changed(interaction, change, msg("mod_member_no_limit", member=member.mention))

    @app_commands.command(name="block", description="Stop a member from making videos")
    @app_commands.describe(
        member="The member",
        reason="Why (shown to them and kept in the audit trail)",
        days="How many days it lasts (leave out for no end)",
    )
    async def block(
        self,
        interaction: Interaction,
        member: discord.User,
        reason: app_commands.Range[str, 1, 200],
        days: app_commands.Range[float, 0.01, 3650.0] | None = None,
    ) -> None:
        """A personal allowance of 0."""
        await self._set_member(interaction, member, 0, reason, days)

    @app_commands.command(name="unblock", description="Let a blocked member make videos again")
    @app_commands.describe(member="The member")
    async def unblock(self, interaction: Interaction, member: discord.User) -> None:
        """Remove the member's block (their personal allowance)."""
        if await refused_as_outranked(self.bot, interaction, member):
            return
        change = await self.bot.moderation.store.clear_member_limit(
            self._actor(interaction), member.id, "change_member_unblocked", blocks_only=True
        )
        owner_block = await self._owner_block(member)
        facts = await self.bot.moderation.store.facts(requester_of(interaction, member))
        if change is None:
            lines = [owner_block or self._not_blocked(member, facts)]
        else:
            lines = [change, *([owner_block] if owner_block is not None else [])]
        if owner_block is None and facts.allowance.limit == 0:
            # Their roles or the default allow none: "unblocked" alone reads as "she may go
            # on", and /video would refuse her all the same. For the moderator only.
            source = msg(f"mod_source_{facts.allowance.source}")
            lines.append(msg("mod_member_still_none", member=member.mention, source=source))
        await show_privately(interaction, lines)
        if change is not None:
            self.bot.moderation.feed.emit(interaction.guild_id, change)

    @staticmethod
    def _not_blocked(member: discord.User, facts: MemberFacts) -> Message:
        """Why an unblock changed nothing, but for the operator's block: no block, or an
        allowance of their own instead (`facts`: theirs)."""
        if facts.allowance.source == "member" and facts.allowance.limit > 0:
            return msg("mod_member_not_blocked", member=member.mention)
        return msg("mod_member_no_limit", member=member.mention)

    async def _set_member(
        self,
        interaction: Interaction,
        member: discord.User,
        videos: int,
        reason: str,
        days: float | None,
    ) -> None:
        if await refused_as_outranked(self.bot, interaction, member):
            return
        actor = self._actor(interaction)
        expires_at = self.bot.clock() + days * 86400 if days is not None else None
        change = await self.bot.moderation.store.set_member_limit(
            actor, member.id, videos, reason, expires_at
        )
        if change is None:
            # That very setting already holds: nothing to confirm, audit or post as a change.
            key = "mod_member_already_limit" if videos > 0 else "mod_member_already_blocked"
            said = {"videos": plural("count_videos", videos)} if videos > 0 else {}
            change_or_same = msg(
                key, member=member.mention, reason=quote(reason, REASON_CHARS), **said
            )
        else:
            change_or_same = change
        if videos > 0:
            # Where that leaves them this period (an allowance below what they already made
            # lets them make none until it ends): for the moderator only, not the mod-log.
            facts = await self.bot.moderation.store.facts(requester_of(interaction, member))
            standing = await self._standing(interaction, member, facts)
            await show_privately(interaction, [change_or_same, standing])
            if change is not None:
                self.bot.moderation.feed.emit(interaction.guild_id, change)
            return
        # A block also stops what the member has running, by the rule every cancel follows
        # (the same block again too: whatever the first one left, a stop between its save and
        # its cancels, is cancelled now).
        cancelled = await cancel_for_block(
            self.bot, actor.guild_id, member.id, reason_key="cancelled_by_block"
        )
        for line in cancelled:
            await self.bot.moderation.store.record(actor, line)
        await show_privately(interaction, [change_or_same, *cancelled])
        self.bot.moderation.feed.emit_all(
            actor.guild_id, [*([change] if change is not None else []), *cancelled]
        )
