"""How often a member's banned-word refusals reach the mod-log, on both backends."""

from bot.moderation.refusal_reports import BANNED_REPORT_EVERY, refusals_to_report


async def test_refusals_between_two_lines_are_counted_for_the_next(db):
    """One line, the tries within `BANNED_REPORT_EVERY` held back, then their count."""
    assert await refusals_to_report(db, 1, 7, 1000.0) == 0
    for moment in (1001.0, 1100.0, 1299.0):
        assert await refusals_to_report(db, 1, 7, moment) is None
    assert await refusals_to_report(db, 2, 7, 1001.0) == 0, "another server's line"
    assert await refusals_to_report(db, 1, 7, 1000.0 + BANNED_REPORT_EVERY) == 3
