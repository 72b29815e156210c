"""A member's job while the server changes under it (the bot removed, ...), as members read it."""

import asyncio
import time

import pytest

from bot.moderation.catch_up import CatchUpMark
from bot.storage.sqlite import SqliteDatabase
from tests.cogs.test_moderation import (
    Server,
    channel_option,
    mod,
    modlog_message,
    server,
    video,
)
from tests.cogs.test_reach import eventually
from tests.fakes.apimart import FakeAPIMart, TaskPlan
from tests.fakes.components import is_layout, shown_text
from tests.fakes.discord import PERM_BAN_MEMBERS, PERM_VIEW_AUDIT_LOG, FakeDiscord
from tests.harness import API_KEY, BOT_TOKEN, running_bot

DONE = TaskPlan(polls_until_done=1)
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
        await fake.wait_for_message(predicate=lambda m: "Job #1 is being made" in m["content"])
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


@pytest.mark.parametrize("limit", [2, 0], ids=["raised", "removed"])
async def test_a_video_waiting_for_a_slot_is_sent_as_soon_as_a_moderator_frees_one(tmp_path, limit):
    """One video at a time: #1 renders, #2 waits in the server's line. A moderator raises the
    limit (or removes it): #2 has its slot now, and is sent at once, not at its next look at
    the line half a minute later, its status saying all the while it waits for a free slot."""
    async with server(tmp_path, plan=NEVER_DONE) as s:
        api = s.world.api
        await mod(s, "limits set", server_at_once=1)
        assert "job #1" in await video(s.world, prompt="one")
        assert "1 video at a time" in await video(s.world, prompt="two", user=s.carol)
        await mod(s, "limits set", server_at_once=limit)
        await s.world.discord.wait_for(
            lambda: len(api.task_ids) == 2, timeout=5, description="#2 sent once its slot is free"
        )


async def test_a_video_whose_channel_was_deleted_is_told_as_deleted_not_linked(tmp_path):
    """A moderator deletes the channel a video was posted in: Discord deletes its messages
    without a delete event each. `/videos status` and `history` say the video was deleted, as
    for a post deleted by hand, not a link to a post that is no longer there."""
    async with running_bot(tmp_path, plan=DONE) as world:
        fake = world.discord
        await world.video(prompt="a kite over the sea")
        await world.wait_for_result()

        async def posted_as():
            job = await world.bot.store.get(1)
            return job.delivery_target if job.delivery_message_id or job.result_deleted else None

        assert await eventually(posted_as, "channel") == "channel"
        await fake.delete_channel(fake.channel_id)
        assert await eventually(posted_as, "deleted") == "deleted", "the deletion heard"
        status = await fake.slash_command("videos status", options={"job": 1}, dm=True)
        told = (await status.wait_for_answer())["content"]
        assert "The video was posted, then deleted." in told, told
        history = await fake.slash_command("videos history", dm=True)
        listed = (await history.wait_for_answer())["content"]
        assert "discord.com/channels" not in listed, listed


async def test_a_video_waiting_in_a_deleted_channel_is_not_linked_to_its_status(tmp_path):
    """A moderator deletes the channel while a video waits in the server's line: `/videos
    status` says it is not sent yet, not "see its status message" linking a deleted one."""
    async with server(tmp_path, plan=NEVER_DONE) as s:
        fake = s.world.discord
        await mod(s, "limits set", server_at_once=1)
        first = await fake.slash_command("video", options={"prompt": "one"}, channel_id=s.modlog)
        assert "job #1" in (await first.wait_for_answer())["content"]
        await fake.wait_for_message(
            channel_id=s.modlog, predicate=lambda m: "Job #1 is being made" in m["content"]
        )
        elsewhere = fake.channel_id
        waiting = await fake.slash_command(
            "video", options={"prompt": "two"}, user=s.carol, channel_id=elsewhere
        )
        assert "job #2" in (await waiting.wait_for_answer())["content"]
        # Its status shows its place in line, with its Cancel button.
        await fake.wait_for_message(
            channel_id=elsewhere, predicate=lambda m: "in line" in m["content"] and m["components"]
        )
        await fake.delete_channel(elsewhere)

        async def status_deleted():
            return (await s.world.bot.store.get(2)).status_deleted

        assert await eventually(status_deleted, True), "the deletion heard"
        refused = [
            request
            for request in fake.requests
            if request.path.startswith(f"/channels/{elsewhere}/") and request.status == 404
        ]
        assert refused == [], "nothing edited in a deleted channel"
        status = await fake.slash_command(
            "videos status", options={"job": 2}, user=s.carol, dm=True
        )
        told = (await status.wait_for_answer())["content"]
        assert "Not sent yet" in told and "discord.com/channels" not in told, told


