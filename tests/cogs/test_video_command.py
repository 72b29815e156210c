"""/video as a member uses it: the real bot against fake Discord and fake APIMart."""

import asyncio
import re
import sys
import time
from pathlib import Path

import discord
import pytest

from bot.jobs.models import JobState
from bot.moderation.store import Actor
from tests.cogs.test_references import fill_form, make_video_on
from tests.fakes.apimart import TaskPlan
from tests.fakes.components import media_items, media_urls, shown_text, texts
from tests.fakes.discord import FakeDiscord
from tests.fakes.web import PUBLIC_HOST, Site
from tests.harness import BOT_TOKEN, running_bot
from tests.timestamps import read_at

EPHEMERAL = 64


async def test_a_good_command_queues_announces_and_delivers_the_video(tmp_path):
    async with running_bot(tmp_path, plan=TaskPlan(polls_until_done=2)) as world:
        interaction = await world.video(
            prompt="a red fox running through snow",
            duration=8,
            resolution="1080p",
            aspect_ratio="9:16",
        )
        callback = await interaction.wait_for_callback()
        assert callback["type"] == 5, "acknowledged at once by deferring"
        assert callback["data"]["flags"] & EPHEMERAL
        followup = await interaction.wait_for_answer()
        assert "queued as job #1" in followup["content"]
        assert world.api.submits == [
            {
                "model": "Omni-Flash-Ext",
                "prompt": "a red fox running through snow",
                "duration": 8,
                "resolution": "1080p",
                "aspect_ratio": "9:16",
            }
        ]
        status = await world.discord.wait_for_message(
            predicate=lambda m: "asked for a video" in m["content"]
        )
        assert "a red fox running through snow" in status["content"]
        result = await world.wait_for_result()
        assert result["message_reference"]["message_id"] == status["id"]
        assert (result["content"], result["embeds"]) == ("", []), "a layout has neither"
        assert texts(result)[0].startswith(f"<@{world.discord.user_id}> your video is ready")
        assert [u["id"] for u in result["mentions"]] == [str(world.discord.user_id)]
        [attachment] = result["attachments"]
        assert attachment["filename"] == "video.mp4"
        [shown] = media_items(result)
        assert shown["attachment_id"] == attachment["id"], "the upload plays inline"
        task_id = world.api.task_ids[0]
        assert world.discord.attachment_bytes(attachment) == world.api.files[f"{task_id}.mp4"]
        text = shown_text(result)
        assert "a red fox running through snow" in text
        assert "**Duration** 8 s · **Resolution** 1080p · **Aspect ratio** 9:16" in text
        assert "**Mode** text to video" in text
        assert "**Credits** 4" in text
        assert "-# Job #1" in texts(result)
        # Result URLs are public: the API key never travels to them.
        assert world.api.downloads and not any(d.authorization_sent for d in world.api.downloads)
        await world.bot.poller.stop()  # lets the round in flight finish its writes
        job = await world.bot.store.get(1)
        assert job.state is JobState.COMPLETED
        assert job.delivered_at is not None


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"prompt": "   "}, "prompt is empty"),
        ({"prompt": "\u200b\u2800\u3164\u200f"}, "prompt is empty"),
        ({"prompt": "x", "image": "png", "image2": "png"}, "I found 2 images"),
        (
            {"prompt": "x", "image": "png", "image2": "png", "image3": "png", "mode": "frame"},
            "exactly 1 image",
        ),
        ({"prompt": "x", "mode": "reference"}, "none were attached"),
        ({"prompt": "x", "image": "pdf"}, "not a supported image"),
        ({"prompt": "x", "video": "pdf"}, "not a supported video"),
        ({"prompt": "x", "video": "mp4", "duration": 8}, "duration can't be used"),
        # A link is a reference, not words: "your prompt is empty" would read as a link lost.
        ({"prompt": "https://example.com/cat.png"}, "Your prompt is only a link"),
        ({"prompt": "<https://example.com/cat.png> --res 4k"}, "Your prompt is only a link"),
        # Flags are read as settings: "your prompt is empty" would read as if they were lost.
        ({"prompt": "--res 4k"}, "I read the settings `--res` `4k`"),
        ({"prompt": "--res 4k --dur 8"}, "still needs a description"),
    ],
    ids=[
        "blank",
        "nothing-visible",
        "two-images",
        "frame-with-three",
        "mode-without-image",
        "pdf-as-image",
        "pdf-as-video",
        "duration-with-video",
        "link-alone",
        "link-and-flag",
        "flag-alone",
        "flags-alone",
    ],
)
async def test_bad_input_is_explained_privately_and_nothing_is_spent(tmp_path, options, expected):
    async with running_bot(tmp_path) as world:
        files = {
            "png": lambda: world.png(),
            "mp4": lambda: world.mp4(),
            "pdf": lambda: world.discord.make_attachment("notes.pdf", b"%PDF", "application/pdf"),
        }
        resolved = {
            k: files[v]() if v in files and k not in ("prompt", "mode") else v
            for k, v in options.items()
        }
        interaction = await world.video(**resolved)
        callback = await interaction.wait_for_callback()
        assert callback["type"] == 4
        assert callback["data"]["flags"] & EPHEMERAL
        assert expected in callback["data"]["content"]
        assert world.api.submits == []
        assert await world.db.fetch_all("SELECT id FROM jobs") == []


async def test_two_images_in_video_are_not_told_to_attach_the_missing_ones_to_a_reply(tmp_path):
    """/video is no reply: its refusal of 2 images says to attach 1 or 3, in each language."""
    async with running_bot(tmp_path) as world:
        for locale, asked, reply in (
            ("en-US", "Attach 1 or 3 images", "replying"),
            ("zh-CN", "请附上 1 张或 3 张图片", "回复"),
            ("zh-TW", "請附上 1 張或 3 張圖片", "回覆"),
        ):
            interaction = await world.discord.slash_command(
                "video",
                options={"prompt": "x", "image": world.png(), "image2": world.png("b.png")},
                locale=locale,
            )
            content = (await interaction.wait_for_callback())["data"]["content"]
            assert asked in content and reply not in content, content
        assert world.api.submits == []


async def test_files_in_the_wrong_option_are_used_for_what_they_are(tmp_path):
    """An MP4 put in the image option is the reference video, and a picture put in the video
    option an image, as the menu, a reply and a mention judge them; not "not a supported
    image" for a supported clip."""
    async with running_bot(tmp_path) as world:
        await world.video(prompt="make it dance", image=world.mp4("dance.mp4"))
        await world.api.wait_for_submits(1)
        clip = world.api.submits[0]
        assert len(clip["video_urls"]) == 1
        assert "dance.mp4" in clip["video_urls"][0]
        assert "image_urls" not in clip

        await world.discord.slash_command(
            "video", options={"prompt": "a cat waves", "video": world.png("wave.png")}, user=77
        )
        await world.api.wait_for_submits(2)
        picture = world.api.submits[1]
        assert len(picture["image_urls"]) == 1
        assert "wave.png" in picture["image_urls"][0]
        assert "video_urls" not in picture


async def test_a_clip_in_an_image_option_beside_two_pictures_is_named_as_the_video(tmp_path):
    """Three files in the image options, one of them an MP4: not "I found 2 images", which
    reads as if a file was lost, but that the clip is the reference video and the two pictures
    beside it are one too many or too few (0, 1 or 3 go with a video)."""
    async with running_bot(tmp_path) as world:
        interaction = await world.video(
            prompt="make it dance",
            image=world.mp4("dance.mp4"),
            image2=world.png("left.png"),
            image3=world.png("right.png"),
        )
        content = (await interaction.wait_for_callback())["data"]["content"]
        assert "I found 2 images" not in content, content
        assert "`dance.mp4` is a video, so I'd use it as the reference video" in content
        assert "2 pictures beside it" in content and "0, 1 or 3" in content, content
        assert world.api.submits == []

        zh = await world.discord.slash_command(
            "video",
            options={
                "prompt": "make it dance",
                "image": world.mp4("dance.mp4"),
                "image2": world.png("left.png"),
                "image3": world.png("right.png"),
            },
            locale="zh-CN",
            user=77,
        )
        content = (await zh.wait_for_callback())["data"]["content"]
        assert "`dance.mp4` 是视频" in content and "2 张图片" in content, content


