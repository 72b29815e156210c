"""Self-tests of the OpenAPI check that keeps the fake Discord honest (discord_openapi.py)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator

import aiohttp
import pytest

from tests.fakes.discord import FakeDiscord
from tests.fakes.discord_openapi import (
    SPEC_ADJUSTMENTS,
    SPEC_PATH,
    check_request,
    load_spec,
)

TOKEN = "fake-bot-token"
#: Git blob hash of the pinned upstream file (see DISCORD_OPENAPI.md).
PINNED_BLOB = "bbbd9bf789f5d3dacb74c697acf64c66fcf782bf"
PINNED_COMMIT = "74fda0fad044407ea280043a03ffc9bc64c4e49e"


def test_the_pinned_spec_is_the_upstream_file_recorded_in_the_note() -> None:
    data = SPEC_PATH.read_bytes()
    blob = hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()
    assert blob == PINNED_BLOB, "discord-openapi.json changed; see DISCORD_OPENAPI.md to update"
    note = SPEC_PATH.with_name("DISCORD_OPENAPI.md").read_text(encoding="utf-8")
    assert PINNED_BLOB in note and PINNED_COMMIT in note
    spec = json.loads(data)
    assert spec["openapi"].startswith("3.1") and spec["info"]["version"] == "10"


def test_every_allow_list_entry_says_why_and_still_applies() -> None:
    spec = json.loads(SPEC_PATH.read_bytes())
    for adjustment in SPEC_ADJUSTMENTS:
        assert len(adjustment.reason) > 80, adjustment.target
        before = json.dumps(spec, sort_keys=True)
        adjustment.apply(spec)
        assert json.dumps(spec, sort_keys=True) != before, f"{adjustment.target} is obsolete"


@pytest.mark.parametrize(
    ("method", "path", "query", "body"),
    [
        ("GET", "/api/v10/users/@me", {}, None),
        ("GET", "/api/v10/gateway/bot", {}, None),
        ("GET", "/api/v10/channels/1/messages", {"limit": "50", "before": "123"}, None),
        (
            "POST",
            "/api/v10/channels/1/messages",
            {},
            {
                "content": "hello",
                "embeds": [
                    {
                        "title": "Job #1",
                        "url": "https://example.com/jobs/1",
                        "image": {"url": "attachment://video.png"},
                        "fields": [{"name": "a", "value": "b"}],
                    }
                ],
                "allowed_mentions": {"parse": [], "users": [42]},
                "message_reference": {"message_id": 7, "fail_if_not_exists": False},
            },
        ),
        (
            "POST",
            "/api/v10/interactions/1/some-token/callback",
            {"with_response": "1"},
            {"type": 4, "data": {"content": "hi", "flags": 64}},
        ),
        ("POST", "/api/v10/webhooks/1/some-token", {"wait": "1"}, {"content": "later"}),
        ("PUT", "/api/v10/channels/1/messages/2/reactions/%E2%9C%85/@me", {}, None),
    ],
)
def test_conforming_requests_pass(
    method: str, path: str, query: dict[str, str], body: object
) -> None:
    assert check_request(method, path, query, body) == []


def test_a_multipart_upload_is_checked_through_its_payload_json() -> None:
    payload = {"content": "done", "attachments": [{"id": 0, "filename": "out.mp4"}]}
    form = {"payload_json": json.dumps(payload)}
    assert (
        check_request("POST", "/api/v10/channels/1/messages", form=form, files=["files[0]"]) == []
    )
    form = {"payload_json": json.dumps({**payload, "content": ["not", "text"]})}
    (problem,) = check_request(
        "POST", "/api/v10/channels/1/messages", form=form, files=["files[0]"]
    )
    assert problem.startswith("POST /channels/1/messages: body.content: ['not', 'text']")


@pytest.mark.parametrize(
    ("method", "path", "query", "body", "expected"),
    [
        (
            "POST",
            "/api/v10/channels/1/messages",
            {},
            {"content": 5},
            "POST /channels/1/messages: body.content: 5 is not of type 'string', 'null'",
        ),
        (
            "POST",
            "/api/v10/channels/1/messages",
            {},
            {"content": "hi", "ephemeral": True},
            "POST /channels/1/messages: body: unknown field(s) 'ephemeral'",
        ),
        (
            "POST",
            "/api/v10/interactions/1/tok/callback",
            {},
            {"type": 4, "data": {"content": "hi", "embeds": [{"title": 3}]}},
            "POST /interactions/1/tok/callback: body.data.embeds.0.title: 3 is not of type",
        ),
        (
            "POST",
            "/api/v10/channels/1/messages",
            {},
            {"embeds": [{"title": "video", "url": "not a link at all"}]},
            "POST /channels/1/messages: body.embeds.0.url: 'not a link at all' is not a 'uri'",
        ),
        (
            "POST",
            "/api/v10/channels/1/messages",
            {},
            {"embeds": [{"title": "video", "url": "https:///jobs/1"}]},
            "POST /channels/1/messages: body.embeds.0.url: 'https:///jobs/1' is not a 'uri'",
        ),
        (
            "POST",
            "/api/v10/channels/1/messagez",
            {},
            {"content": "hi"},
            "POST /channels/1/messagez: route: no route of Discord's API matches this path",
        ),
        (
            "PUT",
            "/api/v10/channels/1/messages",
            {},
            {"content": "hi"},
            "PUT /channels/1/messages: route: /channels/{channel_id}/messages has no PUT",
        ),
        (
            "GET",
            "/api/v10/channels/general/messages",
            {},
            None,
            "GET /channels/general/messages: path.channel_id: 'general' does not match",
        ),
        (
            "GET",
            "/api/v10/channels/1/messages",
            {"count": "5"},
            None,
            "GET /channels/1/messages: query.count: unknown query parameter (known: around,",
        ),
        (
            "GET",
            "/api/v10/channels/1/messages",
            {"limit": "500"},
            None,
            "GET /channels/1/messages: query.limit: 500 is greater than the maximum of 100",
        ),
        (
            "POST",
            "/api/v10/users/@me/channels",
            {},
            None,
            "POST /users/@me/channels: body: create_dm requires a body (application/json)",
        ),
        (
            "GET",
            "/api/v10/users/@me",
            {},
            {"unexpected": True},
            "GET /users/@me: body: JSON body sent, but get_my_user takes no body",
        ),
    ],
)
def test_non_conforming_requests_are_reported(
    method: str, path: str, query: dict[str, str], body: object, expected: str
) -> None:
    problems = check_request(method, path, query, body)
    assert len(problems) == 1, problems
    assert problems[0].startswith(expected), problems


def _result_message(button: dict[str, object]) -> dict[str, object]:
    """A Components V2 message as the bot posts a result: text and buttons in a container."""
    return {
        "flags": 32768,
        "components": [
            {
                "type": 17,
                "components": [
                    {"type": 10, "content": "### Video ready"},
                    {"type": 1, "components": [button]},
                ],
            }
        ],
    }


_BUTTON = {"type": 2, "style": 1, "label": "Regenerate", "custom_id": "video:regen:1"}


@pytest.mark.parametrize(
    ("button", "expected"),
    [
        (
            {**_BUTTON, "colour": 3},
            "body.components.0.components.1.components.0: unknown field(s) 'colour'",
        ),
        ({**_BUTTON, "label": "x" * 81}, "body.components.0.components.1.components.0.label: 'x"),
        (
            {**_BUTTON, "type": 99},
            "body.components.0.components.1.components.0.type: 99 is not one of [2, 3, 5, 6, 7, 8]",
        ),
    ],
)
@pytest.mark.parametrize("upload", [False, True])
def test_a_nested_component_is_blamed_for_its_own_fault_not_its_kind(
    button: dict[str, object], expected: str, upload: bool
) -> None:
    """A union of components is matched by ``type``: a button with a bad field is a bad button.

    (Validated against every kind of component, a bad button also fails as a text display,
    whose ``type`` is 10, and that was the error reported.)
    """
    message = _result_message(button)
    if upload:
        problems = check_request(
            "POST", "/api/v10/channels/1/messages", form={"payload_json": json.dumps(message)}
        )
    else:
        problems = check_request("POST", "/api/v10/channels/1/messages", {}, message)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"POST /channels/1/messages: {expected}"), problems
    assert check_request("POST", "/api/v10/channels/1/messages", {}, _result_message(_BUTTON)) == []


def test_literal_segments_win_over_templated_ones() -> None:
    op, params, _ = load_spec().match("GET", "/users/@me")
    assert op is not None and op.template == "/users/@me" and params == {}
    op, params, _ = load_spec().match("GET", "/webhooks/1/tok/messages/@original")
    assert op is not None and op.template.endswith("/messages/@original")


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(token=TOKEN) as f:
        yield f


async def test_the_fake_answers_400_and_records_a_non_conforming_request(
    fake: FakeDiscord,
) -> None:
    url = f"{fake.api_base}/channels/{fake.channel_id}/messages"
    headers = {"Authorization": f"Bot {TOKEN}"}
    async with aiohttp.ClientSession(headers=headers) as session:
        async with session.post(url, json={"content": "fine"}) as resp:
            assert resp.status == 200
        async with session.post(url, json={"content": "hi", "color": "red"}) as resp:
            assert resp.status == 400
            body = await resp.json()
        async with session.get(f"{fake.api_base}/channels/{fake.channel_id}/pinz") as resp:
            assert resp.status == 400
    assert body["code"] == 50035
    assert body["message"] == "Invalid Form Body (does not match Discord's OpenAPI spec)"
    assert body["errors"] == {
        "_errors": [
            {
                "code": "OPENAPI_SPEC_MISMATCH",
                "message": "unknown field(s) 'color' (not in Discord's schema)",
            }
        ]
    }
    channel = fake.channel_id
    assert fake.spec_violations == [
        f"POST /channels/{channel}/messages: body: unknown field(s) 'color' (not in Discord's "
        "schema)",
        f"GET /channels/{channel}/pinz: route: no route of Discord's API matches this path",
    ]
    # The rejected message never reached the channel.
    assert [m["content"] for m in fake.messages(channel)] == ["fine"]


async def test_field_errors_are_nested_as_discord_does() -> None:
    async with FakeDiscord(token=TOKEN) as fake, aiohttp.ClientSession() as session:
        url = f"{fake.api_base}/channels/{fake.channel_id}/messages"
        headers = {"Authorization": f"Bot {TOKEN}"}
        async with session.post(url, json={"embeds": [{"title": 1}]}, headers=headers) as resp:
            body = await resp.json()
    message = body["errors"]["embeds"]["0"]["title"]["_errors"][0]["message"]
    assert message.startswith("1 is not of type")


async def test_validation_can_be_turned_off() -> None:
    async with FakeDiscord(token=TOKEN, validate_requests=False) as fake:
        url = f"{fake.api_base}/channels/{fake.channel_id}/messages"
        async with (
            aiohttp.ClientSession(headers={"Authorization": f"Bot {TOKEN}"}) as session,
            session.post(url, json={"content": "hi", "color": "red"}) as resp,
        ):
            assert resp.status == 200
        assert fake.spec_violations == []


async def test_auth_is_checked_first_but_the_violation_is_still_recorded(
    fake: FakeDiscord,
) -> None:
    url = f"{fake.api_base}/channels/{fake.channel_id}/messages"
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, json={"content": 1}) as resp,
    ):
        assert resp.status == 401
    assert fake.spec_violations == [
        f"POST /channels/{fake.channel_id}/messages: body.content: 1 is not of type "
        "'string', 'null'"
    ]