async def test_a_banned_members_videos_in_the_server_stop_and_the_mod_log_says_which(tmp_path):
    """One video at a time: Alice's #1 renders (APIMart has it: billed), her #2 (asked in
    Chinese) waits, Carol's #3 behind it. A moderator bans Alice, and nothing else: #1 is never
    posted and still counts, #2 is never sent and doesn't count, each notice says a moderator
    cancelled it, in her language (the ban itself she reads privately); the mod-log names both;
    Carol's #3 goes on. The ban is no block: unbanned and back, Alice makes videos again. (The
    bot's role has View Audit Log, as its invite asks: Discord tells it of bans.)"""
    async with server(tmp_path, plan=NEVER_DONE, bot_role=PERM_VIEW_AUDIT_LOG) as s:
        fake, api = s.world.discord, s.world.api
        await mod(s, "modlog", channel=channel_option(s.world, s.modlog))
        await mod(s, "limits set", server_at_once=1)
        assert "job #1" in await video(s.world, prompt="one")
        await fake.wait_for_message(predicate=lambda m: "Job #1 is being made" in m["content"])
        waiting = await fake.slash_command("video", options={"prompt": "two"}, locale="zh-CN")
        assert "#2" in (await waiting.wait_for_answer())["content"]
        assert "job #3" in await video(s.world, user=s.carol, prompt="three")
        await fake.ban_member(s.alice)
        logged = (await modlog_message(s, "banned"))["content"]
        assert f"<@{s.alice}> was banned" in logged, logged
        assert "never sent, so they don't count: #2" in logged, logged
        assert "already being made, so they still count: #1" in logged, logged
        notice = await fake.wait_for_message(
            predicate=lambda m: (
                is_layout(m)
                and "任务 #2 已取消" in shown_text(m)
                and "管理员取消了它" in shown_text(m)
            ),
            timeout=10,
        )
        assert "不计入你的额度" in shown_text(notice), shown_text(notice)
        # The prompt may have been what got her banned: her status no longer shows it.
        ended = await fake.wait_for_message(
            predicate=lambda m: (
                "任务 #2 已取消" in m["content"]
                and "管理员取消了它" in m["content"]
                and not is_layout(m)
            ),
            timeout=10,
        )
        assert "two" not in ended["content"], ended["content"]
        # Only Alice reads why, by DM: the server's channel only says a moderator cancelled it.
        asked = await fake.slash_command(
            "videos status", options={"job": 2}, dm=True, locale="zh-CN"
        )
        assert "你已被服务器封禁" in await asked.wait_for_private_answer()
        await fake.wait_for_message(
            predicate=lambda m: (
                is_layout(m) and "job #1 was cancelled: a moderator cancelled it" in shown_text(m)
            ),
            timeout=10,
        )
        api.task(api.task_ids[0]).complete()
        await api.wait_for_submits(2)
        assert [submit["prompt"] for submit in api.submits] == ["one", "three"]
        assert not any(m.get("attachments") for m in fake.messages()), "#1 is never posted"
        await fake.unban_member(s.alice)
        fake.add_member("alice", user_id=s.alice)  # unbanned, and back
        assert "job #4" in await video(s.world, prompt="four")


async def test_a_ban_the_bot_is_not_told_of_stops_nothing_and_its_video_is_posted(tmp_path):
    """The bot's role has neither Ban Members nor View Audit Log: Discord tells it of no ban.
    Alice's #1 renders when a moderator bans her: nothing is cancelled, the mod-log says
    nothing, and her video is posted (moderators block with `/videomod block` instead)."""
    async with server(tmp_path, plan=NEVER_DONE) as s:
        fake, api = s.world.discord, s.world.api
        await mod(s, "modlog", channel=channel_option(s.world, s.modlog))
        assert "job #1" in await video(s.world, prompt="one")
        await fake.wait_for_message(predicate=lambda m: "Job #1 is being made" in m["content"])
        await fake.ban_member(s.alice)
        api.task(api.task_ids[0]).complete()
        await fake.wait_for_message(predicate=lambda m: bool(m.get("attachments")), timeout=10)
        assert (await s.world.bot.store.get(1)).cancel_reason_key is None
        logged = [m for m in fake.messages(channel_id=s.modlog) if "banned" in m["content"]]
        assert logged == [], "nothing heard, nothing said"


