"""A job's status across processes (docs/scaling.md): one process's progress edit, landing
late, never stands over the last status another process made once it delivered the video."""

import asyncio
import random

import discord
import discord.http

from bot.apimart import APIMartClient, RetryPolicy
from bot.apimart.models import TaskInfo, TaskStatus, VideoRequest
from bot.delivery import Delivery
from bot.jobs.models import JobState, Requester
from bot.jobs.poller import Poller, PollerConfig
from bot.jobs.service import JobService
from bot.jobs.stages import Stage
from bot.jobs.status_marks import StatusMarks
from bot.jobs.store import JobStore
from bot.status_messages import StatusMessages
from tests.harness import BOT_TOKEN
from tests.jobstates import claimed, finished, submitted

# What Discord's 429 asks A's edit to wait: discord.py sleeps exactly this long, then retries.
HELD_RETRY = 42.0


class _HeldRetry:
    """`asyncio` as discord.py's HTTP client sees it: the wait after a 429 of `HELD_RETRY`
    seconds lasts until `release()`, so the test decides when the retried edit reaches
    Discord. Every other wait passes as usual."""

    def __init__(self) -> None:
        self.waiting = asyncio.Event()
        self._released = asyncio.Event()

    def __getattr__(self, name):
        return getattr(asyncio, name)

    async def sleep(self, delay, result=None):
        if delay != HELD_RETRY:
            return await asyncio.sleep(delay, result)
        self.waiting.set()
        await self._released.wait()
        return result

    def release(self) -> None:
        self._released.set()


class _MarkHeld:
    """Process C's `mark_delivered`, held at its start: the instant before C writes down the
    delivery, stretched until `go()`."""

    def __init__(self, store: JobStore) -> None:
        self.reached = asyncio.Event()
        self._go = asyncio.Event()
        self._mark = store.mark_delivered
        store.mark_delivered = self  # type: ignore[method-assign]

    async def __call__(self, *args, **kwargs):
        self.reached.set()
        await self._go.wait()
        return await self._mark(*args, **kwargs)

    def go(self) -> None:
        self._go.set()


async def test_a_progress_edit_landing_as_another_process_delivers_does_not_stand(
    db, store, clock, fake, client, api, session, downloads, marks, monkeypatch
):
    """Process A edits the status to 60 % and meets a 429 (discord.py waits, then retries).
    Meanwhile the render ends and process C posts the video; A's edit lands just before C
    writes the delivery down, and A's look at the job finds it not delivered yet. Once all
    is done, the member must read "is done" beside the video, not "rendering 60 %"."""
    requester = Requester(user_id=fake.user_id, channel_id=fake.channel_id, guild_id=fake.guild_id)
    job = await store.create(
        requester, VideoRequest(prompt="a kite", duration=4), now=clock(), submit_by=clock()
    )
    job = await submitted(store, job, now=clock())
    status_a = StatusMessages(client, store, marks, clock=clock, min_edit_interval=0)
    status_id = await status_a.post(client.get_partial_messageable(fake.channel_id), job)
    held = _HeldRetry()
    monkeypatch.setattr(discord.http, "asyncio", held)
    fake.fail_next("PATCH", r"/channels/\d+/messages/\d+", 429, retry_after=HELD_RETRY)
    claim = await claimed(store, job.id, Stage.POLL)
    info = TaskInfo(task_id=claim.task_id, status="processing", progress=60)
    status_a.schedule(await store.record_progress(claim, info, next_poll_at=clock()))
    await asyncio.wait_for(held.waiting.wait(), 5)

    done = TaskInfo(
        task_id=claim.task_id,
        status=TaskStatus.COMPLETED,
        progress=100,
        video_url=api.add_file(f"v{job.id}.mp4", b"\x00" * 1024),
        expires_at=int(clock() + 86400),
    )
    await finished(store, job, JobState.COMPLETED, now=clock(), info=done)

    client_c = discord.Client(intents=discord.Intents(guilds=True))
    await client_c.login(BOT_TOKEN)
    store_c = JobStore(db, clock=clock)
    status_c = StatusMessages(
        client_c, store_c, StatusMarks(db, clock=clock), clock=clock, min_edit_interval=0
    )
    apimart = APIMartClient(
        session,
        base_url=api.base_url,
        api_key="test-key",
        retry=RetryPolicy(max_retries=0, rng=random.Random(0)),
    )
    poller_c = Poller(
        store_c,
        apimart,
        JobService(store_c, apimart, clock=clock),
        Delivery(client_c, downloads, store_c, clock=clock, status=status_c),
        clock=clock,
        config=PollerConfig(),
    )
    mark = _MarkHeld(store_c)
    try:
        delivering = asyncio.create_task(poller_c.run_once())
        await asyncio.wait_for(mark.reached.wait(), 10)
        await status_c.drain(timeout=5)  # whatever C shows before writing it down is shown
        held.release()
        await status_a.drain(timeout=5)  # A's 60 % lands, and A looks at the job
        mark.go()
        await asyncio.wait_for(delivering, 10)
        await status_c.drain(timeout=5)
        await status_a.drain(timeout=5)
    finally:
        mark.go()
        held.release()
        await status_a.close(grace=0)
        await status_c.close(grace=0)
        await client_c.close()
    assert (await store.get(job.id)).delivered_at is not None
    shown = fake.get_message(status_id)["content"]
    assert "is done" in shown and "60%" not in shown, shown
