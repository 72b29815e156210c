"""Item 2 end to end: two real `python -m bot` processes (`SHARD_COUNT=2`), one PostgreSQL
schema, the fake Discord sharding two guilds like Discord, the fake APIMart (see `fleet`)."""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import AsyncIterator

import pytest

from bot.i18n import msg
from bot.moderation.service import Moderation
from bot.moderation.store import Actor
from bot.storage import Database
from tests.backends import postgres_only
from tests.e2e.fleet import (
    LEASE,
    POLL_INTERVAL,
    database_url,
    fleet,
    guilds_on_two_shards,
    jobs_ended_by,
    jobs_recorded_by,
    results,
)
from tests.fakes.apimart import FakeAPIMart, TaskPlan
from tests.fakes.components import shown_text
from tests.fakes.discord import FakeDiscord
from tests.harness import API_KEY, BOT_TOKEN, assert_no_spec_violations

pytestmark = postgres_only

MANAGE_GUILD = 1 << 5

# How far the victim's recorded lease end may be ahead of the survivor's view of the same
# moment (both read this machine's clock, through the database's).
CLOCK_SKEW = 0.05


@pytest.fixture
async def fakes() -> AsyncIterator[tuple[FakeDiscord, FakeAPIMart]]:
    async with FakeDiscord(token=BOT_TOKEN) as fake, FakeAPIMart(api_key=API_KEY) as api:
        # Many results in one channel at once: keep Discord's per-route bucket out of the way.
        fake.rate_limit_limit = fake.rate_limit_remaining = 100
        yield fake, api
        assert_no_spec_violations(fake)


@pytest.fixture
def guilds(fakes) -> list[tuple[int, int, int]]:
    """(guild, channel, member) on shard 0 and on shard 1."""
    return guilds_on_two_shards(fakes[0])


@pytest.fixture
def start(tmp_path, fakes, backend):
    """Start bot processes on the test's schema: `async with start(["0", "1"]) as [a, b]`."""
    fake, api = fakes

    def starting(shard_ids, **env):
        database = database_url(backend.dsn, backend.schema)
        return fleet(tmp_path, fake, api, database, shard_ids, **env)

    return starting


async def one_stands_back_then_both_stop(fake: FakeDiscord, processes) -> None:
    """Until one process says another answered the interaction first; then stop both."""
    await fake.wait_for(
        lambda: [p for p in processes if "already answered by another process" in p.log()],
        timeout=10,
        description="the other process standing back",
    )
    for process in processes:
        assert await process.stop(signal.SIGTERM) == 0


async def two_videos_asked(fake: FakeDiscord, guild: int, member: int, prompt: str) -> None:
    """`member` asks for two videos in `guild`; each command is answered."""
    for n in range(2):
        command = await fake.slash_command(
            "video", options={"prompt": f"{prompt} {n}"}, guild_id=guild, user=member
        )
        await command.wait_for_answer(timeout=10)


async def victims_two_results_posted(fake: FakeDiscord, channel: int) -> None:
    """Wait for the two results the killed process left behind (its claims lapse first).

    A takeover takes LEASE + POLL_INTERVAL at most (1.7 s here), the poll and the post a few
    round trips on loopback: 10 s more is room for a loaded machine, not for a stall. That is
    the only clock these tests read for how soon: a survivor that does not look for others'
    work sleeps its longest idle wait (`PollerConfig.max_idle_wait`, 5 minutes) and fails
    here, while a bound of a second or two would fail a sound run on a busy machine. A wait
    that runs out has a cause in the bots' logs, which the failure's report shows."""
    await fake.wait_for(
        lambda: len(results(fake, channel)) == 2,
        timeout=LEASE + POLL_INTERVAL + 10,
        description="the victim's two results",
    )


async def job_rows(db: Database) -> list[dict]:
    return [dict(row) for row in await db.fetch_all("SELECT * FROM jobs ORDER BY id")]


