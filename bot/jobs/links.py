"""Links as members type them in a message: found for references, taken out of the prompt.

A link may be bare, in Discord's no-preview `<...>`, a markdown link (`[label](url)`, whose
label stays as words of the prompt), wrapped in markdown (`**url**`, `` `url` ``, `||url||`)
or followed by a sentence's punctuation, Chinese punctuation included. A link's own balanced
parentheses (`.../Cat_(animal)`) stay part of it.

Each link is found by one linear pattern and then looked at around itself, so no message,
however odd, makes the matching slow: it runs on every mention and replied-to message.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from dataclasses import dataclass

# Full-width punctuation that ends a sentence or clause: no real link holds it.
_WIDE_PUNCTUATION = "\uff0c\u3002\uff01\uff1f\uff1b\uff1a\u3001\uff09\u3011\u300d"
# Blanks, the brackets Discord and markdown put around links, and that punctuation end a link.
_BARE = re.compile(rf"https?://[^\s<>\"'|`{_WIDE_PUNCTUATION}]+", re.IGNORECASE)
# Prose and markdown punctuation that often follows a pasted link.
_TRAILING = ".,;:!?)]}*_~`"
_MARKDOWN = "*_~|`"
# Markdown around a link is at most this long (`||**`, say).
_WRAP_CHARS = 8
# Punctuation that joins the word before a link that was taken out (markdown: `_closes`).
_NO_SPACE_BEFORE = f",.;:!?)]}}{_WIDE_PUNCTUATION}"
# Brackets around a link alone, which would be left empty in the prompt without it.
_BRACKETS = {"(": ")", "[": "]", "\uff08": "\uff09", "\u3010": "\u3011"}
# How far back a markdown link's `[label]` is looked for.
_LABEL_CHARS = 256
# Discord's spoiler bars: `||hidden||`, opening and closing in pairs.
_SPOILER_BARS = re.compile(r"\|\|")


@dataclass(frozen=True)
class _Found:
    """One link: where it sits in the text (with what belongs to it) and what replaces it."""

    start: int
    end: int
    url: str
    replacement: str


def _balanced(raw: str) -> int:
    """Where a markdown link's address ends: at the `)` that closes `(`, its own kept."""
    depth = 0
    for index, char in enumerate(raw):
        if char == "(":
            depth += 1
        elif char == ")":
            if depth == 0:
                return index
            depth -= 1
    return -1


def _trimmed(link: str) -> str:
    """The link without the prose after it, keeping a closing parenthesis it opened."""
    trimmed = link.rstrip(_TRAILING)
    while trimmed.count("(") > trimmed.count(")") and len(trimmed) < len(link):
        closing = link.find(")", len(trimmed))
        if closing == -1:
            break
        trimmed = link[: closing + 1]
    return trimmed


def _markdown_link(text: str, start: int, raw: str) -> _Found | None:
    """`[label](url)` around the link found at `start`, if that is how it was written."""
    opener = start - 1 if text.endswith("<", 0, start) else start
    if not text.endswith("](", 0, opener):
        return None
    close_label = opener - 2
    open_label = text.rfind("[", max(0, close_label - _LABEL_CHARS), close_label)
    label = text[open_label + 1 : close_label] if open_label != -1 else ""
    if open_label == -1 or "]" in label or "\n" in label:
        return None
    if opener != start:  # `[label](<url>)`: the address ends at `>`
        after = start + len(raw)
        if not text.startswith(">)", after):
            return None
        return _Found(open_label, after + 2, raw, label)
    end = _balanced(raw)
    if end == -1:
        return None
    return _Found(open_label, start + end + 1, raw[:end], label)


