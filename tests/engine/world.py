"""The engine wired as the bot wires it, on a real SQLite file, between the two fakes.

Timings are shrunk through `PollerConfig`, `SubmitTiming` and `LeaseTerms`, never by sleeping.
`max_idle_wait` stays long on purpose: a stage that is not woken when it should be shows up as
a timeout in the test, not as a slow pass.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace

import aiohttp
import discord
import yarl

from bot.apimart import APIMartClient, RetryPolicy, VideoRequest
from bot.delivery import Delivery
from bot.jobs.kept_tasks import KeptTasks
from bot.jobs.models import Job, JobState, Requester
from bot.jobs.poller import Announcer, Deliver, Poller, PollerConfig, ProgressListener
from bot.jobs.service import JobService, SubmitTiming
from bot.jobs.stages import LeaseTerms
from bot.jobs.store import JobStore
from bot.media.fetcher import GuardedFetcher, TrustedOrigin
from bot.storage import Database
from tests.fakes.apimart import FakeAPIMart
from tests.fakes.components import texts
from tests.fakes.discord import FakeDiscord, Json

FAST = PollerConfig(
    poll_interval=0.05,
    max_idle_wait=30.0,
    delivery_retry_base=0.05,
    max_delivery_backoff=0.2,
    crash_retry=0.1,
    stop_timeout=0.1,
    restart_backoff=0.05,
)
TIMING = SubmitTiming(first_poll_delay=0.01, orphan_grace=0.0, submit_retry_delay=0.1)
# Long enough for a submit or a poll the fakes hold up on purpose (they answer at close).
API_TIMEOUT = 60.0


@dataclass
class Engine:
    """One process's engine: its store (with its lease owner), service, stages and delivery."""

    store: JobStore
    service: JobService
    poller: Poller
    client: APIMartClient
    delivery: Delivery
    fake: FakeDiscord

    def requester(self, channel_id: int | None = None) -> Requester:
        fake = self.fake
        return Requester(
            user_id=fake.user_id,
            channel_id=channel_id if channel_id is not None else fake.channel_id,
            guild_id=fake.guild_id,
            locale="en-US",
        )

    async def record(self, prompt: str = "a kite", *, channel_id: int | None = None) -> Job:
        """A member's job, recorded and due for its submit now (the engine sends it)."""
        request = VideoRequest(prompt=prompt, duration=4)
        return await self.service.record(self.requester(channel_id), request)

    async def queue(self, prompt: str = "a kite", *, channel_id: int | None = None) -> Job:
        """A job submitted at once, as /video does (a running engine may get to it first)."""
        job = await self.record(prompt, channel_id=channel_id)
        report = await self.service.submit(job, member_present=True)
        # A running engine may already have polled it further by the time the report is read.
        accepted = (JobState.QUEUED, JobState.SUBMITTING, JobState.PROCESSING, JobState.COMPLETED)
        assert report.state in accepted, report.state
        return report.job


def make_engine(
    db: Database,
    api: FakeAPIMart,
    session: aiohttp.ClientSession,
    client: discord.Client,
    fake: FakeDiscord,
    *,
    clock: Callable[[], float] = time.time,
    leases: LeaseTerms | None = None,
    config: PollerConfig = FAST,
    timing: SubmitTiming = TIMING,
    wrap_delivery: Callable[[Deliver], Deliver] | None = None,
    on_progress: ProgressListener | None = None,
    recover_at_start: bool = True,
    download_timeout: float = 5.0,
    announce: Announcer | None = None,
    kept_tasks: KeptTasks | None = None,
    **config_changes: float,
) -> Engine:
    """An engine like `bot.wiring` builds one: its API client never retries or sleeps itself."""
    apimart = APIMartClient(
        session,
        base_url=api.base_url,
        api_key=api.api_key,
        timeout=API_TIMEOUT,
        retry=RetryPolicy(max_retries=0),
    )
    store = JobStore(db, clock=clock, leases=leases or LeaseTerms(owner="engine-a"))
    pollers: list[Poller] = []
    service = JobService(
        store,
        apimart,
        clock=clock,
        timing=timing,
        on_change=lambda: pollers[0].wake() if pollers else None,
        kept_tasks=kept_tasks,
    )
    # Results are served on the fake APIMart's origin, so the guarded session never opens.
    downloads = GuardedFetcher(
        max_bytes=0, trusted=TrustedOrigin(yarl.URL(api.base_url).origin(), session)
    )
    delivery = Delivery(
        client,
        downloads,
        store,
        clock=clock,
        download_timeout=aiohttp.ClientTimeout(total=download_timeout),
    )
    deliver: Deliver = wrap_delivery(delivery) if wrap_delivery is not None else delivery
    poller = Poller(
        store,
        apimart,
        service,
        deliver,
        clock=clock,
        config=replace(config, **config_changes),
        recover_at_start=recover_at_start,
        announce=announce,
        **({"on_progress": on_progress} if on_progress is not None else {}),
    )
    pollers.append(poller)
    return Engine(store, service, poller, apimart, delivery, fake)


@asynccontextmanager
async def running(*engines: Engine) -> AsyncIterator[None]:
    """The engines' real loops, started, then stopped (in-flight work cut after the grace)."""
    for engine in engines:
        engine.poller.start()
    try:
        yield
    finally:
        for engine in engines:
            await engine.poller.stop()


def is_result(job_id: int) -> Callable[[Json], bool]:
    """Whether a message is the bot's result post for a job (its marker names the job: a text
    display in the layout, or the footer of the plain card)."""
    footer = f"Job #{job_id}"
    return lambda message: (
        f"-# {footer}" in texts(message)
        or any(embed.get("footer", {}).get("text") == footer for embed in message.get("embeds", []))
    )


def results(fake: FakeDiscord, job_id: int, channel_id: int | None = None) -> list[Json]:
    """Every result post for a job in a channel (the default one unless given)."""
    return [message for message in fake.messages(channel_id) if is_result(job_id)(message)]


async def wait_for_result(
    fake: FakeDiscord,
    job_id: int,
    *,
    channel_id: int | None = None,
    timeout: float = 15.0,  # noqa: ASYNC109
) -> Json:
    """The job's result post, once it is there."""
    return await fake.wait_for_message(channel_id, is_result(job_id), timeout=timeout)
