"""The time-left estimator on its own: what it keeps, and what it says with little to go on."""

import pytest

from bot.apimart.models import TaskInfo, TaskStatus, VideoRequest
from bot.jobs.eta import (
    KEPT_READINGS,
    EtaKind,
    Prior,
    Reading,
    add_reading,
    estimate_remaining,
    rounded,
)
from bot.jobs.models import Job, JobState, Requester
from bot.jobs.stages import Stage
from bot.jobs.typical import UsualWait
from bot.status import eta_text
from tests.jobstates import a_submitted_job, claimed

PRIOR = Prior(started_at=0.0, estimated_time=600)


def rendering(readings, *, resolution="720p", estimated_time=600) -> Job:
    """A job APIMart accepted at 0 s, rendering, with the progress `readings` its checks saw."""
    return Job(
        id=1,
        requester=Requester(user_id=1, channel_id=1, guild_id=1),
        request=VideoRequest(prompt="a cat", resolution=resolution),
        state=JobState.PROCESSING,
        task_id="task_1",
        progress=readings[-1].progress,
        estimated_time=estimated_time,
        result_url=None,
        result_expires_at=None,
        error_key=None,
        error_message=None,
        cost=None,
        credits_cost=None,
        created_at=0.0,
        media_fetched_at=0.0,
        submitted_at=0.0,
        finished_at=None,
        next_poll_at=None,
        poll_failures=0,
        status_message_id=None,
        delivery_attempts=0,
        delivered_at=None,
        delivery_message_id=None,
        progress_readings=tuple(readings),
    )


def test_a_repeated_value_keeps_the_moment_it_was_first_seen():
    readings = add_reading(add_reading((), 30, 10.0), 30, 18.0)
    assert readings == (Reading(10.0, 30),)


def test_the_last_check_still_at_0_is_kept_as_where_the_render_started_from():
    """A job waiting in APIMart's queue reads 0 % (pending): the render starts after the last
    such check, not when APIMart accepted the job."""
    readings = add_reading(add_reading((), 0, 60.0), 0, 90.0)
    assert readings == (Reading(90.0, 0),)
    assert add_reading(readings, 12, 120.0) == (Reading(90.0, 0), Reading(120.0, 12))
    assert add_reading((Reading(120.0, 12),), 0, 130.0) == (Reading(120.0, 12),)


async def test_time_left_does_not_count_the_wait_in_apimarts_queue(store, clock):
    """APIMart keeps the task `pending` for 90 s, then renders it in 240 s. The first check
    that sees it rendering, 30 s in at 12 %, has 210 s to go: not "about 12 min left"."""
    job = await a_submitted_job(store, clock)

    async def check(status, progress):
        claimed_job = await claimed(store, job.id, Stage.POLL)
        info = TaskInfo(task_id=job.task_id, status=status, progress=progress, estimated_time=600)
        return await store.record_progress(claimed_job, info, next_poll_at=clock(), read_at=clock())

    clock.advance(60)
    await check(TaskStatus.PENDING, 0)
    clock.advance(30)  # it starts rendering now
    await check(TaskStatus.PROCESSING, 0)
    clock.advance(30)
    rendering = await check(TaskStatus.PROCESSING, 12)
    assert eta_text(rendering, clock(), "en-US") in {f"about {m} min left" for m in (3, 4, 5)}


def test_a_render_that_sat_in_the_queue_for_20_minutes_is_timed_from_its_start():
    """Seen at 0 % until 1200 s, then 3 % at 1230 s: about 16 min left, not 11 hours."""
    readings = add_reading(add_reading(add_reading((), 0, 60.0), 0, 1200.0), 3, 1230.0)
    estimate = estimate_remaining(readings, Prior(0.0, None), now=1230.0)
    assert estimate.seconds is not None and 900 <= estimate.seconds <= 1000


def test_progress_that_goes_back_is_not_kept_and_the_next_high_is():
    """A dip (50 %, then 35 %) is APIMart's noise, not news: the readings stay as they were,
    and the next value past the best is kept when it is first seen."""
    readings = add_reading(add_reading((), 30, 10.0), 50, 20.0)
    assert add_reading(readings, 35, 30.0) == readings
    assert add_reading(add_reading(readings, 35, 30.0), 50, 40.0) == readings
    assert add_reading(add_reading(readings, 35, 30.0), 55, 40.0) == (*readings, Reading(40.0, 55))


