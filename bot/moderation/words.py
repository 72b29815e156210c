"""Banned words and phrases: case-insensitive, '*' only at the ends, never a raw regex.

Only literal text with optional open ends is accepted, so every compiled pattern matches in
linear time: a moderator cannot (even by mistake) make a prompt check hang the bot.

A prompt is read as a member sees it in Discord: without the markdown that styles it
("go**re**" shows "gore"), the accents and marks drawn over its letters, and with Cyrillic
and Greek letters that look like Latin ones ("gore" with a Cyrillic o, U+043E) and small
capitals ("ɢᴏʀᴇ") read as those, leetspeak read as letters ("g0r3", see `leetspeak`), a
letter stretched ("gooore", "goreeee") read once, and a word spelled out a letter at a time
("g o r e", "G-O-O-R-E") read as the word, but only as a whole word ("C P U" is no "cp").
A phrase's words may be joined by spacing, dashes, emoji and the like, and those of three
letters or more run together ("bloodbath" for "blood bath"); so may the characters of Chinese
and Japanese words, which no space ends ("血 腥", "血腥暴力" for "血腥 暴力"). Letter emoji
("🇬🇴🇷🇪") read as letters. The words quoted back are the prompt's own, as typed.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from bot.invisible import without_hidden
from bot.moderation.leetspeak import leet_readings
from bot.moderation.spaceless import SPACELESS_CLASS, spaceless_script

MAX_PATTERN_LENGTH = 60
WILDCARD = "*"


class BadPattern(ValueError):
    """The text cannot be used as a banned-word pattern."""


class PatternTooLong(BadPattern):
    """The pattern, as compared, has more than `MAX_PATTERN_LENGTH` characters."""

    def __init__(self, text: str, length: int) -> None:
        super().__init__(text)
        self.length = length  # as compared: case and compatibility letters folded ("ß" is "ss")


@dataclass(frozen=True)
class BannedMatch:
    """Which pattern a prompt matched, and the words that matched it."""

    pattern: str
    fragment: str


def _normalise(text: str) -> str:
    # NFKC folds full-width and compatibility letters, casefold folds case (ß -> ss); invisible
    # characters (zero-width spaces, soft hyphens, selectors) would otherwise split a word.
    return without_hidden(unicodedata.normalize("NFKC", text)).casefold()


# Markdown markers: bold, italics, underline, strike-through, spoiler, code. Discord draws none.
_MARKDOWN = frozenset("*_~|`")
# Cyrillic and Greek letters drawn like Latin ones (after casefold), and the small capitals
# fancy-text generators write with, as members use them to write a banned word that looks the
# same (NFKC folds neither). Only these: the rest of both alphabets stays itself.
_LOOK_ALIKES = str.maketrans(
    "аеорсухіјѕкмнтвԁһӏԛԝү"  # Cyrillic
    "οαεικνρτυχ"  # Greek
    "ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘʀꜱᴛᴜᴠᴡʏᴢ",  # small capitals
    "aeopcyxijskmhtbdhlqwyoaeikvptuxabcdefghijklmnoprstuvwyz",
)
# Emoji drawn as the letters A to Z, which NFKC leaves as they are: the regional indicators
# (Discord shows one alone as its letter, and members spell words with them; a flag reads as
# its country's two letters), negative circled and negative squared letters.
_LOOK_ALIKES.update(
    {
        first + offset: ord("a") + offset
        for first in (0x1F1E6, 0x1F150, 0x1F170)
        for offset in range(26)
    }
)


def _is_drawn_over(char: str) -> bool:
    """An accent or mark drawn over or under a letter (U+0332 underlines it): the blocks of
    combining diacritics only, not the marks that make another letter in other scripts (a
    Japanese voicing mark, a Thai or Devanagari vowel)."""
    code = ord(char)
    return (
        0x0300 <= code <= 0x036F
        or 0x1AB0 <= code <= 0x1AFF
        or 0x1DC0 <= code <= 0x1DFF
        or 0x20D0 <= code <= 0x20FF
        or 0xFE20 <= code <= 0xFE2F
    )


@functools.lru_cache(maxsize=4096)
def _as_read(char: str) -> str:
    """One character as it is compared: no case, compatibility form, marks or look-alikes."""
    folded = unicodedata.normalize("NFKD", without_hidden(char).casefold())
    return "".join(c for c in folded if not _is_drawn_over(c)).translate(_LOOK_ALIKES)


def _comparable(text: str) -> str:
    return "".join(_as_read(char) for char in text)


def _readings(prompt: str) -> Iterator[tuple[str, list[int]]]:
    """The prompt as compared, as typed and without markdown markers, each with the index in
    `prompt` each of its characters comes from (to quote the words the member wrote)."""
    pairs = [(read, index) for index, char in enumerate(prompt) for read in _as_read(char)]
    for reading in (pairs, [pair for pair in pairs if pair[0] not in _MARKDOWN]):
        yield "".join(read for read, _ in reading), [index for _, index in reading]


# A letter or digit that continues a word: not `_` (Discord's italics, "_gore_"), nor one of
# the scripts written without spaces, where word boundaries mean nothing, and which a Latin
# word is written right against ("画一个nude女孩").
_WORD_GOES_ON = "[^\\W_" + SPACELESS_CLASS + "]"


def _bounded(char: str) -> bool:
    return char.isalnum() and not spaceless_script(char)


def parse_pattern(text: str) -> str:
    """The canonical form of a moderator's pattern; raises `BadPattern` if unusable."""
    canonical = " ".join(_normalise(text).split())
    core = canonical.strip(WILDCARD).strip()
    if not core or WILDCARD in core or "`" in core:
        raise BadPattern(text)
    if len(canonical) > MAX_PATTERN_LENGTH:
        raise PatternTooLong(text, len(canonical))
    if not _comparable(core).strip():
        raise BadPattern(text)  # only marks: it would match every prompt
    prefix = WILDCARD if canonical.startswith(WILDCARD) else ""
    suffix = WILDCARD if canonical.endswith(WILDCARD) else ""
    return f"{prefix}{core}{suffix}"


