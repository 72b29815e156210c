"""/video anywhere (issue 17): DMs, group DMs and user installs in servers that never added the bot.

What the member reads on the fake Discord, which models user-install interactions the way
Discord sends them (context, authorizing_integration_owners, app_permissions without Send
Messages, the 5-follow-up cap, forced-ephemeral servers, 15-minute tokens).
"""

import asyncio
import time
from contextlib import asynccontextmanager

import aiohttp
import discord
import pytest

from bot.delivery import Delivery
from bot.jobs.poller import DeliveryOutcome
from bot.moderation.store import Actor
from tests.fakes.apimart import FakeAPIMart, TaskPlan
from tests.fakes.components import custom_ids, shown_text, texts
from tests.fakes.discord import INTERACTION_AUTOCOMPLETE, PERM_ALL, FakeDiscord
from tests.harness import API_KEY, BOT_TOKEN, running_bot

EPHEMERAL = 64
QUICK = TaskPlan(polls_until_done=2)
# Renders until the test finishes it (`task.complete()`).
UNTIL_TOLD = TaskPlan(polls_until_done=None)
# As UNTIL_TOLD, its progress held at 0% until the test sets it: a value a test sets and waits
# to see must not be below what the polls made before (members see the most a task reached),
# and how many polls come first depends on how loaded the machine is.
HELD = TaskPlan(polls_until_done=None, creep=0)


class ShiftedClock:
    """Real time plus an offset a test moves, so an interaction token can expire at once."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset


async def edited_with(interaction, clock, text):
    """The private answer once an edit shows `text`, moving the clock past the spacing between
    two edits of a job while it waits: a slow machine may make the edit before this one late
    (after a single move), and the next would then wait the whole spacing in real time."""
    for _ in range(20):
        clock.offset += 11
        try:
            return await interaction.wait_for_original(lambda m: text in m["content"], timeout=1)
        except TimeoutError:
            continue
    raise TimeoutError(f"no edit showed {text!r}")


def results_in(world, channel_id):
    """The bot's result posts (the layout with the job's marker line) in a channel."""
    return [
        message
        for message in world.discord.messages(channel_id)
        if any(text.startswith("-# Job #") for text in texts(message))
    ]


def bot_posts_to(world, channel_id):
    """REST calls that post with the bot's own token in a channel."""
    return [
        request
        for request in world.discord.requests
        if request.method == "POST" and request.path == f"/channels/{channel_id}/messages"
    ]


async def jobs(world):
    """(id, server, route, token) of every job, as stored."""
    rows = await world.db.fetch_all(
        "SELECT id, guild_id, reply_route, interaction_token FROM jobs ORDER BY id"
    )
    return [tuple(row) for row in rows]


async def eventually(read, expected, attempts=250):
    """`await read()` once it equals `expected` (the engine writes in the background)."""
    for _ in range(attempts):
        value = await read()
        if value == expected:
            return value
        await asyncio.sleep(0.02)
    return await read()


async def retried_until_delivered(world, clock):
    """A minute on at a time (up to 20) until job 1's retry delivers it; the poller then
    stops (the test reads what stays). Whether it was delivered."""

    async def delivered():
        return (await world.bot.store.get(1)).delivered_at is not None

    for _ in range(20):
        clock.offset += 60
        world.bot.poller.wake()
        if await eventually(delivered, True, attempts=25):
            break
    await world.bot.poller.stop()
    return await delivered()


async def asked_elsewhere(world, prompt):
    """/video through the member's own install in a server without the bot, sent to APIMart;
    the server, the interaction and its first answer."""
    fake = world.discord
    foreign = fake.add_guild("Friends", bot_member=False)
    interaction = await fake.slash_command(
        "video", {"prompt": prompt}, guild_id=foreign, user_install=True
    )
    answer = await interaction.wait_for_answer()
    await world.api.wait_until(lambda: world.api.task_ids, what="the submit")
    return foreign, interaction, answer


async def test_a_video_asked_in_the_bots_dm_with_one_image_is_delivered_once_there(tmp_path):
    async with running_bot(tmp_path, plan=QUICK) as world:
        fake = world.discord
        interaction = await fake.slash_command(
            "video", {"prompt": "a cat waves hello", "image": world.png()}, dm=True
        )
        answer = await interaction.wait_for_answer()
        assert "queued as job #1" in answer["content"]
        assert answer["flags"] & EPHEMERAL
        dm = fake.dm_channel_id(fake.user_id)
        result = await fake.wait_for_message(
            dm, predicate=lambda m: bool(m.get("attachments")) and bool(texts(m))
        )
        assert shown_text(result).startswith(f"<@{fake.user_id}> your video is ready")
        [submit] = world.api.submits
        assert len(submit["image_urls"]) == 1
        await world.bot.poller.stop()
        assert len(results_in(world, dm)) == 1, "delivered exactly once"
        [(job_id, guild_id, route, token)] = await jobs(world)
        # The bot's own DM: it posts there with its own token, on the member's own allowance.
        assert (job_id, guild_id, route, token) == (1, None, None, None)


@pytest.mark.parametrize(
    ("locale", "dm_words", "thread_words"),
    [("en-US", "our DM", "private thread"), ("zh-CN", "我们的私信", "私密子区")],
)
async def test_a_bots_dm_it_cannot_post_in_is_refused_in_dm_words(
    tmp_path, locale, dm_words, thread_words
):
    """A member who keeps the bot out of their DMs (privacy settings, a block: Discord answers
    403 50007) can still use /video there, through the command: refused before anything is
    spent, and told about the DM, not about a channel or a private thread there is none of."""
    async with running_bot(tmp_path, plan=QUICK) as world:
        fake = world.discord
        fake.dm_blocked_users.add(fake.user_id)
        interaction = await fake.slash_command(
            "video", {"prompt": "a cat waves hello"}, dm=True, locale=locale
        )
        answer = await interaction.wait_for_private_answer()
        assert dm_words in answer, answer
        assert thread_words not in answer, answer
        assert "queued" not in answer and "排队" not in answer
        assert world.api.submits == [], "nothing is paid for where nothing can be posted"
        [row] = await world.db.fetch_all("SELECT state FROM jobs")
        assert row["state"] == "rejected", "closed unsent: it does not count"


@pytest.mark.parametrize(
    ("locale", "what_to_try", "moderator"),
    [("en-US", ("try",), "moderator"), ("zh-CN", ("重试", "改写"), "管理员")],
)
@pytest.mark.parametrize(
    ("reason", "plan_said"),
    [("", "APIMart said nothing"), ("Video generation failed", "APIMart said why")],
)
async def test_a_failure_told_in_a_group_dm_sends_nobody_to_a_moderator(
    tmp_path, locale, what_to_try, moderator, reason, plan_said
):
    """Outside servers that added the bot no moderator has any say over it: a group DM has
    none, and a server's own moderators never added it. The failure posted there (for all to
    read) says what to try, without sending anyone to a moderator."""
    plan = TaskPlan(polls_until_done=1, final_status="failed", error_message=reason)
    async with running_bot(tmp_path, plan=plan) as world:
        fake = world.discord
        friend = fake.add_user("bob")
        group = fake.add_group_dm(fake.user_id, friend)
        interaction = await fake.slash_command(
            "video",
            {"prompt": "two friends wave"},
            group_dm=group,
            user_install=True,
            locale=locale,
        )
        await interaction.wait_for_answer()
        notice = shown_text(await interaction.wait_for_followup(2, timeout=10))
        assert "#1" in notice, plan_said
        assert any(words in notice.lower() for words in what_to_try), notice
        assert moderator not in notice, notice
        await world.bot.poller.stop()
        status = await interaction.wait_for_original(lambda m: "#1" in m["content"])
        assert moderator not in status["content"]
        # The same job asked about later, from anywhere.
        asked = await fake.slash_command("videos status", {"job": 1}, dm=True, locale=locale)
        assert moderator not in await asked.wait_for_private_answer()


async def test_a_user_install_in_a_server_without_the_bot_answers_through_the_interaction(
    tmp_path,
):
    async with running_bot(tmp_path, plan=QUICK) as world:
        fake = world.discord
        foreign = fake.add_guild("Friends", bot_member=False)
        channel = fake.channel_ids(foreign)[0]
        interaction = await fake.slash_command(
            "video",
            {"prompt": "a paper boat in the rain"},
            guild_id=foreign,
            user_install=True,
        )
        assert interaction.payload["authorizing_integration_owners"] == {"1": str(fake.user_id)}
        assert not int(interaction.payload["app_permissions"]) & (1 << 11), "no Send Messages"
        answer = await interaction.wait_for_answer()
        assert "I'll post it right here" in answer["content"]
        assert "only you" not in answer["content"]
        result = await interaction.wait_for_followup(2, timeout=10)
        assert shown_text(result).startswith(f"<@{fake.user_id}> your video is ready")
        assert not result["flags"] & EPHEMERAL, "the result is public in the server"
        [attachment] = result["attachments"]
        task_id = world.api.task_ids[0]
        assert fake.attachment_bytes(attachment) == world.api.files[f"{task_id}.mp4"]
        # The private answer became the status, and says the video is done.
        status = await interaction.wait_for_original(lambda m: "Job #1 is done" in m["content"])
        assert status["flags"] & EPHEMERAL
        # The result is a follow-up under it, not a reply; "queued, I'll post it" is history.
        assert "your video is posted below" in status["content"]
        assert "reply below" not in status["content"] and "queued" not in status["content"]
        await world.bot.poller.stop()
        assert interaction.followup_posts <= 5, "within a user install's follow-ups"
        assert interaction.followup_posts == 2
        assert bot_posts_to(world, channel) == [], "the bot's token never tried to post there"
        assert fake.expired_webhook_calls == []
        assert fake.messages(fake.dm_channel_id(fake.user_id)) == [], "public: no DM copy"
        # Counted on the member's personal allowance; the token is forgotten once delivered.
        assert await jobs(world) == [(1, None, "interaction", None)]


def dm_results(world):
    """The bot's result posts in the member's DM."""
    fake = world.discord
    return results_in(world, fake.dm_channel_id(fake.user_id))


