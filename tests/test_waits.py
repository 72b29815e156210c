"""Honest waits, as the member reads them on the fake Discord: the time left follows the
progress actually seen, a place in line appears only where the bot holds a job back, and
"usually ready in" comes from the renders this bot has measured."""

import itertools
import re
import time

from bot.apimart.models import TaskInfo, TaskStatus, VideoRequest
from bot.jobs.budget import RequestBudget
from bot.jobs.models import JobState, Requester
from bot.jobs.poller import Poller
from bot.jobs.service import JobService, SubmitTiming
from bot.jobs.stages import Stage
from bot.jobs.store import JobStore
from bot.jobs.typical import UsualWait, usually_ready
from bot.reach import Reply, Route, queued_message
from bot.status_messages import StatusMessages
from cogs.member import status_report
from tests.cogs.test_moderation import command, mod, server, video
from tests.conftest import FakeClock
from tests.fakes.apimart import TaskPlan
from tests.fakes.components import shown_text
from tests.harness import running_bot
from tests.jobs.test_service_and_poller import RecordingDelivery, make_client
from tests.jobstates import claimed, finished, submitted
from tests.observability.scrape import scrape
from tests.timestamps import read_at, stamps

QUICK = VideoRequest(prompt="a fox in snow", duration=4, resolution="720p")
BIG = VideoRequest(prompt="a fox in snow", duration=10, resolution="4k")


async def announced(store, clock, fake, client, status, *, locale="en-US", request=QUICK):
    """A job APIMart accepted just now, with its status message posted."""
    requester = Requester(
        user_id=fake.user_id, channel_id=fake.channel_id, guild_id=fake.guild_id, locale=locale
    )
    job = await store.create(requester, request, now=clock(), submit_by=clock())
    job = await submitted(store, job, now=clock())
    await status.post(client.get_partial_messageable(fake.channel_id), job)
    return await store.get(job.id)


async def poll_sees(store, status, clock, job, progress, *, estimated_time=600):
    """One status check the way the engine makes it: claim, record the progress, show it."""
    claim = await claimed(store, job.id, Stage.POLL)
    info = TaskInfo(
        task_id=claim.task_id,
        status=TaskStatus.PROCESSING,
        progress=progress,
        estimated_time=estimated_time,
    )
    updated = await store.record_progress(claim, info, next_poll_at=clock(), read_at=clock())
    await status.update(updated)
    return updated


def shown(fake, job):
    return fake.get_message(job.status_message_id)["content"]


async def test_a_fast_render_shows_the_time_its_progress_says_not_apimarts_600_s(
    store, clock, fake, client, marks
):
    status = StatusMessages(client, store, marks, clock=clock, min_edit_interval=0)
    job = await announced(store, clock, fake, client, status)
    for progress in (10, 20, 30, 40, 50):  # 10 % every 8 s: 50 % left is 40 s
        clock.advance(8)
        job = await poll_sees(store, status, clock, job, progress)
    content = shown(fake, job)
    assert "50% · about 40 s left" in content
    assert "min left" not in content, "not APIMart's 600 s counted down"


async def test_before_anything_was_measured_the_time_left_follows_the_usual_range(
    store, clock, fake, client, marks
):
    """The queued note says "usually ready in 3-5 minutes"; the very next edit said "0% ·
    about 9 min left" (APIMart's fixed 600 s). One story: what the range leaves at most."""
    status = StatusMessages(client, store, marks, clock=clock, min_edit_interval=0)
    job = await announced(store, clock, fake, client, status)
    big = await announced(store, clock, fake, client, status, request=BIG)
    assert "usually ready in 3-5 minutes" in shown(fake, job)
    assert "usually ready in 7-9 minutes" in shown(fake, big)
    clock.advance(60)
    job = await poll_sees(store, status, clock, job, 0)
    big = await poll_sees(store, status, clock, big, 0)
    assert "0% · about 4 min left" in shown(fake, job), shown(fake, job)
    assert "0% · about 8 min left" in shown(fake, big), shown(fake, big)
    report = status_report(job, "en-US", clock(), typical=UsualWait(None, "720p"))
    assert "about 4 min left" in report.render("en-US"), "/videos status says the same"


