"""The API key taken out of what an answer says, however the answer wrote it.

A gateway in front of APIMart may quote the request's Authorization header in an error, or
sign its result links with the key. Members read what the decoded answer says (a refusal's
reason, a failed render's, a result link), and it is kept and logged, so the key is looked
for there: a JSON escape (`\\u0073k-...`) hides it only from a search of the raw body, and a
link's percent-encoding (`%73k-...`) only until a browser, or a reader, decodes it.
"""

from __future__ import annotations

import urllib.parse

from bot.logs import REDACTED, SCRUBBED_ANYWHERE

# Percent-encoding undone this many times at most: a link encoded twice over is still read.
_DECODINGS = 3


def without_key(text: str, key: str) -> str:
    """`text` with the key replaced by a marker, also where percent-encoding hid it."""
    if len(key) < SCRUBBED_ANYWHERE:
        return text  # too short to tell from the words around it (the logs' rule too)
    text = text.replace(key, REDACTED)
    decoded = text
    for _ in range(_DECODINGS):
        if "%" not in decoded:
            break
        decoded = urllib.parse.unquote(decoded)
        if key in decoded:
            # Read as its reader would: the key goes, and the escapes around it with it.
            return decoded.replace(key, REDACTED)
    return text


def without_key_anywhere(answer: object, key: str) -> object:
    """A decoded JSON answer with the key out of every string in it, names included."""
    if len(key) < SCRUBBED_ANYWHERE:
        return answer
    if isinstance(answer, str):
        return without_key(answer, key)
    pending = [answer]
    # A loop, not recursion: an answer may nest as deep as the JSON reader went.
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            fields = list(node.items())
            node.clear()
            for name, value in fields:
                node[without_key(name, key) if isinstance(name, str) else name] = (
                    without_key(value, key) if isinstance(value, str) else value
                )
                if isinstance(value, dict | list):
                    pending.append(value)
        elif isinstance(node, list):
            for index, value in enumerate(node):
                if isinstance(value, str):
                    node[index] = without_key(value, key)
                elif isinstance(value, dict | list):
                    pending.append(value)
    return answer
