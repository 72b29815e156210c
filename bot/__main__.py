"""Entry point: `python -m bot` checks the settings, then runs the bot until stopped."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sqlite3
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING

import discord
import yarl
from pydantic import ValidationError

from bot.app import VideoBot
from bot.engine.clock import SteadyClock, behind_or_ahead, database_clock, keep_in_step
from bot.event_loop import loop_name, run_on_bot_loop
from bot.logs import configure_logging
from bot.observability.server import ObservabilityServer
from bot.observability.wiring import serve_while_starting
from bot.reconnect import NETWORK_FAULTS, SetupFailed, describe
from bot.settings import (
    Settings,
    absent_dotenv,
    describe_settings_errors,
    log_format_asked,
    misspelled_settings,
    unreadable_dotenv,
)
from bot.storage import Database, LockWaitTimeout, MigrationChanged, MigrationFailed
from bot.storage.sqlite import DatabaseInUse, SqliteDatabase

# PostgreSQL's driver is imported where DATABASE_URL asks for it: on SQLite (the default) it
# would only add to every start (some 15 ms of CPU).
if TYPE_CHECKING:
    from bot.storage.postgres import PostgresDatabase

log = logging.getLogger("bot")

# A host clock this far off the database's is worth an operator's look (NTP keeps it to ms).
CLOCK_SKEW_WARNING = 2.0

# Exit statuses: 1, a fault a restart may get past (a database or Discord away, a crash); 2,
# a configuration only the operator can fix, which the documented systemd unit does not restart
# (`RestartPreventExitStatus=2`): restarted, it would fail the same way until its start limit.
EXIT_FAILED = 1
EXIT_MISCONFIGURED = 2


class Misconfigured(Exception):
    """A start-up fault a restart cannot fix, its one line already logged: exit status 2."""


def load_settings() -> Settings | None:
    """The settings, or None after saying, one line per problem, why they cannot be used."""
    try:
        return Settings()  # values come from the environment and .env
    except (UnicodeDecodeError, OSError) as error:
        cannot_start([unreadable_dotenv(error, "the bot's user")])
    except ValidationError as error:
        # A near miss first: `DISCORD_TOKN=` is why DISCORD_TOKEN is missing.
        problems = [
            *misspelled_settings(Settings.model_fields, Path(".env"), os.environ),
            *describe_settings_errors(error),
        ]
        absent = absent_dotenv()
        if absent is not None and any(problem["type"] == "missing" for problem in error.errors()):
            problems.append(absent)
        cannot_start(problems, in_settings=True)
    return None


def cannot_start(problems: list[str], *, in_settings: bool = False) -> None:
    """Say why the bot cannot start, before its logging is set up: one JSON object a line at
    level ERROR where LOG_FORMAT asks for JSON (a collector reads nothing else), else text.
    `in_settings`: the problems are settings to fix, listed under one heading."""
    if log_format_asked() == "json":
        configure_logging("ERROR", (), json_lines=True)
        for problem in problems:
            log.error("The bot cannot start: %s", problem)
    elif in_settings:
        print("The bot cannot start; fix these settings:", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
    else:
        for problem in problems:
            print(f"The bot cannot start: {problem}", file=sys.stderr)


def point_discord_at(settings: Settings) -> None:
    """Send Discord traffic to a proxy or a local fake when the operator asks for it."""
    if settings.discord_api_base is not None:
        discord.http.Route.BASE = settings.discord_api_base
    if settings.discord_gateway_url is not None:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.discord_gateway_url)


async def open_database(settings: Settings) -> Database | None:
    """The migrated database, or None after one clear line saying why it cannot be used."""
    if settings.database_url is not None:
        return await open_postgres(
            settings.database_url.get_secret_value(), wait=settings.database_connect_wait
        )
    return await open_sqlite(settings.database_path)


async def open_sqlite(path: Path) -> Database | None:
    """The SQLite file at DATABASE_PATH (the default: nothing to set up), migrated."""
    # Named in full: a relative DATABASE_PATH is read from the folder the bot started in.
    where = path.absolute()  # noqa: ASYNC240 - getcwd(), no disk read
    # A relative path read from another folder starts on a new, empty file: said below.
    existed = path.exists()  # noqa: ASYNC240 - one stat, before the file is opened anyway
    try:
        db = await SqliteDatabase.open(path)
    except DatabaseInUse as error:
        log.error(
            "Cannot start: %s. Stop the other process, or use PostgreSQL to run several.", error
        )
        return None
    except (OSError, sqlite3.Error) as error:
        log.error(
            "Cannot open the database at %s (%s): check DATABASE_PATH and its folder's permissions",
            where,
            error,
        )
        return None
    try:
        await db.migrate()
        # A file already up to date is not written by migrating, and SQLite opens a file the
        # bot's user may not write read-only: one real write finds that now, not at the first
        # /video (a data folder handed to the container's user, its old file left behind).
        async with db.transaction() as conn:
            await conn.execute("UPDATE schema_version SET version = version")
    except MigrationChanged as error:
        await db.close()
        log.error("Cannot start: %s", error)
        raise Misconfigured from error
    except MigrationFailed as failure:
        await db.close()
        if not _sqlite_storage_refused(failure.error):
            # Its SQL met something it did not expect: neither space nor rights would help.
            log.error("Cannot start: the database at %s: %s", where, failure)
            return None
        log.error(
            "Cannot write the database at %s (%s): check free space, and that the bot's user"
            " owns the file and its folder",
            where,
            failure.error,
        )
        return None
    except (OSError, sqlite3.Error) as error:
        await db.close()
        log.error(
            "Cannot write the database at %s (%s): check free space, and that the bot's user"
            " owns the file and its folder",
            where,
            error,
        )
        return None
    except BaseException:
        # A stop (SIGTERM) while migrating: closed all the same, once the statement running
        # in aiosqlite's thread ends. Left open, that thread (not a daemon) would keep the
        # process alive after it said it stopped, until `docker stop` killed it.
        await db.close()
        raise
    log.info(
        "The jobs are in the SQLite database at %s%s", where, "" if existed else ", a new file"
    )
    return db


# SQLite's primary result codes for a write the file or its disk refused (SQLITE_PERM,
# SQLITE_READONLY, SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN), not the SQL.
_SQLITE_STORAGE_CODES = frozenset(
    {
        sqlite3.SQLITE_PERM,
        sqlite3.SQLITE_READONLY,
        sqlite3.SQLITE_IOERR,
        sqlite3.SQLITE_FULL,
        sqlite3.SQLITE_CANTOPEN,
    }
)


def _sqlite_storage_refused(error: Exception) -> bool:
    """Whether SQLite refused a write for its file or its disk (space, permissions)."""
    if isinstance(error, sqlite3.Error):
        return error.sqlite_errorcode & 0xFF in _SQLITE_STORAGE_CODES
    return isinstance(error, OSError)


def _postgres_fix(error: Exception) -> str | None:
    """What the operator checks where PostgreSQL refused for the user's rights or the server's
    state; None where the refusal is the SQL's own."""
    import asyncpg

    if isinstance(error, asyncpg.InsufficientPrivilegeError):
        return "check the user's rights"
    if isinstance(error, asyncpg.DiskFullError | asyncpg.ReadOnlySQLTransactionError):
        return (
            "check the server's free space, and that DATABASE_URL names the primary, not a"
            " read-only standby"
        )
    return None


