"""Leetspeak: digits and symbols written for the letters they look like ("g0r3", "@ss").

Only the best-known stand-ins are read, and only inside a word that has letters: a digit only
after one of its letters ("g0r3", not the "4" of "4k" or the "1" of "1st"), and never in a word
with a digit that stands for no letter here ("1080p", "h264"). A number stays a number.
"""

from __future__ import annotations

import functools
import re

from bot.moderation.spaceless import SPACELESS_CLASS

# "1" is an i or an l: each reading takes one of them.
_STAND_INS = {"0": "o", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
_ONE_AS = ("i", "l")
# A word as leetspeak writes it: letters and digits, with the two symbols that stand for one.
# Not the characters of a script written without spaces: a number written against them
# ("画一个5m高", "a 5m tall") is no word of theirs, and a digit after them no leetspeak.
_WORD = re.compile(rf"(?:[^\W_{SPACELESS_CLASS}]|[@$])+")


def _read_word(found: re.Match[str], *, one: str) -> str:
    word = found.group()
    stand_ins = {**_STAND_INS, "1": one}
    if any(char.isdigit() and char not in stand_ins for char in word):
        return word  # a number ("1080p", "h264"), or a code
    first_letter = next((at for at, char in enumerate(word) if char.isalpha()), None)
    if first_letter is None:
        return word  # no letter at all: "1337", "$5", "007"
    return "".join(
        stand_ins[char] if char in stand_ins and (not char.isdigit() or at > first_letter) else char
        for at, char in enumerate(word)
    )


def leet_readings(text: str) -> list[str]:
    """The text with its leetspeak read as letters, one character for one (so a match is
    quoted from the same places): once with "1" as i, once as l. Empty when it has none."""
    if not any(char in _STAND_INS or char == "1" for char in text):
        return []
    readings: list[str] = []
    for one in _ONE_AS:
        read = _WORD.sub(functools.partial(_read_word, one=one), text)
        if read != text and read not in readings:
            readings.append(read)
    return readings
