"""Messages in the member's language: English and Simplified Chinese, English by default."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from bot.locales import AREAS

Language = Literal["en", "zh"]
DEFAULT_LANGUAGE: Language = "en"


def _merge(attribute: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    for area in AREAS:
        part: dict[str, str] = getattr(area, attribute)
        clash = merged.keys() & part.keys()
        if clash:
            raise RuntimeError(f"message keys defined twice: {sorted(clash)}")
        merged.update(part)
    return merged


CATALOGS: Mapping[Language, Mapping[str, str]] = {"en": _merge("EN"), "zh": _merge("ZH")}


def language_for(locale: str | None) -> Language:
    """The catalog for a Discord locale such as 'zh-CN'; anything else reads English."""
    if locale and locale.lower().startswith("zh"):
        return "zh"
    return DEFAULT_LANGUAGE


def t(key: str, locale: str | None, /, **values: object) -> str:
    """Render one catalog sentence; nested `Message` values render in the same language."""
    catalog = CATALOGS[language_for(locale)]
    template = catalog.get(key) or CATALOGS[DEFAULT_LANGUAGE][key]
    rendered = {
        name: value.render(locale) if isinstance(value, Message) else value
        for name, value in values.items()
    }
    return template.format(**rendered)


@dataclass(frozen=True)
class Message:
    """A sentence chosen by the core and rendered in the reader's language at the edge."""

    key: str
    values: Mapping[str, object] = field(default_factory=dict)

    def render(self, locale: str | None) -> str:
        """The sentence in the language of `locale`."""
        return t(self.key, locale, **self.values)


def msg(key: str, /, **values: object) -> Message:
    """Shorthand for a `Message`."""
    return Message(key, values)
