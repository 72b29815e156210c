"""A Chinese member, a Chinese server: no sentence mixes two languages."""

import re

from tests.cogs.test_cost import button_ids, press
from tests.cogs.test_mentions import mention
from tests.cogs.test_moderation import command
from tests.fakes.apimart import TaskPlan
from tests.fakes.discord import FakeDiscord
from tests.harness import BOT_TOKEN, running_bot

HAN = re.compile(r"[\u4e00-\u9fff]")


async def test_the_reason_of_a_refused_request_reads_in_the_language_of_who_asks_its_status(
    tmp_path,
):
    """A mention in an English server is refused by APIMart (a documented refusal the bot
    explains itself); the member, whose Discord is in Chinese, looks it up with /videos status:
    the whole answer is Chinese, not a Chinese line with an English reason in it."""
    async with running_bot(tmp_path) as world:
        world.api.fail_next("submit", status=400, error_type="invalid_duration", message="时长无效")
        await mention(world, "a cat surfing")
        await world.discord.wait_for_message(
            predicate=lambda m: "refused this request" in m["content"]
        )
        status = await command(
            world, "videos status", user=world.discord.user_id, locale="zh-CN", job=1
        )
        assert "原因\uff1a" in status
        assert "the duration must be" not in status
        assert "时长必须是 4、6、8 或 10 秒" in status


async def test_the_reason_of_a_failed_render_reads_in_the_language_of_who_asks_its_status(
    tmp_path,
):
    """A mention in a Chinese server (APIMart's reason is asked for in Chinese) fails APIMart's
    content check. The member, whose Discord is in English, looks it up with /videos status:
    they read the cause in English, not APIMart's Chinese words; a Chinese reader reads them."""
    plan = TaskPlan(polls_until_done=1, final_status="failed", error_message="内容审核未通过")
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        fake.set_preferred_locale("zh-CN")
        async with running_bot(tmp_path, fake=fake, plan=plan) as world:
            await mention(world, "一只猫在冲浪")
            await fake.wait_for_message(
                predicate=lambda m: (
                    "内容审核" in str(m.get("components") or m["content"])
                    and m.get("message_reference") is not None
                    and "请求了一个视频" not in m["content"]
                )
            )
            english = await command(
                world, "videos status", user=fake.user_id, locale="en-US", job=1
            )
            chinese = await command(
                world, "videos status", user=fake.user_id, locale="zh-CN", job=1
            )
    assert "Reason: the video service's content check refused" in english, english
    assert not HAN.search(english), english
    assert "原因\uff1a内容审核未通过" in chinese, chinese


async def test_a_reply_confirmed_in_a_chinese_server_stays_in_the_servers_language(tmp_path):
    """A mention in a Chinese server is asked about in Chinese (the server's language, as every
    reply is); pressing Confirm must not turn the public question, the status message and the
    result into another language (the presser's client is English here)."""
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        fake.set_preferred_locale("zh-CN")
        async with running_bot(tmp_path, fake=fake, plan=TaskPlan(polls_until_done=None)) as world:
            await command(world, "videomod confirm", user=fake.owner_id, credits=5.0)
            asking = await mention(world, "一只猫在冲浪 --res 4k --duration 10")
            question = await fake.wait_for_message(
                predicate=lambda m: (
                    (m.get("message_reference") or {}).get("message_id") == asking["id"]
                )
            )
            asked = question["content"]  # the fake edits its stored message in place
            assert "这个视频预计花费约 **15 积分**" in asked
            confirm = await press(world, question, button_ids(question)["确认"])
            await confirm.wait_for_followup(timeout=10)
            status = await fake.wait_for_message(
                predicate=lambda m: (
                    "一只猫在冲浪" in m["content"] and m["id"] not in (asking["id"], question["id"])
                )
            )
            assert "请求了一个视频" in status["content"], status["content"]
            # The question is edited after the job is queued: wait for that edit, not a guess.
            edited = await fake.wait_for_message(
                predicate=lambda m: m["id"] == question["id"] and m["content"] != asked,
                timeout=10,
            )
            assert edited["content"].startswith("已确认\uff1a任务 #1"), edited["content"]
