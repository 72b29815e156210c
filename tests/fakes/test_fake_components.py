"""The fake Discord refuses message layouts the way Discord does (Components V2 rules)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from tests.fakes.components import FLAG_IS_COMPONENTS_V2, ComponentError, check_message
from tests.fakes.discord import FakeDiscord

TOKEN = "fake-bot-token"
V2 = FLAG_IS_COMPONENTS_V2


def text(content: str) -> dict[str, Any]:
    return {"type": 10, "content": content}


def gallery(*urls: str) -> dict[str, Any]:
    return {"type": 12, "items": [{"media": {"url": url}} for url in urls]}


def button(custom_id: str) -> dict[str, Any]:
    return {"type": 2, "style": 1, "label": "Go", "custom_id": custom_id}


def thumbnail(url: str = "https://example.com/cat.png") -> dict[str, Any]:
    return {"type": 11, "media": {"url": url}}


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(token=TOKEN) as started:
        yield started


async def post(
    fake: FakeDiscord, payload: dict[str, Any], files: dict[str, bytes] | None = None
) -> tuple[int, dict[str, Any]]:
    """Send a message as the bot would, straight over HTTP; the status and Discord's answer."""
    url = f"{fake.api_base}/channels/{fake.channel_id}/messages"
    headers = {"Authorization": f"Bot {TOKEN}"}
    async with aiohttp.ClientSession() as session:
        if files:
            form = aiohttp.FormData()
            form.add_field("payload_json", json.dumps(payload), content_type="application/json")
            for index, (name, data) in enumerate(files.items()):
                form.add_field(f"files[{index}]", data, filename=name, content_type="video/mp4")
            response = await session.post(url, data=form, headers=headers)
        else:
            response = await session.post(url, json=payload, headers=headers)
        async with response:
            return response.status, await response.json()


async def test_a_well_formed_layout_with_its_upload_is_posted(fake: FakeDiscord) -> None:
    layout = {
        "flags": V2,
        "components": [
            {
                "type": 17,
                "components": [
                    text("<@1> your video is ready"),
                    gallery("attachment://video.mp4"),
                    {"type": 9, "components": [text("Reference 1")], "accessory": thumbnail()},
                    {"type": 1, "components": [button("a"), button("b")]},
                ],
            }
        ],
        "attachments": [{"id": 0, "filename": "video.mp4"}],
    }
    status, body = await post(fake, layout, {"video.mp4": b"mp4"})
    assert status == 200, body
    stored = fake.get_message(int(body["id"]))
    assert stored is not None and stored["flags"] & V2
    # Discord answers with the upload unfurled: its CDN link and which attachment it is.
    [attachment] = stored["attachments"]
    media = stored["components"][0]["components"][1]["items"][0]["media"]
    assert (media["url"], media["attachment_id"]) == (attachment["url"], attachment["id"])
    assert media["content_type"] == "video/mp4"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        # Content, or embeds, together with the flag.
        ({"flags": V2, "content": "hi", "components": [text("x")]}, "content"),
        ({"flags": V2, "embeds": [{"title": "t"}], "components": [text("x")]}, "embeds"),
        # A layout component without the flag.
        ({"components": [text("x")]}, "components"),
        # A thumbnail outside a section.
        ({"flags": V2, "components": [{"type": 17, "components": [thumbnail()]}]}, "components"),
        # Eleven gallery items.
        ({"flags": V2, "components": [gallery(*["https://example.com/v.mp4"] * 11)]}, "components"),
        # More than 4000 characters of text in all.
        ({"flags": V2, "components": [text("x" * 2500), text("y" * 2500)]}, "components"),
        # More than 40 components in all.
        (
            {
                "flags": V2,
                "components": [{"type": 17, "components": [text(str(n)) for n in range(40)]}],
            },
            "components",
        ),
        # A gallery showing an attachment that was not uploaded.
        ({"flags": V2, "components": [gallery("attachment://video.mp4")]}, "components"),
        # Six buttons in a row; a custom id used twice.
        (
            {"components": [{"type": 1, "components": [button(str(n)) for n in range(6)]}]},
            "components",
        ),
        (
            {"components": [{"type": 1, "components": [button("same"), button("same")]}]},
            "components",
        ),
    ],
)
async def test_malformed_layouts_are_refused_like_discord(
    fake: FakeDiscord, payload: dict[str, Any], field: str
) -> None:
    status, body = await post(fake, payload)
    assert (status, body["code"]) == (400, 50035), body
    assert field in body["errors"]
    assert fake.messages() == []


async def test_the_flag_cannot_be_removed_by_an_edit(fake: FakeDiscord) -> None:
    status, body = await post(fake, {"flags": V2, "components": [text("ready")]})
    assert status == 200
    url = f"{fake.api_base}/channels/{fake.channel_id}/messages/{body['id']}"
    async with (
        aiohttp.ClientSession() as session,
        session.patch(
            url,
            json={"content": "plain again", "flags": 0},
            headers={"Authorization": f"Bot {TOKEN}"},
        ) as response,
    ):
        assert response.status == 400
        assert "flags" in (await response.json())["errors"]


@pytest.mark.parametrize(
    ("components", "path"),
    [
        ([thumbnail()], "components.0.type"),
        (
            [{"type": 9, "components": [text("a")] * 4, "accessory": thumbnail()}],
            "components.0.components",
        ),
        (
            [{"type": 17, "components": [{"type": 17, "components": [text("a")]}]}],
            "components.0.components.0.type",
        ),
        ([gallery(*["https://example.com/v.mp4"] * 11)], "components.0.items"),
        ([{"type": 1, "components": [button("x" * 101)]}], "components.0.components.0.custom_id"),
        ([{**text("a"), "id": 1}, {**text("b"), "id": 1}], "components.1.id"),
        ([gallery("ftp://example.com/v.mp4")], "components.0.items.0.media.url"),
    ],
)
def test_the_rules_the_openapi_schema_also_states_are_checked_here_too(
    components: list[dict[str, Any]], path: str
) -> None:
    # Discord's OpenAPI description states some of these; the fake checks them itself as well,
    # so they hold even where the description is loose.
    with pytest.raises(ComponentError) as refused:
        check_message({"components": components}, flags=V2, filenames=[])
    assert refused.value.path == path