async def test_two_processes_each_serve_their_shards_guild_and_post_every_result_once(
    fakes, guilds, start, db
):
    fake, api = fakes
    api.default_plan = TaskPlan(polls_until_done=3)
    async with start(["0", "1"]) as processes:
        commands = [
            await fake.slash_command(
                "video", options={"prompt": f"a comet {n}"}, guild_id=guild, user=member
            )
            for n in range(2)  # a member may have 2 videos in progress by default
            for guild, _, member in guilds
        ]
        for command in commands:
            assert "queued as job" in (await command.wait_for_answer(timeout=10))["content"]
        await fake.wait_for(
            lambda: sum(len(results(fake, channel)) for _, channel, _ in guilds) == 4,
            timeout=15,
            description="four results",
        )
        for process in processes:
            assert await process.stop(signal.SIGTERM) == 0
    rows = await job_rows(db)
    assert len(rows) == 4 and all(row["delivered_at"] is not None for row in rows)
    for shard, (guild, channel, member) in enumerate(guilds):
        posted = results(fake, channel)
        mine = {row["id"] for row in rows if row["guild_id"] == guild}
        assert set(posted) == mine, "each result in its own guild's channel"
        assert all(len(posts) == 1 for posts in posted.values()), "each posted exactly once"
        assert all(f"<@{member}>" in shown_text(posts[0]) for posts in posted.values())
        assert jobs_recorded_by(processes[shard]) == mine, "the shard's process took its commands"
        interactions = [
            target
            for target, frame in fake.gateway_dispatched_to
            if frame["t"] == "INTERACTION_CREATE" and frame["d"]["guild_id"] == str(guild)
        ]
        assert interactions == [(shard, 2)] * 2, "Discord sent them to that shard only"
    ended = sorted(n for process in processes for n in jobs_ended_by(process))
    assert ended == [row["id"] for row in rows], "each render's end recorded by one process"
    assert len(api.submits) == 4


async def test_50_commands_at_once_with_3_left_over_two_processes_on_one_shard_make_3_jobs(
    fakes, guilds, start, db
):
    """Two processes run the same shard (a deploy overlap): Discord tells both of every command.

    With disjoint SHARD_IDS one guild's commands reach one process only; this is how one
    member's burst reaches two processes at once for real.
    """
    fake, api = fakes
    api.default_plan = TaskPlan(polls_until_done=None)
    guild, _, member = guilds[0]
    moderator = Actor(guild, fake.owner_id)
    moderation = Moderation(db, clock=time.time)
    await moderation.store.update_policy(
        moderator, msg("change_resumed", moderator="test"), max_active=50
    )
    await moderation.store.set_member_limit(moderator, member, 3, "three left", None)
    async with start(["0", "0"]) as processes:
        commands = await asyncio.gather(
            *(
                fake.slash_command(
                    "video", options={"prompt": f"a kite {n}"}, guild_id=guild, user=member
                )
                for n in range(50)
            )
        )
        for command in commands:
            await command.wait_for_answer(timeout=15)
        rows = await job_rows(db)
        for process in processes:
            assert await process.stop(signal.SIGTERM) == 0
    assert len(rows) == 3, "exactly the 3 videos left"
    for process in processes:
        assert "Refused a job for user" in process.log(), "both processes admitted at once"
    assert all(len(command.callbacks) == 1 for command in commands), "one acknowledgement each"
    # Both processes heard every command: one tells the member, the other stays quiet.
    assert all(len(command.answers) == 1 for command in commands), "one answer each"
    assert sum("queued as job" in command.answers[0]["content"] for command in commands) == 3
    for process in processes:
        assert "Traceback" not in process.log(), "an echo is no error"


