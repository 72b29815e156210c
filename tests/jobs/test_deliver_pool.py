"""The deliver stage's pool: slow deliveries elsewhere leave room for the next member's video."""

import asyncio

from bot.apimart import APIMartClient, RetryPolicy, VideoRequest
from bot.jobs.models import Requester
from bot.jobs.poller import DeliveryOutcome, DeliveryResult, Poller, PollerConfig
from bot.jobs.service import JobService, SubmitTiming
from bot.jobs.store import JobStore
from bot.settings import Settings
from tests.fakes.apimart import TaskPlan

REQUEST = VideoRequest(prompt="a fox in snow")
SLOW_DOWNLOADS = 10  # results streaming slowly, each for another channel
NOISY_CHANNEL = 999  # a channel where Discord answers 429s
NOISY_JOBS = 8


class HangingDelivery:
    """Deliveries for `hanging` members never end (until released); the rest are posted."""

    def __init__(self, hanging):
        self.hanging = hanging
        self.release = asyncio.Event()
        self.posted = asyncio.Event()
        self.delivered = []

    async def __call__(self, job):
        if job.requester.user_id in self.hanging:
            await self.release.wait()
        else:
            self.posted.set()
        self.delivered.append(job)
        return DeliveryResult(DeliveryOutcome.DELIVERED, message_id=job.id)


async def test_slow_deliveries_and_a_rate_limited_channel_leave_room_for_another_video(
    db, api, session, clock
):
    """Ten slow downloads and a channel on 429s in flight: another member's video is posted."""
    api.default_plan = TaskPlan(polls_until_done=1)
    client = APIMartClient(
        session, base_url=api.base_url, api_key="test-key", retry=RetryPolicy(max_retries=0)
    )
    store = JobStore(db, clock=clock)
    service = JobService(store, client, clock=clock, timing=SubmitTiming(first_poll_delay=0.01))
    stuck = [
        Requester(user_id=100 + n, channel_id=100 + n, guild_id=1) for n in range(SLOW_DOWNLOADS)
    ]
    stuck += [
        Requester(user_id=200 + n, channel_id=NOISY_CHANNEL, guild_id=1) for n in range(NOISY_JOBS)
    ]
    delivery = HangingDelivery({requester.user_id for requester in stuck})
    # The pool as the bot configures it by default.
    workers = Settings(_env_file=None, discord_token="t", apimart_api_key="k").delivery_workers
    poller = Poller(
        store, client, service, delivery, clock=clock, config=PollerConfig(delivery_workers=workers)
    )
    for requester in stuck:
        await service.create_and_submit(requester, REQUEST)
    await service.create_and_submit(
        Requester(user_id=1, channel_id=1, guild_id=1), VideoRequest(prompt="an owl at dusk")
    )
    clock.advance(1)
    poller.start()
    try:
        await asyncio.wait_for(delivery.posted.wait(), 5)
        assert [job.requester.user_id for job in delivery.delivered] == [1]
    finally:
        delivery.release.set()
        await poller.stop()