async def test_a_server_that_blocks_external_apps_gets_a_private_result_and_is_told(tmp_path):
    """Discord shows the result only to the member there, and clears it when their app
    reloads: the same result also goes by DM, and the private status says so."""
    async with running_bot(tmp_path, plan=QUICK) as world:
        fake = world.discord
        foreign = fake.add_guild("Strict", bot_member=False)
        fake.external_apps_blocked.add(foreign)
        interaction = await fake.slash_command(
            "video", {"prompt": "a lighthouse"}, guild_id=foreign, user_install=True
        )
        answer = await interaction.wait_for_answer()
        assert "only you will see it" in answer["content"]
        assert "a copy by direct message too" in answer["content"]
        result = await interaction.wait_for_followup(2, timeout=10)
        assert result["flags"] & EPHEMERAL
        assert result["attachments"]
        status = await interaction.wait_for_original(
            lambda m: "Job #1 is done" in m["content"], timeout=10
        )
        assert "only to you" in status["content"]
        assert "sent you a copy by direct message" in status["content"]
        await world.bot.poller.stop()
        [copy] = dm_results(world)
        assert shown_text(copy).startswith(f"<@{fake.user_id}> your video is ready")
        task_id = world.api.task_ids[0]
        [attachment] = copy["attachments"]
        assert fake.attachment_bytes(attachment) == world.api.files[f"{task_id}.mp4"]


async def test_a_result_discord_made_private_after_the_command_is_also_sent_by_dm(tmp_path):
    """The server began blocking external apps while the video rendered: the member was
    promised it "right here" for everyone, and Discord turned the result private. The video
    goes to their DMs too (as the DM route sends it), and the private status says so."""
    async with running_bot(tmp_path, plan=UNTIL_TOLD) as world:
        fake = world.discord
        foreign, interaction, answer = await asked_elsewhere(world, "a lighthouse at dusk")
        assert "only you" not in answer["content"]
        fake.external_apps_blocked.add(foreign)
        world.api.last_task.complete()
        result = await interaction.wait_for_followup(2, timeout=10)
        assert result["flags"] & EPHEMERAL, "Discord made it private"
        status = await interaction.wait_for_original(
            lambda m: "copy by direct message" in m["content"], timeout=10
        )
        assert "your video is posted below" in status["content"]
        await world.bot.poller.stop()
        [copy] = dm_results(world)
        assert shown_text(copy).startswith(f"<@{fake.user_id}> your video is ready")
        assert copy["attachments"]
        assert "couldn't post" not in shown_text(copy)
        assert interaction.followup_posts == 2
        assert fake.expired_webhook_calls == []
        # Its history names the DM, which stays.
        history = await fake.slash_command("videos history", dm=True)
        assert "a lighthouse at dusk" in (await history.wait_for_answer())["content"]


async def test_a_private_result_for_a_member_whose_dms_are_closed_points_to_history(tmp_path):
    async with running_bot(tmp_path, plan=UNTIL_TOLD) as world:
        fake = world.discord
        fake.dm_blocked_users.add(fake.user_id)
        foreign, interaction, _ = await asked_elsewhere(world, "a lighthouse at dawn")
        fake.external_apps_blocked.add(foreign)
        world.api.last_task.complete()
        result = await interaction.wait_for_followup(2, timeout=10)
        assert result["flags"] & EPHEMERAL and result["attachments"]
        status = await interaction.wait_for_original(
            lambda m: "direct messages are closed" in m["content"], timeout=10
        )
        job = await world.bot.store.get(1)
        assert f"<t:{job.result_expires_at}:R>" in status["content"], status["content"]
        assert "/videos history" in status["content"] or "</videos history:" in status["content"]
        await world.bot.poller.stop()
        assert dm_results(world) == []
        assert interaction.followup_posts == 2, "the result was not posted again"
        history = await fake.slash_command("videos history", dm=True)
        text = (await history.wait_for_answer())["content"]
        assert "[video](" in text and f"<t:{job.result_expires_at}:R>" in text


async def test_a_private_result_is_not_said_to_be_under_the_command_once_its_link_expired(
    tmp_path,
):
    """Discord showed the video only to the member (the server blocks external apps) and their
    DMs are closed: history held it on APIMart's link. Once that expired, history and status
    say it is gone, with when: not "posted under the command you used", where Discord clears a
    message only its member saw once their app reloads."""
    clock = ShiftedClock()
    async with running_bot(tmp_path, plan=UNTIL_TOLD, clock=clock) as world:
        fake = world.discord
        fake.dm_blocked_users.add(fake.user_id)
        foreign, interaction, _ = await asked_elsewhere(world, "a lighthouse at noon")
        fake.external_apps_blocked.add(foreign)
        world.api.last_task.complete()
        result = await interaction.wait_for_followup(2, timeout=10)
        assert result["flags"] & EPHEMERAL and result["attachments"]
        await interaction.wait_for_original(
            lambda m: "direct messages are closed" in m["content"], timeout=10
        )
        await world.bot.poller.stop()
        job = await world.bot.store.get(1)
        assert job.delivery_target == "interaction"
        clock.offset += job.result_expires_at - clock() + 60

        async def ask(command, options=None):
            asked = await fake.slash_command(command, options or {}, dm=True)
            return (await asked.wait_for_answer())["content"]

        history = await ask("videos history")
        assert "its link has expired" in history, history
        assert "posted under the command" not in history, history
        status = await ask("videos status", {"job": 1})
        assert "no longer available" in status, status
        assert "only to you" in status and f"<t:{job.result_expires_at}:R>" in status, status


async def test_a_private_results_copy_cut_short_by_a_crash_is_not_sent_twice(tmp_path, monkeypatch):
    """The process dies right after the DM copy went, before the job was marked delivered: the
    retry finds the copy in the DM (its attempt was written down first) and sends nothing
    again, neither the copy nor the private result."""
    clock = ShiftedClock()
    async with running_bot(tmp_path, plan=UNTIL_TOLD, clock=clock) as world:
        fake = world.discord
        foreign, interaction, _ = await asked_elsewhere(world, "a lighthouse in fog")
        fake.external_apps_blocked.add(foreign)
        by_dm = Delivery.by_dm
        crashes = []

        async def sent_then_crashed(delivery, job):
            result = await by_dm(delivery, job)
            if not crashes:
                crashes.append(result)
                raise RuntimeError("the process died")
            return result

        monkeypatch.setattr(Delivery, "by_dm", sent_then_crashed)
        world.api.last_task.complete()

        async def crashed():
            return bool(crashes)

        assert await eventually(crashed, True), "the copy, then the crash"
        # The retry comes after Discord forgot the copy's nonce: only the look finds it.
        fake.advance_clock(fake.nonce_window + 1)
        clock.offset += fake.nonce_window + 1
        assert await retried_until_delivered(world, clock), "the retry delivered it"
        assert len(dm_results(world)) == 1, "the copy went once"
        assert interaction.followup_posts == 2, "the private result went once"
        status = interaction.original_message["content"]
        assert "copy by direct message" in status, status


async def test_a_private_results_copy_failing_past_the_token_is_recorded_as_shown_privately(
    tmp_path,
):
    """Discord made the result private; its copy by DM meets a 503 and waits for its retry
    while the command's 15 minutes run out, and by then the member has closed their DMs. The
    private post went, and was seen: the job is recorded as delivered there (its status and
    history saying so, the private post never made again), not as reaching the member
    nowhere."""
    clock = ShiftedClock()
    async with running_bot(tmp_path, plan=UNTIL_TOLD, clock=clock) as world:
        fake = world.discord
        foreign, interaction, _ = await asked_elsewhere(world, "a lighthouse in the rain")
        fake.external_apps_blocked.add(foreign)
        dm = fake.dm_channel_id(fake.user_id)
        fault = fake.fail_next("POST", rf"/channels/{dm}/messages", 503)
        world.api.last_task.complete()
        await interaction.wait_for_followup(2, timeout=10)
        await fake.wait_for(lambda: fault.hits == 1, description="the copy, failed for a while")
        assert await eventually(lambda: retry_set(world), True)
        fake.dm_blocked_users.add(fake.user_id)
        clock.offset += 900
        fake.advance_clock(900)
        await world.bot.status_sweep.sweep_once()  # forgets the expired token
        await retried_until_delivered(world, clock)
        job = await world.bot.store.get(1)
        assert job.delivered_at is not None
        assert not job.given_up_delivery, "the private post was shown"
        assert job.delivery_target == "interaction"
        assert interaction.followup_posts == 2, "the private result went once"
        assert dm_results(world) == []
        history = await fake.slash_command("videos history", dm=True)
        text = (await history.wait_for_answer())["content"]
        assert "[video](" in text, text


async def test_a_group_dm_is_answered_through_the_interaction(tmp_path):
    async with running_bot(tmp_path, plan=QUICK) as world:
        fake = world.discord
        friend = fake.add_user("bob")
        group = fake.add_group_dm(fake.user_id, friend)
        interaction = await fake.slash_command(
            "video", {"prompt": "two friends wave"}, group_dm=group, user_install=True
        )
        assert interaction.payload["context"] == 2
        await interaction.wait_for_answer()
        result = await interaction.wait_for_followup(2, timeout=10)
        assert result["attachments"] and result["channel_id"] == str(group)
        await world.bot.poller.stop()
        assert bot_posts_to(world, group) == []


async def test_a_spent_follow_up_cap_sends_the_result_by_dm_after_one_refusal(tmp_path):
    """Discord's 'maximum number of follow ups' is a 400, as a refused layout is: the plain
    card would meet it again, so the result goes straight to the member's DMs."""
    async with running_bot(tmp_path, plan=QUICK) as world:
        fake = world.discord
        _, interaction, _ = await asked_elsewhere(world, "a kite")
        fake.fail_next(
            "POST",
            r"/webhooks/\d+/[^/]+$",
            400,
            40094,
            "This interaction has hit the maximum number of follow up messages",
            times=10,
        )
        dm = fake.dm_channel_id(fake.user_id)
        await fake.wait_for_message(dm, predicate=lambda m: bool(texts(m)), timeout=10)
        refused = [
            r
            for r in fake.requests
            if "/webhooks/" in r.path and r.method == "POST" and r.status == 400
        ]
        assert len(refused) == 1
        # The token still edits the private answer (only follow-ups are capped): it stops
        # promising the video "right here" and says where it went.
        status = await interaction.wait_for_original(
            lambda m: "sent it to you by direct message" in m["content"], timeout=10
        )
        assert "right here" not in status["content"]