async def test_a_video_command_seen_by_both_processes_on_one_shard_makes_one_job_and_one_answer(
    fakes, guilds, start, db
):
    """A deploy overlap: Discord tells both processes of one /video; the member gets one video."""
    fake, api = fakes
    api.default_plan = TaskPlan(polls_until_done=None)
    guild, channel, member = guilds[0]
    async with start(["0", "0"]) as processes:
        command = await fake.slash_command(
            "video", options={"prompt": "a lighthouse"}, guild_id=guild, user=member
        )
        assert "queued as job #1" in (await command.wait_for_answer(timeout=10))["content"]
        echo = await fake.wait_for(
            lambda: [p for p in processes if "already recorded by another" in p.log()],
            timeout=10,
            description="the other process standing back",
        )
        for process in processes:
            assert await process.stop(signal.SIGTERM) == 0
    assert len(echo) == 1
    assert len(await job_rows(db)) == 1, "one job"
    assert len(api.submits) == 1, "sent once"
    # Both processes acknowledge at once; Discord keeps the first and refuses the other's
    # deferral as already acknowledged (the member sees none of that), which stays quiet.
    assert len(command.callbacks) == 1
    assert [body["code"] for _, body in command.rejected_callbacks] in ([], [40060])
    assert len(command.followups) == 1, "the member reads one answer"
    errors = [p.log() for p in processes if "Traceback" in p.log()]
    assert not errors, f"no error for the echo:\n{errors[0][-3000:] if errors else ''}"
    announcements = [m for m in fake.messages(channel) if "asked for a video" in m["content"]]
    assert len(announcements) == 1, "announced once"


async def test_a_moderators_change_seen_by_both_processes_is_made_once_and_answered_once(
    fakes, guilds, start, db
):
    """A deploy overlap: Discord tells both processes of one /videomod command. Each
    acknowledges before touching the database; the one Discord heard second leaves the
    command to the other, so the change is written (and audited) once."""
    fake, _ = fakes
    guild, _, member = guilds[0]
    async with start(["0", "0"]) as processes:
        command = await fake.slash_command(
            "videomod limits set",
            options={"allowance": 3},
            guild_id=guild,
            user=member,
            member_permissions=str(MANAGE_GUILD),
        )
        answer = await command.wait_for_private_answer(timeout=10)
        assert "set the limits: 3 videos per member" in answer
        await one_stands_back_then_both_stop(fake, processes)
    assert [body["code"] for _, body in command.rejected_callbacks] == [40060]
    audited = await db.fetch_all("SELECT * FROM mod_audit WHERE guild_id = ?", (guild,))
    assert len(audited) == 1, "changed once"
    assert len(command.answers) == 1, "the moderator reads one answer"
    assert not [p for p in processes if "Traceback" in p.log()]


async def test_an_invalid_video_command_seen_by_both_processes_is_answered_once_without_an_error(
    fakes, guilds, start
):
    """A deploy overlap: both processes refuse a /video asking for a first frame without an
    image, each at once; Discord keeps one answer and refuses the other as already
    acknowledged, which that process takes quietly."""
    fake, api = fakes
    guild, _, member = guilds[0]
    async with start(["0", "0"]) as processes:
        command = await fake.slash_command(
            "video",
            options={"prompt": "a lighthouse", "mode": "frame"},
            guild_id=guild,
            user=member,
        )
        answer = await command.wait_for_answer(timeout=10)
        await one_stands_back_then_both_stop(fake, processes)
    assert "image" in answer["content"]
    assert len(command.answers) == 1, "the member reads one answer"
    assert [body["code"] for _, body in command.rejected_callbacks] == [40060]
    errors = [p.log() for p in processes if "Traceback" in p.log()]
    assert not errors, f"no error for the echo:\n{errors[0][-3000:] if errors else ''}"
    assert api.submits == []


async def test_sigkill_of_a_process_holding_claims_its_jobs_are_taken_over_after_the_lease(
    fakes, guilds, start, db
):
    fake, api = fakes
    api.default_plan = TaskPlan(polls_until_done=None)
    guild, channel, member = guilds[1]
    api.delay_next("poll", 60.0, times=2)  # the victim's polls hang: it holds their claims
    async with start(["1"], HTTP_TIMEOUT="60") as [victim]:
        await two_videos_asked(fake, guild, member, "a storm")
        await api.wait_for_polls(2, timeout=10)
        owner = f":{victim.process.pid}:"
        assert all(owner in (row["lease_owner"] or "") for row in await job_rows(db))
        async with start(["0"]) as [survivor]:
            assert await victim.stop(signal.SIGKILL) == -signal.SIGKILL
            killed_at = time.time()
            held = await job_rows(db)  # as the victim left them: claimed, until lease_until
            assert all(owner in (row["lease_owner"] or "") for row in held)
            for task_id in api.task_ids:
                api.task(task_id).complete()
            await victims_two_results_posted(fake, channel)
            assert await survivor.stop(signal.SIGTERM) == 0
    posted = results(fake, channel)
    assert sorted(posted) == [row["id"] for row in held]
    assert all(len(posts) == 1 for posts in posted.values()), "each posted exactly once"
    assert len(api.submits) == 2, "never resubmitted"
    assert sorted(jobs_ended_by(survivor)) == [row["id"] for row in held], "taken over"
    taken_over_only_once_lapsed(api, held, owner, killed_at)


