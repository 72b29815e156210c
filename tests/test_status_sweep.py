"""A job's last status edit survives the process that should have made it."""

import asyncio
import dataclasses
import logging

import discord
import pytest

from bot.apimart.models import TaskInfo, TaskStatus, VideoRequest
from bot.jobs.models import (
    CHANNEL_TARGET,
    FOLLOW_UP_LIMIT,
    TIMED_OUT_REASON,
    JobState,
    Requester,
)
from bot.jobs.reply_routes import ReplyRoutes
from bot.jobs.stages import Stage
from bot.jobs.status_marks import StatusMarks
from bot.jobs.store import JobStore
from bot.reach import Reply, Route
from bot.status_messages import StatusMessages
from bot.status_sweep import HOLD, LOOK_BACK, SETTLE, SWEEP_EVERY, StatusSweep
from bot.storage import load_migrations
from bot.storage.base import MIGRATIONS_ROOT
from tests.fakes.discord import PERM_VIEW_CHANNEL
from tests.jobstates import claimed, finished, submitted
from tests.test_status_messages import posted_job


def with_cancel_button(status: StatusMessages) -> None:
    status.controls = lambda job: discord.ui.View(timeout=None).add_item(
        discord.ui.Button(label="Cancel", custom_id=f"cancel:{job.id}")
    )


async def rendering_then_delivered(store, clock, fake, client, status):
    """A job shown at 80% with its Cancel button, then finished and posted (told)."""
    job = await posted_job(store, clock, fake, client, status)
    await status.update(dataclasses.replace(job, state=JobState.PROCESSING, progress=80))
    info = TaskInfo(task_id=job.task_id or "", status=TaskStatus.COMPLETED, progress=100)
    job = await finished(store, job, JobState.COMPLETED, now=clock(), info=info)
    result = await client.get_partial_messageable(fake.channel_id).send("the video")
    claim = await claimed(store, job.id, Stage.DELIVER)
    assert await store.mark_delivered(claim, now=clock(), message_id=result.id)
    told = await store.get(job.id)
    assert told is not None and told.delivery_target is None
    return dataclasses.replace(told, delivery_target=CHANNEL_TARGET)


def shown(fake, job):
    message = fake.get_message(job.status_message_id)
    return message["content"], message.get("components") or []


def patches(fake):
    return [r for r in fake.requests if r.method == "PATCH"]


async def test_a_last_edit_cut_off_by_a_shutdown_is_made_by_the_next_process(
    store, clock, fake, client, marks, reply_routes
):
    """The video is posted; its last status edit is held back by a 429 when the process stops
    (the shutdown grace runs out). The status must not say "rendering 80%" with a Cancel
    button for good, beside the posted video: the next process makes that edit."""
    stopping = StatusMessages(client, store, marks, clock=clock, min_edit_interval=0)
    with_cancel_button(stopping)
    job = await rendering_then_delivered(store, clock, fake, client, stopping)
    fake.fail_next(
        "PATCH", rf"/channels/{fake.channel_id}/messages/\d+", 429, retry_after=30, times=1
    )
    stopping.schedule(job, final=True)
    await stopping.close(grace=0.2)
    content, buttons = shown(fake, job)
    assert "80%" in content and buttons, "the edit was cut off: the status still says 80%"

    restarted = StatusMessages(client, store, marks, clock=clock, min_edit_interval=0)
    with_cancel_button(restarted)
    sweep = StatusSweep(marks, reply_routes, restarted, clock=clock)
    clock.advance(SETTLE / 2)
    assert await sweep.sweep_once() == 0, "told a moment ago: its own process may still edit"
    assert "80%" in shown(fake, job)[0]

    clock.advance(SETTLE)
    assert await sweep.sweep_once() == 1
    content, buttons = shown(fake, job)
    assert "80%" not in content and "is done" in content
    assert buttons == [], "no Cancel button beside a posted video"

    made = len(patches(fake))
    clock.advance(SETTLE)
    assert await sweep.sweep_once() == 0
    assert len(patches(fake)) == made, "a last edit made is never made again"