@pytest.mark.parametrize(
    ("locale", "told"),
    [
        (
            "en-US",
            "`dance.mp4` is a video, so I'm using it as the reference video, with the picture "
            "beside it as a reference image.",
        ),
        ("zh-CN", "`dance.mp4` 是视频，所以我把它用作参考视频，旁边的图片作为参考图。"),  # noqa: RUF001
    ],
    ids=["english", "chinese"],
)
async def test_a_clip_in_an_image_option_beside_one_picture_is_told_with_queued(
    tmp_path, locale, told
):
    """An MP4 and a picture, both in image options: the video goes ahead with the clip as the
    reference video and the picture as a reference image (beside a video, pictures are who or
    what is in it). The member, who put the clip among
    the images, reads how each was used with "queued", not only in the result."""
    async with running_bot(tmp_path) as world:
        interaction = await world.discord.slash_command(
            "video",
            options={
                "prompt": "make it dance",
                "image": world.mp4("dance.mp4"),
                "image2": world.png("cat.png"),
            },
            locale=locale,
        )
        answer = (await interaction.wait_for_answer(timeout=10))["content"]
        assert "#1" in answer and told in answer, answer
        await world.api.wait_for_submits(1)
        [sent] = world.api.submits
        assert sent["generation_type"] == "reference"
        assert len(sent["video_urls"]) == 1 and len(sent["image_urls"]) == 1


async def test_a_clip_in_the_video_option_beside_a_picture_gets_no_such_note(tmp_path):
    """Put where it belongs, the clip needs no word about how it was taken."""
    async with running_bot(tmp_path) as world:
        interaction = await world.video(
            prompt="make it dance", image=world.png("cat.png"), video=world.mp4("dance.mp4")
        )
        answer = (await interaction.wait_for_answer(timeout=10))["content"]
        assert "queued as job #1" in answer and "is a video" not in answer, answer


async def test_two_clips_and_two_pictures_in_the_options_are_told_as_two_videos(tmp_path):
    """With a clip moved out of the image options, the videos are counted first: "2 images"
    would again be no count of what the member attached."""
    async with running_bot(tmp_path) as world:
        interaction = await world.video(
            prompt="make it dance",
            image=world.mp4("dance.mp4"),
            image2=world.png("left.png"),
            image3=world.png("right.png"),
            video=world.mp4("walk.mp4"),
        )
        content = (await interaction.wait_for_callback())["data"]["content"]
        assert "I found 2 videos" in content, content
        assert world.api.submits == []


async def test_a_file_that_does_not_say_what_it_is_is_named_in_the_option_it_was_put_in(
    tmp_path,
):
    """A clip saved without an extension comes with no content type: in the video option it
    is "not a supported video", never moved among the images to be called no image."""
    async with running_bot(tmp_path) as world:
        clip = world.mp4("recording")
        clip.content_type = None
        interaction = await world.video(prompt="make it dance", video=clip)
        content = (await interaction.wait_for_callback())["data"]["content"]
        assert "`recording` is not a supported video" in content, content
        assert world.api.submits == []


async def test_with_a_mode_a_clip_in_an_image_option_is_named_as_no_image(tmp_path):
    """The mode says what the images are for: the member reads that their MP4 is no image,
    not that no image was attached and that leaving out the mode makes a video from text."""
    async with running_bot(tmp_path) as world:
        interaction = await world.video(
            prompt="make it dance", image=world.mp4("dance.mp4"), mode="frame"
        )
        content = (await interaction.wait_for_callback())["data"]["content"]
        assert "`dance.mp4` is not a supported image" in content, content
        assert world.api.submits == []


async def test_with_a_mode_a_picture_in_the_video_option_is_still_the_image(tmp_path):
    """docs/members.md: a picture put in the video option is an image. Choosing how the images
    are used says the member meant it as one: it is used so, not refused as "not a supported
    video"."""
    async with running_bot(tmp_path) as world:
        interaction = await world.video(
            prompt="a cat waves", video=world.png("wave.png"), mode="reference"
        )
        content = (await interaction.wait_for_callback())["data"].get("content") or ""
        assert "not a supported video" not in content, content
        await world.api.wait_for_submits(1)
        [sent] = world.api.submits
        assert len(sent["image_urls"]) == 1 and sent["generation_type"] == "reference"
        assert not sent.get("video_urls")


@pytest.mark.parametrize("mode", [None, "reference"], ids=["no-mode", "with-mode"])
@pytest.mark.parametrize(
    ("locale", "expected", "wrong"),
    [
        ("en-US", "`dance.gif` is not a supported video. Please attach an MP4, MOV or WebM", "PNG"),
        ("zh-CN", "`dance.gif` 不是支持的视频格式。请改为附加 MP4、MOV 或 WebM", "PNG"),
    ],
    ids=["english", "chinese"],
)
async def test_a_gif_in_the_video_option_is_asked_for_as_a_video_not_a_still(
    tmp_path, mode, locale, expected, wrong
):
    """An animated GIF put in the option for a reference video "for motion" was meant as one:
    the member is asked for it as an MP4, MOV or WebM, not told it is no supported image and
    to attach a PNG, JPEG or WebP (a still, which gives no motion)."""
    async with running_bot(tmp_path) as world:
        options = {
            "prompt": "dance like this",
            "video": world.discord.make_attachment("dance.gif", b"GIF89a", "image/gif"),
        }
        if mode is not None:
            options |= {"mode": mode, "image": world.png()}
        interaction = await world.discord.slash_command("video", options=options, locale=locale)
        callback = await interaction.wait_for_callback()
        assert callback["data"]["flags"] & EPHEMERAL
        content = callback["data"]["content"]
        assert expected in content, content
        assert wrong not in content, content
        assert world.api.submits == []
        assert await world.db.fetch_all("SELECT id FROM jobs") == []


async def test_a_prompt_full_of_mentions_pings_nobody_but_the_requester(tmp_path):
    async with running_bot(tmp_path, plan=TaskPlan(polls_until_done=1)) as world:
        role = world.discord.add_role("Everyone Important")
        other = world.discord.add_member("bob")
        prompt = f"@everyone @here <@&{role}> <@{other}> dance party"
        await world.video(prompt=prompt)
        status = await world.discord.wait_for_message(
            predicate=lambda m: "asked for a video" in m["content"]
        )
        assert status["mention_everyone"] is False
        assert status["mention_roles"] == []
        assert status["mentions"] == []
        result = await world.wait_for_result()
        assert result["mention_everyone"] is False
        assert result["mention_roles"] == []
        assert [u["id"] for u in result["mentions"]] == [str(world.discord.user_id)]


async def first_answer(interaction) -> str:
    """What the member read first: the callback's message, or after a deferral the answer
    that follows it."""
    callback = await interaction.wait_for_callback()
    if callback["type"] == 5:
        return (await interaction.wait_for_answer())["content"]
    return callback["data"]["content"]


async def test_missing_channel_permissions_are_named_before_anything_is_spent(tmp_path):
    async with running_bot(tmp_path) as world:
        interaction = await world.discord.slash_command(
            "video",
            options={"prompt": "x"},
            app_permissions=str(1 << 10),  # view only
        )
        callback = await interaction.wait_for_callback()
        assert "Send Messages" in callback["data"]["content"]
        # Members refused elsewhere read that it cost them nothing; here too.
        assert "nothing was counted" in callback["data"]["content"]
        assert callback["data"]["flags"] & EPHEMERAL
        assert world.api.submits == []


@pytest.mark.parametrize(
    "app_permissions",
    [
        None,  # as the fake computes them from the overwrites: all but View Channel
        "0",  # as Discord may send them where the bot cannot see the channel
    ],
)
async def test_a_private_channel_the_bot_cannot_see_is_named_before_anything_is_spent(
    tmp_path, app_permissions
):
    """The usual first-day setup: a private #video-lab, its members let in, the bot's role
    forgotten. Discord refuses every post of the bot there (Missing Access): /video says so
    before anything is recorded, naming View Channel, the permission the admin must grant."""
    async with running_bot(tmp_path) as world:
        fake = world.discord
        fake.hide_channel(fake.channel_id, but_from=[fake.user_id])
        interaction = await fake.slash_command(
            "video", options={"prompt": "a red fox"}, app_permissions=app_permissions
        )
        content = await first_answer(interaction)
        assert "View Channel" in content, content
        assert world.api.submits == []


async def test_a_channel_without_read_message_history_is_named_before_anything_is_spent(
    tmp_path,
):
    # Every result is a reply to its status message, which Discord refuses without it.
    everything_but_history = discord.Permissions.all()
    everything_but_history.read_message_history = False
    async with running_bot(tmp_path) as world:
        interaction = await world.discord.slash_command(
            "video", options={"prompt": "x"}, app_permissions=str(everything_but_history.value)
        )
        callback = await interaction.wait_for_callback()
        content = callback["data"]["content"]
        assert callback["data"]["flags"] & EPHEMERAL
        assert "Read Message History" in content
        assert "Send Messages" not in content
        assert world.api.submits == []


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("en-US", "I need Attach Files. Ask a moderator to grant it,"),
        ("zh-CN", "附加文件。请让管理员授予这项权限"),
    ],
)
async def test_one_missing_permission_is_asked_for_as_one(tmp_path, locale, expected):
    """The usual case (Attach Files left out of the bot's role) reads as one permission,
    not "grant them"."""
    everything_but_files = discord.Permissions.all()
    everything_but_files.attach_files = False
    async with running_bot(tmp_path) as world:
        interaction = await world.discord.slash_command(
            "video",
            options={"prompt": "a red fox"},
            app_permissions=str(everything_but_files.value),
            locale=locale,
        )
        callback = await interaction.wait_for_callback()
        assert expected in callback["data"]["content"], callback["data"]["content"]
        assert callback["data"]["flags"] & EPHEMERAL
        assert world.api.submits == []