async def test_apimarts_estimate_is_the_guess_where_it_is_shorter_than_the_usual_range(
    store, clock, fake, client, marks
):
    status = StatusMessages(client, store, marks, clock=clock, min_edit_interval=0)
    job = await announced(store, clock, fake, client, status)
    clock.advance(60)
    await poll_sees(store, status, clock, job, 0, estimated_time=200)
    assert "0% · about 2 min left" in shown(fake, job), shown(fake, job)


async def test_near_the_end_it_says_almost_done_in_both_languages(
    store, clock, fake, client, marks
):
    status = StatusMessages(client, store, marks, clock=clock, min_edit_interval=0)
    english = await announced(store, clock, fake, client, status)
    chinese = await announced(store, clock, fake, client, status, locale="zh-CN")
    for progress in (30, 60, 92):
        clock.advance(20)
        english = await poll_sees(store, status, clock, english, progress)
        chinese = await poll_sees(store, status, clock, chinese, progress)
        if progress == 60:
            assert "60% · about 30 s left" in shown(fake, english)
            assert "60% · 大约还需 30 秒" in shown(fake, chinese)
    assert "92% · almost done" in shown(fake, english)
    assert "92% · 即将完成" in shown(fake, chinese)


async def polled(store, marks, clock, fake, client, progresses, every):
    """A job announced, then polled every `every` seconds, seeing each progress in turn."""
    status = StatusMessages(client, store, marks, clock=clock, min_edit_interval=0)
    job = await announced(store, clock, fake, client, status)
    for progress in progresses:
        clock.advance(every)
        job = await poll_sees(store, status, clock, job, progress)
    return status, job


async def test_a_render_stuck_halfway_is_not_announced_as_almost_done(
    store, clock, fake, client, marks
):
    status, job = await polled(store, marks, clock, fake, client, (20, 40, 60), every=10)
    assert "about 20 s left" in shown(fake, job)
    clock.advance(170)  # no progress for almost three minutes
    await poll_sees(store, status, clock, job, 60)
    content = shown(fake, job)
    assert "almost done" not in content
    assert "60% · about 3 min left" in content, "the stall slows the measured rate"


async def test_a_render_stuck_near_the_end_is_not_almost_done_for_ever(
    store, clock, fake, client, marks
):
    status, job = await polled(store, marks, clock, fake, client, (30, 60, 92), every=20)
    assert "92% · almost done" in shown(fake, job)
    clock.advance(600)  # ten minutes at 92 %
    await poll_sees(store, status, clock, job, 92)
    content = shown(fake, job)
    assert "almost done" not in content
    assert "92% · time left not known yet" in content


async def test_progress_apimart_reports_lower_never_moves_the_bar_back(
    store, clock, fake, client, marks
):
    """APIMart's progress may jump about: 50 % on one check, 44 % on the next. The member's
    status and `/videos status` keep showing the most it reached, never a bar going back."""
    status, job = await polled(store, marks, clock, fake, client, (20, 35, 50), every=10)
    assert "▰▰▰▰▰▱▱▱▱▱ 50%" in shown(fake, job)
    clock.advance(10)
    job = await poll_sees(store, status, clock, job, 44)
    content = shown(fake, job)
    assert "▰▰▰▰▰▱▱▱▱▱ 50%" in content, content
    assert "44%" not in content, content
    report = status_report(job, "en-US", clock()).render("en-US")
    assert "50%" in report and "44%" not in report, report
    clock.advance(10)
    job = await poll_sees(store, status, clock, job, 56)
    assert "▰▰▰▰▰▱▱▱▱▱ 56%" in shown(fake, job), "past the best reading, it moves on"


def said_seconds(content):
    """The time left a status says, in seconds ("almost done" as 0)."""
    if "almost done" in content:
        return 0
    found = re.search(r"about (\d+) (min|s) left", content)
    assert found, content
    return int(found[1]) * (60 if found[2] == "min" else 1)


async def test_progress_that_drops_and_recovers_never_makes_the_time_left_jump(
    store, clock, fake, client, marks
):
    """APIMart's progress is noisy: 60 %, then 45 % and 50 %, then 85 %. The bar stays at
    60 %, and the time left must not go "about 60 s", "about 2 min", "about 3 min", "almost
    done" (starting over at each dip): a reading below the best is no news of a slower render,
    so it counts down check after check, to "almost done"."""
    status = StatusMessages(client, store, marks, clock=clock, min_edit_interval=0)
    job = await announced(store, clock, fake, client, status)
    seen = []
    for progress in (10, 20, 30, 40, 50, 60, 45, 50, 85, 95):  # one check every 15 s
        clock.advance(15)
        job = await poll_sees(store, status, clock, job, progress)
        seen.append((progress, said_seconds(shown(fake, job))))
    times = [left for _, left in seen]
    assert all(later <= earlier for earlier, later in itertools.pairwise(times)), f"{seen}"
    assert times[-1] == 0, f"{seen}"
    assert "95% · almost done" in shown(fake, job), seen


