"""Checks made before a request is recorded, and before its links are fetched: links and
files of no use, options the rules refuse, a member the rules refuse whatever they ask, a
channel the video could not be posted in. Each tells the member why it stops the request.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from bot.i18n import msg
from bot.jobs.media import CollectedMedia, Skipped, skipped_note
from bot.jobs.models import JobRefused, Requester
from bot.jobs.validation import VideoOptions, validate
from bot.moderation.periods import stamp_wait
from cogs._origin_ids import log_echo
from cogs._origins import InteractionOrigin, Origin

if TYPE_CHECKING:
    from bot.app import VideoBot

log = logging.getLogger(__name__)


async def usable(
    origin: Origin, collected: CollectedMedia, *, in_prompt: bool = False, beside: bool = False
) -> bool:
    """Before anything is recorded or sent: which links and files are left out, and why.

    False (the member was told) when they were all there was: the member pointed at
    something to use, and a video from the text alone is not what they asked to pay for
    (`in_prompt`: the links were in a prompt, /video's or a result form's; `beside`: other
    references are used with `collected`, a result's own in its form).
    Otherwise the note waits for the job to be recorded (`Origin.left_out`): the checks and
    rules after this may still refuse it."""
    if not collected.skipped:
        return True
    if collected.images or collected.videos or beside:
        origin.left_out = skipped_note(collected.skipped)
        return True
    await origin.tell(skipped_note(collected.skipped, nothing_left=True, in_prompt=in_prompt))
    return False


async def refused_with_what_was_collected(
    bot: VideoBot, origin: Origin, options: VideoOptions, skipped: tuple[Skipped, ...]
) -> bool:
    """Whether the rules refuse `options` with the files and links collected for them; True
    once the member was told. A refusal comes alone, never after "I'll go on without ...",
    and names what was left out (`skipped`) after it: a dead third image is why "2 images"
    is refused."""
    try:
        validate(options, max_file_bytes=bot.settings.max_reference_bytes)
    except JobRefused as error:
        await origin.tell(error.user_message)
        if skipped:
            await origin.tell(skipped_note(skipped, refused=True))
        return True
    return False


async def refused_before_fetching(bot: VideoBot, origin: Origin, links: int) -> bool:
    """Tell the member now if the video could not be posted here, the rules refuse them
    whatever they ask, or they had the bot check too many links lately (`links`: how many it
    is about to check); True if so.

    Entry points call this before fetching any link the member gave, so a blocked or capped
    member cannot make the bot download anything, nor anyone make it download without end;
    and a channel the bot lacks a permission in is named at once, not after the links were
    read (and counted against the member's links checked) for a video it cannot post.
    """
    cannot_post = origin.cannot_post_here()
    if cannot_post is not None:
        if not origin.echo:
            await origin.tell(cannot_post)
        return True
    requester = origin.requester()
    refusal = await bot.moderation.refusal_before_fetching(requester)
    if refusal is None:
        now = bot.clock()
        wait = bot.link_allowance.take(requester.user_id, links, now)
        if wait is None:
            return False
        log.info("User %d: over the allowance of links checked", requester.user_id)
        if not origin.echo:
            # When room comes, as a live timestamp: the answer stays up, and "in about 10
            # min" would still say 10 when the member reads it 8 minutes on.
            room = stamp_wait(now + wait)
            await origin.tell(msg("too_many_links", when=room))
        return True
    # Seen by two processes (a deploy overlap): the job the other recorded is no refusal, and
    # a refusal is told by the process Discord heard first.
    if origin.echo or await _recorded_elsewhere(bot, requester):
        return True
    await origin.tell_refusal(refusal)
    return True


async def refused_by_rules_in_time(
    bot: VideoBot, origin: InteractionOrigin, *, deadline: float
) -> bool:
    """Tell the member now if the rules refuse them whatever they ask (blocked, out of videos,
    a paused server), before they type a prompt into a form for nothing; True if so.

    A form must open within Discord's 3 seconds: a database that has not answered by
    `deadline` (the event loop's clock) lets it open, and its submit checks the rules."""
    try:
        async with asyncio.timeout_at(deadline):
            refusal = await bot.moderation.refusal_before_fetching(origin.requester())
    except TimeoutError:
        return False
    if refusal is None:
        return False
    await origin.tell(refusal)
    return True


async def _recorded_elsewhere(bot: VideoBot, requester: Requester) -> bool:
    if requester.origin_id is None:
        return False
    job_id = await bot.jobs.store.job_for_origin(requester.origin_id)
    if job_id is None:
        return False
    log_echo(requester.origin_id, job_id)
    return True
