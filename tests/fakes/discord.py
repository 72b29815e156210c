"""A fake of Discord's REST API and gateway that a real, unmodified discord.py bot can use.

The fake is an aiohttp web server bound to ``127.0.0.1`` on a random free port.  It serves

* the REST API under ``/api/v10`` (users, gateway, application commands, interaction
  callbacks, interaction webhooks/follow-ups, channels and messages, DMs, guilds),
* the gateway websocket at ``/gateway`` (HELLO, heartbeats, IDENTIFY -> READY + GUILD_CREATE
  (none for ``outage_guilds``), RESUME, REQUEST_GUILD_MEMBERS, zlib-stream transport
  compression), and
* a tiny CDN at ``/attachments/...`` so that attachment URLs it hands out can be downloaded,
  signed like Discord's (``ex`` expiry, ``is`` issue time, both hex): past ``ex`` (on the
  fake's clock, see :meth:`FakeDiscord.wall_clock`) it answers 404 ``This content is no longer
  available.``; every message it returns (an answer, history, an event) carries links that
  work for an hour at least, signed afresh where the stored ones expire sooner, as Discord does

Point discord.py at it before the client connects::

    discord.http.Route.BASE = fake.api_base              # REST *and* interaction webhooks
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)

(Interaction callbacks and follow-ups go through ``discord.webhook.async_``, which builds its
URLs from the very same ``discord.http.Route`` class, so no further hook is needed.)

Everything the bot does is recorded: ``fake.requests`` holds every REST request and
``fake.messages(channel_id)`` holds every message "a member would see" as full Discord message
objects.  Tests drive the bot with ``fake.slash_command(...)``, ``fake.message_create(...)``,
``fake.component_interaction(...)`` and ``fake.modal_submit(...)`` and await outcomes with the
``wait_for*`` helpers, which are driven by state changes (no polling, no sleeping).

Discord behaviour mimicked on purpose (so the bot's error handling can be exercised):

* a second interaction callback -> 400 ``40060 Interaction has already been acknowledged.``
* a callback later than ``ack_deadline`` s after dispatch -> 404 ``10062 Unknown interaction``;
  Discord's clock runs on Discord's machines, so the seconds in which this process waited for a
  CPU (other processes held them all: a loaded test machine) are left out (:func:`cpu_wait`)
* webhook calls with a token older than ``token_lifetime`` s -> 401 ``50027 Invalid Webhook Token``
* a follow-up right after a type-5 deferral edits the loading message instead of creating one
* uploads larger than the channel's limit in total (its server's boost level's, 50 MiB at level
  2 and 100 MiB at 3, else ``upload_limit``: a lower level, a DM; an interaction's answers:
  larger than its ``attachment_size_limit``, its channel's limit unless given) -> 413 ``40005
  Request entity too large``
* posting in ``forbidden_channels`` -> 403 ``50013 Missing Permissions``; in a channel the bot
  cannot see (no View Channel) -> 403 ``50001 Missing Access``; a post where the bot lacks
  Send Messages, or a file where it lacks Attach Files -> 403 ``50013``; reading the messages
  of a channel the bot cannot see -> 403 ``50001``, and of one where it lacks Read Message
  History -> an empty history (a message by its id: 403 ``50001``); a reply
  where it lacks Read Message History -> 400 ``160002`` (see
  :meth:`FakeDiscord.take_from_bot`); a post in a locked thread (:meth:`FakeDiscord.lock_thread`)
  without Manage Threads -> 400 ``160005``; a reply to an unknown or ephemeral message, or to
  one in another channel -> 400 ``50035`` (with ``fail_if_not_exists: false``: a plain message,
  no reply); DMs to
  ``dm_blocked_users`` -> 403 ``50007``; unknown channel -> 404 ``10003``; unknown message
  -> 404 ``10008``; empty message -> 400 ``50006``; content over 2000 chars, or an embed over
  Discord's embed limits (title 256, description 4096, 25 fields, field name 256 and value 1024,
  footer 2048, author name 256, 6000 in all of a message's embeds) -> 400 ``50035``
* components that break Discord's layout rules (the Components V2 flag and what it forbids,
  nesting, 40 components, 4000 characters of text, 1-10 gallery items, ``attachment://``
  references to files not uploaded; see :mod:`tests.fakes.components`) -> 400 ``50035``
* forums (:meth:`FakeDiscord.add_forum_channel`, type 15) and their posts
  (:meth:`FakeDiscord.add_thread`, type 11, or 12 if private, with ``parent_id``): a thread
  takes its parent's permissions and is listed in GUILD_CREATE ``threads``; posting in a forum
  itself -> 400 ``50024 Cannot execute action on this channel type``; a thread's members (its
  creator, and :meth:`FakeDiscord.add_thread_member`) are read one at a time, anyone else ->
  404 ``10007``
* a server's AutoMod keyword rule (:meth:`FakeDiscord.automod_blocks`): a post or edit by the
  bot whose content or text displays hold the word -> 400 ``200000 Message was blocked by
  automatic moderation``
* scripted faults via :meth:`FakeDiscord.fail_next` (e.g. 500/502, or 429 with ``retry_after``)
* user installs (issue 17): ``slash_command(..., user_install=True)`` in a guild the bot never
  joined (:meth:`FakeDiscord.add_guild` with ``bot_member=False``: its channels answer the bot's
  own token ``403 50001 Missing Access``), in a group DM (``group_dm=True``, context 2) or in
  the bot's DM (context 1), with ``authorizing_integration_owners`` as Discord sends them and
  ``app_permissions`` without Send Messages; at most 5 follow-ups for an interaction only a user
  install authorized (then ``400 40094``); in ``external_apps_blocked`` guilds every response
  is made ephemeral (also a follow-up of a command used before the server began to block them:
  Discord applies the server's setting when the response is made); webhook calls with an
  expired token are answered 401 and kept in :attr:`FakeDiscord.expired_webhook_calls`
* a server that installed the bot's commands alone (``add_guild(commands_only=True)``: scope
  ``applications.commands``, no bot member): its interactions name the server's install (key
  0), yet, as in a guild the bot never joined, the bot's token reads and posts nothing there
  (``GET /guilds/{id}`` and its members, roles and channels: ``403 50001 Missing Access``)
* bans (:meth:`FakeDiscord.ban_member`, :meth:`FakeDiscord.unban_member`, and their
  ``_unheard`` forms for a bot that is down): GUILD_BAN_ADD/REMOVE reach only a bot whose server
  permissions have Ban Members or View Audit Log (with the moderation intent); each ban and
  unban is an audit log entry (``GET /guilds/{id}/audit-logs``, View Audit Log only, else 403
  ``50013``); one ban (``GET /guilds/{id}/bans/{user}``) only with Ban Members (403 ``50013``)

The fake's notion of "now" (used for deadlines) is ``time.monotonic()`` plus an offset that tests
can move with :meth:`FakeDiscord.advance_clock`, so expiry can be tested without sleeping.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import email.utils
import json
import mimetypes
import re
import secrets
import socket
import time
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Self, TypeVar

from aiohttp import BodyPartReader, WSMsgType, hdrs, web
from aiohttp.web_protocol import RequestHandler

from tests.fakes.components import (
    FLAG_IS_COMPONENTS_V2,
    ComponentError,
    assign_ids,
    check_message,
    resolve_media,
    texts,
)
from tests.fakes.discord_openapi import Violation, load_spec, violation_errors

Json = dict[str, Any]
T = TypeVar("T")

API_VERSION = 10
API_PREFIX = f"/api/v{API_VERSION}"
DISCORD_EPOCH_MS = 1420070400000
# How long `wait_for` lets a predicate go unlooked-at when nothing in the fake changed.
_LONGEST_POLL_INTERVAL = 0.1


def _wake(waiter: asyncio.Future[None]) -> None:
    """A `wait_for` waiter's interval is over: it looks again."""
    if not waiter.done():
        waiter.set_result(None)


# Gateway opcodes.
OP_DISPATCH = 0
OP_HEARTBEAT = 1
OP_IDENTIFY = 2
OP_PRESENCE_UPDATE = 3
OP_VOICE_STATE_UPDATE = 4
OP_RESUME = 6
OP_RECONNECT = 7
OP_REQUEST_GUILD_MEMBERS = 8
OP_INVALID_SESSION = 9
OP_HELLO = 10
OP_HEARTBEAT_ACK = 11

# Gateway intents that the fake honours.
INTENT_GUILD_MEMBERS = 1 << 1
INTENT_GUILD_MODERATION = 1 << 2
INTENT_GUILD_MESSAGES = 1 << 9
INTENT_DIRECT_MESSAGES = 1 << 12
INTENT_MESSAGE_CONTENT = 1 << 15

# Interaction types.
INTERACTION_PING = 1
INTERACTION_APPLICATION_COMMAND = 2
INTERACTION_MESSAGE_COMPONENT = 3
INTERACTION_AUTOCOMPLETE = 4
INTERACTION_MODAL_SUBMIT = 5

# Interaction callback types.
CALLBACK_PONG = 1
CALLBACK_CHANNEL_MESSAGE = 4
CALLBACK_DEFERRED_CHANNEL_MESSAGE = 5
CALLBACK_DEFERRED_UPDATE_MESSAGE = 6
CALLBACK_UPDATE_MESSAGE = 7
CALLBACK_AUTOCOMPLETE_RESULT = 8
CALLBACK_MODAL = 9
CALLBACK_LAUNCH_ACTIVITY = 12

ALLOWED_CALLBACKS: Mapping[int, frozenset[int]] = {
    INTERACTION_PING: frozenset({CALLBACK_PONG}),
    INTERACTION_APPLICATION_COMMAND: frozenset(
        {CALLBACK_CHANNEL_MESSAGE, CALLBACK_DEFERRED_CHANNEL_MESSAGE, CALLBACK_MODAL, 12}
    ),
    INTERACTION_MESSAGE_COMPONENT: frozenset(
        {
            CALLBACK_CHANNEL_MESSAGE,
            CALLBACK_DEFERRED_CHANNEL_MESSAGE,
            CALLBACK_DEFERRED_UPDATE_MESSAGE,
            CALLBACK_UPDATE_MESSAGE,
            CALLBACK_MODAL,
            12,
        }
    ),
    INTERACTION_AUTOCOMPLETE: frozenset({CALLBACK_AUTOCOMPLETE_RESULT}),
    INTERACTION_MODAL_SUBMIT: frozenset(
        {
            CALLBACK_CHANNEL_MESSAGE,
            CALLBACK_DEFERRED_CHANNEL_MESSAGE,
            CALLBACK_DEFERRED_UPDATE_MESSAGE,
            CALLBACK_UPDATE_MESSAGE,
        }
    ),
}

# Message flags.
FLAG_SUPPRESS_EMBEDS = 1 << 2
FLAG_EPHEMERAL = 1 << 6
FLAG_LOADING = 1 << 7

# Channel types.
CHANNEL_GUILD_TEXT = 0
CHANNEL_DM = 1
CHANNEL_GUILD_VOICE = 2
CHANNEL_GROUP_DM = 3
CHANNEL_GUILD_STAGE_VOICE = 13
CHANNEL_PUBLIC_THREAD = 11
CHANNEL_PRIVATE_THREAD = 12
THREADS = (CHANNEL_PUBLIC_THREAD, CHANNEL_PRIVATE_THREAD)
CHANNEL_GUILD_FORUM = 15

# Interaction contexts, and the installs in ``authorizing_integration_owners``.
CONTEXT_GUILD = 0
CONTEXT_BOT_DM = 1
CONTEXT_PRIVATE_CHANNEL = 2
GUILD_INSTALL = "0"
USER_INSTALL = "1"

# Audit log events (`action_type`) the fake writes.
AUDIT_MEMBER_BAN_ADD = 22
AUDIT_MEMBER_BAN_REMOVE = 23

# Permission bits.
PERM_CREATE_INSTANT_INVITE = 1 << 0
PERM_BAN_MEMBERS = 1 << 2
PERM_ADMINISTRATOR = 1 << 3
PERM_ADD_REACTIONS = 1 << 6
PERM_VIEW_AUDIT_LOG = 1 << 7
PERM_VIEW_CHANNEL = 1 << 10
PERM_SEND_MESSAGES = 1 << 11
PERM_EMBED_LINKS = 1 << 14
PERM_ATTACH_FILES = 1 << 15
PERM_READ_MESSAGE_HISTORY = 1 << 16
PERM_MENTION_EVERYONE = 1 << 17
PERM_USE_EXTERNAL_EMOJIS = 1 << 18
PERM_CHANGE_NICKNAME = 1 << 26
PERM_USE_APPLICATION_COMMANDS = 1 << 31
PERM_MANAGE_THREADS = 1 << 34
PERM_SEND_MESSAGES_IN_THREADS = 1 << 38
PERM_USE_EXTERNAL_APPS = 1 << 50
PERM_ALL = (1 << 51) - 1

#: Follow-ups Discord allows an interaction authorized only by a user install.
USER_INSTALL_MAX_FOLLOWUPS = 5
#: What a user-installed app may do in a server that never added it (no Send Messages: it
#: can only answer through the interaction).
USER_INSTALL_APP_PERMISSIONS = (
    PERM_VIEW_CHANNEL | PERM_EMBED_LINKS | PERM_ATTACH_FILES | PERM_USE_EXTERNAL_EMOJIS
)
#: Permissions of ``@everyone`` in the default guild.
DEFAULT_EVERYONE_PERMISSIONS = (
    PERM_CREATE_INSTANT_INVITE
    | PERM_ADD_REACTIONS
    | PERM_VIEW_CHANNEL
    | PERM_SEND_MESSAGES
    | PERM_EMBED_LINKS
    | PERM_ATTACH_FILES
    | PERM_READ_MESSAGE_HISTORY
    | PERM_USE_EXTERNAL_EMOJIS
    | PERM_CHANGE_NICKNAME
    | PERM_USE_APPLICATION_COMMANDS
    | PERM_SEND_MESSAGES_IN_THREADS
)
#: Permissions of the bot's managed role in every guild.
DEFAULT_BOT_PERMISSIONS = DEFAULT_EVERYONE_PERMISSIONS | PERM_MENTION_EVERYONE
#: What ``forbidden_channels`` deny to the bot (also shown as a channel overwrite).
FORBIDDEN_DENY = PERM_SEND_MESSAGES | PERM_ATTACH_FILES | PERM_EMBED_LINKS

DEFAULT_UPLOAD_LIMIT = 10 * 1024 * 1024
#: What Discord takes a file in a server boosted to level 2 or 3 (``premium_tier``); below
#: that, and in DMs, the fake's ``upload_limit`` (Discord's base 10 MiB unless a test lowers it).
BOOSTED_UPLOAD_LIMITS: Mapping[int, int] = {2: 50 * 1024 * 1024, 3: 100 * 1024 * 1024}
#: How long a signed CDN link works (its ``ex``), and what the CDN answers after that.
CDN_LINK_LIFETIME = 24 * 3600
CDN_EXPIRED_TEXT = "This content is no longer available."
#: A message returned (an answer, an event) carries links good for at least this long: a
#: stored link closer to its ``ex`` is signed afresh, one further from it is returned as is
#: (the same message read twice in a row gives the same links, as the bot's tests expect).
CDN_LINK_RENEWED_WITHIN = 3600
MAX_CONTENT_LENGTH = 2000
MAX_EMBEDS = 10
#: Discord's embed limits (https://discord.com/developers/docs/resources/message#embed-limits).
EMBED_FIELD_LIMITS = {
    "title": 256,
    "description": 4096,
    "footer.text": 2048,
    "author.name": 256,
}
MAX_EMBED_FIELDS = 25
MAX_EMBED_FIELD_NAME = 256
MAX_EMBED_FIELD_VALUE = 1024
#: All embeds of a message together: titles, descriptions, fields, footers, author names.
MAX_EMBED_TOTAL = 6000
SESSION_BUFFER_SIZE = 1000

_USER_MENTION_RE = re.compile(r"<@!?(\d+)>")
_ROLE_MENTION_RE = re.compile(r"<@&(\d+)>")
_ROLE_MENTION_RE = re.compile(r"<@&(\d+)>")
_FILE_FIELD_RE = re.compile(r"^files?\[(\d+)\]$")


class FakeDiscordError(Exception):
    """A Discord-style API error raised inside a route handler (turned into a JSON response)."""

    def __init__(self, status: int, code: int, message: str, *, errors: Json | None = None) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors

    def body(self) -> Json:
        """The JSON body Discord would send for this error."""
        body: Json = {"code": self.code, "message": self.message}
        if self.errors is not None:
            body["errors"] = self.errors
        return body


def _form_error(path: str, code: str, message: str) -> FakeDiscordError:
    """A ``50035 Invalid Form Body`` error for one field (``path`` like ``"content"``)."""
    errors: Json = {"_errors": [{"code": code, "message": message}]}
    for part in reversed(path.split(".")):
        errors = {part: errors}
    return FakeDiscordError(400, 50035, "Invalid Form Body", errors=errors)