async def test_a_render_that_drops_back_and_stays_there_still_gets_a_longer_time(
    store, clock, fake, client, marks
):
    """The other side of it: progress that falls back from 60 % and stays below it for three
    minutes is a render slower than its pace said: a stall. The time left grows with the
    wait, never "almost done", and falls again once the render is past 60 %. (Starting over
    at each dip, it read "about 20 s", then 70 s, 5, 7, 7, 9, 11 minutes, then 5.)"""
    status, job = await polled(store, marks, clock, fake, client, (20, 40, 60), every=10)
    assert "60% · about 20 s left" in shown(fake, job)
    seen = []
    for wait, progress in ((30, 45), (30, 50), (30, 52), (30, 55), (30, 57), (30, 58), (30, 65)):
        clock.advance(wait)
        job = await poll_sees(store, status, clock, job, progress)
        seen.append(said_seconds(shown(fake, job)))
    assert seen == [50, 80, 120, 120, 180, 180, 120], seen
    assert "▰▰▰▰▰▰▱▱▱▱ 65% · about 2 min left" in shown(fake, job)


async def completed_render(store, clock, request, seconds):
    requester = Requester(user_id=1, channel_id=2, guild_id=3)
    job = await store.create(requester, request, now=clock(), submit_by=clock())
    job = await submitted(store, job, now=clock())
    clock.advance(seconds)
    await finished(store, job, JobState.COMPLETED, now=clock())


async def test_usually_ready_in_comes_from_measured_renders_of_that_kind(
    store, clock, fake, client, marks
):
    status = StatusMessages(client, store, marks, clock=clock)
    await completed_render(store, clock, QUICK, 40)
    await completed_render(store, clock, QUICK, 52)
    first = await announced(store, clock, fake, client, status)
    assert "usually ready in 3-5 minutes" in shown(fake, first), "two renders are too few"
    await completed_render(store, clock, QUICK, 50)
    quick = await announced(store, clock, fake, client, status)
    assert "usually ready in about 50 s" in shown(fake, quick)
    chinese = await announced(store, clock, fake, client, status, locale="zh-CN")
    assert "通常约 50 秒完成" in shown(fake, chinese)
    big = await announced(store, clock, fake, client, status, request=BIG)
    # Nothing measured for 4k x 10 s: what 4K usually takes, not 720p's 3-5 minutes.
    assert "usually ready in 7-9 minutes" in shown(fake, big)
    for seconds in (170, 190, 400):
        await completed_render(store, clock, BIG, seconds)
    measured_big = await announced(store, clock, fake, client, status, request=BIG)
    assert "usually ready in about 3 min" in shown(fake, measured_big)


async def test_a_render_that_waited_unseen_in_apimarts_queue_is_timed_by_its_measured_kind(
    store, clock, fake, client, marks
):
    """Measured here at 4 min, a video APIMart kept `pending` for 115 s is first checked at
    120 s, already rendering at 4 %: the pace since APIMart took it counts the queue wait as
    rendering, and read "4% · about 16 min left" for 2 minutes before the video came. The
    member was just told "usually ready in about 4 min"; before progress moves, too, the
    measured time is the guess, not APIMart's 600 s ("0% · about 9 min left")."""
    status = StatusMessages(client, store, marks, clock=clock, min_edit_interval=0)
    for seconds in (230, 240, 250):
        await completed_render(store, clock, QUICK, seconds)
    waiting = await announced(store, clock, fake, client, status)
    queued = await announced(store, clock, fake, client, status)
    assert "usually ready in about 4 min" in shown(fake, queued)
    clock.advance(60)
    waiting = await poll_sees(store, status, clock, waiting, 0)
    assert "0% · about 3 min left" in shown(fake, waiting), shown(fake, waiting)
    clock.advance(60)
    queued = await poll_sees(store, status, clock, queued, 4)
    content = shown(fake, queued)
    assert "4% · about 2 min left" in content, content
    report = status_report(queued, "en-US", clock(), typical=UsualWait(240.0, "720p"))
    assert "about 2 min left" in report.render("en-US"), "/videos status says the same"