async def test_a_video_asked_as_its_member_is_banned_is_refused_never_sent(tmp_path, monkeypatch):
    """Alice's #1 renders. She asks for another just as a moderator bans her: her request was
    read before the ban, and reaches the database only after the bot heard of it and cancelled
    what she had. It is refused, in her language: nothing is posted in the channel, nothing
    sent to APIMart, and it doesn't count. (View Audit Log, as invited: the ban is heard.)"""
    async with server(tmp_path, plan=NEVER_DONE, bot_role=PERM_VIEW_AUDIT_LOG) as s:
        fake, api = s.world.discord, s.world.api
        await mod(s, "modlog", channel=channel_option(s.world, s.modlog))
        assert "job #1" in await video(s.world, prompt="one")
        await fake.wait_for_message(predicate=lambda m: "Job #1 is being made" in m["content"])
        jobs = s.world.bot.jobs
        record, looked, go_on = jobs.record, asyncio.Event(), asyncio.Event()

        async def after_the_ban(requester, request):
            looked.set()
            await go_on.wait()  # the ban lands here
            return await record(requester, request)

        monkeypatch.setattr(jobs, "record", after_the_ban)
        asked = await fake.slash_command(
            "video", options={"prompt": "a second abusive prompt"}, locale="zh-CN"
        )
        await asyncio.wait_for(looked.wait(), 10)
        await fake.ban_member(s.alice)
        await modlog_message(s, "banned")
        go_on.set()
        told = (await asked.wait_for_answer())["content"]
        assert "封禁" in told, told
        await asyncio.sleep(0.3)  # the engine's chance to send it, were it saved
        assert [submit["prompt"] for submit in api.submits] == ["one"]
        shown = [m for m in fake.messages() if "abusive" in shown_text(m)]
        assert shown == [], "nothing of it posted after the ban"
        rows = await s.world.db.fetch_all("SELECT id FROM jobs WHERE id > 1")
        assert rows == [], "never saved, so never counted"


async def test_a_ban_whose_cancels_failed_still_stops_its_waiting_video_before_it_is_sent(
    tmp_path, monkeypatch
):
    """Alice's #1 waits out APIMart's 503 pause when she is banned, and the database drops the
    connection as the ban's cancels run. The ban itself was saved: when #1's turn comes, it is
    not sent; it doesn't count, and the channel reads that a moderator cancelled it; the
    mod-log and the audit name it once, as the ban's cancels would have. (View Audit Log, as
    invited: the ban is heard.)"""
    async with server(tmp_path, bot_role=PERM_VIEW_AUDIT_LOG) as s:
        fake, api = s.world.discord, s.world.api
        await mod(s, "modlog", channel=channel_option(s.world, s.modlog))
        api.fail_next("submit", status=503, retry_after_header="1", times=1)
        told = await video(s.world, prompt="one")
        assert "#1" in told, told
        store = s.world.bot.store
        cancelled = asyncio.Event()

        async def dropped(*args, **kwargs):
            cancelled.set()
            raise ConnectionResetError("connection lost")

        monkeypatch.setattr(store, "cancel_unfinished", dropped)
        await fake.ban_member(s.alice)
        await asyncio.wait_for(cancelled.wait(), 10)
        notice = await fake.wait_for_message(
            predicate=lambda m: "job #1 was cancelled: a moderator cancelled it" in shown_text(m),
            timeout=10,
        )
        assert "doesn't count" in shown_text(notice), shown_text(notice)
        assert api.task_ids == [], "never sent"
        job = await store.get(1)
        assert job.state.value == "cancelled" and job.cancel_reason_key == "cancelled_by_ban"
        logged = (await modlog_message(s, "banned"))["content"]
        assert f"<@{s.alice}> was banned" in logged, logged
        assert "never sent, so they don't count: #1" in logged, logged
        await asyncio.sleep(0.5)
        banned = [m for m in fake.messages(channel_id=s.modlog) if "banned" in m["content"]]
        assert len(banned) == 1, banned
        audit = await s.world.db.fetch_all("SELECT id FROM mod_audit")
        assert len(audit) == 2, "the mod-log channel set, and the ban's cancel"


async def _asked_while_apimart_is_busy(fake, *, guild_id, channel_id, user, locale="en-US"):
    """/video in a channel while APIMart answers 503 (a minute's pause): the job waits to be
    sent; what its member read."""
    asked = await fake.slash_command(
        "video",
        options={"prompt": "a lantern on a lake"},
        guild_id=guild_id,
        channel_id=channel_id,
        user=user,
        locale=locale,
        user_install=guild_id in fake.foreign_guilds,
    )
    return (await asked.wait_for_answer())["content"]


