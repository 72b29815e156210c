"""Buttons under a result: Regenerate, Edit prompt, Remix, Delete, also after the bot restarts."""

import asyncio
import re
from contextlib import asynccontextmanager

import pytest

from bot.i18n import msg
from bot.jobs.link_allowance import LinkAllowance
from bot.moderation.store import Actor
from tests.cogs.test_moderation import channel_option, command
from tests.cogs.test_reach import ShiftedClock, eventually
from tests.fakes.apimart import FakeAPIMart, TaskPlan
from tests.fakes.components import custom_ids, is_layout, walk
from tests.fakes.discord import PERM_SEND_MESSAGES, PERM_VIEW_CHANNEL, FakeDiscord
from tests.fakes.web import PUBLIC_HOST, Site
from tests.harness import API_KEY, BOT_TOKEN, MP4, running_bot

EPHEMERAL = 64
MODAL = 9
MANAGE_MESSAGES = 1 << 13
# The "public" web the tests' links point at, the one network links may reach.
LINKS = f"{PUBLIC_HOST}/32"


@pytest.fixture
async def fakes():
    async with FakeDiscord(token=BOT_TOKEN) as fake, FakeAPIMart(api_key=API_KEY) as api:
        api.default_plan = TaskPlan(polls_until_done=1)
        yield fake, api


async def delivered_result(world, **options):
    interaction = await world.video(**{"prompt": "a paper boat on a river", **options})
    await interaction.wait_for_answer()
    return await world.discord.wait_for_message(
        predicate=lambda m: is_layout(m) and bool(custom_ids(m)), timeout=10
    )


async def delivery_recorded(world, job_id):
    """The post is on Discord a moment before the bot writes down which message it was."""
    for _ in range(500):
        if (await world.bot.store.get(job_id)).delivery_message_id is not None:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"job {job_id}'s delivery was never recorded")


async def edit_prompt(fake, result, prompt):
    """The member presses Edit prompt on `result` and sends the form with `prompt`; returns the
    private answer."""
    click = await fake.component_interaction("video:edit:1", message_id=int(result["id"]))
    await click.wait_for_callback()
    submitted = await fake.modal_submit({"prompt": prompt}, interaction=click)
    return await submitted.wait_for_answer(timeout=10)


async def remix(fake, result, prompt, *, duration="6", aspect_ratio="16:9"):
    """The member presses Remix on `result` and sends the form with `prompt` at 720p, the
    other choices as given; returns the private answer."""
    click = await fake.component_interaction("video:remix:1", message_id=int(result["id"]))
    await click.wait_for_callback()
    sent = {
        "prompt": prompt,
        "duration": [duration],
        "resolution": ["720p"],
        "aspect_ratio": [aspect_ratio],
    }
    submitted = await fake.modal_submit(sent, interaction=click)
    return await submitted.wait_for_answer(timeout=10)


async def delete_asked(fake, result, *, user=None, job_id=1, locale="en-US"):
    """Delete is clicked on `result`: the private question and its buttons (label -> id)."""
    click = await fake.component_interaction(
        f"video:delete:{job_id}", message_id=int(result["id"]), user=user, locale=locale
    )
    question = dict(await click.wait_for_answer())
    assert question["flags"] & EPHEMERAL, "asked only of the clicker"
    buttons = {c["label"]: c["custom_id"] for c in walk(question["components"]) if c["type"] == 2}
    return question, buttons


async def answered(fake, question, custom_id, *, user=None, locale="en-US"):
    """A button of the question is pressed: the answer put in its place."""
    asked = question["content"]
    await fake.component_interaction(
        custom_id, message_id=int(question["id"]), user=user, locale=locale
    )
    await fake.wait_for(
        lambda: fake.get_message(int(question["id"]))["content"] != asked,
        description="the question answered in place",
    )
    return fake.get_message(int(question["id"]))


async def delete_confirmed(fake, result, *, user=None, job_id=1):
    """Delete, then "Delete it": the clicker's answer, in place of the question."""
    question, buttons = await delete_asked(fake, result, user=user, job_id=job_id)
    return await answered(fake, question, buttons["Delete it"], user=user)


async def assert_told_deleted(answer):
    """The clicker reads, privately, that the video is gone (and nothing else)."""
    assert answer["content"] == "The video was deleted."
    assert not answer.get("components"), "the question's buttons are gone"


async def test_a_result_carries_the_three_buttons(tmp_path, fakes):
    fake, api = fakes
    async with running_bot(tmp_path, fake=fake, api=api) as world:
        result = await delivered_result(world)
    assert custom_ids(result) == [
        "video:regen:1",
        "video:edit:1",
        "video:remix:1",
        "video:delete:1",
    ]
    labels = [c["label"] for c in walk(result["components"]) if c["type"] == 2]
    assert labels == ["Regenerate", "Edit prompt", "Remix", "Delete"]
    [container] = result["components"]
    assert container["type"] == 17 and container["components"][-1]["type"] == 1, (
        "the buttons are in the layout, last"
    )


async def test_regenerate_works_after_a_restart_with_the_same_parameters(tmp_path, fakes):
    fake, api = fakes
    async with running_bot(tmp_path, fake=fake, api=api) as world:
        result = await delivered_result(world, duration=8, resolution="1080p")
    async with running_bot(tmp_path, fake=fake, api=api):  # a new process, same database
        click = await fake.component_interaction("video:regen:1", message_id=int(result["id"]))
        followup = await click.wait_for_followup(timeout=10)
        assert "queued as job #2" in followup["content"]
        assert api.submits[1] == api.submits[0]


async def test_a_double_clicked_regenerate_makes_one_video(tmp_path, fakes):
    """A nervous double click (or a laggy client sending the click twice) pays for one video;
    the second click is told so, privately. A click later on is a new take."""
    fake, api = fakes
    clock = ShiftedClock()
    async with running_bot(tmp_path, fake=fake, api=api, clock=clock) as world:
        result = await delivered_result(world)
        message_id = int(result["id"])
        first, second = await asyncio.gather(
            fake.component_interaction("video:regen:1", message_id=message_id),
            fake.component_interaction("video:regen:1", message_id=message_id),
        )
        answers = [await click.wait_for_followup(timeout=10) for click in (first, second)]
        texts = sorted(answer["content"] for answer in answers)
        assert any("queued as job #2" in text for text in texts), texts
        assert any("one click is enough" in text for text in texts), texts
        assert all(answer["flags"] & EPHEMERAL for answer in answers)
        assert len(await world.db.fetch_all("SELECT id FROM jobs")) == 2
        clock.offset += 10
        again = await fake.component_interaction("video:regen:1", message_id=message_id)
        assert "queued as job #3" in (await again.wait_for_followup(timeout=10))["content"]


def first_open_question_read_waits(world, monkeypatch):
    """The first click's read of the clicker's open questions waits (a busy database) until the
    second event is set; the first event says it started."""
    pending = world.bot.moderation.pending
    real = pending.waiting_for
    reading, go_on = asyncio.Event(), asyncio.Event()

    async def slow(*args, **kwargs):
        if not reading.is_set():
            reading.set()
            await go_on.wait()
        return await real(*args, **kwargs)

    monkeypatch.setattr(pending, "waiting_for", slow)
    return reading, go_on


async def test_a_click_while_the_first_is_still_being_answered_asks_no_second_question(
    tmp_path, fakes, monkeypatch
):
    """Bob's first Regenerate on Alice's result takes longer than the double-click window before
    its cost question is saved (a busy database): his second click meanwhile is the same click,
    told so, and he is asked one question, not two he could both confirm."""
    fake, api = fakes
    clock = ShiftedClock()
    async with running_bot(tmp_path, fake=fake, api=api, clock=clock) as world:
        result = await delivered_result(world)
        message_id = int(result["id"])
        bob = fake.add_member("bob")
        reading, go_on = first_open_question_read_waits(world, monkeypatch)
        first = await fake.component_interaction("video:regen:1", message_id=message_id, user=bob)
        await reading.wait()
        clock.offset += 6  # past the 5 s window, the first click still at work
        second = await fake.component_interaction("video:regen:1", message_id=message_id, user=bob)
        told = await second.wait_for_followup(timeout=10)
        go_on.set()
        assert "one click is enough" in told["content"], told["content"]
        asked = await first.wait_for_followup(timeout=10)
        assert set(question_buttons(asked)) == {"Confirm", "Cancel"}
        rows = await world.db.fetch_all("SELECT token FROM pending_requests")
        assert len(rows) == 1, "one question open"


async def test_a_click_whose_work_never_ends_holds_the_button_no_longer_than_its_interaction(
    tmp_path, fakes, monkeypatch
):
    """A first click stuck at work (a database that never answers it) does not block the button
    for good: once that click's interaction has run out (15 minutes), the next is answered."""
    fake, api = fakes
    clock = ShiftedClock()
    async with running_bot(tmp_path, fake=fake, api=api, clock=clock) as world:
        result = await delivered_result(world)
        message_id = int(result["id"])
        bob = fake.add_member("bob")
        reading, go_on = first_open_question_read_waits(world, monkeypatch)
        await fake.component_interaction("video:regen:1", message_id=message_id, user=bob)
        await reading.wait()
        clock.offset += 60
        held = await fake.component_interaction("video:regen:1", message_id=message_id, user=bob)
        assert "one click is enough" in (await held.wait_for_followup(timeout=10))["content"]
        clock.offset += 15 * 60
        later = await fake.component_interaction("video:regen:1", message_id=message_id, user=bob)
        asked = await later.wait_for_followup(timeout=10)
        go_on.set()
        assert set(question_buttons(asked)) == {"Confirm", "Cancel"}, asked["content"]


async def test_a_click_discord_refused_does_not_make_the_next_a_double_click(tmp_path, fakes):
    """The first Regenerate click could not be acknowledged (10062: the process lagged past
    Discord's 3 s; the member saw "This interaction failed"): clicking again at once makes the
    video, not "one click is enough" with no video anywhere."""
    fake, api = fakes
    clock = ShiftedClock()
    async with running_bot(tmp_path, fake=fake, api=api, clock=clock) as world:
        result = await delivered_result(world)
        message_id = int(result["id"])
        fake.fail_next(
            "POST",
            r"/interactions/\d+/[^/]+/callback$",
            status=404,
            code=10062,
            message="Unknown interaction",
        )
        first = await fake.component_interaction("video:regen:1", message_id=message_id)
        await first.wait_for_answer(timeout=10)  # its failure reported: the apology
        clock.offset += 2  # within the double-click window
        second = await fake.component_interaction("video:regen:1", message_id=message_id)
        answer = await second.wait_for_followup(timeout=10)
        assert "queued as job #2" in answer["content"], answer["content"]


