"""Collecting a message's reference media: attachments, image embeds, then image links, in order.

Attachments carry a content type from Discord: a video type makes a reference video and an
image type (or none) is offered as an image, so validation can name one the service refuses
(a GIF, say), and so is a file named like one. Any other file (a PDF, a text file) is no
reference at all: it is left out and named, since a member replying to someone else's message
cannot take it off.
Links, from embeds, from a layout's media gallery or typed in the text, are only candidates: a
link counts as an image (or a video) when a GET of it through the guarded fetcher
(`bot.media.fetcher`: public addresses only, at most 3 http(s) redirects, a byte and a time
cap) answers with an `image/*` (or `video/*`) content type its first bytes do not belie
(`bot.media.formats`). Other links (web pages, say) are
left out, not refused, but never silently: each one left out is returned with its reason, so
the member is told before anything is sent.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import mimetypes
from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass
from enum import Enum

import yarl

from bot.apimart.models import without_fragment
from bot.i18n import Listed, Message, msg, plural
from bot.jobs.links import spoilered_links, typed_links
from bot.jobs.models import MediaInput
from bot.media.fetcher import (
    HTTP_SCHEMES,
    MEDIA_TYPES,
    FetchError,
    GuardedFetcher,
    PortRefused,
    PrivateAddress,
    has_a_host_name,
)
from bot.media.formats import judged_type
from bot.media.resolver import lookups_for
from bot.media_refresh import SPOILER_PREFIX, behind_spoiler, expiring_link
from bot.text import CODE_CHARS, code

log = logging.getLogger(__name__)

# More candidates than this per message are not looked at (4 images are already too many).
MAX_LINKS_PER_MESSAGE = 8


class SkipReason(Enum):
    """Why a link or file was not used, in the words the member reads (`link_reason_*`)."""

    NOT_MEDIA = "not_media"
    # An attached file neither Discord's type nor its name tells the kind of (`IMG_2041`).
    UNTOLD = "untold"
    UNREACHABLE = "unreachable"
    BLOCKED = "blocked"
    STICKER = "sticker"
    PASSWORD = "password"  # `user:pass@`: never tried, never passed on to APIMart
    PORT = "port"  # a port other than 80 and 443 (`bot.media.fetcher.WEB_PORTS`)


@dataclass(frozen=True)
class Skipped:
    """A link or attached file the member gave that is not used as a reference, and why."""

    url: str
    reason: SkipReason
    # An attachment is named by its file name: its link is Discord's, long and signed. A
    # sticker by its name.
    filename: str | None = None
    # Hidden behind a spoiler where the member gave it (`||link||`, a `SPOILER_` file): named
    # behind one too, as the note naming it is posted in the channel.
    hidden: bool = False

    @property
    def shown(self) -> str:
        """How the member recognises it."""
        return self.filename if self.filename is not None else _shown_link(self.url)


Probe = Callable[[str], Awaitable[MediaInput | Skipped]]


@dataclass(frozen=True)
class MessageMedia:
    """What one message offers as references, described without Discord types."""

    attachments: tuple[MediaInput, ...] = ()
    # Links the message shows as media: embedded pictures, a layout's gallery (a result
    # posted as the service's link).
    shown_urls: tuple[str, ...] = ()
    content: str = ""
    # Its stickers' names: pictures a member sees, which the video service cannot use.
    stickers: tuple[str, ...] = ()
    # Links in the text an embed shows the picture of (a GIF's page), each with that picture
    # (one of `shown_urls`): the picture is used, the page itself is not fetched.
    pictured_pages: tuple[tuple[str, str], ...] = ()
    # Links the service said stop working, and when (epoch seconds): the bot's own result
    # posted as APIMart's link. A reference made from one carries that end (`expiring_link`).
    expiring: tuple[tuple[str, float], ...] = ()

    def link_urls(self) -> list[str]:
        """Shown media first, then links in the text; http(s) only, each once."""
        pages = {page for page, _ in self.pictured_pages}
        typed = [url for url in typed_links(self.content) if url not in pages]
        urls = [url for url in (*self.shown_urls, *typed) if is_http_url(url)]
        return list(dict.fromkeys(urls))[:MAX_LINKS_PER_MESSAGE]

    def hidden_urls(self) -> frozenset[str]:
        """Its links shown behind a spoiler: those written `||like this||`, their previews,
        and, beside any, the media it shows that no open link stands for (a bot's picture,
        whose link no spoiler names: a hidden one must not come out uncovered). The preview
        of a link written openly is shown openly, as Discord shows it, beside a hidden one."""
        hidden = spoilered_links(self.content)
        if not hidden:
            return frozenset()
        open_links = set(typed_links(self.content)) - set(hidden)
        page_of = {picture: page for page, picture in self.pictured_pages}
        return frozenset(hidden) | {
            url
            for url in self.shown_urls
            if url not in open_links and page_of.get(url) not in open_links
        }

    @property
    def is_blank(self) -> bool:
        """Nothing visible at all: what Discord sends without the Message Content intent."""
        return not (self.content or self.attachments or self.shown_urls or self.stickers)


@dataclass(frozen=True)
class CollectedMedia:
    """References in the order the member sees them."""

    images: tuple[MediaInput, ...] = ()
    videos: tuple[MediaInput, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    # How many images and videos each message gave, in order.
    per_message: tuple[tuple[int, int], ...] = ()


def is_http_url(url: str) -> bool:
    """Whether `url` is an absolute http(s) address naming a host (one IDNA can read)."""
    try:
        parsed = yarl.URL(url)
    except ValueError:
        return False
    return parsed.scheme in HTTP_SCHEMES and has_a_host_name(parsed)


def has_credentials(url: str) -> bool:
    """Whether `url` carries a user name or password (`https://user:pass@host/`)."""
    parsed = yarl.URL(url)
    return parsed.user is not None or parsed.password is not None


def _media_type(media: MediaInput) -> str | None:
    """The picture's or clip's type (`image/gif`), by the content type Discord gave, else by
    the file's name; None when neither names one."""
    declared = (media.content_type or "").split(";")[0].strip().lower()
    named, _ = mimetypes.guess_type(media.filename)
    for content_type in (declared, named or ""):
        if content_type.startswith(("video/", "image/")):
            return content_type
    return None


