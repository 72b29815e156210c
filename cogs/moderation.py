"""The /videomod group: moderators set limits and budgets and look after members' jobs.

Discord hides the group from members without Manage Server (`default_permissions`), but
server admins can change that, so every command is re-checked here (`interaction_check`).
The cog stays thin: it parses options, calls `bot.moderation`, and answers privately.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.balance import balance_line
from bot.i18n import Message, msg, plural
from bot.jobs.pricing import amount
from bot.moderation.models import MemberFacts, Period, Policy
from bot.moderation.periods import quota_window, stamp_until
from bot.moderation.report import (
    cooldown_text,
    job_lines,
    member_month_line,
    member_usage_line,
    month_credit_lines,
    policy_lines,
    server_month_line,
    slots_text,
    usage_lines,
    words_lines,
)
from bot.moderation.rules import RESERVABLE_OPTIONS, option_label, option_text
from bot.moderation.service import NO_MODERATOR_ROLE
from bot.moderation.store import Actor
from bot.moderation.words import MAX_PATTERN_LENGTH, BadPattern, parse_pattern
from bot.text import (
    CODE_CHARS,
    CREDIT_DECIMALS,
    REASON_CHARS,
    code,
    credits_as_written,
    credits_number,
    quote,
)
from cogs._answers import answer_privately, send_privately
from cogs._audit import AUDIT_PAGES, audit_answer
from cogs._errors import Refusal, acknowledged_check
from cogs._moderators import is_moderator
from cogs._modlog import ModLogPosts
from cogs._permissions import asked_for, missing_permissions
from cogs._private import (
    MODERATOR_CANCEL_KEYS,
    cancel_for_block,
    lift_the_pause,
    moderator_too_late,
    more_not_shown,
    places_move_up,
    requester_of,
    show_privately,
)

if TYPE_CHECKING:
    from bot.app import VideoBot

log = logging.getLogger(__name__)

LISTED_JOBS = 15
# How long mod-log posts still in flight when the cog unloads may take (seconds), then they
# are cut off: one made after the stop's drain gets a moment, not Discord's 429 wait.
LAST_MODLOG_POSTS = 0.5
LISTED_MEMBERS = 10
Choice = app_commands.Choice
Interaction = discord.Interaction["VideoBot"]
Channel = discord.TextChannel | discord.Thread
# A channel /video may be limited to: a forum too (discord.py models media channels as forums),
# whose posts are threads that follow it. Not the mod-log: nothing can be posted in a forum.
ListedChannel = discord.TextChannel | discord.Thread | discord.ForumChannel
LISTED_CHANNEL_DESCRIPTION = "A channel, thread or forum (its threads and posts follow it)"

PERIOD_CHOICES = [
    Choice(name="Day", value=Period.DAY.value),
    Choice(name="Week", value=Period.WEEK.value),
    Choice(name="Month", value=Period.MONTH.value),
]
WEEKDAY_CHOICES = [
    Choice(name=name, value=number)
    for number, name in enumerate(
        ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
    )
]
OPTION_CHOICES = [
    Choice(
        name=f"Resolution {option_text(option)}"
        if option.startswith("resolution")
        else f"Duration {option_text(option)}",
        value=option,
    )
    for option in RESERVABLE_OPTIONS
]


def modlog_missing_permissions(channel: Channel) -> list[str]:
    """What the bot lacks to post the mod-log's plain text there, as catalog keys."""
    permissions = channel.permissions_for(channel.guild.me)
    send_key, may_send = (
        ("permission_send_messages_in_threads", permissions.send_messages_in_threads)
        if isinstance(channel, discord.Thread)
        else ("permission_send_messages", permissions.send_messages)
    )
    needed = {"permission_view_channel": permissions.view_channel, send_key: may_send}
    return [key for key, granted in needed.items() if not granted]


def listed_channel_missing_permissions(channel: ListedChannel) -> list[str]:
    """What the bot lacks to post results in a channel a moderator lists (in a forum's
    posts, which are threads), as catalog keys."""
    permissions = channel.permissions_for(channel.guild.me)
    # Without View Channel it names that one alone.
    return missing_permissions(permissions, in_thread=not isinstance(channel, discord.TextChannel))


def budget_change(actor: Actor, budget: float) -> Message:
    """The audit line of a monthly budget set to `budget` credits (0: removed)."""
    if budget > 0:
        return msg("change_budget_amount", moderator=actor.mention, budget=amount(budget))
    return msg("change_budget_removed", moderator=actor.mention)


