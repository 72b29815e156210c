"""Check REST requests against Discord's published OpenAPI description.

The fake Discord (:mod:`tests.fakes.discord`) is hand-written, so it could quietly accept a request
that the real platform rejects.  To keep it honest, every REST request the bot sends to the fake
is checked here against a pinned copy of Discord's own OpenAPI 3.1 description
(``tests/fakes/discord-openapi.json``; see ``DISCORD_OPENAPI.md`` for where it comes from and how
to update it).  A request is reported when

* its path matches no route of the spec, or the route has no operation for its method,
* a path parameter does not fit its schema (e.g. a channel id that is not a snowflake),
* it carries a query parameter the operation does not declare, or a value that does not fit,
* it has a body although the operation takes none, lacks a body the operation requires, uses a
  content type the operation does not accept, or
* its body (the JSON body, or a multipart upload's ``payload_json`` part) does not validate
  against the operation's ``requestBody`` schema, including its ``format: uri`` fields (an
  embed's or a link button's URL must be a well-formed absolute URL, as Discord requires).

Schemas are validated with :mod:`jsonschema` (Draft 2020-12, which OpenAPI 3.1 uses), ``$ref`` s
are resolved against the whole document.  The published schemas leave objects open; this module
closes them (``additionalProperties: false``, or ``unevaluatedProperties: false`` where an
object composes others) so that a field Discord does not know about - a
typo, or a field the fake honours but Discord would silently drop - is reported as well.

The description is generated, and Discord warns that it can be imprecise.  Where it is stricter
than the platform in a way that discord.py itself always trips over, the schemas are adjusted in
memory (never in the pinned file); those are the only adjustments, each listed with its reason in
:data:`SPEC_ADJUSTMENTS`.

Usage::

    problems = check_request("POST", "/api/v10/channels/1/messages", {}, {"content": "hi"})
    assert problems == []

The document is loaded once per process (~0.1 s), validators are built once per operation and
content type, and results for identical bodies and path or query values are memoised, so a check
typically costs well under a millisecond (the first sync of a large command tree ~0.1 s).
"""

from __future__ import annotations

import copy
import functools
import json
import re
import urllib.parse
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker, validators
from jsonschema.exceptions import ValidationError, best_match
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

Json = dict[str, Any]

#: The pinned copy of ``specs/openapi.json`` from ``github.com/discord/discord-api-spec``.
SPEC_PATH = Path(__file__).with_name("discord-openapi.json")
#: The URL prefix of the REST API version the spec describes.
API_PREFIX = "/api/v10"
#: The base URI ``$ref`` s are resolved against.
_BASE_URI = "urn:discord-openapi"
_METHODS = ("get", "put", "post", "patch", "delete", "head", "options")
#: How long a value may get in a message before it is cut.
_REPR_LIMIT = 120
#: At most this many violations are reported per request body.
_MAX_BODY_ERRORS = 5
#: How many body validation results are remembered (see ``DiscordOpenAPI._validate_body``).
_BODY_CACHE_SIZE = 512
#: How many path and query value results are remembered (see ``DiscordOpenAPI._value_problem``).
_VALUE_CACHE_SIZE = 1024


@dataclass(frozen=True)
class SpecAdjustment:
    """One documented change made to the pinned spec before validating against it."""

    #: What is changed, e.g. ``"components.schemas.SnowflakeType"``.
    target: str
    #: Why the pinned spec is wrong or too strict here (with evidence).
    reason: str
    #: Applies the change to the (deep-copied) spec document in place.
    apply: Callable[[Json], None]


def _snowflake_accepts_integers(spec: Json) -> None:
    schemas = spec["components"]["schemas"]
    as_string = schemas["SnowflakeType"]
    schemas["SnowflakeType"] = {
        "anyOf": [as_string, {"type": "integer", "minimum": 0, "maximum": 2**64 - 1}],
        "format": "snowflake",
    }


def _commands_accept_nsfw(spec: Json) -> None:
    schemas = spec["components"]["schemas"]
    for name in _COMMAND_REQUESTS:
        schemas[name]["properties"]["nsfw"] = {"type": ["boolean", "null"]}


_COMMAND_REQUESTS = (
    "ApplicationCommandCreateRequest",
    "ApplicationCommandUpdateRequest",
    "ApplicationCommandPatchRequestPartial",
)


def _edits_accept_tts(spec: Json) -> None:
    schemas = spec["components"]["schemas"]
    for name in _EDIT_REQUESTS:
        schemas[name]["properties"]["tts"] = {"type": ["boolean", "null"]}