def _told_kind(media: MediaInput) -> str | None:
    """ "video", "image" or "other", by the content type Discord gave, else by the file's name;
    None when neither tells."""
    told = _media_type(media)
    if told is not None:
        return told.split("/")[0]
    return (
        None if not media.content_type and not mimetypes.guess_type(media.filename)[0] else "other"
    )


def _kind(media: MediaInput) -> str:
    """ "video", "image" or "other", by the content type Discord gave, else by the file's name.

    A file named like a picture or a clip is offered whatever its type, so validation tells
    the member why `cat.png` (really a PDF) cannot be used instead of leaving it out quietly;
    so is one with neither a type nor a telling name.
    """
    return _told_kind(media) or "image"


def split_attachments(attachments: Sequence[MediaInput]) -> CollectedMedia:
    """Videos and images by content type; any other file is left out by name."""
    kinds = [(_kind(item), item) for item in attachments]
    return CollectedMedia(
        images=tuple(item for kind, item in kinds if kind == "image"),
        videos=tuple(item for kind, item in kinds if kind == "video"),
        skipped=tuple(
            Skipped(
                item.url,
                SkipReason.UNTOLD if item.kind_untold else SkipReason.NOT_MEDIA,
                filename=item.filename,
                hidden=item.filename.startswith(SPOILER_PREFIX),
            )
            for kind, item in kinds
            if kind == "other"
        ),
    )


# Pictures that move, which the video service takes neither as an image nor as a video.
_MOVING_PICTURES = frozenset({"image/gif"})


