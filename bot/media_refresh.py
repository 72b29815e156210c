"""Fresh media URLs before a late submit: Discord's signed attachment URLs expire (about a day).

For each signed URL of a job that expires before the job needs it, in order of preference:
1. the same attachment's current URL, read from its source message fetched again;
2. for an image, a copy re-hosted on APIMart's upload endpoint (kept 72 hours), downloaded
   from the old URL while it still works;
3. otherwise, if Discord did not answer for a source message (a 5xx, a dropped connection),
   or its file server failed the copy's download for a moment (a 5xx, a 429, a timeout) while
   the old URL still works, the job waits and is tried again, as for a busy APIMart: its files
   may well be there;
4. otherwise the job is refused with a message saying the links expired.
A re-hosted copy expires too: its URL's fragment (never sent over HTTP, and left out of the
submit) says until when it lasts and which attachment it copies, so a job made from it later
(Regenerate) renews it the same way. APIMart's link to a result, taken as a reference (a reply
to a result posted as its link), is marked in its fragment with the expiry APIMart gave: nothing
renews it, so a job that would send it dead is refused. Other links that are not signed never
expire and are kept.
Only attachment URLs on Discord's own CDN count as signed: a member's link that merely carries
`ex` and `hm` is a link like any other. Re-hosting downloads through the guarded fetcher, never
with the bot's trusted session.
"""

from __future__ import annotations

import logging
import re
import time
import urllib.parse
from collections.abc import Awaitable, Callable, Mapping, Sequence

import yarl

from bot.apimart import (
    APIMartClient,
    APIMartError,
    AuthenticationError,
    PaymentRequiredError,
    VideoRequest,
)
from bot.apimart.client import UPLOAD_MAX_BYTES
from bot.apimart.models import without_fragment
from bot.i18n import msg
from bot.jobs.budget import RequestBudget
from bot.jobs.models import Job, JobRefused, MessageRef
from bot.media.fetcher import FetchError, GuardedFetcher, TooLarge, Unreachable

log = logging.getLogger(__name__)

# Attachment id -> its current URL, for one message; empty when the message is gone or shut to
# the bot. Raises `SourceUnanswered` when Discord gave no answer that says so.
AttachmentUrls = Callable[[MessageRef], Awaitable[Mapping[int, str]]]

# Where Discord serves attachments; nothing else is treated as a signed attachment URL.
DISCORD_CDN_ORIGINS = frozenset({"https://cdn.discordapp.com", "https://media.discordapp.net"})
_ATTACHMENT_PATH = re.compile(r"^/(?:ephemeral-)?attachments/\d+/(\d+)/")
_SIGNATURE_PARAMS = frozenset({"ex", "hm"})
REHOST_LIFETIME = 72 * 3600.0  # APIMart keeps an uploaded image this long
# How long a link must still work when its job is sent: APIMart may fetch it this long after.
FETCH_MARGIN = 3600.0
_REHOSTED_UNTIL = "rehosted-until"
_COPIED_ATTACHMENT = "attachment"
# In the fragment of a link the bot knows was behind a spoiler (a re-hosted copy of a
# `SPOILER_` file, or a link written `||like this||`).
_SPOILER_MARK = "spoiler"
# Discord hides an attachment behind a spoiler by its file name, which its URL carries.
SPOILER_PREFIX = "SPOILER_"
# In the fragment of a link the service said expires (its result posted as its link, taken as
# a reference): when it stops working. Nothing can renew it.
_LINK_UNTIL = "until"


def is_signed(url: str, origins: frozenset[str] = DISCORD_CDN_ORIGINS) -> bool:
    """Whether `url` is a signed attachment URL on Discord's CDN (`?ex=...&hm=...`)."""
    try:
        parsed = yarl.URL(url)
        origin = str(parsed.origin())
    except ValueError:
        return False
    return (
        origin in origins
        and _ATTACHMENT_PATH.match(parsed.path) is not None
        and set(parsed.query) >= _SIGNATURE_PARAMS
    )