_EDIT_REQUESTS = ("MessageEditRequestPartial", "IncomingWebhookUpdateRequestPartial")


def _embeds_accept_flags(spec: Json) -> None:
    spec["components"]["schemas"]["RichEmbed"]["properties"]["flags"] = {
        "type": ["integer", "null"]
    }


def _channel_types_include_media(spec: Json) -> None:
    spec["components"]["schemas"]["ChannelTypes"]["oneOf"].append(
        {
            "title": "GUILD_MEDIA",
            "description": "Channel that can only contain threads, similar to GUILD_FORUM",
            "const": 16,
        }
    )


#: The allow-list: every deviation from the pinned spec, with its reason.  Keep it tiny.  Nothing
#: may be added here just to make a test pass - only platform behaviour the spec misdescribes.
SPEC_ADJUSTMENTS: tuple[SpecAdjustment, ...] = (
    SpecAdjustment(
        target="components.schemas.ChannelTypes",
        reason=(
            "The spec's ChannelTypes enum stops at GUILD_FORUM (15), but Discord's reference "
            "docs (Channel Types table) list GUILD_MEDIA = 16, a channel that, like a forum, only "
            "holds threads; discord.py models it as ForumChannel, so a ForumChannel command "
            "option syncs channel_types [15, 16], which Discord accepts."
        ),
        apply=_channel_types_include_media,
    ),
    SpecAdjustment(
        target="components.schemas.SnowflakeType",
        reason=(
            "The spec types every snowflake as a decimal string.  Discord's reference docs only "
            "say snowflakes are *returned* as strings (to spare languages without 64-bit "
            "integers); requests may carry them as JSON integers, and discord.py always does: "
            "message_reference.message_id, allowed_mentions.users/roles, attachments[].id (the "
            "upload index 0, 1, ...) and recipient_id of POST /users/@me/channels."
        ),
        apply=_snowflake_accepts_integers,
    ),
    SpecAdjustment(
        target=", ".join(f"components.schemas.{n}.nsfw" for n in _COMMAND_REQUESTS),
        reason=(
            "The request schemas for creating/overwriting/editing application commands omit "
            "'nsfw' (only ApplicationCommandResponse has it), but Discord documents it as a "
            "create/edit parameter (discord/discord-api-docs PR #5617, 'Create Global "
            "Application Command' JSON params) and discord.py's Command/Group.to_dict always "
            "sends it, so every command sync would otherwise be reported."
        ),
        apply=_commands_accept_nsfw,
    ),
    SpecAdjustment(
        target=", ".join(f"components.schemas.{n}.tts" for n in _EDIT_REQUESTS),
        reason=(
            "discord.py builds message edits with the same helper as new messages "
            "(discord.http.handle_message_parameters), which always sets 'tts' (False by "
            "default), so every Message.edit / webhook message edit carries it; Discord ignores "
            "it there, but the edit schemas do not list it."
        ),
        apply=_edits_accept_tts,
    ),
    SpecAdjustment(
        target="components.schemas.RichEmbed.flags",
        reason=(
            "discord.py (2.5+) keeps embed flags in Embed._flags, initialised to 0, and "
            "Embed.to_dict turns every set slot into a field, so every embed it sends has "
            "'flags': 0; RichEmbed (the request schema) does not list 'flags' (only the "
            "response's MessageEmbedResponse does) and Discord ignores it on input."
        ),
        apply=_embeds_accept_flags,
    ),
)


@dataclass(frozen=True)
class Violation:
    """One way in which a request does not conform to the spec."""

    method: str
    #: The request path relative to ``/api/v10``.
    path: str
    #: Where the problem is: ``("route",)``, ``("query", "limit")``, ``("body", "embeds", 0)``.
    location: tuple[str | int, ...]
    message: str

    def __str__(self) -> str:
        where = ".".join(str(part) for part in self.location)
        return f"{self.method} {self.path}: {where}: {self.message}"


@dataclass
class _Parameter:
    name: str
    location: str
    required: bool
    pointer: str
    _validator: Draft202012Validator | None = None


@dataclass
class _Operation:
    """One (path template, method) of the spec, with lazily compiled validators."""

    method: str
    template: str
    operation_id: str
    path_params: dict[str, _Parameter]
    query_params: dict[str, _Parameter]
    #: Content type -> JSON pointer of the request schema.
    body_schemas: dict[str, str]
    body_required: bool
    validators: dict[str, Draft202012Validator] = field(default_factory=dict)


