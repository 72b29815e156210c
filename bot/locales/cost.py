"""Cost sentences: expected credits, the confirmation question, and credits spent this month."""

EN: dict[str, str] = {
    # Amounts
    "credits_one": "1 credit",
    "credits_many": "{value} credits",
    # The note after /video, and where an expected cost comes from
    "note_with_cost": "{note}\nExpected cost: {cost} ({basis}).",
    "cost_about": "about **{credits}**",
    # A reference video sets the length: the most it may cost
    "cost_up_to": "up to **{credits}**",
    "cost_basis_learned": "the median of the last {count} videos like it this bot made",
    "cost_basis_starting": "a starting estimate, until this bot has made 3 videos like it",
    "cost_basis_up_to": "its reference video sets the length, up to {seconds} s; {basis}",
    # Under a status message while the job is on its way (the finished card says the real cost)
    "status_line_cost": "Expected cost: {cost}.",
    # /videos quota and /videos help
    "price_table": (
        "**Expected cost per video** in credits, for 4 / 6 / 8 / 10 seconds: "
        "720p {p720} · 1080p {p1080} · 4K {p4k}. With a reference video (it sets the length, "
        "up to {seconds} s), at most: 720p {v720} · 1080p {v1080} · 4K {v4k}."
    ),
    "price_note": (
        "These are the medians of the last videos of each kind this bot made (once there are 3), "
        "otherwise starting estimates; a finished video shows what it really cost."
    ),
    "price_threshold": (
        "In this server, a video expected to cost more than {threshold} asks you to confirm "
        "before anything is made or counted."
    ),
    # The question, and its answers
    "confirm_ask": (
        "This video is expected to cost {cost} ({basis}), more than the {threshold} "
        "this server allows without asking. Nothing is made or counted until you confirm.\n"
        "> {prompt}\n"
        "This question expires {expires}."
    ),
    # Asked whatever it costs: another member's video made again (Regenerate), at their settings
    "confirm_ask_cost": (
        "Made again with its settings, this video counts as yours: it is expected to cost "
        "{cost} ({basis}). Nothing is made or counted until you confirm.\n"
        "> {prompt}\n"
        "This question expires {expires}."
    ),
    # Asked whatever it costs: another member's video with a new prompt (Edit prompt), its
    # length kept
    "confirm_ask_cost_edited": (
        "Made with your prompt from another member's video, this video counts as yours: it is "
        "expected to cost {cost} ({basis}). Nothing is made or counted until you confirm.\n"
        "> {prompt}\n"
        "This question expires {expires}."
    ),
    # Asked again below any threshold (a figure agreed to that rose since): no other reason
    "confirm_ask_again": (
        "This video is expected to cost {cost} ({basis}). Nothing is made or counted until you "
        "confirm.\n"
        "> {prompt}\n"
        "This question expires {expires}."
    ),
    "button_confirm": "Confirm",
    "confirm_done": "Confirmed: job #{job_id}, expected to cost about {credits}.",
    "confirm_done_up_to": "Confirmed: job #{job_id}, which may cost up to {credits}.",
    # The job ended at once with nothing made (refused by the video service, closed unsent)
    "confirm_done_not_made": (
        "Confirmed: job #{job_id}, but no video was made of it, so nothing was counted."
    ),
    "confirm_cost_rose": (
        "The expected cost went up since you were asked (recent videos of this kind cost more), "
        "so nothing was made yet:"
    ),
    "confirm_cancelled": "Cancelled: nothing was made or counted.",
    "confirm_expired": (
        "This question expired, so nothing was made or counted. "
        "Ask again if you still want the video."
    ),
    "confirm_media_lost": (
        "The files you attached are no longer available, so nothing was made or counted. "
        "Please ask again with them."
    ),
    "confirm_gone": (
        "This request is no longer waiting: it was already confirmed, cancelled, or it "
        "expired. Ask again if you want a new video."
    ),
    # A Cancel pressed right after its own Confirm (sent before the buttons went)
    "confirm_cancel_too_late": (
        "You had already confirmed this video: it is job #{job_id}, and it is on its way. To "
        "stop it, press Cancel on its status message or use {/videos cancel} `{opt_job}:{job_id}` "
        "(once the video service has it, it still counts)."
    ),
    "confirm_server_left": (
        "This question was asked under this server's rules, and the bot has since been removed "
        "from this server, so nothing was made or counted. Ask again if you still want the video."
    ),
    "confirm_server_joined": (
        "This question was asked under your personal allowance, and this server has since added "
        "the bot, so its rules apply here now: nothing was made or counted. Ask again if you "
        "still want the video."
    ),
    "confirm_not_yours": (
        "This isn't your request: only the member who asked for this video can confirm or "
        "cancel it."
    ),
    "confirm_unavailable": (
        "This video is expected to cost more than this server allows without asking, and I "
        "can't ask you "
        "here, so nothing was made or counted. Please use {/video} in a server channel."
    ),
    # The same, for a question asked whatever the server's threshold (another member's video
    # made again or with a new prompt) or asked again for a cost that rose.
    "confirm_unavailable_asked": (
        "This video needs you to confirm its expected cost first, and I couldn't ask you here, "
        "so nothing was made or counted. Please try again."
    ),
    # Moderators: the threshold and the month's credits
    "change_confirm": (
        "{moderator} now asks members to confirm videos expected to cost more than {threshold}."
    ),
    "change_confirm_off": "{moderator} stopped asking members to confirm costly videos.",
    "mod_show_confirm": (
        "**Confirmation:** videos expected to cost more than {threshold} ask their member first."
    ),
    "mod_show_no_confirm": "**Confirmation:** never asked (see `{/videomod confirm}`).",
    "mod_month_credits": "**Credits this month** (since {start}): {used} spent by this server. {left}",
    "mod_budget_left": "Budget left: {left} of {budget}.",
    "mod_budget_left_held": (
        "Budget left: {left} of {budget} ({held} held for videos not billed yet: those being "
        "made now, and any whose request the video service never answered)."
    ),
    "mod_budget_none": "No monthly budget is set (see `{/videomod budget}`).",
    "mod_month_line": "{rank}. {member}: {credits}",
    "mod_month_empty": "Nobody has spent credits this month yet.",
    "mod_member_month": "{member} spent {credits} this month (since {start}).",
}

