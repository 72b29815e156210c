"""A result posted as APIMart's link says so honestly once that link has expired."""

import asyncio
import contextlib
import logging

import pytest

import bot.link_expiry
from bot.delivery import Delivery
from bot.jobs.callbacks import DeliveryOutcome
from bot.jobs.link_marks import LinkMarks
from bot.jobs.models import DM_TARGET, INTERACTION_TARGET, JobState, Requester
from bot.link_expiry import HOLD, LOOK_BACK, ExpiredLinkPosts
from bot.reach import Reply, Route
from bot.result_text import LinkReason, job_footer, link_text
from bot.status import final_line_key, status_line
from cogs.member import history_line
from cogs.results import result_view
from tests.cogs.test_reach import ShiftedClock
from tests.fakes.apimart import TaskPlan
from tests.fakes.components import custom_ids, media_urls, shown_text
from tests.fakes.discord import PERM_SEND_MESSAGES
from tests.harness import running_bot
from tests.test_delivery import finished_job, results
from tests.test_message_limits import NOW
from tests.test_message_limits import job as limits_job


@contextlib.asynccontextmanager
async def another_process(backend, db):
    """The database as a second bot process sees it (SQLite is one process's alone)."""
    if backend.dialect == "sqlite":
        yield db
        return
    other = await backend.open()
    try:
        yield other
    finally:
        await other.close()


async def linked_result(store, clock, fake, client, api, downloads, *, buttons=None):
    """A finished video over the server's upload limit, posted as APIMart's link (a day) and
    written down as delivered, as the poller does."""
    fake.upload_limit = 512
    job = await finished_job(store, clock, fake, api, size=1024)
    result = await Delivery(client, downloads, store, clock=clock, result_view=buttons)(job)
    assert result.linked
    assert await store.mark_delivered(
        job, now=clock(), message_id=result.message_id, linked=result.linked, plain=result.plain
    )
    return await store.get(job.id)


def edits_of(fake, message_id):
    return [
        r
        for r in fake.requests
        if r.method == "PATCH" and r.path.endswith(f"/messages/{message_id}")
    ]


async def test_a_linked_result_says_its_link_expired_once_it_has_even_with_two_processes(
    backend, db, store, clock, fake, client, api, downloads
):
    """The video was posted as APIMart's link, which lasts a day. Once it has expired, the
    post no longer plays a dead video nor offers the dead link: it says the link expired, and
    when, keeping the prompt and the job's marker. Two processes sweep at once: one edit."""
    job = await linked_result(store, clock, fake, client, api, downloads)
    message = fake.get_message(job.delivery_message_id)
    assert media_urls(message) == [job.result_url]
    async with another_process(backend, db) as other_db:
        sweeps = [
            ExpiredLinkPosts(client, LinkMarks(database, clock=clock), clock=clock)
            for database in (db, other_db)
        ]
        clock.advance(86_400 - 60)
        assert [await sweep.sweep_once() for sweep in sweeps] == [0, 0], "still working"
        assert edits_of(fake, job.delivery_message_id) == []

        clock.advance(120)
        await asyncio.gather(*(sweep.sweep_once() for sweep in sweeps))
        assert len(edits_of(fake, job.delivery_message_id)) == 1
        message = fake.get_message(job.delivery_message_id)
        text = shown_text(message)
        assert job.result_url not in text, "the dead link is not offered"
        assert media_urls(message) == [], "no player for a video that is gone"
        assert "expired" in text and f"<t:{job.result_expires_at}:R>" in text, text
        assert "a kite" in text and job_footer(job) in text, "the card's context stays"
        assert message["attachments"] == []

        clock.advance(86_400)
        for sweep in sweeps:
            await sweep.sweep_once()
        assert len(edits_of(fake, job.delivery_message_id)) == 1, "edited once, for good"
    assert (await store.get(job.id)).state is JobState.COMPLETED


def sweeping(store, clock, client, **kwargs):
    return ExpiredLinkPosts(client, LinkMarks(store._db, clock=clock), clock=clock, **kwargs)


def past_expiry(clock):
    clock.advance(86_400 + 60)


