"""Which of Discord's refusals to post or edit in a channel are for good.

A retry of a request Discord refused for good is refused again (a 403 counting toward Discord's
ban of invalid requests, which counts 401, 403 and 429 answers): such a channel is given up at
once (a result goes by DM).
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
# A 400 for a post or edit a server's AutoMod rule blocked (200001 is for a thread's title; the
# bot names none). A slash command's options are not checked, so a member's prompt holding a
# word the server blocks reaches the bot, and every message of the bot's quoting it is refused
# (at every retry, for hours): the same text must never be sent again.
_BLOCKED_BY_AUTOMOD = 200000


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
    return access_refused(error) or error.code == _THREAD_ARCHIVED


def access_refused(error: discord.HTTPException) -> bool:
    """Whether Discord refused the bot's access or permissions there (403: 50001 Missing
    Access, 50013 Missing Permissions; a server that removed the bot answers so too): back only
    by a moderator's change, which nothing tells the bot of, so asking again until then is
    refused each time."""
    return isinstance(error, discord.Forbidden)


def cannot_reply(error: discord.HTTPException) -> bool:
    """Whether `error` refuses only the reply (Read Message History was taken from the bot),
    not the post itself."""
    return error.code == _CANNOT_REPLY


def blocked_by_automod(error: discord.HTTPException) -> bool:
    """Whether `error` says the server's AutoMod blocked what the message says (most likely
    the member's prompt it quotes): the same message is refused again, one without it is not."""
    return error.code == _BLOCKED_BY_AUTOMOD
