"""Every sentence exists in English, Simplified and Traditional Chinese, with the same blanks."""

import re
import string

import pytest

from bot.i18n import (
    CATALOGS,
    Listed,
    command_name,
    elapsed,
    language_for,
    locale_written,
    msg,
    only_in,
    plural,
    t,
    use_command_ids,
)
from bot.jobs.cancels import CancelledJob, CancelOutcome
from bot.locales.commands import COMMAND_PATHS, OPTION_NAMES, ZH_COMMANDS, ZH_TW_COMMANDS
from cogs._private import _block_cancel_lines

# A client locale that reads each catalog.
LOCALE_OF = {"en": "en-US", "zh": "zh-CN", "zh-TW": "zh-TW"}


def automatic(name: str) -> bool:
    """Command and option names (`{/video}`, `{opt_duration}`), filled in by `t` itself."""
    return name.startswith(("/", "opt_"))


def placeholders(template: str) -> set[str]:
    """The blanks a caller must fill."""
    return {
        name for _, name, _, _ in string.Formatter().parse(template) if name and not automatic(name)
    }


def test_every_key_exists_in_every_language():
    english = set(CATALOGS["en"])
    for language, catalog in CATALOGS.items():
        assert set(catalog) == english, f"{language} differs: {set(catalog) ^ english}"


# The per-sentence checks below loop over the catalogs in one test each and name every
# sentence that fails, rather than being a test per sentence: some 4,300 tests of a
# millisecond each cost more to collect and report (in every xdist worker) than to run.


def test_translations_use_the_same_placeholders():
    differing = {
        (key, language): (placeholders(CATALOGS[language][key]), placeholders(english))
        for key, english in sorted(CATALOGS["en"].items())
        for language in ("zh", "zh-TW")
        if placeholders(CATALOGS[language][key]) != placeholders(english)
    }
    assert differing == {}


def test_the_traditional_catalog_has_exactly_the_simplified_ones_sentences():
    """Not one key more or fewer: a missing one would fall back to English mid-conversation."""
    assert set(CATALOGS["zh-TW"]) == set(CATALOGS["zh"])
    assert set(ZH_TW_COMMANDS) == set(ZH_COMMANDS)


def test_every_named_command_and_option_exists():
    """A sentence naming a command the table does not know would fail when rendered."""
    failing: dict[tuple[str, str], str] = {}
    for language in sorted(CATALOGS):
        for key in sorted(CATALOGS["en"]):
            blanks = dict.fromkeys(placeholders(CATALOGS[language][key]), "x")
            try:
                t(key, LOCALE_OF[language], **blanks)
            except Exception as error:  # every failing sentence named, not only the first
                failing[(language, key)] = f"{type(error).__name__}: {error}"
    assert failing == {}


@pytest.mark.parametrize("language", sorted(CATALOGS))
def test_no_sentence_writes_a_command_out_by_hand(language):
    """Commands are named through their blanks, so they are clickable in English and follow
    the command table in Chinese; a hand-written `/video` would do neither."""
    tops = {path.split()[0] for path in COMMAND_PATHS}
    names = tops | {table[top] for table in (ZH_COMMANDS, ZH_TW_COMMANDS) for top in tops}
    written = re.compile(r"(?<![{<\w])/(" + "|".join(sorted(names, key=len, reverse=True)) + r")")
    offenders = {
        key: template
        for key, template in CATALOGS[language].items()
        if written.search(re.sub(r"\{/[^}]*\}", "", template))
    }
    assert offenders == {}


@pytest.mark.parametrize("language", sorted(CATALOGS))
def test_no_sentence_writes_an_option_name_by_hand(language):
    """An option to type (`job:12`) is named through its blank (`{opt_job}:12`), so a Chinese
    client reads the name its own command shows (`任务:12`), not the English one it lacks."""
    names = set(OPTION_NAMES) | {
        table[option] for table in (ZH_COMMANDS, ZH_TW_COMMANDS) for option in OPTION_NAMES
    }
    written = re.compile(r"`(" + "|".join(sorted(names, key=len, reverse=True)) + r")[:\uff1a]")
    offenders = {
        key: template for key, template in CATALOGS[language].items() if written.search(template)
    }
    assert offenders == {}


