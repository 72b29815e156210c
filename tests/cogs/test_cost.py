"""Cost before spending, as members and moderators read it: the real bot, both fakes.

The expected credits in the queued note, `/videos quota` and `/videos help`; the confirmation
threshold's Confirm / Cancel question (also across a restart); `/videomod usage` credits.
"""

import asyncio
import re
import time

import discord

from bot.reach import TOKEN_LIFETIME, TOKEN_SAFETY_MARGIN
from tests.cogs.test_command_mentions import mention
from tests.cogs.test_moderation import command, mod, server, user_option, video
from tests.cogs.test_reach import ShiftedClock
from tests.conftest import SilentDatabase
from tests.fakes.apimart import FakeAPIMart, TaskPlan
from tests.fakes.discord import FakeDiscord
from tests.fakes.web import PUBLIC_HOST, Site
from tests.harness import API_KEY, BOT_TOKEN, running_bot

EPHEMERAL = 64
DEFERRED_UPDATE = 6
DONE = TaskPlan(polls_until_done=1)
NEVER_DONE = TaskPlan(polls_until_done=None)


async def ask_video(world, *, user=None, locale="en-US", **options):
    """A member runs /video; returns the interaction and the first private answer."""
    options.setdefault("prompt", "a lighthouse in a storm")
    interaction = await world.discord.slash_command(
        "video", options=options, user=user, locale=locale
    )
    return interaction, await interaction.wait_for_answer(timeout=10)


async def charged_jobs(world):
    """How many jobs APIMart has reported a charge for."""
    row = await world.db.fetch_one("SELECT COUNT(*) FROM jobs WHERE credits_cost IS NOT NULL")
    return row[0]


async def until_charged(world, count):
    """Until APIMart's charge for `count` jobs is stored (the database has no event to await)."""
    async with asyncio.timeout(10):
        while await charged_jobs(world) < count:  # noqa: ASYNC110
            await asyncio.sleep(0.02)


async def job_count(world):
    return (await world.db.fetch_one("SELECT COUNT(*) FROM jobs"))[0]


async def set_threshold(world, credits):
    return await command(
        world, "videomod confirm", user=world.discord.owner_id, credits=float(credits)
    )


def buttons(message):
    return [c for row in message.get("components") or [] for c in row["components"]]


def button_ids(message):
    """Label -> custom id, kept: the stored message loses its buttons once answered."""
    return {b["label"]: b["custom_id"] for b in buttons(message)}


async def press(world, message, custom_id, *, user=None, locale="en-US"):
    return await world.discord.component_interaction(
        custom_id, message_id=int(message["id"]), user=user, locale=locale
    )


async def test_the_queued_note_tells_the_starting_estimate_then_what_was_learned(tmp_path):
    async with running_bot(tmp_path, plan=DONE) as world:
        for number, credits in enumerate((3, 6, 4), start=1):
            world.api.default_plan = TaskPlan(polls_until_done=1, credits_cost=credits)
            _, note = await ask_video(world, duration=4, resolution="720p")
            assert f"queued as job #{number}" in note["content"]
            assert "Expected cost: about **2 credits** (a starting estimate" in note["content"]
            await until_charged(world, number)
        _, note = await ask_video(world, duration=4, resolution="720p")
        assert (
            "Expected cost: about **4 credits**"
            " (the median of the last 3 videos like it this bot made)" in note["content"]
        )
        # Another resolution has no history yet: still the starting table.
        _, note = await ask_video(world, duration=10, resolution="4k")
        assert "about **15 credits** (a starting estimate" in note["content"]


async def test_the_queued_note_says_the_expected_cost_in_chinese(tmp_path):
    async with running_bot(tmp_path, plan=NEVER_DONE) as world:
        _, note = await ask_video(world, locale="zh-CN", duration=6, resolution="1080p")
        assert "预计花费：约 **6 积分**（初始估计" in note["content"]  # noqa: RUF001


async def test_quota_and_help_show_the_expected_cost_table_and_the_threshold(tmp_path):
    async with running_bot(tmp_path) as world:
        user = world.discord.user_id
        quota = await command(world, "videos quota", user=user)
        assert "720p 2 / 3 / 4 / 5 · 1080p 4 / 6 / 8 / 10 · 4K 6 / 9 / 12 / 15" in quota
        # A reference video sets the length: a member can look up its price beforehand too.
        assert (
            "With a reference video (it sets the length, up to 10 s), at most:"
            " 720p 5 · 1080p 10 · 4K 15" in quota
        )
        assert "asks you to confirm" not in quota
        await set_threshold(world, 8)
        helptext = await command(world, "videos help", user=user)
        assert f"**{mention(world.discord, 'video')}** makes a 4-10 second video" in helptext
        # No promised wait: the queued note says what this bot measured for those settings.
        assert "3-5 minutes" not in helptext
        assert "4K 6 / 9 / 12 / 15" in helptext
        assert "more than 8 credits asks you to confirm" in helptext
        zh = await command(world, "videos quota", user=user, locale="zh-CN")
        assert "**每个视频的预计花费**" in zh and "预计花费超过 8 积分的视频会先请你确认" in zh


async def test_a_reference_video_is_said_to_cost_up_to_what_10_seconds_cost(tmp_path):
    """Its video sets the length: the figure asked about and shown is the most it may cost."""
    async with running_bot(tmp_path, plan=NEVER_DONE) as world:
        await set_threshold(world, 10)
        _, question = await ask_video(world, resolution="4k", video=world.mp4())
        assert (
            "expected to cost up to **15 credits** (its reference video sets the length, up to"
            " 10 s; a starting estimate" in question["content"]
        )
        press_confirm = await press(world, question, button_ids(question)["Confirm"])
        note = (await press_confirm.wait_for_answer(timeout=10))["content"]
        assert "queued as job #1" in note and "Expected cost: up to **15 credits**" in note
        await world.discord.wait_for(
            lambda: (
                world.discord.get_message(int(question["id"]))["content"]
                == "Confirmed: job #1, which may cost up to 15 credits."
            )
        )
        _, note = await ask_video(world, locale="zh-CN", resolution="1080p", video=world.mp4())
        assert (
            "预计花费：最多 **10 积分**（由参考视频决定时长，最长 10 秒；初始估计"  # noqa: RUF001
            in note["content"]
        )


