"""Requests from messages that were refused lately, so an edit that fixes one is read again.

A member who typed `--res 4kk` or forgot the prompt fixes it by editing the message (its text,
or its attachments: one image too many removed). Only a message the bot refused (or answered
with the short help) is read again: one that made a job, or asked to confirm its cost, never
is, so an edit cannot buy a second video. Once the bot has answered one message
`MAX_ANSWERS` times (each reply counts: a refusal, a note on links left out, the help), its
edits are no longer read: editing cannot make the bot post without end (edits answered with
nothing, as a second help would be, do not count). Kept in memory for `EDIT_WINDOW` seconds
at most, the oldest dropped past a bound.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

# A refused request edited within this many seconds of being sent is read again.
EDIT_WINDOW = 600.0
# ... until the bot has replied to it this many times (the refusal, then three edits).
MAX_ANSWERS = 4
_REMEMBERED = 10_000


@dataclass(frozen=True)
class Refusal:
    """What the refused message said, and whether the answer was the short help."""

    content: str
    helped: bool
    sent_at: float
    attachments: tuple[int, ...] = ()  # their ids
    # The pictures its link previews showed, for a message refused for its links only: a
    # preview Discord adds a moment later (a GIF's Tenor page) is what fixes it. None: a
    # preview changes nothing, so it is not read again for one.
    pictures: tuple[str, ...] | None = None


class RecentRefusals:
    """Refused request messages by id, oldest first."""

    def __init__(self) -> None:
        self._refusals: OrderedDict[int, Refusal] = OrderedDict()
        self._answers: OrderedDict[int, int] = OrderedDict()  # replies posted, by message id

    def remember(self, message_id: int, refusal: Refusal) -> None:
        """Note a refusal (again, for a message refused once more)."""
        self._refusals[message_id] = refusal
        self._refusals.move_to_end(message_id)
        while len(self._refusals) > _REMEMBERED:
            self._refusals.popitem(last=False)

    def told(self, message_id: int) -> None:
        """Note one more reply to the message (a refusal, a note on links left out, the help):
        what `MAX_ANSWERS` counts."""
        self._answers[message_id] = self._answers.pop(message_id, 0) + 1
        while len(self._answers) > _REMEMBERED:
            self._answers.popitem(last=False)

    def take(
        self,
        message_id: int,
        content: str,
        attachments: tuple[int, ...],
        pictures: tuple[str, ...],
        now: float,
    ) -> Refusal | None:
        """The refusal an edit to `content`, `attachments` (or the `pictures` of its link
        previews) may fix, forgotten once taken; None when the message was not refused, nothing
        that could fix it changed (Discord also sends an edit for a link's preview), it was
        sent too long ago, or the bot answered it enough times."""
        refusal = self._refusals.get(message_id)
        if refusal is None:
            return None
        pictured = refusal.pictures is not None and refusal.pictures != pictures
        if (refusal.content, refusal.attachments) == (content, attachments) and not pictured:
            return None
        del self._refusals[message_id]
        if now - refusal.sent_at > EDIT_WINDOW:
            return None
        return refusal if self._answers.get(message_id, 0) < MAX_ANSWERS else None