ZH: dict[str, str] = {
    # Amounts
    "credits_one": "1 积分",
    "credits_many": "{value} 积分",
    # The note after /video, and where an expected cost comes from
    "note_with_cost": "{note}\n预计花费：{cost}（{basis}）。",
    "cost_about": "约 **{credits}**",
    # A reference video sets the length: the most it may cost
    "cost_up_to": "最多 **{credits}**",
    "cost_basis_learned": "本机器人最近 {count} 个同类视频的中位数",
    "cost_basis_starting": "初始估计，本机器人完成 3 个同类视频后改为实际数据",
    "cost_basis_up_to": "由参考视频决定时长，最长 {seconds} 秒；{basis}",
    # Under a status message while the job is on its way (the finished card says the real cost)
    "status_line_cost": "预计花费：{cost}。",
    # /videos quota and /videos help
    "price_table": (
        "**每个视频的预计花费**（积分，依次为 4 / 6 / 8 / 10 秒）："
        "720p {p720} · 1080p {p1080} · 4K {p4k}。"
        "使用参考视频时（由它决定时长，最长 {seconds} 秒）最多："
        "720p {v720} · 1080p {v1080} · 4K {v4k}。"
    ),
    "price_note": (
        "这些数字是本机器人最近同类视频的中位数（满 3 个后），否则为初始估计；"
        "视频完成后会显示实际花费。"
    ),
    "price_threshold": "在本服务器，预计花费超过 {threshold}的视频会先请你确认，确认前不会生成或计入额度。",
    # The question, and its answers
    "confirm_ask": (
        "这个视频预计花费{cost}（{basis}），超过了本服务器无需确认的上限 {threshold}。"
        "在你确认之前，不会生成视频，也不会计入额度。\n"
        "> {prompt}\n"
        "此确认请求将于 {expires} 失效。"
    ),
    "confirm_ask_cost": (
        "这个视频按原视频的设置重新生成，计入你的额度：预计花费{cost}（{basis}）。"
        "在你确认之前，不会生成视频，也不会计入额度。\n"
        "> {prompt}\n"
        "此确认请求将于 {expires} 失效。"
    ),
    "confirm_ask_cost_edited": (
        "这个视频基于其他成员的视频、用你的提示词生成，计入你的额度："
        "预计花费{cost}（{basis}）。在你确认之前，不会生成视频，也不会计入额度。"
        "\n> {prompt}\n此确认请求将于 {expires} 失效。"
    ),
    "confirm_ask_again": (
        "这个视频预计花费{cost}（{basis}）。在你确认之前，不会生成视频，也不会计入额度。\n"
        "> {prompt}\n"
        "此确认请求将于 {expires} 失效。"
    ),
    "button_confirm": "确认",
    "confirm_done": "已确认：任务 #{job_id}，预计花费约 {credits}。",
    "confirm_done_up_to": "已确认：任务 #{job_id}，最多可能花费 {credits}。",
    "confirm_done_not_made": "已确认：任务 #{job_id}，但它没有生成视频，因此没有计入额度。",
    "confirm_cost_rose": "自询问以来预计花费上涨了（最近同类视频花费更多），所以尚未生成视频：",
    "confirm_cancelled": "已取消：没有生成视频，也没有计入额度。",
    "confirm_expired": "此确认请求已过期，没有生成视频，也没有计入额度。如果仍想要这个视频，请再发起一次请求。",
    "confirm_media_lost": "你附加的文件已无法获取，没有生成视频，也没有计入额度。请带上文件再发起一次请求。",
    "confirm_gone": "这个请求已不在等待中：它已被确认、取消或已失效。如需新视频，请再发起一次请求。",
    "confirm_cancel_too_late": (
        "你已经确认了这个视频：它是任务 #{job_id}，正在处理中。如要停止它，请点它状态消息上的「取消」，"
        "或使用 {/videos cancel} `{opt_job}:{job_id}`（视频服务收到后再取消，仍会计入额度）。"
    ),
    "confirm_server_left": (
        "这个确认请求是按本服务器的规则发起的，而机器人已被移出本服务器，所以没有生成视频，也没有计入额度。"
        "如果仍想要这个视频，请再发起一次请求。"
    ),
    "confirm_server_joined": (
        "这个确认请求是按你的个人额度发起的，而本服务器已添加了机器人，现在这里适用本服务器的规则，"
        "所以没有生成视频，也没有计入额度。如果仍想要这个视频，请再发起一次请求。"
    ),
    "confirm_not_yours": "这不是你的请求：只有请求这个视频的成员可以确认或取消。",
    "confirm_unavailable": (
        "这个视频预计花费超过了本服务器无需确认的上限，而我无法在这里询问你，"
        "因此没有生成视频，也没有计入额度。请在服务器频道中使用 {/video}。"
    ),
    "confirm_unavailable_asked": (
        "这个视频需要你先确认预计花费，而我无法在这里询问你，因此没有生成视频，也没有计入额度。"
        "请再试一次。"
    ),
    # Moderators: the threshold and the month's credits
    "change_confirm": "{moderator} 设置为：预计花费超过 {threshold}的视频需要成员先确认。",
    "change_confirm_off": "{moderator} 不再要求成员确认高花费视频。",
    "mod_show_confirm": "**确认：**预计花费超过 {threshold}的视频会先请成员确认。",
    "mod_show_no_confirm": "**确认：**从不询问（见 `{/videomod confirm}`）。",
    "mod_month_credits": "**本月积分**（自 {start} 起）：本服务器已花费 {used}。{left}",
    "mod_budget_left": "预算剩余：{left}（共 {budget}）。",
    "mod_budget_left_held": (
        "预算剩余：{left}（共 {budget}；另有 {held}预留给尚未结算的视频：正在生成的，"
        "以及提交后没有收到回复的）。"
    ),
    "mod_budget_none": "未设置每月预算（见 `{/videomod budget}`）。",
    "mod_month_line": "{rank}. {member}：{credits}",
    "mod_month_empty": "本月还没有人花费积分。",
    "mod_member_month": "{member} 本月花费了 {credits}（自 {start} 起）。",
}

