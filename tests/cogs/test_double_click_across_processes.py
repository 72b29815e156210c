"""A double click, or a form sent twice, split over two processes on one shard (a deploy
overlap: both get every click, and Discord takes each one's first acknowledgement)."""

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

import cogs._answers
from tests.backends import postgres_only
from tests.cogs.test_results import delivered_result
from tests.fakes.apimart import FakeAPIMart, TaskPlan
from tests.fakes.discord import FakeDiscord
from tests.harness import API_KEY, BOT_TOKEN, World, running_bot

ACKNOWLEDGEMENTS = 4  # two clicks, each seen by two processes


@asynccontextmanager
async def overlap(tmp_path, backend) -> AsyncIterator[tuple[FakeDiscord, World, World, dict]]:
    """The old process posts a result; then a new one joins it on the same shard."""
    async with FakeDiscord(token=BOT_TOKEN) as fake, FakeAPIMart(api_key=API_KEY) as api:
        api.default_plan = TaskPlan(polls_until_done=1)
        first_db, second_db = await backend.open(), await backend.open()
        await first_db.migrate()
        async with running_bot(tmp_path, fake=fake, api=api, database=first_db) as old:
            result = await delivered_result(old)
            async with running_bot(tmp_path / "new", fake=fake, api=api, database=second_db) as new:
                yield fake, old, new, result


def first_click_to_old_second_to_new(monkeypatch, old: World, new: World) -> asyncio.Event:
    """Discord hears the old process first on the first click, the new one on the second (the
    other waits for it); the event is set once all four acknowledgements are answered, when no
    process has any more to decide."""
    real = cogs._answers.acknowledge_first
    order: dict[int, int] = {}
    heard = defaultdict(asyncio.Event)
    answered: list[bool] = []
    all_answered = asyncio.Event()

    async def in_turn(interaction, **kwargs):
        quick = (old.bot, new.bot)[order.setdefault(interaction.id, len(order))]
        if interaction.client is not quick:
            await heard[interaction.id].wait()
        try:
            return await real(interaction, **kwargs)
        finally:
            heard[interaction.id].set()
            answered.append(True)
            if len(answered) == ACKNOWLEDGEMENTS:
                all_answered.set()

    for world in (old, new):
        module = type(world.bot.get_cog("ResultButtons")).__init__.__globals__
        monkeypatch.setitem(module, "acknowledge_first", in_turn)
    return all_answered


@postgres_only
async def test_a_double_click_split_over_two_processes_makes_one_video(
    tmp_path, monkeypatch, backend
):
    """The process that wins the second click has seen the first, which the other won: the
    second click is told one is enough, and one video is made (docs/members.md)."""
    async with overlap(tmp_path, backend) as (fake, old, new, result):
        all_answered = first_click_to_old_second_to_new(monkeypatch, old, new)
        message_id = int(result["id"])
        first = await fake.component_interaction("video:regen:1", message_id=message_id)
        second = await fake.component_interaction("video:regen:1", message_id=message_id)
        answers = [
            (await click.wait_for_followup(timeout=10))["content"] for click in (first, second)
        ]
        await asyncio.wait_for(all_answered.wait(), 10)
        assert "queued as job #2" in answers[0], answers
        assert "one click is enough" in answers[1], answers
        assert [len(click.followups) for click in (first, second)] == [1, 1], "one answer each"
        jobs = await old.db.fetch_all("SELECT id FROM jobs")
        assert len(jobs) == 2, (answers, "two videos paid for one double click")


@postgres_only
@pytest.mark.parametrize("button", ["edit", "remix"])
async def test_a_form_sent_twice_split_over_two_processes_makes_one_video(
    tmp_path, monkeypatch, backend, button
):
    """The same Edit prompt / Remix form sent twice, each Submit won by another process."""
    async with overlap(tmp_path, backend) as (fake, old, new, result):
        click = await fake.component_interaction(f"video:{button}:1", message_id=int(result["id"]))
        await click.wait_for_callback()
        all_answered = first_click_to_old_second_to_new(monkeypatch, old, new)
        values = {"prompt": "a paper boat on a lake"}
        if button == "remix":
            values |= {"duration": ["6"], "resolution": ["720p"], "aspect_ratio": ["16:9"]}
        first = await fake.modal_submit(values, interaction=click)
        second = await fake.modal_submit(values, interaction=click)
        answers = [(await s.wait_for_answer(timeout=10))["content"] for s in (first, second)]
        await asyncio.wait_for(all_answered.wait(), 10)
        assert "queued as job #2" in answers[0], answers
        assert "You sent this form a moment ago" in answers[1], answers
        jobs = await old.db.fetch_all("SELECT id FROM jobs")
        assert len(jobs) == 2, (answers, "two videos paid for one form sent twice")