async def test_a_plain_link_post_is_edited_plain_without_its_link(
    store, clock, fake, client, api, downloads
):
    """Discord refused the layout when the result was posted: its plain text carried the link
    (and Discord's preview of it). Edited plain: no link left to preview, the card stays."""
    fake.fail_next("POST", r"/channels/\d+/messages", 400, 50035, "Invalid Form Body")
    job = await linked_result(store, clock, fake, client, api, downloads)
    assert job.result_url in fake.get_message(job.delivery_message_id)["content"]
    past_expiry(clock)
    assert await sweeping(store, clock, client).sweep_once() == 1
    edits = edits_of(fake, job.delivery_message_id)
    assert [edit.status for edit in edits] == [200], "edited plain at once, no layout refused"
    message = fake.get_message(job.delivery_message_id)
    assert job.result_url not in shown_text(message)
    assert "which expired" in message["content"], message["content"]
    [card] = message["embeds"]
    assert card["title"] == "Video link expired"
    assert card["footer"]["text"] == job_footer(job), "still found as the job's post"


async def test_a_plain_link_post_whose_shape_was_not_kept_is_still_edited_plain(
    db, store, clock, fake, client, api, downloads
):
    """Posted before the bot kept whether a result post is plain (`result_plain` NULL): its
    edit is tried as a layout first, and made plain once Discord refuses that."""
    fake.fail_next("POST", r"/channels/\d+/messages", 400, 50035, "Invalid Form Body")
    job = await linked_result(store, clock, fake, client, api, downloads)
    await db.write("UPDATE jobs SET result_plain = NULL WHERE id = ?", (job.id,))
    past_expiry(clock)
    assert await sweeping(store, clock, client).sweep_once() == 1
    assert [edit.status for edit in edits_of(fake, job.delivery_message_id)] == [400, 200]
    message = fake.get_message(job.delivery_message_id)
    assert job.result_url not in shown_text(message)
    assert "which expired" in message["content"], message["content"]


async def test_a_plain_link_post_found_after_a_crash_is_edited_plain(
    store, clock, fake, client, api, downloads
):
    """The plain post was made but its answer lost: the retry finds it (its marker) and
    writes it down as it is, plain, so its edit is made plain at once."""
    fake.upload_limit = 512
    job = await finished_job(store, clock, fake, api, size=1024)
    delivery = Delivery(client, downloads, store, clock=clock)
    fake.fail_next("POST", r"/channels/\d+/messages", 400, 50035, "Invalid Form Body")
    fake.lose_answer_next("POST", r"/channels/\d+/messages")
    first = await delivery(job)
    assert first.outcome is DeliveryOutcome.RETRY, first
    [posted] = results(fake)
    job = await store.get(job.id)
    result = await delivery(job)
    assert result.message_id == int(posted["id"]) and result.linked
    assert await store.mark_delivered(
        job, now=clock(), message_id=result.message_id, linked=result.linked, plain=result.plain
    )
    past_expiry(clock)
    assert await sweeping(store, clock, client).sweep_once() == 1
    assert [edit.status for edit in edits_of(fake, result.message_id)] == [200]
    assert "which expired" in fake.get_message(result.message_id)["content"]


async def test_a_layout_edit_refused_as_invalid_is_not_retried_plain(
    store, clock, fake, client, api, downloads
):
    """The post is known to be a layout: a refused layout edit is not followed by a plain one
    Discord would refuse too (a layout cannot be made plain). One refusal, then left."""
    job = await linked_result(store, clock, fake, client, api, downloads)
    past_expiry(clock)
    path = rf"/channels/{fake.channel_id}/messages/{job.delivery_message_id}"
    fake.fail_next("PATCH", path, 400, 50035, "Invalid Form Body", times=10)
    sweep = sweeping(store, clock, client)
    assert await sweep.sweep_once() == 1
    clock.advance(HOLD * 2)
    assert await sweep.sweep_once() == 0
    assert [edit.status for edit in edits_of(fake, job.delivery_message_id)] == [400]