@pytest.mark.parametrize(("locale", "option"), [("zh-CN", "任务"), ("zh-TW", "任務")])
def test_a_late_cancel_names_the_job_option_as_the_chinese_client_shows_it(locale, option):
    """Told to use `/我的视频 取消`, a Chinese member types the option their client shows."""
    text = t("confirm_cancel_too_late", locale, job_id=7)
    assert f"`{option}:7`" in text and "job:" not in text, text


@pytest.mark.parametrize(
    ("locale", "language"),
    [
        ("zh-CN", "zh"),
        # Traditional Chinese clients read Traditional Chinese (docs/members.md, Languages).
        ("zh-TW", "zh-TW"),
        ("en-US", "en"),
        ("ko", "en"),
        ("ja", "en"),
        ("en-GB", "en"),
        ("fr", "en"),
        (None, "en"),
    ],
)
def test_locales_fall_back_to_english(locale, language):
    assert language_for(locale) == language


def test_nested_messages_render_in_the_same_language():
    message = msg("rejected_by_service", reason=msg("refusal_invalid_duration"))
    assert "4、6、8 或 10 秒" in message.render("zh-CN")
    assert "4, 6, 8 or 10 seconds" in t(
        "rejected_by_service", "en-US", reason=msg("refusal_invalid_duration")
    )


def test_chinese_sentences_name_commands_and_options_as_the_chinese_client_shows_them():
    assert command_name("zh-CN", "videos status") == "/我的视频 状态"
    assert command_name("zh-TW", "videos status") == "/我的影片 狀態"
    text = t("help_text", "zh-CN")
    assert "/视频" in text and "`时长`" in text and "`分辨率`" in text and "`模式`" in text
    assert "/video" not in text and "duration" not in text and "resolution" not in text


def test_counts_read_naturally_in_both_languages():
    assert plural("count_videos", 1).render("en-US") == "1 video"
    assert plural("count_videos", 2).render("en-US") == "2 videos"
    assert plural("count_videos", 0).render("en-US") == "0 videos"
    assert plural("count_videos", 1).render("zh-CN") == "1 个视频"
    assert plural("count_videos", 2).render("zh-CN") == "2 个视频"


def test_short_spans_are_said_in_seconds_longer_ones_in_minutes():
    assert elapsed(9).render("zh-CN") == "9 秒"
    assert elapsed(9).render("en-US") == "9 s"
    assert elapsed(125).render("zh-CN") == "2 分 05 秒"
    assert elapsed(125).render("en-US") == "2m 05s"


def test_a_render_of_over_an_hour_is_said_in_hours():
    """A render given up on (TASK_TIMEOUT, 30 min) and found done by a later follow-up is
    posted after all: its card's render time reads '1h 02m', not '62m 05s'."""
    assert elapsed(3725).render("en-US") == "1h 02m"
    assert elapsed(3725).render("zh-CN") == "1 小时 02 分"
    assert elapsed(3600).render("en-US") == "1h 00m"
    assert elapsed(3599).render("en-US") == "59m 59s"


def test_a_chinese_member_told_to_look_in_their_history_reads_the_chinese_command():
    text = t("queued_by_dm", "zh-CN", job_id=4)
    assert "/我的视频 历史" in text and "videos" not in text


def test_a_group_of_commands_is_never_a_mention_only_a_command_that_can_be_run():
    use_command_ids({"video": 11, "videos": 12, "videomod": 13})
    try:
        refused = t("mod_not_allowed", "en-US")
        assert "can use /videomod," in refused, "a group cannot be run: named plainly"
        assert "</videos status:12>" in t("cancel_not_possible", "en-US", job_id=3)
    finally:
        use_command_ids({})
    assert "/videos status" in t("cancel_not_possible", "en-US", job_id=3)