async def test_edit_prompt_opens_a_prefilled_form_and_queues_the_new_prompt(tmp_path, fakes):
    fake, api = fakes
    async with running_bot(tmp_path, fake=fake, api=api) as world:
        result = await delivered_result(world, aspect_ratio="9:16")
        click = await fake.component_interaction("video:edit:1", message_id=int(result["id"]))
        callback = await click.wait_for_callback()
        assert callback["type"] == 9, "a modal"
        assert "a paper boat on a river" in str(callback["data"])
        [field_id] = [
            c["custom_id"] for row in callback["data"]["components"] for c in row["components"]
        ]
        submitted = await fake.modal_submit(
            {field_id: "a paper boat in a storm"}, interaction=click
        )
        followup = await submitted.wait_for_answer(timeout=10)
        assert "queued as job #2" in followup["content"]
        assert api.submits[1]["prompt"] == "a paper boat in a storm"
        assert api.submits[1]["aspect_ratio"] == "9:16"


async def test_an_image_link_typed_in_edit_prompt_is_a_reference_as_in_slash_video(tmp_path, fakes):
    """A link typed into the form is what it is in /video's prompt: a picture to work from,
    not words sent to the model (nor echoed bare in the bot's public status message)."""
    fake, api = fakes
    async with (
        Site(PUBLIC_HOST) as web,
        running_bot(tmp_path, fake=fake, api=api, link_allowed_networks=LINKS) as world,
    ):
        boat = web.serve("/boat.png")
        result = await delivered_result(world)
        answer = await edit_prompt(fake, result, f"make this boat sail {boat}\r\nat dusk")
        assert "queued as job #2" in answer["content"], answer["content"]
        status = await world.discord.wait_for_message(
            predicate=lambda m: "asked for a video" in m["content"] and "#2" in m["content"]
        )
        await api.wait_for_submits(2)
    sent = api.submits[1]
    assert (sent["prompt"], sent["image_urls"]) == ("make this boat sail\r\nat dusk", [boat])
    assert sent["generation_type"] == "frame"
    assert boat not in status["content"]


async def test_a_remix_link_that_is_no_picture_is_refused_privately_before_spending(
    tmp_path, fakes
):
    fake, api = fakes
    async with (
        Site(PUBLIC_HOST) as web,
        running_bot(tmp_path, fake=fake, api=api, link_allowed_networks=LINKS) as world,
    ):
        page = web.serve("/article", b"<html>", "text/html")
        result = await delivered_result(world)
        answer = await remix(fake, result, f"a boat like {page}")
        assert answer["flags"] & EPHEMERAL
        assert "(not an image or a video)" in answer["content"], answer["content"]
        assert "made nothing and nothing was counted" in answer["content"]
        assert len(api.submits) == 1
        assert len(await world.db.fetch_all("SELECT id FROM jobs")) == 1


async def test_a_form_link_to_another_port_is_refused_before_anything_is_read_from_it(
    tmp_path, fakes
):
    """The form's links go through the same guarded fetcher as /video's: no relay to a third
    party's Redis."""
    fake, api = fakes
    async with (
        Site(PUBLIC_HOST) as web,
        running_bot(tmp_path, fake=fake, api=api, link_allowed_networks=LINKS) as world,
    ):
        result = await delivered_result(world)
        answer = await edit_prompt(fake, result, "a boat http://93.184.215.14:6379/boat.png")
        assert "(a port other than the web's 80 and 443" in answer["content"], answer["content"]
        assert web.hits == [] and len(api.submits) == 1


async def test_image_links_in_a_form_beside_the_videos_own_picture_are_counted_with_it(
    tmp_path, fakes
):
    """The form cannot take the result's picture out: a link adds to it, and a count no video
    can use is said before anything is spent, with what the member can change in the form."""
    fake, api = fakes
    async with (
        Site(PUBLIC_HOST) as web,
        running_bot(tmp_path, fake=fake, api=api, link_allowed_networks=LINKS) as world,
    ):
        boat, sail = web.serve("/boat.png"), web.serve("/sail.png")
        result = await delivered_result(world, image=world.png())
        answer = await edit_prompt(fake, result, f"a boat {boat}")
        assert "I found 2 images" in answer["content"], answer["content"]
        assert "image links in your prompt" in answer["content"]
        assert len(api.submits) == 1
        answer = await edit_prompt(fake, result, f"boats {boat} {sail}")
        assert "queued as job #2" in answer["content"], answer["content"]
        await api.wait_for_submits(2)
    sent = api.submits[1]
    assert len(sent["image_urls"]) == 3 and sent["image_urls"][1:] == [boat, sail]
    assert sent["generation_type"] == "reference"


@pytest.mark.parametrize("written", ["{}", "||{}||"], ids=["bare", "behind-a-spoiler"])
async def test_a_link_in_a_form_that_the_result_was_made_from_is_used_once(
    tmp_path, fakes, written
):
    """The member pastes the link the video was made from into Edit prompt: the same picture,
    not a second one ("I found 2 images"), nor a link checked again against their allowance.
    Also when the video was made from it written behind a spoiler (`||link||`, which the bot
    keeps marked so) and it is pasted bare."""
    fake, api = fakes
    async with (
        Site(PUBLIC_HOST) as web,
        running_bot(tmp_path, fake=fake, api=api, link_allowed_networks=LINKS) as world,
    ):
        boat = web.serve("/boat.png")
        result = await delivered_result(world, prompt=f"a paper boat {written.format(boat)}")
        fetched = list(web.hits)
        world.bot.link_allowance = LinkAllowance(links=1)
        answer = await edit_prompt(fake, result, f"a calmer boat {boat}")
        assert "queued as job #2" in answer["content"], answer["content"]
        await api.wait_for_submits(2)
        assert world.bot.link_allowance.take(fake.user_id, 1, world.bot.clock()) is None
    sent = api.submits[1]
    assert (sent["prompt"], sent["image_urls"]) == ("a calmer boat", [boat])
    assert web.hits == fetched, "the link typed again was read again"


async def test_two_image_links_in_a_form_on_a_result_made_without_images_are_not_blamed_on_it(
    tmp_path, fakes
):
    """The result had no images: "the video's own and the image links in your prompt" would be
    untrue; the count is the links', and they are what to change."""
    fake, api = fakes
    async with (
        Site(PUBLIC_HOST) as web,
        running_bot(tmp_path, fake=fake, api=api, link_allowed_networks=LINKS) as world,
    ):
        boat, sail = web.serve("/boat.png"), web.serve("/sail.png")
        result = await delivered_result(world)
        answer = await edit_prompt(fake, result, f"boats {boat} {sail}")
        assert "I found 2 images" in answer["content"], answer["content"]
        assert "the video's own" not in answer["content"], answer["content"]
        assert "keeps the video's images" not in answer["content"], answer["content"]
        assert "image links in your prompt" in answer["content"], answer["content"]
        assert len(api.submits) == 1


async def test_a_video_link_in_remix_with_a_length_chosen_is_asked_about_not_overruled(
    tmp_path, fakes
):
    """A reference video sets the length: a Duration changed in the form beside a video link
    is explained, as in the "Make a video" form; left as it opened, the video's length wins."""
    fake, api = fakes
    async with (
        Site(PUBLIC_HOST) as web,
        running_bot(tmp_path, fake=fake, api=api, link_allowed_networks=LINKS) as world,
    ):
        clip = web.serve("/dance.mp4", MP4, "video/mp4")
        result = await delivered_result(world)

        async def remixed(duration):
            answer = await remix(fake, result, f"dance like this {clip}", duration=duration)
            return answer["content"]

        refused = await remixed("10")
        assert "can't be 10 s" in refused, refused
        assert len(api.submits) == 1
        queued = await remixed("6")
        assert "queued as job #2" in queued, queued
        await api.wait_for_submits(2)
    sent = api.submits[1]
    assert (sent["video_urls"], sent.get("duration")) == ([clip], None)


async def test_two_video_links_in_a_form_on_a_result_made_without_a_video_are_not_blamed_on_it(
    tmp_path, fakes
):
    """The result had no reference video: "the video you started from was made from one
    already" would be untrue; the count is said as /video says it."""
    fake, api = fakes
    async with (
        Site(PUBLIC_HOST) as web,
        running_bot(tmp_path, fake=fake, api=api, link_allowed_networks=LINKS) as world,
    ):
        one = web.serve("/one.mp4", MP4, "video/mp4")
        two = web.serve("/two.mp4", MP4, "video/mp4")
        result = await delivered_result(world)
        answer = await edit_prompt(fake, result, f"dance like these {one} {two}")
        assert "I found 2 videos" in answer["content"], answer["content"]
        assert "made from one already" not in answer["content"], answer["content"]
        assert len(api.submits) == 1


async def test_a_length_flag_beside_a_link_on_a_reference_video_result_fetches_nothing(
    tmp_path, fakes
):
    """`--dur` on a result made from a reference video is refused whatever the links typed
    beside it add: said before any is read, none counted against the member's allowance."""
    fake, api = fakes
    async with (
        Site(PUBLIC_HOST) as web,
        running_bot(tmp_path, fake=fake, api=api, link_allowed_networks=LINKS) as world,
    ):
        world.bot.link_allowance = LinkAllowance(links=1)
        boat = web.serve("/boat.png")
        result = await delivered_result(world, video=world.mp4())
        answer = await edit_prompt(fake, result, f"a boat like {boat} --dur 8")
        assert "take the duration flag" in answer["content"], answer["content"]
        assert web.hits == []
        assert world.bot.link_allowance.take(fake.user_id, 1, world.bot.clock()) is None
        assert len(api.submits) == 1


async def test_a_remix_setting_no_choice_offers_beside_a_link_fetches_nothing(tmp_path, fakes):
    """A Remix form sent with an aspect ratio no choice offers is refused whatever its links
    add: said before any is read, none counted against the member's allowance."""
    fake, api = fakes
    async with (
        Site(PUBLIC_HOST) as web,
        running_bot(tmp_path, fake=fake, api=api, link_allowed_networks=LINKS) as world,
    ):
        world.bot.link_allowance = LinkAllowance(links=1)
        boat = web.serve("/boat.png")
        result = await delivered_result(world)
        answer = await remix(fake, result, f"a boat like {boat}", aspect_ratio="5:4")
        assert "`5:4` is not a valid aspect ratio" in answer["content"], answer["content"]
        assert web.hits == []
        assert world.bot.link_allowance.take(fake.user_id, 1, world.bot.clock()) is None
        assert len(api.submits) == 1


async def test_a_link_in_edit_prompt_on_another_members_result_still_asks_the_cost_first(
    tmp_path, fakes
):
    fake, api = fakes
    bob = fake.add_member("bob")
    async with (
        Site(PUBLIC_HOST) as web,
        running_bot(tmp_path, fake=fake, api=api, link_allowed_networks=LINKS) as world,
    ):
        boat = web.serve("/boat.png")
        result = await delivered_result(world, duration=10)
        click = await fake.component_interaction(
            "video:edit:1", message_id=int(result["id"]), user=bob
        )
        await click.wait_for_callback()
        submitted = await fake.modal_submit({"prompt": f"this boat {boat}"}, interaction=click)
        question = await submitted.wait_for_answer(timeout=10)
        assert "Nothing is made or counted until you confirm" in question["content"]
        assert len(api.submits) == 1