async def test_a_costly_request_waits_for_its_member_and_only_they_may_answer(tmp_path):
    async with running_bot(tmp_path, plan=NEVER_DONE) as world:
        answer = await set_threshold(world, 5)
        assert "confirm videos expected to cost more than 5 credits" in answer
        rules = await command(world, "videomod limits show", user=world.discord.owner_id)
        assert "**Confirmation:** videos expected to cost more than 5 credits ask their" in rules
        _, cheap = await ask_video(world, duration=4, resolution="720p")
        assert "queued as job #1" in cheap["content"], "2 credits: not asked"

        interaction, question = await ask_video(world, duration=10, resolution="4k")
        assert interaction.ephemeral
        assert "expected to cost about **15 credits**" in question["content"]
        assert "more than the 5 credits this server allows" in question["content"]
        assert "a lighthouse in a storm" in question["content"]
        assert [b["label"] for b in buttons(question)] == ["Confirm", "Cancel"]
        ids = button_ids(question)
        assert len(world.api.submits) == 1 and await job_count(world) == 1, "nothing recorded"

        bob = world.discord.add_member("bob")
        refused = await press(world, question, ids["Confirm"], user=bob)
        assert "This isn't your request" in await refused.wait_for_private_answer()
        assert len(world.api.submits) == 1 and await job_count(world) == 1

        cancel = await press(world, question, ids["Cancel"])
        callback = await cancel.wait_for_callback()
        assert callback["type"] == DEFERRED_UPDATE, "answered by editing the question"
        await world.discord.wait_for(
            lambda: (
                world.discord.get_message(int(question["id"]))["content"]
                == "Cancelled: nothing was made or counted."
            )
        )
        shown = world.discord.get_message(int(question["id"]))
        assert buttons(shown) == []
        assert len(world.api.submits) == 1 and await job_count(world) == 1
        quota = await command(world, "videos quota", user=world.discord.user_id)
        assert "You have **4 videos** left today (out of 5)" in quota


async def test_a_question_comes_first_then_what_the_request_would_go_without(tmp_path):
    """A page link is left out of a costly request: the member reads the question first, and
    what it would go without after it; never "I'll go on without" before it is even asked."""
    async with (
        Site(PUBLIC_HOST) as web,
        running_bot(tmp_path, plan=NEVER_DONE, link_allowed_networks=f"{PUBLIC_HOST}/32") as world,
    ):
        await set_threshold(world, 5)
        page, boat = web.serve("/article", b"<html>", "text/html"), web.serve("/boat.png")
        interaction, question = await ask_video(
            world, prompt=f"boats {page} {boat}", duration=10, resolution="4k"
        )
        assert "expected to cost about **15 credits**" in question["content"]
        note = await interaction.wait_for_answer(2, timeout=10)
        assert "I'll go on without 1 link I can't use" in note["content"]
        assert world.api.submits == []


async def test_confirm_submits_exactly_one_job_and_counts_it_once(tmp_path):
    async with running_bot(tmp_path, plan=NEVER_DONE) as world:
        await set_threshold(world, 5)
        _, question = await ask_video(world, duration=10, resolution="4k")
        ids = button_ids(question)
        # A double click: both presses arrive while the question still shows its buttons.
        first = await press(world, question, ids["Confirm"])
        second = await press(world, question, ids["Confirm"])
        answers = [
            (await first.wait_for_answer(timeout=10))["content"],
            (await second.wait_for_answer(timeout=10))["content"],
        ]
        [note] = [answer for answer in answers if "queued as job #1" in answer]
        [other] = [answer for answer in answers if answer != note]
        assert "Expected cost: about **15 credits**" in note
        assert "no longer waiting" in other
        await world.discord.wait_for(
            lambda: (
                world.discord.get_message(int(question["id"]))["content"]
                == "Confirmed: job #1, expected to cost about 15 credits."
            )
        )
        assert buttons(world.discord.get_message(int(question["id"]))) == []
        await world.discord.wait_for_message(
            predicate=lambda m: "asked for a video" in m["content"]
        )
        assert [(s["resolution"], s["duration"]) for s in world.api.submits] == [("4k", 10)]
        assert await job_count(world) == 1
        quota = await command(world, "videos quota", user=world.discord.user_id)
        assert "You have **4 videos** left today (out of 5)" in quota


async def test_a_confirmed_video_the_service_refuses_is_not_said_to_cost_anything(tmp_path):
    """Confirm, then APIMart refuses the request at once: the member reads that nothing was
    counted, and the question they answered must not say the job is expected to cost 15
    credits (for a mention it is a public post, read by everyone)."""
    async with running_bot(tmp_path, plan=NEVER_DONE) as world:
        await set_threshold(world, 5)
        _, question = await ask_video(world, duration=10, resolution="4k")
        world.api.fail_next("submit", status=400, message="bad prompt")
        confirm = await press(world, question, button_ids(question)["Confirm"])
        note = (await confirm.wait_for_answer(timeout=10))["content"]
        assert "refused this request" in note and "Nothing was counted" in note
        await world.discord.wait_for(lambda: "Confirmed" in content_of(world, question))
        answered = content_of(world, question)
        assert answered == (
            "Confirmed: job #1, but no video was made of it, so nothing was counted."
        ), answered
        quota = await command(world, "videos quota", user=world.discord.user_id)
        assert "You have **5 videos** left today (out of 5)" in quota


async def test_an_unanswered_question_expires_and_nothing_counts(tmp_path):
    async with running_bot(tmp_path, plan=NEVER_DONE, confirm_timeout=0.3) as world:
        await set_threshold(world, 5)
        _, question = await ask_video(world, duration=8, resolution="4k")
        ids = button_ids(question)
        await world.discord.wait_for(
            lambda: (
                "This question expired" in world.discord.get_message(int(question["id"]))["content"]
            )
        )
        assert buttons(world.discord.get_message(int(question["id"]))) == []
        assert await world.bot.moderation.pending.get(ids["Confirm"].rsplit(":", 1)[1]) is None
        assert world.api.submits == [] and await job_count(world) == 0
        quota = await command(world, "videos quota", user=world.discord.user_id)
        assert "You have **5 videos** left today (out of 5)" in quota


async def test_a_private_question_expires_while_its_interaction_can_still_edit_it(tmp_path):
    """The private question is a follow-up of the command's interaction, whose token lives 15
    minutes from the command (the bot calls it up to 14): its expiry is an edit through that
    token. A command that took a while to ask (here 13 minutes 58 seconds by the bot's clock)
    must not hold the question CONFIRM_TIMEOUT (840 s) from then, past the token: the
    "expired" edit would be refused 401 (an invalid request) and its buttons left up."""
    clock = ShiftedClock()
    async with running_bot(tmp_path, plan=NEVER_DONE, confirm_timeout=840, clock=clock) as world:
        await set_threshold(world, 5)
        # Two seconds before the token's safe end: that is when the question expires.
        clock.offset = TOKEN_LIFETIME - TOKEN_SAFETY_MARGIN - 2
        interaction, question = await ask_video(world, duration=10, resolution="4k")
        token = button_ids(question)["Confirm"].rsplit(":", 1)[1]
        pending = await world.bot.moderation.pending.get(token)
        assert pending is not None
        created = discord.utils.snowflake_time(interaction.id).timestamp()
        # (A second's slack: the question is held a moment after its length is worked out.)
        assert pending.expires_at <= created + TOKEN_LIFETIME - TOKEN_SAFETY_MARGIN + 1
        await world.discord.wait_for(
            lambda: (
                "This question expired" in world.discord.get_message(int(question["id"]))["content"]
            )
        )
        assert not world.discord.expired_webhook_calls


