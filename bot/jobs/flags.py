"""Reading options such as `--duration 8 --ar 9:16` out of a message; the rest is the prompt."""

from __future__ import annotations

import dataclasses
import itertools
import re
import unicodedata
from collections.abc import Callable, Mapping
from typing import TypeVar

from bot.apimart.models import ASPECT_RATIOS, DURATIONS, RESOLUTIONS
from bot.i18n import Listed, Message, Sentences, msg
from bot.invisible import has_visible
from bot.jobs.models import JobRefused
from bot.jobs.validation import VideoOptions, generation_mode
from bot.text import code, resolution_label

# Phones turn a typed `--` into an em dash, or into en dashes; some keyboards offer a minus.
_PHONE_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
# A flag is `--` (or a phone's dash for it) and a letter, so a lone `--` (a dash in prose)
# stays part of the prompt.
# Words, split at blanks and at a Chinese sentence's punctuation (full-width comma, enumeration
# comma, full stop, semicolon, marks), which Chinese text glues to the words around it with no
# blank: a flag right after a comma is still a flag, and the punctuation stays prose.
_WIDE_MARKS = "\uff0c\u3001\u3002\uff1b\uff01\uff1f"
_TOKEN = re.compile(rf"[^\s{_WIDE_MARKS}]+")
_WIDE_BLANKS = re.compile(rf"[ \t]*([{_WIDE_MARKS}])[ \t]*")
_WIDE_REPEATS = re.compile(rf"[{_WIDE_MARKS}]{{2,}}")
# Its value may follow an `=` or a `:` (`--ar:9:16`). A word between dashes (`--STOP--`) is
# prose: no flag's name ends in a dash.
_FLAG = re.compile(
    rf"^(?P<dashes>--|-?[{_PHONE_DASHES}]{{1,2}}|[{_PHONE_DASHES}]-)"
    r"(?P<name>[A-Za-z](?:[\w-]*\w)?)(?:[=:](?P<value>.*))?$"
)
# A flag glued to the Chinese or Japanese word before it ("猫--dur 8"): a word of its own.
_GLUED_FLAG = re.compile(
    rf"(?<=[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff])"
    rf"(?=(?:--|-?[{_PHONE_DASHES}]{{1,2}}|[{_PHONE_DASHES}]-)[A-Za-z\uff21-\uff3a\uff41-\uff5a])"
)
# Where a flag was taken out; its blanks (and those of flags beside it) become one, or none at
# a line's start or end. Blanks anywhere else are the member's, and stay as typed.
_SEAM = "\x01"
_SEAMS = re.compile(rf"[ \t]*(?:{_SEAM}[ \t]*)+")
# Digits of any script (not `²`, which `str.isdigit` also accepts), few enough for `int`.
_NUMBER = re.compile(r"\d{1,3}")
# Echoed flags and values are cut to this, so an answer always fits in a Discord message.
_SHOWN_CHARS = 40
# Sentence punctuation typed after a flag's value ("--res 4k.") is no part of the value.
_TRAILING = ".,;!?…。、"
_GLUE = "\x00"
_GLUED = re.compile(r"\s*\x00")
T = TypeVar("T")
# A length as members write it: `8`, `8s`, `8sec`, `8 seconds`, `8秒`.
_UNIT = r"(?:s|secs?|seconds?|秒)"
_SECONDS = re.compile(rf"(?P<number>\w+?)\s*{_UNIT}?")
# A unit typed as a word of its own after the number (`--duration 8 seconds`).
_UNIT_WORD = re.compile(rf"{_UNIT}[{re.escape(_TRAILING)}]*", re.IGNORECASE)


def _duration(value: str) -> int | None:
    found = _SECONDS.fullmatch(value.lower())
    if found is None or not _NUMBER.fullmatch(found["number"]):
        return None
    seconds = int(found["number"])
    return seconds if seconds in DURATIONS else None


def _resolution(value: str) -> str | None:
    text = value.lower()
    return text if text in RESOLUTIONS else None


# The words of the choices as the client shows them, in English and in Chinese (Simplified and
# Traditional, and the 橫向/直向 a zh-TW client reads): a member types what they read ("16:9 横屏").
_RATIO_WORDS = {
    "landscape": "16:9",
    "portrait": "9:16",
    "横屏": "16:9",
    "橫屏": "16:9",
    "橫向": "16:9",
    "竖屏": "9:16",
    "豎屏": "9:16",
    "直向": "9:16",
}


def _aspect_ratio(value: str) -> str | None:
    text = _RATIO_WORDS.get(value.lower(), value)
    return text if text in ASPECT_RATIOS else None


# Every spelling a member may type, long names included, and the option it sets.
FLAGS: Mapping[str, str] = {
    "duration": "duration",
    "dur": "duration",
    "resolution": "resolution",
    "res": "resolution",
    "aspect-ratio": "aspect_ratio",
    "aspect_ratio": "aspect_ratio",
    "aspect": "aspect_ratio",
    "ratio": "aspect_ratio",
    "ar": "aspect_ratio",
    "mode": "mode",
}
# How each option reads its value.
_PARSERS: Mapping[str, Callable[[str], object]] = {
    "duration": _duration,
    "resolution": _resolution,
    "aspect_ratio": _aspect_ratio,
    "mode": generation_mode,
}


