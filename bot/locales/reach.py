"""Using the bot anywhere (issue 17): DMs, group DMs, user installs, operator blocks."""

EN: dict[str, str] = {
    "status_by_dm_after_all": (
        "Job #{job_id} is taking longer than Discord lets me answer here, so I'll send the "
        "video to you by direct message when it's ready (if your DMs are closed, find it with "
        "{/videos history})."
    ),
    "queued_here": (
        "Your video is queued as job #{job_id}. It usually takes {typical}; "
        "I'll post it right here when it's ready (if it takes longer than Discord lets me "
        "answer here, I'll send it by direct message instead; you can also find it with "
        "{/videos history})."
    ),
    "queued_here_private": (
        "Your video is queued as job #{job_id}. It usually takes {typical}; I'll post it "
        "right here when it's ready. This server keeps my answers private, so only you "
        "will see it, and Discord clears it once your app reloads: I'll send you a copy by "
        "direct message too (if it takes longer than Discord lets me answer here, I'll send it "
        "by direct message instead; you can also find it with {/videos history})."
    ),
    "service_busy_here": (
        "The video service is busy right now, so job #{job_id} is saved and waiting. I'll "
        "start it automatically and post it right here when it's ready (if that takes longer "
        "than Discord lets me answer here, I'll send it by direct message instead; you can "
        "also find it with {/videos history})."
    ),
    # Waiting because Discord did not answer the re-read of the member's reference files.
    "discord_silent_here": (
        "The links to your reference files need renewing and Discord didn't answer just now, "
        "so job #{job_id} is saved and waiting. I'll try again shortly and post it right here "
        "when it's ready (if that takes longer than Discord lets me answer here, I'll send it "
        "by direct message instead; you can also find it with {/videos history})."
    ),
    "discord_silent_by_dm": (
        "The links to your reference files need renewing and Discord didn't answer just now, "
        "so job #{job_id} is saved and waiting. I'll try again shortly and send it to you by "
        "direct message when it's ready. If your DMs are closed, find it with "
        "{/videos history}."
    ),
    "queued_by_dm": (
        "Your video is queued as job #{job_id}. It may take longer than I can answer here, "
        "so I'll send it to you by direct message when it's ready. If your DMs are closed, "
        "find it with {/videos history}."
    ),
    "service_busy_by_dm": (
        "The video service is busy right now, so job #{job_id} is saved and waiting. I'll "
        "start it automatically and send it to you by direct message when it's ready. If your "
        "DMs are closed, find it with {/videos history}."
    ),
    "personal_off": (
        "Videos can only be made in servers that added this bot; the bot's operator has "
        "turned them off everywhere else. Nothing was counted."
    ),
    "personal_budget_spent": (
        "The credits for videos made outside servers that added this bot are used up for "
        "this month. Videos can be made here again {reset}. Nothing was counted."
    ),
    "personal_budget_spent_held": (
        "The credits for videos made outside servers that added this bot are used up for "
        "this month, counting what the videos being made now are expected to cost. Videos can "
        "be made here again {reset}, sooner if the videos being made cost less than expected, "
        "fail or are cancelled. Nothing was counted."
    ),
    "personal_budget_too_little": (
        "The credits for videos made outside servers that added this bot have only {left} left "
        "this month: less than the cheapest video ({cheapest}). Videos can be made here again "
        "{reset}. Nothing was counted."
    ),
    "personal_budget_too_little_held": (
        "The credits for videos made outside servers that added this bot have only {left} left "
        "this month, counting what the videos being made now are expected to cost: less than "
        "the cheapest video ({cheapest}). Videos can be made here again {reset}, sooner if the "
        "videos being made cost less than expected, fail or are cancelled. Nothing was counted."
    ),
    "personal_budget_short": (
        "This video is expected to cost {cost}, but the credits for videos made outside "
        "servers that added this bot have only {left} left this month, counting the videos "
        "being made now. Nothing was counted. A shorter or lower-resolution video may fit; "
        "the credits start again {reset}."
    ),
    "personal_budget_short_reference": (
        "This video is expected to cost {cost}, but the credits for videos made outside "
        "servers that added this bot have only {left} left this month, counting the videos "
        "being made now. Nothing was counted. A lower-resolution video, or a shorter one "
        "without the reference video, may fit; the credits start again {reset}."
    ),
    "unsent_personal_budget_spent": (
        "Your video was not sent: while it waited, the videos before it used this month's "
        "credits for videos made outside servers that added this bot, and what is left would "
        "not pay for it. Nothing was counted."
    ),
    "owner_blocked": (
        "The bot's operator has blocked you from making videos (reason: {reason}). "
        "Nothing was counted."
    ),
    # /videos quota outside servers: the same news, for a member who only asked
    "personal_off_standing": (
        "Videos can only be made in servers that added this bot; the bot's operator has "
        "turned them off everywhere else."
    ),
    "personal_budget_spent_standing": (
        "The credits for videos made outside servers that added this bot are used up for "
        "this month. Videos can be made here again {reset}."
    ),
    "personal_budget_too_little_standing": (
        "The credits for videos made outside servers that added this bot have only {left} left "
        "this month: less than the cheapest video ({cheapest}). Videos can be made here again "
        "{reset}."
    ),
    "personal_budget_too_little_held_standing": (
        "The credits for videos made outside servers that added this bot have only {left} left "
        "this month, counting what the videos being made now are expected to cost: less than "
        "the cheapest video ({cheapest}). Videos can be made here again {reset}, sooner if the "
        "videos being made cost less than expected, fail or are cancelled."
    ),
    "personal_budget_spent_held_standing": (
        "The credits for videos made outside servers that added this bot are used up for "
        "this month, counting what the videos being made now are expected to cost. Videos can "
        "be made here again {reset}, sooner if the videos being made cost less than expected, "
        "fail or are cancelled."
    ),
    "owner_blocked_standing": (
        "The bot's operator has blocked you from making videos (reason: {reason})."
    ),
    "personal_paused": (
        "Video generation is paused because the video service's balance is empty. Nothing was "
        "counted; please try again later."
    ),
    "personal_paused_standing": (
        "Video generation is paused because the video service's balance is empty; please try "
        "again later."
    ),
    "owner_only": "Only the bot's operators can use this command.",
    "owner_block_done": "{user} is blocked from making videos everywhere (reason: {reason}).",
    "owner_unblock_done": "{user} may make videos again.",
    "owner_unblock_done_but": (
        "The block on {user} everywhere is lifted: they may make videos again, except in "
        "{servers} whose moderators block them too."
    ),
    "owner_resume_done": "Video generation has resumed everywhere.",
    "owner_not_blocked": "{user} was not blocked.",
    "owner_month_credits": (
        "**Credits this month outside servers that added this bot** (DMs and the app installed "
        "by users, since {start}): {used} spent. {left}"
    ),
    "owner_budget_none": (
        "No monthly budget is set for them (`USER_INSTALL_MONTHLY_BUDGET` in the bot's settings)."
    ),
    "owner_member_month": "{user} spent {credits} outside servers this month (since {start}).",
}

