"""Reference media from replies and the context menu: flags, intents, the modal, expired links."""

EN: dict[str, str] = {
    # Flags in a reply
    "flag_unknown": "I don't know the flag `{flag}`.",
    "flag_missing_value": "The flag `{flag}` needs a value after it.",
    "flag_bad_value": "`{value}` is not a valid value for `{flag}`.",
    "flag_problems": "{problems} {help}",
    "flag_contradicts_option": (
        "Your prompt says `{flag}` `{value}`, but you also chose `{chosen}` for it: which one "
        "did you mean? Ask again with only one of them."
    ),
    "flag_repeated": (
        "You gave `{first}` `{one}` and `{second}` `{other}`: which one did you mean? "
        "Ask again with only one of them."
    ),
    "flags_help": (
        "Use these flags: `--duration` (or `--dur`) 4, 6, 8 or 10 · `--resolution` (or `--res`) "
        "720p, 1080p "
        "or 4K · `--aspect-ratio` (or `--ar`) 16:9 or 9:16 · `--mode` frame or reference. "
        "For example: `a cat surfing --duration 8 --ar 9:16`."
    ),
    # Replies
    "reply_needs_intent": (
        "I can't see what's in the message you replied to, pictures or words, because this bot "
        "runs without Discord's Message Content intent. Right-click (or long-press) that "
        "message and choose Apps → Make a video instead. (This note deletes itself in a minute.)"
    ),
    # The comment sent with a forward, where the forward is hidden without the intent
    "forward_needs_intent": (
        "I can't see what you forwarded, because this bot runs without Discord's Message "
        "Content intent. Right-click (or long-press) the forwarded message and choose "
        "Apps → Make a video instead. (This note deletes itself in a minute.)"
    ),
    "role_mention_needs_intent": (
        "You mentioned my role, and this bot runs without Discord's Message Content intent, so "
        "I can't read your message. Mention `@{bot}` itself, not its role (both are offered "
        "when you type @), or use {/video}."
    ),
    "reply_words_unread": (
        "The message you replied to has no words I could use (only mentions, emoji or links, "
        "or nothing I can read), so this video is made from your words alone."
    ),
    "reply_words_cut": (
        "The message you replied to was too long to use whole: a prompt holds at most {limit} "
        "characters, so I used its beginning and all of your words after it."
    ),
    "forward_words_unread": (
        "The message you forwarded has no words I could use (only mentions, emoji or links, "
        "or nothing I can read), so this video is made from your comment's words alone."
    ),
    "forward_words_cut": (
        "The message you forwarded was too long to use whole: a prompt holds at most {limit} "
        "characters, so I used its beginning and all of your comment's words after it."
    ),
    "reply_source_unreadable": (
        "I couldn't read the message you replied to; it may have been deleted. Reply to a "
        "message I can see, or use Apps → Make a video on it."
    ),
    # A mention without a reply
    "mention_help": (
        "Hi! My videos are made by APIMart's Omni-Flash-Ext model. Tell me what to film after "
        "the mention, e.g. `@{bot} a dog running on the beach --res 1080p`, attach 1 or 3 "
        "images to use them, or use {/video} for every option. {/videos help} explains more. "
        "(This note deletes itself in a minute.)"
    ),
    # A DM to the bot without its mention
    "dm_help": (
        "My videos are made by APIMart's Omni-Flash-Ext model. To make a video here, start "
        "your message with my mention, e.g. `@{bot} a dog running on the beach --res 1080p`, "
        "or use {/video} for every option. {/videos help} explains more. (This note deletes "
        "itself in a minute.)"
    ),
    # The same, for a DM with pictures (a forward carries no mention): how to use them
    "dm_help_pictures": (
        "My videos are made by APIMart's Omni-Flash-Ext model. To make a video from this, "
        "reply to it starting with my mention and what to film, e.g. `@{bot} make it dance "
        "--res 1080p`, or use Apps → Make a video on it. {/videos help} explains more. (This "
        "note deletes itself in a minute.)"
    ),
    # A reply without a real prompt (often a thank-you to a result)
    "reply_help": (
        "Hi! My videos are made by APIMart's Omni-Flash-Ext model. To make a video from the "
        "message you replied to, write what to film after the mention, e.g. `@{bot} make it "
        "snow --ar 9:16`, or use Apps → Make a video on it. {/videos help} explains more. "
        "(This note deletes itself in a minute.)"
    ),
    # Expired media
    "media_expired": (
        "The links to your reference files expired before the video service could fetch them, "
        "and I couldn't renew them. Please make the request again."
    ),
    "reference_link_expired": (
        "That video was posted as the video service's link, which expired {expires}: the "
        "service can't fetch it any more, so nothing was made or counted."
    ),
    "reference_link_expiring": (
        "That video was posted as the video service's link, which stops working {expires}: "
        "too soon for the service to be sure to fetch it, so nothing was made or counted."
    ),
    "media_too_large_to_copy": (
        "Your reference picture is too large for the video service to keep a copy of (larger "
        "than the {limit} it takes), and its link needed renewing before the video could be "
        "made, so I couldn't send it. Please make the request again with a smaller picture."
    ),
    "media_too_large_to_copy_unsized": (
        "Your reference picture is too large for the video service to keep a copy of, and its "
        "link needed renewing before the video could be made, so I couldn't send it. Please "
        "make the request again with a smaller picture."
    ),
    "media_renewal_waiting": (
        "The links to your reference files need renewing, and Discord didn't answer just now, "
        "so job #{job_id} is saved and waiting. I'll try again shortly and post it {where} "
        "when it's ready; if Discord stays silent too long, I'll tell you, and nothing will be "
        "counted."
    ),
    "media_renewal_gave_up": (
        "Discord didn't answer for too long when I tried to renew the links to your reference "
        "files, so your video was not made. It was not counted against you; please try again "
        "later."
    ),
    # The "Make a video" modal
    "modal_title": "Make a video",
    "modal_prompt_label": "Prompt",
    "modal_prompt_placeholder": "Describe the scene, subject, action, camera, style and sound",
    "menu_nothing_to_use": (
        "There is nothing in that message to make a video from: no pictures, no video and no "
        "words. For a video from a prompt, use {/video}."
    ),
    "modal_mode_label": "How to use the image",
    "modal_mode_placeholder": "Automatic: 1 image is the first frame, 3 are references",
    "option_landscape": "16:9 landscape",
    "option_portrait": "9:16 portrait",
    "option_frame": "First frame",
    "option_reference": "Reference",
}