def _shown(text: str) -> str:
    """For a code span in an answer: no backtick to break out of it, and short."""
    return code(text, _SHOWN_CHARS)


@dataclasses.dataclass(frozen=True)
class _Word:
    """One word of a message, where it stands in the text."""

    text: str
    start: int
    end: int

    def flag(self) -> re.Match[str] | None:
        """The word read as a flag, also as a full-width keyboard types it (dashes and letters
        of the full-width forms)."""
        return _FLAG.match(unicodedata.normalize("NFKC", self.text))


def _words(text: str) -> list[_Word]:
    """The message's words: split at blanks and wide punctuation, and where a flag follows a
    Chinese or Japanese word with no blank."""
    words: list[_Word] = []
    for token in _TOKEN.finditer(text):
        cuts = [
            token.start(),
            *(token.start() + m.start() for m in _GLUED_FLAG.finditer(token.group())),
            token.end(),
        ]
        words += [_Word(text[a:b], a, b) for a, b in itertools.pairwise(cuts) if b > a]
    return words


def _is_flag(match: re.Match[str] | None) -> bool:
    """`--name` always; a phone's dash only before a flag we know, as it may be prose."""
    if match is None:
        return False
    return match["dashes"] == "--" or match["name"].lower() in FLAGS


def _normal(value: str) -> str:
    """A value as the choices spell it: a Chinese keyboard's full-width colon and digits too."""
    return unicodedata.normalize("NFKC", value).rstrip(_TRAILING).lower()


def _meaning(option: str, value: str) -> object | None:
    """What a value chooses (`8s` and `8` are one duration); None for one it cannot read."""
    return _PARSERS[option](_normal(value))


def _read(
    given: Mapping[str, tuple[str, str]], option: str, parse: Callable[[str], T | None]
) -> T | None:
    """The option's value (read already by `_meaning`), or None when not given."""
    if option not in given:
        return None
    _, value = given[option]
    return parse(_normal(value))


def parse_flags(text: str) -> VideoOptions:
    """Split a message into its prompt and its options; explain any flag it cannot read."""
    options, _ = _parse(text)
    return options


def parse_request_flags(text: str) -> VideoOptions:
    """A mention's or reply's prompt and options (`parse_flags`); flags with nothing else
    are refused as /video refuses them: read as settings, a description still needed."""
    options, given = _parse(text)
    _refuse_flags_alone(given, typed=options.prompt, written=text)
    return options


def _refuse_flags_alone(given: Mapping[str, tuple[str, str]], *, typed: str, written: str) -> None:
    """Refuse a prompt `written` as flags alone (`typed`: what is left once they are read).
    "Your prompt is empty", or a mention's help for a hello, would read as if the settings
    were lost: they were read, and a description is what is still needed."""
    if given and not has_visible(typed) and has_visible(written):
        read = Listed([f"`{flag}` `{_shown(value)}`" for flag, value in given.values()])
        raise JobRefused(msg("prompt_only_flags", flags=read))


_ASPECT_LABELS = {"16:9": "option_landscape", "9:16": "option_portrait"}


def _chosen_label(option: str, value: object) -> Message | str:
    """A chosen option as its menu showed it, in the member's language: '4K', '8 s', 'Reference'."""
    if option == "duration":
        return msg("seconds_value", seconds=value)
    if option == "resolution":
        return resolution_label(str(value))
    if option == "mode":
        return msg(f"option_{value}")
    if option == "aspect_ratio" and value in _ASPECT_LABELS:
        return msg(_ASPECT_LABELS[str(value)])
    return str(value)


def with_prompt_flags(options: VideoOptions) -> VideoOptions:
    """/video's options with the flags typed into its prompt, taken out of the prompt.

    A flag fills an option left unset; one that contradicts a chosen option is asked about,
    since guessing would spend on the wrong one."""
    typed, given = _parse(options.prompt)

    def either(option: str, picked: T | None, flagged: T | None) -> T | None:
        if picked is not None and flagged is not None and picked != flagged:
            flag, value = given[option]
            chosen = _chosen_label(option, picked)
            raise JobRefused(
                msg("flag_contradicts_option", flag=flag, value=_shown(value), chosen=chosen)
            )
        return picked if picked is not None else flagged

    _refuse_flags_alone(given, typed=typed.prompt, written=options.prompt)
    return dataclasses.replace(
        options,
        prompt=typed.prompt,
        duration=either("duration", options.duration, typed.duration),
        resolution=either("resolution", options.resolution, typed.resolution),
        aspect_ratio=either("aspect_ratio", options.aspect_ratio, typed.aspect_ratio),
        mode=either("mode", options.mode, typed.mode),
    )