@pytest.mark.parametrize(
    ("status", "code", "message"),
    [
        (404, 10003, "Unknown Channel"),
        (403, 50001, "Missing Access"),
        (400, 160005, "Thread is locked"),
    ],
)
async def test_a_result_the_interactions_channel_refuses_goes_by_dm_at_once(
    tmp_path, status, code, message
):
    """The channel the command was used in is gone, shut to the member, or its thread locked
    while the video rendered: Discord refuses the follow-up for good. The result goes to the
    member's DMs after that one refusal, saying why, not after a quarter of an hour of refused
    retries until the token ran out."""
    async with running_bot(tmp_path, plan=QUICK) as world:
        fake = world.discord
        _, interaction, _ = await asked_elsewhere(world, "a kite")
        fake.fail_next("POST", r"/webhooks/\d+/[^/]+$", status, code, message, times=10)
        dm = fake.dm_channel_id(fake.user_id)
        result = await fake.wait_for_message(
            dm, predicate=lambda m: bool(m.get("attachments")), timeout=10
        )
        assert shown_text(result).startswith(f"<@{fake.user_id}> your video is ready")
        assert f"I couldn't post in <#{interaction.channel_id}>" in shown_text(result)
        await world.bot.poller.stop()
        refused = [
            r
            for r in fake.requests
            if "/webhooks/" in r.path and r.method == "POST" and r.status == status
        ]
        assert len(refused) == 1, "a refusal for good is never sent again"
        assert len(results_in(world, dm)) == 1


async def test_a_render_that_outlives_the_token_comes_by_dm_without_calling_the_webhook(
    tmp_path,
):
    clock = ShiftedClock()
    async with running_bot(tmp_path, plan=UNTIL_TOLD, clock=clock) as world:
        fake = world.discord
        _, interaction, answer = await asked_elsewhere(world, "a very slow sunset")
        assert "I'll post it right here" in answer["content"]
        # The render outlives the interaction: 16 minutes pass, for the bot and for Discord.
        clock.offset += 960
        fake.advance_clock(960)
        # The next progress forgets the spent token: the result will go by DM.
        assert await eventually(lambda: jobs(world), [(1, None, "dm", None)])
        world.api.last_task.complete()
        dm = fake.dm_channel_id(fake.user_id)
        result = await fake.wait_for_message(
            dm, predicate=lambda m: bool(m.get("attachments")), timeout=10
        )
        assert shown_text(result).startswith(f"<@{fake.user_id}> your video is ready")
        # A DM is this route's way out, not a failed post in a channel the bot is not in.
        assert "couldn't post" not in shown_text(result)
        # Made outside servers, its buttons act here as anywhere else outside servers.
        assert "video:regen:1" in custom_ids(result)
        await world.bot.poller.stop()
        assert fake.expired_webhook_calls == [], "no call through the expired interaction"
        assert len(interaction.followups) == 1, "only the first answer went through it"
        assert len(results_in(world, dm)) == 1
        assert await jobs(world) == [(1, None, "dm", None)]


@asynccontextmanager
async def kept_for_history(tmp_path, clock):
    """A video asked through a user install, done after the command's 15 minutes, for a member
    whose DMs are closed; yields the bot (its poller stopped) and Discord's refusal of the DM."""
    async with running_bot(tmp_path, plan=UNTIL_TOLD, clock=clock) as world:
        fake = world.discord
        fake.dm_blocked_users.add(fake.user_id)
        await asked_elsewhere(world, "a long voyage")
        clock.offset += 960
        fake.advance_clock(960)
        world.api.last_task.complete()
        refused = await fake.wait_for_request(
            "POST", r"^/channels/\d+/messages$", predicate=lambda r: r.status == 403, timeout=10
        )
        await world.bot.poller.stop()
        yield world, refused


async def test_a_render_outliving_the_token_is_kept_in_history_when_dms_are_closed(tmp_path):
    async with kept_for_history(tmp_path, ShiftedClock()) as (world, refused):
        fake = world.discord
        assert refused.response["code"] == 50007
        assert fake.expired_webhook_calls == []
        # The member finds it in their history, wherever they look (here: the bot's DM).
        history = await fake.slash_command("videos history", dm=True)
        text = (await history.wait_for_answer())["content"]
        assert "a long voyage" in text and "done" in text
        assert "[video](" in text


async def asked_late_for_4k(world):
    """/video for a 4K render in a server without the bot, read 10 minutes into its token's
    life (the test's clock is ahead): promised by DM at once. The interaction."""
    foreign = world.discord.add_guild("Friends", bot_member=False)
    interaction = await world.discord.slash_command(
        "video", {"prompt": "a 4K city", "resolution": "4k"}, guild_id=foreign
    )
    answer = await interaction.wait_for_answer()
    assert "I'll send it to you by direct message" in answer["content"]
    return interaction


async def test_a_long_render_asked_late_is_promised_by_dm_at_submit(tmp_path):
    clock = ShiftedClock()
    # The bot reads the command 10 minutes into its token's life (a slow queue in front).
    clock.offset = 600
    async with running_bot(tmp_path, plan=QUICK, clock=clock) as world:
        fake = world.discord
        interaction = await asked_late_for_4k(world)
        dm = fake.dm_channel_id(fake.user_id)
        await fake.wait_for_message(dm, predicate=lambda m: bool(m.get("attachments")), timeout=10)
        await world.bot.poller.stop()
        assert len(interaction.followups) == 1
        assert await jobs(world) == [(1, None, "dm", None)]


async def test_the_personal_allowance_refuses_the_next_request_of_the_day(tmp_path):
    async with running_bot(
        tmp_path, plan=UNTIL_TOLD, user_install_allowance=2, user_install_concurrency=5
    ) as world:
        fake = world.discord
        foreign = fake.add_guild("Friends", bot_member=False)
        answers = []
        for place in ({"dm": True}, {"guild_id": foreign}, {"dm": True}):
            interaction = await fake.slash_command("video", {"prompt": "a fox"}, **place)
            answers.append(await interaction.wait_for_answer())
        assert ["queued" in a["content"] for a in answers] == [True, True, False]
        refusal = answers[2]
        assert refusal["flags"] & EPHEMERAL
        assert "used all your videos today (2 videos)" in refusal["content"]
        assert len(world.api.task_ids) == 2, "nothing was spent on the refused request"
        assert len(await jobs(world)) == 2
        # The server that installed the bot keeps its own allowance: the member can go on there.
        interaction = await fake.slash_command("video", {"prompt": "a fox in a server"})
        assert "queued" in (await interaction.wait_for_answer())["content"]
        quota = await fake.slash_command("videos quota", dm=True)
        assert (
            "You have **0 videos** left today (out of 2)"
            in (await quota.wait_for_answer())["content"]
        )


async def test_personal_requests_run_one_at_a_time_by_default(tmp_path):
    async with running_bot(tmp_path, plan=UNTIL_TOLD) as world:
        fake = world.discord
        first = await fake.slash_command("video", {"prompt": "one"}, dm=True)
        assert "queued" in (await first.wait_for_answer())["content"]
        second = await fake.slash_command("video", {"prompt": "two"}, dm=True)
        refusal = (await second.wait_for_answer())["content"]
        # The limit is the member's own, wherever they ask outside servers that added the bot:
        # not a rule of "here" (this DM).
        assert "your personal allowance lets you have 1 at a time" in refusal, refusal
        assert "here" not in refusal, refusal
        assert len(world.api.task_ids) == 1


async def test_the_operator_blocks_a_user_everywhere(tmp_path):
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        operator = fake.add_user("operator")
        async with running_bot(tmp_path, plan=QUICK, fake=fake, owner_ids=(operator,)) as world:
            await _block_and_unblock(world, operator)


async def videoowner(fake, subcommand, about, *, by, reason=None):
    """`/videoowner <subcommand>` naming the user `about`, asked by `by` in their DM with the
    bot: the answer's text."""
    options = [{"name": "user", "type": 6, "value": str(about)}]
    if reason is not None:
        options.append({"name": "reason", "type": 3, "value": reason})
    asked = await fake.slash_command(
        f"videoowner {subcommand}",
        options,
        resolved={"users": {str(about): fake.user(about)}},
        dm=True,
        user=by,
    )
    return (await asked.wait_for_answer())["content"]


async def _block_and_unblock(world, operator):
    """The operator blocks alice from their DM with the bot, then lifts it."""
    fake = world.discord
    alice = fake.user_id
    # Someone else cannot use it.
    denied = await videoowner(fake, "block", alice, by=alice, reason="spam")
    assert "Only the bot's operators" in denied
    blocked = await videoowner(fake, "block", alice, by=operator, reason="spam")
    assert "blocked from making videos everywhere" in blocked
    for place in ({}, {"dm": True}):
        interaction = await fake.slash_command("video", {"prompt": "a fox"}, **place)
        answer = await interaction.wait_for_answer()
        assert "The bot's operator has blocked you" in answer["content"]
        assert "spam" in answer["content"]
        # Their quota says the same, not that they have videos left, nor under whose rules:
        # a block everywhere is no server's, nor their personal allowance's.
        quota = await (await fake.slash_command("videos quota", **place)).wait_for_answer()
        assert quota["content"].startswith("The bot's operator has blocked you"), quota
        assert "left today" not in quota["content"]
    assert world.api.task_ids == []
    assert "may make videos again" in await videoowner(fake, "unblock", alice, by=operator)
    interaction = await fake.slash_command("video", {"prompt": "a fox"}, dm=True)
    assert "queued" in (await interaction.wait_for_answer())["content"]


async def test_the_operator_sees_who_spent_the_credits_outside_servers(tmp_path):
    """USER_INSTALL_MONTHLY_BUDGET caps the videos made in DMs and through the app installed by
    users: `/videomod usage` shows none of them (no server owns them), `/videoowner usage` does."""
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        operator = fake.add_user("operator")
        async with running_bot(
            tmp_path,
            plan=TaskPlan(polls_until_done=1, credits_cost=7),
            fake=fake,
            owner_ids=(operator,),
            user_install_monthly_budget=100.0,
        ) as world:
            alice, bob = fake.user_id, fake.add_member("bob")
            for place, user in (({"dm": True}, alice), ({}, bob)):
                asked = await fake.slash_command("video", {"prompt": "a fox"}, user=user, **place)
                assert "queued" in (await asked.wait_for_answer())["content"]
            async with asyncio.timeout(10):
                charged = "SELECT COUNT(*) FROM jobs WHERE credits_cost IS NOT NULL"
                while (await world.db.fetch_one(charged))[0] < 2:  # noqa: ASYNC110
                    await asyncio.sleep(0.02)
            denied = await fake.slash_command("videoowner usage", dm=True, user=alice)
            assert "Only the bot's operators" in (await denied.wait_for_answer())["content"]
            usage = await fake.slash_command("videoowner usage", dm=True, user=operator)
            answer = (await usage.wait_for_answer())["content"]
            assert "outside servers that added this bot" in answer, answer
            assert "7 credits spent. Budget left: 93 credits of 100 credits." in answer
            assert f"1. <@{alice}>: 7 credits" in answer
            assert f"<@{bob}>" not in answer, "a server's video is that server's"
            one = await videoowner(fake, "usage", alice, by=operator)
            assert f"<@{alice}> spent 7 credits outside servers this month" in one


