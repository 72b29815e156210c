"""Telling a question about the bot from a request, in Chinese.

`bot.jobs.chatter` reads words between spaces; Chinese has none, so a whole question is one
"word" there. Here its words are looked for inside it, by the same rules: a question about the
service, the bot, or a video of theirs gets the help ("where is my video", "are you an AI",
"is making a video free"); one that asks for something or imagines is a request worded as a
question ("can you make a video of a rocket launch that fails", "what if cats ruled the
world"), and so is a scene that asks about itself ("the climber made it to the top: what
does he see"). Traditional characters and Taiwan's words (影片 for video, 點數 for credits)
are read as their Simplified and mainland forms. Japanese (kana) is left to the other rules.
"""

from __future__ import annotations

import re

# A question ends so ("吗" and the rest are its particles; "么" but not "什么", "what").
_QUESTION_END = re.compile(
    r"(?:[?\uff1f]|[吗嗎呢]|(?<!喇)嘛|(?<![什怎这這那多])[么麼]|了[没沒]有?)$"
)  # not "喇嘛" (a lama), nor "什么" (what)
# A question without its mark ("我还有多少额度", "你是什么模型"): Chinese asks with these words
# alone, which a scene holds too ("他在想什么"), so they count only beside a word about the bot.
_QUESTION_WORDS = re.compile(
    r"谁|什么|什麼|多少|几[个個次秒]|幾[个個次秒]|多久|多长|多長|怎么|怎麼|怎样|為什|为什|为啥|哪|如何"
    r"|(?<!咋)咋(?!咋)"
)  # "咋" is a spoken "怎么" (how, why), but "咋咋呼呼" is "blustering"
# Words of the service alone, never of a scene (as `chatter._SERVICE`).
_SERVICE = (
    "积分", "额度", "配额", "多少钱", "收费", "退款", "冷却", "报错", "被拒", "余额",
    "生成次数", "次数用完", "不能生成", "生成不了", "怎么取消", "如何取消", "取消视频",
    "生成几", "做几个视频", "做几段视频", "能生成多少", "渲染进度", "生成进度", "视频最长",
    "最长可以", "多长的视频",
    # as Taiwan says them: credits are "points" (点数) or 额度, topping up is 储值, a video is
    # counted with 支, and what a video takes is "deducted" (扣) in points (点)
    "点数", "储值", "做几支视频", "扣几点", "扣多少点", "扣了几点", "剩几次", "剩下几次",
    "剩多少次", "剩余次数",
)  # fmt: skip
# Points of dice or cards, which a scene counts ("两颗骰子的点数"), are no credits; nor are
# a word ending in 点 before one starting with 数 ("重点数据" key data, "景点数量" how many
# sights, "有点数不清" a bit too many to count).
_NOT_CREDITS = re.compile(
    r"(?:骰子?|牌)的?点数"
    r"|[重焦景地节站特观优缺终起盲要亮热污斑雨标顶据]点数"
    r"|点数(?=[据学字量码位目]|不[清过完尽])"
)
# "能不能生成 X" ("can you make X or not") asks for X, as "能生成 X 吗" does: its "不能生成" is
# the complaint above ("it can't make one") only when nothing to film follows.
_CAN_OR_CANNOT = "能不能生成"
# What may follow it without naming anything to film ("能不能生成一个视频吗", "能不能生成视频了",
# "能不能生成一下呀"): measure words, "video", particles.
_JUST_A_VIDEO = re.compile(r"[一个支段条部的吗呢吧啊了啦呀哦嘛么下视频影片?\uff1f\s]")
# Words a scene may hold too ("a rocket launch that failed"): of the service when they are said
# of making a video ("生成视频免费吗", "我的视频生成失败了吗"), or in a short question.
_SERVICE_IF_OURS = (
    "失败", "错误", "出错", "免费", "价格", "费用", "限制", "扣了多少", "扣多少", "扣了几",
)  # fmt: skip
_MAKING_A_VIDEO = (
    "我的视频", "我的影片", "视频生成", "生成视频", "影片生成", "生成影片", "生成的",
    "生成一个视频", "生成失败", "生成错误", "这个视频", "那个视频",
)  # fmt: skip
# "What can you do?": about the bot, though "do" asks for something; said to the bot ("你")
# where the question starts, and so with or without its question mark ("你能做什么菜"), but not
# said by someone in a scene ("小狗问你能做什么", a puppy asks what you can do).
_WHAT_IT_DOES = (
    "你能做什么", "你会做什么", "你可以做什么", "你能干什么", "你会干什么", "你能干嘛",
    "你能做啥", "你是做什么", "你能做些什么", "你都能做什么", "你可以做些什么", "你是谁",
)  # fmt: skip
# "How is it used?", asked; or unasked, with nothing after it ("怎么用筷子" is a scene).
_HOW_TO_USE = ("怎么用", "如何使用", "怎么使用", "怎么上传", "如何上传", "咋用", "咋使用", "咋上传")
# Who is asked of, before "how is it used" ("这个怎么用", "请问咋用").
_THIS_OR_ASKER = re.compile(r"这个?|机器人|[请问我你好要想该应可以能\s,\uff0c]")
# "How do I make a video?": the help, when nothing to film follows ("怎么做一只会飞的猫" asks
# for the cat) and only the asker comes before it ("请问", "我该").
_HOW_TO_MAKE = (
    "怎么生成", "如何生成", "怎样生成", "咋生成", "怎么做", "如何做", "怎样做", "咋做",
    "怎么制作", "如何制作", "怎么弄", "如何弄",
)  # fmt: skip
_ASKER = re.compile(r"[请问我你好要想该应可以能\s,\uff0c]")
_NEVER_ASKING = (
    "为什么", "为啥", "怎么回事", "在哪", "哪里", "哪儿", "什么时候", "啥时候", "多久",
    "多长时间", "怎么了", "怎么还没", "咋回事", "咋还没",
)  # fmt: skip
# Questions whole by themselves, with at most a "please" before and a particle after ("要多久",
# "请问还要等多久啊"): alone, they ask how long the video takes; beside anything else they may
# be of a scene ("做蛋糕要多久", "他的伤怎么还没好").
_ASKED_ALONE = frozenset(
    {"多久", "要多久", "还要多久", "等多久", "要等多久", "还要等多久"}
    | {"怎么还没好", "为什么还没好", "为啥还没好", "咋还没好", "怎么这么久", "怎么这么慢"}
)
_PLEASE = re.compile(r"^(?:请问|那)")
_PARTICLES = re.compile(r"[啊呀啦哦喔嘛呢吗了?\uff1f\s,\uff0c]+$")
# How one went, said with a verb that would otherwise ask for something ("做好了吗").
_DONE = ("做好", "做完", "做出来了", "生成好", "生成完", "生成了", "渲染好", "渲染完")
_ASKING_FOR = (
    "做", "生成", "制作", "画", "拍", "变成", "动起来", "来一个", "来个", "来段", "出个",
    "出一个", "出一段", "给我", "帮我", "让", "弄", "加", "换", "重做", "再来", "渲染", "如果",
    "会怎样", "什么样", "看起来", "展示", "想象", "想像",
)  # fmt: skip
# A video of theirs, named.
_THEIR_VIDEO = (
    "我的视频", "我的影片", "我的作品", "我的任务", "这个视频", "那个视频", "刚才的视频",
    "视频呢",
)  # fmt: skip
# "No response" ("为什么没反应"): how the bot went, said of it.
_NO_RESPONSE = (
    "没反应", "没有反应", "没回应", "没有回应", "没动静", "没回复", "不回复", "不理我", "不回我",
)  # fmt: skip
# What one is said of ("视频好了吗", "它卡住了吗"): how it went counts with one of these.
_A_VIDEO = ("视频", "影片", "任务", "作品", "渲染", "它", "这个", "那个", "我的")
_HOW_IT_WENT = (
    "好了", "完成", "卡住", "坏了", "成功", "失败", "出错", "错误", "进度", "还要", "能好",
    *_DONE, *_NO_RESPONSE,
)  # fmt: skip
# The bot itself, addressed ("你是哪个版本"): a robot or AI alone is a scene ("机器人在跳舞吗"),
# and so is "you are" said by someone in it ("小狗问你是谁", a puppy asks who you are), so
# "你是" counts only where the question starts (after a greeting or "请问").
_ADDRESSED = ("这个机器人",)
_YOU_ARE = "你是"
# What may come before the question's first word: a greeting, "请问", the bot named.
_OPENING = re.compile(r"^(?:你好|您好|嗨|请问|机器人|bot|[\s,\uff0c:\uff1a!\uff01])*")
# Words of the bot that a scene holds too ("a model plane", "the rules"): only in a question
# marked as one.
_BOT = (
    "模型", "版本", "在线", "分辨率", "解析度", "支持", "规则", "你会", "你能", "你可以", "帮助",
    "教程",
)  # fmt: skip
_BOT_LATIN = re.compile(r"(?<![a-z])(?:ai|bot)(?![a-z])")  # "AI", but not "Dubai"
# Han characters at most in a question that asks about the bot whatever it names ("好了吗");
# in one that says how it went or names the service with no subject ("渲染完成了吗", "费用是
# 多少"), or a why/where/when one ("为什么失败了"); and in "what can you do", unasked.
CHARACTERS_ALONE = 4
UNSAID_SUBJECT_WITHIN = 6
UNSAID_SUBJECT_ASKING_WHY = 8
WHAT_IT_DOES_WITHIN = 8
# Traditional characters of these words, read as their Simplified forms: the words are written
# once, in Simplified characters, and a question written in Traditional ones matches them too.
# Each is a character OpenCC's t2s (Traditional to Simplified) turns into one of the words'
# characters, variants such as 爲 and 裏 included: a new word's new character belongs here too.
_TO_SIMPLIFIED = str.maketrans(
    "個箇為爲麼麽價會傳餘儲兒幾齣則剛製務動卻變嗎迴壞復複幫乾幹榦應纔釦報換敎數時"
    "機條來樣沒點電畫畵積綫線給規視讓該誤請誰敗費還這進裏裡錢錯長問間靜頻額種門"
    "優學據標熱節碼終觀過頂盡開發創設計維護運營練寫編團隊紹類東內們說書於術軟體處領",
    "个个为为么么价会传余储儿几出则刚制务动却变吗回坏复复帮干干干应才扣报换教数时"
    "机条来样没点电画画积线线给规视让该误请谁败费还这进里里钱错长问间静频额种门"
    "优学据标热节码终观过顶尽开发创设计维护运营练写编团队绍类东内们说书于术软体处领",
)
# Taiwan's words for the ones above: a video is 影片 (not in 电影片段, "a film clip"), and
# "what" is written 甚麼 too, and "you" 妳 when the bot is thought of as "she".
_TAIWAN_WORDS = (
    (re.compile(r"(?<!电)影片"), "视频"),
    (re.compile(r"甚么"), "什么"),
    (re.compile(r"妳"), "你"),
)
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_KANA = re.compile(r"[\u3040-\u30ff]")


