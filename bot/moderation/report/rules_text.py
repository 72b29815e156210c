"""A server's rules in words, as the other reports say them: its videos rendering at once, its
period and when it starts again, the wait between videos, credits."""

from __future__ import annotations

from bot.i18n import Message, Plural, msg, plural
from bot.moderation.models import Period, Policy
from bot.text import credits_number


def slots_text(policy: Policy) -> Message:
    """The server's rule on its videos rendering at once, in words."""
    if policy.max_rendering is None:
        return msg("mod_slots_none")
    if policy.max_rendering == 1:
        return msg("mod_slots_one")
    return msg("mod_slots", limit=policy.max_rendering)


def credits_text(value: float | None) -> str:
    """Credits as people write them: 4, 2.5, or '-' when unknown."""
    return "-" if value is None else credits_number(value)


def _period(policy: Policy) -> Message:
    return msg(f"mod_period_{policy.period.value}")


def _this_period(policy: Policy) -> Message:
    return msg(f"mod_this_{policy.period.value}")


def starts_again(policy: Policy) -> Message:
    """When the policy's periods start, in UTC: a weekly one's weekday, a monthly one's 1st
    (an hour alone, "starting again at 18:00 UTC", reads as every day)."""
    hour = f"{policy.reset_hour:02d}"
    if policy.period is Period.WEEK:
        return msg("mod_reset_week", weekday=msg(f"weekday_{policy.reset_weekday}"), hour=hour)
    return msg(f"mod_reset_{policy.period.value}", hour=hour)


# A wait as people say it: in the largest unit that divides it ("7 days", not "604800 seconds").
_WAIT_UNITS = (("count_days", 86400), ("count_hours", 3600), ("count_minutes", 60))


def cooldown_text(seconds: int) -> Message | Plural:
    """The wait between a member's videos: "no wait" rather than "0 seconds"."""
    if seconds <= 0:
        return msg("cooldown_none")
    for key, unit in _WAIT_UNITS:
        if seconds % unit == 0:
            return plural(key, seconds // unit)
    return plural("count_seconds", seconds)
