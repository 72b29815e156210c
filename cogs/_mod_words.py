"""`/videomod words`: words and phrases refused in prompts."""

from __future__ import annotations

from discord import app_commands

from bot.i18n import Message, msg
from bot.moderation.report import words_lines
from bot.moderation.words import MAX_PATTERN_LENGTH, BadPattern, PatternTooLong, parse_pattern
from bot.text import CODE_CHARS, code
from cogs._answers import answer_privately
from cogs._private import show_privately
from cogs._videomod import WORDS, Interaction, ModerationCommands


def _too_long(pattern: str, length: int) -> Message:
    """Why a word is too long: Discord stops one typed past the limit, so one within it grew
    when folded (what the filter compares: "ß" reads "ss"), and the answer says so."""
    quoted = code(pattern, CODE_CHARS)
    if len(pattern) > MAX_PATTERN_LENGTH:
        return msg("mod_word_too_long", pattern=quoted, limit=MAX_PATTERN_LENGTH)
    return msg("mod_word_too_long_folded", pattern=quoted, length=length, limit=MAX_PATTERN_LENGTH)


class WordCommands(ModerationCommands):
    """`/videomod words add`, `remove` and `list`."""

    @WORDS.command(name="add", description="Refuse prompts containing a word or phrase")
    @app_commands.describe(pattern="A word or phrase; * at the start or end matches more")
    async def words_add(
        self, interaction: Interaction, pattern: app_commands.Range[str, 1, MAX_PATTERN_LENGTH]
    ) -> None:
        """Ban a word or phrase; matching ignores case, and `*` opens an end (`gor*`)."""
        try:
            canonical = parse_pattern(pattern)
        except PatternTooLong as error:
            await answer_privately(interaction, _too_long(pattern, error.length))
            return
        except BadPattern:
            await answer_privately(
                interaction,
                msg("mod_bad_pattern", pattern=code(pattern, CODE_CHARS), limit=MAX_PATTERN_LENGTH),
            )
            return
        change = await self.bot.moderation.store.add_banned(self._actor(interaction), canonical)
        await self._changed(interaction, change, msg("mod_word_exists", pattern=canonical))

    @WORDS.command(name="remove", description="Allow a banned word or phrase again")
    @app_commands.describe(pattern="The word or phrase, as listed")
    async def words_remove(
        self, interaction: Interaction, pattern: app_commands.Range[str, 1, MAX_PATTERN_LENGTH]
    ) -> None:
        """Unban a word."""
        try:
            canonical = parse_pattern(pattern)
        except BadPattern:
            canonical = pattern
        change = await self.bot.moderation.store.remove_banned(self._actor(interaction), canonical)
        await self._changed(
            interaction, change, msg("mod_word_missing", pattern=code(canonical, CODE_CHARS))
        )

    @WORDS.command(name="list", description="Show the banned words and phrases")
    async def words_list(self, interaction: Interaction) -> None:
        """The list, privately."""
        patterns = await self.bot.moderation.store.banned_patterns(
            self._actor(interaction).guild_id
        )
        await show_privately(interaction, words_lines(patterns))
