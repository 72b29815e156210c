"""Core sentences: validation, submitting, status and results. Say what happened, then what to do."""

EN: dict[str, str] = {
    # Validation
    "blank_prompt": (
        "Your prompt is empty. Describe the scene, subject, action, camera and style you want."
    ),
    # /video's prompt with links and nothing else: a link is a reference, never words.
    "prompt_only_links": (
        "Your prompt is only a link. I use links as references (a picture or a video to work "
        "from), not as words, so nothing says what the video should show. Keep the link and "
        "describe the scene, subject, action, camera and style you want."
    ),
    # A prompt of flags alone (`--res 4k`): read as settings, but nothing says what to show.
    "prompt_only_flags": (
        "I read the settings {flags}, but your prompt still needs a description: flags only "
        "set options. Keep them and describe the scene, subject, action, camera and style you "
        "want."
    ),
    "prompt_too_long": (
        "Your prompt is {length} characters long. Please shorten it to {limit} characters or fewer."
    ),
    # After a refused /video, the long prompt the member typed (Discord cleared their box)
    "video_prompt_back": "Here is the prompt you typed, to change and send with {/video} again:",
    "wrong_image_count": (
        "I found {count} images, but a video can use 0, 1 or 3: one as the first frame or a "
        "reference, or three to fuse. Remove or add images to match (if you're replying to "
        "someone's message, attach the missing ones to your reply: I use the images of both)."
    ),
    # /video with an MP4 in an image option: it is the reference video, the rest are counted
    "wrong_image_count_beside_clip": (
        "`{filename}` is a video, so I'd use it as the reference video, but I found {count} "
        "pictures beside it, and with a video I can use 0, 1 or 3 images: one as the "
        "first frame or a reference, or three to fuse. Add or remove pictures to match, or "
        "remove them all to use the clip alone."
    ),
    # A clip put in an image option, used beside the pictures there: told with "queued"
    "clip_used_as_video": (
        "`{filename}` is a video, so I'm using it as the reference video, with {pictures}."
    ),
    "clip_beside_first_frame": "the picture beside it as the first frame",
    "clip_beside_reference": "the picture beside it as a reference image",
    "clip_beside_fused": "the {count} pictures beside it as references to fuse",
    "note_with_files": "{note}\n{files}",
    "too_many_videos": (
        "I found {count} videos, but only 1 reference video can be used. Keep just one."
    ),
    # /video is no reply: it has no message of someone else's to add images to.
    "wrong_image_count_command": (
        "I found {count} images, but a video can use 0, 1 or 3: one as the first frame or a "
        "reference, or three to fuse. Attach 1 or 3 images (image links in your prompt count "
        "too)."
    ),
    # The same where the message's files cannot be changed: from the "Make a video" menu, or
    # in a reply to another's message that alone holds too many
    "wrong_image_count_menu": (
        "I found {count} images, but a video can use 0, 1 or 3: one as the first frame or a "
        "reference, or three to fuse. Use {/video} with 1 or 3 images instead."
    ),
    "too_many_videos_menu": (
        "I found {count} videos, but only 1 reference video can be used. Use {/video} with the "
        "one you want instead."
    ),
    # The "Make a video" form with links typed into its prompt: the message's files stay, the
    # links add to them (as in /video), and only those links can be changed there.
    "wrong_image_count_menu_links": (
        "I found {count} images, the message's and the image links in your prompt, but a video "
        "can use 0, 1 or 3: one as the first frame or a reference, or three to fuse. This form "
        "keeps the message's images: change the image links in your prompt to match, or use "
        "{/video} with the 1 or 3 you want."
    ),
    "too_many_videos_menu_links": (
        "I found {count} videos, the message's and the video links in your prompt, but only 1 "
        "reference video can be used. This form keeps the message's files: change the video "
        "links in your prompt to leave one, or use {/video} with the one you want."
    ),
    # A reply to another member's message, which the member cannot take files out of: what
    # their reply holds is all they can change (2 pictures there: exactly 1 more makes 3).
    "wrong_image_count_reply_two": (
        "I found {count} images, but a video can use 0, 1 or 3: one as the first frame or a "
        "reference, or three to fuse. The message you replied to has 2, and I use the images "
        "of both messages: reply to it again with exactly 1 image attached to use all 3, or "
        "use {/video} with 1 or 3 images."
    ),
    "wrong_image_count_reply_three": (
        "I found {count} images, but a video can use 0, 1 or 3: one as the first frame or a "
        "reference, or three to fuse. The message you replied to has 3 already, and I use the "
        "images of both messages: reply to it again without images to use those 3, or use "
        "{/video} with the 1 or 3 you want."
    ),
    "too_many_videos_reply": (
        "I found {count} videos, but only 1 reference video can be used, and the message you "
        "replied to has a video already: reply to it again without one to use that video, or "
        "use {/video} with the one you want."
    ),
    # Edit prompt or Remix on a result: its own files stay, the links typed in the form add
    # to them (as in /video), and only those links can be changed there.
    "wrong_image_count_form": (
        "I found {count} images, the video's own and the image links in your prompt, but a "
        "video can use 0, 1 or 3: one as the first frame or a reference, or three to fuse. "
        "This form keeps the video's images: change the image links in your prompt to match, "
        "or use {/video} with the 1 or 3 you want."
    ),
    # The same on a result made without images: the count is the links' alone.
    "wrong_image_count_form_links": (
        "I found {count} images, all from the image links in your prompt, but a video can use "
        "0, 1 or 3: one as the first frame or a reference, or three to fuse. Change the image "
        "links in your prompt to leave 1 or 3."
    ),
    "too_many_videos_form": (
        "I found {count} videos, but only 1 reference video can be used, and the video you "
        "started from was made from one already: take the video link out of your prompt to "
        "use that one, or use {/video} with the one you want."
    ),
    "mode_needs_images": (
        "The {opt_mode} “{mode}” uses images, but none were attached. "
        "Attach an image, or leave out the {opt_mode} (the option, or `--mode` in the prompt) "
        "for a video from text alone."
    ),
    "mode_needs_images_with_video": (
        "The {opt_mode} “{mode}” is for images only, but no image was attached. "
        "Attach an image, or leave out the {opt_mode} (the option, or `--mode` in the prompt) "
        "to use your reference video as it is."
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
    "heic_image": (
        "`{filename}` is a HEIC/HEIF photo (the format iPhones save photos in), which the video "
        "service can't read. Please share it as a JPEG or PNG instead (a screenshot of it is a "
        "PNG) and attach that. To have your iPhone save photos as JPEG from now on, choose "
        "Settings › Camera › Formats › Most Compatible."
    ),
    # An attachment neither Discord's type nor its name tells the kind of: perhaps a picture.
    "image_without_extension": (
        "`{filename}` has no file extension that says what kind of file it is, and Discord "
        "doesn't say either, so I can't use it as a picture. If it is a PNG, JPEG or WebP image, "
        "rename it to end in `.png`, `.jpg` or `.webp` and upload it again, or paste the picture "
        "itself into Discord."
    ),
    "unreachable_file": (
        "I can't read `{filename}` from a public address. Please attach the file directly."
    ),
    "file_too_large": (
        "`{filename}` is {size} MB, over the {limit} MB limit for references. "
        "Please attach a smaller file."
    ),
    "file_over_limit": (
        "`{filename}` is larger than the {limit} MB limit for references. "
        "Please attach a smaller file."
    ),
    "empty_file": "`{filename}` is empty (0 bytes), so there is nothing to use. Please attach it again.",
    "duration_flag_with_video": (
        "This video was made from a reference video, which sets its length, so a duration "
        "can't be used with it: take the duration flag (`--duration`, `--dur`) out of the "
        "prompt."
    ),
    "duration_with_video": (
        "A reference video sets the length of the result, so a duration can't be used with it. "
        "Remove the {opt_duration} (the option, or `--duration` in the prompt), or remove the "
        "video."
    ),
    "duration_chosen_with_video_link": (
        "That link is a video, and a reference video sets the length of the result, so it "
        "can't be {seconds} s. Nothing was made or counted. Open the form again and leave "
        "**Duration** as it opens to make it as long as the video."
    ),
    "duration_flag_beside_video": (
        "A reference video sets the length of the result, so it can't be {seconds} s. "
        "Nothing was made or counted. Open the form again and take the duration flag "
        "(`--duration`, `--dur`) out of the prompt to make it as long as the video."
    ),
    "bad_duration": "`{value}` is not a valid duration. Choose 4, 6, 8 or 10 seconds.",
    "bad_resolution": "`{value}` is not a valid resolution. Choose 720p, 1080p or 4K.",
    "bad_aspect_ratio": "`{value}` is not a valid aspect ratio. Choose 16:9 or 9:16.",
    "permission_send_messages": "Send Messages",
    "permission_send_messages_in_threads": "Send Messages in Threads",
    "permission_embed_links": "Embed Links",
    "permission_attach_files": "Attach Files",
    "permission_read_message_history": "Read Message History",
    "permission_view_channel": "View Channel",
    "permission_manage_threads": "Manage Threads (the thread is locked)",
    # Above an answer sent by DM because the channel it was for takes no post from the bot.
    "dm_about_channel": "About your message in <#{channel_id}>:",
    "missing_channel_permissions": (
        "I can't post videos in this channel, so nothing was made and nothing was counted: "
        "I need {missing}. Ask a moderator to grant {them}, or use me in another channel."
    ),
    # A moderator timed the bot out: Discord lets it post nowhere in the server until then.
    "bot_timed_out": (
        "A moderator has timed me out until <t:{until}:f>, so I can't post in this server "
        "until then; nothing was counted. Ask a moderator to remove the timeout, or use me "
        "after it ends."
    ),
    "member_cannot_post_here": (
        "You can't post in this channel, so I won't post a video here for you either. "
        "Use me in a channel where you can write; nothing was counted."
    ),
    "channel_refuses_posts": (
        "Discord doesn't let me post in this channel (in a private thread, add me to it first), "
        "so I didn't make this video and nothing was counted."
    ),
    # The server's AutoMod blocked the announcement quoting the prompt: closed unsent
    "automod_blocks_prompt": (
        "This server's AutoMod blocks a word in your prompt, so I can't post about it in this "
        "channel: I didn't make this video and nothing was counted. Please rephrase the prompt."
    ),
    # A server that added only the bot's commands (scope applications.commands): no bot member
    # to post with.
    "commands_only_server": (
        "This server added only my commands, not the bot itself, so I can't post videos here: "
        "nothing was made and nothing was counted. Ask a server admin to add the bot to the "
        "server."
    ),
    # The bot's own DM with the member: their privacy settings or a block keep it out (50007).
    "dm_refuses_posts": (
        "Discord doesn't let me send messages in our DM (your privacy settings or a block keep "
        "me out), so I didn't make this video and nothing was counted. Allow me to message "
        "you, then ask again."
    ),
    # Submitting
    # Where "queued" says the video goes ({where}): the place the member asked in.
    "where_channel": "in this channel",
    "where_thread": "in this thread",
    "where_forum_post": "in this post",
    "where_dm": "in our DM",
    # A video coming back through the interaction (its own install), or by DM from the start
    "where_reply_here": (
        "right here (or by direct message, if it takes longer than Discord lets me answer here)"
    ),
    "where_reply_dm": "to you by direct message",
    "queued": (
        "Your video is queued as job #{job_id}. It usually takes {typical}; "
        "I'll post it {where} when it's ready."
    ),
    "queued_waiting_for_slot": (
        "Your video is saved as job #{job_id}. This server allows {limit} videos at a time, "
        "so it starts as soon as one of them is done; I'll post it {where} when it's "
        "ready."
    ),
    # Behind other videos waiting for the server's slots: no "as soon as one is done".
    "queued_waiting_in_line": (
        "Your video is saved as job #{job_id}. This server allows {limit} videos at a time, "
        "and yours is number {position} in line for a free one; I'll post it {where} "
        "when it's ready."
    ),
    "queued_waiting_in_line_one": (
        "Your video is saved as job #{job_id}. This server allows 1 video at a time, and "
        "yours is number {position} in line; I'll post it {where} when it's ready."
    ),
    "queued_waiting_for_slot_one": (
        "Your video is saved as job #{job_id}. This server allows 1 video at a time, so it "
        "starts as soon as the one being made is done; I'll post it {where} when it's "
        "ready."
    ),
    # Image links that were not used, told before anything is sent
    "links_skipped": (
        "I'll go on without {count} I can't use: {links}. Nothing is counted for what I leave out."
    ),
    "nothing_usable": (
        "I can't use {count}: {links}, and there was nothing else to use, so I made nothing "
        "and nothing was counted. Point me to a PNG, JPEG or WebP image (or a video), or use "
        "{/video} for a video from your prompt alone."
    ),
    "nothing_usable_in_prompt": (
        "I can't use {count}: {links}, and there was nothing else to use, so I made nothing "
        "and nothing was counted. Link a PNG, JPEG or WebP image (or a video), or take "
        "{them} out of your prompt for a video from its words alone."
    ),
    "links_unused": "Also, I couldn't use {count}: {links}.",
    "link_skipped_item": "`{link}` ({reason})",
    "link_skipped_item_hidden": "||`{link}`|| ({reason})",
    "link_reason_not_media": "not an image or a video",
    "link_reason_untold": (
        "Discord doesn't say what kind of file it is, and its name has no extension: if it's a "
        "picture, rename it to end in `.png`, `.jpg` or `.webp` and upload it again"
    ),
    "link_reason_unreachable": "could not be reached",
    "link_reason_blocked": "a private or local address, which I never fetch",
    "link_reason_sticker": "a sticker, which the video service cannot use",
    "link_reason_password": "it carries a user name or password, which I never pass on",
    "link_reason_port": "a port other than the web's 80 and 443, which I never fetch",
    "too_many_links": (
        "You've given me a lot of links to check in the last few minutes, so I'm not checking "
        "these. Nothing was made and nothing was counted. You can send me links again {when}, "
        "or attach the pictures instead."
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
        "I'll start it automatically as soon as the service can take it and post it {where} "
        "when it's ready; if it stays busy too long, I'll tell you, and nothing will be "
        "counted."
    ),
    "service_gave_up": (
        "The video service stayed unavailable for too long, so your video was not made. "
        "It was not counted against you; please try again later."
    ),
    "submit_unknown": (
        "I sent your request but never heard back, so I can't tell whether the video was "
        "started, and if it was, I can't post it. Since the video service may be making it, "
        "it counts toward your allowance. Please try again later."
    ),
    "rejected_by_service": (
        "The video service refused this request: {reason}. "
        "Nothing was counted; please change the request and try again."
    ),
    "service_reused_task": (
        "The video service answered with an earlier video instead of starting a new one, "
        "so nothing was made or counted. Please try again."
    ),
    "refusal_invalid_duration": "the duration must be 4, 6, 8 or 10 seconds",
    "refusal_invalid_resolution": "the resolution must be 720p, 1080p or 4K",
    "refusal_unsupported_image_count": "it needs 0, 1 or 3 images (exactly 1 in first-frame mode)",
    "refusal_unsupported_video_count": "it accepts at most 1 reference video",
    "refusal_invalid_request_error": "it could not read the request as sent",
    "refusal_content_policy": "its content check refused the prompt or the pictures",
    "refusal_unexplained": "it did not say why",
    "admission_busy": (
        "I couldn't take this request yet: I'm still busy with one that came just before it. "
        "Nothing was made or counted; please try again in a minute."
    ),
    "database_unavailable": (
        "I can't reach my database right now, so I couldn't take this request. "
        "Nothing was made or counted; please try again in a minute."
    ),
    "unexpected_error": (
        "Something went wrong on my side and your request was not completed. "
        "Please try again; if it keeps happening, tell a moderator."
    ),
    # Outside servers that added the bot: no moderator there has a say over it.
    "unexpected_error_personal": (
        "Something went wrong on my side and your request was not completed. "
        "Please try again; the bot's operator can see what went wrong in its log."
    ),
    "job_saved_after_error": (
        "Something went wrong on my side after job #{job_id} was saved, but it is not lost: "
        "I'll carry on with it. Check it with {/videos status} rather than asking again, "
        "which would make a second video."
    ),
    # Recording the job failed, and the database could not say whether it was recorded.
    "job_save_unknown": (
        "Something went wrong on my side while saving your request, and I can't tell yet "
        "whether it was saved. Look with {/videos status} in a minute before asking again: "
        "if it is listed there, I'll make it; if not, nothing was counted."
    ),
    "job_saved_at_restart": (
        "I'm restarting right now. Job #{job_id} is saved, and I'll carry on with it as soon "
        "as I'm back: follow it with {/videos status} rather than asking again, which would "
        "make a second video."
    ),
    # Results
    "task_unknown_to_service": "the video service lost track of this job",
    "task_timed_out": "the video service did not finish it in time",
    "task_no_video": "the video service finished without producing a video",
    "result_ready": "{mention} your video is ready!",
    "result_link": ("{url}\nThe file is too large to upload here, so here is its link. {save}"),
    "result_link_unposted": (
        "{url}\nI may not have been able to post the video here, so here is its link. {save}"
    ),
    "result_link_files_refused": (
        "{url}\nI'm not allowed to attach files here, so here is its link. {save}"
    ),
    "result_link_not_attached": (
        "{url}\nDiscord would not let me attach the file here, so here is its link. {save}"
    ),
    "result_link_expired": (
        "{mention} your video finished, but its download link had already expired before I "
        "could post it. Please ask for it again."
    ),
    # A post of the link, edited once the link expired: the link is gone from it (it leads
    # nowhere), and when it expired is said as a moment that stays true.
    "result_link_lapsed": (
        "{mention} your video was posted here as its link, which expired {expiry}: it can no "
        "longer be watched or saved from here."
    ),
    "result_failed_hint": (
        "Try rephrasing the prompt or using different images; if it keeps failing, tell a "
        "moderator."
    ),
    # Outside servers that added the bot: no moderator has a say over it there.
    "result_failed_hint_personal": "Try rephrasing the prompt or using different images.",
    # Why a render failed, in plain words, and whether it counted (APIMart bills a failed task 0)
    "failure_moderation": (
        "{mention} the video service's content check refused job #{job_id}, so no video was "
        "made. It was not counted against you. Please rephrase the prompt (or use other "
        "images) and try again."
    ),
    "failure_upstream_busy": (
        "{mention} the video service was overloaded or out of capacity and could not make job "
        "#{job_id}. It was not counted against you; nothing is wrong with your request, so "
        "please try again later."
    ),
    "failure_upstream_timeout": (
        "{mention} the video service ran out of time on job #{job_id} and gave up. It was not "
        "counted against you; please try again later."
    ),
    "failure_service_cancelled": (
        "{mention} the video service cancelled job #{job_id} on its side, so no video was "
        "made. It was not counted against you; please try again later."
    ),
    "failure_service_said": "The video service said: {reason}.",
    # A failed render's cause, for a reader of another language than APIMart's words
    "cause_moderation": "the video service's content check refused the prompt or the pictures",
    "cause_upstream_busy": "the video service was overloaded or out of capacity",
    "cause_upstream_timeout": "the video service ran out of time and gave up",
    "cause_other": "the video service could not make it (its own words are in another language)",
    "failure_try_again": "Please try again; if it keeps happening, tell a moderator.",
    "failure_try_again_personal": "Please try again.",
    "failure_other": (
        "{mention} the video service could not make job #{job_id}: {reason}. It was not "
        "counted against you."
    ),
    "failure_billed_no_video": (
        "{mention} the video service charged for job #{job_id} but sent no video. Since it "
        "was charged, it counts toward your allowance; please tell a moderator."
    ),
    "failure_billed_no_video_personal": (
        "{mention} the video service charged for job #{job_id} but sent no video. Since it "
        "was charged, it counts toward your allowance."
    ),
    "failure_timed_out": (
        "{mention} job #{job_id} took longer than this bot waits, so I stopped waiting. The "
        "video service may still finish and bill it, so it counts toward your allowance. If "
        "it finishes by {until}, I'll post it here."
    ),
    "result_title": "Video ready",
    # The video's alt text: what a screen reader says of it
    "result_video_alt": "Video made from the prompt: {prompt}",
    "result_failed_title": "Video not made",
    "result_lapsed_title": "Video link expired",
    "result_dm_note": "(I couldn't post in <#{channel_id}>, so I'm sending this here.)",
    "result_dm_note_unsure": (
        "(I can no longer see <#{channel_id}>'s messages, so I couldn't check whether my earlier"
        " post there went through; I'm sending this here too.)"
    ),
    # A result posted without the prompt: the server's AutoMod blocked the post quoting it
    "result_prompt_hidden": "-# The prompt is not shown here: this server's AutoMod blocked it.",
    # ... and the video service's own reason, which may quote the prompt, left out with it
    "result_reason_hidden": "its reason is not shown here, as it may quote the prompt",
    "result_dm_note_automod": (
        "(The server's AutoMod blocked my post in <#{channel_id}>, so I'm sending this here.)"
    ),
    "field_duration": "Duration",
    "field_resolution": "Resolution",
    "field_aspect_ratio": "Aspect ratio",
    "field_references": "References",
    "field_render_time": "Render time",
    "field_credits": "Credits",
    "seconds_value": "{seconds} s",
    "render_time_value": "{minutes}m {seconds}s",
    "render_time_hours_value": "{hours}h {minutes}m",
    "job_footer": "Job #{job_id}",
    "references_none": "none",
    "references_images_frame": "{count} image (first frame)",
    "references_images_reference": "{count} image (reference)|{count} images (reference)",
    "references_video": "1 video",
    # Counted phrases: "one|other" in English (see bot.i18n.Plural); one form in Chinese
    "count_videos": "{count} video|{count} videos",
    "count_links": "{count} link|{count} links",
    "count_files": "{count} file|{count} files",
    "count_references": "{count} link or file|{count} links and files",
    "count_stickers": "{count} sticker|{count} stickers",
    "count_more_channels": "{count} more channel|{count} more channels",
    "count_more_roles": "{count} more role|{count} more roles",
    "count_more_members": "{count} more member|{count} more members",
    "count_more_prompts_refused": (
        "{count} more of their prompts was refused|{count} more of their prompts were refused"
    ),
    "count_more_lines": "{count} more line|{count} more lines",
    "count_them_links": "the link|those links",
    "count_them_permissions": "it|them",
    "count_seconds": "{count} second|{count} seconds",
    "count_minutes": "{count} minute|{count} minutes",
    "count_hours": "{count} hour|{count} hours",
    "count_days": "{count} day|{count} days",
    "count_servers": "{count} server|{count} servers",
    # How long APIMart's link to a video works: until its end, said as a moment that stays
    # true ("end_moment"); when APIMart named none, no end the bot does not know ("soon").
    "link_save_before": "Save the video before the link expires: {expiry}.",
    "link_save_no_end": "Save the video now: the link may stop working after a while.",
    "link_end_known": "its link expires: {expiry}",
    "link_end_unknown": "the link may stop working after a while",
    # An end said in a post that stays (a link's, the checks on a render given up on), true
    # whenever it is read: the day and hour, and how long from now or ago ("expires in 5
    # hours" read later would say "expires 2 days ago")
    "end_moment": "{moment} ({relative})",
    "help_text": (
        "**{/video}** makes a 4-10 second video from your prompt; when it is queued, I say how "
        "long videos like it usually take here.\n"
        "- `{opt_duration}` 4, 6, 8 or 10 s; `{opt_resolution}` 720p, 1080p or 4K; "
        "`{opt_aspect_ratio}` 16:9 or 9:16.\n"
        "- Attach 1 image (first frame, or reference with `{opt_mode}`) or 3 images to fuse; "
        "1 reference video for motion goes alone or with them (images are then references; no "
        "duration).\n"
        "- Describe scene, subject, action, camera, style and sound for the best results."
    ),
    # The other ways to ask in /videos help: only those that work where it was asked.
    "help_also_replies": (
        "- Also: mention me with a prompt (attach images to use them), reply to a message with "
        "images and mention me with a prompt, or use Apps → Make a video on it."
    ),
    "help_also_mentions": (
        "- Also: mention me with a prompt (attach images to use them), or use Apps → Make a "
        "video on a message with images."
    ),
    "help_also_menu": "- Also: use Apps → Make a video on a message with images.",
    # A server that added only the bot's commands: no way to ask works there.
    "help_commands_only": (
        "- Here: this server added only my commands, not the bot itself, so I can't make "
        "videos in it ({/video}, a mention and Apps → Make a video all fail here). Ask a "
        "server admin to add the bot to the server."
    ),
    "help_afterwards": (
        "- Afterwards: {/videos status}, {/videos history} and {/videos cancel} for your "
        "videos, {/videos quota} for what you have left. Under a result, Regenerate, Edit "
        "prompt and Remix make a new video (it counts like any other)."
    ),
    # Where the bot is no member (a group DM, a server without it): a result posted there
    # through the command has no buttons; one sent by DM has them.
    "help_afterwards_no_buttons": (
        "- Afterwards: {/videos status}, {/videos history} and {/videos cancel} for your "
        "videos, {/videos quota} for what you have left. A result posted here has no buttons "
        "(I am not a member here): use {/video} again for another take. A result I send you by "
        "direct message has Regenerate, Edit prompt and Remix under it."
    ),
}

ZH: dict[str, str] = {
    # Validation
    "blank_prompt": "你的提示词是空的。请描述你想要的场景、主体、动作、镜头和风格。",
    "prompt_only_links": (
        "你的提示词只有链接。链接会被用作参考（作为素材的图片或视频），而不是文字，"
        "所以没有内容说明视频要表现什么。请保留链接，并描述你想要的场景、主体、动作、镜头和风格。"
    ),
    "prompt_only_flags": (
        "我已读取设置 {flags}，但你的提示词还需要一段描述：参数只用来设置选项。"
        "请保留它们，并描述你想要的场景、主体、动作、镜头和风格。"
    ),
    "prompt_too_long": "你的提示词有 {length} 个字符。请缩短到 {limit} 个字符以内。",
    "video_prompt_back": "这是你刚才输入的提示词，修改后可以再用 {/video} 发送：",
    "wrong_image_count": (
        "我找到了 {count} 张图片，但视频只能使用 0、1 或 3 张：1 张作为首帧或参考图，"
        "或 3 张融合参考。请增减图片后再试（回复别人的消息时，可以在你的回复里附上缺的图片：两条消息的图片我都会用）。"
    ),
    "wrong_image_count_beside_clip": (
        "`{filename}` 是视频，我会把它用作参考视频；但它旁边还有 {count} 张图片，"
        "而和视频一起只能使用 0、1 或 3 张图片：1 张作为首帧或参考图，或 3 张融合参考。"
        "请增减图片后再试，或去掉所有图片、只用这段视频。"
    ),
    "clip_used_as_video": "`{filename}` 是视频，所以我把它用作参考视频，{pictures}。",
    "clip_beside_first_frame": "旁边的图片作为首帧",
    "clip_beside_reference": "旁边的图片作为参考图",
    "clip_beside_fused": "旁边的 {count} 张图片作为融合参考",
    "note_with_files": "{note}\n{files}",
    "too_many_videos": "我找到了 {count} 个视频，但只能使用 1 个参考视频。请只保留一个。",
    "wrong_image_count_command": (
        "我找到了 {count} 张图片，但视频只能使用 0、1 或 3 张：1 张作为首帧或参考图，"
        "或 3 张融合参考。请附上 1 张或 3 张图片（提示词中的图片链接也算在内）。"
    ),
    "wrong_image_count_menu": (
        "我找到了 {count} 张图片，但视频只能使用 0、1 或 3 张：1 张作为首帧或参考图，"
        "或 3 张融合参考。请改用 {/video} 并附上 1 或 3 张图片。"
    ),
    "too_many_videos_menu": "我找到了 {count} 个视频，但只能使用 1 个参考视频。请改用 {/video} 并附上你想用的那一个。",
    "wrong_image_count_menu_links": (
        "我找到了 {count} 张图片（消息中的图片加上你提示词中的图片链接），但视频只能使用 0、1 或 3 张："
        "1 张作为首帧或参考图，或 3 张融合参考。这个表单会保留消息中的图片：请调整提示词中的图片链接，"
        "或改用 {/video} 并附上你想用的 1 或 3 张。"
    ),
    "too_many_videos_menu_links": (
        "我找到了 {count} 个视频（消息中的视频加上你提示词中的视频链接），但只能使用 1 个参考视频。"
        "这个表单会保留消息中的文件：请调整提示词中的视频链接，只留下一个；"
        "或改用 {/video} 并附上你想用的那一个。"
    ),
    "wrong_image_count_reply_two": (
        "我找到了 {count} 张图片，但视频只能使用 0、1 或 3 张：1 张作为首帧或参考图，"
        "或 3 张融合参考。你回复的消息有 2 张，两条消息的图片我都会用：请再回复它一次并只附上 "
        "1 张图片，凑成 3 张；或改用 {/video} 并附上 1 或 3 张图片。"
    ),
    "wrong_image_count_reply_three": (
        "我找到了 {count} 张图片，但视频只能使用 0、1 或 3 张：1 张作为首帧或参考图，"
        "或 3 张融合参考。你回复的消息已有 3 张，两条消息的图片我都会用：请再回复它一次且不附图片，"
        "以使用这 3 张；或改用 {/video} 并附上你想用的 1 或 3 张。"
    ),
    "too_many_videos_reply": (
        "我找到了 {count} 个视频，但只能使用 1 个参考视频，而你回复的消息已有一个视频："
        "请再回复它一次且不附视频，以使用那个视频；或改用 {/video} 并附上你想用的那一个。"
    ),
    "wrong_image_count_form": (
        "我找到了 {count} 张图片（原视频的图片加上你提示词中的图片链接），但视频只能使用 0、1 或 3 张："
        "1 张作为首帧或参考图，或 3 张融合参考。这个表单会保留原视频的图片：请调整提示词中的图片链接，"
        "或改用 {/video} 并附上你想用的 1 或 3 张。"
    ),
    "wrong_image_count_form_links": (
        "我找到了 {count} 张图片（都来自你提示词中的图片链接），但视频只能使用 0、1 或 3 张："
        "1 张作为首帧或参考图，或 3 张融合参考。请调整提示词中的图片链接，留下 1 或 3 张。"
    ),
    "too_many_videos_form": (
        "我找到了 {count} 个视频，但只能使用 1 个参考视频，而原视频已经用了一个参考视频："
        "请从提示词中去掉视频链接以沿用那个视频；或改用 {/video} 并附上你想用的那一个。"
    ),
    "mode_needs_images": (
        "{opt_mode}「{mode}」需要图片，但没有附加任何图片。"
        "请附加一张图片，或不选{opt_mode}（选项，或提示词中的 `--mode`）以仅用文字生成视频。"
    ),
    "mode_needs_images_with_video": (
        "{opt_mode}「{mode}」只用于图片，但没有附加任何图片。"
        "请附加一张图片，或不选{opt_mode}（选项，或提示词中的 `--mode`），直接使用你的参考视频。"
    ),
    "frame_needs_one_image": (
        "首帧模式只能使用 1 张图片，但我找到了 {count} 张。请只附加一张图片，或选择参考模式使用三张。"
    ),
    "wrong_image_type": "`{filename}` 不是支持的图片格式。请改为附加 PNG、JPEG 或 WebP 文件。",
    "wrong_video_type": "`{filename}` 不是支持的视频格式。请改为附加 MP4、MOV 或 WebM 文件。",
    "heic_image": (
        "`{filename}` 是 HEIC/HEIF 照片（iPhone 保存照片所用的格式），视频服务无法读取。"
        "请改为以 JPEG 或 PNG 格式分享（截图就是 PNG），再附加上来。"
        "想让 iPhone 以后直接保存为 JPEG，可在「设置 › 相机 › 格式」中选择「兼容性最佳」。"
    ),
    "image_without_extension": (
        "`{filename}` 没有能说明文件类型的扩展名，Discord 也没有说明，所以我无法把它当作图片使用。"
        "如果它是 PNG、JPEG 或 WebP 图片，请把它重命名为以 `.png`、`.jpg` 或 `.webp` 结尾，再重新上传，"
        "或直接把图片本身粘贴到 Discord。"
    ),
    "unreachable_file": "我无法通过公开地址读取 `{filename}`。请直接上传该文件。",
    "file_too_large": (
        "`{filename}` 大小为 {size} MB，超过了参考文件 {limit} MB 的上限。请附加更小的文件。"
    ),
    "file_over_limit": "`{filename}` 超过了参考文件 {limit} MB 的上限。请附加更小的文件。",
    "empty_file": "`{filename}` 是空文件（0 字节），没有可用的内容。请重新附加。",
    "duration_flag_with_video": "这个视频是用参考视频生成的，时长由参考视频决定，因此不能指定时长：请从提示词中去掉时长标记（`--duration`、`--dur`）。",
    "duration_with_video": (
        "参考视频决定了结果的时长，因此不能同时指定时长。"
        "请去掉「{opt_duration}」（选项，或提示词中的 `--duration`），或去掉视频。"
    ),
    "duration_chosen_with_video_link": (
        "这个链接是视频，参考视频决定结果的时长，所以不能生成 {seconds} 秒的视频。"
        "没有生成视频，也没有计入额度。请重新打开表单，「时长」保持打开时的默认值，成片就会和视频一样长。"
    ),
    "duration_flag_beside_video": (
        "参考视频决定结果的时长，所以不能生成 {seconds} 秒的视频。没有生成视频，也没有计入额度。"
        "请重新打开表单，从提示词中去掉时长标记（`--duration`、`--dur`），成片就会和视频一样长。"
    ),
    "bad_duration": "`{value}` 不是有效的时长。请选择 4、6、8 或 10 秒。",
    "bad_resolution": "`{value}` 不是有效的分辨率。请选择 720p、1080p 或 4K。",
    "bad_aspect_ratio": "`{value}` 不是有效的画面比例。请选择 16:9 或 9:16。",
    # As a Chinese Discord client names them in the channel settings
    "permission_send_messages": "发送消息",
    "permission_send_messages_in_threads": "在子区中发送消息",
    "permission_embed_links": "嵌入链接",
    "permission_attach_files": "附加文件",
    "permission_read_message_history": "阅读消息历史记录",
    "permission_view_channel": "查看频道",
    "permission_manage_threads": "管理子区（此子区已锁定）",
    "dm_about_channel": "关于你在 <#{channel_id}> 发的消息：",
    "missing_channel_permissions": (
        "我无法在此频道发布视频（没有生成视频，也没有计入额度），因为缺少以下权限：{missing}。"
        "请让管理员授予{them}，或在其他频道使用我。"
    ),
    "bot_timed_out": (
        "管理员已将我禁言至 <t:{until}:f>，在此之前我无法在这个服务器发消息；没有计入额度。"
        "请让管理员解除禁言，或在禁言结束后再使用我。"
    ),
    "member_cannot_post_here": "你不能在此频道发言，所以我也不会替你在这里发布视频。请在你可以发言的频道使用我；没有计入额度。",
    "channel_refuses_posts": "Discord 不允许我在此频道发消息（如果是私密子区，请先把我加进去），所以这个视频没有生成，也没有计入额度。",
    "automod_blocks_prompt": (
        "本服务器的 AutoMod 拦截了你提示词中的某个词，我无法在这个频道发布相关消息，"
        "所以这个视频没有生成，也没有计入额度。请改写提示词。"
    ),
    "commands_only_server": "这个服务器只添加了我的命令，没有添加机器人本身，所以我无法在这里发布视频：没有生成视频，也没有计入额度。请让服务器管理员把机器人添加到服务器。",
    "dm_refuses_posts": (
        "Discord 不允许我在我们的私信中发消息（你的隐私设置或屏蔽阻止了我），所以这个视频没有生成，"
        "也没有计入额度。请允许我给你发消息，然后再试一次。"
    ),
    # Submitting
    "where_channel": "这个频道",
    "where_thread": "这个子区",
    "where_forum_post": "这个帖子",
    "where_dm": "我们的私信",
    "where_reply_here": "这里（如果超过了 Discord 允许我在这里回复的时间，则改为私信发给你）",
    "where_reply_dm": "你的私信",
    "queued": "你的视频已排队，任务编号 #{job_id}。通常需要{typical}，完成后我会发到{where}。",
    "queued_waiting_for_slot": (
        "你的视频已保存为任务 #{job_id}。本服务器同时只允许生成 {limit} 个视频，"
        "等其中一个完成，你的视频就会开始生成；生成好后我会发到{where}。"
    ),
    "queued_waiting_in_line": (
        "你的视频已保存为任务 #{job_id}。本服务器同时只允许生成 {limit} 个视频，"
        "你的视频在等待空位的队列中排第 {position} 位；生成好后我会发到{where}。"
    ),
    "queued_waiting_in_line_one": (
        "你的视频已保存为任务 #{job_id}。本服务器同时只允许生成 1 个视频，"
        "你的视频在队列中排第 {position} 位；生成好后我会发到{where}。"
    ),
    "queued_waiting_for_slot_one": (
        "你的视频已保存为任务 #{job_id}。本服务器同时只允许生成 1 个视频，"
        "等正在生成的那个完成，你的视频就会开始生成；生成好后我会发到{where}。"
    ),
    "links_skipped": "有 {count}我无法使用，将略过它们继续：{links}。略过的内容不计入额度。",
    "nothing_usable": (
        "要用的素材中有 {count}我无法使用：{links}，而且没有其他可用的素材，因此我没有生成视频，也没有计入额度。"
        "请给我 PNG、JPEG 或 WebP 图片（或一个视频），或使用 {/video} 只用提示词生成视频。"
    ),
    "nothing_usable_in_prompt": (
        "要用的素材中有 {count}我无法使用：{links}，而且没有其他可用的素材，"
        "因此我没有生成视频，也没有计入额度。请改用 PNG、JPEG 或 WebP 图片（或视频）"
        "的链接，或从提示词中去掉{them}，只用文字生成视频。"
    ),
    "links_unused": "另外，有 {count}我无法使用：{links}。",
    "link_skipped_item": "`{link}`（{reason}）",
    "link_skipped_item_hidden": "||`{link}`||（{reason}）",
    "link_reason_not_media": "既不是图片也不是视频",
    "link_reason_untold": (
        "Discord 没有说明它是什么文件，文件名也没有扩展名：如果它是图片，"
        "请把它重命名为以 `.png`、`.jpg` 或 `.webp` 结尾，再重新上传"
    ),
    "link_reason_unreachable": "无法访问",
    "link_reason_blocked": "私有或本地地址，我从不读取",
    "link_reason_sticker": "贴纸，视频服务无法使用",
    "link_reason_password": "链接中带有用户名或密码，我从不转发",
    "link_reason_port": "80 和 443 以外的端口，我从不读取",
    "too_many_links": (
        "你最近几分钟让我检查的链接太多了，这次的链接我先不检查。没有生成视频，也没有计入额度。"
        "{when} 可以再发送链接，或直接把图片作为附件发送。"
    ),
    "service_misconfigured": (
        "视频服务配置有误，因此没有生成视频，也没有计入你的额度。已通知机器人运营者，请稍后再试。"
    ),
    "service_unpaid": (
        "视频服务的余额已用完，视频生成已暂停。没有计入你的额度；请等管理员通知恢复后再试。"
    ),
    "service_busy": (
        "视频服务当前繁忙，任务 #{job_id} 已保存并在等待。我会在服务可以接收时自动开始，完成后发到"
        "{where}；如果繁忙持续太久，我会告诉你，并且不会计入额度。"
    ),
    "service_gave_up": ("视频服务长时间不可用，因此视频没有生成。没有计入你的额度；请稍后再试。"),
    "submit_unknown": (
        "我已发送你的请求，但没有收到回应，无法确定视频是否已开始生成；即使已开始，我也无法发布它。"
        "由于视频服务可能正在生成，它会计入你的额度。请稍后再试。"
    ),
    "rejected_by_service": "视频服务拒绝了这个请求：{reason}。没有计入你的额度；请修改请求后重试。",
    "service_reused_task": "视频服务没有开始新的视频，而是返回了之前一个视频的任务，所以没有生成也没有计入额度。请重试。",
    "refusal_invalid_duration": "时长必须是 4、6、8 或 10 秒",
    "refusal_invalid_resolution": "分辨率必须是 720p、1080p 或 4K",
    "refusal_unsupported_image_count": "图片数量必须是 0、1 或 3 张（首帧模式只能 1 张）",
    "refusal_unsupported_video_count": "最多只能使用 1 个参考视频",
    "refusal_invalid_request_error": "它无法解析收到的请求",
    "refusal_content_policy": "提示词或图片未通过它的内容审核",
    "refusal_unexplained": "它没有说明原因",
    "admission_busy": "我还在处理刚才的一个请求，暂时无法接收这个请求。没有生成视频，也没有计入额度；请一分钟后再试。",
    "database_unavailable": "我现在无法连接到我的数据库，所以没能接收这个请求。没有生成视频，也没有计入额度；请一分钟后再试。",
    "unexpected_error": "我这边出了问题，你的请求没有完成。请重试；如果问题持续，请告诉管理员。",
    "unexpected_error_personal": "我这边出了问题，你的请求没有完成。请重试；机器人的运营者可以在日志中看到出了什么问题。",
    "job_saved_after_error": "我这边在保存任务 #{job_id} 之后出了问题，但它没有丢失：我会继续处理它。请用 {/videos status} 查看，不要重复请求，否则会生成第二个视频。",
    "job_save_unknown": "我这边在保存你的请求时出了问题，暂时无法确认是否已保存。请在一分钟后用 {/videos status} 查看，再决定是否重新请求：如果列表里有它，我会继续生成；如果没有，则没有计入额度。",
    "job_saved_at_restart": "我正在重启。任务 #{job_id} 已保存，我回来后会马上继续处理它：请用 {/videos status} 查看，不要重复请求，否则会生成第二个视频。",
    # Results
    "task_unknown_to_service": "视频服务找不到这个任务了",
    "task_timed_out": "视频服务未能按时完成",
    "task_no_video": "视频服务已结束但没有生成视频",
    "result_ready": "{mention} 你的视频好了！",
    "result_link": "{url}\n文件太大，无法在这里上传，这是它的链接。{save}",
    "result_link_unposted": "{url}\n视频可能没能发布在这里，这是它的链接。{save}",
    "result_link_files_refused": "{url}\n我在这里没有「附加文件」权限，这是视频的链接。{save}",
    "result_link_not_attached": "{url}\nDiscord 不允许我在这里附上文件，这是视频的链接。{save}",
    "result_link_expired": (
        "{mention} 你的视频已完成，但在我发布之前下载链接就已失效。请再发起一次请求。"
    ),
    "result_link_lapsed": (
        "{mention} 你的视频曾以链接形式发布在这里，该链接已于 {expiry} 失效：视频已无法在这里观看或保存。"
    ),
    "result_failed_hint": "请尝试改写提示词或换用其他图片；如果一直失败，请告诉管理员。",
    "result_failed_hint_personal": "请尝试改写提示词或换用其他图片。",
    "failure_moderation": (
        "{mention} 视频服务的内容审核拒绝了任务 #{job_id}，因此没有生成视频。这次不计入你的额度。"
        "请改写提示词（或换用其他图片）后再试。"
    ),
    "failure_upstream_busy": (
        "{mention} 视频服务负载过高或算力不足，无法生成任务 #{job_id}。这次不计入你的额度；"
        "你的请求没有问题，请稍后再试。"
    ),
    "failure_upstream_timeout": (
        "{mention} 视频服务处理任务 #{job_id} 超时并放弃了。这次不计入你的额度；请稍后再试。"
    ),
    "failure_service_cancelled": (
        "{mention} 视频服务方取消了任务 #{job_id}，因此没有生成视频。这次不计入你的额度；请稍后再试。"
    ),
    "failure_service_said": "视频服务的原话：{reason}。",
    "cause_moderation": "视频服务的内容审核拒绝了提示词或图片",
    "cause_upstream_busy": "视频服务负载过高或算力不足",
    "cause_upstream_timeout": "视频服务处理超时并放弃了",
    "cause_other": "视频服务未能生成视频（它给出的原因是另一种语言）",
    "failure_try_again": "请重试；如果问题持续，请告诉管理员。",
    "failure_try_again_personal": "请重试。",
    "failure_other": "{mention} 视频服务未能生成任务 #{job_id}：{reason}。这次不计入你的额度。",
    "failure_billed_no_video": (
        "{mention} 视频服务已为任务 #{job_id} 收费，但没有发来视频。"
        "由于已经收费，这次会计入你的额度；请告诉管理员。"
    ),
    "failure_billed_no_video_personal": (
        "{mention} 视频服务已为任务 #{job_id} 收费，但没有发来视频。由于已经收费，这次会计入你的额度。"
    ),
    "failure_timed_out": (
        "{mention} 任务 #{job_id} 用时超过了本机器人的等待上限，我已停止等待。"
        "视频服务仍可能完成并收费，因此会计入你的额度。如果它在 {until} 之前完成，我会发到这里。"
    ),
    "result_title": "视频已完成",
    "result_video_alt": "根据提示词生成的视频：{prompt}",
    "result_failed_title": "视频未生成",
    "result_lapsed_title": "视频链接已失效",
    "result_dm_note": "（我无法在 <#{channel_id}> 发布，所以发到了这里。）",
    "result_dm_note_unsure": (
        "（我已无法查看 <#{channel_id}> 的消息，无法确认之前在那里的发布是否成功，所以也发到了这里。）"
    ),
    "result_prompt_hidden": "-# 这里不显示提示词：本服务器的 AutoMod 拦截了它。",
    "result_reason_hidden": "原因未在此显示，因为它可能引用了提示词",
    "result_dm_note_automod": "（服务器的 AutoMod 拦截了我在 <#{channel_id}> 的消息，所以发到了这里。）",
    "field_duration": "时长",
    "field_resolution": "分辨率",
    "field_aspect_ratio": "画面比例",
    "field_references": "参考素材",
    "field_render_time": "生成用时",
    "field_credits": "积分",
    "seconds_value": "{seconds} 秒",
    "render_time_value": "{minutes} 分 {seconds} 秒",
    "render_time_hours_value": "{hours} 小时 {minutes} 分",
    "job_footer": "任务 #{job_id}",
    "references_none": "无",
    "references_images_frame": "{count} 张图片（首帧）",
    "references_images_reference": "{count} 张图片（参考）",
    "references_video": "1 个视频",
    "count_videos": "{count} 个视频",
    "count_links": "{count} 个链接",
    "count_files": "{count} 个文件",
    "count_references": "{count} 个链接或文件",
    "count_stickers": "{count} 个贴纸",
    "count_more_channels": "另外 {count} 个频道",
    "count_more_roles": "另外 {count} 个身份组",
    "count_more_members": "另外 {count} 位成员",
    "count_more_prompts_refused": "另有 {count} 条提示词被拒绝",
    "count_more_lines": "另有 {count} 行",
    "count_them_links": "这个链接|这些链接",
    "count_them_permissions": "这项权限|这些权限",
    "count_seconds": "{count} 秒",
    "count_minutes": "{count} 分钟",
    "count_hours": "{count} 小时",
    "count_days": "{count} 天",
    "count_servers": "{count} 个服务器",
    "link_save_before": "请在链接失效前保存视频，失效时间：{expiry}。",
    "link_save_no_end": "请现在保存视频：这个链接过一段时间可能会失效。",
    "link_end_known": "其链接失效时间：{expiry}",
    "link_end_unknown": "这个链接过一段时间可能会失效",
    "end_moment": "{moment}（{relative}）",
    "help_text": (
        "**{/video}** 根据你的提示词生成 4-10 秒的视频；排队时我会告诉你同类视频在这里通常需要多久。\n"
        "- `{opt_duration}` 4、6、8 或 10 秒；`{opt_resolution}` 720p、1080p 或 4K；"
        "`{opt_aspect_ratio}` 16:9 或 9:16。\n"
        "- 可附加 1 张图片（首帧，或用 `{opt_mode}` 设为参考图）或 3 张图片融合；"
        "1 个控制动作的参考视频可单独附加，也可与图片一起（此时图片作为参考图，且不能指定时长）。\n"
        "- 描述场景、主体、动作、镜头、风格和声音，效果最好。"
    ),
    "help_also_replies": (
        "- 也可以：提及我并写下提示词（附上图片即可使用），回复一条带图片的消息并提及我、附上提示词，"
        "或对它使用「应用 → 生成视频」。"
    ),
    "help_also_mentions": (
        "- 也可以：提及我并写下提示词（附上图片即可使用），或对带图片的消息使用「应用 → 生成视频」。"
    ),
    "help_also_menu": "- 也可以：对带图片的消息使用「应用 → 生成视频」。",
    "help_commands_only": (
        "- 在这里：这个服务器只添加了我的命令，没有添加机器人本身，所以我无法在这里生成视频"
        "（{/video}、提及我和「应用 → 生成视频」在这里都不可用）。请让服务器管理员把机器人添加到服务器。"
    ),
    "help_afterwards": (
        "- 之后：用 {/videos status}、{/videos history} 和 {/videos cancel} 查看或取消你的任务，"
        "用 {/videos quota} 查看剩余额度。结果下方的「重新生成」「修改提示词」「再创作」会生成新视频（和其他视频一样计入额度）。"
    ),
    "help_afterwards_no_buttons": (
        "- 之后：用 {/videos status}、{/videos history} 和 {/videos cancel} 查看或取消你的任务，"
        "用 {/videos quota} 查看剩余额度。发在这里的结果下方没有按钮（我不是这里的成员）："
        "想换一版请再用一次 {/video}。我通过私信发给你的结果下方有「重新生成」「修改提示词」「再创作」。"
    ),
}


# Traditional Chinese with Taiwan wording, for zh-TW clients: the ZH sentences with the same
# keys and blanks (影片, 伺服器, 訊息, 設定, 身分組 as a Taiwanese Discord client says them).
ZH_TW: dict[str, str] = {
    # Validation
    "blank_prompt": "你的提示詞是空的。請描述你想要的場景、主體、動作、鏡頭和風格。",
    "prompt_only_links": (
        "你的提示詞只有連結。連結會被用作參考（作為素材的圖片或影片），而不是文字，"
        "所以沒有內容說明影片要呈現什麼。請保留連結，並描述你想要的場景、主體、動作、鏡頭和風格。"
    ),
    "prompt_only_flags": (
        "我已讀取設定 {flags}，但你的提示詞還需要一段描述：參數只用來設定選項。"
        "請保留它們，並描述你想要的場景、主體、動作、鏡頭和風格。"
    ),
    "prompt_too_long": "你的提示詞有 {length} 個字元。請縮短到 {limit} 個字元以內。",
    "video_prompt_back": "這是你剛才輸入的提示詞，修改後可以再用 {/video} 傳送：",
    "wrong_image_count": (
        "我找到了 {count} 張圖片，但影片只能使用 0、1 或 3 張：1 張作為首影格或參考圖，"
        "或 3 張融合參考。請增減圖片後再試（回覆別人的訊息時，可以在你的回覆裡附上缺的圖片："
        "兩則訊息的圖片我都會用）。"
    ),
    "wrong_image_count_beside_clip": (
        "`{filename}` 是影片，我會把它用作參考影片；但它旁邊還有 {count} 張圖片，"
        "而和影片一起只能使用 0、1 或 3 張圖片：1 張作為首影格或參考圖，或 3 張融合參考。"
        "請增減圖片後再試，或去掉所有圖片、只用這段影片。"
    ),
    "clip_used_as_video": "`{filename}` 是影片，所以我把它用作參考影片，{pictures}。",
    "clip_beside_first_frame": "旁邊的圖片作為首影格",
    "clip_beside_reference": "旁邊的圖片作為參考圖",
    "clip_beside_fused": "旁邊的 {count} 張圖片作為融合參考",
    "note_with_files": "{note}\n{files}",
    "too_many_videos": "我找到了 {count} 個影片，但只能使用 1 個參考影片。請只保留一個。",
    "wrong_image_count_command": (
        "我找到了 {count} 張圖片，但影片只能使用 0、1 或 3 張：1 張作為首影格或參考圖，"
        "或 3 張融合參考。請附上 1 張或 3 張圖片（提示詞中的圖片連結也算在內）。"
    ),
    "wrong_image_count_menu": (
        "我找到了 {count} 張圖片，但影片只能使用 0、1 或 3 張：1 張作為首影格或參考圖，"
        "或 3 張融合參考。請改用 {/video} 並附上 1 或 3 張圖片。"
    ),
    "too_many_videos_menu": "我找到了 {count} 個影片，但只能使用 1 個參考影片。請改用 {/video} 並附上你想用的那一個。",
    "wrong_image_count_menu_links": (
        "我找到了 {count} 張圖片（訊息中的圖片加上你提示詞中的圖片連結），但影片只能使用 0、1 或 3 張："
        "1 張作為首影格或參考圖，或 3 張融合參考。這個表單會保留訊息中的圖片：請調整提示詞中的圖片連結，"
        "或改用 {/video} 並附上你想用的 1 或 3 張。"
    ),
    "too_many_videos_menu_links": (
        "我找到了 {count} 個影片（訊息中的影片加上你提示詞中的影片連結），但只能使用 1 個參考影片。"
        "這個表單會保留訊息中的檔案：請調整提示詞中的影片連結，只留下一個；"
        "或改用 {/video} 並附上你想用的那一個。"
    ),
    "wrong_image_count_reply_two": (
        "我找到了 {count} 張圖片，但影片只能使用 0、1 或 3 張：1 張作為首影格或參考圖，"
        "或 3 張融合參考。你回覆的訊息有 2 張，兩則訊息的圖片我都會用："
        "請再回覆它一次並只附上 1 張圖片，湊成 3 張；"
        "或改用 {/video} 並附上 1 或 3 張圖片。"
    ),
    "wrong_image_count_reply_three": (
        "我找到了 {count} 張圖片，但影片只能使用 0、1 或 3 張：1 張作為首影格或參考圖，"
        "或 3 張融合參考。你回覆的訊息已有 3 張，兩則訊息的圖片我都會用：請再回覆它一次且不附圖片，"
        "以使用這 3 張；或改用 {/video} 並附上你想用的 1 或 3 張。"
    ),
    "too_many_videos_reply": (
        "我找到了 {count} 個影片，但只能使用 1 個參考影片，而你回覆的訊息已有一個影片："
        "請再回覆它一次且不附影片，以使用那個影片；或改用 {/video} 並附上你想用的那一個。"
    ),
    "wrong_image_count_form": (
        "我找到了 {count} 張圖片（原影片的圖片加上你提示詞中的圖片連結），但影片只能使用 0、1 或 3 張："
        "1 張作為首影格或參考圖，或 3 張融合參考。這個表單會保留原影片的圖片：請調整提示詞中的圖片連結，"
        "或改用 {/video} 並附上你想用的 1 或 3 張。"
    ),
    "wrong_image_count_form_links": (
        "我找到了 {count} 張圖片（都來自你提示詞中的圖片連結），但影片只能使用 0、1 或 3 張："
        "1 張作為首影格或參考圖，或 3 張融合參考。請調整提示詞中的圖片連結，留下 1 或 3 張。"
    ),
    "too_many_videos_form": (
        "我找到了 {count} 個影片，但只能使用 1 個參考影片，而原影片已經用了一個參考影片："
        "請從提示詞中去掉影片連結以沿用那個影片；或改用 {/video} 並附上你想用的那一個。"
    ),
    "mode_needs_images": (
        "{opt_mode}「{mode}」需要圖片，但沒有附加任何圖片。"
        "請附加一張圖片，或不選{opt_mode}（選項，或提示詞中的 `--mode`）以僅用文字生成影片。"
    ),
    "mode_needs_images_with_video": (
        "{opt_mode}「{mode}」只用於圖片，但沒有附加任何圖片。"
        "請附加一張圖片，或不選{opt_mode}（選項，或提示詞中的 `--mode`），直接使用你的參考影片。"
    ),
    "frame_needs_one_image": (
        "首影格模式只能使用 1 張圖片，但我找到了 {count} 張。請只附加一張圖片，或選擇參考模式使用三張。"
    ),
    "wrong_image_type": "`{filename}` 不是支援的圖片格式。請改為附加 PNG、JPEG 或 WebP 檔案。",
    "wrong_video_type": "`{filename}` 不是支援的影片格式。請改為附加 MP4、MOV 或 WebM 檔案。",
    "heic_image": (
        "`{filename}` 是 HEIC/HEIF 照片（iPhone 儲存照片所用的格式），影片服務無法讀取。"
        "請改以 JPEG 或 PNG 格式分享（截圖就是 PNG），再附加上來。"
        "若想讓 iPhone 之後直接儲存為 JPEG，可在「設定 › 相機 › 格式」中選擇「最相容」。"
    ),
    "image_without_extension": (
        "`{filename}` 沒有能說明檔案類型的副檔名，Discord 也沒有說明，所以我無法把它當作圖片使用。"
        "如果它是 PNG、JPEG 或 WebP 圖片，請把它重新命名為以 `.png`、`.jpg` 或 `.webp` 結尾，再重新上傳，"
        "或直接把圖片本身貼到 Discord。"
    ),
    "unreachable_file": "我無法透過公開網址讀取 `{filename}`。請直接上傳該檔案。",
    "file_too_large": (
        "`{filename}` 大小為 {size} MB，超過了參考檔案 {limit} MB 的上限。請附加更小的檔案。"
    ),
    "file_over_limit": "`{filename}` 超過了參考檔案 {limit} MB 的上限。請附加更小的檔案。",
    "empty_file": "`{filename}` 是空檔案（0 位元組），沒有可用的內容。請重新附加。",
    "duration_flag_with_video": "這個影片是用參考影片生成的，時長由參考影片決定，因此不能指定時長：請從提示詞中去掉時長標記（`--duration`、`--dur`）。",
    "duration_with_video": (
        "參考影片決定了結果的時長，因此不能同時指定時長。"
        "請去掉「{opt_duration}」（選項，或提示詞中的 `--duration`），或去掉影片。"
    ),
    "duration_chosen_with_video_link": (
        "這個連結是影片，參考影片決定結果的時長，所以不能生成 {seconds} 秒的影片。"
        "沒有生成影片，也沒有計入額度。請重新開啟表單，「時長」保持開啟時的預設值，成片就會和影片一樣長。"
    ),
    "duration_flag_beside_video": (
        "參考影片決定結果的時長，所以不能生成 {seconds} 秒的影片。沒有生成影片，也沒有計入額度。"
        "請重新開啟表單，從提示詞中去掉時長標記（`--duration`、`--dur`），成片就會和影片一樣長。"
    ),
    "bad_duration": "`{value}` 不是有效的時長。請選擇 4、6、8 或 10 秒。",
    "bad_resolution": "`{value}` 不是有效的解析度。請選擇 720p、1080p 或 4K。",
    "bad_aspect_ratio": "`{value}` 不是有效的畫面比例。請選擇 16:9 或 9:16。",
    # As a Chinese Discord client names them in the channel settings
    "permission_send_messages": "傳送訊息",
    "permission_send_messages_in_threads": "在討論串中傳送訊息",
    "permission_embed_links": "嵌入連結",
    "permission_attach_files": "附加檔案",
    "permission_read_message_history": "讀取訊息歷史",
    "permission_view_channel": "檢視頻道",
    "permission_manage_threads": "管理討論串（此討論串已鎖定）",
    "dm_about_channel": "關於你在 <#{channel_id}> 發的訊息：",
    "missing_channel_permissions": (
        "我無法在此頻道發布影片（沒有生成影片，也沒有計入額度），因為缺少以下權限：{missing}。"
        "請讓管理員授予{them}，或在其他頻道使用我。"
    ),
    "bot_timed_out": (
        "管理員已將我禁言至 <t:{until}:f>，在此之前我無法在這個伺服器傳送訊息；沒有計入額度。"
        "請讓管理員解除禁言，或在禁言結束後再使用我。"
    ),
    "member_cannot_post_here": "你不能在此頻道發言，所以我也不會替你在這裡發布影片。請在你可以發言的頻道使用我；沒有計入額度。",
    "channel_refuses_posts": "Discord 不允許我在此頻道傳送訊息（如果是私密討論串，請先把我加進去），所以這個影片沒有生成，也沒有計入額度。",
    "automod_blocks_prompt": (
        "本伺服器的 AutoMod 攔截了你提示詞中的某個詞，我無法在這個頻道發布相關訊息，"
        "所以這個影片沒有生成，也沒有計入額度。請改寫提示詞。"
    ),
    "commands_only_server": "這個伺服器只加入了我的指令，沒有加入機器人本身，所以我無法在這裡發布影片：沒有生成影片，也沒有計入額度。請讓伺服器管理員把機器人加入伺服器。",
    "dm_refuses_posts": (
        "Discord 不允許我在我們的私訊中傳送訊息（你的隱私設定或封鎖阻止了我），所以這個影片沒有生成，"
        "也沒有計入額度。請允許我傳訊息給你，然後再試一次。"
    ),
    # Submitting
    "where_channel": "這個頻道",
    "where_thread": "這個討論串",
    "where_forum_post": "這篇貼文",
    "where_dm": "我們的私訊",
    "where_reply_here": "這裡（如果超過了 Discord 允許我在這裡回覆的時間，則改為私訊發給你）",
    "where_reply_dm": "你的私訊",
    "queued": "你的影片已排隊，任務編號 #{job_id}。通常需要{typical}，完成後我會發到{where}。",
    "queued_waiting_for_slot": (
        "你的影片已儲存為任務 #{job_id}。本伺服器同時只允許生成 {limit} 個影片，"
        "等其中一個完成，你的影片就會開始生成；生成好後我會發到{where}。"
    ),
    "queued_waiting_in_line": (
        "你的影片已儲存為任務 #{job_id}。本伺服器同時只允許生成 {limit} 個影片，"
        "你的影片在等待空位的佇列中排第 {position} 位；生成好後我會發到{where}。"
    ),
    "queued_waiting_in_line_one": (
        "你的影片已儲存為任務 #{job_id}。本伺服器同時只允許生成 1 個影片，"
        "你的影片在佇列中排第 {position} 位；生成好後我會發到{where}。"
    ),
    "queued_waiting_for_slot_one": (
        "你的影片已儲存為任務 #{job_id}。本伺服器同時只允許生成 1 個影片，"
        "等正在生成的那個完成，你的影片就會開始生成；生成好後我會發到{where}。"
    ),
    "links_skipped": "有 {count}我無法使用，將略過它們繼續：{links}。略過的內容不計入額度。",
    "nothing_usable": (
        "要用的素材中有 {count}我無法使用：{links}，而且沒有其他可用的素材，因此我沒有生成影片，也沒有計入額度。"
        "請給我 PNG、JPEG 或 WebP 圖片（或一個影片），或使用 {/video} 只用提示詞生成影片。"
    ),
    "nothing_usable_in_prompt": (
        "要用的素材中有 {count}我無法使用：{links}，而且沒有其他可用的素材，"
        "因此我沒有生成影片，也沒有計入額度。請改用 PNG、JPEG 或 WebP 圖片（或影片）"
        "的連結，或從提示詞中去掉{them}，只用文字生成影片。"
    ),
    "links_unused": "另外，有 {count}我無法使用：{links}。",
    "link_skipped_item": "`{link}`（{reason}）",
    "link_skipped_item_hidden": "||`{link}`||（{reason}）",
    "link_reason_not_media": "既不是圖片也不是影片",
    "link_reason_untold": (
        "Discord 沒有說明它是什麼檔案，檔名也沒有副檔名：如果它是圖片，"
        "請把它重新命名為以 `.png`、`.jpg` 或 `.webp` 結尾，再重新上傳"
    ),
    "link_reason_unreachable": "無法存取",
    "link_reason_blocked": "私有或本機位址，我從不讀取",
    "link_reason_sticker": "貼紙，影片服務無法使用",
    "link_reason_password": "連結中帶有使用者名稱或密碼，我從不轉發",
    "link_reason_port": "80 和 443 以外的連接埠，我從不讀取",
    "too_many_links": (
        "你最近幾分鐘讓我檢查的連結太多了，這次的連結我先不檢查。沒有生成影片，也沒有計入額度。"
        "{when} 可以再傳送連結，或直接把圖片作為附件傳送。"
    ),
    "service_misconfigured": (
        "影片服務設定有誤，因此沒有生成影片，也沒有計入你的額度。已通知機器人營運者，請稍後再試。"
    ),
    "service_unpaid": (
        "影片服務的餘額已用完，影片生成已暫停。沒有計入你的額度；請等管理員通知恢復後再試。"
    ),
    "service_busy": (
        "影片服務目前繁忙，任務 #{job_id} 已儲存並在等待。我會在服務可以接收時自動開始，完成後發到"
        "{where}；如果繁忙持續太久，我會告訴你，並且不會計入額度。"
    ),
    "service_gave_up": ("影片服務長時間不可用，因此影片沒有生成。沒有計入你的額度；請稍後再試。"),
    "submit_unknown": (
        "我已傳送你的請求，但沒有收到回應，無法確定影片是否已開始生成；即使已開始，我也無法發布它。"
        "由於影片服務可能正在生成，它會計入你的額度。請稍後再試。"
    ),
    "rejected_by_service": "影片服務拒絕了這個請求：{reason}。沒有計入你的額度；請修改請求後重試。",
    "service_reused_task": "影片服務沒有開始新的影片，而是回傳了之前一個影片的任務，所以沒有生成也沒有計入額度。請重試。",
    "refusal_invalid_duration": "時長必須是 4、6、8 或 10 秒",
    "refusal_invalid_resolution": "解析度必須是 720p、1080p 或 4K",
    "refusal_unsupported_image_count": "圖片數量必須是 0、1 或 3 張（首影格模式只能 1 張）",
    "refusal_unsupported_video_count": "最多只能使用 1 個參考影片",
    "refusal_invalid_request_error": "它無法解析收到的請求",
    "refusal_content_policy": "提示詞或圖片未通過它的內容審核",
    "refusal_unexplained": "它沒有說明原因",
    "admission_busy": "我還在處理剛才的一個請求，暫時無法接收這個請求。沒有生成影片，也沒有計入額度；請一分鐘後再試。",
    "database_unavailable": "我現在無法連線到我的資料庫，所以沒能接收這個請求。沒有生成影片，也沒有計入額度；請一分鐘後再試。",
    "unexpected_error": "我這邊出了問題，你的請求沒有完成。請重試；如果問題持續，請告訴管理員。",
    "unexpected_error_personal": "我這邊出了問題，你的請求沒有完成。請重試；機器人的營運者可以在日誌中看到出了什麼問題。",
    "job_saved_after_error": "我這邊在儲存任務 #{job_id} 之後出了問題，但它沒有丟失：我會繼續處理它。請用 {/videos status} 檢視，不要重複請求，否則會生成第二個影片。",
    "job_save_unknown": "我這邊在儲存你的請求時出了問題，暫時無法確認是否已儲存。請在一分鐘後用 {/videos status} 檢視，再決定是否重新請求：如果列表裡有它，我會繼續生成；如果沒有，則沒有計入額度。",
    "job_saved_at_restart": "我正在重新啟動。任務 #{job_id} 已儲存，我回來後會馬上繼續處理它：請用 {/videos status} 檢視，不要重複請求，否則會生成第二個影片。",
    # Results
    "task_unknown_to_service": "影片服務找不到這個任務了",
    "task_timed_out": "影片服務未能按時完成",
    "task_no_video": "影片服務已結束但沒有生成影片",
    "result_ready": "{mention} 你的影片好了！",
    "result_link": "{url}\n檔案太大，無法在這裡上傳，這是它的連結。{save}",
    "result_link_unposted": "{url}\n影片可能沒能發布在這裡，這是它的連結。{save}",
    "result_link_files_refused": "{url}\n我在這裡沒有「附加檔案」權限，這是影片的連結。{save}",
    "result_link_not_attached": "{url}\nDiscord 不允許我在這裡附上檔案，這是影片的連結。{save}",
    "result_link_expired": (
        "{mention} 你的影片已完成，但在我發布之前下載連結就已失效。請再發起一次請求。"
    ),
    "result_link_lapsed": (
        "{mention} 你的影片曾以連結形式發布在這裡，該連結已於 {expiry} 失效：影片已無法在這裡觀看或儲存。"
    ),
    "result_failed_hint": "請嘗試改寫提示詞或換用其他圖片；如果一直失敗，請告訴管理員。",
    "result_failed_hint_personal": "請嘗試改寫提示詞或換用其他圖片。",
    "failure_moderation": (
        "{mention} 影片服務的內容審核拒絕了任務 #{job_id}，因此沒有生成影片。這次不計入你的額度。"
        "請改寫提示詞（或換用其他圖片）後再試。"
    ),
    "failure_upstream_busy": (
        "{mention} 影片服務負載過高或算力不足，無法生成任務 #{job_id}。這次不計入你的額度；"
        "你的請求沒有問題，請稍後再試。"
    ),
    "failure_upstream_timeout": (
        "{mention} 影片服務處理任務 #{job_id} 超時並放棄了。這次不計入你的額度；請稍後再試。"
    ),
    "failure_service_cancelled": (
        "{mention} 影片服務方取消了任務 #{job_id}，因此沒有生成影片。這次不計入你的額度；請稍後再試。"
    ),
    "failure_service_said": "影片服務的原話：{reason}。",
    "cause_moderation": "影片服務的內容審核拒絕了提示詞或圖片",
    "cause_upstream_busy": "影片服務負載過高或算力不足",
    "cause_upstream_timeout": "影片服務處理超時並放棄了",
    "cause_other": "影片服務未能生成影片（它給出的原因是另一種語言）",
    "failure_try_again": "請重試；如果問題持續，請告訴管理員。",
    "failure_try_again_personal": "請重試。",
    "failure_other": "{mention} 影片服務未能生成任務 #{job_id}：{reason}。這次不計入你的額度。",
    "failure_billed_no_video": (
        "{mention} 影片服務已為任務 #{job_id} 收費，但沒有發來影片。"
        "由於已經收費，這次會計入你的額度；請告訴管理員。"
    ),
    "failure_billed_no_video_personal": (
        "{mention} 影片服務已為任務 #{job_id} 收費，但沒有發來影片。由於已經收費，這次會計入你的額度。"
    ),
    "failure_timed_out": (
        "{mention} 任務 #{job_id} 用時超過了本機器人的等待上限，我已停止等待。"
        "影片服務仍可能完成並收費，因此會計入你的額度。如果它在 {until} 之前完成，我會發到這裡。"
    ),
    "result_title": "影片已完成",
    "result_video_alt": "根據提示詞生成的影片：{prompt}",
    "result_failed_title": "影片未生成",
    "result_lapsed_title": "影片連結已失效",
    "result_dm_note": "（我無法在 <#{channel_id}> 發布，所以發到了這裡。）",
    "result_dm_note_unsure": (
        "（我已無法檢視 <#{channel_id}> 的訊息，無法確認之前在那裡的發布是否成功，所以也發到了這裡。）"
    ),
    "result_prompt_hidden": "-# 這裡不顯示提示詞：本伺服器的 AutoMod 攔截了它。",
    "result_reason_hidden": "原因未在此顯示，因為它可能引用了提示詞",
    "result_dm_note_automod": "（伺服器的 AutoMod 攔截了我在 <#{channel_id}> 的訊息，所以發到了這裡。）",
    "field_duration": "時長",
    "field_resolution": "解析度",
    "field_aspect_ratio": "畫面比例",
    "field_references": "參考素材",
    "field_render_time": "生成用時",
    "field_credits": "點數",
    "seconds_value": "{seconds} 秒",
    "render_time_value": "{minutes} 分 {seconds} 秒",
    "render_time_hours_value": "{hours} 小時 {minutes} 分",
    "job_footer": "任務 #{job_id}",
    "references_none": "無",
    "references_images_frame": "{count} 張圖片（首影格）",
    "references_images_reference": "{count} 張圖片（參考）",
    "references_video": "1 個影片",
    "count_videos": "{count} 個影片",
    "count_links": "{count} 個連結",
    "count_files": "{count} 個檔案",
    "count_references": "{count} 個連結或檔案",
    "count_stickers": "{count} 個貼紙",
    "count_more_channels": "另外 {count} 個頻道",
    "count_more_roles": "另外 {count} 個身分組",
    "count_more_members": "另外 {count} 位成員",
    "count_more_prompts_refused": "另有 {count} 則提示詞被拒絕",
    "count_more_lines": "另有 {count} 行",
    "count_them_links": "這個連結|這些連結",
    "count_them_permissions": "這項權限|這些權限",
    "count_seconds": "{count} 秒",
    "count_minutes": "{count} 分鐘",
    "count_hours": "{count} 小時",
    "count_days": "{count} 天",
    "count_servers": "{count} 個伺服器",
    "link_save_before": "請在連結失效前儲存影片，失效時間：{expiry}。",
    "link_save_no_end": "請現在儲存影片：這個連結過一段時間可能會失效。",
    "link_end_known": "其連結失效時間：{expiry}",
    "link_end_unknown": "這個連結過一段時間可能會失效",
    "end_moment": "{moment}（{relative}）",
    "help_text": (
        "**{/video}** 根據你的提示詞生成 4-10 秒的影片；排隊時我會告訴你同類影片在這裡通常需要多久。\n"
        "- `{opt_duration}` 4、6、8 或 10 秒；`{opt_resolution}` 720p、1080p 或 4K；"
        "`{opt_aspect_ratio}` 16:9 或 9:16。\n"
        "- 可附加 1 張圖片（首影格，或用 `{opt_mode}` 設為參考圖）或 3 張圖片融合；"
        "1 個控制動作的參考影片可單獨附加，也可與圖片一起（此時圖片作為參考圖，且不能指定時長）。\n"
        "- 描述場景、主體、動作、鏡頭、風格和聲音，效果最好。"
    ),
    "help_also_replies": (
        "- 也可以：提及我並寫下提示詞（附上圖片即可使用），回覆一則帶圖片的訊息並提及我、附上提示詞，"
        "或對它使用「應用程式 → 生成影片」。"
    ),
    "help_also_mentions": (
        "- 也可以：提及我並寫下提示詞（附上圖片即可使用），或對帶圖片的訊息使用「應用程式 → 生成影片」。"
    ),
    "help_also_menu": "- 也可以：對帶圖片的訊息使用「應用程式 → 生成影片」。",
    "help_commands_only": (
        "- 在這裡：這個伺服器只加入了我的指令，沒有加入機器人本身，所以我無法在這裡生成影片"
        "（{/video}、提及我和「應用程式 → 生成影片」在這裡都無法使用）。請讓伺服器管理員把機器人加入伺服器。"
    ),
    "help_afterwards": (
        "- 之後：用 {/videos status}、{/videos history} 和 {/videos cancel} 檢視或取消你的任務，"
        "用 {/videos quota} 檢視剩餘額度。結果下方的「重新生成」「修改提示詞」「再創作」會生成新影片（和其他影片一樣計入額度）。"
    ),
    "help_afterwards_no_buttons": (
        "- 之後：用 {/videos status}、{/videos history} 和 {/videos cancel} 檢視或取消你的任務，"
        "用 {/videos quota} 檢視剩餘額度。發在這裡的結果下方沒有按鈕（我不是這裡的成員）："
        "想換一版請再用一次 {/video}。我透過私訊傳給你的結果下方有「重新生成」「修改提示詞」「再創作」。"
    ),
}