async def test_a_last_edit_that_was_made_is_left_alone(
    store, clock, fake, client, marks, reply_routes
):
    status = StatusMessages(client, store, marks, clock=clock, min_edit_interval=0)
    job = await rendering_then_delivered(store, clock, fake, client, status)
    await status.update(job, final=True)
    made = len(patches(fake))

    another = StatusSweep(
        marks, reply_routes, StatusMessages(client, store, marks, clock=clock), clock=clock
    )
    clock.advance(SETTLE * 2)
    assert await another.sweep_once() == 0
    assert len(patches(fake)) == made


async def test_a_swept_edit_that_fails_is_tried_again_by_a_later_sweep(
    store, clock, fake, client, marks, reply_routes
):
    """Discord answers the sweep's edit with a 503: the next sweep tries it again."""
    stopped = StatusMessages(client, store, marks, clock=clock, min_edit_interval=0)
    job = await rendering_then_delivered(store, clock, fake, client, stopped)
    status = StatusMessages(client, store, marks, clock=clock, final_retry_waits=())
    sweep = StatusSweep(marks, reply_routes, status, clock=clock)
    clock.advance(SETTLE * 2)
    fake.fail_next("PATCH", rf"/channels/{fake.channel_id}/messages/\d+", 503, times=1)
    assert await sweep.sweep_once() == 1
    assert "80%" in shown(fake, job)[0]

    clock.advance(HOLD)
    assert await sweep.sweep_once() == 1
    assert "is done" in shown(fake, job)[0]


async def test_a_deleted_status_message_is_swept_once(
    store, clock, fake, client, marks, reply_routes
):
    """Its message was deleted: one refusal, then never asked again."""
    stopped = StatusMessages(client, store, marks, clock=clock, min_edit_interval=0)
    job = await rendering_then_delivered(store, clock, fake, client, stopped)
    await (
        client.get_partial_messageable(fake.channel_id)
        .get_partial_message(job.status_message_id)
        .delete()
    )
    sweep = StatusSweep(
        marks, reply_routes, StatusMessages(client, store, marks, clock=clock), clock=clock
    )
    clock.advance(SETTLE * 2)
    assert await sweep.sweep_once() == 1
    before = len(patches(fake))
    clock.advance(SETTLE)
    assert await sweep.sweep_once() == 0
    assert len(patches(fake)) == before


def refused(fake):
    """The status edits Discord refused: each counts toward its ban of invalid requests."""
    return [r for r in patches(fake) if r.status >= 400]


