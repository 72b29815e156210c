"""Telling a request from chatter: a mention or reply that only greets, thanks or reacts.

Members reply "thx @Bot 🔥" to a result, or ask "@Bot where is my video?"; nobody should pay
for a video of that. A prompt is
chatter when it is too short to describe a scene or when it greets, thanks or reacts and
every other word only surrounds that ("thank you for the video, man"; emoji and Discord's
custom emoji count for nothing). One word that is none of these ("love it, but make it rain")
makes it a request, and so does a prompt that starts as a description ("a beautiful man").
"""

from __future__ import annotations

import re

from bot.jobs.chatter_self import asks_about_itself, asks_about_itself_in_chinese
from bot.jobs.chatter_zh import asks_about_the_bot as asks_in_chinese

# A prompt worth less than this asks for help rather than a video: nobody pays for "@Bot hi".
# Letters and digits count 1; a Chinese, Japanese or Korean character, which is a word or
# most of one, counts 2, so "小猫" (kitten) is a prompt and "好" is not.
MIN_PROMPT_WEIGHT = 3
_WIDE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
# Custom emoji (`<:name:id>`, animated `<a:name:id>`) and mentions are no words of a scene,
# `@everyone` and `@here` included; nor are emoticons (`<3`, `:D`, `xD`, `:-)`), whose letters
# and digits would count.
_MARKUP = re.compile(
    r"<a?:\w+:\d+>|<(?:@[!&]?|#)\d+>|(?<![\w@])@(?:everyone|here)(?!\w)"
    r"|<3+|(?<!\w)[:;=xX8]-?[DPpOo3)(\]\[/\\|*]+(?!\w)"
)
# "it's", "you're": one word, not "it" and "s".
_APOSTROPHES = re.compile(r"(?<=\w)['\u2019](?=\w)")

