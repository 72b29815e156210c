"""How a message addresses the bot: its mention (or its role's), and the words said to it."""

from __future__ import annotations

import re

import discord


def mention_pattern(me: discord.ClientUser, guild: discord.Guild | None) -> re.Pattern[str]:
    """`<@id>`, the older `<@!id>` form, and in a server the bot's own managed role, which
    Discord's autocomplete offers beside the bot when a member types "@Bot"."""
    role = guild.self_role if guild is not None else None
    role_form = rf"|<@&{role.id}>" if role is not None else ""
    return re.compile(rf"<@!?{me.id}>{role_form}")


# "@Bot: a cat", "@Bot, a cat": punctuation that addresses the bot is no part of the scene.
_ADDRESSING = re.compile(r"^\s*[:,\uff1a\uff0c]+")


def addressed_text(me: discord.ClientUser, guild: discord.Guild | None, content: str) -> str:
    """What a message says to the bot: its text without the bot's mentions, nor the colon or
    comma right after the one it starts with."""
    return _ADDRESSING.sub("", mention_pattern(me, guild).sub(" ", content), count=1)