def readme_invite_permissions() -> discord.Permissions:
    """The bot permissions of the README's "Add to a server" link."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    [value] = re.findall(r"scope=bot\+applications\.commands&permissions=(\d+)", readme)
    return discord.Permissions(int(value))


@pytest.mark.parametrize("in_forum", [False, True])
async def test_a_bot_added_with_the_readmes_link_makes_videos_in_threads(tmp_path, in_forum):
    """A server whose @everyone role may not post in threads (the bot's role has only what
    the invite link granted): /video in a thread or forum post is not refused for a
    permission the README never asked the admin to grant."""
    async with running_bot(tmp_path) as world:
        fake = world.discord
        parent = fake.add_forum_channel("showcase") if in_forum else fake.channel_id
        thread = fake.add_thread(parent, "boats")
        interaction = await fake.slash_command(
            "video",
            options={"prompt": "a red fox"},
            channel_id=thread,
            app_permissions=str(readme_invite_permissions().value),
        )
        answer = await interaction.wait_for_answer()
        assert "queued as job #1" in answer["content"], answer["content"]


async def test_a_failed_render_tells_the_member_why(tmp_path):
    plan = TaskPlan(
        polls_until_done=1,
        final_status="failed",
        error_message="content moderation refused the prompt",
    )
    async with running_bot(tmp_path, plan=plan) as world:
        await world.video(prompt="something risky")
        result = await world.wait_for_result()
        content = shown_text(result)
        assert "the video service's content check refused job #1" in content
        assert "It was not counted against you. Please rephrase the prompt" in content
        assert "The video service said: content moderation refused the prompt." in content
        assert result["attachments"] == []


async def test_a_cancelled_render_is_reported(tmp_path):
    async with running_bot(
        tmp_path, plan=TaskPlan(polls_until_done=1, final_status="cancelled")
    ) as world:
        await world.video(prompt="x")
        result = await world.wait_for_result()
        assert "### Video not made" in shown_text(result)


async def test_a_video_over_the_upload_limit_is_linked_with_its_expiry(tmp_path):
    plan = TaskPlan(polls_until_done=1, video_bytes=11 * 1024 * 1024)
    async with running_bot(tmp_path, plan=plan) as world:
        await world.video(prompt="a long 4k shot", resolution="4k")
        result = await world.wait_for_result()
        assert "**Resolution** 4K" in shown_text(result)
        assert result["attachments"] == []
        task = world.api.last_task
        assert task.video_url in shown_text(result)
        assert f"<t:{int(task.expires_at)}:R>" in shown_text(result), "says when the link expires"
        assert media_urls(result) == [task.video_url], "the link's video plays in the gallery"


@pytest.mark.parametrize("locale", ["en-US", "zh-CN", "zh-TW"])
async def test_a_linked_result_read_after_its_link_expired_still_tells_the_truth(tmp_path, locale):
    """The result post stays in the channel for good, its link for a day: read two days on, it
    says when the link expired (the date, and "2 days ago"), never "this link expires 2 days
    ago" (nor, in Chinese, that it will run out then)."""
    plan = TaskPlan(polls_until_done=1, video_bytes=11 * 1024 * 1024)
    async with running_bot(tmp_path, plan=plan) as world:
        await world.discord.slash_command(
            "video", options={"prompt": "a long 4k shot", "resolution": "4k"}, locale=locale
        )
        result = await world.wait_for_result()
        expires = int(world.api.last_task.expires_at)
        text = shown_text(result)
        later = read_at(text, expires + 2 * 86400, locale)
        assert not re.search(r"expires \d+ \w+ ago", later), later
        assert "48 hours ago" in later or "48小时前" in later, later
        assert f"<t:{expires}:f>" in text, "the day and hour, which read true whenever read"


async def test_the_api_refusing_the_request_is_explained(tmp_path):
    async with running_bot(tmp_path) as world:
        world.api.fail_next("submit", status=400, error_type="invalid_duration", message="时长无效")
        interaction = await world.video(prompt="x")
        followup = await interaction.wait_for_answer()
        assert "duration must be 4, 6, 8 or 10 seconds" in followup["content"]
        status = await world.discord.wait_for_message(
            predicate=lambda m: "could not be made" in m["content"]
        )
        public = [m for m in world.discord.messages() if not m.get("flags", 0) & EPHEMERAL]
        assert public == [status], "the announcement says it ended; nothing else is posted"


async def test_a_chinese_member_reads_chinese(tmp_path):
    async with running_bot(tmp_path, plan=TaskPlan(polls_until_done=1)) as world:
        interaction = await world.discord.slash_command(
            "video", options={"prompt": "一只猫在冲浪"}, locale="zh-CN"
        )
        followup = await interaction.wait_for_answer()
        assert "你的视频已排队" in followup["content"]
        result = await world.wait_for_result()
        assert "你的视频好了" in shown_text(result)
        assert "**时长** 6 秒" in shown_text(result)
        assert world.api.requests_for("poll")[0].query["language"] == "zh"


async def test_a_result_goes_by_dm_when_the_channel_is_closed_to_the_bot(tmp_path):
    async with running_bot(tmp_path, plan=TaskPlan(polls_until_done=3)) as world:
        await announced(world, "x")
        world.discord.forbidden_channels.add(world.discord.channel_id)
        dm_channel = world.discord.dm_channel_id(world.discord.user_id)
        dm = await world.discord.wait_for_message(channel_id=dm_channel, timeout=10)
        assert "your video is ready" in shown_text(dm)
        assert f"I couldn't post in <#{world.discord.channel_id}>" in shown_text(dm)


async def test_a_failure_posted_below_its_status_says_the_reason_is_in_that_reply(tmp_path):
    plan = TaskPlan(polls_until_done=2, final_status="failed")
    async with running_bot(tmp_path, plan=plan) as world:
        fake = world.discord
        status = await announced(world, "x")
        reply = await fake.wait_for_message(
            predicate=lambda m: (m.get("message_reference") or {}).get("message_id") == status["id"]
        )
        assert "Video generation failed" in shown_text(reply)
        final = await fake.wait_for_message(
            predicate=lambda m: m["id"] == status["id"] and "could not be made" in m["content"]
        )
        assert "the reason is in the reply below" in final["content"]


async def announced(world, prompt, *, shown=None):
    """`/video` with `prompt`, and the status message it is announced with (showing the
    prompt as `shown`, if its mentions are said otherwise)."""
    await world.video(prompt=prompt)
    return await world.discord.wait_for_message(
        predicate=lambda m: f"asked for a video: {shown or prompt}" in m["content"]
    )


def _components_text(message: dict) -> str:
    return str(message.get("components") or [])


def _refuse_new_posts(fake: FakeDiscord) -> None:
    """The bot lost Send Messages in the channel: Discord still lets it edit its own posts."""
    fake.fail_next(
        "POST",
        rf"/channels/{fake.channel_id}/messages$",
        status=403,
        code=50013,
        message="Missing Permissions",
        times=10,
    )


async def test_the_status_says_the_result_went_by_dm_and_offers_no_cancel_any_more(tmp_path):
    """The bot lost Send Messages here while rendering: the channel's status must not stay
    "rendering, almost done" with a Cancel button that can no longer cancel anything."""
    async with running_bot(tmp_path, plan=TaskPlan(polls_until_done=3)) as world:
        status = await announced(world, "x")
        _refuse_new_posts(world.discord)
        dm_channel = world.discord.dm_channel_id(world.discord.user_id)
        await world.discord.wait_for_message(channel_id=dm_channel, timeout=10)
        final = await world.discord.wait_for_message(
            predicate=lambda m: m["id"] == status["id"] and "is done" in m["content"]
        )
        assert "sent the video to the member who asked by direct message" in final["content"]
        assert "reply below" not in final["content"]
        assert "video:cancel" not in _components_text(final)