@pytest.mark.parametrize(
    ("reason", "buttons"),
    [
        ("content moderation refused the prompt", ["edit", "remix", "delete"]),
        ("upstream timeout", ["regen", "edit", "remix", "delete"]),
    ],
)
async def test_a_refused_prompt_offers_no_regenerate_but_a_passing_failure_does(
    tmp_path, fakes, reason, buttons
):
    """Regenerating a prompt the service's content check refused would only be refused again."""
    fake, api = fakes
    api.default_plan = TaskPlan(polls_until_done=1, final_status="failed", error_message=reason)
    async with running_bot(tmp_path, fake=fake, api=api) as world:
        result = await delivered_result(world)
    assert custom_ids(result) == [f"video:{button}:1" for button in buttons]


async def test_delete_refuses_other_members_politely(tmp_path, fakes):
    fake, api = fakes
    async with running_bot(tmp_path, fake=fake, api=api) as world:
        result = await delivered_result(world)
        stranger = fake.add_member("mallory")
        click = await fake.component_interaction(
            "video:delete:1", message_id=int(result["id"]), user=stranger
        )
        assert "Only the member who asked" in await click.wait_for_private_answer()
        assert fake.get_message(int(result["id"])) is not None


async def test_delete_works_for_the_requester(tmp_path, fakes):
    fake, api = fakes
    async with running_bot(tmp_path, fake=fake, api=api) as world:
        result = await delivered_result(world)
        question, buttons = await delete_asked(fake, result)
        assert (
            "Delete the video of job #1 for everyone here? This can't be undone."
            in (question["content"])
        )
        assert list(buttons) == ["Delete it", "Keep it"]
        assert fake.get_message(int(result["id"])) is not None, "nothing deleted on one click"
        await assert_told_deleted(await answered(fake, question, buttons["Delete it"]))
        await fake.wait_for(lambda: fake.get_message(int(result["id"])) is None)


async def test_keep_it_leaves_the_video_where_it_is(tmp_path, fakes):
    """A misclick on Delete, beside Regenerate, takes nothing away."""
    fake, api = fakes
    async with running_bot(tmp_path, fake=fake, api=api) as world:
        result = await delivered_result(world)
        question, buttons = await delete_asked(fake, result)
        kept = await answered(fake, question, buttons["Keep it"])
        assert kept["content"] == "Kept: the video is still there."
        assert fake.get_message(int(result["id"])) is not None


async def test_keep_it_on_a_video_deleted_meanwhile_says_it_was_deleted(tmp_path, fakes):
    """Two Delete questions on one result (a double click, or the member and a moderator): the
    first is answered "Delete it". "Keep it" on the second must not say it is still there."""
    fake, api = fakes
    async with running_bot(tmp_path, fake=fake, api=api) as world:
        result = await delivered_result(world)
        first, first_buttons = await delete_asked(fake, result)
        second, second_buttons = await delete_asked(fake, result)
        await answered(fake, first, first_buttons["Delete it"])
        await fake.wait_for(lambda: fake.get_message(int(result["id"])) is None)
        kept = await answered(fake, second, second_buttons["Keep it"])
        assert kept["content"] == "The video was already deleted."


async def test_a_delete_discord_refuses_is_not_reported_as_done(tmp_path, fakes):
    fake, api = fakes
    async with running_bot(tmp_path, fake=fake, api=api) as world:
        result = await delivered_result(world)
        fake.fail_next(
            "DELETE",
            rf"/messages/{result['id']}$",
            status=403,
            code=50013,
            message="Missing Access",
        )
        answer = (await delete_confirmed(fake, result))["content"]
        assert "did not let me delete the video" in answer
        assert "was deleted" not in answer
        assert fake.get_message(int(result["id"])) is not None


async def bot_kicked_keeping_its_commands(world):
    """The server kicks the bot's member and keeps the install of its commands: the buttons
    under its results still reach the bot, as the server's."""
    fake = world.discord
    await fake.remove_bot()
    fake.commands_only_guilds.add(fake.guild_id)
    await fake.wait_for(
        lambda: world.bot.get_guild(fake.guild_id) is None, description="the bot kicked"
    )


@pytest.mark.parametrize(
    ("locale", "says"),
    [
        ("en-US", "no longer in this server"),
        ("zh-CN", "已经不在这个服务器"),
        ("zh-TW", "已經不在這個伺服器"),
    ],
)
@pytest.mark.parametrize("kicked", ["before the click", "after the question"])
async def test_delete_where_the_bot_was_kicked_says_why_it_cannot_and_who_can(
    tmp_path, fakes, kicked, locale, says
):
    """The server kicked the bot and kept its commands: the owner of a video presses Delete.
    The bot's token reaches the server no more, so its post cannot be deleted by it, now or
    later: the owner is told so (the bot is not in the server; a moderator can delete it),
    not that Discord refused "just now" (a retry that never works), nor asked to confirm a
    delete that cannot be done. The post stays."""
    fake, api = fakes
    async with running_bot(tmp_path, fake=fake, api=api) as world:
        result = await delivered_result(world)
        if kicked == "before the click":
            await bot_kicked_keeping_its_commands(world)
            click = await fake.component_interaction(
                "video:delete:1", message_id=int(result["id"]), locale=locale
            )
            answer = await click.wait_for_answer(timeout=10)
            assert answer["flags"] & EPHEMERAL
            buttons = [c for c in walk(answer.get("components") or []) if c["type"] == 2]
            assert buttons == [], "no question about a delete that cannot be done"
        else:
            question, buttons = await delete_asked(fake, result, locale=locale)
            await bot_kicked_keeping_its_commands(world)
            [delete_it] = [b for b in buttons.values() if b.startswith("video:delete-yes")]
            answer = await answered(fake, question, delete_it, locale=locale)
        text = answer["content"]
        assert says in text, text
        assert ("moderator" if locale == "en-US" else "管理") in text, text
        assert "just now" not in text and "暂时" not in text and "暫時" not in text, text
        assert fake.get_message(int(result["id"])) is not None


async def test_delete_works_for_a_moderator(tmp_path, fakes):
    fake, api = fakes
    moderators = fake.add_role("Moderators", MANAGE_MESSAGES)
    moderator = fake.add_member("mod", roles=[moderators])
    async with running_bot(tmp_path, fake=fake, api=api) as world:
        result = await delivered_result(world)
        await assert_told_deleted(await delete_confirmed(fake, result, user=moderator))
        await fake.wait_for(lambda: fake.get_message(int(result["id"])) is None)


MANAGE_GUILD = 1 << 5
ADMINISTRATOR = 1 << 3


@pytest.mark.parametrize("way", ["the bot's moderator role", "Manage Server"])
async def test_delete_works_for_the_servers_video_moderators(tmp_path, fakes, way):
    """Those who moderate the bot's videos (its moderator role, or Manage Server, as for
    /videomod) may take away a video they judge abusive, Manage Messages or not: they could
    block its member, but the video stayed in the channel."""
    fake, api = fakes
    if way == "Manage Server":
        role = fake.add_role("Admins", MANAGE_GUILD)
        settings = {}
    else:
        role = fake.add_role("Video mods", 0)
        settings = {"moderator_role_id": role}
    moderator = fake.add_member("mod", roles=[role])
    async with running_bot(tmp_path, fake=fake, api=api, **settings) as world:
        result = await delivered_result(world)
        await assert_told_deleted(await delete_confirmed(fake, result, user=moderator))
        await fake.wait_for(lambda: fake.get_message(int(result["id"])) is None)


async def test_a_moderator_deleting_a_members_video_is_audited_and_posted_to_the_mod_log(
    tmp_path, fakes
):
    """The bot deletes its own post, which Discord's audit log never shows: without a line of
    the bot's own, no moderator could tell who took a member's video away. Once, naming who
    and whose, pinging no one; the member deleting their own video is no moderator's act."""
    fake, api = fakes
    admins = fake.add_role("Admins", MANAGE_GUILD)
    moderator = fake.add_member("mod", roles=[admins])
    modlog = fake.add_text_channel("mod-log")
    async with running_bot(tmp_path, fake=fake, api=api) as world:
        await command(
            world, "videomod modlog", user=fake.owner_id, channel=channel_option(world, modlog)
        )
        mine = await delivered_result(world)
        await delete_confirmed(fake, mine)
        theirs = await delivered_result(world)
        await assert_told_deleted(await delete_confirmed(fake, theirs, user=moderator, job_id=2))
        line = f"<@{moderator}> deleted <@{fake.user_id}>'s video (job #2)."
        posted = await fake.wait_for_message(
            channel_id=modlog, predicate=lambda m: "(job #2)" in m["content"]
        )
        assert posted["content"] == line
        assert posted["allowed_mentions"]["parse"] == [], "pings no one"
        await world.bot.moderation.feed.drain()
        deleted = [m for m in fake.messages(modlog) if "deleted" in m["content"]]
        assert len(deleted) == 1, "the member's own delete is not a moderator's act"
        audit = await world.bot.moderation.store.recent_audit(fake.guild_id, 10)
        assert [row.change.render("en-US") for row in audit if row.moderator_id == moderator] == [
            line
        ]


@pytest.mark.parametrize("first", ["the moderator", "the member"])
async def test_delete_it_on_a_video_deleted_meanwhile_says_so_and_logs_no_second_delete(
    tmp_path, fakes, first
):
    """Two Delete questions open on one video (a moderator's double click, or the member and a
    moderator at once), both answered "Delete it": the second finds the post gone. It must say
    the video was already deleted, not that it deleted it, and write no mod-log or audit line:
    a second line about one delete, or one naming the moderator for the member's own delete,
    is a false trail of who took the video away."""
    fake, api = fakes
    admins = fake.add_role("Admins", MANAGE_GUILD)
    moderator = fake.add_member("mod", roles=[admins])
    modlog = fake.add_text_channel("mod-log")
    async with running_bot(tmp_path, fake=fake, api=api) as world:
        await command(
            world, "videomod modlog", user=fake.owner_id, channel=channel_option(world, modlog)
        )
        result = await delivered_result(world)
        await delivery_recorded(world, 1)
        deleter = moderator if first == "the moderator" else None
        earlier, earlier_buttons = await delete_asked(fake, result, user=deleter)
        later, later_buttons = await delete_asked(fake, result, user=moderator)
        await assert_told_deleted(
            await answered(fake, earlier, earlier_buttons["Delete it"], user=deleter)
        )
        await fake.wait_for(lambda: fake.get_message(int(result["id"])) is None)
        again = await answered(fake, later, later_buttons["Delete it"], user=moderator)
        assert again["content"] == "The video was already deleted.", again["content"]
        assert not again.get("components")
        await world.bot.moderation.feed.drain()
        lines = [m["content"] for m in fake.messages(modlog) if "deleted" in m["content"]]
        audit = await world.bot.moderation.store.recent_audit(fake.guild_id, 10)
        deletes = [row for row in audit if "deleted" in row.change.render("en-US")]
        if first == "the moderator":
            assert lines == [f"<@{moderator}> deleted <@{fake.user_id}>'s video (job #1)."]
            assert len(deletes) == 1
        else:
            assert lines == [], "the member deleted their own video: no moderator's act"
            assert deletes == []