def signed_url_expiry(url: str, origins: frozenset[str] = DISCORD_CDN_ORIGINS) -> float | None:
    """When a signed Discord URL stops working (its `ex` is a hex Unix time), if it says."""
    if not is_signed(url, origins):
        return None
    expiry = yarl.URL(url).query.get("ex")
    try:
        return float(int(expiry, 16)) if expiry else None
    except ValueError:
        return None


def rehosted_url(
    uploaded: str, until: float, attachment: int | None, *, spoiler: bool = False
) -> str:
    """An APIMart upload's URL, marked with when it expires, the attachment it copies and
    whether that was behind a spoiler (the copy's own name no longer says so)."""
    marks = {_REHOSTED_UNTIL: str(int(until))}
    if attachment is not None:
        marks[_COPIED_ATTACHMENT] = str(attachment)
    if spoiler:
        marks[_SPOILER_MARK] = "1"
    return f"{without_fragment(uploaded)}#{urllib.parse.urlencode(marks)}"


def _fragment_marks(url: str) -> dict[str, str]:
    """The marks the bot put in a link's fragment (`rehosted_url`, `behind_spoiler`)."""
    _, _, fragment = url.partition("#")
    return dict(urllib.parse.parse_qsl(fragment))


def _rehost_marks(url: str) -> dict[str, str]:
    """The marks `rehosted_url` put on a copy; empty for any other link."""
    marks = _fragment_marks(url)
    return marks if _REHOSTED_UNTIL in marks else {}


def rehosted_expiry(url: str) -> float | None:
    """When a copy re-hosted on APIMart is deleted; None for any other link."""
    until = _rehost_marks(url).get(_REHOSTED_UNTIL, "")
    return float(until) if until.isdigit() else None


def expiring_link(url: str, until: float) -> str:
    """`url`, a link the service said stops working at `until` (APIMart's link to a result),
    marked so: a job made from it is judged by it, and refused rather than sent dead. Other
    marks it carries (a spoiler) are kept."""
    return _with_marks(url, {_LINK_UNTIL: str(int(until))})


def marked_expiry(url: str) -> float | None:
    """When a link marked by `expiring_link` stops working; None for any other link."""
    until = _fragment_marks(url).get(_LINK_UNTIL, "")
    return float(until) if until.isdigit() else None


def from_service_links(request: VideoRequest) -> bool:
    """Whether `request` was made from APIMart's links to results (`expiring_link`): files
    nobody attached, so nobody can ask again "with them"."""
    return any(marked_expiry(url) is not None for url in (*request.image_urls, *request.video_urls))


def url_expiry(url: str, origins: frozenset[str] = DISCORD_CDN_ORIGINS) -> float | None:
    """When a signed Discord URL, a re-hosted copy or a link the service said expires stops
    working, if it says."""
    signed = signed_url_expiry(url, origins)
    if signed is not None:
        return signed
    rehosted = rehosted_expiry(url)
    return rehosted if rehosted is not None else marked_expiry(url)


def earliest_expiry(
    request: VideoRequest, origins: frozenset[str] = DISCORD_CDN_ORIGINS
) -> float | None:
    """The soonest moment one of the request's expiring media URLs (signed, or re-hosted copies)
    expires, if any does."""
    expiries = [
        expiry
        for url in (*request.image_urls, *request.video_urls)
        if (expiry := url_expiry(url, origins)) is not None
    ]
    return min(expiries, default=None)


def lasts(url: str, needed_until: float, origins: frozenset[str] = DISCORD_CDN_ORIGINS) -> bool:
    """Whether `url` works until `needed_until`: a signed one or a re-hosted copy says when it
    expires (Discord signs for about a day, so a video attached to /video, which has nothing to
    renew it from, is not refused after an hour's wait); others do not expire."""
    expiry = url_expiry(url, origins)
    if expiry is None:
        return not is_signed(url, origins)  # signed, yet says no expiry: renew
    return expiry >= needed_until


