"""English: every sentence says what happened, then what to do."""

MESSAGES: dict[str, str] = {
    # Validation
    "blank_prompt": (
        "Your prompt is empty. Describe the scene, subject, action, camera and style you want."
    ),
    "prompt_too_long": (
        "Your prompt is {length} characters long. Please shorten it to {limit} or fewer."
    ),
    "wrong_image_count": (
        "I found {count} images, but a video can use 0, 1 or 3: one as the first frame or a "
        "reference, or three to fuse. Remove or add images to match."
    ),
    "too_many_videos": (
        "I found {count} videos, but only 1 reference video can be used. Keep just one."
    ),
    "mode_needs_images": (
        "The {mode} mode uses images, but none were attached. "
        "Attach an image, or leave the mode out for a video from text alone."
    ),
    "frame_needs_one_image": (
        "First-frame mode uses exactly 1 image, but I found {count}. "
        "Attach one image, or choose reference mode for three."
    ),
    "wrong_image_type": (
        "`{filename}` is not a supported image. Please attach a PNG, JPEG or WebP file instead."
    ),
    "wrong_video_type": (
        "`{filename}` is not a supported video. Please attach an MP4, MOV or WebM file instead."
    ),
    "unreachable_file": (
        "I can't read `{filename}` from a public address. Please attach the file directly."
    ),
    "file_too_large": (
        "`{filename}` is {size} MB, over the {limit} MB limit for references. "
        "Please attach a smaller file."
    ),
    "duration_with_video": (
        "A reference video sets the length of the result, so a duration can't be used with it. "
        "Remove the duration option, or remove the video."
    ),
    "bad_duration": "`{value}` is not a valid duration. Choose 4, 6, 8 or 10 seconds.",
    "bad_resolution": "`{value}` is not a valid resolution. Choose 720p, 1080p or 4k.",
    "bad_aspect_ratio": "`{value}` is not a valid aspect ratio. Choose 16:9 or 9:16.",
    "missing_channel_permissions": (
        "I can't post videos in this channel: I need {missing}. "
        "Ask a moderator to grant them, or use me in another channel."
    ),
    # Submitting
    "queued": (
        "Your video is queued as job #{job_id}. It usually takes 3-5 minutes; "
        "I'll post it in this channel when it's ready."
    ),
    "service_misconfigured": (
        "The video service is not set up correctly, so nothing was made and nothing was "
        "counted. The bot's operator has been alerted; please try again later."
    ),
    "service_unpaid": (
        "Video generation is paused because the service's balance is empty. "
        "Nothing was counted; please try again once a moderator says it's back."
    ),
    "service_busy": (
        "The video service is busy right now, so job #{job_id} is saved and waiting. "
        "I'll start it automatically and post it in this channel when it's ready."
    ),
    "service_gave_up": (
        "The video service stayed unavailable for too long, so your video was not made. "
        "It was not counted against you; please try again later."
    ),
    "submit_unknown": (
        "I sent your request but never heard back, so I can't tell whether the video was "
        "started. It was not counted against you; if nothing arrives, please try again."
    ),
    "rejected_by_service": (
        "The video service refused this request: {reason}. "
        "Nothing was counted; please change the request and try again."
    ),
    "refusal_invalid_duration": "the duration must be 4, 6, 8 or 10 seconds",
    "refusal_invalid_resolution": "the resolution must be 720p, 1080p or 4k",
    "refusal_unsupported_image_count": "it needs 0, 1 or 3 images (exactly 1 in first-frame mode)",
    "refusal_unsupported_video_count": "it accepts at most 1 reference video",
    "unexpected_error": (
        "Something went wrong on my side and your request was not completed. "
        "Please try again; if it keeps happening, tell a moderator."
    ),
    # Status in the channel
    "status_queued": (
        "🎬 {mention} asked for a video: {prompt}\n"
        "Queued as job #{job_id}; usually ready in 3-5 minutes."
    ),
    "status_waiting": (
        "🎬 {mention} asked for a video: {prompt}\nJob #{job_id} is waiting for the video service."
    ),
    # Results
    "task_unknown_to_service": "the video service lost track of this job",
    "task_timed_out": "the video service did not finish it in time",
    "task_no_video": "the video service finished without producing a video",
    "result_ready": "{mention} your video is ready!",
    "result_link": (
        "{url}\nThe file is too large to upload here; this link expires {expiry}. "
        "Save it before then."
    ),
    "result_link_expired": (
        "{mention} your video finished, but its download link had already expired before I "
        "could post it. Please run the command again."
    ),
    "result_failed": "{mention} your video could not be made: {reason}.",
    "result_failed_hint": (
        "Try rephrasing the prompt or using different images; if it keeps failing, tell a "
        "moderator."
    ),
    "result_title": "Video ready",
    "result_failed_title": "Video not made",
    "result_dm_note": "(I couldn't post in <#{channel_id}>, so I'm sending this here.)",
    "field_duration": "Duration",
    "field_resolution": "Resolution",
    "field_aspect_ratio": "Aspect ratio",
    "field_references": "References",
    "field_render_time": "Render time",
    "field_credits": "Credits",
    "seconds_value": "{seconds} s",
    "render_time_value": "{minutes}m {seconds}s",
    "job_footer": "Job #{job_id}",
    "references_none": "none",
    "references_images_frame": "{count} image (first frame)",
    "references_images_reference": "{count} image(s) (reference)",
    "references_video": "1 video",
    "expiry_soon": "soon",
}