async def pending_seen(store, status, clock, job):
    """A status check that finds the task still waiting in APIMart's own queue."""
    claim = await claimed(store, job.id, Stage.POLL)
    info = TaskInfo(task_id=claim.task_id, status=TaskStatus.PENDING, progress=0)
    updated = await store.record_progress(claim, info, next_poll_at=clock(), read_at=clock())
    await status.update(updated)
    return updated


async def test_a_video_left_queued_at_the_service_past_its_usual_time_says_it_is_slower(
    store, clock, fake, client, marks
):
    """APIMart's own queue is long: "usually ready in 3-5 minutes" ten minutes on would read
    as a promise broken without a word. Past the usual time the status says the service is
    slower than usual and when APIMart took it (a live stamp, true whenever it is read)."""
    status = StatusMessages(client, store, marks, clock=clock, min_edit_interval=0)
    english = await announced(store, clock, fake, client, status)
    chinese = await announced(store, clock, fake, client, status, locale="zh-CN")
    taiwan = await announced(store, clock, fake, client, status, locale="zh-TW")
    accepted = int(english.submitted_at)
    clock.advance(240)  # within 3-5 minutes: nothing to say yet
    english = await pending_seen(store, status, clock, english)
    assert "usually ready in 3-5 minutes" in shown(fake, english)
    assert "slower than usual" not in shown(fake, english)
    clock.advance(360)  # ten minutes, still queued at APIMart
    english = await pending_seen(store, status, clock, english)
    chinese = await pending_seen(store, status, clock, chinese)
    taiwan = await pending_seen(store, status, clock, taiwan)
    content = shown(fake, english)
    assert "is queued at the video service: ▱▱▱▱▱▱▱▱▱▱ 0% · slower than usual" in content
    assert stamps(content) == [accepted]
    assert "accepted 10 minutes ago; videos like it are usually ready in 3-5 minutes" in read_at(
        content, clock()
    ), content
    zh = read_at(shown(fake, chinese), clock(), "zh-CN")
    assert "比平时慢：视频服务在 10分钟前 接收了任务，这类视频通常约 3-5 分钟完成" in zh, zh  # noqa: RUF001
    tw = shown(fake, taiwan)
    assert "比平常慢" in tw and "這類影片通常約 3-5 分鐘完成" in tw, tw


async def test_a_video_queued_past_its_measured_time_says_it_is_slower(
    store, clock, fake, client, marks
):
    """Measured here at about 50 s, a video still queued at APIMart two minutes on is late."""
    status = StatusMessages(client, store, marks, clock=clock, min_edit_interval=0)
    for seconds in (40, 50, 52):
        await completed_render(store, clock, QUICK, seconds)
    job = await announced(store, clock, fake, client, status)
    assert "usually ready in about 50 s" in shown(fake, job)
    clock.advance(120)
    job = await pending_seen(store, status, clock, job)
    assert "slower than usual" in shown(fake, job)
    assert "usually ready in about 50 s" in shown(fake, job)


async def test_the_private_queued_note_says_the_measured_wait_too(db, api, session, clock):
    store = JobStore(db, clock=clock)
    service = JobService(store, make_client(api, session), clock=clock)
    for seconds in (100, 110, 130):
        await completed_render(store, clock, QUICK, seconds)
    requester = Requester(user_id=42, channel_id=7, guild_id=1)
    report = await service.create_and_submit(requester, QUICK)
    assert "It usually takes about 2 min;" in report.member_message.render("en-US")
    assert "通常需要约 2 分钟" in report.member_message.render("zh-CN")
    other = await service.create_and_submit(requester, BIG)
    assert "It usually takes 7-9 minutes;" in other.member_message.render("en-US")
    assert "通常需要约 7-9 分钟" in other.member_message.render("zh-CN")


async def test_a_4k_video_is_not_promised_in_3_to_5_minutes_the_bot_itself_expects_8(tmp_path):
    """Before any 4K render was measured here, /video's queued note says what 4K usually
    takes (the 8 minutes the bot routes user-install answers by), not 720p's 3-5 minutes."""
    async with running_bot(tmp_path) as world:
        interaction = await world.video(prompt="a city at night", resolution="4k", duration=10)
        note = (await interaction.wait_for_answer(timeout=10))["content"]
        assert "queued as job #1" in note, note
        assert "It usually takes 7-9 minutes;" in note, note