async def test_a_result_whose_job_was_pruned_can_still_be_deleted_by_its_member(tmp_path, fakes):
    """JOB_RETENTION_DAYS deletes the job, not its post, whose Delete is the member's only way
    to take their video away: it still works for them, and still refuses other members."""
    fake, api = fakes
    async with running_bot(tmp_path, fake=fake, api=api) as world:
        result = await delivered_result(world)
        await delivery_recorded(world, 1)
        await world.db.write("DELETE FROM jobs WHERE id = 1")  # the job past its retention
        stranger = fake.add_member("mallory")
        click = await fake.component_interaction(
            "video:delete:1", message_id=int(result["id"]), user=stranger
        )
        assert "Only the member who asked" in await click.wait_for_private_answer()
        question, buttons = await delete_asked(fake, result)
        assert "Delete this post about job #1 for everyone here?" in question["content"]
        deleted = await answered(fake, question, buttons["Delete it"])
        assert deleted["content"] == "The post was deleted."
        assert fake.get_message(int(result["id"])) is None


def form_fields(modal):
    """A form's fields by custom id: a text input's default, a select's chosen option."""
    fields = {}
    for component in walk(modal["components"]):
        inner = component.get("component", component)
        if inner.get("type") == 4:
            fields[inner["custom_id"]] = inner.get("value")
        elif inner.get("type") == 3:
            [chosen] = [o["value"] for o in inner["options"] if o.get("default")]
            fields[inner["custom_id"]] = chosen
    return fields


async def test_edit_prompt_submitted_after_a_restart_still_makes_the_video(tmp_path, fakes):
    fake, api = fakes
    async with running_bot(tmp_path, fake=fake, api=api) as world:
        result = await delivered_result(world, duration=8)
        click = await fake.component_interaction("video:edit:1", message_id=int(result["id"]))
        await click.wait_for_callback()
    async with running_bot(tmp_path, fake=fake, api=api):  # a new process, same database
        submitted = await fake.modal_submit({"prompt": "a paper boat at dawn"}, interaction=click)
        answer = await submitted.wait_for_answer(timeout=10)
        assert "queued as job #2" in answer["content"]
        assert api.submits[1]["prompt"] == "a paper boat at dawn"
        assert api.submits[1]["duration"] == 8


async def test_remix_opens_a_form_with_every_setting_and_queues_the_changed_ones(tmp_path, fakes):
    fake, api = fakes
    async with running_bot(tmp_path, fake=fake, api=api) as world:
        result = await delivered_result(world, duration=8, resolution="1080p", aspect_ratio="9:16")
        click = await fake.component_interaction("video:remix:1", message_id=int(result["id"]))
        callback = await click.wait_for_callback()
        assert callback["type"] == 9, "a form"
        assert form_fields(callback["data"]) == {
            "prompt": "a paper boat on a river",
            "duration": "8",
            "resolution": "1080p",
            "aspect_ratio": "9:16",
        }
    # Submitted after a restart: the form's custom id carries the job.
    async with running_bot(tmp_path, fake=fake, api=api):
        changed = {
            "prompt": "a paper boat on a lake",
            "duration": ["4"],
            "resolution": ["720p"],
            "aspect_ratio": ["16:9"],
        }
        submitted = await fake.modal_submit(changed, interaction=click)
        answer = await submitted.wait_for_answer(timeout=10)
        assert "queued as job #2" in answer["content"]
        assert answer["flags"] & EPHEMERAL
    assert api.submits[1] == {
        "model": "Omni-Flash-Ext",
        "prompt": "a paper boat on a lake",
        "duration": 4,
        "resolution": "720p",
        "aspect_ratio": "16:9",
    }


async def test_a_remix_with_a_setting_the_api_refuses_is_explained_before_spending(tmp_path, fakes):
    fake, api = fakes
    async with running_bot(tmp_path, fake=fake, api=api) as world:
        result = await delivered_result(world)
        click = await fake.component_interaction(
            "video:remix:1", message_id=int(result["id"]), locale="zh-CN"
        )
        callback = await click.wait_for_callback()
        assert callback["data"]["title"].startswith("再创作")
        forged = {
            "prompt": "x",
            "duration": ["7"],
            "resolution": ["720p"],
            "aspect_ratio": ["16:9"],
        }
        submitted = await fake.modal_submit(forged, interaction=click, locale="zh-CN")
        answer = await submitted.wait_for_answer(timeout=10)
        assert answer["flags"] & EPHEMERAL
        assert "7" in answer["content"] and "秒" in answer["content"]
        assert len(api.submits) == 1, "nothing new was sent"


@pytest.mark.parametrize("button", ["edit", "remix"])
async def test_a_blocked_member_is_told_before_the_result_form_opens(tmp_path, fakes, button):
    """As "Make a video" does: a member the rules refuse whatever they ask is told so at the
    click, not given a form to type a new prompt into only to be refused when sending it."""
    fake, api = fakes
    async with running_bot(tmp_path, fake=fake, api=api) as world:
        result = await delivered_result(world)
        await world.bot.moderation.store.set_member_limit(
            Actor(fake.guild_id, fake.owner_id), fake.user_id, 0, "flooding", None
        )
        click = await fake.component_interaction(f"video:{button}:1", message_id=int(result["id"]))
        assert (await click.wait_for_callback())["type"] != MODAL, "no prompt typed for nothing"
        answer = await click.wait_for_private_answer()
        assert "blocked you from making videos in this server (reason: flooding)" in answer
        assert len(api.submits) == 1


@pytest.mark.parametrize("button", ["edit", "remix"])
async def test_a_refused_form_gives_the_typed_prompt_back_to_mend(tmp_path, fakes, button):
    """A long edited prompt refused for one banned word is not lost: the member gets it back,
    privately, to change and paste into the form again (which opens on the old prompt)."""
    fake, api = fakes
    typed = "a paper boat in a storm, lightning, gore on the deck, " + "waves " * 40
    async with running_bot(tmp_path, fake=fake, api=api) as world:
        result = await delivered_result(world)
        await world.bot.moderation.store.add_banned(Actor(fake.guild_id, fake.owner_id), "gore")
        click = await fake.component_interaction(f"video:{button}:1", message_id=int(result["id"]))
        await click.wait_for_callback()
        submitted = await fake.modal_submit({"prompt": typed}, interaction=click)
        refusal = await submitted.wait_for_answer(timeout=10)
        assert "words this server doesn't allow" in refusal["content"]
        given_back = await submitted.wait_for_answer(2, timeout=10)
        assert given_back["flags"] & EPHEMERAL, "only to the member"
        lead = "Here is the prompt you typed, to change and paste into the form again:"
        assert given_back["content"] == f"{lead}\n```\n{typed}\n```"
        assert given_back["allowed_mentions"]["parse"] == []
        assert len(api.submits) == 1


@pytest.mark.parametrize("button", ["edit", "remix"])
async def test_a_form_sent_while_the_bot_restarts_gives_the_typed_prompt_back(
    tmp_path, fakes, button
):
    """ "I'm restarting right now" refuses the form like a rule does: the prompt typed into it
    follows, to paste into the form once the bot is back (it opens on the old prompt)."""
    fake, api = fakes
    typed = "a paper boat in a storm, lightning over the harbour, " + "waves " * 40
    async with running_bot(tmp_path, fake=fake, api=api) as world:
        await delivered_result(world)
        # What a stop sets first (`VideoBot.close`), without stopping the bot under the test.
        world.bot.closing = True
        try:
            submitted = await fake.modal_submit(
                {"prompt": typed}, custom_id=f"video:{button}form:1"
            )
            refusal = await submitted.wait_for_answer(timeout=10)
            assert "I'm restarting right now" in refusal["content"]
            given_back = await submitted.wait_for_answer(2, timeout=10)
        finally:
            world.bot.closing = False
        assert given_back["flags"] & EPHEMERAL, "only to the member"
        lead = "Here is the prompt you typed, to change and paste into the form again:"
        assert given_back["content"] == f"{lead}\n```\n{typed}\n```"
        assert given_back["allowed_mentions"]["parse"] == []
        assert len(api.submits) == 1


@pytest.mark.parametrize("button", ["edit", "remix"])
async def test_a_form_that_fails_unexpectedly_gives_the_typed_prompt_back(
    tmp_path, fakes, button, caplog
):
    """A bug before the new job is saved: the apology ("please try again") and the operator's
    one error record, then the prompt typed into the form, to paste into it again."""

    def boom(*args, **kwargs):
        raise RuntimeError("injected failure")

    fake, api = fakes
    typed = "a paper boat in a storm, lightning over the harbour, " + "waves " * 40
    async with running_bot(tmp_path, fake=fake, api=api) as world:
        await delivered_result(world)
        world.bot.jobs.record = boom
        submitted = await fake.modal_submit({"prompt": typed}, custom_id=f"video:{button}form:1")
        apology = await submitted.wait_for_answer(timeout=10)
        assert "Something went wrong on my side" in apology["content"]
        given_back = await submitted.wait_for_answer(2, timeout=10)
        lead = "Here is the prompt you typed, to change and paste into the form again:"
        assert given_back["content"] == f"{lead}\n```\n{typed}\n```"
        assert given_back["flags"] & EPHEMERAL
        [error] = [r for r in caplog.records if r.levelname == "ERROR"]
        assert f"video:{button}form:1" in error.getMessage() and "job 1" in error.getMessage()
        assert len(api.submits) == 1


async def test_a_refused_form_gives_the_longest_prompt_back_as_a_file(tmp_path, fakes):
    """A 2,000-character prompt and its code block do not fit in one message: a file, whole."""
    fake, api = fakes
    typed = ("gore on the deck " + "waves " * 400)[:2000]
    async with running_bot(tmp_path, fake=fake, api=api) as world:
        await delivered_result(world)
        await world.bot.moderation.store.add_banned(Actor(fake.guild_id, fake.owner_id), "gore")
        submitted = await fake.modal_submit({"prompt": typed}, custom_id="video:editform:1")
        given_back = await submitted.wait_for_answer(2, timeout=10)
        assert given_back["flags"] & EPHEMERAL
        assert given_back["content"].startswith("Here is the prompt you typed")
        [file] = given_back["attachments"]
        assert fake.attachment_bytes(file).decode() == typed


async def test_a_refused_form_with_the_prompt_unchanged_gives_nothing_back(tmp_path, fakes):
    """Nothing to mend: the form opens on that prompt again."""
    fake, api = fakes
    async with running_bot(tmp_path, fake=fake, api=api) as world:
        await delivered_result(world)
        await world.bot.moderation.store.set_member_limit(
            Actor(fake.guild_id, fake.owner_id), fake.user_id, 0, "flooding", None
        )
        submitted = await fake.modal_submit(
            {"prompt": "a paper boat on a river"}, custom_id="video:editform:1"
        )
        assert "blocked you" in (await submitted.wait_for_answer(timeout=10))["content"]
        await world.handled_everything()  # a give-back would follow at once
        assert len(submitted.answers) == 1, submitted.answers


