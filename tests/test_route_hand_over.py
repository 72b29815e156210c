"""The hand-over of a long render to a DM acts on the job as it is now, not as it was."""

import asyncio
import dataclasses
from types import SimpleNamespace

from bot.interaction_delivery import RouteDelivery
from bot.jobs.models import JobState
from bot.reach import (
    HAND_OVER_BEFORE,
    TOKEN_SAFETY_MARGIN,
    Place,
    Reply,
    Route,
    choose_route,
    hand_over_window,
    last_call,
    outlives_token,
)
from bot.settings import Settings
from tests.conftest import SilentDatabase
from tests.test_message_limits import job as make_job

EXPIRES = 900.0


class Store:
    """The job as the database has it now; the jobs handed over to a DM (by the store's rule:
    still under way, not cancelled, no delivery begun), and the tokens then forgotten (once
    the note was made). Stands in for both the `JobStore` and its `ReplyRoutes`."""

    def __init__(self, current):
        self.current = current
        self.handed = []
        self.forgotten = []

    async def take_hand_over(self, job_id):
        job = self.current
        if job.state.is_final or job.cancelled or job.delivery_started_at or job.delivered_at:
            return None
        self.handed.append(job_id)
        return job

    async def get(self, job_id):
        return self.current

    async def forget_interaction(self, job_id, *, route=None):
        self.forgotten.append((job_id, route))


class Hook:
    def __init__(self):
        self.edits = []

    async def edit_message(self, message_id, *, content, allowed_mentions):
        self.edits.append(content)


def route_job(state, **changes):
    job = make_job(state, interaction_message_id=555, **changes)
    reply = Reply(Route.INTERACTION, token="t", expires_at=EXPIRES)
    return dataclasses.replace(job, requester=dataclasses.replace(job.requester, reply=reply))


async def hand_over(stale, current):
    """A progress of `stale` in the token's last stretch, with the database holding `current`."""
    store = Store(current)
    hook = Hook()
    client = SimpleNamespace(application_id=1, _connection=None)
    now = EXPIRES - TOKEN_SAFETY_MARGIN - HAND_OVER_BEFORE / 2
    routes = RouteDelivery(client, store, store, status_text=None, clock=lambda: now)
    routes._webhook = lambda reply: hook
    await routes.progress(stale)
    for _ in range(20):
        await asyncio.sleep(0)
    return store, hook


async def test_a_render_still_going_is_handed_over_with_a_last_edit_saying_so():
    stale = route_job(JobState.PROCESSING, delivered_at=None, delivery_started_at=None)
    store, hook = await hand_over(stale, stale)
    assert len(hook.edits) == 1 and "by direct message" in hook.edits[0]
    assert store.handed == [stale.id] and store.forgotten == [(stale.id, None)]


async def test_a_render_that_ended_meanwhile_is_not_handed_over():
    """A progress that waited behind a slow edit: the video went through the interaction
    since. Its final status stays, and its route is not turned into a DM."""
    stale = route_job(JobState.PROCESSING, delivered_at=None, delivery_started_at=None)
    done = route_job(JobState.COMPLETED)
    store, hook = await hand_over(stale, done)
    assert hook.edits == [] and store.handed == store.forgotten == []


async def test_a_render_whose_delivery_began_is_not_handed_over():
    stale = route_job(JobState.PROCESSING, delivered_at=None, delivery_started_at=None)
    posting = dataclasses.replace(stale, delivery_started_at=EXPIRES - 300)
    store, hook = await hand_over(stale, posting)
    assert hook.edits == [] and store.handed == store.forgotten == []


async def test_a_render_that_failed_meanwhile_is_not_handed_over():
    """Failed or given up on, with its notice not yet begun: the notice still goes through
    the interaction, and the status is not told a video comes by DM."""
    stale = route_job(JobState.PROCESSING, delivered_at=None, delivery_started_at=None)
    for ended in (JobState.FAILED, JobState.TIMED_OUT):
        failed = dataclasses.replace(stale, state=ended)
        store, hook = await hand_over(stale, failed)
        assert hook.edits == [] and store.handed == store.forgotten == [], ended