@dataclass
class _Route:
    template: str
    pattern: re.Pattern[str]
    #: Sort key: literal segments before templated ones, left to right.
    specificity: tuple[int, ...]
    operations: dict[str, _Operation]


def _pointer(*parts: str) -> str:
    return "/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    return text if len(text) <= _REPR_LIMIT else text[: _REPR_LIMIT - 3] + "..."


# Keywords through which a schema takes properties declared elsewhere.
_COMPOSING_KEYWORDS = (
    "$ref",
    "$dynamicRef",
    "allOf",
    "anyOf",
    "oneOf",
    "if",
    "then",
    "else",
    "dependentSchemas",
)
# The keywords a closed object fails on when it meets a field it does not declare.
_CLOSING_KEYWORDS = ("additionalProperties", "unevaluatedProperties")
_SCHEMA_MAP_KEYWORDS = ("properties", "patternProperties", "$defs", "dependentSchemas")
_SCHEMA_LIST_KEYWORDS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SCHEMA_KEYWORDS = (
    "items",
    "additionalProperties",
    "unevaluatedProperties",
    "unevaluatedItems",
    "contains",
    "not",
    "if",
    "then",
    "else",
    "propertyNames",
)


def _close_objects(schema: Any, *, in_all_of: bool = False) -> None:
    """Make every object schema that declares properties reject fields it does not declare.

    Where the schema composes others (``$ref`` / ``allOf`` / ...), ``unevaluatedProperties`` is
    used so that properties declared through them still count as known.  A plain object (its own
    ``properties`` and nothing composed beside them) gets ``additionalProperties``, which means
    the same there and is far cheaper: jsonschema answers ``unevaluatedProperties`` by validating
    each composed part again, at every level, so nested closed objects cost exponentially (a
    1.5 KB multipart message took 114 ms to check).  Members of an ``allOf`` stay open - the
    ``allOf`` itself is closed instead - since each member only declares part of the object (e.g.
    a multipart body: the message fields ``allOf`` the ``files[n]`` parts).
    """
    if not isinstance(schema, dict):
        return
    all_of = schema.get("allOf")
    members = all_of if isinstance(all_of, list) else []
    declares = isinstance(schema.get("properties"), dict) or any(
        isinstance(m, dict) and "properties" in m for m in members
    )
    already_open_or_closed = any(
        k in schema for k in ("additionalProperties", "unevaluatedProperties", "patternProperties")
    )
    if declares and not already_open_or_closed and not in_all_of:
        composed = any(k in schema for k in _COMPOSING_KEYWORDS)
        schema["unevaluatedProperties" if composed else "additionalProperties"] = False
    for key in _SCHEMA_MAP_KEYWORDS:
        sub = schema.get(key)
        if isinstance(sub, dict):
            for value in sub.values():
                _close_objects(value)
    for key in _SCHEMA_LIST_KEYWORDS:
        sub = schema.get(key)
        if isinstance(sub, list):
            for value in sub:
                _close_objects(value, in_all_of=key == "allOf")
    for key in _SCHEMA_KEYWORDS:
        _close_objects(schema.get(key))


# What each union member says its object's ``type`` is: the values its ``type`` property allows
# (``None``: not said), keyed by the union's list (kept alive beside its answer).
_MEMBER_TYPES: dict[int, tuple[list[Any], list[frozenset[int | str] | None]]] = {}


def _member_types(validator: Any, members: list[Any]) -> list[frozenset[int | str] | None]:
    cached = _MEMBER_TYPES.get(id(members))
    if cached is not None and cached[0] is members:
        return cached[1]
    answer = [_declared_type(validator, member) for member in members]
    _MEMBER_TYPES[id(members)] = (members, answer)
    return answer


def _declared_type(validator: Any, member: Any) -> frozenset[int | str] | None:
    for _ in range(8):  # a chain of $refs, followed to the schema it names
        if not isinstance(member, dict) or "$ref" not in member or len(member) > 1:
            break
        member = validator._resolver.lookup(member["$ref"]).contents
    if not isinstance(member, dict):
        return None
    kind = member.get("properties", {}).get("type")
    if not isinstance(kind, dict):
        return None
    allowed = [kind["const"]] if "const" in kind else kind.get("enum")
    if not isinstance(allowed, list) or not allowed:
        return None
    if not all(isinstance(v, int | str) and not isinstance(v, bool) for v in allowed):
        return None
    return frozenset(allowed)


