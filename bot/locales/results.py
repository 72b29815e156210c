"""The result layout, the Cancel button on the status message, Remix, and forms after a restart."""

EN: dict[str, str] = {
    # The result message (Components V2)
    "field_mode": "Mode",
    "mode_text": "text to video",
    "mode_video": "motion from a video",
    "result_reference_image": "Reference image {number}",
    # Cancel on the status message
    "button_cancel": "Cancel",
    "button_cancel_counts": "Cancel (still counts)",
    "cancel_button_not_allowed": (
        "Only the member who asked for this video, or a moderator, can cancel it."
    ),
    # Remix
    "button_remix": "Remix",
    "remix_title": "Remix: change and make again",
    # After a refused Edit prompt or Remix form, what the member typed in it
    "form_prompt_back": "Here is the prompt you typed, to change and paste into the form again:",
    # Regenerate, Edit prompt or Remix on someone else's result whose files are gone
    "result_media_lost_other": (
        "The files this video was made from are no longer available, so nothing was made or "
        "counted. You can make your own with {/video}."
    ),
    # Forms opened before a restart
    "form_source_gone": (
        "I can't read the message with the pictures any more (it was deleted, or I lost access "
        'to it), so nothing was made or counted. Use "Make a video" on a message again.'
    ),
    "form_media_lost": (
        "I restarted while your form was open and can no longer see that message's pictures, "
        'so nothing was made or counted. Please use "Make a video" on the message again.'
    ),
    "form_source_unreadable_here": (
        "I restarted while your form was open. Here, where I'm not a member, I can only see a "
        'message when you use "Make a video" on it, so nothing was made or counted. Please use '
        "it on the message again; your prompt follows, to paste back in."
    ),
}

ZH: dict[str, str] = {
    "field_mode": "模式",
    "mode_text": "文生视频",
    "mode_video": "参考视频动作",
    "result_reference_image": "参考图 {number}",
    "button_cancel": "取消",
    "button_cancel_counts": "取消（仍计入额度）",
    "cancel_button_not_allowed": "只有发起这个视频的成员或管理员才能取消它。",
    "button_remix": "再创作",
    "remix_title": "再创作：修改后重新生成",
    "form_prompt_back": "这是你刚才输入的提示词，修改后可以粘贴回表单：",
    "result_media_lost_other": (
        "这个视频所用的文件已无法获取，所以没有生成也没有计入额度。你可以用 {/video} 生成自己的视频。"
    ),
    "form_source_gone": (
        "我已无法读取带图片的那条消息（它被删除了，或我失去了访问权限），所以没有生成也没有计入额度。"
        "请重新对一条消息使用「生成视频」。"
    ),
    "form_media_lost": (
        "你的表单打开期间我重启了，现在看不到那条消息里的图片，所以没有生成也没有计入额度。"
        "请重新对那条消息使用「生成视频」。"
    ),
    "form_source_unreadable_here": (
        "你的表单打开期间我重启了。我不是这里的成员，只有在你对某条消息使用「生成视频」时才能看到那条消息，"
        "所以没有生成也没有计入额度。请重新对那条消息使用「生成视频」；你的提示词在下一条消息中，可直接粘贴回去。"
    ),
}


# Traditional Chinese with Taiwan wording, for zh-TW clients: the ZH sentences with the same
# keys and blanks (影片, 伺服器, 訊息, 設定, 身分組 as a Taiwanese Discord client says them).
ZH_TW: dict[str, str] = {
    "field_mode": "模式",
    "mode_text": "文字生成影片",
    "mode_video": "參考影片動作",
    "result_reference_image": "參考圖 {number}",
    "button_cancel": "取消",
    "button_cancel_counts": "取消（仍計入額度）",
    "cancel_button_not_allowed": "只有發起這個影片的成員或管理員才能取消它。",
    "button_remix": "再創作",
    "remix_title": "再創作：修改後重新生成",
    "form_prompt_back": "這是你剛才輸入的提示詞，修改後可以貼回表單：",
    "result_media_lost_other": (
        "這個影片所用的檔案已無法取得，所以沒有生成也沒有計入額度。你可以用 {/video} 生成自己的影片。"
    ),
    "form_source_gone": (
        "我已無法讀取帶圖片的那則訊息（它被刪除了，或我失去了存取權限），所以沒有生成也沒有計入額度。"
        "請重新對一則訊息使用「生成影片」。"
    ),
    "form_media_lost": (
        "你的表單開啟期間我重新啟動了，現在看不到那則訊息裡的圖片，所以沒有生成也沒有計入額度。"
        "請重新對那則訊息使用「生成影片」。"
    ),
    "form_source_unreadable_here": (
        "你的表單開啟期間我重新啟動了。我不是這裡的成員，"
        "只有在你對某則訊息使用「生成影片」時才能看到那則訊息，所以沒有生成也沒有計入額度。"
        "請重新對那則訊息使用「生成影片」；你的提示詞在下一則訊息中，可直接貼回去。"
    ),
}
