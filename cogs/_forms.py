"""Forms that still work after a restart: their state is in the form's custom id.

discord.py matches a form's submission only to a modal object held in memory, so a form opened
before a restart and submitted after it would go unanswered ("interaction failed"). Here no form
is held at all: `open_form` sends it already stopped, and each cog reads the submissions of its
own forms in an `on_interaction` listener, by custom id (like the dynamic buttons), the same way
before and after a restart.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterable, Mapping
from typing import Any

import discord

from bot.apimart.models import DURATIONS, RESOLUTIONS
from bot.i18n import t
from bot.jobs.models import Job, MessageRef
from bot.jobs.validation import VideoOptions, generation_mode
from bot.text import MESSAGE_CONTENT, code_block
from cogs._answers import answered_first, send_privately
from cogs._origins import InteractionOrigin
from cogs._recent import SeenLately, Sighting

log = logging.getLogger(__name__)

Interaction = discord.Interaction[Any]
Select = discord.ui.Select[discord.ui.Modal]
# What a form's fields hold once submitted: a text input's text, a select's values.
Values = Mapping[str, str | list[str]]


class FormOrigin(InteractionOrigin):
    """A form's submit: a refusal before anything is kept (a flag, a rule, the bot restarting,
    a channel it cannot post in), or a stop cutting it short, gives the prompt typed into it
    back (`give_back`), to mend and paste into the form, which opens on the old prompt again;
    or, when the job's files are gone (`files_gone`), to use in a new /video."""

    def __init__(
        self,
        interaction: discord.Interaction[Any],
        typed: str,
        *,
        sources: tuple[MessageRef, ...] = (),
        reply_to: discord.Message | None = None,
    ) -> None:
        super().__init__(interaction, sources=sources, reply_to=reply_to)
        self.typed = typed
        # What the form opens on, once known: typed unchanged, there is nothing to give back.
        self.opens_on: str | None = None
        # Refused because the job's files are gone: its forms refuse for good (they no longer
        # even open), so the prompt is for a new /video, whatever it is.
        self.files_gone = False

    def about(self, job: Job) -> None:
        """The result the form is about, once read: its files are the new video's, and its
        prompt is what the form opens on."""
        self.sources = job.requester.sources
        self.opens_on = job.request.prompt

    async def give_back(self) -> None:
        """The typed prompt after a refusal told: not once the job was recorded or its cost
        question asked (they keep it), nor when it is the one the form opens on anyway."""
        if not self.told or self.kept or self.echo:
            return
        if self.files_gone:
            lead = t("video_prompt_back", self.locale)
        elif self.opens_on is not None and self.typed.strip() == self.opens_on.strip():
            return
        else:
            lead = t("form_prompt_back", self.locale)
        try:
            await give_prompt_back(self.interaction, self.typed, lead=lead)
        except discord.HTTPException as error:
            # An aside after the refusal, which the member has read: not a failure of the form.
            log.warning("Could not give a refused form's prompt back (%s)", error)


async def open_form(interaction: Interaction, form: discord.ui.Modal) -> None:
    """Show `form` without keeping it in memory: its submission is routed by custom id.

    A click another process answered first (a deploy overlap) is left to it, quietly.
    """
    form.stop()
    await answered_first(lambda: interaction.response.send_modal(form), interaction)


def submission(interaction: Interaction, pattern: re.Pattern[str]) -> re.Match[str] | None:
    """The match of a submitted form's custom id, if this interaction is one of `pattern`'s."""
    if interaction.type is not discord.InteractionType.modal_submit:
        return None
    data: Mapping[str, Any] = interaction.data or {}
    return pattern.fullmatch(str(data.get("custom_id", "")))


def submitted_values(interaction: Interaction) -> dict[str, str | list[str]]:
    """Every field of a submitted form by custom id (inside labels or action rows)."""
    data: Mapping[str, Any] = interaction.data or {}
    values: dict[str, str | list[str]] = {}
    for leaf in _leaves(data.get("components") or []):
        custom_id = str(leaf.get("custom_id", ""))
        if "values" in leaf:
            values[custom_id] = [str(value) for value in leaf["values"]]
        else:
            values[custom_id] = str(leaf.get("value") or "")
    return values