async def test_a_question_asked_in_the_channel_stays_open_for_the_whole_confirm_timeout(tmp_path):
    """A mention's question is the bot's own post, edited with its own token: it stays open
    CONFIRM_TIMEOUT (14 minutes here), not cut to an interaction's life it has none of."""
    async with running_bot(
        tmp_path, plan=NEVER_DONE, confirm_timeout=840, message_content_intent=True
    ) as world:
        await set_threshold(world, 5)
        asking = await world.discord.message_create(
            f"<@{world.discord.bot_user_id}> a lighthouse in a storm --res 4k --duration 10"
        )
        question = await world.discord.wait_for_message(
            predicate=lambda m: (m.get("message_reference") or {}).get("message_id") == asking["id"]
        )
        token = button_ids(question)["Confirm"].rsplit(":", 1)[1]
        pending = await world.bot.moderation.pending.get(token)
        assert pending is not None
        assert pending.expires_at >= world.bot.clock() + 840 - 30


async def test_the_question_is_asked_in_chinese_with_chinese_buttons(tmp_path):
    async with running_bot(tmp_path, plan=NEVER_DONE) as world:
        await set_threshold(world, 5)
        _, question = await ask_video(world, locale="zh-CN", duration=10, resolution="4k")
        assert "这个视频预计花费约 **15 积分**" in question["content"]
        assert [b["label"] for b in buttons(question)] == ["确认", "取消"]


async def test_a_question_asked_before_a_restart_is_confirmed_after_it(tmp_path):
    async with FakeDiscord(token=BOT_TOKEN) as fake, FakeAPIMart(api_key=API_KEY) as api:
        api.default_plan = NEVER_DONE
        async with running_bot(tmp_path, fake=fake, api=api) as world:
            await set_threshold(world, 5)
            _, question = await ask_video(world, duration=10, resolution="1080p")
            ids = button_ids(question)
            assert "about **10 credits**" in question["content"]
        assert api.submits == []
        async with running_bot(tmp_path, fake=fake, api=api) as world:
            confirm = await press(world, question, ids["Confirm"])
            note = await confirm.wait_for_followup(timeout=10)
            assert "queued as job #1" in note["content"]
            await api.wait_for_submits(1)
            assert [(s["resolution"], s["duration"]) for s in api.submits] == [("1080p", 10)]
            assert await job_count(world) == 1


async def test_a_press_after_a_restart_and_the_deadline_says_it_expired(tmp_path):
    async with FakeDiscord(token=BOT_TOKEN) as fake, FakeAPIMart(api_key=API_KEY) as api:
        async with running_bot(tmp_path, fake=fake, api=api, confirm_timeout=0.2) as world:
            await set_threshold(world, 5)
            _, question = await ask_video(world, duration=10, resolution="4k")
            ids = button_ids(question)
            # Stopping ends this process's timer: nobody marks the question expired.
        await asyncio.sleep(0.3)
        async with running_bot(tmp_path, fake=fake, api=api) as world:
            confirm = await press(world, question, ids["Confirm"])
            callback = await confirm.wait_for_callback()
            assert callback["type"] == DEFERRED_UPDATE
            await world.discord.wait_for(
                lambda: (
                    "This question expired"
                    in world.discord.get_message(int(question["id"]))["content"]
                )
            )
            assert buttons(world.discord.get_message(int(question["id"]))) == []
            assert api.submits == [] and await job_count(world) == 0


async def test_usage_shows_this_months_credits_per_member_the_server_and_budget_left(tmp_path):
    async with running_bot(tmp_path, plan=DONE) as world:
        fake = world.discord
        bob = fake.add_member("bob")
        await command(world, "videomod budget", user=fake.owner_id, credits=100.0)
        for user, credits in ((fake.user_id, 3), (bob, 4), (fake.user_id, 6)):
            world.api.default_plan = TaskPlan(polls_until_done=1, credits_cost=credits)
            await ask_video(world, user=user)
            await until_charged(world, await job_count(world))
        usage = await command(world, "videomod usage", user=fake.owner_id)
        assert "13 credits spent by this server. Budget left: 87 credits of 100 credits." in usage
        assert f"1. <@{fake.user_id}>: 9 credits" in usage
        assert f"2. <@{bob}>: 4 credits" in usage
        one = await command(
            world, "videomod usage", user=fake.owner_id, member=user_option(world, bob)
        )
        assert f"<@{bob}> spent 4 credits this month" in one
        zh = await command(world, "videomod usage", user=fake.owner_id, locale="zh-CN")
        assert "本服务器已花费 13 积分。预算剩余：87 积分（共 100 积分）。" in zh  # noqa: RUF001


async def test_usage_and_limits_count_what_videos_being_made_hold_of_the_budget(tmp_path):
    """A render is billed when it ends; until then its expected cost is held, and "budget left"
    is what a new video may still spend."""
    async with running_bot(tmp_path, plan=NEVER_DONE) as world:
        owner = world.discord.owner_id
        await command(world, "videomod budget", user=owner, credits=100.0)
        await ask_video(world, duration=10, resolution="4k")  # 15 credits expected
        usage = await command(world, "videomod usage", user=owner)
        assert (
            "0 credits spent by this server. Budget left: 85 credits of 100 credits"
            " (15 credits held for videos not billed yet: those being made now, and any whose"
            " request the video service never answered)." in usage
        )
        limits = await command(world, "videomod limits show", user=owner)
        assert "0 of 100 credits used, 15 more held for videos not billed yet" in limits
        zh = await command(world, "videomod usage", user=owner, locale="zh-CN")
        assert "预算剩余：85 积分（共 100 积分" in zh  # noqa: RUF001


async def test_usage_without_a_budget_says_so(tmp_path):
    async with running_bot(tmp_path) as world:
        usage = await command(world, "videomod usage", user=world.discord.owner_id)
        assert "0 credits spent by this server. No monthly budget is set" in usage
        assert "Nobody has spent credits this month yet." in usage


