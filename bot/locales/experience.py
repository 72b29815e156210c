"""Live status, result buttons and the members' /videos commands."""

EN: dict[str, str] = {
    "status_header": "🎬 {mention} asked for a video: {prompt}",
    "status_line_waiting": "⏳ Job #{job_id} is waiting for the video service to accept it.",
    "status_line_queued": (
        "🎞️ Job #{job_id} is queued at the video service: {bar} {progress}% · usually ready in"
        " {typical}."
    ),
    # Still in APIMart's queue past the usual time: `since` is a live stamp ("10 minutes ago").
    "status_line_queued_slow": (
        "🎞️ Job #{job_id} is queued at the video service: {bar} {progress}% · slower than"
        " usual: accepted {since}; videos like it are usually ready in {typical}."
    ),
    "status_line_held": (
        "⏳ Job #{job_id} is waiting, number {position} in line in this server: {reason}"
    ),
    "status_line_held_personal": "⏳ Job #{job_id} is waiting to be sent: {reason}",
    # {when}: a live timestamp ("in 20 seconds"); the `_now` ones once it is due.
    "status_hold_slow_down": "the video service asked me to slow down; sending {when}.",
    "status_hold_slow_down_now": "the video service asked me to slow down; sending now.",
    "status_hold_busy": "the video service is busy; trying again {when}.",
    "status_hold_busy_now": "the video service is busy; trying again now.",
    "status_hold_discord": "Discord didn't answer when I renewed its file links; trying again {when}.",
    "status_hold_discord_now": "Discord didn't answer when I renewed its file links; trying again now.",
    "status_hold_slot": "this server allows {limit} videos at a time.",
    "status_hold_slot_one": "this server allows 1 video at a time.",
    "typical_wait_default": "{low}-{high} minutes",
    "typical_wait_minutes": "about {minutes} min",
    "typical_wait_seconds": "about {seconds} s",
    "status_line_processing": "🎞️ Job #{job_id} is being made: {bar} {progress}% · {eta}",
    "status_eta_minutes": "about {minutes} min left",
    "status_eta_soon": "almost done",
    "status_eta_seconds": "about {seconds} s left",
    "status_eta_unknown": "time left not known yet",
    "status_eta_no_news": "no news from the video service for now; still checking",
    "status_eta_past_wait": "slower than I can wait for: I stop waiting {until}",
    "status_eta_stopping": "slower than I can wait for: I'm about to stop waiting",
    # A video still in APIMart's queue, its give-up near: not "slower" (it has no progress).
    "status_line_queued_past_wait": (
        "🎞️ Job #{job_id} is still queued at the video service: {bar} {progress}% ·"
        " accepted {since}; {wait}."
    ),
    "status_wait_ends": "I stop waiting {until}",
    "status_wait_ending": "I'm about to stop waiting",
    "status_line_completed": "✅ Job #{job_id} is done: the video is in the reply below.",
    "status_line_posting": "✅ Job #{job_id} is done: posting the video…",
    "status_line_timed_out": (
        "⏳ Job #{job_id} took longer than this bot waits; it still counts. I stop checking on "
        "it {until}: if it finishes before then, its video is posted after all."
    ),
    # Given up on, and no longer followed either (a day on): the line above no longer holds.
    "status_line_timed_out_unfollowed": (
        "❌ Job #{job_id} took longer than this bot waits, and I have stopped waiting for it: "
        "no video will come. It still counts, since the video service may have made it."
    ),
    # Given up on, then APIMart ended it without a video: the line above no longer holds.
    "status_line_timed_out_failed": (
        "❌ Job #{job_id} took longer than this bot waits, and the video service never finished "
        "it: no video will come, and it does not count."
    ),
    "status_line_timed_out_failed_counted": (
        "❌ Job #{job_id} took longer than this bot waits, and the video service never finished "
        "it: no video will come. The video service charged for it, so it still counts."
    ),
    "status_line_completed_deleted": "✅ Job #{job_id} was done; its video has since been deleted.",
    # The bot lost the right to post in the channel while the video rendered.
    "status_line_completed_dm": (
        "✅ Job #{job_id} is done: I can no longer post here, so I sent the video to the "
        "member who asked by direct message."
    ),
    "status_line_completed_unposted": (
        "✅ Job #{job_id} is done, but I could neither post it here nor send it by "
        "direct message: the member who asked can find it with {/videos history}."
    ),
    # Given up in the channel, no DM tried (the channel could not be looked at afterwards).
    "status_line_completed_unposted_here": (
        "✅ Job #{job_id} is done, but my posts of it here kept failing: the member who asked "
        "can find it with {/videos history}."
    ),
    # The same, in the member's own private answer (asked where the bot cannot post).
    "status_line_completed_dm_private": "✅ Job #{job_id} is done: I sent it to you by direct message.",
    "status_line_completed_posted_private": "✅ Job #{job_id} is done: your video is posted below.",
    # Discord showed it only to the member (the server blocks external apps): a copy by DM.
    "status_line_completed_copied_private": (
        "✅ Job #{job_id} is done: your video is posted below. Discord shows it only to you "
        "and clears it once your app reloads, so I also sent you a copy by direct message."
    ),
    "status_line_completed_uncopied_private": (
        "✅ Job #{job_id} is done: your video is posted below. Discord shows it only to you "
        "and clears it once your app reloads, and your direct messages are closed: save it "
        "now, or find it later with {/videos history} ({link_end})."
    ),
    "status_line_failed_posted_private": "❌ Job #{job_id} could not be made: the reason is posted below.",
    "status_line_completed_unposted_private": (
        "✅ Job #{job_id} is done, but your direct messages are closed: find it with "
        "{/videos history}."
    ),
    "status_line_failed_dm_private": (
        "❌ Job #{job_id} could not be made; I told you why by direct message."
    ),
    "status_line_failed_unposted_private": (
        "❌ Job #{job_id} could not be made; see why with {/videos status}."
    ),
    # The reason reaches the member by a reply or privately (their command's own answer).
    "status_line_failed": "❌ Job #{job_id} could not be made; the member who asked was told why.",
    "status_line_failed_below": "❌ Job #{job_id} could not be made: the reason is in the reply below.",
    # Ended, its notice tried again later (Discord failing): nobody was told anything yet.
    "status_line_failed_telling": "❌ Job #{job_id} could not be made; the reason is on its way.",
    "status_line_failed_unposted": (
        "❌ Job #{job_id} could not be made; the member who asked can see why with "
        "{/videos status}."
    ),
    # Outcome unknown: the submit's answer was lost; it counts, and nothing will be posted.
    "status_line_unknown": "❔ Job #{job_id}: the video service never answered, so it may have been made but can't be posted (unless its answer turns up after all); it counts, and the member who asked was told.",
    "status_line_unknown_below": "❔ Job #{job_id}: the video service never answered, so it may have been made but can't be posted (unless its answer turns up after all); it counts. More in the reply below.",
    "status_line_unknown_telling": "❔ Job #{job_id}: the video service never answered, so it may have been made but can't be posted (unless its answer turns up after all); it counts. More is on its way.",
    "status_line_unknown_unposted": (
        "❔ Job #{job_id}: the video service never answered, so it may have been made but can't be posted (unless its answer turns up after all); it counts. The member who asked can see more with {/videos status}."
    ),
    "status_line_unknown_dm_private": "❔ Job #{job_id}: the video service never answered, so it may have been made but can't be posted (unless its answer turns up after all); it counts toward your allowance. I told you more by direct message.",
    "status_line_unknown_posted_private": "❔ Job #{job_id}: the video service never answered, so it may have been made but can't be posted (unless its answer turns up after all); it counts toward your allowance. More below.",
    "status_line_unknown_unposted_private": (
        "❔ Job #{job_id}: the video service never answered, so it may have been made but can't be posted (unless its answer turns up after all); it counts toward your allowance. See more with {/videos status}."
    ),
    "status_line_expired": (
        "⌛ Job #{job_id} was made, but its download link expired before it could be posted; "
        "the member who asked was told."
    ),
    "status_line_expired_private": (
        "⌛ Job #{job_id} was made, but its download link expired before I could post it; "
        "please ask for it again."
    ),
    "status_line_cancelled": "🚫 Job #{job_id} was cancelled.",
    "status_header_automod": (
        "🎬 {mention} asked for a video; its prompt is not shown: this server's AutoMod blocked it."
    ),
    "status_header_withdrawn": "🎬 {mention} asked for a video; its prompt is no longer shown.",
    "status_line_cancelled_by": "🚫 Job #{job_id} was cancelled: {reason}.",
    # Result buttons
    "button_regenerate": "Regenerate",
    "button_edit_prompt": "Edit prompt",
    "button_delete": "Delete",
    "edit_prompt_title": "Edit the prompt",
    "edit_prompt_label": "Prompt",
    "job_not_found": "I can't find that video any more. Use {/video} to make a new one.",
    "regenerate_double_click": (
        "You clicked Regenerate on this video a moment ago, and that click is being answered: "
        "one click is enough. Click again in a few seconds if you want another take."
    ),
    "form_sent_twice": (
        "You sent this form a moment ago, and it is being answered: once is enough. Send it "
        "again in a few seconds if you want another video."
    ),
    "regenerate_awaiting_confirm": (
        "You already clicked Regenerate on job #{job_id}, and I'm still waiting for your "
        "answer to what that video would cost: press Confirm or Cancel on that question (it "
        "expires {expires}). Nothing was asked again or counted."
    ),
    "form_busy": "I'm busy for a moment and couldn't open the form. Please click again.",
    "delete_not_allowed": (
        "Only the member who asked for this video, a moderator, or someone who can manage "
        "messages here can delete it. "
        "You can make your own with {/video}."
    ),
    "delete_question": (
        "Delete the video of job #{job_id} for everyone here? This can't be undone."
    ),
    "button_delete_yes": "Delete it",
    "button_delete_no": "Keep it",
    "delete_kept": "Kept: the video is still there.",
    # In the member's DM with the bot: nobody else reads it.
    "delete_question_dm": "Delete the video of job #{job_id} from our DM? This can't be undone.",
    "delete_question_notice_dm": (
        "Delete this post about job #{job_id} from our DM? This can't be undone."
    ),
    "delete_question_notice": "Delete this post about job #{job_id} for everyone here? This can't be undone.",
    "delete_kept_notice": "Kept: the post is still there.",
    "delete_gone": "The video was already deleted.",
    "delete_gone_notice": "The post was already deleted.",
    "deleted_notice": "The post was deleted.",
    "delete_failed_notice": "Discord did not let me delete the post just now; it is still there.",
    "deleted": "The video was deleted.",
    "delete_failed": "Discord did not let me delete the video just now; it is still there.",
    # A server that kicked the bot and kept its commands: its token reaches the server no more.
    "delete_bot_not_here": (
        "I am no longer in this server (it kept only my commands), so I can't delete my video "
        "here; it is still there. A moderator (anyone who may manage messages here) can delete "
        "it."
    ),
    "delete_bot_not_here_notice": (
        "I am no longer in this server (it kept only my commands), so I can't delete my post "
        "here; it is still there. A moderator (anyone who may manage messages here) can delete "
        "it."
    ),
    # /videos
    "history_empty": "You have no videos yet. Use {/video} to make your first one.",
    "history_title": "Your latest videos",
    "history_title_page": "Your videos, page {page} (newest first)",
    "history_older": "Older videos: {/videos history} `{opt_page}:{next}`",
    "history_older_by_number": "Older videos: {/videos status} with their job number.",
    "history_no_page": "There is no page {page}: your oldest videos are on page {last}.",
    "history_line": "**#{job_id}** · {state} · <t:{created}:R> · {prompt}",
    "history_link": "[video]({url})",
    "history_link_until": "[video]({url}), link expires <t:{expires}:R>",
    "history_link_expired": "its link has expired",
    "history_outside_servers": "made where the bot is not installed, or in DMs",
    "history_in_a_server": "made in a server",
    "history_in_another_server": "made in another server",
    "status_not_yours": "You have no job #{job_id}. Use {/videos history} to see your videos.",
    "status_report": ("**Job #{job_id}**: {state} · asked <t:{created}:R>\n{details}"),
    "status_details_progress": "{bar} {progress}%",
    "status_details_rendering": "{bar} {progress}% · {eta}",
    "status_details_waiting": "Not sent yet; its status message says what it is waiting for, and for how long: {url}",
    "status_details_held": "Not sent yet: {reason}",
    "status_details_on_its_way": "Not sent yet; it goes as soon as it can.",
    "status_details_result": "Result: {url} (link expires <t:{expires}:R>)",
    "status_details_posted": "Result: {url}",
    "status_details_link_expired": (
        "The video was posted as the video service's link, which expired <t:{expired}:R>: "
        "it is no longer available."
    ),
    "status_details_kept_expired": (
        "The video could not be posted or sent to you, and the video service's link to it "
        "expired <t:{expired}:R>: it is no longer available."
    ),
    "status_details_private_expired": (
        "The video was posted under the command you used, where Discord showed it only to you "
        "until your app reloaded, and the video service's link to it expired <t:{expired}:R>: "
        "it is no longer available."
    ),
    "status_details_result_deleted": "The video was posted, then deleted.",
    "status_details_expired_unposted": (
        "It was made, but its download link had expired before it could be posted: no video "
        "came. Ask for it again with {/video}."
    ),
    "history_expired_unposted": "its link expired before it could be posted",
    "history_sent_by_dm": "sent to you by direct message",
    "history_posted_where_asked": "posted under the command you used",
    "status_details_sent_by_dm": "The video was sent to you by direct message.",
    "status_details_posted_where_asked": "The video was posted under the command you used.",
    "status_details_reason": "Reason: {reason}",
    "status_details_billed_no_video": (
        "The video service charged for it but sent no video. Since it was charged, it counts "
        "toward your allowance; please tell a moderator."
    ),
    # Made outside servers that added the bot: no moderator has a say over it.
    "status_details_billed_no_video_personal": (
        "The video service charged for it but sent no video. Since it was charged, it counts "
        "toward your allowance."
    ),
    "status_details_timed_out": (
        "It took longer than this bot waits. It still counts; I stop checking on it {until}, "
        "and if it finishes before then, its video is posted after all."
    ),
    "status_details_timed_out_unfollowed": (
        "It took longer than this bot waits, and I have stopped waiting for it: no video "
        "will come. It still counts, since the video service may have made it."
    ),
    "cancel_done_counted": (
        "Job #{job_id} is cancelled: it won't be posted. "
        "It was already being made, so it still counts toward your allowance."
    ),
    "cancel_done_refunded": (
        "Job #{job_id} is cancelled. It was never sent to the video service, "
        "so it doesn't count toward your allowance."
    ),
    "cancel_done_when_sent": (
        "Job #{job_id} is cancelled: it won't be posted. It was being sent to the video service "
        "just then: if it got there, it still counts toward your allowance; if not, it doesn't."
    ),
    "cancel_already": "Job #{job_id} is already cancelled.",
    "cancel_notice_counted": (
        "{mention} job #{job_id} was cancelled: {reason}. It won't be posted. "
        "It was already being made, so it still counts toward your allowance."
    ),
    "cancel_notice_refunded": (
        "{mention} job #{job_id} was cancelled: {reason}. It won't be posted, and it doesn't "
        "count toward your allowance."
    ),
    "status_details_cancelled_counted": (
        "Cancelled ({reason}): it won't be posted. "
        "It was already being made, so it still counts toward your allowance."
    ),
    "status_details_cancelled_refunded": (
        "Cancelled ({reason}): it won't be posted, and it doesn't count toward your allowance."
    ),
    "cancel_not_possible": (
        "Job #{job_id} can no longer be cancelled. Check where it stands with {/videos status}."
    ),
    "state_recorded": "waiting",
    "state_submitting": "sending",
    "state_queued": "queued",
    "state_processing": "being made",
    "state_completed": "done",
    "state_failed": "failed",
    "state_failed_counted": "failed (still counts)",
    "state_cancelled": "cancelled",
    "state_cancelled_counted": "cancelled (still counts)",
    # Never refunded (`Job.counts`): given up on, or its submit's answer lost, it may be made.
    "state_timed_out": "timed out (still counts)",
    "state_rejected": "refused",
    "state_unsent_budget": "not sent (budget)",
    "state_submit_unknown": "unknown (still counts)",
    "cancelled_by_member": "you cancelled it",
    "cancelled_by_moderator": "a moderator cancelled it",
    "cancelled_by_block": "a moderator blocked you from making videos",
    "cancelled_by_ban": "you were banned from the server",
    "cancelled_by_operator_block": "the bot's operators blocked you from making videos",
    "cancelled_by_operator": "the bot's operators cancelled it",
    "cancelled_bot_removed": "the bot was removed from the server",
}

