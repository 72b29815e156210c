""" "Usually ready in ...": what this bot has measured for a resolution and length, not a slogan.

The median render time (accepted to finished) of the latest completed jobs with the same
resolution and duration; the documented "3-5 minutes" only until a few of them exist.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence

from bot.apimart.models import VideoRequest
from bot.i18n import Message, msg
from bot.jobs.eta import rounded
from bot.jobs.store import JobStore

# The latest renders looked at: recent enough to follow APIMart's load, enough for a median.
RECENT_RENDERS = 20
# Fewer measured renders than this say too little: the member reads the general "3-5 minutes".
MIN_RENDERS = 3


def typical_render_time(times: Sequence[float]) -> float | None:
    """The median of `times` (seconds), or None while there are too few of them."""
    usable = [time for time in times if time > 0]
    if len(usable) < MIN_RENDERS:
        return None
    return float(statistics.median(usable))


def about(seconds: float) -> Message:
    """'about 2 min', 'about 50 s' (never less than 10 s)."""
    unit, value = rounded(max(0.0, seconds))
    if unit == "minutes":
        return msg("typical_wait_minutes", minutes=value)
    return msg("typical_wait_seconds", seconds=value)


def usually_ready(seconds: float | None) -> Message:
    """'about 2 min', 'about 50 s', or (nothing measured) '3-5 minutes'."""
    return msg("typical_wait_default") if seconds is None else about(seconds)


async def usually_ready_for(store: JobStore, request: VideoRequest) -> Message:
    """How long a job like `request` usually takes here, in words."""
    times = await store.recent_render_times(
        request.resolution, request.duration, limit=RECENT_RENDERS
    )
    return usually_ready(typical_render_time(times))
