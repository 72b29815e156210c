"""Slash commands in the member's language: Discord shows the localized names we sync."""

from __future__ import annotations

from collections.abc import Mapping

from discord import Locale, app_commands

from bot.i18n import COMMAND_TEXTS, language_for

# Each locale's table, found once: a command sync asks for every string in every one of
# Discord's locales (some 13,000 calls a start: the digest, whose payload the sync then sends).
_TEXTS_OF: Mapping[Locale, Mapping[str, str]] = {
    locale: COMMAND_TEXTS[language_for(locale.value)] for locale in Locale
}


class CommandTranslator(app_commands.Translator):
    """Simplified Chinese for zh-CN clients, Traditional for zh-TW; every other locale sees
    the English in the code."""

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        """The Chinese text for `string`, or None to keep the English."""
        texts = _TEXTS_OF.get(locale)
        if texts is None:  # a locale newer than this discord.py's list
            texts = COMMAND_TEXTS[language_for(locale.value)]
        return texts.get(string.message)
