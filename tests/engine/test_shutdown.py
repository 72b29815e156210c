"""Graceful shutdown: work in flight finishes or is handed back, new work is turned away
politely, and nothing is marked delivered before the member was told."""

import asyncio

import aiohttp.web
import pytest

from bot.engine.pool import settle_cancelled
from bot.i18n import msg
from bot.jobs.models import JobState
from tests.cogs.test_mentions import mention
from tests.cogs.test_moderation import channel_option, mod, modlog_message, server
from tests.cogs.test_references import (
    bots_reply_to,
    fill_form,
    make_video_on,
    nothing_recorded,
    post,
    reply,
)
from tests.cogs.test_results import delivered_result
from tests.conftest import SilentDatabase
from tests.engine.world import is_result
from tests.fakes.apimart import FakeAPIMart, TaskPlan
from tests.fakes.discord import FakeDiscord
from tests.fakes.web import PNG, PUBLIC_HOST, Site
from tests.harness import API_KEY, BOT_TOKEN, running_bot


async def test_closing_during_a_submit_lets_it_finish_and_turns_new_commands_away(tmp_path):
    async with running_bot(tmp_path, plan=TaskPlan(polls_until_done=None)) as world:
        world.api.delay_next("submit", 0.3)
        first = await world.video(prompt="sent just before the stop")
        await world.api.wait_for_submits(1)  # APIMart is taking its time to answer
        closing = asyncio.create_task(world.bot.close())
        await world.discord.wait_for(lambda: world.bot.closing, description="the bot closing")
        second = await world.video(prompt="asked while stopping")
        refused = await second.wait_for_answer()
        assert "I'm restarting right now" in refused["content"]
        await closing
        answered = await first.wait_for_answer()
        assert "queued as job #1" in answered["content"]
        [row] = await world.db.fetch_all("SELECT state, task_id, lease_owner FROM jobs")
        assert (row["state"], row["task_id"]) == (JobState.QUEUED.value, world.api.task_ids[0])
        assert row["lease_owner"] is None
        assert len(world.api.submits) == 1
        assert world.bot.extensions == {}, "extensions were unloaded"


async def test_a_delivery_cut_short_by_shutdown_is_not_marked_and_is_posted_after_restart(
    tmp_path,
):
    async with FakeDiscord(token=BOT_TOKEN) as fake, FakeAPIMart(api_key=API_KEY) as api:
        api.default_plan = TaskPlan(polls_until_done=1)
        async with running_bot(tmp_path, fake=fake, api=api, shutdown_grace=0.2) as world:
            api.stall_next(30)  # the result download hangs past the shutdown grace
            await world.video(prompt="a long download")
            await api.wait_for_downloads(1)
            await world.bot.close()
            [row] = await world.db.fetch_all("SELECT delivered_at, lease_owner FROM jobs")
            assert row["delivered_at"] is None, "not marked delivered: nobody was told"
            assert row["lease_owner"] is None, "its claim was handed back"
            assert not [m for m in fake.messages() if is_result(1)(m)]
        async with running_bot(tmp_path, fake=fake, api=api) as world:
            await fake.wait_for_message(predicate=is_result(1), timeout=5)
            await world.bot.poller.stop()
        assert len([m for m in fake.messages() if is_result(1)(m)]) == 1


async def test_a_stop_ends_within_its_grace_however_many_kinds_of_work_hang(tmp_path):
    """`docker stop` kills the bot 10 s after SIGTERM: the waits for commands, stage work and
    the last status edits share SHUTDOWN_GRACE instead of taking it one after another."""
    grace = 2.0
    async with FakeDiscord(token=BOT_TOKEN) as fake, FakeAPIMart(api_key=API_KEY) as api:
        api.default_plan = TaskPlan(polls_until_done=1)
        async with running_bot(tmp_path, fake=fake, api=api, shutdown_grace=grace) as world:
            api.stall_next(30)  # a delivery's download hangs...
            await world.video(prompt="a long download")
            await api.wait_for_downloads(1)
            api.delay_next("submit", 30)  # ...and so does a member's command
            await world.video(prompt="a slow submit")
            await api.wait_for_submits(2)
            started = asyncio.get_running_loop().time()
            await world.bot.close()
            took = asyncio.get_running_loop().time() - started
    assert took < grace + 1.5, f"the stop took {took:.1f}s with SHUTDOWN_GRACE={grace:g}"


