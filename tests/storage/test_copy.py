"""`python -m bot.storage.copy`: a stopped bot's SQLite database, moved to PostgreSQL."""

import asyncio
import sqlite3
import sys
from pathlib import Path

import pytest

from bot.apimart.models import TaskInfo, TaskStatus, VideoRequest
from bot.i18n import msg
from bot.jobs.kept_tasks import KeptTask, KeptTasks, kept_beside
from bot.jobs.models import JobState, Requester
from bot.jobs.stages import Stage
from bot.jobs.store import JobStore
from bot.moderation.facts import PAUSE_KEY
from bot.moderation.store import Actor, ModerationStore
from bot.storage import load_migrations
from bot.storage.base import MIGRATIONS_ROOT
from bot.storage.copy import run
from bot.storage.sqlite import SqliteDatabase
from tests.backends import lay_migrated_sqlite, postgres_only
from tests.conftest import FakeClock
from tests.jobstates import claimed, finished, submitted, unsubmitted

GUILD = 10
MOD = Actor(GUILD, 99)
ALICE = Requester(user_id=42, channel_id=7, guild_id=GUILD, role_ids=(500,))
BOB = Requester(user_id=43, channel_id=7, guild_id=GUILD, locale="zh-CN")
IN_DMS = Requester(user_id=44, channel_id=8, guild_id=None)
PASSWORD = "hunter2-not-needed-with-trust"


def target_url(backend, *, password: str | None = None) -> str:
    """The test's PostgreSQL schema as a URL an operator would give (a password optional)."""
    dsn = backend.dsn
    if password is not None:
        scheme, rest = dsn.split("://", 1)
        user, host = rest.split("@", 1)
        dsn = f"{scheme}://{user}:{password}@{host}"
    return f"{dsn}{'&' if '?' in dsn else '?'}search_path={backend.schema}"


async def build_sqlite(path, clock, *, migrations=None) -> None:
    """A bot's SQLite file after some use: jobs in every kind of state, settings, an audit."""
    db = await SqliteDatabase.open(path)
    await db.migrate(migrations)
    if migrations is not None:
        await db.close()
        return
    store = JobStore(db, clock=clock)
    mods = ModerationStore(db, clock=clock)
    await mods.update_policy(
        MOD,
        msg("change_limits", moderator=MOD.mention),
        period="week",
        reset_hour=6,
        default_limit=4,
        max_active=3,
        cooldown_seconds=30,
        monthly_budget=500.0,
        modlog_channel_id=77,
    )
    await mods.set_role_limit(MOD, 500, 9)
    await mods.set_member_limit(MOD, BOB.user_id, 2, "shared account", clock() + 86_400)
    await mods.reserve_option(MOD, "resolution:4k", "4K", 500)
    await mods.add_channel(MOD, 7)
    await mods.add_banned(MOD, "gore*")

    async def new(requester=ALICE, prompt="a fox"):
        clock.advance(5)
        request = VideoRequest(prompt=prompt, duration=8, image_urls=("https://x/a.png",))
        return await store.create(requester, request, now=clock(), submit_by=clock() + 60)

    await new(prompt="still recorded")
    sending = await new(prompt="being sent when the bot stopped")
    assert await store.claim_for_submit(sending.id) is not None
    queued = await submitted(store, await new(prompt="queued"), now=clock())
    clock.advance(1)
    running = await claimed(store, queued.id, Stage.POLL)
    info = TaskInfo(task_id="t", status=TaskStatus.PROCESSING, progress=40, estimated_time=200)
    await store.record_progress(running, info, next_poll_at=clock() + 8)
    done = await submitted(store, await new(prompt="done"), now=clock())
    info = TaskInfo(
        task_id="t",
        status=TaskStatus.COMPLETED,
        progress=100,
        video_url="https://cdn/v.mp4",
        expires_at=1_800_100_000,
        cost=0.4,
        credits_cost=4.5,
    )
    done = await finished(store, done, JobState.COMPLETED, now=clock(), info=info)
    [delivering] = await store.claim_due(Stage.DELIVER, 10)
    delivering = await store.begin_delivery(delivering, now=clock(), target="channel")
    assert await store.mark_delivered(delivering, now=clock(), message_id=123456789012345678)
    failed = await submitted(store, await new(BOB, "failed"), now=clock())
    await finished(store, failed, JobState.FAILED, now=clock(), reason_key="task_failed")
    await unsubmitted(store, await new(BOB, "answer lost"), JobState.SUBMIT_UNKNOWN, now=clock())
    waiting = await new(BOB, "cancelled before sending")
    await store.cancel(waiting.id, reason_key="cancelled_by_member", now=clock(), member_told=True)
    accepted = await submitted(store, await new(prompt="cancelled at APIMart"), now=clock())
    await store.cancel(
        accepted.id, reason_key="cancelled_by_moderator", now=clock(), member_told=False
    )
    never = await submitted(store, await new(BOB, "never finished"), now=clock())
    await finished(store, never, JobState.TIMED_OUT, now=clock(), reason_key="task_timeout")
    await new(IN_DMS, "made in a DM")
    await db.set_value(PAUSE_KEY, "1800000000.0")
    await db.close()


