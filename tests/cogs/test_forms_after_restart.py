"""A "Make a video" form opened before a restart and submitted after it still gets an answer."""

import pytest

from tests.cogs.test_references import MODAL, fill_form, make_video_on, pictures, post
from tests.fakes.apimart import FakeAPIMart
from tests.fakes.discord import FakeDiscord
from tests.harness import API_KEY, BOT_TOKEN, running_bot

EPHEMERAL = 64
DEFERRED = 5


@pytest.fixture
async def fakes():
    async with FakeDiscord(token=BOT_TOKEN) as fake, FakeAPIMart(api_key=API_KEY) as api:
        yield fake, api


async def form_opened_before_a_restart(tmp_path, fake, api, count=1):
    """A member opens the form on bob's message with `count` pictures; the bot then stops."""
    async with running_bot(tmp_path, fake=fake, api=api) as world:
        files = pictures(world, count)
        target = await post(world, attachments=files)
        interaction = await make_video_on(world, target)
        assert (await interaction.wait_for_callback())["type"] == MODAL
    return interaction, target, files


async def test_the_form_submitted_after_a_restart_makes_the_video(tmp_path, fakes):
    fake, api = fakes
    interaction, _, [picture] = await form_opened_before_a_restart(tmp_path, fake, api)
    async with running_bot(tmp_path, fake=fake, api=api) as world:  # a new process, same db
        submitted = await fill_form(world, interaction, "a cat surfing", Resolution="1080p")
        answer = await submitted.wait_for_answer(timeout=10)
        assert answer["flags"] & EPHEMERAL
        assert "queued as job #1" in answer["content"]
        await api.wait_for_submits(1)
    [sent] = api.submits
    assert sent["prompt"] == "a cat surfing" and sent["resolution"] == "1080p"
    assert sent["image_urls"] == [picture.url] and sent["generation_type"] == "frame"


async def test_a_form_whose_message_was_deleted_meanwhile_says_so_privately(tmp_path, fakes):
    """Nothing is made, and the prompt typed into the closed form comes back, privately, to
    paste into a new one (as after any other refusal of the form)."""
    fake, api = fakes
    interaction, target, _ = await form_opened_before_a_restart(tmp_path, fake, api)
    fake.delete_message(int(target["id"]))
    async with running_bot(tmp_path, fake=fake, api=api, message_content_intent=True) as world:
        submitted = await fill_form(world, interaction, "a cat surfing")
        answer = await submitted.wait_for_answer(timeout=10)
        assert answer["flags"] & EPHEMERAL
        assert "can't read the message with the pictures any more" in answer["content"]
        back = await submitted.wait_for_private_answer(2, timeout=10)
        assert back.startswith("Here is the prompt you typed"), back
        assert "a cat surfing" in back
        assert await world.db.fetch_all("SELECT id FROM jobs") == [], "nothing made or counted"


async def test_a_form_whose_pictures_can_no_longer_be_seen_says_so_in_chinese(tmp_path, fakes):
    fake, api = fakes
    interaction, target, _ = await form_opened_before_a_restart(tmp_path, fake, api, count=3)
    # Without the Message Content intent Discord shows a message's attachments to a context
    # menu, but not to a later fetch: the fetched message comes back without them.
    fake.get_message(int(target["id"]))["attachments"] = []
    async with running_bot(tmp_path, fake=fake, api=api) as world:
        submitted = await fake.modal_submit(
            {"prompt": "一只猫"}, interaction=interaction, locale="zh-CN"
        )
        answer = await submitted.wait_for_answer(timeout=10)
        assert "看不到那条消息里的图片" in answer["content"]
        back = await submitted.wait_for_private_answer(2, timeout=10)
        assert back.startswith("这是你刚才输入的提示词") and "一只猫" in back, back
        assert await world.db.fetch_all("SELECT id FROM jobs") == []


async def test_a_form_naming_a_message_of_another_channel_is_refused(tmp_path, fakes):
    fake, api = fakes
    elsewhere = fake.add_text_channel("elsewhere")
    async with running_bot(tmp_path, fake=fake, api=api) as world:
        target = await post(world, attachments=pictures(world, 1), channel_id=elsewhere)
        forged = f"video:makeform:{elsewhere}:{target['id']}:1"
        submitted = await fake.modal_submit({"prompt": "x"}, custom_id=forged)
        answer = await submitted.wait_for_answer(timeout=10)
        assert "can't read the message with the pictures any more" in answer["content"]
        assert await world.db.fetch_all("SELECT id FROM jobs") == []


async def test_a_form_whose_message_discord_is_slow_to_read_is_acknowledged_first(tmp_path, fakes):
    """Reading the message again can wait on Discord (here held unanswered until the member
    has their answer, past the 3 seconds Discord gives an interaction if need be): the
    member's "thinking..." comes first, then the answer."""
    fake, api = fakes
    interaction, target, _ = await form_opened_before_a_restart(tmp_path, fake, api)
    read = fake.hold_next("GET", rf"/channels/\d+/messages/{target['id']}$")
    async with running_bot(tmp_path, fake=fake, api=api) as world:
        submitted = await fill_form(world, interaction, "a cat surfing")
        callback = await submitted.wait_for_callback(timeout=2)
        assert callback["type"] == DEFERRED and callback["data"]["flags"] & EPHEMERAL
        await fake.wait_for(lambda: read.hits == 1 or None, 10, description="the read")
        read.held.set()
        assert "queued as job #1" in await submitted.wait_for_private_answer(timeout=10)


async def test_a_form_on_words_alone_goes_ahead_after_a_restart_with_its_message_deleted(
    tmp_path, fakes
):
    """The form on a message of words carries its whole prompt: with the message deleted
    before a restart, it still makes the video, not "the message with the pictures is gone"."""
    fake, api = fakes
    async with running_bot(tmp_path, fake=fake, api=api, message_content_intent=True) as world:
        target = await post(world, "a cat surfing at sunset")
        interaction = await make_video_on(world, target)
        assert (await interaction.wait_for_callback())["type"] == MODAL
    fake.delete_message(int(target["id"]))
    async with running_bot(tmp_path, fake=fake, api=api, message_content_intent=True) as world:
        submitted = await fill_form(world, interaction, "a cat surfing at sunset")
        answer = await submitted.wait_for_answer(timeout=10)
        assert "queued as job #1" in answer["content"], answer["content"]
        await api.wait_for_submits(1)
