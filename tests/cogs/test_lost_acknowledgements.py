"""An acknowledgement Discord took though its answer never came back is still followed by the
member's answer, not "thinking..." for good.

Discord's edge can answer a 502 for an interaction callback that went through (it gave up
waiting on it), or the connection can drop before its answer. discord.py resends a callback
that met a 5xx, and Discord refuses that second one as already acknowledged (40060): the very
answer a deploy overlap's second process gets. This process must not take its own first
deferral for another process's, and leave the member with a deferral nobody answers.
"""

import pytest

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