# A server that cannot be reached yet (still starting, its network not up): tried again, up to
# DATABASE_CONNECT_WAIT seconds, with pauses growing to this. A refusal is not waited for.
MAX_CONNECT_PAUSE = 8.0


def _unreachable() -> tuple[type[BaseException], ...]:
    """The errors of a PostgreSQL server that cannot be reached yet."""
    import asyncpg

    return (OSError, TimeoutError, asyncpg.CannotConnectNowError)


def _postgres_errors() -> tuple[type[BaseException], ...]:
    """The PostgreSQL driver's errors once it is loaded; none before (nothing raises them)."""
    asyncpg = sys.modules.get("asyncpg")
    return () if asyncpg is None else (asyncpg.PostgresError, asyncpg.InterfaceError)


async def connect_postgres(
    dsn: str, *, wait: float, sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
) -> PostgresDatabase:
    """Connect to PostgreSQL, trying again for up to `wait` seconds while it cannot be reached;
    raises the last error when the wait is over, and a refusal (user, password, database) at
    once."""
    from bot.storage.postgres import PostgresDatabase, describe_location

    deadline = time.monotonic() + wait
    pause = 1.0
    while True:
        try:
            return await PostgresDatabase.open(dsn)
        except _unreachable() as error:
            left = deadline - time.monotonic()
            if left <= 0:
                raise
            pause = min(pause, left)
            log.warning(
                "PostgreSQL at %s cannot be reached yet (%s); trying again in %.0f s, for up"
                " to %.0f s more (DATABASE_CONNECT_WAIT)",
                describe_location(dsn),
                describe(error),
                pause,
                left,
            )
            await sleep(pause)
            pause = min(pause * 2, MAX_CONNECT_PAUSE)


