"""Which of Discord's refusals to post or edit in a channel are for good.

A retry of a request Discord refused for good is refused again, and every refusal counts toward
Discord's ban of invalid requests: such a channel is given up at once (a result goes by DM).
"""

from __future__ import annotations

import discord

# 400s that stay until a moderator acts: the thread was archived (closed) or locked.
_THREAD_ARCHIVED = 50083
_THREAD_LOCKED = 160005
_CLOSED_THREAD = frozenset({_THREAD_ARCHIVED, _THREAD_LOCKED})
# A 400 for a reply where the bot lost Read Message History: the same post without the reply
# is accepted.
_CANNOT_REPLY = 160002


def closed_to_the_bot(error: discord.HTTPException) -> bool:
    """Whether `error` says the channel (or message) is gone or shut to the bot: deleted, no
    access, or a thread closed or locked while a video rendered."""
    return isinstance(error, discord.Forbidden | discord.NotFound) or error.code in _CLOSED_THREAD


def nothing_left_to_edit(error: discord.HTTPException) -> bool:
    """Whether messages there can no longer be edited either (deleted, or a locked thread)."""
    return isinstance(error, discord.NotFound) or error.code == _THREAD_LOCKED


def edit_refused_for_now(error: discord.HTTPException) -> bool:
    """Whether an edit is refused only while it lasts: the bot's access taken, or the thread
    archived (by a moderator, or by Discord once it went quiet; a post there reopens it)."""
    return isinstance(error, discord.Forbidden) or error.code == _THREAD_ARCHIVED


def cannot_reply(error: discord.HTTPException) -> bool:
    """Whether `error` refuses only the reply (Read Message History was taken from the bot),
    not the post itself."""
    return error.code == _CANNOT_REPLY