def _moves(media: MediaInput) -> bool:
    """A GIF, by the content type Discord gave, else by the file's name."""
    return _media_type(media) in _MOVING_PICTURES


def by_kind(
    images: Sequence[MediaInput], videos: Sequence[MediaInput]
) -> tuple[tuple[MediaInput, ...], tuple[MediaInput, ...]]:
    """/video's image and video options sorted by what each file is, as every other way judges
    them: an MP4 in an image option is the reference video, a picture in the video option an
    image. A file that is neither, or does not say, stays where the member put it, to be named
    there; so does a GIF in the video option, meant for its motion: the member is asked for it
    as a video (MP4, MOV, WebM), not as a still picture."""
    given = [(item, "image") for item in images] + [(item, "video") for item in videos]
    told = [(item, slot, _told_kind(item)) for item, slot in given]
    placed = [
        (
            item,
            kind if kind in ("image", "video") and not (slot == "video" and _moves(item)) else slot,
        )
        for item, slot, kind in told
    ]
    return (
        tuple(item for item, kind in placed if kind == "image"),
        tuple(item for item, kind in placed if kind == "video"),
    )


async def collect(
    messages: Sequence[MessageMedia], probe: Probe, *, already: Collection[str] = ()
) -> CollectedMedia:
    """Every message's attachments, then its image and video links, message by message; a
    link in `already` (used by the same request another way) is not read again."""
    images: list[MediaInput] = []
    videos: list[MediaInput] = []
    skipped: list[Skipped] = []
    per_message: list[tuple[int, int]] = []
    seen: set[str] = set(already)
    for message in messages:
        before = len(images), len(videos)
        attached = split_attachments(message.attachments)
        images += attached.images
        videos += attached.videos
        skipped += attached.skipped
        skipped += [Skipped("", SkipReason.STICKER, filename=name) for name in message.stickers]
        links = [url for url in message.link_urls() if url not in seen]
        seen.update(links)
        found = await asyncio.gather(*(probe(url) for url in links))
        hidden = message.hidden_urls()
        found = [
            _behind_spoiler(item) if url in hidden else item
            for url, item in zip(links, found, strict=True)
        ]
        ends = dict(message.expiring)
        found = [
            _ending(item, ends[url]) if url in ends else item
            for url, item in zip(links, found, strict=True)
        ]
        linked = split_attachments([item for item in found if isinstance(item, MediaInput)])
        images += linked.images
        videos += linked.videos
        skipped += [item for item in found if isinstance(item, Skipped)]
        per_message.append((len(images) - before[0], len(videos) - before[1]))
    return CollectedMedia(tuple(images), tuple(videos), tuple(skipped), tuple(per_message))


def _behind_spoiler(item: MediaInput | Skipped) -> MediaInput | Skipped:
    """A link the member hid behind a spoiler, marked so whatever shows it hides it too."""
    if isinstance(item, Skipped):
        return dataclasses.replace(item, hidden=True)
    return dataclasses.replace(item, url=behind_spoiler(item.url))


def _ending(item: MediaInput | Skipped, until: float) -> MediaInput | Skipped:
    """A link the service said stops working at `until`, marked so (it may be redirected: the
    mark goes on what was found)."""
    if isinstance(item, Skipped):
        return item
    return dataclasses.replace(item, url=expiring_link(item.url, until))


def expiring_soon(messages: Sequence[MessageMedia], needed_until: float) -> float | None:
    """The end of the soonest link among `messages` the service said stops working before
    `needed_until` (when the service may still fetch it), if any: a job from it would fail."""
    ends = [
        until
        for message in messages
        for url, until in message.expiring
        if until < needed_until and url in message.link_urls()
    ]
    return min(ends, default=None)


def links_to_check(messages: Sequence[MessageMedia], *, already: Collection[str] = ()) -> int:
    """How many links `collect` fetches from `messages`: each once, none in `already`, and none
    with a user name or password (never tried)."""
    links = {url for message in messages for url in message.link_urls()} - set(already)
    return sum(1 for url in links if not has_credentials(url))


