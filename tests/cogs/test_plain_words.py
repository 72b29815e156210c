"""What members and moderators read, in plain words and in their language (issue 16).

Every answer is read off the fake Discord, as the member or moderator would see it.
"""

import asyncio
import re

import pytest

from bot.i18n import CATALOGS
from bot.jobs.models import JobState
from bot.locales.commands import ZH_COMMANDS
from bot.moderation.report import job_lines
from bot.moderation.rules import roles_text
from bot.moderation.store import JobRow
from tests.cogs.test_cancel_counts import RENDERS_UNTIL_TOLD, quota
from tests.cogs.test_moderation import channel_option, command, mod, server, user_option, video
from tests.cogs.test_reach import ShiftedClock
from tests.cogs.test_results import delete_confirmed, delivery_recorded
from tests.fakes.apimart import TaskPlan
from tests.fakes.components import custom_ids, is_layout
from tests.fakes.discord import FakeDiscord
from tests.harness import BOT_TOKEN, running_bot

EPHEMERAL = 64
QUICK = TaskPlan(polls_until_done=1, credits_cost=4)


def visible_text(message):
    """Everything a member reads in a message: its text, embeds and text components."""
    parts = [message.get("content") or ""]
    for embed in message.get("embeds") or []:
        parts += [embed.get("title") or "", embed.get("description") or ""]
        parts += [f"{f['name']}: {f['value']}" for f in embed.get("fields") or []]
        parts.append((embed.get("footer") or {}).get("text") or "")

    def walk(components):
        for component in components or []:
            if component.get("type") == 10:  # a text display
                parts.append(component.get("content") or "")
            walk(component.get("components"))
            if isinstance(component.get("accessory"), dict):
                walk([component["accessory"]])

    walk(message.get("components"))
    return "\n".join(parts)


async def answer_to(world, name, *, locale="en-US", **options):
    """A member runs a command; what they read privately first."""
    interaction = await world.discord.slash_command(name, options=options, locale=locale)
    callback = await interaction.wait_for_callback()
    if callback["type"] == 4:
        return callback["data"]["content"]
    return (await interaction.wait_for_answer())["content"]


async def result_for(world, job_id):
    """The bot's post about a finished job (a reply to its status message)."""
    job = await world.bot.store.get(job_id)
    return await world.discord.wait_for_message(
        predicate=lambda m: (
            (m.get("message_reference") or {}).get("message_id") == str(job.status_message_id)
            and f"#{job_id}" in visible_text(m)
        ),
        timeout=10,
    )


# Chinese clients read the names their client shows ------------------------------------------


async def test_chinese_help_names_commands_and_options_as_the_chinese_client_does(tmp_path):
    async with running_bot(tmp_path) as world:
        text = await answer_to(world, "videos help", locale="zh-CN")
        assert "**/视频**" in text
        for option in ("`时长`", "`分辨率`", "`画面比例`", "`模式`"):
            assert option in text
        assert not re.search(r"/video\b|duration|resolution|aspect_ratio|`mode`", text)


async def test_a_chinese_mode_without_images_is_named_in_chinese(tmp_path):
    async with running_bot(tmp_path) as world:
        text = await answer_to(world, "video", locale="zh-CN", prompt="一只猫", mode="frame")
        assert text.startswith("模式「首帧」需要图片")
        assert "frame" not in text


async def test_missing_permissions_are_named_as_a_chinese_client_names_them(tmp_path):
    async with running_bot(tmp_path) as world:
        for locale, names in [
            ("zh-CN", ["发送消息", "嵌入链接", "附加文件"]),
            ("en-US", ["Send Messages", "Embed Links", "Attach Files"]),
        ]:
            interaction = await world.discord.slash_command(
                "video", options={"prompt": "x"}, app_permissions=str(1 << 10), locale=locale
            )
            text = (await interaction.wait_for_callback())["data"]["content"]
            assert all(name in text for name in names), text
            if locale == "zh-CN":
                assert not re.search("[A-Za-z]{3,}", text), "no English in the Chinese answer"
        assert world.api.submits == []


async def test_a_chinese_member_asking_for_someone_elses_job_is_pointed_to_the_chinese_command(
    tmp_path,
):
    async with running_bot(tmp_path) as world:
        text = await answer_to(world, "videos status", locale="zh-CN", job=99)
        assert "/我的视频 历史" in text and "/videos" not in text


async def test_a_traditional_chinese_member_reads_traditional_chinese_as_the_readme_says(
    tmp_path,
):
    async with running_bot(tmp_path) as world:
        text = await answer_to(world, "video", locale="zh-TW", prompt="a cat surfing")
        assert "你的影片已排隊\uff0c任務編號 #1" in text, text
        assert "video" not in text and "视频" not in text


