"""The result message as a Components V2 layout: the video plays inline, the details beside it.

One container holds, in reading order: who it is for and what happened (the mention, the link
and when it expires, or why there is no video), the video in a media gallery (the uploaded file,
or the service's link when the file is over the upload limit), the prompt, the settings, the
render time and credits, the reference images as section thumbnails, the job's marker (used to
spot an earlier post after a crash) and the buttons. With the V2 flag a message has no `content`
or embeds: every word is in a text display.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import discord

from bot.i18n import elapsed, plural, t
from bot.jobs.models import Job, JobState
from bot.media_refresh import DISCORD_CDN_ORIGINS, is_spoiler, shown_link
from bot.text import (
    PROMPT_PREVIEW_CHARS,
    credits_number,
    fit,
    one_line,
    quote,
    resolution_label,
)

Layout = discord.ui.LayoutView
Row = discord.ui.ActionRow[Any]

# Discord allows 4000 characters of text displays per message; the headline may quote an API
# error or a long link, so it gets a bounded share.
HEADLINE_CHARS = 2000
# The container's accent, like the embed's colour was.
_SUCCESS = discord.Colour.green()
_FAILURE = discord.Colour.red()
# A video made, whose link (all the post had of it) expired: neither a success to play nor a
# failure.
LAPSED_COLOUR = discord.Colour.light_grey()


def attachment_url(filename: str) -> str:
    """How a component shows a file uploaded with the same message."""
    return f"attachment://{filename}"


def marker_line(marker: str) -> str:
    """The job's marker as the layout shows it (small print), and as a retry looks for it."""
    return f"-# {marker}"


def mode_name(job: Job) -> str:
    """How the job used its media, as one word or two."""
    locale = job.requester.locale
    request = job.request
    if request.image_urls:
        key = "option_frame" if request.generation_type == "frame" else "option_reference"
        return t(key, locale)
    return t("mode_video" if request.video_urls else "mode_text", locale)


def uses_media(job: Job) -> bool:
    """Whether the video was made from any of the member's images or a video."""
    return bool(job.request.image_urls or job.request.video_urls)


def references_summary(job: Job) -> str:
    """How the job used the member's media, e.g. '1 image (first frame) + 1 video'."""
    locale = job.requester.locale
    request = job.request
    parts: list[str] = []
    if request.image_urls:
        key = (
            "references_images_frame"
            if request.generation_type == "frame"
            else "references_images_reference"
        )
        parts.append(plural(key, len(request.image_urls)).render(locale))
    if request.video_urls:
        parts.append(t("references_video", locale))
    return " + ".join(parts) or t("references_none", locale)


def settings_text(job: Job, references: str | None, *, mode: bool = True) -> str:
    """Length, resolution, shape, mode (unless not `mode`) and references (None: left out)
    on one line."""
    locale = job.requester.locale
    request = job.request
    parts: list[tuple[str, str]] = []
    if request.duration is not None:
        parts.append(
            ("field_duration", t("seconds_value", locale, seconds=request.duration)),
        )
    parts += [
        (
            "field_resolution",
            resolution_label(request.resolution),
        ),
        ("field_aspect_ratio", request.aspect_ratio),
    ]
    if mode:
        parts.append(("field_mode", mode_name(job)))
    if references is not None:
        parts.append(("field_references", references))
    return " · ".join(f"**{t(key, locale)}** {value}" for key, value in parts)


def cost_text(job: Job) -> str | None:
    """Render time and credits, when known."""
    locale = job.requester.locale
    parts: list[str] = []
    ok = job.state is JobState.COMPLETED and not job.cancelled
    if ok and job.submitted_at is not None and job.finished_at is not None:
        value = elapsed(job.finished_at - job.submitted_at).render(locale)
        parts.append(f"**{t('field_render_time', locale)}** {value}")
    if job.credits_cost is not None:
        parts.append(f"**{t('field_credits', locale)}** {credits_number(job.credits_cost)}")
    return " · ".join(parts) or None


def made_from_spoiler(job: Job) -> bool:
    """Whether a reference was hidden behind a spoiler: the video made from it shows it (in
    frame mode, as its first frame), so wherever the video is shown it is hidden too."""
    return any(map(is_spoiler, (*job.request.image_urls, *job.request.video_urls)))


def spoiler_link(job: Job, url: str) -> str:
    """The video's link as written in a message: behind a spoiler when the video is (Discord
    would otherwise play it openly from the bare link)."""
    return f"||{url}||" if made_from_spoiler(job) else url


def video_description(job: Job, *, prompt_hidden: bool = False) -> str:
    """The video's alt text, what a screen reader says of it (else "video", or its file's
    name): made from its prompt, on one line as typed (alt text shows no markdown);
    `prompt_hidden`: the server's AutoMod blocked a post quoting it."""
    locale = job.requester.locale
    prompt = one_line(job.request.prompt, PROMPT_PREVIEW_CHARS)
    if job.prompt_withdrawn or prompt_hidden or not prompt:
        return t("result_title", locale)
    return t("result_video_alt", locale, prompt=prompt)


