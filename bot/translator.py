"""Slash commands in the member's language: Discord shows the localized names we sync."""

from __future__ import annotations

from discord import Locale, app_commands

from bot.i18n import COMMAND_TEXTS, language_for


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
        return COMMAND_TEXTS[language_for(locale.value)].get(string.message)
