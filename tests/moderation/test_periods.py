"""Quota maths: when a period starts and ends, in UTC."""

from datetime import UTC, datetime

from bot.moderation.models import Period
from bot.moderation.periods import budget_window, stamp, stamp_until, stamp_wait, window


def ts(*args):
    return datetime(*args, tzinfo=UTC).timestamp()


def test_a_day_runs_from_the_reset_hour_to_the_next():
    got = window(Period.DAY, 6, 0, ts(2027, 3, 10, 12, 30))
    assert (got.start, got.end) == (ts(2027, 3, 10, 6), ts(2027, 3, 11, 6))


def test_before_the_reset_hour_it_is_still_yesterdays_period():
    got = window(Period.DAY, 6, 0, ts(2027, 3, 10, 5, 59))
    assert (got.start, got.end) == (ts(2027, 3, 9, 6), ts(2027, 3, 10, 6))


def test_a_week_starts_on_the_configured_weekday():
    # 2027-03-10 is a Wednesday; weeks start on Friday (4) at 18:00.
    got = window(Period.WEEK, 18, 4, ts(2027, 3, 10, 12))
    assert (got.start, got.end) == (ts(2027, 3, 5, 18), ts(2027, 3, 12, 18))


def test_on_the_reset_weekday_before_the_hour_it_is_last_week():
    got = window(Period.WEEK, 18, 4, ts(2027, 3, 12, 17))
    assert got.start == ts(2027, 3, 5, 18)


def test_a_month_starts_on_the_first_and_rolls_over_the_year():
    got = window(Period.MONTH, 0, 0, ts(2027, 12, 31, 23))
    assert (got.start, got.end) == (ts(2027, 12, 1), ts(2028, 1, 1))


def test_on_the_first_before_the_hour_it_is_last_month():
    got = window(Period.MONTH, 9, 0, ts(2027, 1, 1, 8))
    assert (got.start, got.end) == (ts(2026, 12, 1, 9), ts(2027, 1, 1, 9))


def test_the_budget_counts_a_calendar_month():
    got = budget_window(ts(2027, 2, 14, 10))
    assert (got.start, got.end) == (ts(2027, 2, 1), ts(2027, 3, 1))


def test_an_end_is_shown_rounded_up_and_a_start_rounded_down():
    """A cooldown ending at 100.2 s holds until then: "again at 100" would send the member back
    a moment too soon, to be refused again; when something happened reads as a clock does."""
    assert stamp_until(100.2) == "<t:101:F>"
    assert stamp_wait(100.2) == "<t:101:R>"
    assert stamp(100.8) == "<t:100:F>"


def test_a_monthly_period_is_as_long_as_its_calendar_month():
    """A leap February runs 29 days, April 30: the 1st to the 1st, at the reset hour."""
    february = window(Period.MONTH, 6, 0, ts(2028, 2, 29, 23))
    assert (february.start, february.end) == (ts(2028, 2, 1, 6), ts(2028, 3, 1, 6))
    april = window(Period.MONTH, 0, 0, ts(2027, 4, 30, 23, 59))
    assert april.end - april.start == 30 * 86400