def shown_link(url: str, now: float, origins: frozenset[str] = DISCORD_CDN_ORIGINS) -> str | None:
    """What a message posted `now` shows `url` (a member's picture) by: the link itself while
    it works; a Discord attachment link whose signature has run out, bare (Discord refreshes
    only links valid when posted, and renders a bare one given in an API field, signing it
    afresh); None for another link known to have expired (a re-hosted copy, APIMart's link to
    a result): nothing renews it, and shown it is a broken picture."""
    expiry = url_expiry(url, origins)
    if expiry is None or expiry > now:
        return url
    if is_signed(url, origins):
        return str(yarl.URL(without_fragment(url)).with_query(None))
    return None


def needing_a_message(
    request: VideoRequest,
    now: float,
    origins: frozenset[str] = DISCORD_CDN_ORIGINS,
    margin: float = FETCH_MARGIN,
) -> list[str]:
    """The request's links that only a fresh URL from their source message lets it be sent
    `now`, as `DiscordMediaRefresher` judges: a video that will not last `margin` (APIMart
    takes no copy of one), an image that no longer works (no copy can be made of it)."""
    needed_until = now + margin
    videos = [url for url in request.video_urls if not lasts(url, needed_until, origins)]
    images = [
        url
        for url in request.image_urls
        if (expiry := url_expiry(url, origins)) is not None and expiry <= now
    ]
    return [*videos, *images]


async def links_gone(
    request: VideoRequest,
    sources: Sequence[MessageRef],
    now: float,
    attachment_urls: AttachmentUrls,
    origins: frozenset[str] = DISCORD_CDN_ORIGINS,
    margin: float = FETCH_MARGIN,
) -> bool:
    """Whether a link of the request needs renewing with no message to fetch a fresh one from
    (files attached to a slash command have none), or whose messages no longer hold its file
    (deleted since): a job made from it would only be refused. Read from Discord, only for
    links that need it. A message Discord gives no answer on is taken as holding it: the submit
    waits for Discord. An image that will not last `margin` counts too when its message is there
    to read: the submit renews it from there, and a deleted message's files leave Discord's CDN,
    copy and all."""
    needed = needing_a_message(request, now, origins, margin)
    if not sources or any(attachment_id(url) is None for url in needed):
        # No message to read, or a link no message holds (the service's own, expired).
        return bool(needed)
    fading = [url for url in request.image_urls if not lasts(url, now + margin, origins)]
    if not needed and not fading:
        return False
    current: dict[int, str] = {}
    for source in sources:
        try:
            current.update(await attachment_urls(source))
        except SourceUnanswered:
            return False
    return any(attachment_id(url) not in current for url in (*needed, *fading))


def _with_marks(url: str, marks: Mapping[str, str]) -> str:
    """`url` with `marks` added to those the bot already put in its fragment."""
    merged = {**_fragment_marks(url), **marks}
    return f"{without_fragment(url)}#{urllib.parse.urlencode(merged)}"


def behind_spoiler(url: str) -> str:
    """`url` marked as shown behind a spoiler where the member gave it (a link written
    `||like this||`); the mark is in its fragment, which is never fetched nor sent."""
    return _with_marks(url, {_SPOILER_MARK: "1"})


def is_spoiler(url: str) -> bool:
    """Whether `url` is a file its member hid behind a spoiler (`SPOILER_cat.png`), a link
    they wrote behind one, or a copy re-hosted from either: whatever shows it, or a video made
    from it, must stay hidden too. (Only the bot marks a fragment: a member's links are taken
    without theirs.)"""
    if _fragment_marks(url).get(_SPOILER_MARK) == "1":
        return True
    try:
        name = yarl.URL(without_fragment(url)).name
    except ValueError:
        return False
    return name.startswith(SPOILER_PREFIX)


