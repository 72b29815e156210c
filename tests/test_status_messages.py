"""The status message: edited as a job advances, throttled, in order, never for nothing."""

import asyncio
import contextlib
import dataclasses
import sqlite3
import time

import discord
import pytest

from bot.apimart.models import TaskInfo, VideoRequest
from bot.delivery import result_nonce
from bot.discord_pacing import GlobalWindow, pace_requests
from bot.jobs.models import JobState, Requester
from bot.jobs.stages import Stage
from bot.jobs.status_marks import StatusMarks
from bot.jobs.store import JobStore
from bot.status import progress_bar
from bot.status_messages import StatusMessages, status_nonce
from tests.harness import BOT_TOKEN
from tests.jobstates import claimed, finished, submitted, unsubmitted


async def posted_job(store, clock, fake, client, status, channel_id=None):
    channel_id = fake.channel_id if channel_id is None else channel_id
    requester = Requester(user_id=fake.user_id, channel_id=channel_id, guild_id=fake.guild_id)
    job = await store.create(
        requester, VideoRequest(prompt="a *bold* @everyone cat"), now=clock(), submit_by=clock()
    )
    job = await submitted(store, job, now=clock())
    await status.post(client.get_partial_messageable(channel_id), job)
    return await store.get(job.id)


async def video_posted(store, clock, fake, status, job):
    """The render finishes and its video is posted; `status` makes the job's last edit."""
    done = await finished(store, job, JobState.COMPLETED, now=clock())
    await store.mark_delivered(done, now=clock(), message_id=fake.new_snowflake())
    await status.update(await store.get(job.id), final=True)


def cancel_button(job):
    """The Cancel button `cogs.controls` puts under a running job's status."""
    return discord.ui.View(timeout=None).add_item(
        discord.ui.Button(label="Cancel", custom_id=f"video:cancel:{job.id}")
    )


async def delete_status(client, fake, job):
    """Someone deletes the job's status message."""
    message = client.get_partial_messageable(fake.channel_id).get_partial_message(
        job.status_message_id
    )
    await message.delete()


async def progress_read(store, job_id, progress, clock):
    """A status check (by whichever process claimed it) reads `progress`: the job as stored."""
    claim = await claimed(store, job_id, Stage.POLL)
    info = TaskInfo(task_id=claim.task_id, status="processing", progress=progress)
    return await store.record_progress(claim, info, next_poll_at=clock(), read_at=clock())


async def held_back_changes_come_due(status):
    """Wait for the changes `status` held back for their interval to come due and be dealt with."""
    await asyncio.gather(*status._catch_ups.values(), return_exceptions=True)
    await status.drain(timeout=5)


async def settled(status, timeout=10):  # noqa: ASYNC109
    """Wait until `status` has nothing left to do: no edit made or waiting its turn (behind a
    429, say), no change held back for its interval, no last edit waiting to be tried again.
    Whatever it would still show has been shown; nothing is cut short."""
    async with asyncio.timeout(timeout):
        while status._editors or status._catch_ups or status._retries or status._too_soon:
            pending = [*status._editors.values(), *status._catch_ups.values()]
            await asyncio.gather(*pending, *status._retries.values(), return_exceptions=True)
            await asyncio.sleep(0.01)  # a change held back without its timer yet gets one


def edits(fake):
    return [r.json["content"] for r in fake.requests if r.method == "PATCH"]


async def test_edits_are_throttled_skipped_when_unchanged_and_in_order(
    store, clock, fake, client, marks
):
    status = StatusMessages(client, store, marks, clock=clock, min_edit_interval=10)
    job = await posted_job(store, clock, fake, client, status)
    first = fake.get_message(job.status_message_id)
    assert (
        "is queued at the video service: ▱▱▱▱▱▱▱▱▱▱ 0% · usually ready in 3-5 minutes"
        in first["content"]
    )
    assert "number" not in first["content"], "APIMart renders in parallel: no place in line"
    assert first["mention_everyone"] is False

    rendering = dataclasses.replace(job, state=JobState.PROCESSING, progress=20, estimated_time=240)
    clock.advance(10)
    await status.update(rendering)
    clock.advance(3)
    await status.update(dataclasses.replace(rendering, progress=40))  # too soon: skipped
    clock.advance(10)
    await status.update(dataclasses.replace(rendering, progress=40))
    await status.update(
        dataclasses.replace(rendering, state=JobState.COMPLETED, progress=100), final=True
    )  # the end is never throttled

    contents = edits(fake)
    assert len(contents) == 3
    assert "▰▰▱▱▱▱▱▱▱▱ 20%" in contents[0]
    assert "about 4 min left" in contents[0]
    assert "▰▰▰▰▱▱▱▱▱▱ 40%" in contents[1]
    assert "is done" in contents[2]
    assert fake.get_message(job.status_message_id)["content"] == contents[2]
    assert "\\*bold\\*" in contents[2], "the prompt's markdown is shown as typed"