async def test_lifting_the_operators_block_says_a_servers_own_block_still_stands(tmp_path):
    """ "May make videos again" would be wrong where the server's moderators block them too."""
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        operator = fake.add_user("operator")
        async with running_bot(tmp_path, plan=QUICK, fake=fake, owner_ids=(operator,)) as world:
            alice = fake.user_id
            moderator = Actor(fake.guild_id, fake.add_user("moderator"))
            await world.bot.moderation.store.set_member_limit(moderator, alice, 0, "spam", None)
            await world.bot.moderation.block_everywhere(alice, "spam", operator)
            answer = await videoowner(fake, "unblock", alice, by=operator)
            assert "except in 1 server whose moderators block them too" in answer, answer
            refused = await (
                await fake.slash_command("video", {"prompt": "a fox"})
            ).wait_for_answer()
            assert "blocked" in refused["content"]


async def test_a_server_that_installed_the_bot_keeps_its_rules_for_a_user_install(tmp_path):
    async with running_bot(tmp_path, plan=QUICK, user_install_allowance=0) as world:
        fake = world.discord
        # Both installs authorize it: the server's key is there, so it is the server's request.
        interaction = await fake.slash_command("video", {"prompt": "a fox"}, user_install=True)
        assert set(interaction.payload["authorizing_integration_owners"]) == {"0", "1"}
        assert "I'll post it in this channel" in (await interaction.wait_for_answer())["content"]
        await fake.wait_for_message(predicate=lambda m: bool(m.get("attachments")), timeout=10)
        await world.bot.poller.stop()
        assert await jobs(world) == [(1, fake.guild_id, None, None)]
        # Outside servers, an allowance of 0 turns videos off; the quota there says so too.
        elsewhere = await fake.slash_command("video", {"prompt": "a fox"}, dm=True)
        assert "turned them off everywhere else" in (await elsewhere.wait_for_answer())["content"]
        quota = await (await fake.slash_command("videos quota", dm=True)).wait_for_answer()
        assert "turned them off everywhere else" in quota["content"]
        assert "moderator" not in quota["content"] and "this server" not in quota["content"]


async def test_synced_commands_say_where_they_may_be_used(tmp_path):
    async with running_bot(tmp_path) as world:
        commands = {c["name"]: c for c in world.discord.commands()}
    for name in ("video", "videos", "Make a video"):
        assert sorted(commands[name]["integration_types"]) == [0, 1], name
        assert sorted(commands[name]["contexts"]) == [0, 1, 2], name
    assert commands["videomod"]["integration_types"] == [0]
    assert commands["videomod"]["contexts"] == [0], "never offered in DMs"
    # No operators (OWNER_IDS unset, the default): nobody could use it, so no member's DM with
    # the bot lists it.
    assert "videoowner" not in commands


async def test_the_operators_command_is_offered_in_the_bots_dms_once_there_are_operators(
    tmp_path,
):
    async with running_bot(tmp_path, owner_ids=(1234,)) as world:
        commands = {c["name"]: c for c in world.discord.commands()}
    assert commands["videoowner"]["contexts"] == [1], "the bot's DMs only"


async def picture_menu_without_the_bot(world):
    """A member's own install: Make a video on a picture in a server that never added the
    bot, its form open; the menu's interaction and the channel."""
    fake = world.discord
    foreign = fake.add_guild("Friends", bot_member=False)
    channel = fake.channel_ids(foreign)[0]
    bob = fake.add_member("bob", guild_id=foreign)
    picture = await fake.message_create(
        "look", channel_id=channel, author=bob, attachments=[world.png()], dispatch=False
    )
    menu = await fake.slash_command(
        "Make a video",
        command_type=3,
        resolved={"messages": {picture["id"]: picture}},
        guild_id=foreign,
        channel_id=channel,
        user_install=True,
    )
    await menu.wait_for_callback()
    return menu, channel


async def test_the_make_a_video_menu_works_in_a_server_without_the_bot(tmp_path):
    async with running_bot(tmp_path, plan=QUICK) as world:
        fake = world.discord
        menu, channel = await picture_menu_without_the_bot(world)
        fields = {row["label"]: row["component"]["custom_id"] for row in menu.modal["components"]}
        form = await fake.modal_submit({fields["Prompt"]: "the cat jumps"}, interaction=menu)
        assert "I'll post it right here" in (await form.wait_for_answer())["content"]
        result = await form.wait_for_followup(2, timeout=10)
        assert result["attachments"]
        [submit] = world.api.submits
        assert len(submit["image_urls"]) == 1
        await world.bot.poller.stop()
        assert bot_posts_to(world, channel) == []


@pytest.mark.parametrize(
    "prompt",
    [
        "the cat jumps over the @everyone moon",
        "a cat " * 333,  # 1,998 characters: no room for a code block around it
        "a cat in ```fences``` on the moon",  # one the code block would change
    ],
    ids=["short", "long", "fenced"],
)
async def test_a_form_open_across_a_restart_where_the_bot_is_no_member_gives_the_prompt_back(
    tmp_path, prompt
):
    """A member's own install: the bot restarts while they type the prompt of a Make a video
    form. There its token can never read the message (Discord hands it over with the menu
    only): the member is not told the message was deleted, and gets their prompt back whole,
    to paste into the menu's new form. Nothing is made or counted, and nobody is pinged."""
    async with FakeDiscord(token=BOT_TOKEN) as fake, FakeAPIMart(api_key=API_KEY) as api:
        async with running_bot(tmp_path, fake=fake, api=api, plan=QUICK) as world:
            menu, _ = await picture_menu_without_the_bot(world)
        async with running_bot(tmp_path, fake=fake, api=api, plan=QUICK) as world:
            fields = {r["label"]: r["component"]["custom_id"] for r in menu.modal["components"]}
            form = await fake.modal_submit({fields["Prompt"]: prompt}, interaction=menu)
            note = await form.wait_for_answer(timeout=10)
            assert "deleted" not in note["content"], note["content"]
            assert 'use "Make a video" on it' in note["content"]
            given_back = await form.wait_for_answer(2, timeout=10)
            if given_back["attachments"]:
                [file] = given_back["attachments"]
                assert fake.attachment_bytes(file).decode() == prompt
            else:
                assert given_back["content"] == f"```\n{prompt}\n```"
            for answer in (note, given_back):
                assert answer["allowed_mentions"]["parse"] == []
                assert answer["flags"] & 64  # only the member sees it
            assert api.submits == []


async def test_a_result_over_the_interactions_upload_limit_is_posted_as_its_link(tmp_path):
    async with running_bot(tmp_path, plan=TaskPlan(polls_until_done=1, video_bytes=4096)) as world:
        fake = world.discord
        foreign = fake.add_guild("Friends", bot_member=False)
        interaction = await fake.slash_command(
            "video", {"prompt": "a big one"}, guild_id=foreign, upload_limit=1024
        )
        result = await interaction.wait_for_followup(2, timeout=10)
        assert result["attachments"] == []
        task_id = world.api.task_ids[0]
        assert f"{task_id}.mp4" in shown_text(result), "the link, since the file does not fit"


async def test_a_refused_layout_through_the_interaction_keeps_the_video_that_fits(tmp_path):
    """Discord refused the result layout once (a 400): the plain result that follows still
    carries the 1 KiB video that was fetched and fits, and does not call it too large to
    upload, as in a channel."""
    async with running_bot(tmp_path, plan=UNTIL_TOLD) as world:
        fake = world.discord
        _, interaction, _ = await asked_elsewhere(world, "a kite over the sea")
        fake.fail_next("POST", r"/webhooks/\d+/[^/]+$", 400, 50035, "Invalid Form Body")
        world.api.last_task.complete()
        result = await interaction.wait_for_followup(2, timeout=10)
        assert "your video is ready" in result["content"], result
        assert "too large" not in result["content"], result["content"]
        assert [a["size"] for a in result["attachments"]] == [1024], "the video it fetched"


async def test_a_refused_layout_through_the_interaction_still_describes_the_video(tmp_path):
    """Discord refused the result layout once: the plain result's file carries the video's alt
    text, as the layout's gallery did, or a screen reader says only "video.mp4"."""
    async with running_bot(tmp_path, plan=UNTIL_TOLD) as world:
        fake = world.discord
        _, interaction, _ = await asked_elsewhere(world, "a kite over the sea")
        fake.fail_next("POST", r"/webhooks/\d+/[^/]+$", 400, 50035, "Invalid Form Body")
        world.api.last_task.complete()
        result = await interaction.wait_for_followup(2, timeout=10)
        described = "Video made from the prompt: a kite over the sea"
        assert [a.get("description") for a in result["attachments"]] == [described]


async def test_a_video_refused_twice_through_the_interaction_is_linked_as_not_attached(tmp_path):
    """Discord refused the result layout (a 400), then the plain result with the 1 KiB video
    that fits (a 400 again): its link goes out, saying Discord would not let the bot attach the
    file, not that it is too large to upload here, as in a channel."""
    async with running_bot(tmp_path, plan=UNTIL_TOLD) as world:
        fake = world.discord
        _, interaction, _ = await asked_elsewhere(world, "a kite over the sea")
        fake.fail_next("POST", r"/webhooks/\d+/[^/]+$", 400, 50035, "Invalid Form Body", times=2)
        world.api.last_task.complete()
        result = await interaction.wait_for_followup(2, timeout=10)
        assert result["attachments"] == []
        assert f"{world.api.task_ids[0]}.mp4" in result["content"], "the link"
        assert "too large" not in result["content"], result["content"]
        assert "would not let me attach the file here" in result["content"], result["content"]


async def test_a_result_posted_through_the_interaction_is_never_posted_again(tmp_path):
    async with running_bot(tmp_path, plan=QUICK) as world:
        fake = world.discord
        foreign = fake.add_guild("Friends", bot_member=False)
        interaction = await fake.slash_command("video", {"prompt": "once"}, guild_id=foreign)
        await interaction.wait_for_followup(2, timeout=10)
        await world.bot.poller.stop()
        job = await world.bot.store.get(1)
        # As if the process had died after posting, before marking the job delivered.
        calls = len(fake.requests)
        result = await world.bot.routes.deliver(job, delivery=None)
        assert result.outcome is DeliveryOutcome.DELIVERED
        assert len(fake.requests) == calls, "nothing posted again, by DM or otherwise"
        assert len(interaction.followups) == 2