def attachment_id(url: str) -> int | None:
    """The attachment id in a Discord CDN URL, which stays the same when the URL is re-signed,
    or the one a re-hosted copy was made from."""
    copied = _rehost_marks(url).get(_COPIED_ATTACHMENT, "")
    if copied.isdigit():
        return int(copied)
    match = _ATTACHMENT_PATH.match(yarl.URL(url).path)
    return int(match.group(1)) if match else None


class SourceUnanswered(Exception):
    """Discord gave no answer on a source message (a 5xx, a rate limit, a dropped connection),
    or its file server none on an old URL being copied: whether the files are still there is
    unknown, so a link only Discord can renew waits."""


class RenewalCut(Exception):
    """APIMart failed a re-host, or Discord did not answer (`error`), after other URLs were
    renewed: `request` holds what was renewed so far, kept while the job waits to be tried
    again."""

    def __init__(self, request: VideoRequest, error: APIMartError | SourceUnanswered) -> None:
        super().__init__(str(error))
        self.request = request
        self.error = error


class _Unavailable(Exception):
    """An old URL could not be downloaded for re-hosting; `passing` when the server failed for
    a moment (a 5xx, a 429, a timeout, a dropped connection), which says nothing of the file."""

    def __init__(
        self, reason: str, *, passing: bool = False, refusal: JobRefused | None = None
    ) -> None:
        super().__init__(reason)
        self.passing = passing
        # What the member is told if nothing else renews the link (else: links expired).
        self.refusal = refusal


_REQUEST_TOO_LARGE = 413


def too_large_to_copy(*, sized: bool = True) -> JobRefused:
    """A picture APIMart's upload cannot take: its link needed a copy, so the job cannot go.
    Said as such, not as expired links (an operator's MAX_REFERENCE_BYTES may be above the
    upload's limit); `sized`: the bot's own cap refused it, so the limit is known."""
    if sized:
        limit = f"{UPLOAD_MAX_BYTES // (1024 * 1024)} MB"
        return JobRefused(msg("media_too_large_to_copy", limit=limit))
    return JobRefused(msg("media_too_large_to_copy_unsized"))


def _passing(status: int) -> bool:
    """An answer from a busy or failing server, not about the file: worth asking again."""
    return status in (408, 429) or status >= 500


