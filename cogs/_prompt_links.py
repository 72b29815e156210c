"""Links typed in a prompt, read as references: /video's prompt, and the Edit prompt and Remix
forms, the same way (the same checks first, the same guarded fetcher, the same refusals)."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection
from typing import TYPE_CHECKING

from bot.apimart.models import without_fragment
from bot.jobs.links import without_links
from bot.jobs.media import CollectedMedia, MessageMedia, collect, links_to_check
from bot.jobs.models import JobRefused
from bot.jobs.validation import VideoOptions, check_before_links
from cogs._before_recording import refused_before_fetching
from cogs._origins import InteractionOrigin

if TYPE_CHECKING:
    from bot.app import VideoBot


@dataclasses.dataclass(frozen=True)
class PromptLinks:
    """What the links in a prompt gave: the options with the prompt's words alone and the
    references the links added after the files already there, and what those links were."""

    options: VideoOptions
    # Every reference beside the prompt (the files already there, then the links'), and the
    # links left out.
    everything: CollectedMedia
    # What the links alone gave (a video among them sets the length); None: the prompt had
    # no link, and `options` are as they were.
    linked: CollectedMedia | None


def message_urls(media: MessageMedia) -> tuple[str, ...]:
    """What a message already gives the request: its files' links and its own links."""
    return (*(attached.url for attached in media.attachments), *media.link_urls())


def _used(options: VideoOptions, already: Collection[str]) -> frozenset[str]:
    """The links the request has without the prompt's: `already`, and its references; each
    also without its fragment, the bot's marks (a link written behind a spoiler, a result's
    reference), never part of the link the member copied."""
    own = [*already, *(media.url for media in (*options.images, *options.videos))]
    return frozenset(own) | {without_fragment(url) for url in own}


def prompt_links_to_check(options: VideoOptions, *, already: Collection[str] = ()) -> int:
    """How many links typed in `options.prompt` are read: none the request has already (the
    message's own link pasted into the form is one picture, checked once)."""
    typed = MessageMedia(content=options.prompt)
    return links_to_check([typed], already=_used(options, already))


async def read_prompt_links(
    bot: VideoBot,
    origin: InteractionOrigin,
    options: VideoOptions,
    *,
    checked: bool = False,
    already: Collection[str] = (),
) -> PromptLinks | None:
    """The links typed in `options.prompt` read as references (nothing read when it has
    none); None once the member was told why not (or another process has the request).

    What no link can mend (a file too large, a prompt of links alone, a length beside a
    video) is said before any link is read; then the rules and the member's allowance of links
    checked, before the bot fetches anything they name (`refused_before_fetching`), unless the
    caller did (`checked`: with the other links of the same request, before reading those).
    A link the request has already (`already`, the references in `options`) is not read nor
    counted again: the same picture typed twice is one."""
    typed = MessageMedia(content=options.prompt)
    if not typed.link_urls():
        return PromptLinks(
            options, CollectedMedia(tuple(options.images), tuple(options.videos)), None
        )
    try:
        check_before_links(options, max_file_bytes=bot.settings.max_reference_bytes)
    except JobRefused as error:
        await origin.tell(error.user_message)
        return None
    # Reading their types is slow, and the check before fetching reads the database, so
    # Discord hears first.
    await origin.acknowledge()
    if origin.echo:
        # Another process has this request (a deploy overlap) and answers it: reading the
        # links again would only cost time, and any refusal would be told twice.
        return None
    if not checked and await refused_before_fetching(
        bot, origin, prompt_links_to_check(options, already=already)
    ):
        return None
    probe = bot.link_prober.for_member(origin.requester().user_id)
    linked = await collect([typed], probe, already=_used(options, already))
    everything = CollectedMedia(
        images=(*options.images, *linked.images),
        videos=(*options.videos, *linked.videos),
        skipped=linked.skipped,
    )
    options = dataclasses.replace(
        options,
        prompt=without_links(options.prompt),
        images=everything.images,
        videos=everything.videos,
    )
    return PromptLinks(options, everything, linked)