async def everything_read(db, clock):
    """What the bot would read: every job, the members' facts, the settings and the audit."""
    store, mods = JobStore(db, clock=clock), ModerationStore(db, clock=clock)
    ids = [row[0] for row in await db.fetch_all("SELECT id FROM jobs ORDER BY id")]
    return {
        "jobs": [await store.get(job_id) for job_id in ids],
        "facts": [await mods.facts(member) for member in (ALICE, BOB)],
        "roles": await mods.role_limits(GUILD),
        "overrides": await mods.member_overrides(GUILD),
        "audit": await mods.recent_audit(GUILD, 100),
        "usage": await mods.top_usage(GUILD, (await mods.facts(ALICE)).window, 10),
        "dm_jobs": await store.recent_for_user(IN_DMS.user_id, 10),
        "paused": await db.get_value(PAUSE_KEY),
    }


async def read_sqlite(path, clock):
    db = await SqliteDatabase.open(path)
    try:
        return await everything_read(db, clock)
    finally:
        await db.close()


async def count_rows(db, table):
    row = await db.fetch_one(f"SELECT COUNT(*) FROM {table}")
    return row[0]


@pytest.fixture
def source(tmp_path):
    return tmp_path / "old" / "bot.sqlite3"


@postgres_only
async def test_a_copied_database_reads_back_the_same_jobs_settings_and_member_facts(
    backend, source, capsys
):
    clock = FakeClock()
    await build_sqlite(source, clock)
    before = await read_sqlite(source, clock)

    assert await run(["--from", str(source), "--to", target_url(backend)]) == 0

    out = capsys.readouterr().out
    assert "jobs" in out and " 10 rows" in out, out
    after = await everything_read(await backend.open(), clock)
    assert len(after["jobs"]) == 10
    assert {job.state for job in after["jobs"]} >= {
        JobState.RECORDED,
        JobState.SUBMITTING,
        JobState.PROCESSING,
        JobState.COMPLETED,
        JobState.FAILED,
        JobState.SUBMIT_UNKNOWN,
        JobState.CANCELLED,
        JobState.TIMED_OUT,
    }
    for name, value in before.items():
        assert after[name] == value, name
    alice, bob = after["facts"]
    assert (alice.allowance.limit, alice.used, alice.active) == (9, 5, 3)
    assert (bob.allowance.limit, bob.used, bob.left) == (2, 2, 0)
    assert alice.budget_used == 4.5 and alice.paused and alice.channels == {7}


@postgres_only
async def test_a_second_copy_is_refused_and_changes_nothing(backend, source, capsys):
    clock = FakeClock()
    await build_sqlite(source, clock)
    assert await run(["--from", str(source), "--to", target_url(backend)]) == 0
    capsys.readouterr()

    assert await run(["--from", str(source), "--to", target_url(backend)]) == 1

    err = capsys.readouterr().err.strip()
    assert err.startswith("Nothing copied: the PostgreSQL database already holds data"), err
    assert "\n" not in err
    db = await backend.open()
    assert await count_rows(db, "jobs") == 10
    assert await count_rows(db, "mod_audit") == 6


@postgres_only
async def test_a_job_recorded_after_the_copy_is_numbered_past_the_copied_ones(backend, source):
    clock = FakeClock()
    await build_sqlite(source, clock)
    assert await run(["--from", str(source), "--to", target_url(backend)]) == 0

    db = await backend.open()
    job = await JobStore(db, clock=clock).create(
        ALICE, VideoRequest(prompt="the first on PostgreSQL"), now=clock(), submit_by=clock()
    )
    assert job.id == 11
    mods = ModerationStore(db, clock=clock)
    await mods.add_banned(MOD, "spoiler")
    assert [row[0] for row in await db.fetch_all("SELECT MAX(id) FROM mod_audit")] == [7]