async def test_a_reply_is_asked_in_the_channel_and_confirmed_with_its_pictures(tmp_path):
    async with running_bot(tmp_path, plan=NEVER_DONE, message_content_intent=True) as world:
        fake = world.discord
        await set_threshold(world, 5)
        bob = fake.add_member("bob")
        cat = world.png("cat.png")
        target = await fake.message_create("", author=bob, attachments=[cat])
        asking = await fake.message_create(
            f"<@{fake.bot_user_id}> make it surf --res 4k --duration 10",
            message_reference=int(target["id"]),
        )
        question = await fake.wait_for_message(
            predicate=lambda m: (m.get("message_reference") or {}).get("message_id") == asking["id"]
        )
        assert "expected to cost about **15 credits**" in question["content"]
        assert [u["id"] for u in question["mentions"]] == [str(fake.user_id)], "alice only"
        ids = button_ids(question)
        refused = await press(world, question, ids["Confirm"], user=bob)
        assert "This isn't your request" in await refused.wait_for_private_answer()
        assert world.api.submits == []

        confirm = await press(world, question, ids["Confirm"])
        note = await confirm.wait_for_followup(timeout=10)
        assert "queued as job #1" in note["content"] and note["flags"] & EPHEMERAL
        status = await fake.wait_for_message(
            predicate=lambda m: "asked for a video: make it surf" in m["content"]
        )
        assert status["message_reference"]["message_id"] == asking["id"]
        await world.api.wait_for_submits(1)
        [sent] = world.api.submits
        assert sent["image_urls"] == [cat.url]
        assert (sent["resolution"], sent["duration"]) == ("4k", 10)


async def test_confirm_checks_the_rules_again_and_a_refusal_leaves_the_question_open(tmp_path):
    async with running_bot(tmp_path, plan=NEVER_DONE) as world:
        await set_threshold(world, 5)
        await command(world, "videomod limits set", user=world.discord.owner_id, allowance=1)
        _, question = await ask_video(world, duration=10, resolution="4k")
        ids = button_ids(question)
        _, cheap = await ask_video(world, duration=4, resolution="720p")
        assert "queued as job #1" in cheap["content"], "the one video of the day"
        confirm = await press(world, question, ids["Confirm"])
        refusal = (await confirm.wait_for_answer(timeout=10))["content"]
        assert "used all your videos today" in refusal
        assert len(world.api.submits) == 1 and await job_count(world) == 1
        # Greyed out while the Confirm was judged, pressable again once it was refused.
        await world.discord.wait_for(
            lambda: (
                pressable(world.discord.get_message(int(question["id"]))) == ["Confirm", "Cancel"]
            ),
            description="the question's buttons pressable again",
        )
        token = ids["Confirm"].rsplit(":", 1)[1]
        assert await world.bot.moderation.pending.get(token) is not None


async def test_an_amount_too_small_to_write_is_refused_not_taken_as_zero(tmp_path):
    """0.004 credits reads "0 credits", which these commands document as "off"; but it was
    typed as a tiny amount (a budget meant to stop spending): refused, the rule in force stays,
    neither turned off nor a budget every video is then refused by ("0 of 0 credits")."""
    async with running_bot(tmp_path) as world:
        owner = world.discord.owner_id
        await command(world, "videomod budget", user=owner, credits=10.0)
        await command(world, "videomod confirm", user=owner, credits=10.0)
        for name in ("budget", "confirm"):
            refused = await command(world, f"videomod {name}", user=owner, credits=0.004)
            assert "The smallest amount is 0.01 credits, so nothing was changed" in refused
        policy = await world.bot.moderation.store.policy(world.discord.guild_id)
        assert (policy.monthly_budget, policy.confirm_above) == (10.0, 10.0)
        kept = await command(world, "videomod budget", user=owner, credits=12.345)
        assert "12.35 credits" in kept
        assert (await world.bot.moderation.store.policy(world.discord.guild_id)).monthly_budget == (
            12.35
        )


async def test_a_video_in_line_is_not_refused_for_a_video_ahead_that_is_itself_refused(tmp_path):
    """Budget 10, one video at a time. #1 (2 expected) renders; #2 (6) and #3 (2) wait. #1
    costs 7: #2 no longer fits (7 + 6 > 10) and is closed unsent; #3 does (7 + 2 <= 10). The
    budget is checked when a video is next to be sent, not while the line ahead still moves."""
    async with server(tmp_path, plan=NEVER_DONE) as s:
        fake, api = s.world.discord, s.world.api
        await mod(s, "budget", credits=10)
        await mod(s, "limits set", server_at_once=1)
        assert "job #1" in await video(s.world, prompt="one", duration=4, resolution="720p")
        await fake.wait_for_message(predicate=lambda m: "Job #1 is being made" in m["content"])
        assert "job #2" in await video(
            s.world, user=s.carol, prompt="two", duration=6, resolution="1080p"
        )
        assert "job #3" in await video(
            s.world, user=s.helper, prompt="three", duration=4, resolution="720p"
        )
        task = api.task(api.task_ids[0])
        task.plan.credits_cost = 7
        task.complete()
        await until_charged(s.world, 1)
        await api.wait_for_submits(2)
        states = [
            tuple(row)
            for row in await s.world.db.fetch_all(
                "SELECT id, state, error_key FROM jobs ORDER BY id"
            )
        ]
        assert states[1] == (2, "rejected", "unsent_budget_spent")
        assert states[2][1] in ("submitting", "queued", "processing"), states


async def test_a_budget_too_small_for_any_video_reads_as_used_up(tmp_path):
    """1 credit left and the cheapest video costs 2: no video fits, so none is suggested, and
    /videos quota says so."""
    async with server(tmp_path, plan=NEVER_DONE) as s:
        await mod(s, "budget", credits=20)
        assert "job #1" in await video(s.world, duration=10, resolution="4k")  # 15 held
        assert "job #2" in await video(s.world, user=s.helper, duration=8, resolution="720p")
        assert "Budget left: 1 credit of 20 credits" in await mod(s, "usage")
        refused = await video(s.world, user=s.carol, duration=4, resolution="720p")
        assert "less than the cheapest video (2 credits)" in refused
        assert "shorter or lower-resolution" not in refused
        quota = await command(s.world, "videos quota", user=s.carol)
        assert "less than the cheapest video" in quota, quota


async def test_a_moderator_reads_that_a_waiting_video_was_not_sent_for_the_budget(tmp_path):
    """Not "refused" as APIMart refuses a request: the moderator sees it was the budget."""
    async with server(tmp_path, plan=NEVER_DONE) as s:
        await mod(s, "budget", credits=10)
        await mod(s, "limits set", server_at_once=1)
        assert "job #1" in await video(s.world, prompt="one", duration=4, resolution="720p")
        await s.world.discord.wait_for_message(
            predicate=lambda m: "Job #1 is being made" in m["content"]
        )
        assert "job #2" in await video(
            s.world, user=s.carol, prompt="two", duration=6, resolution="1080p"
        )
        task = s.world.api.task(s.world.api.task_ids[0])
        task.plan.credits_cost = 7
        task.complete()
        await until_charged(s.world, 1)
        async with asyncio.timeout(10):
            while True:
                row = await s.world.db.fetch_one("SELECT state FROM jobs WHERE id = 2")
                if row[0] == "rejected":
                    break
                await asyncio.sleep(0.05)
        usage = await mod(s, "usage", member=user_option(s.world, s.carol))
        assert "not sent (budget)" in usage, usage
        refusal = await mod(s, "cancel", job=2)
        assert "Job #2 is not sent (budget), so it can no longer be cancelled" in refusal


