"""HTTP 402 pauses new videos for everyone; a moderator or a later accepted submit resumes."""

import asyncio

import aiohttp
import pytest

from bot.apimart.models import VideoRequest
from bot.jobs.models import JobRefused, JobState, Requester
from bot.jobs.service import JobService, SubmitTiming
from bot.jobs.store import JobStore
from bot.moderation.service import Moderation
from tests.fakes.apimart import FakeAPIMart
from tests.jobs.test_service_and_poller import make_client

ALICE = Requester(user_id=42, channel_id=7, guild_id=1)
BOB = Requester(user_id=43, channel_id=7, guild_id=2)
CAROL = Requester(user_id=44, channel_id=7, guild_id=3)
DM_DAVE = Requester(user_id=45, channel_id=9, guild_id=None)
REQUEST = VideoRequest(prompt="a fox in snow", duration=6)


@pytest.fixture
async def api():
    async with FakeAPIMart() as fake:
        yield fake


@pytest.fixture
async def world(db, api, clock):
    async with aiohttp.ClientSession() as session:
        moderation = Moderation(db, clock=clock)
        events = []

        async def sink(guild_id, message, skip):
            events.append(message.key)

        moderation.feed.connect(sink)
        service = JobService(
            JobStore(db),
            make_client(api, session),
            clock=clock,
            timing=SubmitTiming(first_poll_delay=8),
            admission=moderation,
            on_balance=moderation.pause.on_balance,
        )
        yield service, moderation, events


async def test_a_402_pauses_new_videos_in_every_server_and_alerts_once(world, api):
    service, moderation, events = world
    api.fail_next("submit", status=402, times=2)
    first = await service.create_and_submit(ALICE, REQUEST)
    assert first.state is JobState.REJECTED
    with pytest.raises(JobRefused) as caught:
        await service.create_and_submit(BOB, REQUEST)
    assert "balance is empty" in caught.value.user_message.render("en-US")
    await moderation.feed.drain()
    assert events == ["modlog_paused"]
    assert len(api.submits) == 1, "nothing more is sent while paused"


async def test_a_402_job_is_refunded(world, api, db):
    service, moderation, _ = world
    api.fail_next("submit", status=402)
    await service.create_and_submit(ALICE, REQUEST)
    facts = await moderation.store.facts(ALICE)
    assert facts.used == 0


async def test_a_moderator_resume_lets_videos_through_again(world, api):
    service, moderation, _ = world
    api.fail_next("submit", status=402)
    await service.create_and_submit(ALICE, REQUEST)
    assert await moderation.pause.resume()
    report = await service.create_and_submit(ALICE, REQUEST)
    assert report.state is JobState.QUEUED


async def test_a_waiting_job_accepted_later_resumes_by_itself(world, api, clock):
    service, moderation, events = world
    api.fail_next("submit", status=429)  # sent once: the service never resends in place
    waiting = await service.create_and_submit(ALICE, REQUEST)
    assert waiting.state is JobState.RECORDED
    api.fail_next("submit", status=402)
    await service.create_and_submit(BOB, REQUEST)
    assert await moderation.pause.is_paused()
    clock.advance(60)
    retried = await service.submit(waiting.job, member_present=False)
    assert retried.state is JobState.QUEUED
    assert not await moderation.pause.is_paused()
    await moderation.feed.drain()
    assert events == ["modlog_paused", "modlog_auto_resumed"]


async def test_an_accepted_submit_in_another_process_resumes_what_this_one_paused(db, clock):
    """Several processes share one account: whichever sees the next accepted submit resumes."""
    this = Moderation(db, clock=clock).pause
    other = Moderation(db, clock=clock).pause
    await other.on_balance(True)  # an ordinary accepted submit there, before the 402
    await this.on_balance(False)  # APIMart answers this process 402
    assert await other.is_paused()
    await other.on_balance(True)  # the account was topped up; a submit there succeeds
    assert not await this.is_paused()


async def test_an_acceptance_of_a_submit_sent_before_the_402_does_not_lift_the_pause(world, api):
    """Bob's request left first and is answered late; Alice's, answered at once, meets the
    empty account. Bob's acceptance says nothing of a top-up: the pause stays, and the next
    video is not sent into the empty account (nor the mod-logs told paused, resumed, paused)."""
    service, moderation, events = world
    api.delay_next("submit", 0.5)
    bob = asyncio.create_task(service.create_and_submit(BOB, REQUEST))
    await api.wait_for_submits(1)
    api.fail_next("submit", status=402, times=2)
    alice = await service.create_and_submit(ALICE, REQUEST)
    assert alice.state is JobState.REJECTED
    assert (await bob).state is JobState.QUEUED
    assert await moderation.pause.is_paused()
    with pytest.raises(JobRefused):
        await service.create_and_submit(CAROL, REQUEST)
    await moderation.feed.drain()
    assert events == ["modlog_paused"]


async def test_a_402_outside_servers_does_not_promise_a_moderator(world, api):
    service, _, _ = world
    api.fail_next("submit", status=402)
    report = await service.create_and_submit(DM_DAVE, REQUEST)
    assert report.state is JobState.REJECTED
    told = report.member_message.render("en-US")
    assert "balance is empty" in told and "moderator" not in told
