"""Cancelling: what APIMart was asked to make keeps counting, and a cancelled video is never posted.

Through the real commands: the bot on a fake Discord, renders on a fake APIMart.
"""

import asyncio
import json

import pytest

from tests.cogs.test_moderation import (
    channel_option,
    command,
    mod,
    morning_clock,
    server,
    user_option,
    video,
)
from tests.engine.world import is_result
from tests.fakes.apimart import TaskPlan
from tests.fakes.components import is_layout, shown_text
from tests.fakes.discord import FakeDiscord
from tests.harness import BOT_TOKEN, running_bot

RENDERS_UNTIL_TOLD = TaskPlan(polls_until_done=None, credits_cost=4)
QUICK = TaskPlan(polls_until_done=2, credits_cost=4)


async def cancel(world, job_id, *, locale="en-US"):
    """The member cancels one of their jobs; returns what they read."""
    return await command(
        world, "videos cancel", user=world.discord.user_id, locale=locale, job=job_id
    )


async def quota(world):
    return await command(world, "videos quota", user=world.discord.user_id)


def has_footer(message, job_id):
    return is_result(job_id)(message)


async def finish_then_wait_for_a_later_result(world, task, later_job_id, *, user=None):
    """APIMart finishes `task`; then a later video is asked for and posted, so every poller
    round that could have posted `task`'s job has run by the time this returns."""
    polls = task.polls
    task.complete()
    await world.api.wait_until(lambda: task.polls > polls, what="the completing poll")
    world.api.default_plan = QUICK
    assert "queued" in await video(world, user=user, prompt="a later video")
    return await world.discord.wait_for_message(
        predicate=lambda m: bool(m.get("attachments")) and has_footer(m, later_job_id)
    )


async def test_twelve_cancels_of_accepted_renders_use_up_a_5_a_day_allowance(tmp_path):
    """The member behind the report: /video 4K 10 s then /videos cancel, twelve times."""
    async with running_bot(tmp_path, plan=RENDERS_UNTIL_TOLD) as world:
        answers, cancels = [], []
        for attempt in range(1, 13):
            answer = await video(world, prompt="a dragon", resolution="4k", duration=10)
            answers.append(answer)
            if "queued" in answer:
                cancels.append(await cancel(world, attempt))
        assert ["queued" in answer for answer in answers] == [True] * 5 + [False] * 7
        assert "used all your videos today (5 videos)" in answers[5]
        assert len(world.api.task_ids) == 5, "only five renders ever reached APIMart"
        for job_id, told in enumerate(cancels, start=1):
            assert f"Job #{job_id} is cancelled: it won't be posted." in told
            assert "already being made, so it still counts toward your allowance" in told
        assert "**0 videos** left today (out of 5)" in await quota(world)


async def test_the_cancel_answer_says_it_still_counts_in_chinese_too(tmp_path):
    async with running_bot(tmp_path, plan=RENDERS_UNTIL_TOLD) as world:
        await video(world)
        told = await cancel(world, 1, locale="zh-CN")
        assert "任务 #1 已取消" in told and "仍计入你的额度" in told


async def test_a_cancelled_render_is_never_posted_and_its_credits_count(tmp_path):
    async with server(tmp_path, plan=RENDERS_UNTIL_TOLD) as s:
        world = s.world
        await video(world, prompt="a secret cat")
        status = await world.discord.wait_for_message(
            predicate=lambda m: "a secret cat" in m["content"]
        )
        await cancel(world, 1)
        cancelled_task = world.api.last_task
        await finish_then_wait_for_a_later_result(world, cancelled_task, 2)
        assert not any(has_footer(m, 1) for m in world.discord.messages()), "never posted"
        shown = world.discord.get_message(int(status["id"]))["content"]
        assert "was cancelled" in shown
        assert "a secret cat" in shown, "her own cancel keeps her prompt"
        job = await world.bot.store.get(1)
        assert job.credits_cost == 4, "polled quietly until APIMart reported its credits"
        assert f"1. <@{s.alice}>: 2 videos, 8 credits" in await mod(s, "usage")
        standing = await mod(s, "usage", member=user_option(world, s.alice))
        assert "has used 2 of 5 videos" in standing and "8 credits" in standing
        assert "`#1`" in standing and "cancelled (still counts), 4 credits" in standing
        await mod(s, "budget", credits=8)
        refused = await video(world, prompt="one more")
        assert "budget for the month is used up (8 of 8 credits)" in refused