def with_form_flags(options: VideoOptions, shown: VideoOptions) -> VideoOptions:
    """A form's options with the flags typed into its prompt, taken out of the prompt.

    A form's selects open on a value (`shown`); one still on it was not chosen, so a flag sets
    it. One the member changed is asked about when a flag contradicts it, as in /video."""

    def chosen(value: T | None, opened: T | None) -> T | None:
        return None if value == opened else value

    flagged = with_prompt_flags(
        dataclasses.replace(
            options,
            duration=chosen(options.duration, shown.duration),
            resolution=chosen(options.resolution, shown.resolution),
            aspect_ratio=chosen(options.aspect_ratio, shown.aspect_ratio),
            mode=chosen(options.mode, shown.mode),
        )
    )

    def either(value: T | None, submitted: T | None) -> T | None:
        return submitted if value is None else value

    return dataclasses.replace(
        flagged,
        duration=either(flagged.duration, options.duration),
        resolution=either(flagged.resolution, options.resolution),
        aspect_ratio=either(flagged.aspect_ratio, options.aspect_ratio),
        mode=either(flagged.mode, options.mode),
    )


def _tidy_wide(prompt: str) -> str:
    """Where flags were taken out of Chinese text: no blank beside its punctuation, no mark
    doubled (two commas where a flag was between them), none left at the start."""
    prompt = _WIDE_BLANKS.sub(r"\1", prompt)
    prompt = _WIDE_REPEATS.sub(lambda found: found.group()[-1], prompt)
    return prompt.lstrip(_WIDE_MARKS).strip()


def _closed_seam(seam: re.Match[str]) -> str:
    """One blank where flags were between two words; none at the start or end of a line
    (ended by `\n`, `\r\n` as pasted from Windows, or a lone `\r`)."""
    text, start, end = seam.string, seam.start(), seam.end()
    at_edge = start == 0 or end == len(text) or text[start - 1] in "\r\n" or text[end] in "\r\n"
    return "" if at_edge else " "


def _parse(text: str) -> tuple[VideoOptions, Mapping[str, tuple[str, str]]]:
    """The prompt and options, and each option's flag and value as typed."""
    given: dict[str, tuple[str, str]] = {}  # option -> (the flag as typed, its value)
    meanings: dict[str, object] = {}  # option -> what its value chooses
    # Every flag it cannot read, told at once: one refusal per fix would wear anyone out.
    problems: list[Message] = []
    kept: list[str] = []
    tokens = _words(text)
    start = 0
    index = 0
    while index < len(tokens):
        token = tokens[index]
        match = token.flag()
        index += 1
        if match is None or not _is_flag(match):
            continue
        flag = _shown(f"--{match['name']}")
        option = FLAGS.get(match["name"].lower())
        value, end = match["value"], token.end
        if value is None:
            following = tokens[index] if index < len(tokens) else None
            if following is None or _is_flag(following.flag()):
                known = option is not None
                problems.append(msg("flag_missing_value" if known else "flag_unknown", flag=flag))
                continue
            value, end = following.text, following.end
            index += 1
        if option is None:
            problems.append(msg("flag_unknown", flag=flag))
            continue
        unit = tokens[index] if index < len(tokens) else None
        if option == "duration" and unit is not None and _UNIT_WORD.fullmatch(unit.text):
            value, end = f"{value} {unit.text}", unit.end
            index += 1
        meaning = _meaning(option, value)
        if meaning is None:
            problems.append(msg("flag_bad_value", flag=flag, value=_shown(value)))
            continue
        if option in meanings and meanings[option] != meaning:
            # Two different answers to one question: guessing would spend on the wrong one.
            earlier_flag, earlier_value = given[option]
            raise JobRefused(
                msg(
                    "flag_repeated",
                    first=earlier_flag,
                    one=_shown(earlier_value),
                    second=flag,
                    other=_shown(value),
                )
            )
        given[option] = (flag, value)
        meanings[option] = meaning
        # A sentence's punctuation after the value ("--res 4k, a dog") stays in the prompt;
        # counted as typed (a flag is read in NFKC, which writes "…" as three dots).
        typed = text[token.start : end]
        punctuation = len(typed) - len(typed.rstrip(_TRAILING))
        kept.append(text[start : token.start])
        kept.append(_SEAM)
        # The punctuation joins the word before the flag, unless that word already ends with
        # its own ("a cat, --res 4k, a dog").
        so_far = "".join(kept).replace(_GLUE, "").replace(_SEAM, "").rstrip()
        already = not so_far or so_far[-1] in _TRAILING
        if punctuation and not already:
            kept.append(_GLUE)
            start = end - punctuation
        else:
            start = end
    if problems:
        raise JobRefused(msg("flag_problems", problems=Sentences(problems), help=msg("flags_help")))
    kept.append(text[start:])
    prompt = "".join(kept)
    if given:
        # Tidied only where flags were taken out: a prompt without one is sent as typed.
        prompt = _tidy_wide(_GLUED.sub("", _SEAMS.sub(_closed_seam, prompt)).strip())
    prompt = prompt.strip()
    options = VideoOptions(
        prompt=prompt,
        duration=_read(given, "duration", _duration),
        resolution=_read(given, "resolution", _resolution),
        aspect_ratio=_read(given, "aspect_ratio", _aspect_ratio),
        mode=_read(given, "mode", generation_mode),
    )
    return options, given