async def test_settling_no_cancelled_tasks_returns_at_once():
    """The last command may end just as the grace runs out: nothing is left to settle."""
    await settle_cancelled(set(), "Commands")


async def test_a_command_cut_short_by_a_stop_tells_its_member_the_job_is_saved(tmp_path):
    """The stop's grace runs out while a member's submit is still on its way: the job is saved
    and the next process carries on with it. The member must not be left with "thinking..."
    for good (nor ask again, making a second video)."""
    async with running_bot(tmp_path, shutdown_grace=0.3) as world:
        world.api.delay_next("submit", 30)
        command = await world.video(prompt="cut short")
        await world.api.wait_for_submits(1)
        await world.bot.close()
        answer = await command.wait_for_private_answer(timeout=2)
        assert "restarting" in answer and "#1" in answer, answer
        assert "/videos status" in answer or "</videos status:" in answer
        assert len(command.answers) == 1, "told once"


async def test_a_stop_after_the_left_out_note_still_tells_the_member_the_job_is_saved(tmp_path):
    """ "I'll go on without 1 link" is an aside, not the answer: a stop cutting the command short
    after it still tells the member the job is saved, so they do not ask again."""
    async with (
        Site(PUBLIC_HOST) as web,
        running_bot(
            tmp_path, shutdown_grace=0.3, link_allowed_networks=f"{PUBLIC_HOST}/32"
        ) as world,
    ):
        page, boat = web.serve("/article", b"<html>", "text/html"), web.serve("/boat.png")
        world.api.delay_next("submit", 30)
        command = await world.video(prompt=f"cut short {page} {boat}")
        await world.api.wait_for_submits(1)
        await world.bot.close()
        answers = [(await command.wait_for_answer(n, timeout=2))["content"] for n in (1, 2)]
        assert "go on without 1 link" in answers[0], answers
        assert "restarting" in answers[1] and "#1" in answers[1], answers


async def test_a_second_stop_signal_does_not_cut_an_engine_submit_in_flight(tmp_path):
    """Ctrl-C pressed twice, or systemd and make each passing SIGTERM on: `python -m bot` calls
    `close()` once per signal, and the second must not cut the first one's drain short."""
    async with running_bot(tmp_path, plan=TaskPlan(polls_until_done=None)) as world:
        # The command's submit is rate-limited: the job waits, and the engine sends it 0.2 s later.
        world.api.fail_next("submit", status=429, retry_after_body=0.2)
        command = await world.video(prompt="sent by the engine")
        await command.wait_for_answer()
        world.api.delay_next("submit", 1.0)  # the engine's submit takes a second to answer
        await world.api.wait_for_submits(2)
        # What `python -m bot`'s signal handler does, once per signal.
        first = asyncio.create_task(world.bot.close())
        await asyncio.sleep(0.1)
        second = asyncio.create_task(world.bot.close())
        await asyncio.gather(first, second)
        [row] = await world.db.fetch_all("SELECT state, task_id FROM jobs")
        # Cut short by the second stop, the job ended "outcome unknown": counted against the
        # member, who was told the video may or may not come.
        assert row["state"] == JobState.QUEUED.value, row["state"]
        assert row["task_id"] is not None