@pytest.mark.parametrize("wait", ["0", "120"], ids=["wait-over", "during-the-wait"])
async def test_a_job_still_waiting_to_be_sent_is_cancelled_and_refunded(tmp_path, wait):
    """APIMart's 429 accepted nothing: the job waits unsent (in the database, never in the
    bot's sleep, even through APIMart's longest wait), so a cancel meanwhile refunds it."""
    async with running_bot(tmp_path, plan=RENDERS_UNTIL_TOLD) as world:
        world.api.fail_next("submit", status=429, retry_after_header=wait)
        assert "saved and waiting" in await video(world)
        told = await cancel(world, 1)
        assert "Job #1 is cancelled" in told
        assert "never sent to the video service, so it doesn't count" in told
        assert "**5 videos** left today (out of 5)" in await quota(world)
        assert world.api.task_ids == []


async def test_status_and_history_show_a_cancelled_render_as_still_counted(tmp_path):
    async with running_bot(tmp_path, plan=RENDERS_UNTIL_TOLD) as world:
        await video(world, prompt="a dragon")
        await cancel(world, 1)
        status = await command(world, "videos status", user=world.discord.user_id, job=1)
        assert "cancelled (still counts)" in status
        assert "you cancelled it" in status and "still counts toward your allowance" in status
        interaction = await world.discord.slash_command("videos history")
        history = await interaction.wait_for_private_answer()
        assert "**#1** · cancelled (still counts)" in history
        again = await cancel(world, 1)
        assert "already cancelled" in again


async def test_a_moderator_cancel_of_an_accepted_render_still_counts(tmp_path):
    async with server(tmp_path, plan=RENDERS_UNTIL_TOLD) as s:
        world = s.world
        await video(world, prompt="a secret cat")
        answer = await mod(s, "cancel", job=1)
        assert f"cancelled job #1 of <@{s.alice}>" in answer
        assert "still counts against them" in answer
        notice = await world.discord.wait_for_message(
            predicate=lambda m: is_layout(m) and "job #1 was cancelled" in shown_text(m)
        )
        assert f"<@{s.alice}>" in shown_text(notice) and "a moderator cancelled it" in shown_text(
            notice
        )
        assert "still counts toward your allowance" in shown_text(notice)
        await finish_then_wait_for_a_later_result(world, world.api.task(world.api.task_ids[0]), 2)
        assert not any(m.get("attachments") and has_footer(m, 1) for m in world.discord.messages())
        assert "**3 videos** left today (out of 5)" in await quota(world)
        assert "is cancelled (still counts), so it can no longer be cancelled" in await mod(
            s, "cancel", job=1
        )


async def test_a_moderator_cancel_of_a_job_never_sent_refunds_it(tmp_path):
    async with server(tmp_path, plan=RENDERS_UNTIL_TOLD) as s:
        s.world.api.fail_next("submit", status=429, retry_after_header="0")
        assert "saved and waiting" in await video(s.world)
        answer = await mod(s, "cancel", job=1)
        assert "never sent to the video service, so it doesn't count against them" in answer
        assert "**5 videos** left today (out of 5)" in await quota(s.world)