@pytest.mark.parametrize(
    ("text", "locale"),
    [
        ("<@1> \u4e00\u53ea\u732b\u5728\u6d77\u8fb9\u51b2\u6d6a", "zh-CN"),  # Simplified
        # The same in Traditional characters: read as zh-TW, whose readers get Traditional.
        ("<@1> \u4e00\u96bb\u8c93\u5728\u6d77\u908a\u885d\u6d6a", "zh-TW"),
        ("<@1> \u8b1d\u8b1d", "zh-TW"),
        # Characters both scripts share read Simplified (the catalog Chinese readers get).
        ("<@1> \u5927\u6d77", "zh-CN"),
        ("<@1> a cat surfing", "en-US"),
        ("<@1> \u732b\u3068\u6d77", "en-US"),  # Japanese: kana
    ],
)
def test_a_message_written_in_traditional_characters_reads_as_taiwanese(text, locale):
    """A DM written in Traditional Chinese is not answered in Simplified: it reads as zh-TW,
    answered in Traditional Chinese, as `/video` from a zh-TW client is."""
    assert locale_written(text) == locale


def test_the_jobs_a_block_cancelled_are_listed_the_way_each_language_lists():
    outcomes = [CancelledJob(job, CancelOutcome.REFUNDED, 1) for job in (11, 12)]
    [line] = _block_cancel_lines("<@1>", outcomes)
    assert line.render("en-US").endswith("#11, #12.")
    assert "#11\u3001#12" in line.render("zh-CN")


def test_a_list_ends_with_and_or_or_where_it_says_so():
    """ "I need Embed Links and Attach Files", "reserved for members with @A or @B"."""
    both = Listed([msg("permission_embed_links"), msg("permission_attach_files")], last="and")
    assert both.render("en-US") == "Embed Links and Attach Files"
    assert Listed(["@A", "@B", "@C"], last="or").render("en-US") == "@A, @B or @C"
    assert Listed(["@A", "@B", "@C"], last="or").render("zh-CN") == "@A\u3001@B\u6216@C"
    assert Listed(["@A"], last="and").render("en-US") == "@A"
    assert Listed(["@A", "@B"]).render("en-US") == "@A, @B", "a plain list stays one"


def test_a_chinese_member_told_the_service_is_busy_also_hears_nothing_counts_if_it_stays_so():
    """The English says it; the Chinese left the promise out."""
    assert "不会计入额度" in t("service_busy", "zh-CN", job_id=1, where="这个频道")


@pytest.mark.parametrize(
    "key", ["confirm_expired", "confirm_gone", "confirm_media_lost", "result_link_expired"]
)
def test_chinese_hints_to_ask_again_name_no_command_a_mention_never_ran(key):
    """Said after a mention or a reply too, where the member ran no command ("ask again")."""
    assert "运行命令" not in t(key, "zh-CN", mention="@a")


# Names a Chinese sentence keeps as they are: the services, formats, units and time zone.
_NAMES_KEPT = {"Discord", "APIMart", "API", "HTTP", "UTC", "PNG", "JPEG", "WebP", "MP4", "MOV"}
_NAMES_KEPT |= {"WebM", "MB"}
_NAMES_KEPT |= {"HEIC", "HEIF", "iPhone"}  # the photo format a Chinese iPhone names so too
_NAMES_KEPT |= {"Omni", "Flash", "Ext"}  # the model's name, Omni-Flash-Ext
_NAMES_KEPT |= {"AutoMod"}  # Discord's server settings name it so in Chinese too
_ENGLISH_WORD = re.compile(r"(?<![@\w])[A-Za-z][A-Za-z0-9]+")