async def test_a_stop_is_not_held_up_by_a_mod_log_post_discord_holds_back(tmp_path):
    """A balance alert goes to every mod-log one post at a time: one Discord makes wait 30 s
    (a 429 discord.py waits out) is given up at the stop, not waited for past `docker stop`."""
    grace = 1.0
    async with server(tmp_path, shutdown_grace=grace) as s:
        await mod(s, "modlog", channel=channel_option(s.world, s.modlog))
        await modlog_message(s, "")  # the mod-log announces itself
        fake, bot = s.world.discord, s.world.bot
        fake.fail_next("POST", rf"/channels/{s.modlog}/messages$", 429, retry_after=30, times=1)
        bot.moderation.feed.emit(None, msg("modlog_balance_low", remaining="4.20", threshold="5"))
        await fake.wait_for(
            lambda: any(
                request.method == "POST" and f"/channels/{s.modlog}/messages" in request.path
                for request in fake.requests[-3:]
            ),
            description="the alert's post held back",
        )
        started = asyncio.get_running_loop().time()
        await bot.close()
        took = asyncio.get_running_loop().time() - started
    assert took < grace + 2.5, f"the stop took {took:.1f}s with SHUTDOWN_GRACE={grace:g}"


async def test_a_stop_is_not_held_up_by_a_mod_log_post_left_behind_on_a_silent_database(
    tmp_path, monkeypatch
):
    """PostgreSQL stops answering while a mod-log event looks up its channel: the stop's drain
    cuts the post off and leaves it behind (its unwinding waits on the database too); unloading
    the cogs after it must not wait for it again, for ever, until `docker stop` kills the bot."""
    grace = 1.0
    async with server(tmp_path, shutdown_grace=grace) as s:
        bot, database = s.world.bot, SilentDatabase()
        monkeypatch.setattr(bot.moderation.store, "policy", database.query)
        bot.moderation.feed.emit(
            s.world.discord.guild_id, msg("modlog_balance_low", remaining="4.20", threshold="5")
        )
        await asyncio.wait_for(database.asked.wait(), 5)
        started = asyncio.get_running_loop().time()
        try:
            async with asyncio.timeout(grace + 5):
                await bot.close()
        finally:
            database.answer()
        took = asyncio.get_running_loop().time() - started
    assert took < grace + 2.5, f"the stop took {took:.1f}s with SHUTDOWN_GRACE={grace:g}"


async def test_unloading_the_cogs_does_not_wait_out_a_mod_log_post_discord_holds_back(tmp_path):
    """The gateway is still up while the stop unloads the cogs, after its drain: a role deleted
    then is told in the mod-log, and Discord makes that post wait 30 s (a 429). The unload, the
    stop's last step, gives it a moment, not those 30 s past `docker stop`."""
    async with server(tmp_path) as s:
        await mod(s, "modlog", channel=channel_option(s.world, s.modlog))
        await modlog_message(s, "")  # the mod-log announces itself
        fake, bot = s.world.discord, s.world.bot
        fake.fail_next("POST", rf"/channels/{s.modlog}/messages$", 429, retry_after=30, times=1)
        bot.moderation.feed.emit(
            fake.guild_id, msg("modlog_balance_low", remaining="4.20", threshold="5")
        )
        await fake.wait_for(
            lambda: any(
                request.method == "POST" and f"/channels/{s.modlog}/messages" in request.path
                for request in fake.requests[-3:]
            ),
            description="the post held back",
        )
        started = asyncio.get_running_loop().time()
        async with asyncio.timeout(5):
            await bot.unload_extension("cogs.moderation")
        took = asyncio.get_running_loop().time() - started
    assert took < 2, f"unloading the moderation cog took {took:.1f}s"


async def test_a_video_cut_short_before_its_job_is_saved_says_restarting_and_gives_back(
    tmp_path,
):
    """A /video still reading the link in its prompt when the stop's grace runs out: nothing
    is saved. The member is not left with "thinking..." for good, nor their prompt lost with
    the command box Discord cleared: they read that the bot is restarting, and get the prompt
    back, to send once it is."""
    async with (
        Site(PUBLIC_HOST) as web,
        running_bot(
            tmp_path, shutdown_grace=0.3, link_allowed_networks=f"{PUBLIC_HOST}/32"
        ) as world,
    ):
        slow = web.never_answer("/slow.png")
        typed = f"a paper boat in a storm at night, lightning over the harbour, rain {slow}"
        command = await world.video(prompt=typed)
        await world.discord.wait_for(lambda: "/slow.png" in web.hits, description="the link read")
        await world.bot.close()
        told = await command.wait_for_answer(timeout=2)
        assert "I'm restarting right now" in told["content"], told["content"]
        given_back = await command.wait_for_answer(2, timeout=2)
        assert given_back["content"].endswith(f"\n```\n{typed}\n```")
        assert given_back["allowed_mentions"]["parse"] == []
        assert world.api.submits == []


