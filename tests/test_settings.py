"""Configuration: required secrets, clear messages, nothing secret echoed."""

import asyncio
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import asyncpg
import pytest
import yarl
from pydantic import ValidationError

from bot.__main__ import Misconfigured, connect_postgres, main, open_postgres
from bot.jobs.stages import LeaseTerms
from bot.settings import Settings, describe_settings_errors, misspelled_settings
from bot.storage.postgres import PostgresDatabase, describe_location
from tests import backends

ROOT = Path(__file__).resolve().parent.parent


def run_bot(where: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`python -m bot` in `where` (its .env, if any) with only `env` besides the basics."""
    return subprocess.run(
        [sys.executable, "-m", "bot"],
        cwd=where,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def start_refused(monkeypatch, capsys) -> tuple[int, str, str]:
    """`python -m bot`'s refusal of its settings, run in this process (its exit status, stdout
    and stderr): `main()` returns before anything is started. The environment holds only what
    `run_bot` gives, so the runner's variables cannot change what is said; the folder is the
    test's own (`clean_env`). `test_running_without_settings_exits_nonzero_with_help` and the
    .env tests still start a real process."""
    for name in list(os.environ):
        if name != "PATH":
            monkeypatch.delenv(name)
    capsys.readouterr()  # nothing said before it counts
    status = main()
    out, err = capsys.readouterr()
    return status, out, err


def refused(monkeypatch, **env: str) -> list[str]:
    """What the bot prints for these settings (besides a token and a key), which it refuses."""
    monkeypatch.setenv("DISCORD_TOKEN", "t")
    monkeypatch.setenv("APIMART_API_KEY", "k")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError) as caught:
        Settings()
    return describe_settings_errors(caught.value)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    for name in (
        "DISCORD_TOKEN",
        "APIMART_API_KEY",
        "APIMART_BASE_URL",
        "DISCORD_API_BASE",
        "DISCORD_GATEWAY_URL",
        "POLL_INTERVAL",
        "LINK_ALLOWED_NETWORKS",
        "DATABASE_URL",
        "DATABASE_CONNECT_WAIT",
        "LEASE_SECONDS",
        "OWNER_IDS",
        "USER_INSTALL_ALLOWANCE",
        "USER_INSTALL_CONCURRENCY",
        "USER_INSTALL_MONTHLY_BUDGET",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env


def test_missing_secrets_are_named_one_line_each():
    with pytest.raises(ValidationError) as caught:
        Settings()
    lines = describe_settings_errors(caught.value)
    assert len(lines) == 2
    assert lines[0].startswith("DISCORD_TOKEN is missing")
    assert lines[1].startswith("APIMART_API_KEY is missing")
    assert all(".env" in line for line in lines)


def test_invalid_value_is_explained_without_echoing_it(monkeypatch):
    monkeypatch.setenv("DISCORD_TOKEN", "tok")
    monkeypatch.setenv("APIMART_API_KEY", "key")
    monkeypatch.setenv("APIMART_BASE_URL", "ftp://secret-host")
    monkeypatch.setenv("POLL_INTERVAL", "-1")
    with pytest.raises(ValidationError) as caught:
        Settings()
    lines = describe_settings_errors(caught.value)
    assert any(line.startswith("APIMART_BASE_URL is invalid") for line in lines)
    assert any(line.startswith("POLL_INTERVAL is invalid") for line in lines)
    assert not any("secret-host" in line for line in lines)


@pytest.mark.parametrize(
    ("name", "value", "complaint"),
    [
        ("APIMART_BASE_URL", "http://", "must name a host"),
        ("APIMART_BASE_URL", "https:///v1", "must name a host"),
        ("APIMART_BASE_URL", "https://api.apimart.ai/v1", "without /v1"),
        ("DISCORD_API_BASE", "https://", "must name a host"),
        ("DISCORD_GATEWAY_URL", "wss://", "must name a host"),
        ("APIMART_BASE_URL", "https://api.apimart.ai:99999", "port"),
    ],
)
def test_an_address_that_names_no_host_is_refused_at_start(monkeypatch, name, value, complaint):
    """A typo'd address would otherwise look like an outage, retried forever."""
    [line] = refused(monkeypatch, **{name: value})
    assert line.startswith(f"{name} is invalid")
    assert complaint in line


@pytest.mark.parametrize("value", ["0", "-5", "-1234567890123456789"])
@pytest.mark.parametrize("name", ["DEV_GUILD_ID", "MODERATOR_ROLE_ID"])
def test_an_id_that_is_no_discord_id_is_refused_at_start(monkeypatch, name, value):
    """Discord's ids are positive: 0 or a negative number (a stray minus, an id pasted wrong)
    would sync the commands to no server, or name a role nobody has, without a word."""
    [line] = refused(monkeypatch, **{name: value})
    assert line.startswith(f"{name} is invalid")
    assert "digits only" in line


@pytest.mark.parametrize("value", ["8080.0", "9464.00"])
def test_a_metrics_port_the_health_check_could_not_ask_is_refused_at_start(monkeypatch, value):
    """The image's HEALTHCHECK asks METRICS_PORT as written: a port the bot read as 8080 from
    `8080.0` served /healthz there while the check asked `:8080.0`, unhealthy for ever."""
    [line] = refused(monkeypatch, METRICS_PORT=value)
    assert line.startswith("METRICS_PORT is invalid (must be digits only"), line


@pytest.mark.parametrize(
    "value",
    [
        "0.0.0.0:9464",  # the port belongs in METRICS_PORT
        "http://0.0.0.0",
        "[::]",  # a URL's brackets: no address binds to it
        "127.0.0.1 ::1",
        "0.0.0.0,::",
        "metrics host",
        "-metrics",
        "999.1.1.1",
    ],
)
def test_a_metrics_host_that_no_server_can_bind_to_is_refused_at_start(monkeypatch, value):
    """A typo'd METRICS_HOST started the bot and only failed when the server bound to it,
    one log line among many: /healthz and /metrics were missing and the container's health
    check failed for ever. Now it is one line at start-up, like every other setting."""
    [line] = refused(monkeypatch, METRICS_HOST=value)
    assert line.startswith("METRICS_HOST is invalid (must be an IP address"), line
    assert "set it to the address the health and metrics server binds to" in line


@pytest.mark.parametrize(
    "value", ["127.0.0.1", "0.0.0.0", "::", "::1", "fe80::1%eth0", "localhost", "metrics.lan"]
)
def test_a_metrics_host_of_an_address_or_a_name_is_accepted(monkeypatch, value):
    monkeypatch.setenv("DISCORD_TOKEN", "t")
    monkeypatch.setenv("APIMART_API_KEY", "k")
    monkeypatch.setenv("METRICS_HOST", value)
    assert Settings(_env_file=None).metrics_host == value


def test_a_bad_metrics_host_stops_the_bot_with_status_2(tmp_path):
    env = {
        "DISCORD_TOKEN": "tok",
        "APIMART_API_KEY": "key",
        "METRICS_PORT": "9464",
        "METRICS_HOST": "0.0.0.0:9464",
    }
    result = run_bot(tmp_path, env)
    assert result.returncode == 2, result.stderr
    [problem] = [line for line in result.stderr.splitlines() if "METRICS_HOST" in line]
    assert "METRICS_HOST is invalid (must be an IP address" in problem, result.stderr
    assert "Traceback" not in result.stderr


