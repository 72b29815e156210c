"""`/videomod words`: words and phrases refused in prompts."""

from __future__ import annotations

from discord import app_commands

from bot.i18n import Message, msg
from bot.moderation.report import words_lines
from bot.moderation.words import MAX_PATTERN_LENGTH, BadPattern, PatternTooLong, parse_pattern
from bot.text import CODE_CHARS, code, page_text
from cogs._answers import answer_privately, send_privately
from cogs._videomod import WORDS, Interaction, ModerationCommands

# The last page of `/videomod words list` that may be asked for (a hundred words and more each).
WORDS_PAGES = 100


def words_page(patterns: list[str], page: int, locale: str) -> str:
    """Page `page` of the banned words: whole words while they fit, then how to read the next
    page, so that every word is on one (and can be read to be removed)."""
    first, *items = [line.render(locale) for line in words_lines(patterns)]
    if not items:
        return first  # none yet

    def title(number: int) -> str:
        if number == 1:
            return first
        return msg("mod_words_list_page", count=len(patterns), page=number).render(locale)

    text, pages = page_text(
        items,
        page,
        most=len(items),
        last=WORDS_PAGES,
        title=title,
        onward=lambda number: _more(number).render(locale),
    )
    if text is None:
        return msg("mod_usage_no_page", page=page, last=pages).render(locale)
    return text


def _more(page: int) -> Message:
    """The last line, when more words are on page `page`: how to read them (past the last page
    that may be asked for, that they are not listed, and how one is removed all the same)."""
    if page > WORDS_PAGES:
        return msg("mod_words_beyond", last=WORDS_PAGES)
    return msg("mod_words_more", next=page)


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
    @app_commands.describe(page="1 for the first words, 2 for the next ones, and so on")
    async def words_list(
        self, interaction: Interaction, page: app_commands.Range[int, 1, WORDS_PAGES] = 1
    ) -> None:
        """The list, privately, a page at a time."""
        patterns = await self.bot.moderation.store.banned_patterns(
            self._actor(interaction).guild_id
        )
        await send_privately(interaction, words_page(patterns, page, str(interaction.locale)))
