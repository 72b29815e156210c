"""Text the bot sends: Discord's limits, and member text made safe and cut to fit them.

Whatever a member (or the API, or a moderator) wrote is shown through `quote` or `preview`:
markdown shows as typed, a masked link `[text](url)` is not a link, a bare link brings no
preview card, and the text is cut *after* escaping, so a cut never leaves half an escape, a
mention, a link or a timestamp. Short tokens shown in a code span (a flag value, a file name,
a banned word) go through `code` instead, and text where Discord renders no markdown (labels,
choice names) through `one_line`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import discord
from discord.utils import escape_markdown

# Member text never pings: every message that may echo it is sent with this.
NO_MENTIONS = discord.AllowedMentions.none()

# Discord's limits, in characters.
MESSAGE_CONTENT = 2000
EMBED_TITLE = 256
MODAL_TITLE = 45
CHOICE_NAME = 100  # an autocomplete choice

# How much member text is shown, counted after escaping.
PROMPT_PREVIEW_CHARS = 300  # the status message, the result card, the mod-log
LINE_PROMPT_CHARS = 50  # one line of a list: history, /videomod jobs, autocomplete
REASON_CHARS = 300  # an API error or a moderator's reason
LINE_REASON_CHARS = 50  # a moderator's reason in one line of a list: /videomod limits show
CODE_CHARS = 100  # a token in a code span: a flag value, a file name, a banned word
NAME_CHARS = 100  # a server's name in a sentence (Discord allows 100 before escaping)

ELLIPSIS = "…"
# `<@1>`, `<#1>`, `<t:1:R>`, `<:emoji:1>`, `</cmd sub:1>`, `<https://…>`: cut before, never
# inside (a command mention may hold spaces: `</videomod words list:1>`).
# A link in `<...>` may be as long as a prompt.
_ANGLE_TOKEN = re.compile(r"<(?:/[a-z0-9_ -]{1,100}:\d+|[^<>\s]{1,2000})>")
# A link Discord would make of bare text and unfurl into a preview card under the message (as
# `escape_markdown` finds it, so what it leaves unescaped is what is wrapped), unless it is
# already in `<...>`: only a `<` closed by `>` right after the link keeps the card away (a
# `<https://…` left open, or closed after a blank, is unfurled all the same).
_BARE_LINK = re.compile(
    r"(?P<quiet><(?:https?|steam)://[^\s<>]+>)|\b(?:https?|steam)://[^\s<>]*[^<>.,:;\"'\]\s]",
    re.IGNORECASE,
)


def escape(text: str) -> str:
    """Markdown shown as typed, masked links neutralised (`](` is what makes one), and bare
    links put in `<...>`: still links, but with no preview card of someone else's choosing
    under the bot's message (and no markdown left unescaped inside them).

    Escaped piece by piece between each `](`: `escape_markdown` takes a whole `[x](y) ... )`
    span for one link and escapes nothing inside it (a `**bold**` there would show bold).
    """
    escaped = "]\\(".join(escape_markdown(piece) for piece in text.split("]("))
    return _BARE_LINK.sub(_without_preview, escaped)


def _without_preview(found: re.Match[str]) -> str:
    """A bare link in `<...>`, a closing parenthesis it did not open left after it; one
    already in `<...>` as it is."""
    link = found.group()
    if found.group("quiet") is not None:
        return link
    kept = len(link)
    while link[:kept].endswith(")") and link.count(")", 0, kept) > link.count("(", 0, kept):
        kept -= 1
    return f"<{link[:kept]}>{link[kept:]}"


def _joins_the_one_before(char: str) -> bool:
    """A code point drawn as part of the character before it: a combining mark (accents,
    vowel signs, variation selectors, a keycap), a zero-width joiner, a skin tone, a flag's
    tag, or a Hangul vowel or final consonant written as a jamo."""
    code = ord(char)
    return (
        unicodedata.category(char).startswith("M")
        or char == "\u200d"
        or 0x1F3FB <= code <= 0x1F3FF  # skin tones
        or 0xE0020 <= code <= 0xE007F  # tags (the flags of Scotland, Wales, England)
        or 0x1160 <= code <= 0x11FF  # Hangul jamo vowels and final consonants
        or 0xD7B0 <= code <= 0xD7FF
    )


def _regional(char: str) -> bool:
    """Half of a flag: a regional indicator letter."""
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def _character_start(text: str, index: int) -> int:
    """The nearest place at or before `index` where a character as a reader sees it starts:
    not inside an emoji sequence, a flag's pair of letters or a letter with its marks (Unicode's
    grapheme clusters, near enough for a cut)."""
    while 0 < index < len(text):
        before, after = text[index - 1], text[index]
        if _joins_the_one_before(after) or before == "\u200d" or before + after == "\r\n":
            index -= 1
            continue
        if _regional(before) and _regional(after):
            run = index - 1
            while run > 0 and _regional(text[run - 1]):
                run -= 1
            if (index - run) % 2:  # the first letter of a pair kept without its second
                index -= 1
                continue
        break
    return index


def fit(text: str, limit: int) -> str:
    """Cut to `limit` characters with an ellipsis; never inside an escape, a `<…>` token or a
    character made of several code points (an emoji sequence, a letter and its accent)."""
    if len(text) <= limit:
        return text
    head = text[: _character_start(text, limit - len(ELLIPSIS))]
    opening = head.rfind("<")
    if opening != -1:
        token = _ANGLE_TOKEN.match(text, opening)
        if token is not None and token.end() > len(head):
            head = head[:opening]
    head = head.rstrip()
    if (len(head) - len(head.rstrip("\\"))) % 2:
        head = head[:-1]  # the first half of an escape such as `\*`
    return head + ELLIPSIS


def quote(text: str, limit: int) -> str:
    """Someone else's text, shown inert and cut to `limit` characters."""
    return fit(escape(_head(text, limit)), limit)