async def test_a_job_apimart_asked_us_to_hold_shows_its_place_and_what_it_waits_for(tmp_path):
    clock = FakeClock(start=float(int(time.time())))
    async with running_bot(tmp_path, clock=clock, plan=TaskPlan(polls_until_done=None)) as world:
        fake = world.discord
        world.api.fail_next("submit", status=429, retry_after_header="20")
        await world.video(prompt="the first fox")
        first = await fake.wait_for_message(
            predicate=lambda m: "Job #1 is waiting, number" in m["content"]
        )
        assert (
            "number 1 in line in this server: the video service asked me to slow down;"
            " sending in 20 seconds" in read_at(first["content"], clock())
        ), first["content"]
        # Read 15 s on, with nothing edited since: the time left is 5 s, not still 20.
        assert "sending in 5 seconds" in read_at(first["content"], clock() + 15)
        await world.video(prompt="the second fox")  # sent during APIMart's pause: held too
        second = await fake.wait_for_message(
            predicate=lambda m: "Job #2 is waiting, number" in m["content"]
        )
        assert "number 2 in line in this server" in second["content"]
        assert world.api.task_ids == [], "APIMart made nothing; the second was never sent"
        assert [submit["prompt"] for submit in world.api.submits] == ["the first fox"]


async def test_a_held_video_in_a_dm_claims_no_server_line_nor_counts_strangers(tmp_path):
    clock = FakeClock(start=time.time())
    plan = TaskPlan(polls_until_done=None)
    async with running_bot(tmp_path, clock=clock, plan=plan, user_install_concurrency=5) as world:
        fake = world.discord
        stranger = fake.add_user("stranger")
        world.api.fail_next("submit", status=429, retry_after_header="20")
        first = await fake.slash_command(
            "video", {"prompt": "a stranger's fox"}, user=stranger, dm=True
        )
        await first.wait_for_answer()
        await fake.wait_for_message(
            fake.dm_channel_id(stranger),
            predicate=lambda m: "Job #1 is waiting to be sent" in m["content"],
        )
        mine = await fake.slash_command("video", {"prompt": "my fox"}, dm=True)
        await mine.wait_for_answer()
        held = await fake.wait_for_message(
            fake.dm_channel_id(fake.user_id),
            predicate=lambda m: (
                "Job #2 is waiting to be sent: the video service asked me to slow down"
                in m["content"]
            ),
        )
        assert "in line" not in held["content"]
        mine_held = await world.bot.store.get(2)
        assert await world.bot.store.held_position(mine_held) == 1, "strangers' jobs not counted"


async def test_a_video_behind_another_in_the_servers_line_is_told_its_place_not_the_next_slot(
    tmp_path,
):
    """One video at a time: #1 renders, carol's #2 waits first in line. The member's #3 is
    number 2 in line: it does not start "as soon as the one being made is done", #2 does; its
    private note says its place, as its status does."""
    async with server(tmp_path, plan=TaskPlan(polls_until_done=None)) as s:
        fake = s.world.discord
        await mod(s, "limits set", server_at_once=1, max_active=5)
        assert "queued as job #1" in await video(s.world, prompt="the first fox")
        await fake.wait_for_message(predicate=lambda m: "Job #1 is being made" in m["content"])
        await video(s.world, user=s.carol, prompt="the second fox")
        told = await video(s.world, prompt="the third fox")
        await fake.wait_for_message(
            predicate=lambda m: "Job #3 is waiting, number 2 in line" in m["content"]
        )
        assert "starts as soon as" not in told, told
        assert "This server allows 1 video at a time, and yours is number 2 in line" in told


