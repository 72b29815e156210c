"""Requests from messages that were refused lately, so an edit that fixes one is read again.

A member who typed `--res 4kk` or forgot the prompt fixes it by editing the message (its text,
or its attachments: one image too many removed). Only a message the bot refused (or answered
with the short help) is read again: one that made a job, or asked to confirm its cost, never
is, so an edit cannot buy a second video. At most `MAX_REREADS` edits of one message are read
(each may be refused again, with a reply): editing cannot make the bot post without end. Kept
in memory for `EDIT_WINDOW` seconds at most, the oldest dropped past a bound.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

# A refused request edited within this many seconds of being sent is read again.
EDIT_WINDOW = 600.0
# ... and at most this many of its edits.
MAX_REREADS = 3
_REMEMBERED = 10_000


@dataclass(frozen=True)
class Refusal:
    """What the refused message said, and whether the answer was the short help."""

    content: str
    helped: bool
    sent_at: float
    attachments: tuple[int, ...] = ()  # their ids


class RecentRefusals:
    """Refused request messages by id, oldest first."""

    def __init__(self) -> None:
        self._refusals: OrderedDict[int, Refusal] = OrderedDict()
        self._rereads: OrderedDict[int, int] = OrderedDict()  # edits read, by message id

    def remember(self, message_id: int, refusal: Refusal) -> None:
        """Note a refusal (again, for a message refused once more)."""
        self._refusals[message_id] = refusal
        self._refusals.move_to_end(message_id)
        while len(self._refusals) > _REMEMBERED:
            self._refusals.popitem(last=False)

    def take(
        self, message_id: int, content: str, attachments: tuple[int, ...], now: float
    ) -> Refusal | None:
        """The refusal an edit to `content` and `attachments` may fix, forgotten once taken;
        None when the message was not refused, neither changed (Discord also sends an edit for
        a link's preview), it was sent too long ago, or enough of its edits were read."""
        refusal = self._refusals.get(message_id)
        if refusal is None or (refusal.content, refusal.attachments) == (content, attachments):
            return None
        del self._refusals[message_id]
        if now - refusal.sent_at > EDIT_WINDOW:
            return None
        reads = self._rereads.pop(message_id, 0) + 1
        self._rereads[message_id] = reads
        while len(self._rereads) > _REMEMBERED:
            self._rereads.popitem(last=False)
        return refusal if reads <= MAX_REREADS else None