def _holds(text: str, phrases: tuple[str, ...]) -> bool:
    return any(phrase in text for phrase in phrases)


def _said_first(text: str, phrases: tuple[str, ...]) -> bool:
    """Whether the question starts with one of `phrases`, a greeting or "请问" aside."""
    return _OPENING.sub("", text, count=1).startswith(phrases)


def _of_the_service(text: str) -> bool:
    """Whether the text holds a word of the service alone; "能不能生成 X" asks for X, and
    the points of dice are no credits."""
    text = _NOT_CREDITS.sub("", text)
    _, found, rest = text.partition(_CAN_OR_CANNOT)
    if found and _JUST_A_VIDEO.sub("", rest):
        text = text.replace(_CAN_OR_CANNOT, "能生成")
    return _holds(text, _SERVICE)


def _asks_how(text: str, phrases: tuple[str, ...], asker: re.Pattern[str]) -> bool:
    """Whether `text` asks one of `phrases` ("怎么用", "怎么生成") with nothing named after
    it, and only the asker (`asker`: "请问", "这个") before it."""
    for phrase in phrases:
        before, found, rest = text.partition(phrase)
        if found and not _JUST_A_VIDEO.sub("", rest) and not asker.sub("", before):
            return True
    return False


def _asks_how_to_make_a_video(text: str) -> bool:
    """ "怎么生成视频", "请问怎么做视频": how to make one, with nothing to film named."""
    return _asks_how(text, _HOW_TO_MAKE, _ASKER)