def test_addresses_with_a_host_are_accepted(monkeypatch):
    monkeypatch.setenv("DISCORD_TOKEN", "t")
    monkeypatch.setenv("APIMART_API_KEY", "k")
    monkeypatch.setenv("APIMART_BASE_URL", "http://127.0.0.1:8080/")
    monkeypatch.setenv("DISCORD_API_BASE", "http://localhost:8080/api/v10")
    monkeypatch.setenv("DISCORD_GATEWAY_URL", "ws://localhost:8080/gateway")
    settings = Settings()
    assert settings.apimart_base_url == "http://127.0.0.1:8080"
    assert settings.discord_api_base == "http://localhost:8080/api/v10"


def test_link_allowed_networks_are_none_by_default_and_read_comma_separated(monkeypatch):
    monkeypatch.setenv("DISCORD_TOKEN", "tok")
    monkeypatch.setenv("APIMART_API_KEY", "key")
    assert Settings().link_allowed_networks == ()
    monkeypatch.setenv("LINK_ALLOWED_NETWORKS", "10.20.0.0/16, fd00:1::/64,192.0.2.7")
    assert [str(net) for net in Settings().link_allowed_networks] == [
        "10.20.0.0/16",
        "fd00:1::/64",
        "192.0.2.7/32",
    ]
    monkeypatch.setenv("LINK_ALLOWED_NETWORKS", "10.20.0.0/16,intranet")
    with pytest.raises(ValidationError) as caught:
        Settings()
    [line] = describe_settings_errors(caught.value)
    assert line.startswith("LINK_ALLOWED_NETWORKS is invalid")


def test_reads_dotenv_and_hides_secrets(tmp_path):
    (tmp_path / ".env").write_text("DISCORD_TOKEN=abc.def\nAPIMART_API_KEY=sk-live-123\n")
    settings = Settings()
    assert settings.discord_token.get_secret_value() == "abc.def"
    assert "sk-live-123" not in repr(settings)
    assert settings.apimart_base_url == "https://api.apimart.ai"
    assert settings.database_path == Path("data/bot.sqlite3")


def test_running_without_settings_exits_nonzero_with_help(tmp_path):
    result = run_bot(tmp_path, {})
    assert result.returncode == 2
    assert "DISCORD_TOKEN is missing" in result.stderr
    assert "APIMART_API_KEY is missing" in result.stderr


def test_missing_settings_with_no_dotenv_name_the_folder_it_was_looked_for_in(
    tmp_path, monkeypatch, capsys
):
    """A systemd unit without `WorkingDirectory=` starts the bot in /, far from its .env: "set
    it in .env" alone sends the operator to a file that holds the token already."""
    status, _, stderr = start_refused(monkeypatch, capsys)
    assert status == 2
    assert f"There is no .env in {tmp_path}" in stderr
    assert "WorkingDirectory=" in stderr


def test_missing_settings_with_no_dotenv_tell_a_container_to_pass_them_as_its_environment(
    monkeypatch, capsys
):
    """`docker run` without `--env-file` starts the image in /home/bot, where no .env ever is:
    "copy .env.example there" would send the operator into the container."""
    status, _, stderr = start_refused(monkeypatch, capsys)
    assert status == 2
    assert "docker run --env-file .env" in stderr
    assert "env_file" in stderr


def test_missing_settings_beside_a_dotenv_do_not_say_it_is_absent(tmp_path, monkeypatch, capsys):
    (tmp_path / ".env").write_text("APIMART_API_KEY=sk-live-123\n")
    status, _, stderr = start_refused(monkeypatch, capsys)
    assert status == 2
    assert "DISCORD_TOKEN is missing" in stderr
    assert "There is no .env" not in stderr


def test_a_database_folder_that_cannot_be_made_is_named_in_full(tmp_path):
    """DATABASE_PATH is relative to the folder the bot starts in: the error says which."""
    (tmp_path / "data").write_text("a file where the folder should be")
    result = run_bot(tmp_path, {"DISCORD_TOKEN": "abc.def", "APIMART_API_KEY": "sk-live-123"})
    assert result.returncode == 1
    assert f"Cannot open the database at {tmp_path / 'data' / 'bot.sqlite3'}" in result.stderr


def test_a_dotenv_that_is_not_utf8_is_one_clear_line_not_a_traceback(tmp_path):
    (tmp_path / ".env").write_bytes(b"DISCORD_TOKEN=abc\xff\xfe\nAPIMART_API_KEY=key\n")
    result = run_bot(tmp_path, {})
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert ".env is not UTF-8 text" in result.stderr


def test_a_dotenv_the_bot_may_not_read_is_one_clear_line_not_a_traceback():
    """`chmod 600 .env` (it holds the token) with the bot run as another user, e.g. a systemd
    unit's `User=`: before, a 40-line PermissionError traceback and exit status 1."""
    command = as_another_user([sys.executable, "-m", "bot"])
    if command is None:
        pytest.skip("needs root, setpriv and a user besides root who can run the bot")
    where = Path(tempfile.mkdtemp(prefix="unreadable-env-"))
    try:
        where.chmod(0o755)
        env_file = where / ".env"
        env_file.write_text("DISCORD_TOKEN=abc.def\nAPIMART_API_KEY=sk-live-123\n")
        env_file.chmod(0o600)
        result = subprocess.run(
            command,
            cwd=where,
            env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        shutil.rmtree(where, ignore_errors=True)
    assert result.returncode == 2, result.stderr
    [line] = result.stderr.splitlines()
    assert line == (
        f"The bot cannot start: .env cannot be read ({env_file}: Permission denied);"
        " let the bot's user read it"
    )


def test_a_database_path_naming_a_folder_is_one_json_line_in_json_logs(tmp_path):
    (tmp_path / "data").mkdir()
    env = {
        "DISCORD_TOKEN": "tok",
        "APIMART_API_KEY": "key",
        "DATABASE_PATH": "data",
        "LOG_FORMAT": "json",
    }
    result = run_bot(tmp_path, env)
    assert result.returncode == 1
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.strip()]
    [error] = [line for line in lines if line["level"] == "ERROR"]
    assert "is a folder" in error["message"]


def json_lines(output: str) -> list[dict[str, object]]:
    """Each line of `output` read as JSON; a line that is not fails the test."""
    lines = []
    for line in output.splitlines():
        try:
            lines.append(json.loads(line))
        except ValueError:
            pytest.fail(f"not JSON: {line!r}")
    return lines


def test_settings_problems_are_json_lines_at_error_when_log_format_is_json(tmp_path):
    """With LOG_FORMAT=json every other start-up failure is one JSON object a line; the most
    common one, a wrong setting, was plain text a JSON log collector cannot read."""
    (tmp_path / ".env").write_text(
        "DISCORD_TOKEN=abc.def\nAPIMART_API_KEY=sk-live-123\nLOG_FORMAT=json\n"
        "POLL_INTERVAL=-1\nDATABASE_URL=mysql://bot:hunter22@db/bot\nPOL_SCHEDULE=fixed\n"
    )
    result = run_bot(tmp_path, {})
    assert result.returncode == 2
    lines = json_lines(result.stderr)
    assert {(line["level"], line["logger"]) for line in lines} == {("ERROR", "bot")}
    assert all("timestamp" in line for line in lines)
    said = [str(line["message"]) for line in lines]
    assert said[0].startswith("The bot cannot start: POL_SCHEDULE (in .env) is no setting")
    assert any(line.startswith("The bot cannot start: POLL_INTERVAL is invalid") for line in said)
    assert any(line.startswith("The bot cannot start: DATABASE_URL is invalid") for line in said)
    assert "hunter22" not in result.stderr and "sk-live-123" not in result.stderr


