"""The fake APIMart with renders that take time, announce a wrong estimate and progress unevenly.

Three estimate profiles, on the same render durations (same seed): `unbiased` (the estimate is
the true duration x U(0.5, 1.5)), `pessimistic` (2.5 x the true duration: APIMart's own example
says 600 s for a 240 s render) and `noisy` (unbiased estimate; progress reported in jumps every
2-6 % of the render, each off by a few points, never going back). Every answer takes a network
round trip (default 150 ms, x U(0.7, 1.3)), on the compressed clock.
"""

from __future__ import annotations

import asyncio
import bisect
import dataclasses
import math
import random
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bench.worker import GRANTED_HEADER
from tests.fakes.apimart import FakeAPIMart, FakeTask, RequestRoute, TaskPlan

# Render times: median 240 s ("a task usually takes 3-5 minutes"), drawn from a log-normal and
# kept within 120-400 s.
MEDIAN_DURATION = 240.0
DURATION_SPREAD = 0.3  # sigma of the log-normal
MIN_DURATION, MAX_DURATION = 120.0, 400.0
ESTIMATE_ERROR = 0.5  # `estimated_time` is the true duration times U(1 - e, 1 + e)
MAX_QUEUE_SHARE = 0.1  # up to 10 % of the render is spent `pending` at progress 0
SEGMENTS = 6  # progress runs at a different speed in each of this many random stretches
SPEED_SPREAD = 0.5  # each stretch runs at U(1 - s, 1 + s) times the average speed
PROFILES = ("unbiased", "pessimistic", "noisy")
PESSIMISM = 2.5  # the pessimistic estimate: 600 s for a 240 s render
JUMP_EVERY = (0.02, 0.06)  # noisy progress: a new value every U(a, b) x the duration
JUMP_NOISE = 3.0  # ... off by N(0, this) points
ROUND_TRIP = 0.15  # seconds, real-time equivalent
# A busy APIMart may hold a job `pending` longer than the stretch above: up to just short of the
# bot's first check (POLL_FIRST_DELAY, 120 s), which then already sees it rendering.
UNSEEN_QUEUE = 115.0
ROUND_TRIP_JITTER = 0.3  # each answer takes the round trip x U(1 - j, 1 + j)


@dataclass(frozen=True)
class RenderProfile:
    """How one render goes: its true duration, what the API claims, how progress moves."""

    duration: float
    estimated_time: int
    queued_for: float
    # Progress is piecewise linear through these (share of processing time, percent) points.
    shares: tuple[float, ...]
    percents: tuple[float, ...]
    # Noisy progress: the (age, percent) jumps reported; empty means smooth progress.
    jumps: tuple[tuple[float, int], ...] = ()

    def progress_at(self, age: float) -> int:
        """The progress the API reports `age` seconds after the submit (before completion)."""
        if self.jumps:
            index = bisect.bisect_right([at for at, _ in self.jumps], age)
            return self.jumps[index - 1][1] if index else 0
        return self.smooth_progress_at(age)

    def smooth_progress_at(self, age: float) -> int:
        """The render's real progress at `age`."""
        if age < self.queued_for:
            return 0
        share = (age - self.queued_for) / (self.duration - self.queued_for)
        index = min(max(bisect.bisect_right(self.shares, share), 1), len(self.shares) - 1)
        left, right = self.shares[index - 1], self.shares[index]
        low, high = self.percents[index - 1], self.percents[index]
        percent = low + (high - low) * (share - left) / (right - left) if right > left else high
        return max(0, min(99, int(percent)))


def with_estimates(profile: RenderProfile, kind: str, rng: random.Random) -> RenderProfile:
    """The render as the `kind` estimate profile reports it (see the module's docstring)."""
    if kind == "pessimistic":
        return dataclasses.replace(profile, estimated_time=round(PESSIMISM * profile.duration))
    if kind == "noisy":
        jumps: list[tuple[float, int]] = []
        age = 0.0
        while (age := age + profile.duration * rng.uniform(*JUMP_EVERY)) < profile.duration:
            seen = profile.smooth_progress_at(age) + rng.gauss(0, JUMP_NOISE)
            last = jumps[-1][1] if jumps else 0
            jumps.append((age, max(last, min(99, int(seen)))))
        return dataclasses.replace(profile, jumps=tuple(jumps))
    if kind != "unbiased":
        raise ValueError(f"unknown estimate profile {kind!r}")
    return profile


def draw_profile(rng: random.Random) -> RenderProfile:
    """One render, drawn from the distributions above."""
    while True:
        duration = rng.lognormvariate(math.log(MEDIAN_DURATION), DURATION_SPREAD)
        if MIN_DURATION <= duration <= MAX_DURATION:
            break
    estimate = round(duration * rng.uniform(1 - ESTIMATE_ERROR, 1 + ESTIMATE_ERROR))
    cuts = sorted(rng.random() for _ in range(SEGMENTS - 1))
    shares = (0.0, *cuts, 1.0)
    work = [
        rng.uniform(1 - SPEED_SPREAD, 1 + SPEED_SPREAD) * (shares[i + 1] - shares[i])
        for i in range(SEGMENTS)
    ]
    total = sum(work)
    percents = [0.0]
    for piece in work:
        percents.append(percents[-1] + 100 * piece / total)
    return RenderProfile(
        duration=duration,
        estimated_time=estimate,
        queued_for=duration * rng.uniform(0, MAX_QUEUE_SHARE),
        shares=shares,
        percents=tuple(percents),
    )


