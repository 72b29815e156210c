"""Balance sentences: the low-balance alert and the balance line of `/videomod usage`."""

EN: dict[str, str] = {
    "modlog_balance_low": (
        "⚠️ The APIMart balance is down to {remaining}, below the alert level of {threshold}. "
        "Top up the account soon: when it is empty, new videos stop for everyone."
    ),
    "mod_balance_line": "APIMart balance: {remaining} left ({used} spent so far), read {read}.",
    "mod_balance_unlimited": "APIMart balance: unlimited (read {read}).",
    "mod_balance_unknown": "APIMart balance: not read yet.",
    "resume_balance_empty": (
        "The APIMart balance still reads {remaining} (read just now), so video generation stays "
        "paused: top up the account (or raise the API key's own quota) first, then resume."
    ),
}

ZH: dict[str, str] = {
    "modlog_balance_low": (
        "⚠️ APIMart 余额已降至 {remaining}，低于警戒线 {threshold}。"
        "请尽快充值：余额用完后，所有人的新视频都会暂停。"
    ),
    "mod_balance_line": "APIMart 余额：剩余 {remaining}（已用 {used}），读取于 {read}。",
    "mod_balance_unlimited": "APIMart 余额：不限额（读取于 {read}）。",
    "mod_balance_unknown": "APIMart 余额：尚未读取。",
    "resume_balance_empty": "APIMart 余额仍为 {remaining}（刚刚读取），视频生成继续暂停：请先充值（或提高该 API 密钥自身的额度），再恢复。",
}


# Traditional Chinese with Taiwan wording, for zh-TW clients: the ZH sentences with the same
# keys and blanks (影片, 伺服器, 訊息, 設定, 身分組 as a Taiwanese Discord client says them).
ZH_TW: dict[str, str] = {
    "modlog_balance_low": (
        "⚠️ APIMart 餘額已降至 {remaining}，低於警戒線 {threshold}。"
        "請儘快儲值：餘額用完後，所有人的新影片都會暫停。"
    ),
    "mod_balance_line": "APIMart 餘額：剩餘 {remaining}（已用 {used}），讀取於 {read}。",
    "mod_balance_unlimited": "APIMart 餘額：不限額（讀取於 {read}）。",
    "mod_balance_unknown": "APIMart 餘額：尚未讀取。",
    "resume_balance_empty": "APIMart 餘額仍為 {remaining}（剛剛讀取），影片生成繼續暫停：請先儲值（或提高該 API 金鑰自身的額度），再恢復。",
}
