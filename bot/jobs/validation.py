"""The one set of rules every entry point checks before anything is spent."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.apimart.models import ASPECT_RATIOS, DURATIONS, RESOLUTIONS, GenerationType, VideoRequest
from bot.i18n import Message, msg
from bot.invisible import has_visible
from bot.jobs.links import without_links
from bot.jobs.models import JobRefused, MediaInput
from bot.text import CODE_CHARS, code

DEFAULT_DURATION = 6
DEFAULT_RESOLUTION = "720p"
DEFAULT_ASPECT_RATIO = "16:9"
MAX_PROMPT_LENGTH = 2000

IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/webp"})
VIDEO_TYPES = frozenset({"video/mp4", "video/quicktime", "video/webm"})
ALLOWED_IMAGE_COUNTS = (0, 1, 3)
# HEIC/HEIF, as iPhones save photos: a picture the service cannot read, whose owner is told
# how to send it instead (they rarely know their photo is not a JPEG).
HEIF_TYPES = frozenset({"image/heic", "image/heif", "image/heic-sequence", "image/heif-sequence"})
_HEIF_SUFFIXES = (".heic", ".heif", ".hif")
_UNNAMED_TYPES = frozenset({"", "application/octet-stream", "binary/octet-stream"})
MIB = 1024 * 1024


# The words a member may use for a generation mode (slash choices, the form, flags).
GENERATION_MODES: Mapping[str, GenerationType] = {
    "frame": "frame",
    "first-frame": "frame",
    "reference": "reference",
    "ref": "reference",
    # As a Chinese client shows the choices (首帧, 参考), Simplified and Traditional (a zh-TW
    # client reads 首影格).
    "首帧": "frame",
    "首幀": "frame",
    "首影格": "frame",
    "参考": "reference",
    "參考": "reference",
    "参考图": "reference",
    "參考圖": "reference",
}


def generation_mode(word: str | None) -> GenerationType | None:
    """The mode a member's word names; None when no word or an unknown one."""
    return GENERATION_MODES.get((word or "").lower())


@dataclass(frozen=True)
class VideoOptions:
    """What a member asked for, before validation; `None` means "not given"."""

    prompt: str
    duration: int | None = None
    resolution: str | None = None
    aspect_ratio: str | None = None
    mode: GenerationType | None = None
    images: Sequence[MediaInput] = ()
    videos: Sequence[MediaInput] = ()
    # Clips the member put in an image option, among `videos` now (`by_kind`): a refused count
    # names them, since "I found 2 images" beside three files put there reads as one lost.
    clips_from_image_options: Sequence[MediaInput] = ()


# Names some servers give these types (`image/jpg` is common for .jpg files).
_TYPE_ALIASES: Mapping[str, str] = {
    "image/jpg": "image/jpeg",
    "image/pjpeg": "image/jpeg",
    "image/x-png": "image/png",
}


def _media_type(media: MediaInput) -> str:
    declared = (media.content_type or "").split(";")[0].strip().lower()
    return _TYPE_ALIASES.get(declared, declared)


def _is_heif(media: MediaInput) -> bool:
    """A HEIC/HEIF picture, by its type, or by its name where its type says nothing."""
    declared = _media_type(media)
    if declared in HEIF_TYPES:
        return True
    return declared in _UNNAMED_TYPES and media.filename.lower().endswith(_HEIF_SUFFIXES)


def _check_files(
    media: Sequence[MediaInput], allowed: frozenset[str], wrong_type_key: str, limit: int
) -> None:
    for item in media:
        if _media_type(item) not in allowed:
            if item.kind_untold and allowed is IMAGE_TYPES:
                # Perhaps a picture: "not supported" would read as "PNGs are refused" to one
                # who sent a PNG. Passed on by link, unread, so only its name can say.
                key = "image_without_extension"
            elif allowed is IMAGE_TYPES and _is_heif(item):
                key = "heic_image"
            else:
                key = wrong_type_key
            raise JobRefused(msg(key, filename=code(item.filename, CODE_CHARS)))
        if not item.url.startswith(("http://", "https://")):
            raise JobRefused(msg("unreachable_file", filename=code(item.filename, CODE_CHARS)))
        if item.size == 0:
            # Nothing to make a video from: APIMart could only fail it, minutes later.
            raise JobRefused(msg("empty_file", filename=code(item.filename, CODE_CHARS)))
        if item.size > limit:
            size, most = _sizes_apart(item.size, limit)
            if not item.size_exact:
                # Only counted until past the limit: its real size is unknown, and a size just
                # past the limit would have the member shrink it a little, to be refused again.
                name = code(item.filename, CODE_CHARS)
                raise JobRefused(msg("file_over_limit", filename=name, limit=most))
            raise JobRefused(
                msg(
                    "file_too_large",
                    filename=code(item.filename, CODE_CHARS),
                    size=size,
                    limit=most,
                )
            )