def test_no_chinese_sentence_leaves_an_english_word():
    """Rendered for a Chinese client (commands and options named, blanks filled), a sentence
    holds no English beyond names kept as they are and what a member types (code spans)."""
    english: dict[tuple[str, str], list[str]] = {}
    for key in sorted(CATALOGS["zh"]):
        for language in ("zh", "zh-TW"):
            blanks = dict.fromkeys(placeholders(CATALOGS[language][key]), "")
            rendered = t(key, LOCALE_OF[language], **blanks)
            prose = re.sub(r"`[^`]*`", "", rendered)
            words = [w for w in _ENGLISH_WORD.findall(prose) if w not in _NAMES_KEPT]
            if words:
                english[(key, language)] = words
    assert english == {}


# Traditional Chinese (zh-TW) ------------------------------------------------------------------


def test_a_traditional_chinese_client_reads_traditional_chinese_with_taiwan_wording():
    queued = t("queued", "zh-TW", job_id=4, typical="約 2 分鐘", where=msg("where_channel"))
    assert queued.startswith("你的影片已排隊\uff0c任務編號 #4\u3002"), queued
    help_text = t("help_text", "zh-TW")
    assert "/影片" in help_text and "`時長`" in help_text and "`解析度`" in help_text
    assert "/video" not in help_text and "视频" not in help_text


def test_traditional_chinese_counts_lists_and_times_read_as_chinese_does():
    assert plural("count_videos", 2).render("zh-TW") == "2 個影片"
    assert elapsed(125).render("zh-TW") == "2 分 05 秒"
    assert Listed(["@A", "@B", "@C"], last="or").render("zh-TW") == "@A\u3001@B\u6216@C"
    outcomes = [CancelledJob(job, CancelOutcome.REFUNDED, 1) for job in (11, 12)]
    [line] = _block_cancel_lines("<@1>", outcomes)
    assert "#11\u3001#12" in line.render("zh-TW") and ". " not in line.render("zh-TW")


# Simplified spellings a Traditional reader must never meet (each has a Traditional form).
_SIMPLIFIED = ("视频", "设置", "频道", "时长", "额度", "发", "这", "个", "们", "说", "务", "图")
# Simplified forms that Big5 encodes too (so the charset check below misses them), where Taiwan
# writes another character in every word this bot says: 之後, 這裡, 於, 什麼, 範圍, 恢復 or
# 重複, 幾, 每週.
_SIMPLIFIED += ("后", "里", "于", "么", "范", "复", "几", "周")


def _traditional_texts() -> dict[str, str]:
    texts = {f"catalog {key}": text for key, text in CATALOGS["zh-TW"].items()}
    texts.update({f"command {key}": text for key, text in ZH_TW_COMMANDS.items()})
    return texts


def test_traditional_chinese_holds_no_simplified_character():
    """Not the listed ones, nor any character only the Simplified charset (GB 2312) has."""
    offenders = {
        where: sorted(
            {word for word in _SIMPLIFIED if word in text}
            | {c for c in text if only_in(c, "gb2312", "big5")}
        )
        for where, text in _traditional_texts().items()
    }
    assert {where: found for where, found in offenders.items() if found} == {}


# Mainland words written in Traditional characters, and what Taiwan (and its Discord client) says
# ("檢視頻道", "View Channel", only looks like 視頻).
_MAINLAND_WORDS = {
    "(?<!檢)視頻": "影片",
    "服務器": "伺服器",
    "設置": "設定",
    "信息": "訊息",
    "消息": "訊息",
    "身份組": "身分組",
    "子區": "討論串",
    "帖子": "貼文",
    "私信": "私訊",
    "默認": "預設",
    "分辨率": "解析度",
    "橫屏": "橫向",
    "豎屏": "直向",
    "充值": "儲值",
    "運營": "營運",
    "賬": "帳",
    "許可權": "權限",
    "命令": "指令",
}