def scaled(profile: RenderProfile, scale: float) -> RenderProfile:
    """The same render, `scale` times as long (its estimate too)."""
    return dataclasses.replace(
        profile,
        duration=profile.duration * scale,
        queued_for=profile.queued_for * scale,
        estimated_time=round(profile.estimated_time * scale),
        jumps=tuple((age * scale, percent) for age, percent in profile.jumps),
    )


def held_in_queue(profile: RenderProfile, seconds: float) -> RenderProfile:
    """The same render (smooth progress) held `pending` at 0 % for `seconds` instead of its
    own stretch: it renders as long as before, so it ends that much later; its estimate, which
    APIMart makes when it accepts the job, stays."""
    rendering = profile.duration - profile.queued_for
    return dataclasses.replace(profile, queued_for=seconds, duration=seconds + rendering)


class TimedTask(FakeTask):
    """A task that follows its render profile on the fake's clock, however often it is polled."""

    def __init__(
        self,
        owner: FakeAPIMart,
        task_id: str,
        request: dict[str, Any],
        plan: TaskPlan,
        profile: RenderProfile,
    ) -> None:
        super().__init__(owner, task_id, request, plan)
        self.profile = profile
        self.finished_at = self.created + profile.duration  # the true completion time

    def advance(self) -> None:
        self.polls += 1
        if self.done:
            return
        age = self._owner.now() - self.created
        if age >= self.profile.duration:
            owner = self._owner
            payload = owner.payload_for(self) if isinstance(owner, TimedFakeAPIMart) else None
            self.complete(data=payload)
            # Report the moment the render really ended, not the moment someone asked.
            self.completed_at = self.finished_at
            self.expires_at = self.finished_at + self.plan.expires_in
        elif age < self.profile.queued_for:
            self.status, self.progress = "pending", 0
        else:
            self.status, self.progress = "processing", self.profile.progress_at(age)


class TimedFakeAPIMart(FakeAPIMart):
    """`FakeAPIMart` whose tasks take the time their drawn profile says."""

    def __init__(
        self,
        *args: Any,
        seed: int = 1,
        profile: str = "unbiased",
        round_trip: float = ROUND_TRIP,
        factor: float = 1.0,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._rng = random.Random(seed)
        # Separate draws for the profile's extras, so every profile gets the same renders.
        self._extra_rng = random.Random(seed + 1)
        self._jitter_rng = random.Random(seed + 2)
        self.profile = profile
        self.round_trip = round_trip
        self._factor = factor
        # Result videos: shared payloads (no copy per task), every `oversize_every`-th the big
        # one; none means the fake's default tiny file.
        self.video: bytes | None = None
        self.oversize_video: bytes | None = None
        self.oversize_every = 0
        self._results = 0
        self.duration_scale = 1.0  # shorter renders, for a quick look (not for figures)
        # While set, new renders take this long (jobs kept in flight through a run), drawn
        # from their own stream so the other renders stay the seed's.
        self.held_render: float | None = None
        self._held_rng = random.Random(seed + 3)
        self.default_plan = TaskPlan(polls_until_done=None, video_bytes=64)
        self.polls_granted_at: list[float] = []  # when the bot's budget let each poll go
        self.unstamped_polls = 0

    def payload_for(self, task: FakeTask) -> bytes | None:
        """The bytes the finished `task` serves as its video."""
        self._results += 1
        if self.oversize_every and self._results % self.oversize_every == 0:
            return self.oversize_video
        return self.video

    def _endpoint(self, route: Any, handler: Any) -> Any:
        inner = super()._endpoint(route, handler)

        async def across_the_network(request: web.Request) -> web.StreamResponse:
            if self.round_trip <= 0:
                return await inner(request)
            spread = self._jitter_rng.uniform(1 - ROUND_TRIP_JITTER, 1 + ROUND_TRIP_JITTER)
            half = self.round_trip * spread / 2 / self._factor  # wall seconds, each way
            await asyncio.sleep(half)  # the request travels
            response = await inner(request)
            await asyncio.sleep(half)  # the answer travels
            return response

        return across_the_network

    def _record(self, request: web.Request, route: RequestRoute, raw: bytes) -> None:
        super()._record(request, route, raw)
        if route == "poll":
            granted = request.headers.get(GRANTED_HEADER)
            if granted is None:
                self.unstamped_polls += 1
            else:
                self.polls_granted_at.append(float(granted))

    def create_task(
        self,
        task_id: str | None = None,
        *,
        request: dict[str, Any] | None = None,
        plan: TaskPlan | None = None,
    ) -> FakeTask:
        if self.held_render is not None:
            drawn = with_estimates(draw_profile(self._held_rng), self.profile, self._held_rng)
            profile = scaled(drawn, self.held_render / drawn.duration)
        else:
            profile = with_estimates(draw_profile(self._rng), self.profile, self._extra_rng)
            if self.duration_scale != 1:
                profile = scaled(profile, self.duration_scale)
        task_plan = dataclasses.replace(
            plan if plan is not None else self.default_plan,
            estimated_time=profile.estimated_time,
        )
        task_id = task_id if task_id is not None else self._new_task_id()
        task = TimedTask(self, task_id, request if request is not None else {}, task_plan, profile)
        self._tasks[task_id] = task
        self._notify()
        return task

    def timed_tasks(self) -> list[TimedTask]:
        """Every task created, as timed tasks."""
        return [task for task in map(self.task, self.task_ids) if isinstance(task, TimedTask)]