async def sweeps_for_a_day(clock, sweep):
    """Every `SWEEP_EVERY`, for as long as a job's missing last edit is looked for."""
    for _ in range(int((SETTLE + LOOK_BACK) // SWEEP_EVERY) + 2):
        clock.advance(SWEEP_EVERY)
        await sweep.sweep_once()


EDIT_PATH = r"/channels/\d+/messages/\d+"


def _access_taken(fake):
    fake.take_from_bot(fake.channel_id, PERM_VIEW_CHANNEL)  # 403 50001 Missing Access


def _permissions_taken(fake):
    fake.forbidden_channels.add(fake.channel_id)  # 403 50013 Missing Permissions


def _removed_unheard(fake):
    fake.remove_bot_unheard()  # 403 50001: its token reaches the server no more


def _channel_deleted(fake):
    fake.fail_next("PATCH", EDIT_PATH, 404, 10003, "Unknown Channel", times=10_000)


@pytest.mark.parametrize(
    "lose",
    [_access_taken, _permissions_taken, _removed_unheard, _channel_deleted],
    ids=["50001 missing access", "50013 missing permissions", "bot removed", "10003 deleted"],
)
async def test_a_last_status_edit_refused_for_good_is_not_tried_again_by_the_sweep(
    store, clock, fake, client, marks, reply_routes, lose
):
    """The video is posted after the bot lost the status's channel (its access or its
    permissions taken, the server removed it, the channel deleted): its last status edit is
    refused. That refusal is final: no sweep asks again, each ask a refusal Discord counts
    toward banning the bot's address (10,000 in 10 minutes), for a day. (Before: 145
    refused edits for this one job.)"""
    status = StatusMessages(client, store, marks, clock=clock, min_edit_interval=0)
    job = await rendering_then_delivered(store, clock, fake, client, status)
    lose(fake)
    await status.update(job, final=True)
    assert len(refused(fake)) == 1
    another = StatusMessages(client, store, marks, clock=clock, final_retry_waits=())
    await sweeps_for_a_day(clock, StatusSweep(marks, reply_routes, another, clock=clock))
    assert len(refused(fake)) == 1, "the sweep asked again after a final refusal"


async def test_statuses_in_a_server_known_to_have_removed_the_bot_are_not_swept(
    store, clock, fake, client, marks, reply_routes
):
    """The process that should have made the last edit stopped first; then the server removed
    the bot, and the bot knows (it heard GUILD_DELETE, or found it at its start). No sweep
    tries that edit: it would only be refused."""
    stopped = StatusMessages(client, store, marks, clock=clock, min_edit_interval=0)
    await rendering_then_delivered(store, clock, fake, client, stopped)
    before = len(patches(fake))
    fake.remove_bot_unheard()
    await marks.bot_removed_from(fake.guild_id, now=clock())
    another = StatusMessages(client, store, marks, clock=clock, final_retry_waits=())
    await sweeps_for_a_day(clock, StatusSweep(marks, reply_routes, another, clock=clock))
    assert len(patches(fake)) == before, "edits tried in a server that removed the bot"


async def test_a_last_status_edit_refused_for_now_is_tried_a_few_times_a_day_not_every_sweep(
    store, clock, fake, client, marks, reply_routes
):
    """Its thread stays archived (400 50083: a post there would reopen it) all day: the sweep
    keeps trying, ever less often, a dozen times or so, not every 10 minutes (145 refused
    edits for one job before)."""
    status = StatusMessages(client, store, marks, clock=clock, min_edit_interval=0)
    job = await rendering_then_delivered(store, clock, fake, client, status)
    fake.fail_next("PATCH", EDIT_PATH, 400, 50083, "Thread is archived", times=10_000)
    await status.update(job, final=True)
    another = StatusMessages(client, store, marks, clock=clock, final_retry_waits=())
    await sweeps_for_a_day(clock, StatusSweep(marks, reply_routes, another, clock=clock))
    asked = len(refused(fake))
    assert 3 <= asked <= 16, f"{asked} refused edits for one job in a day"


async def test_a_last_status_edit_refused_for_now_is_made_once_its_thread_is_open_again(
    store, clock, fake, client, marks, reply_routes
):
    """The thread stays archived for three hours, then a member's post reopens it: a later
    sweep makes the last edit, within hours, not a day."""
    status = StatusMessages(client, store, marks, clock=clock, min_edit_interval=0)
    job = await rendering_then_delivered(store, clock, fake, client, status)
    archived = fake.fail_next("PATCH", EDIT_PATH, 400, 50083, "Thread is archived", times=10_000)
    await status.update(job, final=True)
    sweep = StatusSweep(
        marks,
        reply_routes,
        StatusMessages(client, store, marks, clock=clock, final_retry_waits=()),
        clock=clock,
    )
    for _ in range(int(3 * 3600 // SWEEP_EVERY)):
        clock.advance(SWEEP_EVERY)
        await sweep.sweep_once()
    assert "80%" in shown(fake, job)[0]
    archived.times = archived.hits
    for _ in range(int(3 * 3600 // SWEEP_EVERY)):
        clock.advance(SWEEP_EVERY)
        await sweep.sweep_once()
    assert "is done" in shown(fake, job)[0]


async def test_jobs_told_before_the_upgrade_are_not_edited_again(backend, clock, fake, client):
    """Upgrading must not edit every status message the bot ever posted. The job is written
    as the bot before the sweep wrote it (today's store reads columns added since)."""
    migrations = load_migrations(MIGRATIONS_ROOT / backend.dialect)
    names = [m.name for m in migrations]
    db = await backend.open()
    try:
        await db.migrate(migrations[: names.index("status_sweep")])
        status_message = await client.get_partial_messageable(fake.channel_id).send("rendering")
        await db.write(
            "INSERT INTO jobs (guild_id, channel_id, user_id, prompt, resolution, aspect_ratio,"
            " state, task_id, progress, created_at, media_fetched_at, submitted_at, finished_at,"
            " status_message_id, delivered_at, delivery_message_id, delivery_attempts)"
            " VALUES (?, ?, ?, 'a kite', '720p', '16:9', 'completed', 'task_1', 100, ?, ?, ?, ?,"
            " ?, ?, NULL, 1)",
            (
                fake.guild_id,
                fake.channel_id,
                fake.user_id,
                *(clock() for _ in range(4)),
                status_message.id,
                clock(),
            ),
        )
        await db.migrate()

        clock.advance(SETTLE * 2)
        store, marks = JobStore(db, clock=clock), StatusMarks(db, clock=clock)
        status = StatusMessages(client, store, marks, clock=clock)
        sweep = StatusSweep(marks, ReplyRoutes(db), status, clock=clock)
        assert await sweep.sweep_once() == 0
    finally:
        await db.close()


async def test_a_sweep_whose_edits_keep_failing_ends_and_waits_for_the_next(
    store, clock, fake, client, marks, reply_routes
):
    """Discord answers every edit with a 503 (an outage) and a full batch of jobs awaits its
    last edit: one sweep tries each once and ends, rather than taking the same failed batch
    again and again without ever waiting `SWEEP_EVERY`."""
    stopped = StatusMessages(client, store, marks, clock=clock, min_edit_interval=0)
    jobs = [await rendering_then_delivered(store, clock, fake, client, stopped) for _ in range(50)]
    status = StatusMessages(client, store, marks, clock=clock, final_retry_waits=())
    sweep = StatusSweep(marks, reply_routes, status, clock=clock)
    clock.advance(SETTLE * 2)
    fake.fail_next("PATCH", rf"/channels/{fake.channel_id}/messages/\d+", 503, times=10_000)
    before = len(patches(fake))
    try:
        async with asyncio.timeout(5):
            await sweep.sweep_once()
    except TimeoutError:
        pass
    tried = len(patches(fake)) - before
    assert tried <= len(jobs), f"one sweep sent {tried} edits for {len(jobs)} jobs"


async def test_jobs_taken_by_a_sweep_that_crashed_are_swept_again(
    store, clock, fake, client, marks, reply_routes
):
    """A process takes a batch of missing last edits and is killed (OOM, SIGKILL after
    `docker stop`, a crash) before making them: the next process's sweep must still make
    them, as it does for an edit cut off by any other crash."""
    stopped = StatusMessages(client, store, marks, clock=clock, min_edit_interval=0)
    with_cancel_button(stopped)
    job = await rendering_then_delivered(store, clock, fake, client, stopped)
    clock.advance(SETTLE * 2)
    # The crashed process's sweep: what `sweep_once` does first, then nothing more.
    now = clock()
    taken = await marks.claim_unshown_last_statuses(
        told_since=now - 86_400, told_before=now - SETTLE, limit=50, hold=HOLD
    )
    assert [t.id for t in taken] == [job.id]

    restarted = StatusMessages(client, store, marks, clock=clock, min_edit_interval=0)
    sweep = StatusSweep(marks, reply_routes, restarted, clock=clock)
    clock.advance(HOLD)
    await sweep.sweep_once()
    content, buttons = shown(fake, job)
    assert "80%" not in content and buttons == [], "the status says rendering for good"


async def test_stopping_a_sweep_does_not_wait_on_a_database_that_stopped_answering(
    store, clock, fake, client, monkeypatch, marks, reply_routes
):
    """PostgreSQL stops answering (a partition) while a sweep makes its edits; SIGTERM must
    still stop the bot within `docker stop`'s 10 s: stopping the sweep must not wait for
    ever on the writes it makes as it unwinds."""
    stopped = StatusMessages(client, store, marks, clock=clock, min_edit_interval=0)
    for _ in range(2):
        await rendering_then_delivered(store, clock, fake, client, stopped)
    clock.advance(SETTLE * 2)
    frozen = asyncio.Event()

    async def never_answers(*args, **kwargs):
        frozen.set()
        await asyncio.Event().wait()

    # Taken; then the database goes silent.
    monkeypatch.setattr(marks, "last_status_shown", never_answers)
    monkeypatch.setattr(marks, "last_status_missed", never_answers)
    sweep = StatusSweep(
        marks, reply_routes, StatusMessages(client, store, marks, clock=clock), clock=clock
    )
    sweep.start()
    await asyncio.wait_for(frozen.wait(), 5)
    # As `VideoBot.close` does: nothing bounds the wait.
    stopping = asyncio.ensure_future(sweep.stop())
    done, _ = await asyncio.wait({stopping}, timeout=3)
    if not done:
        stopping.cancel()
    assert done, "the sweep did not stop: shutdown hangs until SIGKILL"


async def test_a_cancelled_jobs_interaction_token_is_forgotten_once_it_expired(
    store, clock, fake, client, marks, reply_routes
):
    """docs/members.md: the stored command token is deleted once the job is delivered or the token
    expired. A member's cancel tells them at once, so no delivery ever forgets it: the sweep
    does, once the token's 15 minutes are over (a live one is kept)."""
    requester = Requester(
        user_id=fake.user_id,
        channel_id=fake.channel_id,
        guild_id=None,
        reply=Reply(Route.INTERACTION, token="secret-token", expires_at=clock() + 900),
    )
    cancelled = await store.create(
        requester, VideoRequest(prompt="a fox"), now=clock(), submit_by=clock()
    )
    await store.cancel(
        cancelled.id, reason_key="cancelled_by_member", now=clock(), member_told=True
    )
    sweep = StatusSweep(
        marks, reply_routes, StatusMessages(client, store, marks, clock=clock), clock=clock
    )

    clock.advance(600)
    later = dataclasses.replace(
        requester, reply=dataclasses.replace(requester.reply, expires_at=clock() + 900)
    )
    living = await store.create(
        later, VideoRequest(prompt="a kite"), now=clock(), submit_by=clock()
    )
    await sweep.sweep_once()
    assert await token_of(store, cancelled.id) == "secret-token", "still alive: kept"

    clock.advance(300)
    await sweep.sweep_once()
    assert await token_of(store, cancelled.id) is None
    assert await token_of(store, living.id) == "secret-token", "asked later: still alive"


async def token_of(store, job_id):
    job = await store.get(job_id)
    return job.requester.reply.token if job.requester.reply is not None else None


async def test_the_hand_over_lists_jobs_under_way_whose_token_runs_out_soon(
    store, db, clock, reply_routes
):
    """The sweep's hand-over reads only what it must edit: private statuses of jobs still
    under way, their token in its last stretch, page after page."""

    async def asked(route, *, expires_in, prompt="a fox"):
        requester = Requester(
            user_id=7,
            channel_id=8,
            guild_id=None,
            reply=Reply(route, token="secret-token", expires_at=clock() + expires_in),
        )
        return await store.create(
            requester, VideoRequest(prompt=prompt), now=clock(), submit_by=clock()
        )

    soon = clock() + 200
    ending = [await asked(Route.INTERACTION, expires_in=150) for _ in range(3)]
    by_dm = await asked(Route.DM, expires_in=100)
    await asked(Route.INTERACTION, expires_in=600)  # not in its last stretch yet
    await asked(Route.CHANNEL, expires_in=100)  # its status is the bot's own message
    cancelled = await asked(Route.INTERACTION, expires_in=100)
    await store.cancel(
        cancelled.id, reason_key="cancelled_by_member", now=clock(), member_told=True
    )
    failed = await submitted(store, await asked(Route.INTERACTION, expires_in=100), now=clock())
    await finished(store, failed, JobState.FAILED, now=clock())
    rendering = await submitted(store, await asked(Route.DM, expires_in=100), now=clock())

    first = await reply_routes.tokens_running_out(soon, after=(0.0, 0), limit=3)
    last = first[-1]
    assert last.requester.reply is not None and last.requester.reply.expires_at is not None
    rest = await reply_routes.tokens_running_out(
        soon, after=(last.requester.reply.expires_at, last.id), limit=3
    )
    # By when each token ends, then by id.
    listed = [job.id for job in first + rest]
    assert listed == [job.id for job in [by_dm, rendering, *ending]]

    # The hand-over is taken only by a job still under way: one cancelled, finished, or whose
    # result began (through the command, a moment ago) is not turned into a DM.
    assert await reply_routes.take_hand_over(cancelled.id) is None
    assert await reply_routes.take_hand_over(failed.id) is None
    await db.write("UPDATE jobs SET delivery_started_at = ? WHERE id = ?", (clock(), by_dm.id))
    assert await reply_routes.take_hand_over(by_dm.id) is None
    handed = await reply_routes.take_hand_over(ending[0].id)
    assert handed is not None and handed.requester.reply is not None
    assert handed.requester.reply.route is Route.DM
    # Marked before the last edit: a progress edit another process lands after that edit
    # finds the mark, and puts the note back. The token is kept until the note is made (a
    # process killed before it leaves the note to the next one), and taken again then.
    assert handed.requester.reply.handed_over
    assert handed.requester.reply.token == "secret-token"
    assert await reply_routes.take_hand_over(ending[0].id) is not None


async def test_the_hand_over_runs_on_its_own_round_and_outlives_a_failed_one(
    marks, reply_routes, clock, caplog
):
    """The hand-over has its own round, apart from the sweep's edits (which may take long); a
    round that fails (the database away) is logged, in one line without a traceback, and the
    next comes all the same, saying once that it works again; a stop ends both."""
    caplog.set_level(logging.INFO)
    rounds = []

    async def hand_over():
        rounds.append(len(rounds))
        if len(rounds) == 1:
            raise OSError("the database is away")
        return 0

    sweep = StatusSweep(
        marks,
        reply_routes,
        None,
        clock=clock,
        every=3600,
        hand_over=hand_over,
        hand_over_every=0.05,
    )
    sweep.start()
    sweep.start()  # once only
    for _ in range(100):
        if len(rounds) >= 3:
            break
        await asyncio.sleep(0.02)
    await sweep.stop()
    counted = len(rounds)
    await asyncio.sleep(0.15)
    assert counted >= 3 and len(rounds) == counted, "rounds went on after the stop"
    said = [(r.levelname, r.getMessage(), r.exc_info) for r in caplog.records]
    assert said == [
        (
            "WARNING",
            "A status sweep failed: the database could not be reached (OSError: the database"
            " is away); trying again in 0 s",
            None,
        ),
        ("INFO", "A status sweep works again: the database answered", None),
    ]


async def test_private_statuses_owed_a_last_edit_are_those_told_whose_token_lives(
    store, db, clock, reply_routes
):
    """A delivered job keeps its token only while its private answer's last edit is owed
    (Discord failed it for a while): those are listed, while the token still works, and so
    is a cancelled one that ended (nothing more will happen to it); not a job under way, a
    cancelled one still rendering (its token kept for what is still to tell), one whose
    status is the bot's own message, nor one whose token is past its use."""

    async def told(route, *, expires_in=600, delivered=True):
        requester = Requester(
            user_id=7,
            channel_id=8,
            guild_id=None,
            reply=Reply(route, token="secret-token", expires_at=clock() + expires_in),
        )
        job = await store.create(
            requester, VideoRequest(prompt="a fox"), now=clock(), submit_by=clock()
        )
        if delivered:
            await db.write("UPDATE jobs SET delivered_at = ? WHERE id = ?", (clock(), job.id))
        return job

    by_interaction = await told(Route.INTERACTION)
    by_dm = await told(Route.DM, expires_in=300)
    await told(Route.INTERACTION, delivered=False)  # under way
    await told(Route.CHANNEL)  # its status is the bot's own message
    await told(Route.INTERACTION, expires_in=30)  # its token is past use by then
    cancelled = await told(Route.INTERACTION, delivered=False, expires_in=700)
    await store.cancel(
        cancelled.id, reason_key="cancelled_by_member", now=clock(), member_told=True
    )
    rendering = await submitted(store, await told(Route.INTERACTION, delivered=False), now=clock())
    await store.cancel(
        rendering.id, reason_key="cancelled_by_member", now=clock(), member_told=True
    )
    owed = await reply_routes.private_statuses_owed(clock() + 60, limit=10)
    assert [job.id for job in owed] == [by_dm.id, by_interaction.id, cancelled.id], (
        "by the token's end"
    )
    await reply_routes.forget_interaction(by_dm.id)
    assert [job.id for job in await reply_routes.private_statuses_owed(clock() + 60, limit=10)] == [
        by_interaction.id,
        cancelled.id,
    ]


async def test_a_render_no_longer_followed_loses_its_promise_even_after_a_long_outage(
    store, clock, fake, client, marks, reply_routes
):
    """A render given up on: its status says a late video is still posted until checks stop
    a day after it was sent, with its Cancel button. The checks end while the bot is down (a
    deploy, an outage of an hour): the next process must still take the promise and the
    button away, not leave "its video is posted after all" up for good."""
    status = StatusMessages(client, store, marks, clock=clock, min_edit_interval=0)
    with_cancel_button(status)
    job = await posted_job(store, clock, fake, client, status)
    clock.advance(1800)  # `TASK_TIMEOUT`'s default: given up on half an hour after it was sent
    given_up = await finished(
        store,
        job,
        JobState.TIMED_OUT,
        now=clock(),
        reason_key=TIMED_OUT_REASON,
        follow_up_at=clock() + 300,
    )
    claim = await claimed(store, given_up.id, Stage.DELIVER)
    assert await store.mark_delivered(claim, now=clock(), message_id=fake.new_snowflake())
    await status.update(await store.get(job.id), final=True)
    content, buttons = shown(fake, job)
    assert "after all" in content and buttons, "followed: a late video would be posted"

    # The last quiet check, a day after the render was sent: no more after it.
    clock.advance(FOLLOW_UP_LIMIT - 1800 - 200)
    last_check = await claimed(store, job.id, Stage.POLL)
    assert await store.follow_up_later(last_check, next_poll_at=None)
    # The bot is down for an hour just then.
    clock.advance(3600)
    restarted = StatusMessages(client, store, marks, clock=clock, min_edit_interval=0)
    with_cancel_button(restarted)
    await StatusSweep(marks, reply_routes, restarted, clock=clock).sweep_once()
    content, buttons = shown(fake, job)
    assert "no video will come" in content, "the status still promises a late video"
    assert buttons == [], "a Cancel button on a job nothing follows any more"


async def test_expired_links_have_a_round_of_their_own_that_a_stop_ends(marks, reply_routes, clock):
    """The posts of expired links are edited on a round of their own (`bot.link_expiry`),
    apart from the last status edits (which may take long), and a stop ends it."""
    rounds = []

    async def expired_links():
        rounds.append(len(rounds))
        return 0

    sweep = StatusSweep(
        marks,
        reply_routes,
        None,
        clock=clock,
        every=3600,
        expired_links=expired_links,
        expired_links_every=0.05,
    )
    sweep.start()
    for _ in range(100):
        if len(rounds) >= 2:
            break
        await asyncio.sleep(0.02)
    await sweep.stop()
    counted = len(rounds)
    await asyncio.sleep(0.15)
    assert counted >= 2 and len(rounds) == counted, "rounds went on after the stop"