@pytest.mark.parametrize("plain", [False, True], ids=["layout", "plain"])
async def test_a_link_post_in_an_archived_thread_is_left_quietly(
    store, clock, fake, client, api, downloads, caplog, plain
):
    """The thread went quiet and Discord archived it (or a moderator closed it): Discord
    refuses edits there (400 50083) until a member reopens it. One refusal, logged at INFO
    (no warning, no error), never tried again by later sweeps; the thread is not reopened."""
    if plain:
        fake.fail_next("POST", r"/channels/\d+/messages", 400, 50035, "Invalid Form Body")
    job = await linked_result(store, clock, fake, client, api, downloads)
    past_expiry(clock)
    path = rf"/channels/{fake.channel_id}/messages/{job.delivery_message_id}"
    fake.fail_next("PATCH", path, 400, 50083, "Thread is archived", times=10)
    sweep = sweeping(store, clock, client)
    caplog.set_level(logging.INFO)
    caplog.clear()
    assert await sweep.sweep_once() == 1
    for _ in range(3):
        clock.advance(HOLD * 2)
        assert await sweep.sweep_once() == 0
    assert [edit.status for edit in edits_of(fake, job.delivery_message_id)] == [400]
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []
    said = [r.getMessage() for r in caplog.records if r.name == "bot.link_expiry"]
    assert len([line for line in said if "archived" in line]) == 1, said
    assert media_urls(fake.get_message(job.delivery_message_id)) == (
        [] if plain else [job.result_url]
    )


async def test_a_linked_result_keeps_its_buttons(store, clock, fake, client, api, downloads):
    """Regenerate and the rest stay on the card: the way to a video that plays again."""
    job = await linked_result(store, clock, fake, client, api, downloads, buttons=result_view)
    posted = custom_ids(fake.get_message(job.delivery_message_id))
    assert any(custom_id.startswith("video:regen:") for custom_id in posted), posted
    past_expiry(clock)
    await sweeping(store, clock, client, result_view=result_view).sweep_once()
    assert custom_ids(fake.get_message(job.delivery_message_id)) == posted


async def test_a_linked_result_sent_by_dm_is_edited_there(
    store, clock, fake, client, api, downloads
):
    """The channel refused the result, so it went to the member's DM as the link: the DM
    post says it expired, with no buttons (a server's buttons act in the server)."""
    fake.take_from_bot(fake.channel_id, PERM_SEND_MESSAGES)
    job = await linked_result(store, clock, fake, client, api, downloads)
    assert job.delivery_target == DM_TARGET
    past_expiry(clock)
    assert await sweeping(store, clock, client, result_view=result_view).sweep_once() == 1
    message = fake.get_message(job.delivery_message_id)
    assert int(message["channel_id"]) == fake.dm_channel_id(fake.user_id)
    assert "which expired" in shown_text(message) and job.result_url not in shown_text(message)
    assert media_urls(message) == [] and custom_ids(message) == []


async def test_an_uploaded_video_is_never_edited(store, clock, fake, client, api, downloads):
    """The file is the member's for good: its post stays as it is when APIMart's link ends."""
    job = await finished_job(store, clock, fake, api)
    result = await Delivery(client, downloads, store, clock=clock)(job)
    assert not result.linked
    assert await store.mark_delivered(job, now=clock(), message_id=result.message_id)
    past_expiry(clock)
    assert await sweeping(store, clock, client).sweep_once() == 0
    assert edits_of(fake, result.message_id) == []


async def test_a_link_posted_through_a_command_is_left_alone(
    db, store, clock, fake, client, api, downloads
):
    """Posted through the command's interaction (a user install): its token, the only way to
    edit it, lasted 15 minutes. Nothing is tried."""
    job = await linked_result(store, clock, fake, client, api, downloads)
    await db.write("UPDATE jobs SET delivery_target = ? WHERE id = ?", (INTERACTION_TARGET, job.id))
    past_expiry(clock)
    assert await sweeping(store, clock, client).sweep_once() == 0
    assert edits_of(fake, job.delivery_message_id) == []


async def test_a_link_that_had_expired_before_it_was_posted_is_not_edited(
    store, clock, fake, client, api, downloads
):
    """Its post said so already, with no link (the bot was down for a day)."""
    job = await finished_job(store, clock, fake, api, expires_in=60)
    clock.advance(120)
    result = await Delivery(client, downloads, store, clock=clock)(job)
    assert await store.mark_delivered(
        job, now=clock(), message_id=result.message_id, linked=result.linked
    )
    clock.advance(86_400)
    assert await sweeping(store, clock, client).sweep_once() == 0
    assert edits_of(fake, result.message_id) == []