def skipped_note(
    skipped: Sequence[Skipped],
    *,
    nothing_left: bool = False,
    refused: bool = False,
    in_prompt: bool = False,
) -> Message:
    """What the member reads about the links and files left out: each one, and why; with
    `nothing_left`, that no video is made since nothing else was there to use (`in_prompt`:
    the links were in /video's prompt, so the way on is to take them out); with `refused`,
    beside a refusal of the request (nothing goes ahead either way)."""
    items = [
        msg(
            "link_skipped_item_hidden" if item.hidden else "link_skipped_item",
            link=code(item.shown, CODE_CHARS),
            reason=msg(f"link_reason_{item.reason.value}"),
        )
        for item in skipped
    ]
    links = sum(1 for item in skipped if item.filename is None)
    stickers = sum(1 for item in skipped if item.reason is SkipReason.STICKER)
    files = len(skipped) - links - stickers
    if links == len(skipped):
        counted = "count_links"
    elif files == len(skipped):
        counted = "count_files"
    elif stickers == len(skipped):
        counted = "count_stickers"
    else:
        counted = "count_references"
    count = plural(counted, len(skipped))
    if nothing_left and in_prompt:
        them = plural("count_them_links", len(skipped))
        return msg("nothing_usable_in_prompt", count=count, links=Listed(items), them=them)
    if nothing_left:
        return msg("nothing_usable", count=count, links=Listed(items))
    key = "links_unused" if refused else "links_skipped"
    return msg(key, count=count, links=Listed(items))


def _shown_link(url: str) -> str:
    """The host, port and path, never the query (it may carry a signature) nor a password."""
    parsed = yarl.URL(url)
    port = f":{parsed.explicit_port}" if parsed.explicit_port is not None else ""
    return f"{parsed.raw_host or ''}{port}{parsed.path}"


def _filename(url: yarl.URL) -> str:
    return url.name or url.raw_host or "image"


class LinkProber:
    """Finds out whether a link is an image or a video, its type and size, without trusting
    the name."""

    def __init__(self, fetcher: GuardedFetcher) -> None:
        self._fetcher = fetcher

    def for_member(self, member_id: int) -> Probe:
        """This prober for the links `member_id` has checked: their name lookups take only
        their share of the lookup threads (`bot.media.resolver`), whatever their links."""

        async def probe(url: str) -> MediaInput | Skipped:
            with lookups_for(member_id):
                return await self(url)

        return probe

    async def __call__(self, url: str) -> MediaInput | Skipped:
        """The link as an image or video reference, or why it is not one."""
        if not is_http_url(url):
            return Skipped(url, SkipReason.BLOCKED)
        if has_credentials(url):
            return Skipped(url, SkipReason.PASSWORD)
        try:
            fetched = await self._fetcher.fetch(url)
        except FetchError as error:
            # The host only: a link's query may carry a signature.
            log.info("Link on %s left out: %s", yarl.URL(url).raw_host, error)
            if isinstance(error, PortRefused):
                return Skipped(url, SkipReason.PORT)
            blocked = isinstance(error, PrivateAddress)
            return Skipped(url, SkipReason.BLOCKED if blocked else SkipReason.UNREACHABLE)
        if fetched.status != 200:
            return Skipped(url, SkipReason.UNREACHABLE)
        # By its first bytes too: the service, which fetches it itself, would only fail a
        # page or a HEIC its server calls `image/jpeg`.
        content_type = judged_type(fetched.content_type, fetched.head)
        if not content_type.startswith(MEDIA_TYPES):
            return Skipped(url, SkipReason.NOT_MEDIA)
        final = yarl.URL(fetched.url)
        return MediaInput(
            # Without its fragment, which is never fetched anyway: the bot marks its own
            # re-hosted copies there, and a member's link must not pass for one.
            url=without_fragment(fetched.url),
            filename=_filename(final),
            content_type=content_type,
            size=fetched.size,
            size_exact=fetched.size_exact,
        )