async def test_a_block_cancels_the_members_jobs_by_the_same_rule(tmp_path):
    async with server(tmp_path, plan=RENDERS_UNTIL_TOLD) as s:
        world = s.world
        await video(world, prompt="first")  # APIMart has it
        world.api.fail_next("submit", status=429, retry_after_header="0")
        assert "saved and waiting" in await video(world, prompt="second")  # never sent
        answer = await mod(s, "block", member=user_option(world, s.alice), reason="spam")
        assert f"blocked <@{s.alice}>" in answer
        assert "never sent, so they don't count: #2" in answer
        assert "already being made, so they still count: #1" in answer
        notice = await world.discord.wait_for_message(
            predicate=lambda m: is_layout(m) and "job #1 was cancelled" in shown_text(m)
        )
        # Posted where others read it: who cancelled, not that the member was blocked.
        assert "a moderator cancelled it" in shown_text(notice)
        assert "blocked" not in shown_text(notice) and "spam" not in shown_text(notice)
        await finish_then_wait_for_a_later_result(
            world, world.api.task(world.api.task_ids[0]), 3, user=s.carol
        )
        assert not any(m.get("attachments") and has_footer(m, 1) for m in world.discord.messages())
        assert len(world.api.task_ids) == 2, "the blocked member's waiting job was never sent"
        await mod(s, "unblock", member=user_option(world, s.alice))
        assert "**4 videos** left today (out of 5)" in await quota(world)
        usage = await mod(s, "usage")
        assert f"<@{s.alice}>: 1 video, 4 credits" in usage


async def test_a_submit_whose_answer_was_lost_counts_and_the_member_is_told(tmp_path):
    async with running_bot(tmp_path, plan=RENDERS_UNTIL_TOLD) as world:
        world.api.reset_next("submit")
        told = await video(world)
        assert "can't tell whether" in told and "it counts toward your allowance" in told
        assert "**4 videos** left today (out of 5)" in await quota(world)


async def operator_blocks(world, operator, user):
    """The operator runs `/videoowner block` on `user` (reason "spam"); what they read."""
    fake = world.discord
    block = await fake.slash_command(
        "videoowner block",
        [
            {"name": "user", "type": 6, "value": str(user)},
            {"name": "reason", "type": 3, "value": "spam"},
        ],
        resolved={"users": {str(user): fake.user(user)}},
        dm=True,
        user=operator,
    )
    return (await block.wait_for_answer())["content"]


async def test_the_operators_block_cancels_the_users_jobs_everywhere_by_the_same_rule(tmp_path):
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        operator = fake.add_user("operator")
        carol = fake.add_member("carol")
        plan = RENDERS_UNTIL_TOLD
        async with running_bot(tmp_path, plan=plan, fake=fake, owner_ids=(operator,)) as world:
            alice = fake.user_id
            await video(world, prompt="in the server")  # APIMart has it
            world.api.fail_next("submit", status=429, retry_after_header="0")
            waiting = await fake.slash_command("video", {"prompt": "in the DM"}, dm=True)
            assert "saved and waiting" in (await waiting.wait_for_answer())["content"]
            answer = await operator_blocks(world, operator, alice)
            assert "blocked from making videos everywhere" in answer
            assert "never sent, so they don't count: #2" in answer
            assert "already being made, so they still count: #1" in answer
            notice = await fake.wait_for_message(
                predicate=lambda m: is_layout(m) and "job #1 was cancelled" in shown_text(m)
            )
            assert "the bot's operators cancelled it" in shown_text(notice)
            await finish_then_wait_for_a_later_result(
                world, world.api.task(world.api.task_ids[0]), 3, user=carol
            )
            assert not any(m.get("attachments") and has_footer(m, 1) for m in fake.messages())
            assert len(world.api.task_ids) == 2, "the DM job waiting to be sent never was"