@postgres_only
async def test_the_copy_is_refused_while_a_bot_runs_on_the_sqlite_file(backend, source, capsys):
    clock = FakeClock()
    await build_sqlite(source, clock)
    running = await SqliteDatabase.open(source)
    try:
        assert await run(["--from", str(source), "--to", target_url(backend)]) == 1
    finally:
        await running.close()

    err = capsys.readouterr().err.strip()
    assert err == (
        f"Nothing copied: a bot process is running on {source} (it holds {source}.lock);"
        " stop it, then copy"
    )
    db = await backend.open()
    tables = await db.fetch_all(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
    )
    assert tables == [], "PostgreSQL is not even touched"


@postgres_only
async def test_the_copy_is_refused_while_apimart_answers_wait_beside_the_sqlite_file(
    backend, source, capsys
):
    """A stop while a task id could not be written (a full disk) keeps it beside the file, for
    the bot's next start on it. Copied without it, the job becomes "can't tell whether your
    video was started" on PostgreSQL, and the paid video is never posted."""
    clock = FakeClock()
    await build_sqlite(source, clock)  # job 2 was being sent when the bot stopped
    kept = KeptTasks(kept_beside(source))
    assert kept.keep(KeptTask(2, "task-accepted-as-it-stopped", 1_800_000_000.0))

    assert await run(["--from", str(source), "--to", target_url(backend)]) == 1

    err = capsys.readouterr().err.strip()
    assert err == (
        f"Nothing copied: {kept.path} holds 1 answer of APIMart's that the bot has not written"
        f" into {source} yet (a video being made and billed, or a refusal): start the bot on"
        " the file once, so that it writes them in, stop it, then copy"
    )
    assert kept.pending() == [KeptTask(2, "task-accepted-as-it-stopped", 1_800_000_000.0)]
    db = await backend.open()
    tables = await db.fetch_all(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
    )
    assert tables == [], "PostgreSQL is not even touched"


@postgres_only
async def test_a_copy_that_fails_midway_leaves_postgresql_empty(backend, source, capsys):
    clock = FakeClock()
    await build_sqlite(source, clock)
    # A value SQLite accepts but PostgreSQL's INTEGER cannot hold, in the last job copied.
    with sqlite3.connect(source) as raw:
        raw.execute("UPDATE jobs SET progress = ? WHERE id = 10", (2**40,))

    assert await run(["--from", str(source), "--to", target_url(backend)]) == 1

    err = capsys.readouterr().err.strip()
    assert err.startswith("Nothing copied: the copy failed, so PostgreSQL was left as it was"), err
    assert "table jobs, column progress" in err, err
    db = await backend.open()
    for table in ("jobs", "mod_policy", "mod_audit", "mod_banned_words", "bot_state"):
        assert await count_rows(db, table) == 0, table


@postgres_only
async def test_an_estimate_an_older_bot_stored_is_copied_as_no_estimate(backend, source, capsys):
    """Before 70faf52 the bot kept any `estimated_time` APIMart answered (up to 1e12 s); SQLite
    stored it, PostgreSQL's INTEGER cannot. Today's bot reads one past a day as no estimate."""
    clock = FakeClock()
    await build_sqlite(source, clock)
    with sqlite3.connect(source) as raw:  # APIMart once answered 5e9 s; the bot kept it
        raw.execute("UPDATE jobs SET estimated_time = ? WHERE id = 3", (5_000_000_000,))

    status = await run(["--from", str(source), "--to", target_url(backend)])

    assert status == 0, capsys.readouterr().err
    store = JobStore(await backend.open(), clock=clock)
    assert (await store.get(3)).estimated_time is None
    assert await count_rows(await backend.open(), "jobs") == 10


@postgres_only
async def test_an_older_sqlite_file_is_upgraded_then_copied(backend, source, capsys):
    clock = FakeClock()
    older = load_migrations(MIGRATIONS_ROOT / "sqlite")[:4]
    await build_sqlite(source, clock, migrations=older)
    with sqlite3.connect(source) as raw:
        raw.execute(
            "INSERT INTO jobs (channel_id, user_id, prompt, resolution, aspect_ratio, state,"
            " task_id, created_at, media_fetched_at)"
            " VALUES (7, 42, 'from last year', '720p', '16:9', 'completed', 't1', 1.0, 1.0)"
        )

    assert await run(["--from", str(source), "--to", target_url(backend)]) == 0

    assert "Upgraded" in capsys.readouterr().out
    job = await JobStore(await backend.open(), clock=clock).get(1)
    assert job.request.prompt == "from last year" and job.version == 0