def test_every_sentence_writes_4K_in_capitals():
    for language, catalog in CATALOGS.items():
        for key, sentence in catalog.items():
            # Placeholders such as {p4k} are names, not text a member reads.
            assert "4k" not in re.sub(r"\{[^}]*\}", "", sentence), f"{language} {key}"


# A failure says why, and whether it counted ----------------------------------------------------


@pytest.mark.parametrize(
    ("reason", "told", "rephrase"),
    [
        ("Content moderation refused the prompt", "content check refused job #1", True),
        ("Upstream quota exhausted", "overloaded or out of capacity", False),
        ("Upstream timeout after 600s", "ran out of time on job #1", False),
    ],
)
async def test_a_failed_render_says_why_and_that_it_did_not_count(tmp_path, reason, told, rephrase):
    plan = TaskPlan(polls_until_done=1, final_status="failed", error_message=reason)
    async with server(tmp_path, plan=plan) as s:
        assert "queued" in await video(s.world)
        text = visible_text(await result_for(s.world, 1))
        assert told in text
        assert "It was not counted against you" in text
        assert ("rephrase" in text) is rephrase
        assert "**5 videos** left today (out of 5)" in await quota(s.world)


async def test_a_chinese_member_reads_the_moderation_refusal_in_chinese(tmp_path):
    plan = TaskPlan(polls_until_done=1, final_status="failed", error_message="内容审核未通过")
    async with running_bot(tmp_path, plan=plan) as world:
        await answer_to(world, "video", locale="zh-CN", prompt="一只猫")
        text = visible_text(await result_for(world, 1))
        assert "视频服务的内容审核拒绝了任务 #1" in text
        assert "不计入你的额度" in text and "改写提示词" in text


async def test_a_moderators_cancel_never_asks_the_member_to_rephrase(tmp_path):
    async with server(tmp_path, plan=RENDERS_UNTIL_TOLD) as s:
        await video(s.world, prompt="a secret cat")
        await mod(s, "cancel", job=1)
        status_id = (await s.world.bot.store.get(1)).status_message_id
        notice = await s.world.discord.wait_for_message(
            predicate=lambda m: (
                "job #1 was cancelled" in visible_text(m) and int(m["id"]) != status_id
            )
        )
        text = visible_text(notice)
        assert "a moderator cancelled it" in text and "rephras" not in text


async def test_a_render_cancelled_by_the_service_is_not_blamed_on_the_prompt(tmp_path):
    async with server(tmp_path, plan=TaskPlan(polls_until_done=1, final_status="cancelled")) as s:
        await video(s.world)
        text = visible_text(await result_for(s.world, 1))
        assert "cancelled job #1 on its side" in text and "rephras" not in text
        assert "**5 videos** left today (out of 5)" in await quota(s.world)


# Moderators: the mod-log, and counts after a lowered limit -------------------------------------


async def test_a_mod_log_channel_the_bot_cannot_post_in_is_refused_naming_the_permissions(
    tmp_path,
):
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        closed = fake.add_text_channel("closed-log")
        fake.forbidden_channels.add(closed)
        async with running_bot(tmp_path, fake=fake) as world:
            owner = fake.owner_id
            for locale, expected in [
                ("en-US", "I need Send Messages there"),
                ("zh-CN", "发送消息"),
            ]:
                text = await command(
                    world,
                    "videomod modlog",
                    user=owner,
                    locale=locale,
                    channel=channel_option(world, closed),
                )
                assert expected in text
                assert "Send Messages" not in text or locale == "en-US"
            policy = await world.bot.moderation.store.policy(fake.guild_id)
            assert policy.modlog_channel_id is None
            assert await world.db.fetch_all("SELECT id FROM mod_audit") == []


async def test_usage_after_a_lowered_limit_says_the_member_is_over_it(tmp_path):
    async with server(tmp_path, plan=QUICK) as s:
        for number in (1, 2, 3):
            assert f"queued as job #{number}" in await video(s.world, prompt=f"fox {number}")
            await result_for(s.world, number)
        await mod(s, "member set", member=user_option(s.world, s.alice), allowance=1, reason="r")
        text = await mod(s, "usage", member=user_option(s.world, s.alice))
        assert f"<@{s.alice}> has made 3 videos today, more than their limit of 1 video" in text
        assert "3 of 1" not in text


async def test_a_blocked_member_is_told_blocked_not_when_the_next_video_can_start(tmp_path):
    async with server(tmp_path, plan=QUICK) as s:
        await mod(s, "limits set", cooldown=600)
        assert "queued" in await video(s.world)
        await mod(s, "block", member=user_option(s.world, s.alice), reason="flooding")
        text = await quota(s.world)
        assert "blocked you from making videos in this server (reason: flooding)" in text
        assert "next video" not in text and "left today" not in text
        assert "credits" not in text, "no price table for someone who can make none"