async def test_a_form_about_a_job_that_is_gone_says_so(tmp_path, fakes):
    fake, api = fakes
    async with running_bot(tmp_path, fake=fake, api=api):
        submitted = await fake.modal_submit({"prompt": "x"}, custom_id="video:editform:99")
        answer = await submitted.wait_for_answer(timeout=10)
        assert answer["flags"] & EPHEMERAL
        assert "can't find that video" in answer["content"]


async def result_whose_files_expired(world, clock):
    """A result made from an attached picture, a day and more later: Discord's signed links
    (about a day) to that picture have expired."""
    result = await delivered_result(world, image=world.png("cat.png"))
    clock.offset = 2 * 86400
    return result


@pytest.mark.parametrize("button", ["regen", "edit", "remix"])
async def test_a_result_whose_attached_files_expired_is_refused_at_the_click(
    tmp_path, fakes, button
):
    """/video attachments have no message to renew their links from: a day later they are
    gone, so a new job from them is refused at the click, not saved and then failed; Edit
    prompt and Remix say so before a form is filled in for nothing."""
    fake, api = fakes
    clock = ShiftedClock()
    async with running_bot(tmp_path, fake=fake, api=api, clock=clock) as world:
        result = await result_whose_files_expired(world, clock)
        click = await fake.component_interaction(f"video:{button}:1", message_id=int(result["id"]))
        told = await click.wait_for_private_answer(timeout=10)
        assert "files you attached are no longer available" in told
        assert click.callback["type"] != MODAL, "no form to fill in for nothing"
        assert len(api.submits) == 1
        assert len(await world.db.fetch_all("SELECT id FROM jobs")) == 1, "nothing saved"


@pytest.mark.parametrize("button", ["regen", "edit", "remix"])
async def test_another_member_is_not_told_the_expired_files_were_theirs(tmp_path, fakes, button):
    """Someone else's result whose pictures are gone: the clicker attached nothing and has no
    files to ask again with, so they read that this video's files are gone, in their language."""
    fake, api = fakes
    clock = ShiftedClock()
    async with running_bot(tmp_path, fake=fake, api=api, clock=clock) as world:
        result = await result_whose_files_expired(world, clock)
        bob = fake.add_member("bob")
        click = await fake.component_interaction(
            f"video:{button}:1", message_id=int(result["id"]), user=bob
        )
        told = await click.wait_for_private_answer(timeout=10)
        assert "you attached" not in told and "ask again with them" not in told, told
        assert "files this video was made from are no longer available" in told, told
        assert "</video:" in told, "pointed to making their own"
        click = await fake.component_interaction(
            f"video:{button}:1", message_id=int(result["id"]), user=bob, locale="zh-CN"
        )
        assert "这个视频所用的文件已无法获取" in await click.wait_for_private_answer(timeout=10)
        assert len(await world.db.fetch_all("SELECT id FROM jobs")) == 1, "nothing saved"


async def test_a_blocked_member_regenerating_a_result_whose_files_expired_is_told_the_block(
    tmp_path, fakes
):
    """The rules come first, as at the other buttons: a blocked member is told of the block,
    not pointed to /video as if the files were all that stood in the way."""
    fake, api = fakes
    clock = ShiftedClock()
    async with running_bot(tmp_path, fake=fake, api=api, clock=clock) as world:
        result = await result_whose_files_expired(world, clock)
        bob = fake.add_member("bob")
        await world.bot.moderation.store.set_member_limit(
            Actor(fake.guild_id, fake.owner_id), bob, 0, "flooding", None
        )
        click = await fake.component_interaction(
            "video:regen:1", message_id=int(result["id"]), user=bob
        )
        told = await click.wait_for_private_answer(timeout=10)
        assert "blocked you from making videos in this server (reason: flooding)" in told, told
        assert len(await world.db.fetch_all("SELECT id FROM jobs")) == 1, "nothing saved"


async def test_a_form_opened_before_the_files_expired_still_says_so_when_sent(tmp_path, fakes):
    """The form was opened while the pictures lasted and sent after: refused before saving."""
    fake, api = fakes
    clock = ShiftedClock()
    async with running_bot(tmp_path, fake=fake, api=api, clock=clock) as world:
        result = await delivered_result(world, image=world.png("cat.png"))
        click = await fake.component_interaction("video:edit:1", message_id=int(result["id"]))
        assert (await click.wait_for_callback())["type"] == MODAL
        clock.offset = 2 * 86400  # the member came back to the form a day later
        submit = await fake.modal_submit({"prompt": "a cat in a storm"}, interaction=click)
        told = await submit.wait_for_private_answer(timeout=10)
        assert "files you attached are no longer available" in told
        assert len(await world.db.fetch_all("SELECT id FROM jobs")) == 1, "nothing saved"


@pytest.mark.parametrize("button", ["edit", "remix"])
async def test_a_form_refused_because_the_files_expired_gives_the_prompt_back_for_video(
    tmp_path, fakes, button
):
    """The form was opened while the pictures lasted and sent after: the prompt typed into it
    is not lost with the refusal, and is offered for a new /video (the form itself no longer
    opens on this result)."""
    fake, api = fakes
    clock = ShiftedClock()
    typed = "a cat in a storm, lightning over the harbour, " + "waves " * 40
    async with running_bot(tmp_path, fake=fake, api=api, clock=clock) as world:
        await result_whose_files_expired(world, clock)
        submit = await fake.modal_submit({"prompt": typed}, custom_id=f"video:{button}form:1")
        told = await submit.wait_for_answer(timeout=10)
        assert "files you attached are no longer available" in told["content"]
        given_back = await submit.wait_for_answer(2, timeout=10)
        assert given_back["flags"] & EPHEMERAL, "only to the member"
        assert re.match(
            r"Here is the prompt you typed, to change and send with </video:\d+> "
            r"again:\n```\n",
            given_back["content"],
        ), given_back["content"]
        assert given_back["content"].endswith(f"\n```\n{typed}\n```")
        assert given_back["allowed_mentions"]["parse"] == []
        assert len(await world.db.fetch_all("SELECT id FROM jobs")) == 1, "nothing saved"


async def test_flags_typed_in_edit_prompt_change_the_settings_as_in_slash_video(tmp_path, fakes):
    """`--dur 8` works in the form as it does in /video: out of the prompt, into the video."""
    fake, api = fakes
    async with running_bot(tmp_path, fake=fake, api=api) as world:
        result = await delivered_result(world)
        answer = await edit_prompt(fake, result, "a paper boat in a storm --dur 8 --res 1080p")
        assert "queued as job #2" in answer["content"]
    sent = api.submits[1]
    assert (sent["prompt"], sent["duration"], sent["resolution"]) == (
        "a paper boat in a storm",
        8,
        "1080p",
    )


@pytest.mark.parametrize("button", ["edit", "remix"])
async def test_mentions_typed_in_a_result_form_reach_the_service_as_names_and_ping_nobody(
    tmp_path, fakes, button
):
    """A mention pasted into Edit prompt or Remix is a name to the model, as in /video: before,
    `<@…>` went to APIMart as typed. The status that shows the prompt pings nobody."""
    fake, api = fakes
    surfers = fake.add_role("surfers")
    async with running_bot(tmp_path, fake=fake, api=api) as world:
        result = await delivered_result(world)
        click = await fake.component_interaction(f"video:{button}:1", message_id=int(result["id"]))
        await click.wait_for_callback()
        typed = f"<@{fake.owner_id}> and <@&{surfers}> surfing in <#{fake.channel_id}> @everyone"
        submitted = await fake.modal_submit({"prompt": typed}, interaction=click)
        answer = await submitted.wait_for_answer(timeout=10)
        assert "queued as job #2" in answer["content"]
        await api.wait_for_submits(2)
        said = api.submits[1]["prompt"]
        shown = [m for m in fake.messages() if "surfing" in (m.get("content") or "")]
    assert said == "@someone and @surfers surfing in #general @everyone", said
    assert shown, "the prompt is shown"
    for message in shown:
        assert message["mentions"] == [] and message["mention_roles"] == []
        assert message["mention_everyone"] is False


async def test_a_remix_flag_sets_a_setting_left_as_it_was_and_asks_about_a_changed_one(
    tmp_path, fakes
):
    """The form opens on the video's settings: one left there gives way to a flag; one the
    member changed and a flag contradicts is asked about, spending nothing (as in /video)."""
    fake, api = fakes
    async with running_bot(tmp_path, fake=fake, api=api) as world:
        result = await delivered_result(world, duration=8, resolution="720p", aspect_ratio="16:9")
        click = await fake.component_interaction("video:remix:1", message_id=int(result["id"]))
        await click.wait_for_callback()
        as_opened = {"duration": ["8"], "resolution": ["720p"], "aspect_ratio": ["16:9"]}
        contradicted = {**as_opened, "prompt": "a storm --dur 10", "duration": ["4"]}
        asked = await (await fake.modal_submit(contradicted, interaction=click)).wait_for_answer()
        assert "--dur" in asked["content"] and asked["flags"] & EPHEMERAL
        assert len(api.submits) == 1, "nothing was sent"
        flagged = {**as_opened, "prompt": "a storm --res 4k --ar 9:16"}
        queued = await (await fake.modal_submit(flagged, interaction=click)).wait_for_answer()
        assert "queued as job #2" in queued["content"]
    assert api.submits[1] == {
        "model": "Omni-Flash-Ext",
        "prompt": "a storm",
        "duration": 8,
        "resolution": "4k",
        "aspect_ratio": "9:16",
    }


async def crafted_form_is_refused(tmp_path, fakes, asked_where, sent_from):
    """Alice makes a video from a picture (`asked_where`: the /video call's place); Mallory
    sends a crafted Edit prompt form naming it (`sent_from`): she is told it is not found, and
    nothing is made from Alice's request."""
    fake, api = fakes
    mallory = fake.add_member("mallory")
    async with running_bot(tmp_path, fake=fake, api=api) as world:
        asked = await fake.slash_command(
            "video", {"prompt": "alice's secret", "image": world.png()}, **asked_where
        )
        await asked.wait_for_answer()
        await fake.wait_for(lambda: len(api.submits) == 1)
        crafted = await fake.modal_submit(
            {"prompt": "now mine"}, custom_id="video:editform:1", user=mallory, **sent_from
        )
        answer = await crafted.wait_for_answer(timeout=10)
        assert "I can't find that video any more" in answer["content"]
        assert len(api.submits) == 1, "nothing made from Alice's request"
    return mallory


async def test_a_form_about_another_members_video_made_outside_servers_is_refused(tmp_path, fakes):
    """A video made in a DM was only ever shown to its member: a crafted Edit prompt form
    naming it from someone else's DM must not reuse its pictures and settings."""
    await crafted_form_is_refused(tmp_path, fakes, {"dm": True}, {"dm": True})


