"""The bot's clock is a `SteadyClock`: the system clock stepping forward or back (an operator,
NTP) neither times out a render APIMart is still making nor freezes polling."""

import asyncio
import contextlib
import time

from bot.__main__ import shared_clock
from bot.apimart import VideoRequest
from bot.engine.clock import SteadyClock, keep_in_step
from bot.jobs.models import JobState, Requester
from bot.jobs.stages import LeaseTerms, Stage
from bot.jobs.store import JobStore
from tests.backends import postgres_only
from tests.conftest import FakeClock
from tests.engine.world import is_result, make_engine, running, wait_for_result
from tests.fakes.apimart import TaskPlan
from tests.fakes.components import shown_text
from tests.harness import running_bot

FORTY_MINUTES = 40 * 60  # longer than the 30 minutes a render may take (TASK_TIMEOUT)
ONE_HOUR = 60 * 60
REQUESTER = Requester(user_id=42, channel_id=7, guild_id=1)
REQUEST = VideoRequest(prompt="a fox in snow", duration=6)


async def between_polls(store):
    """Returns once a poll has been written down and the next one is scheduled."""
    record_progress = store.record_progress
    written = asyncio.Event()

    async def noting_record_progress(*args, **kwargs):
        job = await record_progress(*args, **kwargs)
        written.set()
        return job

    store.record_progress = noting_record_progress
    await written.wait()
    store.record_progress = record_progress


class SteppableWall:
    """The system clock, which the test can step like an operator would."""

    def __init__(self):
        self.step = 0.0

    def __call__(self):
        return time.time() + self.step


async def test_the_wall_clock_stepping_40_minutes_forward_does_not_time_out_a_render(tmp_path):
    wall = SteppableWall()
    clock = SteadyClock(wall=wall, monotonic=time.monotonic)
    plan = TaskPlan(polls_until_done=None)  # APIMart is still rendering
    async with running_bot(tmp_path, plan=plan, clock=clock, task_timeout=1800) as world:
        interaction = await world.video(prompt="a long render")
        await interaction.wait_for_answer()
        await between_polls(world.bot.store)
        wall.step += FORTY_MINUTES
        polled = len(world.api.polls)
        await world.api.wait_for_polls(polled + 3)
        world.api.last_task.complete()
        result = await world.discord.wait_for_message(predicate=is_result(1))
        assert "your video is ready" in shown_text(result)
        await world.bot.poller.stop()
        assert (await world.bot.store.get(1)).state is JobState.COMPLETED


async def test_the_wall_clock_stepping_an_hour_back_does_not_freeze_polling(tmp_path):
    wall = SteppableWall()
    clock = SteadyClock(wall=wall, monotonic=time.monotonic)
    async with running_bot(tmp_path, plan=TaskPlan(polls_until_done=None), clock=clock) as world:
        interaction = await world.video(prompt="a long render")
        await interaction.wait_for_answer()
        await between_polls(world.bot.store)
        wall.step -= ONE_HOUR
        polled = len(world.api.polls)
        await world.api.wait_for_polls(polled + 3, timeout=2)
        world.api.last_task.complete()
        await world.discord.wait_for_message(predicate=is_result(1), timeout=3)


async def test_a_restart_after_the_clock_was_set_back_an_hour_keeps_polling_and_delivering(
    db, api, session, client, fake, caplog
):
    """The host's clock ran an hour ahead (NTP not yet synced at boot, a hardware clock kept in
    local time) and was corrected before the process restarted: the jobs its predecessor wrote
    are due an hour ahead of the new clock. They are checked and posted now, and the operator
    is told why."""
    api.default_plan = TaskPlan(polls_until_done=1)
    before = make_engine(db, api, session, client, fake, clock=lambda: time.time() + ONE_HOUR)
    job = await before.queue()  # accepted by APIMart; the process then stops
    assert (await before.store.get(job.id)).state is JobState.QUEUED
    after = make_engine(db, api, session, client, fake, clock=time.time)
    async with running(after):
        await wait_for_result(fake, job.id, timeout=10)
    [warning] = [r for r in caplog.records if "ahead of this clock" in r.getMessage()]
    assert "recorded 3600 s ahead of this clock" in warning.getMessage()


async def test_a_claim_made_by_a_clock_an_hour_ahead_does_not_hold_its_job_for_an_hour(
    db, api, session, client, fake
):
    """A process whose clock (the database server's, on PostgreSQL) ran an hour ahead claimed a
    render's status check, then died; the clock was corrected. Another process, which releases
    nobody's claims at start (others may be alive), checks and posts the video now."""
    api.default_plan = TaskPlan(polls_until_done=1)
    ahead = FakeClock(start=time.time() + ONE_HOUR)
    gone = make_engine(db, api, session, client, fake, clock=ahead, leases=LeaseTerms("gone"))
    job = await gone.queue()
    ahead.advance(60)
    assert [claim.id for claim in await gone.store.claim_due(Stage.POLL, 10)] == [job.id]
    alive = make_engine(
        db, api, session, client, fake, leases=LeaseTerms("alive"), recover_at_start=False
    )
    async with running(alive):
        await wait_for_result(fake, job.id, timeout=10)


TEN_MINUTES = 10 * 60


