"""A question to the bot about itself: who made it, what it is, which model makes its videos,
what it can do, how it is used, whether it is a bot or costs money, or a plea for help.

Members ask these first, and each one read as a prompt is a paid video of the question. Only
a message that is such a question whole counts (a greeting, the bot's name or a particle
around it aside): "a robot asking who made it, cinematic", "what can you do in space" and
"一个机器人问是谁做了它" name more than the bot, and stay prompts.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from bot.jobs.chatter_zh import in_simplified_words

# Chat spellings, read as the words they stand for ("r u a bot").
_SPELLINGS = {"u": "you", "ya": "you", "r": "are", "ur": "your", "wat": "what", "wut": "what"}
_SPELLINGS |= {"pls": "please", "plz": "please"}
# Greeting or addressing the bot around the question ("hey bot, who made you?").
_BEFORE = frozenset({"hi", "hello", "hey", "heya", "hiya", "yo", "bot", "ok", "okay", "so"})
_BEFORE |= {"um", "uh", "hmm", "and", "but", "btw", "quick", "question"}
_AFTER = frozenset({"bot", "bro", "man", "dude", "mate", "buddy", "please", "then", "exactly"})

_YOU = r"(?:you|yourself|it|this|this bot|the bot|this thing|this app|this service)"
# What it can do is asked of the bot only: "what will it do?" under a picture of a cat asks
# for a video of the cat.
_BOT_YOU = r"(?:you|this bot|the bot)"
_WHO_IS = r"(?:who (?:is|are|was)|whos)"
_WHAT_IS = r"(?:what (?:is|are|was)|whats)"
_MADE = (
    r"(?:made|makes|created|built|developed|coded|programmed|wrote|designed|owns|runs|hosts"
    r"|maintains|trained|invented|operates)"
)
_MAKER = (
    r"(?:creator|creators|maker|makers|developer|developers|dev|devs|owner|owners|author"
    r"|programmer|admin|founder|company|team)"
)
_TECH = r"(?:model|models|engine|ai|api|service|tech|technology|backend|provider|software|tool)"
# What may follow "which model" while it still asks about the bot ("... do you use to make
# videos"); a word of anything else ("which model of car") makes it a scene.
_ABOUT = (
    r"(?:is|are|do|does|did|this|it|you|bot|the|a|use|uses|using|used|run|runs|running|on"
    r"|based|built|behind|powers|powered|by|to|make|makes|made|making|generate|generates|create"
    r"|render|renders|videos|video|for|under|hood)"
)
_BEING = (
    r"(?:(?:a|an) )?(?:bot|robot|ai|chatbot|program|machine|human|person|real person|real"
    r"|chatgpt|gpt|openai|sora|veo|google|gemini|kling|runway|pika|midjourney|luma|hailuo"
    r"|apimart|omni flash(?: ext)?|omniflash(?:ext)?)"
)
_ENGLISH = (
    # who made it
    rf"who {_MADE} {_YOU}",
    rf"who (?:is|was) {_YOU} (?:made|created|built|developed|owned|run|programmed|coded) by",
    rf"{_WHO_IS} (?:your|the|its) {_MAKER}(?: of {_YOU})?",
    rf"(?:{_WHO_IS}|{_WHAT_IS}) behind {_YOU}",
    rf"(?:what|which) (?:company|team) {_MADE} {_YOU}",
    # what it is
    rf"(?:{_WHO_IS}|{_WHAT_IS}) (?:you|yourself|this bot|the bot|this thing)",
    rf"{_WHAT_IS} your name|do you have a name|what (?:are you|is this bot) called",
    r"(?:(?:can|could) you )?(?:tell me (?:more )?about (?:yourself|you)|introduce yourself)",
    rf"(?:is|are) {_YOU} (?:using |based on |built on |powered by |running on )?{_BEING}"
    rf"(?: or {_BEING})?",
    # which model makes the videos
    rf"(?:what|which)(?: (?:kind|sort|type) of)?(?: {_TECH})+(?: {_ABOUT})*",
    rf"what (?:do|does) {_YOU} (?:use|run on)(?: {_ABOUT})*",
    rf"what (?:are|is) {_YOU} (?:built|based|running|trained|powered) (?:on|with|by)",
    # what it can do
    rf"what (?:else )?(?:can|could|do|will) {_BOT_YOU} (?:do|make|create|generate|film|animate)",
    rf"what (?:(?:kind|kinds|sort|type|types) of )?(?:videos?|things|stuff|content)"
    rf" (?:can|could|do) {_BOT_YOU} (?:do|make|create|generate|film|animate)",
    rf"{_WHAT_IS} (?:your|the|its) (?:features|commands|abilities|capabilities|options)",
    rf"what (?:features|commands|options) (?:do you have|are there|does {_YOU} have)",
    r"(?:(?:list|show)(?: me)?(?: the| your| all)? )?commands(?: list)?|command list",
    # how it is used
    rf"how (?:do|can|should) (?:i|we) (?:use|start|get started with) {_YOU}",
    r"how (?:do|can|should) (?:i|we) (?:start|begin|get started)",
    # a plea for help
    r"(?:i |we )?(?:need|want) (?:some |your )?help|help (?:me|us)",
    # whether it costs money
    r"(?:do|will|would) (?:i|we) (?:have to |need to )?pay(?: for (?:it|this|videos|a video))?",
)


# The large patterns here are compiled at their first use, by a mention or a DM: compiled at
# import, they slowed the acknowledgement of a burst of /video, which never reads them (p99
# of 200 at once about 0.24 s against 0.17-0.19 s, `python -m bench.realpath --ack-only`).
@functools.cache
def _english_question() -> re.Pattern[str]:
    return re.compile("|".join(_ENGLISH))


def asks_about_itself(words: Sequence[str]) -> bool:
    """Whether the words (as `chatter` reads them: folded, no punctuation) are a question to
    the bot about itself and nothing more."""
    spelled = [_SPELLINGS.get(word, word) for word in words]
    start, end = 0, len(spelled)
    while start < end and spelled[start] in _BEFORE:
        start += 1
    while end > start and spelled[end - 1] in _AFTER:
        end -= 1
    # "are you a bot": the bot addressed at the end may be what is asked about.
    asked = (" ".join(spelled[start:end]), " ".join(spelled[start:]))
    return any(_english_question().fullmatch(question) for question in asked)


# The same questions in Chinese, written in Simplified characters and mainland words (a
# Traditional one is read so first); "it" (它), "this" (这个) and "the robot" are the bot too.
_ZH_YOU = r"(?:你们|你|您|这个机器人|这机器人|机器人|这个bot|bot|这个|这|它)"
_ZH_BOT_YOU = r"(?:你们|你|您|这个机器人|这机器人|机器人|这个bot|bot)"  # as `_BOT_YOU`
# "This" or "it" alone: a picture or a scene as much as the bot.
_ZH_THIS = r"(?:这个|这|它)"
_ZH_WHO = r"(?:谁|哪个公司|哪家公司|什么公司|哪个团队|哪位|什么人)"
_ZH_MADE = r"(?:做|制作|开发|写|编写|创造|创建|发明|训练|搭建|造|设计|运营|维护|弄)(?:出来)?"
_ZH_MAKER = r"(?:作者|开发者|创造者|制作者|制作人|主人|开发人员|设计者|老板|创始人|开发商)"
_ZH_WHICH = r"(?:什么|哪个|哪种|哪一个|哪家的?|啥)"
# Taiwan says 人工智慧 for AI and 软体 for software.
_ZH_TECH = (
    r"(?:ai|人工智能|人工智慧)?"
    r"(?:大模型|模型|引擎|接口|api|服务|技术|ai|人工智能|人工智慧|工具|软件|软体)"
)
_ZH_MAKING = r"(?:生成|做|制作|渲染|弄|画)"
_ZH_BEING = (
    r"(?:一个|个)?(?:机器人|真人|人类|人|ai|bot|人工智能|人工智慧|程序|程式|机器|chatgpt|gpt"
    r"|sora|veo|可灵|即梦|豆包|runway|pika)"
)
_CHINESE = (
    # who made it
    rf"{_ZH_YOU}(?:是|是由|由)?{_ZH_WHO}{_ZH_MADE}的?",
    rf"{_ZH_WHO}{_ZH_MADE}(?:了|的)?(?:{_ZH_YOU}的?)?",
    rf"(?:{_ZH_YOU}的)?{_ZH_MAKER}是{_ZH_WHO}|{_ZH_WHO}是{_ZH_YOU}的{_ZH_MAKER}",
    rf"{_ZH_YOU}是{_ZH_WHO}的(?:机器人|bot)?",
    # what it is
    rf"{_ZH_YOU}(?:到底)?是(?:谁|什么|啥)(?:东西|机器人|bot|ai)?",
    r"(?:你|您)(?:叫|的名字(?:是|叫)?)(?:什么|啥)(?:名字)?",
    r"(?:你|您)?(?:能|可以)?(?:先)?(?:介绍一下|介绍下|自我介绍)(?:一下)?(?:你|您)?(?:自己)?",
    rf"{_ZH_BOT_YOU}(?:是|是不是){_ZH_BEING}(?:还是{_ZH_BEING})?",
    # "这是机器人吗": asked; "这是一个机器人" says what a picture holds (`_this_is_said`).
    rf"{_ZH_THIS}(?:是不是{_ZH_BEING}(?:还是{_ZH_BEING})?|是{_ZH_BEING}(?:还是{_ZH_BEING}|[吗么吧嘛]))",
    # which model makes the videos
    rf"(?:{_ZH_YOU}|视频|这个视频)?是?(?:用|使用|基于|靠)(?:的|了)?是?{_ZH_WHICH}{_ZH_TECH}?"
    rf"(?:{_ZH_MAKING}的?(?:视频)?)?的?",
    rf"(?:{_ZH_YOU}是)?{_ZH_WHICH}{_ZH_TECH}|(?:{_ZH_YOU}的)?{_ZH_TECH}是{_ZH_WHICH}",
    # what it can do
    rf"{_ZH_BOT_YOU}?(?:都|还)?(?:能|会|可以|能够)(?:做|干|生成|制作|拍|画|弄)?(?:些|点)?"
    r"(?:什么|啥|嘛|哪些)(?:样的|类型的)?(?:视频|东西|内容|事情?)?",
    rf"{_ZH_BOT_YOU}?有(?:什么|哪些|啥)(?:功能|命令|指令|用处|用途|玩法|本领)",
    rf"(?:{_ZH_YOU}的)?(?:功能|命令|指令)(?:有哪些|是什么|有什么|列表)?",
    rf"{_ZH_YOU}是(?:干|做)(?:什么|啥|嘛)的",
    # how it is used
    rf"{_ZH_YOU}?(?:我)?(?:该|要|应该)?(?:怎么|如何|怎样|咋)(?:用|使用|玩|操作|开始|上手){_ZH_YOU}?",
    r"(?:使用|用法)(?:说明|方法|教程|指南)|用法|说明书|教程|教学|新手教程",
    # a plea for help
    r"(?:我)?(?:需要|要|想要)帮助|帮帮我|求助|帮助",
    # whether it costs money
    rf"{_ZH_YOU}?(?:是不是|是)?(?:免费|收费|付费)的?",
    r"收不收费|免不免费|要不要钱|要不要付费|要不要花钱|要钱不|要钱没",
    r"(?:我)?(?:需要|要|得)(?:付钱|付费|花钱|给钱|交钱)(?:不)?",
)
_ZH_BEFORE = (
    r"(?:你好|您好|嗨|哈喽|哈啰|hi|hello|hey|请问一下|请问|问一下|问下|想问一下|我想问一下"
    r"|我想问|那|那么|所以|机器人|bot)*"
)
# A particle after it ("吗", "呀"); "么" too, as in "你是机器人么".
_ZH_AFTER = r"[吗嘛呢吧啊呀啦哦喔么]*"


@functools.cache
def _chinese_question() -> re.Pattern[str]:
    return re.compile(f"{_ZH_BEFORE}(?:{'|'.join(_CHINESE)}){_ZH_AFTER}")


# "This is a robot" with its question mark (stripped below with the other punctuation): asked.
@functools.cache
def _this_is_said() -> re.Pattern[str]:
    return re.compile(f"{_ZH_BEFORE}{_ZH_THIS}是{_ZH_BEING}{_ZH_AFTER}")


_QUESTION_MARKS = ("?", "\uff1f")
_NOT_SAID = re.compile(r"[\s\W_]+")  # spaces and punctuation, which change no question
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_KANA = re.compile(r"[\u3040-\u30ff]")


def asks_about_itself_in_chinese(prompt: str) -> bool:
    """Whether a Chinese prompt (Simplified or Traditional) is a question to the bot about
    itself and nothing more."""
    if not _HAN.search(prompt) or _KANA.search(prompt):
        return False  # no Chinese, or Japanese: left to the other rules
    text = _NOT_SAID.sub("", in_simplified_words(prompt))
    if _chinese_question().fullmatch(text) is not None:
        return True
    asked = prompt.rstrip().endswith(_QUESTION_MARKS)
    return asked and _this_is_said().fullmatch(text) is not None
