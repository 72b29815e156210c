"""What a member reads about the wait after a pause, a stall, or a render given up on."""

import dataclasses

from bot.jobs.eta import Prior, Reading, estimate_remaining, shown_seconds
from bot.jobs.models import JobState, Requester
from bot.result_text import failure_text
from bot.status import render_status
from bot.status_messages import StatusMessages
from cogs.member import status_report
from tests.jobstates import finished, submitted
from tests.test_waits import (
    BIG,
    QUICK,
    announced,
    completed_render,
    pending_seen,
    poll_sees,
    shown,
)
from tests.timestamps import read_at


def test_one_more_point_of_progress_after_a_pause_does_not_multiply_the_time_left():
    """A render seen at 33 % on its first check (120 s), then paused, is seen again on the next
    check 120 s later. At 37 % the status reads about 7 min left (the pace since the start);
    one point more, 38 %, must not read about 25 min: more progress, at the same moment, can
    only mean less time left. (docs/performance.md: 'the "about 40 min" after the pause ends
    is gone'.)"""
    prior = Prior(started_at=0.0, estimated_time=553)
    at_37 = estimate_remaining((Reading(120.0, 33), Reading(240.0, 37)), prior, now=240.0)
    at_38 = estimate_remaining((Reading(120.0, 33), Reading(240.0, 38)), prior, now=240.0)
    assert at_37.seconds is not None and at_38.seconds is not None
    assert at_38.seconds <= at_37.seconds, (
        f"37 % reads {at_37.seconds:.0f} s left, 38 % at the same moment {at_38.seconds:.0f} s"
    )


async def test_the_status_after_a_pause_does_not_jump_to_25_minutes(
    store, clock, fake, client, marks
):
    """Render 720 of `python -m bench eta`'s "a pause mid-render" profile, on the bot's default
    schedule: 33 % at the first check (120 s), 38 % at the next (240 s), done at 390 s. The
    status read "about 3 min left" (the pace of the usual 3-5 minutes it was behind), then
    must not read "about 25 min left" for a video that is posted two and a half minutes
    later."""
    status = StatusMessages(client, store, marks, clock=clock, min_edit_interval=0)
    job = await announced(store, clock, fake, client, status)
    clock.advance(120)
    job = await poll_sees(store, status, clock, job, 33, estimated_time=553)
    first = shown(fake, job)
    assert "33% · about 3 min left" in first, first
    clock.advance(120)
    job = await poll_sees(store, status, clock, job, 38, estimated_time=553)
    content = shown(fake, job)
    assert "about 25 min left" not in content, content


async def test_videos_status_of_a_render_given_up_on_says_what_its_status_message_says(
    store, clock, fake, client
):
    """TASK_TIMEOUT passed: the channel's status says it still counts and comes within a day
    after all. `/videos status` at the same moment must not read as a plain failure."""
    requester = Requester(user_id=fake.user_id, channel_id=fake.channel_id, guild_id=fake.guild_id)
    job = await store.create(requester, QUICK, now=clock(), submit_by=clock())
    job = await submitted(store, job, now=clock())
    clock.advance(1801)
    job = await finished(
        store,
        job,
        JobState.TIMED_OUT,
        now=clock(),
        reason_key="task_timed_out",
        follow_up_at=clock() + 300,  # still followed, as the poller gives up on a render
    )
    channel = render_status(job, position=None, now=clock())
    assert "if it finishes before then, its video is posted after all" in channel
    report = status_report(job, "en-US", clock()).render("en-US")
    assert "before then" in report or "still" in report, (
        f"channel status: {channel.splitlines()[-1]!r}\n/videos status: {report!r}"
    )


async def test_a_render_given_up_on_says_when_checks_on_it_stop_not_within_a_day(
    store, clock, fake, client
):
    """Given up on at 30 minutes, a render is still checked on until a day after it was sent.
    Its status and `/videos status` answer stay up all that day, its notice for good: "if it
    finishes within a day", read 20 hours on, promises another whole day. They say when the
    checks stop, which reads true whenever it is read."""
    requester = Requester(user_id=fake.user_id, channel_id=fake.channel_id, guild_id=fake.guild_id)
    job = await store.create(requester, QUICK, now=clock(), submit_by=clock())
    job = await submitted(store, job, now=clock())
    checks_end = clock() + 86_400
    clock.advance(1801)
    job = await finished(
        store,
        job,
        JobState.TIMED_OUT,
        now=clock(),
        reason_key="task_timed_out",
        follow_up_at=clock() + 300,
    )
    later = checks_end - 2 * 3600  # 20 hours on
    chinese = dataclasses.replace(job, requester=dataclasses.replace(requester, locale="zh-CN"))
    for shown_to, locale in ((job, "en-US"), (chinese, "zh-CN")):
        channel = render_status(shown_to, position=None, now=clock()).splitlines()[-1]
        report = status_report(shown_to, locale, clock()).render(locale)
        [notice] = failure_text(shown_to, "<@1>")
        for text in (channel, report, notice):
            assert "within a day" not in text and "一天内" not in text, text
            assert f"<t:{int(checks_end)}:R>" in text, text
            read = read_at(text, later, locale)
            if text is notice:
                # The notice stays for good: by date, the live time beside it.
                english = "by <t:" in read and "(in 2 hours)" in read
                assert english or ("2小时后" in read and "之前完成" in read), read
                continue
            assert "I stop checking on it in 2 hours" in read or "2小时后 停止查询" in read, read