async def _unsettled(world, *job_ids):
    """The jobs among `job_ids` still waiting to be sent, not cancelled."""
    rows = await world.db.fetch_all(
        "SELECT id FROM jobs WHERE state = 'recorded' AND cancelled_at IS NULL ORDER BY id"
    )
    return [row[0] for row in rows if row[0] in job_ids]


async def test_a_server_that_removed_the_bot_while_it_was_down_has_its_waiting_videos_cancelled(
    tmp_path,
):
    """Videos wait to be sent (APIMart busy) in three places: a server that then removes the bot
    while the bot is down for a deploy, a server Discord has an outage in when the bot comes back
    (listed unavailable in READY: not a removal), and a server without the bot, through a
    member's own install. At the start the removal is caught up: #1 is never sent, doesn't
    count, and Carol hears so by DM in her language, as if the bot had heard the removal. #2
    and #3 keep waiting."""
    async with FakeDiscord(token=BOT_TOKEN) as fake, FakeAPIMart(api_key=API_KEY) as api:
        carol = fake.add_member("carol")
        outage = fake.add_guild("Outage")
        olga = fake.add_member("olga", guild_id=outage)
        foreign = fake.add_guild("Friends", bot_member=False)
        api.fail_next("submit", status=503, retry_after_header="120", times=20)
        async with running_bot(tmp_path, fake=fake, api=api) as world:
            for guild, user, locale in (
                (fake.guild_id, carol, "zh-CN"),
                (outage, olga, "en-US"),
                (foreign, fake.user_id, "en-US"),
            ):
                channel = fake.channel_ids(guild)[0]
                told = await _asked_while_apimart_is_busy(
                    fake, guild_id=guild, channel_id=channel, user=user, locale=locale
                )
                assert "#" in told, told
            assert await _unsettled(world, 1, 2, 3) == [1, 2, 3]
        sent_before = len(api.submits)
        fake.remove_bot_unheard(fake.guild_id)
        fake.outage_guilds.add(outage)
        async with running_bot(tmp_path, fake=fake, api=api) as world:
            told = await dm_text(fake, carol, "#1")
            assert "机器人已被移出服务器" in told and "不计入你的额度" in told, told
            job = await world.bot.store.get(1)
            assert job.cancel_reason_key == "cancelled_bot_removed"
            assert await _unsettled(world, 1, 2, 3) == [2, 3], "the others keep waiting"
        assert len(api.submits) == sent_before and api.task_ids == [], "nothing sent since"


async def test_a_member_banned_while_the_bot_was_down_has_their_waiting_video_cancelled(
    tmp_path,
):
    """The bot may read the server's bans (Ban Members). Videos wait out APIMart's 503 pause:
    Carol's #1 and Olga's #2. While the bot is down for a deploy a moderator bans Carol; no
    event reaches the bot. At the start the ban is caught up as if heard: #1 is never sent and
    doesn't count, its notice says a moderator cancelled it (in Carol's language), the mod-log
    names her; Olga's #2 is sent."""
    async with FakeDiscord(token=BOT_TOKEN) as fake, FakeAPIMart(api_key=API_KEY) as api:
        carol = fake.add_member("carol")
        olga = fake.add_member("olga")
        modlog = fake.add_text_channel("mod-log")
        fake.give_bot_role(PERM_BAN_MEMBERS)
        api.fail_next("submit", status=503, retry_after_header="120", times=20)
        async with running_bot(tmp_path, fake=fake, api=api) as world:
            s = Server(world, 0, 0, modlog, 0, carol)
            await mod(s, "modlog", channel=channel_option(world, modlog))
            for user, locale in ((carol, "zh-CN"), (olga, "en-US")):
                told = await _asked_while_apimart_is_busy(
                    fake,
                    guild_id=fake.guild_id,
                    channel_id=fake.channel_id,
                    user=user,
                    locale=locale,
                )
                assert "#" in told, told
            assert await _unsettled(world, 1, 2) == [1, 2]
        api.clear_faults()
        fake.ban_member_unheard(carol)
        await _due_now(tmp_path, 1, 2)
        async with running_bot(tmp_path, fake=fake, api=api) as world:
            s = Server(world, 0, 0, modlog, 0, carol)
            logged = (await modlog_message(s, "banned"))["content"]
            assert f"<@{carol}> was banned" in logged and "#1" in logged, logged
            notice = await fake.wait_for_message(
                predicate=lambda m: "任务 #1 已取消" in shown_text(m), timeout=10
            )
            assert "管理员取消了它" in shown_text(notice), shown_text(notice)
            assert "不计入你的额度" in shown_text(notice), shown_text(notice)

            async def sent(job_id):
                return (await world.bot.store.get(job_id)).task_id is not None

            assert await eventually(lambda: sent(2), True), "Olga's #2 was sent"
            assert len(api.task_ids) == 1, "Carol's #1 never reached APIMart"
            assert (await world.bot.store.get(1)).cancel_reason_key == "cancelled_by_ban"