@pytest.mark.parametrize("token_lost", ["expired", "refused"])
async def test_a_follow_up_cut_short_whose_token_then_expired_still_brings_the_video(
    tmp_path, monkeypatch, token_lost
):
    """The result's follow-up was cut short (a reset connection, a crash), and then the token
    went: the process was down until it expired (the sweep dropped it), or Discord refused it
    on the status edit after the failed attempt. The video never went: it comes by DM, not
    marked posted "through its interaction" with nothing posted anywhere."""
    clock = ShiftedClock()
    async with running_bot(tmp_path, plan=UNTIL_TOLD, clock=clock) as world:
        fake = world.discord
        _, interaction, _ = await asked_elsewhere(world, "a kite over the sea")
        routes = world.bot.routes

        async def reset(*args, **kwargs):
            if token_lost == "refused":  # the status edit after this failed attempt
                fake.fail_next(
                    "PATCH", r"/webhooks/\d+/[^/]+/messages/", 401, 50027, "Invalid Webhook Token"
                )
            raise aiohttp.ClientOSError(104, "Connection reset by peer")

        monkeypatch.setattr(routes, "_post", reset)
        world.api.last_task.complete()

        async def token_gone():
            job = await world.bot.store.get(1)
            return job.delivery_target, job.requester.reply.token is None

        gone = token_lost == "refused"
        assert await eventually(token_gone, ("interaction", gone)) == ("interaction", gone)
        await world.bot.poller.stop()  # the process is down for a while
        monkeypatch.undo()
        if token_lost == "expired":
            clock.offset += 960
            fake.advance_clock(960)
            await world.bot.status_sweep.sweep_once()  # drops the expired token
        result = await world.bot.poller._deliver(await world.bot.store.get(1))
        assert result.outcome is DeliveryOutcome.DELIVERED
        dm = fake.dm_channel_id(fake.user_id)
        assert [m for m in fake.messages(dm) if m.get("attachments")], "the video never went"
        assert not [f for f in interaction.followups if f.get("attachments")]


async def test_a_follow_up_cut_short_is_retried_as_a_link_that_says_why_it_is_a_link(
    tmp_path, monkeypatch
):
    """A result follow-up whose answer was lost (a reset connection) may have been posted, and a
    follow-up cannot be looked up: the retry puts APIMart's link into the private answer, which
    is safe to redo. It says the video may not have been posted, not that the file was too
    large."""
    clock = ShiftedClock()
    async with running_bot(tmp_path, plan=UNTIL_TOLD, clock=clock) as world:
        _, interaction, _ = await asked_elsewhere(world, "a kite over the sea")

        async def reset(*args, **kwargs):
            raise aiohttp.ClientOSError(104, "Connection reset by peer")

        monkeypatch.setattr(world.bot.routes, "_post", reset)
        world.api.last_task.complete()

        async def attempts():
            return (await world.bot.store.get(1)).delivery_attempts

        assert await eventually(attempts, 1) == 1
        monkeypatch.undo()
        clock.offset += 60
        world.bot.poller.wake()
        original = await edited_with(interaction, clock, "may not have been able to post")
        assert "too large" not in original["content"]
        assert f"{world.api.task_ids[0]}.mp4" in original["content"]


async def test_a_follow_up_discord_made_before_answering_5xx_is_never_posted_twice(tmp_path):
    """Discord's edge answered 502 for the result follow-up its origin had made all the same
    (the answer to an 8 MiB upload timed out on its way back). A follow-up cannot be looked up,
    and Discord keeps no nonce for one: sending it again would show the video twice (and spend
    another of the five follow-ups). The retry puts the link into the private answer instead,
    as after a reset connection."""
    clock = ShiftedClock()
    async with running_bot(tmp_path, plan=UNTIL_TOLD, clock=clock) as world:
        fake = world.discord
        _, interaction, _ = await asked_elsewhere(world, "a kite over the sea")
        fake.lose_answer_next("POST", r"/webhooks/\d+/[^/]+$", status=502)
        world.api.last_task.complete()

        async def attempts():
            return (await world.bot.store.get(1)).delivery_attempts

        assert await eventually(attempts, 1) == 1
        clock.offset += 60
        world.bot.poller.wake()
        original = await edited_with(interaction, clock, "may not have been able to post")
        assert f"{world.api.task_ids[0]}.mp4" in original["content"]
        await world.bot.poller.stop()
        videos = [f for f in interaction.followups if f.get("attachments")]
        assert len(videos) == 1, "the video was posted once, by the follow-up Discord made"


class _NoWaitAsyncio:
    """`asyncio` as discord.py's webhook code sees it, its retry pauses (1 s, 3 s, ... after a
    5xx) skipped: a test sees a 5xx it gave up on without waiting 25 s."""

    def __getattr__(self, name):
        return getattr(asyncio, name)

    @staticmethod
    async def sleep(delay, result=None):
        return await asyncio.sleep(0, result)


def private_answer_edits_fail(fake, monkeypatch, failure):
    """The next edit of a private answer meets Discord failing for a while: a 5xx discord.py
    gives up on (its retry pauses skipped), Cloudflare's 429 (which it does not wait out) or a
    dropped connection. The fault, to count its hits."""
    monkeypatch.setattr(discord.webhook.async_, "asyncio", _NoWaitAsyncio())
    edits = r"/webhooks/\d+/[^/]+/messages/"
    if failure == "server error":  # discord.py tries a 5xx five times
        return fake.fail_next("PATCH", edits, 503, message="Service Unavailable", times=5)
    if failure == "rate limited":
        failing = fake.fail_next("PATCH", edits, 429, message="error code: 1015")
        failing.blocked = True
        return failing
    return fake.drop_next("PATCH", edits)


@pytest.mark.parametrize("failure", ["server error", "rate limited", "dropped"])
async def test_a_retried_result_whose_private_answer_edit_fails_for_a_while_is_tried_again(
    tmp_path, monkeypatch, failure
):
    """The result's follow-up was cut short, and the retry's edit of the private answer met a
    5xx discord.py gave up on, a 429 (Cloudflare's, which it does not wait out) or a dropped
    connection: Discord failing for a while, not refusing the token. The token has minutes
    left: the edit is tried again later and the private answer ends with the result; the video
    is not sent by DM, the private answer not left at "done: posting the video…"."""
    async with running_bot(tmp_path, plan=UNTIL_TOLD) as world:
        fake = world.discord
        _, interaction, _ = await asked_elsewhere(world, "a kite over the sea")
        routes = world.bot.routes

        async def reset(*args, **kwargs):
            raise aiohttp.ClientOSError(104, "Connection reset by peer")

        monkeypatch.setattr(routes, "_post", reset)
        world.api.last_task.complete()

        async def attempts():
            return (await world.bot.store.get(1)).delivery_attempts

        assert await eventually(attempts, 1) == 1
        await world.bot.poller.stop()  # this test makes the retries
        await interaction.wait_for_original(lambda m: "posting the video" in m["content"])
        monkeypatch.undo()
        failing = private_answer_edits_fail(fake, monkeypatch, failure)
        result = await world.bot.poller._deliver(await world.bot.store.get(1))
        assert failing.hits == failing.times, "the edit met the failure"
        dm = fake.dm_channel_id(fake.user_id)
        assert not fake.messages(dm), "the video went by DM, the token minutes from its end"
        assert result.outcome is DeliveryOutcome.RETRY
        job = await world.bot.store.get(1)
        assert job.requester.reply.token is not None, "the token, minutes left, was kept"
        assert job.requester.reply.route.value == "interaction"

        result = await world.bot.poller._deliver(job)  # Discord answers again
        assert result.outcome is DeliveryOutcome.DELIVERED
        original = interaction.original_message
        assert "may not have been able to post" in original["content"]
        assert f"{world.api.task_ids[0]}.mp4" in original["content"]
        assert "posting the video" not in original["content"]
        assert not fake.messages(dm), "the video went once, into the private answer"
        assert (await world.bot.store.get(1)).requester.reply.token is None


@pytest.mark.parametrize("failure", ["server error", "rate limited", "dropped"])
async def test_a_private_answer_whose_last_edit_fails_after_the_video_went_is_ended_later(
    tmp_path, monkeypatch, failure
):
    """The video went as a follow-up; the private answer's last edit after it met a 5xx
    discord.py gave up on, a 429 or a dropped connection: Discord failing for a while, not
    refusing the token, which has minutes left. The private answer must not stay at
    "rendering" beside the posted video: the next round brings it to its end while the token
    lives, and the video is never posted again."""
    async with running_bot(tmp_path, plan=UNTIL_TOLD) as world:
        fake = world.discord
        routes = world.bot.routes
        # One progress edit, then none: the only edit of the private answer left is its last.
        monkeypatch.setattr(routes, "_edit_interval", 3600.0)
        _, interaction, _ = await asked_elsewhere(world, "a kite over the sea")
        await interaction.wait_for_original(lambda m: "Job #1" in m["content"], timeout=10)
        failing = private_answer_edits_fail(fake, monkeypatch, failure)
        world.api.last_task.complete()
        result = await interaction.wait_for_followup(2, timeout=10)
        assert "your video is ready" in shown_text(result)

        async def delivered():
            return (await world.bot.store.get(1)).delivered_at is not None

        assert await eventually(delivered, True)

        async def edits_tried():
            return failing.hits  # the last edit comes after the delivery is written down

        assert await eventually(edits_tried, failing.times) == failing.times, "it met the failure"
        assert "is done" not in interaction.original_message["content"]
        job = await world.bot.store.get(1)
        assert job.requester.reply.token is not None, "the token, minutes left, was kept"

        await world.bot.status_sweep.hand_over_once()  # the next round, a minute on
        original = interaction.original_message
        assert "Job #1 is done" in original["content"], original["content"]
        assert "your video is posted below" in original["content"]
        assert interaction.followup_posts == 2, "the video went once"
        assert "your video is ready" not in original["content"], "never shown twice"
        assert not fake.messages(fake.dm_channel_id(fake.user_id)), "nothing by DM"
        assert (await world.bot.store.get(1)).requester.reply.token is None
        assert fake.expired_webhook_calls == []


