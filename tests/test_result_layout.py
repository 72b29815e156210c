"""The result as members see it: a Components V2 message whose video plays inline."""

import pytest

from bot.apimart.models import VideoRequest
from bot.result_text import result_message
from tests.fakes.apimart import TaskPlan
from tests.fakes.components import MEDIA_GALLERY, THUMBNAIL, shown_text, texts, walk
from tests.harness import running_bot
from tests.test_message_limits import NOW, job


async def test_reference_images_show_as_thumbnails_beside_their_names(tmp_path):
    async with running_bot(tmp_path, plan=TaskPlan(polls_until_done=1)) as world:
        cats = [world.png(f"cat{n}.png") for n in range(3)]
        await world.video(prompt="three cats", image=cats[0], image2=cats[1], image3=cats[2])
        result = await world.wait_for_result()
        sent = world.api.submits[0]["image_urls"]
    sections = [c for c in walk(result["components"]) if c["type"] == 9]
    assert [s["accessory"]["type"] for s in sections] == [THUMBNAIL] * 3
    assert [s["accessory"]["media"]["url"] for s in sections] == sent
    assert [s["components"][0]["content"] for s in sections] == [
        "Reference image 1",
        "Reference image 2",
        "Reference image 3",
    ]
    shown = shown_text(result)
    assert "**References** 3 images (reference)" in shown
    assert "**Mode**" not in shown, "the references already say how the images were used"


async def test_a_prompt_full_of_mentions_pings_only_the_requester(tmp_path):
    prompt = "@everyone @here <@&123> <@456> a **bold** dog"
    async with running_bot(tmp_path, plan=TaskPlan(polls_until_done=1)) as world:
        await world.video(prompt=prompt)
        result = await world.wait_for_result()
        requester = str(world.discord.user_id)
    assert [user["id"] for user in result["mentions"]] == [requester]
    assert result["mention_roles"] == [] and result["mention_everyone"] is False
    assert [str(user) for user in result["allowed_mentions"]["users"]] == [requester]
    assert texts(result)[0].startswith(f"<@{requester}>"), "the mention opens the message"
    assert "a \\*\\*bold\\*\\* dog" in shown_text(result), "markdown shown as typed"


async def test_a_chinese_member_reads_the_layout_in_chinese(tmp_path):
    async with running_bot(tmp_path, plan=TaskPlan(polls_until_done=1)) as world:
        interaction = await world.discord.slash_command(
            "video", options={"prompt": "一只猫", "resolution": "4k"}, locale="zh-CN"
        )
        await interaction.wait_for_answer()
        result = await world.wait_for_result()
    text = shown_text(result)
    assert "### 视频已完成" in text
    assert "**分辨率** 4K" in text and "**模式** 文生视频" in text
    assert "-# 任务 #1" in texts(result)


async def test_the_video_and_its_first_frame_are_described_to_screen_readers(tmp_path):
    """A screen reader reaching the video (or the picture beside "First frame") reads its
    description: without one it says only "video" or "image", or the file's name. The video is
    described by its prompt as typed: alt text shows no markdown, so no backslashes."""
    async with running_bot(tmp_path, plan=TaskPlan(polls_until_done=1)) as world:
        await world.video(prompt="a **bold** cat surfing", image=world.png())
        result = await world.wait_for_result()
    [gallery] = [c for c in walk(result["components"]) if c["type"] == MEDIA_GALLERY]
    [video] = gallery["items"]
    assert video["description"] == "Video made from the prompt: a **bold** cat surfing"
    [thumbnail] = [c for c in walk(result["components"]) if c["type"] == THUMBNAIL]
    assert thumbnail["description"] == "First frame"


@pytest.mark.parametrize(
    ("locale", "described"),
    [
        ("en-US", "Video made from the prompt: a cat surfing"),
        ("zh-CN", "根据提示词生成的视频\uff1aa cat surfing"),
        ("zh-TW", "根據提示詞生成的影片\uff1aa cat surfing"),
    ],
)
def test_the_video_is_described_in_the_members_language(locale, described):
    """The description is read in the member's language, the prompt on one line."""
    made = job(locale=locale, request=VideoRequest(prompt="a cat\n\nsurfing"))
    layout = result_message(made, now=NOW, attached=True)
    [gallery] = [c for c in walk(layout.to_components()) if c["type"] == MEDIA_GALLERY]
    assert gallery["items"][0]["description"] == described
