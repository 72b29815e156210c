"""Sentences about the engine itself: restarts, and results that could not be fetched."""

EN: dict[str, str] = {
    "bot_restarting": (
        "I'm restarting right now, so I can't take new videos for a moment. "
        "Please try again in a minute; nothing was counted."
    ),
    "result_download_failed": (
        "{mention} your video was made, but I couldn't fetch it from APIMart to post it here. "
        "This is the link APIMart gave, which may not work: {url}"
    ),
}

ZH: dict[str, str] = {
    "bot_restarting": "我正在重启，暂时无法接收新的视频请求。请一分钟后再试；没有计入额度。",
    "result_download_failed": (
        "{mention} 你的视频已生成，但我无法从 APIMart 下载并发到这里。"
        "这是 APIMart 提供的链接，可能无法打开：{url}"
    ),
}


# Traditional Chinese with Taiwan wording, for zh-TW clients: the ZH sentences with the same
# keys and blanks (影片, 伺服器, 訊息, 設定, 身分組 as a Taiwanese Discord client says them).
ZH_TW: dict[str, str] = {
    "bot_restarting": "我正在重新啟動，暫時無法接收新的影片請求。請一分鐘後再試；沒有計入額度。",
    "result_download_failed": (
        "{mention} 你的影片已生成，但我無法從 APIMart 下載並發到這裡。"
        "這是 APIMart 提供的連結，可能無法開啟：{url}"
    ),
}