async def test_a_render_cancelled_meanwhile_is_not_handed_over():
    """A cancelled job keeps its state while APIMart finishes it: its status says cancelled,
    not that the video will come by DM."""
    stale = route_job(JobState.PROCESSING, delivered_at=None, delivery_started_at=None)
    cancelled = dataclasses.replace(
        stale, cancelled_at=EXPIRES - 400, cancel_reason_key="cancelled_by_member"
    )
    store, hook = await hand_over(stale, cancelled)
    assert hook.edits == [] and store.handed == store.forgotten == []


def test_the_hand_over_window_is_longer_than_the_longest_gap_between_checks():
    """Else a render can pass through the window with no check landing in it, and its status
    stays at "rendering" for good."""
    default_gap = Settings.model_fields["poll_max_gap"].default
    assert default_gap < HAND_OVER_BEFORE
    # An operator's longer gap (POLL_MAX_GAP) widens it, so a check still lands in it.
    assert hand_over_window(300.0) > 300.0
    assert hand_over_window(default_gap) == HAND_OVER_BEFORE


async def test_a_render_still_waiting_to_be_sent_is_handed_over_too():
    """APIMart busy or pausing submits: the job is still recorded when the last stretch comes;
    its status must say where the video will go all the same."""
    waiting = route_job(
        JobState.RECORDED, delivered_at=None, delivery_started_at=None, task_id=None
    )
    store, hook = await hand_over(waiting, waiting)
    assert len(hook.edits) == 1 and store.handed == [waiting.id]


def test_a_gap_longer_than_the_token_does_not_hand_every_job_over_from_its_first_check():
    usable = 900.0 - TOKEN_SAFETY_MARGIN
    assert hand_over_window(10_000.0) < usable


def test_a_render_that_would_end_in_the_hand_over_stretch_is_promised_by_dm_at_submit():
    """The hand-over to DM begins `hand_over_window(POLL_MAX_GAP)` before the token's usable
    end (11 min after the command by default): a kind of video measured here at 700 s would
    still be rendering then, so it is said to come by DM from the start, not "right here"."""
    window = hand_over_window(120.0)
    reply = Reply(Route.INTERACTION, token="t", expires_at=900.0)
    assert last_call(reply, 699.0, window), "it would be handed over"
    assert outlives_token(reply, now=0.0, typical=700.0, window=window)
    assert not outlives_token(reply, now=0.0, typical=400.0, window=window)


def test_with_a_longer_poll_max_gap_a_4k_request_is_promised_by_dm_not_here():
    """POLL_MAX_GAP=300 widens the hand-over stretch to 360 s (from 480 s after the command):
    a 4K render, guessed at 600 s, would be handed over, so it is routed by DM at once; with
    the default gap it ends before the stretch and is answered right here."""
    place = Place(guild_id=1, server_installed=False, bot_dm=False)
    wide = hand_over_window(300.0)
    assert choose_route(place, now=0.0, expires_at=900.0, resolution="4k", window=wide) is Route.DM
    usual = hand_over_window(120.0)
    route = choose_route(place, now=0.0, expires_at=900.0, resolution="4k", window=usual)
    assert route is Route.INTERACTION


async def test_a_stop_does_not_wait_for_ever_on_a_hand_over_cut_off_on_a_silent_database():
    """PostgreSQL stops answering while a job is handed over to DM: the stop cuts the private
    status edit off after its grace, and the edit's unwinding waits on the database too. The stop
    leaves it behind instead of waiting until `docker stop` kills the bot."""
    database = SilentDatabase()
    store = Store(route_job(JobState.PROCESSING))
    store.take_hand_over = database.query
    now = EXPIRES - TOKEN_SAFETY_MARGIN - HAND_OVER_BEFORE / 2
    client = SimpleNamespace(application_id=1, _connection=None)
    routes = RouteDelivery(client, store, store, status_text=None, clock=lambda: now)
    await routes.progress(route_job(JobState.PROCESSING))
    await asyncio.wait_for(database.asked.wait(), 5)
    try:
        async with asyncio.timeout(3):
            await routes.close(grace=0.1)
    finally:
        database.answer()
