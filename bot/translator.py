"""Slash commands in the member's language: Discord shows the localized names we sync."""

from __future__ import annotations

from discord import Locale, app_commands

from bot.i18n import language_for
from bot.locales.commands import ZH_COMMANDS


class CommandTranslator(app_commands.Translator):
    """Chinese for Chinese clients; every other locale sees the English in the code."""

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        """The Chinese text for `string`, or None to keep the English."""
        if language_for(locale.value) != "zh":
            return None
        return ZH_COMMANDS.get(string.message)