def _repeated(char: str, count: int, *, doubled: bool) -> str:
    """A run of `count` of one letter, as a prompt may stretch it ("gooore"): as many or
    more. A single letter written double is not stretched, as English spells words so
    ("good" is no "god"); three or more are. In a word spelled out (`doubled`) a double is."""
    letter = re.escape(char)
    if count > 1 or doubled:
        return f"{letter}{{{count},}}"
    return f"{letter}(?:{letter}{letter}+)?"


Run = tuple[str, int]  # one letter, and how many times in a row


def _runs(text: str) -> list[Run]:
    return [(char, len(list(group))) for char, group in itertools.groupby(text)]


def _run_parts(runs: list[Run], *, open_start: bool, open_end: bool, doubled: bool) -> list[str]:
    """A regex for each run of one letter in a word (or a phrase spelled out), as it may be
    stretched. Each run is followed by another letter, so it backtracks only within itself; an
    open start begins at the start of a run, so no run is tried from each of its letters."""
    parts = [_repeated(char, count, doubled=doubled) for char, count in runs]
    if open_start:  # more of its first letter belongs to what the open start allows
        char, count = runs[0]
        parts[0] = f"(?<!{re.escape(char)}){re.escape(char)}{{{count},}}"
    if open_end and (len(runs) > 1 or not open_start):  # more of its last letter: the open end
        char, count = runs[-1]
        parts[-1] = re.escape(char) * count
    return parts


def _within_word(runs: list[Run], parts: list[str]) -> list[str]:
    """A word's runs in a row; between two where one is of a script written without spaces
    ("血腥"), anything that joins a phrase's words may stand, or nothing ("血 腥", "血-腥"):
    there no space ends a word. It holds no letter, so each run still ends where it did."""
    pieces = parts[:1]
    for (before, _), (after, _), part in zip(runs, runs[1:], parts[1:], strict=False):
        if spaceless_script(before) or spaceless_script(after):
            pieces.append(_MAY_JOIN)
        pieces.append(part)
    return pieces