# Words that make a message chatter: greetings, thanks and reactions.
_GREETINGS_AND_THANKS = frozenset(
    {"hi", "hello", "hey", "heya", "hiya", "yo", "sup"}
    # thanks, in the languages members often write them in
    | {"thanks", "thank", "thankyou", "thanx", "thnx", "thx", "ty", "tysm", "tyvm", "tks"}
    | {"cheers", "appreciate", "appreciated", "grateful"}
    | {"gracias", "muchas", "merci", "beaucoup", "danke", "vielen", "dank", "schön", "grazie"}
    | {"obrigado", "obrigada"}
    | {"arigato", "ありがとう", "ありがと", "どうも", "감사합니다", "고마워요", "고마워", "спасибо"}
)
_CHATTER_WORDS = _GREETINGS_AND_THANKS | frozenset(
    # asking for help, or whether it is there
    {"there", "help", "ping", "test", "here"}
    # reactions
    | {"ok", "okay", "k", "kk", "cool", "nice", "wow", "woah", "whoa", "omg", "great"}
    | {"awesome", "amazing", "perfect", "love", "loved", "lol", "lmao", "lmfao", "rofl"}
    | {"haha", "hahaha", "xd", "gg", "yes", "yeah", "yay", "good", "job", "work", "done"}
    | {"beautiful", "wonderful", "incredible", "brilliant", "best", "wtf", "neat", "sweet"}
    | {"cute", "lit", "epic", "goat", "insane", "crazy", "666", "testing", "tested"}
    | {"looks", "look", "rock", "rocks", "fire", "sick", "dope", "bravo", "fantastic", "legend"}
    # questions about the bot itself ("what can you do?", "how does this work", "is it free?")
    | {"what", "whats", "how", "why", "who", "free", "price"}
)
# Reactions that also name a scene: chatter beside other words ("you rock", "this is fire"),
# a prompt alone ("@Bot fire" replying to a campfire photo).
_ALSO_SCENES = frozenset({"look", "looks", "rock", "rocks", "fire", "sick"})
# Words around them, chatter only beside one of the words above: "this is me" and "a man"
# describe something.
_FILLER_WORDS = frozenset(
    {"you", "u", "ya", "so", "very", "much", "many", "a", "lot", "lots", "again", "for", "the"}
    | {"i", "is", "its", "it", "this", "that", "thats", "was", "youre", "ur", "one", "me"}
    | {"video", "videos", "result", "really", "just", "ever", "of", "all", "well"}
    | {"ton", "tons", "bunch", "your", "service", "to", "are", "am", "be", "use", "can"}
    | {"could", "do", "does", "work", "works", "working", "get", "start", "started"}
    | {"anything", "stuff", "things", "cost", "costs", "made", "created"}
    # "thanks a million", "grazie mille", "muito obrigado", "спасибо большое"
    | {"million", "mille", "muito", "большое"}
)
# Who is addressed ("thanks a lot, man").
_ADDRESS_WORDS = frozenset(
    {"bot", "bro", "buddy", "mate", "man", "dude", "guys", "everyone", "everybody", "yall"}
    | {"folks"}
)
# A prompt that starts "a ..." or "an ..." describes something ("a goat", "a beautiful man"),
# unless it is "a lot of thanks".
_INDEFINITE = frozenset({"a", "an"})
_AMOUNTS = frozenset({"lot", "lots", "ton", "tons", "bunch"})
_SURROUNDING = _FILLER_WORDS | _ADDRESS_WORDS
# Who is greeted or thanked, and only then ("thanks team", but "fire team" and "best friends"
# are scenes).
_GREETED = frozenset({"friends", "team", "fam", "squad"})
# Chinese has no spaces between words: these are taken out of a word, longest first, and a
# word with nothing left was only chatter ("谢谢你", "太棒了").
_SIMPLIFIED_PHRASES = (
    {"你好", "您好", "嗨", "哈喽", "帮助", "在吗", "谢谢", "谢了", "多谢", "感谢", "你", "您"}
    | {"大佬", "牛逼", "牛批", "绝了", "可爱", "ありがとうございます", "ございます", "すごい"}
    | {"かわいい", "よろしく", "的视频", "谢谢分享", "谢谢机器人", "卧槽", "哇塞", "绝绝子", "爱了"}
    | {"棒棒哒", "帅", "6", "大家", "各位", "辛苦了", "辛苦"}
    # "beautiful", "perfect", "awesome", "lol", "bro": chatter in English, so in Chinese too
    | {"美", "完美", "棒极了", "极了", "优秀", "给力", "强", "点赞", "笑死我了", "笑死", "妙"}
    | {"哦", "喔", "耶", "yyds", "感谢分享", "谢啦", "兄弟", "老铁", "老师", "收到"}
    # greetings of the day, "testing", "are you there"
    | {"早上好", "下午好", "晚上好", "早安", "晚安", "测试", "在不在"}
    | {"太棒了", "太棒", "棒", "好棒", "好的", "好看", "漂亮", "厉害", "牛", "酷", "赞", "不错"}
    | {
        "哈哈",
        "哈",
        "哇",
        "真",
        "很",
        "非常",
        "太",
        "好",
        "了",
        "啦",
        "啊",
        "呀",
        "吧",
        "呢",
        "的",
    }
)
# The same phrases in Traditional characters, as members in Taiwan or Hong Kong write them.
_TO_TRADITIONAL = str.maketrans(
    "谢帮吗赞错厉机爱帅绝卧哒视频喽极优给强点测试师铁",
    "謝幫嗎讚錯厲機愛帥絕臥噠視頻囉極優給強點測試師鐵",
)
_CHATTER_PHRASES = sorted(
    _SIMPLIFIED_PHRASES | {phrase.translate(_TO_TRADITIONAL) for phrase in _SIMPLIFIED_PHRASES},
    key=len,
    reverse=True,
)
_PHRASE = re.compile("|".join(map(re.escape, _CHATTER_PHRASES)))


def _weight(text: str) -> int:
    return sum(2 if _WIDE.match(char) else 1 for char in text if char.isalnum())


# Laughter however long ("hahahaha", "hehe", "lololol", "lmaooo", "jajaja", "xddd", "hhhh").
_LAUGHTER = re.compile(r"(?:ha)+h?|(?:he)+h?|(?:ja)+|(?:lo)+l|l+o+l+|lm+f*a+o+|x+d+|k{3,}|h{3,}")
# A letter held for effect ("thanksss", "coool"): three or more of it in a row.
_HELD = re.compile(r"(\w)\1{2,}")