async def test_a_form_about_a_video_of_a_channel_the_member_cannot_see_is_refused(tmp_path, fakes):
    """Alice makes a video from a picture in #staff, hidden from everyone else. A crafted Edit
    prompt form naming it, sent by Mallory from #general of the same server, must not make her
    a video from that picture: a form comes from the result's own channel, where its buttons
    are."""
    fake, _ = fakes
    staff = fake.add_text_channel("staff")
    fake.hide_channel(staff, but_from=[fake.user_id, fake.bot_user_id])
    mallory = await crafted_form_is_refused(tmp_path, fakes, {"channel_id": staff}, {})
    assert not fake.permissions_for(mallory, staff) & PERM_VIEW_CHANNEL


async def test_a_mode_flag_in_edit_prompt_changes_how_the_image_is_used(tmp_path, fakes):
    """`--mode reference` typed in the form is not dropped: the member pays for what they asked."""
    fake, api = fakes
    async with running_bot(tmp_path, fake=fake, api=api) as world:
        result = await delivered_result(world, image=world.png())
        assert api.submits[0]["generation_type"] == "frame"
        answer = await edit_prompt(fake, result, "a paper boat at dusk --mode reference")
        assert "queued as job #2" in answer["content"]
    sent = api.submits[1]
    assert (sent["prompt"], sent["generation_type"]) == ("a paper boat at dusk", "reference")


async def test_a_length_flag_on_a_reference_video_is_explained_not_dropped(tmp_path, fakes):
    fake, api = fakes
    async with running_bot(tmp_path, fake=fake, api=api) as world:
        result = await delivered_result(world, video=world.mp4())
        answer = await edit_prompt(fake, result, "a paper boat at dusk --dur 8")
        assert answer["flags"] & EPHEMERAL
        assert "queued" not in answer["content"]
        assert "reference video" in answer["content"].lower()
    assert len(api.submits) == 1, "nothing spent"


async def test_a_result_the_channel_refused_comes_by_dm_without_the_servers_buttons(
    tmp_path, fakes
):
    """Regenerate, Edit prompt and Remix act in the server; in a DM they could only fail."""
    fake, api = fakes
    api.default_plan = TaskPlan(polls_until_done=None)
    async with running_bot(tmp_path, fake=fake, api=api) as world:
        interaction = await world.video(prompt="a paper boat on a river")
        await interaction.wait_for_answer()
        await api.wait_until(lambda: api.task_ids, what="the submit")
        # The bot lost Send Messages in the channel after announcing the job.
        fake.take_from_bot(fake.channel_id, PERM_SEND_MESSAGES)
        api.last_task.complete()
        dm = await fake.wait_for_message(
            fake.dm_channel_id(fake.user_id), predicate=is_layout, timeout=10
        )
    assert dm["attachments"], "the video itself"
    assert custom_ids(dm) == [], "no server buttons in a DM"


@asynccontextmanager
async def given_up_on(tmp_path, fake, api, clock):
    """The bot with one render it gave up on (1 s after its submit, on `clock`: moved on at
    once, not waited out); yields it and the notice."""
    api.default_plan = TaskPlan(polls_until_done=None)
    async with running_bot(tmp_path, fake=fake, api=api, clock=clock, task_timeout=1.0) as world:
        interaction = await world.video(prompt="a slow glacier")
        await interaction.wait_for_answer()

        async def submitted():
            return (await world.bot.store.get(1)).submitted_at is not None

        assert await eventually(submitted, True), "the render was sent"
        clock.offset += 1.0
        world.bot.poller.wake()
        notice = await fake.wait_for_message(
            predicate=lambda m: "took longer than this bot waits" in str(m), timeout=10
        )
        yield world, notice


async def test_a_render_given_up_on_that_apimart_finishes_later_is_posted_after_all(
    tmp_path, fakes
):
    """Told it timed out and still counts, the member gets the video when APIMart finishes it:
    a new post under the status, with the buttons, and the status says where it went."""
    fake, api = fakes
    clock = ShiftedClock()
    async with given_up_on(tmp_path, fake, api, clock) as (world, given_up):
        assert "If it finishes by <t:" in str(given_up)
        api.last_task.complete()
        clock.offset += 301  # the next quiet look at the task
        world.bot.poller.wake()
        late = await fake.wait_for_message(
            predicate=lambda m: is_layout(m) and "your video is ready" in str(m), timeout=10
        )
        assert "video:regen:1" in custom_ids(late)
        assert late["id"] != given_up["id"]


async def test_a_render_given_up_on_and_no_longer_followed_no_longer_promises_its_video(
    tmp_path, fakes
):
    """A day after the submit the bot stops looking at a render it gave up on: nothing will
    post its video now, so its status message and /videos status stop saying it may still
    come, and still say it counts."""
    fake, api = fakes
    clock = ShiftedClock()
    async with given_up_on(tmp_path, fake, api, clock) as (world, _):
        status_id = (await world.bot.store.get(1)).status_message_id
        clock.offset += 86_200  # the last quiet look at the task, a day after its submit
        world.bot.poller.wake()

        async def next_look():
            return (await world.bot.store.get(1)).next_poll_at

        assert await eventually(next_look, None) is None, "no longer followed"
        await world.bot.status_sweep.sweep_once()
        status = fake.get_message(status_id)["content"]
        assert "no video will come. It still counts" in status, status
        assert "posted after all" not in status
        asked = await fake.slash_command("videos status", options={"job": 1})
        details = await asked.wait_for_private_answer()
        assert "stopped waiting for it: no video will come. It still counts" in details, details
        assert "posted after all" not in details


async def test_a_late_video_whose_first_post_fails_is_still_posted(tmp_path, fakes):
    """The retry after a failed post looks for an earlier post of the job: the notice that it
    was given up on carries the job's marker too, but is no result."""
    fake, api = fakes
    clock = ShiftedClock()
    async with given_up_on(tmp_path, fake, api, clock) as (world, _):
        fake.fail_next("POST", r"/channels/\d+/messages", status=503, times=1)
        api.last_task.complete()
        async with asyncio.timeout(15):
            while True:
                clock.offset += 30
                world.bot.poller.wake()
                await asyncio.sleep(0.1)
                late = [
                    m for m in fake.messages() if is_layout(m) and "your video is ready" in str(m)
                ]
                if late:
                    break
        assert "video:regen:1" in custom_ids(late[0])
        job = await world.bot.store.get(1)
        assert job.delivery_message_id == int(late[0]["id"])


async def test_a_refused_regenerate_clicked_again_is_answered_again(tmp_path, fakes):
    """A click the rules refused made nothing: the next one is no double click."""
    fake, api = fakes
    async with running_bot(tmp_path, fake=fake, api=api) as world:
        result = await delivered_result(world)
        await world.bot.moderation.store.update_policy(
            Actor(fake.guild_id, fake.owner_id),
            msg("change_resumed", moderator="x"),
            default_limit=1,
        )
        message_id = int(result["id"])
        for _ in range(2):
            click = await fake.component_interaction("video:regen:1", message_id=message_id)
            answer = (await click.wait_for_followup(timeout=10))["content"]
            assert "used all your videos" in answer, answer
        assert len(await world.db.fetch_all("SELECT id FROM jobs")) == 1


async def test_delete_on_a_failure_notice_does_not_speak_of_a_video(tmp_path, fakes):
    """A render that failed has a "Video not made" notice, with a Delete button: its question
    and answers are about that notice, not about a video that was never made."""
    fake, api = fakes
    api.default_plan = TaskPlan(
        polls_until_done=1, final_status="failed", error_message="upstream timeout"
    )
    async with running_bot(tmp_path, fake=fake, api=api) as world:
        result = await delivered_result(world)
        question, buttons = await delete_asked(fake, result)
        kept = await answered(fake, question, buttons["Keep it"])
    assert "video" not in question["content"].lower(), question["content"]
    assert "video" not in kept["content"].lower(), kept["content"]


async def test_delete_on_a_given_up_notice_after_the_late_video_does_not_speak_of_the_video(
    tmp_path, fakes
):
    """The "took longer than this bot waits" notice keeps its Delete button; once APIMart
    finishes the render after all, the video is a new post and the job is `completed`. Delete
    pressed on the old notice removes that notice, not the video: it must not ask "Delete the
    video of job #1?" nor answer "The video was deleted." while the video is still there."""
    fake, api = fakes
    clock = ShiftedClock()
    async with given_up_on(tmp_path, fake, api, clock) as (world, given_up):
        assert "video:delete:1" in custom_ids(given_up)
        api.last_task.complete()
        clock.offset += 301
        world.bot.poller.wake()
        late = await fake.wait_for_message(
            predicate=lambda m: is_layout(m) and "your video is ready" in str(m), timeout=10
        )
        question, buttons = await delete_asked(fake, given_up)
        answer = await answered(fake, question, buttons["Delete it"])
        assert fake.get_message(int(late["id"])) is not None, "the video itself is still there"
    assert "video" not in question["content"].lower(), question["content"]
    assert "video" not in answer["content"].lower(), answer["content"]


async def last_status_made(world, job_id):
    """The status's last edit follows its post a moment later, once the delivery is written
    down (and is itself written down once made)."""
    for _ in range(500):
        row = await world.db.fetch_one("SELECT status_final_at FROM jobs WHERE id = ?", (job_id,))
        if row is not None and row[0] is not None:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"job {job_id}'s last status edit was never made")


async def _delete_and_read_status(fake, world, notice):
    """Delete (then "Delete it") on `notice`; the job's status message once edited after it."""
    forgotten = asyncio.Event()
    cog = world.bot.get_cog("DeletedResultsCog")
    forget = cog._forget

    async def forget_and_tell(channel_id, message_ids):
        await forget(channel_id, message_ids)
        if int(notice["id"]) in message_ids:
            forgotten.set()

    cog._forget = forget_and_tell
    await last_status_made(world, 1)
    status_id = (await world.bot.store.get(1)).status_message_id
    before = fake.get_message(status_id)["content"]
    question, buttons = await delete_asked(fake, notice)
    await answered(fake, question, buttons["Delete it"])
    await fake.wait_for(lambda: fake.get_message(int(notice["id"])) is None)
    # Discord's MESSAGE_DELETE reaches the bot, which may edit the status: read it once the
    # bot is done with that delete (the edit, if any, made).
    await asyncio.wait_for(forgotten.wait(), 10)
    return before, fake.get_message(status_id)["content"]


async def test_deleting_a_failure_notice_does_not_say_the_video_was_posted_then_deleted(
    tmp_path, fakes
):
    """A render that failed (billed 0) gets a "Video not made" notice with a Delete button.
    Deleting it must leave the job a failure: neither the status message nor /videos status
    may say a video was done / posted and then deleted."""
    fake, api = fakes
    api.default_plan = TaskPlan(
        polls_until_done=1, final_status="failed", error_message="upstream timeout"
    )
    async with running_bot(tmp_path, fake=fake, api=api) as world:
        notice = await delivered_result(world)
        before, status = await _delete_and_read_status(fake, world, notice)
        asked = await fake.slash_command("videos status", {"job": 1})
        told = await asked.wait_for_private_answer(timeout=10)
    assert "could not be made" in before, before
    assert "posted, then deleted" not in told, told
    assert "was done" not in status, status


