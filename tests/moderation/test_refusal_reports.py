"""How often a member's banned-word refusals reach the mod-log, on both backends."""

from bot.jobs.retention import DAY, JobRetention
from bot.moderation.refusal_reports import BANNED_REPORT_EVERY, refusals_to_report


async def test_refusals_between_two_lines_are_counted_for_the_next(db):
    """One line, the tries within `BANNED_REPORT_EVERY` held back, then their count."""
    assert await refusals_to_report(db, 1, 7, 1000.0) == 0
    for moment in (1001.0, 1100.0, 1299.0):
        assert await refusals_to_report(db, 1, 7, moment) is None
    assert await refusals_to_report(db, 2, 7, 1001.0) == 0, "another server's line"
    assert await refusals_to_report(db, 1, 7, 1000.0 + BANNED_REPORT_EVERY) == 3


async def _report_rows(db):
    rows = await db.fetch_all("SELECT key FROM bot_state WHERE key LIKE 'banned_reports:%'")
    return sorted(str(row[0]) for row in rows)


async def test_the_retention_forgets_refusal_counts_that_no_longer_pace_or_tell(db):
    """A row per member ever refused is not kept for ever: a day after its line with nothing
    held back it goes (it paces nothing more), a count never told goes with the audit trail;
    the pace and the count of the members still in it are kept."""
    days = 180
    now = 1000.0
    assert await refusals_to_report(db, 1, 7, now) == 0  # nothing held after it
    assert await refusals_to_report(db, 1, 8, now) == 0
    assert await refusals_to_report(db, 1, 8, now + 1) is None  # one held, to be told
    later = now + DAY + 1
    assert await refusals_to_report(db, 1, 9, later - 10) == 0  # its pace still runs
    retention = JobRetention(db, days, clock=lambda: later)
    assert await retention.prune_refusal_reports_once() == 1
    assert await _report_rows(db) == ["banned_reports:1:8", "banned_reports:1:9"]
    assert await refusals_to_report(db, 1, 9, later) is None, "still within 5 minutes"
    assert await refusals_to_report(db, 1, 7, later) == 0, "forgotten: a line as before"
    long_after = later + days * DAY
    retention = JobRetention(db, days, clock=lambda: long_after)
    assert await retention.prune_refusal_reports_once() == 3
    assert await _report_rows(db) == []
    assert await JobRetention(db, 0, clock=lambda: long_after).prune_refusal_reports_once() == 0