def reference_sections(
    job: Job, *, now: float, cdn_origins: frozenset[str] = DISCORD_CDN_ORIGINS
) -> list[discord.ui.Item[Any]]:
    """Each reference image as a thumbnail beside its name (thumbnails live only in sections),
    as a message posted `now` can show it (`cdn_origins`: where Discord serves attachments);
    one whose link is gone for good is named alone, not shown as a broken picture."""
    locale = job.requester.locale
    items: list[discord.ui.Item[Any]] = []
    if job.prompt_withdrawn:
        return items  # the member's pictures go with their prompt
    for number, url in enumerate(job.request.image_urls, start=1):
        if not url.startswith(("https://", "http://")):
            continue
        if job.request.generation_type == "frame":
            label = t("option_frame", locale)
        else:
            label = t("result_reference_image", locale, number=number)
        shown = shown_link(url, now, cdn_origins)
        if shown is None:
            items.append(discord.ui.TextDisplay(label))
            continue
        items.append(
            discord.ui.Section(
                discord.ui.TextDisplay(label),
                # Alt text: a screen reader otherwise reads the picture as "image".
                accessory=discord.ui.Thumbnail(shown, description=label, spoiler=is_spoiler(url)),
            )
        )
    return items


def result_layout(
    job: Job,
    *,
    ok: bool,
    headline: str,
    marker: str,
    references: str,
    video_url: str | None,
    now: float,
    cdn_origins: frozenset[str] = DISCORD_CDN_ORIGINS,
    buttons: Row | None = None,
    lapsed: bool = False,
    prompt_hidden: bool = False,
) -> Layout:
    """The whole result message.

    `ok`: it brings a video (a success's title and colour); `lapsed`: it was posted as
    APIMart's link, which has since expired (a title and colour of its own); `headline`: the
    mention and what happened; `marker`: the job's marker line; `video_url`: what the gallery
    plays (`attachment://…` or the service's https link; the headline then says when that link
    expires), None for no gallery; `now`: when it is posted (a reference's link may have
    expired by then); `cdn_origins`: where Discord serves attachments; `prompt_hidden`: the
    server's AutoMod blocked a post quoting the prompt (the headline says so).
    """
    locale = job.requester.locale
    container: discord.ui.Container[Any] = discord.ui.Container(
        accent_colour=LAPSED_COLOUR if lapsed else _SUCCESS if ok else _FAILURE
    )
    container.add_item(discord.ui.TextDisplay(fit(headline, HEADLINE_CHARS)))
    if video_url is not None:
        # A video made from a picture hidden behind a spoiler shows it (in frame mode, as its
        # first frame): it is hidden the same way.
        item = discord.MediaGalleryItem(
            video_url,
            description=video_description(job, prompt_hidden=prompt_hidden),
            spoiler=made_from_spoiler(job),
        )
        container.add_item(discord.ui.MediaGallery(item))
    title = t(result_title_key(ok=ok, lapsed=lapsed), locale)
    if job.prompt_withdrawn or prompt_hidden:
        # Stopped by a moderator, the operators or a ban: the prompt may have been the abuse.
        # Or the server's AutoMod refused a post quoting it: every post quoting it would be.
        container.add_item(discord.ui.TextDisplay(f"### {title}"))
    else:
        prompt = quote(job.request.prompt, PROMPT_PREVIEW_CHARS) or "…"
        container.add_item(discord.ui.TextDisplay(f"### {title}\n{prompt}"))
    # The references say how they were used ("1 image (first frame)"): the mode only when
    # there were none ("text to video").
    settings = settings_text(job, references, mode=not uses_media(job))
    container.add_item(discord.ui.TextDisplay(settings))
    cost = cost_text(job)
    if cost is not None:
        container.add_item(discord.ui.TextDisplay(cost))
    for reference in reference_sections(job, now=now, cdn_origins=cdn_origins):
        container.add_item(reference)
    container.add_item(discord.ui.Separator())
    container.add_item(discord.ui.TextDisplay(marker_line(marker)))
    if buttons is not None:
        container.add_item(buttons)
    view = Layout(timeout=None)
    view.add_item(container)
    return view


def result_title_key(*, ok: bool, lapsed: bool = False) -> str:
    """The catalog key of a result's title: made, not made, or its link since expired."""
    if lapsed:
        return "result_lapsed_title"
    return "result_title" if ok else "result_failed_title"


def components_of(message: discord.Message | discord.MessageSnapshot) -> Iterator[Any]:
    """Every component of a message, nested ones too (a section's accessory after its text),
    in reading order."""
    pending: list[Any] = list(message.components)
    while pending:
        component = pending.pop(0)
        yield component
        accessory = getattr(component, "accessory", None)
        nested = getattr(component, "children", None) or []
        pending[:0] = [*nested, *([accessory] if accessory is not None else [])]


def text_displays(message: discord.Message) -> list[str]:
    """The text of every text display in a message (where a V2 result keeps its marker)."""
    return [
        component.content
        for component in components_of(message)
        if isinstance(component, discord.components.TextDisplay)
    ]
