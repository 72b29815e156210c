"""Logging set-up: readable text or one JSON object a line, secrets scrubbed from both."""

from __future__ import annotations

import json
import logging
import re
import sys
import traceback
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from types import TracebackType
from typing import TextIO

from bot.log_context import current
from bot.storage.base import unreachable

REDACTED = "[REDACTED]"
_FORMAT = "%(asctime)s %(levelname)-8s %(name)s: %(message)s"
# Interaction tokens travel in webhook and callback URLs (discord.py logs them at DEBUG).
_INTERACTION_TOKEN = re.compile(r"(/(?:webhooks|interactions)/\d+/)[^/\s?\"']+")
# ... and as a field of the events and payloads it logs: a dict's repr or JSON (also escaped
# inside a JSON string), an object's repr (`token='...'`), the quoted value whole.
_TOKEN_FIELD = re.compile(
    r"""(\b\w*token(?:\\?["']\s*:|\s*=)\s*(?P<q>\\?["']))(?:(?!(?P=q)).)+""", re.IGNORECASE
)
# ... and `token=...` unquoted (a query string, key=value pairs): up to the next separator,
# unless already marked (a known secret replaced first: marked again it left `[REDACTED]]`).
_TOKEN_PAIR = re.compile(r"""(\b\w*token=)(?!\[REDACTED\])[^\s"'&,;)}\]]+""", re.IGNORECASE)


# A secret this long is replaced wherever it appears. A shorter one (a database password such
# as "bot") also spells logger names and words: replacing it there would mangle the log and
# give it away, so it is left to the credential patterns below, which need no list.
SCRUBBED_ANYWHERE = 8
# The password in a URL's userinfo (a DSN): after a user that holds no `/?#` (so a query's
# `a:b@c` is no userinfo), up to the last `@` before the path (a password may hold `?#@`).
_URL_PASSWORD = re.compile(r"(://[^:/?#@\s]*:)[^/\s]+@")
# A password setting however it is spelled: `password=`, `POSTGRES_PASSWORD=`, `PGPASSWORD=`,
# `db_passwd = ` and a dict's or JSON's `'password': `; a quoted value is hidden whole (escaped
# quotes too), an unquoted one up to a blank or a separator. A backslash only ever starts an
# escape: read either way, a run of them with no closing quote takes exponential time.
_PASSWORD_PAIR = re.compile(
    r"""(?P<key>\b\w*pass(?:word|wd)\s*=\s*|["']\w*pass(?:word|wd)["']\s*:\s*)"""
    r"""(?:(?P<quote>["'])(?:\\.|(?!(?P=quote))[^\\])*(?P=quote)|[^\s&;,]+)""",
    re.IGNORECASE,
)

# Discord's attachment links are signed (`?ex=...&is=...&hm=...`): whoever holds one fetches
# the file, from a private channel too, until it expires (about a day). The whole query goes,
# which leaves the file named but no longer open. The link ends at a blank, a quote or a
# bracket, as in a sentence, a repr or a JSON string (its slashes maybe escaped).
_DISCORD_CDN_QUERY = re.compile(
    r"""(https?:(?:\\?/){2}(?:cdn|media)\.discord(?:app)?\.(?:com|net)[^\s?#"'<>]*)"""
    r"""\?[^\s#"'<>)\]]*""",
    re.IGNORECASE,
)
# ... and the signature itself however else the link is written (percent-encoded inside
# another link, `&` escaped as `\u0026` or `&amp;`).
_LINK_SIGNATURE = re.compile(r"(?<![a-z_])(hm(?:=|%3D))[0-9a-f]+", re.IGNORECASE)


# Other hosts' presigned links (S3 and its clones, Google Cloud Storage, Azure's SAS, CloudFront)
# open a private file the same way, for up to a week: a member's image link goes to APIMart as
# it is, and APIMart's refusal may quote it. The signature's value goes (in the log only),
# however the link is written: percent-encoded inside another link too (an image proxy's
# `?url=https%3A...%26X-Amz-Signature%3D...`), its value then ending at the next `%26`.
_QUERY_SIGNATURE = re.compile(
    r"""([?&;]|\\u0026|&amp;|%3F|%26)((?:[\w-]*signature|sig)(?:=|%3D))"""
    r"""(?:(?!%26)[^&\s"'<>#)\]])+""",
    re.IGNORECASE,
)


def without_link_signatures(text: str, *, marked: bool = True) -> str:
    """`text` with the signed query of every Discord attachment link in it taken out; `marked`
    leaves a marker where it was (for the log), else the bare link (for members to read)."""
    query = f"?{REDACTED}" if marked else ""
    text = _DISCORD_CDN_QUERY.sub(lambda found: found[1] + query, text)
    return _LINK_SIGNATURE.sub(rf"\g<1>{REDACTED}", text)


def _hide_password(match: re.Match[str]) -> str:
    quote = match["quote"] or ""
    return f"{match['key']}{quote}{REDACTED}{quote}"