def _is_chatter_word(word: str) -> bool:
    if word in _CHATTER_WORDS or not _PHRASE.sub("", word) or _LAUGHTER.fullmatch(word):
        return True
    # Stretched spellings: "coool" is "cool" (two kept), "thanksss" is "thanks" (one kept).
    return any(_HELD.sub(keep, word) in _CHATTER_WORDS for keep in (r"\1\1", r"\1"))


# A question about the bot or a video ("where is my video?", "why didn't it work?", "are you
# an AI?", "how do I make a video?"): it opens with one of these words and ends with "?".
_QUESTION_OPENERS = frozenset(
    {"what", "whats", "where", "wheres", "when", "why", "how", "hows", "who", "whos", "which"}
    | {"is", "isnt", "are", "arent", "am", "was", "wasnt", "were", "do", "dont", "does"}
    | {"doesnt", "did", "didnt", "can", "cant", "could", "will", "wont", "would", "should"}
    | {"has", "hasnt", "have", "havent", "may"}
)
# Openers that never ask for a scene ("why does my video look like this?", "what happens if I
# cancel it?"): what they name decides, whatever verbs follow.
_NEVER_ASKING = frozenset({"why", "where", "wheres", "when"})
_WHAT_HAPPENS = frozenset({"happens", "happened"})
# ... others may ("can you make a cat surf?", "what would this look like at night?", "what if
# cats ruled the world?"): with one of these words, a request worded as a question.
_ASKING_FOR = frozenset(
    {"make", "create", "generate", "film", "animate", "draw", "paint", "show", "same"}
    | {"turn", "produce", "imagine", "depict", "if", "would", "look", "like", "add", "again"}
    | {"redo", "remake", "change", "put"}
)
# Words of the service, never of a scene.
_SERVICE = frozenset(
    {"credits", "quota", "allowance", "error", "errors", "refund", "refunds", "cooldown"}
    | {"refused", "rejected", "refuse"}
)
# Words of the bot, which a scene may hold too ("a robot bot"): counted once nothing asks.
_BOT = frozenset(
    {"bot", "ai", "model", "version", "online", "cost", "costs", "price", "limit", "limits"}
    | {"resolution", "resolutions", "support", "supports", "rules", "charged"}
)
# A video of theirs: "my video", "the cat video", "mine".
_THEIR = frozenset({"my", "the", "your", "our", "its", "this", "that"})
_JOBS = frozenset(
    {"video", "videos", "result", "results", "job", "jobs", "render", "prompt", "prompts"}
    | {"request"}
)
# How one went, said of it near the start ("is it done yet?", "how long does it take?").
_HOW_IT_WENT = frozenset(
    {"done", "ready", "finished", "working", "work", "worked", "broken", "fail", "failed"}
    | {"happened", "wrong", "long", "slow", "stuck", "taking", "take", "yet"}
)
_IT = frozenset({"it", "this", "that", "you", "u", "mine"})
# The status message's own words, echoed ("is it still rendering?"): a scene waits too ("what
# is that dog waiting for?"), so they say how the video went only of "it" or "you", or of
# "this"/"that" standing alone ("is this still queued?"), not of "that dog".
_STATUS_WORDS = frozenset({"rendering", "processing", "queued", "waiting"})
_ITSELF = frozenset({"it", "you", "u", "mine"})
_DEMONSTRATIVES = frozenset({"this", "that"})
_ALONE_AFTER = _STATUS_WORDS | {"still", "is", "one"}
SUBJECT_WITHIN = 4  # "how long does it take?": the subject is the fourth word
# "how do I ...", "how can we ...": how to use the bot, when it is about videos or using it.
_HOW_TO = frozenset({"do", "does", "can", "should"})
_ASKER = frozenset({"i", "we", "you", "u"})
_USING = _JOBS | {"use", "this", "it", "cancel", "delete", "stop", "add", "attach", "upload"}
_USING |= {"image", "images", "photo", "picture", "refund", "change", "get", "turn", "put"}
# "how many videos can I make?", "how long does a video take?": about the service.
_HOW_MUCH = frozenset({"many", "much", "long", "often"})
# "how long is the wait?", "how much time is left?": about the wait its status tells of, when
# the question ends with it and names nothing else ("how long is the queue at the bakery?" and
# "how much cake is left?" are scenes).
_THE_WAIT = frozenset({"wait", "queue", "left"})
_WAIT_FILLER = frozenset({"is", "the", "my", "our", "time", "still", "there", "longer", "more"})
QUESTION_WORDS_ALONE = 3