def test_a_dip_leaves_the_time_left_counting_down_from_the_best_reading():
    """20 points in 20 s to 60 %: 40 s left. A check 10 s on that reads 45 % says 30 s, as one
    that read nothing new would, not the "about 3 min" of starting over at 45 %."""
    readings = add_reading(add_reading((), 40, 100.0), 60, 120.0)
    dipped = add_reading(readings, 45, 130.0)
    assert estimate_remaining(dipped, PRIOR, now=130.0) == estimate_remaining(
        readings, PRIOR, now=130.0
    )
    assert estimate_remaining(dipped, PRIOR, now=130.0).seconds == 30.0


def test_only_the_latest_readings_are_kept():
    readings: tuple[Reading, ...] = ()
    for step in range(1, 20):
        readings = add_reading(readings, step * 5, step * 8.0)
    assert len(readings) == KEPT_READINGS
    assert readings[-1] == Reading(19 * 8.0, 95)


def test_with_no_progress_and_the_estimate_used_up_it_makes_no_guess():
    assert estimate_remaining((), PRIOR, now=700.0).kind is EtaKind.UNKNOWN
    assert estimate_remaining((), Prior(0.0, None), now=5.0).kind is EtaKind.UNKNOWN


def test_early_progress_is_blended_with_the_estimate():
    # 5 % after 20 s measures 380 s left; at 5 % the estimate (580 s left) still weighs 3/4.
    estimate = estimate_remaining((Reading(20.0, 5),), PRIOR, now=20.0)
    assert estimate.kind is EtaKind.SECONDS and estimate.basis == "both"
    assert estimate.seconds == 0.25 * 380 + 0.75 * 580


def test_a_crawl_past_90_percent_is_said_as_a_time_not_almost_done():
    # 90 % at 160 s, 92 % a minute later: the last points crawl at 2 a minute, 8 to go.
    readings = (Reading(100.0, 80), Reading(160.0, 90), Reading(220.0, 92))
    estimate = estimate_remaining(readings, PRIOR, now=220.0)
    assert estimate.kind is EtaKind.SECONDS
    assert estimate.seconds == 240.0


def test_past_90_percent_at_a_brisk_pace_is_almost_done():
    readings = (Reading(100.0, 80), Reading(130.0, 90), Reading(133.0, 92))
    assert estimate_remaining(readings, PRIOR, now=133.0).kind is EtaKind.ALMOST_DONE


def test_two_points_after_a_pause_do_not_read_as_forty_minutes():
    # 60 % at 120 s, then a pause, then 62 % at 246 s: two points are too thin a basis for the
    # rate; the 62 points since the start say about 150 s.
    readings = (Reading(120.0, 60), Reading(246.0, 62))
    estimate = estimate_remaining(readings, PRIOR, now=246.0)
    assert estimate.kind is EtaKind.SECONDS
    assert 140 <= estimate.seconds <= 160


def test_past_90_percent_the_pace_is_read_from_the_readings_past_it():
    # A brisk run to 90 %, then a crawl: only 90 -> 92 says how the last points go.
    readings = (Reading(150.0, 70), Reading(160.0, 90), Reading(220.0, 92))
    estimate = estimate_remaining(readings, PRIOR, now=220.0)
    assert (estimate.kind, estimate.seconds) == (EtaKind.SECONDS, 240.0)


def test_a_crawl_past_90_percent_counts_down_between_checks():
    readings = (Reading(100.0, 80), Reading(160.0, 90), Reading(220.0, 92))
    estimate = estimate_remaining(readings, PRIOR, now=250.0)
    assert (estimate.kind, estimate.seconds) == (EtaKind.SECONDS, 210.0)


def test_past_90_percent_under_a_minute_left_is_almost_done_and_over_it_a_time():
    # 2 points in 14 s: 8 left -> 56 s (almost done); 2 points in 16 s: 64 s (a time).
    quick = (Reading(100.0, 80), Reading(146.0, 90), Reading(160.0, 92))
    slow = (Reading(100.0, 80), Reading(144.0, 90), Reading(160.0, 92))
    assert estimate_remaining(quick, PRIOR, now=160.0).kind is EtaKind.ALMOST_DONE
    assert estimate_remaining(slow, PRIOR, now=160.0).seconds == 64.0