async def test_news_that_stops_within_the_edit_interval_is_shown_once_it_has_passed(
    store, fake, client, marks
):
    """The engine says "no news from the video service" once (at the second failed status
    check in a row). Coming within the interval of the last progress edit it waits for the
    interval, rather than being lost: "about 4 min left" must not stay up all outage."""
    status = StatusMessages(client, store, marks, min_edit_interval=0.5)
    job = await posted_job(store, time.time, fake, client, status)
    await status.update(await progress_read(store, job.id, 20, time.time))
    assert "20%" in fake.get_message(job.status_message_id)["content"]
    try:
        for _ in range(2):  # the news stops
            claim = await claimed(store, job.id, Stage.POLL)
            assert await store.record_poll_failure(claim, next_poll_at=time.time())
        await status.update(await store.get(job.id))
        assert "no news" not in fake.get_message(job.status_message_id)["content"], "too soon"
        await fake.wait_for(
            lambda: (
                "no news from the video service"
                in (fake.get_message(job.status_message_id)["content"])
            ),
            3.0,
            description="the no-news edit",
        )
        assert len(edits(fake)) == 2
    finally:
        await status.close(grace=0)


async def test_an_unchanged_status_is_not_edited(store, clock, fake, client, marks):
    status = StatusMessages(client, store, marks, clock=clock, min_edit_interval=0)
    job = await posted_job(store, clock, fake, client, status)
    rendering = dataclasses.replace(job, state=JobState.PROCESSING, progress=50)
    await status.update(rendering)
    await status.update(rendering)
    await status.update(rendering)
    assert len(edits(fake)) == 1


async def test_a_deleted_status_message_is_never_edited_again(store, clock, fake, client, marks):
    status = StatusMessages(client, store, marks, clock=clock, min_edit_interval=0)
    job = await posted_job(store, clock, fake, client, status)
    await delete_status(client, fake, job)
    for progress in (10, 20, 30):
        await status.update(dataclasses.replace(job, state=JobState.PROCESSING, progress=progress))
    assert len([r for r in fake.requests if r.method == "PATCH"]) == 1


async def test_a_status_message_an_edit_found_deleted_is_not_edited_by_another_process(
    store, clock, fake, client, marks
):
    """One process's edit is answered 404 (the message was deleted unheard): the mark is
    stored, so another process (or this one after a restart) never edits it, not even for the
    job's last status."""
    status = StatusMessages(client, store, marks, clock=clock, min_edit_interval=0)
    job = await posted_job(store, clock, fake, client, status)
    await delete_status(client, fake, job)
    await status.update(dataclasses.replace(job, state=JobState.PROCESSING, progress=10))
    stored = await store.get(job.id)
    assert stored.status_deleted and stored.status_message_id == job.status_message_id
    other = StatusMessages(client, store, marks, clock=clock, min_edit_interval=0)
    await other.update(dataclasses.replace(stored, state=JobState.PROCESSING, progress=20))
    await other.update(await finished(store, stored, JobState.COMPLETED, now=clock()), final=True)
    assert len([r for r in fake.requests if r.method == "PATCH"]) == 1, "the one that found it"


async def test_a_status_in_a_thread_closed_meanwhile_is_not_edited_again(
    store, clock, fake, client, marks
):
    """A moderator archived the thread while the video rendered: Discord refuses edits there
    (400, code 50083) until it is reopened. One refusal, not one per progress step; the message
    is still there to read (/videos status links it)."""
    status = StatusMessages(client, store, marks, clock=clock, min_edit_interval=0)
    job = await posted_job(store, clock, fake, client, status)
    fake.fail_next(
        "PATCH",
        rf"/channels/{fake.channel_id}/messages/\d+",
        400,
        50083,
        "Thread is archived",
        times=10,
    )
    for progress in (10, 20, 30):
        await status.update(dataclasses.replace(job, state=JobState.PROCESSING, progress=progress))
    assert len([r for r in fake.requests if r.method == "PATCH"]) == 1
    assert not (await store.get(job.id)).status_deleted


async def test_a_status_edit_refused_once_with_403_still_gets_its_last_edit(
    store, clock, fake, client, marks
):
    """A moderator takes the bot's access to the channel for a while (a progress edit answered
    403), then gives it back; the video is posted there. No more progress edits are tried (each
    refusal counts against the bot), but the last one is made: the status must not say
    "rendering 40%", with a live Cancel button, beside the posted video for good."""
    status = StatusMessages(client, store, marks, clock=clock, min_edit_interval=0)
    status.controls = cancel_button
    job = await posted_job(store, clock, fake, client, status)
    await status.update(dataclasses.replace(job, state=JobState.PROCESSING, progress=20))
    assert fake.get_message(job.status_message_id).get("components")
    fake.fail_next(
        "PATCH", rf"/channels/{fake.channel_id}/messages/\d+", 403, 50001, "Missing Access"
    )
    await status.update(dataclasses.replace(job, state=JobState.PROCESSING, progress=40))
    await status.update(dataclasses.replace(job, state=JobState.PROCESSING, progress=60))
    assert len(edits(fake)) == 2, "no progress edit after the refusal"
    await video_posted(store, clock, fake, status, job)
    shown = fake.get_message(job.status_message_id)
    assert "is done" in shown["content"], shown["content"]
    assert not shown.get("components"), "the Cancel button is gone"