# Results: links, references and deleted posts ---------------------------------------------------


async def test_status_of_a_posted_video_links_to_the_post_without_an_expiry(tmp_path):
    async with running_bot(tmp_path, plan=QUICK) as world:
        await answer_to(world, "video", prompt="a fox")
        result = await result_for(world, 1)
        await delivery_recorded(world, 1)
        text = await answer_to(world, "videos status", job=1)
        assert f"/{world.discord.channel_id}/{result['id']}" in text
        assert "expires" not in text


async def test_three_fused_images_are_counted_in_plain_words(tmp_path):
    async with running_bot(tmp_path, plan=QUICK) as world:
        images = {f"image{n or ''}": world.png(f"p{n}.png") for n in ("", 2, 3)}
        await answer_to(world, "video", prompt="fuse", **images)
        text = visible_text(await result_for(world, 1))
        assert "3 images (reference)" in text and "image(s)" not in text


async def test_the_status_message_stops_pointing_at_a_deleted_result(tmp_path):
    async with running_bot(tmp_path, plan=QUICK) as world:
        await answer_to(world, "video", prompt="a fox")
        result = await result_for(world, 1)
        job = await world.bot.store.get(1)
        status_id = job.status_message_id
        await world.discord.wait_for(
            lambda: "in the reply below" in world.discord.get_message(status_id)["content"],
            description="the status saying where the video is",
        )
        await delivery_recorded(world, 1)
        # A moderator deletes the post by hand: Discord tells the bot with MESSAGE_DELETE.
        await world.discord.dispatch(
            "MESSAGE_DELETE",
            {
                "id": result["id"],
                "channel_id": result["channel_id"],
                "guild_id": str(world.discord.guild_id),
            },
        )
        status = await world.discord.wait_for(
            lambda: (
                world.discord.get_message(status_id)
                if "deleted" in world.discord.get_message(status_id)["content"]
                else None
            ),
            description="the status edited",
        )
        assert "Job #1 was done; its video has since been deleted." in status["content"]
        assert "in the reply below" not in status["content"]
        text = await answer_to(world, "videos status", job=1)
        assert "The video was posted, then deleted." in text


async def test_a_result_removed_by_a_bulk_delete_is_remembered_as_deleted(tmp_path):
    """A purge (a moderation bot, a ban that deletes a member's messages) is one event."""
    async with running_bot(tmp_path, plan=QUICK) as world:
        await answer_to(world, "video", prompt="a fox")
        result = await result_for(world, 1)
        await delivery_recorded(world, 1)
        status_id = (await world.bot.store.get(1)).status_message_id
        await world.discord.dispatch(
            "MESSAGE_DELETE_BULK",
            {
                "ids": [result["id"], str(world.discord.new_snowflake())],
                "channel_id": result["channel_id"],
                "guild_id": str(world.discord.guild_id),
            },
        )
        await world.discord.wait_for(
            lambda: "deleted" in world.discord.get_message(status_id)["content"] or None,
            description="the status edited",
        )
        assert "The video was posted, then deleted." in await answer_to(
            world, "videos status", job=1
        )


async def test_a_result_deleted_in_the_members_dm_is_remembered_as_deleted(tmp_path):
    """/video in a DM posts the result there, with its Delete button."""
    async with running_bot(tmp_path, plan=QUICK) as world:
        fake = world.discord
        asked = await fake.slash_command("video", {"prompt": "a cat waves hello"}, dm=True)
        await asked.wait_for_answer()
        result = await fake.wait_for_message(
            fake.dm_channel_id(fake.user_id),
            predicate=lambda m: is_layout(m) and bool(custom_ids(m)),
            timeout=10,
        )
        await delivery_recorded(world, 1)
        answer = await delete_confirmed(fake, result)
        assert answer["content"] == "The video was deleted."
        for _ in range(500):
            if (await world.bot.store.get(1)).result_deleted:
                break
            await asyncio.sleep(0.01)
        status = await fake.slash_command("videos status", {"job": 1}, dm=True)
        assert "The video was posted, then deleted." in (await status.wait_for_answer())["content"]


async def test_one_video_in_progress_is_said_in_the_singular(tmp_path):
    async with server(tmp_path, plan=RENDERS_UNTIL_TOLD) as s:
        await mod(s, "limits set", max_active=1)
        assert "queued" in await video(s.world, prompt="a slow render")
        text = await video(s.world, prompt="one more")
        assert "You already have 1 video in progress, and 1 at a time is the most" in text


async def test_a_chinese_result_gives_a_short_render_time_in_seconds(tmp_path):
    async with running_bot(tmp_path, plan=QUICK) as world:
        await answer_to(world, "video", locale="zh-CN", prompt="一只猫")
        text = visible_text(await result_for(world, 1))
        assert re.search(r"生成用时\W*\d{1,2} 秒", text), text
        assert " 分 " not in text