async def test_without_ban_members_a_ban_made_while_the_bot_was_down_is_read_in_the_audit_log(
    tmp_path, caplog
):
    """The bot's role has View Audit Log (as invited), not Ban Members: Discord shows it no
    ban list. Videos wait out APIMart's 503 pause: Carol's #1 and Olga's #2. While the bot is
    down a moderator bans Carol, and bans then unbans Olga. At the start the server's audit log
    tells: Carol's #1 is never sent and the mod-log names her; Olga's #2 is sent. The operator
    reads that bans were read from the audit log."""
    async with FakeDiscord(token=BOT_TOKEN) as fake, FakeAPIMart(api_key=API_KEY) as api:
        carol = fake.add_member("carol")
        olga = fake.add_member("olga")
        modlog = fake.add_text_channel("mod-log")
        fake.give_bot_role(PERM_VIEW_AUDIT_LOG)
        api.fail_next("submit", status=503, retry_after_header="120", times=20)
        async with running_bot(tmp_path, fake=fake, api=api) as world:
            s = Server(world, 0, 0, modlog, 0, carol)
            await mod(s, "modlog", channel=channel_option(world, modlog))
            for user in (carol, olga):
                told = await _asked_while_apimart_is_busy(
                    fake, guild_id=fake.guild_id, channel_id=fake.channel_id, user=user
                )
                assert "#" in told, told
        api.clear_faults()
        fake.ban_member_unheard(carol)
        fake.ban_member_unheard(olga)
        fake.unban_member_unheard(olga)
        await _due_now(tmp_path, 1, 2)
        with caplog.at_level("INFO"):
            async with running_bot(tmp_path, fake=fake, api=api) as world:
                s = Server(world, 0, 0, modlog, 0, carol)
                logged = (await modlog_message(s, "banned"))["content"]
                assert f"<@{carol}> was banned" in logged and "#1" in logged, logged
                assert f"<@{olga}>" not in logged, logged

                async def sent(job_id):
                    return (await world.bot.store.get(job_id)).task_id is not None

                assert await eventually(lambda: sent(2), True), "Olga's #2 was sent"
                assert len(api.task_ids) == 1, "Carol's #1 never reached APIMart"
                assert (await world.bot.store.get(1)).cancel_reason_key == "cancelled_by_ban"
        read = [r.path for r in fake.requests if "/audit-logs" in r.path or "/bans/" in r.path]
        assert read and all(path.endswith("/audit-logs") for path in read), read
        assert "from its audit log" in caplog.text, caplog.text


async def test_a_process_judges_only_the_servers_of_its_own_shards(tmp_path):
    """Two shards, two processes in turn. Videos wait to be sent in a server on each: #1 on
    shard 1, #2 on shard 0, which then removes the bot while it is down. The process that runs
    shard 0 alone never sees shard 1's server in its READY (it is another process's): only #2
    is cancelled."""
    async with FakeDiscord(token=BOT_TOKEN) as fake, FakeAPIMart(api_key=API_KEY) as api:
        api.fail_next("submit", status=503, retry_after_header="120", times=20)
        places = {}
        for shard in (1, 0):
            guild = fake.add_guild_on_shard(f"Shard {shard}", shard, 2)
            member = fake.add_member(f"member{shard}", guild_id=guild)
            places[shard] = guild, member
            async with running_bot(tmp_path, fake=fake, api=api, shard_count=2, shard_ids=[shard]):
                channel = fake.channel_ids(guild)[0]
                await _asked_while_apimart_is_busy(
                    fake, guild_id=guild, channel_id=channel, user=member
                )
        fake.remove_bot_unheard(places[0][0])
        async with running_bot(tmp_path, fake=fake, api=api, shard_count=2, shard_ids=[0]) as world:
            told = await dm_text(fake, places[0][1], "#2")
            assert "the bot was removed from the server" in told, told
            assert await _unsettled(world, 1, 2) == [1], "shard 1's server is not judged here"