async def test_a_cancelled_jobs_private_answer_whose_last_edit_fails_is_ended_later(
    tmp_path, monkeypatch
):
    """The member cancels a job held back by a busy service; its private answer's last edit
    meets a 5xx discord.py gave up on. Nothing more will happen to the job, so nothing else
    would edit it: the next round brings it to "cancelled" while the token lives (not left at
    "saved and waiting"), then forgets the token."""
    async with running_bot(tmp_path, plan=UNTIL_TOLD) as world:
        fake = world.discord
        world.api.fail_next("submit", status=429, retry_after_header="600")  # held 10 minutes
        foreign = fake.add_guild("Friends", bot_member=False)
        interaction = await fake.slash_command(
            "video", {"prompt": "a slow fox"}, guild_id=foreign, user_install=True
        )
        assert "saved and waiting" in (await interaction.wait_for_answer())["content"]
        failing = private_answer_edits_fail(fake, monkeypatch, "server error")
        cancel = await fake.slash_command(
            "videos cancel", {"job": 1}, guild_id=foreign, user_install=True
        )
        assert "doesn't count" in (await cancel.wait_for_answer(timeout=10))["content"]

        async def hits():
            return failing.hits

        assert await eventually(hits, failing.times) == failing.times, "the edit met the 5xx"
        assert "was cancelled" not in interaction.original_message["content"]
        job = await world.bot.store.get(1)
        assert job.requester.reply.token is not None, "the token, minutes left, was kept"

        await world.bot.status_sweep.hand_over_once()  # the next round, a minute on
        original = interaction.original_message
        assert "was cancelled" in original["content"], original["content"]
        assert "saved and waiting" not in original["content"]
        assert (await world.bot.store.get(1)).requester.reply.token is None
        assert fake.expired_webhook_calls == []


async def test_a_reply_in_the_bots_dm_makes_a_video_from_the_replied_to_picture(tmp_path):
    async with running_bot(tmp_path, plan=QUICK) as world:
        fake = world.discord
        dm = fake.dm_channel_id(fake.user_id)
        picture = await fake.message_create("my cat", channel_id=dm, attachments=[world.png()])
        await fake.message_create(
            f"<@{fake.bot_user_id}> make it dance",
            channel_id=dm,
            message_reference=int(picture["id"]),
        )
        result = await fake.wait_for_message(
            dm, predicate=lambda m: bool(m.get("attachments")) and bool(texts(m)), timeout=10
        )
        assert shown_text(result).startswith(f"<@{fake.user_id}> your video is ready")
        [submit] = world.api.submits
        assert submit["prompt"] == "make it dance" and len(submit["image_urls"]) == 1
        await world.bot.poller.stop()
        assert await jobs(world) == [(1, None, None, None)], "on the member's own allowance"


async def test_a_busy_service_still_says_the_result_will_come_by_dm(tmp_path):
    clock = ShiftedClock()
    clock.offset = 600  # read 10 minutes into the token's life: too late to answer there
    async with running_bot(tmp_path, plan=QUICK, clock=clock) as world:
        fake = world.discord
        foreign = fake.add_guild("Friends", bot_member=False)
        world.api.fail_next("submit", status=429, retry_after_header="0")
        interaction = await fake.slash_command("video", {"prompt": "later"}, guild_id=foreign)
        answer = (await interaction.wait_for_answer())["content"]
        assert "saved and waiting" in answer
        assert "send it to you by direct message" in answer
        assert world.api.task_ids == []
        [(_, _, route, token)] = await jobs(world)
        assert route == "dm" and token is not None, "kept while it can still show the status"


async def test_a_members_videos_are_theirs_wherever_they_ask_about_them(tmp_path):
    async with running_bot(tmp_path, plan=QUICK) as world:
        fake = world.discord
        made = await fake.slash_command("video", {"prompt": "a fox in the snow"}, dm=True)
        assert "queued as job #1" in (await made.wait_for_answer())["content"]
        dm = fake.dm_channel_id(fake.user_id)
        result = await fake.wait_for_message(dm, predicate=lambda m: bool(m.get("attachments")))
        await world.bot.poller.stop()

        async def ask(command, options=None, **place):
            interaction = await fake.slash_command(command, options or {}, **place)
            return (await interaction.wait_for_answer())["content"]

        # In a server, the job made in the bot's DM is still theirs, and said to be from there.
        status = await ask("videos status", {"job": 1})
        assert "You have no job" not in status and "done" in status
        history = await ask("videos history")
        assert "a fox in the snow" in history
        assert "made where the bot is not installed, or in DMs" in history
        # In the DM itself: no marker, and a link to the posted video that outlives APIMart's.
        mine = await ask("videos history", dm=True)
        assert "not installed" not in mine
        assert f"https://discord.com/channels/@me/{dm}/{result['id']}" in mine
        # Someone else's job stays theirs alone.
        other = fake.add_user("bob")
        assert "You have no job #1" in await ask("videos status", {"job": 1}, user=other)


async def test_videos_made_outside_the_bots_servers_are_found_where_they_were_made(tmp_path):
    """Jobs asked in a group DM and through the member's own install in a server without the
    bot belong to no server; `/videos status`, `history` and the job suggestions there find
    them (not "You have no job"), and the answers through the command carry no buttons, which
    would act where the bot is no member."""
    async with running_bot(tmp_path, plan=UNTIL_TOLD, user_install_concurrency=2) as world:
        fake = world.discord
        foreign = fake.add_guild("Friends", bot_member=False)
        group = fake.add_group_dm(fake.user_id, fake.add_user("bob"))
        places = [{"guild_id": foreign, "user_install": True}, {"group_dm": group}]
        for number, place in enumerate(places, start=1):
            made = await fake.slash_command(
                "video", {"prompt": f"a kite {number}"}, **place | {"user_install": True}
            )
            answer = await made.wait_for_answer()
            assert f"queued as job #{number}" in answer["content"]
            assert custom_ids(answer) == []
        assert [job[:2] for job in await jobs(world)] == [(1, None), (2, None)]
        for place in places:
            place = place | {"user_install": True}
            for job in (1, 2):
                status = await fake.slash_command("videos status", {"job": job}, **place)
                content = (await status.wait_for_answer())["content"]
                assert f"**Job #{job}**" in content and "You have no job" not in content
            history = await fake.slash_command("videos history", {}, **place)
            content = (await history.wait_for_answer())["content"]
            assert "a kite 1" in content and "a kite 2" in content
            assert "not installed" not in content, "made here, as far as the member can tell"
            for command in ("videos status", "videos cancel"):
                suggested = await fake.slash_command(
                    command,
                    options=[{"name": "job", "type": 4, "value": "", "focused": True}],
                    interaction_type=INTERACTION_AUTOCOMPLETE,
                    **place,
                )
                choices = (await suggested.wait_for_callback())["data"]["choices"]
                assert [choice["value"] for choice in choices] == [2, 1]


async def test_the_private_answer_keeps_the_measured_wait_it_first_gave(tmp_path):
    async with running_bot(tmp_path, plan=QUICK) as world:
        fake = world.discord
        for number in range(1, 4):  # three finished renders of the kind: a measured wait
            made = await fake.slash_command("video", {"prompt": f"warm-up {number}"})
            await made.wait_for_answer()
            await fake.wait_for_message(
                predicate=lambda m, n=number: bool(m.get("attachments")) and f"#{n}" in str(m)
            )
        world.api.default_plan = HELD
        foreign = fake.add_guild("Friends", bot_member=False)
        interaction = await fake.slash_command(
            "video", {"prompt": "a kite"}, guild_id=foreign, user_install=True
        )
        answer = (await interaction.wait_for_answer())["content"]
        assert "It usually takes about 10 s;" in answer
        world.api.last_task.set_progress(40)
        edited = await interaction.wait_for_original(lambda m: "40%" in m["content"], timeout=10)
        assert "It usually takes about 10 s;" in edited["content"]
        assert "3-5 minutes" not in edited["content"]


async def test_a_mention_in_chinese_in_the_bots_dm_is_answered_in_chinese(tmp_path):
    """A DM has no server language: the member's own words tell theirs."""
    async with running_bot(tmp_path, plan=TaskPlan(polls_until_done=None)) as world:
        fake = world.discord
        dm = fake.dm_channel_id(fake.user_id)
        asking = await fake.message_create(f"<@{fake.bot_user_id}> 一只在冲浪的猫", channel_id=dm)
        status = await fake.wait_for_message(
            dm,
            predicate=lambda m: (
                (m.get("message_reference") or {}).get("message_id") == asking["id"]
            ),
        )
        assert "请求了一个视频\uff1a一只在冲浪的猫" in status["content"]
        assert "**时长** 6 秒" in status["content"]


async def test_private_status_edits_keep_nothing_about_a_job_past_the_edit_interval(tmp_path):
    """What is kept to space a job's private status edits lasts that spacing only: a job whose
    end this process never tells (cancelled, or delivered by another process) leaves nothing
    behind once other jobs' edits come along, so memory follows the jobs in flight."""
    clock = ShiftedClock()
    async with running_bot(tmp_path, plan=HELD, clock=clock, user_install_concurrency=2) as world:
        fake = world.discord
        foreign = fake.add_guild("Friends", bot_member=False)
        asked = []
        for prompt in ("a kite", "a boat"):
            interaction = await fake.slash_command(
                "video", {"prompt": prompt}, guild_id=foreign, user_install=True
            )
            await interaction.wait_for_answer()
            asked.append(interaction)
        await world.api.wait_until(lambda: len(world.api.task_ids) == 2, what="the submits")
        first, second = (world.api.task(task_id) for task_id in world.api.task_ids)
        first.set_progress(40)
        await edited_with(asked[0], clock, "40%")
        # The member cancels the first: told in the command's answer, it gets no more edits.
        cancel = await fake.slash_command(
            "videos cancel", options={"job": 1}, guild_id=foreign, user_install=True
        )
        assert "cancel" in (await cancel.wait_for_answer())["content"].lower()
        clock.offset += 11  # past the spacing between two edits of one job
        second.set_progress(30)
        await edited_with(asked[1], clock, "30%")
        # Its edit's bookkeeping ends just after Discord has it.
        await world.bot.routes.close(grace=5)
        assert world.bot.routes.tracked() == 1, "only the job edited within the interval"