async def test_a_failure_sent_by_dm_ends_its_status_as_told_and_a_deleted_channel_is_left_be(
    tmp_path,
):
    """The channel refused the failure's post, the DM took it: the member was told why, and
    the Cancel button goes. A channel deleted meanwhile gets no edit Discord would refuse."""
    plan = TaskPlan(polls_until_done=3, final_status="failed")
    async with running_bot(tmp_path, plan=plan) as world:
        fake = world.discord
        status = await announced(world, "x")
        _refuse_new_posts(fake)
        final = await fake.wait_for_message(
            predicate=lambda m: m["id"] == status["id"] and "could not be made" in m["content"],
            timeout=10,
        )
        assert "the member who asked was told why" in final["content"]
        assert "video:cancel" not in _components_text(final)
    async with running_bot(tmp_path / "gone", plan=plan) as world:
        fake = world.discord
        status = await announced(world, "y")
        fake.fail_next(
            "POST",
            rf"/channels/{fake.channel_id}/messages$",
            status=404,
            code=10003,
            message="Unknown Channel",
            times=10,
        )
        dm = fake.dm_channel_id(fake.user_id)
        await fake.wait_for_message(channel_id=dm, timeout=10)
        # No event says when the delivery is written down: look again shortly.
        async with asyncio.timeout(10):
            while True:
                job = await world.bot.store.get(1)
                if job is not None and job.delivered_at is not None:
                    break
                await asyncio.sleep(0.02)
        await world.bot.status_messages.drain(timeout=5)
        edits = [
            r
            for r in fake.requests
            if r.method == "PATCH" and r.path.endswith(f"/messages/{status['id']}")
        ]
        assert all("could not be made" not in str(r.json) for r in edits)


@pytest.mark.parametrize(
    ("final_status", "ended", "points_to", "never_says"),
    [
        ("completed", "is done", "/videos history", "reply below"),
        ("failed", "could not be made", "/videos status", "was told why"),
    ],
)
async def test_the_status_points_to_the_member_commands_when_neither_channel_nor_dm_takes_it(
    tmp_path, final_status, ended, points_to, never_says
):
    plan = TaskPlan(polls_until_done=3, final_status=final_status)
    async with running_bot(tmp_path, plan=plan) as world:
        fake = world.discord
        status = await announced(world, "x")
        fake.dm_blocked_users.add(fake.user_id)
        _refuse_new_posts(fake)
        final = await fake.wait_for_message(
            predicate=lambda m: m["id"] == status["id"] and ended in m["content"],
            timeout=10,
        )
        assert points_to in final["content"]
        assert never_says not in final["content"]
        assert "video:cancel" not in _components_text(final)


async def test_videos_help_explains_the_options_privately(tmp_path):
    async with running_bot(tmp_path) as world:
        interaction = await world.discord.slash_command("videos help")
        text = await interaction.wait_for_private_answer()
        assert "duration" in text
        # What comes after: the other ways in, and where to look and what the buttons do.
        assert "Make a video" in text and "mention me" in text
        assert "/videos quota" in text and "/videos cancel" in text and "Regenerate" in text


async def test_videos_help_offers_replies_only_where_the_bot_can_read_them(tmp_path):
    """By default the bot runs without the Message Content intent, so a reply to another
    member's pictures is answered "I can't see what's in the message": help does not offer that
    way there, only a mention with pictures attached and the menu; with the intent it does."""
    async with running_bot(tmp_path) as world:
        interaction = await world.discord.slash_command("videos help")
        without_intent = await interaction.wait_for_private_answer()
    assert "reply to a message" not in without_intent, without_intent
    assert "mention me" in without_intent and "attach" in without_intent
    assert "Make a video" in without_intent
    async with running_bot(tmp_path, message_content_intent=True) as world:
        interaction = await world.discord.slash_command("videos help")
        with_intent = await interaction.wait_for_private_answer()
    assert "reply to a message with images and mention me" in with_intent


async def test_videos_help_where_the_bot_is_no_member_offers_only_the_menu(tmp_path):
    """Through the member's own install in a server without the bot, the bot reads no
    message there: a mention would go unanswered, so help names the menu only."""
    async with running_bot(tmp_path, message_content_intent=True) as world:
        fake = world.discord
        foreign = fake.add_guild("Friends", bot_member=False)
        interaction = await fake.slash_command("videos help", guild_id=foreign, user_install=True)
        text = await interaction.wait_for_private_answer()
    assert "mention me" not in text, text
    assert "Make a video" in text


@pytest.mark.parametrize(
    ("locale", "says", "offer"),
    [
        ("en-US", "added only my commands", "mention me with a prompt"),
        ("zh-CN", "只添加了我的命令", "提及我并写下提示词"),
        ("zh-TW", "只加入了我的指令", "提及我並寫下提示詞"),
    ],
)
async def test_videos_help_in_a_server_that_added_only_the_commands_offers_no_way_in(
    tmp_path, locale, says, offer
):
    """A server that added only the bot's commands (no bot member): the bot reads none of its
    messages and posts nothing there, so a mention goes unanswered and /video or the menu is
    refused. Help there does not offer a mention (even with the Message Content intent), and
    says the server added only the commands and whom to ask, in the member's language."""
    async with running_bot(tmp_path, message_content_intent=True) as world:
        fake = world.discord
        guild = fake.add_guild("Commands only", commands_only=True)
        interaction = await fake.slash_command("videos help", guild_id=guild, locale=locale)
        text = await interaction.wait_for_private_answer()
    assert offer not in text, text
    assert says in text, text


async def test_videos_help_in_chinese_follows_the_same_ways(tmp_path):
    async with running_bot(tmp_path) as world:
        interaction = await world.discord.slash_command("videos help", locale="zh-CN")
        text = await interaction.wait_for_private_answer()
    assert "回复一条" not in text, text
    assert "提及我" in text and "生成视频" in text


async def test_a_job_whose_command_died_before_announcing_is_announced_before_it_is_sent(
    tmp_path,
):
    """Announce, then submit: a recorded job with no status message gets one first."""
    from bot.apimart.models import VideoRequest
    from bot.jobs.models import Requester
    from tests.conftest import FakeClock

    clock = FakeClock(start=time.time())
    async with running_bot(tmp_path, clock=clock, plan=TaskPlan(polls_until_done=0)) as world:
        fake = world.discord
        requester = Requester(
            user_id=fake.user_id, channel_id=fake.channel_id, guild_id=fake.guild_id
        )
        # The command recorded the job, then the process died before it announced anything.
        await world.bot.jobs.record(requester, VideoRequest(prompt="an orphaned fox"))
        clock.advance(61)  # past the grace a command has to send its own job
        world.bot.poller.wake()
        await fake.wait_for_message(
            predicate=lambda m: (
                "Job #1 is queued at the video service: ▱▱▱▱▱▱▱▱▱▱ 0%" in m["content"]
            )
        )
        clock.advance(60)  # the render
        world.bot.poller.wake()
        result = await world.wait_for_result()
        [status] = [
            m for m in fake.messages() if "asked for a video: an orphaned fox" in m["content"]
        ]
        assert result["message_reference"]["message_id"] == status["id"]
        assert int(status["id"]) < int(result["id"])


LONG_API_ERROR = ("**refused** by _policy_ [see](https://x.example) <@1> " * 60)[:2000]


async def test_a_2000_character_render_error_is_delivered_cut_and_escaped(tmp_path):
    plan = TaskPlan(polls_until_done=1, final_status="failed", error_message=LONG_API_ERROR)
    async with running_bot(tmp_path, plan=plan) as world:
        await world.video(prompt="something risky")
        result = await world.wait_for_result()
        content = texts(result)[0]
        assert len(content) <= 2000
        assert "could not make job #1: \\*\\*refused\\*\\* by \\_policy\\_" in content
        assert "…" in content, "the reason is visibly cut"
        assert "](https://x.example)" not in content.replace("]\\(", ""), "no masked link"
        await world.bot.poller.stop()
        job = await world.bot.store.get(1)
        assert job.delivered_at is not None and job.delivery_attempts <= 1
        status = await world.discord.slash_command("videos status", options={"job": 1})
        report = await status.wait_for_private_answer()
        assert len(report) <= 2000 and "Reason: \\*\\*refused\\*\\*" in report


async def test_a_2000_character_refusal_from_the_api_is_explained_cut(tmp_path):
    async with running_bot(tmp_path) as world:
        world.api.fail_next("submit", status=400, error_type="bad_prompt", message=LONG_API_ERROR)
        interaction = await world.video(prompt="x")
        followup = await interaction.wait_for_followup()
        assert len(followup["content"]) <= 2000
        assert "refused this request: \\*\\*refused\\*\\*" in followup["content"]


def has_masked_link(text: str) -> bool:
    """The member's `[free nitro](https://...)` would show as a link."""
    return "nitro](" in text


async def ask_in_a_form(world, prompt):
    """A prompt sent as typed: a link in /video's prompt or a mention is taken out as a
    reference, but the "Make a video" form's prompt field is sent whole."""
    picture = await world.discord.message_create("", attachments=[world.png()])
    await fill_form(world, await make_video_on(world, picture), prompt)