async def test_a_last_status_edit_refused_for_now_is_left_to_a_later_sweep(
    store, clock, fake, client, marks
):
    """The thread is still archived when the video is posted: the last edit is refused too,
    and is not written down as made, so a later sweep tries it again once the thread may be
    open."""
    status = StatusMessages(client, store, marks, clock=clock, min_edit_interval=0)
    job = await posted_job(store, clock, fake, client, status)
    fake.fail_next(
        "PATCH", rf"/channels/{fake.channel_id}/messages/\d+", 400, 50083, "Thread is archived"
    )
    await video_posted(store, clock, fake, status, job)
    unshown = await marks.claim_unshown_last_statuses(
        told_since=clock() - 60, told_before=clock() + 60, limit=10, hold=60
    )
    assert [j.id for j in unshown] == [job.id]


@pytest.mark.parametrize(
    ("code", "message"),
    [(50001, "Missing Access"), (50013, "Missing Permissions")],
    ids=["access gone", "permissions gone"],
)
async def test_a_last_status_edit_refused_403_is_given_up(
    store, clock, fake, client, code, message, marks
):
    """The bot's access (or its permissions) is still gone when the video is posted: the last
    edit is refused too, and is given up, written down as made: no sweep asks again, each ask
    another refusal Discord counts against the bot (`tests/test_status_sweep.py`)."""
    status = StatusMessages(client, store, marks, clock=clock, min_edit_interval=0)
    job = await posted_job(store, clock, fake, client, status)
    fake.fail_next("PATCH", rf"/channels/{fake.channel_id}/messages/\d+", 403, code, message)
    await video_posted(store, clock, fake, status, job)
    unshown = await marks.claim_unshown_last_statuses(
        told_since=clock() - 60, told_before=clock() + 60, limit=10, hold=60
    )
    assert unshown == []
    assert len(edits(fake)) == 1


async def test_a_last_status_edit_that_fails_once_is_made_after_all(
    store, clock, fake, client, marks
):
    """The video is posted; its last status edit meets a 503 (discord.py retries only 500,
    502, 504 and 524). No later change would come to show it: the status must not say
    "rendering 80%", with its Cancel button, for good."""
    status = StatusMessages(
        client, store, marks, clock=clock, min_edit_interval=0, final_retry_waits=(0.05,)
    )
    status.controls = cancel_button
    job = await posted_job(store, clock, fake, client, status)
    await status.update(dataclasses.replace(job, state=JobState.PROCESSING, progress=80))
    assert fake.get_message(job.status_message_id).get("components")
    fake.fail_next("PATCH", rf"/channels/{fake.channel_id}/messages/\d+", 503)
    done = await finished(store, job, JobState.COMPLETED, now=clock())
    status.schedule(done, final=True)
    await settled(status)  # the first try, and the one after its wait
    shown = fake.get_message(job.status_message_id)
    assert "is done" in shown["content"], shown["content"]
    assert not shown.get("components"), "the Cancel button is gone"


async def test_a_last_status_edit_is_tried_again_only_a_few_times(
    store, clock, fake, client, marks
):
    """Discord failing every edit: a few more tries, then no more (each is a request)."""
    status = StatusMessages(
        client, store, marks, clock=clock, min_edit_interval=0, final_retry_waits=(0.01, 0.01)
    )
    job = await posted_job(store, clock, fake, client, status)
    fake.fail_next("PATCH", rf"/channels/{fake.channel_id}/messages/\d+", 503, times=10)
    status.schedule(await finished(store, job, JobState.COMPLETED, now=clock()), final=True)
    for _ in range(5):
        await status.drain(timeout=5)
        await asyncio.sleep(0.05)
    assert len([r for r in fake.requests if r.method == "PATCH"]) == 3


async def test_a_job_taken_up_again_after_outcome_unknown_shows_its_render(
    store, clock, fake, client, marks
):
    """Its submit's answer came late: "the video service never answered" was its last status,
    then the task was taken up and APIMart renders it. The status follows the render, with its
    Cancel button, rather than saying for good that the service never answered."""
    status = StatusMessages(client, store, marks, clock=clock, min_edit_interval=0)
    status.controls = cancel_button
    requester = Requester(user_id=fake.user_id, channel_id=fake.channel_id, guild_id=fake.guild_id)
    job = await store.create(
        requester, VideoRequest(prompt="a late cat"), now=clock(), submit_by=clock()
    )
    await status.post(client.get_partial_messageable(fake.channel_id), job)
    unknown = await unsubmitted(store, job, JobState.SUBMIT_UNKNOWN, now=clock())
    await status.update(unknown, final=True)
    assert "never answered" in fake.get_message(unknown.status_message_id)["content"]
    clock.advance(30)
    assert await store.adopt_task(job.id, "task_late", now=clock(), first_poll_at=clock())
    adopted = await store.get(job.id)
    await status.update(dataclasses.replace(adopted, state=JobState.PROCESSING, progress=50))
    shown = fake.get_message(unknown.status_message_id)
    assert "is being made: ▰▰▰▰▰▱▱▱▱▱ 50%" in shown["content"], shown["content"]
    assert shown.get("components"), "its Cancel button is back"


