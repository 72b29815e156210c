"""Links as members type them in a message: found for references, taken out of the prompt.

A link may be bare, in Discord's no-preview `<...>`, behind markdown (`[label](url)`,
`**url**`, `` `url` ``, `||url||`) or followed by a sentence's punctuation. A link's own
closing parenthesis (`.../Cat_(animal)`) stays part of it.
"""

from __future__ import annotations

import re

_BARE = r"https?://[^\s<>\"'|`]+"
# Markdown around a link; a markdown link keeps its label as words of the prompt.
_WRAP = r"[*_~|`]*"
_TYPED = re.compile(
    rf"\[(?P<label>[^\]\n]*)\]\(\s*<?(?P<target>{_BARE}?)>?\s*\)"
    rf"|(?P<open>{_WRAP})(?:<(?P<quiet>{_BARE})>|(?P<bare>{_BARE}))(?P<close>{_WRAP})",
    re.IGNORECASE,
)
# Prose and markdown punctuation that often follows a pasted link.
_TRAILING = ".,;:!?)]}*_~`"
_MARKDOWN = "*_~|`"


def _trimmed(link: str) -> str:
    """The link without the prose after it, keeping a closing parenthesis it opened."""
    trimmed = link.rstrip(_TRAILING)
    while trimmed.count("(") > trimmed.count(")") and len(trimmed) < len(link):
        closing = link.find(")", len(trimmed))
        if closing == -1:
            break
        trimmed = link[: closing + 1]
    return trimmed


def typed_links(text: str) -> list[str]:
    """Every link in the text, in order, as the member meant it."""
    links: list[str] = []
    for match in _TYPED.finditer(text):
        if match["target"] is not None:
            links.append(match["target"])
        elif match["quiet"] is not None:
            links.append(match["quiet"])
        else:
            links.append(_trimmed(match["bare"]))
    return links


def without_links(text: str) -> str:
    """The prompt without the links in it: they are references, not words of the scene.

    Only the places a link was taken from are tidied; the rest stays as typed."""

    def drop(match: re.Match[str]) -> str:
        if match["label"] is not None:
            return match["label"]
        bare = match["bare"]
        # Prose after a bare link (a full stop, a closing bracket) stays in the sentence.
        tail = bare[len(_trimmed(bare)) :] if bare is not None else ""
        return "\x00" + "".join(char for char in tail if char not in _MARKDOWN)

    marked = _TYPED.sub(drop, text)
    if "\x00" not in marked:
        return marked.strip()
    # Where a link was: no doubled space, no space left before the punctuation after it.
    parts = re.split(r"[ \t]*\x00[ \t]*", marked)
    joined = parts[0]
    for part in parts[1:]:
        glue = "" if not joined or not part or part[0] in ",.;:!?)]}" else " "
        joined = f"{joined.rstrip(' ')}{glue}{part}"
    return joined.strip()
