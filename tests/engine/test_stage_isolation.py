"""Stages that don't wait on each other: a slow or refused thing holds up only itself.

The engine runs its real loops here (`Poller.start`); "promptly" means well inside the 5 s the
old single loop needed, while the slow thing is still in progress.
"""

import time

from bot.jobs.models import JobState
from tests.engine.world import make_engine, results, running, wait_for_result
from tests.fakes.apimart import TaskPlan

PROMPTLY = 2.0


async def test_a_submit_waiting_on_a_slow_api_does_not_delay_another_jobs_delivery(
    db, api, session, client, fake
):
    api.default_plan = TaskPlan(polls_until_done=1)
    engine = make_engine(db, api, session, client, fake)
    finished = await engine.queue("ready soon")
    waiting = await engine.record("slow to send")
    api.delay_next("submit", 30)
    async with running(engine):
        await api.wait_for_submits(2)  # the second submit is now held by APIMart
        await wait_for_result(fake, finished.id, timeout=PROMPTLY)
        assert (await engine.store.get(waiting.id)).state is JobState.SUBMITTING


async def test_submits_told_to_retry_after_30s_wait_in_the_database_not_in_a_worker(
    db, api, session, client, fake
):
    api.default_plan = TaskPlan(polls_until_done=1)
    # One submit worker: if it slept on Retry-After, every other submit would wait behind it.
    engine = make_engine(db, api, session, client, fake, submit_workers=1)
    finished = await engine.queue("ready soon")
    refused = [await engine.record(f"busy {n}") for n in range(3)]
    api.fail_next("submit", status=429, retry_after_header="30", times=3)
    started = time.time()
    async with running(engine):
        await wait_for_result(fake, finished.id, timeout=PROMPTLY)
        await api.wait_for_submits(4, timeout=PROMPTLY)
    # Read after the stop, which lets a worker store the answer it is holding (no race).
    for job in refused:
        stored = await engine.store.get(job.id)
        assert stored.state is JobState.RECORDED, "kept, to be sent again"
        assert stored.next_poll_at >= started + 29, "APIMart's own wait is its due time"
    assert len(api.submits) == 4, "each refused submit was tried once, then left to wait"


async def test_a_slow_result_download_does_not_delay_another_jobs_delivery(
    db, api, session, client, fake
):
    api.default_plan = TaskPlan(polls_until_done=1)
    engine = make_engine(db, api, session, client, fake, download_timeout=60)
    slow = await engine.queue("a big file")
    api.stall_next(30)  # the first download sends a little, then nothing for 30 s
    async with running(engine):
        await api.wait_for_downloads(1)
        quick = await engine.queue("a small file")
        await wait_for_result(fake, quick.id, timeout=PROMPTLY)
        assert results(fake, slow.id) == [], "the slow download is still in progress"


async def test_a_discord_429_in_one_channel_does_not_stall_deliveries_to_another(
    db, api, session, client, fake
):
    other_channel = fake.add_text_channel("elsewhere")
    engine = make_engine(db, api, session, client, fake)
    api.default_plan = TaskPlan(polls_until_done=1)
    limited = await engine.queue("in the busy channel")
    api.default_plan = TaskPlan(polls_until_done=3)  # finishes after the 429 was answered
    elsewhere = await engine.queue("in a quiet channel", channel_id=other_channel)
    fake.fail_next("POST", rf"/channels/{fake.channel_id}/messages", status=429, retry_after=30)
    async with running(engine):
        await fake.wait_for_request("POST", rf"/channels/{fake.channel_id}/messages")
        await wait_for_result(fake, elsewhere.id, channel_id=other_channel, timeout=PROMPTLY)
        assert results(fake, limited.id) == [], "the rate-limited channel is still waiting"


async def test_one_busy_channel_holds_at_most_half_the_delivery_workers(
    db, api, session, client, fake
):
    """Two results waiting out a 429 in one channel would hold both workers of two; each
    channel gets at most half, so the quiet channel's result still goes promptly."""
    other_channel = fake.add_text_channel("elsewhere")
    engine = make_engine(db, api, session, client, fake, delivery_workers=2)
    api.default_plan = TaskPlan(polls_until_done=1)
    busy = [await engine.queue(f"busy {n}") for n in range(2)]
    api.default_plan = TaskPlan(polls_until_done=3)  # finishes once the busy ones wait
    elsewhere = await engine.queue("in a quiet channel", channel_id=other_channel)
    fake.fail_next(
        "POST", rf"/channels/{fake.channel_id}/messages", status=429, retry_after=30, times=2
    )
    async with running(engine):
        await fake.wait_for_request("POST", rf"/channels/{fake.channel_id}/messages")
        await wait_for_result(fake, elsewhere.id, channel_id=other_channel, timeout=PROMPTLY)
        assert all(results(fake, job.id) == [] for job in busy), "the busy channel still waits"