async def test_the_operators_block_cancelling_a_servers_jobs_is_in_that_servers_audit(tmp_path):
    """The server's moderators read who cancelled their member's job #1, in `/videomod audit`
    and the mod-log, as they would their own block; not the user's DM job (#2), which is none
    of theirs."""
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        operator = fake.add_user("operator")
        modlog = fake.add_text_channel("mod-log")
        plan = RENDERS_UNTIL_TOLD
        async with running_bot(tmp_path, plan=plan, fake=fake, owner_ids=(operator,)) as world:
            alice, owner = fake.user_id, fake.owner_id
            await command(
                world, "videomod modlog", user=owner, channel=channel_option(world, modlog)
            )
            await video(world, prompt="in the server")  # APIMart has it
            world.api.fail_next("submit", status=429, retry_after_header="0")
            waiting = await fake.slash_command("video", {"prompt": "in the DM"}, dm=True)
            assert "saved and waiting" in (await waiting.wait_for_answer())["content"]

            await operator_blocks(world, operator, alice)
            told = await fake.wait_for_message(
                channel_id=modlog, predicate=lambda m: "operator" in m["content"]
            )
            line = told["content"]
            assert f"The bot's operator blocked <@{alice}> from making videos everywhere" in line
            assert "(reason: spam)" in line and "they still count: #1." in line
            assert "#2" not in line
            assert line in await command(world, "videomod audit", user=owner)


async def test_a_cancel_while_the_job_is_being_sent_says_so_and_it_is_never_posted(tmp_path):
    async with running_bot(tmp_path, plan=RENDERS_UNTIL_TOLD) as world:
        world.api.delay_next("submit", 1.0)
        asking = await world.discord.slash_command("video", {"prompt": "a slow submit"})
        await world.api.wait_for_submits(1)  # on its way to APIMart
        told = await cancel(world, 1)
        assert "Job #1 is cancelled: it won't be posted" in told
        assert "being sent to the video service just then" in told
        answer = (await asking.wait_for_answer())["content"]
        assert "job #1 was cancelled: you cancelled it" in answer and "queued" not in answer
        await finish_then_wait_for_a_later_result(world, world.api.task(world.api.task_ids[0]), 2)
        assert not any(has_footer(m, 1) for m in world.discord.messages()), "never posted"
        assert "**3 videos** left today (out of 5)" in await quota(world), "APIMart had it"


async def test_a_cancel_before_the_command_sends_its_job_is_not_answered_queued(tmp_path):
    """The status message is up; the member cancels before their own command sends the job.
    The command's answer must not then say it is queued and will be posted."""
    async with running_bot(tmp_path, plan=RENDERS_UNTIL_TOLD) as world:
        service = world.bot.jobs
        submit = service.submit
        told = []

        async def cancelled_first(job, *, member_present):
            told.append(await cancel(world, job.id))
            return await submit(job, member_present=member_present)

        service.submit = cancelled_first
        answer = await video(world, prompt="never mind")
        [cancelled] = told
        assert "doesn't count" in cancelled
        assert world.api.task_ids == [], "nothing was sent"
        assert "queued" not in answer and "I'll post it" not in answer, answer
        assert "cancelled" in answer


async def until(condition, what):
    """Wait (a few seconds at most) until `condition()`, an awaitable, holds."""
    for _ in range(500):
        if await condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"never happened: {what}")


async def test_a_block_keeps_a_finished_video_not_yet_posted_from_being_posted(tmp_path):
    """APIMart finished alice's video, but Discord failed its first post (a 503): the delivery
    will try again. A moderator blocks her meanwhile: the retry never posts the video, the
    moderator's answer lists it (made, so it counts), the channel's status and her own
    /videos status say it was not posted."""
    clock = morning_clock()
    async with server(tmp_path, plan=RENDERS_UNTIL_TOLD, clock=clock) as s:
        world, fake = s.world, s.world.discord
        await video(world, prompt="an abusive video")
        status = await fake.wait_for_message(predicate=lambda m: "an abusive video" in m["content"])
        refused = await _made_but_its_first_post_failed(world, clock)
        assert refused.hits == 1
        answer = await mod(s, "block", member=user_option(world, s.alice), reason="abuse")
        assert f"blocked <@{s.alice}>" in answer
        assert "#1" in answer and "made but not posted yet" in answer, answer
        clock.advance(3600)  # past the retry's backoff
        world.bot.poller.wake()
        notice = await fake.wait_for_message(
            predicate=lambda m: is_layout(m) and "job #1 was cancelled" in shown_text(m)
        )
        # Posted where others read it: who stopped it, not that the member was blocked.
        assert "a moderator cancelled it" in shown_text(notice)
        assert "abuse" not in shown_text(notice)
        assert not any(m.get("attachments") and has_footer(m, 1) for m in fake.messages())

        async def status_final():
            return "was cancelled" in fake.get_message(int(status["id"]))["content"]

        await until(status_final, "the status saying it was cancelled")
        job = await world.bot.store.get(1)
        assert job.credits_cost == 4 and job.counts, "made and billed: it still counts"
        mine = await command(world, "videos status", user=s.alice, job=1)
        assert "cancelled (still counts)" in mine
        assert "a moderator blocked you from making videos" in mine
        assert "won't be posted" in mine


