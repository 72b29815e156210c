"""An acknowledgement Discord took though its answer never came back is still followed by the
member's answer, not "thinking..." for good.

Discord's edge can answer a 502 for an interaction callback that went through (it gave up
waiting on it), or the connection can drop before its answer. discord.py resends a callback
that met a 5xx, and Discord refuses that second one as already acknowledged (40060): the very
answer a deploy overlap's second process gets. This process must not take its own first
deferral for another process's, and leave the member with a deferral nobody answers.
"""

from types import SimpleNamespace

import aiohttp
import discord
import pytest

from cogs._answers import ALREADY_ACKNOWLEDGED, answered, answered_first
from tests.cogs.test_moderation import video
from tests.cogs.test_status_cancel import RENDERS_UNTIL_TOLD, status_with_button
from tests.harness import running_bot

EPHEMERAL = 64
CALLBACK = r"/interactions/\d+/[^/]+/callback"
# Discord's edge gave up waiting (502) on a callback that went through; or the connection
# dropped before its answer.
LOST = {"a 502 from Discord's edge": 502, "a dropped connection": 0}


@pytest.mark.parametrize("lost", list(LOST))
async def test_a_commands_deferral_whose_answer_was_lost_is_followed_by_its_answer(tmp_path, lost):
    async with running_bot(tmp_path) as world:
        fake = world.discord
        fake.lose_answer_next("POST", CALLBACK, status=LOST[lost])
        interaction = await fake.slash_command("videos history")
        answer = await interaction.wait_for_answer(timeout=10)
        assert "no videos yet" in answer["content"].lower()
        assert answer["flags"] & EPHEMERAL
        assert len(interaction.callbacks) == 1, "one acknowledgement, the one that went through"
        assert len(interaction.answers) == 1, "answered once"


@pytest.mark.parametrize("lost", list(LOST))
async def test_a_buttons_deferral_whose_answer_was_lost_is_followed_by_its_answer(tmp_path, lost):
    async with running_bot(tmp_path, plan=RENDERS_UNTIL_TOLD) as world:
        fake = world.discord
        await video(world, prompt="a short one")
        status = await status_with_button(world)
        fake.lose_answer_next("POST", CALLBACK, status=LOST[lost])
        click = await fake.component_interaction("video:cancel:1", message_id=int(status["id"]))
        answer = await click.wait_for_answer(timeout=10)
        assert "cancelled" in answer["content"].lower()
        assert len(click.answers) == 1, "answered once"


async def test_a_first_answer_never_sent_is_left_to_the_process_discord_took_first():
    """A connection that could not even be opened (DNS, a refused connect) sent nothing: the
    40060 refusing the second try is a deploy overlap's other process's answer, which stands.
    This process stays quiet, rather than answer the member a second time."""
    refused = aiohttp.ClientConnectorError(
        SimpleNamespace(host="discord.com", port=443, ssl=True), OSError(111, "refused")
    )
    taken = discord.HTTPException(
        SimpleNamespace(status=400, reason="Bad Request"),
        {"code": ALREADY_ACKNOWLEDGED, "message": "Interaction has already been acknowledged."},
    )
    tries = iter([refused, taken])

    async def answer():
        raise next(tries)

    interaction = SimpleNamespace(id=1, extras={}, response=SimpleNamespace(is_done=lambda: False))
    assert await answered_first(answer, interaction) is False, "the other process answers"
    assert not answered(interaction)