def _sizes_apart(size: int, limit: int) -> tuple[str, str]:
    """A file's size and the limit in MB, with the decimals it takes to tell them apart and to
    show the limit as more than nothing (19.97 over 19.96, not 20.0 over 20.0); the size
    rounded up, so it never reads as within the limit."""
    for decimals in (1, 2, 3, 4):
        scale = 10**decimals
        shown = f"{math.ceil(size / MIB * scale) / scale:.{decimals}f}"
        most = f"{limit / MIB:.{decimals}f}"
        if shown != most and float(most) > 0:
            break
    return shown, most


def clean_prompt(text: str) -> str:
    """The prompt without surrounding blanks; refused when nothing in it shows, or too long."""
    prompt = text.strip()
    # Zero-width spaces, a braille blank or lone accents would be sent, billed and make a
    # video of nothing: refuse them like an empty prompt.
    if not has_visible(prompt):
        raise JobRefused(msg("blank_prompt"))
    if len(prompt) > MAX_PROMPT_LENGTH:
        raise JobRefused(msg("prompt_too_long", length=len(prompt), limit=MAX_PROMPT_LENGTH))
    return prompt


def check_media(
    images: Sequence[MediaInput],
    videos: Sequence[MediaInput],
    *,
    max_file_bytes: int,
    clips_from_image_options: Sequence[MediaInput] = (),
) -> None:
    """The rules for references alone (counts, types, sizes), so an entry point can check early.

    `clips_from_image_options`: videos the member put in an image option, named as the
    reference video when the images left beside it are a count a video cannot use."""
    # A file that can never be used (a GIF beside a picture) is named before the count, which
    # would have the member add pictures only to be refused for it next.
    _check_files(images, IMAGE_TYPES, "wrong_image_type", max_file_bytes)
    _check_files(videos, VIDEO_TYPES, "wrong_video_type", max_file_bytes)
    moved = [clip for clip in videos if clip in clips_from_image_options]
    if moved and len(videos) > 1:
        # Counted first: which clip is "the" reference video is for the member to say.
        raise JobRefused(msg("too_many_videos", count=len(videos)))
    if len(images) not in ALLOWED_IMAGE_COUNTS:
        if moved:
            name = code(moved[0].filename, CODE_CHARS)
            raise JobRefused(msg("wrong_image_count_beside_clip", filename=name, count=len(images)))
        raise JobRefused(msg("wrong_image_count", count=len(images)))
    if len(videos) > 1:
        raise JobRefused(msg("too_many_videos", count=len(videos)))


def check_media_before_links(
    images: Sequence[MediaInput], videos: Sequence[MediaInput], *, max_file_bytes: int
) -> None:
    """What links read later cannot mend in attached files: too many of them, or one of a
    wrong type or too large (a link may add a picture, never take one away)."""
    _check_files(images, IMAGE_TYPES, "wrong_image_type", max_file_bytes)
    _check_files(videos, VIDEO_TYPES, "wrong_video_type", max_file_bytes)
    if len(images) > max(ALLOWED_IMAGE_COUNTS):
        raise JobRefused(msg("wrong_image_count", count=len(images)))
    if len(videos) > 1:
        raise JobRefused(msg("too_many_videos", count=len(videos)))


def refuse_links_alone(prompt: str) -> None:
    """Refuse a prompt of links alone: they are taken out as references, and "your prompt is
    empty" (or a mention's help for a hello) would read as if they were lost."""
    if has_visible(prompt) and not has_visible(without_links(prompt)):
        raise JobRefused(msg("prompt_only_links"))


def check_before_links(options: VideoOptions, *, max_file_bytes: int) -> None:
    """Everything about /video's options that the links in its prompt cannot change, so it is
    said before they are read: the attached files (`check_media_before_links`), a prompt with
    nothing but links (said so, not "empty"), a length with an attached video, first-frame
    mode with several images."""
    check_media_before_links(options.images, options.videos, max_file_bytes=max_file_bytes)
    refuse_links_alone(options.prompt)
    clean_prompt(without_links(options.prompt))
    if options.videos and options.duration is not None:
        raise JobRefused(msg("duration_with_video"))
    if options.mode == "frame" and len(options.images) > 1:
        raise JobRefused(msg("frame_needs_one_image", count=len(options.images)))


def _generation_type(
    mode: GenerationType | None, image_count: int, *, with_video: bool
) -> GenerationType | None:
    if image_count == 0:
        if mode is not None:
            # Without the mode, a reference video is used as it is: not "text alone".
            key = "mode_needs_images_with_video" if with_video else "mode_needs_images"
            raise JobRefused(msg(key, mode=msg(f"option_{mode}")))
        return None
    if mode == "frame" and image_count != 1:
        raise JobRefused(msg("frame_needs_one_image", count=image_count))
    if mode is None:
        # One picture reads most naturally as the opening shot; three can only be fused. Beside
        # a reference video, pictures are what APIMart takes them for there: who or what is in
        # it, or its composition (references), the video giving the motion.
        return "frame" if image_count == 1 and not with_video else "reference"
    return mode