def test_an_unreadable_dotenv_is_a_json_line_when_the_environment_asks_for_json(tmp_path):
    (tmp_path / ".env").write_bytes(b"DISCORD_TOKEN=abc\xff\xfe\nLOG_FORMAT=text\n")
    result = run_bot(tmp_path, {"LOG_FORMAT": "json"})
    assert result.returncode == 2
    [line] = json_lines(result.stderr)
    assert line["level"] == "ERROR"
    assert str(line["message"]).startswith("The bot cannot start: .env is not UTF-8 text")


def test_a_misspelled_required_setting_is_named_with_what_it_should_be(
    tmp_path, monkeypatch, capsys
):
    """The typo that stops the bot is the one the near-miss check helps with most."""
    (tmp_path / ".env").write_text("DISCORD_TOKN=abc.def\nAPIMART_API_KEY=sk-live-123\n")
    status, stdout, stderr = start_refused(monkeypatch, capsys)
    assert status == 2
    assert "DISCORD_TOKEN is missing" in stderr
    assert "DISCORD_TOKN (in .env) is no setting: did you mean DISCORD_TOKEN?" in stderr
    assert "abc.def" not in stderr + stdout


def test_shard_ids_are_read_from_a_comma_list_and_give_a_share_of_the_budget(monkeypatch):
    monkeypatch.setenv("DISCORD_TOKEN", "t")
    monkeypatch.setenv("APIMART_API_KEY", "k")
    monkeypatch.setenv("SHARD_COUNT", "4")
    monkeypatch.setenv("SHARD_IDS", "0, 2")
    monkeypatch.setenv("API_REQUESTS_PER_SECOND", "10")
    settings = Settings()
    assert settings.shard_ids == (0, 2)
    assert settings.budget_share() == 5.0, "two of four shards: half the fleet's budget"


def test_lease_seconds_sets_how_long_claims_last_and_must_be_positive(monkeypatch):
    monkeypatch.setenv("DISCORD_TOKEN", "t")
    monkeypatch.setenv("APIMART_API_KEY", "k")
    assert Settings().lease_seconds == 60.0
    monkeypatch.setenv("LEASE_SECONDS", "12")
    terms = LeaseTerms.lasting(Settings().lease_seconds)
    assert (terms.poll, terms.submit, terms.deliver) == (12.0, 36.0, 60.0)
    assert LeaseTerms.lasting(60.0).deliver == LeaseTerms().deliver, "the same as before"
    monkeypatch.setenv("LEASE_SECONDS", "0")
    with pytest.raises(ValidationError) as caught:
        Settings()
    assert "LEASE_SECONDS is invalid" in describe_settings_errors(caught.value)[0]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("LEASE_SECONDS", "inf"),
        ("HEALTH_GATEWAY_GRACE", "Infinity"),
        ("API_REQUESTS_PER_SECOND", "inf"),
        ("USER_INSTALL_MONTHLY_BUDGET", "inf"),
        ("POLL_INTERVAL", "nan"),
    ],
)
def test_an_endless_number_is_refused_where_it_would_turn_a_safeguard_off(monkeypatch, name, value):
    """LEASE_SECONDS=inf would never let another process take a dead one's jobs over."""
    [line] = refused(monkeypatch, **{name: value})
    assert line.startswith(f"{name} is invalid")


def test_poll_interval_above_the_longest_gap_names_both_settings(monkeypatch):
    [line] = refused(monkeypatch, POLL_INTERVAL="200")
    assert "POLL_INTERVAL (200 s)" in line and "POLL_MAX_GAP (120 s)" in line


@pytest.mark.parametrize(
    ("count", "ids", "complaint"),
    [
        (None, "0,1", "needs SHARD_COUNT"),
        ("2", "0,2", "below SHARD_COUNT"),
        ("2", "a", "0,1"),
        ("2", "0,1,1", "each shard once"),
        ("2", " , ", "0,1"),
    ],
)
def test_shard_settings_that_cannot_work_are_explained(monkeypatch, count, ids, complaint):
    shards = {"SHARD_IDS": ids} if count is None else {"SHARD_COUNT": count, "SHARD_IDS": ids}
    assert complaint in " ".join(refused(monkeypatch, **shards))


def test_database_url_selects_postgresql_and_its_password_is_a_secret(monkeypatch):
    monkeypatch.setenv("DISCORD_TOKEN", "tok")
    monkeypatch.setenv("APIMART_API_KEY", "key")
    assert Settings().database_url is None, "SQLite at DATABASE_PATH unless told otherwise"
    monkeypatch.setenv("DATABASE_URL", "")
    assert Settings().database_url is None
    monkeypatch.setenv("DATABASE_URL", "postgresql://bot:hunter22@db:5432/bot")
    settings = Settings()
    assert settings.database_url is not None
    assert "hunter22" not in repr(settings)
    assert "hunter22" in settings.secrets()


@pytest.mark.parametrize(
    "url",
    [
        "mysql://bot:hunter22@db/bot",
        "postgresql://bot:hunter22@[db/bot",  # a stray bracket: not a URL at all
        "postgresql://bot:hunter22@db:54x2/bot",  # a port that is not a number
        # An unescaped `@` in the password: asyncpg splits at the first one, so the host
        # would be "Pass@127.0.0.1", which never resolves (read as an unreachable server).
        "postgresql://bot:hunter22@Pass@127.0.0.1:5432/bot",
        # An unescaped `/` or `#`: the address ends early, the rest reads as a database name.
        "postgresql://bot:hunter22/x@127.0.0.1:5432/bot",
        "postgresql://bot:hunter22#x@127.0.0.1:5432/bot",
        "postgresql://bot:12?hunter22@127.0.0.1:5432/bot",  # a `?`: the port reads as 12
    ],
    ids=[
        "not-postgresql",
        "unbalanced-bracket",
        "bad-port",
        "at-sign",
        "slash",
        "hash",
        "question-mark",
    ],
)
def test_a_database_url_that_is_not_postgresql_is_refused_without_echoing_it(monkeypatch, url):
    [line] = refused(monkeypatch, DATABASE_URL=url)
    assert line.startswith("DATABASE_URL is invalid")
    assert "hunter22" not in line


