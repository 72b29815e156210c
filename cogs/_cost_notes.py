"""What a member reads about a video's expected cost: the figure and where it comes from."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot.i18n import Message, msg
from bot.jobs.models import Job
from bot.jobs.pricing import UNKNOWN_LENGTH, Estimate, expected_cost

if TYPE_CHECKING:
    from bot.app import VideoBot

log = logging.getLogger(__name__)


def cost_basis(expected: Estimate) -> Message:
    """Where an expected cost comes from, in a few words (with a reference video, why it is a
    most)."""
    if expected.learned:
        basis = msg("cost_basis_learned", count=expected.samples)
    else:
        basis = msg("cost_basis_starting")
    if expected.up_to:
        return msg("cost_basis_up_to", seconds=UNKNOWN_LENGTH, basis=basis)
    return basis


def with_cost(note: Message, expected: Estimate) -> Message:
    """The member's note, followed by what the job is expected to cost."""
    return msg(
        "note_with_cost", note=note, cost=expected_cost(expected), basis=cost_basis(expected)
    )


async def with_expected_cost(bot: VideoBot, job: Job, note: Message) -> Message:
    """The note of a job on its way, with what it was quoted as it was recorded (or for a job
    recorded before the bot kept that, one short read); without it if the read fails, which
    must not cost the member their answer."""
    try:
        expected = await bot.pricing.quoted(job)
    except Exception:
        log.exception("Job %d: could not read its expected cost", job.id)
        return note
    return with_cost(note, expected)
