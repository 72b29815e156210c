"""What marks one request in every process that reads it (a deploy overlap gives it to
two): the origin id its job is recorded under (one job per interaction or message), the
nonce of each answer to a message, and the note of the process that finds the job
recorded by the other.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

import discord

log = logging.getLogger(__name__)


def interaction_origin_id(interaction: discord.Interaction[Any]) -> str:
    """The origin id of a job an interaction asks for (one job per interaction)."""
    return f"interaction:{interaction.id}"


def answer_nonce(message: discord.Message, key: str) -> str:
    """The nonce of the bot's answer `key` to `message` (as edited, if it was): the same in
    every process that reads it, within Discord's 25 characters."""
    edited = message.edited_at.timestamp() if message.edited_at is not None else 0.0
    digest = hashlib.blake2b(f"{message.id}:{edited}:{key}".encode(), digest_size=10)
    return f"a-{digest.hexdigest()}"


def message_origin_id(message: discord.Message) -> str:
    """What marks a job as asked for by this message: one message makes one job at most."""
    return f"message:{message.id}"


def log_echo(origin_id: str, job_id: int) -> None:
    """Note that another process recorded `origin_id` first (it answers)."""
    log.info("%s already recorded by another process as job %d; leaving it", origin_id, job_id)
