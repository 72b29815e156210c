"""docs/scaling.md, "PostgreSQL behind PgBouncer": point DATABASE_URL at PgBouncer (session mode,
or 1.21+ in transaction mode) and the bot starts. PgBouncer refuses a client whose startup
packet carries a setting it does not track, which the bot once sent
(`idle_in_transaction_session_timeout`): the bot could not start behind it at all."""

import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit

import asyncpg
import pytest

from bot.__main__ import open_postgres
from tests.backends import PGBOUNCER_SKIP, postgres_dsn, postgres_only
from tests.fakes.pgbouncer import PgBouncerDoor


@pytest.fixture
async def own_role(backend):
    """A role of its own whose default schema is its own: the bot migrates there (behind
    PgBouncer no `search_path` can be given at connection start). A role, not a database: a
    dropped database costs PostgreSQL a forced checkpoint, a minute and more on a busy disk."""
    name = f"bouncer_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(backend.dsn)
    try:
        await admin.execute(f"CREATE ROLE {name} LOGIN")
        await admin.execute(f"CREATE SCHEMA {name} AUTHORIZATION {name}")
        await admin.execute(f"ALTER ROLE {name} SET search_path = {name}")
        yield name
    finally:
        await admin.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")
        await admin.execute(f"DROP ROLE IF EXISTS {name}")
        await admin.close()


async def started(url: str) -> None:
    """The bot starts on `url` as its entry point does (connected, migrated), and each of its
    connections ends a transaction left idle (`IDLE_IN_TRANSACTION_TIMEOUT`)."""
    db = await open_postgres(url, wait=0)
    assert db is not None, "the bot refused to start (its log says why)"
    try:
        assert await db.schema_version() > 0
        [timeout] = await db.fetch_one("SHOW idle_in_transaction_session_timeout")
        assert timeout == "30s"
    finally:
        await db.close()


@postgres_only
async def test_the_bot_starts_where_only_pgbouncers_startup_parameters_are_taken(backend, own_role):
    server = urlsplit(backend.dsn)
    async with PgBouncerDoor(server.hostname, server.port or 5432) as door:
        await started(door.url(own_role, server.path.lstrip("/")))

    assert door.startups, "the bot connected through the stand-in"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _listening(port: int, within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.05)
    return False


@pytest.fixture
def pgbouncer(own_role: str) -> Iterator[str]:
    """A PgBouncer in session mode before the test server: its URL, without the database."""
    binary = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
    if not os.path.exists(binary):
        pytest.skip(f"{PGBOUNCER_SKIP}: pgbouncer is not installed")
    server = urlsplit(postgres_dsn())
    port = _free_port()
    # PgBouncer refuses to run as root: as root it runs as postgres, who must read its files.
    folder = tempfile.mkdtemp(prefix="pgbouncer-")
    os.chmod(folder, 0o755)
    with open(f"{folder}/users.txt", "w") as users:
        users.write(f'"{own_role}" ""\n')
    with open(f"{folder}/pgbouncer.ini", "w") as ini:
        ini.write(
            f"[databases]\n* = host={server.hostname} port={server.port or 5432}\n"
            f"[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = {port}\n"
            f"auth_type = trust\nauth_file = {folder}/users.txt\npool_mode = session\n"
            "unix_socket_dir =\n"
        )
    as_postgres = ["-u", "postgres"] if os.geteuid() == 0 else []
    process = subprocess.Popen([binary, *as_postgres, f"{folder}/pgbouncer.ini"])
    try:
        assert _listening(port, 5), "PgBouncer did not start"
        yield f"postgresql://{own_role}@127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(5)
        shutil.rmtree(folder, ignore_errors=True)


@postgres_only
async def test_the_bot_starts_on_postgresql_behind_pgbouncer_in_session_mode(backend, pgbouncer):
    await started(f"{pgbouncer}/{urlsplit(backend.dsn).path.lstrip('/')}")