async def test_a_deleted_link_post_is_asked_about_once_and_is_no_error(
    store, clock, fake, client, api, downloads, caplog
):
    """Deleted meanwhile (unheard: the bot was down): one 404, never asked again, and nothing
    an operator is alerted for."""
    job = await linked_result(store, clock, fake, client, api, downloads)
    fake.delete_message(job.delivery_message_id)
    past_expiry(clock)
    sweep = sweeping(store, clock, client)
    caplog.set_level(logging.INFO)
    assert await sweep.sweep_once() == 1
    clock.advance(HOLD * 2)
    assert await sweep.sweep_once() == 0
    assert len(edits_of(fake, job.delivery_message_id)) == 1
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


async def test_a_link_post_in_a_channel_shut_to_the_bot_is_asked_about_once(
    store, clock, fake, client, api, downloads, caplog
):
    """The bot's access to the channel was taken (403): left as it is, not asked again (every
    refusal counts toward Discord's ban of invalid requests), and no error."""
    job = await linked_result(store, clock, fake, client, api, downloads)
    past_expiry(clock)
    path = rf"/channels/{fake.channel_id}/messages/{job.delivery_message_id}"
    fake.fail_next("PATCH", path, 403, 50001, "Missing Access", times=10)
    sweep = sweeping(store, clock, client)
    caplog.set_level(logging.INFO)
    assert await sweep.sweep_once() == 1
    clock.advance(HOLD * 2)
    assert await sweep.sweep_once() == 0
    assert len(edits_of(fake, job.delivery_message_id)) == 1
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


async def test_an_edit_discord_failed_is_made_by_a_later_sweep(
    store, clock, fake, client, api, downloads
):
    """A 503 (after discord.py's own retries): held for `HOLD`, then tried again."""
    job = await linked_result(store, clock, fake, client, api, downloads)
    past_expiry(clock)
    path = rf"/channels/{fake.channel_id}/messages/{job.delivery_message_id}"
    fake.fail_next("PATCH", path, 503, times=1)
    sweep = sweeping(store, clock, client)
    assert await sweep.sweep_once() == 1
    assert media_urls(fake.get_message(job.delivery_message_id)) == [job.result_url]
    assert await sweep.sweep_once() == 0, "held for a while"
    clock.advance(HOLD)
    assert await sweep.sweep_once() == 1
    assert media_urls(fake.get_message(job.delivery_message_id)) == []


async def test_a_layout_edit_discord_failed_on_a_post_of_unkept_shape_is_not_made_plain(
    db, store, clock, fake, client, api, downloads
):
    """Posted before the bot kept its shape, a layout post whose edit Discord failed (503) is
    not taken for a plain one: left for a later sweep, which edits it as the layout it is."""
    job = await linked_result(store, clock, fake, client, api, downloads)
    await db.write("UPDATE jobs SET result_plain = NULL WHERE id = ?", (job.id,))
    past_expiry(clock)
    path = rf"/channels/{fake.channel_id}/messages/{job.delivery_message_id}"
    fake.fail_next("PATCH", path, 503, times=1)
    sweep = sweeping(store, clock, client)
    assert await sweep.sweep_once() == 1
    assert media_urls(fake.get_message(job.delivery_message_id)) == [job.result_url]
    clock.advance(HOLD)
    assert await sweep.sweep_once() == 1
    assert [edit.status for edit in edits_of(fake, job.delivery_message_id)] == [503, 200]
    message = fake.get_message(job.delivery_message_id)
    assert media_urls(message) == []
    assert not message.get("embeds"), "still the layout it was posted as"


async def test_a_sweep_edits_every_expired_post_however_many_there_are(
    monkeypatch, store, clock, fake, client, api, downloads
):
    """A bot back after a long stop finds more expired posts than it takes at a time: one
    sweep goes on taking them until none is left, not one batch per 5 minutes."""
    monkeypatch.setattr(bot.link_expiry, "_BATCH", 1)
    jobs = [await linked_result(store, clock, fake, client, api, downloads) for _ in range(2)]
    past_expiry(clock)
    assert await sweeping(store, clock, client).sweep_once() == 2
    for job in jobs:
        assert media_urls(fake.get_message(job.delivery_message_id)) == []