async def test_a_copy_to_a_server_it_cannot_reach_leaves_an_older_file_as_it_was(source, capsys):
    """The operator who gives up and restarts the old bot finds its file as it left it."""
    await build_sqlite(
        source, FakeClock(), migrations=load_migrations(MIGRATIONS_ROOT / "sqlite")[:5]
    )

    assert await run(["--from", str(source), "--to", "postgresql://bot@127.0.0.1:1/bot"]) == 1

    assert capsys.readouterr().err.startswith("Nothing copied: cannot connect")
    with sqlite3.connect(source) as raw:
        assert raw.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] == 5


@postgres_only
async def test_a_migration_that_fails_on_postgresql_is_named_with_the_databases_words(
    backend, source, tmp_path, monkeypatch, capsys
):
    await lay_migrated_sqlite(source)
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "0001_first.sql").write_text("INSERT INTO nowhere VALUES (1)")
    monkeypatch.setattr("bot.storage.postgres.MIGRATIONS_DIR", folder)

    assert await run(["--from", str(source), "--to", target_url(backend)]) == 1

    err = capsys.readouterr().err
    assert 'migration 0001_first.sql failed (relation "nowhere" does not exist)' in err, err


@postgres_only
async def test_a_refusal_after_upgrading_an_older_file_says_it_was_upgraded(
    backend, source, capsys
):
    """The older bot can no longer run on the file: a refused copy must not hide that."""
    first = source.with_name("first.sqlite3")
    await build_sqlite(first, FakeClock())
    assert await run(["--from", str(first), "--to", target_url(backend)]) == 0
    capsys.readouterr()
    older = load_migrations(MIGRATIONS_ROOT / "sqlite")[:4]
    await build_sqlite(source, FakeClock(), migrations=older)

    assert await run(["--from", str(source), "--to", target_url(backend)]) == 1

    err = capsys.readouterr().err
    assert err.startswith("Nothing copied: the PostgreSQL database already holds data"), err
    assert f"; upgraded {source} from schema 4 to" in err, err


async def test_a_missing_sqlite_file_is_named_in_one_line(tmp_path, capsys):
    missing = tmp_path / "nowhere" / "bot.sqlite3"

    status = await run(["--from", str(missing), "--to", "postgresql://u@127.0.0.1:1/x"])

    assert status == 1
    assert capsys.readouterr().err == f"Nothing copied: there is no SQLite database at {missing}\n"
    assert not missing.parent.exists(), "nothing is created"


async def test_empty_settings_in_dotenv_mean_the_defaults_as_for_the_bot(
    tmp_path, monkeypatch, capsys
):
    """`.env.example` lists optional settings as `NAME=`: the bot takes the default there."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATABASE_PATH", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    (tmp_path / ".env").write_text("DATABASE_PATH=\nDATABASE_URL=\n")

    assert await run([]) == 1
    assert "give --to postgresql://... or set DATABASE_URL" in capsys.readouterr().err

    assert await run(["--to", "postgresql://u@127.0.0.1:1/x"]) == 1
    default = Path("data/bot.sqlite3")
    assert capsys.readouterr().err == f"Nothing copied: there is no SQLite database at {default}\n"


async def test_a_dotenv_that_is_not_utf8_is_one_line_as_for_the_bot(tmp_path, monkeypatch, capsys):
    """The same `.env` that `python -m bot` refuses in one line: before, a traceback."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_bytes(b"DATABASE_URL=postgresql://bot:caf\xe9@db/bot\n")

    assert await run([]) == 1
    assert capsys.readouterr().err == (
        "Nothing copied: .env is not UTF-8 text (byte 34 cannot be read); save it as UTF-8\n"
    )