async def test_a_job_the_service_lost_is_not_blamed_on_the_prompt(tmp_path):
    clock = ShiftedClock()
    async with server(tmp_path, plan=RENDERS_UNTIL_TOLD, clock=clock) as s:
        s.world.api.fail_next("poll", status=404, times=3)  # three in a row: lost
        await video(s.world)
        # Three "not found" answers, minutes apart: the clock runs ahead until all three came.
        async with asyncio.timeout(10):
            while len(s.world.api.polls) < 3:
                clock.offset += 20
                s.world.bot.poller.wake()
                await asyncio.sleep(0.05)
        text = visible_text(await result_for(s.world, 1))
        assert "lost track of this job" in text and "It was not counted against you" in text
        assert "rephras" not in text and "Please try again" in text
        assert "**5 videos** left today (out of 5)" in await quota(s.world)


async def test_a_refused_submit_does_not_point_the_channel_at_a_reply_that_never_comes(tmp_path):
    """The member read APIMart's refusal privately; the channel gets no reply with it."""
    async with running_bot(tmp_path, plan=QUICK) as world:
        world.api.fail_next(
            "submit", status=400, error_type="invalid_request_error", message="bad prompt"
        )
        told = await video(world, prompt="a fox")
        assert "bad prompt" in told
        job = await world.bot.store.get(1)
        status = await world.discord.wait_for(
            lambda: (
                world.discord.get_message(job.status_message_id)
                if "could not be made"
                in world.discord.get_message(job.status_message_id)["content"]
                else None
            ),
            description="the status saying the job failed",
        )
        assert "reply below" not in status["content"]
        assert "was told why" in status["content"]


async def test_a_moderator_cancelling_a_job_of_unknown_outcome_is_told_why_it_cannot_be(tmp_path):
    async with server(tmp_path) as s:
        s.world.api.fail_next("submit", status=500)
        assert "can't tell whether" in await video(s.world)
        answer = await mod(s, "cancel", job=1)
        assert "Job #1 can no longer be cancelled: it may have reached the video service" in answer
        assert "already unknown" not in answer


async def test_the_jobs_list_shows_credits_only_for_jobs_that_have_a_cost(tmp_path):
    """No "- credits" for a job not charged yet: the figure its member was quoted, said as
    expected (its status message says it too)."""
    async with server(tmp_path, plan=TaskPlan(polls_until_done=None, credits_cost=4)) as s:
        await video(s.world, prompt="still rendering")
        listing = await mod(s, "jobs")
        line = next(line for line in listing.splitlines() if "still rendering" in line)
        assert "- credits" not in line, line
        assert line.endswith(", expected cost about 3 credits, still rendering"), line


def test_chinese_lists_of_channels_and_roles_are_joined_the_chinese_way():
    job = JobRow(1, 42, JobState.QUEUED, "一只猫", "720p", 8, None, 0.0)
    assert job_lines([job])[0].render("zh-CN").endswith("\uff1a排队中\uff0c一只猫")
    # Roles are alternatives: any one of them will do.
    assert roles_text(frozenset({3, 2, 1})).render("zh-CN") == "<@&1>、<@&2>或<@&3>"
    assert roles_text(frozenset({2, 1})).render("en-US") == "<@&1> or <@&2>"


def test_the_chinese_reference_mode_has_one_name_in_the_command_and_in_messages():
    assert CATALOGS["zh"]["option_reference"] == ZH_COMMANDS["Reference"]


def test_the_bots_operators_are_never_called_by_the_moderators_chinese_name():
    """管理员 are a server's moderators; the bot's operators are 运营者 (a member told an operator
    blocked them must not go to the server's moderators)."""
    about_operators = [
        CATALOGS["zh"][key]
        for key in ("owner_blocked", "owner_only", "personal_off", "cancelled_by_operator_block")
    ]
    assert all("机器人运营者" in text for text in about_operators), about_operators
    assert not any("管理者" in text for text in CATALOGS["zh"].values())
    assert ZH_COMMANDS["videoowner"] != ZH_COMMANDS["videomod"]
    assert "管理" not in ZH_COMMANDS["videoowner"]


def test_the_usage_list_says_1_credit_not_1_credits():
    from bot.moderation.report import usage_lines
    from bot.moderation.store import UsageRow
    from tests.test_message_limits import POLICY, WINDOW

    lines = usage_lines(POLICY, WINDOW, [UsageRow(1, 1, 1.0), UsageRow(2, 2, 2.5)])
    shown = [line.render("en-US") for line in lines[1:]]
    assert shown == ["1. <@1>: 1 video, 1 credit", "2. <@2>: 2 videos, 2.5 credits"]
    assert lines[1].render("zh-CN").endswith("1 积分")
