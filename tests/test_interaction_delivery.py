"""The private status (a command used where the bot is no member), edited by several processes."""

import asyncio
import re

import aiohttp
import discord.webhook.async_ as webhooks
import pytest

from bot.apimart.models import TaskInfo, VideoRequest
from bot.delivery import as_told
from bot.interaction_delivery import STATUS_EDIT_INTERVAL, RouteDelivery
from bot.jobs.models import DM_TARGET, INTERACTION_TARGET, JobState, Requester
from bot.jobs.poller import DeliveryOutcome, DeliveryResult
from bot.jobs.reply_routes import ReplyRoutes
from bot.jobs.stages import Stage
from bot.jobs.status_marks import StatusMarks
from bot.jobs.store import JobStore
from bot.reach import HAND_OVER_BEFORE, TOKEN_SAFETY_MARGIN, Reply, Route
from bot.status_messages import StatusMessages
from tests.fakes.discord import CALLBACK_CHANNEL_MESSAGE, INTERACTION_APPLICATION_COMMAND
from tests.harness import BOT_TOKEN
from tests.jobstates import claimed, finished, submitted


async def asked_without_the_bot(store, routes, clock, fake):
    """/video through the member's own install in a server without the bot, answered
    privately and sent to APIMart: the interaction, and the job as stored."""
    foreign = fake.add_guild("Friends", bot_member=False)
    interaction = fake._new_interaction(
        INTERACTION_APPLICATION_COMMAND,
        {"id": "1", "name": "video", "type": 1, "options": []},
        user_id=None,
        channel_id=None,
        guild_id=foreign,
        dm=False,
        locale="en-US",
        app_permissions=None,
        member_permissions=None,
        user_install=True,
    )
    callback = f"{fake.api_base}/interactions/{interaction.id}/{interaction.token}/callback"
    answer = {"type": CALLBACK_CHANNEL_MESSAGE, "data": {"content": "Queued", "flags": 64}}
    headers = {"Authorization": f"Bot {BOT_TOKEN}"}
    async with aiohttp.ClientSession() as http, http.post(callback, json=answer, headers=headers):
        pass
    reply = Reply(Route.INTERACTION, token=interaction.token, expires_at=clock() + 900)
    requester = Requester(
        user_id=fake.user_id, channel_id=interaction.channel_id, guild_id=foreign, reply=reply
    )
    job = await store.create(
        requester, VideoRequest(prompt="a kite"), now=clock(), submit_by=clock()
    )
    job = await submitted(store, job, now=clock())
    await routes.set_interaction_message(job.id, interaction.original_message_id)
    return interaction, await store.get(job.id)


def private_status(client, store, marks, routes, clock):
    status_text = StatusMessages(client, store, marks, clock=clock).render
    return RouteDelivery(client, store, routes, status_text=status_text, clock=clock)


class _HeldRetries:
    """`asyncio` as discord.py's webhook code sees it: the wait after a 429 lasts until
    `release()`, so a test decides when the retried edit reaches Discord."""

    def __init__(self):
        self._released = asyncio.Event()

    def __getattr__(self, name):
        return getattr(asyncio, name)

    async def sleep(self, delay, result=None):
        await self._released.wait()
        return result

    def release(self):
        self._released.set()


async def in_another_process(work):
    """Await `work` with discord.py's webhook state of its own, as another process has: it
    does not queue behind this process's calls through the same interaction."""

    async def run():
        webhooks.async_context.set(webhooks.AsyncWebhookAdapter())
        return await work

    return await asyncio.create_task(run())


def _two_processes(db, store, clock, client, monkeypatch, marks, reply_routes):
    """Process A (`store`) and process B (a store of its own) on one database, each with its
    private status route, and discord.py's 429 retries held until released: B's store, A's
    and B's routes, and the hold."""
    store_b = JobStore(db, clock=clock)
    routes_a = private_status(client, store, marks, reply_routes, clock)
    routes_b = private_status(client, store_b, StatusMarks(db, clock=clock), ReplyRoutes(db), clock)
    held = _HeldRetries()
    monkeypatch.setattr(webhooks, "asyncio", held)
    return store_b, routes_a, routes_b, held


async def _progress_edit_met_by_a_429(fake, interaction, store, routes, job, clock):
    """The process of `store` and `routes` edits the private status to 40 %, and Discord
    answers that edit 429 (discord.py waits, then retries): the failure it met."""
    limited = fake.fail_next(
        "PATCH", rf"/webhooks/\d+/{interaction.token}/messages/", 429, retry_after=1
    )
    claim = await claimed(store, job.id, Stage.POLL)
    info = TaskInfo(task_id=claim.task_id, status="processing", progress=40)
    await routes.progress(await store.record_progress(claim, info, next_poll_at=clock()))
    return limited


