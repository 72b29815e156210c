"""One error funnel: whatever breaks, the member gets a private apology, the operator one record."""

import logging
import sys

import pytest

from tests.cogs.test_moderation import server
from tests.cogs.test_references import fill_form, make_video_on, post
from tests.fakes.apimart import TaskPlan
from tests.fakes.components import is_layout
from tests.fakes.discord import INTERACTION_AUTOCOMPLETE
from tests.harness import running_bot

EPHEMERAL = 64
APOLOGY = "Something went wrong on my side"
APOLOGY_ZH = "我这边出了问题"


class Boom(RuntimeError):
    """The injected failure."""


def boom(*args, **kwargs):
    raise Boom("injected failure")


async def answered(interaction):
    """What the member read: the callback's message, or the follow-up after a deferral."""
    callback = await interaction.wait_for_callback(timeout=5)
    if callback["type"] == 4:
        return callback["data"]
    followup = await interaction.wait_for_followup()
    return {"content": followup["content"], "flags": followup.get("flags", 0)}


def error_records(caplog):
    return [r for r in caplog.records if r.levelno >= logging.ERROR]


def the_one_error_record(caplog, *expected):
    [record] = error_records(caplog)
    assert record.exc_info is not None and record.exc_info[0] is Boom, "with its traceback"
    line = record.getMessage()
    for text in expected:
        assert str(text) in line, f"{text!r} not in {line!r}"
    return record


@pytest.fixture
def caplog_info(caplog):
    caplog.set_level(logging.INFO)
    return caplog


async def test_a_failing_command_apologises_privately_and_logs_once(tmp_path, caplog_info):
    async with running_bot(tmp_path) as world:
        world.bot.store.recent_for_user = boom
        interaction = await world.discord.slash_command("videos history", locale="zh-CN")
        answer = await answered(interaction)
        assert APOLOGY_ZH in answer["content"]
        assert answer["flags"] & EPHEMERAL
        fake = world.discord
        the_one_error_record(caplog_info, "/videos history", fake.user_id, fake.guild_id)


@pytest.mark.parametrize("where", ["the bot's DM", "a server that never added the bot"])
async def test_an_apology_outside_servers_that_added_the_bot_names_no_moderator(
    tmp_path, caplog_info, where
):
    """No moderator has a say over the bot in a DM, or where a member uses their own install:
    "tell a moderator" would send them to nobody who can help."""
    async with running_bot(tmp_path) as world:
        fake = world.discord
        world.bot.store.recent_for_user = boom
        if where == "the bot's DM":
            interaction = await fake.slash_command("videos history", dm=True)
        else:
            elsewhere = fake.add_guild("Elsewhere", bot_member=False)
            interaction = await fake.slash_command(
                "videos history", guild_id=elsewhere, user_install=True
            )
        answer = await answered(interaction)
        assert APOLOGY in answer["content"]
        assert "moderator" not in answer["content"], answer["content"]
        assert len(error_records(caplog_info)) == 1


async def test_a_failing_command_after_deferring_apologises_in_the_follow_up(tmp_path, caplog_info):
    async with running_bot(tmp_path) as world:
        world.bot.jobs.record = boom  # before the job is saved
        interaction = await world.video(prompt="a cat")
        answer = await answered(interaction)
        assert APOLOGY in answer["content"] and answer["flags"] & EPHEMERAL
        the_one_error_record(caplog_info, "/video", world.discord.user_id)


async def test_a_failing_context_menu_apologises_and_logs_once(tmp_path, caplog_info, monkeypatch):
    async with running_bot(tmp_path) as world:
        target = await post(world, attachments=[world.png()])
        # The menu's module, which the loaded extension imports.
        monkeypatch.setattr(sys.modules["cogs._make_video"], "split_attachments", boom)
        interaction = await make_video_on(world, target)
        answer = await answered(interaction)
        assert APOLOGY in answer["content"] and answer["flags"] & EPHEMERAL
        [record] = error_records(caplog_info)
        assert "Make a video" in record.getMessage() and record.exc_info is not None


async def delivered(world):
    interaction = await world.video(prompt="a paper boat")
    await interaction.wait_for_followup()
    return await world.discord.wait_for_message(
        predicate=lambda m: is_layout(m) and bool(m.get("components")), timeout=10
    )