async def learned(world, resolution, duration, credits, *, count=3):
    """`count` finished, charged videos of one kind made in another server: the bot's expected
    price for that kind becomes their median."""
    now = time.time()
    async with world.db.transaction() as conn:
        for number in range(count):
            await conn.execute(
                "INSERT INTO jobs (guild_id, channel_id, user_id, prompt, duration, resolution,"
                " aspect_ratio, state, credits_cost, created_at, media_fetched_at, finished_at,"
                " delivered_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'completed', ?, ?, ?, ?, ?)",
                (
                    999,
                    1,
                    2,
                    "x",
                    duration,
                    resolution,
                    "16:9",
                    credits,
                    now,
                    now,
                    now + number,
                    now,
                ),
            )


def content_of(world, message):
    return world.discord.get_message(int(message["id"]))["content"]


async def test_a_price_that_rose_while_the_question_was_open_is_asked_again_not_spent(tmp_path):
    """The member agreed to "about 10 credits"; by their press, videos of that kind cost 30.
    Nothing is sent at a price they never saw: the question is asked again in its place, and
    the job made from the second Confirm names the one figure the member agreed to."""
    async with running_bot(tmp_path, plan=NEVER_DONE) as world:
        await set_threshold(world, 5)
        _, question = await ask_video(world, duration=10, resolution="1080p")
        assert "about **10 credits**" in question["content"]
        first_ids = button_ids(question)
        await learned(world, "1080p", 10, 30)

        await press(world, question, first_ids["Confirm"])
        await world.discord.wait_for(lambda: "about **30 credits**" in content_of(world, question))
        assert "expected cost went up" in content_of(world, question)
        assert world.api.submits == [] and await job_count(world) == 3  # the learned ones
        asked_again = world.discord.get_message(int(question["id"]))
        second_ids = button_ids(asked_again)
        assert second_ids["Confirm"] != first_ids["Confirm"]
        assert (
            await world.bot.moderation.pending.get(first_ids["Confirm"].rsplit(":", 1)[1]) is None
        )

        confirm = await press(world, asked_again, second_ids["Confirm"])
        note = (await confirm.wait_for_answer(timeout=10))["content"]
        assert "queued as job #4" in note and "about **30 credits**" in note
        await world.discord.wait_for(
            lambda: (
                content_of(world, question)
                == "Confirmed: job #4, expected to cost about 30 credits."
            )
        )
        await world.discord.wait_for(lambda: len(world.api.submits) == 1)


async def test_a_double_click_on_confirm_after_the_price_rose_asks_again_once(tmp_path):
    """Both presses of a double click find the price risen. One asks again in place of the
    question; the other must not hold a second request behind it: nobody sees its buttons, and
    its timer would later turn "Confirmed: job #4" into "expired, nothing was made or counted"
    about a video that was made and counted."""
    async with running_bot(tmp_path, plan=NEVER_DONE) as world:
        await set_threshold(world, 5)
        _, question = await ask_video(world, duration=10, resolution="1080p")
        ids = button_ids(question)
        await learned(world, "1080p", 10, 30)

        presses = [
            await press(world, question, ids["Confirm"]),
            await press(world, question, ids["Confirm"]),
        ]
        await world.discord.wait_for(
            lambda: any(answered.answers for answered in presses),
            description="the second press told the question was already answered",
        )
        [told] = [answer for answered in presses for answer in answered.answers]
        assert "no longer waiting" in told["content"] and told["flags"] & EPHEMERAL
        await world.discord.wait_for(lambda: "about **30 credits**" in content_of(world, question))
        asked_again = world.discord.get_message(int(question["id"]))
        shown = button_ids(asked_again)["Confirm"].rsplit(":", 1)[1]
        rows = await world.db.fetch_all("SELECT token FROM pending_requests")
        assert [row[0] for row in rows] == [shown], "one question pending: the one shown"

        confirm = await press(world, asked_again, button_ids(asked_again)["Confirm"])
        assert "queued as job #4" in (await confirm.wait_for_answer(timeout=10))["content"]
        await world.discord.wait_for(lambda: len(world.api.submits) == 1)


async def test_a_mentions_question_asked_again_stays_in_the_servers_language(tmp_path):
    """A mention's question is public and in the server's language (Chinese here): asked again
    after the price rose, from a member's English client, it stays Chinese, buttons and all."""
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        fake.set_preferred_locale("zh-CN")
        async with running_bot(
            tmp_path, fake=fake, plan=NEVER_DONE, message_content_intent=True
        ) as world:
            await set_threshold(world, 5)
            asking = await fake.message_create(
                f"<@{fake.bot_user_id}> a lighthouse in a storm --res 1080p --duration 10"
            )
            question = await fake.wait_for_message(
                predicate=lambda m: (
                    (m.get("message_reference") or {}).get("message_id") == asking["id"]
                )
            )
            assert "\u9884\u8ba1\u82b1\u8d39\u7ea6 **10" in question["content"]
            chinese_buttons = [b["label"] for b in buttons(question)]
            await learned(world, "1080p", 10, 30)

            await press(world, question, button_ids(question)[chinese_buttons[0]], locale="en-US")
            await world.discord.wait_for(lambda: "**30" in content_of(world, question))
            asked_again = world.discord.get_message(int(question["id"]))
            assert "This video is expected" not in asked_again["content"], asked_again["content"]
            assert [b["label"] for b in buttons(asked_again)] == chinese_buttons


async def test_a_public_question_asked_again_pings_nobody_its_prompt_names(tmp_path):
    """A mention's question is public and quotes the prompt: asked again in its place after the
    price rose, an `@everyone`, a role or another member typed into that prompt still pings
    nobody."""
    async with running_bot(tmp_path, plan=NEVER_DONE, message_content_intent=True) as world:
        await set_threshold(world, 5)
        prompt = "@everyone <@&555> <@777> a lighthouse"
        asking = await world.discord.message_create(
            f"<@{world.discord.bot_user_id}> {prompt} --res 1080p --duration 10"
        )
        question = await world.discord.wait_for_message(
            predicate=lambda m: (m.get("message_reference") or {}).get("message_id") == asking["id"]
        )
        await learned(world, "1080p", 10, 30)

        await press(world, question, button_ids(question)["Confirm"])
        await world.discord.wait_for(lambda: "about **30 credits**" in content_of(world, question))
        asked_again = world.discord.get_message(int(question["id"]))
        assert "@everyone" in asked_again["content"], asked_again["content"]
        assert asked_again["mention_everyone"] is False
        assert asked_again["mention_roles"] == [] and asked_again["mentions"] == []