@postgres_only
async def test_a_host_whose_clock_runs_ahead_does_not_take_over_work_still_claimed(backend, caplog):
    """Two processes on one PostgreSQL database, on hosts whose clocks are 10 minutes apart:
    both time leases by the database's clock, so the fast host waits for a claim to lapse."""
    first, second = await backend.open(), await backend.open()
    await first.migrate()
    on_time = await shared_clock(first)
    ahead = await shared_clock(second, wall=lambda: time.time() + TEN_MINUTES)
    assert "600.0 s ahead of the database server's" in caplog.text
    one = JobStore(first, clock=on_time, leases=LeaseTerms(owner="on-time", poll=0.5))
    other = JobStore(second, clock=ahead, leases=LeaseTerms(owner="ahead"))
    job = await one.create(REQUESTER, REQUEST, now=on_time(), submit_by=on_time())
    claim = await one.claim_for_submit(job.id)
    assert await one.mark_submitted(claim, "task_1", now=on_time(), first_poll_at=on_time())
    assert [due.id for due in await one.claim_due(Stage.POLL, 10)] == [job.id]
    assert await other.claim_due(Stage.POLL, 10) == [], "taken over while still claimed"
    await asyncio.sleep(0.6)
    assert [due.id for due in await other.claim_due(Stage.POLL, 10)] == [job.id], "once lapsed"


def test_a_nudge_moves_the_clock_at_most_so_far_towards_the_database():
    monotonic = SteppableWall()  # stands still unless stepped
    clock = SteadyClock(wall=lambda: 1000.0, monotonic=lambda: 50.0 + monotonic.step)
    assert clock.nudge(1030.0, read_at=50.0, most=1.0) == 30.0
    assert clock() == 1001.0, "one second closer, not a 29-second jump"
    assert clock.nudge(1000.5, read_at=50.0, most=1.0) == -0.5
    assert clock() == 1000.5, "a small difference is closed at once"


async def test_a_clock_drifting_from_the_databases_is_brought_back_in_small_steps(caplog):
    """A host whose oscillator runs fast (broken NTP) over a long uptime: the database's clock
    is 5 s behind the bot's. Each round closes one second of it; the operator is told once."""
    clock = SteadyClock()
    database_behind = 5.0
    rounds = 0

    async def server_time():
        nonlocal rounds
        rounds += 1
        return time.time() - database_behind

    keeping = asyncio.create_task(keep_in_step(clock, server_time, every=0.01, most=1.0))
    try:
        async with asyncio.timeout(5):
            while rounds < 8:  # noqa: ASYNC110
                await asyncio.sleep(0.01)
    finally:
        keeping.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await keeping
    assert abs(clock() - (time.time() - database_behind)) < 0.1, "in step after five rounds"
    warnings = [r for r in caplog.records if "the database server's" in r.getMessage()]
    assert len(warnings) == 1 and "5.0 s ahead of" in warnings[0].getMessage()


async def test_a_clock_hours_off_the_databases_is_set_to_it_at_once_and_the_operator_told(caplog):
    """The host slept for 8 hours where no clock counts a suspend (the monotonic clock stood
    still): the bot's clock is 8 hours behind. Followed a second at a time, expired result
    links would pass as valid and every <t:> time be wrong for weeks; it jumps instead."""
    eight_hours = 8 * ONE_HOUR
    since_boot = SteppableWall()  # stands still unless stepped
    host_clock = SteppableWall()
    clock = SteadyClock(wall=lambda: 1_800_000_000.0, monotonic=lambda: since_boot.step)
    rounds = asyncio.Event()

    async def server_time():
        host_clock.step = eight_hours  # the host woke up: its own clock says 8 hours passed too
        rounds.set()
        return 1_800_000_000.0 + eight_hours

    keeping = asyncio.create_task(
        keep_in_step(
            clock, server_time, every=0.01, monotonic=lambda: since_boot.step, wall=host_clock
        )
    )
    try:
        await asyncio.wait_for(rounds.wait(), timeout=5)
        rounds.clear()
        await asyncio.wait_for(rounds.wait(), timeout=5)  # the first round's nudge is done
    finally:
        keeping.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await keeping
    assert clock() == 1_800_000_000.0 + eight_hours, "set to the database's, not a second closer"
    [jumped] = [r for r in caplog.records if "it now reads the server's time" in r.getMessage()]
    assert "28800 s behind the database server's" in jumped.getMessage()


async def test_a_clock_timed_by_the_host_because_the_database_could_not_say_is_set_to_its_own():
    """At start the database's clock could not be read (a timeout), so the bot times with this
    host's clock, 10 minutes ahead: once the database answers, its clock is taken at once, not
    followed a second every 5 minutes (50 hours, taking other processes' claims early)."""

    class Database:
        answered = False

        async def server_time(self):
            if not self.answered:
                self.answered = True
                raise TimeoutError
            rounds.set()
            return time.time()

    rounds = asyncio.Event()
    database = Database()
    clock = await shared_clock(database, wall=lambda: time.time() + TEN_MINUTES)
    keeping = asyncio.create_task(keep_in_step(clock, database.server_time, every=0.01))
    try:
        await asyncio.wait_for(rounds.wait(), timeout=5)
        await asyncio.sleep(0.05)  # its nudge made
    finally:
        keeping.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await keeping
    assert abs(clock() - time.time()) < 1, "set to the database's clock, not a second closer"