@pytest.mark.parametrize(
    "prompt",
    [
        "Shot 1:\n    a heron  lands\n\tShot 2:  it flies off",  # a shot list's layout
        # Zero-width, right-to-left, a combining accent, a skin tone, Arabic.
        "a cat\u200b surfing \u202eright\u202c, e\u0301 \U0001f44d\U0001f3fd "
        "\u0645\u0631\u062d\u0628\u0627",
    ],
)
async def test_a_form_prompt_reaches_apimart_exactly_as_typed(tmp_path, prompt):
    """Without a flag or a link to take out, nothing in the prompt is tidied: its blanks,
    indentation and invisible characters are the member's."""
    async with running_bot(tmp_path, plan=TaskPlan(polls_until_done=1)) as world:
        await ask_in_a_form(world, prompt)
        await world.wait_for_result()
    assert world.api.submits[0]["prompt"] == prompt


async def test_a_masked_link_in_the_prompt_is_never_a_link_anywhere(tmp_path):
    prompt = "[free nitro](https://evil.example/claim) *now*"
    async with running_bot(tmp_path, plan=TaskPlan(polls_until_done=1)) as world:
        await ask_in_a_form(world, prompt)
        status = await world.discord.wait_for_message(
            predicate=lambda m: "asked for a video" in m["content"]
        )
        result = await world.wait_for_result()
        history = await world.discord.slash_command("videos history")
        listed = await history.wait_for_private_answer()
    description = shown_text(result)
    for shown in (status["content"], description, listed):
        assert "free nitro" in shown
        assert not has_masked_link(shown), shown
    assert "\\*now\\*" in description, "the card shows markdown as typed, like the status"


async def test_a_result_sent_by_dm_escapes_the_prompt_too(tmp_path):
    async with running_bot(tmp_path, plan=TaskPlan(polls_until_done=3)) as world:
        await ask_in_a_form(world, "[free nitro](https://evil.example/claim)")
        await world.discord.wait_for_message(
            predicate=lambda m: "asked for a video" in m["content"]
        )
        world.discord.forbidden_channels.add(world.discord.channel_id)
        dm_channel = world.discord.dm_channel_id(world.discord.user_id)
        dm = await world.discord.wait_for_message(channel_id=dm_channel, timeout=10)
        assert "free nitro" in shown_text(dm)
        assert not has_masked_link(shown_text(dm))


async def test_flags_typed_into_the_prompt_set_the_options(tmp_path):
    """Members who learned `--duration 8` from mentions type it into /video's prompt too."""
    async with running_bot(tmp_path) as world:
        interaction = await world.video(prompt="a lighthouse in a storm --duration 8 --ar 9:16")
        followup = await interaction.wait_for_answer()
        assert "queued as job #1" in followup["content"]
        await world.api.wait_for_submits(1)
        [sent] = world.api.submits
        assert sent["prompt"] == "a lighthouse in a storm"
        assert (sent["duration"], sent["aspect_ratio"]) == (8, "9:16")


async def test_a_flag_in_the_prompt_that_contradicts_an_option_is_asked_about(tmp_path):
    async with running_bot(tmp_path) as world:
        interaction = await world.video(prompt="a lighthouse --res 4k", resolution="720p")
        callback = await interaction.wait_for_callback()
        assert callback["data"]["flags"] & EPHEMERAL
        assert "`--res` `4k`" in callback["data"]["content"]
        assert "`720p`" in callback["data"]["content"]
        assert world.api.submits == []
        assert await world.db.fetch_all("SELECT id FROM jobs") == []


async def test_an_image_link_in_the_prompt_is_a_reference_not_words(tmp_path):
    async with (
        Site(PUBLIC_HOST) as web,
        running_bot(tmp_path, link_allowed_networks=f"{PUBLIC_HOST}/32") as world,
    ):
        boat = web.serve("/boat.png")
        interaction = await world.video(prompt=f"make this boat sail {boat}")
        followup = await interaction.wait_for_answer()
        assert "queued as job #1" in followup["content"]
        await world.api.wait_for_submits(1)
        [sent] = world.api.submits
        assert sent["prompt"] == "make this boat sail"
        assert sent["image_urls"] == [boat]


async def test_a_prompt_link_that_is_no_image_is_named_and_nothing_is_spent(tmp_path):
    async with (
        Site(PUBLIC_HOST) as web,
        running_bot(tmp_path, link_allowed_networks=f"{PUBLIC_HOST}/32") as world,
    ):
        page = web.serve("/article", b"<html>", "text/html")
        interaction = await world.video(prompt=f"a boat like {page}")
        answer = await interaction.wait_for_answer()
        assert answer["flags"] & EPHEMERAL
        assert "(not an image or a video)" in answer["content"]
        assert "made nothing and nothing was counted" in answer["content"]
        # The member is already in /video: the way on is to take the link out, not /video.
        assert "take the link out of your prompt" in answer["content"]
        assert "</video:" not in answer["content"]
        assert world.api.submits == []


async def test_a_prompt_link_to_another_port_than_the_webs_is_refused_privately_before_spending(
    tmp_path,
):
    """Mallory's /video links a third party's Redis, directly and behind a redirect from an
    image site: the bot is no relay for requests to other people's services. Only she reads
    why, nothing reaches the service, nothing is counted."""
    async with (
        Site(PUBLIC_HOST) as web,
        running_bot(tmp_path, link_allowed_networks=f"{PUBLIC_HOST}/32") as world,
    ):
        hop = web.redirect("/boat.png", "http://93.184.215.14:6379/boat.png")
        interaction = await world.video(prompt=f"a boat http://93.184.215.14:25/ {hop}")
        answer = await interaction.wait_for_answer()
        assert answer["flags"] & EPHEMERAL
        assert answer["content"].count("(a port other than the web's 80 and 443") == 2
        assert "made nothing and nothing was counted" in answer["content"]
        assert world.api.submits == []
        assert await world.db.fetch_all("SELECT id FROM jobs") == []


async def test_a_member_named_in_the_prompt_reaches_the_service_by_name(tmp_path):
    async with running_bot(tmp_path) as world:
        bob = world.discord.add_member("bob")
        channel = world.discord.channel_id
        interaction = await world.video(prompt=f"<@{bob}> dancing in <#{channel}> <:cat:42>")
        await interaction.wait_for_answer()
        await world.api.wait_for_submits(1)
        [sent] = world.api.submits
        # A slash command's text resolves no mentions, and the bot has never seen Bob (no
        # members intent): he is "someone", never a number the model cannot read.
        assert sent["prompt"] == "@someone dancing in #general :cat:"


async def test_video_does_not_post_the_name_of_a_channel_the_member_cannot_see(tmp_path):
    """Discord shows a hidden channel's mention as "#unknown" to whoever cannot see it: its
    id in a prompt must not make the bot post its name in the channel, nor send it on."""
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        secret = fake.add_text_channel("ban-appeal-bob")
        fake.hide_channel(secret, but_from=[fake.bot_user_id])
        async with running_bot(tmp_path, fake=fake) as world:
            prompt = f"a neon sign reading <#{secret}> in <#{fake.channel_id}>"
            status = await announced(
                world, prompt, shown="a neon sign reading #channel in #general"
            )
            assert "ban-appeal-bob" not in status["content"]
            await world.api.wait_for_submits(1)
            [sent] = world.api.submits
            assert sent["prompt"] == "a neon sign reading #channel in #general"


@pytest.mark.parametrize("prompt", ["\U0001fa77", "\U0001fabf\U0001face \U0001fae8"])
async def test_a_prompt_of_newer_emoji_is_no_blank_prompt(tmp_path, prompt):
    """🩷 (pink heart), 🪿🫎 (goose, moose), 🫨 (shaking face): Unicode 15 emoji, which Python
    3.11's Unicode 14 tables call unassigned. A member sees them; they are not "empty"."""
    async with running_bot(tmp_path, plan=TaskPlan(polls_until_done=1)) as world:
        interaction = await world.video(prompt=prompt)
        callback = await interaction.wait_for_callback()
        assert "prompt is empty" not in (callback.get("data") or {}).get("content", "")
        followup = await interaction.wait_for_answer()
        assert "queued as job #1" in followup["content"]
        assert [submit["prompt"] for submit in world.api.submits] == [prompt]


@pytest.mark.parametrize(
    ("options", "flag"),
    [
        ({"prompt": "a dance --duration 8", "video": "mp4"}, "--duration"),
        ({"prompt": "a dance --mode ref"}, "--mode"),
    ],
    ids=["duration-flag-with-video", "mode-flag-without-image"],
)
async def test_a_refused_flag_is_named_as_the_flag_the_member_typed(tmp_path, options, flag):
    """The member chose no option: telling them to remove "the duration option" points at
    nothing they did; the flag they typed is what to take out."""
    async with running_bot(tmp_path) as world:
        if "video" in options:
            options = {**options, "video": world.mp4()}
        interaction = await world.video(**options)
        callback = await interaction.wait_for_callback()
        assert flag in callback["data"]["content"]
        assert world.api.submits == []