async def test_a_database_path_with_a_trailing_blank_names_the_file_the_bot_uses(
    tmp_path, monkeypatch, capsys
):
    """`docker run --env-file` passes `DATABASE_PATH=/data/bot.sqlite3 ` blank and all; the bot
    reads it without the blank, so the copy must look at that same file."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    meant = tmp_path / "bot.sqlite3"
    monkeypatch.setenv("DATABASE_PATH", f"{meant} ")

    assert await run(["--to", "postgresql://u@127.0.0.1:1/x"]) == 1
    assert capsys.readouterr().err == f"Nothing copied: there is no SQLite database at {meant}\n"


@postgres_only
async def test_the_command_never_prints_the_password(backend, source, tmp_path):
    await build_sqlite(source, FakeClock())
    url = target_url(backend, password=PASSWORD)

    async def command():
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.storage.copy",
            "--from",
            str(source),
            env={"DATABASE_URL": url, "PATH": "/usr/bin:/bin"},
            cwd=tmp_path,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await process.communicate()
        return process.returncode, (out + err).decode()

    copied, first = await command()
    refused, second = await command()

    assert (copied, refused) == (0, 1), first + second
    assert "Copied" in first and "already holds data" in second
    assert PASSWORD not in first + second


async def test_an_unreadable_url_is_refused_in_one_line_without_its_password(tmp_path, capsys):
    status = await run(["--from", str(tmp_path), "--to", f"postgresql://u:{PASSWORD}@h:99999/x"])

    assert status == 1
    err = capsys.readouterr().err
    assert err.startswith("Nothing copied: --to (or DATABASE_URL) is not a valid URL")
    assert err.count("\n") == 1 and PASSWORD not in err


async def test_a_file_that_is_no_bot_database_is_refused_before_postgresql_is_reached(
    tmp_path, capsys
):
    other = tmp_path / "notes.sqlite3"
    with sqlite3.connect(other) as raw:
        raw.execute("CREATE TABLE notes (text TEXT)")

    status = await run(["--from", str(other), "--to", "postgresql://u@127.0.0.1:1/x"])

    assert status == 1
    assert capsys.readouterr().err == (
        f"Nothing copied: {other} is not a bot database (it has no schema_version table)\n"
    )


async def test_a_file_from_a_newer_bot_is_refused(source, capsys):
    await build_sqlite(source, FakeClock(), migrations=[])
    with sqlite3.connect(source) as raw:
        raw.execute("INSERT INTO schema_version VALUES (99, 'future', 0)")

    status = await run(["--from", str(source), "--to", "postgresql://u@127.0.0.1:1/x"])

    assert status == 1
    assert "was made by a newer bot (schema 99" in capsys.readouterr().err


@pytest.mark.parametrize("cut", ["/", "?", "#"])
async def test_a_password_that_ends_the_address_early_is_never_printed(tmp_path, capsys, cut):
    """A generated password (base64 holds `/`) written into the URL unescaped: the bot itself
    refuses it without quoting it; the copy must not print the part before the cut either."""
    head, tail = "Zq8vT3kPw9", "Lm4nR7wX2"
    url = f"postgresql://bot:{head}{cut}{tail}@db:5432/bot"

    status = await run(["--from", str(tmp_path), "--to", url])

    assert status == 1
    err = capsys.readouterr().err
    assert err.startswith("Nothing copied: ")
    assert head not in err and tail not in err, err


USED_JOBS = 500  # a few weeks of a small server's use


async def _sqlite_with_jobs(path, count):
    db = await SqliteDatabase.open(path)
    await db.migrate()
    await db.close()
    with sqlite3.connect(path) as raw:
        raw.executemany(
            "INSERT INTO jobs (guild_id, channel_id, user_id, prompt, resolution, aspect_ratio,"
            " state, task_id, created_at, media_fetched_at, credits_cost)"
            " VALUES (10, 7, 42, ?, '720p', '16:9', 'completed', ?, ?, ?, 4.5)",
            [
                (f"a fox \U0001f98a #{n}", f"task-{n}", 1_800_000_000.0 + n, 1_800_000_000.0 + n)
                for n in range(count)
            ],
        )


@postgres_only
async def test_a_database_with_a_few_hundred_jobs_is_copied(backend, tmp_path, capsys):
    """Each batch insert carries hundreds of rows: translating its SQL once took minutes, and
    PostgreSQL ended the idle transaction meanwhile, so a used bot could never be moved."""
    source = tmp_path / "old" / "bot.sqlite3"
    await _sqlite_with_jobs(source, USED_JOBS)

    status = await run(["--from", str(source), "--to", target_url(backend)])

    captured = capsys.readouterr()
    assert status == 0, captured.err
    assert await count_rows(await backend.open(), "jobs") == USED_JOBS