def _runs_pattern(text: str, *, open_start: bool, open_end: bool, doubled: bool = False) -> str:
    """A regex for one word (or a phrase spelled out): a match is linear in the prompt."""
    runs = _runs(text)
    parts = _run_parts(runs, open_start=open_start, open_end=open_end, doubled=doubled)
    return "".join(_within_word(runs, parts))


# What joins a phrase's words: any spacing, and the marks that join words as they join a word's
# spelled-out letters ("blood-bath", "blood_bath", "blood.bath", "blood/bath", dashes, "~"). Not
# a comma, which parts two thoughts ("red as blood, bath time"), nor a dot that ends a
# sentence (right after a word, a blank after it: "blood. Bath time"); a dot with a blank on
# each side ("blood . bath") ends none. Emoji, symbols and middle dots too, as members put them
# between letters ("blood😀bath", "血·腥"). No letter: matched linearly.
_PICTURES = (
    "\u00b7\u2022\u2027\u30fb"  # middle dots, bullet
    "\u2190-\u21ff\u2300-\u23ff\u2500-\u27bf\u2b00-\u2bff"  # arrows, shapes, symbols, dingbats
    "\U0001f000-\U0001faff"  # emoji
)
_JOINER = rf"[\s_\-/~\u2010-\u2015{_PICTURES}]|\.(?!\s)|(?<=\s)\.(?=\s)"
_BETWEEN_WORDS = f"(?:{_JOINER})+"
_MAY_JOIN = f"(?:{_JOINER})*"
# Words of a phrase this long or longer may also be written as one word ("bloodbath" for
# "blood bath"); shorter ones would make words of their own ("as s" is no "ass").
_RUN_TOGETHER_LENGTH = 3


def _may_run_together(before: str, after: str) -> bool:
    """Whether two words of a phrase are found written as one: both long enough, or where they
    meet a script written without spaces ("血腥 暴力" is written "血腥暴力")."""
    if spaceless_script(before[-1]) or spaceless_script(after[0]):
        return True
    return min(len(before), len(after)) >= _RUN_TOGETHER_LENGTH


def _phrase_pattern(words: list[str], *, open_start: bool, open_end: bool) -> str:
    """A regex for a phrase's words, joined, or run together where they may be. Where two meet
    in one letter ("bad dog"), the run of it is matched either as two runs with a join between
    them, or as one run of both ("baddog"): never split between them every way it could be,
    which would be quadratic in the run."""
    last = len(words) - 1
    pieces: list[str] = []  # a regex for each run, each join between them
    previous: list[Run] = []
    for at, word in enumerate(words):
        runs = _runs(word)
        parts = _run_parts(
            runs, open_start=open_start and at == 0, open_end=open_end and at == last, doubled=False
        )
        if at and not _may_run_together(words[at - 1], word):
            pieces.append(_BETWEEN_WORDS)
        elif at and previous[-1][0] != runs[0][0]:
            pieces.append(_MAY_JOIN)
        elif at and len(previous) > 1 and len(runs) > 1:  # neither run is a word's open end
            char, count = runs[0]
            both = f"{re.escape(char)}{{{previous[-1][1] + count},}}"
            pieces[-1] = f"(?:{pieces[-1]}{_BETWEEN_WORDS}{parts[0]}|{both})"
            runs, parts = runs[1:], parts[1:]
        elif at:  # a word of one letter run ("zzz"): joined only
            pieces.append(_BETWEEN_WORDS)
        pieces += _within_word(runs, parts) if runs else []
        previous = _runs(word)
    return "".join(pieces)