async def test_a_server_allowing_one_video_at_a_time_holds_the_next_and_says_why(tmp_path):
    async with server(tmp_path, plan=TaskPlan(polls_until_done=None)) as s:
        fake, api = s.world.discord, s.world.api
        answer = await mod(s, "limits set", server_at_once=1)
        assert "This server renders 1 video at a time; the others wait in line." in answer
        assert "queued as job #1" in await video(s.world, prompt="the first fox")
        await fake.wait_for_message(predicate=lambda m: "Job #1 is being made" in m["content"])
        told = await video(s.world, user=s.carol, prompt="the second fox")
        assert "This server allows 1 video at a time, so it starts as soon as" in told
        held = await fake.wait_for_message(
            predicate=lambda m: "Job #2 is waiting, number" in m["content"]
        )
        assert (
            "Job #2 is waiting, number 1 in line in this server:"
            " this server allows 1 video at a time." in held["content"]
        )
        assert [submit["prompt"] for submit in api.submits] == ["the first fox"]
        report = await command(s.world, "videos status", user=s.carol, job=2)
        assert "Job #2" in report and "Reason" not in report, "waiting in line is no failure"
        [first] = [m for m in fake.messages() if "Job #1 is" in m["content"]]
        assert "in line" not in first["content"], "a job APIMart has shows no place in line"
        api.task(api.task_ids[0]).complete()
        # The freed slot goes to the job in line, without waiting for its next look.
        await fake.wait_for_message(predicate=lambda m: "Job #2 is being made" in m["content"])
        assert [submit["prompt"] for submit in api.submits] == ["the first fox", "the second fox"]


async def test_a_place_in_line_moves_up_when_the_job_before_it_is_sent(tmp_path):
    """Three videos on a server rendering one at a time: when the first ends and the second
    is sent, the third's status says it is next at once (not at its next look at the line,
    half a minute later, after it read "number 2" all that while)."""
    async with server(tmp_path, plan=TaskPlan(polls_until_done=None)) as s:
        fake, api = s.world.discord, s.world.api
        await three_in_a_line_of_one(s)
        api.task(api.task_ids[0]).complete()
        await fake.wait_for_message(predicate=lambda m: "Job #2 is being made" in m["content"])
        await fake.wait_for_message(
            predicate=lambda m: "Job #3 is waiting, number 1 in line" in m["content"]
        )


async def test_a_job_in_line_is_not_sent_once_the_servers_budget_is_spent(tmp_path):
    """The budget stops new videos: one waiting for a slot was not sent, so nothing is spent
    on it yet, and it is not sent once the video before it used the budget up. The operator's
    metrics count neither the wait nor the refusal as APIMart's (which would page them about a
    revoked key or an empty balance)."""
    plan = TaskPlan(polls_until_done=None, credits_cost=15)
    async with server(tmp_path, plan=plan, metrics_port=0) as s:
        fake, api = s.world.discord, s.world.api
        await mod(s, "limits set", server_at_once=1)
        await mod(s, "budget", credits=10)
        assert "queued as job #1" in await video(s.world, prompt="the first fox")
        await fake.wait_for_message(predicate=lambda m: "Job #1 is being made" in m["content"])
        told = await video(s.world, user=s.carol, prompt="the second fox")
        assert "This server allows 1 video at a time" in told
        api.task(api.task_ids[0]).complete()  # 15 credits: the budget of 10 is spent
        notice = await fake.wait_for_message(
            predicate=lambda m: "Your video was not sent" in shown_text(m)
        )
        assert "what is left would not pay for it" in shown_text(notice)
        assert "</videomod budget:" in shown_text(notice), "the command, as a clickable mention"
        assert f"<@{s.carol}>" in shown_text(notice)
        assert [submit["prompt"] for submit in api.submits] == ["the first fox"]
        report = await command(s.world, "videos status", user=s.carol, job=2)
        assert "not sent (budget)" in report and "budget" in report, report
        submits = await scrape(f"http://127.0.0.1:{s.world.bot.observability.port}")
        assert submits.get("videobot_submits_total", outcome="accepted") == 1
        assert submits.get("videobot_submits_total", outcome="held") >= 1
        assert submits.get("videobot_submits_total", outcome="refused_here") == 1
        assert submits.total("videobot_submits_total", outcome="retry") == 0
        assert submits.total("videobot_submits_total", outcome="rejected") == 0