ZH: dict[str, str] = {
    # Flags in a reply
    "flag_unknown": "我不认识参数 `{flag}`。",
    "flag_missing_value": "参数 `{flag}` 后面需要一个值。",
    "flag_bad_value": "`{value}` 不是 `{flag}` 的有效值。",
    "flag_problems": "{problems}{help}",
    "flag_contradicts_option": (
        "你的提示词里写了 `{flag}` `{value}`，但你又为它选了 `{chosen}`，请只保留一个后重新请求。"
    ),
    "flag_repeated": "你同时给了 `{first}` `{one}` 和 `{second}` `{other}`，请只保留一个后重新请求。",
    "flags_help": (
        "可用参数：`--duration` 或 `--dur`（{opt_duration}）4、6、8 或 10 · `--resolution` 或 `--res`"
        "（{opt_resolution}）720p、1080p 或 4K · `--aspect-ratio` 或 `--ar`（{opt_aspect_ratio}）"
        "16:9（`横屏`）或 9:16（`竖屏`） · `--mode`（{opt_mode}）`首帧`（`frame`）或 `参考`"
        "（`reference`）。例如：`一只冲浪的猫 --duration 8 --ar 竖屏`。"
    ),
    # Replies
    "reply_needs_intent": (
        "我看不到你回复的那条消息里的内容（图片或文字），因为本机器人没有开启 Discord 的「消息内容」特权意图。"
        "请右键点击（或长按）那条消息，改用「应用 → 生成视频」。（这条提示一分钟后会自动删除。）"
    ),
    "forward_needs_intent": (
        "我看不到你转发的内容，因为本机器人没有开启 Discord 的「消息内容」特权意图。"
        "请右键点击（或长按）转发的那条消息，改用「应用 → 生成视频」。（这条提示一分钟后会自动删除。）"
    ),
    "role_mention_needs_intent": (
        "你提及的是我的身份组，而本机器人没有开启 Discord 的「消息内容」特权意图，所以读不到你的消息。"
        "请提及 `@{bot}` 本身而不是它的身份组（输入 @ 时两者都会列出），或使用 {/video}。"
    ),
    "reply_words_unread": (
        "你回复的那条消息里没有我能用的文字（只有提及、表情或链接，或我读不到的内容），"
        "所以这个视频只用你自己写的文字生成。"
    ),
    "reply_words_cut": (
        "你回复的那条消息太长，无法全部使用：提示词最多 {limit} 个字符，"
        "所以我用了它的开头部分，后面接上你写的全部文字。"
    ),
    "forward_words_unread": (
        "你转发的那条消息里没有我能用的文字（只有提及、表情或链接，或我读不到的内容），"
        "所以这个视频只用你附言中的文字生成。"
    ),
    "forward_words_cut": (
        "你转发的那条消息太长，无法全部使用：提示词最多 {limit} 个字符，"
        "所以我用了它的开头部分，后面接上你附言中的全部文字。"
    ),
    "reply_source_unreadable": (
        "我无法读取你回复的那条消息，它可能已被删除。请回复一条我能看到的消息，"
        "或在那条消息上使用「应用 → 生成视频」。"
    ),
    "mention_help": (
        "你好！我的视频由 APIMart 的 Omni-Flash-Ext 模型生成。请在提及我之后写下想拍的内容，"
        "例如 `@{bot} 一只在沙滩上奔跑的狗 --res 1080p`，"
        "可附加 1 张或 3 张图片；使用 {/video} 可以设置全部选项，{/videos help} 有更多说明。"
        "（这条提示一分钟后会自动删除。）"
    ),
    "dm_help": (
        "我的视频由 APIMart 的 Omni-Flash-Ext 模型生成。要在这里生成视频，请在消息开头提及我，"
        "例如 `@{bot} 一只在沙滩上奔跑的狗 --res 1080p`，"
        "或使用 {/video} 设置全部选项。{/videos help} 有更多说明。（这条提示一分钟后会自动删除。）"
    ),
    "dm_help_pictures": (
        "我的视频由 APIMart 的 Omni-Flash-Ext 模型生成。要用它生成视频，请回复它，"
        "在回复开头提及我并写下要拍的内容，例如 `@{bot} 让它跳舞 --res 1080p`，"
        "或对它使用「应用 → 生成视频」。{/videos help} 有更多说明。（这条提示一分钟后会自动删除。）"
    ),
    "reply_help": (
        "你好！我的视频由 APIMart 的 Omni-Flash-Ext 模型生成。要用你回复的那条消息生成视频，"
        "请在提及我之后写下想拍的内容，"
        "例如 `@{bot} 让它下雪 --ar 9:16`，或在那条消息上使用「应用 → 生成视频」。"
        "{/videos help} 有更多说明。（这条提示一分钟后会自动删除。）"
    ),
    # Expired media
    "media_expired": (
        "你的参考文件链接在视频服务读取之前已经失效，我也无法更新它们。请重新发起请求。"
    ),
    "reference_link_expired": (
        "那个视频是以视频服务的链接发布的，该链接已于 {expires} 失效：视频服务无法再读取它，"
        "所以没有生成也没有计入额度。"
    ),
    "reference_link_expiring": (
        "那个视频是以视频服务的链接发布的，该链接将于 {expires} 失效：视频服务可能来不及读取它，"
        "所以没有生成也没有计入额度。"
    ),
    "media_too_large_to_copy": (
        "你的参考图片大于视频服务可保存副本的上限（{limit}），而它的链接需要在生成视频前更新，"
        "所以我无法发送它。请用更小的图片重新发起请求。"
    ),
    "media_too_large_to_copy_unsized": (
        "你的参考图片太大，视频服务无法保存它的副本，而它的链接需要在生成视频前更新，"
        "所以我无法发送它。请用更小的图片重新发起请求。"
    ),
    "media_renewal_waiting": (
        "你的参考文件链接需要更新，但 Discord 暂时没有响应，所以任务 #{job_id} 已保存并在等待。"
        "我稍后会重试，完成后发到{where}；如果 Discord 太久没有响应，我会告诉你，也不会计入额度。"
    ),
    "media_renewal_gave_up": (
        "更新参考文件链接时 Discord 太久没有响应，所以视频没有生成。没有计入你的额度；请稍后再试。"
    ),
    # The "Make a video" modal
    "modal_title": "生成视频",
    "modal_prompt_label": "提示词",
    "modal_prompt_placeholder": "描述场景、主体、动作、镜头、风格和声音",
    "menu_nothing_to_use": "那条消息里没有可用来生成视频的内容：没有图片、视频，也没有文字。要根据提示词生成视频，请使用 {/video}。",
    "modal_mode_label": "图片用法",
    "modal_mode_placeholder": "自动：1 张图片作为首帧，3 张作为参考",
    "option_landscape": "16:9 横屏",
    "option_portrait": "9:16 竖屏",
    "option_frame": "首帧",
    "option_reference": "参考",
}