def test_a_stalled_countdown_does_not_leap_from_20_seconds_to_9_minutes_in_2_seconds():
    """65 % at 105 s, 70 % at 120 s (3 s a point: 90 s left), then no news. Two seconds apart
    and with nothing new seen, the time left must not go from "about 20 s" to "about 9 min"."""
    readings = (Reading(105.0, 65), Reading(120.0, 70))
    prior = Prior(started_at=0.0, estimated_time=600)
    before = estimate_remaining(readings, prior, now=189.0)
    after = estimate_remaining(readings, prior, now=191.0)
    assert before.seconds is not None and after.seconds is not None
    assert after.seconds <= 3 * before.seconds, (
        f"{before.seconds:.0f} s left at 189 s, {after.seconds:.0f} s left at 191 s"
    )


def test_the_point_after_the_pause_does_not_multiply_the_time_left_again():
    # docs' "a pause mid-render": 33 % at the first check (120 s), 38 % at the next (240 s);
    # the next check (the schedule's 8-10 s) sees 39 %.
    prior = Prior(started_at=0.0, estimated_time=553)
    at_38 = estimate_remaining((Reading(120.0, 33), Reading(240.0, 38)), prior, now=240.0)
    at_39 = estimate_remaining(
        (Reading(120.0, 33), Reading(240.0, 38), Reading(250.0, 39)), prior, now=250.0
    )
    first, then = shown_seconds(at_38), shown_seconds(at_39)
    assert first is not None and then is not None
    assert then <= first * 1.5, f"38 % at 240 s reads {first:.0f} s, 39 % at 250 s {then:.0f} s"


async def test_a_time_left_the_bot_will_not_wait_for_is_not_promised(
    store, clock, fake, client, marks
):
    """A slow 4K render: 0 % at the first check, 5 % at 600 s, 10 % at 1200 s. Its pace says
    about 3 hours, but the bot gives up 30 minutes after the submit (`TASK_TIMEOUT`) and then
    says it "took longer than this bot waits": the status and `/videos status` say when it
    stops waiting instead of promising a time it will not wait for."""
    task_timeout = 1800
    status = StatusMessages(client, store, marks, clock=clock, min_edit_interval=0, waits_for=1800)
    job = await announced(store, clock, fake, client, status, request=BIG)
    submitted_at = clock()
    for at, progress in ((120, 0), (600, 5), (1200, 10)):
        clock.advance(submitted_at + at - clock())
        job = await poll_sees(store, status, clock, job, progress)
    gives_up = f"I stop waiting <t:{int(submitted_at + task_timeout)}:R>"
    content = shown(fake, job)
    assert "min left" not in content and gives_up in content, content
    report = status_report(job, "en-US", clock(), task_timeout).render("en-US")
    assert "min left" not in report and gives_up in report, report


async def test_a_guess_past_the_give_up_is_not_promised_either(store, clock, fake, client, marks):
    """Before progress moves, the guess is the time left: a kind measured here at 40 minutes
    would read "about 38 min left" two minutes in, for a render the bot gives up on at 30
    minutes. APIMart's 2,400 s for a 720p video (usually 3-5 minutes) is not the guess."""
    for _ in range(3):
        await completed_render(store, clock, BIG, 2400)
    status = StatusMessages(client, store, marks, clock=clock, min_edit_interval=0, waits_for=1800)
    job = await announced(store, clock, fake, client, status, request=BIG)
    clock.advance(120)
    job = await poll_sees(store, status, clock, job, 0)
    assert "I stop waiting <t:" in shown(fake, job)
    # A render within the wait keeps its time: the 5 minutes "3-5" promises at most.
    other = await announced(store, clock, fake, client, status)
    clock.advance(120)
    other = await poll_sees(store, status, clock, other, 0, estimated_time=2400)
    assert "0% · about 3 min left" in shown(fake, other), shown(fake, other)