async def _due_now(tmp_path, *job_ids):
    """While the bot is down: the waiting jobs' next try passed (a deploy longer than
    APIMart's pause)."""
    db = await SqliteDatabase.open(tmp_path / "data" / "bot.sqlite3")
    try:
        for job_id in job_ids:
            await db.write("UPDATE jobs SET next_poll_at = 0 WHERE id = ?", (job_id,))
    finally:
        await db.close()


async def test_a_video_due_at_start_in_a_server_that_removed_the_bot_is_never_sent(tmp_path):
    """Videos wait out APIMart's 503 pause: #1 in Carol's server, #2 through a member's own
    install. The deploy outlasts the pause: at the restart both are due at once and APIMart is
    well again. Carol's server removed the bot meanwhile, unheard: #1 is never sent (nothing
    rendered or billed there) and Carol hears so by DM. #2 goes out as soon as the bot starts;
    it does not wait for the servers to be checked."""
    async with FakeDiscord(token=BOT_TOKEN) as fake, FakeAPIMart(api_key=API_KEY) as api:
        carol = fake.add_member("carol")
        foreign = fake.add_guild("Friends", bot_member=False)
        api.fail_next("submit", status=503, retry_after_header="120", times=20)
        async with running_bot(tmp_path, fake=fake, api=api) as world:
            for guild, user in ((fake.guild_id, carol), (foreign, fake.user_id)):
                channel = fake.channel_ids(guild)[0]
                told = await _asked_while_apimart_is_busy(
                    fake, guild_id=guild, channel_id=channel, user=user
                )
                assert "#" in told, told
            assert await _unsettled(world, 1, 2) == [1, 2]
        sent_before = len(api.submits)
        api.clear_faults()
        fake.remove_bot_unheard(fake.guild_id)
        await _due_now(tmp_path, 1, 2)
        async with running_bot(tmp_path, fake=fake, api=api) as world:
            told = await dm_text(fake, carol, "#1")
            assert "the bot was removed from the server" in told, told
            await api.wait_for_submits(sent_before + 1)
            job = await world.bot.store.get(2)
            assert job.task_id is not None, "the user install's video was sent"
            assert (await world.bot.store.get(1)).state.value == "cancelled"
        assert len(api.task_ids) == 1, "only #2 reached APIMart"


async def test_a_gateway_that_never_readies_holds_servers_videos_a_minute_at_most(
    tmp_path, monkeypatch, caplog
):
    """The same deploy, but at the restart one of the bot's two shards never connects: which
    servers removed the bot cannot be known. The video made through a member's own install (#2)
    is sent at once all the same; the one in the server (#1) waits, but only up to the cap on
    that wait (a minute; shortened here), then goes, and the operator reads why, once."""
    monkeypatch.setattr("bot.wiring.SERVERS_READY_CAP", 1.0)
    async with FakeDiscord(token=BOT_TOKEN) as fake, FakeAPIMart(api_key=API_KEY) as api:
        guild = fake.add_guild_on_shard("Shard 0", 0, 2)
        member = fake.add_member("member0", guild_id=guild)
        foreign = fake.add_guild("Friends", bot_member=False)
        api.fail_next("submit", status=503, retry_after_header="120", times=20)
        async with running_bot(tmp_path, fake=fake, api=api) as world:
            for where, user in ((guild, member), (foreign, fake.user_id)):
                channel = fake.channel_ids(where)[0]
                await _asked_while_apimart_is_busy(
                    fake, guild_id=where, channel_id=channel, user=user
                )
            assert await _unsettled(world, 1, 2) == [1, 2]
        sent_before = len(api.submits)
        api.clear_faults()
        await _due_now(tmp_path, 1, 2)
        fake.unanswered_shards.add(1)
        async with running_bot(
            tmp_path, fake=fake, api=api, shard_count=2, until_ready=False
        ) as world:

            async def sent(job_id):
                row = await world.db.fetch_one("SELECT task_id FROM jobs WHERE id = ?", (job_id,))
                return row[0] is not None

            assert await eventually(lambda: sent(2), True, attempts=40), "#2 sent at once"
            assert await _unsettled(world, 1) == [1], "#1 waits for the servers to be checked"
            assert await eventually(lambda: sent(1), True), "#1 sent once the wait is over"
        assert len(api.submits) == sent_before + 2, "each sent once"
        capped = [r for r in caplog.records if "not every shard" in r.getMessage()]
        assert len(capped) == 1, capped


