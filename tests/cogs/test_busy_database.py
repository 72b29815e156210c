"""A busy database never costs an answer: commands and buttons acknowledge Discord first.

While another transaction holds the database (a second process in a deploy, a slow disk), a
read or write can wait for seconds, longer than Discord's 3 seconds to acknowledge. Each test
holds the database, uses a command or button, sees Discord acknowledged (privately) while the
database is still held, then lets go and reads the answer.
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from tests.cogs.test_cost import NEVER_DONE, ask_video, button_ids, press, set_threshold
from tests.cogs.test_moderation import server
from tests.cogs.test_results import delivered_result
from tests.cogs.test_status_cancel import status_with_button
from tests.fakes.apimart import TaskPlan
from tests.fakes.discord import INTERACTION_AUTOCOMPLETE, FakeInteraction
from tests.harness import running_bot

EPHEMERAL = 64
DEFERRED_MESSAGE = 5  # "thinking...", replaced by the answer
DEFERRED_UPDATE = 6  # a button press: its message is edited later
MODAL = 9
AUTOCOMPLETE_RESULT = 8
DONE = TaskPlan(polls_until_done=1)


@asynccontextmanager
async def database_held(world) -> AsyncIterator[None]:
    """The bot's database, held by another transaction until the block ends."""
    started, release = asyncio.Event(), asyncio.Event()

    async def hold() -> None:
        async with world.db.transaction():
            started.set()
            await release.wait()

    holder = asyncio.create_task(hold())
    await started.wait()
    try:
        yield
    finally:
        release.set()
        await holder


async def acknowledged(interaction: FakeInteraction, kind: int) -> None:
    callback = await interaction.wait_for_callback(timeout=2)
    assert callback["type"] == kind
    if kind == DEFERRED_MESSAGE:
        assert callback["data"]["flags"] & EPHEMERAL, "privately"
    assert interaction.answers == [], "nothing answered while the database is held"


async def test_a_moderators_change_is_acknowledged_while_the_database_is_busy(tmp_path):
    async with server(tmp_path) as s:
        async with database_held(s.world):
            interaction = await s.world.discord.slash_command(
                "videomod limits set", options={"allowance": 3}, user=s.owner
            )
            await acknowledged(interaction, DEFERRED_MESSAGE)
        answer = await interaction.wait_for_private_answer()
        assert "set the limits: 3 videos per member" in answer


async def test_a_members_history_is_acknowledged_while_the_database_is_busy(tmp_path):
    async with running_bot(tmp_path) as world:
        async with database_held(world):
            interaction = await world.discord.slash_command("videos history")
            await acknowledged(interaction, DEFERRED_MESSAGE)
        assert "no videos yet" in await interaction.wait_for_private_answer()


async def test_a_cost_question_cancelled_while_the_database_is_busy_is_acknowledged(tmp_path):
    async with running_bot(tmp_path, plan=NEVER_DONE) as world:
        await set_threshold(world, 5)
        _, question = await ask_video(world, duration=10, resolution="4k")
        ids = button_ids(question)
        async with database_held(world):
            cancel = await press(world, question, ids["Cancel"])
            await acknowledged(cancel, DEFERRED_UPDATE)
        await world.discord.wait_for(
            lambda: (
                world.discord.get_message(int(question["id"]))["content"]
                == "Cancelled: nothing was made or counted."
            )
        )


async def test_the_status_messages_cancel_pressed_while_the_database_is_busy_is_acknowledged(
    tmp_path,
):
    async with running_bot(tmp_path, plan=NEVER_DONE) as world:
        interaction = await world.video(prompt="never mind")
        await interaction.wait_for_answer()
        status = await status_with_button(world)
        async with database_held(world):
            click = await world.discord.component_interaction(
                "video:cancel:1", message_id=int(status["id"])
            )
            await acknowledged(click, DEFERRED_MESSAGE)
        assert "Job #1 is cancelled" in await click.wait_for_private_answer()


async def test_regenerate_pressed_while_the_database_is_busy_is_acknowledged(tmp_path):
    async with running_bot(tmp_path, plan=DONE) as world:
        result = await delivered_result(world)
        async with database_held(world):
            click = await world.discord.component_interaction(
                "video:regen:1", message_id=int(result["id"])
            )
            await acknowledged(click, DEFERRED_MESSAGE)
        assert "queued as job #2" in await click.wait_for_private_answer(timeout=10)


async def test_an_edited_prompt_sent_while_the_database_is_busy_is_acknowledged(tmp_path):
    async with running_bot(tmp_path, plan=DONE) as world:
        result = await delivered_result(world)
        click = await world.discord.component_interaction(
            "video:edit:1", message_id=int(result["id"])
        )
        assert (await click.wait_for_callback())["type"] == MODAL, "the form comes first"
        async with database_held(world):
            submitted = await world.discord.modal_submit(
                {"prompt": "a paper boat at dawn"}, interaction=click
            )
            await acknowledged(submitted, DEFERRED_MESSAGE)
        assert "queued as job #2" in await submitted.wait_for_private_answer(timeout=10)


async def test_a_form_that_cannot_be_read_in_time_asks_to_click_again(tmp_path):
    """Edit prompt must answer with its form, and the form shows the job: with the database
    held past Discord's deadline, the member reads "click again" instead of an error."""
    async with running_bot(tmp_path, plan=DONE) as world:
        result = await delivered_result(world)
        async with database_held(world):
            click = await world.discord.component_interaction(
                "video:edit:1", message_id=int(result["id"])
            )
            callback = await click.wait_for_callback(timeout=5)  # Discord allows 3 s
        assert callback["type"] == 4 and callback["data"]["flags"] & EPHEMERAL
        assert "couldn't open the form. Please click again." in callback["data"]["content"]
        again = await world.discord.component_interaction(
            "video:edit:1", message_id=int(result["id"])
        )
        assert (await again.wait_for_callback())["type"] == MODAL


async def test_job_suggestions_answer_in_time_while_the_database_is_busy(tmp_path):
    """Autocomplete cannot be deferred: a suggestion list read from a database held past
    Discord's 3 seconds is never shown ("Loading options failed"), and the late answer is one
    more refused request. The member gets an empty list in time, and can type the number."""
    async with running_bot(tmp_path) as world, database_held(world):
        typing = await world.discord.slash_command(
            "videos status",
            options=[{"name": "job", "type": 4, "value": "", "focused": True}],
            interaction_type=INTERACTION_AUTOCOMPLETE,
        )
        callback = await typing.wait_for_callback(timeout=5)  # Discord allows 3 s
        assert callback["type"] == AUTOCOMPLETE_RESULT
        assert callback["data"]["choices"] == []