async def open_postgres(dsn: str, *, wait: float) -> Database | None:
    """The PostgreSQL database at DATABASE_URL, migrated (several processes may share it)."""
    import asyncpg

    from bot.storage.postgres import describe_location

    where = describe_location(dsn)
    try:
        db = await connect_postgres(dsn, wait=wait)
    except asyncpg.ClientConfigurationError as error:
        # Read from DATABASE_URL (an unknown sslmode, a missing root certificate for
        # verify-full) before any connection: no restart changes it.
        log.error("Cannot use DATABASE_URL for PostgreSQL at %s (%s)", where, describe(error))
        raise Misconfigured from error
    except (asyncpg.InvalidAuthorizationSpecificationError, asyncpg.InvalidCatalogNameError) as e:
        # The server answered, and refused the login: a role or database that does not exist,
        # a wrong password, no pg_hba.conf line for this host. No restart changes its answer.
        log.error(
            "PostgreSQL at %s refused the login (%s): check the user, password and database"
            " name in DATABASE_URL, and that the server lets them in",
            where,
            describe(e),
        )
        raise Misconfigured from e
    except (
        OSError,
        TimeoutError,
        ValueError,
        OverflowError,
        asyncpg.PostgresError,
        asyncpg.InterfaceError,
    ) as e:
        waited = (
            f" after trying for {wait:g} s" if wait > 0 and isinstance(e, _unreachable()) else ""
        )
        log.error(
            "Cannot connect to PostgreSQL at %s (%s)%s: check DATABASE_URL and that the server"
            " runs",
            where,
            describe(e),  # a connect timeout's own text is empty
            waited,
        )
        return None
    if db.schema is None:
        # `current_schema()` is NULL: every name in the search_path is missing from this
        # database, or is a schema the bot's role has no USAGE on (PostgreSQL skips those), so
        # there is nowhere to create the tables. No restart makes one.
        try:
            path = await db.search_path()
        except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
            path = f"unread: {describe(error)}"
        await db.close()
        log.error(
            "PostgreSQL at %s: the search_path (from DATABASE_URL, else the user's) names no"
            " schema of this database the bot's role may use (search_path: %s): create it"
            " (CREATE SCHEMA ...), let the role use it (GRANT USAGE, CREATE ON SCHEMA ... TO"
            " ...) or correct the search_path",
            where,
            path,
        )
        raise Misconfigured
    try:
        await db.migrate()
    except MigrationChanged as error:
        await db.close()
        log.error("Cannot start: %s", error)
        raise Misconfigured from error
    except LockWaitTimeout as error:
        await db.close()
        log.error("Cannot start: %s", error)
        return None
    except (
        MigrationFailed,
        OSError,
        TimeoutError,
        asyncpg.PostgresError,
        asyncpg.InterfaceError,
    ) as error:
        await db.close()
        cause = error.error if isinstance(error, MigrationFailed) else error
        fix = _postgres_fix(cause)
        if fix is not None:
            log.error("Cannot create the tables in PostgreSQL at %s (%s): %s", where, cause, fix)
        elif isinstance(error, MigrationFailed):
            # Its SQL met something it did not expect: rights would not help.
            log.error("Cannot start: PostgreSQL at %s: %s", where, error)
        else:
            # The connection lost, or a timeout, whose own text is empty.
            log.error("Cannot create the tables in PostgreSQL at %s (%s)", where, describe(error))
        return None
    log.info("The jobs are in PostgreSQL at %s", where)
    return db