def _their_video(words: list[str]) -> bool:
    """ "my video", "the dragon video", "my cat video", "mine"."""
    if "mine" in words:
        return True
    return any(
        word in _JOBS and any(earlier in _THEIR for earlier in words[max(0, at - 3) : at])
        for at, word in enumerate(words)
    )


def _how_it_went(words: list[str]) -> bool:
    subject = words[:SUBJECT_WITHIN]
    if any(word in _IT for word in subject) and any(word in _HOW_IT_WENT for word in words):
        return True
    return _the_job_itself(subject) and any(word in _STATUS_WORDS for word in words)


def _the_job_itself(subject: list[str]) -> bool:
    """ "it", "you", or "this"/"that" alone ("is this still queued?"), not "that dog"."""
    return any(
        word in _ITSELF
        or (word in _DEMONSTRATIVES and (at + 1 == len(subject) or subject[at + 1] in _ALONE_AFTER))
        for at, word in enumerate(subject)
    )


def _asks_about_the_wait(asked: list[str]) -> bool:
    """ "(how long) is the wait", "(how much) time is left": the wait ends the question."""
    return bool(asked) and asked[-1] in _THE_WAIT and all(w in _WAIT_FILLER for w in asked[:-1])


def _asks_about_the_bot(words: list[str], prompt: str) -> bool:
    """Whether the prompt is a question about the bot or a video, not a scene to make."""
    if not words or not prompt.rstrip().endswith(("?", "\uff1f")):
        return False
    if words[0] not in _QUESTION_OPENERS:
        return False
    if any(word in _SERVICE for word in words):
        return True
    how_to = len(words) > 2 and words[0] == "how" and words[1] in _HOW_TO
    if how_to and words[2] in _ASKER and any(word in _USING for word in words[3:]):
        return True
    how_much = len(words) > 2 and words[0] == "how" and words[1] in _HOW_MUCH
    if how_much and (
        any(word in _JOBS or word in _IT or word == "i" for word in words[2:])
        or _asks_about_the_wait(words[2:])
    ):
        return True
    never_asking = words[0] in _NEVER_ASKING or (words[1:2] and words[1] in _WHAT_HAPPENS)
    if not never_asking and any(word in _ASKING_FOR for word in words):
        return False
    if _their_video(words) or _how_it_went(words) or any(word in _BOT for word in words):
        return True
    return len(words) <= QUESTION_WORDS_ALONE


def _describes(words: list[str]) -> bool:
    """Whether the prompt starts as a description does: "a goat", not "a lot of thanks"."""
    return len(words) > 1 and words[0] in _INDEFINITE and words[1] not in _AMOUNTS


def is_bare_prompt(prompt: str) -> bool:
    """Whether a mention's or reply's prompt is no real prompt: too short to describe a
    scene, or only greetings, thanks and reactions."""
    text = _MARKUP.sub(" ", prompt)
    if _weight(text) < MIN_PROMPT_WEIGHT:
        return True
    # Letters, digits and single spaces only: punctuation and emoji do not make a scene.
    text = _APOSTROPHES.sub("", text.casefold())
    words = "".join(char if char.isalnum() else " " for char in text).split()
    if _describes(words) or (len(words) == 1 and words[0] in _ALSO_SCENES):
        return False
    if asks_about_itself(words) or asks_about_itself_in_chinese(prompt):
        return True  # "who made you?", "你是谁做的", with or without the question mark
    if _asks_about_the_bot(words, prompt) or asks_in_chinese(prompt):
        return True
    chatter = [_is_chatter_word(word) for word in words]
    greets = any(word in _GREETINGS_AND_THANKS for word in words)
    others = (
        is_chatter or word in _SURROUNDING or (greets and word in _GREETED)
        for is_chatter, word in zip(chatter, words, strict=True)
    )
    # A question made only of such words asks about the bot ("can I use this?").
    return (any(chatter) or prompt.rstrip().endswith(("?", "\uff1f"))) and all(others)