async def test_a_video_whose_links_are_read_when_the_stop_begins_is_told_restarting(tmp_path):
    """The links are read within the stop's grace: the job is not saved by a process on its
    way out, and the member hears so at once, with the prompt back."""
    async with (
        Site(PUBLIC_HOST) as web,
        running_bot(tmp_path, shutdown_grace=5, link_allowed_networks=f"{PUBLIC_HOST}/32") as world,
    ):

        async def late_picture(request: aiohttp.web.Request) -> aiohttp.web.Response:
            await web.hang.wait()
            return aiohttp.web.Response(body=PNG, content_type="image/png")

        web._routes["/slow.png"] = late_picture
        slow = web.url("/slow.png")
        typed = f"a paper boat in a storm at night, lightning over the harbour, rain {slow}"
        command = await world.video(prompt=typed)
        await world.discord.wait_for(lambda: "/slow.png" in web.hits, description="the link read")
        closing = asyncio.create_task(world.bot.close())
        await world.discord.wait_for(lambda: world.bot.closing, description="the bot closing")
        web.hang.set()  # the link answers now
        told = await command.wait_for_answer(timeout=5)
        assert "I'm restarting right now" in told["content"], told["content"]
        given_back = await command.wait_for_answer(2, timeout=5)
        assert given_back["content"].endswith(f"\n```\n{typed}\n```")
        await closing
        assert world.api.submits == []


# A long prompt: what the member would have to type again, given back when nothing was saved.
LONG_TYPED = "a paper boat in a storm at night, lightning over the harbour, " + "waves " * 30
FORM_LEAD = "Here is the prompt you typed, to change and paste into the form again:"


def saving_never_ends(world, monkeypatch) -> asyncio.Event:
    """The database takes the job's save and never answers (a failover, a lock held): set
    once the save began."""
    saving = asyncio.Event()

    async def stuck(*args, **kwargs):
        saving.set()
        await asyncio.Event().wait()

    monkeypatch.setattr(world.bot.jobs, "record", stuck)
    return saving


async def test_a_mention_still_reading_its_link_when_the_stop_cuts_it_short_hears_restarting(
    tmp_path,
):
    """A mention whose link is still being read when the stop's grace runs out: nothing is
    saved, and the member, who would otherwise get no answer at all, reads that the bot is
    restarting (their message stays, to post again: nothing to give back)."""
    async with (
        Site(PUBLIC_HOST) as web,
        running_bot(
            tmp_path, shutdown_grace=0.3, link_allowed_networks=f"{PUBLIC_HOST}/32"
        ) as world,
    ):
        slow = web.never_answer("/slow.png")
        asking = await mention(world, f"a paper boat in a storm like {slow}")
        await world.discord.wait_for(lambda: "/slow.png" in web.hits, description="the link read")
        await world.bot.close()
        told = await bots_reply_to(world, asking)
        assert "I'm restarting right now" in told["content"], told["content"]
        assert told["allowed_mentions"]["users"] == [world.discord.user_id]
        assert await nothing_recorded(world)
        assert world.api.submits == []


