"""The policy check a job's insert runs inside its transaction, as the jobs store sees it
(`bot.moderation.service.Moderation` is the one the bot runs)."""

from __future__ import annotations

from typing import Protocol

from bot.apimart.models import VideoRequest
from bot.jobs.models import Requester
from bot.jobs.pricing import Estimate
from bot.storage import Connection


class Admission(Protocol):
    """The policy check of a job's insert (`bot.moderation.service.Moderation`)."""

    async def admission_locks(self, requester: Requester) -> tuple[str, ...]:
        """The locks `admit` takes for `requester`, in the order it takes them."""
        ...

    async def admit(
        self, conn: Connection, requester: Requester, request: VideoRequest, now: float
    ) -> Estimate | None:
        """Runs inside the insert's transaction and raises `JobRefused` to stop it, so a policy
        check and the insert are atomic (a burst of requests cannot overshoot a quota). Returns
        what it judged the request to cost, if it priced it: the job is quoted that figure (a
        second read, on PostgreSQL, could see renders finished meanwhile at another price)."""
        ...