def test_an_unreachable_postgresql_stops_the_bot_with_one_line(tmp_path):
    env = {
        "DISCORD_TOKEN": "tok",
        "APIMART_API_KEY": "key",
        # Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
        "DATABASE_URL": "postgresql://bot:hunter22@127.0.0.1:9/bot",
        # The pause before trying again is cut to what is left: one more try, then given up.
        "DATABASE_CONNECT_WAIT": "0.5",
    }
    result = run_bot(tmp_path, env)
    assert result.returncode == 1
    output = result.stdout + result.stderr
    # Tried again while the wait lasted (a server still starting), then given up in one line.
    assert "PostgreSQL at bot@127.0.0.1:9/bot cannot be reached yet" in output
    assert "Cannot connect to PostgreSQL at bot@127.0.0.1:9/bot" in output
    assert "after trying for 0.5 s" in output
    assert "Traceback" not in output
    assert "hunter22" not in output


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"path": "/no_such_database_here"}, 'database "no_such_database_here" does not exist'),
        ({"user": "no_such_role_here"}, 'role "no_such_role_here" does not exist'),
    ],
)
def test_a_login_postgresql_refuses_stops_the_bot_as_misconfigured(tmp_path, change, said):
    """The server answered and refused the login (a database or role that does not exist, a
    wrong password): only the operator can fix that, so the bot exits 2 (not restarted by the
    documented unit) with the server's own words, not "check ... that the server runs"."""
    problem = backends.postgres_unavailable()
    if problem is not None:
        pytest.skip(f"{backends.SKIP_REASON}: {problem}")
    server = yarl.URL(backends.postgres_dsn())
    url = server.with_path(change.get("path", server.path)).with_user(
        change.get("user", server.user)
    )
    env = {"DISCORD_TOKEN": "tok", "APIMART_API_KEY": "key", "DATABASE_URL": str(url)}
    result = run_bot(tmp_path, env)
    output = result.stdout + result.stderr
    assert result.returncode == 2, output
    assert "PostgreSQL at" in output and "refused the login" in output, output
    assert said in output
    assert "that the server runs" not in output
    assert "Traceback" not in output


def test_a_search_path_naming_no_schema_stops_the_bot_as_misconfigured(tmp_path):
    """`?search_path=` naming a schema not created yet (a typo, a deployment not set up) left
    nowhere for the tables: the bot exited 1 (restarted into the same failure) with PostgreSQL's
    "no schema has been selected to create in"; it names the search_path and exits 2."""
    problem = backends.postgres_unavailable()
    if problem is not None:
        pytest.skip(f"{backends.SKIP_REASON}: {problem}")
    url = yarl.URL(backends.postgres_dsn()).update_query(search_path="no_such_schema_here")
    env = {"DISCORD_TOKEN": "tok", "APIMART_API_KEY": "key", "DATABASE_URL": str(url)}
    result = run_bot(tmp_path, env)
    output = result.stdout + result.stderr
    assert result.returncode == 2, output
    assert "the search_path (from DATABASE_URL, else the user's) names no schema" in output
    assert "CREATE SCHEMA" in output
    assert "Traceback" not in output


async def test_a_search_path_schema_the_login_may_not_use_is_named_with_the_grant_it_needs(
    caplog,
):
    """PostgreSQL's `current_schema()` is NULL too when the search_path's schema exists but the
    bot's role has no USAGE on it (created by another role, its rights not granted yet): the
    line told the operator to CREATE SCHEMA, which only fails with "already exists". It names
    the search_path it read, and the GRANT that fixes it."""
    problem = backends.postgres_unavailable()
    if problem is not None:
        pytest.skip(f"{backends.SKIP_REASON}: {problem}")
    dsn = backends.postgres_dsn()
    suffix = os.urandom(4).hex()
    role, schema = f"bot_nousage_{suffix}", f"staging_{suffix}"
    admin = await asyncpg.connect(dsn)
    try:
        await admin.execute(f"CREATE ROLE {role} LOGIN; CREATE SCHEMA {schema}")
        url = yarl.URL(dsn).with_user(role).with_password(None).update_query(search_path=schema)
        with pytest.raises(Misconfigured):
            await open_postgres(str(url), wait=0)
        [line] = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
        assert schema in line, line
        assert "GRANT USAGE" in line, line
    finally:
        await admin.execute(f"DROP SCHEMA IF EXISTS {schema}; DROP ROLE IF EXISTS {role}")
        await admin.close()


@pytest.mark.parametrize("setting", ["sslrootcert", "sslcert", "sslkey", "sslcrl"])
def test_a_tls_file_the_database_url_names_must_be_there(monkeypatch, tmp_path, setting):
    """A certificate on a volume not mounted, or a typo in its path: asyncpg's "[Errno 2] No
    such file or directory", named no file, was waited out as a server not reachable yet for
    DATABASE_CONNECT_WAIT, then exited 1 to be restarted into the same failure."""
    missing = tmp_path / "certs" / "ca.pem"
    url = f"postgresql://bot:hunter22@db:5432/bot?sslmode=verify-full&{setting}={missing}"
    [line] = refused(monkeypatch, DATABASE_URL=url)
    assert line.startswith("DATABASE_URL is invalid"), line
    assert f"{setting}={missing}" in line, "the operator reads which file is missing"
    assert "hunter22" not in line
    missing.parent.mkdir()
    missing.write_text("-----BEGIN CERTIFICATE-----\n")
    monkeypatch.setenv("DATABASE_URL", url)
    assert Settings().database_url is not None, "a file that is there is the driver's to read"


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ("sslmode=requre", "`sslmode` parameter must be one of"),  # a typo of require
        # No sslrootcert, and no ~/.postgresql/root.crt: asyncpg adds a HINT on a line of its own.
        ("sslmode=verify-full", 'root.crt" does not exist or cannot be accessed; HINT:'),
        ("target_session_attrs=primary-only", "got 'primary-only'"),
    ],
)
def test_a_database_url_the_driver_cannot_use_stops_the_bot_as_misconfigured(tmp_path, query, said):
    """asyncpg refuses these before it connects: nothing a restart can change (status 2, not
    the 1 of a server away), said in one line (its HINT was a second one, with no time or
    level)."""
    env = {
        "DISCORD_TOKEN": "tok",
        "APIMART_API_KEY": "key",
        "HOME": str(tmp_path),
        "DATABASE_URL": f"postgresql://bot:hunter22@127.0.0.1:9/bot?{query}",
        "DATABASE_CONNECT_WAIT": "30",
    }
    result = run_bot(tmp_path, env)
    output = result.stdout + result.stderr
    assert result.returncode == 2, output
    [line] = output.splitlines()
    assert "Cannot use DATABASE_URL for PostgreSQL at bot@127.0.0.1:9/bot" in line, line
    assert said in line
    assert "cannot be reached yet" not in output
    assert "hunter22" not in output


def test_ctrl_c_while_waiting_for_postgresql_stops_with_one_line_not_a_traceback(tmp_path):
    env = {
        "DISCORD_TOKEN": "tok",
        "APIMART_API_KEY": "key",
        "DATABASE_URL": "postgresql://bot:hunter22@127.0.0.1:9/bot",
        "DATABASE_CONNECT_WAIT": "60",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bot"],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        # As a terminal's Ctrl-C reaches it, whatever the test runner does with SIGINT.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        assert process.stdout is not None
        seen = [process.stdout.readline()]
        assert "cannot be reached yet" in seen[0], seen
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=30)
    finally:
        process.kill()
    output = seen[0] + output
    assert process.returncode == 130, output
    assert "Stopped (Ctrl-C) before it started" in output
    assert "Traceback" not in output


def as_pid_one(command: list[str]) -> list[str] | None:
    """`command` as PID 1 of a new PID namespace, as Kubernetes and `docker run` without --init
    run it; None where that cannot be arranged (not root, or no unshare allowed)."""
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        return None
    probe = subprocess.run(["unshare", "--pid", "--fork", "true"], capture_output=True)
    return (
        ["unshare", "--pid", "--fork", "--kill-child", *command] if probe.returncode == 0 else None
    )