async def test_a_mention_read_by_two_processes_is_asked_once_and_makes_one_video(tmp_path, caplog):
    """A deploy overlap: the same mention reaches the bot twice. Nothing is recorded before
    Confirm, so both readings ask: the channel must show one question, not two public ones
    that the member could confirm one after the other for two videos."""
    caplog.set_level("INFO", logger="cogs.confirm")
    async with running_bot(tmp_path, plan=NEVER_DONE, message_content_intent=True) as world:
        fake = world.discord
        await set_threshold(world, 5)
        asking = await fake.message_create(
            f"<@{fake.bot_user_id}> a lighthouse in a storm --res 4k --duration 10"
        )

        def questions():
            return [
                m
                for m in fake.messages()
                if (m.get("message_reference") or {}).get("message_id") == asking["id"]
            ]

        await fake.wait_for(lambda: len(questions()) == 1, description="the question")
        [frame] = [
            frame
            for _, frame in fake.gateway_dispatched_to
            if frame["t"] == "MESSAGE_CREATE" and frame["d"]["id"] == asking["id"]
        ]
        await fake.dispatch("MESSAGE_CREATE", frame["d"])
        await fake.wait_for(
            lambda: "already asked to confirm by another process" in caplog.text,
            description="the second reading left alone",
        )
        [question] = questions()
        rows = await world.db.fetch_all("SELECT token FROM pending_requests")
        assert [row[0] for row in rows] == [button_ids(question)["Confirm"].rsplit(":", 1)[1]]
        confirm = await press(world, question, button_ids(question)["Confirm"])
        assert "queued as job #1" in (await confirm.wait_for_answer(timeout=10))["content"]
        await world.api.wait_for_submits(1)
        assert await job_count(world) == 1


async def test_a_stop_does_not_wait_for_ever_on_a_question_expiring_on_a_silent_database(
    tmp_path, monkeypatch
):
    """PostgreSQL stops answering as a question's time runs out: its expiry, reading the
    database, is cut off by the stop and does not unwind either. The stop leaves it behind
    instead of waiting until `docker stop` kills the bot; the question is ended by the next
    process when pressed."""
    grace = 1.0
    async with running_bot(
        tmp_path, plan=NEVER_DONE, confirm_timeout=0.3, shutdown_grace=grace
    ) as world:
        await set_threshold(world, 5)
        database = SilentDatabase()
        monkeypatch.setattr(world.bot.moderation.pending, "drop", database.query)
        await ask_video(world, duration=8, resolution="4k")
        await asyncio.wait_for(database.asked.wait(), 5)
        started = asyncio.get_running_loop().time()
        try:
            async with asyncio.timeout(grace + 5):
                await world.bot.close()
        finally:
            database.answer()
        took = asyncio.get_running_loop().time() - started
    assert took < grace + 2.5, f"the stop took {took:.1f}s with SHUTDOWN_GRACE={grace:g}"


async def test_a_clip_put_in_an_image_option_is_explained_with_the_cost_question(tmp_path):
    """An MP4 put in an image option beside a picture, over the server's threshold: the note
    saying the clip is the reference video (which sets the length, and so the cost asked
    about) and the picture a reference image comes with the question, read before Confirm; the
    press's "queued" knows nothing of the options chosen, so it could not say it after."""
    told = (
        "`dance.mp4` is a video, so I'm using it as the reference video, with the picture "
        "beside it as a reference image."
    )
    async with running_bot(tmp_path, plan=NEVER_DONE) as world:
        await set_threshold(world, 5)
        _, question = await ask_video(
            world,
            prompt="make it dance",
            resolution="4k",
            image=world.mp4("dance.mp4"),
            image2=world.png("cat.png"),
        )
        assert "expected to cost up to **15 credits**" in question["content"], question
        assert told in question["content"], question["content"]
        assert [b["label"] for b in buttons(question)] == ["Confirm", "Cancel"]
        confirmed = await press(world, question, button_ids(question)["Confirm"])
        note = (await confirmed.wait_for_answer(timeout=10))["content"]
        assert "queued as job #1" in note, note
        await world.api.wait_for_submits(1)
        [sent] = world.api.submits
        assert sent["generation_type"] == "reference" and len(sent["video_urls"]) == 1


async def test_a_clip_in_an_image_option_is_explained_again_when_its_cost_question_is(tmp_path):
    """The clip's note came with the first question; by the member's press, videos of that kind
    cost more, and the question is asked again in its place. It still says how the clip and
    the picture are used (which set the length, and so the new cost), and in the member's
    language, though the press knows only the request held, not the options chosen."""
    told = "`dance.mp4` 是视频，所以我把它用作参考视频"  # noqa: RUF001
    async with running_bot(tmp_path, plan=NEVER_DONE) as world:
        await set_threshold(world, 5)
        _, question = await ask_video(
            world,
            prompt="make it dance",
            resolution="4k",
            image=world.mp4("dance.mp4"),
            image2=world.png("cat.png"),
            locale="zh-CN",
        )
        assert told in question["content"], question["content"]
        await learned(world, "4k", None, 40)

        await press(world, question, button_ids(question)["确认"], locale="zh-CN")
        # The new figure: "40" alone may be found in the first question's time stamps.
        await world.discord.wait_for(lambda: "预计花费上涨" in content_of(world, question))
        asked_again = content_of(world, question)
        assert "40" in asked_again, asked_again
        assert told in asked_again, asked_again
        assert world.api.submits == []


async def test_a_confirm_refused_for_an_option_reserved_meanwhile_points_to_video(tmp_path):
    """4K was reserved for a role while the question was open: Confirm has no resolution to
    choose, so the refusal sends the member to /video for another, not to a choice here."""
    from tests.cogs.test_moderation import role_option

    async with server(tmp_path, plan=NEVER_DONE) as s:
        await set_threshold(s.world, 5)
        _, question = await ask_video(s.world, duration=10, resolution="4k")
        ids = button_ids(question)
        supporters = role_option(s.world, s.supporter)
        await mod(s, "options restrict", option="resolution:4k", role=supporters)
        confirm = await press(s.world, question, ids["Confirm"])
        refusal = (await confirm.wait_for_answer(timeout=10))["content"]
        assert f"4K is reserved for members with <@&{s.supporter}>" in refusal, refusal
        assert "/video" in refusal and "Choose another" not in refusal, refusal
        assert await job_count(s.world) == 0


async def learn_a_price(world, *, like_job, credits, count=3):
    """`count` finished videos like job `like_job`, each charged `credits`: the median moves."""
    for _ in range(count):
        async with world.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO jobs (guild_id, channel_id, user_id, locale, prompt, duration,"
                " resolution, aspect_ratio, generation_type, image_urls, video_urls, state,"
                " created_at, media_fetched_at, credits_cost, finished_at)"
                " SELECT guild_id, channel_id, user_id, locale, prompt, duration, resolution,"
                " aspect_ratio, generation_type, image_urls, video_urls, 'completed', created_at,"
                " media_fetched_at, ?, ? FROM jobs WHERE id = ?",
                (credits, time.time(), like_job),
            )


