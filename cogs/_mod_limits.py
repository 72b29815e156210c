"""`/videomod limits`: the server's rules as a whole, and the default allowance and its period."""

from __future__ import annotations

from discord import app_commands

from bot.i18n import Message, msg, plural
from bot.moderation.models import Period, Policy
from bot.moderation.periods import quota_window, stamp_until
from bot.moderation.report import cooldown_text, policy_lines, slots_text
from cogs._answers import answer_privately
from cogs._private import more_not_shown, show_privately
from cogs._videomod import LIMITS, Interaction, ModerationCommands

Choice = app_commands.Choice
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


def _bans_unheard(interaction: Interaction) -> bool:
    """Whether Discord tells the bot of no ban in the interaction's server: it sends its ban
    events only to a bot with View Audit Log or Ban Members there (`cogs._bans`). Not said
    where the bot is no member (its commands alone installed): it hears nothing there."""
    me = interaction.guild.me if interaction.guild is not None else None
    if me is None:
        return False
    permissions = me.guild_permissions
    return not (permissions.view_audit_log or permissions.ban_members)


class LimitCommands(ModerationCommands):
    """`/videomod limits show` and `set`."""

    @LIMITS.command(name="show", description="Show every rule of this server")
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
            bans_unheard=_bans_unheard(interaction),
        )
        await show_privately(interaction, lines, more_not_shown)

    @LIMITS.command(name="set", description="Change the default allowance and its period")
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
        if change is not None and server_at_once is not None:
            # A limit raised or removed frees slots now: the videos waiting for one go at once.
            await self.bot.jobs.slots_changed(actor.guild_id)