def only_child(pid: int, timeout: float = 5.0) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        if children:
            return int(children[0])
        time.sleep(0.05)
    raise AssertionError(f"process {pid} started no child")


def test_sigterm_while_waiting_for_postgresql_stops_the_bot_at_once_even_as_pid_one(tmp_path):
    """`docker stop` or a pod's deletion sends SIGTERM to PID 1, and Linux drops a signal PID 1
    has no handler for: before, the bot had one only once its database was open, so a stop
    during DATABASE_CONNECT_WAIT waited for SIGKILL."""
    command = as_pid_one([sys.executable, "-m", "bot"])
    if command is None:
        pytest.skip("running the bot as PID 1 needs root and a permitted `unshare --pid`")
    env = {
        "DISCORD_TOKEN": "tok",
        "APIMART_API_KEY": "key",
        "DATABASE_URL": "postgresql://bot:hunter22@127.0.0.1:9/bot",  # nothing listens
        "DATABASE_CONNECT_WAIT": "15",
    }
    process = subprocess.Popen(
        command,
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        seen = [process.stdout.readline()]
        assert "cannot be reached yet" in seen[0], seen
        bot = only_child(process.pid)
        status = Path(f"/proc/{bot}/status").read_text()
        [pids] = [line for line in status.splitlines() if line.startswith("NSpid:")]
        assert pids.split()[-1] == "1", "the bot is PID 1 in its namespace"
        os.kill(bot, signal.SIGTERM)
        started = time.monotonic()
        output, _ = process.communicate(timeout=30)
        took = time.monotonic() - started
    finally:
        process.kill()
        process.wait()
    output = seen[0] + output
    assert took < 5, f"SIGTERM was ignored: the bot ran on for {took:.0f} s (until its wait ended)"
    assert process.returncode == 0, output
    assert "Stopped (SIGTERM) before it started" in output
    assert "Traceback" not in output


async def test_a_postgresql_still_starting_is_waited_for(monkeypatch, caplog):
    """A server that comes up while start-up waits (compose without a health check, a host
    that boots both) is used; the bot does not exit to be restarted."""
    problem = backends.postgres_unavailable()
    if problem is not None:
        pytest.skip(f"{backends.SKIP_REASON}: {problem}")
    real = yarl.URL(backends.postgres_dsn())
    # A port nothing listens on yet; in a moment a loopback relay to the test server opens there.
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    relay = asyncio.create_task(relay_after(0.8, port, real.host or "127.0.0.1", real.port or 5432))
    try:
        db = await connect_postgres(str(real.with_port(port)), wait=10)
        try:
            assert await db.fetch_one("SELECT 1 AS one") is not None
        finally:
            await db.close()
    finally:
        relay.cancel()
    waits = [r.getMessage() for r in caplog.records if "cannot be reached yet" in r.getMessage()]
    assert waits, "the refused tries are logged"
    assert "DATABASE_CONNECT_WAIT" in waits[0]


async def test_postgresql_refusing_the_login_is_not_waited_for(monkeypatch, caplog):
    tries = 0

    async def refuses(*args, **kwargs):
        nonlocal tries
        tries += 1
        raise asyncpg.InvalidPasswordError('password authentication failed for user "bot"')

    monkeypatch.setattr(PostgresDatabase, "open", refuses)
    with pytest.raises(Misconfigured):
        await open_postgres("postgresql://bot:hunter22@127.0.0.1:5999/bot", wait=30)
    # A wrong password does not come right by waiting: one try, said at once, not restarted.
    assert tries == 1
    assert not [r for r in caplog.records if "cannot be reached yet" in r.getMessage()]


async def relay_after(delay: float, port: int, host: str, target_port: int) -> None:
    """After `delay`, listen on `port` and pass every connection on to `host:target_port`."""
    await asyncio.sleep(delay)

    async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except OSError:
            pass
        finally:
            writer.close()

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream_reader, upstream_writer = await asyncio.open_connection(host, target_port)
        await asyncio.gather(pipe(reader, upstream_writer), pipe(upstream_reader, writer))

    server = await asyncio.start_server(serve, "127.0.0.1", port)
    async with server:
        await server.serve_forever()


async def test_a_postgresql_that_never_answers_is_named_as_a_timeout(monkeypatch, caplog):
    async def silent(*args, **kwargs):
        raise TimeoutError  # asyncpg's connect timeout: no text of its own

    monkeypatch.setattr(PostgresDatabase, "open", silent)
    assert await open_postgres("postgresql://bot:hunter22@127.0.0.1:5999/bot", wait=0) is None
    [line] = [r.getMessage() for r in caplog.records if "Cannot connect" in r.getMessage()]
    assert "(TimeoutError)" in line
    assert "hunter22" not in line


def test_user_install_limits_and_owner_ids_are_read_and_checked(monkeypatch):
    monkeypatch.setenv("DISCORD_TOKEN", "t")
    monkeypatch.setenv("APIMART_API_KEY", "k")
    settings = Settings()
    assert (settings.user_install_allowance, settings.user_install_concurrency) == (3, 1)
    assert settings.owner_ids == () and settings.user_install_monthly_budget is None
    monkeypatch.setenv("OWNER_IDS", "123, 456")
    monkeypatch.setenv("USER_INSTALL_ALLOWANCE", "0")
    monkeypatch.setenv("USER_INSTALL_MONTHLY_BUDGET", "500")
    settings = Settings()
    assert settings.owner_ids == (123, 456)
    assert settings.user_install_allowance == 0, "0 turns videos outside servers off"
    assert settings.user_install_monthly_budget == 500.0
    monkeypatch.setenv("OWNER_IDS", "alice")
    with pytest.raises(ValidationError) as caught:
        Settings()
    assert "OWNER_IDS is invalid" in describe_settings_errors(caught.value)[0]


def test_an_optional_setting_left_empty_as_in_env_example_means_unset(tmp_path):
    """.env.example shows `# DEV_GUILD_ID=`: uncommenting it as shown must not stop the bot."""
    empty = [
        "DEV_GUILD_ID",
        "MODERATOR_ROLE_ID",
        "USER_INSTALL_MONTHLY_BUDGET",
        "SHARD_COUNT",
        "METRICS_PORT",
        "BALANCE_ALERT_BELOW",
        "DISCORD_API_BASE",
        "DISCORD_GATEWAY_URL",
    ]
    lines = ["DISCORD_TOKEN=t", "APIMART_API_KEY=k", *(f"{name}=" for name in empty)]
    (tmp_path / ".env").write_text("\n".join(lines) + "\n")
    defaults = Settings(_env_file=None, discord_token="t", apimart_api_key="k")
    settings = Settings()
    for name in empty:
        assert getattr(settings, name.lower()) == getattr(defaults, name.lower()), name


def test_a_key_and_token_pasted_with_spaces_around_them_are_used_without_them(monkeypatch):
    """`APIMART_API_KEY= sk-abc ` (copied with a space, or quoted with one): APIMart and
    Discord would refuse the key as sent, spaces and all."""
    monkeypatch.setenv("DISCORD_TOKEN", " tok\n")
    monkeypatch.setenv("APIMART_API_KEY", "  sk-abc ")
    settings = Settings(_env_file=None)
    assert settings.apimart_api_key.get_secret_value() == "sk-abc"
    assert settings.discord_token.get_secret_value() == "tok"


@pytest.mark.parametrize(
    ("name", "written", "meant"),
    [
        # `docker run --env-file .env` (the README's command) passes a value as written,
        # blanks included: a blank in the host never resolves, so every APIMart call failed as
        # if APIMart were down; with a port it read "has a port that is not a number".
        ("APIMART_BASE_URL", "https://api.apimart.ai ", "https://api.apimart.ai"),
        ("APIMART_BASE_URL", "http://localhost:8080 ", "http://localhost:8080"),
        ("DATABASE_PATH", "/data/bot.sqlite3 ", "/data/bot.sqlite3"),  # else a new, empty file
        ("METRICS_HOST", " 0.0.0.0 ", "0.0.0.0"),  # else the server cannot bind
        ("LOG_LEVEL", "INFO ", "INFO"),  # else "must be DEBUG, INFO, WARNING or ERROR"
        ("LOG_FORMAT", "json\t", "json"),
    ],
)
def test_a_value_with_blanks_around_it_is_read_without_them(monkeypatch, name, written, meant):
    monkeypatch.setenv("DISCORD_TOKEN", "t")
    monkeypatch.setenv("APIMART_API_KEY", "k")
    monkeypatch.setenv(name, written)
    try:
        settings = Settings(_env_file=None)
    except ValidationError as error:
        pytest.fail(f"refused: {describe_settings_errors(error)}")
    assert str(getattr(settings, name.lower())) == meant


def test_a_setting_of_blanks_alone_is_unset_as_an_empty_one_is(monkeypatch):
    """`METRICS_HOST= ` read as "" would serve /metrics on every interface, where
    `METRICS_HOST=` keeps the loopback default."""
    monkeypatch.setenv("DISCORD_TOKEN", "t")
    monkeypatch.setenv("APIMART_API_KEY", "k")
    monkeypatch.setenv("METRICS_HOST", " ")
    monkeypatch.setenv("DEV_GUILD_ID", "\t")
    settings = Settings(_env_file=None)
    assert settings.metrics_host == "127.0.0.1"
    assert settings.dev_guild_id is None
    monkeypatch.setenv("DISCORD_TOKEN", "  ")
    with pytest.raises(ValidationError) as caught:
        Settings(_env_file=None)
    [line] = describe_settings_errors(caught.value)
    assert line.startswith("DISCORD_TOKEN is missing")


def test_a_quoted_token_key_or_address_from_docker_env_file_is_read_without_its_quotes(
    monkeypatch,
):
    """`DISCORD_TOKEN="abc"` works with `make run` (python-dotenv drops the quotes), but
    `docker run --env-file .env` passes the quotes on: Discord then refused the token and the
    bot said "copy the bot token again", which cannot help. None of these holds a quote."""
    monkeypatch.setenv("DISCORD_TOKEN", '"abc.def"')
    monkeypatch.setenv("APIMART_API_KEY", "'sk-live-123'")
    monkeypatch.setenv("APIMART_BASE_URL", '"http://localhost:8080" ')
    monkeypatch.setenv("DATABASE_URL", "'postgresql://bot:pw@db/bot'")
    settings = Settings(_env_file=None)
    assert settings.discord_token.get_secret_value() == "abc.def"
    assert settings.apimart_api_key.get_secret_value() == "sk-live-123"
    assert settings.apimart_base_url == "http://localhost:8080"
    assert settings.database_url is not None
    assert settings.database_url.get_secret_value() == "postgresql://bot:pw@db/bot"


@pytest.mark.parametrize(
    ("name", "written"),
    [
        ("LOG_LEVEL", '"INFO"'),  # else "must be DEBUG, INFO, WARNING or ERROR": it is INFO
        ("POLL_INTERVAL", "'8'"),
        ("MESSAGE_CONTENT_INTENT", '"true"'),
        ("METRICS_HOST", '"0.0.0.0"'),
    ],
)
def test_a_quoted_value_docker_env_file_passed_on_is_refused_saying_to_drop_the_quotes(
    monkeypatch, name, written
):
    """The same `.env` works with `make run` (python-dotenv drops the quotes) and is refused
    in Docker (`--env-file` keeps them): the line must say the quotes are the fault, not ask
    for the very value the operator sees written there."""
    [line] = refused(monkeypatch, **{name: written})
    assert line.startswith(f"{name} is invalid")
    assert "without the quotes around it" in line
    assert written not in line  # the value itself is never echoed


def test_shard_settings_are_explained_once_each(monkeypatch):
    """A bad SHARD_COUNT is the one problem: SHARD_IDS is not blamed for it as well."""
    [line] = refused(monkeypatch, SHARD_COUNT="0", SHARD_IDS="0")
    assert line.startswith("SHARD_COUNT is invalid")


def test_a_bad_entry_of_a_list_is_named_once(monkeypatch):
    [line] = refused(monkeypatch, LINK_ALLOWED_NETWORKS="10.0.0.0/33,hello")
    assert "LINK_ALLOWED_NETWORKS is invalid" in line
    assert "entry 1" in line and "entry 2" in line


def test_a_misspelled_setting_is_pointed_out_with_the_name_it_resembles(tmp_path):
    """A typo must not silently leave the default in force (5 times the intended rate)."""
    (tmp_path / ".env").write_text(
        "DISCORD_TOKEN=tok\nAPIMART_API_KEY=key\nAPI_REQUEST_PER_SECOND=2\n"
        "POSTGRES_PASSWORD=for-the-compose-database\n"
    )
    environment = {
        "METRIC_PORT": "9464",
        "LOGLEVEL": "DEBUG",
        # Other programs' variables, however alike, are left alone.
        "PATH": "/usr/bin",
        "HOSTNAME": "bot-1",
        "DATABASE_USER": "bot",
        "APIMART_API_KEY_FILE": "/run/secrets/apimart",
        "DISCORD_TOKEN_FILE": "/run/secrets/discord",
    }
    assert misspelled_settings(Settings.model_fields, tmp_path / ".env", environment) == [
        "API_REQUEST_PER_SECOND (in .env) is no setting: did you mean API_REQUESTS_PER_SECOND?",
        "LOGLEVEL (in the environment) is no setting: did you mean LOG_LEVEL?",
        "METRIC_PORT (in the environment) is no setting: did you mean METRICS_PORT?",
    ]


def test_a_misspelled_setting_is_logged_when_the_bot_starts(tmp_path):
    (tmp_path / ".env").write_text(
        "DISCORD_TOKEN=tok\nAPIMART_API_KEY=key\nAPI_REQUEST_PER_SECOND=2\n"
        # Nothing listens on port 9: the bot stops at once, after its warnings.
        "DATABASE_URL=postgresql://bot@127.0.0.1:9/bot\nDATABASE_CONNECT_WAIT=0\n"
    )
    run = run_bot(tmp_path, {})
    assert "did you mean API_REQUESTS_PER_SECOND?" in run.stderr


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://postgres@127.0.0.1:5432/test?application_name=bot@prod",
        "postgresql:///test?host=/var/run/postgresql&user=bot@tenant",
        "postgresql://bot@[::1]:5432/bot",
        "postgres://bot@/bot",
    ],
)
def test_an_at_sign_in_a_query_parameter_or_an_ipv6_host_is_a_valid_database_url(monkeypatch, url):
    monkeypatch.setenv("DISCORD_TOKEN", "tok")
    monkeypatch.setenv("APIMART_API_KEY", "key")
    monkeypatch.setenv("DATABASE_URL", url)
    settings = Settings()
    assert settings.database_url is not None
    assert settings.database_url.get_secret_value() == url


