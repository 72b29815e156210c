"""A member's job while the server changes under it (the bot removed, ...), as members read it."""

from tests.cogs.test_moderation import mod, server, video
from tests.fakes.apimart import TaskPlan
from tests.fakes.components import shown_text

NEVER_DONE = TaskPlan(polls_until_done=None)


async def dm_text(fake, user_id, text):
    """The bot's DM to `user_id` once one shows `text`."""
    message = await fake.wait_for_message(
        channel_id=fake.dm_channel_id(user_id),
        predicate=lambda m: text in shown_text(m),
        timeout=10,
    )
    return shown_text(message)


async def test_a_video_waiting_to_be_sent_when_the_bot_is_removed_is_never_sent(tmp_path):
    """One video at a time: #1 renders, #2 waits in the server's line. The server removes the
    bot (kicked, banned, or the server deleted). #1 was already being made and billed: it
    comes by DM. #2 is never sent (nothing spent on a server that removed the bot), doesn't
    count, and its member hears so by DM, in their language."""
    async with server(tmp_path, plan=NEVER_DONE) as s:
        fake, api = s.world.discord, s.world.api
        await mod(s, "limits set", server_at_once=1)
        assert "job #1" in await video(s.world, prompt="one")
        await fake.wait_for_message(predicate=lambda m: "Job #1 is rendering" in m["content"])
        waiting = await fake.slash_command(
            "video", options={"prompt": "two"}, user=s.carol, locale="zh-CN"
        )
        assert "#2" in (await waiting.wait_for_answer())["content"]
        await fake.remove_bot()
        api.task(api.task_ids[0]).complete()
        await dm_text(fake, s.alice, "your video is ready")
        told = await dm_text(fake, s.carol, "#2")
        assert "机器人已被移出服务器" in told and "不计入你的额度" in told, told
        assert len(api.task_ids) == 1, "nothing sent for the server that removed the bot"
        row = await s.world.db.fetch_one("SELECT state FROM jobs WHERE id = 2")
        assert row[0] == "cancelled"