ZH: dict[str, str] = {
    "status_by_dm_after_all": (
        "任务 #{job_id} 用时超过了 Discord 允许我在这里回复的时间，完成后我会私信发给你"
        "（如果你关闭了私信，请用 {/videos history} 查看）。"
    ),
    "queued_here": (
        "你的视频已排队，任务编号 #{job_id}。通常需要{typical}，完成后我会发在这里"
        "（如果超过了 Discord 允许我在这里回复的时间，我会改为私信发给你，也可以用 "
        "{/videos history} 查看）。"
    ),
    "queued_here_private": (
        "你的视频已排队，任务编号 #{job_id}。通常需要{typical}，完成后我会发在这里。"
        "这个服务器设置为我的回复仅你可见，所以只有你能看到它，且 Discord 会在你的应用重新加载后"
        "将其清除：我也会通过私信给你发一份副本（如果超过了 Discord 允许我在这里"
        "回复的时间，我会改为私信发给你，也可以用 {/videos history} 查看）。"
    ),
    "service_busy_here": (
        "视频服务当前繁忙，任务 #{job_id} 已保存并在等待。我会自动开始，完成后发在这里"
        "（如果超过了 Discord 允许我在这里回复的时间，我会改为私信发给你，也可以用 "
        "{/videos history} 查看）。"
    ),
    "discord_silent_here": (
        "你的参考文件链接需要更新，但 Discord 暂时没有响应，所以任务 #{job_id} 已保存并在等待。"
        "我稍后会重试，完成后发在这里（如果超过了 Discord 允许我在这里回复的时间，我会改为私信发给你，"
        "也可以用 {/videos history} 查看）。"
    ),
    "discord_silent_by_dm": (
        "你的参考文件链接需要更新，但 Discord 暂时没有响应，所以任务 #{job_id} 已保存并在等待。"
        "我稍后会重试，完成后私信发给你。如果你关闭了私信，请用 {/videos history} 查看。"
    ),
    "queued_by_dm": (
        "你的视频已排队，任务编号 #{job_id}。生成时间可能超过我在这里能回复的时限，"
        "所以完成后我会私信发给你。如果你关闭了私信，请用 {/videos history} 查看。"
    ),
    "service_busy_by_dm": (
        "视频服务当前繁忙，任务 #{job_id} 已保存并在等待。我会自动开始生成，完成后私信发给你。"
        "如果你关闭了私信，请用 {/videos history} 查看。"
    ),
    "personal_off": (
        "只有添加了本机器人的服务器才能生成视频；机器人运营者已关闭在其他地方生成视频的功能。没有计入额度。"
    ),
    "personal_budget_spent": (
        "本月在未添加本机器人的地方生成视频的积分已用完。{reset} 可以再次在这里生成视频。没有计入额度。"
    ),
    "personal_budget_spent_held": (
        "本月在未添加本机器人的地方生成视频的积分已用完（已计入正在生成的视频的预计花费）。"
        "{reset} 可以再次在这里生成视频；如果正在生成的视频花费比预计少、失败或被取消，可以更早。"
        "没有计入额度。"
    ),
    "personal_budget_too_little": (
        "本月在未添加本机器人的地方生成视频的积分只剩 {left}，不够最便宜的视频（{cheapest}）。"
        "{reset} 可以再次在这里生成视频。没有计入额度。"
    ),
    "personal_budget_too_little_held": (
        "本月在未添加本机器人的地方生成视频的积分只剩 {left}（已计入正在生成的视频的预计花费），"
        "不够最便宜的视频（{cheapest}）。{reset} 可以再次在这里生成视频；如果正在生成的视频花费"
        "比预计少、失败或被取消，可以更早。没有计入额度。"
    ),
    "personal_budget_short": (
        "这个视频预计花费 {cost}，但扣除正在生成的视频的预计花费后，本月在未添加本机器人的地方"
        "生成视频的积分只剩 {left}。没有计入额度。换成更短或分辨率更低的视频也许够用；积分将于 "
        "{reset} 重置。"
    ),
    "personal_budget_short_reference": (
        "这个视频预计花费 {cost}，但扣除正在生成的视频的预计花费后，本月在未添加本机器人的地方"
        "生成视频的积分只剩 {left}。没有计入额度。换成分辨率更低的视频，或不用参考视频的更短视频，"
        "也许够用；积分将于 {reset} 重置。"
    ),
    "unsent_personal_budget_spent": (
        "你的视频未发送：在它等待期间，排在它前面的视频用掉了本月在未添加本机器人的地方生成视频的积分，"
        "剩下的不够支付它。没有计入额度。"
    ),
    "owner_blocked": "机器人运营者已禁止你生成视频（原因：{reason}）。没有计入额度。",
    "personal_off_standing": (
        "只有添加了本机器人的服务器才能生成视频；机器人运营者已关闭在其他地方生成视频的功能。"
    ),
    "personal_budget_spent_standing": (
        "本月在未添加本机器人的地方生成视频的积分已用完。{reset} 可以再次在这里生成视频。"
    ),
    "personal_budget_too_little_standing": (
        "本月在未添加本机器人的地方生成视频的积分只剩 {left}，不够最便宜的视频（{cheapest}）。"
        "{reset} 可以再次在这里生成视频。"
    ),
    "personal_budget_too_little_held_standing": (
        "本月在未添加本机器人的地方生成视频的积分只剩 {left}（已计入正在生成的视频的预计花费），"
        "不够最便宜的视频（{cheapest}）。{reset} 可以再次在这里生成视频；如果正在生成的视频花费"
        "比预计少、失败或被取消，可以更早。"
    ),
    "personal_budget_spent_held_standing": (
        "本月在未添加本机器人的地方生成视频的积分已用完（已计入正在生成的视频的预计花费）。"
        "{reset} 可以再次在这里生成视频；如果正在生成的视频花费比预计少、失败或被取消，可以更早。"
    ),
    "owner_blocked_standing": "机器人运营者已禁止你生成视频（原因：{reason}）。",
    "personal_paused": "视频服务的余额已用完，视频生成已暂停。没有计入你的额度；请稍后再试。",
    "personal_paused_standing": "视频服务的余额已用完，视频生成已暂停；请稍后再试。",
    "owner_only": "只有机器人运营者可以使用这个命令。",
    "owner_block_done": "{user} 已被禁止在任何地方生成视频（原因：{reason}）。",
    "owner_unblock_done": "{user} 可以再次生成视频了。",
    "owner_unblock_done_but": (
        "已解除对 {user} 的全局禁止，对方可以再次生成视频；但在 {servers}中，管理员仍禁止其生成视频。"
    ),
    "owner_resume_done": "视频生成已在所有地方恢复。",
    "owner_not_blocked": "{user} 没有被禁止生成视频。",
    "owner_month_credits": (
        "**本月在未添加本机器人的地方使用的积分**（私信和用户安装的应用，自 {start} 起）："
        "已花费 {used}。{left}"
    ),
    "owner_budget_none": "未为这些地方设置每月预算（机器人设置中的 `USER_INSTALL_MONTHLY_BUDGET`）。",
    "owner_member_month": "{user} 本月在未添加本机器人的地方花费了 {credits}（自 {start} 起）。",
}