def test_a_postgresql_url_naming_a_primary_and_a_standby_is_accepted(monkeypatch):
    """asyncpg tries each host in turn: the form an operator with a standby writes."""
    monkeypatch.setenv("DISCORD_TOKEN", "tok")
    monkeypatch.setenv("APIMART_API_KEY", "key")
    url = "postgresql://bot:pw@db-1:5432,db-2:5433/bot"
    monkeypatch.setenv("DATABASE_URL", url)
    settings = Settings()
    assert settings.database_url is not None
    assert settings.database_url.get_secret_value() == url
    assert describe_location(url) == "bot@db-1:5432,db-2:5433/bot"


@pytest.mark.parametrize(
    ("url", "place"),
    [
        # A Unix socket, as libpq and asyncpg take it: the host (a folder) in the query.
        ("postgresql:///bot?host=/run/postgresql", "/run/postgresql:5432/bot"),
        ("postgresql://%2Frun%2Fpostgresql/bot", "/run/postgresql:5432/bot"),
        ("postgresql:///bot?host=db&port=6432&user=app", "app@db:6432/bot"),
        ("postgresql://bot@db:5432/bot?host=elsewhere", "bot@db:5432/bot"),  # the address wins
    ],
)
def test_a_database_named_in_the_query_or_by_its_socket_is_where_messages_say(url, place):
    """Errors said "localhost:5432" for a server reached through its socket folder."""
    assert describe_location(url) == place


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://bot:1234/secret@db1,db2/app",
        "postgresql://bot:12?secret@db1/app",
        "postgresql://bot:12#secret@db1/app",
    ],
)
def test_a_password_that_ends_the_address_early_is_never_shown(url):
    assert "secret" not in describe_location(url)