async def test_a_ban_saved_before_a_crash_stops_the_rendering_video_at_the_restart(
    tmp_path, monkeypatch, caplog
):
    """Carol's #1 is rendering at APIMart when she is banned; the ban is saved, then the
    process dies before its cancels run (a crash between the two writes). The bot heard the
    ban (View Audit Log, as invited), but a server admin takes that permission from its role
    while it is down, so the restart cannot look bans up. The saved ban is read at the last
    look before the video is posted: APIMart finishes #1 after the restart, its video is never
    posted (it counts), and the channel reads that a moderator cancelled it; the mod-log and
    the audit name it, as the ban's cancels would have."""
    async with FakeDiscord(token=BOT_TOKEN) as fake, FakeAPIMart(api_key=API_KEY) as api:
        api.default_plan = NEVER_DONE
        carol = fake.add_member("carol")
        modlog = fake.add_text_channel("mod-log")
        fake.give_bot_role(PERM_VIEW_AUDIT_LOG)
        async with running_bot(tmp_path, fake=fake, api=api) as world:
            await mod(
                Server(world, 0, 0, modlog, 0, carol),
                "modlog",
                channel=channel_option(world, modlog),
            )
            await _asked_while_apimart_is_busy(
                fake, guild_id=fake.guild_id, channel_id=fake.channel_id, user=carol
            )
            await api.wait_for_polls(1)
            crashed = asyncio.Event()

            async def crash(*args, **kwargs):
                crashed.set()
                raise ConnectionResetError("the process dies here")

            monkeypatch.setattr(world.bot.store, "cancel_unfinished", crash)
            await fake.ban_member(carol)
            await asyncio.wait_for(crashed.wait(), 10)
        monkeypatch.undo()
        fake.take_from_bot_role(PERM_VIEW_AUDIT_LOG)
        api.last_task.complete()
        caplog.set_level("INFO", logger="cogs._bans")
        async with running_bot(tmp_path, fake=fake, api=api) as world:
            notice = await fake.wait_for_message(
                predicate=lambda m: "job #1 was cancelled" in shown_text(m), timeout=10
            )
            assert "a moderator cancelled it" in shown_text(notice), shown_text(notice)
            await asyncio.sleep(0.5)
            assert not any(m.get("attachments") for m in fake.messages()), "never posted"
            job = await world.bot.store.get(1)
            assert job.cancel_reason_key == "cancelled_by_ban"
            logged = await modlog_message(Server(world, 0, 0, modlog, 0, carol), "banned")
            assert f"<@{carol}> was banned" in logged["content"], logged["content"]
            assert "made, so they still count: #1" in logged["content"], logged["content"]
            audit = await world.db.fetch_all("SELECT id FROM mod_audit")
            assert len(audit) == 2, "the mod-log channel set, and the ban's cancel"
        assert "Discord tells the bot of no ban there" in caplog.text, caplog.text


async def test_a_video_made_while_the_bot_was_down_waits_for_the_catch_up_of_a_ban(tmp_path):
    """The bot may read the server's bans (Ban Members). Carol's #1 is rendering at APIMart
    when the bot goes down for a deploy; meanwhile a moderator bans her (unheard) and APIMart
    finishes #1. At the restart the video is found made at once, but Discord is slow to show
    the server's bans: the video waits for that catch-up and is never posted (it counts); the
    channel reads that a moderator cancelled it, and the mod-log names it."""
    async with FakeDiscord(token=BOT_TOKEN) as fake, FakeAPIMart(api_key=API_KEY) as api:
        api.default_plan = NEVER_DONE
        carol = fake.add_member("carol")
        modlog = fake.add_text_channel("mod-log")
        fake.give_bot_role(PERM_BAN_MEMBERS)
        async with running_bot(tmp_path, fake=fake, api=api) as world:
            s = Server(world, 0, 0, modlog, 0, carol)
            await mod(s, "modlog", channel=channel_option(world, modlog))
            await _asked_while_apimart_is_busy(
                fake, guild_id=fake.guild_id, channel_id=fake.channel_id, user=carol
            )
            await api.wait_for_polls(1)
        fake.ban_member_unheard(carol)
        api.last_task.complete()
        slow = fake.hold_next("GET", r"/guilds/\d+/bans/\d+")
        async with running_bot(tmp_path, fake=fake, api=api) as world:

            async def state():
                return (await world.bot.store.get(1)).state.value

            assert await eventually(state, "completed") == "completed"
            await fake.wait_for(lambda: slow.hits, description="the ban being looked up")
            await asyncio.sleep(1.0)  # what the delivery stage does meanwhile
            assert slow.hits == 1, "the ban is looked up once"
            slow.held.set()
            notice = await fake.wait_for_message(
                predicate=lambda m: "job #1 was cancelled" in shown_text(m), timeout=10
            )
            assert "a moderator cancelled it" in shown_text(notice), shown_text(notice)
            logged = await modlog_message(Server(world, 0, 0, modlog, 0, carol), "banned")
            assert "made, so they still count: #1" in logged["content"], logged["content"]
            assert not any(m.get("attachments") for m in fake.messages()), "never posted"
            assert (await world.bot.store.get(1)).cancel_reason_key == "cancelled_by_ban"


