"""Names for the ids a prompt mentions (`bot.jobs.markup`), from what Discord sent or cached."""

from __future__ import annotations

import discord

from bot.jobs.markup import Kind, NameOf


def names_in(message: discord.Message) -> NameOf:
    """The people, roles and channels a message mentions, as Discord resolved them with it."""
    names: dict[tuple[Kind, int], str] = {}
    for user in message.mentions:
        names["user", user.id] = user.display_name
    for role in message.role_mentions:
        names["role", role.id] = role.name
    for channel in message.channel_mentions:
        names["channel", channel.id] = channel.name
    return lambda kind, id_: names.get((kind, id_))


def names_known(client: discord.Client, guild: discord.Guild | None) -> NameOf:
    """Names from the bot's cache: a slash command's text option resolves no mentions."""

    def name_of(kind: Kind, id_: int) -> str | None:
        if kind == "user":
            member = guild.get_member(id_) if guild is not None else None
            user = member or client.get_user(id_)
            return user.display_name if user is not None else None
        if guild is None:
            return None
        if kind == "role":
            role = guild.get_role(id_)
            return role.name if role is not None else None
        channel = guild.get_channel_or_thread(id_)
        return channel.name if channel is not None else None

    return name_of


def first_known(*lookups: NameOf) -> NameOf:
    """The first name any lookup knows (a forward's mentions come as bare ids)."""

    def name_of(kind: Kind, id_: int) -> str | None:
        return next((name for lookup in lookups if (name := lookup(kind, id_))), None)

    return name_of