async def test_a_file_too_large_is_refused_before_the_prompts_links_are_read(tmp_path):
    """A link in the prompt may add a picture; it never makes an attached file fit: that is
    said at once, without reading the link first."""
    async with (
        Site(PUBLIC_HOST) as web,
        running_bot(
            tmp_path, link_allowed_networks=f"{PUBLIC_HOST}/32", max_reference_bytes=10
        ) as world,
    ):
        boat = web.serve("/boat.png")
        interaction = await world.video(prompt=f"make this boat sail {boat}", image=world.png())
        callback = await interaction.wait_for_callback()
        assert "over the" in callback["data"]["content"]
        assert web.hits == [], "the link was not read for nothing"
        assert world.api.submits == []


async def test_a_duration_with_a_video_is_refused_before_a_link_in_the_prompt_is_read(tmp_path):
    """A reference video with a duration can never be sent, whatever a link adds: refused
    at once, the link never read, and no "I'll go on without your link" first."""
    async with (
        Site(PUBLIC_HOST) as web,
        running_bot(tmp_path, link_allowed_networks=f"{PUBLIC_HOST}/32") as world,
    ):
        page = web.serve("/inspiration", b"<html>", "text/html")
        interaction = await world.video(
            prompt=f"dance like in {page}", video=world.mp4(), duration=8
        )
        first = (await interaction.wait_for_answer(timeout=10))["content"]
        assert "duration can't be used" in first, first
        assert web.hits == [] and world.api.submits == []


async def test_a_link_left_out_is_not_announced_as_going_ahead_before_a_refusal(tmp_path):
    """One image attached, an image link and a page link in the prompt: two images, which no
    video can use. The member reads that, not first "I'll go on without 1 link"."""
    async with (
        Site(PUBLIC_HOST) as web,
        running_bot(tmp_path, link_allowed_networks=f"{PUBLIC_HOST}/32") as world,
    ):
        page = web.serve("/article", b"<html>", "text/html")
        boat = web.serve("/boat.png")
        interaction = await world.video(prompt=f"boats {page} {boat}", image=world.png())
        first = (await interaction.wait_for_answer(timeout=10))["content"]
        assert "I found 2 images" in first, first
        assert world.api.submits == []


async def test_a_zero_byte_image_is_refused_before_anything_is_sent(tmp_path):
    """An empty file named .png is no picture: APIMart could only fail on it, minutes later."""
    async with running_bot(tmp_path) as world:
        empty = world.discord.make_attachment("empty.png", b"", "image/png")
        interaction = await world.video(prompt="a dog running", image=empty)
        first = (await interaction.wait_for_answer(timeout=10))["content"]
        assert "`empty.png` is empty" in first, first
        assert world.api.submits == []


async def test_a_refusal_that_a_dead_link_explains_names_the_link_too(tmp_path):
    """Two images attached and a third by a link that is gone: "I found 2 images" alone would
    make no sense to a member who gave three, so the lost link is named beside it."""
    async with (
        Site(PUBLIC_HOST) as web,
        running_bot(tmp_path, link_allowed_networks=f"{PUBLIC_HOST}/32") as world,
    ):
        gone = web.url("/third.png")  # not served: 404
        interaction = await world.video(
            prompt=f"fuse these three {gone}", image=world.png("a.png"), image2=world.png("b.png")
        )
        first = (await interaction.wait_for_answer(timeout=10))["content"]
        assert "I found 2 images" in first, first
        also = (await interaction.wait_for_answer(2, timeout=10))["content"]
        assert also.startswith("Also, I couldn't use 1 link") and "could not be reached" in also
        assert world.api.submits == []


async def test_a_linked_image_too_large_to_size_is_not_given_a_made_up_size(tmp_path):
    """A 1 MB picture sent with no declared length is only counted until it passes the limit:
    the member is told it is over the limit, not that it is a size just past it (0.2 MB), which
    would have them shrink it a little and be refused again."""
    async with (
        Site(PUBLIC_HOST) as web,
        running_bot(
            tmp_path, link_allowed_networks=f"{PUBLIC_HOST}/32", max_reference_bytes=100_000
        ) as world,
    ):
        big = web.stream("/big.jpg", chunks=64, chunk_size=16 * 1024)
        interaction = await world.video(prompt=f"a harbour like {big}")
        answer = (await interaction.wait_for_answer(timeout=10))["content"]
        assert "`big.jpg` is larger than the 0.1 MB limit for references" in answer, answer
        assert world.api.submits == []


async def test_a_refusal_after_the_prompts_links_seen_by_two_processes_is_told_once(tmp_path):
    """A deploy overlap gives one /video to two processes. One image attached and an image link
    in the prompt make two images, refused only once the link is read: the process Discord
    heard second leaves the command to the first without reading the link again, and the
    member reads one answer (docs/reliability.md)."""
    async with (
        Site(PUBLIC_HOST) as web,
        running_bot(tmp_path, link_allowed_networks=f"{PUBLIC_HOST}/32") as world,
    ):
        finished: list[int] = []

        async def on_app_command_completion(interaction, _command):
            finished.append(interaction.id)

        world.bot.add_listener(on_app_command_completion)
        boat = web.serve("/boat.png")
        interaction = await world.video(prompt=f"boats at sea {boat}", image=world.png())
        first = (await interaction.wait_for_answer(timeout=10))["content"]
        assert "I found 2 images" in first, first
        # The same INTERACTION_CREATE reaches the other process on the shard.
        await world.discord.dispatch("INTERACTION_CREATE", interaction.payload)
        await world.discord.wait_for(
            lambda: finished.count(interaction.id) == 2, description="the echo's command ending"
        )
        assert [body["code"] for _, body in interaction.rejected_callbacks] == [40060]
        assert len(interaction.answers) == 1, [answer["content"] for answer in interaction.answers]
        assert len(web.hits) == 1, "the link was read once"
        assert world.api.submits == []


async def test_missing_permissions_are_named_before_the_prompts_links_are_read(tmp_path):
    """A channel the bot cannot attach files in refuses the video however it is asked: a link
    in the prompt is not read first (slow, and counted in the member's links checked)."""
    everything_but_files = discord.Permissions.all()
    everything_but_files.attach_files = False
    async with (
        Site(PUBLIC_HOST) as web,
        running_bot(tmp_path, link_allowed_networks=f"{PUBLIC_HOST}/32") as world,
    ):
        boat = web.serve("/boat.png")
        interaction = await world.discord.slash_command(
            "video",
            options={"prompt": f"make this boat sail {boat}"},
            app_permissions=str(everything_but_files.value),
        )
        content = await first_answer(interaction)
        assert "Attach Files" in content, content
        assert web.hits == [], "the link was read for a video that could not be posted"
        assert world.api.submits == []


# Longer than the command box shows on one line: worth giving back after a refusal.
LONG_PROMPT = (
    "a paper boat in a storm at night, lightning over the harbour, gore on the deck, "
    "slow dolly in, rain on the lens, <@{user}> waving from the pier --ar 9:16"
)
GIVEN_BACK = "Here is the prompt you typed, to change and send with /video again:"


async def test_a_long_prompt_refused_by_a_rule_is_given_back_as_typed(tmp_path):
    """A long /video prompt refused for one banned word is not lost with the command box
    Discord cleared: the member gets it back, privately, exactly as typed (its flag and mention
    too), pinging nobody, after the refusal."""
    async with running_bot(tmp_path) as world:
        fake = world.discord
        await world.bot.moderation.store.add_banned(Actor(fake.guild_id, fake.owner_id), "gore")
        typed = LONG_PROMPT.format(user=fake.user_id)
        interaction = await world.video(prompt=typed)
        refusal = await interaction.wait_for_answer(timeout=10)
        assert "words this server doesn't allow" in refusal["content"]
        given_back = await interaction.wait_for_answer(2, timeout=10)
        assert given_back["flags"] & EPHEMERAL, "only to the member"
        lead = re.escape(GIVEN_BACK).replace("/video", r"</video:\d+>")
        assert re.match(lead, given_back["content"]), given_back["content"]
        assert given_back["content"].endswith(f"\n```\n{typed}\n```")
        assert given_back["allowed_mentions"]["parse"] == []
        await asyncio.sleep(0.5)
        assert len(interaction.answers) == 2, [a["content"] for a in interaction.answers]
        assert world.api.submits == []


