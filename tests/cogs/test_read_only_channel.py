"""A member who may not post in a channel cannot make the bot post there for them."""

import pytest

from tests.cogs.test_references import MODAL, make_video_on, pictures, post
from tests.cogs.test_results import delivered_result
from tests.fakes.discord import PERM_SEND_MESSAGES
from tests.harness import running_bot

CANNOT_POST = "You can't post in this channel, so I won't post a video here for you either"


def make_read_only(world) -> int:
    """Announcements: @everyone may read but not post; the bot's role may post."""
    fake = world.discord
    channel_id = fake.channel_ids()[0]
    fake._channels[channel_id]["permission_overwrites"] = [
        {"id": str(fake.guild_id), "type": 0, "allow": "0", "deny": str(PERM_SEND_MESSAGES)},
        {"id": str(fake.bot_role_id()), "type": 0, "allow": str(PERM_SEND_MESSAGES), "deny": "0"},
    ]
    assert not fake.permissions_for(fake.user_id, channel_id) & PERM_SEND_MESSAGES
    return channel_id


def posted_by_bot(world, channel_id: int) -> list[dict]:
    """The bot's public posts there (its private answers to the member aside)."""
    return [
        m
        for m in world.discord.messages(channel_id)
        if m["author"]["id"] == str(world.discord.bot_user_id) and not (m.get("flags") or 0) & 64
    ]


async def test_make_a_video_in_a_read_only_channel_is_refused_before_the_form(tmp_path):
    async with running_bot(tmp_path) as world:
        target = await post(world, attachments=pictures(world, 1))
        channel_id = make_read_only(world)
        callback = await (await make_video_on(world, target)).wait_for_callback()
        assert callback["type"] != MODAL, "no prompt typed for nothing"
        assert CANNOT_POST in callback["data"]["content"]
        assert posted_by_bot(world, channel_id) == []
        assert await world.db.fetch_all("SELECT id FROM jobs") == []


async def test_video_in_a_read_only_channel_is_refused_privately(tmp_path):
    async with running_bot(tmp_path) as world:
        channel_id = make_read_only(world)
        answer = await (await world.video(prompt="a paper boat")).wait_for_private_answer()
        assert CANNOT_POST in answer and "nothing was counted" in answer
        assert posted_by_bot(world, channel_id) == []
        assert await world.db.fetch_all("SELECT id FROM jobs") == []
        assert world.api.submits == []


@pytest.mark.parametrize("button", ["edit", "remix"])
async def test_a_result_form_in_a_read_only_channel_is_refused_before_it_opens(tmp_path, button):
    async with running_bot(tmp_path) as world:
        fake = world.discord
        result = await delivered_result(world)
        make_read_only(world)
        click = await fake.component_interaction(f"video:{button}:1", message_id=int(result["id"]))
        callback = await click.wait_for_callback()
        assert callback["type"] != MODAL, "no prompt typed for nothing"
        assert CANNOT_POST in callback["data"]["content"]
        assert len(world.api.submits) == 1