async def test_a_job_held_because_apimart_is_down_says_when_it_tries_again(tmp_path):
    clock = FakeClock(start=float(int(time.time())))
    async with running_bot(tmp_path, clock=clock, plan=TaskPlan(polls_until_done=None)) as world:
        world.api.fail_next("submit", status=503)
        await world.discord.slash_command("video", options={"prompt": "a fox"}, locale="zh-CN")
        # The member's own language, punctuation and all.
        line = "任务 #1 正在等待发送：视频服务繁忙，1分钟后 重试。"  # noqa: RUF001
        held = await world.discord.wait_for_message(
            predicate=lambda m: line in read_at(m["content"], clock(), "zh-CN")
        )
        shown = read_at(held["content"], clock(), "zh-CN")
        assert shown.splitlines()[2:] == [f"⏳ {line}", "预计花费：约 **3 积分**。"]  # noqa: RUF001
        # Read 45 s on, nothing edited: 15 s to go, not still "about 60 s".
        assert "视频服务繁忙，15秒后 重试" in read_at(held["content"], clock() + 45, "zh-CN")  # noqa: RUF001


async def test_a_job_held_again_says_its_next_try_not_the_one_that_failed(tmp_path):
    """APIMart is still busy at the next try: the status must not be left saying "trying again
    5 seconds ago" (the try that failed) while the job waits another minute."""
    clock = FakeClock(start=float(int(time.time())))
    async with running_bot(tmp_path, clock=clock, plan=TaskPlan(polls_until_done=None)) as world:
        fake, bot = world.discord, world.bot
        world.api.fail_next("submit", status=503, times=2)
        await world.video(prompt="a patient fox")
        held = await fake.wait_for_message(
            predicate=lambda m: "trying again in 1 minute" in read_at(m["content"], clock())
        )
        [first_try] = stamps(held["content"])
        clock.advance(61)
        bot.poller.wake()
        await fake.wait_for(
            lambda: stamps(fake.get_message(int(held["id"]))["content"]) != [first_try],
            description="the status saying the next try",
        )
        content = fake.get_message(int(held["id"]))["content"]
        assert "the video service is busy; trying again in 1 minute" in read_at(content, clock()), (
            content
        )
        assert "ago" not in read_at(content, clock() + 5), content


async def test_a_kind_that_renders_fast_here_is_first_checked_at_half_its_usual_time(
    db, api, session, clock
):
    """Renders of 40-52 s are not left until POLL_FIRST_DELAY (120 s): the next one of that
    resolution and length is first checked at 25 s, half their median; a kind with fewer than
    3 measured renders waits the configured 120 s, and a slow kind is never checked later."""
    store = JobStore(db, clock=clock)
    timing = SubmitTiming(first_poll_delay=120)
    service = JobService(store, make_client(api, session), clock=clock, timing=timing)
    requester = Requester(user_id=42, channel_id=7, guild_id=1)
    for seconds in (40, 50, 52):
        await completed_render(store, clock, QUICK, seconds)
    for seconds in (300, 320):
        await completed_render(store, clock, BIG, seconds)
    quick = (await service.create_and_submit(requester, QUICK)).job
    assert (await store.get(quick.id)).next_poll_at == clock() + 25
    unknown = (await service.create_and_submit(requester, BIG)).job
    assert (await store.get(unknown.id)).next_poll_at == clock() + 120, "two renders: too few"
    await completed_render(store, clock, BIG, 340)
    slow = (await service.create_and_submit(requester, BIG)).job
    assert (await store.get(slow.id)).next_poll_at == clock() + 120, "never later than 120 s"


def test_an_answer_through_the_interaction_says_the_measured_wait_and_the_way_out():
    reply = Reply(Route.INTERACTION, token="t", expires_at=1e12)
    queued = queued_message(reply, 3, typical=usually_ready(130, "720p"))
    text = queued.render("en-US")
    assert "It usually takes about 2 min; I'll post it right here" in text
    # The route's honest fallback: a render that outlives the interaction comes by DM.
    assert "by direct message" in text and "/videos history" in text
    assert "通常需要约 2 分钟" in queued.render("zh-CN")


