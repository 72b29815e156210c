"""Every sentence the bot says to people, in one place: what happened, then what to do."""

from __future__ import annotations

from collections.abc import Iterable

MIB = 1024 * 1024

BLANK_PROMPT = (
    "Your prompt is empty. Describe the scene, subject, action, camera and style you want."
)
DURATION_WITH_VIDEO = (
    "A reference video sets the length of the result, so a duration can't be used with it. "
    "Remove the duration option, or remove the video."
)
MISSING_CHANNEL_PERMISSIONS = (
    "I can't post videos in this channel: I need {missing}. "
    "Ask a moderator to grant them, or use me in another channel."
)
QUEUED = (
    "Your video is queued as job #{job_id}. It usually takes 3-5 minutes; "
    "I'll post it in this channel when it's ready."
)
SERVICE_MISCONFIGURED = (
    "The video service is not set up correctly, so nothing was made and nothing was counted. "
    "The bot's operator has been alerted; please try again later."
)
SERVICE_UNPAID = (
    "Video generation is paused because the service's balance is empty. "
    "Nothing was counted; please try again once a moderator says it's back."
)
SERVICE_BUSY = (
    "The video service is busy right now, so job #{job_id} is saved and waiting. "
    "I'll start it automatically and post it in this channel when it's ready."
)
SERVICE_GAVE_UP = (
    "The video service stayed unavailable for too long, so your video was not made. "
    "It was not counted against you; please try again later."
)
SUBMIT_UNKNOWN = (
    "I sent your request but never heard back, so I can't tell whether the video was started. "
    "It was not counted against you; if nothing arrives, please try again."
)
UNEXPECTED_ERROR = (
    "Something went wrong on my side and your request was not completed. "
    "Please try again; if it keeps happening, tell a moderator."
)


def _human_list(values: Iterable[object]) -> str:
    items = [str(value) for value in values]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def _mib(size: int) -> str:
    return f"{size / MIB:.1f} MB"


def prompt_too_long(length: int, limit: int) -> str:
    """The prompt is over the length limit."""
    return f"Your prompt is {length} characters long. Please shorten it to {limit} or fewer."


def wrong_image_count(count: int) -> str:
    """Two, or four and more, images."""
    return (
        f"I found {count} images, but a video can use 0, 1 or 3: one as the first frame or a "
        "reference, or three to fuse. Remove or add images to match."
    )


def too_many_videos(count: int) -> str:
    """More than one reference video."""
    return f"I found {count} videos, but only 1 reference video can be used. Keep just one."


def mode_needs_images(mode: str) -> str:
    """A mode was chosen without any image."""
    return (
        f"The {mode} mode uses images, but none were attached. "
        "Attach an image, or leave the mode out for a video from text alone."
    )


def frame_needs_one_image(count: int) -> str:
    """First-frame mode with other than one image."""
    return (
        f"First-frame mode uses exactly 1 image, but I found {count}. "
        "Attach one image, or choose reference mode for three."
    )


def wrong_file_type(filename: str, kind: str) -> str:
    """A file that is not the kind of media its option expects."""
    allowed = "PNG, JPEG or WebP" if kind == "image" else "MP4, MOV or WebM"
    return f"`{filename}` is not a supported {kind}. Please attach a {allowed} file instead."


def unreachable_file(filename: str) -> str:
    """A file whose address the video service could not fetch."""
    return f"I can't read `{filename}` from a public address. Please attach the file directly."


def file_too_large(filename: str, size: int, limit: int) -> str:
    """A reference file over the size cap."""
    return (
        f"`{filename}` is {_mib(size)}, over the {_mib(limit)} limit for references. "
        "Please attach a smaller file."
    )


def bad_choice(option: str, value: str, allowed: Iterable[object]) -> str:
    """A value outside an option's choices."""
    return f"`{value}` is not a valid {option}. Choose {_human_list(allowed)}."


_REFUSAL_REASONS = {
    "invalid_duration": "the duration must be 4, 6, 8 or 10 seconds",
    "invalid_resolution": "the resolution must be 720p, 1080p or 4k",
    "unsupported_image_count": "it needs 0, 1 or 3 images (exactly 1 in first-frame mode)",
    "unsupported_video_count": "it accepts at most 1 reference video",
}


def service_refusal_reason(error_type: str | None, message: str) -> str:
    """The API's refusal in plain English (its own message may be in Chinese)."""
    return _REFUSAL_REASONS.get(error_type or "", message)


def rejected_by_service(reason: str) -> str:
    """The API refused the request."""
    return (
        f"The video service refused this request: {reason}. "
        "Nothing was counted; please change the request and try again."
    )


TASK_UNKNOWN_TO_SERVICE = "the video service lost track of this job"
TASK_TIMED_OUT = "the video service did not finish it in time"
TASK_NO_VIDEO = "the video service finished without producing a video"

RESULT_READY = "{mention} your video is ready!"
RESULT_LINK = (
    "{url}\nThe file is too large to upload here; this link expires {expiry}. Save it before then."
)
RESULT_LINK_EXPIRED = (
    "{mention} your video finished, but its download link had already expired before I could "
    "post it. Please run the command again."
)
RESULT_FAILED = "{mention} your video could not be made: {reason}."
RESULT_FAILED_HINT = (
    "Try rephrasing the prompt or using different images; if it keeps failing, tell a moderator."
)
RESULT_TITLE = "Video ready"
RESULT_FAILED_TITLE = "Video not made"
RESULT_DM_NOTE = "(I couldn't post in <#{channel_id}>, so I'm sending this here.)"
FIELD_DURATION = "Duration"
FIELD_RESOLUTION = "Resolution"
FIELD_ASPECT_RATIO = "Aspect ratio"
FIELD_REFERENCES = "References"
FIELD_RENDER_TIME = "Render time"
FIELD_CREDITS = "Credits"
JOB_FOOTER = "Job #{job_id}"
STATUS_QUEUED = (
    "🎬 {mention} asked for a video: {prompt}\n"
    "Queued as job #{job_id}; usually ready in 3-5 minutes."
)
STATUS_WAITING = (
    "🎬 {mention} asked for a video: {prompt}\nJob #{job_id} is waiting for the video service."
)


def references_summary(images: int, generation_type: str | None, videos: int) -> str:
    """How the job used the member's media, e.g. '1 image (first frame) + 1 video'."""
    parts: list[str] = []
    if images:
        use = "first frame" if generation_type == "frame" else "reference"
        parts.append(f"{images} image{'s' if images > 1 else ''} ({use})")
    if videos:
        parts.append("1 video")
    return " + ".join(parts) or "none"