async def test_a_late_snapshot_after_the_last_status_does_not_undo_it(
    store, clock, fake, client, marks
):
    """A slow poll's 60 % arriving after the video was posted leaves "is done" standing."""
    status = StatusMessages(client, store, marks, clock=clock, min_edit_interval=0)
    job = await posted_job(store, clock, fake, client, status)
    await video_posted(store, clock, fake, status, job)
    await status.update(dataclasses.replace(job, state=JobState.PROCESSING, progress=60))
    assert "is done" in fake.get_message(job.status_message_id)["content"]


async def test_accepted_jobs_show_no_place_in_line(store, clock, fake, client, marks):
    status = StatusMessages(client, store, marks, clock=clock)
    await posted_job(store, clock, fake, client, status)
    second = await posted_job(store, clock, fake, client, status)
    content = fake.get_message(second.status_message_id)["content"]
    assert "is queued at the video service" in content
    assert "number" not in content and "in line" not in content


async def test_a_channel_discord_slows_down_delays_only_its_own_edits(
    store, clock, fake, client, marks
):
    """A 30 s rate limit on one channel's edits: the other channel's edit is made at once."""
    status = StatusMessages(client, store, marks, clock=clock, min_edit_interval=0)
    slow = await posted_job(store, clock, fake, client, status)
    other_channel = fake.add_text_channel("other")
    requester = Requester(user_id=fake.user_id, channel_id=other_channel, guild_id=fake.guild_id)
    quick = await store.create(
        requester, VideoRequest(prompt="a quick cat"), now=clock(), submit_by=clock()
    )
    quick = await submitted(store, quick, now=clock())
    await status.post(client.get_partial_messageable(other_channel), quick)
    quick = await store.get(quick.id)
    fake.fail_next("PATCH", rf"/channels/{fake.channel_id}/messages/\d+", 429, retry_after=30)
    status.schedule(dataclasses.replace(slow, state=JobState.PROCESSING, progress=10))
    status.schedule(dataclasses.replace(quick, state=JobState.PROCESSING, progress=60))
    edited = await fake.wait_for(
        lambda: "60%" in fake.get_message(quick.status_message_id)["content"],
        2.0,
        description="the other channel's edit",
    )
    assert edited
    assert "10%" not in fake.get_message(slow.status_message_id)["content"], "still rate-limited"
    await status.close(grace=0)


async def test_a_few_rate_limited_channels_do_not_hold_up_every_other_channels_status(
    store, clock, fake, client, marks
):
    """Eight busy channels' edits each meet a 30 s 429 (discord.py waits it out inside the
    edit), as many as there are edits in flight at once: a ninth, quiet channel's status is
    still edited at once, not after their 30 s."""
    status = StatusMessages(client, store, marks, clock=clock, min_edit_interval=0)
    busy = []
    for n in range(8):
        channel = fake.add_text_channel(f"busy-{n}")
        busy.append(await posted_job(store, clock, fake, client, status, channel_id=channel))
        fake.fail_next("PATCH", rf"/channels/{channel}/messages/\d+", 429, retry_after=30)
    quiet_channel = fake.add_text_channel("quiet")
    quiet = await posted_job(store, clock, fake, client, status, channel_id=quiet_channel)
    for job in busy:
        status.schedule(dataclasses.replace(job, state=JobState.PROCESSING, progress=10))
    await fake.wait_for(
        lambda: sum(r.method == "PATCH" and r.status == 429 for r in fake.requests) == 8,
        2.0,
        description="the eight busy channels' 429s",
    )
    status.schedule(dataclasses.replace(quiet, state=JobState.PROCESSING, progress=60))
    try:
        await fake.wait_for(
            lambda: "60%" in fake.get_message(quiet.status_message_id)["content"],
            3.0,
            description="the quiet channel's edit",
        )
        assert all(
            "10%" not in fake.get_message(job.status_message_id)["content"] for job in busy
        ), "the busy channels' edits still wait out their 429"
    finally:
        await status.close(grace=0)


async def test_a_burst_of_changes_to_one_job_becomes_one_edit(store, clock, fake, client, marks):
    status = StatusMessages(client, store, marks, clock=clock, min_edit_interval=0)
    job = await posted_job(store, clock, fake, client, status)
    for progress in range(10, 100, 10):
        status.schedule(dataclasses.replace(job, state=JobState.PROCESSING, progress=progress))
    await status.drain()
    contents = edits(fake)
    assert len(contents) <= 2, "intermediate states were coalesced"
    assert "90%" in contents[-1]


async def test_a_change_after_shutdown_began_is_left_to_the_next_process(
    store, clock, fake, client, marks
):
    """Once `close` began the HTTP session is about to go: a late change (a command still
    finishing) makes no edit that would fail on a closed session; the job is in the database."""
    status = StatusMessages(client, store, marks, clock=clock, min_edit_interval=0)
    job = await posted_job(store, clock, fake, client, status)
    await status.close(grace=0)
    status.schedule(dataclasses.replace(job, state=JobState.PROCESSING, progress=40))
    await status.drain()
    assert edits(fake) == [], "no edit after close"