def test_the_rate_is_read_over_the_latest_reading_at_least_5_points_behind():
    # Nothing within 90 s is 5 points behind 50 %: the latest that is (45 % at 100 s) anchors
    # the rate (5 points in 100 s: 50 left -> 1000 s), not the submit at 0 %.
    readings = (Reading(0.0, 10), Reading(100.0, 45), Reading(150.0, 48), Reading(200.0, 50))
    estimate = estimate_remaining(readings, PRIOR, now=200.0)
    assert estimate.seconds == 1000.0
    # Exactly 5 points is enough.
    five = (Reading(100.0, 45), Reading(150.0, 50))
    assert estimate_remaining(five, PRIOR, now=150.0).seconds == 500.0


@pytest.mark.parametrize(
    ("seconds", "said"),
    [(150, ("minutes", 3)), (210, ("minutes", 4)), (85, ("seconds", 90)), (145, ("minutes", 2))],
)
def test_a_time_left_half_way_between_two_figures_is_said_as_the_longer(seconds, said):
    """Python rounds halves to even: 2.5 minutes read 'about 2 min' while 3.5 read '4'."""
    assert rounded(seconds) == said


def test_a_slow_render_checked_two_minutes_apart_is_not_taken_for_one_that_paused():
    """3 points every 2 minutes (the schedule's far waits) after a brisk start: every gap is
    longer than the window, yet none is a pause; the recent pace (78 points at 40 s) stands,
    not the faster average since the start."""
    readings = tuple(Reading(120.0 * n, 7 + 3 * n) for n in range(1, 6))
    estimate = estimate_remaining(readings, PRIOR, now=600.0)
    assert estimate.seconds == 78 * 40.0


# A 240 s render APIMart kept `pending` for a while no check saw: the bot's first check (at
# 120 s, POLL_FIRST_DELAY) already sees it rendering. (seconds queued, progress then, the
# time left read: at most what the rest takes at the usual pace, 160 s, 206 s and 230 s).
UNSEEN_QUEUE = [
    (60, 33, "about 3 min left"),
    (100, 14, "about 3 min left"),
    (115, 4, "about 2 min left"),
]


@pytest.mark.parametrize(("queued", "progress", "said"), UNSEEN_QUEUE)
def test_an_unseen_wait_in_apimarts_queue_is_not_read_as_slow_rendering(queued, progress, said):
    """Measured here, such videos take 240 s; this one has 2 minutes left. With no check at
    0 %, the pace from APIMart's acceptance counts the queue wait as rendering: 33 % read
    "about 4 min left", 14 % "about 11 min", 4 % "about 16 min" (for 2 minutes, before the
    video came). At most what the rest takes at the measured pace, as said."""
    job = rendering([Reading(120.0, progress)])
    shown = eta_text(job, 120.0, "en-US", typical=UsualWait(240.0, "720p"))
    assert shown == said, f"{queued} s queued"


def test_without_measured_renders_an_unseen_queue_is_bounded_by_apimarts_estimate():
    """Nothing measured here yet, and APIMart says 7 minutes for this 4K video, sooner than
    the usual "7-9 minutes": 4 % at the first check (the render queued 115 s) reads at most
    the 5 minutes its estimate leaves, not the "about 7 min" of the usual range's 9 minutes,
    nor "about 14 min" timed from APIMart's acceptance."""
    job = rendering([Reading(120.0, 4)], resolution="4k", estimated_time=420)
    assert eta_text(job, 120.0, "en-US") == "about 5 min left"


# Nothing measured here yet: the queued note said "usually ready in 3-5 minutes" (720p).
USUAL_720P = Prior(started_at=0.0, estimated_time=600, usual=300.0)


def test_without_measured_renders_the_usual_range_is_the_guess_not_apimarts_600_s():
    """A render still at 0 % a minute on has at most the 4 minutes the usual range leaves,
    not the 9 of APIMart's fixed 600 s ("usually ready in 3-5 minutes", then "about 9 min")."""
    estimate = estimate_remaining((Reading(60.0, 0),), USUAL_720P, now=60.0)
    assert (estimate.kind, estimate.seconds, estimate.basis) == (EtaKind.SECONDS, 240.0, "prior")


def test_without_measured_renders_an_unseen_queue_is_bounded_by_the_usual_range():
    """4 % at the first check (the render queued 115 s): at most what "3-5 minutes" leaves
    (3 min), not the "about 8 min" of APIMart's 600 s."""
    assert eta_text(rendering([Reading(120.0, 4)]), 120.0, "en-US") == "about 3 min left"


