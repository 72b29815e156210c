"""The result as members see it: a Components V2 message whose video plays inline."""

from tests.fakes.apimart import TaskPlan
from tests.fakes.components import THUMBNAIL, shown_text, texts, walk
from tests.harness import running_bot


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