async def test_jobs_not_shown_for_an_hour_are_forgotten_so_memory_follows_jobs_in_flight(
    store, clock, fake, client, marks
):
    """Jobs whose end another process showed (it took their checks over) never get a final
    edit here: what this process kept about them goes after an hour without news."""
    status = StatusMessages(client, store, marks, clock=clock, min_edit_interval=0)
    jobs = [await posted_job(store, clock, fake, client, status) for _ in range(3)]
    for job in jobs:
        await status.update(dataclasses.replace(job, state=JobState.PROCESSING, progress=40))
    assert status.tracked() == 3
    clock.advance(3000)
    latest = await posted_job(store, clock, fake, client, status)
    clock.advance(700)  # the first three are idle past the hour, the latest is not
    await status.update(dataclasses.replace(latest, state=JobState.PROCESSING, progress=10))
    assert status.tracked() == 1
    # A forgotten job that turns up again is shown as usual.
    await status.update(dataclasses.replace(jobs[0], state=JobState.PROCESSING, progress=60))
    assert "▰▰▰▰▰▰▱▱▱▱ 60%" in fake.get_message(jobs[0].status_message_id)["content"]


async def test_a_deleted_status_message_is_not_edited_again_even_after_hours_without_news(
    store, clock, fake, client, marks
):
    """Forgetting idle jobs keeps what must hold: a refused edit is never made twice."""
    status = StatusMessages(client, store, marks, clock=clock, min_edit_interval=0)
    job = await posted_job(store, clock, fake, client, status)
    await delete_status(client, fake, job)
    await status.update(dataclasses.replace(job, state=JobState.PROCESSING, progress=10))
    clock.advance(3 * 3600)
    await posted_job(store, clock, fake, client, status)  # another job's news sweeps the tables
    await status.update(dataclasses.replace(job, state=JobState.PROCESSING, progress=20))
    refused = [r for r in fake.requests if r.method == "PATCH" and r.status == 404]
    assert len(refused) == 1


async def test_nothing_is_kept_per_channel_once_its_edits_are_made(
    store, clock, fake, client, marks
):
    """A bot that has posted in many channels over weeks keeps nothing for the quiet ones."""
    status = StatusMessages(client, store, marks, clock=clock, min_edit_interval=0)
    for index in range(5):
        channel_id = fake.add_text_channel(f"room-{index}")
        job = await posted_job(store, clock, fake, client, status, channel_id=channel_id)
        status.schedule(dataclasses.replace(job, state=JobState.PROCESSING, progress=50))
        status.schedule(dataclasses.replace(job, state=JobState.COMPLETED), final=True)
    await status.drain()
    assert len(edits(fake)) >= 5, "every channel's status was edited"
    assert status.channels_editing() == 0


async def progress_edit_held_by_a_429(fake, status, job):
    """A 60 % edit whose first try Discord answers 429 (discord.py waits 1 s, then retries)."""
    fake.fail_next("PATCH", rf"/channels/{fake.channel_id}/messages/\d+", 429, retry_after=1)
    status.schedule(dataclasses.replace(job, state=JobState.PROCESSING, progress=60))
    await fake.wait_for(
        lambda: any(r.method == "PATCH" for r in fake.requests), 2.0, description="first try"
    )


@pytest.mark.parametrize("answer", ["given", "lost"])
async def test_a_late_edit_from_one_process_does_not_undo_anothers_last_status(
    db, store, clock, fake, client, marks, answer
):
    """Process A edits the status at 60 % and meets a 429 (discord.py waits, then retries);
    meanwhile process B sees the render done, posts it and makes the last edit. A's older
    edit lands after it: the last status must still be what stands. With its answer lost on
    the way back (the connection drops), A cannot tell it landed, and looks at the job all the
    same."""
    status_a = StatusMessages(client, store, marks, clock=clock, min_edit_interval=0)
    client_b = discord.Client(intents=discord.Intents(guilds=True))
    await client_b.login(BOT_TOKEN)
    try:
        store_b = JobStore(db, clock=clock)
        status_b = StatusMessages(
            client_b, store_b, StatusMarks(db, clock=clock), clock=clock, min_edit_interval=0
        )
        job = await posted_job(store, clock, fake, client, status_a)
        await progress_edit_held_by_a_429(fake, status_a, job)
        await video_posted(store_b, clock, fake, status_b, job)
        assert "is done" in fake.get_message(job.status_message_id)["content"]
        if answer == "lost":
            lost = fake.lose_answer_next("PATCH", rf"/channels/{fake.channel_id}/messages/\d+")
        await status_a.drain(timeout=5)
        if answer == "lost":
            assert lost.hits == 1, "A's retried edit was made, its answer lost"
        assert "is done" in fake.get_message(job.status_message_id)["content"]
        assert "60%" in edits(fake)[-2], "A's edit did land late, and was put right"
    finally:
        await client_b.close()