def _leaves(components: Iterable[Mapping[str, Any]]) -> Iterable[Mapping[str, Any]]:
    for component in components:
        if isinstance(component.get("component"), Mapping):
            yield from _leaves([component["component"]])
        elif component.get("components"):
            yield from _leaves(component["components"])
        elif "custom_id" in component:
            yield component


def text_value(values: Values, custom_id: str) -> str:
    """A text field's text ('' when absent)."""
    value = values.get(custom_id, "")
    return value if isinstance(value, str) else ""


def picked(values: Values, custom_id: str) -> str | None:
    """A select's one choice, if one was made."""
    value = values.get(custom_id)
    if isinstance(value, list) and value:
        return value[0]
    return None


def form_options(values: Values) -> VideoOptions:
    """A video form's prompt and choices, as submitted (a field the form lacks: None)."""
    duration = picked(values, "duration")
    return VideoOptions(
        prompt=text_value(values, "prompt"),
        duration=int(duration) if duration is not None and duration.isdigit() else None,
        resolution=picked(values, "resolution"),
        aspect_ratio=picked(values, "aspect_ratio"),
        mode=generation_mode(picked(values, "mode")),
    )


def choice(custom_id: str, options: list[tuple[str, str]], default: str) -> Select:
    """A required single-choice select with `default` chosen."""
    return discord.ui.Select(
        custom_id=custom_id,
        options=[
            discord.SelectOption(label=label, value=value, default=value == default)
            for label, value in options
        ],
    )


def duration_select(locale: str, default: int) -> Select:
    """The video's length, in the member's words."""
    options = [(t("seconds_value", locale, seconds=s), str(s)) for s in DURATIONS]
    return choice("duration", options, str(default))


def resolution_select(default: str) -> Select:
    """720p, 1080p or 4K."""
    options = [(value.upper() if value == "4k" else value, value) for value in RESOLUTIONS]
    return choice("resolution", options, default)


def aspect_ratio_select(locale: str, default: str) -> Select:
    """Landscape or portrait."""
    options = [(t("option_landscape", locale), "16:9"), (t("option_portrait", locale), "9:16")]
    return choice("aspect_ratio", options, default)


def labelled(text: str, component: discord.ui.Item[Any]) -> discord.ui.Label[Any]:
    """A form field with its label."""
    return discord.ui.Label(text=text, component=component)


# The same form sent again this soon (seconds), with the same values, by the same member is a
# laggy client's second Submit: one video, not two paid for.
RESENT_WINDOW = 5.0


def sent_form(
    sent_lately: SeenLately, interaction: discord.Interaction[Any], values: Values
) -> Sighting:
    """This submission sighted in `sent_lately` as it arrives (see `cogs._once`): the same form,
    by the same member, saying the same, within `RESENT_WINDOW` is sent twice."""
    data: Any = interaction.data or {}
    shown = tuple(sorted((name, repr(value)) for name, value in values.items()))
    key = (interaction.user.id, data.get("custom_id"), shown)
    return sent_lately.sight(key, by=interaction.id)


async def give_prompt_back(interaction: Interaction, prompt: str, *, lead: str = "") -> None:
    """The prompt a member typed into a form that made nothing, privately, to paste into a new
    form (a closed form's text is gone): in a code block after `lead`, or as a file when too
    long for one message or holding its own fences. Nothing for a blank prompt."""
    if not prompt.strip():
        return
    text = "\n".join(part for part in (lead, code_block(prompt, MESSAGE_CONTENT)) if part)
    if len(text) <= MESSAGE_CONTENT and not prompt.count("```"):
        await send_privately(interaction, text, acknowledged=True)
        return
    await interaction.followup.send(
        lead or discord.utils.MISSING,
        file=discord.File(io.BytesIO(prompt.encode()), filename="prompt.txt"),
        ephemeral=True,
        allowed_mentions=discord.AllowedMentions.none(),
    )