async def test_links_that_expired_long_before_the_sweep_are_left_as_they_are(
    store, clock, fake, client, api, downloads
):
    """An upgrade edits a week's posts at the most, not every post the bot ever made."""
    job = await linked_result(store, clock, fake, client, api, downloads)
    clock.advance(86_400 + LOOK_BACK + 60)
    assert await sweeping(store, clock, client).sweep_once() == 0
    assert edits_of(fake, job.delivery_message_id) == []


async def test_the_history_of_an_expired_linked_video_offers_no_link(
    store, clock, fake, client, api, downloads
):
    """`/videos history` says the link expired; neither APIMart's dead link nor the post is
    offered as the video."""
    job = await linked_result(store, clock, fake, client, api, downloads)
    past_expiry(clock)
    line = history_line(await store.get(job.id), "en-US", clock())
    assert "its link has expired" in line
    assert job.result_url not in line and "https://" not in line, line


async def test_the_running_bot_edits_a_link_post_once_its_link_expired(tmp_path):
    """Through the bot as it runs: a video over the upload limit, posted as its link with
    its buttons, says the link expired once the link's day is over; its buttons stay."""
    plan = TaskPlan(polls_until_done=1, video_bytes=11 * 1024 * 1024)
    clock = ShiftedClock()
    async with running_bot(tmp_path, plan=plan, clock=clock) as world:
        await world.video(prompt="a long 4k shot", resolution="4k")
        result = await world.wait_for_result()
        link = world.api.last_task.video_url
        assert media_urls(result) == [link], "posted as APIMart's link"
        assert "video:regen:1" in custom_ids(result)
        assert await world.bot.status_sweep.expired_links_once() == 0

        clock.offset += world.api.last_task.expires_at - clock() + 60
        assert await world.bot.status_sweep.expired_links_once() == 1
        edited = world.discord.get_message(int(result["id"]))
        assert link not in shown_text(edited) and media_urls(edited) == []
        assert "which expired" in shown_text(edited)
        assert custom_ids(edited) == custom_ids(result), "Regenerate and the rest stay"


# A link APIMart named no end for -------------------------------------------------------------

NO_END_SAID = {
    "en-US": "the link may stop working after a while",
    "zh-CN": "这个链接过一段时间可能会失效",
    "zh-TW": "這個連結過一段時間可能會失效",
}
# What the bot said before: an end it does not know ("expires: soon", "很快").
NO_END_UNSAID = ("soon", "expires:", "很快", "失效时间", "失效時間")


def link_without_an_end(locale, **changes):
    """A finished job posted as APIMart's link, which came with no `expires_at`."""
    return limits_job(locale=locale, result_expires_at=None, **changes)


@pytest.mark.parametrize("why", list(LinkReason))
@pytest.mark.parametrize("locale", list(NO_END_SAID))
def test_a_link_post_with_no_known_end_says_it_may_stop_working_not_soon(locale, why):
    text = link_text(link_without_an_end(locale), why)
    assert NO_END_SAID[locale] in text, text
    for unsaid in NO_END_UNSAID:
        assert unsaid not in text, text


@pytest.mark.parametrize("locale", list(NO_END_SAID))
def test_a_private_result_with_no_known_end_says_its_link_may_stop_working_not_soon(locale):
    """Discord showed the video only to the member and their DMs are closed: the status points
    to /videos history, and says the link lasts a while, not that it "expires: soon"."""
    reply = Reply(route=Route.INTERACTION, ephemeral=True)
    job = link_without_an_end(
        locale,
        requester=Requester(user_id=1, channel_id=2, guild_id=3, locale=locale, reply=reply),
        delivery_target=INTERACTION_TARGET,
    )
    assert final_line_key(job) == "status_line_completed_uncopied_private"
    line = status_line(job, position=None, now=NOW)
    assert NO_END_SAID[locale] in line, line
    for unsaid in NO_END_UNSAID:
        assert unsaid not in line, line


@pytest.mark.parametrize("locale", list(NO_END_SAID))
def test_a_link_with_a_known_end_still_says_when(locale):
    job = limits_job(locale=locale)
    assert f"<t:{job.result_expires_at}:R>" in link_text(job, LinkReason.TOO_LARGE)
    assert NO_END_SAID[locale] not in link_text(job, LinkReason.TOO_LARGE)