async def test_a_late_edit_in_the_process_that_ended_the_job_sends_the_last_status_once(
    store, clock, fake, client, marks
):
    """The late progress edit re-reads the job and shows its last status; the last edit the
    delivery queued meanwhile finds it shown already."""
    status = StatusMessages(client, store, marks, clock=clock, min_edit_interval=0)
    job = await posted_job(store, clock, fake, client, status)
    await progress_edit_held_by_a_429(fake, status, job)
    done = await finished(store, job, JobState.COMPLETED, now=clock())
    # As the delivery shows it (`as_told`): posted.
    status.schedule(dataclasses.replace(done, delivered_at=clock()), final=True)
    await store.mark_delivered(done, now=clock(), message_id=fake.new_snowflake())
    await status.drain(timeout=5)
    assert len([text for text in edits(fake) if "is done" in text]) == 1
    assert "is done" in fake.get_message(job.status_message_id)["content"]


@pytest.mark.parametrize(
    ("progress", "bar"),
    [
        (0, "▱▱▱▱▱▱▱▱▱▱"),
        (5, "▱▱▱▱▱▱▱▱▱▱"),
        (15, "▰▱▱▱▱▱▱▱▱▱"),
        (25, "▰▰▱▱▱▱▱▱▱▱"),
        (95, "▰▰▰▰▰▰▰▰▰▱"),
        (99, "▰▰▰▰▰▰▰▰▰▱"),
        (100, "▰▰▰▰▰▰▰▰▰▰"),
    ],
)
def test_the_bar_fills_a_cell_per_tenth_done_and_looks_full_only_when_done(progress, bar):
    assert progress_bar(progress) == bar


async def test_status_edits_give_way_to_a_result_when_discords_limit_is_reached(
    store, clock, fake, client, marks
):
    """With every place in the bot's share of Discord's global limit taken, six progress
    edits wait; a finished video's message, sent after them, goes out before them: under
    load members get their videos on time and the progress bars catch up after."""
    status = StatusMessages(client, store, marks, clock=clock, min_edit_interval=0)
    jobs = []
    for n in range(6):
        channel = fake.add_text_channel(f"room-{n}")
        jobs.append(await posted_job(store, clock, fake, client, status, channel_id=channel))
    # Room for all seven at once when the places come back: one round of the window's second
    # (with 3 places, three rounds), and still only the order decides who goes first.
    window = GlobalWindow(7)
    pace_requests(client.http, window)
    for _ in range(window.limit):
        await window.acquire()  # every place taken, none coming back yet
    for job in jobs:
        status.schedule(dataclasses.replace(job, state=JobState.PROCESSING, progress=40))
    await asyncio.sleep(0.1)  # the edits are waiting for the window
    result_channel = fake.add_text_channel("results")
    before = len(fake.requests)
    result = asyncio.create_task(
        client.http.send_message(
            result_channel, params=discord.http.handle_message_parameters(content="your video")
        )
    )
    await asyncio.sleep(0.1)
    for _ in range(window.limit):
        window.release()
    await asyncio.wait_for(result, timeout=5)
    await status.drain(timeout=10)
    arrived = [(r.method, r.path) for r in fake.requests[before:]]
    posted_at = arrived.index(("POST", f"/channels/{result_channel}/messages"))
    assert sum(method == "PATCH" for method, _ in arrived[:posted_at]) == 0, arrived
    assert sum(method == "PATCH" for method, _ in arrived) == 6, "every edit was made after"
    await status.close(grace=0)


async def test_a_status_nonce_is_never_one_of_the_jobs_result_nonces(store, clock):
    """Discord answers a nonce it saw lately with that first message: a result post carrying
    the status message's nonce would be taken for it, and the video never posted. Each within
    Discord's 25 characters, for ids far beyond any a bot reaches."""
    requester = Requester(user_id=1, channel_id=2, guild_id=3)
    job = await store.create(requester, VideoRequest(prompt="a cat"), now=clock(), submit_by=0)
    job = dataclasses.replace(job, id=10**12)
    ends = [
        dataclasses.replace(job, state=state, cancelled_at=cancelled)
        for state in JobState
        for cancelled in (None, clock())
    ]
    results = {result_nonce(end) for end in ends}
    assert status_nonce(job) not in results
    assert max(len(nonce) for nonce in (*results, status_nonce(job))) <= 25


async def shown_once_settled(status, fake, job):
    """What `job`'s status says once `status` has nothing left to do; `status` is closed."""
    try:
        await settled(status)
        return fake.get_message(job.status_message_id)["content"]
    finally:
        await status.close(grace=0)