# Slips of a word-for-word conversion from Simplified, and what Taiwan says: 通過 (passed a check)
# is not 透過 (by way of), and a content check is 審核 (稽核 is an audit of accounts).
_MISCONVERTED = {"未透過": "未通過", "稽核": "審核"}


def test_traditional_chinese_uses_taiwan_wording():
    wrong = {**_MAINLAND_WORDS, **_MISCONVERTED}
    offenders = {
        where: [f"{word} (say {taiwan})" for word, taiwan in wrong.items() if re.search(word, text)]
        for where, text in _traditional_texts().items()
    }
    assert {where: found for where, found in offenders.items() if found} == {}


# Chinese sentences --------------------------------------------------------------------------

_HAN = r"[\u3400-\u9fff]"


def _chinese_texts() -> dict[str, str]:
    """Every Chinese sentence and command text, with code spans (what a member types) left out."""
    texts = {f"zh {key}": text for key, text in CATALOGS["zh"].items()}
    texts.update({f"zh command {key}": text for key, text in ZH_COMMANDS.items()})
    texts.update(_traditional_texts())
    return {where: re.sub(r"`[^`]*`", "`…`", text) for where, text in texts.items()}


def test_chinese_sentences_use_full_width_punctuation():
    """A comma, full stop, colon or bracket beside a Chinese character is the full-width one
    (U+FF0C, U+3002, U+FF1A, U+FF08): "你好,我" reads as a typo to a Chinese reader."""
    half_width = re.compile(rf"{_HAN}\s*[,.;:!?()]|[,;:!?()]\s*{_HAN}")
    offenders = {
        where: [found.group() for found in half_width.finditer(text)]
        for where, text in _chinese_texts().items()
    }
    assert {where: found for where, found in offenders.items() if found} == {}


def test_chinese_sentences_set_numbers_and_latin_words_off_with_a_blank():
    """The catalogs write "4 秒", "720p 或 4K", "APIMart 的": a number or Latin word next to a
    Chinese character is set off by a blank everywhere, so one without it stands out."""
    touching = re.compile(rf"{_HAN}[A-Za-z0-9#%]|[A-Za-z0-9%]{_HAN}")
    offenders = {
        where: [found.group() for found in touching.finditer(text)]
        for where, text in _chinese_texts().items()
        if "command " not in where  # a command's name has no blanks ("图片2")
    }
    assert {where: found for where, found in offenders.items() if found} == {}


def test_chinese_sentences_do_not_write_qi_de():
    """其 stands for "their" only before a noun (其原因); "关于其的记录" is not Chinese (say
    关于该成员的)."""
    offenders = [where for where, text in _chinese_texts().items() if "其的" in text]
    assert offenders == []


@pytest.mark.parametrize("locale", ["zh-CN", "zh-TW"])
def test_a_member_with_a_cost_question_open_is_pointed_at_that_confirmation_request(locale):
    """The cost question is a 确认请求 (確認請求) wherever it is named: the Regenerate hint
    called it a 费用确认 and a 确认消息."""
    text = t("regenerate_awaiting_confirm", locale, job_id=4, expires="<t:1:R>")
    assert ("确认请求" if locale == "zh-CN" else "確認請求") in text
    assert [word for word in ("费用确认", "确认消息", "費用確認", "確認訊息") if word in text] == []


@pytest.mark.parametrize("key", ["mod_outranked_role", "mod_outranked_role_allowance"])
@pytest.mark.parametrize("locale", ["zh-CN", "zh-TW"])
def test_a_moderator_outranked_is_sent_to_an_administrator_not_to_a_moderator(key, locale):
    """A moderator reads 管理员 as "moderator" throughout: the one who can act above their role
    is named by Discord's 管理员 permission, not as another 管理员 like themselves."""
    text = t(key, locale, member="<@1>", role="<@&2>")
    assert ("「管理员」权限" if locale == "zh-CN" else "「管理員」權限") in text