def confirm_change(actor: Actor, threshold: float) -> Message:
    """The audit line of asking for a Confirm above `threshold` credits (0: no longer)."""
    if threshold > 0:
        return msg("change_confirm", moderator=actor.mention, threshold=amount(threshold))
    return msg("change_confirm_off", moderator=actor.mention)


async def cannot_post(
    interaction: Interaction, key: str, channel: Channel | ListedChannel, missing: list[str]
) -> None:
    """Refuse a channel the bot could not post in, naming what it lacks there."""
    refusal = msg(key, channel=channel.mention, **asked_for(missing))
    await answer_privately(interaction, refusal)


class NotModerator(Refusal):
    """The member may not moderate; `reason` is what to tell them."""


@app_commands.guild_only()
# Server installs only: a user install carries no server's moderation (issue 17).
@app_commands.allowed_installs(guilds=True, users=False)
@app_commands.default_permissions(manage_guild=True)
class ModerationCog(
    commands.GroupCog,
    group_name="videomod",
    group_description="Moderate video making: limits, blocks, budget and banned words",
):
    """Moderator tools; every command is re-checked in `interaction_check`."""

    limits = app_commands.Group(name="limits", description="Videos per member and period")
    role = app_commands.Group(name="role", description="Allowances for a role")
    member = app_commands.Group(name="member", description="Allowances for one member")
    options = app_commands.Group(name="options", description="Resolutions and lengths by role")
    channels = app_commands.Group(name="channels", description="Where videos may be made")
    words = app_commands.Group(name="words", description="Words refused in prompts")

    def __init__(self, bot: VideoBot) -> None:
        self.bot = bot
        # Posts the mod-log's events; a channel that refused the bot is left alone a while.
        self._modlog = ModLogPosts(bot)
        super().__init__()

    async def cog_load(self) -> None:
        """Start posting mod-log events."""
        self.bot.moderation.feed.connect(self._modlog.post)

    async def cog_unload(self) -> None:
        """Stop posting mod-log events, after the ones in flight, for a moment at most: the
        stop drained the feed within its grace already, and a post made since (the gateway is
        still up) that Discord holds back must not hold up the stop past `docker stop`."""
        self.bot.moderation.feed.disconnect()
        await self.bot.moderation.feed.drain(grace=LAST_MODLOG_POSTS)

    # ------------------------------------------------------------------ permission re-check

    async def interaction_check(self, interaction: Interaction) -> bool:  # type: ignore[override]
        """Manage Server or the moderator role, whatever Discord's visibility settings say.

        Acknowledged privately first: the check, and each command after it, reads or writes
        the database."""
        return await acknowledged_check(interaction, lambda: self._may_moderate(interaction))

    async def _may_moderate(self, interaction: Interaction) -> bool:
        if interaction.guild_id is None:
            raise NotModerator(msg("mod_not_allowed"))
        if await is_moderator(self.bot, interaction):
            return True
        log.warning(
            "User %d tried /%s in guild %d without permission",
            interaction.user.id,
            interaction.command.qualified_name if interaction.command else "videomod",
            interaction.guild_id,
        )
        raise NotModerator(msg("mod_not_allowed"))

    # ------------------------------------------------------------------ helpers

    def _actor(self, interaction: Interaction) -> Actor:
        assert interaction.guild_id is not None  # guild_only
        return Actor(interaction.guild_id, interaction.user.id)

    async def _credits_given(self, interaction: Interaction, credits: float) -> float | None:
        """An amount as it will read back; None (the moderator was told) for one above 0 that
        reads 0, which would turn the rule off rather than make it tiny."""
        written = credits_as_written(credits)
        if credits > 0 and written == 0:
            smallest = credits_number(10.0**-CREDIT_DECIMALS)
            await answer_privately(interaction, msg("mod_credits_too_small", smallest=smallest))
            return None
        return written

    async def _set_credits_rule(
        self,
        interaction: Interaction,
        credits: float,
        field: str,
        change_of: Callable[[Actor, float], Message],
    ) -> None:
        """Set the policy's amount of credits `field` (0: none, which turns its rule off), as
        it will read back, and say so (`change_of`: the change's line for that amount)."""
        actor = self._actor(interaction)
        written = await self._credits_given(interaction, credits)
        if written is None:
            return
        change = await self.bot.moderation.store.update_policy(
            actor, change_of(actor, written), **{field: written if written > 0 else None}
        )
        await self._changed(interaction, change, msg("mod_policy_unchanged"))

    async def _changed(
        self, interaction: Interaction, change: Message | None, unchanged: Message
    ) -> None:
        """Confirm a change (also to the mod-log), or say that nothing changed."""
        if change is None:
            await answer_privately(interaction, unchanged)
            return
        await answer_privately(interaction, change)
        self.bot.moderation.feed.emit(interaction.guild_id, change)

    # ------------------------------------------------------------------ limits

    @limits.command(name="show", description="Show every rule of this server")
    async def limits_show(self, interaction: Interaction) -> None:
        """The whole policy, privately."""
        guild_id = self._actor(interaction).guild_id
        moderation = self.bot.moderation
        store = moderation.store
        policy = await store.policy(guild_id)
        lines = policy_lines(
            policy,
            now_window=quota_window(policy, self.bot.clock()),
            role_limits=await store.role_limits(guild_id),
            overrides=await store.member_overrides(guild_id),
            reserved=await store.reserved_options(guild_id),
            channels=await store.channels(guild_id),
            banned_count=len(await store.banned_patterns(guild_id)),
            budget=await store.budget_used(guild_id),
            paused=await moderation.pause.is_paused(),
            moderator_role_id=await moderation.moderator_role_id(guild_id),
        )
        await show_privately(interaction, lines, more_not_shown)

    @limits.command(name="set", description="Change the default allowance and its period")
    @app_commands.describe(
        allowance="Videos per member per period (0 blocks all without a role or member limit)",
        period="How often allowances start again",
        reset_hour="The UTC hour (0-23) at which a period starts",
        reset_weekday="The weekday a weekly period starts on",
        max_active="Unfinished videos a member may have at once",
        cooldown="Seconds a member must wait between videos",
        server_at_once=(
            "Videos of this server rendering at once; the rest wait in line (0: no limit)"
        ),
    )
    @app_commands.choices(period=PERIOD_CHOICES)
    @app_commands.choices(reset_weekday=WEEKDAY_CHOICES)
    async def limits_set(
        self,
        interaction: Interaction,
        allowance: app_commands.Range[int, 0, 10000] | None = None,
        period: str | None = None,
        reset_hour: app_commands.Range[int, 0, 23] | None = None,
        reset_weekday: int | None = None,
        max_active: app_commands.Range[int, 1, 50] | None = None,
        cooldown: app_commands.Range[int, 0, 604800] | None = None,
        server_at_once: app_commands.Range[int, 0, 50] | None = None,
    ) -> None:
        """Set the given fields; the others keep their value."""
        given = {
            "default_limit": allowance,
            "period": period,
            "reset_hour": reset_hour,
            "reset_weekday": reset_weekday,
            "max_active": max_active,
            "cooldown_seconds": cooldown,
            "max_rendering": server_at_once,
        }
        values: dict[str, int | str | None] = {
            name: value for name, value in given.items() if value is not None
        }
        if server_at_once == 0:
            values["max_rendering"] = None  # stored as no limit
        if not values:
            await answer_privately(interaction, msg("mod_nothing_given"))
            return
        actor = self._actor(interaction)
        now = self.bot.clock()
        # @everyone's own allowance is every member's: the default reaches none of them.
        roles = dict(await self.bot.moderation.store.role_limits(actor.guild_id))
        everyone = roles.get(actor.guild_id) if allowance is not None else None

        def described(updated: Policy) -> Message:
            """The limits as this change left them (another moderator's, made at the same
            moment, included)."""
            change = msg(
                "change_limits",
                moderator=actor.mention,
                limit=plural("count_videos", updated.default_limit),
                period=msg(f"mod_period_{updated.period.value}"),
                reset_at=stamp_until(quota_window(updated, now).end),
                max_active=updated.max_active,
                cooldown=cooldown_text(updated.cooldown_seconds),
            )
            if server_at_once is not None:
                change = msg("change_limits_with_slots", limits=change, slots=slots_text(updated))
            if reset_weekday is not None and updated.period is not Period.WEEK:
                # Kept for a weekly period later, but it changes nothing now: say so.
                change = msg("change_limits_weekday_unused", limits=change)
            if everyone is not None:
                videos = plural("count_videos", everyone)
                change = msg("change_limits_everyone_instead", limits=change, videos=videos)
            return change

        change = await self.bot.moderation.store.update_policy(actor, described, **values)
        await self._changed(interaction, change, msg("mod_policy_unchanged"))

    # ------------------------------------------------------------------ roles and members

    @role.command(name="set", description="Give a role its own allowance per period")
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
        change = await self.bot.moderation.store.set_role_limit(
            self._actor(interaction), role.id, allowance
        )
        await self._changed(interaction, change, msg("mod_policy_unchanged"))

    @role.command(name="clear", description="Make a role follow the default allowance again")
    @app_commands.describe(role="The role")
    async def role_clear(self, interaction: Interaction, role: discord.Role) -> None:
        """Remove a role's own allowance."""
        change = await self.bot.moderation.store.clear_role_limit(self._actor(interaction), role.id)
        await self._changed(interaction, change, msg("mod_role_no_limit", role=role.mention))

    @member.command(name="set", description="Give one member their own allowance per period")
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

    @member.command(name="clear", description="Remove a member's own allowance or block")
    @app_commands.describe(member="The member")
    async def member_clear(self, interaction: Interaction, member: discord.User) -> None:
        """The member follows their roles and the default again."""
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

    async def _standing(
        self, interaction: Interaction, member: discord.User, facts: MemberFacts
    ) -> Message:
        """The member's use of their allowance this period (`facts`: theirs), as
        `/videomod usage member:` says."""
        guild_id = self._actor(interaction).guild_id
        credits = await self.bot.moderation.store.credits_of(guild_id, member.id, facts.window)
        return member_usage_line(facts, member.id, credits)

    async def _owner_block(self, member: discord.User) -> Message | None:
        """The operator's block on `member` everywhere, as moderators read it (they cannot lift
        it, and without it every refusal the member meets would be a mystery)."""
        block = await self.bot.moderation.block_of(member.id)
        if block is None:
            return None
        reason = quote(block.reason, REASON_CHARS)
        return msg("mod_member_owner_blocked", member=member.mention, reason=reason)

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

    # ------------------------------------------------------------------ options and channels

    @options.command(name="restrict", description="Reserve a resolution or length for a role")
    @app_commands.describe(option="The resolution or length", role="A role that may use it")
    @app_commands.choices(option=OPTION_CHOICES)
    async def options_restrict(
        self, interaction: Interaction, option: str, role: discord.Role
    ) -> None:
        """Once an option has roles, only members with one of them may use it."""
        label = option_label(option)
        if role.is_default():
            # Every member has @everyone: reserved for it, the option would be listed as
            # reserved and restrict no one. Opening it to all is `options open`.
            await answer_privately(interaction, msg("mod_option_everyone", option=label))
            return
        change = await self.bot.moderation.store.reserve_option(
            self._actor(interaction), option, label, role.id
        )
        unchanged = msg("mod_option_already_reserved", option=label, role=role.mention)
        await self._changed(interaction, change, unchanged)

    @options.command(name="open", description="Let a role, or everyone, use an option again")
    @app_commands.describe(
        option="The resolution or length", role="Only this role (leave out to open it to all)"
    )
    @app_commands.choices(option=OPTION_CHOICES)
    async def options_open(
        self, interaction: Interaction, option: str, role: discord.Role | None = None
    ) -> None:
        """Take roles off an option; with none left, everyone may use it."""
        label = option_label(option)
        change = await self.bot.moderation.store.unreserve_option(
            self._actor(interaction), option, label, role.id if role is not None else None
        )
        # With a role, the option may be reserved for others still: say only what is true.
        unchanged = (
            msg("mod_option_not_reserved_for_role", option=label, role=role.mention)
            if role is not None
            else msg("mod_option_not_reserved", option=label)
        )
        await self._changed(interaction, change, unchanged)

    @channels.command(name="add", description="Allow videos in a channel (then only listed ones)")
    @app_commands.describe(channel=LISTED_CHANNEL_DESCRIPTION)
    async def channels_add(self, interaction: Interaction, channel: ListedChannel) -> None:
        """List a channel; once any is listed, /video works only in listed channels.

        Threads follow their channel, so a listed forum allows every post in it. A channel the
        bot cannot post results in is refused: listed, it could leave /video working nowhere.
        """
        missing = listed_channel_missing_permissions(channel)
        if missing:
            await cannot_post(interaction, "mod_channel_cannot_post", channel, missing)
            return
        change = await self.bot.moderation.store.add_channel(
            self._actor(interaction),
            channel.id,
            forum=isinstance(channel, discord.ForumChannel),
        )
        await self._changed(
            interaction, change, msg("mod_channel_already", channel=channel.mention)
        )

    @channels.command(name="remove", description="Stop allowing videos in a listed channel")
    @app_commands.describe(channel=LISTED_CHANNEL_DESCRIPTION)
    async def channels_remove(self, interaction: Interaction, channel: ListedChannel) -> None:
        """Unlist a channel; with none left, every channel is allowed."""
        change = await self.bot.moderation.store.remove_channel(
            self._actor(interaction), channel.id
        )
        await self._changed(
            interaction, change, msg("mod_channel_not_listed", channel=channel.mention)
        )

    @channels.command(name="all", description="Allow videos in every channel again")
    async def channels_all(self, interaction: Interaction) -> None:
        """Empty the list."""
        change = await self.bot.moderation.store.clear_channels(self._actor(interaction))
        await self._changed(interaction, change, msg("mod_channels_already_all"))

    # ------------------------------------------------------------------ budget and words

    @app_commands.command(name="budget", description="Credits this server may spend per month")
    @app_commands.describe(credits="Credits per calendar month (UTC); 0 removes the budget")
    async def budget(
        self, interaction: Interaction, credits: app_commands.Range[float, 0.0, 1e9]
    ) -> None:
        """New videos are refused once the month's reported credits reach the budget."""
        await self._set_credits_rule(interaction, credits, "monthly_budget", budget_change)

    @app_commands.command(
        name="confirm", description="Ask members to confirm videos expected to cost more than this"
    )
    @app_commands.describe(credits="Credits; 0 stops asking")
    async def confirm(
        self, interaction: Interaction, credits: app_commands.Range[float, 0.0, 1e6]
    ) -> None:
        """A request expected to cost more waits for its member's Confirm; nothing counts before."""
        await self._set_credits_rule(interaction, credits, "confirm_above", confirm_change)

    @words.command(name="add", description="Refuse prompts containing a word or phrase")
    @app_commands.describe(pattern="A word or phrase; * at the start or end matches more")
    async def words_add(
        self, interaction: Interaction, pattern: app_commands.Range[str, 1, 100]
    ) -> None:
        """Ban a word or phrase; matching ignores case, and `*` opens an end (`gor*`)."""
        try:
            canonical = parse_pattern(pattern)
        except BadPattern:
            await answer_privately(
                interaction,
                msg("mod_bad_pattern", pattern=code(pattern, CODE_CHARS), limit=MAX_PATTERN_LENGTH),
            )
            return
        change = await self.bot.moderation.store.add_banned(self._actor(interaction), canonical)
        await self._changed(interaction, change, msg("mod_word_exists", pattern=canonical))

    @words.command(name="remove", description="Allow a banned word or phrase again")
    @app_commands.describe(pattern="The word or phrase, as listed")
    async def words_remove(
        self, interaction: Interaction, pattern: app_commands.Range[str, 1, 100]
    ) -> None:
        """Unban a word."""
        try:
            canonical = parse_pattern(pattern)
        except BadPattern:
            canonical = pattern
        change = await self.bot.moderation.store.remove_banned(self._actor(interaction), canonical)
        await self._changed(
            interaction, change, msg("mod_word_missing", pattern=code(canonical, CODE_CHARS))
        )

    @words.command(name="list", description="Show the banned words and phrases")
    async def words_list(self, interaction: Interaction) -> None:
        """The list, privately."""
        patterns = await self.bot.moderation.store.banned_patterns(
            self._actor(interaction).guild_id
        )
        await show_privately(interaction, words_lines(patterns))

    # ------------------------------------------------------------------ usage and jobs

    @app_commands.command(name="usage", description="Top members this period, or one member")
    @app_commands.describe(member="One member's standing and recent jobs")
    async def usage(self, interaction: Interaction, member: discord.User | None = None) -> None:
        """Who used how much this period."""
        guild_id = self._actor(interaction).guild_id
        store = self.bot.moderation.store
        # Credits are counted over the calendar month (UTC), as the monthly budget is.
        use = await store.budget_used(guild_id)
        month = use.window
        if member is None:
            policy = await store.policy(guild_id)
            window = quota_window(policy, self.bot.clock())
            rows = await store.top_usage(guild_id, window, LISTED_MEMBERS)
            spenders = await store.top_credits(guild_id, month, LISTED_MEMBERS)
            await show_privately(
                interaction,
                [
                    *usage_lines(policy, window, rows),
                    *month_credit_lines(policy, use, spenders),
                    balance_line(self.bot.balance.latest),
                ],
            )
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
                *job_lines(jobs),
            ],
        )

    @app_commands.command(name="jobs", description="Recent jobs in this server and their state")
    @app_commands.describe(member="Only this member's jobs")
    async def jobs(self, interaction: Interaction, member: discord.User | None = None) -> None:
        """The newest jobs, privately."""
        jobs = await self.bot.moderation.store.recent_jobs(
            self._actor(interaction).guild_id, member.id if member else None, LISTED_JOBS
        )
        await show_privately(interaction, job_lines(jobs))

    @app_commands.command(name="cancel", description="Cancel a member's unfinished job")
    @app_commands.describe(job="The job number, e.g. 12 (see /videomod jobs)")
    async def cancel(self, interaction: Interaction, job: int) -> None:
        """Never post the job (one made but not posted yet too); it stops counting only if
        APIMart never had it. Member told."""
        actor = self._actor(interaction)
        found = await self.bot.moderation.store.job_owner(actor.guild_id, job)
        if found is None:
            await answer_privately(interaction, msg("mod_job_not_found", job_id=job))
            return
        owner, state = found
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

    # ------------------------------------------------------------------ service and setup

    @app_commands.command(name="resume", description="Resume videos after the balance is topped up")
    async def resume(self, interaction: Interaction) -> None:
        """Accept new videos again after an HTTP 402 paused them (not into an empty account)."""
        refusal = await lift_the_pause(self.bot)
        if refusal is not None:
            await answer_privately(interaction, refusal)
            return
        actor = self._actor(interaction)
        change = msg("change_resumed", moderator=actor.mention)
        await self.bot.moderation.store.record(actor, change)
        await answer_privately(interaction, change)
        # The pause was for every server and said so in each mod-log: so is its end, naming who
        # did it only here (a member of another server means nothing there).
        feed = self.bot.moderation.feed
        feed.emit(actor.guild_id, change)
        feed.emit(None, msg("modlog_resumed"), skip=actor.guild_id)

    @app_commands.command(name="modlog", description="Where changes and alerts are posted")
    @app_commands.describe(channel="The mod-log channel (leave out to turn it off)")
    async def modlog(self, interaction: Interaction, channel: Channel | None = None) -> None:
        """Set or clear the mod-log channel; refuse one the bot could not post in."""
        actor = self._actor(interaction)
        missing = modlog_missing_permissions(channel) if channel is not None else []
        if channel is not None and missing:
            await cannot_post(interaction, "mod_modlog_cannot_post", channel, missing)
            return
        if channel is not None:
            # The bot may post there now (checked above): a refusal it met before is over.
            self._modlog.refused_modlogs.pop(actor.guild_id, None)
            change = msg("change_modlog", moderator=actor.mention, channel=channel.mention)
        else:
            change = msg("change_modlog_off", moderator=actor.mention)
        store = self.bot.moderation.store
        before = (await store.policy(actor.guild_id)).modlog_channel_id
        changed = await store.update_policy(
            actor, change, modlog_channel_id=channel.id if channel is not None else None
        )
        await self._changed(interaction, changed, msg("mod_policy_unchanged"))
        if changed and before is not None and (channel is None or channel.id != before):
            # Said where the moderators were reading, or silencing it would go unseen there.
            await self._modlog.post_in(actor.guild_id, before, change)

    @app_commands.command(name="modrole", description="A role that may use /videomod")
    @app_commands.describe(role="The moderator role (leave out to remove it)")
    async def modrole(self, interaction: Interaction, role: discord.Role | None = None) -> None:
        """Only Manage Server may choose who moderates."""
        if not interaction.permissions.manage_guild:
            raise NotModerator(msg("mod_needs_manage_server"))
        actor = self._actor(interaction)
        if role is not None and (role.is_default() or role.managed):
            # @everyone would make every member a moderator; an app's own role is no one's.
            key = "mod_modrole_everyone" if role.is_default() else "mod_modrole_managed"
            await answer_privately(interaction, msg(key, role=role.mention))
            return
        if role is None and await self.bot.moderation.moderator_role_id(actor.guild_id) is None:
            # None set here, and no MODERATOR_ROLE_ID: there is no role to remove.
            await self._changed(interaction, None, msg("mod_policy_unchanged"))
            return
        if role is not None:
            change = msg("change_modrole", moderator=actor.mention, role=role.mention)
        else:
            change = msg("change_modrole_off", moderator=actor.mention)
        changed = await self.bot.moderation.store.update_policy(
            actor, change, moderator_role_id=role.id if role is not None else NO_MODERATOR_ROLE
        )
        await self._changed(interaction, changed, msg("mod_policy_unchanged"))


async def setup(bot: VideoBot) -> None:
    """Load the cog."""
    await bot.add_cog(ModerationCog(bot))