# Chinese names and descriptions of the commands and options added here, keyed by the English.
ZH_COMMANDS: dict[str, str] = {
    "confirm": "确认",
    "Ask members to confirm videos expected to cost more than this": "预计花费超过此值的视频需成员先确认",
    "Credits; 0 stops asking": "积分；0 表示不再询问",
}


# Traditional Chinese with Taiwan wording, for zh-TW clients: the ZH sentences with the same
# keys and blanks (影片, 伺服器, 訊息, 設定, 身分組 as a Taiwanese Discord client says them).
ZH_TW: dict[str, str] = {
    # Amounts
    "credits_one": "1 點",
    "credits_many": "{value} 點",
    # The note after /video, and where an expected cost comes from
    "note_with_cost": "{note}\n預計花費：{cost}（{basis}）。",
    "cost_about": "約 **{credits}**",
    # A reference video sets the length: the most it may cost
    "cost_up_to": "最多 **{credits}**",
    "cost_basis_learned": "本機器人最近 {count} 個同類影片的中位數",
    "cost_basis_starting": "初始估計，本機器人完成 3 個同類影片後改為實際資料",
    "cost_basis_up_to": "由參考影片決定時長，最長 {seconds} 秒；{basis}",
    # Under a status message while the job is on its way (the finished card says the real cost)
    "status_line_cost": "預計花費：{cost}。",
    # /videos quota and /videos help
    "price_table": (
        "**每個影片的預計花費**（點數，依次為 4 / 6 / 8 / 10 秒）："
        "720p {p720} · 1080p {p1080} · 4K {p4k}。"
        "使用參考影片時（由它決定時長，最長 {seconds} 秒）最多："
        "720p {v720} · 1080p {v1080} · 4K {v4k}。"
    ),
    "price_note": (
        "這些數字是本機器人最近同類影片的中位數（滿 3 個後），否則為初始估計；"
        "影片完成後會顯示實際花費。"
    ),
    "price_threshold": "在本伺服器，預計花費超過 {threshold}的影片會先請你確認，確認前不會生成或計入額度。",
    # The question, and its answers
    "confirm_ask": (
        "這個影片預計花費{cost}（{basis}），超過了本伺服器無需確認的上限 {threshold}。"
        "在你確認之前，不會生成影片，也不會計入額度。\n"
        "> {prompt}\n"
        "此確認請求將於 {expires} 失效。"
    ),
    "confirm_ask_cost": (
        "這個影片按原影片的設定重新生成，計入你的額度：預計花費{cost}（{basis}）。"
        "在你確認之前，不會生成影片，也不會計入額度。\n"
        "> {prompt}\n"
        "此確認請求將於 {expires} 失效。"
    ),
    "confirm_ask_cost_edited": (
        "這個影片以其他成員的影片為基礎、用你的提示詞生成，計入你的額度："
        "預計花費{cost}（{basis}）。在你確認之前，不會生成影片，也不會計入額度。"
        "\n> {prompt}\n此確認請求將於 {expires} 失效。"
    ),
    "confirm_ask_again": (
        "這個影片預計花費{cost}（{basis}）。在你確認之前，不會生成影片，也不會計入額度。\n"
        "> {prompt}\n"
        "此確認請求將於 {expires} 失效。"
    ),
    "button_confirm": "確認",
    "confirm_done": "已確認：任務 #{job_id}，預計花費約 {credits}。",
    "confirm_done_up_to": "已確認：任務 #{job_id}，最多可能花費 {credits}。",
    "confirm_done_not_made": "已確認：任務 #{job_id}，但它沒有生成影片，因此沒有計入額度。",
    "confirm_cost_rose": "自詢問以來預計花費上漲了（最近同類影片花費更多），所以尚未生成影片：",
    "confirm_cancelled": "已取消：沒有生成影片，也沒有計入額度。",
    "confirm_expired": "此確認請求已過期，沒有生成影片，也沒有計入額度。如果仍想要這個影片，請再發起一次請求。",
    "confirm_media_lost": "你附加的檔案已無法取得，沒有生成影片，也沒有計入額度。請帶上檔案再發起一次請求。",
    "confirm_gone": "這個請求已不在等待中：它已被確認、取消或已失效。如需新影片，請再發起一次請求。",
    "confirm_cancel_too_late": (
        "你已經確認了這個影片：它是任務 #{job_id}，正在處理中。如要停止它，請點它狀態訊息上的「取消」，"
        "或使用 {/videos cancel} `{opt_job}:{job_id}`（影片服務收到後再取消，仍會計入額度）。"
    ),
    "confirm_server_left": (
        "這個確認請求是依本伺服器的規則發起的，而機器人已被移出本伺服器，所以沒有生成影片，也沒有計入額度。"
        "如果仍想要這個影片，請再發起一次請求。"
    ),
    "confirm_server_joined": (
        "這個確認請求是依你的個人額度發起的，而本伺服器已新增了機器人，現在這裡適用本伺服器的規則，"
        "所以沒有生成影片，也沒有計入額度。如果仍想要這個影片，請再發起一次請求。"
    ),
    "confirm_not_yours": "這不是你的請求：只有請求這個影片的成員可以確認或取消。",
    "confirm_unavailable": (
        "這個影片預計花費超過了本伺服器無需確認的上限，而我無法在這裡詢問你，"
        "因此沒有生成影片，也沒有計入額度。請在伺服器頻道中使用 {/video}。"
    ),
    "confirm_unavailable_asked": (
        "這個影片需要你先確認預計花費，而我無法在這裡詢問你，因此沒有生成影片，也沒有計入額度。"
        "請再試一次。"
    ),
    # Moderators: the threshold and the month's credits
    "change_confirm": "{moderator} 設定為：預計花費超過 {threshold}的影片需要成員先確認。",
    "change_confirm_off": "{moderator} 不再要求成員確認高花費影片。",
    "mod_show_confirm": "**確認：**預計花費超過 {threshold}的影片會先請成員確認。",
    "mod_show_no_confirm": "**確認：**從不詢問（見 `{/videomod confirm}`）。",
    "mod_month_credits": "**本月點數**（自 {start} 起）：本伺服器已花費 {used}。{left}",
    "mod_budget_left": "預算剩餘：{left}（共 {budget}）。",
    "mod_budget_left_held": (
        "預算剩餘：{left}（共 {budget}；另有 {held}預留給尚未結算的影片：正在生成的，"
        "以及提交後沒有收到回覆的）。"
    ),
    "mod_budget_none": "未設定每月預算（見 `{/videomod budget}`）。",
    "mod_month_line": "{rank}. {member}：{credits}",
    "mod_month_empty": "本月還沒有人花費點數。",
    "mod_member_month": "{member} 本月花費了 {credits}（自 {start} 起）。",
}

# Traditional Chinese names and descriptions of the commands and options added here, keyed by the English.
ZH_TW_COMMANDS: dict[str, str] = {
    "confirm": "確認",
    "Ask members to confirm videos expected to cost more than this": "預計花費超過此值的影片需成員先確認",
    "Credits; 0 stops asking": "點數；0 表示不再詢問",
}