async def test_a_stop_during_the_start_up_catch_up_is_no_error(tmp_path, monkeypatch, caplog):
    """SIGTERM right after the bot connected: the stop closes the database while the shard's
    catch-up of removals and bans reads it. The operator's log says the catch-up was cut short
    (the next start does it again), not "Ignoring exception in on_shard_ready" with a
    traceback; outside a stop, the same failure is still raised as the fault it is."""
    async with (
        FakeDiscord(token=BOT_TOKEN) as fake,
        FakeAPIMart(api_key=API_KEY) as api,
        running_bot(tmp_path, fake=fake, api=api) as world,
    ):
        bot = world.bot
        cog = bot.get_cog("ServerChangesCog")

        async def closed_database() -> list[int]:
            raise ValueError("no active connection")

        monkeypatch.setattr(bot.store, "guilds_with_waiting_jobs", closed_database)
        await asyncio.wait_for(bot.servers_checked.wait(), 10)  # the start's own catch-up
        # As at a start: this process's mark holds videos made in servers, in every process.
        bot.ban_catch_up = CatchUpMark(
            bot.db, "starting", clock=bot.clock, lasts=60.0, cap=60.0, alone=False
        )
        await bot.ban_catch_up.begin()
        assert await bot.store.ban_catch_up_until(bot.clock()) is not None
        with pytest.raises(ValueError):
            await cog.on_shard_ready(0)  # outside a stop: a fault, raised
        # Nothing looks the bans up until the next start: videos are not held for its cap.
        assert await bot.store.ban_catch_up_until(bot.clock()) is None
        monkeypatch.setattr(bot, "closing", True)
        with caplog.at_level("INFO"):
            await cog.on_shard_ready(0)
        assert "cut short by the stop" in caplog.text


async def _status_final_at(db, job_id):
    row = await db.fetch_one("SELECT status_final_at FROM jobs WHERE id = ?", (job_id,))
    return row[0]


async def _owed_a_last_edit(world):
    """The jobs a status sweep would take now, however long ago they were told."""
    taken = await world.bot.status_marks.claim_unshown_last_statuses(
        told_since=0, told_before=time.time() + 86_400, limit=10, hold=0
    )
    return [job.id for job in taken]


async def _posted_with_its_last_edit_missed(world):
    """#1's video is posted; its last status edit is left to the sweep (the process stopped
    before it landed, say)."""
    await world.video(prompt="a kite over the sea")
    await world.wait_for_result()

    async def made():
        return await _status_final_at(world.db, 1) is not None

    assert await eventually(made, True), "the last status edit was made"
    await world.db.write("UPDATE jobs SET status_final_at = NULL WHERE id = 1")
    assert await _owed_a_last_edit(world) == [1]


async def test_a_server_that_removed_the_bot_gets_no_status_edit_from_the_sweep(tmp_path):
    """#1's last status edit is owed when the server removes the bot (GUILD_DELETE): no sweep
    tries it, each try a refusal Discord counts toward banning the bot."""
    async with running_bot(tmp_path, plan=DONE) as world:
        await _posted_with_its_last_edit_missed(world)
        await world.discord.remove_bot()
        assert await eventually(lambda: _owed_a_last_edit(world), []) == []


async def test_a_server_that_removed_the_bot_while_it_was_down_gets_no_status_edit_from_the_sweep(
    tmp_path,
):
    """The same, the server removing the bot while the bot is down: found at the start."""
    async with FakeDiscord(token=BOT_TOKEN) as fake, FakeAPIMart(api_key=API_KEY) as api:
        api.default_plan = DONE
        async with running_bot(tmp_path, fake=fake, api=api) as world:
            await _posted_with_its_last_edit_missed(world)
        fake.remove_bot_unheard()
        async with running_bot(tmp_path, fake=fake, api=api) as world:
            assert await eventually(lambda: _owed_a_last_edit(world), []) == []