class Scrubber:
    """Replaces every secret in a text with a marker."""

    def __init__(self, secrets: Iterable[str]) -> None:
        # Longest first, so a secret that contains another is replaced whole.
        ordered = sorted({secret for secret in secrets if secret}, key=len, reverse=True)
        self._anywhere = [secret for secret in ordered if len(secret) >= SCRUBBED_ANYWHERE]

    def __call__(self, text: str) -> str:
        """The text with secrets removed."""
        for secret in self._anywhere:
            text = text.replace(secret, REDACTED)
        text = _URL_PASSWORD.sub(rf"\g<1>{REDACTED}@", text)
        text = _PASSWORD_PAIR.sub(_hide_password, text)
        text = _INTERACTION_TOKEN.sub(rf"\g<1>{REDACTED}", text)
        text = _TOKEN_FIELD.sub(rf"\g<1>{REDACTED}", text)
        text = _TOKEN_PAIR.sub(rf"\g<1>{REDACTED}", text)
        text = _QUERY_SIGNATURE.sub(rf"\g<1>\g<2>{REDACTED}", text)
        return without_link_signatures(text)


# Members' text reaches lines (APIMart's and Discord's words, which may quote a prompt or a file
# name; an error's message): a newline there would forge a line of its own, an escape sequence
# (ESC, or its 8-bit form CSI) rewrite the operator's terminal. Each control character but the
# tab, and Unicode's line and paragraph separators (a line break to some readers), is written
# as its escape instead. So is each of Unicode's bidirectional controls (embeddings and
# overrides, isolates, the marks): printed raw, a right-to-left override in a prompt shows the
# rest of the line reversed in a terminal or log viewer, a job's or a member's id another one.
_CONTROL = re.compile(
    r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
_NAMED_CONTROLS = {"\n": "\\n", "\r": "\\r"}


def _control_escape(char: str) -> str:
    named = _NAMED_CONTROLS.get(char)
    if named is not None:
        return named
    return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"


def escape_controls(text: str, *, keep_newlines: bool = False) -> str:
    """`text` with its control characters written as escapes (`\\n`, `\\x1b`, `\\u202e`), for
    one line of a log; `keep_newlines` keeps the line breaks of a text of many lines (a
    traceback)."""

    def escaped(found: re.Match[str]) -> str:
        char = found[0]
        return char if keep_newlines and char == "\n" else _control_escape(char)

    return _CONTROL.sub(escaped, text)


def _words_in(error: traceback.TracebackException) -> set[str]:
    """The parts of `error`'s traceback that are its messages (and its causes'):
    the text an error quotes, not the traceback's own lines."""
    said: set[str] = set()
    todo = [error]
    while todo:
        each = todo.pop()
        said.update(each.format_exception_only())
        todo.extend(e for e in (each.__cause__, each.__context__) if e is not None)
        todo.extend(getattr(each, "exceptions", None) or ())
    return said


class RedactingFormatter(logging.Formatter):
    """Formats as usual, each line's control characters escaped, then replaces any secret with
    a marker."""

    def __init__(self, secrets: Iterable[str], fmt: str = _FORMAT) -> None:
        super().__init__(fmt)
        self._scrub = Scrubber(secrets)

    def format(self, record: logging.LogRecord) -> str:
        """The formatted record with secrets removed."""
        return self._scrub(super().format(record))

    def formatMessage(self, record: logging.LogRecord) -> str:
        """The line itself, on one line whatever its arguments hold."""
        return escape_controls(super().formatMessage(record))

    def formatException(
        self,
        ei: tuple[type[BaseException], BaseException, TracebackType | None]
        | tuple[None, None, None],
    ) -> str:
        """The traceback on its many lines, each message in it (which may quote anyone's
        text) on one."""
        error = ei[1]
        if error is None:
            return escape_controls(super().formatException(ei), keep_newlines=True)
        told = traceback.TracebackException(type(error), error, ei[2], compact=True)
        said = _words_in(told)
        text = "".join(
            escape_controls(chunk.removesuffix("\n")) + "\n" if chunk in said else chunk
            for chunk in told.format()
        )
        return escape_controls(text.removesuffix("\n"), keep_newlines=True)

    def formatStack(self, stack_info: str) -> str:
        """The stack on its many lines, no control character in them."""
        return escape_controls(super().formatStack(stack_info), keep_newlines=True)


class JsonFormatter(logging.Formatter):
    """One JSON object per record: timestamp, level, logger, message, the bound facts
    (job_id, task_id, guild_id, user_id, shard) and a `traceback` string for an exception."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self._scrub = Scrubber(secrets)

    def format(self, record: logging.LogRecord) -> str:
        """The record as one line of JSON, every string scrubbed before it is encoded."""
        entry: dict[str, object] = {
            "timestamp": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(getattr(record, "log_context", {}))
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        scrubbed = {
            name: self._scrub(value) if isinstance(value, str) else value
            for name, value in entry.items()
        }
        # JSON escapes the control characters below 0x20, not DEL, the 8-bit ones, Unicode's
        # line separators or its bidirectional controls: a reader that splits lines at them, or
        # a terminal that reorders text by them, still would.
        return _CONTROL.sub(
            lambda found: f"\\u{ord(found[0]):04x}",
            json.dumps(scrubbed, ensure_ascii=False, default=str),
        )


class BoundContext(logging.Filter):
    """Copies the facts bound where the line was logged onto the record."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Always keep the record."""
        record.log_context = dict(current())
        return True


# discord.py names a shard in its own lines ("Shard ID %s has connected ...", "Attempting a
# reconnect for shard ID %s ...", "Failed to connect for shard_id: %s"); its tasks carry no bound
# facts, so the shard is read from the argument that fills that placeholder.
_SHARD_PLACEHOLDER = re.compile(r"\bshard(?: ID|_id:) %s", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa%]")


class ShardOfLine(logging.Filter):
    """A library line about one gateway shard carries `shard`, as the bot's own lines do."""

    def __init__(self, library: str = "discord") -> None:
        super().__init__()
        self._library = library

    def filter(self, record: logging.LogRecord) -> bool:
        """Always keep the record; add the shard its message names to its facts."""
        in_library = record.name == self._library or record.name.startswith(self._library + ".")
        if not in_library or not isinstance(record.msg, str) or not isinstance(record.args, tuple):
            return True
        named = _SHARD_PLACEHOLDER.search(record.msg)
        if named is None:
            return True
        before = [
            found for found in _PLACEHOLDER.findall(record.msg, 0, named.end() - 2) if found != "%%"
        ]
        shard = record.args[len(before)] if len(before) < len(record.args) else None
        context = getattr(record, "log_context", {})
        if isinstance(shard, int) and "shard" not in context:
            record.log_context = {**context, "shard": shard}
        return True


class OneLineFaults(logging.Filter):
    """A library's line about an expected fault (Discord or the database unreachable) keeps to
    one line.

    discord.py logs each gateway reconnect with a full traceback, asyncpg each try to reconnect
    its pool's floor of connections; for a network fault the error's own words say all an
    operator needs, so they replace the traceback.
    """

    def __init__(self, fault: Callable[[BaseException], bool], library: str = "discord") -> None:
        super().__init__()
        self._fault = fault
        self._library = library

    def filter(self, record: logging.LogRecord) -> bool:
        """Always keep the record; fold an expected fault's traceback into its message."""
        error = record.exc_info[1] if record.exc_info else None
        in_library = record.name == self._library or record.name.startswith(self._library + ".")
        if in_library and error is not None and self._fault(error):
            record.msg = f"{record.getMessage()} ({type(error).__name__}: {error})"
            record.args = None
            record.exc_info = None
            record.exc_text = None
        return True


# discord.py's gateway logs every event it receives whole at DEBUG: messages and interactions
# carry prompts and attachments' signed links (readable by anyone for about a day).
_WHOLE_EVENT = "For Shard ID %s: WebSocket Event: %s"


class EventSummaries(logging.Filter):
    """A gateway event logged whole keeps only its name and sequence number."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Always keep the record; cut a whole event down to what says which it was."""
        if record.name == "discord.gateway" and record.msg == _WHOLE_EVENT:
            # Whatever the line carries (a filter that raised would reach the caller).
            args = record.args if isinstance(record.args, tuple) else ()
            shard = args[0] if args else None
            event = args[1] if len(args) > 1 else None
            fields = event if isinstance(event, dict) else {}
            record.msg = "For Shard ID %s: WebSocket Event: %s (op %s, seq %s)"
            record.args = (shard, fields.get("t"), fields.get("op"), fields.get("s"))
        return True


def configure_logging(
    level: str,
    secrets: Iterable[str],
    *,
    json_lines: bool = False,
    quiet_faults: tuple[type[BaseException], ...] = (),
    stream: TextIO | None = None,
) -> None:
    """Send all logs to `stream` (stderr), as text or JSON lines, secrets scrubbed.

    `quiet_faults`: errors discord.py logs with a traceback that one line describes well enough.
    """
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter(secrets) if json_lines else RedactingFormatter(secrets))
    handler.addFilter(BoundContext())
    handler.addFilter(ShardOfLine())
    handler.addFilter(OneLineFaults(lambda error: isinstance(error, quiet_faults)))
    handler.addFilter(OneLineFaults(unreachable, library="asyncpg"))
    handler.addFilter(EventSummaries())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Python's own warnings become log lines too, so a JSON log has nothing but JSON in it.
    logging.captureWarnings(True)
    # discord.py's HTTP debug lines echo request bodies, and aiosqlite's every statement with
    # its parameters (an interaction's token, signed attachment links, prompts): INFO and up.
    for chatty in ("discord.http", "aiosqlite"):
        logging.getLogger(chatty).setLevel(max(logging.INFO, root.level))
