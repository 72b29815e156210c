"""Answering an interaction: privately, acknowledged before slow work, and only once
when a deploy overlap gives the same interaction to two processes (Discord keeps the
first answer).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import aiohttp
import discord

from bot.i18n import Message
from bot.interaction_answers import attempt
from bot.text import MESSAGE_CONTENT, NO_MENTIONS, fit

log = logging.getLogger(__name__)


# Discord's answer to a second initial response to one interaction: another process (the same
# shard run twice, as in a deploy overlap) got the same command and answered Discord first.
ALREADY_ACKNOWLEDGED = 40060
# Set in `Interaction.extras` once Discord took this process's first answer though discord.py
# saw the request fail (`answered_first`): its `response.is_done()` stays False.
TAKEN = "first_answer_taken"


def answered(interaction: discord.Interaction[discord.Client]) -> bool:
    """Whether Discord holds a first answer of this process to `interaction` (what follows is a
    follow-up): `response.is_done()`, or a first answer whose own answer was lost."""
    return interaction.response.is_done() or bool(interaction.extras.get(TAKEN))


async def answer_privately(
    interaction: discord.Interaction[discord.Client],
    message: Message,
    *,
    acknowledged: bool = False,
) -> int | None:
    """Reply in the member's language, only to them, acknowledged yet or not.

    `acknowledged`: Discord already holds an initial response, maybe another process's.
    Returns the id of a follow-up's message (after a deferral: the original response).
    """
    text = message.render(str(interaction.locale))
    return await send_privately(interaction, text, acknowledged=acknowledged)


async def send_privately(
    interaction: discord.Interaction[discord.Client], text: str, *, acknowledged: bool = False
) -> int | None:
    """`text` only to the member (pinging nobody), as the answer or, once acknowledged, as a
    follow-up; see `answer_privately`."""
    text = fit(text, MESSAGE_CONTENT)
    if acknowledged or answered(interaction):
        sent = await interaction.followup.send(
            text, ephemeral=True, allowed_mentions=NO_MENTIONS, wait=True
        )
        return sent.id
    # If the same command reached another process, which answered it: one answer is enough.
    await answered_first(
        lambda: interaction.response.send_message(
            text, ephemeral=True, allowed_mentions=NO_MENTIONS
        ),
        interaction,
    )
    return None


async def answered_first(
    answer: Callable[[], Awaitable[object]], interaction: discord.Interaction[discord.Client]
) -> bool:
    """Give Discord an interaction's first answer (`answer`: makes the call).

    False, and one INFO line, when another process answered first: in a deploy overlap
    Discord tells both processes, keeps the first answer and refuses the other (40060).

    Not when this process's own try went through unanswered: a 5xx from Discord's edge, which
    discord.py answers by sending it again, or a connection that dropped before the answer,
    after which it is sent again here. Discord refusing that second try (40060) says the first
    one was taken (not after a connection that could not be opened, which sent nothing): the
    interaction is this process's to follow up (`answered`), not left with "thinking..." for
    good.
    """
    with attempt() as sending:
        try:
            try:
                await answer()
            except aiohttp.ClientConnectionError as error:
                # Discord may have taken it: asked again, it says so (40060) if it did. Not a
                # connection never opened (DNS, a refused connect): nothing was sent, so a
                # 40060 then is another process's answer.
                sending.unsure = not isinstance(error, aiohttp.ClientConnectorError)
                log.info(
                    "interaction:%d: its answer was lost (%r); sent again", interaction.id, error
                )
                await answer()
        except discord.HTTPException as error:
            if error.code != ALREADY_ACKNOWLEDGED:
                raise
            if sending.unsure:
                interaction.extras[TAKEN] = True
                log.info(
                    "interaction:%d: Discord took the try whose answer was lost", interaction.id
                )
                return True
            log.info(
                "interaction:%d already answered by another process; leaving it", interaction.id
            )
            return False
    return True


async def acknowledge_first(
    interaction: discord.Interaction[discord.Client], *, press: bool = False
) -> bool:
    """Acknowledge before any database work: a read or write waiting on the database's lock
    (two processes in a deploy, a long transaction) must not outlast Discord's 3 seconds.

    A command gets a private "thinking..." its answer replaces; a `press` (a button) a
    deferred update, so its message can still be edited. False when another process
    acknowledged this interaction first: that one handles it, this one stays quiet.
    """
    if answered(interaction):
        return True
    if press:
        return await answered_first(interaction.response.defer, interaction)
    return await answered_first(
        lambda: interaction.response.defer(ephemeral=True, thinking=True), interaction
    )