async def test_sigkill_while_the_other_process_is_idle_its_jobs_are_still_delivered(
    fakes, guilds, start, db
):
    """The survivor had nothing to do since before the jobs existed: it must still look.

    Ready (its shard's servers in), it looked and found no work before the victim recorded
    any; nothing tells it of the victim's jobs. Looking every POLL_INTERVAL, it takes them
    over (records their ends and posts them) within the results' wait, never before a claim
    the victim held lapsed."""
    fake, api = fakes
    api.default_plan = TaskPlan(polls_until_done=None)
    guild, channel, member = guilds[1]
    async with start(["0", "1"]) as [survivor, victim]:
        # Not ready yet (discord.py waits for the servers' members), the survivor would take
        # its first look once ready, after the kill, and find the jobs without ever looking
        # on its own.
        for process in (survivor, victim):
            await process.wait_for_log("Connected as")
        await two_videos_asked(fake, guild, member, "a tide")
        await api.wait_for_polls(2, timeout=10)  # rendering
        owner = f":{victim.process.pid}:"
        assert await victim.stop(signal.SIGKILL) == -signal.SIGKILL
        killed_at = time.time()
        left = await job_rows(db)  # as the victim left them
        for task_id in api.task_ids:
            api.task(task_id).complete()
        await victims_two_results_posted(fake, channel)
        assert await survivor.stop(signal.SIGTERM) == 0
    assert all(len(posts) == 1 for posts in results(fake, channel).values())
    assert sorted(jobs_ended_by(survivor)) == [row["id"] for row in left], "taken over"
    assert len(api.submits) == 2, "never resubmitted"
    taken_over_only_once_lapsed(api, left, owner, killed_at)


def taken_over_only_once_lapsed(api: FakeAPIMart, rows, owner: str, killed_at: float) -> None:
    """Each job's first status check after the kill came once the victim's claim on it (if it
    held one: `owner` in `lease_owner`) had lapsed, not before."""
    polls = api.requests_for("poll")
    for row in rows:
        taken = min(r.time for r in polls if r.path.endswith(row["task_id"]) and r.time > killed_at)
        if owner in (row["lease_owner"] or ""):
            assert taken >= row["lease_until"] - CLOCK_SKEW, f"job {row['id']} polled early"


def _bot_replies_to(fake: FakeDiscord, channel: int, message: dict) -> list[dict]:
    return [
        m
        for m in fake.messages(channel)
        if m["author"]["id"] == str(fake.bot_user_id)
        and (m.get("message_reference") or {}).get("message_id") == message["id"]
    ]


async def test_a_refused_mention_seen_by_both_processes_on_one_shard_is_answered_once(
    fakes, guilds, start
):
    """A deploy overlap: Discord sends a member's mention of the bot to both processes on its
    shard, and both refuse its flag alike. As for a slash command, the member must read one
    answer, not one per process: both send it with one nonce, and Discord keeps the first."""
    fake, api = fakes
    _, channel, member = guilds[0]
    async with start(["0", "0"]) as processes:
        message = await fake.message_create(
            f"<@{fake.bot_user_id}> a lighthouse --duration 7", channel_id=channel, author=member
        )
        await fake.wait_for(
            lambda: (
                len(
                    [
                        r
                        for r in fake.requests
                        if r.method == "POST" and r.path.endswith(f"/channels/{channel}/messages")
                    ]
                )
                == 2
            ),
            timeout=10,
            description="both processes answering",
        )
        for process in processes:
            assert await process.stop(signal.SIGTERM) == 0
    [reply] = _bot_replies_to(fake, channel, message)
    assert "`7` is not a valid value for `--duration`" in reply["content"]
    assert api.submits == []
