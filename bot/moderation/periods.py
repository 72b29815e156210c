"""Quota maths: the current period of a policy, in UTC, as Unix seconds."""

from __future__ import annotations

import datetime
import math

from bot.moderation.models import Period, Policy, Window

_DAY = datetime.timedelta(days=1)
_WEEK = datetime.timedelta(days=7)


def _month_start(year: int, month: int, hour: int) -> datetime.datetime:
    while month < 1:
        year, month = year - 1, month + 12
    while month > 12:
        year, month = year + 1, month - 12
    return datetime.datetime(year, month, 1, hour, tzinfo=datetime.UTC)


def stamp(seconds: float, style: str = "F") -> str:
    """When something happened, as a Discord timestamp (`<t:…:F>` full, `:R` relative), shown
    in each reader's time zone; rounded down, as a clock reads. An end is `stamp_until`."""
    return f"<t:{int(seconds)}:{style}>"


def stamp_until(seconds: float, style: str = "F") -> str:
    """When something ends and what it held back may happen again (a wait, a block, a period),
    rounded up: Discord's whole seconds rounded down would tell "again at" a moment already
    past while it still holds."""
    return f"<t:{math.ceil(seconds)}:{style}>"


def stamp_wait(until: float) -> str:
    """A wait's end as a live relative timestamp ("in 20 seconds"), rounded up: read at any
    moment, it never says the wait is over before it is."""
    return stamp_until(until, "R")


def window(period: Period, reset_hour: int, reset_weekday: int, now: float) -> Window:
    """The period containing `now`: it starts at `reset_hour` UTC (on the weekday, or the 1st)."""
    moment = datetime.datetime.fromtimestamp(now, datetime.UTC)
    today = moment.replace(hour=reset_hour, minute=0, second=0, microsecond=0)
    if period is Period.DAY:
        start = today if today <= moment else today - _DAY
        end = start + _DAY
    elif period is Period.WEEK:
        start = today - datetime.timedelta(days=(moment.weekday() - reset_weekday) % 7)
        if start > moment:
            start -= _WEEK
        end = start + _WEEK
    else:
        start = _month_start(moment.year, moment.month, reset_hour)
        if start > moment:
            start = _month_start(moment.year, moment.month - 1, reset_hour)
        end = _month_start(start.year, start.month + 1, reset_hour)
    return Window(start.timestamp(), end.timestamp())


def quota_window(policy: Policy, now: float) -> Window:
    """The member quota period containing `now`."""
    return window(policy.period, policy.reset_hour, policy.reset_weekday, now)


def budget_window(now: float) -> Window:
    """The calendar month (UTC) containing `now`, over which the server budget is counted."""
    return window(Period.MONTH, 0, 0, now)