async def test_a_long_prompt_refused_for_a_flag_before_the_deferral_is_given_back(tmp_path):
    """`--duration 7` is refused at once (Discord's first answer): the prompt follows it. Short,
    but written over two lines (pasted): given back too."""
    async with running_bot(tmp_path) as world:
        typed = "a lighthouse in a storm,\nwaves on the rocks --duration 7"
        interaction = await world.video(prompt=typed)
        callback = await interaction.wait_for_callback()
        assert callback["type"] == 4
        assert "7" in callback["data"]["content"]
        given_back = await interaction.wait_for_answer(2, timeout=10)
        assert given_back["flags"] & EPHEMERAL
        assert given_back["content"].endswith(f"\n```\n{typed}\n```")
        assert await world.db.fetch_all("SELECT id FROM jobs") == []


async def test_a_short_refused_prompt_is_not_given_back(tmp_path):
    """Quicker typed again than copied out of a code block: only the refusal."""
    async with running_bot(tmp_path) as world:
        fake = world.discord
        await world.bot.moderation.store.add_banned(Actor(fake.guild_id, fake.owner_id), "gore")
        interaction = await world.video(prompt="gore on a boat")
        refusal = await interaction.wait_for_answer(timeout=10)
        assert "words this server doesn't allow" in refusal["content"]
        await world.handled_everything()  # a give-back would follow at once
        assert len(interaction.answers) == 1, [a["content"] for a in interaction.answers]


async def test_a_long_prompt_queued_is_not_given_back(tmp_path):
    """The job keeps the prompt: only the queued answer."""
    async with running_bot(tmp_path) as world:
        typed = LONG_PROMPT.format(user=world.discord.user_id).replace("gore", "rope")
        interaction = await world.video(prompt=typed)
        assert "queued as job #1" in (await interaction.wait_for_answer(timeout=10))["content"]
        await world.api.wait_for_submits(1)
        await world.handled_everything()
        assert len(interaction.answers) == 1, [a["content"] for a in interaction.answers]


@pytest.mark.parametrize("typed", ["rule", "flag"])
async def test_a_refused_long_prompt_seen_by_two_processes_is_given_back_once(tmp_path, typed):
    """A deploy overlap gives one /video to two processes: only the one whose answer Discord
    kept tells the refusal and gives the prompt back; the other stays silent."""
    async with running_bot(tmp_path) as world:
        fake = world.discord
        await world.bot.moderation.store.add_banned(Actor(fake.guild_id, fake.owner_id), "gore")
        finished: list[int] = []

        async def on_app_command_completion(interaction, _command):
            finished.append(interaction.id)

        world.bot.add_listener(on_app_command_completion)
        prompt = LONG_PROMPT.format(user=fake.user_id)
        if typed == "flag":
            prompt = prompt.replace("gore", "rope") + " --duration 7"
        interaction = await world.video(prompt=prompt)
        await interaction.wait_for_answer(2, timeout=10)
        await fake.dispatch("INTERACTION_CREATE", interaction.payload)
        await fake.wait_for(
            lambda: finished.count(interaction.id) == 2, description="the echo's command ending"
        )
        await world.handled_everything()
        assert [body["code"] for _, body in interaction.rejected_callbacks] == [40060]
        assert len(interaction.answers) == 2, [a["content"] for a in interaction.answers]


async def test_a_long_prompt_asked_its_cost_is_not_given_back(tmp_path):
    """The cost question holds the request (and its prompt): only the question."""
    from tests.cogs.test_cost import set_threshold

    async with running_bot(tmp_path) as world:
        await set_threshold(world, 5)
        typed = LONG_PROMPT.format(user=world.discord.user_id).replace("gore", "rope")
        interaction = await world.video(prompt=typed, duration=10, resolution="4k")
        question = await interaction.wait_for_answer(timeout=10)
        assert "Confirm" in str(question["components"])
        await world.handled_everything()
        assert len(interaction.answers) == 1, [a["content"] for a in interaction.answers]


async def test_a_prompt_discord_will_not_take_back_is_a_warning_not_a_failure(tmp_path, caplog):
    """The give-back is an aside after the refusal the member read: Discord refusing it is
    logged, and the command still ends well (no 'something went wrong')."""
    async with running_bot(tmp_path) as world:
        finished: list[int] = []

        async def on_app_command_completion(interaction, _command):
            finished.append(interaction.id)

        world.bot.add_listener(on_app_command_completion)
        world.discord.fail_next("POST", r"/webhooks/", status=400, code=50035, message="Invalid")
        typed = LONG_PROMPT.format(user=world.discord.user_id).replace("gore", "rope")
        interaction = await world.video(prompt=f"{typed} --duration 7")
        assert (await interaction.wait_for_callback())["type"] == 4
        await world.discord.wait_for(
            lambda: interaction.id in finished, description="the command ending"
        )
        assert len(interaction.answers) == 1, [a["content"] for a in interaction.answers]
        assert any(
            r.levelname == "WARNING" and "prompt back" in r.getMessage() for r in caplog.records
        )


class Boom(RuntimeError):
    """An injected bug."""


def boom(*args, **kwargs):
    raise Boom("injected failure")


APOLOGY = "Something went wrong on my side"


def ends(world, interaction):
    """Waits for `interaction`'s command to end well (no error reached the funnel)."""
    finished: list[int] = []

    async def on_app_command_completion(done, _command):
        finished.append(done.id)

    world.bot.add_listener(on_app_command_completion)
    return lambda: world.discord.wait_for(
        lambda: interaction().id in finished, description="the command ending"
    )


async def test_a_long_prompt_lost_to_an_unexpected_error_is_given_back(tmp_path, caplog):
    """A bug before the job is saved: "please try again" after Discord cleared the command box
    would have the member type the whole prompt again. It follows the apology, as typed, and
    the operator still gets the one error record."""
    async with running_bot(tmp_path) as world:
        world.bot.jobs.record = boom  # after the deferral, before the job is saved
        typed = LONG_PROMPT.format(user=world.discord.user_id).replace("gore", "rope")
        interaction = await world.video(prompt=typed)
        apology = await interaction.wait_for_answer(timeout=10)
        assert APOLOGY in apology["content"] and apology["flags"] & EPHEMERAL
        given_back = await interaction.wait_for_answer(2, timeout=10)
        assert given_back["flags"] & EPHEMERAL
        assert given_back["content"].endswith(f"\n```\n{typed}\n```")
        assert given_back["allowed_mentions"]["parse"] == []
        errors = [r for r in caplog.records if r.levelname == "ERROR"]
        assert len(errors) == 1 and "/video" in errors[0].getMessage()
        assert errors[0].exc_info is not None and errors[0].exc_info[0] is Boom


async def test_a_long_prompt_lost_to_an_error_before_the_deferral_is_given_back(
    tmp_path, monkeypatch
):
    """The apology is Discord's first answer (nothing deferred yet): the prompt follows it."""
    async with running_bot(tmp_path) as world:
        monkeypatch.setattr(sys.modules["cogs.video"], "typed_prompt_spoken", boom)
        typed = "a lighthouse in a storm,\nwaves on the rocks"
        interaction = await world.video(prompt=typed)
        callback = await interaction.wait_for_callback()
        assert callback["type"] == 4 and APOLOGY in callback["data"]["content"]
        given_back = await interaction.wait_for_answer(2, timeout=10)
        assert given_back["content"].endswith(f"\n```\n{typed}\n```")


async def test_a_short_prompt_lost_to_an_unexpected_error_is_not_given_back(tmp_path):
    async with running_bot(tmp_path) as world:
        world.bot.jobs.record = boom
        interaction = None
        ended = ends(world, lambda: interaction)
        interaction = await world.video(prompt="a cat")
        await ended()
        assert [APOLOGY in a["content"] for a in interaction.answers] == [True]


async def test_a_long_prompt_whose_job_was_saved_before_an_error_is_not_given_back(
    tmp_path, monkeypatch
):
    """The job keeps the prompt and goes on: only the note that it is saved, nothing to send
    again (that would make a second video)."""
    async with running_bot(tmp_path) as world:
        monkeypatch.setattr(world.bot.status_messages, "schedule", boom)
        typed = LONG_PROMPT.format(user=world.discord.user_id).replace("gore", "rope")
        interaction = None
        ended = ends(world, lambda: interaction)
        interaction = await world.video(prompt=typed)
        await ended()
        answers = [a["content"] for a in interaction.answers]
        assert len(answers) == 2 and "job #1 was saved" in answers[1], answers


def commit_then_drop(world, monkeypatch):
    """The job's insert is committed, then the connection drops before its answer is read
    (a failover, a network blip at the commit)."""
    store = world.bot.jobs.store
    insert = store._insert

    async def dropped(*args, **kwargs):
        await insert(*args, **kwargs)
        raise ConnectionResetError("connection lost at the commit")

    monkeypatch.setattr(store, "_insert", dropped)


