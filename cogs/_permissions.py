"""Whether the bot, and the member asking, may post where a request came from: what the
bot lacks there (as catalog keys, and as the member is told), a timeout included.
"""

from __future__ import annotations

import math

import discord

from bot.i18n import Listed, Message, Plural, msg, plural


def missing_permissions(
    permissions: discord.Permissions, *, in_thread: bool, locked: bool = False
) -> list[str]:
    """What the bot lacks to post a result, as catalog keys.

    Read Message History too: every result is a reply to its status message (Discord refuses
    a reply without it), and the delivery reads the channel to never post a result twice.
    Without View Channel (a private channel the bot's role was not let into) Discord refuses
    everything there, whatever else is granted: that one is named alone, since granting it
    usually brings the rest. In a `locked` thread only Manage Threads may post.
    """
    if not permissions.view_channel:
        return ["permission_view_channel"]
    send = permissions.send_messages_in_threads if in_thread else permissions.send_messages
    needed = {
        "permission_send_messages_in_threads" if in_thread else "permission_send_messages": send,
        "permission_manage_threads": permissions.manage_threads or not locked,
        "permission_embed_links": permissions.embed_links,
        "permission_attach_files": permissions.attach_files,
        "permission_read_message_history": permissions.read_message_history,
    }
    return [key for key, granted in needed.items() if not granted]


def missing_in(channel: object, permissions: discord.Permissions) -> list[str]:
    """`missing_permissions` for posting in `channel` (a thread, perhaps locked, or not)."""
    thread = channel if isinstance(channel, discord.Thread) else None
    locked = thread is not None and thread.locked
    return missing_permissions(permissions, in_thread=thread is not None, locked=locked)


def bot_timeout(guild: discord.Guild | None) -> Message | None:
    """Why the bot cannot post in `guild` while a moderator has it timed out (None if not).

    Told before any permission: Discord lets a timed-out member only view channels and read
    their history, so its permissions there (`permissions_for`, `app_permissions`) lack all
    the rest, however its role is set, and granting them would change nothing."""
    me = guild.me if guild is not None else None
    if me is None or not me.is_timed_out() or me.timed_out_until is None:
        return None
    # Rounded up: Discord gives the end to the millisecond, and the second before it is a
    # moment the bot still cannot post.
    return msg("bot_timed_out", until=math.ceil(me.timed_out_until.timestamp()))


def bot_cannot_post(
    guild: discord.Guild | None, channel: object, permissions: discord.Permissions
) -> Message | None:
    """Why the bot cannot post a result in `channel` with `permissions` there (None: it can)."""
    timed_out = bot_timeout(guild)
    if timed_out is not None:
        return timed_out
    missing = missing_in(channel, permissions)
    if missing:
        return msg("missing_channel_permissions", **asked_for(missing))
    return None


def member_may_post(interaction: discord.Interaction[discord.Client]) -> bool:
    """Whether the member who used `interaction` may post in its channel (in a thread: send
    messages in threads; in a locked one, only with Manage Threads: locking is no permission,
    so Discord's figure for the member does not show it)."""
    permissions = interaction.permissions
    channel = interaction.channel
    if isinstance(channel, discord.Thread):
        if channel.locked and not permissions.manage_threads:
            return False
        return permissions.send_messages_in_threads
    return permissions.send_messages


def asked_for(keys: list[str]) -> dict[str, Listed | Plural]:
    """A request for the bot's missing permissions: `missing`, by the names the reader's
    Discord client shows them, and `them`, "it" or "them" (usually one permission was left out
    of the bot's role)."""
    return {
        "missing": Listed([msg(key) for key in keys], last="and"),
        "them": plural("count_them_permissions", len(keys)),
    }
