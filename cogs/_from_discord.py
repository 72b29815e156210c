"""Discord's objects in the core's terms: an attachment as media, a member's role ids,
a thread's parent channel (whose rules apply).
"""

from __future__ import annotations

import discord

from bot.jobs.models import MediaInput


def media_from_attachment(attachment: discord.Attachment) -> MediaInput:
    """Describe a Discord attachment in the core's own terms."""
    return MediaInput(
        url=attachment.url,
        filename=attachment.filename,
        content_type=attachment.content_type,
        size=attachment.size,
    )


def thread_parent_id(channel: object) -> int | None:
    """The channel or forum a thread or forum post belongs to (its rules apply); None else."""
    return channel.parent_id if isinstance(channel, discord.Thread) else None


def in_bot_dm(channel: object) -> bool:
    """Whether `channel` is a member's DM with the bot (cached, or as Discord sent it)."""
    return getattr(channel, "type", None) is discord.ChannelType.private


def where_key(channel: object) -> str:
    """How a note names the place a video is posted in (the catalog key of its `where`): a
    thread or a forum post, not "this channel", which reads as the channel it is in; the
    member's DM with the bot as our DM (no channel to a member)."""
    if in_bot_dm(channel):
        return "where_dm"
    if not isinstance(channel, discord.Thread):
        return "where_channel"
    # A thread whose parent is not cached is said to be a thread: the nearer guess.
    in_forum = isinstance(channel.parent, discord.ForumChannel)
    return "where_forum_post" if in_forum else "where_thread"


def role_ids(user: discord.abc.User) -> tuple[int, ...]:
    """A member's role ids (moderation limits depend on them), @everyone's included; none
    outside a server.

    From the ids Discord sent with the member, not `member.roles`: that looks each id up in
    the cached server, and a server not cached yet (before its GUILD_CREATE, at a start or
    during an outage) has none, which would give every member the default allowance.
    """
    if not isinstance(user, discord.Member):
        return ()
    return (*user._roles, user.guild.id)