async def test_past_the_give_up_before_the_check_that_gives_up_no_stamp_in_the_past(
    store, clock, fake, client, marks
):
    """The render is given up at the first check after `TASK_TIMEOUT`; until then it is still
    rendering, and `/videos status` must not read "I stop waiting 40 seconds ago"."""
    status = StatusMessages(client, store, marks, clock=clock, min_edit_interval=0, waits_for=1800)
    job = await announced(store, clock, fake, client, status, request=BIG)
    submitted_at = clock()
    for at, progress in ((120, 0), (600, 5), (1200, 10), (1790, 14)):
        clock.advance(submitted_at + at - clock())
        job = await poll_sees(store, status, clock, job, progress)
    report = status_report(job, "en-US", submitted_at + 1840, 1800).render("en-US")
    assert "I'm about to stop waiting" in report and "<t:" not in report.split("·")[-1], report


async def test_a_video_left_queued_at_the_service_says_when_the_bot_stops_waiting(
    store, clock, fake, client, marks
):
    """APIMart's queue is long: a 720p video (usually 3-5 minutes) still queued 27 minutes on
    cannot be ready before the bot gives up at 30 (`TASK_TIMEOUT`). Like a slow render, its
    status and `/videos status` say when the bot stops waiting, in the member's language;
    not before that moment is near, and no stamp in the past once it is due."""
    status = StatusMessages(client, store, marks, clock=clock, min_edit_interval=0, waits_for=1800)
    jobs = {
        locale: await announced(store, clock, fake, client, status, locale=locale)
        for locale in ("en-US", "zh-CN", "zh-TW")
    }
    submitted_at = jobs["en-US"].submitted_at
    gives_up = f"<t:{int(submitted_at + 1800)}:R>"
    clock.advance(600)  # slower than usual, but far from the give-up
    early = await pending_seen(store, status, clock, jobs["en-US"])
    assert "slower than usual" in shown(fake, early) and gives_up not in shown(fake, early)
    clock.advance(1000)  # 26:40 in: the usual 5 minutes more would pass the give-up
    seen = {locale: await pending_seen(store, status, clock, job) for locale, job in jobs.items()}
    english = shown(fake, seen["en-US"])
    assert f"I stop waiting {gives_up}" in english, english
    assert "进度太慢" not in shown(fake, seen["zh-CN"])  # not rendering: no progress to be slow
    assert f"{gives_up} 我将停止等待" in shown(fake, seen["zh-CN"]), shown(fake, seen["zh-CN"])
    assert f"{gives_up} 我將停止等待" in shown(fake, seen["zh-TW"]), shown(fake, seen["zh-TW"])
    report = status_report(seen["en-US"], "en-US", clock(), 1800).render("en-US")
    assert f"I stop waiting {gives_up}" in report, report
    late = submitted_at + 1840  # past the give-up, before the check that gives it up
    report = status_report(seen["en-US"], "en-US", late, 1800).render("en-US")
    assert "I'm about to stop waiting" in report and gives_up not in report, report
    line = render_status(seen["zh-TW"], position=None, now=late, waits_for=1800)
    assert "我即將停止等待" in line and gives_up not in line, line


async def test_the_notice_of_a_render_given_up_on_reads_true_after_the_checks_stopped(
    store, clock, fake, client
):
    """The notice stays in the channel for good; its status is edited once the day of checks is
    over, the notice is not. Read two days on, it must not say "I stop checking on it 24 hours
    ago" (nor "我将在 24小时前 停止查询"): it says until when it was checked on, by date."""
    requester = Requester(user_id=fake.user_id, channel_id=fake.channel_id, guild_id=fake.guild_id)
    job = await store.create(requester, QUICK, now=clock(), submit_by=clock())
    job = await submitted(store, job, now=clock())
    checks_end = clock() + 86_400
    clock.advance(1801)
    job = await finished(
        store,
        job,
        JobState.TIMED_OUT,
        now=clock(),
        reason_key="task_timed_out",
        follow_up_at=clock() + 300,
    )
    for locale in ("en-US", "zh-CN", "zh-TW"):
        shown_to = dataclasses.replace(job, requester=dataclasses.replace(requester, locale=locale))
        [notice] = failure_text(shown_to, "<@1>")
        read = read_at(notice, checks_end + 86_400, locale)
        assert "I stop checking on it 24 hours ago" not in read, read
        assert "在 24小时前 停止" not in read, read
        assert f"<t:{int(checks_end)}:f>" in notice, "the day and hour, true whenever read"
