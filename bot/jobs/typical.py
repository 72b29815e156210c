""" "Usually ready in ...": what this bot has measured for a resolution and length, not a slogan.

The median render time (accepted to finished) of the latest completed jobs with the same
resolution and duration; until a few of them exist, a range around what APIMart usually takes
for that resolution (the figure `bot.reach` routes by): "3-5 minutes" for 720p, "7-9" for 4K.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from bot.apimart.models import VideoRequest
from bot.i18n import Message, msg
from bot.jobs.eta import Prior, rounded
from bot.jobs.store import JobStore
from bot.reach import usual_render_seconds

# The latest renders looked at: recent enough to follow APIMart's load, enough for a median.
RECENT_RENDERS = 20
# Fewer measured renders than this say too little: the member reads the usual range instead.
MIN_RENDERS = 3
# The usual range is this many minutes either side of the usual render time: a render is
# seldom exactly on time, and one promised at an exact minute reads late at the next.
USUAL_SPREAD_MINUTES = 1
# The first status check of a kind of video this bot has measured comes at this share of its
# usual render time: the fastest renders of a kind take about half its median, and a check
# before then learns little but costs a call.
FIRST_CHECK_SHARE = 0.5


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


def _usual_minutes(resolution: str) -> tuple[int, int]:
    """The usual range for `resolution`, in whole minutes: (low, high)."""
    minutes = round(usual_render_seconds(resolution) / 60)
    return max(1, minutes - USUAL_SPREAD_MINUTES), minutes + USUAL_SPREAD_MINUTES


def usual_range(resolution: str) -> Message:
    """'3-5 minutes' (720p), '7-9 minutes' (4K): before anything was measured here."""
    low, high = _usual_minutes(resolution)
    return msg("typical_wait_default", low=low, high=high)


def usually_ready(seconds: float | None, resolution: str) -> Message:
    """'about 2 min', 'about 50 s', or (nothing measured) the usual range for `resolution`."""
    return usual_range(resolution) if seconds is None else about(seconds)


@dataclass(frozen=True)
class UsualWait:
    """How long a kind of video usually takes here: `seconds` measured (None: too few), for
    `resolution`'s usual range otherwise."""

    seconds: float | None
    resolution: str

    def words(self) -> Message:
        """'about 2 min', or the usual range: what members read as "usually ready in"."""
        return usually_ready(self.seconds, self.resolution)

    def longest(self) -> float:
        """Seconds: the measured median, or the top of the usual range (what `words` promises
        at most)."""
        if self.seconds is not None:
            return self.seconds
        return float(_usual_minutes(self.resolution)[1] * 60)

    def prior(self, started_at: float, estimated_time: float | None) -> Prior:
        """What the time left starts from for a job APIMart accepted at `started_at`: the
        measured median, else what `words` promises at most (the top of the range, not its
        middle: a time left that starts short grows while the member watches), or APIMart's
        `estimated_time` where that is shorter."""
        return Prior(started_at, estimated_time, typical=self.seconds, usual=self.longest())

    def overdue(self, waited: float) -> bool:
        """Whether a video still not rendering after `waited` seconds is past what `words`
        says."""
        return waited > self.longest()


def first_check_delay(typical: float | None, *, configured: float) -> float:
    """Seconds from a submit to its first status check: `configured` (POLL_FIRST_DELAY) at the
    latest, sooner for a kind of video that usually renders faster here."""
    if typical is None:
        return configured
    return min(configured, FIRST_CHECK_SHARE * typical)


async def typical_for(store: JobStore, request: VideoRequest) -> float | None:
    """The usual render time here of a job like `request`, in seconds (None: too few)."""
    times = await store.recent_render_times(
        request.resolution, request.duration, limit=RECENT_RENDERS
    )
    return typical_render_time(times)


async def usual_wait_for(store: JobStore, request: VideoRequest) -> UsualWait:
    """How long a job like `request` usually takes here."""
    return UsualWait(await typical_for(store, request), request.resolution)