async def held_back_behind_a_busy_lane(store, marks, fake, client, **rendering):
    """A job shows 20 %, then holds its 40 % back for the edit interval, while another job's
    edit in the same channel waits out a 429: the channel's lane is busy. Its status messages,
    the job, and the job as last shown (20 %, with `rendering`'s fields)."""
    status = StatusMessages(client, store, marks, min_edit_interval=0.5)
    job = await posted_job(store, time.time, fake, client, status)
    other = await posted_job(store, time.time, fake, client, status)  # same channel
    shown = dataclasses.replace(job, state=JobState.PROCESSING, progress=20, **rendering)
    await status.update(shown)  # made
    await status.update(dataclasses.replace(shown, progress=40))  # too soon: held back
    fake.fail_next("PATCH", rf"/channels/{fake.channel_id}/messages/\d+", 429, retry_after=1.5)
    status.schedule(dataclasses.replace(other, state=JobState.PROCESSING, progress=5))
    await asyncio.sleep(0.1)
    return status, job, shown


async def test_a_held_back_change_does_not_replace_the_waiting_final_edit(
    store, fake, client, marks
):
    """A progress change held back for its interval, shown when the job's last edit already
    waits its turn (behind another job's 429 in the channel), must not take the last edit's
    place: "rendering 40%" would stay beside the posted video for good."""
    status, job, rendering = await held_back_behind_a_busy_lane(store, marks, fake, client)
    status.schedule(dataclasses.replace(rendering, progress=45))  # waits for the lane
    await asyncio.sleep(0.05)
    done = dataclasses.replace(rendering, state=JobState.COMPLETED, progress=100)
    status.schedule(done, final=True)  # waits behind the 45% edit
    content = await shown_once_settled(status, fake, job)
    assert "is done" in content, content


async def test_a_held_back_change_does_not_replace_a_newer_change_waiting_its_turn(
    store, fake, client, marks
):
    """A progress change held back for its interval comes due while a newer change of the same
    job ("no news from the video service", said only once) waits for the channel's lane behind
    another job's 429: the older one must not take the newer one's place, or "about 4 min
    left" stays up for the whole outage."""
    status, job, rendering = await held_back_behind_a_busy_lane(
        store, marks, fake, client, estimated_time=240
    )
    # The newer news, said once, waits for the lane (the held-back 40% comes due meanwhile).
    status.schedule(dataclasses.replace(rendering, progress=40, poll_failures=2))
    content = await shown_once_settled(status, fake, job)
    assert "no news from the video service" in content, content


async def two_failed_checks(store, job_id):
    """Two status checks of the job fail (APIMart down): as stored, it is without news."""
    for _ in range(2):
        claim = await claimed(store, job_id, Stage.POLL)
        assert await store.record_poll_failure(claim, next_poll_at=time.time())
    return await store.get(job_id)


@contextlib.contextmanager
def job_unreadable_for(store, job_id, seconds):
    """The database refuses to read the job for `seconds` (locked for a moment)."""
    read = store.get
    until = time.monotonic() + seconds

    async def get(wanted_id):
        if wanted_id == job_id and time.monotonic() < until:
            raise sqlite3.OperationalError("database is locked")
        return await read(wanted_id)

    store.get = get
    try:
        yield
    finally:
        store.get = read


async def test_a_held_back_change_is_dropped_when_newer_news_is_scheduled_behind_a_busy_lane(
    store, fake, client, marks
):
    """The job's 45 % edit waits for the channel's lane (another job's 429), and its news,
    said only once ("no news from the video service"), is next. The 40 % held back before
    them must be let go as they are scheduled: come due, it would take the news's place,
    and the member would read "about 4 min left" for the whole outage. (Its re-read of the
    job would catch that, but the database was locked for that moment.)

    (0.45 s or more between each step and the next: the news scheduled, the 40 % due at
    0.6 s, the job readable again at about 1.15 s, the lane free at 1.6 s.)"""
    status = StatusMessages(client, store, marks, min_edit_interval=0.6)
    job = await posted_job(store, time.time, fake, client, status)
    other = await posted_job(store, time.time, fake, client, status)  # same channel
    await status.update(await progress_read(store, job.id, 20, time.time))  # made
    await status.update(await progress_read(store, job.id, 40, time.time))  # held back
    fake.fail_next("PATCH", rf"/channels/{fake.channel_id}/messages/\d+", 429, retry_after=1.6)
    status.schedule(dataclasses.replace(other, state=JobState.PROCESSING, progress=5))
    await asyncio.sleep(0.1)
    status.schedule(await progress_read(store, job.id, 45, time.time))  # waits for the lane
    status.schedule(await two_failed_checks(store, job.id))  # next after it
    with job_unreadable_for(store, job.id, seconds=1.0):  # while the 40 % comes due
        content = await shown_once_settled(status, fake, job)
    assert "no news from the video service" in content, content