def _fitting_members(validator: Any, members: list[Any], instance: Any) -> list[Any]:
    """The members of a union an object may match, by its ``type`` (Discord's discriminator).

    A member whose ``type`` property allows other values cannot match an object that has a
    ``type``, so leaving it out changes no verdict; it only spares jsonschema from validating
    the whole object against every kind of component, at every level of nesting.
    """
    kind = _discriminator(instance)
    if kind is None:
        return members
    types = _member_types(validator, members)
    return [
        m for m, allowed in zip(members, types, strict=True) if allowed is None or kind in allowed
    ]


def _discriminator(instance: Any) -> int | str | None:
    kind = instance.get("type") if isinstance(instance, dict) else None
    return kind if isinstance(kind, int | str) and not isinstance(kind, bool) else None


# The keywords a member of a named-constant union may carry beside ``const``: none asserts.
_CONST_MEMBER_KEYS = frozenset({"const", "title", "description"})
# Per union of named constants (``oneOf: [{title: "GUILD_TEXT", const: 0}, ...]``, Discord's
# enums): its constants, or None if it is no such union; keyed by the list, kept alive beside it.
_UNION_CONSTANTS: dict[int, tuple[list[Any], list[int | str] | None]] = {}


def _is_text_or_integer(value: Any) -> bool:
    return isinstance(value, int | str) and not isinstance(value, bool)


def _union_constants(members: list[Any]) -> list[int | str] | None:
    cached = _UNION_CONSTANTS.get(id(members))
    if cached is not None and cached[0] is members:
        return cached[1]
    constants: list[int | str] | None = [
        m["const"] for m in members if isinstance(m, dict) and _is_text_or_integer(m.get("const"))
    ]
    if not all(isinstance(m, dict) and m.keys() <= _CONST_MEMBER_KEYS for m in members) or len(
        constants or ()
    ) != len(members):
        constants = None
    _UNION_CONSTANTS[id(members)] = (members, constants)
    return constants


def _narrowed(keyword: Callable[..., Iterator[ValidationError]]) -> Callable[..., Any]:
    """``keyword`` (``oneOf`` / ``anyOf``) over the members that fit the object's ``type``.

    A union of named constants that the value passes is answered by comparing it with each
    constant (what each member asserts: an integer or a text equals the JSON value only when
    ``==`` says so), instead of validating it against every member and building an error for
    each; a value that fails goes through the keyword itself, for the same errors.
    """
    exactly_one = keyword is Draft202012Validator.VALIDATORS["oneOf"]

    def check(validator: Any, members: Any, instance: Any, schema: Any) -> Any:
        constants = _union_constants(members) if _is_text_or_integer(instance) else None
        if constants is not None:
            matches = sum(1 for constant in constants if constant == instance)
            if matches == 1 or (matches > 1 and not exactly_one):
                return iter(())
        fitting = _fitting_members(validator, members, instance)
        if fitting:
            return keyword(validator, fitting, instance, schema)
        declared = {v for allowed in _member_types(validator, members) for v in allowed or ()}
        known = sorted(v for v in declared if isinstance(v, int))
        known += sorted(v for v in declared if isinstance(v, str))
        kind = _discriminator(instance)
        return iter(
            [
                ValidationError(
                    f"{kind!r} is not one of {known}",
                    validator="enum",
                    validator_value=known,
                    instance=kind,
                    path=("type",),
                )
            ]
        )

    return check


# Draft 2020-12, with unions narrowed by ``type`` first (same verdicts, a fraction of the work).
_Validator = validators.extend(
    Draft202012Validator,
    {
        keyword: _narrowed(Draft202012Validator.VALIDATORS[keyword])
        for keyword in ("oneOf", "anyOf")
    },
)


#: RFC 3986's scheme, then anything but whitespace and control characters.
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s\x00-\x1f\x7f]+")

#: Only ``format: uri`` is asserted (Discord answers "Not a well formed URL."); the spec's other
#: formats (``int32``, ``snowflake``, ``date-time`` ...) are its types' business or not checked.
_FORMATS = FormatChecker(formats=())


@_FORMATS.checks("uri")
def _is_uri(value: object) -> bool:
    if not isinstance(value, str):
        return True  # a non-string is the type's business
    if _URI.fullmatch(value) is None:
        return False
    parts = urllib.parse.urlsplit(value)
    return parts.scheme.lower() not in ("http", "https") or bool(parts.hostname)


