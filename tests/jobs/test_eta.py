"""The time-left estimator on its own: what it keeps, and what it says with little to go on."""

from bot.jobs.eta import (
    KEPT_READINGS,
    EtaKind,
    Prior,
    Reading,
    add_reading,
    estimate_remaining,
)

PRIOR = Prior(started_at=0.0, estimated_time=600)


def test_a_repeated_value_keeps_the_moment_it_was_first_seen():
    readings = add_reading(add_reading((), 30, 10.0), 30, 18.0)
    assert readings == (Reading(10.0, 30),)


def test_progress_that_goes_back_starts_the_readings_over():
    readings = add_reading(add_reading(add_reading((), 30, 10.0), 50, 20.0), 5, 30.0)
    assert readings == (Reading(30.0, 5),)


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