@pytest.mark.parametrize("answer", ["given", "lost"])
async def test_a_progress_edit_held_up_by_discord_does_not_undo_another_processs_last_edit(
    db, store, clock, fake, client, monkeypatch, marks, reply_routes, answer
):
    """Process A edits the member's private status to 40 % and meets a 429 (discord.py waits,
    then retries); meanwhile process B posts the video through the interaction and ends the
    status. A's older edit reaches Discord after B's: "rendering" must not stay beside the
    posted video. With its answer lost on the way back (the connection drops), A cannot tell
    it landed, and looks at the job all the same."""
    interaction, job = await asked_without_the_bot(store, reply_routes, clock, fake)
    store_b, routes_a, routes_b, held = _two_processes(
        db, store, clock, client, monkeypatch, marks, reply_routes
    )
    limited = await _progress_edit_met_by_a_429(fake, interaction, store, routes_a, job, clock)
    lost = None
    try:
        await fake.wait_for(lambda: limited.hits == 1, 5.0, description="A's edit, answered 429")
        done = await finished(store_b, job, JobState.COMPLETED, now=clock())
        delivering = await claimed(store_b, done.id, Stage.DELIVER)
        posted = DeliveryResult(DeliveryOutcome.DELIVERED, fake.new_snowflake())
        told = as_told(delivering, posted, INTERACTION_TARGET, now=clock())
        # As B's poller does: the delivery written down, then the status's last edit.
        assert await store_b.mark_delivered(delivering, now=clock(), message_id=posted.message_id)
        await in_another_process(routes_b.show_final(told, forget_token=True))
        assert "is done" in interaction.original_message["content"]
        if answer == "lost":
            lost = fake.lose_answer_next("PATCH", rf"/webhooks/\d+/{interaction.token}/messages/")
    finally:
        held.release()
        await routes_a.close(grace=5)
    if lost is not None:
        assert lost.hits == 1, "A's retried edit was made, its answer lost"
    content = interaction.original_message["content"]
    assert "40%" not in content, "A's edit landed late, and was put right"
    assert "is done" in content, content
    assert fake.expired_webhook_calls == []


async def test_a_progress_edit_held_up_by_discord_does_not_cover_the_note_that_it_goes_by_dm(
    db, store, clock, fake, client, monkeypatch, marks, reply_routes
):
    """Process B edits the member's private status to 40 % and meets a 429 (discord.py waits,
    then retries); meanwhile the interaction nears its end, and process A's check hands the
    job over: its last edit says the video will come by DM, and the token is forgotten. B's
    older edit reaches Discord after A's: the note must still be what the member reads (no
    later edit would come to put it right)."""
    interaction, job = await asked_without_the_bot(store, reply_routes, clock, fake)
    store_b, routes_a, routes_b, held = _two_processes(
        db, store, clock, client, monkeypatch, marks, reply_routes
    )
    limited = await _progress_edit_met_by_a_429(fake, interaction, store_b, routes_b, job, clock)
    try:
        await fake.wait_for(lambda: limited.hits == 1, 5.0, description="B's edit, answered 429")
        clock.advance(900 - TOKEN_SAFETY_MARGIN - HAND_OVER_BEFORE / 2)  # the last stretch
        await in_another_process(routes_a.progress(await store.get(job.id)))
        await fake.wait_for(
            lambda: "direct message" in interaction.original_message["content"],
            5.0,
            description="A's hand-over note",
        )
    finally:
        held.release()
        await routes_b.close(grace=5)
        await routes_a.close(grace=5)
    content = interaction.original_message["content"]
    assert "40%" not in content, "B's edit landed late, and was put right"
    assert "direct message" in content, content
    assert (await store.get(job.id)).requester.reply.route is Route.DM
    assert fake.expired_webhook_calls == []