async def shared_clock(db: Database, wall: Callable[[], float] = time.time) -> SteadyClock:
    """The bot's clock, anchored to the database's; this host's (`wall`) if it cannot say."""
    faults: tuple[type[BaseException], ...] = (OSError, TimeoutError, *_postgres_errors())
    try:
        clock = await database_clock(db.server_time)
    except faults as error:
        log.warning("Cannot read the database's clock (%s): timing with this host's", error)
        clock = SteadyClock(wall)
        clock.timed_by_host = True  # until `keep_in_step` reads the database's
        return clock
    skew = clock() - wall()
    if abs(skew) > CLOCK_SKEW_WARNING:
        log.warning(
            "This host's clock is %.1f s %s the database server's: leases, due times and"
            " cooldowns follow the database's clock; check NTP on both hosts",
            abs(skew),
            behind_or_ahead(skew),
        )
    return clock


@contextlib.asynccontextmanager
async def clock_kept_in_step(clock: Callable[[], float], db: Database) -> AsyncIterator[None]:
    """While the block runs, keep a clock anchored to PostgreSQL's in step with it (one
    process on SQLite has nobody to agree with)."""
    if not isinstance(clock, SteadyClock) or db.dialect != "postgres":
        yield
        return
    task = asyncio.create_task(keep_in_step(clock, db.server_time), name="clock-in-step")
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


# What the bot asks of Discord before anything else: Discord has both, for any token (a wrong
# one is 401), so a 404 is an address that is not Discord's API and will not become it.
_ALWAYS_THERE = ("/users/@me", "/gateway/bot")
DISCORD_API = "https://discord.com/api/v10"


def not_discord(error: BaseException | None) -> str | None:
    """The path asked, where `error` is a 404 for one Discord always has; None otherwise."""
    if not isinstance(error, discord.NotFound):
        return None
    path = str(getattr(getattr(error.response, "url", None), "path", ""))
    return next((asked for asked in _ALWAYS_THERE if path.endswith(asked)), None)


def say_not_discord(asked: str, settings: Settings) -> None:
    """The one line for an API address that answers like no Discord does."""
    where = (
        f"DISCORD_API_BASE ({settings.discord_api_base})"
        if settings.discord_api_base is not None
        else f"Discord's API ({DISCORD_API})"
    )
    log.error(
        "%s answered HTTP 404 for %s, which Discord always has: it is not Discord's API, nor a"
        " proxy passing it on. Set DISCORD_API_BASE to %s or your proxy's address, or leave it"
        " empty",
        where,
        asked,
        DISCORD_API,
    )


def stop_starting_on_sigterm() -> None:
    """Until the bot's own graceful stop takes over, SIGTERM ends the start-up as Ctrl-C does
    (`main` says so): run as PID 1 (Kubernetes, `docker run` without --init), a signal with no
    handler is dropped, and a stop while the database is awaited would wait for SIGKILL."""
    starting = asyncio.current_task()
    if starting is not None:
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, starting.cancel)


async def run(settings: Settings) -> int:
    """Open the database, run the bot, and shut down cleanly on SIGTERM or Ctrl-C."""
    stop_starting_on_sigterm()
    # Before the database (DATABASE_CONNECT_WAIT, migrations): a liveness probe meanwhile hears
    # "alive, starting", not "connection refused", which could restart the bot mid-migration.
    health = await serve_while_starting(settings)
    try:
        return await run_on(settings, health)
    finally:
        if health is not None:
            await health.stop()  # the bot's own stop stopped it, unless it never ran


