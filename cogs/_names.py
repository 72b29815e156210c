"""Names for the ids a prompt mentions (`bot.jobs.markup`), from what Discord sent or cached.

The prompt is posted in the channel and sent to the service: a name goes in only if the member
asking may read it there. discord.py finds a message's channel mentions in its cache of the
whole server: only channels and threads the member can view are named; any other is said as
Discord shows it to them (`#channel`). People are named as Discord sent them with the message,
or as members of the member's server, never from the bot's cache of other servers."""

from __future__ import annotations

import dataclasses
import re

import discord

from bot.jobs.markup import Kind, NameOf, spoken
from bot.jobs.validation import MAX_PROMPT_LENGTH, VideoOptions
from bot.text import escape

# What a mention's id can stand for.
Named = discord.Member | discord.User | discord.Role | discord.abc.GuildChannel | discord.Thread
Asking = discord.Member | discord.User


def names_in(message: discord.Message, asking: Asking) -> NameOf:
    """The people, roles and channels a message mentions that `asking` may read."""
    found: dict[tuple[Kind, int], Named] = {}
    for user in message.mentions:
        found["user", user.id] = user
    for role in message.role_mentions:
        found["role", role.id] = role
    for channel in message.channel_mentions:
        found["channel", channel.id] = channel
    return lambda kind, id_: _name_for(asking, found.get((kind, id_)))


def names_known(asking: Asking) -> NameOf:
    """Names from the bot's cache of the server `asking` is in (none in a DM): a slash
    command's text option resolves no mentions. Someone only known from elsewhere is
    nobody here."""
    guild = _server_of(asking)

    def name_of(kind: Kind, id_: int) -> str | None:
        if guild is None:
            return None
        found: Named | None
        if kind == "user":
            found = guild.get_member(id_)
        elif kind == "role":
            found = guild.get_role(id_)
        else:
            found = guild.get_channel_or_thread(id_)
        return _name_for(asking, found)

    return name_of


def names_seen(message: discord.Message, asking: Asking) -> NameOf:
    """Names for what `message`'s words mention, as `asking` may read them. A forward's words
    are in its snapshot, whose mentions Discord does not resolve: the forwarded message, if
    this process saw it, or the cache of the server `asking` is in may know them."""
    lookups = [names_in(message, asking)]
    reference = message.reference
    forward = reference is not None and reference.type is discord.MessageReferenceType.forward
    if forward and reference is not None and reference.cached_message is not None:
        lookups.append(names_in(reference.cached_message, asking))
    return first_known(*lookups, names_known(asking))


def typed_prompt_spoken(options: VideoOptions, asking: Asking) -> VideoOptions:
    """`options` with the mentions `asking` typed into its prompt (a command's text option, a
    form's field: Discord resolves none there) said as names the model can read."""
    prompt = spoken(options.prompt, names_known(asking), limit=MAX_PROMPT_LENGTH)
    return dataclasses.replace(options, prompt=prompt)


def first_known(*lookups: NameOf) -> NameOf:
    """The first name any lookup knows (a forward's mentions come as bare ids)."""

    def name_of(kind: Kind, id_: int) -> str | None:
        return next((name for lookup in lookups if (name := lookup(kind, id_))), None)

    return name_of


def _name_for(asking: Asking, named: Named | None) -> str | None:
    """`named`'s name if `asking` may read it where they asked, else None (said unnamed)."""
    if named is None:
        return None
    guild = _server_of(asking)
    if isinstance(named, discord.User | discord.Member):
        # Whoever sees the message sees the name Discord sent with it; a nickname is shown
        # only in its own server (a forward's may come from another).
        if isinstance(named, discord.Member) and guild is not None and named.guild.id == guild.id:
            return named.display_name
        return named.global_name or named.name
    if guild is None or named.guild.id != guild.id:
        return None
    if isinstance(named, discord.Role) or _can_see(asking, named):
        return named.name
    return None


def _can_see(member: Asking, channel: discord.abc.GuildChannel | discord.Thread) -> bool:
    """Whether `member` can view `channel`: Discord hides a private thread from those of its
    parent who were not added to it (unless they manage threads)."""
    if not isinstance(member, discord.Member):
        return False
    try:
        allowed = channel.permissions_for(member)
    except discord.ClientException:
        # A thread whose parent channel is not cached: nothing says who sees it.
        return False
    if not allowed.view_channel:
        return False
    if isinstance(channel, discord.Thread) and channel.is_private():
        joined = member.id == channel.owner_id or member.id in {m.id for m in channel.members}
        return joined or allowed.manage_threads
    return True


def _server_of(asking: Asking) -> discord.Guild | None:
    return asking.guild if isinstance(asking, discord.Member) else None


_ROLE_MENTION = re.compile(r"<@&(\d{1,20})>")


def roles_by_name(text: str, guild: discord.Guild) -> str:
    """`text` (about `guild`) with each role mention as the role's name, for a DM: Discord
    shows a role's mention only inside its server ("@deleted-role" elsewhere). A role the bot
    does not know keeps its mention."""

    def named(match: re.Match[str]) -> str:
        role = guild.get_role(int(match[1]))
        if role is None:
            return match[0]
        return "@everyone" if role.is_default() else f"@{escape(role.name)}"

    return _ROLE_MENTION.sub(named, text)