async def test_the_status_keeps_the_cost_quoted_though_newer_prices_were_learned(tmp_path):
    """The member was told about 2 credits. Newer videos like it were charged 10 and the bot
    restarted: until APIMart says what it cost, the job's status still says the 2 it quoted,
    not a figure the member never agreed to."""
    async with FakeDiscord(token=BOT_TOKEN) as fake, FakeAPIMart(api_key=API_KEY) as api:
        api.default_plan = NEVER_DONE
        async with running_bot(tmp_path, fake=fake, api=api) as world:
            _, note = await ask_video(world, duration=4, resolution="720p")
            assert "Expected cost: about **2 credits**" in note["content"]
            await api.wait_for_submits(1)
            job = await world.bot.store.get(1)
            status_id = job.status_message_id
            assert status_id is not None
            await learn_a_price(world, like_job=1, credits=10)
        before = fake.get_message(status_id)["content"]
        async with running_bot(tmp_path, fake=fake, api=api) as world:
            await fake.wait_for(
                lambda: fake.get_message(status_id)["content"] != before,
                description="the status edited by the new process",
            )
            status = fake.get_message(status_id)["content"]
            assert "Expected cost: about **2 credits**" in status, status
            # A new video of that kind is quoted what is learned now.
            _, note = await ask_video(world, duration=4, resolution="720p")
            assert "Expected cost: about **10 credits**" in note["content"]


async def test_usage_holds_what_a_video_being_made_was_quoted_after_newer_prices_and_a_restart(
    tmp_path,
):
    """A video quoted about 2 credits is being made; newer ones like it were charged 10 and the
    bot restarted. The moderator's budget still holds the 2 its member was told, not 10: the
    month's figures move when something happens to a job, not when a price is learned."""
    async with FakeDiscord(token=BOT_TOKEN) as fake, FakeAPIMart(api_key=API_KEY) as api:
        api.default_plan = NEVER_DONE
        async with running_bot(tmp_path, fake=fake, api=api) as world:
            owner = world.discord.owner_id
            await command(world, "videomod budget", user=owner, credits=100.0)
            _, note = await ask_video(world, duration=4, resolution="720p")
            assert "Expected cost: about **2 credits**" in note["content"]
            await api.wait_for_submits(1)
            await learn_a_price(world, like_job=1, credits=10)
        async with running_bot(tmp_path, fake=fake, api=api) as world:
            usage = await command(world, "videomod usage", user=owner)
            assert (
                "30 credits spent by this server. Budget left: 68 credits of 100 credits"
                " (2 credits held" in usage
            ), usage
            limits = await command(world, "videomod limits show", user=owner)
            assert "30 of 100 credits used, 2 more held" in limits, limits


async def test_a_video_asked_again_after_its_price_rose_is_not_called_someone_elses(tmp_path):
    """Alice's own /video was asked about at 10 credits over a threshold of 5; the moderator
    then raised it to 50, and by her press videos of that kind cost 30. She agreed to less than
    that, so she is asked again, but the question must not tell her the video is "made again
    with its settings" and "counts as yours": those are the words for another member's video
    made again (Regenerate), not for the video she described herself."""
    async with running_bot(tmp_path, plan=NEVER_DONE) as world:
        await set_threshold(world, 5)
        _, question = await ask_video(world, duration=10, resolution="1080p")
        assert "about **10 credits**" in question["content"]
        await set_threshold(world, 50)
        await learned(world, "1080p", 10, 30)

        await press(world, question, button_ids(question)["Confirm"])
        await world.discord.wait_for(lambda: "about **30 credits**" in content_of(world, question))
        asked_again = content_of(world, question)
        assert "expected cost went up" in asked_again, asked_again
        assert "Made again with its settings" not in asked_again, asked_again
        assert "counts as yours" not in asked_again, asked_again
        assert world.api.submits == [], "nothing made before she confirms"


async def test_a_question_confirmed_after_the_bot_left_its_server_makes_nothing(tmp_path):
    """A costly video asked through the member's own install in a server of the bot is asked
    about under that server's rules. The server then removes the bot: the question's buttons
    still reach it through the member's install, where the member's personal allowance would
    apply, and nothing there ended the question when a job was made from it, so a double
    click made two paid renders of one question. Now the press says the question ended with
    the bot's removal from the server, and nothing is made or counted."""
    async with running_bot(tmp_path, plan=NEVER_DONE, user_install_concurrency=5) as world:
        fake = world.discord
        await set_threshold(world, 5)
        interaction = await fake.slash_command(
            "video",
            {"prompt": "a lighthouse in a storm", "duration": 10, "resolution": "4k"},
            user_install=True,
        )
        question = await interaction.wait_for_answer(timeout=10)
        ids = button_ids(question)
        await fake.remove_bot()
        # A double click: both presses arrive while the question still shows its buttons.
        presses = [
            await press(world, question, ids["Confirm"]),
            await press(world, question, ids["Confirm"]),
        ]
        await fake.wait_for(
            lambda: "removed from this server" in fake.get_message(int(question["id"]))["content"],
            description="the question says it ended with the bot's removal",
        )
        assert buttons(fake.get_message(int(question["id"]))) == []
        for pressed in presses:
            await pressed.wait_for_callback()
        await asyncio.sleep(0.3)  # what a second press might still make
        told = [answer["content"] for pressed in presses for answer in pressed.answers]
        assert not any("queued" in text for text in told), told
        assert world.api.submits == [] and await job_count(world) == 0
        assert await world.db.fetch_all("SELECT token FROM pending_requests") == []


async def test_moderators_job_lines_show_what_a_video_being_made_was_quoted(tmp_path):
    """A video on its way holds what its member was quoted (its status message says it):
    `/videomod jobs` and `usage member:` say that figure beside it too, not nothing, until
    APIMart says what it cost; newer prices learned meanwhile do not move it."""
    async with running_bot(tmp_path, plan=NEVER_DONE) as world:
        owner, user = world.discord.owner_id, world.discord.user_id
        _, note = await ask_video(world, duration=10, resolution="4k")
        assert "Expected cost: about **15 credits**" in note["content"]
        _, note = await ask_video(world, resolution="1080p", video=world.mp4())
        assert "Expected cost: up to **10 credits**" in note["content"]
        await world.api.wait_for_submits(2)
        await learn_a_price(world, like_job=1, credits=30)
        jobs = job_line_of(await command(world, "videomod jobs", user=owner))
        assert jobs[1].endswith(", expected cost about 15 credits, a lighthouse in a storm")
        assert jobs[2].endswith(", expected cost up to 10 credits, a lighthouse in a storm")
        one = await command(world, "videomod usage", user=owner, member=user_option(world, user))
        assert job_line_of(one)[1].endswith(
            ", expected cost about 15 credits, a lighthouse in a storm"
        )
        zh = job_line_of(await command(world, "videomod jobs", user=owner, locale="zh-CN"))
        assert zh[1].endswith("，预计花费约 15 积分，a lighthouse in a storm")  # noqa: RUF001
        tw = job_line_of(await command(world, "videomod jobs", user=owner, locale="zh-TW"))
        assert tw[2].endswith("，預計花費最多 10 點，a lighthouse in a storm")  # noqa: RUF001