def test_apimarts_estimate_stays_the_guess_where_it_is_shorter_than_the_usual_range():
    """APIMart says 200 s for this one: shorter than the usual 5 minutes, so it is the guess."""
    prior = Prior(started_at=0.0, estimated_time=200, usual=300.0)
    estimate = estimate_remaining((Reading(60.0, 0),), prior, now=60.0)
    assert estimate.seconds == 140.0


def test_the_usual_wait_gives_the_prior_the_top_of_the_range_the_queued_note_states():
    """A queued note's "3-5 minutes" (720p) guesses 5, "7-9" (4K) 9: what it promises at most,
    not the optimistic middle; APIMart's estimate where shorter; a measured kind its time."""
    assert UsualWait(None, "720p").prior(0.0, 600).expected == 300.0
    assert UsualWait(None, "4k").prior(0.0, 600).expected == 540.0
    assert UsualWait(None, "720p").prior(0.0, 200).expected == 200.0
    assert UsualWait(250.0, "720p").prior(0.0, 600).expected == 250.0


def test_before_progress_moves_the_measured_render_time_is_the_guess_not_apimarts():
    """Measured here at 4 min, a render still at 0 % two minutes on has about 2 min left, not
    the 8 of APIMart's fixed 600 s (the queued note just said "usually ready in about 4 min")."""
    prior = Prior(started_at=0.0, estimated_time=600, typical=240.0)
    estimate = estimate_remaining((Reading(120.0, 0),), prior, now=120.0)
    assert (estimate.kind, estimate.seconds) == (EtaKind.SECONDS, 120.0)


def said(readings, now, typical=None):
    """The time left a member reads in the status of a job `rendering` with `readings`."""
    return eta_text(rendering(readings), now, "en-US", typical=typical)


def test_a_minute_and_a_half_left_reads_in_minutes_and_less_in_seconds():
    # Measured here at 150 s: still at 0 % 60 s in, 90 s are left; a second later, 89.
    measured = UsualWait(150.0, "720p")
    assert said([Reading(60.0, 0)], 60.0, measured) == "about 2 min left"
    assert said([Reading(60.0, 0)], 61.0, measured) == "about 90 s left"


def test_the_guess_before_progress_moves_is_said_down_to_20_seconds():
    # Measured here at 80 s: still at 0 % 60 s in, the guess leaves 20 s; a second later, no
    # guess is made any more.
    measured = UsualWait(80.0, "720p")
    assert said([Reading(60.0, 0)], 60.0, measured) == "about 20 s left"
    assert said([Reading(60.0, 0)], 61.0, measured) == "time left not known yet"


def test_exactly_20_seconds_left_at_the_measured_pace_is_said_as_a_time():
    # 80 points in 80 s: the last 20 take 20 s. Under that is "almost done".
    assert said([Reading(100.0, 0), Reading(180.0, 80)], 180.0) == "about 20 s left"


def test_a_brisk_render_at_exactly_90_percent_is_almost_done():
    # 10 points in 30 s: at the measured pace 30 s are left, but 90 % is the near end.
    assert said([Reading(100.0, 80), Reading(130.0, 90)], 130.0) == "almost done"


def test_past_90_percent_exactly_a_minute_left_is_still_almost_done():
    # 2 points in 15 s past 90 %: the 8 left take 60 s.
    readings = [Reading(100.0, 80), Reading(145.0, 90), Reading(160.0, 92)]
    assert said(readings, 160.0) == "almost done"


def test_past_90_percent_a_render_20_seconds_overdue_is_still_almost_done():
    # 2 points in 3 s past 90 %: due at 145 s. 20 s later it may still come; a second more
    # and it has stalled.
    readings = [Reading(100.0, 80), Reading(130.0, 90), Reading(133.0, 92)]
    assert said(readings, 165.0) == "almost done"
    assert said(readings, 166.0) == "time left not known yet"


def test_the_rate_is_read_from_the_oldest_reading_at_most_90_seconds_behind():
    # 40 % exactly 90 s before 50 %: 10 points in 90 s, 450 s for the 50 left (45 % 40 s
    # before it would say 400 s, "about 7 min").
    readings = [Reading(0.0, 10), Reading(100.0, 40), Reading(150.0, 45), Reading(190.0, 50)]
    assert said(readings, 190.0) == "about 8 min left"