def _compile(pattern: str, *, spelled: bool) -> re.Pattern[str]:
    # Compared as prompts are: a pattern is stored as the moderator typed it ("café").
    words = [word for word in map(_comparable, pattern.strip(WILDCARD).split(" ")) if word]
    if not words:
        return re.compile(r"(?!)")  # a pattern of marks alone, stored before they were refused
    core = " ".join(words)
    open_start = pattern.startswith(WILDCARD) or not _bounded(core[0])
    open_end = pattern.endswith(WILDCARD) or not _bounded(core[-1])
    if spelled:  # a phrase's letters run on, its spaces gone
        body = _runs_pattern("".join(words), open_start=open_start, open_end=open_end, doubled=True)
    else:
        body = _phrase_pattern(words, open_start=open_start, open_end=open_end)
    left = "" if open_start else f"(?<!{_WORD_GOES_ON})"
    right = "" if open_end else f"(?!{_WORD_GOES_ON})"
    return re.compile(left + body + right, re.IGNORECASE)


@functools.lru_cache(maxsize=2048)
def compile_pattern(pattern: str) -> re.Pattern[str]:
    """A regex for a canonical pattern: whole words unless an end is open with '*'."""
    return _compile(pattern, spelled=False)


# A word spelled out a letter at a time ("g o r e", "g.o.r.e", "血 腥"): two or more single
# letters in a row, each apart from the next by a few characters that are no letter. Letters
# and separators never overlap, so it matches in linear time.
_SPELLED_OUT = re.compile(r"(?<![^\W_])[^\W_](?:[\W_]{1,3}[^\W_]){1,}(?![^\W_])")


def _spelled_out(text: str, origin: list[int]) -> Iterator[tuple[str, list[int]]]:
    """Each run of single letters in a reading, as the word its letters make (with where in
    the prompt each comes from)."""
    for run in _SPELLED_OUT.finditer(text):
        letters = [
            (char, origin[index])
            for index, char in enumerate(run.group(), start=run.start())
            if char.isalnum()
        ]
        yield "".join(char for char, _ in letters), [index for _, index in letters]


# One-letter words that may stand before a word spelled out ("draw a g o r e scene").
_ONE_LETTER_WORDS = frozenset("ai")


def _spelled_words(run: str, origin: list[int]) -> Iterator[tuple[str, list[int]]]:
    """The word a run of single letters spells, and the word after a one-letter word
    before it ("a g o r e" is "a gore"); each with its leetspeak read ("g 0 r 3")."""
    words = [(run, origin)]
    if len(run) > 2 and run[0] in _ONE_LETTER_WORDS:
        words.append((run[1:], origin[1:]))
    for word, where in words:
        yield word, where
        for read in leet_readings(word):
            yield read, where


@functools.lru_cache(maxsize=2048)
def _compile_spelled(pattern: str) -> re.Pattern[str]:
    """A pattern as found in a word spelled out: the whole word its letters make (so "cp" is
    not found in "C P U"), a phrase's without its spaces, any letter doubled or more."""
    return _compile(pattern, spelled=True)


def _distinct(readings: Iterator[tuple[str, list[int]]]) -> list[tuple[str, list[int]]]:
    seen: dict[str, list[int]] = {}
    for text, origin in readings:
        seen.setdefault(text, origin)
    return list(seen.items())


def find_banned(prompt: str, patterns: tuple[str, ...]) -> BannedMatch | None:
    """The first pattern the prompt contains, or None."""
    readings = _distinct(_readings(prompt))
    written = _distinct(
        reading
        for text, origin in readings
        for reading in [(text, origin), *((read, origin) for read in leet_readings(text))]
    )
    spelled = _distinct(
        word
        for text, origin in readings
        for run, where in _spelled_out(text, origin)
        for word in _spelled_words(run, where)
    )
    for pattern in patterns:
        for texts, compiled in ((written, compile_pattern), (spelled, _compile_spelled)):
            for text, origin in texts:
                found = compiled(pattern).search(text)
                if found is not None and found.end() > found.start():
                    start, end = origin[found.start()], origin[found.end() - 1] + 1
                    return BannedMatch(pattern, prompt[start:end])
    return None