async def test_a_late_progress_snapshot_does_not_replace_the_waiting_final_edit(
    store, fake, client, marks
):
    """The job's 45 % edit waits for the channel's lane (another job's 429), its last edit
    ("done") next; then a slow status check, begun before the render finished, hands in its
    40 %. That snapshot must not take the last edit's place (as the last edit, Cancel button
    gone): "rendering 40%" would stay beside the posted video for good, written down as
    shown, so no sweep would put it right."""
    status = StatusMessages(client, store, marks, min_edit_interval=0.5)
    job = await posted_job(store, time.time, fake, client, status)
    other = await posted_job(store, time.time, fake, client, status)  # same channel
    await status.update(await progress_read(store, job.id, 20, time.time))  # made
    slow_check = await progress_read(store, job.id, 40, time.time)
    fake.fail_next("PATCH", rf"/channels/{fake.channel_id}/messages/\d+", 429, retry_after=1.5)
    status.schedule(dataclasses.replace(other, state=JobState.PROCESSING, progress=5))
    await asyncio.sleep(0.1)
    status.schedule(await progress_read(store, job.id, 45, time.time))  # waits for the lane
    done = await finished(store, job, JobState.COMPLETED, now=time.time())
    await store.mark_delivered(done, now=time.time(), message_id=fake.new_snowflake())
    status.schedule(await store.get(job.id), final=True)  # next after it
    status.schedule(slow_check)  # handed in late
    content = await shown_once_settled(status, fake, job)
    assert "is done" in content, content


async def test_a_change_held_back_while_a_newer_one_waits_is_not_shown_after_it(
    store, fake, client, marks
):
    """A job's progress edit waits for the channel's lane (another job's 429) while newer news
    of the same job ("no news from the video service", said once) is scheduled behind it. Let
    in, the older one is too soon: it must not be held back and shown after the newer one, or
    "about 4 min left" replaces the news for the rest of the outage."""
    status = StatusMessages(client, store, marks, min_edit_interval=1.0)
    job = await posted_job(store, time.time, fake, client, status)
    other = await posted_job(store, time.time, fake, client, status)  # same channel
    third = await posted_job(store, time.time, fake, client, status)  # same channel
    rendering = dataclasses.replace(job, state=JobState.PROCESSING, progress=20, estimated_time=240)
    await status.update(rendering)  # made
    channel = fake.channel_id
    fake.fail_next(
        "PATCH", rf"/channels/{channel}/messages/{other.status_message_id}", 429, retry_after=0.6
    )
    fake.fail_next(
        "PATCH", rf"/channels/{channel}/messages/{third.status_message_id}", 429, retry_after=1.2
    )
    status.schedule(dataclasses.replace(other, state=JobState.PROCESSING, progress=5))
    await asyncio.sleep(0.1)
    status.schedule(dataclasses.replace(rendering, progress=40))  # waits for the lane
    await asyncio.sleep(0.05)
    status.schedule(dataclasses.replace(third, state=JobState.PROCESSING, progress=5))
    # The newer news, said once, is scheduled while the 40% still waits its turn.
    status.schedule(dataclasses.replace(rendering, progress=40, poll_failures=2))
    content = await shown_once_settled(status, fake, job)
    assert "no news from the video service" in content, content


async def test_a_change_held_back_in_one_process_is_not_shown_after_a_newer_one_from_another(
    db, store, clock, fake, client, marks
):
    """Any process may check a job. Process A shows 20 %, reads 40 % too soon after and holds
    it back; process B, which never edited the status, reads 60 % and shows it. When A's 40 %
    comes due it is older than what the member reads: the bar must not go back to 40 %."""
    status_a = StatusMessages(client, store, marks, clock=clock, min_edit_interval=10)
    store_b = JobStore(db, clock=clock)
    status_b = StatusMessages(
        client, store_b, StatusMarks(db, clock=clock), clock=clock, min_edit_interval=10
    )
    try:
        job = await posted_job(store, clock, fake, client, status_a)
        await status_a.update(await progress_read(store, job.id, 20, clock))
        clock.advance(10 - 0.001)  # A's 40 % comes due a millisecond on
        await status_a.update(await progress_read(store, job.id, 40, clock))
        assert "40%" not in fake.get_message(job.status_message_id)["content"], "held back"
        await status_b.update(await progress_read(store_b, job.id, 60, clock))
        assert "60%" in fake.get_message(job.status_message_id)["content"]
        clock.advance(0.001)
        await held_back_changes_come_due(status_a)
        content = fake.get_message(job.status_message_id)["content"]
        assert "60%" in content, content
        assert len(edits(fake)) == 2, "A's older reading is not sent at all"
    finally:
        await status_a.close(grace=0)
        await status_b.close(grace=0)


async def test_a_status_in_a_thread_archived_for_a_while_gets_its_last_edit(
    store, clock, fake, client, marks
):
    """The thread went quiet and Discord archived it while the video waited (edits there are
    refused, 400 50083, until it is open again); posting the video reopens it. No more progress
    edits are tried, but the last one is: the status must not say "rendering 20%" beside the
    posted video."""
    status = StatusMessages(client, store, marks, clock=clock, min_edit_interval=0)
    job = await posted_job(store, clock, fake, client, status)
    fake.fail_next(
        "PATCH", rf"/channels/{fake.channel_id}/messages/\d+", 400, 50083, "Thread is archived"
    )
    await status.update(dataclasses.replace(job, state=JobState.PROCESSING, progress=20))
    await status.update(dataclasses.replace(job, state=JobState.PROCESSING, progress=40))
    assert len(edits(fake)) == 1, "no progress edit after the refusal"
    await video_posted(store, clock, fake, status, job)
    shown = fake.get_message(job.status_message_id)
    assert "is done" in shown["content"], shown["content"]