def validate(options: VideoOptions, *, max_file_bytes: int) -> VideoRequest:
    """Turn a member's options into a request the API will accept, or explain what is wrong."""
    prompt = clean_prompt(options.prompt)

    check_media(
        options.images,
        options.videos,
        max_file_bytes=max_file_bytes,
        clips_from_image_options=options.clips_from_image_options,
    )
    image_count = len(options.images)
    if options.videos and options.duration is not None:
        raise JobRefused(msg("duration_with_video"))

    duration = options.duration
    if duration is not None and duration not in DURATIONS:
        raise JobRefused(msg("bad_duration", value=duration))
    resolution = (options.resolution or DEFAULT_RESOLUTION).lower()
    if resolution not in RESOLUTIONS:
        raise JobRefused(msg("bad_resolution", value=resolution))
    aspect_ratio = options.aspect_ratio or DEFAULT_ASPECT_RATIO
    if aspect_ratio not in ASPECT_RATIOS:
        raise JobRefused(msg("bad_aspect_ratio", value=aspect_ratio))

    generation_type = _generation_type(options.mode, image_count, with_video=bool(options.videos))

    return VideoRequest(
        prompt=prompt,
        # A reference video sets the length, so no duration is sent with one.
        duration=None if options.videos else (duration or DEFAULT_DURATION),
        resolution=resolution,
        aspect_ratio=aspect_ratio,
        generation_type=generation_type,
        image_urls=tuple(image.url for image in options.images),
        video_urls=tuple(video.url for video in options.videos),
    )


def clip_taken_as_video(options: VideoOptions, request: VideoRequest) -> Message | None:
    """What the member reads with "queued" when a clip they put in an image option went ahead
    beside pictures (`request`: as validated): that it is the reference video, and how the
    pictures are used, which the option they chose no longer says. None otherwise (a clip
    alone is plainly the reference video)."""
    moved = [clip for clip in options.videos if clip in options.clips_from_image_options]
    count = len(request.image_urls)
    if not moved or count == 0:
        return None
    if count > 1:
        pictures = msg("clip_beside_fused", count=count)
    elif request.generation_type == "frame":
        pictures = msg("clip_beside_first_frame")
    else:
        pictures = msg("clip_beside_reference")
    name = code(moved[0].filename, CODE_CHARS)
    return msg("clip_used_as_video", filename=name, pictures=pictures)


def check_remix_before_links(
    request: VideoRequest,
    *,
    duration: str | None,
    resolution: str | None,
    aspect_ratio: str | None,
    mode: GenerationType | None = None,
) -> None:
    """What a form's changes to `request` (`remix`) are refused for whatever the links typed
    beside them add (a link adds a reference, never takes the request's own out), so it is
    said before they are read: a length beside its reference video, a value no choice offers,
    first-frame mode beside several of its pictures."""
    if duration is not None and request.video_urls:
        # Only a flag sets one (the form offers no length with a video, nor a way to take the
        # video out): say why it can't, and what to take out.
        raise JobRefused(msg("duration_flag_with_video"))
    if duration is not None and (not duration.isdigit() or int(duration) not in DURATIONS):
        raise JobRefused(msg("bad_duration", value=duration))
    if resolution is not None and resolution not in RESOLUTIONS:
        raise JobRefused(msg("bad_resolution", value=resolution))
    if aspect_ratio is not None and aspect_ratio not in ASPECT_RATIOS:
        raise JobRefused(msg("bad_aspect_ratio", value=aspect_ratio))
    if mode == "frame" and len(request.image_urls) > 1:
        raise JobRefused(msg("frame_needs_one_image", count=len(request.image_urls)))


def remix(
    request: VideoRequest,
    *,
    prompt: str,
    duration: str | None,
    resolution: str | None,
    aspect_ratio: str | None,
    mode: GenerationType | None = None,
    images: Sequence[MediaInput] = (),
    videos: Sequence[MediaInput] = (),
) -> VideoRequest:
    """`request` with a member's changed settings (from a form), checked like a new one.

    `images` and `videos`: references the member added (links typed into the form, their
    files checked already: `check_media_before_links`), after the request's own, which no
    form can take out; counted with them, as /video counts its links with its files."""
    changes: dict[str, object] = {"prompt": clean_prompt(prompt)}
    check_remix_before_links(
        request, duration=duration, resolution=resolution, aspect_ratio=aspect_ratio, mode=mode
    )
    image_urls = (*request.image_urls, *(image.url for image in images))
    video_urls = (*request.video_urls, *(video.url for video in videos))
    if images or videos:
        if len(image_urls) not in ALLOWED_IMAGE_COUNTS:
            raise JobRefused(msg("wrong_image_count", count=len(image_urls)))
        if len(video_urls) > 1:
            raise JobRefused(msg("too_many_videos", count=len(video_urls)))
        changes |= {"image_urls": image_urls, "video_urls": video_urls}
    if videos:
        # A reference video sets the length (the caller said why a length chosen can't be).
        changes["duration"] = None
    elif duration is not None:
        changes["duration"] = int(duration)
    if resolution is not None:
        changes["resolution"] = resolution
    if aspect_ratio is not None:
        changes["aspect_ratio"] = aspect_ratio
    if mode is not None or images or videos:
        # New references are used as /video would use them all (the mode typed, if any).
        changes["generation_type"] = _generation_type(
            mode, len(image_urls), with_video=bool(video_urls)
        )
    return request.model_copy(update=changes)