async def run_on(settings: Settings, health: ObservabilityServer | None) -> int:
    """`run`, its health checks served by `health` (None: not served)."""
    try:
        db = await open_database(settings)
    except Misconfigured:
        return EXIT_MISCONFIGURED
    if db is None:
        return EXIT_FAILED
    try:
        # Renders, leases and cooldowns are timed with a clock the system clock cannot step,
        # the one every process on this database shares.
        bot = VideoBot(settings, db, clock=await shared_clock(db))
        bot.take_over_health(health)
        loop = asyncio.get_running_loop()
        log.info("Running on the %s event loop", loop_name(loop))
        if settings.metrics_port is None:
            # In the image, `METRICS_PORT=` in an `--env-file` turns its 8080 off: say what
            # that leaves its HEALTHCHECK (after the database: a failed start stays one line).
            log.info(
                "Health checks and metrics are off (METRICS_PORT is unset or empty): no /healthz,"
                " /readyz or /metrics; a container's HEALTHCHECK then knows only that the"
                " container runs"
            )
        closing: list[asyncio.Task[None]] = []
        # These replace the start-up's SIGTERM handler: from here on a stop is graceful.
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, lambda: closing.append(loop.create_task(bot.close())))
        async with bot, clock_kept_in_step(bot.clock, db):
            try:
                await bot.start(settings.discord_token.get_secret_value())
            except SetupFailed as error:
                log.error("The bot's set-up could not reach Discord (%s); it stops", error)
                return EXIT_FAILED
            except discord.LoginFailure:
                log.error(
                    "Discord refused DISCORD_TOKEN: copy the bot token again from the "
                    "developer portal"
                )
                return EXIT_MISCONFIGURED
            except discord.PrivilegedIntentsRequired:
                # Message Content is the only privileged intent the bot asks for (VideoBot), and
                # only when the setting says so: name both the switch and the setting.
                log.error(
                    "Discord refused the Message Content intent (MESSAGE_CONTENT_INTENT=true):"
                    " switch on Message Content Intent under Bot in the developer portal (a"
                    " verified bot in 100 or more servers needs Discord's approval for it), or"
                    " set MESSAGE_CONTENT_INTENT=false"
                )
                return EXIT_MISCONFIGURED
            except discord.GatewayNotFound as error:
                # Only a 404 gets here (`worth_waiting_out`): the others are waited out.
                if (wrong := not_discord(error.__cause__)) is None:
                    raise
                say_not_discord(wrong, settings)
                return EXIT_MISCONFIGURED
            except discord.ConnectionClosed as error:
                # Not an outage (those are retried): Discord will not take this session again.
                log.error("Discord closed the gateway connection for good (code %s)", error.code)
                return EXIT_FAILED
            except discord.HTTPException as error:
                if (wrong := not_discord(error)) is not None:
                    say_not_discord(wrong, settings)
                    return EXIT_MISCONFIGURED
                log.error(
                    "Discord refused to let the bot start (HTTP %d: %s): check DISCORD_API_BASE",
                    error.status,
                    error.text or error.response.reason,
                )
                return EXIT_FAILED
        if closing:
            await asyncio.gather(*closing)
        log.info("Stopped cleanly")
        return 0
    finally:
        await db.close()


def main() -> int:
    """Run the bot; the exit code says whether it started."""
    settings = load_settings()
    if settings is None:
        return EXIT_MISCONFIGURED
    configure_logging(
        settings.log_level,
        settings.secrets(),
        json_lines=settings.log_format == "json",
        quiet_faults=NETWORK_FAULTS,
    )
    for line in misspelled_settings(Settings.model_fields, Path(".env"), os.environ):
        log.warning("%s", line)
    for line in [*settings.sent_in_the_clear(), *settings.outlasting_docker_stop()]:
        log.warning("%s", line)
    point_discord_at(settings)
    try:
        return run_on_bot_loop(run(settings))
    except KeyboardInterrupt:
        deaf_to_stops()
        # Ctrl-C before the bot's own graceful stop took over (while it waited for its
        # database): nothing was started, so nothing is left to finish.
        log.warning("Stopped (Ctrl-C) before it started")
        return 130
    except asyncio.CancelledError:
        # SIGTERM before the graceful stop took over (`stop_starting_on_sigterm`): a stop asked
        # for, with nothing started, so nothing to finish and nothing failed.
        log.warning("Stopped (SIGTERM) before it started")
        return 0
    except Exception:
        # Through the configured logging (one JSON object a line, secrets scrubbed), not
        # Python's bare traceback on stderr.
        log.exception("The bot stopped on an unexpected error")
        return EXIT_FAILED
    finally:
        deaf_to_stops()


def deaf_to_stops() -> None:
    """Once the bot's loop is gone, a further SIGTERM or Ctrl-C (systemd and `make` each passing
    one on, an impatient operator) has nothing left to stop: ignored, it cannot turn a clean
    exit into a death by signal (143, 130) or a KeyboardInterrupt traceback while Python winds
    down, where the loop's handlers no longer answer it."""
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, signal.SIG_IGN)


if __name__ == "__main__":
    sys.exit(main())
