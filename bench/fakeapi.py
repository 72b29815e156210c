"""The fake APIMart with renders that take time, announce a wrong estimate and progress unevenly."""

from __future__ import annotations

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


@dataclass(frozen=True)
class RenderProfile:
    """How one render goes: its true duration, what the API claims, how progress moves."""

    duration: float
    estimated_time: int
    queued_for: float
    # Progress is piecewise linear through these (share of processing time, percent) points.
    shares: tuple[float, ...]
    percents: tuple[float, ...]

    def progress_at(self, age: float) -> int:
        """The progress the API reports `age` seconds after the submit (before completion)."""
        if age < self.queued_for:
            return 0
        share = (age - self.queued_for) / (self.duration - self.queued_for)
        index = min(max(bisect.bisect_right(self.shares, share), 1), len(self.shares) - 1)
        left, right = self.shares[index - 1], self.shares[index]
        low, high = self.percents[index - 1], self.percents[index]
        percent = low + (high - low) * (share - left) / (right - left) if right > left else high
        return max(0, min(99, int(percent)))


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
            self.complete()
            # Report the moment the render really ended, not the moment someone asked.
            self.completed_at = self.finished_at
            self.expires_at = self.finished_at + self.plan.expires_in
        elif age < self.profile.queued_for:
            self.status, self.progress = "pending", 0
        else:
            self.status, self.progress = "processing", self.profile.progress_at(age)


class TimedFakeAPIMart(FakeAPIMart):
    """`FakeAPIMart` whose tasks take the time their drawn profile says."""

    def __init__(self, *args: Any, seed: int = 1, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._rng = random.Random(seed)
        self.default_plan = TaskPlan(polls_until_done=None, video_bytes=64)
        self.polls_granted_at: list[float] = []  # when the bot's budget let each poll go
        self.unstamped_polls = 0

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
        profile = draw_profile(self._rng)
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
