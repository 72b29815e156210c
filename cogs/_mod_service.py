"""`/videomod resume`, `modlog` and `modrole`: the service after a pause, where alerts go, and
who moderates."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.i18n import msg
from bot.moderation.service import NO_MODERATOR_ROLE
from cogs._answers import answer_privately
from cogs._modlog import ModLogPosts
from cogs._private import lift_the_pause
from cogs._videomod import Channel, Interaction, ModerationCommands, NotModerator, cannot_post


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


class ServiceCommands(ModerationCommands):
    """The service and the moderation's own setup."""

    # The cog's mod-log poster: setting the mod-log ends a refusal it met; the old one is told.
    _modlog: ModLogPosts

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
