"""Jobs in SQLite: every state change is one transaction; every worker's write is fenced.

A stage claims due jobs with a lease (`lease_owner`, `lease_until`) and raises `version`; its
later writes name the version it claimed, so a worker whose lease lapsed or was revoked writes
nothing (the methods return False) instead of overwriting a newer state.

The marks a job's status message leaves (`StatusMarks`) and its reply route through an
interaction (`ReplyRoutes`) are written apart: they never touch a claim.
"""

from __future__ import annotations

from bot.jobs.store.cancelling import CANCELLABLE, Cancelling
from bot.jobs.store.deliveries import Deliveries
from bot.jobs.store.health import Health
from bot.jobs.store.leases import Leases, Renewal
from bot.jobs.store.polls import Polls
from bot.jobs.store.records import Records
from bot.jobs.store.submits import Submits
from bot.jobs.store.waits import Waits

__all__ = ["CANCELLABLE", "JobStore", "Renewal"]


class JobStore(Leases, Records, Cancelling, Submits, Polls, Deliveries, Waits, Health):
    """Reads and writes jobs; knows SQL, nothing about Discord or HTTP."""