async def test_number_two_in_line_is_not_sent_before_number_one(db, api, session, clock, marks):
    """APIMart answers a submit 429 with Retry-After: 600. Alice's job is told "number 1 in
    line"; Bob's, asked a moment later, "number 2 in line". Submits wait out the pause (at
    most 2 minutes), Alice's too: Bob's must not go first while hers waits 10 minutes."""
    alice_asks = Requester(user_id=1, channel_id=7, guild_id=100)
    bob_asks = Requester(user_id=2, channel_id=7, guild_id=100)

    async def sleep(seconds: float) -> None:
        clock.advance(seconds)

    budget = RequestBudget(5.0, clock=clock, sleep=sleep)
    store = JobStore(db, clock=clock)
    client = make_client(api, session)
    service = JobService(store, client, clock=clock, budget=budget)
    poller = Poller(store, client, service, RecordingDelivery(), clock=clock, budget=budget)
    status = StatusMessages(None, store, marks, clock=clock)

    api.fail_next("submit", status=429, retry_after_header="600", times=2)
    alice = (await service.create_and_submit(alice_asks, QUICK)).job
    clock.advance(5)
    bob = (await service.create_and_submit(bob_asks, QUICK)).job
    alice_text = await status.render(await store.get(alice.id))
    bob_text = await status.render(await store.get(bob.id))
    assert "number 1 in line" in alice_text, alice_text
    assert "number 2 in line" in bob_text, bob_text

    for _ in range(20):  # five minutes of the engine's rounds
        clock.advance(15)
        await poller.run_once()
    alice, bob = await store.get(alice.id), await store.get(bob.id)
    assert not (bob.state is not JobState.RECORDED and alice.state is JobState.RECORDED), (
        f"Bob's job (told number 2 in line) was sent ({bob.state}) while Alice's (number 1) "
        f"still waits: {await status.render(alice)!r}"
    )


async def three_in_a_line_of_one(s):
    """A server rendering one video at a time: job #1 renders, carol's #2 and then #3 wait,
    #3's status reading "number 2 in line"."""
    fake = s.world.discord
    await mod(s, "limits set", server_at_once=1, max_active=5)
    assert "queued as job #1" in await video(s.world, prompt="the first fox")
    await fake.wait_for_message(predicate=lambda m: "Job #1 is being made" in m["content"])
    await video(s.world, user=s.carol, prompt="the second fox")
    await video(s.world, prompt="the third fox")
    await fake.wait_for_message(
        predicate=lambda m: "Job #3 is waiting, number 2 in line" in m["content"]
    )


async def test_a_place_in_line_moves_up_when_the_job_before_it_is_cancelled(tmp_path):
    """Three videos on a server rendering one at a time: the second's member cancels it while
    it waits. The third is then next in line, and its status must say so at once, not read
    "number 2 in line" until its next look at the line (half a minute or more later)."""
    async with server(tmp_path, plan=TaskPlan(polls_until_done=None)) as s:
        fake = s.world.discord
        await three_in_a_line_of_one(s)
        answer = await command(s.world, "videos cancel", user=s.carol, job=2)
        assert "#2" in answer, answer
        await fake.wait_for_message(predicate=lambda m: "Job #2 was cancelled" in m["content"])
        await fake.wait_for_message(
            predicate=lambda m: "Job #3 is waiting, number 1 in line" in m["content"]
        )


async def test_a_video_apimart_was_too_busy_for_claims_no_place_in_a_line_others_pass(tmp_path):
    """APIMart answers #1's submit 503: #1 is tried again on its own a minute later, while
    carol's #2 is sent at once. #1's status says it waits for the busy service, not that it
    stands first in a line that #2 then jumps."""
    async with server(tmp_path, plan=TaskPlan(polls_until_done=None)) as s:
        fake, api = s.world.discord, s.world.api
        api.fail_next("submit", status=503)
        await video(s.world, prompt="the first fox")
        held = await fake.wait_for_message(
            predicate=lambda m: "Job #1 is waiting to be sent" in m["content"]
        )
        assert "the video service is busy" in held["content"]
        assert "in line" not in held["content"], held["content"]
        await video(s.world, user=s.carol, prompt="the second fox")
        await api.wait_until(lambda: api.task_ids, what="carol's video sent")
        assert [submit["prompt"] for submit in api.submits][-1] == "the second fox"


def test_a_private_answer_waiting_for_discord_does_not_blame_a_busy_video_service():
    """A user install's job held because Discord did not answer the re-read of its files: its
    private answer says so, here or by DM, in either language; a busy service's says that."""
    for route in (Route.INTERACTION, Route.DM):
        reply = Reply(route, token="t", expires_at=900.0)
        typical = usually_ready(None, "720p")
        silent = queued_message(reply, 7, typical=typical, waiting=True, discord_silent=True)
        busy = queued_message(reply, 7, typical=typical, waiting=True)
        assert "Discord didn't answer just now" in silent.render("en-US")
        assert "video service is busy" not in silent.render("en-US")
        assert "Discord 暂时没有响应" in silent.render("zh-CN")
        assert "video service is busy" in busy.render("en-US")