NOBODY = 65534


def as_another_user(command: list[str]) -> list[str] | None:
    """`command` run as a user who does not own the test's files, or None where that cannot be
    arranged (not root, or that user cannot read the checkout and its virtual environment)."""
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        return None
    drop = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
    probe = subprocess.run(
        [*drop, sys.executable, "-c", "import bot.__main__"],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
        capture_output=True,
        timeout=60,
    )
    return [*drop, *command] if probe.returncode == 0 else None


async def up_to_date_sqlite(path: Path) -> None:
    from bot.storage.sqlite import SqliteDatabase

    db = await SqliteDatabase.open(path)
    await db.migrate()
    await db.close()


def test_a_database_file_the_bot_cannot_write_stops_it_at_start_with_one_line():
    """A data folder handed to the container's user (`chown 10001 data`) with the file an
    earlier `make run` made still the operator's: SQLite opens it read-only and migrating an
    up-to-date file writes nothing, so before, the bot started and failed every /video."""
    where = Path(tempfile.mkdtemp(prefix="read-only-db-"))
    try:
        where.chmod(0o777)  # the folder is the bot's: its lock file can be made
        database = where / "bot.sqlite3"
        asyncio.run(up_to_date_sqlite(database))
        for leftover in where.iterdir():
            if leftover != database:
                leftover.unlink()
        database.chmod(0o644)
        command = as_another_user([sys.executable, "-m", "bot"])
        if command is None:
            if os.geteuid() == 0:
                pytest.skip("no user but root can run the bot here")
            database.chmod(0o444)  # not root: the mode alone keeps the bot out
            command = [sys.executable, "-m", "bot"]
        env = {
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": str(ROOT),
            "DISCORD_TOKEN": "tok",
            "APIMART_API_KEY": "key",
            "DATABASE_PATH": str(database),
            "DISCORD_API_BASE": "http://127.0.0.1:9/api/v10",
        }
        result = subprocess.run(
            command, cwd=where, env=env, capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 1, result.stderr
        assert "Cannot write the database at" in result.stderr
        assert "owns the file" in result.stderr and "Traceback" not in result.stderr
    finally:
        shutil.rmtree(where, ignore_errors=True)


def test_a_job_retention_shorter_than_a_month_is_refused_and_zero_keeps_everything(monkeypatch):
    [line] = refused(monkeypatch, JOB_RETENTION_DAYS="7")
    assert "JOB_RETENTION_DAYS" in line and "at least 35 days" in line
    monkeypatch.setenv("JOB_RETENTION_DAYS", "0")
    assert Settings().job_retention_days == 0
    monkeypatch.delenv("JOB_RETENTION_DAYS")
    assert Settings().job_retention_days == 180


def test_a_secret_sent_unencrypted_across_a_network_is_warned_of_when_the_bot_starts(tmp_path):
    """`APIMART_BASE_URL=http://api.apimart.ai` (an `s` left out) sends the API key in clear text
    across the internet with every request, and the bot started without a word; so would a
    Discord address of plain http:// or ws:// (the bot token)."""
    (tmp_path / ".env").write_text(
        "DISCORD_TOKEN=tok\nAPIMART_API_KEY=key\nAPIMART_BASE_URL=http://api.apimart.ai\n"
        "DISCORD_API_BASE=http://discord-proxy.example.com/api/v10\n"
        "DISCORD_GATEWAY_URL=ws://gateway.example.com/gateway\n"
        # Nothing listens on port 9: the bot stops at once, after its warnings.
        "DATABASE_URL=postgresql://bot@127.0.0.1:9/bot\nDATABASE_CONNECT_WAIT=0\n"
    )
    warned = [line for line in run_bot(tmp_path, {}).stderr.splitlines() if "WARNING" in line]
    for name, secret in (
        ("APIMART_BASE_URL", "the API key"),
        ("DISCORD_API_BASE", "the bot token"),
        ("DISCORD_GATEWAY_URL", "the bot token"),
    ):
        assert any(name in line and secret in line and "unencrypted" in line for line in warned), (
            name,
            warned,
        )


@pytest.mark.parametrize(
    "address",
    [
        "http://127.0.0.1:8080",
        "http://localhost:8080",
        "http://[::1]:8080",
        "http://10.0.0.5:8080",
        "http://nirn:8080",  # a compose service or a host of this network, by its short name
    ],
)
def test_plain_http_to_this_machine_or_this_network_is_not_warned_of(monkeypatch, address):
    """A local fake, a REST proxy beside the bot: nothing crosses the internet."""
    monkeypatch.setenv("DISCORD_TOKEN", "tok")
    monkeypatch.setenv("APIMART_API_KEY", "key")
    monkeypatch.setenv("APIMART_BASE_URL", address)
    monkeypatch.setenv("DISCORD_API_BASE", f"{address}/api/v10")
    monkeypatch.setenv("DISCORD_GATEWAY_URL", address.replace("http", "ws") + "/gateway")
    assert Settings().sent_in_the_clear() == []


def test_a_shutdown_grace_beyond_a_minute_is_refused_naming_its_limit(monkeypatch):
    """`SHUTDOWN_GRACE=6000` (milliseconds meant) would make every stop wait far past any
    supervisor's patience, which then kills the bot mid-stop: refused, with the limit."""
    [line] = refused(monkeypatch, SHUTDOWN_GRACE="6000")
    assert line.startswith("SHUTDOWN_GRACE is invalid")
    assert "60" in line
    monkeypatch.setenv("SHUTDOWN_GRACE", "60")
    assert Settings().shutdown_grace == 60


def test_a_shutdown_grace_docker_stop_would_cut_short_names_the_stop_timeout_to_set(monkeypatch):
    """`docker stop` kills 10 s after SIGTERM by default: a grace that, with the ~2 s the close
    takes, outlasts it says which timeout to raise and to what."""
    monkeypatch.setenv("DISCORD_TOKEN", "tok")
    monkeypatch.setenv("APIMART_API_KEY", "key")
    assert Settings().outlasting_docker_stop() == []  # the default, 6 s
    monkeypatch.setenv("SHUTDOWN_GRACE", "20")
    [line] = Settings().outlasting_docker_stop()
    assert "SHUTDOWN_GRACE" in line and "10 s" in line
    assert "stop_grace_period: 30s" in line and "--stop-timeout 30" in line


def test_a_shutdown_grace_docker_stop_would_cut_short_is_warned_of_when_the_bot_starts(tmp_path):
    (tmp_path / ".env").write_text(
        "DISCORD_TOKEN=tok\nAPIMART_API_KEY=key\nSHUTDOWN_GRACE=20\n"
        # Nothing listens on port 9: the bot stops at once, after its warnings.
        "DATABASE_URL=postgresql://bot@127.0.0.1:9/bot\nDATABASE_CONNECT_WAIT=0\n"
    )
    warned = [line for line in run_bot(tmp_path, {}).stderr.splitlines() if "WARNING" in line]
    assert any("SHUTDOWN_GRACE" in line and "stop_grace_period" in line for line in warned), warned


@pytest.mark.parametrize(
    ("name", "written", "meant"),
    [
        ("SHUTDOWN_GRACE", "10s", "the number of seconds alone, 10"),
        ("POLL_INTERVAL", "5m", "the number of seconds alone, 300"),
        ("TASK_TIMEOUT", "1h", "the number of seconds alone, 3600"),
        ("TASK_TIMEOUT", "30 min", "the number of seconds alone, 1800"),
        ("DATABASE_CONNECT_WAIT", "2.5 seconds", "the number of seconds alone, 2.5"),
        ("JOB_RETENTION_DAYS", "180d", "the number of days alone, 180"),
        ("MAX_REFERENCE_BYTES", "20MB", "the number of bytes alone"),
    ],
)
def test_a_number_written_with_a_unit_is_refused_saying_what_to_write(
    monkeypatch, name, written, meant
):
    """`SHUTDOWN_GRACE=10s` or `TASK_TIMEOUT=1h` was refused as "unable to parse string as a
    number", which does not say that the unit is the problem, nor what the number is."""
    [line] = refused(monkeypatch, **{name: written})
    assert line.startswith(f"{name} is invalid")
    assert "unit" in line and meant in line, line
    assert "Input should be" not in line, line


@pytest.mark.parametrize(
    ("name", "written", "meant"),
    [
        ("LOG_FORMAT", "JSON", "json"),
        ("LOG_FORMAT", "Text", "text"),
        ("POLL_SCHEDULE", "Fixed", "fixed"),
        ("POLL_SCHEDULE", "ADAPTIVE", "adaptive"),
    ],
)
def test_a_choice_written_in_capitals_is_read_as_log_level_is(monkeypatch, name, written, meant):
    """`LOG_LEVEL=debug` was read, `LOG_FORMAT=JSON` refused: every choice reads either case."""
    monkeypatch.setenv("DISCORD_TOKEN", "tok")
    monkeypatch.setenv("APIMART_API_KEY", "key")
    monkeypatch.setenv(name, written)
    assert getattr(Settings(), name.lower()) == meant


def test_log_format_in_capitals_makes_start_up_problems_json_lines(tmp_path):
    """LOG_FORMAT=JSON is read before the settings are, for the lines saying why they are not."""
    result = run_bot(tmp_path, {"LOG_FORMAT": "JSON"})
    assert result.returncode == 2
    lines = json_lines(result.stderr)
    assert lines and all(line["level"] == "ERROR" for line in lines), result.stderr


@pytest.mark.parametrize(
    ("name", "written", "header"),
    [
        ("DISCORD_TOKEN", "Bot MTIz.abc.def", "Bot"),
        ("DISCORD_TOKEN", "bot MTIz.abc.def", "Bot"),
        ("APIMART_API_KEY", "Bearer sk-abc123", "Bearer"),
        ("APIMART_API_KEY", "sk-abc 123", None),
    ],
)
def test_a_token_or_key_with_a_space_inside_is_refused_without_echoing_it(
    monkeypatch, name, written, header
):
    """`DISCORD_TOKEN=Bot xyz` (copied from an Authorization header) reached Discord as `Bot Bot
    xyz`, refused as a wrong token; `APIMART_API_KEY=Bearer sk-...` started, and every video then
    failed as a refused key. No token or key has a space in it."""
    monkeypatch.setenv("DISCORD_TOKEN", "tok")
    monkeypatch.setenv("APIMART_API_KEY", "key")
    monkeypatch.setenv(name, written)
    with pytest.raises(ValidationError) as caught:
        Settings()
    [line] = describe_settings_errors(caught.value)
    assert line.startswith(f"{name} is invalid"), line
    if header is not None:
        assert f"word {header}" in line and f'adds "{header} " itself' in line, line
    else:
        assert "space inside" in line, line
    secret = written.split()[-1]
    assert secret not in line and "abc" not in line, line


def test_a_database_path_in_the_home_folder_is_read_as_meant(monkeypatch, tmp_path):
    """`DATABASE_PATH=~/bot.sqlite3` (no shell reads .env or a unit's Environment= to expand it)
    made a folder named `~` in the bot's folder, its jobs in a file nobody looked for there,
    and a `rm -r ~` to tidy it up away from deleting the home folder."""
    monkeypatch.setenv("DISCORD_TOKEN", "t")
    monkeypatch.setenv("APIMART_API_KEY", "k")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("DATABASE_PATH", "~/data/bot.sqlite3")
    assert Settings().database_path == tmp_path / "home" / "data" / "bot.sqlite3"


def test_sqlalchemy_s_spelling_of_a_postgresql_url_is_refused_saying_what_to_drop(monkeypatch):
    """`postgresql+asyncpg://` (SQLAlchemy's, from another project's settings) names the driver
    in the scheme: the fix is to drop `+asyncpg`, said without quoting the URL."""
    [line] = refused(monkeypatch, DATABASE_URL="postgresql+asyncpg://bot:hunter2@db/bot")
    assert line.startswith("DATABASE_URL is invalid")
    assert "+asyncpg" in line and "postgresql://" in line
    assert "hunter2" not in line


@pytest.mark.parametrize("listed", ["0", "123, 0", "00"])
def test_an_owner_id_of_0_is_refused_at_start_not_an_operator_nobody_is(monkeypatch, listed):
    """Discord's ids are positive: `OWNER_IDS=0` (a placeholder left in `.env`) would name an
    operator nobody is, and /videoowner would answer no one, without a word."""
    monkeypatch.setenv("DISCORD_TOKEN", "t")
    monkeypatch.setenv("APIMART_API_KEY", "k")
    monkeypatch.setenv("OWNER_IDS", listed)
    with pytest.raises(ValidationError) as caught:
        Settings()
    [line] = describe_settings_errors(caught.value)
    assert "OWNER_IDS is invalid" in line and "123,456" in line