async def test_a_private_status_ended_later_still_says_the_private_video_was_copied_by_dm(
    db, store, clock, fake, client, marks, reply_routes
):
    """Discord made the result private (the server began blocking external apps) and a copy
    went by DM; the private status's last edit failed for a while. Made again from what is
    stored, by the minute's look, it still says the video is below, seen only by the member,
    and copied to their DMs (not "sent by DM" instead, nor only "posted below")."""
    interaction, job = await asked_without_the_bot(store, reply_routes, clock, fake)
    routes = private_status(client, store, marks, reply_routes, clock)
    info = TaskInfo(
        task_id=job.task_id,
        status="completed",
        progress=100,
        video_url="https://upload.apimart.ai/v.mp4",
        expires_at=int(clock()) + 86_400,
    )
    done = await finished(store, job, JobState.COMPLETED, now=clock(), info=info)
    claim = await claimed(store, done.id, Stage.DELIVER)
    await reply_routes.mark_private(done.id)
    assert await store.begin_delivery(claim, now=clock(), target=DM_TARGET)
    assert await store.mark_delivered(claim, now=clock(), message_id=fake.new_snowflake())
    assert await routes.end_private_statuses_owed() == 1
    content = interaction.original_message["content"]
    assert "your video is posted below" in content, content
    assert "only to you" in content and "sent you a copy by direct message" in content
    assert (await store.get(job.id)).requester.reply.token is None, "ended: token forgotten"


async def test_a_hand_over_cut_short_by_a_crash_is_made_by_the_next_process(
    db, store, clock, fake, client, marks, reply_routes
):
    """A process takes a long render's hand-over to DM in the token's last stretch and is
    killed before its note leaves: the private status shows "rendering 40%". The next process's
    first round (the status sweep's, at its start) makes that note while the token lasts, so
    the member does not read "rendering" for good while the video comes by DM."""
    interaction, job = await asked_without_the_bot(store, reply_routes, clock, fake)
    killed = private_status(client, store, marks, reply_routes, clock)
    claim = await claimed(store, job.id, Stage.POLL)
    info = TaskInfo(task_id=claim.task_id, status="processing", progress=40)
    await killed.progress(await store.record_progress(claim, info, next_poll_at=clock()))
    await interaction.wait_for_original(lambda m: "40%" in m["content"], timeout=5)
    await killed.close(grace=5)
    clock.advance(900 - TOKEN_SAFETY_MARGIN - HAND_OVER_BEFORE / 2)  # the last stretch
    # As far as the killed process got: the hand-over taken, its note never sent.
    assert await reply_routes.take_hand_over(job.id) is not None
    restarted = private_status(
        client, JobStore(db, clock=clock), StatusMarks(db, clock=clock), ReplyRoutes(db), clock
    )
    try:
        assert await restarted.each_round() == 1
        await interaction.wait_for_original(lambda m: "direct message" in m["content"], timeout=5)
    finally:
        await restarted.close(grace=5)
    assert "40%" not in interaction.original_message["content"]
    reply = (await store.get(job.id)).requester.reply
    assert reply.route is Route.DM and reply.token is None, "the note made, the token forgotten"
    assert fake.expired_webhook_calls == []


async def test_a_private_status_deleted_by_a_moderator_is_not_edited_again(
    db, store, clock, fake, client, marks, reply_routes
):
    """The member's answer under the command (public: the server allows external apps) is
    deleted by a moderator while the video renders. Discord answers the next progress edit 404,
    and would answer every later one the same: each refused edit counts toward Discord's ban of
    invalid requests, so the status is not edited again (the video still comes)."""
    interaction, job = await asked_without_the_bot(store, reply_routes, clock, fake)
    routes = private_status(client, store, marks, reply_routes, clock)
    edits = rf"PATCH /webhooks/\d+/{interaction.token}/messages/"

    def refused_edits():
        return [
            r
            for r in fake.requests
            if re.fullmatch(edits + r"\d+", f"{r.method} {r.path}") and r.status == 404
        ]

    claim = await claimed(store, job.id, Stage.POLL)
    fake.delete_message(interaction.original_message_id)
    try:
        for progress in (40, 60, 80):
            info = TaskInfo(task_id=claim.task_id, status="processing", progress=progress)
            claim = await store.record_progress(claim, info, next_poll_at=clock())
            await routes.progress(claim)
            await fake.wait_for(
                lambda: job.id not in routes._edits, 5.0, description="the edit round's end"
            )
            clock.advance(STATUS_EDIT_INTERVAL + 1)
    finally:
        await routes.close(grace=5)
    # Another process (or the next one) hands the long render over to a DM: no note there.
    clock.advance(900 - TOKEN_SAFETY_MARGIN - HAND_OVER_BEFORE / 2)  # the last stretch
    other = private_status(
        client, JobStore(db, clock=clock), StatusMarks(db, clock=clock), ReplyRoutes(db), clock
    )
    try:
        assert await other.each_round() == 1
        await fake.wait_for(
            lambda: job.id not in other._edits, 5.0, description="the hand-over's end"
        )
    finally:
        await other.close(grace=5)
    assert len(refused_edits()) == 1, "refused once, never edited again"
    reply = (await store.get(job.id)).requester.reply
    assert reply.route is Route.DM and reply.token is None, "the video comes by DM"