ZH: dict[str, str] = {
    "status_header": "🎬 {mention} 请求了一个视频：{prompt}",
    "status_line_waiting": "⏳ 任务 #{job_id} 正在等待视频服务接收。",
    "status_line_queued": "🎞️ 任务 #{job_id} 已在视频服务排队：{bar} {progress}% · 通常{typical}完成。",
    "status_line_queued_slow": (
        "🎞️ 任务 #{job_id} 已在视频服务排队：{bar} {progress}% · 比平时慢：视频服务在 {since} "
        "接收了任务，这类视频通常{typical}完成。"
    ),
    "status_line_held": "⏳ 任务 #{job_id} 正在等待，在本服务器排第 {position} 位：{reason}",
    "status_line_held_personal": "⏳ 任务 #{job_id} 正在等待发送：{reason}",
    "status_hold_slow_down": "视频服务要求我放慢请求速度，{when} 发送。",
    "status_hold_slow_down_now": "视频服务要求我放慢请求速度，正在发送。",
    "status_hold_busy": "视频服务繁忙，{when} 重试。",
    "status_hold_busy_now": "视频服务繁忙，正在重试。",
    "status_hold_discord": "更新文件链接时 Discord 没有响应，{when} 重试。",
    "status_hold_discord_now": "更新文件链接时 Discord 没有响应，正在重试。",
    "status_hold_slot": "本服务器同时只允许生成 {limit} 个视频。",
    "status_hold_slot_one": "本服务器同时只允许生成 1 个视频。",
    "typical_wait_default": "约 {low}-{high} 分钟",
    "typical_wait_minutes": "约 {minutes} 分钟",
    "typical_wait_seconds": "约 {seconds} 秒",
    "status_line_processing": "🎞️ 任务 #{job_id} 正在生成：{bar} {progress}% · {eta}",
    "status_eta_minutes": "大约还需 {minutes} 分钟",
    "status_eta_soon": "即将完成",
    "status_eta_seconds": "大约还需 {seconds} 秒",
    "status_eta_unknown": "剩余时间暂未知",
    "status_eta_no_news": "暂时无法从视频服务获取进度，仍在查询",
    "status_eta_past_wait": "进度太慢，超出了我能等待的时间：{until} 我将停止等待",
    "status_eta_stopping": "进度太慢，超出了我能等待的时间：我即将停止等待",
    "status_line_queued_past_wait": (
        "🎞️ 任务 #{job_id} 仍在视频服务排队：{bar} {progress}% · 视频服务在 {since} 接收了任务；{wait}。"
    ),
    "status_wait_ends": "{until} 我将停止等待",
    "status_wait_ending": "我即将停止等待",
    "status_line_completed": "✅ 任务 #{job_id} 已完成：视频在下方回复中。",
    "status_line_posting": "✅ 任务 #{job_id} 已完成：正在发布视频…",
    "status_line_timed_out": "⏳ 任务 #{job_id} 用时超过了机器人的等待时间；它仍计入额度。我将在 {until} 停止查询：在那之前完成的话，视频仍会发布。",
    "status_line_timed_out_unfollowed": (
        "❌ 任务 #{job_id} 用时超过了机器人的等待时间，我已不再等待：不会有视频了。"
        "由于视频服务可能已经生成了视频，它仍计入额度。"
    ),
    "status_line_timed_out_failed": (
        "❌ 任务 #{job_id} 用时超过了机器人的等待时间，视频服务也未能完成它：不会有视频，也不计入额度。"
    ),
    "status_line_timed_out_failed_counted": (
        "❌ 任务 #{job_id} 用时超过了机器人的等待时间，视频服务也未能完成它：不会有视频。"
        "视频服务已为它计费，所以仍计入额度。"
    ),
    "status_line_completed_deleted": "✅ 任务 #{job_id} 已完成，但视频后来被删除了。",
    "status_line_completed_dm": "✅ 任务 #{job_id} 已完成：我已无法在这里发消息，所以已把视频私信发给发起人。",
    "status_line_completed_unposted": (
        "✅ 任务 #{job_id} 已完成，但我既无法在这里发布，也无法私信发送："
        "发起人可以用 {/videos history} 查看。"
    ),
    "status_line_completed_unposted_here": (
        "✅ 任务 #{job_id} 已完成，但我在此发布它时一再失败：发起人可以用 {/videos history} 查看。"
    ),
    "status_line_completed_dm_private": "✅ 任务 #{job_id} 已完成：我已通过私信发给你。",
    "status_line_completed_posted_private": "✅ 任务 #{job_id} 已完成：视频已发在下方。",
    "status_line_completed_copied_private": (
        "✅ 任务 #{job_id} 已完成：视频已发在下方。Discord 只让你看到它，并会在你的应用重新加载后"
        "将其清除，所以我也通过私信给你发了一份副本。"
    ),
    "status_line_completed_uncopied_private": (
        "✅ 任务 #{job_id} 已完成：视频已发在下方。Discord 只让你看到它，并会在你的应用重新加载后"
        "将其清除；你的私信已关闭，请现在保存，或之后用 {/videos history} 查看（{link_end}）。"
    ),
    "status_line_failed_posted_private": "❌ 任务 #{job_id} 未能生成：原因已发在下方。",
    "status_line_completed_unposted_private": (
        "✅ 任务 #{job_id} 已完成，但你关闭了私信：请用 {/videos history} 查看。"
    ),
    "status_line_failed_dm_private": "❌ 任务 #{job_id} 未能生成；我已通过私信告诉你原因。",
    "status_line_failed_unposted_private": "❌ 任务 #{job_id} 未能生成；请用 {/videos status} 查看原因。",
    "status_line_unknown": "❔ 任务 #{job_id}：视频服务没有回应，视频可能已生成但无法发布（除非之后收到了回应）；仍计入额度，已告知发起人。",
    "status_line_unknown_below": "❔ 任务 #{job_id}：视频服务没有回应，视频可能已生成但无法发布（除非之后收到了回应）；仍计入额度，详情见下方回复。",
    "status_line_unknown_telling": "❔ 任务 #{job_id}：视频服务没有回应，视频可能已生成但无法发布（除非之后收到了回应）；仍计入额度，详情正在发送中。",
    "status_line_unknown_unposted": "❔ 任务 #{job_id}：视频服务没有回应，视频可能已生成但无法发布（除非之后收到了回应）；仍计入额度，发起人可以用 {/videos status} 查看详情。",
    "status_line_unknown_dm_private": "❔ 任务 #{job_id}：视频服务没有回应，视频可能已生成但无法发布（除非之后收到了回应）；仍计入你的额度，我已通过私信告诉你详情。",
    "status_line_unknown_posted_private": "❔ 任务 #{job_id}：视频服务没有回应，视频可能已生成但无法发布（除非之后收到了回应）；仍计入你的额度，详情已发在下方。",
    "status_line_unknown_unposted_private": "❔ 任务 #{job_id}：视频服务没有回应，视频可能已生成但无法发布（除非之后收到了回应）；仍计入你的额度，请用 {/videos status} 查看详情。",
    "status_line_expired": "⌛ 任务 #{job_id} 已生成，但在发布之前下载链接已失效；已告知发起人。",
    "status_line_expired_private": "⌛ 任务 #{job_id} 已生成，但在我发布之前下载链接已失效；请再发起一次请求。",
    "status_line_failed": "❌ 任务 #{job_id} 未能生成；已告知发起人原因。",
    "status_line_failed_below": "❌ 任务 #{job_id} 未能生成：原因见下方回复。",
    "status_line_failed_telling": "❌ 任务 #{job_id} 未能生成；原因正在发送中。",
    "status_line_failed_unposted": "❌ 任务 #{job_id} 未能生成；发起人可以用 {/videos status} 查看原因。",
    "status_line_cancelled": "🚫 任务 #{job_id} 已取消。",
    "status_header_automod": "🎬 {mention} 请求了一个视频；提示词未显示：本服务器的 AutoMod 拦截了它。",
    "status_header_withdrawn": "🎬 {mention} 请求了一个视频；其提示词已不再显示。",
    "status_line_cancelled_by": "🚫 任务 #{job_id} 已取消：{reason}。",
    "button_regenerate": "重新生成",
    "button_edit_prompt": "修改提示词",
    "button_delete": "删除",
    "edit_prompt_title": "修改提示词",
    "edit_prompt_label": "提示词",
    "job_not_found": "我已找不到这个视频。请使用 {/video} 生成新的视频。",
    "regenerate_double_click": (
        "你刚刚已经点过这个视频的「重新生成」，正在处理那次点击：点一次就够了。如果想再要一个版本，请过几秒再点。"
    ),
    "form_sent_twice": "你刚刚已经提交过这个表单，正在处理那次提交：提交一次就够了。如果想再要一个视频，请过几秒再提交。",
    "regenerate_awaiting_confirm": (
        "你已经点过任务 #{job_id} 的「重新生成」，我仍在等你答复那个视频预计花费的确认请求："
        "请在那条确认请求上点「确认」或「取消」（它将于 {expires} 失效）。这次没有再次询问，"
        "也没有计入额度。"
    ),
    "form_busy": "我暂时有点忙，没能打开表单。请再点一次。",
    "delete_not_allowed": "只有请求这个视频的成员、管理员，或在这里拥有「管理消息」权限的人，才能删除它。你可以用 {/video} 生成自己的视频。",
    "delete_question": "要删除任务 #{job_id} 的视频吗？这里的所有人都将看不到它，且删除后无法恢复。",
    "button_delete_yes": "删除",
    "button_delete_no": "保留",
    "delete_kept": "已保留：视频仍在原处。",
    "delete_question_dm": "要从我们的私信中删除任务 #{job_id} 的视频吗？删除后无法恢复。",
    "delete_question_notice_dm": "要从我们的私信中删除关于任务 #{job_id} 的这条消息吗？删除后无法恢复。",
    "delete_question_notice": "要删除关于任务 #{job_id} 的这条消息吗？这里的所有人都将看不到它，且删除后无法恢复。",
    "delete_kept_notice": "已保留：这条消息仍在原处。",
    "delete_gone": "这个视频已经被删除了。",
    "delete_gone_notice": "这条消息已经被删除了。",
    "deleted_notice": "消息已删除。",
    "delete_failed_notice": "Discord 暂时不允许我删除这条消息；它仍然在原处。",
    "deleted": "视频已删除。",
    "delete_failed": "Discord 暂时不允许我删除这个视频；它仍然在原处。",
    "delete_bot_not_here": "我已经不在这个服务器里了（它只保留了我的命令），所以无法删除我在这里发布的视频；它仍然在原处。管理员（在这里拥有「管理消息」权限的人）可以删除它。",
    "delete_bot_not_here_notice": "我已经不在这个服务器里了（它只保留了我的命令），所以无法删除我在这里发布的这条消息；它仍然在原处。管理员（在这里拥有「管理消息」权限的人）可以删除它。",
    "history_empty": "你还没有视频。使用 {/video} 生成第一个吧。",
    "history_title": "你最近的视频",
    "history_title_page": "你的视频，第 {page} 页（最新的在前）",
    "history_older": "更早的视频：{/videos history} `{opt_page}:{next}`",
    "history_older_by_number": "更早的视频：用 {/videos status} 加任务编号查看。",
    "history_no_page": "没有第 {page} 页：你最早的视频在第 {last} 页。",
    "history_line": "**#{job_id}** · {state} · <t:{created}:R> · {prompt}",
    "history_link": "[视频]({url})",
    "history_link_until": "[视频]({url})，<t:{expires}:R> 失效",
    "history_link_expired": "链接已失效",
    "history_outside_servers": "在未添加本机器人的地方或私信中生成",
    "history_in_a_server": "在某个服务器生成",
    "history_in_another_server": "在另一个服务器生成",
    "status_not_yours": "你没有编号为 #{job_id} 的任务。使用 {/videos history} 查看你的任务。",
    "status_report": "**任务 #{job_id}**：{state} · 请求于 <t:{created}:R>\n{details}",
    "status_details_progress": "{bar} {progress}%",
    "status_details_rendering": "{bar} {progress}% · {eta}",
    "status_details_waiting": "尚未发送；它在等什么、还要等多久，见它的状态消息：{url}",
    "status_details_held": "尚未发送：{reason}",
    "status_details_on_its_way": "尚未发送；一有条件就会发送。",
    "status_details_result": "结果：{url}（链接于 <t:{expires}:R> 失效）",
    "status_details_posted": "结果：{url}",
    "status_details_link_expired": "视频是以视频服务的链接发布的，该链接已于 <t:{expired}:R> 失效，视频已无法查看。",
    "status_details_kept_expired": "视频既没能发布，也没能私信给你；视频服务提供的链接已于 <t:{expired}:R> 失效，视频已无法查看。",
    "status_details_private_expired": (
        "视频已发布在你使用命令的地方，但 Discord 只让你看到它，并在你的应用重新加载后将其清除；"
        "视频服务提供的链接已于 <t:{expired}:R> 失效，视频已无法查看。"
    ),
    "status_details_result_deleted": "视频已发布，但后来被删除了。",
    "status_details_expired_unposted": (
        "视频已生成，但在发布之前下载链接就已失效：没有视频。请用 {/video} 再发起一次请求。"
    ),
    "history_expired_unposted": "下载链接在发布之前就已失效",
    "history_sent_by_dm": "已私信发送给你",
    "history_posted_where_asked": "已发布在你使用命令的地方",
    "status_details_sent_by_dm": "视频已通过私信发送给你。",
    "status_details_posted_where_asked": "视频已发布在你使用命令的地方。",
    "status_details_reason": "原因：{reason}",
    "status_details_billed_no_video": "视频服务已为它收费，但没有发来视频。由于已经收费，它会计入你的额度；请告诉管理员。",
    "status_details_billed_no_video_personal": "视频服务已为它收费，但没有发来视频。由于已经收费，它会计入你的额度。",
    "status_details_timed_out": "它用时超过了机器人的等待时间。它仍计入额度；我将在 {until} 停止查询，在那之前完成的话，视频仍会发布。",
    "status_details_timed_out_unfollowed": "它用时超过了机器人的等待时间，我已不再等待：不会有视频了。由于视频服务可能已经生成了视频，它仍计入额度。",
    "cancel_done_counted": "任务 #{job_id} 已取消，视频不会发布。由于它已经开始生成，仍计入你的额度。",
    "cancel_done_refunded": "任务 #{job_id} 已取消。它从未发送给视频服务，所以不计入你的额度。",
    "cancel_done_when_sent": "任务 #{job_id} 已取消，视频不会发布。取消时它正在发送给视频服务：如果已经送达，仍计入你的额度；否则不计入。",
    "cancel_already": "任务 #{job_id} 已经取消了。",
    "cancel_notice_counted": (
        "{mention} 任务 #{job_id} 已取消：{reason}。视频不会发布。由于它已经开始生成，仍计入你的额度。"
    ),
    "cancel_notice_refunded": (
        "{mention} 任务 #{job_id} 已取消：{reason}。视频不会发布，也不计入你的额度。"
    ),
    "status_details_cancelled_counted": "已取消（{reason}）：视频不会发布。由于它已经开始生成，仍计入你的额度。",
    "status_details_cancelled_refunded": "已取消（{reason}）：视频不会发布，也不计入你的额度。",
    "cancel_not_possible": "任务 #{job_id} 已无法取消。请用 {/videos status} 查看它的进展。",
    "state_recorded": "等待中",
    "state_submitting": "发送中",
    "state_queued": "排队中",
    "state_processing": "生成中",
    "state_completed": "已完成",
    "state_failed": "失败",
    "state_failed_counted": "失败（仍计入额度）",
    "state_cancelled": "已取消",
    "state_cancelled_counted": "已取消（仍计入额度）",
    "state_timed_out": "超时（仍计入额度）",
    "state_rejected": "被拒绝",
    "state_unsent_budget": "未发送（预算不足）",
    "state_submit_unknown": "未知（仍计入额度）",
    "cancelled_by_member": "你取消了它",
    "cancelled_by_moderator": "管理员取消了它",
    "cancelled_by_block": "管理员禁止你生成视频",
    "cancelled_by_ban": "你已被服务器封禁",
    "cancelled_by_operator_block": "机器人运营者禁止你生成视频",
    "cancelled_by_operator": "机器人运营者取消了它",
    "cancelled_bot_removed": "机器人已被移出服务器",
}