async def test_deleting_a_given_up_notice_does_not_say_a_video_was_done_and_deleted(
    tmp_path, fakes
):
    """A render the bot gave up on (still followed for a day, its video may yet come) has a
    notice with Delete. Deleting the notice must not make the status read "was done; its video
    has since been deleted": no video exists."""
    fake, api = fakes
    clock = ShiftedClock()
    async with given_up_on(tmp_path, fake, api, clock) as (world, given_up):
        before, status = await _delete_and_read_status(fake, world, given_up)
    assert "took longer" in before, before
    assert "was done" not in status, status


async def test_edit_prompt_on_another_members_4k_result_makes_a_video_at_the_default(
    tmp_path, fakes
):
    """Bob edits the prompt of Alice's 4K video: the form shows only the prompt, so, as a
    reply to her result would, his video is made at the default resolution (her 4K may be
    reserved for a role, or cost more than he meant), once he confirms its cost."""
    fake, api = fakes
    bob = fake.add_member("bob")
    async with running_bot(tmp_path, fake=fake, api=api) as world:
        result = await delivered_result(world, resolution="4k")
        click = await fake.component_interaction(
            "video:edit:1", message_id=int(result["id"]), user=bob
        )
        await click.wait_for_callback()
        submitted = await fake.modal_submit({"prompt": "a paper boat at night"}, interaction=click)
        question = await submitted.wait_for_answer(timeout=10)
        assert "about **3 credits**" in question["content"], question["content"]
        confirm = await fake.component_interaction(
            question_buttons(question)["Confirm"], message_id=int(question["id"]), user=bob
        )
        answer = await confirm.wait_for_answer(timeout=10)
        assert "job #2" in answer["content"], answer["content"]
        await api.wait_for_submits(2)
    assert api.submits[1]["resolution"] == "720p"


async def test_edit_prompt_on_another_members_10_second_result_asks_the_cost_first(tmp_path, fakes):
    """Bob edits the prompt of Alice's 10 s video: the form shows only the prompt, yet her
    length is kept, dearer than his default 6 s. As for Regenerate on her result, he is told
    privately what it is expected to cost and nothing is recorded or sent before he confirms;
    confirmed, it is made at her length (at the default resolution). Her own edit goes at
    once."""
    fake, api = fakes
    bob = fake.add_member("bob")
    async with running_bot(tmp_path, fake=fake, api=api) as world:
        result = await delivered_result(world, duration=10)
        message_id = int(result["id"])
        click = await fake.component_interaction("video:edit:1", message_id=message_id, user=bob)
        await click.wait_for_callback()
        submitted = await fake.modal_submit({"prompt": "a paper boat at night"}, interaction=click)
        question = await submitted.wait_for_answer(timeout=10)
        assert question["flags"] & EPHEMERAL
        assert "expected to cost about **5 credits**" in question["content"], question["content"]
        assert "Nothing is made or counted until you confirm" in question["content"]
        assert "with your prompt from another member's video" in question["content"]
        ids = question_buttons(question)
        assert set(ids) == {"Confirm", "Cancel"}
        await world.handled_everything()  # what the submit might still make
        assert len(await world.db.fetch_all("SELECT id FROM jobs")) == 1, "nothing recorded"
        assert len(api.submits) == 1

        confirm = await fake.component_interaction(
            ids["Confirm"], message_id=int(question["id"]), user=bob
        )
        note = (await confirm.wait_for_answer(timeout=10))["content"]
        assert "queued as job #2" in note and "about **5 credits**" in note, note
        await api.wait_for_submits(2)
        sent = api.submits[1]
        assert (sent["prompt"], sent["duration"]) == ("a paper boat at night", 10)

        own = await edit_prompt(fake, result, "a paper boat at dawn")
        assert "queued as job #3" in own["content"], "her own: no question"


async def test_a_result_whose_source_message_was_deleted_after_its_links_expired_is_refused(
    tmp_path, fakes
):
    """Made from a clip on a message (Make a video), since deleted: its links expired, nothing
    renews them, so Regenerate says so at the click, not saved, announced, then refused."""
    from tests.cogs.test_references import fill_form, make_video_on, post

    fake, api = fakes
    clock = ShiftedClock()
    async with running_bot(tmp_path, fake=fake, api=api, clock=clock) as world:
        target = await post(world, attachments=[world.mp4()])
        await fill_form(world, await make_video_on(world, target), "a robot dancing like this")
        result = await world.discord.wait_for_message(
            predicate=lambda m: is_layout(m) and bool(custom_ids(m)), timeout=10
        )
        fake.delete_message(int(target["id"]))
        clock.offset = 2 * 86400  # Discord's signed links last about a day
        click = await fake.component_interaction("video:regen:1", message_id=int(result["id"]))
        told = await click.wait_for_private_answer(timeout=10)
        assert "files you attached are no longer available" in told
        assert len(api.submits) == 1
        assert len(await world.db.fetch_all("SELECT id FROM jobs")) == 1, "nothing saved"


def question_buttons(answer):
    """Label -> custom id of a private answer's buttons (a cost question's Confirm, Cancel)."""
    return {
        c["label"]: c["custom_id"] for c in walk(answer.get("components") or []) if c["type"] == 2
    }


async def test_regenerate_clicked_again_while_its_cost_question_is_open_points_to_it(
    tmp_path, fakes
):
    """Regenerate costs more than the server allows unasked: the member is asked. Clicking it
    again while that question waits (past the double-click window) asks no second question,
    which could be confirmed too and pay for two videos: it points to the open one. Another
    member's Regenerate is asked on its own; once the question is answered, a click asks anew."""
    fake, api = fakes
    clock = ShiftedClock()
    async with running_bot(tmp_path, fake=fake, api=api, clock=clock) as world:
        result = await delivered_result(world)
        await command(world, "videomod confirm", user=fake.owner_id, credits=1.0)
        message_id = int(result["id"])
        first = await fake.component_interaction("video:regen:1", message_id=message_id)
        question = await first.wait_for_followup(timeout=10)
        assert "Nothing is made or counted until you confirm" in question["content"]
        ids = question_buttons(question)
        assert set(ids) == {"Confirm", "Cancel"}

        clock.offset += 10  # past the double-click window: the question is still open
        again = await fake.component_interaction("video:regen:1", message_id=message_id)
        pointed = await again.wait_for_followup(timeout=10)
        assert "still waiting for your answer" in pointed["content"], pointed["content"]
        assert pointed["flags"] & EPHEMERAL
        assert not question_buttons(pointed), "no second Confirm to press"
        rows = await world.db.fetch_all("SELECT token FROM pending_requests")
        assert len(rows) == 1, "one question open"

        bob = fake.add_member("bob")
        theirs = await fake.component_interaction("video:regen:1", message_id=message_id, user=bob)
        asked = await theirs.wait_for_followup(timeout=10)
        assert set(question_buttons(asked)) == {"Confirm", "Cancel"}, "bob is asked his own"

        await answered(fake, question, ids["Cancel"])
        later = await fake.component_interaction("video:regen:1", message_id=message_id)
        anew = await later.wait_for_followup(timeout=10)
        assert set(question_buttons(anew)) == {"Confirm", "Cancel"}, "answered: asked anew"
        assert len(await world.db.fetch_all("SELECT id FROM jobs")) == 1, "nothing made"


async def test_regenerate_clicked_again_while_its_question_is_open_is_pointed_to_it_in_chinese(
    tmp_path, fakes
):
    fake, api = fakes
    clock = ShiftedClock()
    async with running_bot(tmp_path, fake=fake, api=api, clock=clock) as world:
        result = await delivered_result(world)
        await command(world, "videomod confirm", user=fake.owner_id, credits=1.0)
        message_id = int(result["id"])
        first = await fake.component_interaction(
            "video:regen:1", message_id=message_id, locale="zh-CN"
        )
        await first.wait_for_followup(timeout=10)
        clock.offset += 10
        again = await fake.component_interaction(
            "video:regen:1", message_id=message_id, locale="zh-CN"
        )
        pointed = await again.wait_for_followup(timeout=10)
        assert "仍在等你答复那个视频预计花费的确认请求" in pointed["content"], pointed["content"]


@pytest.mark.parametrize(
    ("locale", "says", "never"),
    [
        ("en-US", "/video", "Choose another resolution"),
        ("zh-CN", "/视频", "请换一个分辨率"),
        ("zh-TW", "/影片", "請換一個解析度"),
    ],
)
async def test_regenerate_of_a_4k_video_now_reserved_points_to_video_not_a_choice_it_lacks(
    tmp_path, fakes, locale, says, never
):
    """4K was reserved for a role after the member made theirs: Regenerate has no resolution
    to choose, so the refusal sends them to /video (as their client names it) for another."""
    from tests.cogs.test_moderation import role_option

    fake, api = fakes
    supporter = fake.add_role("Supporter")
    async with running_bot(tmp_path, fake=fake, api=api) as world:
        result = await delivered_result(world, resolution="4k")
        role = role_option(world, supporter)
        await command(
            world,
            "videomod options restrict",
            user=fake.owner_id,
            option="resolution:4k",
            role=role,
        )
        click = await fake.component_interaction(
            "video:regen:1", message_id=int(result["id"]), locale=locale
        )
        told = (await click.wait_for_followup(timeout=10))["content"]
        assert f"<@&{supporter}>" in told and "4K" in told, told
        assert says in told and never not in told, told
        assert len(await world.db.fetch_all("SELECT id FROM jobs")) == 1, "nothing saved"


async def test_regenerate_on_another_members_4k_result_asks_the_cost_before_anything_counts(
    tmp_path, fakes
):
    """Bob clicks Regenerate under Alice's 4K video, in a server asking nobody to confirm: it
    would be made at her 4K and counted as his, so he is told privately what it is expected to
    cost, and nothing is recorded before he confirms. Confirmed, it is made at her settings, and
    the note quotes the figure he was asked about. Alice's own Regenerate goes at once."""
    fake, api = fakes
    bob = fake.add_member("bob")
    async with running_bot(tmp_path, fake=fake, api=api) as world:
        result = await delivered_result(world, resolution="4k")
        message_id = int(result["id"])
        click = await fake.component_interaction("video:regen:1", message_id=message_id, user=bob)
        question = await click.wait_for_followup(timeout=10)
        assert question["flags"] & EPHEMERAL
        assert "expected to cost about **9 credits**" in question["content"], question["content"]
        assert "Nothing is made or counted until you confirm" in question["content"]
        ids = question_buttons(question)
        assert set(ids) == {"Confirm", "Cancel"}
        assert len(await world.db.fetch_all("SELECT id FROM jobs")) == 1, "nothing recorded"
        assert len(api.submits) == 1

        confirm = await fake.component_interaction(
            ids["Confirm"], message_id=int(question["id"]), user=bob
        )
        note = (await confirm.wait_for_answer(timeout=10))["content"]
        assert "queued as job #2" in note and "about **9 credits**" in note, note
        await api.wait_for_submits(2)
        assert api.submits[1] == api.submits[0], "her settings, 4K included"

        own = await fake.component_interaction("video:regen:1", message_id=message_id)
        queued = (await own.wait_for_followup(timeout=10))["content"]
        assert "queued as job #3" in queued, "her own: no question"