async def test_the_private_status_of_a_job_delivered_by_dm_says_it_is_done(tmp_path):
    """Asked late in the command's 15 minutes, the result is promised by DM; it came while
    the command still lived, so its private answer is brought to the end too."""
    clock = ShiftedClock()
    clock.offset = 600
    async with running_bot(tmp_path, plan=TaskPlan(polls_until_done=4), clock=clock) as world:
        fake = world.discord
        foreign = fake.add_guild("Friends", bot_member=False)
        interaction = await fake.slash_command(
            "video", {"prompt": "a 4K city", "resolution": "4k"}, guild_id=foreign
        )
        assert "direct message" in (await interaction.wait_for_answer())["content"]
        dm = fake.dm_channel_id(fake.user_id)
        await fake.wait_for_message(dm, predicate=lambda m: bool(m.get("attachments")), timeout=10)
        original = await interaction.wait_for_original(
            lambda m: "is done" in m["content"], timeout=10
        )
        assert "I sent it to you by direct message" in original["content"]
        assert "reply below" not in original["content"]


async def test_the_private_status_says_where_to_find_a_video_closed_dms_kept_out(tmp_path):
    clock = ShiftedClock()
    clock.offset = 600
    async with running_bot(tmp_path, plan=TaskPlan(polls_until_done=4), clock=clock) as world:
        fake = world.discord
        fake.dm_blocked_users.add(fake.user_id)
        foreign = fake.add_guild("Friends", bot_member=False)
        interaction = await fake.slash_command(
            "video", {"prompt": "a 4K city", "resolution": "4k"}, guild_id=foreign
        )
        assert "direct message" in (await interaction.wait_for_answer())["content"]
        original = await interaction.wait_for_original(
            lambda m: "is done" in m["content"], timeout=10
        )
        assert "your direct messages are closed" in original["content"]
        assert "/videos history" in original["content"]
        assert "reply below" not in original["content"]


async def test_a_cancel_ends_the_private_status_of_a_job_asked_outside_the_bots_servers(
    tmp_path,
):
    async with running_bot(tmp_path, plan=TaskPlan(polls_until_done=None)) as world:
        fake = world.discord
        foreign, interaction, _ = await asked_elsewhere(world, "a slow fox")
        cancel = await fake.slash_command(
            "videos cancel", {"job": 1}, guild_id=foreign, user_install=True
        )
        await cancel.wait_for_answer()
        original = await interaction.wait_for_original(
            lambda m: "was cancelled" in m["content"], timeout=5
        )
        assert "I'll post it right here" not in original["content"].split("\n")[-1]


async def test_a_token_refused_for_the_result_is_not_called_again_after_the_dm(tmp_path):
    """Discord refuses the token when the result goes through it (401, 50027): the result
    goes by DM, and nothing more is sent with that token (refused calls count to a ban)."""
    async with running_bot(tmp_path, plan=QUICK) as world:
        fake = world.discord
        foreign = fake.add_guild("Friends", bot_member=False)
        interaction = await fake.slash_command("video", {"prompt": "refused"}, guild_id=foreign)
        await interaction.wait_for_answer()
        fake.fail_next(
            "POST", r"^/api/v\d+/webhooks/\d+/[^/]+$", 401, 50027, "Invalid Webhook Token"
        )
        dm = fake.dm_channel_id(fake.user_id)
        await fake.wait_for_message(dm, predicate=lambda m: bool(m.get("attachments")), timeout=10)
        await world.bot.poller.stop()
        hooks = [r for r in fake.requests if "/webhooks/" in r.path]
        refused = next(i for i, r in enumerate(hooks) if r.status == 401)
        assert [(r.method, r.path) for r in hooks[refused + 1 :]] == []
        assert await jobs(world) == [(1, None, "dm", None)]


async def test_a_result_posted_through_the_interaction_stays_posted_when_the_status_edit_fails(
    tmp_path, monkeypatch
):
    """The follow-up went; the private status edit after it hit a dropped connection. The
    delivery is done: retrying it would show the result a second time (in the private
    answer)."""
    async with running_bot(tmp_path, plan=QUICK) as world:
        fake = world.discord
        foreign = fake.add_guild("Friends", bot_member=False)
        routes = world.bot.routes
        edit_status = routes._edit_status

        async def dropped(job, *, final):
            if final:
                raise aiohttp.ClientOSError(104, "Connection reset by peer")
            await edit_status(job, final=final)

        monkeypatch.setattr(routes, "_edit_status", dropped)
        interaction = await fake.slash_command("video", {"prompt": "once"}, guild_id=foreign)
        await interaction.wait_for_followup(2, timeout=10)

        async def delivered_by():
            job = await world.bot.store.get(1)
            return job.delivery_attempts if job.delivered_at is not None else None

        assert await eventually(delivered_by, 1) == 1, "delivered by its first attempt"
        assert len(interaction.followups) == 2
        original = await interaction.wait_for_original(lambda m: True)
        assert "your video is ready" not in original["content"], "never shown twice"


async def test_the_personal_limit_on_unfinished_videos_names_no_server_in_chinese(tmp_path):
    async with running_bot(tmp_path, plan=UNTIL_TOLD) as world:
        fake = world.discord
        first = await fake.slash_command("video", {"prompt": "一只猫"}, dm=True, locale="zh-CN")
        assert "#1" in (await first.wait_for_answer())["content"]
        group = fake.add_group_dm(fake.user_id, fake.add_user("bob"))
        second = await fake.slash_command(
            "video", {"prompt": "一只狗"}, group_dm=group, user_install=True, locale="zh-CN"
        )
        refusal = (await second.wait_for_answer())["content"]
        assert "你的个人额度同时最多允许 1 个" in refusal, refusal
        assert "服务器" not in refusal, refusal
        assert "这里" not in refusal, refusal


async def test_quota_outside_servers_answers_the_question_not_a_refusal(tmp_path):
    """The member asked what they may do: nothing was counted because nothing was asked."""
    async with running_bot(tmp_path, user_install_allowance=0) as world:
        quota = await world.discord.slash_command("videos quota", dm=True)
        text = (await quota.wait_for_answer())["content"]
        assert "turned them off everywhere else" in text
        assert "Nothing was counted" not in text, text


async def test_a_pause_in_the_bots_dm_points_to_no_moderator(tmp_path):
    """Outside servers no moderator will say it is back."""
    async with running_bot(tmp_path) as world:
        await world.db.set_value("apimart_payment_required", "0")
        made = await world.discord.slash_command("video", {"prompt": "a fox"}, dm=True)
        text = (await made.wait_for_answer())["content"]
        assert "paused" in text
        assert "moderator" not in text, text


async def test_the_private_status_says_the_video_will_come_by_dm_before_the_token_runs_out(
    tmp_path,
):
    """The status is the interaction's answer: once it can no longer be edited it would stay
    at "rendering 60%" forever. Its last edit says where the video will go."""
    clock = ShiftedClock()
    async with running_bot(tmp_path, plan=UNTIL_TOLD, clock=clock) as world:
        fake = world.discord
        _, interaction, _ = await asked_elsewhere(world, "a very slow sunset")
        clock.offset += 800
        fake.advance_clock(800)
        world.api.last_task.set_progress(60)
        last = await interaction.wait_for_original(
            lambda m: "by direct message when it's ready" in m["content"], timeout=30
        )
        assert "taking longer than Discord lets me answer here" in last["content"]
        assert "60%" not in last["content"]
        world.api.last_task.complete()
        dm = fake.dm_channel_id(fake.user_id)
        await fake.wait_for_message(dm, predicate=lambda m: bool(m.get("attachments")), timeout=10)


async def test_a_private_status_promised_by_dm_from_the_start_is_ended_before_the_token_runs_out(
    tmp_path,
):
    """Asked late in the command's 15 minutes, the video was promised by DM from the start; the
    private answer still shows its progress, and would stay at "rendering 60%", with its
    expected cost, for good. Its last edit while the token works says the video comes by DM."""
    clock = ShiftedClock()
    clock.offset = 600
    async with running_bot(tmp_path, plan=UNTIL_TOLD, clock=clock) as world:
        fake = world.discord
        interaction = await asked_late_for_4k(world)
        await world.api.wait_until(lambda: world.api.task_ids, what="the submit")
        clock.offset += 200
        fake.advance_clock(200)
        world.api.last_task.set_progress(60)
        last = await interaction.wait_for_original(
            lambda m: "taking longer than Discord lets me answer here" in m["content"], timeout=30
        )
        assert "60%" not in last["content"] and "Expected cost" not in last["content"]
        world.api.last_task.complete()
        dm = fake.dm_channel_id(fake.user_id)
        await fake.wait_for_message(dm, predicate=lambda m: bool(m.get("attachments")), timeout=10)


async def test_a_private_status_is_ended_by_the_sweep_when_no_status_check_lands_in_time(
    tmp_path,
):
    """APIMart stops answering status checks (an outage) while the token's last minutes run
    out: no check brings the hand-over, so the private answer would stay at its last progress
    for good. The sweep, which every process runs, makes that last edit instead."""
    clock = ShiftedClock()
    async with running_bot(tmp_path, plan=UNTIL_TOLD, clock=clock) as world:
        fake = world.discord
        _, interaction, _ = await asked_elsewhere(world, "a sunset during an outage")

        async def private_answer_recorded():
            rows = await world.db.fetch_all("SELECT interaction_message_id FROM jobs")
            return rows[0][0] is not None

        assert await eventually(private_answer_recorded, True)
        world.api.fail_next("poll", status=500, times=10_000)
        clock.offset += 800
        fake.advance_clock(800)
        await world.bot.status_sweep.hand_over_once()
        last = await interaction.wait_for_original(
            lambda m: "by direct message when it's ready" in m["content"], timeout=10
        )
        assert "taking longer than Discord lets me answer here" in last["content"]
        world.api.clear_faults()
        world.api.last_task.complete()
        dm = fake.dm_channel_id(fake.user_id)
        await fake.wait_for_message(dm, predicate=lambda m: bool(m.get("attachments")), timeout=30)


async def test_a_video_kept_for_history_says_when_its_link_goes_and_that_it_went(tmp_path):
    """DMs closed: history is where the video is, on APIMart's day-long link."""
    clock = ShiftedClock()
    async with kept_for_history(tmp_path, clock) as (world, _):
        fake = world.discord

        async def ask(command, options=None):
            interaction = await fake.slash_command(command, options or {}, dm=True)
            return (await interaction.wait_for_answer())["content"]

        history = await ask("videos history")
        assert "[video](" in history and "), link expires <t:" in history
        clock.offset += 25 * 3600
        assert "its link has expired" in await ask("videos history")
        status = await ask("videos status", {"job": 1})
        assert "could not be posted or sent to you" in status, status


