"""Messages in the member's language: English, Simplified and Traditional Chinese, English by
default.

Simplified Chinese clients (`zh-CN`) read Simplified Chinese; Traditional Chinese clients
(`zh-TW`, Taiwan and Hong Kong) read Traditional Chinese with Taiwan wording (影片, 伺服器, 訊息,
設定); every other language reads English.

Catalog sentences may name commands and options as `{/videos status}` or `{opt_duration}`:
these blanks are filled from the same table Discord shows the commands with
(`bot.locales.commands`), so a Chinese sentence names `/我的视频 状态` and `时长` (or
`/我的影片 狀態` and `時長`) exactly as the member's client does, and the two cannot drift apart.

Once Discord has told the bot its commands' ids (`use_command_ids`), English sentences name
commands as clickable mentions (`</videos status:123>`). Chinese ones keep the Chinese names:
Discord shows a mention by the name written in it, never localized, and a mention written with
a localized name does nothing when clicked (discord/discord-api-docs#5518, #5632).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from bot.locales import AREAS
from bot.locales.commands import COMMAND_PATHS, OPTION_NAMES, ZH_COMMANDS, ZH_TW_COMMANDS
from bot.text import Quoted, ends_its_sentence

# "zh" is Simplified Chinese, "zh-TW" Traditional Chinese with Taiwan wording.
Language = Literal["en", "zh", "zh-TW"]
DEFAULT_LANGUAGE: Language = "en"
# English plural forms are written "one|other" in the catalog; Chinese has one form.
PLURAL_SEPARATOR = "|"
_LIST_SEPARATOR: Mapping[Language, str] = {"en": ", ", "zh": "、", "zh-TW": "、"}
# The word before a list's last item: "a, b and c", "a、b和c"; "or" for alternatives.
_LAST_JOINS: Mapping[str, Mapping[Language, str]] = {
    "and": {"en": " and ", "zh": "和", "zh-TW": "和"},
    "or": {"en": " or ", "zh": "或", "zh-TW": "或"},
}
# Between whole sentences: Chinese ones end with a full stop that needs no blank after it.
_SENTENCE_SEPARATOR: Mapping[Language, str] = {"en": " ", "zh": "", "zh-TW": ""}


def _merge(attribute: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    for area in AREAS:
        part: dict[str, str] = getattr(area, attribute)
        clash = merged.keys() & part.keys()
        if clash:
            raise RuntimeError(f"message keys defined twice: {sorted(clash)}")
        merged.update(part)
    return merged


CATALOGS: Mapping[Language, Mapping[str, str]] = {
    "en": _merge("EN"),
    "zh": _merge("ZH"),
    "zh-TW": _merge("ZH_TW"),
}
# Commands, options and choices as each language's client shows them, keyed by the English.
COMMAND_TEXTS: Mapping[Language, Mapping[str, str]] = {
    "en": {},
    "zh": ZH_COMMANDS,
    "zh-TW": ZH_TW_COMMANDS,
}
_LANGUAGES: Mapping[str, Language] = {"zh-cn": "zh", "zh": "zh", "zh-tw": "zh-TW"}


def language_for(locale: str | None) -> Language:
    """The catalog for a Discord locale: Simplified Chinese for 'zh-CN', Traditional for
    'zh-TW'; anything else reads English."""
    return _LANGUAGES.get((locale or "").lower(), DEFAULT_LANGUAGE)


_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_KANA = re.compile(r"[\u3040-\u30ff]")


def locale_written(text: str) -> str:
    """The locale a message's words are written in, where nothing else tells (a DM has no
    server language): Chinese characters without Japanese kana read Chinese, Traditional
    (zh-TW) where more are Traditional-only than Simplified-only."""
    han = _HAN.findall(text)
    if not han or _KANA.search(text):
        return "en-US"
    traditional = sum(only_in(char, "big5", "gb2312") for char in han)
    simplified = sum(only_in(char, "gb2312", "big5") for char in han)
    return "zh-TW" if traditional > simplified else "zh-CN"


def only_in(char: str, charset: str, other: str) -> bool:
    """Whether a character has a code in one Chinese charset and not the other."""
    return _encodes(char, charset) and not _encodes(char, other)


def _encodes(char: str, charset: str) -> bool:
    try:
        char.encode(charset)
    except UnicodeEncodeError:
        return False
    return True


def _name(english: str, language: Language) -> str:
    return COMMAND_TEXTS[language].get(english, english)


def _command_in(language: Language, path: str) -> str:
    return "/" + " ".join(_name(part, language) for part in path.split())


def command_name(locale: str | None, path: str) -> str:
    """A command as the member's client shows it: '/videos status', '/我的视频 状态' or
    '/我的影片 狀態'."""
    return _command_in(language_for(locale), path)


def _names(language: Language) -> dict[str, str]:
    names = {f"/{path}": _command_in(language, path) for path in COMMAND_PATHS}
    names.update({f"opt_{option}": _name(option, language) for option in OPTION_NAMES})
    return names


_NAMES: Mapping[Language, Mapping[str, str]] = {
    language: _names(language) for language in COMMAND_TEXTS
}


# Commands that can be used as written (not a group of subcommands): the ones a mention opens.
_LEAF_PATHS = frozenset(
    path
    for path in COMMAND_PATHS
    if not any(other.startswith(f"{path} ") for other in COMMAND_PATHS)
)
# A blank set in code (`{/videos help}`): a mention must not be, or it shows as raw text.
_COMMAND_IN_CODE = re.compile(r"`(\{/([a-z ]+)\})`")


@dataclass(frozen=True)
class _Mentions:
    """English sentences and blanks with commands as mentions, built once per set of ids."""

    names: Mapping[str, str]
    templates: Mapping[str, str]


# None until the commands' ids are known (see `use_command_ids`): plain names meanwhile.
_mentions: _Mentions | None = None


def use_command_ids(ids: Mapping[str, int]) -> None:
    """Name commands as clickable mentions in English sentences from now on: `ids` holds the
    id Discord gave each top-level command, by name (empty: back to plain names)."""
    global _mentions
    mentions = {
        f"/{path}": f"</{path}:{ids[path.split()[0]]}>"
        for path in _LEAF_PATHS
        if path.split()[0] in ids
    }
    if not mentions:
        _mentions = None
        return

    def unquoted(found: re.Match[str]) -> str:
        return found[1] if f"/{found[2]}" in mentions else found[0]

    _mentions = _Mentions(
        names={**_NAMES["en"], **mentions},
        templates={
            key: _COMMAND_IN_CODE.sub(unquoted, template)
            for key, template in CATALOGS["en"].items()
        },
    )


def t(key: str, locale: str | None, /, **values: object) -> str:
    """Render one catalog sentence; nested `Message`, `Plural` and `Listed` values follow it."""
    language = language_for(locale)
    catalog = CATALOGS[language]
    rendered = {
        name: value.render(locale)
        if isinstance(value, Message | Plural | Listed | Sentences)
        else value
        for name, value in values.items()
    }
    if language == "en" and _mentions is not None:
        text = _mentions.templates[key].format(**_mentions.names, **rendered)
    else:
        template = catalog.get(key) or CATALOGS[DEFAULT_LANGUAGE][key]
        text = template.format(**_NAMES[language], **rendered)
    return _without_doubled_stops(text, values.values())


def _without_doubled_stops(text: str, values: Iterable[object]) -> str:
    """A quoted "...?" is not followed by our full stop too ("...?.")."""
    for value in values:
        if isinstance(value, Quoted) and ends_its_sentence(shown := str(value)):
            text = text.replace(f"{shown}.", shown).replace(f"{shown}\u3002", shown)
    return text


@dataclass(frozen=True)
class Message:
    """A sentence chosen by the core and rendered in the reader's language at the edge."""

    key: str
    values: Mapping[str, object] = field(default_factory=dict)

    def render(self, locale: str | None) -> str:
        """The sentence in the language of `locale`."""
        return t(self.key, locale, **self.values)