async def test_regenerate_on_another_members_result_through_a_user_install_asks_the_cost_first(
    tmp_path, fakes
):
    """Alice's 4K video was made in a server that has since removed the bot; her result's
    buttons still reach it through Bob's own install, where his personal allowance applies.
    His Regenerate would be made at her 4K and counted as his, so, as in a server, he is asked
    privately what it is expected to cost, and nothing is recorded or sent before he confirms.
    A double click on Confirm makes one video, counted once."""
    fake, api = fakes
    bob = fake.add_member("bob")
    async with running_bot(tmp_path, fake=fake, api=api) as world:
        result = await delivered_result(world, resolution="4k")
        await fake.remove_bot()
        message_id = int(result["id"])
        click = await fake.component_interaction("video:regen:1", message_id=message_id, user=bob)
        question = await click.wait_for_followup(timeout=10)
        assert question["flags"] & EPHEMERAL
        assert "expected to cost about **9 credits**" in question["content"], question["content"]
        assert "Nothing is made or counted until you confirm" in question["content"]
        ids = question_buttons(question)
        assert set(ids) == {"Confirm", "Cancel"}
        await world.handled_everything()  # what the click might still make
        assert len(await world.db.fetch_all("SELECT id FROM jobs")) == 1, "nothing recorded"
        assert len(api.submits) == 1

        presses = [
            await fake.component_interaction(
                ids["Confirm"], message_id=int(question["id"]), user=bob
            )
            for _ in range(2)
        ]
        for pressed in presses:
            await pressed.wait_for_callback()
        await api.wait_for_submits(2)
        await world.handled_everything()  # what a second press might still make
        assert api.submits[1] == api.submits[0], "her settings, 4K included"
        assert len(api.submits) == 2, "one video for one question"
        rows = await world.db.fetch_all("SELECT user_id, guild_id FROM jobs ORDER BY id")
        assert [tuple(row) for row in rows] == [(fake.user_id, fake.guild_id), (bob, None)]
        assert await world.db.fetch_all("SELECT token FROM pending_requests") == []
        told = [answer["content"] for pressed in presses for answer in pressed.answers]
        assert any("Job #2" in text for text in told), "its status, the member's own answer"
        assert sum("no longer waiting" in text for text in told) == 1, told
        done = fake.get_message(int(question["id"]))["content"]
        assert "job #2" in done and "about 9 credits" in done, done


async def test_a_confirmed_regenerate_through_a_user_install_never_posts_in_the_servers_channel(
    tmp_path, fakes
):
    """Bob confirms a Regenerate of Alice's result in a server that has since removed the bot,
    through his own install. The bot, no member there, cannot post in its channel (Discord
    answers 403 50001, one more invalid request toward its ban): his job's status is his
    private answer, and the bot never tries the channel."""
    fake, api = fakes
    bob = fake.add_member("bob")
    async with running_bot(tmp_path, fake=fake, api=api) as world:
        result = await delivered_result(world)
        await fake.remove_bot()
        click = await fake.component_interaction(
            "video:regen:1", message_id=int(result["id"]), user=bob
        )
        question = await click.wait_for_followup(timeout=10)
        before = len(fake.requests)
        pressed = await fake.component_interaction(
            question_buttons(question)["Confirm"], message_id=int(question["id"]), user=bob
        )
        await api.wait_for_submits(2)
        await fake.wait_for(
            lambda: any(
                "asked for a video" in answer["content"] and "Job #2" in answer["content"]
                for answer in pressed.answers
            ),
            description="the job's status in Bob's private answer",
        )
        tried = [
            (request.status, request.response)
            for request in fake.requests[before:]
            if request.method == "POST" and request.path == f"/channels/{fake.channel_id}/messages"
        ]
        assert tried == [], "no post with the bot's own token where it is no member"


@pytest.mark.parametrize(
    ("locale", "says"),
    [
        ("en-US", "this server has since added the bot"),
        ("zh-CN", "本服务器已添加了机器人"),
        ("zh-TW", "本伺服器已新增了機器人"),
    ],
)
async def test_a_personal_cost_question_confirmed_after_the_server_added_the_bot_makes_nothing(
    tmp_path, fakes, locale, says
):
    """Bob is asked about Regenerate under his personal allowance (the server had removed the
    bot); the server invites the bot again before he answers, and its rules apply there now.
    Only a job under the rules asked under ends a question, so his Confirm ends it with
    nothing made or counted, and says why, however often it is pressed."""
    fake, api = fakes
    bob = fake.add_member("bob")
    async with running_bot(tmp_path, fake=fake, api=api) as world:
        result = await delivered_result(world)
        await fake.remove_bot()
        click = await fake.component_interaction(
            "video:regen:1", message_id=int(result["id"]), user=bob, locale=locale
        )
        question = await click.wait_for_followup(timeout=10)
        [confirm] = [i for i in question_buttons(question).values() if i.startswith("cost:yes")]
        await fake.add_bot_back()
        await fake.wait_for(
            lambda: world.bot.get_guild(fake.guild_id) is not None,
            description="the bot back in the server",
        )
        for _ in range(2):
            pressed = await fake.component_interaction(
                confirm, message_id=int(question["id"]), user=bob, locale=locale
            )
            await pressed.wait_for_callback()
        await fake.wait_for(
            lambda: says in fake.get_message(int(question["id"]))["content"],
            description="the question says it ended with the bot's return",
        )
        ended = fake.get_message(int(question["id"]))
        assert says in ended["content"] and not question_buttons(ended), ended["content"]
        await world.handled_everything()  # what a press might still make
        assert len(await world.db.fetch_all("SELECT id FROM jobs")) == 1, "nothing recorded"
        assert len(api.submits) == 1
        assert await world.db.fetch_all("SELECT token FROM pending_requests") == []


async def test_a_video_moderator_may_not_delete_the_video_of_a_member_ranked_at_or_above_them(
    tmp_path, fakes
):
    """The rank rule of `/videomod block`: a moderator by role (without Manage Messages, which
    Discord grants over anyone's message) may not take away the video of the server's owner or
    of a member whose highest role is at or above theirs, at the click nor at "Delete it" once
    their higher role is gone. Told privately why; the post stays and nothing is audited. The
    video of a member ranked below them they may delete."""
    fake, api = fakes
    newcomer = fake.add_role("Newcomer")
    mods = fake.add_role("Video mods")
    seniors = fake.add_role("Senior mods")
    admins = fake.add_role("Admins", ADMINISTRATOR)
    helper = fake.add_member("helper", roles=[mods, admins])
    senior = fake.add_member("senior", roles=[seniors])
    newbie = fake.add_member("newbie", roles=[newcomer])
    async with running_bot(tmp_path, fake=fake, api=api, moderator_role_id=mods) as world:
        results = {}
        for job_id, member in enumerate((fake.owner_id, senior, newbie), start=1):
            asked = await fake.slash_command("video", options={"prompt": "a kite"}, user=member)
            await asked.wait_for_answer()
            results[member] = await fake.wait_for_message(
                predicate=lambda m, job_id=job_id: f"video:delete:{job_id}" in custom_ids(m),
                timeout=10,
            )
        # Asked while an administrator, pressed once that role is gone.
        question, buttons = await delete_asked(fake, results[senior], user=helper, job_id=2)
        await fake.delete_role(admins)
        pressed = await answered(fake, question, buttons["Delete it"], user=helper)
        refused = pressed["content"]
        assert f"moderate <@{senior}>: their highest role is at or above yours" in refused, refused
        assert not pressed.get("components"), "the question's buttons are gone"

        click = await fake.component_interaction(
            "video:delete:1", message_id=int(results[fake.owner_id]["id"]), user=helper
        )
        told = await click.wait_for_private_answer()
        assert f"moderate <@{fake.owner_id}>: they own this server" in told, told

        for member in (fake.owner_id, senior):
            assert fake.get_message(int(results[member]["id"])) is not None, "the post stays"
        assert await world.bot.moderation.store.recent_audit(fake.guild_id, 10) == []

        await assert_told_deleted(
            await delete_confirmed(fake, results[newbie], user=helper, job_id=3)
        )

        async def audited():
            audit = await world.bot.moderation.store.recent_audit(fake.guild_id, 10)
            return [row.change.render("en-US") for row in audit]

        line = f"<@{helper}> deleted <@{newbie}>'s video (job #3)."
        assert await eventually(audited, [line]) == [line]


@pytest.mark.parametrize(
    ("locale", "our_dm", "a_channel", "everyone_here"),
    [
        ("en-US", "our DM", "in this channel", "everyone here"),
        ("zh-CN", "我们的私信", "这个频道", "这里的所有人"),
        ("zh-TW", "我們的私訊", "這個頻道", "這裡的所有人"),
    ],
)
async def test_the_result_buttons_in_the_bots_dm_speak_of_the_dm(
    tmp_path, fakes, locale, our_dm, a_channel, everyone_here
):
    """A result in the member's DM with the bot carries the four buttons. What each answers
    there names the DM, not "this channel" (a DM is no channel to a member) nor "everyone
    here" (nobody but the member and the bot reads it): Regenerate's, Edit prompt's and
    Remix's "queued" note says the video comes in our DM, and Delete asks about deleting it
    from our DM."""
    fake, api = fakes
    async with running_bot(tmp_path, fake=fake, api=api, user_install_allowance=20):
        dm = fake.dm_channel_id(fake.user_id)

        async def result_of(job_id):
            return await fake.wait_for_message(
                dm,
                predicate=lambda m: is_layout(m) and f"video:regen:{job_id}" in custom_ids(m),
                timeout=10,
            )

        asked = await fake.slash_command("video", {"prompt": "a paper boat"}, dm=True)
        await asked.wait_for_answer()
        result = await result_of(1)
        message_id = int(result["id"])
        notes = {}
        click = await fake.component_interaction(
            "video:regen:1", message_id=message_id, locale=locale
        )
        notes["regen"] = (2, (await click.wait_for_followup(timeout=10))["content"])
        await result_of(2)
        for job_id, (action, values) in enumerate(
            [
                ("edit", {"prompt": "a paper plane"}),
                ("remix", {"prompt": "a paper crane", "duration": ["4"]}),
            ],
            start=3,
        ):
            click = await fake.component_interaction(
                f"video:{action}:1", message_id=message_id, locale=locale
            )
            assert (await click.wait_for_callback())["type"] == MODAL
            submitted = await fake.modal_submit(values, interaction=click, locale=locale)
            notes[action] = (job_id, (await submitted.wait_for_answer(timeout=10))["content"])
            await result_of(job_id)
        for action, (job_id, note) in notes.items():
            assert f"#{job_id}" in note, (action, note)
            assert our_dm in note and a_channel not in note, (action, note)
        question, _ = await delete_asked(fake, result, locale=locale)
        assert our_dm in question["content"], question["content"]
        assert everyone_here not in question["content"], question["content"]