async def test_a_moderator_cancel_keeps_a_finished_video_not_yet_posted_from_being_posted(
    tmp_path,
):
    """APIMart finished alice's video, but Discord failed its first post: `/videomod jobs`
    lists it as done, not posted. A moderator cancels it: as a block would, the retry never
    posts it, and the answer says it was made (so it counts) and won't be posted, not that it
    "can no longer be cancelled" while it was still to come."""
    clock = morning_clock()
    async with server(tmp_path, plan=RENDERS_UNTIL_TOLD, clock=clock) as s:
        world, fake = s.world, s.world.discord
        await video(world, prompt="an abusive video")
        await _made_but_its_first_post_failed(world, clock)
        answer = await mod(s, "cancel", job=1)
        assert f"cancelled job #1 of <@{s.alice}>" in answer, answer
        assert "won't be posted" in answer and "still counts" in answer, answer
        clock.advance(3600)  # past the retry's backoff
        world.bot.poller.wake()
        notice = await fake.wait_for_message(
            predicate=lambda m: is_layout(m) and "job #1 was cancelled" in shown_text(m)
        )
        assert "a moderator cancelled it" in shown_text(notice)
        assert not any(m.get("attachments") and has_footer(m, 1) for m in fake.messages())
        assert "cancelled (still counts)" in await command(
            world, "videos status", user=s.alice, job=1
        )
        assert "cancelled job #1" in await mod(s, "audit")


@pytest.mark.parametrize(
    ("locale", "who"), [("en-US", "a moderator cancelled it"), ("zh-CN", "管理员取消了它")]
)
async def test_a_block_takes_the_members_prompt_and_images_off_the_bots_messages(
    tmp_path, locale, who
):
    """Alice's prompt was the abuse: once a moderator blocks her, the channel's status of her
    render and the notice that it was cancelled show neither the prompt nor her picture's
    link, only that a moderator cancelled it; moderators still read the prompt in
    /videomod jobs."""
    async with server(tmp_path, plan=RENDERS_UNTIL_TOLD) as s:
        world, fake = s.world, s.world.discord
        prompt = "an insult to the channel"
        face = world.png("face.png")
        interaction = await fake.slash_command(
            "video", options={"prompt": prompt, "image": face}, user=s.alice, locale=locale
        )
        await interaction.wait_for_answer()
        status = await fake.wait_for_message(predicate=lambda m: prompt in m["content"])
        await world.api.wait_for_polls(1)
        await mod(s, "block", member=user_option(world, s.alice), reason="abuse")
        world.bot.poller.wake()
        notice = await fake.wait_for_message(predicate=lambda m: is_layout(m) and "#1" in str(m))

        async def status_final():
            return who in fake.get_message(int(status["id"]))["content"]

        await until(status_final, "the status saying a moderator cancelled it")
        for message in (fake.get_message(int(status["id"])), fake.get_message(int(notice["id"]))):
            assert prompt not in shown_text(message), message
            assert face.url not in str(message), message
        assert who in shown_text(notice)
        assert prompt in await mod(s, "jobs"), "moderators still read what was asked"