async def test_a_reply_cut_short_while_its_job_is_saved_says_it_cannot_tell_whether_it_was(
    tmp_path, monkeypatch
):
    """Cut off mid-save, the job may or may not be in the database: neither "restarting,
    nothing was counted" nor silence, but to look before asking again."""
    async with running_bot(tmp_path, shutdown_grace=0.3, message_content_intent=True) as world:
        saving = saving_never_ends(world, monkeypatch)
        target = await post(world, attachments=[world.png()])
        asking = await reply(world, target, "make it sail away at dusk")
        await asyncio.wait_for(saving.wait(), 10)
        await world.bot.close()
        told = await bots_reply_to(world, asking)
        assert "can't tell yet whether it was saved" in told["content"], told["content"]


@pytest.mark.parametrize("button", ["edit", "remix"])
async def test_a_result_form_cut_short_while_its_job_is_saved_says_so_and_gives_the_prompt_back(
    tmp_path, monkeypatch, button
):
    """An Edit prompt or Remix form whose job is being saved when the stop's grace runs out:
    not "thinking..." for good, but that the bot cannot tell whether it was saved, and the
    prompt typed into the form, which closed with it."""
    async with running_bot(
        tmp_path, shutdown_grace=0.3, plan=TaskPlan(polls_until_done=1)
    ) as world:
        await delivered_result(world)
        saving = saving_never_ends(world, monkeypatch)
        submitted = await world.discord.modal_submit(
            {"prompt": LONG_TYPED}, custom_id=f"video:{button}form:1"
        )
        await asyncio.wait_for(saving.wait(), 10)
        await world.bot.close()
        told = await submitted.wait_for_private_answer(timeout=5)
        assert "can't tell yet whether it was saved" in told, told
        given_back = await submitted.wait_for_answer(2, timeout=5)
        assert given_back["content"] == f"{FORM_LEAD}\n```\n{LONG_TYPED}\n```"
        assert given_back["allowed_mentions"]["parse"] == []


async def test_a_regenerate_click_cut_short_before_its_job_is_saved_says_restarting(
    tmp_path, monkeypatch
):
    """A Regenerate click still checking whether the result's files are there when the stop's
    grace runs out (a slow Discord or database): nothing is saved, and the member, who saw
    "thinking..." since the click was acknowledged, reads that the bot is restarting, not
    "thinking..." for good."""
    async with running_bot(
        tmp_path, shutdown_grace=0.3, plan=TaskPlan(polls_until_done=1)
    ) as world:
        result = await delivered_result(world)
        checking = asyncio.Event()

        async def never_answers(*args, **kwargs):
            checking.set()
            await asyncio.Event().wait()

        monkeypatch.setattr(world.bot, "media_lost", never_answers)
        click = await world.discord.component_interaction(
            "video:regen:1", message_id=int(result["id"])
        )
        await asyncio.wait_for(checking.wait(), 10)
        await world.bot.close()
        told = await click.wait_for_private_answer(timeout=5)
        assert "I'm restarting right now" in told, told
        assert [row["id"] for row in await world.db.fetch_all("SELECT id FROM jobs")] == [1]
        assert len(world.api.submits) == 1


async def test_a_make_a_video_form_still_reading_a_link_when_cut_short_says_restarting(tmp_path):
    """The "Make a video" form on a message with a link, still read when the stop's grace runs
    out: the member reads that the bot is restarting and gets the prompt typed into the form
    back, not "thinking..." for good."""
    async with (
        Site(PUBLIC_HOST) as web,
        running_bot(
            tmp_path, shutdown_grace=0.3, link_allowed_networks=f"{PUBLIC_HOST}/32"
        ) as world,
    ):
        slow = web.never_answer("/slow.png")
        target = await post(world, content=f"look at this {slow}")
        submitted = await fill_form(world, await make_video_on(world, target), LONG_TYPED)
        await world.discord.wait_for(lambda: "/slow.png" in web.hits, description="the link read")
        await world.bot.close()
        told = await submitted.wait_for_private_answer(timeout=5)
        assert "I'm restarting right now" in told, told
        given_back = await submitted.wait_for_answer(2, timeout=5)
        assert given_back["content"] == f"{FORM_LEAD}\n```\n{LONG_TYPED}\n```"
        assert await nothing_recorded(world)