async def test_quota_outside_servers_during_a_pause_points_to_no_moderator(tmp_path):
    async with running_bot(tmp_path) as world:
        await world.db.set_value("apimart_payment_required", "0")
        quota = await world.discord.slash_command("videos quota", dm=True)
        text = (await quota.wait_for_answer())["content"]
        assert "paused" in text
        assert "moderator" not in text and "Nothing was counted" not in text, text


async def test_the_operator_resumes_videos_a_402_paused_where_no_moderator_can(tmp_path):
    """A bot used only in DMs and through user installs has no moderator to run
    `/videomod resume`: after a top-up its operator resumes from the bot's DM."""
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        operator = fake.add_user("operator")
        async with running_bot(tmp_path, plan=QUICK, fake=fake, owner_ids=(operator,)) as world:
            world.api.fail_next("submit", status=402)
            paid = await fake.slash_command("video", {"prompt": "a fox"}, dm=True)
            await world.api.wait_until(lambda: world.api.requests_for("submit"), what="the 402")
            assert await eventually(world.bot.moderation.pause.is_paused, True)
            await paid.wait_for_answer()
            dm = fake.dm_channel_id(fake.user_id)
            told = await fake.wait_for_message(
                dm, predicate=lambda m: "balance is empty" in m.get("content", ""), timeout=10
            )
            assert "moderator" not in told["content"]
            refused = await fake.slash_command("video", {"prompt": "a fox"}, dm=True)
            assert "please try again later" in (await refused.wait_for_answer())["content"]
            denied = await fake.slash_command("videoowner resume", dm=True)
            assert "Only the bot's operators" in (await denied.wait_for_answer())["content"]
            resume = await fake.slash_command("videoowner resume", dm=True, user=operator)
            assert "resumed everywhere" in (await resume.wait_for_answer())["content"]
            again = await fake.slash_command("video", {"prompt": "a fox"}, dm=True)
            assert "queued as job" in (await again.wait_for_answer())["content"]


async def test_the_operator_cannot_resume_while_the_balance_still_reads_empty(tmp_path):
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        operator = fake.add_user("operator")
        async with running_bot(tmp_path, plan=QUICK, fake=fake, owner_ids=(operator,)) as world:
            await world.db.set_value("apimart_payment_required", "0")
            world.api.remain_balance = 0.0
            resume = await fake.slash_command("videoowner resume", dm=True, user=operator)
            told = (await resume.wait_for_answer())["content"]
            assert "still reads 0.00" in told, told
            assert await world.bot.moderation.pause.is_paused()


async def test_edit_prompt_on_a_video_sent_by_dm_from_a_server_without_the_bot(tmp_path):
    """Asked through a user install late in the command's life: the video comes by DM with
    its buttons. Edit prompt there opens the form; sending it must make the edited video,
    not say the member's own job cannot be found."""
    clock = ShiftedClock()
    clock.offset = 600  # too late to answer through the command: promised by DM
    async with running_bot(tmp_path, plan=QUICK, clock=clock) as world:
        fake = world.discord
        foreign = fake.add_guild("Friends", bot_member=False)
        interaction = await fake.slash_command(
            "video",
            {"prompt": "a 4K city", "resolution": "4k"},
            guild_id=foreign,
            user_install=True,
        )
        assert "direct message" in (await interaction.wait_for_answer())["content"]
        dm = fake.dm_channel_id(fake.user_id)
        result = await fake.wait_for_message(
            dm, predicate=lambda m: bool(m.get("attachments")) and bool(custom_ids(m)), timeout=10
        )
        assert "video:edit:1" in custom_ids(result)
        click = await fake.component_interaction("video:edit:1", message_id=int(result["id"]))
        await click.wait_for_callback()
        submitted = await fake.modal_submit({"prompt": "a 4K city at night"}, interaction=click)
        answer = (await submitted.wait_for_answer(timeout=10))["content"]
        assert "I can't find that video any more" not in answer, answer
        assert "queued as job #2" in answer


async def test_a_kind_of_video_measured_to_outlive_the_token_is_promised_by_dm(tmp_path):
    """The route is chosen from a fixed guess (4 minutes for 720p), never from what this bot
    measured. Here 720p videos measurably take 16 minutes, and the member reads both "It
    usually takes about 16 min" and "I'll post it right here": a promise the bot knows
    Discord will not let it keep (the token's 15 minutes run out first)."""
    clock = ShiftedClock()
    async with running_bot(tmp_path, plan=UNTIL_TOLD, clock=clock) as world:
        fake = world.discord
        for number in range(1, 4):  # three 720p renders of 16 minutes each: a measured wait
            made = await fake.slash_command("video", {"prompt": f"warm-up {number}"})
            await made.wait_for_answer()
            await world.api.wait_until(
                lambda n=number: len(world.api.task_ids) == n, what="the submit"
            )
            clock.offset += 960
            world.api.last_task.complete()
            await fake.wait_for_message(
                predicate=lambda m, n=number: bool(m.get("attachments")) and f"#{n}" in str(m),
                timeout=10,
            )
            clock.offset = 0  # the renders are measured; the next command is read at once
        foreign = fake.add_guild("Friends", bot_member=False)
        interaction = await fake.slash_command(
            "video", {"prompt": "a kite"}, guild_id=foreign, user_install=True
        )
        answer = (await interaction.wait_for_answer())["content"]
        assert "I'll post it right here" not in answer, answer
        assert "I'll send it to you by direct message" in answer, answer
        [(_, _, route, token)] = [row for row in await jobs(world) if row[0] == 4]
        assert route == "dm" and token is not None, "its private status is still edited"


async def test_a_dm_that_fails_once_still_brings_the_private_status_to_its_end(tmp_path):
    """Promised by DM; the first DM meets a Discord 503 and is tried again later. The private
    answer must still end saying where the video went, not "rendering" for good: the token
    it needs for that is kept until then."""
    clock = ShiftedClock()
    clock.offset = 600
    async with running_bot(tmp_path, plan=TaskPlan(polls_until_done=4), clock=clock) as world:
        fake = world.discord
        dm = fake.dm_channel_id(fake.user_id)
        fault = fake.fail_next("POST", rf"/channels/{dm}/messages", 503)
        foreign = fake.add_guild("Friends", bot_member=False)
        interaction = await fake.slash_command(
            "video", {"prompt": "a 4K city", "resolution": "4k"}, guild_id=foreign
        )
        assert "direct message" in (await interaction.wait_for_answer())["content"]
        await fake.wait_for(lambda: fault.hits == 1, description="the refused DM")
        await eventually(lambda: retry_set(world), True)
        clock.offset += 60  # the delivery's retry is due
        world.bot.poller.wake()
        await fake.wait_for_message(dm, predicate=lambda m: bool(m.get("attachments")), timeout=10)
        original = await interaction.wait_for_original(
            lambda m: "I sent it to you by direct message" in m["content"], timeout=10
        )
        assert "I sent it to you by direct message" in original["content"]


async def retry_set(world):
    """A delivery attempt failed and its retry is set (a finished job is due for delivery at
    once, with `next_delivery_at` set before any attempt: that alone says nothing)."""
    [row] = await world.db.fetch_all("SELECT next_delivery_at, delivery_attempts FROM jobs")
    return row[0] is not None and row[1] > 0


@pytest.mark.parametrize(
    ("locale", "says"),
    [
        ("en-US", "added only my commands"),
        ("zh-CN", "只添加了我的命令"),
        ("zh-TW", "只加入了我的指令"),
    ],
)
@pytest.mark.parametrize("app_permissions", [None, str(PERM_ALL)], ids=["as-sent", "all"])
async def test_video_in_a_server_that_added_only_the_commands_says_the_bot_is_not_there(
    tmp_path, locale, says, app_permissions
):
    """A server whose admins added only the bot's commands (scope `applications.commands`, no
    bot member): its install authorizes /video, but the bot's own token posts nothing there
    (403 50001). The member is told so privately, in their language, with nothing made or
    counted: not to have a moderator grant the bot Send Messages (no permission brings it in),
    nor that a private thread needs it added, whatever permissions Discord says the app has."""
    async with running_bot(tmp_path, plan=QUICK) as world:
        fake = world.discord
        guild = fake.add_guild("Commands only", commands_only=True)
        interaction = await fake.slash_command(
            "video",
            {"prompt": "a cat waves hello"},
            guild_id=guild,
            locale=locale,
            app_permissions=app_permissions,
        )
        answer = await interaction.wait_for_answer(timeout=10)
        assert answer["flags"] & EPHEMERAL
        assert says in answer["content"], answer["content"]
        assert "Send Messages" not in answer["content"]
        await asyncio.sleep(0.3)  # what the command might still send
        assert world.api.submits == [], "nothing is paid for where nothing can be posted"
        assert bot_posts_to(world, fake.channel_ids(guild)[0]) == []
        rows = await world.db.fetch_all("SELECT state FROM jobs")
        assert [row["state"] for row in rows] in ([], ["rejected"]), "nothing counted"


@pytest.mark.parametrize("action", ["regen", "edit"])
async def test_a_result_button_where_the_bot_was_kicked_but_its_commands_stayed(tmp_path, action):
    """Kicking the bot's member leaves the server's install of its commands: the buttons under
    a result posted before still reach the bot, as the server's. The member who made the video
    presses Regenerate or Edit prompt: told privately that the server has only the bot's
    commands now (a new video could not be posted there), not to have a moderator grant it
    permissions; nothing is made or counted."""
    async with running_bot(tmp_path, plan=QUICK) as world:
        fake = world.discord
        await (await world.video(prompt="a paper boat")).wait_for_answer()
        result = await fake.wait_for_message(
            predicate=lambda m: "video:regen:1" in custom_ids(m), timeout=10
        )
        await fake.remove_bot()
        fake.commands_only_guilds.add(fake.guild_id)
        await fake.wait_for(
            lambda: world.bot.get_guild(fake.guild_id) is None, description="the bot kicked"
        )
        click = await fake.component_interaction(f"video:{action}:1", message_id=int(result["id"]))
        answer = await click.wait_for_answer(timeout=10)
        assert answer["flags"] & EPHEMERAL
        assert "added only my commands" in answer["content"], answer["content"]
        await world.handled_everything()  # what the click might still make
        assert len(world.api.submits) == 1, "nothing more made"
        assert len(await world.db.fetch_all("SELECT id FROM jobs")) == 1
