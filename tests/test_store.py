"""The job lifecycle in SQLite, one transaction per change."""

import asyncio

from bot.apimart.models import TaskInfo, TaskStatus, VideoRequest
from bot.jobs.models import JobState, Requester

REQUESTER = Requester(user_id=42, channel_id=7, guild_id=1, locale="zh-CN")
REQUEST = VideoRequest(
    prompt="a fox",
    duration=8,
    resolution="1080p",
    aspect_ratio="9:16",
    generation_type="frame",
    image_urls=("https://x/a.png",),
)


async def test_a_job_round_trips_with_every_parameter(store, clock):
    job = await store.create(REQUESTER, REQUEST, now=clock(), submit_by=clock() + 60)
    loaded = await store.get(job.id)
    assert loaded.request == REQUEST
    assert loaded.requester == REQUESTER
    assert loaded.state is JobState.RECORDED


async def test_lifecycle_from_recorded_to_delivered(store, clock):
    job = await store.create(REQUESTER, REQUEST, now=clock(), submit_by=clock() + 60)
    assert await store.claim_for_submit(job.id)
    assert not await store.claim_for_submit(job.id), "a job is submitted once"
    await store.mark_submitted(job.id, "task_1", now=clock(), first_poll_at=clock() + 8)
    assert await store.due_for_poll(clock(), 10) == []
    clock.advance(8)
    [due] = await store.due_for_poll(clock(), 10)
    assert due.task_id == "task_1"
    progressed = await store.record_progress(
        due,
        TaskInfo(task_id="task_1", status=TaskStatus.PROCESSING, progress=40, estimated_time=240),
        next_poll_at=clock() + 8,
    )
    assert progressed == await store.get(job.id), "the returned job is what is stored"
    assert (await store.get(job.id)).state is JobState.PROCESSING
    info = TaskInfo(
        task_id="task_1",
        status=TaskStatus.COMPLETED,
        progress=100,
        video_url="https://cdn/v.mp4",
        expires_at=123,
        credits_cost=4,
        cost=0.4,
    )
    assert await store.finish(job.id, JobState.COMPLETED, now=clock(), info=info)
    assert not await store.finish(job.id, JobState.FAILED, now=clock()), "final is final"
    [waiting] = await store.due_for_delivery(clock(), 10)
    assert waiting.result_url == "https://cdn/v.mp4"
    assert waiting.credits_cost == 4
    await store.mark_delivered(job.id, now=clock(), message_id=99)
    assert await store.due_for_delivery(clock(), 10) == []
    assert (await store.get(job.id)).delivery_message_id == 99


async def test_next_due_time_covers_polls_and_deliveries(store, clock):
    assert await store.next_due_time() is None
    job = await store.create(REQUESTER, REQUEST, now=clock(), submit_by=clock() + 60)
    assert await store.next_due_time() == clock() + 60
    await store.claim_for_submit(job.id)
    await store.mark_submitted(job.id, "t", now=clock(), first_poll_at=clock() + 5)
    assert await store.next_due_time() == clock() + 5


async def test_concurrent_creates_lose_nothing(store, clock):
    jobs = await asyncio.gather(
        *(
            store.create(
                Requester(user_id=i, channel_id=1, guild_id=1),
                REQUEST,
                now=clock(),
                submit_by=clock(),
            )
            for i in range(200)
        )
    )
    assert len({job.id for job in jobs}) == 200
    assert len(await store.due_for_submit(clock(), 1000)) == 200