def job_line_of(answer):
    """A moderator's job lines by job number."""
    lines = re.findall(r"^`#(\d+)` (.*)$", answer, flags=re.MULTILINE)
    return {int(number): line for number, line in lines}


async def test_a_regenerate_question_that_cannot_be_put_does_not_blame_a_server_threshold(
    tmp_path,
):
    """Bob presses Regenerate on Alice's result in a server with no confirmation threshold:
    he is to be asked its cost first (her settings, counted as his). Discord refuses the
    question's message, so nothing is made; what he is told must not say the video costs
    "more than this server allows without asking" (the server asks nothing), nor send him to
    /video in a server channel (he is in one), in each language."""
    from tests.cogs.test_results import delivered_result

    for locale, server_words, channel_words in (
        ("en-US", "more than this server allows", "in a server channel"),
        ("zh-CN", "本服务器无需确认的上限", "在服务器频道中"),
        ("zh-TW", "本伺服器無需確認的上限", "在伺服器頻道中"),
    ):
        async with running_bot(tmp_path / locale, plan=DONE) as world:
            fake = world.discord
            bob = fake.add_member("bob")
            result = await delivered_result(world, duration=10)
            fake.fail_next(
                "POST", r"^/webhooks/", status=400, code=50035, message="Invalid Form Body"
            )
            click = await fake.component_interaction(
                "video:regen:1", message_id=int(result["id"]), user=bob, locale=locale
            )
            told = await click.wait_for_followup(timeout=10)
            text = told["content"]
            assert server_words not in text, text
            assert channel_words not in text, text
            assert buttons(told) == []
            assert "nothing was made" in text or "没有生成视频" in text or "沒有生成影片" in text
            await asyncio.sleep(0.3)  # what the click might still make
            assert len(world.api.submits) == 1, "nothing made"
            assert await world.db.fetch_all("SELECT token FROM pending_requests") == []


async def test_a_video_waiting_for_the_servers_slot_through_a_members_own_install_says_so(
    tmp_path,
):
    """One video at a time in a server the bot is in; a member's own install alone names the
    command (a server restricting /video under Integrations), so its answer goes back through
    the interaction. Their video waits for the server's rule, not for a busy service: the
    answer says the rule and their place, as a channel's answer does, not "the video service
    is busy"."""
    async with server(tmp_path, plan=NEVER_DONE) as s:
        fake = s.world.discord
        await mod(s, "limits set", server_at_once=1)
        assert "job #1" in await video(s.world, prompt="one")
        await fake.wait_for_message(predicate=lambda m: "Job #1 is being made" in m["content"])
        waiting = await fake.slash_command(
            "video", {"prompt": "two"}, user=s.carol, user_install=True, guild_install=False
        )
        answer = (await waiting.wait_for_answer())["content"]
        assert "job #2" in answer, answer
        assert "busy" not in answer, answer
        assert "This server allows 1 video at a time" in answer, answer
        assert "I'll post it right here (or by direct message" in answer, answer
        assert len(s.world.api.task_ids) == 1, "#2 waits for the server's slot"


def pressable(message):
    """The labels of the buttons a member can still press on `message`."""
    return [b["label"] for b in buttons(message) if not b.get("disabled")]


async def test_confirm_takes_the_questions_buttons_away_before_the_video_is_sent(tmp_path):
    """After Confirm, while the request is still on its way to the video service, the question
    offers no Cancel that could only say "no longer waiting" while the video goes ahead."""
    async with running_bot(tmp_path, plan=NEVER_DONE) as world:
        await set_threshold(world, 5)
        _, question = await ask_video(world, duration=10, resolution="4k")
        world.api.delay_next("submit", 1.5)
        confirm = await press(world, question, button_ids(question)["Confirm"])
        await confirm.wait_for_callback()
        await world.discord.wait_for(
            lambda: pressable(world.discord.get_message(int(question["id"]))) == [],
            timeout=1,
            description="the question's buttons gone",
        )
        assert not confirm.answers, "still on its way to the video service"
        note = (await confirm.wait_for_answer(timeout=10))["content"]
        assert "queued as job #1" in note


async def test_a_cancel_already_on_its_way_after_confirm_says_how_to_stop_the_video(tmp_path):
    """A Cancel pressed right after Confirm (sent before the buttons went) is told the video was
    confirmed and how to stop it, not that the request is "no longer waiting"."""
    async with running_bot(tmp_path, plan=NEVER_DONE) as world:
        await set_threshold(world, 5)
        _, question = await ask_video(world, duration=10, resolution="4k")
        ids = button_ids(question)
        world.api.delay_next("submit", 1.5)
        confirm = await press(world, question, ids["Confirm"])
        async with asyncio.timeout(10):
            while await job_count(world) < 1:  # noqa: ASYNC110
                await asyncio.sleep(0.02)
        cancel = await press(world, question, ids["Cancel"])
        told = await cancel.wait_for_private_answer(timeout=10)
        assert "no longer waiting" not in told
        assert "already confirmed" in told and "job #1" in told, told
        assert "/videos cancel" in told and "status message" in told, told
        await world.api.wait_for_submits(1, timeout=10)
        assert "queued as job #1" in (await confirm.wait_for_answer(timeout=10))["content"]


async def test_a_video_waiting_for_the_servers_slot_that_will_come_by_dm_says_so(tmp_path):
    """As above, but a 4K render read 10 minutes into its command's 15: promised by DM from
    the start, and the answer says the server's rule and that it comes by direct message, not
    "right here"."""
    clock = ShiftedClock()
    async with server(tmp_path, plan=NEVER_DONE, clock=clock) as s:
        fake = s.world.discord
        await mod(s, "limits set", server_at_once=1)
        assert "job #1" in await video(s.world, prompt="one")
        await fake.wait_for_message(predicate=lambda m: "Job #1 is being made" in m["content"])
        clock.offset = 600
        waiting = await fake.slash_command(
            "video",
            {"prompt": "two", "resolution": "4k"},
            user=s.carol,
            user_install=True,
            guild_install=False,
        )
        answer = (await waiting.wait_for_answer())["content"]
        assert "This server allows 1 video at a time" in answer, answer
        assert "to you by direct message" in answer, answer
        assert "right here" not in answer, answer