# The context menu's name for Chinese clients (merged into `bot.locales.commands`).
ZH_COMMANDS: dict[str, str] = {"Make a video": "生成视频"}


# Traditional Chinese with Taiwan wording, for zh-TW clients: the ZH sentences with the same
# keys and blanks (影片, 伺服器, 訊息, 設定, 身分組 as a Taiwanese Discord client says them).
ZH_TW: dict[str, str] = {
    # Flags in a reply
    "flag_unknown": "我不認識參數 `{flag}`。",
    "flag_missing_value": "參數 `{flag}` 後面需要一個值。",
    "flag_bad_value": "`{value}` 不是 `{flag}` 的有效值。",
    "flag_problems": "{problems}{help}",
    "flag_contradicts_option": (
        "你的提示詞裡寫了 `{flag}` `{value}`，但你又為它選了 `{chosen}`，請只保留一個後重新請求。"
    ),
    "flag_repeated": "你同時給了 `{first}` `{one}` 和 `{second}` `{other}`，請只保留一個後重新請求。",
    "flags_help": (
        "可用參數：`--duration` 或 `--dur`（{opt_duration}）4、6、8 或 10 · `--resolution` 或 `--res`"
        "（{opt_resolution}）720p、1080p 或 4K · `--aspect-ratio` 或 `--ar`（{opt_aspect_ratio}）"
        "16:9（`橫向`）或 9:16（`直向`） · `--mode`（{opt_mode}）`首影格`（`frame`）或 `參考`"
        "（`reference`）。例如：`一隻衝浪的貓 --duration 8 --ar 直向`。"
    ),
    # Replies
    "reply_needs_intent": (
        "我看不到你回覆的那則訊息裡的內容（圖片或文字），因為本機器人沒有開啟 Discord 的「訊息內容」特權意圖。"
        "請在那則訊息上按右鍵（或長按），改用「應用程式 → 生成影片」。（這則提示一分鐘後會自動刪除。）"
    ),
    "forward_needs_intent": (
        "我看不到你轉寄的內容，因為本機器人沒有開啟 Discord 的「訊息內容」特權意圖。"
        "請在轉寄的那則訊息上按右鍵（或長按），改用「應用程式 → 生成影片」。"
        "（這則提示一分鐘後會自動刪除。）"
    ),
    "role_mention_needs_intent": (
        "你提及的是我的身分組，而本機器人沒有開啟 Discord 的「訊息內容」特權意圖，所以讀不到你的訊息。"
        "請提及 `@{bot}` 本身而不是它的身分組（輸入 @ 時兩者都會列出），或使用 {/video}。"
    ),
    "reply_words_unread": (
        "你回覆的那則訊息裡沒有我能用的文字（只有提及、表情符號或連結，或我讀不到的內容），"
        "所以這部影片只用你自己寫的文字生成。"
    ),
    "reply_words_cut": (
        "你回覆的那則訊息太長，無法全部使用：提示詞最多 {limit} 個字元，"
        "所以我用了它的開頭部分，後面接上你寫的全部文字。"
    ),
    "forward_words_unread": (
        "你轉發的那則訊息裡沒有我能用的文字（只有提及、表情符號或連結，或我讀不到的內容），"
        "所以這部影片只用你附言中的文字生成。"
    ),
    "forward_words_cut": (
        "你轉發的那則訊息太長，無法全部使用：提示詞最多 {limit} 個字元，"
        "所以我用了它的開頭部分，後面接上你附言中的全部文字。"
    ),
    "reply_source_unreadable": (
        "我無法讀取你回覆的那則訊息，它可能已被刪除。請回覆一則我能看到的訊息，"
        "或在那則訊息上使用「應用程式 → 生成影片」。"
    ),
    "mention_help": (
        "你好！我的影片由 APIMart 的 Omni-Flash-Ext 模型生成。"
        "請在提及我之後寫下想拍的內容，"
        "例如 `@{bot} 一隻在沙灘上奔跑的狗 --res 1080p`，"
        "可附加 1 張或 3 張圖片；使用 {/video} 可以設定全部選項，"
        "{/videos help} 有更多說明。（這則提示一分鐘後會自動刪除。）"
    ),
    "dm_help": (
        "我的影片由 APIMart 的 Omni-Flash-Ext 模型生成。要在這裡生成影片，"
        "請在訊息開頭提及我，例如 `@{bot} 一隻在沙灘上奔跑的狗 --res 1080p`，"
        "或使用 {/video} 設定全部選項。{/videos help} 有更多說明。"
        "（這則提示一分鐘後會自動刪除。）"
    ),
    "dm_help_pictures": (
        "我的影片由 APIMart 的 Omni-Flash-Ext 模型生成。要用它生成影片，"
        "請回覆它，在回覆開頭提及我並寫下要拍的內容，"
        "例如 `@{bot} 讓它跳舞 --res 1080p`，或對它使用「應用程式 → 生成影片」。"
        "{/videos help} 有更多說明。（這則提示一分鐘後會自動刪除。）"
    ),
    "reply_help": (
        "你好！我的影片由 APIMart 的 Omni-Flash-Ext 模型生成。"
        "要用你回覆的那則訊息生成影片，請在提及我之後寫下想拍的內容，"
        "例如 `@{bot} 讓它下雪 --ar 9:16`，"
        "或在那則訊息上使用「應用程式 → 生成影片」。{/videos help} 有更多說明。"
        "（這則提示一分鐘後會自動刪除。）"
    ),
    # Expired media
    "media_expired": (
        "你的參考檔案連結在影片服務讀取之前已經失效，我也無法更新它們。請重新發起請求。"
    ),
    "reference_link_expired": (
        "那個影片是以影片服務的連結發布的，該連結已於 {expires} 失效：影片服務無法再讀取它，"
        "所以沒有生成也沒有計入額度。"
    ),
    "reference_link_expiring": (
        "那個影片是以影片服務的連結發布的，該連結將於 {expires} 失效：影片服務可能來不及讀取它，"
        "所以沒有生成也沒有計入額度。"
    ),
    "media_too_large_to_copy": (
        "你的參考圖片大於影片服務可儲存副本的上限（{limit}），而它的連結需要在生成影片前更新，"
        "所以我無法傳送它。請用更小的圖片重新發起請求。"
    ),
    "media_too_large_to_copy_unsized": (
        "你的參考圖片太大，影片服務無法儲存它的副本，而它的連結需要在生成影片前更新，"
        "所以我無法傳送它。請用更小的圖片重新發起請求。"
    ),
    "media_renewal_waiting": (
        "你的參考檔案連結需要更新，但 Discord 暫時沒有回應，所以任務 #{job_id} 已儲存並在等待。"
        "我稍後會重試，完成後發到{where}；如果 Discord 太久沒有回應，我會告訴你，也不會計入額度。"
    ),
    "media_renewal_gave_up": (
        "更新參考檔案連結時 Discord 太久沒有回應，所以影片沒有生成。沒有計入你的額度；請稍後再試。"
    ),
    # The "Make a video" modal
    "modal_title": "生成影片",
    "modal_prompt_label": "提示詞",
    "modal_prompt_placeholder": "描述場景、主體、動作、鏡頭、風格和聲音",
    "menu_nothing_to_use": (
        "那則訊息裡沒有可用來生成影片的內容：沒有圖片、影片，也沒有文字。要根據提示詞生成影片，"
        "請使用 {/video}。"
    ),
    "modal_mode_label": "圖片用法",
    "modal_mode_placeholder": "自動：1 張圖片作為首影格，3 張作為參考",
    "option_landscape": "16:9 橫向",
    "option_portrait": "9:16 直向",
    "option_frame": "首影格",
    "option_reference": "參考",
}

# The context menu's name for Traditional Chinese clients (merged into `bot.locales.commands`).
ZH_TW_COMMANDS: dict[str, str] = {"Make a video": "生成影片"}
