"""One video for a double click or a form sent twice, also across a deploy overlap.

A click is sighted (`SeenLately.sight`) as it arrives, before anything is awaited and before
Discord is asked which process answers it, and whether it is the first is asked only by the
process answering it: in a deploy overlap both processes get every click of the shard, in
order, so whichever answers the second click has sighted the first one, even if the other
process answered that one (and made its video).

The process answering the first holds its key while that one is still at work, and for the
window after (`Sighting.working`), so a second click past the window is still told it is one;
at most for the first's interaction's life, so work stuck on a silent database never blocks
the button for good. That hold is this process's: in a deploy overlap, a second click that the
other process answers is judged by the window alone.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.i18n import Message
from bot.reach import TOKEN_LIFETIME
from cogs._answers import answer_privately
from cogs._origin_ids import interaction_origin_id
from cogs._recent import Sighting

# The longest a first's work holds its key (`SeenLately` `longest_work`): past its
# interaction's life it can tell its member nothing more.
LONGEST_WORK = TOKEN_LIFETIME


async def made_once(
    sighting: Sighting,
    interaction: discord.Interaction[Any],
    repeated: Message,
    make: Callable[[], Awaitable[None]],
) -> None:
    """`make` what `interaction` asks for, unless an earlier one holds its `sighting`'s key: a
    repeat is told `repeated` instead, also while the first is still at work (a busy database
    or a rate-limited Discord may keep it past the window) and for a window after. A first that
    made no job (refused, waiting for a Confirm, or failed) is forgotten: the next is answered."""
    if not sighting.first():
        await answer_privately(interaction, repeated)
        return
    try:
        with sighting.working():
            await make()
    finally:
        store = interaction.client.store
        if await store.job_for_origin(interaction_origin_id(interaction)) is None:
            sighting.came_to_nothing()