def test_lifting_a_block_does_not_read_as_lifting_a_discord_ban():
    """封禁 is Discord's ban (a member banned from the server is 已被服务器封禁): the mod-log
    line for lifting the bot's block names what it lifts, the block's own 禁止…生成视频 (and
    no more: a role of 0 may still allow none, tests/cogs/test_moderation.py)."""
    for key in ("change_member_unblocked", "member_replaced_block"):
        assert "封禁" not in CATALOGS["zh"][key], key
    lifted = t("change_member_unblocked", "zh-CN", moderator="@m", member="@a")
    assert lifted == "@m 解除了对 @a 生成视频的禁止。"


# Blanks that always hold a Discord timestamp (`<t:…>`, shown as a date or "in 2 hours"): the
# reset, end, wait and expiry times. {expiry} is left out: with no time named it is the word
# 即将 (即將), written against the sentence as words are.
_TIMESTAMP_BLANKS = ("until", "again", "ends", "reset", "reset_at", "when", "since", "expires")
_TIMESTAMP = r"(?:\{(?:" + "|".join(_TIMESTAMP_BLANKS) + r")\}|<t:[^>]*>)"


def test_chinese_sentences_set_a_discord_timestamp_off_with_a_blank():
    """A timestamp is set off from Chinese characters by a blank, as a number or a mention is
    ("额度将于 <t:…:R> 重置"): the catalogs wrote "将于 {ends}结束" and "本月{reset}结束"
    beside "将于 {reset} 重置", one time two ways, sometimes in one sentence."""
    touching = re.compile(rf"{_HAN}{_TIMESTAMP}|{_TIMESTAMP}{_HAN}")
    offenders = {
        where: [found.group() for found in touching.finditer(text)]
        for where, text in _chinese_texts().items()
    }
    assert {where: found for where, found in offenders.items() if found} == {}


def test_simplified_chinese_says_fengjin_only_of_a_discord_ban():
    """封禁 (and 解封, lifting one) is Discord's ban from the server (已被服务器封禁); the bot's
    block stops a member making videos, and every Simplified text names it so (禁止…生成视频),
    command names included: "/视频管理 封禁" read as banning them from the server."""
    texts = {f"zh {key}": text for key, text in CATALOGS["zh"].items()}
    texts.update({f"zh command {key}": text for key, text in ZH_COMMANDS.items()})
    offenders = {
        where: text
        for where, text in texts.items()
        if "解封" in text or re.search("(?<!服务器)封禁", text)
    }
    assert offenders == {}
    assert t("mod_member_already_blocked", "zh-CN", member="@a", reason="r").startswith(
        "@a 已经被禁止生成视频"
    )


# Words the Traditional catalog says one way everywhere but in a stray sentence, and the way it
# says them: a video is made (生成, not 產生), a message is sent (傳送, as Discord's 傳送訊息),
# and a server adds the bot (新增, as 未新增本機器人; 伺服器已加入了機器人 has the server join it).
_TRADITIONAL_ONE_WAY = {"產生": "生成", "發送": "傳送", "伺服器已加入": "伺服器已新增"}


def test_traditional_chinese_says_one_thing_one_way():
    offenders = {
        where: [f"{word} (say {one})" for word, one in _TRADITIONAL_ONE_WAY.items() if word in text]
        for where, text in _traditional_texts().items()
    }
    assert {where: found for where, found in offenders.items() if found} == {}


@pytest.mark.parametrize("language", list(CATALOGS))
def test_a_progress_bar_is_always_followed_by_its_percentage(language):
    """A screen reader reads the bar as ten "black parallelogram"s, and a phone may show it
    cut: the percentage right after it says the same in words, in every sentence with one."""
    with_bar = [key for key, text in CATALOGS[language].items() if "{bar}" in text]
    assert with_bar, "no sentence shows the bar"
    for key in with_bar:
        assert "{bar} {progress}%" in CATALOGS[language][key], key
