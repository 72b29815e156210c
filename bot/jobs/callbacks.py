"""What the engine hands its callers and what they hand back: a delivery's outcome and result,
and the signatures of the callbacks `Poller` takes (deliver, give up, progress, announce)."""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.jobs.models import Job


class DeliveryOutcome(enum.Enum):
    """What happened when the poller handed a finished job to delivery."""

    DELIVERED = "delivered"
    RETRY = "retry"  # a transient failure: try again later
    UNREACHABLE = "unreachable"  # nowhere left to post: stop trying


@dataclass(frozen=True)
class DeliveryResult:
    """The outcome, and the message that carries the news when there is one."""

    outcome: DeliveryOutcome
    message_id: int | None = None
    # The post carries APIMart's link, not the video file: it stops working when that expires.
    linked: bool = False
    # The post is plain text and a card (Discord refused its layout), not a layout; None: its
    # shape is not known (no post, or one not read back).
    plain: bool | None = None
    # A retry because the result could not be downloaded (not because Discord failed).
    download_failed: bool = False
    # When the attempt that posted it began (what its post said was decided by then).
    started_at: float | None = None
    # Deletes the post again; whether it is gone (None: it cannot be deleted).
    withdraw: Callable[[], Awaitable[bool]] | None = field(default=None, compare=False, repr=False)
    # The status's last edit ("is done", "sent by DM"), made once the outcome is written down
    # (`Poller`). Made before, another process's progress edit landing after it could re-read
    # the job as not yet told and stand over it for good (its re-read is what puts it right).
    last_status: Callable[[], Awaitable[None]] | None = field(
        default=None, compare=False, repr=False
    )


Deliver = Callable[[Job], Awaitable[DeliveryResult]]
# What is left once a job's delivery failed `max_delivery_attempts` times for now (Discord
# failing its channel for hours): another way to the member (`Delivery.given_up`), the result
# to write down with the status's last edit; None: nothing more, it reached them nowhere.
GiveUp = Callable[[Job], Awaitable[DeliveryResult | None]]
ProgressListener = Callable[[Job], Awaitable[None]]
# Posts the status message of a job that has none (its command died before announcing it).
Announcer = Callable[[Job], Awaitable[None]]
