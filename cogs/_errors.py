"""One error funnel for every slash command, context menu, button, form and reply.

(Installed on the command tree by the `cogs.errors` extension; kept apart from it so that the
classes here exist once, however often extensions are reloaded.)

A refusal the member can act on (`Refusal`) is answered with its reason. Anything else is a bug or
an outage: the member gets a short private apology in their language, and the operator exactly one
log record naming what failed, the job if known, the user, the guild and the traceback. Nothing
ends in "The application did not respond".
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import discord
from discord import app_commands

from bot.i18n import Message, msg
from bot.log_context import bound
from cogs._answers import acknowledge_first, answer_privately
from cogs._reach import place_of

log = logging.getLogger(__name__)

Interaction = discord.Interaction[Any]


class Refusal(app_commands.CheckFailure):
    """A check that failed for a reason the member should read; not an error."""

    def __init__(self, reason: Message) -> None:
        super().__init__(reason.key)
        self.reason = reason


class AnsweredElsewhere(app_commands.CheckFailure):
    """Another process acknowledged this interaction first and answers it: nothing to say."""


class CheckCrashed(app_commands.AppCommandError):
    """A command's check failed unexpectedly (the database, Discord): reported like a failed
    command, since discord.py hands the tree's error handler only `AppCommandError`s."""

    def __init__(self, original: Exception) -> None:
        super().__init__(str(original))
        self.original = original


async def acknowledged_check(
    interaction: Interaction, check: Callable[[], Awaitable[bool]] | None = None
) -> bool:
    """A cog's `interaction_check`: acknowledge privately before any database work
    (`acknowledge_first`), then run `check` (if any). Stops quietly when another process
    already has this interaction; anything unexpected reaches the funnel (logged once,
    apologised for)."""
    try:
        if not await acknowledge_first(interaction):
            raise AnsweredElsewhere(f"interaction:{interaction.id}")
        return True if check is None else await check()
    except app_commands.AppCommandError:
        raise
    except Exception as error:
        raise CheckCrashed(error) from error


def log_failure(
    error: BaseException,
    *,
    what: str,
    user_id: int,
    guild_id: int | None,
    job_id: int | None = None,
) -> None:
    """The operator's one record of an unexpected failure, with its traceback."""
    with bound(user_id=user_id, guild_id=guild_id, job_id=job_id):
        log.error(
            "%s failed for user %d in guild %s (job %s)",
            what,
            user_id,
            guild_id,
            job_id if job_id is not None else "unknown",
            exc_info=error,
        )


def what_was_used(interaction: Interaction) -> str:
    """The command, menu or component that was used, as the operator would name it."""
    command = interaction.command
    if isinstance(command, app_commands.ContextMenu):
        return f"Menu {command.name!r}"
    if command is not None:
        return f"/{command.qualified_name}"
    data: Mapping[str, object] = interaction.data or {}
    return f"Component {data.get('custom_id', '?')}"


def _job_option(interaction: Interaction) -> int | None:
    """The job a command was about, when it has a `job` option."""
    job = getattr(interaction.namespace, "job", None)
    return job if isinstance(job, int) else None


def apology(interaction: Interaction) -> Message:
    """What the member reads after an unexpected failure. Outside servers that added the bot
    no moderator has a say over it: none is named."""
    server = place_of(interaction).server_installed
    return msg("unexpected_error" if server else "unexpected_error_personal")


def log_unanswerable(interaction: Interaction, error: BaseException) -> None:
    """The operator's one record of a failure no apology can follow (a suggestion list: Discord
    takes nothing but choices there); the caller still answers, with what it can."""
    log_failure(
        error,
        what=what_was_used(interaction),
        user_id=interaction.user.id,
        guild_id=interaction.guild_id,
        job_id=_job_option(interaction),
    )


async def report_failure(
    interaction: Interaction,
    error: BaseException,
    *,
    what: str | None = None,
    job_id: int | None = None,
    tell: Callable[[Message], Awaitable[None]] | None = None,
) -> None:
    """Log the failure once and apologise to the member, privately, however far we got
    (`tell`: how the request answers its member, where that matters to what follows)."""
    original = (
        error.original
        if isinstance(error, app_commands.CommandInvokeError | CheckCrashed)
        else error
    )
    log_failure(
        original,
        what=what or what_was_used(interaction),
        user_id=interaction.user.id,
        guild_id=interaction.guild_id,
        job_id=job_id if job_id is not None else _job_option(interaction),
    )
    try:
        if tell is None:
            await answer_privately(interaction, apology(interaction))
        else:
            await tell(apology(interaction))
    except discord.HTTPException as failure:
        # Expired, or answered with a form that leaves no room for a follow-up.
        log.warning("Could not apologise to user %d (%s)", interaction.user.id, failure)


async def on_app_command_error(
    interaction: Interaction, error: app_commands.AppCommandError, /
) -> None:
    """The tree's handler: every slash command and context menu ends here when it fails."""
    if isinstance(error, AnsweredElsewhere):
        return
    if isinstance(error, Refusal):
        try:
            await answer_privately(interaction, error.reason)
        except discord.HTTPException as failure:
            log.warning("Could not tell user %d why not (%s)", interaction.user.id, failure)
        return
    await report_failure(interaction, error)