ZH_COMMANDS: dict[str, str] = {
    "videoowner": "视频运营",
    "For the bot's operators: block users everywhere, resume videos, usage": (
        "机器人运营者专用：全局禁止用户生成视频、恢复视频生成、查看用量"
    ),
    "Resume videos everywhere after the balance is topped up": "充值后在所有地方恢复视频生成",
    "Stop a user making videos anywhere": "禁止某个用户在任何地方生成视频",
    "Let a user blocked everywhere make videos": "允许被全局禁止的用户再次生成视频",
    "Credits spent outside servers this month, and by whom": "本月在服务器之外花费的积分及花费者",
    "Only this user's credits": "只看这个用户的积分",
    "user": "用户",
    "The user": "该用户",
    "Why (the user reads it)": "原因（该用户会看到）",
}


# Traditional Chinese with Taiwan wording, for zh-TW clients: the ZH sentences with the same
# keys and blanks (影片, 伺服器, 訊息, 設定, 身分組 as a Taiwanese Discord client says them).
ZH_TW: dict[str, str] = {
    "status_by_dm_after_all": (
        "任務 #{job_id} 用時超過了 Discord 允許我在這裡回覆的時間，完成後我會私訊發給你"
        "（如果你關閉了私訊，請用 {/videos history} 檢視）。"
    ),
    "queued_here": (
        "你的影片已排隊，任務編號 #{job_id}。通常需要{typical}，完成後我會發在這裡"
        "（如果超過了 Discord 允許我在這裡回覆的時間，我會改為私訊發給你，也可以用 "
        "{/videos history} 檢視）。"
    ),
    "queued_here_private": (
        "你的影片已排隊，任務編號 #{job_id}。通常需要{typical}，完成後我會發在這裡。"
        "這個伺服器設定為我的回覆僅你可見，所以只有你能看到它，且 Discord 會在你的應用程式重新載入後"
        "將其清除：我也會透過私訊傳一份副本給你（如果超過了 Discord 允許我在這裡"
        "回覆的時間，我會改為私訊發給你，也可以用 {/videos history} 檢視）。"
    ),
    "service_busy_here": (
        "影片服務目前繁忙，任務 #{job_id} 已儲存並在等待。我會自動開始，完成後發在這裡"
        "（如果超過了 Discord 允許我在這裡回覆的時間，我會改為私訊發給你，也可以用 "
        "{/videos history} 檢視）。"
    ),
    "discord_silent_here": (
        "你的參考檔案連結需要更新，但 Discord 暫時沒有回應，所以任務 #{job_id} 已儲存並在等待。"
        "我稍後會重試，完成後發在這裡（如果超過了 Discord 允許我在這裡回覆的時間，我會改為私訊發給你，"
        "也可以用 {/videos history} 檢視）。"
    ),
    "discord_silent_by_dm": (
        "你的參考檔案連結需要更新，但 Discord 暫時沒有回應，所以任務 #{job_id} 已儲存並在等待。"
        "我稍後會重試，完成後私訊發給你。如果你關閉了私訊，請用 {/videos history} 檢視。"
    ),
    "queued_by_dm": (
        "你的影片已排隊，任務編號 #{job_id}。生成時間可能超過我在這裡能回覆的時限，"
        "所以完成後我會私訊發給你。如果你關閉了私訊，請用 {/videos history} 檢視。"
    ),
    "service_busy_by_dm": (
        "影片服務目前繁忙，任務 #{job_id} 已儲存並在等待。我會自動開始生成，完成後私訊發給你。"
        "如果你關閉了私訊，請用 {/videos history} 檢視。"
    ),
    "personal_off": (
        "只有新增了本機器人的伺服器才能生成影片；機器人營運者已關閉在其他地方生成影片的功能。沒有計入額度。"
    ),
    "personal_budget_spent": (
        "本月在未新增本機器人的地方生成影片的點數已用完。{reset} 可以再次在這裡生成影片。沒有計入額度。"
    ),
    "personal_budget_spent_held": (
        "本月在未新增本機器人的地方生成影片的點數已用完（已計入正在生成的影片的預計花費）。"
        "{reset} 可以再次在這裡生成影片；如果正在生成的影片花費比預計少、失敗或被取消，可以更早。"
        "沒有計入額度。"
    ),
    "personal_budget_too_little": (
        "本月在未新增本機器人的地方生成影片的點數只剩 {left}，不夠最便宜的影片（{cheapest}）。"
        "{reset} 可以再次在這裡生成影片。沒有計入額度。"
    ),
    "personal_budget_too_little_held": (
        "本月在未新增本機器人的地方生成影片的點數只剩 {left}（已計入正在生成的影片的預計花費），"
        "不夠最便宜的影片（{cheapest}）。{reset} 可以再次在這裡生成影片；如果正在生成的影片花費"
        "比預計少、失敗或被取消，可以更早。沒有計入額度。"
    ),
    "personal_budget_short": (
        "這個影片預計花費 {cost}，但扣除正在生成的影片的預計花費後，本月在未新增本機器人的地方"
        "生成影片的點數只剩 {left}。沒有計入額度。換成更短或解析度更低的影片也許夠用；點數將於 "
        "{reset} 重置。"
    ),
    "personal_budget_short_reference": (
        "這個影片預計花費 {cost}，但扣除正在生成的影片的預計花費後，本月在未新增本機器人的地方"
        "生成影片的點數只剩 {left}。沒有計入額度。換成解析度更低的影片，或不用參考影片的更短影片，"
        "也許夠用；點數將於 {reset} 重置。"
    ),
    "unsent_personal_budget_spent": (
        "你的影片未傳送：在它等待期間，排在它前面的影片用掉了本月在未新增本機器人的地方生成影片的點數，"
        "剩下的不夠支付它。沒有計入額度。"
    ),
    "owner_blocked": "機器人營運者已禁止你生成影片（原因：{reason}）。沒有計入額度。",
    "personal_off_standing": (
        "只有新增了本機器人的伺服器才能生成影片；機器人營運者已關閉在其他地方生成影片的功能。"
    ),
    "personal_budget_spent_standing": (
        "本月在未新增本機器人的地方生成影片的點數已用完。{reset} 可以再次在這裡生成影片。"
    ),
    "personal_budget_too_little_standing": (
        "本月在未新增本機器人的地方生成影片的點數只剩 {left}，不夠最便宜的影片（{cheapest}）。"
        "{reset} 可以再次在這裡生成影片。"
    ),
    "personal_budget_too_little_held_standing": (
        "本月在未新增本機器人的地方生成影片的點數只剩 {left}（已計入正在生成的影片的預計花費），"
        "不夠最便宜的影片（{cheapest}）。{reset} 可以再次在這裡生成影片；如果正在生成的影片花費"
        "比預計少、失敗或被取消，可以更早。"
    ),
    "personal_budget_spent_held_standing": (
        "本月在未新增本機器人的地方生成影片的點數已用完（已計入正在生成的影片的預計花費）。"
        "{reset} 可以再次在這裡生成影片；如果正在生成的影片花費比預計少、失敗或被取消，可以更早。"
    ),
    "owner_blocked_standing": "機器人營運者已禁止你生成影片（原因：{reason}）。",
    "personal_paused": "影片服務的餘額已用完，影片生成已暫停。沒有計入你的額度；請稍後再試。",
    "personal_paused_standing": "影片服務的餘額已用完，影片生成已暫停；請稍後再試。",
    "owner_only": "只有機器人營運者可以使用這個指令。",
    "owner_block_done": "{user} 已被禁止在任何地方生成影片（原因：{reason}）。",
    "owner_unblock_done": "{user} 可以再次生成影片了。",
    "owner_unblock_done_but": "已解除對 {user} 的全域封鎖，對方可以再次生成影片；但在 {servers}中，管理員仍禁止其生成影片。",
    "owner_resume_done": "影片生成已在所有地方恢復。",
    "owner_not_blocked": "{user} 沒有被禁止生成影片。",
    "owner_month_credits": (
        "**本月在未新增本機器人的地方使用的點數**（私訊和使用者安裝的應用程式，"
        "自 {start} 起）：已花費 {used}。{left}"
    ),
    "owner_budget_none": "未為這些地方設定每月預算（機器人設定中的 `USER_INSTALL_MONTHLY_BUDGET`）。",
    "owner_member_month": "{user} 本月在未新增本機器人的地方花費了 {credits}（自 {start} 起）。",
}

ZH_TW_COMMANDS: dict[str, str] = {
    "videoowner": "影片營運",
    "For the bot's operators: block users everywhere, resume videos, usage": (
        "機器人營運者專用：全域封鎖使用者、恢復影片生成、檢視用量"
    ),
    "Resume videos everywhere after the balance is topped up": "儲值後在所有地方恢復影片生成",
    "Stop a user making videos anywhere": "禁止某個使用者在任何地方生成影片",
    "Let a user blocked everywhere make videos": "允許被全域封鎖的使用者再次生成影片",
    "Credits spent outside servers this month, and by whom": "本月在伺服器之外花費的點數及花費者",
    "Only this user's credits": "只看這個使用者的點數",
    "user": "使用者",
    "The user": "該使用者",
    "Why (the user reads it)": "原因（該使用者會看到）",
}