def _asks_how_to_use(text: str) -> bool:
    """ "怎么用", "这个咋用啊": how it is used, with nothing named to use."""
    return _asks_how(text, _HOW_TO_USE, _THIS_OR_ASKER)


def _asked_alone(text: str) -> bool:
    """ "要多久", "请问还要等多久啊": a question that is all of the message."""
    return _PARTICLES.sub("", _PLEASE.sub("", text)) in _ASKED_ALONE


def in_simplified_words(prompt: str) -> str:
    """The prompt as the words above are written: Simplified characters, mainland words."""
    text = prompt.casefold().rstrip(" .!\u3002\uff01~\uff5e").translate(_TO_SIMPLIFIED)
    for taiwan, mainland in _TAIWAN_WORDS:
        text = taiwan.sub(mainland, text)
    return text


def asks_about_the_bot(prompt: str) -> bool:
    """Whether a Chinese prompt is a question about the bot, the service or a video of
    theirs, not a scene to make."""
    text = in_simplified_words(prompt)
    if not _HAN.search(text) or _KANA.search(text):
        return False
    characters = len(_HAN.findall(text))
    if _said_first(text, _WHAT_IT_DOES) and characters <= WHAT_IT_DOES_WITHIN:
        return True  # "你能做什么", with or without its question mark
    if _asked_alone(text):
        return True  # "要多久", with or without its question mark
    never_asking = _holds(text, _NEVER_ASKING)
    marked = _QUESTION_END.search(text) is not None
    if not marked and not _QUESTION_WORDS.search(text):
        return False
    if _of_the_service(text):
        return True  # credits, quota, refunds, asked about
    short = characters <= UNSAID_SUBJECT_WITHIN
    if marked and _holds(text, _HOW_TO_USE):
        return True  # asked "how to upload": unasked, "how to use an extinguisher" is a scene
    if _asks_how_to_use(text) or _asks_how_to_make_a_video(text):
        return True
    if _holds(text, _SERVICE_IF_OURS) and (short or _holds(text, _MAKING_A_VIDEO)):
        return True
    # "Is my video done?" says "made" (做好): that asks how it went, not for a video.
    undone = text
    for phrase in _DONE:
        undone = undone.replace(phrase, " ")
    if not never_asking and _holds(undone, _ASKING_FOR):
        return False
    went = _holds(text, _HOW_IT_WENT)
    unsaid_within = UNSAID_SUBJECT_ASKING_WHY if never_asking else UNSAID_SUBJECT_WITHIN
    subject = _holds(text, _A_VIDEO) or characters <= unsaid_within
    # "你怎么都不回我": the bot is who does not answer, said to it in a question as short as a
    # "why" one ("女孩问男孩你为什么不理我" is a scene).
    unanswered_by_you = (
        "你" in text and _holds(text, _NO_RESPONSE) and characters <= UNSAID_SUBJECT_ASKING_WHY
    )
    return (
        _holds(text, _THEIR_VIDEO)
        or (went and subject)
        or unanswered_by_you
        or (never_asking and _holds(text, _A_VIDEO))
        or _holds(text, _ADDRESSED)
        or _said_first(text, (_YOU_ARE,))
        or (marked and _holds(text, _BOT))
        or _BOT_LATIN.search(text) is not None
        or (marked and characters <= CHARACTERS_ALONE)
    )