async def test_a_failing_button_apologises_privately_and_logs_once(tmp_path, caplog_info):
    async with running_bot(tmp_path, plan=TaskPlan(polls_until_done=1)) as world:
        result = await delivered(world)
        await world.bot.poller.stop()
        world.bot.store.get = boom
        click = await world.discord.component_interaction(
            "video:regen:1", message_id=int(result["id"])
        )
        answer = await answered(click)
        assert APOLOGY in answer["content"] and answer["flags"] & EPHEMERAL
        the_one_error_record(caplog_info, "regen", "job 1", world.discord.user_id)


async def test_a_failing_form_apologises_privately_and_logs_once(tmp_path, caplog_info):
    async with running_bot(tmp_path, plan=TaskPlan(polls_until_done=1)) as world:
        result = await delivered(world)
        await world.bot.poller.stop()
        click = await world.discord.component_interaction(
            "video:edit:1", message_id=int(result["id"])
        )
        await click.wait_for_callback()
        [field_id] = [
            c["custom_id"] for row in click.modal["components"] for c in row["components"]
        ]
        world.bot.jobs.record = boom  # before the job is saved
        submitted = await world.discord.modal_submit({field_id: "a boat"}, interaction=click)
        answer = await answered(submitted)
        assert APOLOGY in answer["content"] and answer["flags"] & EPHEMERAL
        fake = world.discord
        the_one_error_record(caplog_info, "job 1", fake.user_id, fake.guild_id)


async def test_a_failing_menu_form_apologises_privately_and_logs_once(tmp_path, caplog_info):
    async with running_bot(tmp_path) as world:
        target = await post(world, attachments=[world.png()])
        interaction = await make_video_on(world, target)
        world.bot.jobs.record = boom  # before the job is saved
        submitted = await fill_form(world, interaction, "a cat")
        answer = await answered(submitted)
        assert APOLOGY in answer["content"] and answer["flags"] & EPHEMERAL
        fake = world.discord
        the_one_error_record(caplog_info, fake.user_id, fake.guild_id)


async def test_a_refused_moderator_command_gets_its_reason_and_no_error_record(
    tmp_path, caplog_info
):
    async with running_bot(tmp_path) as world:
        interaction = await world.discord.slash_command("videomod audit", member_permissions="0")
        answer = await answered(interaction)
        assert "Manage Server" in answer["content"] and answer["flags"] & EPHEMERAL
        assert error_records(caplog_info) == []


async def test_a_moderator_check_that_fails_apologises_in_place_of_thinking_and_logs_once(
    tmp_path, caplog_info
):
    """The check reads the database after acknowledging: when that read breaks, the member's
    "thinking..." becomes the apology, and the operator gets the one record."""
    async with server(tmp_path) as s:
        s.world.bot.moderation.moderator_role_id = boom
        interaction = await s.world.discord.slash_command("videomod limits show", user=s.helper)
        answer = await answered(interaction)
        assert APOLOGY in answer["content"] and answer["flags"] & EPHEMERAL
        the_one_error_record(caplog_info, "/videomod limits show", s.helper)


async def test_a_fault_after_the_job_is_saved_never_asks_the_member_to_try_again(
    tmp_path, monkeypatch
):
    """Asking again would make (and count) a second video while the first goes on."""
    async with running_bot(tmp_path) as world:

        def broken(job, *, final=False):
            raise RuntimeError("a bug in the status messages")

        monkeypatch.setattr(world.bot.status_messages, "schedule", broken)
        interaction = await world.video(prompt="a fox in snow")
        answers = [await interaction.wait_for_private_answer(n) for n in (1, 2)]
        assert "job #1" in answers[0]
        assert "try again" not in answers[1] and "not completed" not in answers[1]
        assert "job #1 was saved" in answers[1] and "/videos status" in answers[1]
        assert len(world.api.submits) == 1


@pytest.mark.parametrize("command", ["videos status", "videos cancel"])
async def test_job_suggestions_that_fail_are_answered_with_none_and_logged_once(
    tmp_path, caplog_info, command
):
    """A suggestion list cannot be deferred nor apologised in: a failed read still answers in
    time (none offered, the number can be typed), not "Loading options failed"."""
    async with running_bot(tmp_path) as world:
        world.bot.store.recent_for_user = boom
        world.bot.store.cancellable_for_user = boom
        typing = await world.discord.slash_command(
            command,
            options=[{"name": "job", "type": 4, "value": "", "focused": True}],
            interaction_type=INTERACTION_AUTOCOMPLETE,
        )
        callback = await typing.wait_for_callback(timeout=5)
        assert callback["type"] == 8  # the suggestions
        assert callback["data"]["choices"] == []
        fake = world.discord
        the_one_error_record(caplog_info, f"/{command}", fake.user_id, fake.guild_id)