class DiscordMediaRefresher:
    """The `MediaRefresher` hook of `JobService`: returns the job's request with fresh URLs."""

    def __init__(
        self,
        *,
        attachment_urls: AttachmentUrls,
        client: APIMartClient,
        fetcher: GuardedFetcher,
        cdn_origins: frozenset[str] = DISCORD_CDN_ORIGINS,
        clock: Callable[[], float] = time.time,
        budget: RequestBudget | None = None,
    ) -> None:
        self._attachment_urls = attachment_urls
        self._client = client
        # The request budget every APIMart call waits its turn in; None means no limit (tests).
        self._budget = budget
        self._fetcher = fetcher
        self._clock = clock
        # Tests serve "Discord's CDN" from a fake on loopback.
        self._cdn_origins = cdn_origins

    def _lasts(self, url: str, needed_until: float) -> bool:
        return lasts(url, needed_until, self._cdn_origins)

    def _works_now(self, url: str) -> bool:
        """Whether `url` says it has not expired yet."""
        expiry = url_expiry(url, self._cdn_origins)
        return expiry is not None and expiry > self._clock()

    async def __call__(self, job: Job, needed_until: float) -> VideoRequest:
        """URLs that work until `needed_until`: a signed one that says it expires sooner is
        renewed; raises `JobRefused` when one cannot be, `SourceUnanswered` (or a `RenewalCut`
        of it) when Discord may yet renew it."""
        request = job.request
        urls = (*request.image_urls, *request.video_urls)
        if all(self._lasts(url, needed_until) for url in urls):
            return request
        current: dict[int, str] = {}
        unanswered: SourceUnanswered | None = None
        for source in job.requester.sources:
            try:
                current.update(await self._attachment_urls(source))
            except SourceUnanswered as error:
                # The other sources may hold what is needed; this one is asked again later.
                log.warning("Job %d: Discord did not answer for its message (%s)", job.id, error)
                unanswered = error
        # Videos first: one that cannot be renewed refuses the job, and must do so before any
        # image is copied to APIMart for nothing (or an upload APIMart is too busy to take holds
        # the job as "busy" when its links have expired).
        videos = [
            await self._fresh(job, url, current, needed_until, image=False, unanswered=unanswered)
            for url in request.video_urls
        ]
        images: list[str] = []
        for url in request.image_urls:
            try:
                images.append(
                    await self._fresh(
                        job, url, current, needed_until, image=True, unanswered=unanswered
                    )
                )
            except (APIMartError, SourceUnanswered) as error:
                # APIMart failed one upload: the copies made before it are kept for the next
                # try, not uploaded again.
                rest = request.image_urls[len(images) :]
                so_far = {"image_urls": (*images, *rest), "video_urls": tuple(videos)}
                raise RenewalCut(request.model_copy(update=so_far), error) from error
        return request.model_copy(update={"image_urls": tuple(images), "video_urls": tuple(videos)})

    async def _fresh(
        self,
        job: Job,
        url: str,
        current: Mapping[int, str],
        needed_until: float,
        *,
        image: bool,
        unanswered: SourceUnanswered | None,
    ) -> str:
        if self._lasts(url, needed_until):
            return url
        found = current.get(attachment_id(url) or 0)
        if found is not None:
            # A link written behind a spoiler says so only in its mark, which the fresh URL
            # lacks: kept, so the result still hides it.
            return behind_spoiler(found) if is_spoiler(url) and not is_spoiler(found) else found
        refusal = JobRefused(msg("media_expired"))
        if image:
            try:
                return await self._rehost(url)
            except APIMartError as error:
                if error.retryable or isinstance(error, AuthenticationError | PaymentRequiredError):
                    # Busy for a moment (tried again later), or the account's key or balance
                    # (the operator's to fix): no fault of the member's links.
                    raise
                log.warning("Job %d: APIMart refused a re-hosted image (%s)", job.id, error)
                if error.status == _REQUEST_TOO_LARGE:
                    refusal = too_large_to_copy(sized=False)
            except _Unavailable as error:
                if error.passing and self._works_now(url):
                    # Discord's file server failing for a moment while the old URL is still
                    # good: the file may well be copied on the next try; no reason to refuse.
                    log.warning("Job %d: could not copy an image for now (%s)", job.id, error)
                    raise SourceUnanswered(f"its file server, copying an image: {error}") from None
                log.warning("Job %d: could not re-host an image (%s)", job.id, error)
                refusal = error.refusal or refusal
        if unanswered is not None and attachment_id(url) is not None:
            # Its message may still be there: refusing now would lose the member's job for a
            # moment's fault of Discord's.
            raise unanswered
        raise refusal

    async def _rehost(self, url: str) -> str:
        """Download the image from its old URL, through the guard, and upload it to APIMart."""
        uploaded_at = self._clock()
        try:
            fetched = await self._fetcher.fetch(without_fragment(url), keep_body=True)
        except TooLarge as error:
            # Over what APIMart's upload takes: no copy can be made, however often it is tried.
            raise _Unavailable(str(error), refusal=too_large_to_copy()) from None
        except FetchError as error:
            raise _Unavailable(str(error), passing=isinstance(error, Unreachable)) from None
        if fetched.status != 200:
            raise _Unavailable(f"HTTP {fetched.status}", passing=_passing(fetched.status))
        if not fetched.content_type.startswith("image/"):
            raise _Unavailable(f"not an image ({fetched.content_type})")
        name = yarl.URL(url).name or "image"
        if self._budget is not None:
            await self._budget.acquire()
        uploaded = await self._client.upload_image(
            fetched.body, filename=name, content_type=fetched.content_type
        )
        return rehosted_url(
            uploaded, uploaded_at + REHOST_LIFETIME, attachment_id(url), spoiler=is_spoiler(url)
        )
