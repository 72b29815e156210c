"""Confirm / Cancel for a request expected to cost more than its server allows unasked, or
asked about whatever it costs (another member's video made again or with a new prompt, in a
server or under the member's personal allowance).

Nothing is recorded, counted or sent until the member presses Confirm: the request waits in the
database (`bot.moderation.pending`), and each button's custom id carries its token
(`discord.ui.DynamicItem`), so a press after a restart is matched by the template alone. Only
the member who asked may press; the question expires after `CONFIRM_TIMEOUT` seconds.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import re
from typing import TYPE_CHECKING, Any, Self

import discord
from discord.ext import commands

from bot.apimart.models import VideoRequest
from bot.engine.pool import settle_cancelled
from bot.i18n import msg, t
from bot.jobs.models import Job, Requester
from bot.jobs.pricing import Estimate, amount, expected_cost, length_of, quoted
from bot.moderation.pending import ConfirmationNeeded, PendingRequest
from bot.moderation.periods import stamp
from bot.moderation.rules import FIXED_OPTIONS_WORDING
from bot.text import MESSAGE_CONTENT, NO_MENTIONS, PROMPT_PREVIEW_CHARS, fit, preview
from cogs._answers import acknowledge_first, answer_privately
from cogs._cost_notes import cost_basis
from cogs._errors import report_failure
from cogs._origins import InteractionOrigin, Origin
from cogs._queue import queue_request
from cogs._reach import rules_guild_id

if TYPE_CHECKING:
    from bot.app import VideoBot

log = logging.getLogger(__name__)

Button = discord.ui.Button[discord.ui.View]
COG_NAME = "CostConfirmations"
# How long a Confirm press is remembered, for a Cancel pressed right after it (already on its way
# when the buttons went): the life of the interaction that made it, in seconds.
PRESS_MEMORY = 15 * 60.0


def _bot(interaction: discord.Interaction[Any]) -> VideoBot:
    bot: VideoBot = interaction.client
    return bot


def confirm_view(token: str, locale: str, *, pressed: bool = False) -> discord.ui.View:
    """Confirm and Cancel, labelled in the member's language; greyed out once `pressed` (a
    Confirm on its way: a Cancel then could only come too late)."""
    view = discord.ui.View(timeout=None)
    for action in ("yes", "no"):
        button = CostButton(action, token, locale=locale)
        button.item.disabled = pressed
        view.add_item(button)
    return view


async def ask_to_confirm(
    bot: VideoBot, origin: Origin, request: VideoRequest, needed: ConfirmationNeeded
) -> None:
    """Hold the request and ask its member; nothing is counted until they confirm."""
    await origin.acknowledge()
    if isinstance(origin, ConfirmedOrigin) and not await origin.end_question():
        return
    files = _files_note(origin)
    pending = await bot.moderation.pending.hold(
        origin.requester(),
        request,
        expected_credits=needed.expected.credits,
        lasting=origin.question_lasts(bot.settings.confirm_timeout, bot.clock()),
        reply_to_id=origin.reply_to_id,
        files_note=files,
    )
    # Over the server's threshold, or asked whatever it costs (another member's settings), or
    # asked again for a figure agreed to that rose (a Confirm press: its own reason said first).
    over = {} if needed.threshold is None else {"threshold": amount(needed.threshold)}
    if over:
        key = "confirm_ask"
    else:
        key = origin.cost_question if origin.asks_cost_first else "confirm_ask_again"
    question = msg(
        key,
        cost=expected_cost(needed.expected),
        basis=cost_basis(needed.expected),
        prompt=preview(request.prompt, PROMPT_PREVIEW_CHARS),
        expires=stamp(pending.expires_at, "R"),
        **over,
    )
    text = question.render(origin.locale)
    if files is not None:
        # How the member's files are used (a clip put in an image option, which sets the
        # length and so the cost): read before they confirm. The press's "queued" cannot say
        # it, knowing only the request held, not the options chosen.
        text = t("note_with_files", origin.locale, note=text, files=files)
    try:
        message = await origin.ask(text, confirm_view(pending.token, origin.locale))
    except discord.HTTPException as error:
        log.warning("Could not ask user %d to confirm (%s)", origin.user.id, error)
        message = None
    if message is None:
        await bot.moderation.pending.drop(pending.token)
        # Not "more than this server allows" for a question the threshold did not raise.
        await origin.tell(msg("confirm_unavailable" if over else "confirm_unavailable_asked"))
        return
    # Asked (here, or by another process first): the question holds the request.
    origin.kept = True
    if not _asks_with(message, pending.token):
        # Another process asked this question first (one nonce): its buttons are the ones
        # shown, so this one's request would only be a second video to confirm, and its
        # timer would mark an answered question expired.
        await bot.moderation.pending.drop(pending.token)
        log.info("User %d was already asked to confirm by another process", origin.user.id)
        return
    log.info("Asked user %d to confirm a request (%s)", origin.user.id, needed)
    # Asked: what the request would go without is no promise before a refusal now.
    await origin.tell_left_out()
    cog = bot.get_cog(COG_NAME)
    if isinstance(cog, CostConfirmations):
        cog.expire_later(pending, message)


def _files_note(origin: Origin) -> str | None:
    """How the member's files are used, where their options do not say it, in the request's
    language: from the options chosen, or, for a question asked again because the cost rose
    (a Confirm press, which knows only the request held), as the first question told it."""
    if isinstance(origin, ConfirmedOrigin):
        return origin.pending.files_note
    return origin.files_used.render(origin.locale) if origin.files_used is not None else None


def _asks_with(message: discord.Message, token: str) -> bool:
    """Whether `message` carries the buttons of the pending request `token`."""
    return any(
        isinstance(item, discord.Button) and item.custom_id == cost_button_id("yes", token)
        for row in message.components
        if isinstance(row, discord.ActionRow)
        for item in row.children
    )


class ConfirmedOrigin(InteractionOrigin):
    """The Confirm press: the held request goes the usual way, ending its pending row."""

    wording = FIXED_OPTIONS_WORDING

    def __init__(self, interaction: discord.Interaction[VideoBot], pending: PendingRequest) -> None:
        super().__init__(interaction, sources=pending.requester.sources)
        self.pending = pending

    @property
    def locale(self) -> str:
        """The request's language: a mention's is its server's, so its public question (asked
        again, say), status and result stay in it, whatever the presser's client speaks."""
        return self.pending.requester.locale

    def requester(self) -> Requester:
        """The presser (the member who asked), confirming this pending request, in the
        request's language."""
        return dataclasses.replace(super().requester(), confirms=self.pending.token)

    @property
    def reply_to_id(self) -> int | None:
        """The message the original request's status would have replied to."""
        return self.pending.reply_to_id

    async def end_question(self) -> bool:
        """End the question pressed, whose cost is out of date, before it is asked again in its
        place; False (the member told) when it had already ended: another press of it (a
        double click) asks again, and a second question there would be left pending, its
        timer later marking the answered question expired."""
        bot = _bot(self.interaction)
        if not await bot.moderation.pending.drop(self.pending.token):
            await self.tell(msg("confirm_gone"))
            return False
        _forget(bot, self.pending.token)
        return True

    async def ask(self, content: str, view: discord.ui.View) -> discord.Message | None:
        """Ask again in place of the question pressed (`end_question`)."""
        again = t("confirm_cost_rose", self.locale)
        text = fit(f"{again}\n{content}", MESSAGE_CONTENT)
        # It quotes the prompt: pings nobody whatever the bot's default says.
        return await self.interaction.edit_original_response(
            content=text, view=view, allowed_mentions=NO_MENTIONS
        )

    async def announce(self, content: str, nonce: str) -> discord.Message | None:
        """A channel message, replying where the original request's status would have."""
        if self.reply is not None:
            # The bot is no member here (a question under the personal allowance): the status
            # is the member's private answer instead.
            return None
        channel = self.interaction.channel
        if not isinstance(channel, discord.abc.Messageable):
            return None
        if self.reply_to_id is None:
            return await channel.send(content, allowed_mentions=NO_MENTIONS, nonce=nonce)
        reference = discord.MessageReference(
            message_id=self.reply_to_id,
            channel_id=self.pending.requester.channel_id,
            guild_id=self.pending.requester.guild_id,
            fail_if_not_exists=False,
        )
        return await channel.send(
            content, reference=reference, allowed_mentions=NO_MENTIONS, nonce=nonce
        )