@dataclass(frozen=True)
class Plural:
    """A counted phrase, '1 video' / '2 videos' / '2 个视频', chosen by the count."""

    key: str
    count: int

    def render(self, locale: str | None) -> str:
        """English picks 'one' for exactly 1, else 'other'; Chinese has a single form."""
        forms = t(self.key, locale, count=self.count).split(PLURAL_SEPARATOR)
        return forms[0] if self.count == 1 or len(forms) == 1 else forms[1]


@dataclass(frozen=True)
class Listed:
    """Several phrases as one list: 'a, b' in English, 'a、b' in Chinese; with `last` ("and"
    or "or"), 'a, b and c', 'a、b和c'. A plain string (a mention, a quoted word) reads the same
    in every language."""

    items: Sequence[Message | Plural | str]
    last: Literal["and", "or"] | None = None

    def render(self, locale: str | None) -> str:
        """The items in the reader's language, joined the way that language does."""
        language = language_for(locale)
        shown = [item if isinstance(item, str) else item.render(locale) for item in self.items]
        separator = _LIST_SEPARATOR[language]
        if self.last is None or len(shown) < 2:
            return separator.join(shown)
        return separator.join(shown[:-1]) + _LAST_JOINS[self.last][language] + shown[-1]


@dataclass(frozen=True)
class Sentences:
    """Several sentences as one paragraph, spaced the way the reader's language does."""

    items: Sequence[Message]

    def render(self, locale: str | None) -> str:
        """The sentences in the reader's language, one after another."""
        separator = _SENTENCE_SEPARATOR[language_for(locale)]
        return separator.join(item.render(locale) for item in self.items)


def msg(key: str, /, **values: object) -> Message:
    """Shorthand for a `Message`."""
    return Message(key, values)


def plural(key: str, count: int) -> Plural:
    """Shorthand for a `Plural`: `plural("count_videos", 3)` reads '3 videos' / '3 个视频'."""
    return Plural(key, count)


def elapsed(seconds: float) -> Message:
    """A span of time as people say it: '9 s', '2m 05s', '1h 02m' / '9 秒', '2 分 05 秒',
    '1 小时 02 分' (past an hour the seconds no longer matter)."""
    total = max(0, round(seconds))
    if total < 60:
        return msg("seconds_value", seconds=total)
    minutes, rest = divmod(total, 60)
    if minutes < 60:
        return msg("render_time_value", minutes=minutes, seconds=f"{rest:02d}")
    hours, minutes = divmod(minutes, 60)
    return msg("render_time_hours_value", hours=hours, minutes=f"{minutes:02d}")