def _found(text: str, match: re.Match[str]) -> _Found:
    start, raw = match.start(), match.group()
    markdown = _markdown_link(text, start, raw)
    if markdown is not None:
        return markdown
    if text.endswith("<", 0, start) and text.startswith(">", match.end()):
        return _Found(start - 1, match.end() + 1, raw, "")
    url = _trimmed(raw)
    end = start + len(url)
    # Markdown wrapped around the link alone goes with it; markdown that only closes before
    # it (`**a cat url**`) or opens after it belongs to the prompt and stays.
    before, after = text[max(0, start - _WRAP_CHARS) : start], text[end : end + _WRAP_CHARS]
    opening = len(before) - len(before.rstrip(_MARKDOWN))
    closing = len(after) - len(after.lstrip(_MARKDOWN))
    wrap = min(opening, closing)
    if wrap and text[start - wrap : start] == text[end : end + wrap][::-1]:
        return _Found(start - wrap, end + wrap, url, "")
    if _BRACKETS.get(text[start - 1 : start]) == text[end : end + 1] != "":
        return _Found(start - 1, end + 1, url, "")  # `(url)`: the brackets go with it
    return _Found(start, end, url, "")


def _links(text: str) -> list[_Found]:
    found: list[_Found] = []
    position = 0
    while (match := _BARE.search(text, position)) is not None:
        link = _found(text, match)
        if found and link.start < found[-1].end:
            # Markdown between two links (`|url|url|`) was taken by the first: not again.
            link = dataclasses.replace(link, start=found[-1].end)
        found.append(link)
        # A markdown link ends at its `)`, before the match may: the next one starts after it.
        position = link.end
    return found


def _closes(part: str) -> bool:
    """Whether the text after a removed link starts by closing what came before: punctuation,
    or markdown followed by no word (`**` closing a bold, not `*running*` opening one)."""
    if part[0] in _NO_SPACE_BEFORE:
        return True
    rest = part.lstrip(_MARKDOWN)
    return len(rest) < len(part) and (not rest or rest[0] in _NO_SPACE_BEFORE)


def _wide(before: str, after: str) -> bool:
    """Whether two characters are both Chinese or Japanese (written with no space between)."""
    return all(unicodedata.east_asian_width(char) in "WF" for char in (before, after))


def typed_links(text: str) -> list[str]:
    """Every link in the text, in order, as the member meant it."""
    return [link.url for link in _links(text)]


def spoilered_links(text: str) -> list[str]:
    """The links Discord hides behind a spoiler (`||...||` around them, their preview hidden
    too), in order: whatever is made from them must stay hidden as well."""
    bars = [match.start() for match in _SPOILER_BARS.finditer(text)]
    if len(bars) < 2:
        return []  # no spoiler at all (most messages): no need to find the links again
    # Pairs of bars, each an opening and its closing; a last one left open hides nothing.
    spans = list(zip(bars[::2], bars[1::2], strict=False))
    hidden = []
    for link in _links(text):
        at = text.find(link.url, link.start)
        if any(opened < at < closed for opened, closed in spans):
            hidden.append(link.url)
    return hidden


def without_links(text: str) -> str:
    """The prompt without the links in it: they are references, not words of the scene.

    Only the places a link was taken from are tidied; the rest stays as typed."""
    links = _links(text)
    if not links:
        return text.strip()
    pieces: list[str] = []
    position = 0
    for link in links:
        pieces.append(text[position : link.start])
        pieces.append(link.replacement if link.replacement else "\x00")
        position = link.end
    pieces.append(text[position:])
    # Where a link was: no doubled space, no space left before the punctuation after it.
    parts = re.split(r"[ \t]*\x00[ \t]*", "".join(pieces))
    joined = parts[0]
    for part in parts[1:]:
        # No blank at a line's start or end either (`\n`, or `\r\n` as pasted from Windows).
        at_edge = not joined or not part or joined[-1] in "\r\n" or part[0] in "\r\n"
        glue = "" if at_edge or _closes(part) or _wide(joined[-1], part[0]) else " "
        joined = f"{joined.rstrip(' ')}{glue}{part}"
    return joined.strip()