async def _made_but_its_first_post_failed(world, clock):
    """APIMart finishes job #1 and Discord fails its first post (a 503): once the failure is
    written down for a retry, the failure it met."""
    fake = world.discord
    refused = fake.fail_next("POST", rf"/channels/{fake.channel_id}/messages", status=503)
    world.api.last_task.complete()
    clock.advance(60)  # the render
    world.bot.poller.wake()

    async def retry_written():
        row = await world.db.fetch_one(
            "SELECT delivery_attempts, lease_owner FROM jobs WHERE id = 1"
        )
        return row[0] == 1 and row[1] is None

    await until(retry_written, "the failed post written down for a retry")
    return refused


async def test_a_moderator_cancel_with_a_reason_shows_it_in_the_mod_log_without_pings(tmp_path):
    """`/videomod cancel reason:` is kept with the cancel: in the answer, the audit and the
    mod-log, cut to its length and never pinging anyone it names."""
    async with server(tmp_path, plan=RENDERS_UNTIL_TOLD) as s:
        world = s.world
        await mod(s, "modlog", channel=channel_option(world, s.modlog))
        await video(world, prompt="a secret cat")
        reason = "off-topic here @everyone <@&1>"
        answer = await mod(s, "cancel", job=1, reason=reason)
        assert f"cancelled job #1 of <@{s.alice}>" in answer
        assert f"(reason: {reason})" in answer, answer
        posted = await world.discord.wait_for_message(
            channel_id=s.modlog, predicate=lambda m: "cancelled job #1" in m["content"]
        )
        assert f"(reason: {reason})" in posted["content"]
        assert posted["mention_everyone"] is False and posted["mention_roles"] == []
        assert f"(reason: {reason})" in await mod(s, "audit")


# APIMart's gateway timed out on the submit (HTTP 200): the task may exist, so the job's
# outcome is unknown (`submit_unknown`), never sent again, and counted.
SUBMIT_TIMED_OUT = {"error": {"message": "upstream timed out", "type": "timeout_error"}}


@pytest.mark.parametrize(
    ("ending", "name", "zh_name"),
    [
        ("given up on", "timed out (still counts)", "超时（仍计入额度）"),  # noqa: RUF001
        ("submit answer lost", "unknown (still counts)", "未知（仍计入额度）"),  # noqa: RUF001
    ],
)
async def test_status_history_and_jobs_say_a_timed_out_or_unknown_job_still_counts(
    tmp_path, ending, name, zh_name
):
    """A render the bot gave up on (APIMart may still make and bill it), or one whose submit
    got no answer (it may be made): the member's notice says it still counts, and /videos
    quota counts it. /videos status, /videos history and /videomod jobs name its state the
    same way, as they do a charged failure ("failed (still counts)"), not a bare "timed out"
    or "unknown" that leaves the member guessing whether it took one of their videos."""
    async with server(tmp_path, plan=RENDERS_UNTIL_TOLD, task_timeout=1.0) as s:
        world = s.world
        if ending == "submit answer lost":
            world.api.malformed_next("submit", body=json.dumps(SUBMIT_TIMED_OUT))
            assert "counts toward your allowance" in await video(world, prompt="a dragon")
        else:
            assert "queued" in await video(world, prompt="a dragon")
            await world.discord.wait_for_message(
                predicate=lambda m: (
                    "#1" in m["content"] + shown_text(m)
                    and "still counts" in m["content"] + shown_text(m)
                ),
                timeout=10,
            )
        assert "**4 videos** left today (out of 5)" in await quota(world)
        status = await command(world, "videos status", user=world.discord.user_id, job=1)
        assert name in status, status
        history = await command(world, "videos history", user=world.discord.user_id)
        assert f"**#1** · {name}" in history, history
        assert name in await mod(s, "jobs")
        in_chinese = await command(
            world, "videos history", user=world.discord.user_id, locale="zh-CN"
        )
        assert zh_name in in_chinese, in_chinese