def cost_button_id(action: str, token: str) -> str:
    """The custom id of a Confirm (`yes`) or Cancel (`no`) button of the pending request `token`."""
    return f"cost:{action}:{token}"


class CostButton(
    discord.ui.DynamicItem[Button], template=r"cost:(?P<action>yes|no):(?P<token>[0-9a-f]{16})"
):
    """Confirm or Cancel; the custom id names the pending request."""

    def __init__(self, action: str, token: str, *, locale: str = "en-US") -> None:
        yes = action == "yes"
        super().__init__(
            discord.ui.Button(
                label=t("button_confirm" if yes else "button_cancel", locale),
                style=discord.ButtonStyle.success if yes else discord.ButtonStyle.secondary,
                custom_id=cost_button_id(action, token),
            )
        )
        self.action = action
        self.token = token

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> Self:
        """Rebuild the button from its custom id."""
        return cls(match["action"], match["token"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Answer the press; a failure goes through the funnel."""
        if self.action == "yes":
            # Noted before anything is awaited, in every process the press reaches (a deploy
            # overlap), so whichever answers a Cancel pressed right after it finds its job.
            cog = _bot(interaction).get_cog(COG_NAME)
            if isinstance(cog, CostConfirmations):
                cog.confirm_pressed(self.token, interaction.id)
        # discord.py only logs what a dynamic item's callback raises, so catch it here.
        try:
            await self._answer(interaction)
        except Exception as error:
            await report_failure(interaction, error, what=f"Button cost:{self.action}")

    async def _answer(self, interaction: discord.Interaction[Any]) -> None:
        # A deferred update: the question can still be edited, and Discord is answered before
        # the database is read or written (either may wait on its lock).
        if not await acknowledge_first(interaction, press=True):
            return
        bot = _bot(interaction)
        store = bot.moderation.pending
        pending = await store.get(self.token)
        if pending is None:
            await self._say_gone(interaction)
            return
        if interaction.user.id != pending.requester.user_id:
            await answer_privately(interaction, msg("confirm_not_yours"))
            return
        if pending.expires_at <= bot.clock():
            await self._end(interaction, "confirm_expired", pending.requester.locale)
            return
        if rules_guild_id(interaction) != pending.requester.guild_id:
            # Asked under one set of rules, pressed where another applies: a server's question
            # after the server removed the bot (its buttons still reach it through the
            # member's own install), or a question under the personal allowance after the
            # server added the bot. Only a job under the rules asked under may end a question
            # (`PendingRequests.consume`), so a Confirm here could only be refused and leave it
            # open: it ends here, with nothing made, saying why.
            left = pending.requester.guild_id is not None
            key = "confirm_server_left" if left else "confirm_server_joined"
            await self._end(interaction, key, pending.requester.locale)
            return
        if self.action == "no":
            await self._end(interaction, "confirm_cancelled", pending.requester.locale)
            return
        # Greyed out at once: sending the video takes seconds (its links read, the status
        # posted, the service asked), and a Cancel pressed meanwhile could only come too late.
        await self._show_buttons(interaction, pending, pressed=True)
        # Judged as the submit will judge the links, so a job is never saved only to be refused.
        if await bot.media_lost(pending.request, pending.requester.sources):
            await self._end(interaction, "confirm_media_lost", pending.requester.locale)
            return
        origin = ConfirmedOrigin(interaction, pending)
        try:
            await queue_request(bot, origin, pending.request)
        except Exception:
            await self._reopen(interaction, pending)
            raise
        job_id = await bot.store.job_for_origin(f"interaction:{interaction.id}")
        if job_id is None:
            # Refused by a rule (the question stays open until it expires), or ended meanwhile.
            await self._reopen(interaction, pending)
            return
        _forget(bot, self.token)
        # In place of the question, in its language (a mention's was asked publicly).
        done = await _confirmed(bot, pending, job_id)
        await interaction.edit_original_response(content=done, view=None)

    async def _show_buttons(
        self, interaction: discord.Interaction[Any], pending: PendingRequest, *, pressed: bool
    ) -> None:
        """The question's buttons greyed out (`pressed`) or pressable again; a question Discord
        no longer lets edit is left as it is (the press still counts)."""
        view = confirm_view(self.token, pending.requester.locale, pressed=pressed)
        try:
            await interaction.edit_original_response(view=view)
        except discord.HTTPException as error:
            log.info("Could not show the question's buttons (pressed=%s): %s", pressed, error)

    async def _reopen(self, interaction: discord.Interaction[Any], pending: PendingRequest) -> None:
        """A Confirm that made no job gives the question its buttons back, while it still waits
        (not one cancelled, asked again or expired meanwhile, which says so in its place)."""
        try:
            waiting = await _bot(interaction).moderation.pending.get(self.token) is not None
        except Exception:
            log.exception("Could not read whether a question still waits")
            return
        if waiting:
            await self._show_buttons(interaction, pending, pressed=False)

    async def _say_gone(self, interaction: discord.Interaction[Any]) -> None:
        """The question ended before this press. A Cancel pressed right after its own Confirm
        (sent before the buttons went) hears which job it made and how to stop that."""
        if self.action == "no":
            job = await _job_confirmed(_bot(interaction), self.token)
            if job is not None and job.requester.user_id == interaction.user.id:
                await answer_privately(interaction, msg("confirm_cancel_too_late", job_id=job.id))
                return
        await answer_privately(interaction, msg("confirm_gone"))

    async def _end(self, interaction: discord.Interaction[Any], key: str, locale: str) -> None:
        """End the request without a job, and say so in place of the question."""
        bot = _bot(interaction)
        if not await bot.moderation.pending.drop(self.token):
            await self._say_gone(interaction)
            return
        _forget(bot, self.token)
        log.info("User %d's request over the cost threshold ended: %s", interaction.user.id, key)
        # Deferred (in `_answer`), then edited: discord.py's one-step `edit_message` sends a
        # `tts` field that Discord's schema for a message update does not have.
        await interaction.edit_original_response(content=t(key, locale), view=None)


async def _confirmed(bot: VideoBot, pending: PendingRequest, job_id: int) -> str:
    """What the question says once confirmed: the job and what it is expected to cost; or, for
    a job that ended at once with nothing made (APIMart refused it, it was closed unsent),
    that nothing was counted, as its note says, not a cost it will never have."""
    locale = pending.requester.locale
    try:
        job = await bot.store.get(job_id)
    except Exception:
        log.exception("Could not read confirmed job %d", job_id)
        job = None
    if job is not None and not job.counts:
        return t("confirm_done_not_made", locale, job_id=job_id)
    # The figure its job was quoted, as its note and status say it.
    expected = (quoted(job) if job is not None else None) or await _expected_now(bot, pending)
    return t(
        "confirm_done_up_to" if expected.up_to else "confirm_done",
        locale,
        job_id=job_id,
        credits=amount(expected.credits),
    )


async def _expected_now(bot: VideoBot, pending: PendingRequest) -> Estimate:
    """What a confirmed job is expected to cost as its note says it (the learned price may have
    fallen since the question); the figure agreed to if that cannot be read."""
    try:
        return await bot.pricing.expected(pending.request)
    except Exception:
        log.exception("Could not read a confirmed job's expected cost")
        request = pending.request
        return Estimate(request.resolution, length_of(request), pending.expected_credits, 0)


async def _job_confirmed(bot: VideoBot, token: str) -> Job | None:
    """The job a Confirm press of the question `token` made, as this process saw it pressed."""
    cog = bot.get_cog(COG_NAME)
    if not isinstance(cog, CostConfirmations):
        return None
    for interaction_id in cog.confirm_presses(token):
        job_id = await bot.store.job_for_origin(f"interaction:{interaction_id}")
        if job_id is not None:
            return await bot.store.get(job_id)
    return None


def _forget(bot: VideoBot, token: str) -> None:
    cog = bot.get_cog(COG_NAME)
    if isinstance(cog, CostConfirmations):
        cog.forget(token)


class CostConfirmations(commands.Cog, name=COG_NAME):
    """Matches presses on any question, and ends the questions this process asked on time."""

    def __init__(self, bot: VideoBot) -> None:
        self.bot = bot
        self._timers: dict[str, asyncio.Task[None]] = {}
        # Confirm presses lately, by question: when, and which interaction (`_job_confirmed`).
        self._presses: dict[str, list[tuple[float, int]]] = {}

    async def cog_load(self) -> None:
        """Match presses on questions asked before a restart too."""
        self.bot.add_dynamic_items(CostButton)

    async def cog_unload(self) -> None:
        """Stop matching; questions left open expire when pressed (or when replaced)."""
        self.bot.remove_dynamic_items(CostButton)
        timers = list(self._timers.values())
        for timer in timers:
            timer.cancel()
        # Bounded: an expiry cut off while reading a silent database does not unwind either.
        await settle_cancelled(timers, "Cost question expiries")
        self._timers.clear()

    def expire_later(self, pending: PendingRequest, message: discord.Message) -> None:
        """Say the question expired, and end it, once its time is up."""
        delay = max(pending.expires_at - self.bot.clock(), 0.0)
        timer = asyncio.create_task(self._expire(pending, message, delay))
        self._timers[pending.token] = timer
        timer.add_done_callback(lambda _: self._timers.pop(pending.token, None))

    def confirm_pressed(self, token: str, interaction_id: int) -> None:
        """Remember a Confirm press for `PRESS_MEMORY` seconds."""
        now = self.bot.clock()
        self._presses = {
            held: recent
            for held, presses in self._presses.items()
            if (recent := [press for press in presses if now - press[0] < PRESS_MEMORY])
        }
        self._presses.setdefault(token, []).append((now, interaction_id))

    def confirm_presses(self, token: str) -> list[int]:
        """The interactions of the Confirm presses of question `token` remembered, first first."""
        return [interaction_id for _, interaction_id in self._presses.get(token, [])]

    def forget(self, token: str) -> None:
        """The member answered: no expiry to say."""
        timer = self._timers.pop(token, None)
        if timer is not None:
            timer.cancel()

    async def _expire(
        self, pending: PendingRequest, message: discord.Message, delay: float
    ) -> None:
        await asyncio.sleep(delay)
        if not await self.bot.moderation.pending.drop(pending.token):
            return  # answered meanwhile, perhaps in another process
        log.info("A request of user %d over the cost threshold expired", pending.requester.user_id)
        try:
            await message.edit(content=t("confirm_expired", pending.requester.locale), view=None)
        except discord.HTTPException as error:
            log.info("Could not mark an expired question (%s)", error)


async def setup(bot: VideoBot) -> None:
    """Load the cog."""
    await bot.add_cog(CostConfirmations(bot))