# Traditional Chinese with Taiwan wording, for zh-TW clients: the ZH sentences with the same
# keys and blanks (影片, 伺服器, 訊息, 設定, 身分組 as a Taiwanese Discord client says them).
ZH_TW: dict[str, str] = {
    "status_header": "🎬 {mention} 請求了一個影片：{prompt}",
    "status_line_waiting": "⏳ 任務 #{job_id} 正在等待影片服務接收。",
    "status_line_queued": "🎞️ 任務 #{job_id} 已在影片服務排隊：{bar} {progress}% · 通常{typical}完成。",
    "status_line_queued_slow": (
        "🎞️ 任務 #{job_id} 已在影片服務排隊：{bar} {progress}% · 比平常慢：影片服務在 {since} "
        "接收了任務，這類影片通常{typical}完成。"
    ),
    "status_line_held": "⏳ 任務 #{job_id} 正在等待，在本伺服器排第 {position} 位：{reason}",
    "status_line_held_personal": "⏳ 任務 #{job_id} 正在等待傳送：{reason}",
    "status_hold_slow_down": "影片服務要求我放慢請求速度，{when} 傳送。",
    "status_hold_slow_down_now": "影片服務要求我放慢請求速度，正在傳送。",
    "status_hold_busy": "影片服務繁忙，{when} 重試。",
    "status_hold_busy_now": "影片服務繁忙，正在重試。",
    "status_hold_discord": "更新檔案連結時 Discord 沒有回應，{when} 重試。",
    "status_hold_discord_now": "更新檔案連結時 Discord 沒有回應，正在重試。",
    "status_hold_slot": "本伺服器同時只允許生成 {limit} 個影片。",
    "status_hold_slot_one": "本伺服器同時只允許生成 1 個影片。",
    "typical_wait_default": "約 {low}-{high} 分鐘",
    "typical_wait_minutes": "約 {minutes} 分鐘",
    "typical_wait_seconds": "約 {seconds} 秒",
    "status_line_processing": "🎞️ 任務 #{job_id} 正在生成：{bar} {progress}% · {eta}",
    "status_eta_minutes": "大約還需 {minutes} 分鐘",
    "status_eta_soon": "即將完成",
    "status_eta_seconds": "大約還需 {seconds} 秒",
    "status_eta_unknown": "剩餘時間暫未知",
    "status_eta_no_news": "暫時無法從影片服務取得進度，仍在查詢",
    "status_eta_past_wait": "進度太慢，超出了我能等待的時間：{until} 我將停止等待",
    "status_eta_stopping": "進度太慢，超出了我能等待的時間：我即將停止等待",
    "status_line_queued_past_wait": (
        "🎞️ 任務 #{job_id} 仍在影片服務排隊：{bar} {progress}% · 影片服務在 {since} 接收了任務；{wait}。"
    ),
    "status_wait_ends": "{until} 我將停止等待",
    "status_wait_ending": "我即將停止等待",
    "status_line_completed": "✅ 任務 #{job_id} 已完成：影片在下方回覆中。",
    "status_line_posting": "✅ 任務 #{job_id} 已完成：正在發布影片…",
    "status_line_timed_out": "⏳ 任務 #{job_id} 用時超過了機器人的等待時間；它仍計入額度。我將在 {until} 停止查詢：在那之前完成的話，影片仍會發布。",
    "status_line_timed_out_unfollowed": (
        "❌ 任務 #{job_id} 用時超過了機器人的等待時間，我已不再等待：不會有影片了。"
        "由於影片服務可能已經生成了影片，它仍計入額度。"
    ),
    "status_line_timed_out_failed": (
        "❌ 任務 #{job_id} 用時超過了機器人的等待時間，影片服務也未能完成它：不會有影片，也不計入額度。"
    ),
    "status_line_timed_out_failed_counted": (
        "❌ 任務 #{job_id} 用時超過了機器人的等待時間，影片服務也未能完成它：不會有影片。"
        "影片服務已為它計費，所以仍計入額度。"
    ),
    "status_line_completed_deleted": "✅ 任務 #{job_id} 已完成，但影片後來被刪除了。",
    "status_line_completed_dm": "✅ 任務 #{job_id} 已完成：我已無法在這裡傳送訊息，所以已把影片私訊傳給發起人。",
    "status_line_completed_unposted": (
        "✅ 任務 #{job_id} 已完成，但我既無法在這裡發布，也無法私訊傳送："
        "發起人可以用 {/videos history} 檢視。"
    ),
    "status_line_completed_unposted_here": (
        "✅ 任務 #{job_id} 已完成，但我在此發布它時一再失敗：發起人可以用 {/videos history} 檢視。"
    ),
    "status_line_completed_dm_private": "✅ 任務 #{job_id} 已完成：我已透過私訊發給你。",
    "status_line_completed_posted_private": "✅ 任務 #{job_id} 已完成：影片已發在下方。",
    "status_line_completed_copied_private": (
        "✅ 任務 #{job_id} 已完成：影片已發在下方。Discord 只讓你看到它，並會在你的應用程式重新載入後"
        "將其清除，所以我也透過私訊傳了一份副本給你。"
    ),
    "status_line_completed_uncopied_private": (
        "✅ 任務 #{job_id} 已完成：影片已發在下方。Discord 只讓你看到它，並會在你的應用程式重新載入後"
        "將其清除；你的私訊已關閉，請現在儲存，或之後用 {/videos history} 檢視（{link_end}）。"
    ),
    "status_line_failed_posted_private": "❌ 任務 #{job_id} 未能生成：原因已發在下方。",
    "status_line_completed_unposted_private": (
        "✅ 任務 #{job_id} 已完成，但你關閉了私訊：請用 {/videos history} 檢視。"
    ),
    "status_line_failed_dm_private": "❌ 任務 #{job_id} 未能生成；我已透過私訊告訴你原因。",
    "status_line_failed_unposted_private": "❌ 任務 #{job_id} 未能生成；請用 {/videos status} 檢視原因。",
    "status_line_unknown": "❔ 任務 #{job_id}：影片服務沒有回應，影片可能已生成但無法發布（除非之後收到了回應）；仍計入額度，已告知發起人。",
    "status_line_unknown_below": "❔ 任務 #{job_id}：影片服務沒有回應，影片可能已生成但無法發布（除非之後收到了回應）；仍計入額度，詳情見下方回覆。",
    "status_line_unknown_telling": "❔ 任務 #{job_id}：影片服務沒有回應，影片可能已生成但無法發布（除非之後收到了回應）；仍計入額度，詳情正在傳送中。",
    "status_line_unknown_unposted": "❔ 任務 #{job_id}：影片服務沒有回應，影片可能已生成但無法發布（除非之後收到了回應）；仍計入額度，發起人可以用 {/videos status} 檢視詳情。",
    "status_line_unknown_dm_private": "❔ 任務 #{job_id}：影片服務沒有回應，影片可能已生成但無法發布（除非之後收到了回應）；仍計入你的額度，我已透過私訊告訴你詳情。",
    "status_line_unknown_posted_private": "❔ 任務 #{job_id}：影片服務沒有回應，影片可能已生成但無法發布（除非之後收到了回應）；仍計入你的額度，詳情已發在下方。",
    "status_line_unknown_unposted_private": "❔ 任務 #{job_id}：影片服務沒有回應，影片可能已生成但無法發布（除非之後收到了回應）；仍計入你的額度，請用 {/videos status} 檢視詳情。",
    "status_line_expired": "⌛ 任務 #{job_id} 已生成，但在發布之前下載連結已失效；已告知發起人。",
    "status_line_expired_private": "⌛ 任務 #{job_id} 已生成，但在我發布之前下載連結已失效；請再發起一次請求。",
    "status_line_failed": "❌ 任務 #{job_id} 未能生成；已告知發起人原因。",
    "status_line_failed_below": "❌ 任務 #{job_id} 未能生成：原因見下方回覆。",
    "status_line_failed_telling": "❌ 任務 #{job_id} 未能生成；原因正在傳送中。",
    "status_line_failed_unposted": "❌ 任務 #{job_id} 未能生成；發起人可以用 {/videos status} 檢視原因。",
    "status_line_cancelled": "🚫 任務 #{job_id} 已取消。",
    "status_header_automod": "🎬 {mention} 請求了一個影片；提示詞未顯示：本伺服器的 AutoMod 攔截了它。",
    "status_header_withdrawn": "🎬 {mention} 請求了一個影片；其提示詞已不再顯示。",
    "status_line_cancelled_by": "🚫 任務 #{job_id} 已取消：{reason}。",
    "button_regenerate": "重新生成",
    "button_edit_prompt": "修改提示詞",
    "button_delete": "刪除",
    "edit_prompt_title": "修改提示詞",
    "edit_prompt_label": "提示詞",
    "job_not_found": "我已找不到這個影片。請使用 {/video} 生成新的影片。",
    "regenerate_double_click": (
        "你剛剛已經點過這個影片的「重新生成」，正在處理那次點選：點一次就夠了。如果想再要一個版本，請過幾秒再點。"
    ),
    "form_sent_twice": "你剛剛已經提交過這個表單，正在處理那次提交：提交一次就夠了。如果想再要一個影片，請過幾秒再提交。",
    "regenerate_awaiting_confirm": (
        "你已經點過任務 #{job_id} 的「重新生成」，我仍在等你回覆那個影片預計花費的確認請求："
        "請在那則確認請求上點「確認」或「取消」（它將於 {expires} 失效）。這次沒有再次詢問，"
        "也沒有計入額度。"
    ),
    "form_busy": "我暫時有點忙，沒能開啟表單。請再點一次。",
    "delete_not_allowed": "只有請求這個影片的成員、管理員，或在這裡擁有「管理訊息」權限的人，才能刪除它。你可以用 {/video} 生成自己的影片。",
    "delete_question": "要刪除任務 #{job_id} 的影片嗎？這裡的所有人都將看不到它，且刪除後無法恢復。",
    "button_delete_yes": "刪除",
    "button_delete_no": "保留",
    "delete_kept": "已保留：影片仍在原處。",
    "delete_question_dm": "要從我們的私訊中刪除任務 #{job_id} 的影片嗎？刪除後無法恢復。",
    "delete_question_notice_dm": "要從我們的私訊中刪除關於任務 #{job_id} 的這則訊息嗎？刪除後無法恢復。",
    "delete_question_notice": "要刪除關於任務 #{job_id} 的這則訊息嗎？這裡的所有人都將看不到它，且刪除後無法恢復。",
    "delete_kept_notice": "已保留：這則訊息仍在原處。",
    "delete_gone": "這個影片已經被刪除了。",
    "delete_gone_notice": "這則訊息已經被刪除了。",
    "deleted_notice": "訊息已刪除。",
    "delete_failed_notice": "Discord 暫時不允許我刪除這則訊息；它仍然在原處。",
    "deleted": "影片已刪除。",
    "delete_failed": "Discord 暫時不允許我刪除這個影片；它仍然在原處。",
    "delete_bot_not_here": "我已經不在這個伺服器裡了（它只保留了我的指令），所以無法刪除我在這裡發布的影片；它仍然在原處。管理員（在這裡擁有「管理訊息」權限的人）可以刪除它。",
    "delete_bot_not_here_notice": (
        "我已經不在這個伺服器裡了（它只保留了我的指令），所以無法刪除我在這裡發布的這則訊息；"
        "它仍然在原處。管理員（在這裡擁有「管理訊息」權限的人）可以刪除它。"
    ),
    "history_empty": "你還沒有影片。使用 {/video} 生成第一個吧。",
    "history_title": "你最近的影片",
    "history_title_page": "你的影片，第 {page} 頁（最新的在前）",
    "history_older": "更早的影片：{/videos history} `{opt_page}:{next}`",
    "history_older_by_number": "更早的影片：用 {/videos status} 加任務編號檢視。",
    "history_no_page": "沒有第 {page} 頁：你最早的影片在第 {last} 頁。",
    "history_line": "**#{job_id}** · {state} · <t:{created}:R> · {prompt}",
    "history_link": "[影片]({url})",
    "history_link_until": "[影片]({url})，<t:{expires}:R> 失效",
    "history_link_expired": "連結已失效",
    "history_outside_servers": "在未新增本機器人的地方或私訊中生成",
    "history_in_a_server": "在某個伺服器生成",
    "history_in_another_server": "在另一個伺服器生成",
    "status_not_yours": "你沒有編號為 #{job_id} 的任務。使用 {/videos history} 檢視你的任務。",
    "status_report": "**任務 #{job_id}**：{state} · 請求於 <t:{created}:R>\n{details}",
    "status_details_progress": "{bar} {progress}%",
    "status_details_rendering": "{bar} {progress}% · {eta}",
    "status_details_waiting": "尚未傳送；它在等什麼、還要等多久，見它的狀態訊息：{url}",
    "status_details_held": "尚未傳送：{reason}",
    "status_details_on_its_way": "尚未傳送；一有條件就會傳送。",
    "status_details_result": "結果：{url}（連結於 <t:{expires}:R> 失效）",
    "status_details_posted": "結果：{url}",
    "status_details_link_expired": "影片是以影片服務的連結發布的，該連結已於 <t:{expired}:R> 失效，影片已無法檢視。",
    "status_details_kept_expired": "影片既沒能發布，也沒能私訊給你；影片服務提供的連結已於 <t:{expired}:R> 失效，影片已無法檢視。",
    "status_details_private_expired": (
        "影片已發布在你使用指令的地方，但 Discord 只讓你看到它，"
        "並在你的應用程式重新載入後將其清除；"
        "影片服務提供的連結已於 <t:{expired}:R> 失效，影片已無法檢視。"
    ),
    "status_details_result_deleted": "影片已發布，但後來被刪除了。",
    "status_details_expired_unposted": (
        "影片已生成，但在發布之前下載連結就已失效：沒有影片。請用 {/video} 再發起一次請求。"
    ),
    "history_expired_unposted": "下載連結在發布之前就已失效",
    "history_sent_by_dm": "已私訊傳送給你",
    "history_posted_where_asked": "已發布在你使用指令的地方",
    "status_details_sent_by_dm": "影片已透過私訊傳送給你。",
    "status_details_posted_where_asked": "影片已發布在你使用指令的地方。",
    "status_details_reason": "原因：{reason}",
    "status_details_billed_no_video": "影片服務已為它收費，但沒有發來影片。由於已經收費，它會計入你的額度；請告訴管理員。",
    "status_details_billed_no_video_personal": "影片服務已為它收費，但沒有發來影片。由於已經收費，它會計入你的額度。",
    "status_details_timed_out": "它用時超過了機器人的等待時間。它仍計入額度；我將在 {until} 停止查詢，在那之前完成的話，影片仍會發布。",
    "status_details_timed_out_unfollowed": "它用時超過了機器人的等待時間，我已不再等待：不會有影片了。由於影片服務可能已經生成了影片，它仍計入額度。",
    "cancel_done_counted": "任務 #{job_id} 已取消，影片不會發布。由於它已經開始生成，仍計入你的額度。",
    "cancel_done_refunded": "任務 #{job_id} 已取消。它從未傳送給影片服務，所以不計入你的額度。",
    "cancel_done_when_sent": "任務 #{job_id} 已取消，影片不會發布。取消時它正在傳送給影片服務：如果已經送達，仍計入你的額度；否則不計入。",
    "cancel_already": "任務 #{job_id} 已經取消了。",
    "cancel_notice_counted": (
        "{mention} 任務 #{job_id} 已取消：{reason}。影片不會發布。由於它已經開始生成，仍計入你的額度。"
    ),
    "cancel_notice_refunded": (
        "{mention} 任務 #{job_id} 已取消：{reason}。影片不會發布，也不計入你的額度。"
    ),
    "status_details_cancelled_counted": "已取消（{reason}）：影片不會發布。由於它已經開始生成，仍計入你的額度。",
    "status_details_cancelled_refunded": "已取消（{reason}）：影片不會發布，也不計入你的額度。",
    "cancel_not_possible": "任務 #{job_id} 已無法取消。請用 {/videos status} 檢視它的進展。",
    "state_recorded": "等待中",
    "state_submitting": "傳送中",
    "state_queued": "排隊中",
    "state_processing": "生成中",
    "state_completed": "已完成",
    "state_failed": "失敗",
    "state_failed_counted": "失敗（仍計入額度）",
    "state_cancelled": "已取消",
    "state_cancelled_counted": "已取消（仍計入額度）",
    "state_timed_out": "超時（仍計入額度）",
    "state_rejected": "被拒絕",
    "state_unsent_budget": "未傳送（預算不足）",
    "state_submit_unknown": "未知（仍計入額度）",
    "cancelled_by_member": "你取消了它",
    "cancelled_by_moderator": "管理員取消了它",
    "cancelled_by_block": "管理員禁止你生成影片",
    "cancelled_by_ban": "你已被伺服器停權",
    "cancelled_by_operator_block": "機器人營運者禁止你生成影片",
    "cancelled_by_operator": "機器人營運者取消了它",
    "cancelled_bot_removed": "機器人已被移出伺服器",
}