# How far past `limit` a quoted text's kept head ends, at least.
_HEAD_MARGIN = 8


def _head(text: str, limit: int) -> str:
    """As much of `text` as its quote to `limit` characters depends on: escaping a 2,000
    character prompt to show 50 of them costs half a millisecond, a thousand history lines half
    a second of the event loop. Escaping only lengthens, and every pattern it and `fit` match
    stops at a space (a link, a `<…>` token) or spans a few characters (`> `, `-`): so the
    text is cut at a space past the limit and a margin, unless a `<` before it is still open
    (a command mention holds spaces)."""
    cut = text.find(" ", limit + _HEAD_MARGIN)
    if cut == -1 or text.rfind("<", 0, cut) > text.rfind(">", 0, cut):
        return text
    return text[:cut]


def preview(text: str, limit: int) -> str:
    """Like `quote`, on one line."""
    return quote(" ".join(text.split()), limit)


def one_line(text: str, limit: int) -> str:
    """For places without markdown (labels, choice names): one line, cut to `limit`."""
    return fit(" ".join(text.split()), limit)


def code(text: str, limit: int) -> str:
    """A token for inside a code span: one line, no backtick (it would end the span), cut."""
    return one_line(text.replace("`", "'"), limit)


def code_block(text: str, limit: int) -> str:
    """Text shown as typed, to copy: a code block it cannot end early, cut to `limit`."""
    shown = fit(text.replace("```", "'''"), limit)
    return f"```\n{shown}\n```"


def join_lines(lines: Sequence[str], limit: int, more: Callable[[int], str]) -> str:
    """Whole lines while they fit in `limit`; `more(n)` then says how many were left out."""
    text = "\n".join(lines)
    if len(text) <= limit:
        return text
    for kept in range(len(lines) - 1, 0, -1):
        text = "\n".join([*lines[:kept], more(len(lines) - kept)])
        if len(text) <= limit:
            return text
    return fit(text, limit)


def page_of(lines: Sequence[str], number: int, most: int, limit: int) -> tuple[list[str], int]:
    """Page `number` (from 1) of `lines` cut into pages of whole lines, at most `most` lines
    and `limit` characters each (a line longer than a page alone is cut to fit), and how many
    pages `lines` fill. Every line is on one page: a page cut short by "…and N more" would
    leave those N on none."""
    pages: list[list[str]] = []
    size = 0
    for line in lines:
        shown = fit(line, limit)
        if not pages or len(pages[-1]) == most or size + 1 + len(shown) > limit:
            pages.append([])
            size = -1
        pages[-1].append(shown)
        size += 1 + len(shown)
    return (pages[number - 1] if number <= len(pages) else []), len(pages)


def page_text(
    lines: Sequence[str],
    number: int,
    *,
    most: int,
    last: int,
    title: Callable[[int], str | None],
    onward: Callable[[int], str],
) -> tuple[str | None, int]:
    """Page `number` of `lines` as one message (`page_of`): `title(number)` first (None: no
    title), then `onward(number + 1)` when more follow, how to read them (`onward` says what
    stands past `last`, the last page that may be asked for); and how many pages there are.
    None for a page past the end. Every page leaves room for the longest title and last line
    (page `last`'s), so a page holds the same lines whichever is asked for."""
    framing = [title(last), max(onward(last), onward(last + 1), key=len)]
    room = MESSAGE_CONTENT - sum(len(line) + 1 for line in framing if line is not None)
    shown, pages = page_of(lines, number, most, room)
    if not shown:
        return None, pages
    heading = title(number)
    text = [*([heading] if heading is not None else []), *shown]
    if pages > number:
        text.append(onward(number + 1))
    return "\n".join(text), pages


# Marks that end a quoted sentence by themselves: "?" and "!", half and full width, and the
# ellipsis that marks a cut.
_OWN_SENTENCE_ENDS = ("?", "!", "\uff1f", "\uff01", "\u2026")


def ends_its_sentence(shown: str) -> bool:
    """Whether quoted text, as shown, ends its sentence itself (ours then adds no full stop)."""
    return shown.rstrip().endswith(_OWN_SENTENCE_ENDS)


@dataclass(frozen=True)
class Quoted:
    """Someone else's text as a catalog value: rendered by `quote` wherever it is shown."""

    text: str
    limit: int = REASON_CHARS

    def __str__(self) -> str:
        return quote(self.text, self.limit)


def quoted_sentence(text: str) -> Quoted | None:
    """Someone else's sentence quoted inside ours, which brings its own full stop; None when
    it says nothing but punctuation ("...", "。"): quoted, that reads "refused: ."."""
    said = text.rstrip().rstrip(".\u3002").rstrip()
    return Quoted(said) if any(char.isalnum() for char in said) else None


# Credits are written, and a moderator's amounts kept, to this many decimals.
CREDIT_DECIMALS = 2


def credits_number(value: float) -> str:
    """Credits as people write them: 4, 2.5, 0.05, 1234567 (`:g` would say 1.23457e+06)."""
    return f"{value:.{CREDIT_DECIMALS}f}".rstrip("0").rstrip(".")


def credits_as_written(value: float) -> float:
    """An amount a moderator gave, as `credits_number` writes it: what they read back is what
    is kept (0.004 reads "0": the commands refuse it rather than keep 0, which turns off)."""
    return round(value, CREDIT_DECIMALS)


def resolution_label(resolution: str) -> str:
    """A resolution as members read it everywhere: '720p', '1080p', '4K' (APIMart says '4k')."""
    return resolution.replace("k", "K")
