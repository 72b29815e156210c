"""Requests from messages that were refused lately, so an edit that fixes one is read again.

A member who typed `--res 4kk` or forgot the prompt fixes it by editing the message. Only a
message the bot refused (or answered with the short help) is read again: one that made a job,
or asked to confirm its cost, never is, so an edit cannot buy a second video. Kept in memory
for `EDIT_WINDOW` seconds at most, the oldest dropped past a bound.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

# A refused request edited within this many seconds of being sent is read again.
EDIT_WINDOW = 600.0
_REMEMBERED = 10_000


@dataclass(frozen=True)
class Refusal:
    """What the refused message said, and whether the answer was the short help."""

    content: str
    helped: bool
    sent_at: float


class RecentRefusals:
    """Refused request messages by id, oldest first."""

    def __init__(self) -> None:
        self._refusals: OrderedDict[int, Refusal] = OrderedDict()

    def remember(self, message_id: int, refusal: Refusal) -> None:
        """Note a refusal (again, for a message refused once more)."""
        self._refusals[message_id] = refusal
        self._refusals.move_to_end(message_id)
        while len(self._refusals) > _REMEMBERED:
            self._refusals.popitem(last=False)

    def take(self, message_id: int, content: str, now: float) -> Refusal | None:
        """The refusal an edit to `content` may fix, forgotten once taken; None when the
        message was not refused, its text did not change (Discord also sends an edit for a
        link's preview), or it was sent too long ago."""
        refusal = self._refusals.get(message_id)
        if refusal is None or refusal.content == content:
            return None
        del self._refusals[message_id]
        return refusal if now - refusal.sent_at <= EDIT_WINDOW else None
