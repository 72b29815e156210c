"""A form sent twice (a laggy client's second Submit) makes one video, not two paid for."""

import asyncio

import pytest

from tests.cogs.test_references import make_video_on, pictures, post
from tests.cogs.test_results import delivered_result, fakes  # noqa: F401
from tests.harness import running_bot


@pytest.mark.parametrize("button", ["edit", "remix"])
async def test_a_result_form_sent_twice_by_a_laggy_client_makes_one_video(
    tmp_path,
    fakes,  # noqa: F811 (the fixture, imported)
    button,
):
    """Regenerate makes one video of a double click (docs/members.md: "a double click within 5
    seconds makes one video"); the same Edit prompt / Remix form sent twice (the Submit pressed
    again while a laggy client still shows it) must not make, and count, two."""
    fake, api = fakes
    async with running_bot(tmp_path, fake=fake, api=api) as world:
        result = await delivered_result(world)
        click = await fake.component_interaction(f"video:{button}:1", message_id=int(result["id"]))
        await click.wait_for_callback()
        values = {"prompt": "a paper boat on a lake"}
        if button == "remix":
            values |= {"duration": ["6"], "resolution": ["720p"], "aspect_ratio": ["16:9"]}
        first, second = await asyncio.gather(
            fake.modal_submit(values, interaction=click),
            fake.modal_submit(values, interaction=click),
        )
        answers = [(await s.wait_for_answer(timeout=10))["content"] for s in (first, second)]
        assert len(await world.db.fetch_all("SELECT id FROM jobs")) == 2, "one new video, not two"
        assert any("You sent this form a moment ago" in answer for answer in answers), answers


async def test_a_make_a_video_form_sent_twice_makes_one_video(tmp_path):
    async with running_bot(tmp_path) as world:
        target = await post(world, attachments=pictures(world, 1))
        menu = await make_video_on(world, target)
        await menu.wait_for_callback()
        field = menu.modal["components"][0]["component"]["custom_id"]
        values = {field: "a cat on a boat"}
        first, second = await asyncio.gather(
            world.discord.modal_submit(values, interaction=menu),
            world.discord.modal_submit(values, interaction=menu),
        )
        answers = [(await s.wait_for_answer(timeout=10))["content"] for s in (first, second)]
        assert len(await world.db.fetch_all("SELECT id FROM jobs")) == 1, "one video, not two"
        assert any("You sent this form a moment ago" in answer for answer in answers), answers


async def test_a_form_sent_again_after_an_error_is_answered_not_taken_for_a_double_submit(
    tmp_path,
    fakes,  # noqa: F811 (the fixture, imported)
    monkeypatch,
):
    """The first Submit hit an error on the bot's side: the member read "Something went wrong
    ... Please try again", and sends the same form again at once. Nothing is being answered:
    the second Submit must make the video, not read "You sent this form a moment ago, and it
    is being answered"."""
    import cogs._queue

    real = cogs._queue.queue_request
    calls = []

    async def fails_once(bot, origin, request):
        if request.prompt == "a paper boat on a lake":
            calls.append(request)
            if len(calls) == 1:
                raise RuntimeError("a glitch before anything was saved")
        await real(bot, origin, request)

    # The extension is loaded afresh (discord.py), binding the name from cogs._queue then.
    monkeypatch.setattr(cogs._queue, "queue_request", fails_once)
    fake, api = fakes
    async with running_bot(tmp_path, fake=fake, api=api) as world:
        result = await delivered_result(world)
        click = await fake.component_interaction("video:edit:1", message_id=int(result["id"]))
        await click.wait_for_callback()
        values = {"prompt": "a paper boat on a lake"}
        first = await fake.modal_submit(values, interaction=click)
        assert "Something went wrong" in (await first.wait_for_answer(timeout=10))["content"]
        second = await fake.modal_submit(values, interaction=click)
        answer = (await second.wait_for_answer(timeout=10))["content"]
        assert "You sent this form a moment ago" not in answer, answer
        assert len(await world.db.fetch_all("SELECT id FROM jobs")) == 2, "the video asked again"


@pytest.mark.parametrize("button", ["edit", "remix"])
async def test_a_form_sent_again_while_the_first_is_still_being_answered_makes_one_video(
    tmp_path,
    fakes,  # noqa: F811 (the fixture, imported)
    monkeypatch,
    button,
):
    """The first Submit takes longer than 5 s to be answered (a busy database): the same form
    sent again meanwhile is told it was sent twice, not made into a second video."""
    import cogs._queue
    from tests.cogs.test_reach import ShiftedClock

    real = cogs._queue.queue_request
    started, go_on = asyncio.Event(), asyncio.Event()

    async def slow_first(bot, origin, request):
        if request.prompt == "a paper boat on a lake" and not started.is_set():
            started.set()
            await go_on.wait()
        await real(bot, origin, request)

    # The extension is loaded afresh (discord.py), binding the name from cogs._queue then.
    monkeypatch.setattr(cogs._queue, "queue_request", slow_first)
    fake, api = fakes
    clock = ShiftedClock()
    async with running_bot(tmp_path, fake=fake, api=api, clock=clock) as world:
        result = await delivered_result(world)
        click = await fake.component_interaction(f"video:{button}:1", message_id=int(result["id"]))
        await click.wait_for_callback()
        values = {"prompt": "a paper boat on a lake"}
        if button == "remix":
            values |= {"duration": ["6"], "resolution": ["720p"], "aspect_ratio": ["16:9"]}
        first = await fake.modal_submit(values, interaction=click)
        await started.wait()
        clock.offset += 6  # past the 5 s window, the first still at work
        second = await fake.modal_submit(values, interaction=click)
        told = (await second.wait_for_answer(timeout=10))["content"]
        go_on.set()
        assert "You sent this form a moment ago" in told, told
        assert "queued as job #2" in (await first.wait_for_answer(timeout=10))["content"]
        assert len(await world.db.fetch_all("SELECT id FROM jobs")) == 2, "one new video, not two"