async def test_a_job_saved_as_the_connection_dropped_is_told_saved_not_try_again(
    tmp_path, monkeypatch, caplog
):
    """The job is in the database and the engine will make it: "please try again" would have
    the member ask again and pay for two. They read that it is saved, where to follow it, and
    get no prompt back to send again; the video is made all the same."""
    from tests.conftest import FakeClock

    clock = FakeClock(start=time.time())
    async with running_bot(tmp_path, clock=clock) as world:
        commit_then_drop(world, monkeypatch)
        typed = LONG_PROMPT.format(user=world.discord.user_id).replace("gore", "rope")
        interaction = None
        ended = ends(world, lambda: interaction)
        interaction = await world.video(prompt=typed)
        await ended()
        answers = [a["content"] for a in interaction.answers]
        assert len(answers) == 1, answers
        assert "job #1 was saved" in answers[0] and "/videos status" in answers[0], answers
        assert "please try again" not in answers[0].lower(), answers
        errors = [r for r in caplog.records if r.levelname == "ERROR"]
        assert len(errors) == 1 and errors[0].exc_info[0] is ConnectionResetError
        clock.advance(61)  # past the grace a command has to send its own job
        world.bot.poller.wake()
        await world.api.wait_for_submits(1)
        assert world.api.submits[0]["prompt"].startswith("a paper boat in a storm")


async def test_a_job_saved_as_the_connection_dropped_is_sent_at_once_not_a_minute_later(
    tmp_path, monkeypatch
):
    """The member was told their job is saved: it is announced and sent now, as any job just
    asked for, not left for the engine to find a minute later, the member looking at nothing
    meanwhile."""
    from tests.conftest import FakeClock

    clock = FakeClock(start=time.time())  # never moves: only "now" is now
    async with running_bot(tmp_path, clock=clock) as world:
        commit_then_drop(world, monkeypatch)
        interaction = await world.video(prompt="a paper boat in a storm at night")
        told = (await interaction.wait_for_answer(timeout=10))["content"]
        assert "job #1 was saved" in told, told
        await world.api.wait_for_submits(1, timeout=10)
        status = await world.discord.wait_for_message(
            predicate=lambda m: "asked for a video" in m["content"]
        )
        assert "a paper boat in a storm at night" in status["content"]
        assert len(world.api.submits) == 1


async def test_the_echo_of_a_command_whose_save_failed_leaves_the_job_to_the_other_process(
    tmp_path, monkeypatch
):
    """A deploy overlap: the process Discord heard first saved the job and is about to announce
    and send it; the other one (the echo), whose own save failed, finds that job. It stays
    silent, and leaves the job's time as it was: made due now, its engine could take the job
    over and announce it while the first process announces it too."""
    from tests.conftest import FakeClock

    clock = FakeClock(start=time.time())
    async with running_bot(tmp_path, clock=clock) as world:
        store = world.bot.jobs.store
        insert, saved, go_on = store._insert, asyncio.Event(), asyncio.Event()
        calls: list[int] = []

        async def first_saves_echo_fails(*args, **kwargs):
            calls.append(1)
            if len(calls) > 1:
                args[-1].sent = True  # its insert went out; the commit's answer was lost
                raise ConnectionResetError("connection lost at the commit")
            job_id = await insert(*args, **kwargs)
            saved.set()
            await go_on.wait()  # the first process, saved, not yet announcing
            return job_id

        monkeypatch.setattr(store, "_insert", first_saves_echo_fails)
        interaction = None
        echo_ended = ends(world, lambda: interaction)
        interaction = await world.video(prompt="a paper boat in a storm at night")
        await asyncio.wait_for(saved.wait(), 10)
        await world.discord.dispatch("INTERACTION_CREATE", interaction.payload)
        await echo_ended()
        assert [body["code"] for _, body in interaction.rejected_callbacks] == [40060]
        assert interaction.answers == [], "the echo stays silent"
        [row] = await world.db.fetch_all("SELECT state, next_poll_at FROM jobs")
        assert row["state"] == JobState.RECORDED.value
        assert row["next_poll_at"] > clock() + 30, "left to the first process"
        go_on.set()
        answer = (await interaction.wait_for_answer(timeout=10))["content"]
        assert "queued as job #1" in answer, answer
        await world.api.wait_for_submits(1, timeout=10)
        statuses = [m for m in world.discord.messages() if "asked for a video" in m["content"]]
        assert len(statuses) == 1 and len(world.api.submits) == 1


async def test_a_save_whose_outcome_the_database_cannot_tell_says_so_and_gives_the_prompt_back(
    tmp_path, monkeypatch
):
    """The connection dropped at the commit and the database does not answer the look that
    follows either: neither "not completed" nor "saved", but to look before asking again;
    the long prompt follows, should it not be there."""
    async with running_bot(tmp_path) as world:
        commit_then_drop(world, monkeypatch)
        monkeypatch.setattr(world.bot.jobs.store, "job_for_origin", boom)
        typed = LONG_PROMPT.format(user=world.discord.user_id).replace("gore", "rope")
        interaction = await world.video(prompt=typed)
        told = (await interaction.wait_for_answer(timeout=10))["content"]
        assert "can't tell yet whether it was saved" in told, told
        assert "</videos status:" in told or "/videos status" in told, told
        given_back = await interaction.wait_for_answer(2, timeout=10)
        assert given_back["content"].endswith(f"\n```\n{typed}\n```")


@pytest.mark.parametrize(
    ("place", "locale", "says", "never"),
    [
        ("thread", "en-US", "I'll post it in this thread", "in this channel"),
        ("post", "en-US", "I'll post it in this post", "in this channel"),
        ("thread", "zh-CN", "完成后我会发到这个子区", "这个频道"),
        ("post", "zh-TW", "完成後我會發到這篇貼文", "這個頻道"),
    ],
)
async def test_the_queued_note_in_a_thread_or_forum_post_names_it_not_the_channel(
    tmp_path, place, locale, says, never
):
    """Asked in a thread or a forum post, the video is posted there: the note says so, not
    'in this channel', which reads as the channel the thread is in."""
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        if place == "thread":
            where = fake.add_thread(fake.channel_ids(fake.guild_id)[0], "Ideas")
        else:
            where = fake.add_thread(fake.add_forum_channel("showcase"), "My fox")
        async with running_bot(tmp_path, fake=fake, plan=TaskPlan(polls_until_done=None)):
            interaction = await fake.slash_command(
                "video", options={"prompt": "a fox"}, channel_id=where, locale=locale
            )
            note = (await interaction.wait_for_answer())["content"]
            assert says in note and never not in note, note


@pytest.mark.parametrize(
    ("place", "locale", "says", "never"),
    [
        ("thread", "en-US", "post it in this thread", "in this channel"),
        ("post", "en-US", "post it in this post", "in this channel"),
        ("thread", "zh-CN", "完成后发到这个子区", "这个频道"),
        ("post", "zh-TW", "完成後發到這篇貼文", "這個頻道"),
    ],
)
async def test_a_video_the_service_is_too_busy_for_in_a_thread_is_promised_there(
    tmp_path, place, locale, says, never
):
    """Asked in a thread or a forum post while the video service is too busy to take it (a
    503): the note that it waits says the video comes there, as "queued" does, not 'in this
    channel', which reads as the channel the thread is in."""
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        if place == "thread":
            where = fake.add_thread(fake.channel_ids(fake.guild_id)[0], "Ideas")
        else:
            where = fake.add_thread(fake.add_forum_channel("showcase"), "My fox")
        async with running_bot(tmp_path, fake=fake, plan=TaskPlan(polls_until_done=None)) as world:
            world.api.fail_next("submit", status=503)
            interaction = await fake.slash_command(
                "video", options={"prompt": "a fox"}, channel_id=where, locale=locale
            )
            note = (await interaction.wait_for_answer())["content"]
            assert "#1" in note and says in note and never not in note, note


@pytest.mark.parametrize("where", ["group DM", "server without the bot"])
async def test_videos_help_where_the_bot_is_no_member_promises_no_result_buttons(tmp_path, where):
    """A result posted through the command there comes without Regenerate, Edit prompt and
    Remix (they act through the bot's own messages): help does not promise them under it."""
    async with running_bot(tmp_path) as world:
        fake = world.discord
        if where == "group DM":
            group = fake.add_group_dm(fake.user_id, fake.add_user("bob"))
            interaction = await fake.slash_command("videos help", group_dm=group, user_install=True)
        else:
            foreign = fake.add_guild("Friends", bot_member=False)
            interaction = await fake.slash_command(
                "videos help", guild_id=foreign, user_install=True
            )
        text = await interaction.wait_for_private_answer()
    assert "Under a result, Regenerate" not in text, text
    assert "no buttons" in text, text
    assert "/videos history" in text