def _request_schemas(spec: Json) -> Iterator[Any]:
    """Every schema a request can be validated against (components, parameters, bodies)."""
    yield from spec.get("components", {}).get("schemas", {}).values()
    for item in spec.get("paths", {}).values():
        for param in item.get("parameters", []):
            yield param.get("schema")
        for method in _METHODS:
            op = item.get(method)
            if op is None:
                continue
            for param in op.get("parameters", []):
                yield param.get("schema")
            for media in op.get("requestBody", {}).get("content", {}).values():
                yield media.get("schema")


class DiscordOpenAPI:
    """Discord's OpenAPI description, indexed for checking requests.

    Build it with :func:`load_spec` (cached) rather than directly.
    """

    def __init__(self, spec: Json, *, closed_objects: bool = True) -> None:
        spec = copy.deepcopy(spec)
        for adjustment in SPEC_ADJUSTMENTS:
            adjustment.apply(spec)
        if closed_objects:
            for schema in _request_schemas(spec):
                _close_objects(schema)
        self.spec = spec
        self.info: Json = spec.get("info", {})
        resource: Resource[Any] = DRAFT202012.create_resource(spec)
        self._registry: Registry[Any] = Registry().with_resource(_BASE_URI, resource)
        self._routes = sorted(self._index(spec), key=lambda r: r.specificity)
        self._value_results: dict[tuple[str, bool, str | tuple[str, ...]], str] = {}
        self._body_results: dict[
            tuple[str, ...], tuple[tuple[tuple[str | int, ...], str], ...]
        ] = {}

    # ------------------------------------------------------------------ indexing

    def _index(self, spec: Json) -> Iterator[_Route]:
        for template, item in spec.get("paths", {}).items():
            segments = template.strip("/").split("/")
            regex = "".join(
                f"/(?P<{s[1:-1]}>[^/]+)"
                if s.startswith("{") and s.endswith("}")
                else "/" + re.escape(s)
                for s in segments
            )
            path_params = {
                p["name"]: _Parameter(
                    name=p["name"],
                    location="path",
                    required=True,
                    pointer=_pointer("paths", template, "parameters", str(i), "schema"),
                )
                for i, p in enumerate(item.get("parameters", []))
                if p.get("in") == "path"
            }
            operations: dict[str, _Operation] = {}
            for method in _METHODS:
                op = item.get(method)
                if op is None:
                    continue
                query = {
                    p["name"]: _Parameter(
                        name=p["name"],
                        location=p["in"],
                        required=bool(p.get("required", False)),
                        pointer=_pointer("paths", template, method, "parameters", str(i), "schema"),
                    )
                    for i, p in enumerate(op.get("parameters", []))
                    if p.get("in") == "query"
                }
                body = op.get("requestBody") or {}
                operations[method.upper()] = _Operation(
                    method=method.upper(),
                    template=template,
                    operation_id=op.get("operationId", f"{method} {template}"),
                    path_params=path_params,
                    query_params=query,
                    body_schemas={
                        ctype: _pointer(
                            "paths", template, method, "requestBody", "content", ctype, "schema"
                        )
                        for ctype in body.get("content", {})
                    },
                    body_required=bool(body.get("required", False)),
                )
            yield _Route(
                template=template,
                pattern=re.compile(f"^{regex}/?$"),
                specificity=tuple(1 if s.startswith("{") else 0 for s in segments),
                operations=operations,
            )

    def _validator(self, pointer: str) -> Draft202012Validator:
        return _Validator(
            {"$ref": f"{_BASE_URI}#{pointer}"}, registry=self._registry, format_checker=_FORMATS
        )

    def _param_validator(self, param: _Parameter) -> Draft202012Validator:
        if param._validator is None:
            param._validator = self._validator(param.pointer)
        return param._validator

    def _body_validator(self, op: _Operation, content_type: str) -> Draft202012Validator:
        validator = op.validators.get(content_type)
        if validator is None:
            validator = self._validator(op.body_schemas[content_type])
            op.validators[content_type] = validator
        return validator

    # ------------------------------------------------------------------ matching

    def match(self, method: str, path: str) -> tuple[_Operation | None, dict[str, str], str]:
        """The operation for ``method path`` (path relative to ``/api/v10``).

        Returns ``(operation, path parameters, "")`` or ``(None, {}, reason)``.  Literal segments
        win over templated ones (``/users/@me`` is not ``/users/{user_id}``).
        """
        method = method.upper()
        matched: list[tuple[_Route, dict[str, str]]] = []
        for route in self._routes:
            found = route.pattern.match(path)
            if found is not None:
                matched.append((route, found.groupdict()))
        for route, params in matched:
            op = route.operations.get(method)
            if op is not None:
                return op, params, ""
        if matched:
            allowed = sorted({m for route, _ in matched for m in route.operations})
            templates = ", ".join(route.template for route, _ in matched)
            return None, {}, f"{templates} has no {method} operation (it has {', '.join(allowed)})"
        return None, {}, "no route of Discord's API matches this path"

    # ------------------------------------------------------------------ checking

    def check(
        self,
        method: str,
        path: str,
        query: Mapping[str, str] | Iterable[tuple[str, str]] = (),
        json_body: Any = None,
        *,
        form: Mapping[str, str] | None = None,
        files: Sequence[str] = (),
        raw_body: bytes = b"",
    ) -> list[Violation]:
        """Every way in which the request does not conform (empty if it does).

        ``path`` may carry the ``/api/v10`` prefix.  Pass the body as *one* of ``json_body`` (the
        decoded JSON; ``None`` for no JSON body), ``form`` (the text parts of a multipart
        body, ``payload_json`` included) plus ``files`` (the field names of its file parts), or
        ``raw_body`` (a body that is neither).
        """
        method = method.upper()
        if path.startswith(API_PREFIX + "/"):
            path = path[len(API_PREFIX) :]
        out: list[Violation] = []

        def report(location: tuple[str | int, ...], message: str) -> None:
            out.append(Violation(method, path, location, message))

        op, path_values, reason = self.match(method, path)
        if op is None:
            report(("route",), reason)
            return out
        for name, value in path_values.items():
            param = op.path_params.get(name)
            if param is not None:
                problem = self._value_problem(param, value)
                if problem:
                    report(("path", name), problem)
        self._check_query(op, query, report)
        self._check_body(op, json_body, form, files, raw_body, report)
        return out

    def _check_query(
        self,
        op: _Operation,
        query: Mapping[str, str] | Iterable[tuple[str, str]],
        report: Callable[[tuple[str | int, ...], str], None],
    ) -> None:
        items = list(query.items()) if isinstance(query, Mapping) else list(query)
        values: dict[str, list[str]] = {}
        for name, value in items:
            values.setdefault(name, []).append(value)
        for name, given in values.items():
            param = op.query_params.get(name)
            if param is None:
                known = ", ".join(op.query_params) or "none"
                report(("query", name), f"unknown query parameter (known: {known})")
                continue
            if len(given) > 1:
                problem = self._value_problem(param, given, many=True)
            else:
                problem = self._value_problem(param, given[0])
            if problem:
                report(("query", name), problem)
        for name, param in op.query_params.items():
            if param.required and name not in values:
                report(("query", name), "required query parameter is missing")

    def _check_body(
        self,
        op: _Operation,
        json_body: Any,
        form: Mapping[str, str] | None,
        files: Sequence[str],
        raw_body: bytes,
        report: Callable[[tuple[str | int, ...], str], None],
    ) -> None:
        accepted = ", ".join(op.body_schemas) or "no body"
        if form is not None or files:
            ctype = "multipart/form-data"
            if ctype not in op.body_schemas:
                report(("body",), f"{ctype} body sent, but {op.operation_id} takes {accepted}")
                return
            instance: Json = {}
            for name, text in (form or {}).items():
                if name == "payload_json":
                    try:
                        payload = json.loads(text)
                    except ValueError as exc:
                        report(("body", "payload_json"), f"is not valid JSON ({exc})")
                        return
                    if not isinstance(payload, dict):
                        report(
                            ("body", "payload_json"),
                            f"must be a JSON object, not {_short(payload)}",
                        )
                        return
                    instance.update(payload)
                else:
                    # A plain text part is a top-level field; Discord parses JSON values in it.
                    try:
                        instance[name] = json.loads(text)
                    except ValueError:
                        instance[name] = text
            self._validate_body(op, ctype, instance, report)
            return
        if json_body is not None:
            ctype = "application/json"
            if ctype not in op.body_schemas:
                report(("body",), f"JSON body sent, but {op.operation_id} takes {accepted}")
                return
            self._validate_body(op, ctype, json_body, report)
            return
        if raw_body:
            report(
                ("body",), f"body is neither JSON nor multipart; {op.operation_id} takes {accepted}"
            )
            return
        if op.body_required:
            report(("body",), f"{op.operation_id} requires a body ({accepted})")

    def _validate_body(
        self,
        op: _Operation,
        content_type: str,
        instance: Any,
        report: Callable[[tuple[str | int, ...], str], None],
    ) -> None:
        # A bot sends the same large bodies again and again (every test syncs the same commands,
        # ~120 ms to validate), and validation is deterministic, so results are memoised.
        key = (op.method, op.template, content_type, json.dumps(instance, sort_keys=True))
        problems = self._body_results.get(key)
        if problems is None:
            problems = self._body_problems(op, content_type, instance)
            if len(self._body_results) >= _BODY_CACHE_SIZE:
                self._body_results.pop(next(iter(self._body_results)))
            self._body_results[key] = problems
        for location, message in problems:
            report(location, message)

    def _body_problems(
        self, op: _Operation, content_type: str, instance: Any
    ) -> tuple[tuple[tuple[str | int, ...], str], ...]:
        errors = list(self._body_validator(op, content_type).iter_errors(instance))
        problems: list[tuple[tuple[str | int, ...], str]] = []
        for error in errors:
            detail = _most_relevant(error)
            if detail.validator in _CLOSING_KEYWORDS:
                # The fields of a failing subschema count as "unevaluated" for an enclosing
                # ``unevaluatedProperties: false`` (e.g. the multipart ``allOf``), so one bad field
                # also makes the enclosing object call its good fields unknown.  Name only the
                # fields no part of the schema declares; with none, the error is such an echo.
                unknown = set(detail.instance) - self._declared(detail.schema, set())
                if not unknown:
                    continue
                names = ", ".join(repr(n) for n in sorted(unknown))
                message = f"unknown field(s) {names} (not in Discord's schema)"
            else:
                message = _describe(detail)
            problem = (("body", *detail.absolute_path), message)
            if problem not in problems:
                problems.append(problem)
        if len(problems) > _MAX_BODY_ERRORS:
            more = len(problems) - _MAX_BODY_ERRORS
            problems = [*problems[:_MAX_BODY_ERRORS], (("body",), f"... and {more} more errors")]
        return tuple(problems)

    def _declared(self, schema: Any, seen: set[str]) -> set[str]:
        """Property names a schema declares, directly or through ``$ref`` / ``*Of``."""
        if not isinstance(schema, dict):
            return set()
        names = set(schema.get("properties", {}))
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/") and ref not in seen:
            seen.add(ref)
            target: Any = self.spec
            for part in ref[2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            names |= self._declared(target, seen)
        for key in ("allOf", "anyOf", "oneOf"):
            for member in schema.get(key, ()):
                names |= self._declared(member, seen)
        return names

    def _value_problem(self, param: _Parameter, value: Any, *, many: bool = False) -> str:
        """``_check_value`` for ``param``, memoised: a bot names the same channels and messages
        request after request, and the answer depends on nothing else."""
        key = (param.pointer, many, value if isinstance(value, str) else tuple(value))
        problem = self._value_results.get(key)
        if problem is None:
            problem = self._check_value(self._param_validator(param), value, many=many)
            if len(self._value_results) >= _VALUE_CACHE_SIZE:
                self._value_results.pop(next(iter(self._value_results)))
            self._value_results[key] = problem
        return problem

    @staticmethod
    def _check_value(validator: Draft202012Validator, value: Any, *, many: bool = False) -> str:
        """Validate a path/query value, which arrives as text (or several texts if repeated).

        Discord parses such text by the parameter's type: ``"50"`` is an integer, ``"true"`` /
        ``"false"`` / ``"1"`` / ``"0"`` are booleans (discord.py sends ``int(flag)``), and an
        array is either repeated or comma-separated.  The value conforms if any reading does.
        """
        texts: list[str] = list(value) if many else value.split(",")
        typed = [_readings(t)[-1] for t in texts]
        # The first candidate's error is the one reported, so the most typed reading goes first.
        candidates: list[Any] = [typed, texts]
        if not many:
            readings = _readings(value)
            candidates = [*reversed(readings), *candidates]
        error: ValidationError | None = None
        for candidate in candidates:
            found = best_match(validator.iter_errors(candidate))
            if found is None:
                return ""
            if error is None:
                error = found
        assert error is not None
        return _describe(error)


def _readings(text: str) -> list[Any]:
    """Ways Discord may read one query/path text: itself, then typed readings (best last)."""
    out: list[Any] = [text]
    lowered = text.lower()
    if lowered in ("true", "false"):
        out.append(lowered == "true")
    elif lowered in ("0", "1"):
        out.append(lowered == "1")
    if re.fullmatch(r"-?\d+", text):
        out.append(int(text))
    elif re.fullmatch(r"-?\d+\.\d*(?:[eE][-+]?\d+)?", text):
        out.append(float(text))
    return out


def _most_relevant(error: ValidationError) -> ValidationError:
    """For a failed ``anyOf`` / ``oneOf``, the error of the alternative that came closest.

    Discord's unions are discriminated by a ``const`` / ``enum`` field such as ``type``, so an
    alternative that fails on such a field near the top is the wrong one, and so is one whose
    type does not fit at all (``null`` for a number); among the rest, the one that got deepest
    into the instance (then: with the fewest errors) is the intended one.  If every alternative
    is of the wrong type, the union's own error is kept (see :func:`_describe`).
    """
    if not error.context:
        return error
    groups: dict[Any, list[ValidationError]] = {}
    for sub in error.context:
        groups.setdefault(sub.relative_schema_path[0], []).append(sub)

    def wrong_type(errors: list[ValidationError]) -> bool:
        return any(e.validator == "type" and not e.relative_path for e in errors)

    def rank(errors: list[ValidationError]) -> tuple[bool, bool, int, int]:
        wrong_kind = any(e.validator in ("const", "enum") and len(e.path) <= 1 for e in errors)
        depth = max(len(e.path) for e in errors)
        return (wrong_kind, wrong_type(errors), -depth, len(errors))

    if all(wrong_type(errors) for errors in groups.values()):
        return error
    closest = min(groups.values(), key=rank)
    return _most_relevant(best_match(closest) or closest[0])


def _describe(error: ValidationError) -> str:
    """A one-line message for an error (instances cut to a readable length)."""
    if error.validator in _CLOSING_KEYWORDS and isinstance(error.instance, dict):
        unknown = set(error.instance) - set(error.schema.get("properties", {}))
        names = ", ".join(repr(n) for n in sorted(unknown))
        return f"unknown field(s) {names} (not in Discord's schema)"
    if error.validator in ("anyOf", "oneOf"):
        types: list[str] = []
        for sub in error.context or ():
            if sub.validator == "type" and not sub.relative_path:
                value = sub.validator_value
                types.extend(value if isinstance(value, list) else [value])
        if types:
            allowed = " or ".join(dict.fromkeys(str(t) for t in types))
            return f"{_short(error.instance)} is not of type {allowed}"
        return f"{_short(error.instance)} matches none of the allowed shapes"
    message = str(error.message)
    if len(message) > 2 * _REPR_LIMIT:
        message = (
            f"{_short(error.instance)} fails {error.validator!r} {_short(error.validator_value)}"
        )
    return message


def violation_errors(violations: Iterable[Violation]) -> Json:
    """The ``errors`` tree of a Discord ``50035 Invalid Form Body`` answer for these violations.

    Body problems are keyed by the field path as Discord does (``{"content": {"_errors": [...]}}``,
    which discord.py shows as ``In content: ...``); route, path and query problems sit under
    ``route`` / ``path`` / ``query``.
    """
    tree: Json = {}
    for violation in violations:
        location = violation.location
        if location and location[0] == "body":
            location = location[1:]
        node = tree
        for part in location:
            node = node.setdefault(str(part), {})
        node.setdefault("_errors", []).append(
            {"code": "OPENAPI_SPEC_MISMATCH", "message": violation.message}
        )
    return tree


@functools.cache
def load_spec(path: Path = SPEC_PATH) -> DiscordOpenAPI:
    """The pinned spec, parsed and indexed once per process."""
    with path.open(encoding="utf-8") as fh:
        return DiscordOpenAPI(json.load(fh))


def check_request(
    method: str,
    path: str,
    query: Mapping[str, str] | Iterable[tuple[str, str]] = (),
    json_body: Any = None,
    *,
    form: Mapping[str, str] | None = None,
    files: Sequence[str] = (),
    raw_body: bytes = b"",
) -> list[str]:
    """Human-readable violations of the pinned Discord spec by one request (empty if none).

    See :meth:`DiscordOpenAPI.check` for the arguments.
    """
    return [
        str(v)
        for v in load_spec().check(
            method, path, query, json_body, form=form, files=files, raw_body=raw_body
        )
    ]