def _too_long(path: str, limit: int) -> FakeDiscordError:
    """A ``50035`` error: more than ``limit`` characters (or items) at ``path``."""
    return _form_error(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")


def _embed_text(embed: Json, path: str) -> str:
    value: Any = embed
    for part in path.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    return str(value) if value is not None else ""


def _check_embed(index: int, embed: Json) -> int:
    """Discord's per-embed limits (400 ``50035``); returns the embed's counted characters."""
    size = 0
    for path, limit in EMBED_FIELD_LIMITS.items():
        text = _embed_text(embed, path)
        if len(text) > limit:
            raise _too_long(f"embeds.{index}.{path}", limit)
        size += len(text)
    fields = list(embed.get("fields") or [])
    if len(fields) > MAX_EMBED_FIELDS:
        raise _too_long(f"embeds.{index}.fields", MAX_EMBED_FIELDS)
    for number, item in enumerate(fields):
        for key, limit in (("name", MAX_EMBED_FIELD_NAME), ("value", MAX_EMBED_FIELD_VALUE)):
            text = str(item.get(key) or "")
            if len(text) > limit:
                raise _too_long(f"embeds.{index}.fields.{number}.{key}", limit)
            size += len(text)
    return size


def _check_components(payload: Mapping[str, Any], flags: int, attachments: Sequence[Json]) -> None:
    """Discord's component rules (400 ``50035`` naming the field), see `tests.fakes.components`."""
    try:
        check_message(payload, flags=flags, filenames=[str(a["filename"]) for a in attachments])
    except ComponentError as error:
        raise _form_error(error.path, error.code, error.message) from None


def _iso(ts: float) -> str:
    """Discord's ISO-8601 timestamp format for a UNIX timestamp."""
    return datetime.fromtimestamp(ts, UTC).isoformat()


def _dumps(data: Any) -> str:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


def _json_response(
    data: Any, status: int = 200, headers: Mapping[str, str] | None = None
) -> web.Response:
    """A JSON response whose Content-Type is exactly ``application/json``.

    discord.py only decodes bodies whose Content-Type equals ``application/json`` (no charset).
    """
    return web.Response(
        body=_dumps(data).encode(),
        status=status,
        headers=headers,
        content_type="application/json",
    )


@dataclass
class RecordedFile:
    """One uploaded file of a multipart request."""

    field: str
    filename: str
    content_type: str
    data: bytes

    @property
    def size(self) -> int:
        """Number of bytes uploaded."""
        return len(self.data)


class _ReceiptStampingHandler(RequestHandler):
    """aiohttp's connection handler, noting when bytes were last read off the connection."""

    received_at = 0.0

    def data_received(self, data: bytes) -> None:
        if data:  # aiohttp calls it with none of its own accord when a handler reads the body
            self.received_at = time.monotonic()
        super().data_received(data)


class _ReceiptStampingServer(web.Server):
    """aiohttp's server, its connections handled by :class:`_ReceiptStampingHandler`."""

    def __call__(self) -> RequestHandler:
        return _ReceiptStampingHandler(self, loop=self._loop, **self._kwargs)


def cpu_wait() -> float:
    """Seconds the calling thread has been ready to run but waiting for a CPU (Linux's
    schedstat run delay); 0.0 where the kernel does not keep it."""
    try:
        with open("/proc/thread-self/schedstat", "rb") as stats:
            return int(stats.read().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return 0.0


def _received_at(request: web.Request) -> float:
    """When the request's bytes (so far) were last read: a client sends its next request on a
    connection only after the answer, so that read belongs to this request."""
    return getattr(request.protocol, "received_at", 0.0) or time.monotonic()


@dataclass
class RecordedRequest:
    """One REST request the bot made (and the fake's answer)."""

    method: str
    #: Path relative to ``/api/v10`` (e.g. ``/channels/1/messages``); full path for non-API URLs.
    path: str
    #: The full URL path as requested (e.g. ``/api/v10/channels/1/messages``).
    url_path: str
    query: dict[str, str]
    headers: dict[str, str]
    #: The JSON body (``None`` if the body was not JSON).
    json: Any = None
    #: Non-file multipart fields (``payload_json`` stays here as a string as well).
    form: dict[str, str] = field(default_factory=dict)
    files: list[RecordedFile] = field(default_factory=list)
    raw: bytes = b""
    #: ``time.monotonic()`` when the fake began handling the request (not shifted by
    #: ``advance_clock``).
    time: float = 0.0
    #: ``time.monotonic()`` when the request's last bytes were read off its connection. Under a
    #: burst the fake, one Python process doing the work of Discord's many edge servers, handles
    #: requests one after another, so ``time`` includes its own queue; this does not.
    received: float = 0.0
    status: int = 0
    response: Any = None

    @property
    def payload(self) -> Any:
        """The logical JSON payload: the JSON body or the multipart ``payload_json`` field."""
        if self.json is not None:
            return self.json
        raw = self.form.get("payload_json")
        return json.loads(raw) if raw is not None else None


@dataclass
class ScriptedFault:
    """A fault installed with :meth:`FakeDiscord.fail_next`."""

    method: str
    pattern: re.Pattern[str]
    status: int
    code: int
    message: str
    times: int
    retry_after: float | None = None
    # Cloudflare's answer to an address it blocks for a while, not Discord's own 429.
    blocked: bool = False
    # The connection closed with no answer at all (a reset on the way).
    dropped: bool = False
    # The request was done, then the connection closed before its answer (a reset on the way
    # back): the client cannot tell it from one never made.
    answer_lost: bool = False
    # Answered as usual, but only once this is set (Discord slow to answer).
    held: asyncio.Event | None = None
    hits: int = 0

    def matches(self, method: str, path: str, url_path: str) -> bool:
        """Whether the fault applies to a request."""
        if self.hits >= self.times:
            return False
        if self.method not in ("*", method.upper()):
            return False
        return bool(self.pattern.search(path) or self.pattern.search(url_path))


@dataclass
class FakeAttachment:
    """An attachment a member "uploaded" (served by the fake's CDN at :attr:`url`)."""

    id: int
    filename: str
    data: bytes
    content_type: str
    url: str
    width: int | None = None
    height: int | None = None
    description: str | None = None

    @property
    def size(self) -> int:
        """Size in bytes."""
        return len(self.data)

    def option(self, name: str) -> Json:
        """The ATTACHMENT (type 11) command option referring to this attachment."""
        return {"name": name, "type": 11, "value": str(self.id)}

    def to_payload(self) -> Json:
        """The Discord attachment object (as found in ``resolved.attachments``/messages)."""
        payload: Json = {
            "id": str(self.id),
            "filename": self.filename,
            "size": self.size,
            "url": self.url,
            "proxy_url": self.url,
            "content_type": self.content_type,
            "width": self.width,
            "height": self.height,
            "ephemeral": True,
            "placeholder": "",
            "flags": 0,
        }
        if self.description is not None:
            payload["description"] = self.description
        return payload


@dataclass(eq=False)
class FakeInteraction:
    """Handle on a dispatched interaction: its callback(s), original response and follow-ups."""

    id: int
    token: str
    type: int
    payload: Json
    channel_id: int
    guild_id: int | None
    user_id: int
    dispatched_at: float
    fake: FakeDiscord = field(repr=False)
    #: Accepted callback bodies (normally exactly one).
    callbacks: list[Json] = field(default_factory=list)
    #: Rejected callback attempts as ``(status, error_body)``.
    rejected_callbacks: list[tuple[int, Json]] = field(default_factory=list)
    response_type: int | None = None
    original_message_id: int | None = None
    #: Messages created through the follow-up webhook (a follow-up that replaced a deferral's
    #: loading message is listed here too; it has the same id as the original response).
    followup_message_ids: list[int] = field(default_factory=list)
    original_deleted: bool = False
    modal: Json | None = None
    #: Id of the message a component/modal interaction was attached to.
    source_message_id: int | None = None
    #: Discord makes every response ephemeral (the guild blocks external apps for the member).
    ephemeral_only: bool = False
    #: Follow-ups created (a follow-up that replaced a deferral's loading message included).
    followup_posts: int = 0
    #: :attr:`FakeDiscord.cpu_wait` when dispatched: its ack deadline leaves out what follows.
    cpu_wait_at_dispatch: float = 0.0

    @property
    def user_install_only(self) -> bool:
        """Whether only a user install authorized it (Discord then allows 5 follow-ups)."""
        owners = self.payload.get("authorizing_integration_owners") or {}
        return set(owners) == {USER_INSTALL}

    @property
    def acknowledged(self) -> bool:
        """Whether a callback was accepted."""
        return self.response_type is not None

    @property
    def callback(self) -> Json | None:
        """The accepted callback body (``{"type": ..., "data": ...}``), if any."""
        return self.callbacks[0] if self.callbacks else None

    @property
    def deferred(self) -> bool:
        """Whether the interaction was acknowledged with a type 5 or 6 deferral."""
        return self.response_type in (
            CALLBACK_DEFERRED_CHANNEL_MESSAGE,
            CALLBACK_DEFERRED_UPDATE_MESSAGE,
        )

    @property
    def ephemeral(self) -> bool:
        """Whether the callback asked for an ephemeral response."""
        cb = self.callback
        return bool(cb and int((cb.get("data") or {}).get("flags") or 0) & FLAG_EPHEMERAL)

    @property
    def original_message(self) -> Json | None:
        """The current state of the original response message, if any."""
        if self.original_message_id is None or self.original_deleted:
            return None
        return self.fake.get_message(self.original_message_id)

    @property
    def followups(self) -> list[Json]:
        """Current state of every follow-up message (deleted ones are skipped)."""
        found = (self.fake.get_message(mid) for mid in self.followup_message_ids)
        return [m for m in found if m is not None]

    async def wait_for_callback(self, timeout: float = 15.0) -> Json:  # noqa: ASYNC109
        """Wait until a callback has been accepted and return its body."""
        return await self.fake.wait_for(
            lambda: self.callback, timeout, description=f"a callback for interaction {self.id}"
        )

    async def _wait_for_nth(
        self,
        messages: Callable[[], list[Json]],
        count: int,
        timeout: float,  # noqa: ASYNC109
        what: str,
    ) -> Json:
        """Wait until ``messages()`` holds ``count`` messages and return the ``count``-th."""

        def check() -> Json | None:
            found = messages()
            return found[count - 1] if len(found) >= count else None

        return await self.fake.wait_for(
            check, timeout, description=f"{what} #{count} of interaction {self.id}"
        )

    async def wait_for_followup(self, count: int = 1, timeout: float = 15.0) -> Json:  # noqa: ASYNC109
        """Wait for the ``count``-th follow-up message and return it."""
        return await self._wait_for_nth(lambda: self.followups, count, timeout, "follow-up")

    @property
    def answers(self) -> list[Json]:
        """What the user read, in order: an immediate response's message, then follow-ups."""
        immediate = (
            [self.original_message]
            if self.response_type == CALLBACK_CHANNEL_MESSAGE and self.original_message is not None
            else []
        )
        return [*immediate, *self.followups]

    async def wait_for_answer(self, count: int = 1, timeout: float = 15.0) -> Json:  # noqa: ASYNC109
        """Wait for the ``count``-th answer: an immediate response or a follow-up after a defer."""
        return await self._wait_for_nth(lambda: self.answers, count, timeout, "answer")

    async def wait_for_private_answer(self, count: int = 1, timeout: float = 15.0) -> str:  # noqa: ASYNC109
        """The ``count``-th answer's text, which only the user who asked can read."""
        answer = await self.wait_for_answer(count, timeout)
        assert int(answer.get("flags") or 0) & FLAG_EPHEMERAL, "answered privately"
        return str(answer["content"])

    async def wait_for_original(
        self,
        predicate: Callable[[Json], bool] | None = None,
        timeout: float = 15.0,  # noqa: ASYNC109
    ) -> Json:
        """Wait until the original response exists (and satisfies ``predicate``)."""

        def check() -> Json | None:
            msg = self.original_message
            if msg is None or (predicate is not None and not predicate(msg)):
                return None
            return msg

        return await self.fake.wait_for(
            check, timeout, description=f"the original response of interaction {self.id}"
        )


# Events about a guild itself carry its id as ``id``; every other guild event as ``guild_id``.
_GUILD_OBJECT_EVENTS = frozenset({"GUILD_CREATE", "GUILD_UPDATE", "GUILD_DELETE"})


def shard_of(guild_id: int, shard_count: int) -> int:
    """The shard Discord puts a guild on."""
    return (guild_id >> 22) % shard_count


def _event_guild(event: str, data: Json) -> int | None:
    """The guild an event is about (its shard receives it); None for DMs and the like."""
    raw = data.get("id") if event in _GUILD_OBJECT_EVENTS else data.get("guild_id")
    return int(raw) if raw is not None else None


@dataclass
class _Session:
    session_id: str
    intents: int
    token: str
    shard: list[int]
    seq: int = 0
    buffer: list[Json] = field(default_factory=list)

    def owns(self, guild_id: int | None) -> bool:
        """Whether this session's shard gets the guild's events (DMs go to shard 0)."""
        shard_id, shard_count = self.shard
        if guild_id is None:
            return shard_id == 0
        return shard_of(guild_id, shard_count) == shard_id


class _GatewayConnection:
    """One websocket connection from a client."""

    def __init__(self, ws: web.WebSocketResponse, query: Mapping[str, str]) -> None:
        self.ws = ws
        self.query = dict(query)
        self.compress = query.get("compress")
        self._zlib = zlib.compressobj() if self.compress == "zlib-stream" else None
        self._lock = asyncio.Lock()
        self.session: _Session | None = None
        self.ready = False
        self.received: list[Json] = []

    @property
    def open(self) -> bool:
        return not self.ws.closed

    async def send(self, frame: Json) -> None:
        """Send a frame, compressed with zlib-stream when the client asked for it."""
        text = _dumps(frame)
        async with self._lock:
            if self.ws.closed:
                raise ConnectionResetError("gateway connection is closed")
            if self._zlib is not None:
                data = self._zlib.compress(text.encode()) + self._zlib.flush(zlib.Z_SYNC_FLUSH)
                await self.ws.send_bytes(data)
            else:
                # zstd-stream (or no compression): plain text frames, which discord.py accepts.
                await self.ws.send_str(text)


@dataclass
class _Guild:
    id: int
    name: str
    owner_id: int
    roles: list[Json] = field(default_factory=list)
    channel_ids: list[int] = field(default_factory=list)
    thread_ids: list[int] = field(default_factory=list)  # active threads, as in GUILD_CREATE
    members: dict[int, Json] = field(default_factory=dict)
    joined_at: str = ""
    preferred_locale: str = "en-US"
    # Server boost level (0-3): Discord sends it in the guild object.
    premium_tier: int = 0
    # The users banned from it (GET /guilds/{id}/bans/{user_id}).
    bans: set[int] = field(default_factory=set)
    # Its audit log's entries, oldest first (GET /guilds/{id}/audit-logs): bans and unbans.
    audit_log: list[Json] = field(default_factory=list)


class FakeDiscord:
    """An in-process fake of Discord's REST API and gateway.

    Use as ``async with FakeDiscord() as fake: ...``.  A default guild (``fake.guild_id``) with a
    text channel (``fake.channel_id``), a member (``fake.user_id``, "alice"), the guild owner
    (``fake.owner_id``) and the bot's member is created up front.

    Shards work as on Discord: a session identified with ``shard: [i, n]`` hears only of the
    guilds with ``(guild_id >> 22) % n == i`` (:meth:`add_guild_on_shard` makes one), and a
    guild's events go to every live session of its shard; DMs go to shard 0.
    """

    def __init__(
        self,
        *,
        bot_user_id: int | None = None,
        application_id: int | None = None,
        bot_name: str = "TestBot",
        token: str | None = None,
        guild_name: str = "Test Guild",
        channel_name: str = "general",
        member_name: str = "alice",
        heartbeat_interval_ms: int = 41250,
        ack_deadline: float = 3.0,
        token_lifetime: float = 900.0,
        upload_limit: int = DEFAULT_UPLOAD_LIMIT,
        host: str = "127.0.0.1",
        port: int = 0,
        validate_requests: bool = True,
        clock_ahead: float = 0.0,
    ) -> None:
        """Configure the fake; nothing listens until :meth:`start` / ``__aenter__``.

        ``token``: if given, REST calls and IDENTIFY must carry it (else 401 / close 4004).
        ``validate_requests``: check every REST request against Discord's published OpenAPI
        description (:mod:`tests.fakes.discord_openapi`); a request that does not conform is
        recorded in :attr:`spec_violations` and answered ``400 50035``.
        ``clock_ahead``: seconds Discord's clock runs ahead of this host's (negative: behind).
        """
        self._last_snowflake = 0
        #: Seconds Discord's clock runs ahead of this host's (negative: behind), as the time in
        #: its ids (snowflakes) and its answers' ``Date`` header read it.
        self.clock_ahead = clock_ahead
        self.host = host
        self.port = port
        self.token = token
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.ack_deadline = ack_deadline
        #: Time this process waited for a CPU, left out of ack deadlines (tests may replace it).
        self.cpu_wait: Callable[[], float] = cpu_wait
        self.token_lifetime = token_lifetime
        self.upload_limit = upload_limit
        self.validate_requests = validate_requests
        if validate_requests:
            load_spec()  # parse the pinned spec now rather than during the first request
        #: Channels where the bot gets ``403 50013 Missing Permissions`` when posting.
        self.forbidden_channels: set[int] = set()
        #: Users whose DMs are closed (``403 50007`` when the bot messages them).
        self.dm_blocked_users: set[int] = set()
        #: Per guild, the words its AutoMod keyword rule blocks (:meth:`automod_blocks`).
        self.automod_words: dict[int, set[str]] = {}
        #: Guilds the bot never joined (a user install brings it there): ``403 50001``.
        self.foreign_guilds: set[int] = set()
        #: Of those, servers that installed the bot's commands alone (no bot member): their
        #: interactions name the server's install.
        self.commands_only_guilds: set[int] = set()
        #: Guilds in an outage: listed unavailable in READY, their GUILD_CREATE never sent.
        self.outage_guilds: set[int] = set()
        #: Guilds that block external apps for members: responses there are made ephemeral.
        self.external_apps_blocked: set[int] = set()
        #: Interaction webhook calls made with an expired token (Discord answers them 401 and
        #: counts them toward an IP ban): a bot should make none.
        self.expired_webhook_calls: list[RecordedRequest] = []
        #: Rate-limit headers put on every API response.
        self.rate_limit_limit = 5
        self.rate_limit_remaining = 4
        self.rate_limit_reset_after = 1.0
        #: Whether to answer heartbeats (set False to simulate a zombie connection).
        self.ack_heartbeats = True
        #: Whether RESUME is accepted for known sessions (else INVALID_SESSION false).
        self.allow_resume = True
        #: Echo the bot's own non-ephemeral messages back as MESSAGE_CREATE/UPDATE/DELETE.
        self.echo_bot_messages = True
        self.application_flags = 0
        #: Whether the application's Message Content Intent is switched on in the developer
        #: portal: an IDENTIFY asking for it without is closed with 4014, as Discord does.
        self.message_content_enabled = True
        #: The shard count ``GET /gateway/bot`` recommends (what a client without one uses).
        self.recommended_shards = 1
        #: Shards whose IDENTIFY is never answered (no READY, no close): they never connect.
        self.unanswered_shards: set[int] = set()

        #: Every REST request, in arrival order.
        self.requests: list[RecordedRequest] = []
        #: Every way a REST request did not conform to Discord's OpenAPI spec, as
        #: ``"METHOD /path: where: what"`` (only with ``validate_requests``).
        self.spec_violations: list[str] = []
        #: IDENTIFY payloads (``d``) received, in order.
        self.identify_payloads: list[Json] = []
        #: RESUME payloads (``d``) received, in order.
        self.resume_payloads: list[Json] = []
        #: PRESENCE_UPDATE payloads (``d``) received, in order.
        self.presence_updates: list[Json] = []
        #: Every frame received from any client, in order.
        self.gateway_received: list[Json] = []
        #: Every DISPATCH frame sent, in order (including READY / GUILD_CREATE).
        self.gateway_dispatched: list[Json] = []
        #: The same frames with the ``(shard_id, shard_count)`` of the session each went to.
        self.gateway_dispatched_to: list[tuple[tuple[int, int], Json]] = []
        #: Query string of every gateway connection (e.g. ``v``, ``encoding``, ``compress``).
        self.gateway_connect_queries: list[dict[str, str]] = []
        #: Close code of every finished gateway connection: the code of the client's close frame
        #: (1000 = the client closed cleanly) or, if the fake closed first, the fake's code.
        self.gateway_close_codes: list[int | None] = []
        #: Seconds during which a repeated ``enforce_nonce`` send returns the first message.
        self.nonce_window = 300.0
        self._nonces: dict[tuple[int, str], tuple[int, float]] = {}
        #: Number of successful handshakes (READY or RESUMED sent).
        self.handshakes = 0
        #: Messages deleted by the bot (final state before deletion).
        self.deleted_messages: list[Json] = []
        #: Interactions created by the helpers, by id.
        self.interactions: dict[int, FakeInteraction] = {}
        self.faults: list[ScriptedFault] = []

        self._clock_offset = 0.0
        self._waiters: list[asyncio.Future[None]] = []
        self._connections: list[_GatewayConnection] = []
        self._sessions: dict[str, _Session] = {}
        # Identified or resumed sessions, least recent first (events wait in the last of a shard).
        self._session_order: list[_Session] = []
        self._users: dict[int, Json] = {}
        self._guilds: dict[int, _Guild] = {}
        self._channels: dict[int, Json] = {}
        # Who was added to each thread (its creator first): Discord shows a private thread
        # only to them and to members with Manage Threads.
        self._thread_members: dict[int, set[int]] = {}
        self._dm_channels: dict[int, int] = {}
        self._messages: dict[int, Json] = {}
        self._channel_messages: dict[int, list[int]] = {}
        self._ephemeral_owner: dict[int, int] = {}
        self._blobs: dict[int, tuple[str, bytes]] = {}
        self._commands: dict[int | None, list[Json]] = {}
        self._command_ids: dict[tuple[int | None, str, int], int] = {}
        self._live_requests: dict[int, RecordedRequest] = {}
        self._runner: web.AppRunner | None = None
        self._base_url = ""

        self.bot_user_id = bot_user_id or self._next_id()
        self.application_id = application_id or self.bot_user_id
        self.bot_name = bot_name
        self._users[self.bot_user_id] = self._make_user(self.bot_user_id, bot_name, bot=True)
        self.owner_id = self.add_user("guild-owner")
        self.guild_id = self.add_guild(guild_name, owner_id=self.owner_id, channel_name=None)
        self.channel_id = self.add_text_channel(channel_name)
        self.user_id = self.add_member(member_name)

    # ------------------------------------------------------------------ lifecycle

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def start(self) -> None:
        """Start listening on ``host``:``port`` (port 0 = a random free port)."""
        app = web.Application(middlewares=[self._middleware], client_max_size=1024**3)
        app.on_response_prepare.append(self._date_header)
        self._add_routes(app)
        runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=1.0)
        await runner.setup()
        assert runner.server is not None
        runner.server.__class__ = _ReceiptStampingServer
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        self.port = sock.getsockname()[1]
        site = web.SockSite(runner, sock)
        await site.start()
        self._runner = runner
        self._base_url = f"http://{self.host}:{self.port}"

    async def stop(self) -> None:
        """Close every websocket (code 1001) and stop the server."""
        for conn in list(self._connections):
            with contextlib.suppress(Exception):
                await asyncio.wait_for(conn.ws.close(code=1001, message=b"going away"), 2.0)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>`` (only valid once started)."""
        if not self._base_url:
            raise RuntimeError("FakeDiscord is not started")
        return self._base_url

    @property
    def api_base(self) -> str:
        """Value for ``discord.http.Route.BASE``: ``<base_url>/api/v10``."""
        return f"{self.base_url}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        """Value for ``DiscordWebSocket.DEFAULT_GATEWAY``: ``ws://127.0.0.1:<port>/gateway``."""
        return f"ws://{self.host}:{self.port}/gateway"

    # ------------------------------------------------------------------ clock & ids

    async def _date_header(self, request: web.Request, response: web.StreamResponse) -> None:
        """Every answer's ``Date``, by Discord's clock (`clock_ahead`)."""
        response.headers[hdrs.DATE] = email.utils.formatdate(
            time.time() + self.clock_ahead, usegmt=True
        )

    def now(self) -> float:
        """The fake's monotonic clock (``time.monotonic()`` + :meth:`advance_clock` offset)."""
        return time.monotonic() + self._clock_offset

    def advance_clock(self, seconds: float) -> None:
        """Pretend ``seconds`` passed (for ack deadlines, webhook token and CDN link expiry)."""
        self._clock_offset += seconds

    def _next_id(self) -> int:
        candidate = (int((time.time() + self.clock_ahead) * 1000) - DISCORD_EPOCH_MS) << 22
        self._last_snowflake = max(candidate, self._last_snowflake + 1)
        return self._last_snowflake

    def new_snowflake(self) -> int:
        """A fresh, strictly increasing snowflake with a realistic timestamp."""
        return self._next_id()

    def snowflake_on_shard(self, shard_id: int, shard_count: int) -> int:
        """A fresh snowflake that, as a guild id, lands on ``shard_id`` of ``shard_count``.

        Discord puts a guild on shard ``(guild_id >> 22) % shard_count``: the timestamp part
        is moved forward (at most ``shard_count - 1`` ms) until it fits.
        """
        if not 0 <= shard_id < shard_count:
            raise ValueError(f"shard {shard_id} is not one of {shard_count}")
        candidate = self._next_id()
        stamp = candidate >> 22
        if stamp % shard_count == shard_id:
            return candidate
        self._last_snowflake = (stamp + (shard_id - stamp) % shard_count) << 22
        return self._last_snowflake

    # ------------------------------------------------------------------ waiting

    def _notify(self) -> None:
        waiters, self._waiters = self._waiters, []
        for fut in waiters:
            if not fut.done():
                fut.set_result(None)

    async def wait_for(
        self,
        predicate: Callable[[], T | None],
        timeout: float = 15.0,  # noqa: ASYNC109
        *,
        description: str = "condition",
        poll_interval: float = 0.01,
    ) -> T:
        """Wait until ``predicate()`` returns something truthy and return it.

        The predicate is re-evaluated whenever the fake's state changes (a request arrives, a
        message is stored, a gateway frame is received ...) and, for predicates that look at
        state outside the fake (e.g. the in-process bot), at least every ``poll_interval`` s.
        Raises ``TimeoutError`` (with the last few requests in the message).

        The interval doubles up to 0.1 s while nothing is found: a crowd of waiters (200
        members' answers) must not spend the CPU the bot under test needs on looking.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        interval = poll_interval
        while True:
            result = predicate()
            if result:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                recent = ", ".join(f"{r.method} {r.path} -> {r.status}" for r in self.requests[-8:])
                raise TimeoutError(
                    f"timed out after {timeout}s waiting for {description}; "
                    f"last requests: [{recent}]"
                )
            # A bare future and a timer: `asyncio.wait` costs several times as much a look, and
            # 200 waiters look again at every request the fake receives.
            fut: asyncio.Future[None] = loop.create_future()
            self._waiters.append(fut)
            timer = loop.call_later(min(remaining, interval), _wake, fut)
            try:
                await fut
            finally:
                timer.cancel()
                fut.cancel()
            interval = min(interval * 2, max(poll_interval, _LONGEST_POLL_INTERVAL))

    async def wait_for_connection(
        self,
        timeout: float = 15.0,  # noqa: ASYNC109
        *,
        handshakes: int = 1,
    ) -> None:
        """Wait for a live, identified (or resumed) gateway connection.

        ``handshakes``: total number of READY/RESUMED handshakes to wait for (use 2 to wait for
        the reconnect after :meth:`disconnect_all`).
        """
        await self.wait_for(
            lambda: self.handshakes >= handshakes and self._active_connection() is not None,
            timeout,
            description=f"gateway handshake #{handshakes}",
        )

    async def wait_for_request(
        self,
        method: str | None = None,
        path_regex: str | None = None,
        *,
        predicate: Callable[[RecordedRequest], bool] | None = None,
        after: int = 0,
        timeout: float = 15.0,  # noqa: ASYNC109
    ) -> RecordedRequest:
        """Wait for the first answered request (index >= ``after``) matching the filters.

        ``path_regex`` is searched in the API-relative path and in the full URL path.
        Use ``len(fake.requests)`` as ``after`` to only consider future requests.
        """
        pattern = re.compile(path_regex) if path_regex is not None else None

        def check() -> RecordedRequest | None:
            for req in self.requests[after:]:
                if req.status == 0:
                    continue
                if method is not None and req.method != method.upper():
                    continue
                if pattern is not None and not (
                    pattern.search(req.path) or pattern.search(req.url_path)
                ):
                    continue
                if predicate is not None and not predicate(req):
                    continue
                return req
            return None

        return await self.wait_for(
            check, timeout, description=f"request {method or '*'} {path_regex or '*'}"
        )

    async def wait_for_message(
        self,
        channel_id: int | None = None,
        predicate: Callable[[Json], bool] | None = None,
        *,
        after: int | None = None,
        from_bot: bool = True,
        timeout: float = 15.0,  # noqa: ASYNC109
    ) -> Json:
        """Wait for the oldest stored message in ``channel_id`` matching the filters.

        ``after``: only messages with a larger id;
        ``from_bot``: only messages authored by the bot (default).  The predicate sees the
        message's current state, so it can also wait for an edit.
        """
        cid = channel_id if channel_id is not None else self.channel_id

        def check() -> Json | None:
            for msg in self.messages(cid):
                if after is not None and int(msg["id"]) <= after:
                    continue
                if from_bot and int(msg["author"]["id"]) != self.bot_user_id:
                    continue
                if predicate is not None and not predicate(msg):
                    continue
                return msg
            return None

        return await self.wait_for(check, timeout, description=f"a message in channel {cid}")

    # ------------------------------------------------------------------ scripted faults

    def fail_next(
        self,
        method: str,
        path_regex: str,
        status: int = 500,
        code: int = 0,
        message: str = "Internal Server Error",
        times: int = 1,
        *,
        retry_after: float | None = None,
    ) -> ScriptedFault:
        """Make the next ``times`` matching requests fail with ``status`` and ``{code, message}``.

        ``method`` may be ``"*"``.  For ``status=429`` pass ``retry_after`` (seconds): the reply
        then carries the headers discord.py needs to treat it as a real rate limit and retry.
        Note that discord.py retries 500/502/504 itself after sleeping 1 s, 3 s, ...
        """
        return self._script(
            ScriptedFault(
                method=method.upper(),
                pattern=re.compile(path_regex),
                status=status,
                code=code,
                message=message,
                times=times,
                retry_after=retry_after,
            )
        )

    def drop_next(self, method: str, path_regex: str, times: int = 1) -> ScriptedFault:
        """Close the connection of the next ``times`` matching requests without an answer (the
        request was received: it is recorded, and nothing it asked for is done)."""
        pattern = re.compile(path_regex)
        return self._script(ScriptedFault(method.upper(), pattern, 0, 0, "", times, dropped=True))

    def lose_answer_next(
        self, method: str, path_regex: str, times: int = 1, *, status: int = 0
    ) -> ScriptedFault:
        """Do the next ``times`` matching requests, then close their connection before the
        answer (the change is made; the client sees a dropped connection); with ``status``,
        answer that instead (a 502 or 504 from Discord's edge, which gave up waiting on a
        request that went through all the same)."""
        pattern = re.compile(path_regex)
        message = "Bad Gateway" if status else ""
        fault = ScriptedFault(method.upper(), pattern, status, 0, message, times, answer_lost=True)
        return self._script(fault)

    def hold_next(self, method: str, path_regex: str, times: int = 1) -> ScriptedFault:
        """Answer the next ``times`` matching requests as usual, but only once the returned
        fault's ``held`` event is set (Discord slow to answer)."""
        pattern = re.compile(path_regex)
        return self._script(
            ScriptedFault(method.upper(), pattern, 0, 0, "", times, held=asyncio.Event())
        )

    def block_address(self, times: int = 1) -> ScriptedFault:
        """Answer the next ``times`` REST requests as Cloudflare answers an address that made too
        many invalid requests (for up to an hour): 429 with a text page, no JSON, no ``Via``.
        discord.py raises those at once rather than waiting them out."""
        page = "error code: 1015"
        return self._script(ScriptedFault("*", re.compile(""), 429, 0, page, times, blocked=True))

    def _script(self, fault: ScriptedFault) -> ScriptedFault:
        self.faults.append(fault)
        return fault

    # ------------------------------------------------------------------ world building

    def _make_user(self, user_id: int, username: str, *, bot: bool = False) -> Json:
        user: Json = {
            "id": str(user_id),
            "username": username,
            "global_name": None if bot else username.title(),
            "discriminator": "0",
            "avatar": None,
            "avatar_decoration_data": None,
            "banner": None,
            "accent_color": None,
            "public_flags": 0,
            "flags": 0,
            "bot": bot,
            "system": False,
            "primary_guild": None,
            "collectibles": None,
        }
        return user

    def add_user(self, username: str, *, user_id: int | None = None, bot: bool = False) -> int:
        """Register a user (not a guild member) and return its id."""
        uid = user_id or self._next_id()
        self._users[uid] = self._make_user(uid, username, bot=bot)
        return uid

    def user(self, user_id: int) -> Json:
        """The user object for ``user_id`` (a minimal one is invented for unknown ids)."""
        if user_id not in self._users:
            self._users[user_id] = self._make_user(user_id, f"user{user_id}")
        return self._users[user_id]

    def add_guild(
        self,
        name: str,
        *,
        guild_id: int | None = None,
        owner_id: int | None = None,
        channel_name: str | None = "general",
        everyone_permissions: int = DEFAULT_EVERYONE_PERMISSIONS,
        bot_permissions: int = DEFAULT_BOT_PERMISSIONS,
        bot_member: bool = True,
        commands_only: bool = False,
    ) -> int:
        """Add a guild (with ``@everyone``, the bot's role and the bot's member); return its id.

        Guilds added after the bot connected are only announced with :meth:`send_guild_create`.
        ``bot_member=False``: a guild that never added the bot (only members' user installs
        reach it): never announced, and its channels refuse the bot's token.
        ``commands_only=True``: a server that installed the bot's commands alone (scope
        ``applications.commands``): no bot member either, but its interactions name the
        server's install.
        """
        bot_member = bot_member and not commands_only
        gid = guild_id or self._next_id()
        owner = owner_id or self.owner_id
        guild = _Guild(id=gid, name=name, owner_id=owner, joined_at=_iso(time.time()))
        guild.roles.append(self._make_role(gid, "@everyone", everyone_permissions, position=0))
        bot_role = self._make_role(self._next_id(), self.bot_name, bot_permissions, position=1)
        bot_role["managed"] = True
        bot_role["tags"] = {"bot_id": str(self.bot_user_id)}
        self._guilds[gid] = guild
        if bot_member:
            guild.roles.append(bot_role)
            self._add_member_to(guild, self.bot_user_id, roles=[int(bot_role["id"])])
        else:
            self.foreign_guilds.add(gid)
        if commands_only:
            self.commands_only_guilds.add(gid)
        self._add_member_to(guild, owner, roles=[])
        if channel_name is not None:
            self.add_text_channel(channel_name, guild_id=gid)
        return gid

    async def remove_bot(self, guild_id: int | None = None) -> None:
        """The server kicks or bans the bot (or is deleted): the bot is told with GUILD_DELETE
        (no ``unavailable``: not an outage), and its token reaches the server no more."""
        guild = self._guild(guild_id)
        guild.members.pop(self.bot_user_id, None)
        self.foreign_guilds.add(guild.id)
        await self.dispatch("GUILD_DELETE", {"id": str(guild.id)})

    async def add_bot_back(self, guild_id: int | None = None) -> None:
        """A server that removed the bot (:meth:`remove_bot`) invites it again: the bot is a
        member with its managed role once more, and is told with GUILD_CREATE."""
        guild = self._guild(guild_id)
        self._add_member_to(guild, self.bot_user_id, roles=[self.bot_role_id(guild.id)])
        self.foreign_guilds.discard(guild.id)
        await self.send_guild_create(guild.id)

    def remove_bot_unheard(self, guild_id: int | None = None) -> None:
        """The server removes the bot while the bot is down (a restart, a deploy): no
        GUILD_DELETE reaches it; its next READY leaves the server out, and its token reaches
        the server no more."""
        guild = self._guild(guild_id)
        guild.members.pop(self.bot_user_id, None)
        self.foreign_guilds.add(guild.id)

    async def ban_member(self, user_id: int, guild_id: int | None = None) -> None:
        """A moderator (the owner) bans a member: they leave the server, the ban is in the
        audit log, and the bot hears GUILD_BAN_ADD if it asked for the GUILD_MODERATION intent
        (not privileged) and its permissions there have Ban Members or View Audit Log (Discord
        sends it to no other bot), GUILD_MEMBER_REMOVE if it asked for GUILD_MEMBERS
        (privileged), as from Discord."""
        guild = self._guild(guild_id)
        self.ban_member_unheard(user_id, guild.id)
        intents = self._intents_for(guild.id)
        if intents & INTENT_GUILD_MODERATION and self._hears_bans(guild):
            ban = {"guild_id": str(guild.id), "user": copy.deepcopy(self.user(user_id))}
            await self.dispatch("GUILD_BAN_ADD", ban)
        if intents & INTENT_GUILD_MEMBERS:
            gone = {"guild_id": str(guild.id), "user": copy.deepcopy(self.user(user_id))}
            await self.dispatch("GUILD_MEMBER_REMOVE", gone)

    async def unban_member(self, user_id: int, guild_id: int | None = None) -> None:
        """A moderator (the owner) lifts a ban, in the audit log: the bot hears
        GUILD_BAN_REMOVE with the moderation intent, where it would hear the ban (Ban Members
        or View Audit Log). (The user is not back in the server until they join again:
        :meth:`add_member`.)"""
        guild = self._guild(guild_id)
        self.unban_member_unheard(user_id, guild.id)
        if self._intents_for(guild.id) & INTENT_GUILD_MODERATION and self._hears_bans(guild):
            unban = {"guild_id": str(guild.id), "user": copy.deepcopy(self.user(user_id))}
            await self.dispatch("GUILD_BAN_REMOVE", unban)

    def ban_member_unheard(self, user_id: int, guild_id: int | None = None) -> None:
        """A moderator (the owner) bans a member while the bot is down: no GUILD_BAN_ADD
        reaches it; only the server's ban list (readable with Ban Members) or its audit log
        (View Audit Log) tells it afterwards."""
        guild = self._guild(guild_id)
        guild.members.pop(user_id, None)
        guild.bans.add(user_id)
        self._audit(guild, AUDIT_MEMBER_BAN_ADD, user_id)

    def unban_member_unheard(self, user_id: int, guild_id: int | None = None) -> None:
        """A moderator (the owner) lifts a ban while the bot is down: no GUILD_BAN_REMOVE
        reaches it; the ban list and the audit log show it."""
        guild = self._guild(guild_id)
        guild.bans.discard(user_id)
        self._audit(guild, AUDIT_MEMBER_BAN_REMOVE, user_id)

    def _hears_bans(self, guild: _Guild) -> bool:
        """Whether Discord sends the bot the guild's ban events: "only sent to bots with the
        BAN_MEMBERS or VIEW_AUDIT_LOG permission" (gateway events, Guild Ban Add)."""
        if self.bot_user_id not in guild.members:
            return False
        perms = self.guild_permissions_of(self.bot_user_id, guild.id)
        return bool(perms & (PERM_BAN_MEMBERS | PERM_VIEW_AUDIT_LOG))

    def _audit(self, guild: _Guild, action_type: int, target_id: int) -> None:
        """An entry in the guild's audit log, made by its owner now."""
        entry = {
            "id": str(self._next_id()),
            "action_type": action_type,
            "user_id": str(guild.owner_id),
            "target_id": str(target_id),
            "changes": [],
        }
        guild.audit_log.append(entry)

    def set_preferred_locale(self, locale: str, guild_id: int | None = None) -> None:
        """The server's language (Server Settings → Community); set it before the bot connects."""
        self._guild(guild_id).preferred_locale = locale

    def add_guild_on_shard(
        self, name: str, shard_id: int, shard_count: int = 2, **options: Any
    ) -> int:
        """Add a guild (as :meth:`add_guild`) whose id puts it on ``shard_id``; return its id."""
        return self.add_guild(
            name, guild_id=self.snowflake_on_shard(shard_id, shard_count), **options
        )

    def guild_ids(self) -> list[int]:
        """Every guild's id, in the order they were added."""
        return list(self._guilds)

    def channel_ids(self, guild_id: int | None = None) -> list[int]:
        """A guild's channel ids, in the order they were added."""
        return list(self._guild(guild_id).channel_ids)

    @staticmethod
    def _make_role(role_id: int, name: str, permissions: int, *, position: int) -> Json:
        return {
            "id": str(role_id),
            "name": name,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "icon": None,
            "unicode_emoji": None,
            "position": position,
            "permissions": str(permissions),
            "managed": False,
            "mentionable": False,
            "flags": 0,
        }

    def add_role(self, name: str, permissions: int = 0, *, guild_id: int | None = None) -> int:
        """Add a role to a guild and return its id."""
        guild = self._guild(guild_id)
        rid = self._next_id()
        guild.roles.append(self._make_role(rid, name, permissions, position=len(guild.roles)))
        return rid

    async def delete_role(self, role_id: int, *, guild_id: int | None = None) -> None:
        """A moderator deletes a role in Discord: members lose it, the bot is told."""
        guild = self._guild(guild_id)
        guild.roles = [role for role in guild.roles if role["id"] != str(role_id)]
        for member in guild.members.values():
            member["roles"] = [rid for rid in member["roles"] if rid != str(role_id)]
        await self.dispatch(
            "GUILD_ROLE_DELETE", {"guild_id": str(guild.id), "role_id": str(role_id)}
        )

    async def delete_channel(self, channel_id: int) -> None:
        """A moderator deletes a channel (its threads go with it) or a thread in Discord: the
        bot is told, CHANNEL_DELETE or THREAD_DELETE, and nothing can be posted there."""
        channel = self._channels.pop(channel_id)
        guild = self._guild(int(channel["guild_id"]))
        self._thread_members.pop(channel_id, None)
        if channel["type"] in THREADS:
            guild.thread_ids.remove(channel_id)
            fields = ("id", "guild_id", "parent_id", "type")
            await self.dispatch("THREAD_DELETE", {key: channel[key] for key in fields})
            return
        guild.channel_ids.remove(channel_id)
        threads = [t for t in guild.thread_ids if self._channels[t]["parent_id"] == str(channel_id)]
        for thread in threads:
            guild.thread_ids.remove(thread)
            del self._channels[thread]
        await self.dispatch("CHANNEL_DELETE", channel)

    def add_text_channel(
        self, name: str, *, guild_id: int | None = None, channel_id: int | None = None
    ) -> int:
        """Add a text channel to a guild and return its id."""
        cid = self._add_guild_channel(
            CHANNEL_GUILD_TEXT, name, guild_id=guild_id, channel_id=channel_id
        )
        self._channel_messages[cid] = []
        return cid

    def add_voice_channel(
        self, name: str, *, stage: bool = False, guild_id: int | None = None
    ) -> int:
        """Add a voice channel (or a `stage` channel) to a guild; members chat in its text
        chat as in a text channel."""
        kind = CHANNEL_GUILD_STAGE_VOICE if stage else CHANNEL_GUILD_VOICE
        cid = self._add_guild_channel(
            kind, name, guild_id=guild_id, bitrate=64000, user_limit=0, rtc_region=None
        )
        self._channel_messages[cid] = []
        return cid

    def hide_channel(self, channel_id: int, *, but_from: Sequence[int] = ()) -> None:
        """Deny View Channel to @everyone there, allow it to the users `but_from`."""
        guild_id = int(self._channels[channel_id]["guild_id"])
        view = str(PERM_VIEW_CHANNEL)
        self._channels[channel_id]["permission_overwrites"] = [
            {"id": str(guild_id), "type": 0, "allow": "0", "deny": view},
            *({"id": str(user), "type": 1, "allow": view, "deny": "0"} for user in but_from),
        ]

    def take_from_bot(self, channel_id: int, permissions: int) -> None:
        """A moderator denies `permissions` to the bot in a channel (a member overwrite), say
        while a video renders: posts that need them are refused from then on."""
        self._channels[channel_id]["permission_overwrites"].append(
            {"id": str(self.bot_user_id), "type": 1, "allow": "0", "deny": str(permissions)}
        )

    def give_to_bot(self, channel_id: int, permissions: int) -> None:
        """A moderator allows `permissions` to the bot in a channel (a member overwrite)."""
        self._channels[channel_id]["permission_overwrites"].append(
            {"id": str(self.bot_user_id), "type": 1, "allow": str(permissions), "deny": "0"}
        )

    def automod_blocks(self, word: str, *, channel_id: int | None = None) -> None:
        """The server of `channel_id` (the default channel's) sets an AutoMod keyword rule that
        blocks messages containing `word` (a whole word, any case), in every channel of it,
        threads too (DMs have no AutoMod). The bot's own posts and edits are checked as a
        member's are: 400 ``200000 Message was blocked by automatic moderation``.

        What is checked: the content and every text display. Discord's docs say a rule is
        checked "when a member sends or edits a message" (so edits are), but not whether
        embeds or attachments' descriptions are: those are left unchecked here, so a bot that
        passes this fake must not count on them being blocked or let through."""
        channel = self._channels[channel_id if channel_id is not None else self.channel_id]
        self.automod_words.setdefault(int(channel["guild_id"]), set()).add(word.lower())

    def _check_automod(self, channel_id: int, payload: Json) -> None:
        """Discord's AutoMod on a post or an edit by the bot (see :meth:`automod_blocks`)."""
        guild_id = self._channels[channel_id].get("guild_id")
        words = self.automod_words.get(int(guild_id)) if guild_id is not None else None
        if not words:
            return
        text = "\n".join(texts(payload))
        if any(re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text, re.IGNORECASE) for w in words):
            raise FakeDiscordError(400, 200000, "Message was blocked by automatic moderation")

    def lock_thread(self, thread_id: int, *, archived: bool = False) -> None:
        """A moderator locks a thread: only members with Manage Threads may post in it (locking
        is no permission: Send Messages in Threads still comes from the parent)."""
        meta = self._channels[thread_id]["thread_metadata"]
        meta["locked"] = True
        meta["archived"] = archived

    def _add_guild_channel(
        self,
        channel_type: int,
        name: str,
        *,
        guild_id: int | None,
        channel_id: int | None = None,
        **fields: object,
    ) -> int:
        """A guild channel of `channel_type` with the fields every kind has, plus `fields`."""
        guild = self._guild(guild_id)
        cid = channel_id or self._next_id()
        self._channels[cid] = {
            "id": str(cid),
            "type": channel_type,
            "guild_id": str(guild.id),
            "name": name,
            "position": len(guild.channel_ids),
            "permission_overwrites": [],
            "topic": None,
            "nsfw": False,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "parent_id": None,
            "last_pin_timestamp": None,
            "flags": 0,
            "default_thread_rate_limit_per_user": 0,
            **fields,
        }
        guild.channel_ids.append(cid)
        return cid

    def add_forum_channel(self, name: str, *, guild_id: int | None = None) -> int:
        """Add a forum channel (GUILD_FORUM: members post threads, never plain messages)."""
        return self._add_guild_channel(
            CHANNEL_GUILD_FORUM,
            name,
            guild_id=guild_id,
            available_tags=[],
            default_reaction_emoji=None,
            default_sort_order=None,
            default_forum_layout=0,
        )

    def add_thread(
        self, parent_id: int, name: str, *, owner_id: int | None = None, private: bool = False
    ) -> int:
        """Add an active public thread (a forum's post, or a text channel's thread) to a channel,
        or a `private` one (Discord shows it only to members added to it, see
        :meth:`add_thread_member`; the fake lets its parent's members post there alike).

        Like Discord, a thread has no overwrites of its own: permissions come from its parent.
        """
        parent = self._channels[parent_id]
        guild = self._guild(int(parent["guild_id"]))
        cid = self._next_id()
        self._channels[cid] = {
            "id": str(cid),
            "type": CHANNEL_PRIVATE_THREAD if private else CHANNEL_PUBLIC_THREAD,
            "guild_id": str(guild.id),
            "parent_id": str(parent_id),
            "owner_id": str(owner_id if owner_id is not None else self.user_id),
            "name": name,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "message_count": 0,
            "member_count": 1,
            "total_message_sent": 0,
            "flags": 0,
            "applied_tags": [],
            "thread_metadata": {
                "archived": False,
                "auto_archive_duration": 1440,
                "archive_timestamp": _iso(time.time()),
                "locked": False,
                "create_timestamp": _iso(time.time()),
            },
        }
        guild.thread_ids.append(cid)
        self._channel_messages[cid] = []
        self._thread_members[cid] = {int(self._channels[cid]["owner_id"])}
        return cid

    def add_thread_member(self, thread_id: int, user_id: int) -> None:
        """Someone adds `user_id` to a thread (GET /channels/{id}/thread-members/{user} then
        finds them)."""
        self._thread_members[thread_id].add(user_id)

    def add_member(
        self,
        username: str,
        *,
        guild_id: int | None = None,
        user_id: int | None = None,
        roles: Sequence[int] = (),
        nick: str | None = None,
    ) -> int:
        """Add a (human) member to a guild; returns the user id (reused if it exists)."""
        guild = self._guild(guild_id)
        uid = user_id or self._next_id()
        if uid not in self._users:
            self._users[uid] = self._make_user(uid, username)
        self._add_member_to(guild, uid, roles=list(roles), nick=nick)
        return uid

    def _add_member_to(
        self, guild: _Guild, user_id: int, *, roles: list[int], nick: str | None = None
    ) -> None:
        self.user(user_id)
        guild.members[user_id] = {
            "nick": nick,
            "avatar": None,
            "banner": None,
            "roles": [str(r) for r in roles],
            "joined_at": _iso(time.time()),
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "pending": False,
            "flags": 0,
            "communication_disabled_until": None,
        }

    def _guild(self, guild_id: int | None) -> _Guild:
        return self._guilds[guild_id if guild_id is not None else self.guild_id]

    def time_out(self, user_id: int, *, until: float, guild_id: int | None = None) -> None:
        """A moderator times a member (the bot, perhaps) out until the UNIX time `until`: set
        before the bot connects, its GUILD_CREATE carries it."""
        self._guild(guild_id).members[user_id]["communication_disabled_until"] = _iso(until)

    def _timed_out(self, guild: _Guild, user_id: int) -> bool:
        member = guild.members.get(user_id) or {}
        until = member.get("communication_disabled_until")
        return until is not None and datetime.fromisoformat(until).timestamp() > time.time()

    def give_bot_role(self, permissions: int, guild_id: int | None = None) -> None:
        """A server admin grants the bot's managed role `permissions` server-wide (before the
        bot connects: it reads roles in GUILD_CREATE)."""
        [role] = [r for r in self._guild(guild_id).roles if r.get("managed")]
        role["permissions"] = str(int(role["permissions"]) | permissions)

    def take_from_bot_role(self, permissions: int, guild_id: int | None = None) -> None:
        """A server admin takes `permissions` from the bot's managed role (while it is down:
        it reads roles in GUILD_CREATE)."""
        [role] = [r for r in self._guild(guild_id).roles if r.get("managed")]
        role["permissions"] = str(int(role["permissions"]) & ~permissions)

    def bot_role_id(self, guild_id: int | None = None) -> int:
        """The bot's managed role, the one Discord offers when a member types "@Bot"."""
        [role] = [r for r in self._guild(guild_id).roles if r.get("managed")]
        return int(role["id"])

    def member_payload(self, user_id: int, guild_id: int | None = None) -> Json:
        """The guild member object (with ``user``) for ``user_id``."""
        guild = self._guild(guild_id)
        member = copy.deepcopy(guild.members[user_id])
        member["user"] = copy.deepcopy(self.user(user_id))
        return member

    def permissions_for(self, user_id: int, channel_id: int) -> int:
        """Effective permissions of a member in a channel (roles + overwrites)."""
        channel = self._channels[channel_id]
        if channel["type"] in (CHANNEL_DM, CHANNEL_GROUP_DM):
            return (
                PERM_VIEW_CHANNEL
                | PERM_SEND_MESSAGES
                | PERM_EMBED_LINKS
                | PERM_ATTACH_FILES
                | PERM_READ_MESSAGE_HISTORY
                | PERM_ADD_REACTIONS
                | PERM_USE_EXTERNAL_EMOJIS
                | PERM_USE_APPLICATION_COMMANDS
            )
        if channel["type"] in THREADS:
            # A thread has no overwrites: Discord applies its parent channel's.
            return self.permissions_for(user_id, int(channel["parent_id"]))
        guild = self._guilds[int(channel["guild_id"])]
        perms = self.guild_permissions_of(user_id, guild.id)
        if user_id == guild.owner_id or perms & PERM_ADMINISTRATOR:
            return PERM_ALL
        member = guild.members.get(user_id)
        role_ids = {int(r) for r in member["roles"]} if member else set()
        overwrites = self._channel_payload(channel_id)["permission_overwrites"]
        for target in ([guild.id], sorted(role_ids), [user_id]):
            allow = deny = 0
            for ow in overwrites:
                if int(ow["id"]) in target:
                    allow |= int(ow["allow"])
                    deny |= int(ow["deny"])
            perms = (perms & ~deny) | allow
        if self._timed_out(guild, user_id):
            # A timed-out member may only read, whatever its roles grant.
            perms &= PERM_VIEW_CHANNEL | PERM_READ_MESSAGE_HISTORY
        return perms

    def _channel_payload(self, channel_id: int) -> Json:
        channel = copy.deepcopy(self._channels[channel_id])
        if channel["type"] not in (CHANNEL_DM, *THREADS) and channel_id in self.forbidden_channels:
            channel["permission_overwrites"].append(
                {"id": str(self.bot_user_id), "type": 1, "allow": "0", "deny": str(FORBIDDEN_DENY)}
            )
        messages = self._channel_messages.get(channel_id) or []
        channel["last_message_id"] = str(messages[-1]) if messages else None
        return channel

    def resolved_channel(self, channel_id: int, user_id: int | None = None) -> Json:
        """A channel as a command option's ``resolved.channels`` holds it (a partial channel).

        ``permissions`` are those of ``user_id`` (default ``fake.user_id``) there; a thread also
        carries its ``parent_id``, ``thread_metadata`` and what Discord tells of a thread (its
        owner and counts).
        """
        channel = self._channel_payload(channel_id)
        keep = ("id", "name", "type", "guild_id", "parent_id", "thread_metadata", "flags")
        keep = (*keep, "owner_id", "member_count", "message_count")
        partial = {key: channel[key] for key in keep if key in channel}
        uid = user_id if user_id is not None else self.user_id
        partial["permissions"] = str(self.permissions_for(uid, channel_id))
        return partial

    def guild_payload(
        self, guild_id: int | None = None, *, full: bool = True, intents: int | None = None
    ) -> Json:
        """The guild object; ``full=True`` is the GUILD_CREATE shape (channels, members ...).

        Like Discord, without the GUILD_MEMBERS intent (given ``intents``) only the bot's own
        member is listed.
        """
        guild = self._guild(guild_id)
        member_ids = list(guild.members)
        if intents is not None and not intents & INTENT_GUILD_MEMBERS:
            member_ids = [self.bot_user_id]
        payload: Json = {
            "id": str(guild.id),
            "name": guild.name,
            "icon": None,
            "icon_hash": None,
            "splash": None,
            "discovery_splash": None,
            "owner_id": str(guild.owner_id),
            "region": "us-west",
            "afk_channel_id": None,
            "afk_timeout": 300,
            "widget_enabled": False,
            "widget_channel_id": None,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "roles": copy.deepcopy(guild.roles),
            "emojis": [],
            "stickers": [],
            "features": [],
            "mfa_level": 0,
            "application_id": None,
            "system_channel_id": guild.channel_ids[0] if guild.channel_ids else None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "max_presences": None,
            "max_members": 500000,
            "vanity_url_code": None,
            "description": None,
            "banner": None,
            "premium_tier": guild.premium_tier,
            "premium_subscription_count": 14 if guild.premium_tier >= 2 else 0,
            "preferred_locale": guild.preferred_locale,
            "public_updates_channel_id": None,
            "max_video_channel_users": 25,
            "nsfw_level": 0,
            "premium_progress_bar_enabled": False,
            "safety_alerts_channel_id": None,
            "incidents_data": None,
        }
        if payload["system_channel_id"] is not None:
            payload["system_channel_id"] = str(payload["system_channel_id"])
        if full:
            channels = []
            for cid in guild.channel_ids:
                channel = self._channel_payload(cid)
                channel.pop("guild_id", None)
                channels.append(channel)
            payload.update(
                {
                    "joined_at": guild.joined_at,
                    "large": False,
                    "unavailable": False,
                    "member_count": len(guild.members),
                    "voice_states": [],
                    "members": [self.member_payload(uid, guild.id) for uid in member_ids],
                    "channels": channels,
                    "threads": [self._channel_payload(tid) for tid in guild.thread_ids],
                    "presences": [],
                    "stage_instances": [],
                    "guild_scheduled_events": [],
                    "soundboard_sounds": [],
                    "embedded_activities": [],
                    "lazy": True,
                }
            )
        return payload

    def dm_channel_id(self, user_id: int) -> int:
        """The DM channel between the bot and ``user_id`` (created on first use)."""
        if user_id not in self._dm_channels:
            cid = self._next_id()
            self._channels[cid] = {
                "id": str(cid),
                "type": CHANNEL_DM,
                "last_message_id": None,
                "flags": 0,
                "recipients": [copy.deepcopy(self.user(user_id))],
            }
            self._channel_messages[cid] = []
            self._dm_channels[user_id] = cid
        return self._dm_channels[user_id]

    def add_group_dm(self, *user_ids: int) -> int:
        """A group DM between these users (the bot is never in one); returns its id."""
        cid = self._next_id()
        self._channels[cid] = {
            "id": str(cid),
            "type": CHANNEL_GROUP_DM,
            "last_message_id": None,
            "flags": 0,
            "name": None,
            "icon": None,
            "owner_id": str(user_ids[0]) if user_ids else None,
            "recipients": [copy.deepcopy(self.user(uid)) for uid in user_ids],
        }
        self._channel_messages[cid] = []
        return cid

    def bot_user_payload(self) -> Json:
        """The bot's own user object as returned by ``GET /users/@me``."""
        user = copy.deepcopy(self._users[self.bot_user_id])
        user.update({"verified": True, "mfa_enabled": False, "email": None, "locale": "en-US"})
        return user

    # ------------------------------------------------------------------ message store

    def messages(
        self, channel_id: int | None = None, *, visible_to: int | None = None
    ) -> list[Json]:
        """Messages in a channel, oldest first (current state; deleted ones are gone).

        ``visible_to``: hide ephemeral messages that were not shown to that user.
        """
        cid = channel_id if channel_id is not None else self.channel_id
        result = []
        for mid in self._channel_messages.get(cid, []):
            owner = self._ephemeral_owner.get(mid)
            if visible_to is not None and owner is not None and owner != visible_to:
                continue
            result.append(self._messages[mid])
        return result

    def get_message(self, message_id: int) -> Json | None:
        """A stored message by id (``None`` if unknown or deleted)."""
        return self._messages.get(message_id)

    def delete_message(self, message_id: int) -> Json:
        """Someone deletes a message: from then on the API answers 404 ``10008`` for it."""
        return self._delete_message(message_id)

    def attachment_bytes(self, attachment: Json | int) -> bytes:
        """The bytes behind an attachment object (or attachment id) the fake stored."""
        aid = int(attachment["id"]) if isinstance(attachment, Mapping) else int(attachment)
        return self._blobs[aid][1]

    def make_attachment(
        self,
        filename: str,
        data: bytes,
        content_type: str | None = None,
        *,
        width: int | None = None,
        height: int | None = None,
        description: str | None = None,
    ) -> FakeAttachment:
        """An attachment a member uploads (for slash-command options or MESSAGE_CREATE).

        Its URL is served by the fake, so ``await attachment.read()`` in the bot works.
        """
        aid = self._next_id()
        ctype = content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
        self._blobs[aid] = (ctype, data)
        return FakeAttachment(
            id=aid,
            filename=filename,
            data=data,
            content_type=ctype,
            url=self._cdn_url(0, aid, filename),
            width=width,
            height=height,
            description=description,
        )

    def wall_clock(self) -> float:
        """The fake's UNIX time: ``time.time()`` moved by :meth:`advance_clock` too (CDN links
        are signed with it and expire by it)."""
        return time.time() + self._clock_offset

    def _cdn_url(self, channel_id: int, attachment_id: int, filename: str) -> str:
        issued = int(self.wall_clock())
        expiry, issued_at = format(issued + CDN_LINK_LIFETIME, "x"), format(issued, "x")
        sig = secrets.token_hex(8)
        return (
            f"{self.base_url}/attachments/{channel_id}/{attachment_id}/{filename}"
            f"?ex={expiry}&is={issued_at}&hm={sig}&"
        )

    def _fresh_links(self, msg: Json) -> Json:
        """`msg` as Discord returns it, in an answer or an event: links that expire soon (see
        `CDN_LINK_RENEWED_WITHIN`) signed afresh on the fake's clock. Discord signs a message's
        links when it returns it, so a message fetched again carries links that work (what
        the bot renews late media by), where the stored ones may have expired."""
        fresh = dict(msg)
        attachments = msg.get("attachments")
        if isinstance(attachments, list) and attachments:
            fresh["attachments"] = [self._fresh_attachment(a) for a in attachments]
        referenced = msg.get("referenced_message")
        if isinstance(referenced, Mapping):
            fresh["referenced_message"] = self._fresh_links(dict(referenced))
        return fresh

    def _fresh_attachment(self, attachment: Json) -> Json:
        fresh = dict(attachment)
        for key in ("url", "proxy_url"):
            link = attachment.get(key)
            prefix = f"{self.base_url}/attachments/"
            if not isinstance(link, str) or not link.startswith(prefix) or "?ex=" not in link:
                continue  # not one the fake signed
            path, _, query = link[len(prefix) :].partition("?ex=")
            expires = int(query.split("&")[0], 16)
            if expires - self.wall_clock() >= CDN_LINK_RENEWED_WITHIN:
                continue
            channel_id, attachment_id, filename = path.split("/")
            fresh[key] = self._cdn_url(int(channel_id), int(attachment_id), filename)
        return fresh

    def _store_message(self, msg: Json, *, ephemeral_owner: int | None = None) -> None:
        mid = int(msg["id"])
        cid = int(msg["channel_id"])
        self._messages[mid] = msg
        self._channel_messages.setdefault(cid, []).append(mid)
        if ephemeral_owner is not None:
            self._ephemeral_owner[mid] = ephemeral_owner
        self._notify()

    def _check_bot_access(self, channel: Json) -> None:
        """The bot's token reaches no guild it never joined, nor any group DM."""
        if channel["type"] == CHANNEL_GROUP_DM or (
            channel.get("guild_id") is not None and int(channel["guild_id"]) in self.foreign_guilds
        ):
            raise FakeDiscordError(403, 50001, "Missing Access")

    def _check_channel_writable(self, channel_id: int) -> Json:
        channel = self._channels.get(channel_id)
        if channel is None:
            raise FakeDiscordError(404, 10003, "Unknown Channel")
        self._check_bot_access(channel)
        if channel["type"] == CHANNEL_DM:
            recipient = int(channel["recipients"][0]["id"])
            if recipient in self.dm_blocked_users:
                raise FakeDiscordError(403, 50007, "Cannot send messages to this user")
        elif not self.permissions_for(self.bot_user_id, channel_id) & PERM_VIEW_CHANNEL:
            # A channel the bot's roles and overwrites hide from it: Discord denies it exists.
            raise FakeDiscordError(403, 50001, "Missing Access")
        elif channel_id in self.forbidden_channels or self._timed_out(
            self._guilds[int(channel["guild_id"])], self.bot_user_id
        ):
            raise FakeDiscordError(403, 50013, "Missing Permissions")
        elif channel["type"] == CHANNEL_GUILD_FORUM:
            # Members and bots post in a forum's threads, never in the forum itself.
            raise FakeDiscordError(400, 50024, "Cannot execute action on this channel type")
        return channel

    def _check_bot_may_post(self, channel_id: int, payload: Json, files: Sequence[object]) -> None:
        """What Discord refuses for the bot's own permissions in the channel: a post without
        Send Messages (in Threads, in a thread), a file without Attach Files, a reply without
        Read Message History. (Editing its own posts needs none of them.)"""
        perms = self.permissions_for(self.bot_user_id, channel_id)
        in_thread = self._channels[channel_id]["type"] in THREADS
        send = PERM_SEND_MESSAGES_IN_THREADS if in_thread else PERM_SEND_MESSAGES
        if not perms & send or (files and not perms & PERM_ATTACH_FILES):
            raise FakeDiscordError(403, 50013, "Missing Permissions")
        locked = (self._channels[channel_id].get("thread_metadata") or {}).get("locked", False)
        if locked and not perms & PERM_MANAGE_THREADS:
            raise FakeDiscordError(400, 160005, "Thread is locked")
        if payload.get("message_reference") and not perms & PERM_READ_MESSAGE_HISTORY:
            raise FakeDiscordError(
                400, 160002, "Cannot reply without permission to read message history"
            )

    def upload_limit_in(self, channel_id: int | None) -> int:
        """What Discord takes in the channel: its server's boost level's limit (level 2: 50
        MiB, 3: 100 MiB), else ``upload_limit`` (below level 2, a DM, a group DM)."""
        channel = self._channels.get(channel_id) if channel_id is not None else None
        guild_id = channel.get("guild_id") if channel is not None else None
        guild = self._guilds.get(int(guild_id)) if guild_id is not None else None
        if guild is None:
            return self.upload_limit
        return BOOSTED_UPLOAD_LIMITS.get(guild.premium_tier, self.upload_limit)

    def _check_upload(
        self,
        files: Sequence[RecordedFile],
        interaction: FakeInteraction | None = None,
        *,
        channel_id: int | None = None,
    ) -> None:
        # The bot's own posts are held to the channel's limit (its server's boost level); an
        # interaction's answers to the limit Discord sent with it.
        limit = self.upload_limit_in(channel_id)
        if interaction is not None:
            limit = int(interaction.payload.get("attachment_size_limit") or limit)
        if sum(f.size for f in files) > limit:
            raise FakeDiscordError(413, 40005, "Request entity too large")

    @staticmethod
    def _validate_message_fields(payload: Json) -> None:
        content = payload.get("content")
        if content is not None and len(str(content)) > MAX_CONTENT_LENGTH:
            raise _too_long("content", MAX_CONTENT_LENGTH)
        embeds = payload.get("embeds")
        if embeds is not None and len(embeds) > MAX_EMBEDS:
            raise _too_long("embeds", MAX_EMBEDS)
        total = 0
        for index, embed in enumerate(embeds or []):
            total += _check_embed(index, embed)
        if total > MAX_EMBED_TOTAL:
            raise _form_error(
                "embeds",
                "MAX_EMBED_SIZE_EXCEEDED",
                f"Embed size exceeds maximum size of {MAX_EMBED_TOTAL}",
            )

    def _build_attachments(
        self,
        channel_id: int,
        payload: Json,
        files: Sequence[RecordedFile],
        existing: Sequence[Json] = (),
    ) -> list[Json] | None:
        """Attachments after a create/edit; ``None`` means "leave unchanged" (edit only)."""
        by_index: dict[int, RecordedFile] = {}
        for pos, f in enumerate(files):
            m = _FILE_FIELD_RE.match(f.field)
            by_index[int(m.group(1)) if m else pos] = f
        existing_by_id = {int(a["id"]): a for a in existing}
        declared = payload.get("attachments")
        if declared is None and not files:
            return None
        result: list[Json] = []
        used: set[int] = set()
        for entry in declared or []:
            raw_id = entry.get("id")
            try:
                ref = int(raw_id) if raw_id is not None else -1
            except (TypeError, ValueError):
                ref = -1
            if ref in existing_by_id:
                result.append(existing_by_id[ref])
            elif ref in by_index and ref not in used:
                used.add(ref)
                result.append(self._new_attachment(channel_id, by_index[ref], entry))
        for index, f in sorted(by_index.items()):
            if index not in used:
                result.append(self._new_attachment(channel_id, f, {}))
        return result

    def _new_attachment(self, channel_id: int, upload: RecordedFile, meta: Json) -> Json:
        aid = self._next_id()
        filename = str(meta.get("filename") or upload.filename)
        ctype = upload.content_type
        if not ctype or ctype == "application/octet-stream":
            ctype = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        self._blobs[aid] = (ctype, upload.data)
        url = self._cdn_url(channel_id, aid, filename)
        att: Json = {
            "id": str(aid),
            "filename": filename,
            "size": upload.size,
            "url": url,
            "proxy_url": url,
            "content_type": ctype,
            "width": None,
            "height": None,
            "spoiler": filename.startswith("SPOILER_"),
            "flags": 0,
        }
        if meta.get("description"):
            att["description"] = meta["description"]
        if meta.get("title"):
            att["title"] = meta["title"]
        return att

    def _mentions(self, content: str, payload: Json, reference: Json | None) -> Json:
        allowed = payload.get("allowed_mentions")
        parse: list[str] = (
            list(allowed.get("parse") or [])
            if allowed is not None
            else ["users", "roles", "everyone"]
        )
        allowed_users = {int(u) for u in (allowed or {}).get("users") or []}
        allowed_roles = {int(r) for r in (allowed or {}).get("roles") or []}
        users: list[Json] = []
        seen: set[int] = set()
        for raw in _USER_MENTION_RE.findall(content):
            uid = int(raw)
            if uid in seen or not ("users" in parse or uid in allowed_users):
                continue
            seen.add(uid)
            users.append(copy.deepcopy(self.user(uid)))
        replied = allowed.get("replied_user", False) if allowed is not None else True
        if reference is not None and replied:
            uid = int(reference["author"]["id"])
            if uid not in seen:
                seen.add(uid)
                users.append(copy.deepcopy(self.user(uid)))
        roles = [
            r
            for r in dict.fromkeys(_ROLE_MENTION_RE.findall(content))
            if "roles" in parse or int(r) in allowed_roles
        ]
        everyone = ("@everyone" in content or "@here" in content) and "everyone" in parse
        return {"mentions": users, "mention_roles": roles, "mention_everyone": everyone}

    def _create_message(
        self,
        channel_id: int,
        payload: Json,
        files: Sequence[RecordedFile],
        *,
        author_id: int | None = None,
        interaction: FakeInteraction | None = None,
        original: bool = False,
        extra_flags: int = 0,
        allow_empty: bool = False,
    ) -> Json:
        """Validate and build a message the bot sends (not yet stored)."""
        self._validate_message_fields(payload)
        content = str(payload.get("content") or "")
        attachments = self._build_attachments(channel_id, payload, files) or []
        embeds = list(payload.get("embeds") or [])
        components = copy.deepcopy(list(payload.get("components") or []))
        flags = int(payload.get("flags") or 0) | extra_flags
        _check_components(payload, flags, attachments)
        assign_ids(components)
        resolve_media(components, attachments, self._next_id)
        if (
            not allow_empty
            and not content
            and not embeds
            and not attachments
            and not components
            and not payload.get("sticker_ids")
            and not payload.get("poll")
        ):
            raise FakeDiscordError(400, 50006, "Cannot send an empty message")
        reference: Json | None = None
        ref_payload = payload.get("message_reference")
        if ref_payload:
            ref_id = int(ref_payload.get("message_id") or 0)
            reference = self._messages.get(ref_id)
            is_reply = int(ref_payload.get("type") or 0) == 0
            if (
                reference is not None
                and is_reply
                and (ref_id in self._ephemeral_owner or int(reference["channel_id"]) != channel_id)
            ):
                # Unknown to Discord as a reply's target: only its one reader sees an ephemeral
                # message, and a reply stays in the channel of the message it answers.
                reference = None
            if reference is None and ref_payload.get("fail_if_not_exists", True):
                raise _form_error(
                    "message_reference",
                    "MESSAGE_REFERENCE_UNKNOWN_MESSAGE",
                    "Unknown message",
                )
        mid = self._next_id()
        author = copy.deepcopy(self.user(author_id if author_id is not None else self.bot_user_id))
        msg: Json = {
            "id": str(mid),
            "channel_id": str(channel_id),
            "author": author,
            "content": content,
            "timestamp": _iso(time.time()),
            "edited_timestamp": None,
            "tts": bool(payload.get("tts", False)),
            "attachments": attachments,
            "embeds": embeds,
            "pinned": False,
            "type": 0,
            "flags": flags,
            "components": components,
            "reactions": [],
        }
        msg.update(self._mentions("\n".join(texts(msg)), payload, reference))
        if "nonce" in payload:
            msg["nonce"] = payload["nonce"]
        if "allowed_mentions" in payload:
            msg["allowed_mentions"] = copy.deepcopy(payload["allowed_mentions"])
        if payload.get("poll"):
            msg["poll"] = copy.deepcopy(payload["poll"])
        if payload.get("sticker_ids"):
            msg["sticker_items"] = [
                {"id": str(s), "name": "sticker", "format_type": 1} for s in payload["sticker_ids"]
            ]
        if ref_payload:
            ref: Json = {
                "type": int(ref_payload.get("type") or 0),
                "channel_id": str(ref_payload.get("channel_id") or channel_id),
            }
            if ref_payload.get("message_id"):
                ref["message_id"] = str(ref_payload["message_id"])
            if ref_payload.get("guild_id"):
                ref["guild_id"] = str(ref_payload["guild_id"])
            msg["message_reference"] = ref
            if reference is not None:
                msg["type"] = 19
                referenced = copy.deepcopy(reference)
                referenced.pop("referenced_message", None)
                msg["referenced_message"] = referenced
            else:
                msg["referenced_message"] = None
        if interaction is not None:
            msg["webhook_id"] = str(self.application_id)
            msg["application_id"] = str(self.application_id)
            user = copy.deepcopy(self.user(interaction.user_id))
            metadata: Json = {
                "id": str(interaction.id),
                "type": interaction.type,
                "user": user,
                "authorizing_integration_owners": interaction.payload.get(
                    "authorizing_integration_owners", {}
                ),
            }
            data = interaction.payload.get("data") or {}
            if interaction.type == INTERACTION_APPLICATION_COMMAND:
                metadata["name"] = data.get("name")
                metadata["command_type"] = data.get("type", 1)
            if interaction.type == INTERACTION_MESSAGE_COMPONENT and interaction.source_message_id:
                metadata["interacted_message_id"] = str(interaction.source_message_id)
            if not original and interaction.original_message_id is not None:
                metadata["original_response_message_id"] = str(interaction.original_message_id)
            msg["interaction_metadata"] = metadata
            if interaction.type == INTERACTION_APPLICATION_COMMAND:
                msg["interaction"] = {
                    "id": str(interaction.id),
                    "type": interaction.type,
                    "name": data.get("name"),
                    "user": user,
                }
                if original:
                    msg["type"] = 23 if data.get("type", 1) in (2, 3) else 20
        return msg

    def _apply_edit(self, msg: Json, payload: Json, files: Sequence[RecordedFile]) -> None:
        self._validate_message_fields(payload)
        cid = int(msg["channel_id"])
        flags = int(msg.get("flags") or 0)
        if "flags" in payload and payload["flags"] is not None:
            wanted = int(payload["flags"])
            if flags & FLAG_IS_COMPONENTS_V2 and not wanted & FLAG_IS_COMPONENTS_V2:
                raise _form_error(
                    "flags",
                    "MESSAGE_CANNOT_REMOVE_COMPONENTS_V2_FLAG",
                    "The IS_COMPONENTS_V2 flag cannot be removed once set",
                )
            keep = flags & (FLAG_EPHEMERAL | FLAG_IS_COMPONENTS_V2)
            flags = (wanted & (FLAG_SUPPRESS_EMBEDS | FLAG_IS_COMPONENTS_V2)) | keep
        attachments = self._build_attachments(cid, payload, files, msg.get("attachments") or [])
        merged = {
            name: payload[name] if name in payload else msg.get(name)
            for name in ("content", "embeds", "components", "sticker_ids", "poll")
        }
        _check_components(
            merged, flags, attachments if attachments is not None else msg.get("attachments") or []
        )
        if "content" in payload:
            msg["content"] = str(payload["content"] or "")
        if "embeds" in payload:
            msg["embeds"] = list(payload["embeds"] or [])
        if "components" in payload:
            msg["components"] = copy.deepcopy(list(payload["components"] or []))
            assign_ids(msg["components"])
            resolve_media(
                msg["components"],
                attachments if attachments is not None else msg.get("attachments") or [],
                self._next_id,
            )
        if "allowed_mentions" in payload:
            msg["allowed_mentions"] = copy.deepcopy(payload["allowed_mentions"])
        msg["flags"] = flags
        if attachments is not None:
            msg["attachments"] = attachments
        msg["flags"] = int(msg.get("flags") or 0) & ~FLAG_LOADING
        msg["edited_timestamp"] = _iso(time.time())
        # Discord parses an edit with the edit's own allowed_mentions (the defaults if it sent
        # none), whatever the message was first sent with.
        msg.update(self._mentions("\n".join(texts(msg)), payload, None))
        self._notify()

    def _delete_message(self, message_id: int) -> Json:
        msg = self._messages.pop(message_id)
        cid = int(msg["channel_id"])
        with contextlib.suppress(ValueError):
            self._channel_messages[cid].remove(message_id)
        self.deleted_messages.append(msg)
        self._notify()
        return msg

    async def _echo(self, event: str, msg: Json) -> None:
        """Send the bot's own message events over the gateway, like Discord does."""
        mid = int(msg["id"])
        if not self.echo_bot_messages or mid in self._ephemeral_owner:
            return
        cid = int(msg["channel_id"])
        channel = self._channels.get(cid)
        if channel is None:
            return
        try:
            self._check_bot_access(channel)
        except FakeDiscordError:
            return  # the bot hears nothing of a guild it never joined, nor of group DMs
        needed = INTENT_DIRECT_MESSAGES if channel["type"] == CHANNEL_DM else INTENT_GUILD_MESSAGES
        session = self._session_for(int(channel["guild_id"]) if "guild_id" in channel else None)
        if session is None or not session.intents & needed:
            return
        if event == "MESSAGE_DELETE":
            data: Json = {"id": msg["id"], "channel_id": msg["channel_id"]}
        else:
            data = copy.deepcopy(msg)
        if "guild_id" in channel:
            data["guild_id"] = channel["guild_id"]
            if event != "MESSAGE_DELETE" and int(msg["author"]["id"]) == self.bot_user_id:
                data["member"] = copy.deepcopy(
                    self._guilds[int(channel["guild_id"])].members[self.bot_user_id]
                )
        await self._emit(event, data, wait=False)

    # ------------------------------------------------------------------ gateway: public

    def _active_connection(self) -> _GatewayConnection | None:
        for conn in reversed(self._connections):
            if conn.ready and conn.open:
                return conn
        return None

    def _connections_for(self, guild_id: int | None) -> list[_GatewayConnection]:
        """The newest live connection of every session whose shard owns the guild.

        Discord sends a guild's events to every session on its shard: two processes running
        the same shard (a deploy overlap) both get them.
        """
        found: dict[str, _GatewayConnection] = {}
        for conn in reversed(self._connections):
            session = conn.session
            if conn.ready and conn.open and session is not None and session.owns(guild_id):
                found.setdefault(session.session_id, conn)
        return list(found.values())

    def _session_for(self, guild_id: int | None) -> _Session | None:
        """The session that gets the guild's events: a live one, else the last (for RESUME)."""
        live = self._connections_for(guild_id)
        if live:
            return live[0].session
        owners = [s for s in self._session_order if s.owns(guild_id)]
        return owners[-1] if owners else None

    def _intents_for(self, guild_id: int | None) -> int:
        session = self._session_for(guild_id)
        return session.intents if session is not None else (self.intents or 0)

    async def _wait_for_shard(self, guild_id: int | None, timeout: float) -> None:  # noqa: ASYNC109
        """Wait for a live session whose shard owns the guild (DMs: shard 0)."""
        await self.wait_for(
            lambda: self._connections_for(guild_id),
            timeout,
            description=f"a gateway session for guild {guild_id}",
        )

    @property
    def connected(self) -> bool:
        """Whether a client is connected and identified/resumed."""
        return self._active_connection() is not None

    @property
    def intents(self) -> int | None:
        """Intents of the most recent IDENTIFY (``None`` before any)."""
        return self.identify_payloads[-1].get("intents") if self.identify_payloads else None

    async def dispatch(self, event: str, data: Json, *, timeout: float = 15.0) -> int:  # noqa: ASYNC109
        """Send a DISPATCH (op 0) to the connected bot and return its sequence number.

        Waits up to ``timeout`` for a ready connection first.
        """
        seq = await self._emit(event, data, wait=True, timeout=timeout)
        assert seq is not None
        return seq

    async def _emit(
        self,
        event: str,
        data: Json,
        *,
        wait: bool,
        timeout: float = 15.0,  # noqa: ASYNC109
    ) -> int | None:
        guild_id = _event_guild(event, data)
        if wait:
            await self._wait_for_shard(guild_id, timeout)
        targets: list[tuple[_GatewayConnection | None, _Session]] = [
            (conn, conn.session) for conn in self._connections_for(guild_id) if conn.session
        ]
        if not targets:
            # Nobody connected on that shard: the event waits in its session for a RESUME.
            session = self._session_for(guild_id)
            if session is None:
                return None
            targets = [(None, session)]
        if event.startswith("MESSAGE_") and "attachments" in data:
            data = self._fresh_links(data)  # signed when sent, like Discord's
        for conn, session in targets:
            session.seq += 1
            frame: Json = {"op": OP_DISPATCH, "t": event, "s": session.seq, "d": data}
            session.buffer.append(frame)
            del session.buffer[:-SESSION_BUFFER_SIZE]
            self._record_dispatch(session, frame)
            if conn is not None:
                # A send failure means the socket died; the frame is replayed on RESUME.
                with contextlib.suppress(ConnectionError, RuntimeError):
                    await conn.send(frame)
        return targets[-1][1].seq

    def _record_dispatch(self, session: _Session, frame: Json) -> None:
        self.gateway_dispatched.append(frame)
        shard_id, shard_count = session.shard
        self.gateway_dispatched_to.append(((shard_id, shard_count), frame))

    async def disconnect_all(self, code: int = 4000) -> int:
        """Close every gateway connection with ``code`` (4000 makes discord.py RESUME).

        Returns how many connections were closed.
        """
        conns = [c for c in self._connections if c.open]
        for conn in conns:
            conn.ready = False
            with contextlib.suppress(Exception):
                await asyncio.wait_for(conn.ws.close(code=code, message=b"fake disconnect"), 5.0)
        self._notify()
        return len(conns)

    async def invalidate_session(self, *, resumable: bool = False) -> None:
        """Send op 9 INVALID_SESSION to the active connection."""
        conn = self._active_connection()
        if conn is not None:
            if not resumable and conn.session is not None:
                self._sessions.pop(conn.session.session_id, None)
            await conn.send({"op": OP_INVALID_SESSION, "d": resumable, "s": None, "t": None})

    async def send_guild_create(self, guild_id: int | None = None) -> int:
        """Dispatch GUILD_CREATE for a guild (e.g. one added with :meth:`add_guild`)."""
        gid = guild_id if guild_id is not None else self.guild_id
        return await self.dispatch(
            "GUILD_CREATE", self.guild_payload(gid, intents=self._intents_for(gid))
        )

    # ------------------------------------------------------------------ gateway: handler

    async def _gateway_handler(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(max_msg_size=0, autoping=True)
        await ws.prepare(request)
        conn = _GatewayConnection(ws, request.query)
        self._connections.append(conn)
        self.gateway_connect_queries.append(dict(request.query))
        close_code: int | None = None
        try:
            await conn.send(
                {
                    "op": OP_HELLO,
                    "d": {"heartbeat_interval": self.heartbeat_interval_ms, "_trace": ["fake"]},
                    "s": None,
                    "t": None,
                }
            )
            while True:
                msg = await ws.receive()
                if msg.type == WSMsgType.TEXT:
                    frame = json.loads(msg.data)
                elif msg.type == WSMsgType.BINARY:
                    frame = json.loads(zlib.decompress(msg.data))
                else:
                    if msg.type == WSMsgType.CLOSE:
                        close_code = int(msg.data)
                    break
                conn.received.append(frame)
                self.gateway_received.append(frame)
                await self._handle_frame(conn, frame)
                self._notify()
        except (ConnectionError, RuntimeError):
            pass
        finally:
            conn.ready = False
            self._connections.remove(conn)
            self.gateway_close_codes.append(close_code if close_code is not None else ws.close_code)
            self._notify()
        return ws

    async def _handle_frame(self, conn: _GatewayConnection, frame: Json) -> None:
        op = frame.get("op")
        data = frame.get("d")
        if op == OP_HEARTBEAT:
            if self.ack_heartbeats:
                await conn.send({"op": OP_HEARTBEAT_ACK, "d": None, "s": None, "t": None})
        elif op == OP_IDENTIFY:
            await self._on_identify(conn, data or {})
        elif op == OP_RESUME:
            await self._on_resume(conn, data or {})
        elif op == OP_PRESENCE_UPDATE:
            self.presence_updates.append(data or {})
        elif op == OP_REQUEST_GUILD_MEMBERS:
            await self._on_request_members(conn, data or {})

    async def _on_identify(self, conn: _GatewayConnection, data: Json) -> None:
        self.identify_payloads.append(data)
        shard_id, _ = data.get("shard") or (0, 1)
        if shard_id in self.unanswered_shards:
            return
        if conn.session is not None:
            await conn.ws.close(code=4005, message=b"Already authenticated.")
            return
        if self.token is not None and data.get("token") != self.token:
            await conn.ws.close(code=4004, message=b"Authentication failed.")
            return
        if int(data.get("intents") or 0) & INTENT_MESSAGE_CONTENT and not (
            self.message_content_enabled
        ):
            await conn.ws.close(code=4014, message=b"Disallowed intent(s).")
            return
        session = _Session(
            session_id=secrets.token_hex(16),
            intents=int(data.get("intents") or 0),
            token=str(data.get("token") or ""),
            shard=list(data.get("shard") or [0, 1]),
        )
        self._sessions[session.session_id] = session
        self._session_order.append(session)
        conn.session = session
        # Each shard hears only of its own guilds.
        guild_ids = [
            gid for gid in self._guilds if session.owns(gid) and gid not in self.foreign_guilds
        ]
        ready: Json = {
            "v": API_VERSION,
            "user_settings": {},
            "user": self.bot_user_payload(),
            "guilds": [{"id": str(gid), "unavailable": True} for gid in guild_ids],
            "session_id": session.session_id,
            "resume_gateway_url": self.gateway_url,
            "session_type": "normal",
            "shard": session.shard,
            "application": {"id": str(self.application_id), "flags": self.application_flags},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": ["us-west"],
            "auth": {},
            "_trace": ["fake-gateway"],
        }
        await self._send_dispatch(conn, session, "READY", ready)
        for gid in guild_ids:
            if gid in self.outage_guilds:
                continue
            guild = self.guild_payload(gid, intents=session.intents)
            await self._send_dispatch(conn, session, "GUILD_CREATE", guild)
        conn.ready = True
        self.handshakes += 1

    async def _on_resume(self, conn: _GatewayConnection, data: Json) -> None:
        self.resume_payloads.append(data)
        session = self._sessions.get(str(data.get("session_id")))
        if (
            session is None
            or not self.allow_resume
            or (self.token is not None and data.get("token") != self.token)
        ):
            await conn.send({"op": OP_INVALID_SESSION, "d": False, "s": None, "t": None})
            return
        conn.session = session
        self._session_order.remove(session)
        self._session_order.append(session)
        last_seq = int(data.get("seq") or 0)
        for frame in list(session.buffer):
            if frame["s"] > last_seq:
                await conn.send(frame)
        await self._send_dispatch(conn, session, "RESUMED", {"_trace": ["fake-gateway"]})
        conn.ready = True
        self.handshakes += 1

    async def _on_request_members(self, conn: _GatewayConnection, data: Json) -> None:
        gid = int(data.get("guild_id") or 0)
        if gid not in self._guilds or conn.session is None:
            return
        guild = self._guilds[gid]
        user_ids = data.get("user_ids")
        query = str(data.get("query") or "")
        limit = int(data.get("limit") or 0)
        wanted: list[int]
        if user_ids is not None:
            ids = user_ids if isinstance(user_ids, list) else [user_ids]
            wanted = [int(u) for u in ids if int(u) in guild.members]
            not_found = [str(u) for u in ids if int(u) not in guild.members]
        else:
            wanted = [
                uid
                for uid in guild.members
                if self.user(uid)["username"].lower().startswith(query.lower())
            ]
            if limit:
                wanted = wanted[:limit]
            not_found = []
        chunk: Json = {
            "guild_id": str(gid),
            "members": [self.member_payload(uid, gid) for uid in wanted],
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": not_found,
        }
        if data.get("presences"):
            chunk["presences"] = []
        if data.get("nonce") is not None:
            chunk["nonce"] = data["nonce"]
        await self._send_dispatch(conn, conn.session, "GUILD_MEMBERS_CHUNK", chunk)

    async def _send_dispatch(
        self, conn: _GatewayConnection, session: _Session, event: str, data: Json
    ) -> None:
        session.seq += 1
        frame: Json = {"op": OP_DISPATCH, "t": event, "s": session.seq, "d": data}
        if event not in ("READY", "RESUMED"):
            session.buffer.append(frame)
        self._record_dispatch(session, frame)
        await conn.send(frame)

    # ------------------------------------------------------------------ interactions: builders

    def _new_interaction(
        self,
        itype: int,
        data: Json,
        *,
        user_id: int | None,
        channel_id: int | None,
        guild_id: int | None,
        dm: bool,
        locale: str,
        app_permissions: str | int | None,
        member_permissions: str | int | None,
        message: Json | None = None,
        user_install: bool = False,
        group_dm: int | None = None,
        upload_limit: int | None = None,
        guild_install: bool = True,
    ) -> FakeInteraction:
        uid = user_id if user_id is not None else self.user_id
        iid = self._next_id()
        token = "aW50ZXJhY3Rpb246" + secrets.token_urlsafe(48)
        payload: Json = {
            "id": str(iid),
            "application_id": str(self.application_id),
            "type": itype,
            "data": data,
            "token": token,
            "version": 1,
            "locale": locale,
            "entitlements": [],
            "entitlement_sku_ids": [],
        }
        gid: int | None
        ephemeral_only = False
        foreign = False
        if group_dm is not None:
            # Only a user install reaches a group DM; the bot is never in one.
            gid = None
            cid = group_dm
            payload["user"] = copy.deepcopy(self.user(uid))
            payload["context"] = CONTEXT_PRIVATE_CHANNEL
            payload["authorizing_integration_owners"] = {USER_INSTALL: str(uid)}
        elif dm:
            gid = None
            cid = self.dm_channel_id(uid)
            payload["user"] = copy.deepcopy(self.user(uid))
            payload["context"] = CONTEXT_BOT_DM
            payload["authorizing_integration_owners"] = (
                {USER_INSTALL: str(uid)} if user_install else {GUILD_INSTALL: "0"}
            )
        else:
            gid = guild_id if guild_id is not None else self.guild_id
            guild = self._guilds[gid]
            cid = channel_id if channel_id is not None else guild.channel_ids[0]
            if uid not in guild.members:
                self._add_member_to(guild, uid, roles=[])
            member = self.member_payload(uid, gid)
            perms = (
                int(member_permissions)
                if member_permissions is not None
                else self.permissions_for(uid, cid)
            )
            foreign = gid in self.foreign_guilds
            ephemeral_only = foreign and gid in self.external_apps_blocked
            if foreign:
                # "Use External Apps": granted unless the guild blocks it for members.
                perms = perms & ~PERM_USE_EXTERNAL_APPS if ephemeral_only else perms
                perms |= 0 if ephemeral_only else PERM_USE_EXTERNAL_APPS
            member["permissions"] = str(perms)
            payload["member"] = member
            payload["guild_id"] = str(gid)
            payload["guild"] = {"id": str(gid), "locale": "en-US", "features": []}
            payload["guild_locale"] = "en-US"
            payload["context"] = CONTEXT_GUILD
            installed = not foreign or gid in self.commands_only_guilds
            owners = {GUILD_INSTALL: str(gid)} if installed and guild_install else {}
            if user_install or foreign:
                owners[USER_INSTALL] = str(uid)
            payload["authorizing_integration_owners"] = owners
        channel = self._channel_payload(cid)
        channel["permissions"] = str(
            int(member_permissions)
            if member_permissions is not None
            else self.permissions_for(uid, cid)
        )
        payload["channel"] = channel
        payload["channel_id"] = str(cid)
        # Discord sends the limit of where the interaction is: its server's boost level's.
        payload["attachment_size_limit"] = (
            upload_limit if upload_limit is not None else self.upload_limit_in(cid)
        )
        if app_permissions is not None:
            app_perms = int(app_permissions)
        elif foreign or group_dm is not None:
            # Where the bot is no member it may only answer through the interaction.
            app_perms = USER_INSTALL_APP_PERMISSIONS | (
                0 if ephemeral_only else PERM_USE_EXTERNAL_APPS
            )
        else:
            app_perms = self.permissions_for(self.bot_user_id, cid)
        payload["app_permissions"] = str(app_perms)
        if message is not None:
            payload["message"] = copy.deepcopy(message)
        handle = FakeInteraction(
            id=iid,
            token=token,
            type=itype,
            payload=payload,
            channel_id=cid,
            guild_id=gid,
            user_id=uid,
            dispatched_at=self.now(),
            fake=self,
            source_message_id=int(message["id"]) if message is not None else None,
            ephemeral_only=ephemeral_only,
        )
        self.interactions[iid] = handle
        return handle

    async def _dispatch_interaction(self, handle: FakeInteraction) -> FakeInteraction:
        await self._wait_for_shard(handle.guild_id, 5.0)
        handle.dispatched_at = self.now()
        handle.cpu_wait_at_dispatch = self.cpu_wait()
        await self._emit("INTERACTION_CREATE", handle.payload, wait=False)
        return handle

    def _command_id(self, name: str, ctype: int, guild_id: int | None) -> tuple[int, int | None]:
        for scope in (guild_id, None):
            for cmd in self._commands.get(scope, []):
                if cmd["name"] == name and int(cmd.get("type", 1)) == ctype:
                    return int(cmd["id"]), scope
        key = (None, name, ctype)
        if key not in self._command_ids:
            self._command_ids[key] = self._next_id()
        return self._command_ids[key], None

    @staticmethod
    def _option(name: str, value: Any, resolved: Json) -> Json:
        if isinstance(value, FakeAttachment):
            resolved.setdefault("attachments", {})[str(value.id)] = value.to_payload()
            return value.option(name)
        if isinstance(value, Mapping):
            return {"name": name, **value}
        if isinstance(value, bool):
            return {"name": name, "type": 5, "value": value}
        if isinstance(value, int):
            return {"name": name, "type": 4, "value": value}
        if isinstance(value, float):
            return {"name": name, "type": 10, "value": value}
        return {"name": name, "type": 3, "value": str(value)}

    async def slash_command(
        self,
        name: str,
        options: Mapping[str, Any] | Sequence[Json] | None = None,
        *,
        user: int | None = None,
        channel_id: int | None = None,
        guild_id: int | None = None,
        dm: bool = False,
        resolved: Json | None = None,
        locale: str = "en-US",
        app_permissions: str | int | None = None,
        member_permissions: str | int | None = None,
        command_type: int = 1,
        command_guild_id: int | None = None,
        interaction_type: int = INTERACTION_APPLICATION_COMMAND,
        user_install: bool = False,
        group_dm: int | None = None,
        upload_limit: int | None = None,
        guild_install: bool = True,
    ) -> FakeInteraction:
        """Dispatch an APPLICATION_COMMAND INTERACTION_CREATE and return its handle.

        ``user_install``: the member's own install authorized it too (always so in a guild the
        bot never joined, see ``add_guild(bot_member=False)``); ``group_dm``: used in that
        group DM (context 2, see :meth:`add_group_dm`); ``upload_limit``: the interaction's
        ``attachment_size_limit``; ``guild_install=False``: in a guild the bot is in, only the
        member's own install is named as authorizing it.

        ``interaction_type=INTERACTION_AUTOCOMPLETE`` sends the same command data as an
        autocomplete request instead (mark the typed option with ``"focused": True``).

        ``name`` may be ``"group sub"`` / ``"group subgroup sub"`` for subcommands.
        ``options`` is either a mapping ``{name: value}`` -- ``str`` -> STRING, ``int`` ->
        INTEGER, ``float`` -> NUMBER, ``bool`` -> BOOLEAN, a :class:`FakeAttachment` (see
        :meth:`make_attachment`) -> ATTACHMENT with ``resolved.attachments`` filled in, a dict ->
        raw option fields (e.g. ``{"type": 6, "value": "123"}``) -- or a list of raw option
        dicts.  ``resolved`` is merged into ``data.resolved``.  ``user`` defaults to
        ``fake.user_id``; ``app_permissions``/``member_permissions`` default to the computed
        channel permissions.  If the command was synced for a guild, ``data.guild_id`` is set
        (force it with ``command_guild_id`` for guild commands the bot never synced).
        """
        # Context-menu names may contain spaces; only chat commands have subcommands.
        parts = name.split() if command_type == 1 else [name]
        res: Json = copy.deepcopy(resolved) if resolved else {}
        if options is None:
            opts: list[Json] = []
        elif isinstance(options, Mapping):
            opts = [self._option(k, v, res) for k, v in options.items()]
        else:
            opts = [dict(o) for o in options]
        for index, sub in reversed(list(enumerate(parts[1:], start=1))):
            sub_type = 1 if index == len(parts) - 1 else 2
            opts = [{"name": sub, "type": sub_type, "options": opts}]
        private = dm or group_dm is not None
        gid = None if private else (guild_id if guild_id is not None else self.guild_id)
        cmd_id, scope = self._command_id(parts[0], command_type, gid)
        data: Json = {"id": str(cmd_id), "name": parts[0], "type": command_type}
        if command_type == 1:
            data["options"] = opts
        else:
            # A user (2) or message (3) context menu targets the one resolved user or message.
            targets = list(res.get("users" if command_type == 2 else "messages", {}))
            if targets:
                data["target_id"] = targets[0]
        if res:
            data["resolved"] = res
        if command_guild_id is not None or scope is not None:
            data["guild_id"] = str(command_guild_id if command_guild_id is not None else scope)
        handle = self._new_interaction(
            interaction_type,
            data,
            user_id=user,
            channel_id=channel_id,
            guild_id=guild_id,
            dm=dm,
            locale=locale,
            app_permissions=app_permissions,
            member_permissions=member_permissions,
            user_install=user_install,
            group_dm=group_dm,
            upload_limit=upload_limit,
            guild_install=guild_install,
        )
        return await self._dispatch_interaction(handle)

    async def component_interaction(
        self,
        custom_id: str,
        *,
        message_id: int,
        component_type: int = 2,
        values: Sequence[str] | None = None,
        user: int | None = None,
        resolved: Json | None = None,
        locale: str = "en-US",
        app_permissions: str | int | None = None,
    ) -> FakeInteraction:
        """Dispatch a MESSAGE_COMPONENT interaction (button = 2, string select = 3, ...).

        ``message_id`` must be a stored message (usually one the bot sent with the view).
        """
        message = self._messages.get(message_id)
        if message is None:
            raise KeyError(f"unknown message {message_id}")
        cid = int(message["channel_id"])
        channel = self._channels[cid]
        data: Json = {"custom_id": custom_id, "component_type": component_type}
        if values is not None:
            data["values"] = list(values)
        if resolved:
            data["resolved"] = copy.deepcopy(resolved)
        is_dm = channel["type"] == CHANNEL_DM
        handle = self._new_interaction(
            INTERACTION_MESSAGE_COMPONENT,
            data,
            user_id=user
            if user is not None
            else (int(channel["recipients"][0]["id"]) if is_dm else None),
            channel_id=cid,
            guild_id=None if is_dm else int(channel["guild_id"]),
            dm=is_dm,
            locale=locale,
            app_permissions=app_permissions,
            member_permissions=None,
            message=message,
        )
        return await self._dispatch_interaction(handle)

    async def modal_submit(
        self,
        values: Mapping[str, str | Sequence[str]],
        *,
        interaction: FakeInteraction | None = None,
        custom_id: str | None = None,
        user: int | None = None,
        channel_id: int | None = None,
        guild_id: int | None = None,
        dm: bool = False,
        locale: str = "en-US",
    ) -> FakeInteraction:
        """Dispatch a MODAL_SUBMIT interaction with ``{input custom_id: value}``.

        With ``interaction`` (whose callback opened a modal) the custom id, user, channel and the
        modal's layout (action rows or labels) are taken from it.  ``str`` values become text
        inputs (type 4), sequences become ``values`` of select-like components.
        """
        modal = interaction.modal if interaction is not None else None
        if interaction is not None and modal is None:
            raise ValueError(f"interaction {interaction.id} did not open a modal")
        modal_id = custom_id or (modal or {}).get("custom_id")
        if not modal_id:
            raise ValueError("a custom_id or an interaction that opened a modal is required")

        def leaf(comp: Json) -> Json:
            cid = str(comp.get("custom_id"))
            out: Json = {"type": comp.get("type", 4), "custom_id": cid}
            if "id" in comp:
                out["id"] = comp["id"]
            value = values.get(cid, "" if out["type"] == 4 else [])
            if out["type"] == 4:
                out["value"] = str(value)
            else:
                out["values"] = [value] if isinstance(value, str) else list(value)
            return out

        components: list[Json] = []
        if modal is not None and modal.get("components"):
            for top in modal["components"]:
                if top.get("type") == 1:
                    row = [leaf(c) for c in top.get("components", []) if "custom_id" in c]
                    components.append({"type": 1, "components": row})
                elif top.get("type") == 18 and "component" in top:
                    label: Json = {"type": 18, "component": leaf(top["component"])}
                    if "id" in top:
                        label["id"] = top["id"]
                    components.append(label)
        else:
            for key, value in values.items():
                comp: Json = {"type": 4 if isinstance(value, str) else 3, "custom_id": key}
                components.append({"type": 1, "components": [leaf(comp)]})
        message = None
        user_install = False
        group_dm: int | None = None
        if interaction is not None:
            user = user if user is not None else interaction.user_id
            channel_id = channel_id if channel_id is not None else interaction.channel_id
            guild_id = guild_id if guild_id is not None else interaction.guild_id
            dm = interaction.guild_id is None
            if interaction.source_message_id is not None:
                message = self._messages.get(interaction.source_message_id)
            # The form answers where it was opened, under the same installs.
            owners = interaction.payload.get("authorizing_integration_owners") or {}
            user_install = USER_INSTALL in owners
            if interaction.payload.get("context") == CONTEXT_PRIVATE_CHANNEL:
                group_dm = interaction.channel_id
        handle = self._new_interaction(
            INTERACTION_MODAL_SUBMIT,
            {"custom_id": modal_id, "components": components},
            user_id=user,
            channel_id=channel_id,
            guild_id=guild_id,
            dm=dm,
            locale=locale,
            app_permissions=None,
            member_permissions=None,
            message=message,
            user_install=user_install,
            group_dm=group_dm,
        )
        return await self._dispatch_interaction(handle)

    async def message_create(
        self,
        content: str = "",
        *,
        channel_id: int | None = None,
        author: int | None = None,
        mentions: Sequence[int] = (),
        attachments: Sequence[FakeAttachment | Json] = (),
        embeds: Sequence[Json] = (),
        message_reference: int | Json | None = None,
        respect_intents: bool = True,
        dispatch: bool = True,
        forwards: int | None = None,
        components: Sequence[Json] = (),
        flags: int = 0,
    ) -> Json:
        """Store a member's message and dispatch MESSAGE_CREATE; returns the message object.

        ``components`` and ``flags``: a layout another app (a bot, a webhook) posted, its
        media unfurled as Discord answers it (a given ``proxy_url`` is kept).

        ``forwards`` (a stored message's id) makes it a forward, as Discord sends one: no text
        of its own, a ``message_reference`` of type 1 (FORWARD), and the original's content,
        embeds and attachments in ``message_snapshots``, not in its own fields.

        ``dispatch=False`` only stores it (chatter in a channel, with no bot connected).

        ``mentions`` are user ids (``<@id>`` in ``content`` are added automatically).  With
        ``respect_intents`` (default) the event is only delivered if the bot identified with
        GUILD_MESSAGES / DIRECT_MESSAGES, and content/embeds/attachments/components are blanked
        without MESSAGE_CONTENT unless the bot is mentioned or it is a DM -- like Discord (the
        ``referenced_message`` of a reply likewise, unless it is the bot's or mentions it).
        """
        cid = channel_id if channel_id is not None else self.channel_id
        channel = self._channels[cid]
        uid = author if author is not None else self.user_id
        mention_ids = list(dict.fromkeys([*mentions, *map(int, _USER_MENTION_RE.findall(content))]))
        ref: Json | None = None
        referenced: Json | None = None
        if message_reference is not None:
            ref = (
                {"message_id": str(message_reference), "channel_id": str(cid)}
                if isinstance(message_reference, int)
                else dict(message_reference)
            )
            ref.setdefault("type", 0)
            referenced = self._messages.get(int(ref["message_id"]))
        mid = self._next_id()
        msg: Json = {
            "id": str(mid),
            "channel_id": str(cid),
            "author": copy.deepcopy(self.user(uid)),
            "content": content,
            "timestamp": _iso(time.time()),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": "@everyone" in content,
            "mentions": [copy.deepcopy(self.user(m)) for m in mention_ids],
            "mention_roles": list(dict.fromkeys(_ROLE_MENTION_RE.findall(content))),
            "attachments": [
                a.to_payload() | {"ephemeral": False} if isinstance(a, FakeAttachment) else dict(a)
                for a in attachments
            ],
            "embeds": list(embeds),
            "pinned": False,
            "type": 19 if referenced is not None else 0,
            "flags": flags,
            "components": copy.deepcopy(list(components)),
            "nonce": str(self._next_id()),
        }
        assign_ids(msg["components"])
        resolve_media(msg["components"], msg["attachments"], self._next_id)
        if ref is not None:
            msg["message_reference"] = ref
            msg["referenced_message"] = copy.deepcopy(referenced)
        if forwards is not None:
            original = self._messages[forwards]
            msg["message_reference"] = {
                "type": 1,
                "message_id": str(forwards),
                "channel_id": original["channel_id"],
            }
            fields = ("type", "content", "embeds", "attachments", "timestamp", "edited_timestamp")
            snapshot = {name: copy.deepcopy(original[name]) for name in fields}
            msg["message_snapshots"] = [{"message": snapshot | {"flags": 0, "components": []}}]
        self._store_message(msg)
        if not dispatch:
            return msg
        event = copy.deepcopy(msg)
        is_dm = channel["type"] == CHANNEL_DM
        if not is_dm:
            gid = int(channel["guild_id"])
            event["guild_id"] = str(gid)
            if uid in self._guilds[gid].members:
                event["member"] = copy.deepcopy(self._guilds[gid].members[uid])
            for mention in event["mentions"]:
                member = self._guilds[gid].members.get(int(mention["id"]))
                if member is not None:
                    mention["member"] = copy.deepcopy(member)
        if respect_intents:
            guild_id = None if is_dm else int(channel["guild_id"])
            await self._wait_for_shard(guild_id, 5.0)
            intents = self._intents_for(guild_id)
            needed = INTENT_DIRECT_MESSAGES if is_dm else INTENT_GUILD_MESSAGES
            if not intents & needed:
                return msg
            if (
                not intents & INTENT_MESSAGE_CONTENT
                and not is_dm
                and self.bot_user_id not in mention_ids
            ):
                event.update(content="", embeds=[], attachments=[], components=[])
                for snapshot in event.get("message_snapshots", []):
                    snapshot["message"].update(content="", embeds=[], attachments=[])
            quoted = event.get("referenced_message")
            if (
                quoted
                and not intents & INTENT_MESSAGE_CONTENT
                and not is_dm
                and int(quoted["author"]["id"]) != self.bot_user_id
                and self.bot_user_id not in {int(u["id"]) for u in quoted.get("mentions", [])}
            ):
                # The replied-to message is blanked too, unless it is the bot's or mentions it.
                quoted.update(content="", embeds=[], attachments=[], components=[])
        await self.dispatch("MESSAGE_CREATE", event)
        return msg

    async def member_edits(self, message_id: int, content: str) -> Json:
        """The member who wrote a stored message edits its text: MESSAGE_UPDATE, like Discord
        (the full message; its text blanked without MESSAGE_CONTENT unless it mentions the bot).
        """
        msg = self._messages[message_id]
        mention_ids = list(dict.fromkeys(map(int, _USER_MENTION_RE.findall(content))))
        if "message_reference" in msg:
            # As it stands now: null once the replied-to message was deleted.
            replied_to = self._messages.get(int(msg["message_reference"]["message_id"]))
            msg["referenced_message"] = copy.deepcopy(replied_to)
        msg.update(
            content=content,
            edited_timestamp=_iso(time.time()),
            mentions=[copy.deepcopy(self.user(m)) for m in mention_ids],
            mention_roles=list(dict.fromkeys(_ROLE_MENTION_RE.findall(content))),
        )
        event = copy.deepcopy(msg)
        channel = self._channels[int(msg["channel_id"])]
        guild_id = int(channel["guild_id"]) if "guild_id" in channel else None
        if guild_id is not None:
            event["guild_id"] = str(guild_id)
            author = int(msg["author"]["id"])
            if author in self._guilds[guild_id].members:
                event["member"] = copy.deepcopy(self._guilds[guild_id].members[author])
        intents = self._intents_for(guild_id)
        hidden = not intents & INTENT_MESSAGE_CONTENT and self.bot_user_id not in mention_ids
        if guild_id is not None and hidden:
            event.update(content="", embeds=[], attachments=[], components=[])
        await self.dispatch("MESSAGE_UPDATE", event)
        return msg

    # ------------------------------------------------------------------ HTTP plumbing

    def _add_routes(self, app: web.Application) -> None:
        p = API_PREFIX
        sf = r"{%s:\d+}"
        r = app.router
        r.add_get("/gateway", self._gateway_handler)
        r.add_get("/attachments/{channel_id}/{attachment_id}/{filename}", self._h_cdn)
        r.add_get(f"{p}/gateway", self._h_gateway)
        r.add_get(f"{p}/gateway/bot", self._h_gateway_bot)
        r.add_get(f"{p}/users/@me", self._h_me)
        r.add_post(f"{p}/users/@me/channels", self._h_create_dm)
        r.add_get(f"{p}/users/{sf % 'user_id'}", self._h_user)
        r.add_get(f"{p}/oauth2/applications/@me", self._h_application)
        r.add_get(f"{p}/applications/@me", self._h_application)
        app_cmds = f"{p}/applications/{sf % 'app_id'}/commands"
        guild_cmds = f"{p}/applications/{sf % 'app_id'}/guilds/{sf % 'guild_id'}/commands"
        for base in (app_cmds, guild_cmds):
            r.add_get(base, self._h_get_commands)
            r.add_put(base, self._h_put_commands)
            r.add_post(base, self._h_post_command)
            r.add_get(f"{base}/{sf % 'command_id'}", self._h_get_command)
            r.add_patch(f"{base}/{sf % 'command_id'}", self._h_patch_command)
            r.add_delete(f"{base}/{sf % 'command_id'}", self._h_delete_command)
        r.add_post(f"{p}/interactions/{sf % 'interaction_id'}/{{token}}/callback", self._h_callback)
        hook = f"{p}/webhooks/{sf % 'app_id'}/{{token}}"
        r.add_post(hook, self._h_followup)
        r.add_get(f"{hook}/messages/{{message_id}}", self._h_webhook_get)
        r.add_patch(f"{hook}/messages/{{message_id}}", self._h_webhook_edit)
        r.add_delete(f"{hook}/messages/{{message_id}}", self._h_webhook_delete)
        chan = f"{p}/channels/{sf % 'channel_id'}"
        r.add_get(chan, self._h_get_channel)
        r.add_get(f"{chan}/messages", self._h_history)
        r.add_post(f"{chan}/messages", self._h_send)
        r.add_get(f"{chan}/messages/{sf % 'message_id'}", self._h_get_msg)
        r.add_patch(f"{chan}/messages/{sf % 'message_id'}", self._h_edit_msg)
        r.add_delete(f"{chan}/messages/{sf % 'message_id'}", self._h_delete_msg)
        r.add_post(f"{chan}/typing", self._h_typing)
        r.add_get(f"{chan}/thread-members/{sf % 'user_id'}", self._h_thread_member)
        reaction = f"{chan}/messages/{sf % 'message_id'}/reactions/{{emoji}}/@me"
        r.add_put(reaction, self._h_add_reaction)
        r.add_delete(reaction, self._h_remove_reaction)
        guild = f"{p}/guilds/{sf % 'guild_id'}"
        r.add_get(guild, self._h_get_guild)
        r.add_get(f"{guild}/channels", self._h_guild_channels)
        r.add_get(f"{guild}/roles", self._h_guild_roles)
        r.add_get(f"{guild}/members/{sf % 'user_id'}", self._h_guild_member)
        r.add_get(f"{guild}/bans/{sf % 'user_id'}", self._h_guild_ban)
        r.add_get(f"{guild}/audit-logs", self._h_audit_log)

    @staticmethod
    async def _parse_body(request: web.Request, rec: RecordedRequest) -> None:
        ctype = request.content_type
        if ctype.startswith("multipart/"):
            reader = await request.multipart()
            index = 0
            while True:
                part = await reader.next()
                if part is None:
                    break
                if not isinstance(part, BodyPartReader):
                    continue
                data = bytes(await part.read(decode=True))
                name = part.name or ""
                if part.filename is not None:
                    rec.files.append(
                        RecordedFile(
                            field=name or f"files[{index}]",
                            filename=part.filename,
                            content_type=part.headers.get(
                                "Content-Type", "application/octet-stream"
                            ),
                            data=data,
                        )
                    )
                    index += 1
                else:
                    rec.form[name] = data.decode("utf-8", "replace")
            return
        rec.raw = await request.read()
        if rec.raw and ("json" in ctype or rec.raw[:1] in (b"{", b"[")):
            try:
                rec.json = json.loads(rec.raw)
            except ValueError as exc:
                raise FakeDiscordError(
                    400, 50109, "The request body contains invalid JSON."
                ) from exc

    def _error_response(self, err: FakeDiscordError) -> web.Response:
        return _json_response(err.body(), err.status)

    def _fault_response(self, fault: ScriptedFault) -> web.Response:
        if fault.blocked:
            return web.Response(text=fault.message, status=429, content_type="text/plain")
        if fault.status == 429:
            retry = fault.retry_after if fault.retry_after is not None else 1.0
            body: Json = {
                "message": fault.message if fault.code else "You are being rate limited.",
                "retry_after": retry,
                "global": False,
                "code": fault.code,
            }
            headers = {
                "Retry-After": str(max(1, int(retry + 0.999))),
                "X-RateLimit-Limit": str(self.rate_limit_limit),
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset-After": str(retry),
                "X-RateLimit-Reset": str(time.time() + retry),
                "X-RateLimit-Scope": "user",
                "Via": "1.1 google",
            }
            return _json_response(body, 429, headers)
        return _json_response({"code": fault.code, "message": fault.message}, fault.status)

    @web.middleware
    async def _middleware(
        self,
        request: web.Request,
        handler: Callable[[web.Request], Any],
    ) -> web.StreamResponse:
        if request.path == "/gateway" or request.path.startswith("/attachments/"):
            resp: web.StreamResponse = await handler(request)
            return resp
        url_path = request.path
        path = url_path[len(API_PREFIX) :] if url_path.startswith(API_PREFIX + "/") else url_path
        rec = RecordedRequest(
            method=request.method,
            path=path,
            url_path=url_path,
            query=dict(request.query),
            headers=dict(request.headers),
            time=time.monotonic(),
        )
        self.requests.append(rec)
        self._live_requests[id(request)] = rec
        response: web.StreamResponse
        try:
            await self._parse_body(request, rec)
            # Always recorded; answered (400) where Discord would: after auth, before the route.
            spec_error = self._check_spec(request, rec) if self.validate_requests else None
            fault = next((f for f in self.faults if f.matches(rec.method, path, url_path)), None)
            if fault is not None and fault.held is not None:
                fault.hits += 1
                await fault.held.wait()
                fault = None
            if fault is not None and fault.dropped:
                fault.hits += 1
                if request.transport is not None:
                    request.transport.close()
                raise ConnectionResetError("dropped by a scripted fault")
            if fault is not None and not fault.answer_lost:
                fault.hits += 1
                response = self._fault_response(fault)
            else:
                self._check_auth(request, path)
                if spec_error is not None:
                    raise spec_error
                response = await handler(request)
                if fault is not None and fault.status:
                    fault.hits += 1
                    response = self._fault_response(fault)
                elif fault is not None:
                    fault.hits += 1
                    self._notify()
                    if request.transport is not None:
                        request.transport.close()
                    raise ConnectionResetError("answer lost by a scripted fault")
        except FakeDiscordError as err:
            response = self._error_response(err)
        except web.HTTPException as exc:
            response = _json_response(
                {"message": f"{exc.status}: {exc.reason}", "code": 0}, exc.status
            )
        finally:
            # Its body read by now (or refused): the client sends nothing more on this
            # connection before the answer.
            rec.received = _received_at(request)
            self._live_requests.pop(id(request), None)
        if response.status != 429:
            bucket = getattr(request.match_info.route.resource, "canonical", path)
            response.headers.update(
                {
                    "X-RateLimit-Limit": str(self.rate_limit_limit),
                    "X-RateLimit-Remaining": str(self.rate_limit_remaining),
                    "X-RateLimit-Reset-After": str(self.rate_limit_reset_after),
                    "X-RateLimit-Reset": f"{time.time() + self.rate_limit_reset_after:.3f}",
                    "X-RateLimit-Bucket": format(abs(hash((request.method, bucket))), "x"),
                }
            )
        rec.status = response.status
        if isinstance(response, web.Response) and response.body is not None:
            body = response.body
            if isinstance(body, bytes | bytearray) and body:
                try:
                    rec.response = json.loads(body)
                except ValueError:
                    rec.response = body
        self._notify()
        return response

    def _check_spec(self, request: web.Request, rec: RecordedRequest) -> FakeDiscordError | None:
        """Record how a request does not conform to Discord's OpenAPI spec; the 400 to answer."""
        violations: list[Violation]
        if not rec.url_path.startswith(API_PREFIX + "/"):
            violations = [
                Violation(rec.method, rec.url_path, ("route",), f"not under {API_PREFIX}")
            ]
        else:
            multipart = bool(rec.form or rec.files)
            violations = load_spec().check(
                rec.method,
                rec.path,
                list(request.query.items()),
                None if multipart else rec.json,
                form=rec.form if multipart else None,
                files=[f.field for f in rec.files],
                raw_body=rec.raw if rec.json is None else b"",
            )
        if not violations:
            return None
        self.spec_violations.extend(str(v) for v in violations)
        return FakeDiscordError(
            400,
            50035,
            "Invalid Form Body (does not match Discord's OpenAPI spec)",
            errors=violation_errors(violations),
        )

    def _check_auth(self, request: web.Request, path: str) -> None:
        if path.startswith(("/webhooks/", "/interactions/")) or path in ("/gateway",):
            return
        header = request.headers.get("Authorization", "")
        if not header or (self.token is not None and header != f"Bot {self.token}"):
            raise FakeDiscordError(401, 0, "401: Unauthorized")

    @staticmethod
    def _json(data: Any, status: int = 200) -> web.Response:
        return _json_response(data, status)

    def _rec(self, request: web.Request) -> RecordedRequest:
        return self._live_requests[id(request)]

    @staticmethod
    def _int(request: web.Request, key: str) -> int:
        return int(request.match_info[key])

    # ------------------------------------------------------------------ HTTP: basics

    async def _h_cdn(self, request: web.Request) -> web.StreamResponse:
        blob = self._blobs.get(int(request.match_info["attachment_id"]))
        if blob is None:
            return web.Response(status=404, text="Not Found")
        try:
            expires = int(request.query.get("ex", ""), 16)
        except ValueError:
            expires = None  # an unsigned link: the fake serves it (its tests build some)
        if expires is not None and expires <= self.wall_clock():
            # Discord's CDN after a signed link's `ex`: a fresh link comes with the message.
            return web.Response(status=404, text=CDN_EXPIRED_TEXT)
        return web.Response(body=blob[1], content_type=blob[0])

    async def _h_gateway(self, request: web.Request) -> web.StreamResponse:
        return self._json({"url": self.gateway_url})

    async def _h_gateway_bot(self, request: web.Request) -> web.StreamResponse:
        return self._json(
            {
                "url": self.gateway_url,
                "shards": self.recommended_shards,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 999,
                    "reset_after": 14400000,
                    "max_concurrency": 1,
                },
            }
        )

    async def _h_me(self, request: web.Request) -> web.StreamResponse:
        return self._json(self.bot_user_payload())

    async def _h_user(self, request: web.Request) -> web.StreamResponse:
        uid = self._int(request, "user_id")
        if uid not in self._users:
            raise FakeDiscordError(404, 10013, "Unknown User")
        return self._json(self._users[uid])

    async def _h_application(self, request: web.Request) -> web.StreamResponse:
        return self._json(
            {
                "id": str(self.application_id),
                "name": self.bot_name,
                "icon": None,
                "description": "",
                "summary": "",
                "type": None,
                "hook": True,
                "bot_public": True,
                "bot_require_code_grant": False,
                "verify_key": "0" * 64,
                "flags": self.application_flags,
                "owner": copy.deepcopy(self._users[self.owner_id]),
                "team": None,
                "bot": self.bot_user_payload(),
                "redirect_uris": [],
                "interactions_endpoint_url": None,
                "role_connections_verification_url": None,
                "tags": [],
                "install_params": None,
                "integration_types_config": {"0": {}},
                "approximate_guild_count": len(self._guilds),
            }
        )

    async def _h_create_dm(self, request: web.Request) -> web.StreamResponse:
        body = self._rec(request).payload or {}
        try:
            uid = int(body["recipient_id"])
        except (KeyError, TypeError, ValueError) as exc:
            raise _form_error(
                "recipient_id", "BASE_TYPE_REQUIRED", "This field is required"
            ) from exc
        return self._json(self._channel_payload(self.dm_channel_id(uid)))

    # ------------------------------------------------------------------ HTTP: commands

    def _cmd_scope(self, request: web.Request) -> int | None:
        if self._int(request, "app_id") != self.application_id:
            raise FakeDiscordError(403, 50001, "Missing Access")
        if "guild_id" in request.match_info:
            gid = self._int(request, "guild_id")
            if gid not in self._guilds:
                raise FakeDiscordError(403, 50001, "Missing Access")
            return gid
        return None

    def _store_command(self, scope: int | None, body: Json, cmd_id: int | None = None) -> Json:
        if not isinstance(body, Mapping) or not body.get("name"):
            raise _form_error("name", "BASE_TYPE_REQUIRED", "This field is required")
        ctype = int(body.get("type") or 1)
        key = (scope, str(body["name"]), ctype)
        if cmd_id is None:
            cmd_id = self._command_ids.get(key) or self._next_id()
        self._command_ids[key] = cmd_id
        cmd: Json = {
            "description": "",
            "options": [],
            "default_member_permissions": None,
            "nsfw": False,
            "contexts": None,
            "integration_types": [0],
            **copy.deepcopy(dict(body)),
            "id": str(cmd_id),
            "application_id": str(self.application_id),
            "version": str(self._next_id()),
            "type": ctype,
        }
        if ctype != 1:
            cmd["description"] = ""
        if scope is not None:
            cmd["guild_id"] = str(scope)
        return cmd

    def commands(self, guild_id: int | None = None) -> list[Json]:
        """Commands synced globally (``guild_id=None``) or for a guild."""
        return list(self._commands.get(guild_id, []))

    async def _h_get_commands(self, request: web.Request) -> web.StreamResponse:
        return self._json(self.commands(self._cmd_scope(request)))

    async def _h_put_commands(self, request: web.Request) -> web.StreamResponse:
        scope = self._cmd_scope(request)
        body = self._rec(request).payload
        if not isinstance(body, list):
            raise FakeDiscordError(400, 50035, "Invalid Form Body")
        self._commands[scope] = [self._store_command(scope, c) for c in body]
        self._notify()
        return self._json(self._commands[scope])

    async def _h_post_command(self, request: web.Request) -> web.StreamResponse:
        scope = self._cmd_scope(request)
        cmd = self._store_command(scope, self._rec(request).payload)
        cmds = [
            c
            for c in self._commands.get(scope, [])
            if (c["name"], c["type"]) != (cmd["name"], cmd["type"])
        ]
        self._commands[scope] = [*cmds, cmd]
        self._notify()
        return self._json(cmd, status=201)

    def _find_command(self, request: web.Request) -> tuple[int | None, int, Json]:
        scope = self._cmd_scope(request)
        cmd_id = self._int(request, "command_id")
        for index, cmd in enumerate(self._commands.get(scope, [])):
            if int(cmd["id"]) == cmd_id:
                return scope, index, cmd
        raise FakeDiscordError(404, 10063, "Unknown application command")

    async def _h_get_command(self, request: web.Request) -> web.StreamResponse:
        return self._json(self._find_command(request)[2])

    async def _h_patch_command(self, request: web.Request) -> web.StreamResponse:
        scope, index, cmd = self._find_command(request)
        updated = self._store_command(
            scope, {**cmd, **(self._rec(request).payload or {})}, int(cmd["id"])
        )
        self._commands[scope][index] = updated
        return self._json(updated)

    async def _h_delete_command(self, request: web.Request) -> web.StreamResponse:
        scope, index, _ = self._find_command(request)
        del self._commands[scope][index]
        return web.Response(status=204)

    # ------------------------------------------------------------------ HTTP: interactions

    async def _h_callback(self, request: web.Request) -> web.StreamResponse:
        rec = self._rec(request)
        inter = self.interactions.get(self._int(request, "interaction_id"))
        try:
            return await self._handle_callback(request, rec, inter)
        except FakeDiscordError as err:
            if inter is not None:
                inter.rejected_callbacks.append((err.status, err.body()))
            raise

    async def _handle_callback(
        self, request: web.Request, rec: RecordedRequest, inter: FakeInteraction | None
    ) -> web.StreamResponse:
        if inter is None:
            raise FakeDiscordError(404, 10062, "Unknown interaction")
        if request.match_info["token"] != inter.token:
            raise FakeDiscordError(401, 50027, "Invalid Webhook Token")
        if inter.acknowledged:
            raise FakeDiscordError(400, 40060, "Interaction has already been acknowledged.")
        waited = self.cpu_wait() - inter.cpu_wait_at_dispatch
        if self.now() - inter.dispatched_at - waited > self.ack_deadline:
            raise FakeDiscordError(404, 10062, "Unknown interaction")
        body = rec.payload
        if not isinstance(body, Mapping) or "type" not in body:
            raise _form_error("type", "BASE_TYPE_REQUIRED", "This field is required")
        ctype = int(body["type"])
        if ctype not in ALLOWED_CALLBACKS.get(inter.type, frozenset()):
            raise _form_error(
                "type",
                "INTERACTION_CALLBACK_TYPE_INVALID",
                f"Callback type {ctype} is not valid for interaction type {inter.type}",
            )
        data: Json = dict(body.get("data") or {})
        self._check_upload(rec.files, inter)
        if self._responses_private(inter) and ctype in (
            CALLBACK_CHANNEL_MESSAGE,
            CALLBACK_DEFERRED_CHANNEL_MESSAGE,
        ):
            data["flags"] = int(data.get("flags") or 0) | FLAG_EPHEMERAL
        flags = int(data.get("flags") or 0)
        ephemeral = bool(flags & FLAG_EPHEMERAL)
        resource: Json = {"type": ctype}
        message: Json | None = None
        if ctype == CALLBACK_CHANNEL_MESSAGE:
            message = self._create_message(
                inter.channel_id, data, rec.files, interaction=inter, original=True
            )
        elif ctype == CALLBACK_DEFERRED_CHANNEL_MESSAGE:
            message = self._create_message(
                inter.channel_id,
                {"flags": flags & FLAG_EPHEMERAL},
                (),
                interaction=inter,
                original=True,
                extra_flags=FLAG_LOADING,
                allow_empty=True,
            )
        elif ctype in (CALLBACK_DEFERRED_UPDATE_MESSAGE, CALLBACK_UPDATE_MESSAGE):
            source = (
                self._messages.get(inter.source_message_id)
                if inter.source_message_id is not None
                else None
            )
            if source is None:
                raise FakeDiscordError(400, 40004, "Interaction has no message to update")
            if ctype == CALLBACK_UPDATE_MESSAGE:
                self._apply_edit(source, data, rec.files)
                resource["message"] = source
                await self._echo("MESSAGE_UPDATE", source)
            inter.original_message_id = int(source["id"])
        elif ctype == CALLBACK_MODAL:
            inter.modal = copy.deepcopy(data)
        if message is not None:
            self._store_message(message, ephemeral_owner=inter.user_id if ephemeral else None)
            inter.original_message_id = int(message["id"])
            if ctype == CALLBACK_CHANNEL_MESSAGE:
                resource["message"] = message
            await self._echo("MESSAGE_CREATE", message)
        inter.response_type = ctype
        inter.callbacks.append(copy.deepcopy(dict(body)))
        self._notify()
        if rec.query.get("with_response", "").lower() not in ("1", "true"):
            return web.Response(status=204)
        info: Json = {
            "id": str(inter.id),
            "type": inter.type,
            "response_message_loading": ctype == CALLBACK_DEFERRED_CHANNEL_MESSAGE,
            "response_message_ephemeral": ephemeral,
        }
        if inter.original_message_id is not None:
            info["response_message_id"] = str(inter.original_message_id)
        result: Json = {"interaction": info}
        if ctype not in (CALLBACK_PONG, CALLBACK_MODAL, CALLBACK_AUTOCOMPLETE_RESULT):
            result["resource"] = resource
        return self._json(result)

    def _responses_private(self, inter: FakeInteraction) -> bool:
        """Whether Discord makes a response to `inter` ephemeral: the server blocked external
        apps for the member when the command was used, or has since."""
        blocked = (
            inter.guild_id in self.foreign_guilds and inter.guild_id in self.external_apps_blocked
        )
        return inter.ephemeral_only or blocked

    def _webhook_interaction(self, request: web.Request) -> FakeInteraction:
        if self._int(request, "app_id") != self.application_id:
            raise FakeDiscordError(404, 10015, "Unknown Webhook")
        token = request.match_info["token"]
        inter = next((i for i in self.interactions.values() if i.token == token), None)
        if inter is None:
            raise FakeDiscordError(401, 50027, "Invalid Webhook Token")
        if self.now() - inter.dispatched_at > self.token_lifetime:
            self.expired_webhook_calls.append(self._rec(request))
            raise FakeDiscordError(401, 50027, "Invalid Webhook Token")
        return inter

    def _webhook_message(self, request: web.Request, inter: FakeInteraction) -> Json:
        raw = request.match_info["message_id"]
        if raw == "@original":
            msg = inter.original_message
        elif raw.isdigit() and (
            int(raw) == inter.original_message_id or int(raw) in inter.followup_message_ids
        ):
            msg = self._messages.get(int(raw))
        else:
            msg = None
        if msg is None:
            raise FakeDiscordError(404, 10008, "Unknown Message")
        return msg

    async def _h_followup(self, request: web.Request) -> web.StreamResponse:
        rec = self._rec(request)
        inter = self._webhook_interaction(request)
        if not inter.acknowledged:
            raise FakeDiscordError(404, 10015, "Unknown Webhook")
        if inter.user_install_only and inter.followup_posts >= USER_INSTALL_MAX_FOLLOWUPS:
            raise FakeDiscordError(
                400, 40094, "This interaction has hit the maximum number of follow up messages"
            )
        payload: Json = dict(rec.payload or {})
        if self._responses_private(inter):
            payload["flags"] = int(payload.get("flags") or 0) | FLAG_EPHEMERAL
        self._check_upload(rec.files, inter)
        inter.followup_posts += 1
        original = inter.original_message
        if (
            inter.response_type == CALLBACK_DEFERRED_CHANNEL_MESSAGE
            and original is not None
            and int(original.get("flags") or 0) & FLAG_LOADING
        ):
            # Discord: a follow-up right after a type 5 deferral edits the loading message;
            # the ephemeral state of the deferral is kept.
            payload.pop("flags", None)
            self._apply_edit(original, payload, rec.files)
            if int(original["id"]) not in inter.followup_message_ids:
                inter.followup_message_ids.append(int(original["id"]))
            await self._echo("MESSAGE_UPDATE", original)
            msg = original
        else:
            msg = self._create_message(inter.channel_id, payload, rec.files, interaction=inter)
            ephemeral = bool(int(payload.get("flags") or 0) & FLAG_EPHEMERAL)
            inter.followup_message_ids.append(int(msg["id"]))
            self._store_message(msg, ephemeral_owner=inter.user_id if ephemeral else None)
            await self._echo("MESSAGE_CREATE", msg)
        self._notify()
        if rec.query.get("wait", "").lower() in ("1", "true"):
            return self._json(self._fresh_links(msg))
        return web.Response(status=204)

    async def _h_webhook_get(self, request: web.Request) -> web.StreamResponse:
        inter = self._webhook_interaction(request)
        return self._json(self._fresh_links(self._webhook_message(request, inter)))

    async def _h_webhook_edit(self, request: web.Request) -> web.StreamResponse:
        rec = self._rec(request)
        inter = self._webhook_interaction(request)
        msg = self._webhook_message(request, inter)
        self._check_upload(rec.files, inter)
        self._apply_edit(msg, dict(rec.payload or {}), rec.files)
        await self._echo("MESSAGE_UPDATE", msg)
        return self._json(self._fresh_links(msg))

    async def _h_webhook_delete(self, request: web.Request) -> web.StreamResponse:
        inter = self._webhook_interaction(request)
        msg = self._webhook_message(request, inter)
        mid = int(msg["id"])
        if mid == inter.original_message_id:
            inter.original_deleted = True
        self._delete_message(mid)
        await self._echo("MESSAGE_DELETE", msg)
        return web.Response(status=204)

    # ------------------------------------------------------------------ HTTP: channels

    def _channel(self, request: web.Request) -> tuple[int, Json]:
        cid = self._int(request, "channel_id")
        channel = self._channels.get(cid)
        if channel is None:
            raise FakeDiscordError(404, 10003, "Unknown Channel")
        self._check_bot_access(channel)
        return cid, channel

    def _channel_message(self, request: web.Request) -> Json:
        cid, _ = self._channel(request)
        mid = self._int(request, "message_id")
        msg = self._messages.get(mid)
        if msg is None or int(msg["channel_id"]) != cid or mid in self._ephemeral_owner:
            raise FakeDiscordError(404, 10008, "Unknown Message")
        return msg

    async def _h_get_channel(self, request: web.Request) -> web.StreamResponse:
        cid, _ = self._channel(request)
        return self._json(self._channel_payload(cid))

    async def _h_thread_member(self, request: web.Request) -> web.StreamResponse:
        cid, channel = self._channel(request)
        uid = self._int(request, "user_id")
        if channel["type"] not in THREADS or uid not in self._thread_members.get(cid, ()):
            raise FakeDiscordError(404, 10007, "Unknown Member")
        joined = channel["thread_metadata"]["create_timestamp"]
        member = {"id": str(cid), "user_id": str(uid), "join_timestamp": joined, "flags": 0}
        return self._json(member)

    async def _h_send(self, request: web.Request) -> web.StreamResponse:
        rec = self._rec(request)
        cid = self._int(request, "channel_id")
        self._check_channel_writable(cid)
        payload = dict(rec.payload or {})
        self._check_bot_may_post(cid, payload, rec.files)
        nonce = payload.get("nonce")
        if payload.get("enforce_nonce") and nonce is not None:
            # Like Discord: a repeated nonce within a few minutes returns the first message.
            seen = self._nonces.get((cid, str(nonce)))
            if seen is not None and self.now() - seen[1] <= self.nonce_window:
                existing = self.get_message(seen[0])
                if existing is not None:
                    return self._json(self._fresh_links(existing))
        self._check_upload(rec.files, channel_id=cid)
        self._check_automod(cid, payload)
        msg = self._create_message(cid, payload, rec.files)
        self._store_message(msg)
        if payload.get("enforce_nonce") and nonce is not None:
            self._nonces[(cid, str(nonce))] = (int(msg["id"]), self.now())
        await self._echo("MESSAGE_CREATE", msg)
        return self._json(self._fresh_links(msg))

    def _history_hidden(self, channel_id: int) -> bool:
        """Like Discord: without Read Message History the bot reads no message of a server's
        channel (a history read answers an empty list, not a refusal)."""
        return not self.permissions_for(self.bot_user_id, channel_id) & PERM_READ_MESSAGE_HISTORY

    def _check_bot_sees(self, channel_id: int) -> None:
        """Like Discord ("Get Channel Messages", "Get Channel Message"): reading a server's
        channel needs View Channel; without it the read is refused, not answered."""
        if not self.permissions_for(self.bot_user_id, channel_id) & PERM_VIEW_CHANNEL:
            raise FakeDiscordError(403, 50001, "Missing Access")

    async def _h_history(self, request: web.Request) -> web.StreamResponse:
        cid, _ = self._channel(request)
        self._check_bot_sees(cid)
        if self._history_hidden(cid):
            return self._json([])
        query = request.query
        try:
            limit = max(1, min(100, int(query.get("limit", "50"))))
        except ValueError as exc:
            raise _form_error("limit", "NUMBER_TYPE_COERCE", "Value is not int.") from exc
        msgs = [
            m for m in self.messages(cid) if int(m["id"]) not in self._ephemeral_owner
        ]  # oldest first
        if "around" in query:
            around = int(query["around"])
            older = [m for m in msgs if int(m["id"]) <= around][-((limit + 1) // 2) :]
            newer = [m for m in msgs if int(m["id"]) > around][: limit - len(older)]
            selected = older + newer
        elif "after" in query:
            after = int(query["after"])
            selected = [m for m in msgs if int(m["id"]) > after][:limit]
        else:
            before = int(query["before"]) if "before" in query else None
            candidates = [m for m in msgs if before is None or int(m["id"]) < before]
            selected = candidates[-limit:]
        # Newest first, like Discord, with links signed afresh.
        return self._json([self._fresh_links(m) for m in reversed(selected)])

    async def _h_get_msg(self, request: web.Request) -> web.StreamResponse:
        cid, _ = self._channel(request)
        self._check_bot_sees(cid)
        if self._history_hidden(cid):
            # Reading one message by its id needs Read Message History too, and says so.
            raise FakeDiscordError(403, 50001, "Missing Access")
        return self._json(self._fresh_links(self._channel_message(request)))

    async def _h_edit_msg(self, request: web.Request) -> web.StreamResponse:
        rec = self._rec(request)
        msg = self._channel_message(request)
        if int(msg["author"]["id"]) != self.bot_user_id:
            raise FakeDiscordError(403, 50005, "Cannot edit a message authored by another user")
        self._check_channel_writable(int(msg["channel_id"]))
        self._check_upload(rec.files, channel_id=int(msg["channel_id"]))
        self._check_automod(int(msg["channel_id"]), dict(rec.payload or {}))
        self._apply_edit(msg, dict(rec.payload or {}), rec.files)
        await self._echo("MESSAGE_UPDATE", msg)
        return self._json(self._fresh_links(msg))

    async def _h_delete_msg(self, request: web.Request) -> web.StreamResponse:
        msg = self._channel_message(request)
        self._delete_message(int(msg["id"]))
        await self._echo("MESSAGE_DELETE", msg)
        return web.Response(status=204)

    async def _h_typing(self, request: web.Request) -> web.StreamResponse:
        self._check_channel_writable(self._int(request, "channel_id"))
        return web.Response(status=204)

    def _reaction_target(self, request: web.Request) -> tuple[Json, str]:
        msg = self._channel_message(request)
        return msg, request.match_info["emoji"]

    async def _h_add_reaction(self, request: web.Request) -> web.StreamResponse:
        msg, emoji = self._reaction_target(request)
        reactions: list[Json] = msg.setdefault("reactions", [])
        for reaction in reactions:
            if reaction["emoji"]["name"] == emoji:
                if not reaction["me"]:
                    reaction["me"] = True
                    reaction["count"] += 1
                break
        else:
            reactions.append(
                {
                    "count": 1,
                    "count_details": {"burst": 0, "normal": 1},
                    "me": True,
                    "me_burst": False,
                    "burst_colors": [],
                    "emoji": {"id": None, "name": emoji},
                }
            )
        self._notify()
        return web.Response(status=204)

    async def _h_remove_reaction(self, request: web.Request) -> web.StreamResponse:
        msg, emoji = self._reaction_target(request)
        for reaction in list(msg.get("reactions") or []):
            if reaction["emoji"]["name"] == emoji and reaction["me"]:
                reaction["me"] = False
                reaction["count"] -= 1
                if reaction["count"] <= 0:
                    msg["reactions"].remove(reaction)
        self._notify()
        return web.Response(status=204)

    # ------------------------------------------------------------------ HTTP: guilds

    def _request_guild(self, request: web.Request) -> int:
        gid = self._int(request, "guild_id")
        if gid not in self._guilds:
            raise FakeDiscordError(404, 10004, "Unknown Guild")
        if gid in self.foreign_guilds:
            # The bot's token reads nothing of a server it is no member of.
            raise FakeDiscordError(403, 50001, "Missing Access")
        return gid

    async def _h_get_guild(self, request: web.Request) -> web.StreamResponse:
        gid = self._request_guild(request)
        payload = self.guild_payload(gid, full=False)
        if request.query.get("with_counts", "").lower() in ("1", "true"):
            payload["approximate_member_count"] = len(self._guilds[gid].members)
            payload["approximate_presence_count"] = 0
        return self._json(payload)

    async def _h_guild_channels(self, request: web.Request) -> web.StreamResponse:
        gid = self._request_guild(request)
        return self._json([self._channel_payload(c) for c in self._guilds[gid].channel_ids])

    async def _h_guild_roles(self, request: web.Request) -> web.StreamResponse:
        gid = self._request_guild(request)
        return self._json(copy.deepcopy(self._guilds[gid].roles))

    async def _h_guild_ban(self, request: web.Request) -> web.StreamResponse:
        """One ban, as Discord gives it only to a member with Ban Members (403 50013 else)."""
        gid = self._request_guild(request)
        guild = self._guilds[gid]
        if self.bot_user_id not in guild.members:
            raise FakeDiscordError(403, 50001, "Missing Access")
        if not self.guild_permissions_of(self.bot_user_id, gid) & PERM_BAN_MEMBERS:
            raise FakeDiscordError(403, 50013, "Missing Permissions")
        uid = self._int(request, "user_id")
        if uid not in guild.bans:
            raise FakeDiscordError(404, 10026, "Unknown Ban")
        return self._json({"reason": None, "user": copy.deepcopy(self.user(uid))})

    async def _h_audit_log(self, request: web.Request) -> web.StreamResponse:
        """The guild's audit log, as Discord gives it only to View Audit Log (403 50013 else):
        filtered by `action_type` and `user_id`; with `after`, the oldest `limit` entries past
        it, oldest first; else (or with `before`) the newest, newest first (limit 50 unless
        given, at most 100)."""
        gid = self._request_guild(request)
        guild = self._guilds[gid]
        if self.bot_user_id not in guild.members:
            raise FakeDiscordError(403, 50001, "Missing Access")
        if not self.guild_permissions_of(self.bot_user_id, gid) & PERM_VIEW_AUDIT_LOG:
            raise FakeDiscordError(403, 50013, "Missing Permissions")
        query = request.query
        entries = [
            e
            for e in guild.audit_log
            if all(
                str(e[key]) == query[key]
                for key in ("action_type", "user_id", "target_id")
                if key in query
            )
        ]
        limit = int(query.get("limit", "50"))
        if "before" in query:
            entries = [e for e in entries if int(e["id"]) < int(query["before"])]
        if "after" in query:
            entries = [e for e in entries if int(e["id"]) > int(query["after"])][:limit]
        else:
            entries = entries[::-1][:limit]
        users = {int(e["user_id"]) for e in entries} | {int(e["target_id"]) for e in entries}
        return self._json(
            {
                "audit_log_entries": copy.deepcopy(entries),
                "users": [copy.deepcopy(self.user(uid)) for uid in sorted(users)],
                "integrations": [],
                "webhooks": [],
                "guild_scheduled_events": [],
                "threads": [],
                "application_commands": [],
                "auto_moderation_rules": [],
            }
        )

    def guild_permissions_of(self, user_id: int, guild_id: int) -> int:
        """A member's server-wide permissions (their roles, no channel overwrites)."""
        guild = self._guilds[guild_id]
        if user_id == guild.owner_id:
            return PERM_ALL
        member = guild.members.get(user_id)
        role_ids = {int(r) for r in member["roles"]} if member else set()
        perms = 0
        for role in guild.roles:
            if int(role["id"]) == guild.id or int(role["id"]) in role_ids:
                perms |= int(role["permissions"])
        return PERM_ALL if perms & PERM_ADMINISTRATOR else perms

    async def _h_guild_member(self, request: web.Request) -> web.StreamResponse:
        gid = self._request_guild(request)
        uid = self._int(request, "user_id")
        if uid not in self._guilds[gid].members:
            raise FakeDiscordError(404, 10007, "Unknown Member")
        return self._json(self.member_payload(uid, gid))
