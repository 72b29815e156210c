"""Logs an operator can use: readable text by default, one JSON object a line on request, the
job, task, server, member and shard named on the lines about them, secrets never written."""

import asyncio
import io
import json
import logging
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest

from bot.apimart.models import VideoRequest
from bot.jobs.models import Requester
from bot.jobs.store import JobStore
from bot.log_context import bound
from bot.logs import configure_logging
from bot.reach import Reply, Route
from bot.settings import Settings
from bot.storage.sqlite import SqliteDatabase
from tests.fakes.discord import FakeDiscord
from tests.harness import BOT_TOKEN, running_bot

TOKEN = "MTA.bot-token.secret"
API_KEY = "sk-live-api-key"


@pytest.fixture
def stderr():
    """Whatever the configured logging writes; the test run's own logging is put back after."""
    root = logging.getLogger()
    saved = (root.handlers[:], root.level, logging.getLogger("discord.http").level)
    output = io.StringIO()
    yield output
    root.handlers[:], root.level = saved[0], saved[1]
    logging.getLogger("discord.http").setLevel(saved[2])
    logging.captureWarnings(False)


def json_lines(output: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in output.getvalue().splitlines()]


def test_json_lines_carry_timestamp_level_logger_and_message(stderr):
    configure_logging("INFO", [TOKEN], json_lines=True, stream=stderr)
    logging.getLogger("bot.engine").info("Job %d: %s", 7, "polled")
    [line] = json_lines(stderr)
    assert line["level"] == "INFO"
    assert line["logger"] == "bot.engine"
    assert line["message"] == "Job 7: polled"
    assert line["timestamp"].endswith("+00:00"), "UTC, ISO 8601"


def test_bound_facts_name_the_job_on_its_lines_and_only_there(stderr):
    configure_logging("INFO", [TOKEN], json_lines=True, stream=stderr)
    log = logging.getLogger("bot.engine")
    with bound(job_id=7, task_id="task-abc", guild_id=11, user_id=22, shard=1):
        log.info("working")
        with bound(task_id=None):  # an unknown fact adds nothing and hides nothing
            log.info("still working")
    log.info("idle")
    working, still, idle = json_lines(stderr)
    facts = {"job_id": 7, "task_id": "task-abc", "guild_id": 11, "user_id": 22, "shard": 1}
    assert working.items() >= facts.items()
    assert still.items() >= facts.items()
    assert not idle.keys() & facts.keys()


async def test_a_task_started_for_a_job_names_it_even_after_the_block(stderr):
    configure_logging("INFO", [TOKEN], json_lines=True, stream=stderr)
    log = logging.getLogger("bot.engine")

    async def renew_lease() -> None:
        log.info("renewing")

    with bound(job_id=9):
        renewing = asyncio.create_task(renew_lease())
    await renewing  # runs after the block ended, with the facts of where it started
    [line] = json_lines(stderr)
    assert line["job_id"] == 9


def test_an_error_is_one_line_with_its_traceback_as_a_string(stderr):
    configure_logging("INFO", [TOKEN], json_lines=True, stream=stderr)
    try:
        raise ValueError("the engine tripped")
    except ValueError:
        logging.getLogger("bot.engine").exception("Job 7: delivery failed")
    [line] = json_lines(stderr)
    assert line["message"] == "Job 7: delivery failed"
    assert line["traceback"].startswith("Traceback (most recent call last)")
    assert "ValueError: the engine tripped" in line["traceback"]


def test_the_database_drivers_retries_in_an_outage_are_one_line_each(stderr):
    """While PostgreSQL is away, asyncpg's pool tries to reconnect its floor of connections
    (after 1 s, then twice as long, up to a minute), logging each failure with a traceback:
    the error's own words say it all. Anything else it logs keeps its traceback."""
    configure_logging("INFO", [TOKEN], stream=stderr)
    pool = logging.getLogger("asyncpg.pool")
    for error in (ConnectionRefusedError(111, "Connect call failed"), KeyError("a bug")):
        try:
            raise error
        except Exception:
            pool.warning("Failed to restore the pool connection floor; retrying", exc_info=True)
    refused, bug, *traceback = stderr.getvalue().splitlines()
    assert refused.endswith(
        "asyncpg.pool: Failed to restore the pool connection floor; retrying"
        " (ConnectionRefusedError: [Errno 111] Connect call failed)"
    )
    assert bug.endswith("asyncpg.pool: Failed to restore the pool connection floor; retrying")
    assert traceback[0] == "Traceback (most recent call last):"
    assert traceback[-1] == "KeyError: 'a bug'"


@pytest.mark.parametrize("json_lines_on", [False, True], ids=["text", "json"])
def test_secrets_never_reach_the_log_in_either_format(stderr, json_lines_on):
    configure_logging("DEBUG", [TOKEN, API_KEY], json_lines=json_lines_on, stream=stderr)
    log = logging.getLogger("bot.apimart")
    log.info("Authorization: Bearer %s", API_KEY)
    with bound(task_id=f"task-{TOKEN}"):
        try:
            raise RuntimeError(f"login with {TOKEN} failed")
        except RuntimeError:
            log.exception("unexpected")
    output = stderr.getvalue()
    assert "[REDACTED]" in output
    assert TOKEN not in output
    assert API_KEY not in output


def test_text_stays_the_readable_default(stderr):
    configure_logging("INFO", [TOKEN], stream=stderr)
    with bound(job_id=7):
        logging.getLogger("bot.engine").warning("Job 7: retrying")
    assert stderr.getvalue().rstrip().endswith("WARNING  bot.engine: Job 7: retrying")


@pytest.mark.parametrize("json_lines_on", [False, True], ids=["text", "json"])
def test_interaction_tokens_in_webhook_urls_are_never_written(stderr, json_lines_on):
    """discord.py logs follow-up URLs at DEBUG; the interaction token in them is a secret."""
    configure_logging("DEBUG", [TOKEN], json_lines=json_lines_on, stream=stderr)
    interaction_token = "aW50ZXJhY3Rpb246abc-DEF_123.x"
    logging.getLogger("discord.webhook.async_").debug(
        "Webhook ID %s with %s %s has returned status code %s",
        42,
        "POST",
        f"https://discord.com/api/v10/webhooks/42/{interaction_token}/messages/@original",
        200,
    )
    logging.getLogger("discord.webhook.async_").debug(
        "POST https://discord.com/api/v10/interactions/99/%s/callback", interaction_token
    )
    written = stderr.getvalue()
    assert interaction_token not in written
    assert written.count("[REDACTED]") == 2
    assert "/webhooks/42/[REDACTED]/messages/@original" in written


SIGNED_LINK = (
    "https://cdn.discordapp.com/attachments/111/222/cat.png"
    "?ex=6650a1b2&is=664f5032&hm=0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0&"
)


@pytest.mark.parametrize("json_lines_on", [False, True], ids=["text", "json"])
def test_gateway_events_at_debug_show_which_event_not_what_it_carries(stderr, json_lines_on):
    """At DEBUG discord.py logs every gateway event whole: an interaction carries its token, a
    prompt, and its attachments' signed links (anyone holding one sees the picture for a day).
    The line keeps the event's name and sequence number."""
    configure_logging("DEBUG", [TOKEN], json_lines=json_lines_on, stream=stderr)
    interaction_token = "aW50ZXJhY3Rpb246abc-DEF_123.x"
    attachment = {"id": "222", "filename": "cat.png", "url": SIGNED_LINK, "proxy_url": SIGNED_LINK}
    event = {
        "t": "INTERACTION_CREATE",
        "op": 0,
        "s": 42,
        "d": {
            "id": "99",
            "token": interaction_token,
            "data": {
                "name": "video",
                "options": [{"name": "prompt", "value": "my neighbour's house at night"}],
                "resolved": {"attachments": {"222": attachment}},
            },
        },
    }
    logging.getLogger("discord.gateway").debug("For Shard ID %s: WebSocket Event: %s", 0, event)
    logging.getLogger("discord.client").debug("Dispatching %s", json.dumps(event))
    written = stderr.getvalue()
    [gateway_line, _] = written.splitlines()
    assert "WebSocket Event: INTERACTION_CREATE (op 0, seq 42)" in gateway_line
    assert "hm=" not in gateway_line
    assert "neighbour" not in gateway_line
    assert interaction_token not in written
    assert "[REDACTED]" in written  # any other line that carries the token has it hidden


@pytest.mark.parametrize(
    "args", [(), (0,), (0, {"t": "READY"}, "more")], ids=["none", "one", "three"]
)
def test_a_gateway_event_line_with_other_arguments_is_still_written(stderr, args):
    """A discord.py release that logs the line differently must not make logging raise into
    the gateway's own code."""
    configure_logging("DEBUG", [TOKEN], stream=stderr)
    logging.getLogger("discord.gateway").debug("For Shard ID %s: WebSocket Event: %s", *args)
    assert "WebSocket Event" in stderr.getvalue()


@pytest.mark.parametrize(
    "line",
    [
        '{{"d": {{"token": "{token}"}}}}',  # a dict as JSON
        '"{{\\"token\\": \\"{token}\\"}}"',  # ... as JSON inside a JSON string
        "Interaction(token='{token}', id=99)",  # a repr
        "refresh token={token} for 99",  # a keyword pair
    ],
    ids=["json", "escaped-json", "repr", "pair"],
)
def test_an_interaction_token_is_hidden_however_a_line_spells_it(stderr, line):
    configure_logging("DEBUG", [TOKEN], stream=stderr)
    interaction_token = "aW50ZXJhY3Rpb246abc-DEF_123.x"
    logging.getLogger("discord.client").debug(line.format(token=interaction_token))
    written = stderr.getvalue()
    assert interaction_token not in written and "[REDACTED]" in written, written


@pytest.mark.parametrize(
    "line", ['{{"d": {{"access_token": "{token}"}}}}', "Interaction(token='{token}', id=99)"]
)
def test_a_quoted_token_is_hidden_whole_whatever_it_holds(stderr, line):
    configure_logging("DEBUG", [TOKEN], stream=stderr)
    logging.getLogger("discord.client").debug(line.format(token="abc123 secret,part(two)"))
    assert "secret" not in stderr.getvalue()


def test_a_known_token_written_as_a_pair_is_marked_once(stderr):
    """The token replaced as a known secret is not marked again as a `token=` pair (which left
    `[REDACTED]]` behind, as if part of it were still there)."""
    configure_logging("DEBUG", [TOKEN], stream=stderr)
    logging.getLogger("bot.settings").warning("DISCORD_TOKEN=%s is set", TOKEN)
    assert stderr.getvalue().rstrip().endswith("DISCORD_TOKEN=[REDACTED] is set"), stderr.getvalue()


def test_a_sentence_about_a_token_is_left_as_it_is(stderr):
    configure_logging("DEBUG", [TOKEN], stream=stderr)
    logging.getLogger("bot.delivery").warning("Job 3: interaction token: expired, posting")
    assert "token: expired, posting" in stderr.getvalue()


@pytest.mark.parametrize("json_lines_on", [False, True], ids=["text", "json"])
def test_a_short_password_is_hidden_in_credentials_without_mangling_words(stderr, json_lines_on):
    """A database password like "bot" also spells the bot's logger names and common words:
    it is found where credentials are written instead, which gives nothing away."""
    configure_logging("INFO", [TOKEN, "bot"], json_lines=json_lines_on, stream=stderr)
    logging.getLogger("bot.storage.postgres").info("Applied migration 0001_init; robot ready")
    logging.getLogger("bot").info("Enable the intents this bot asks for")
    logging.getLogger("bot").info("connecting to postgresql://postgres:bot@db:5432/videos")
    logging.getLogger("bot").info("dsn host=db user=postgres password=bot dbname=videos")
    output = stderr.getvalue()
    assert "[REDACTED]" not in output.split("connecting")[0], "nothing before it was touched"
    assert "bot.storage.postgres" in output and "robot ready" in output
    assert "this bot asks" in output
    if json_lines_on:
        assert [line["logger"] for line in json_lines(stderr)][1:] == ["bot"] * 3
    else:
        assert "INFO     bot: Enable the intents" in output
    assert "postgres:[REDACTED]@db" in output and ":bot@" not in output
    assert "password=[REDACTED] dbname" in output


def test_a_long_secret_is_hidden_even_inside_other_text(stderr):
    configure_logging("INFO", [TOKEN], stream=stderr)
    logging.getLogger("bot").info("header=Bot%sx", TOKEN)
    assert TOKEN not in stderr.getvalue()


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        ("env POSTGRES_PASSWORD=bot loaded", "env POSTGRES_PASSWORD=[REDACTED] loaded"),
        ("db_password = bot; host=db", "db_password = [REDACTED]; host=db"),
        ("options {'password': 'bot', 'host': 'db'}", "{'password': '[REDACTED]', 'host'"),
        ('payload {"password": "bot"}', '{"password": "[REDACTED]"}'),
        ("dsn password='bot' host=db", "password='[REDACTED]' host=db"),
        ("PGPASSWORD=bot psql", "PGPASSWORD=[REDACTED] psql"),
        ("password=it's next", "password=[REDACTED] next"),
        ('password=ab"cd next', "password=[REDACTED] next"),
        ('payload {"password": "a\\"b c", "x": 1}', '{"password": "[REDACTED]", "x": 1}'),
        ("to postgresql://bot:pa?ss@db/x", "postgresql://bot:[REDACTED]@db/x"),
        ("to postgresql://bot:pa#ss@db/x", "postgresql://bot:[REDACTED]@db/x"),
        ("to postgresql://bot:p@ss@db/x", "postgresql://bot:[REDACTED]@db/x"),
    ],
)
def test_a_short_password_is_hidden_however_the_setting_is_spelled(stderr, line, kept):
    configure_logging("INFO", [TOKEN, "bot"], stream=stderr)
    logging.getLogger("bot").info(line)
    assert kept in stderr.getvalue()


@pytest.mark.parametrize(
    "url",
    [
        "https://cdn.example.com/v.mp4?v=a:b@c",
        "https://cdn.example.com/v.mp4#t=1:2@3",
        "https://cdn.example.com?who=me:you@there",
    ],
)
def test_a_link_with_an_at_sign_after_its_host_is_logged_unchanged(stderr, url):
    configure_logging("INFO", [TOKEN], stream=stderr)
    logging.getLogger("bot").info("fetched %s", url)
    assert f"fetched {url}" in stderr.getvalue()


STOPS_ON = """
import sys
import bot.__main__ as main_module

async def failing_run(settings):
    raise {error}

main_module.run = failing_run
sys.exit(main_module.main())
"""


@pytest.mark.parametrize(
    "error",
    [
        "RuntimeError('the store said no to sk-live-api-key as MTA.bot-token.secret')",
        "KeyError('job')",
    ],
    ids=["unexpected", "another"],
)
def test_a_bot_that_stops_on_an_unexpected_error_logs_it_as_json_lines(tmp_path, error):
    """What explains an exit reaches the log collector as JSON, scrubbed, like any line."""
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(Path(__file__).resolve().parent.parent),
        "LOG_FORMAT": "json",
        "DISCORD_TOKEN": TOKEN,
        "APIMART_API_KEY": API_KEY,
    }
    done = subprocess.run(
        [sys.executable, "-c", STOPS_ON.format(error=error)],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    lines = [json.loads(line) for line in done.stderr.splitlines() if line.strip()]
    [stopped] = [line for line in lines if "unexpected error" in line["message"]]
    assert stopped["level"] == "ERROR"
    assert API_KEY not in done.stderr
    assert TOKEN not in done.stderr, "the Discord token is scrubbed as the settings give it"


@pytest.mark.parametrize("json_lines_on", [False, True], ids=["text", "json"])
async def test_an_interaction_token_stored_with_a_job_is_not_written_at_debug(
    stderr, json_lines_on, tmp_path
):
    """LOG_LEVEL=DEBUG is documented for operators; aiosqlite logs each statement with its
    parameters there, and a job answered through its command stores the interaction token."""

    configure_logging("DEBUG", [TOKEN, API_KEY], json_lines=json_lines_on, stream=stderr)
    interaction_token = "aW50ZXJhY3Rpb246MTIzNDU2Nzg5OnNlY3JldHRva2Vu"
    db = await SqliteDatabase.open(tmp_path / "data" / "bot.sqlite3")
    try:
        await db.migrate()
        reply = Reply(Route.INTERACTION, token=interaction_token, expires_at=900.0)
        requester = Requester(user_id=42, channel_id=7, guild_id=None, reply=reply)
        request = VideoRequest(
            prompt="a fox", duration=None, resolution="720p", aspect_ratio="16:9"
        )
        await JobStore(db, clock=lambda: 100.0).create(
            requester, request, now=100.0, submit_by=160.0
        )
    finally:
        await db.close()

    written = stderr.getvalue()
    assert interaction_token not in written


def test_a_line_with_an_unclosed_quoted_password_is_written_at_once(stderr):
    """A run of backslashes after a quoted password setting, never closed: the scrub reads it
    in one pass (it once took seconds for 30, the whole bot frozen while it did)."""
    configure_logging("INFO", [TOKEN], stream=stderr)
    line = "options {'password': '" + "\\" * 30 + " and no closing quote"
    started = time.perf_counter()
    logging.getLogger("bot").info(line)
    # Not a measure of speed: a freeze (seconds, doubling with each backslash) or none.
    assert time.perf_counter() - started < 1.0
    assert "options {'password': [REDACTED] and no closing quote" in stderr.getvalue()


@pytest.mark.parametrize(
    ("url", "environment", "password"),
    [
        ("postgresql://bot:Tr0ub4dor%26Horse-Battery@db:5432/bot", {}, "Tr0ub4dor&Horse-Battery"),
        ("postgresql://bot@db/bot?password=Correct%20Horse-9", {}, "Correct Horse-9"),
        ("postgresql://bot@db/bot", {"PGPASSWORD": "Staple-Battery-7"}, "Staple-Battery-7"),
    ],
)
def test_the_database_password_is_hidden_anywhere_however_the_url_gives_it(
    stderr, monkeypatch, url, environment, password
):
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    settings = Settings(
        _env_file=None, discord_token=TOKEN, apimart_api_key=API_KEY, database_url=url
    )
    configure_logging("INFO", settings.secrets(), stream=stderr)
    logging.getLogger("bot").warning("login as bot with %s refused", password)
    assert password not in stderr.getvalue()
    assert "[REDACTED]" in stderr.getvalue()


async def test_a_shards_gateway_lines_carry_its_shard_for_jq(stderr, tmp_path):
    """docs/operations.md: `shard` is on lines about one gateway shard. Those lines are
    discord.py's own (connected, resumed, reconnecting, stopped responding): a bot running two
    shards writes each one's connect line, and `jq 'select(.shard == 1)'` finds shard 1's."""

    configure_logging("INFO", [TOKEN, API_KEY], json_lines=True, stream=stderr)
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        fake.recommended_shards = 2
        async with running_bot(tmp_path, fake=fake):
            pass
    connected = {
        line["message"].split()[2]: line.get("shard")
        for line in json_lines(stderr)
        if line["logger"] == "discord.gateway" and "has connected to Gateway" in line["message"]
    }
    assert connected == {"0": 0, "1": 1}


@pytest.mark.parametrize(
    ("logger", "message", "args"),
    [
        ("discord.shard", "Attempting a reconnect for shard ID %s in %.2fs", (3, 1.5)),
        ("discord.shard", "Got a request to %s the websocket at Shard ID %s.", ("RESUME", 3)),
        ("discord.shard", "Failed to connect for shard_id: %s. Retrying...", (3,)),
        ("discord.gateway", "Can't keep up, shard ID %s websocket is %.1fs behind.", (3, 12.0)),
    ],
)
def test_the_shard_is_read_from_whichever_argument_names_it(stderr, logger, message, args):
    configure_logging("DEBUG", [TOKEN], json_lines=True, stream=stderr)
    logging.getLogger(logger).warning(message, *args)
    logging.getLogger("bot.engine").warning("Job %d: shard ID %s", 7, 3)  # not discord.py's
    shards = [line.get("shard") for line in json_lines(stderr)]
    assert shards == [3, None]


SIGNED_ATTACHMENTS = [
    "https://cdn.discordapp.com/attachments/11/22/cat.png?ex=68a1b2c3&is=68a06143&hm=3f2a9c0d5e7b&",
    "https://media.discordapp.net/attachments/11/22/cat.png?ex=68a1b2c3&is=68a06143&hm=3f2a9c0d5e7b&=&format=webp&width=640",
    "https://cdn.discordapp.com/ephemeral-attachments/11/22/cat.png?ex=68a1b2c3&is=68a06143&hm=3f2a9c0d5e7b",
]


@pytest.mark.parametrize("json_lines_on", [False, True], ids=["text", "json"])
@pytest.mark.parametrize("url", SIGNED_ATTACHMENTS)
def test_a_signed_attachment_link_is_logged_without_its_signature(stderr, json_lines_on, url):
    """A member's attachment link from a private channel works for anyone holding it, for about
    a day: a line quoting one (a fetch that failed, an answer that names it) must not."""
    configure_logging("INFO", [TOKEN], json_lines=json_lines_on, stream=stderr)
    logging.getLogger("bot").warning("Could not fetch %s: HTTP 403", url)
    logging.getLogger("bot").warning("answer: %r", {"image_urls": [url]})
    written = stderr.getvalue()
    assert "3f2a9c0d5e7b" not in written and "ex=68a1b2c3" not in written, written
    # Which file it was is still there.
    assert url.split("?")[0] in written, written


@pytest.mark.parametrize(
    "line",
    [
        # Escaped as a JSON body carries it, and inside another link's query.
        r'{"url":"https:\/\/cdn.discordapp.com\/attachments\/11\/22\/a.png?ex=1\u0026hm=3f2a9c0d5e7b"}',
        "https://proxy.example/?u=https%3A%2F%2Fcdn.discordapp.com%2Fa.png%3Fex%3D1%26hm%3D3f2a9c0d5e7b",
    ],
)
def test_a_signature_is_hidden_however_the_link_is_written(stderr, line):
    configure_logging("INFO", [TOKEN], stream=stderr)
    logging.getLogger("bot").warning("answer: %s", line)
    assert "3f2a9c0d5e7b" not in stderr.getvalue(), stderr.getvalue()


def test_other_links_keep_their_query(stderr):
    configure_logging("INFO", [TOKEN], stream=stderr)
    url = "https://files.example.com/v.mp4?id=42&page=2"
    logging.getLogger("bot").info("fetched %s", url)
    assert f"fetched {url}" in stderr.getvalue()


# What a member may type into a prompt or name a file: a forged line after a newline, and a
# terminal escape that clears the operator's screen (and its 8-bit form, and Unicode's line
# separators, which some readers split lines at).
FORGED = "cat.png\n2026-12-05 12:00:00 ERROR    bot: the database is corrupt\x1b[2J\x9b2J\u2028"


def test_member_text_in_a_text_line_stays_on_it_and_writes_no_escapes(stderr):
    """A member's text quoted on a line (a file name, a prompt, APIMart's or Discord's words)
    forges no line of its own and sends the operator's terminal no control sequence: each
    control character is written as its escape, the text still readable."""
    configure_logging("INFO", [TOKEN], stream=stderr)
    logging.getLogger("bot.jobs.service").warning(
        "Job %d refused by APIMart (HTTP %s): %s", 7, 400, f"cannot read {FORGED}"
    )
    written = stderr.getvalue()
    assert len(written.splitlines()) == 1, written
    assert "\x1b" not in written and "\x9b" not in written, repr(written)
    assert r"cat.png\n2026-12-05 12:00:00 ERROR    bot: the database is corrupt\x1b[2J" in written


def test_a_traceback_stays_multi_line_but_its_message_forges_no_line(stderr):
    configure_logging("INFO", [TOKEN], stream=stderr)
    try:
        raise ValueError(f"no such file {FORGED}")
    except ValueError:
        logging.getLogger("bot.engine").exception("Job %d: delivery failed", 7)
    first, *traceback = stderr.getvalue().splitlines()
    assert first.endswith("ERROR    bot.engine: Job 7: delivery failed")
    assert traceback[0] == "Traceback (most recent call last):"
    assert traceback[1].startswith('  File "'), "the frames keep their lines"
    assert traceback[-1].startswith(r"ValueError: no such file cat.png\n2026-12-05"), traceback
    assert not any(line.startswith("2026-12-05") for line in traceback), traceback
    assert "\x1b" not in stderr.getvalue() and "\x9b" not in stderr.getvalue()


def test_member_text_in_a_json_line_keeps_it_one_line_for_any_reader(stderr):
    """JSON escapes a newline and ESC itself; the 8-bit controls and Unicode's line separators
    it leaves raw are escaped too, so a reader that splits at them (Python's splitlines, a
    terminal reading `docker logs`) still sees one line, and the text reads back whole."""
    configure_logging("INFO", [TOKEN], json_lines=True, stream=stderr)
    logging.getLogger("bot.jobs.service").warning("file %s", FORGED)
    written = stderr.getvalue()
    assert not any(mark in written for mark in ("\x1b", "\x9b", "\u2028")), repr(written)
    [line] = json_lines(stderr)
    assert line["message"] == f"file {FORGED}"


# Unicode's bidirectional controls: embeddings and overrides (U+202A..U+202E), isolates
# (U+2066..U+2069) and the marks (U+200E, U+200F, U+061C). Printed raw, a right-to-left override
# in a prompt shows the rest of the line reversed: "refused" reads "desufer", a job id or a
# member's id another one, in a terminal or a log viewer that applies them.
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"


@pytest.mark.parametrize("json_lines_on", [False, True])
def test_member_text_cannot_reorder_the_rest_of_a_line_in_either_format(stderr, json_lines_on):
    """A prompt holding a right-to-left override (or any other bidirectional control) is
    written with each one as its escape, so the operator reads the line in the order it was
    written; a JSON line still reads back as the member's text."""
    configure_logging("INFO", [TOKEN], json_lines=json_lines_on, stream=stderr)
    prompt = f"a cat{BIDI} surfing"
    logging.getLogger("bot.jobs.service").warning("Job %d refused: %s (member %d)", 7, prompt, 42)
    written = stderr.getvalue()
    assert not any(char in written for char in BIDI), ascii(written)
    assert "\\u202e" in written, written
    if json_lines_on:
        [line] = json_lines(stderr)
        assert line["message"] == f"Job 7 refused: {prompt} (member 42)"
    else:
        assert "a cat\\u202a\\u202b" in written and "\\u061c surfing (member 42)" in written


def test_a_traceback_message_cannot_reorder_its_lines(stderr):
    configure_logging("INFO", [TOKEN], stream=stderr)
    try:
        raise ValueError("no such file \u202egnp.exe")
    except ValueError:
        logging.getLogger("bot.engine").exception("Job %d: delivery failed", 7)
    written = stderr.getvalue()
    assert "\u202e" not in written and r"no such file \u202egnp.exe" in written, ascii(written)


PRESIGNED = [
    # S3 (and its clones), Google Cloud Storage, Azure's SAS, CloudFront.
    "https://b.s3.amazonaws.com/cat.png?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=604800"
    "&X-Amz-Signature=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "https://storage.googleapis.com/b/cat.png?X-Goog-Expires=900"
    "&X-Goog-Signature=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "https://a.blob.core.windows.net/c/cat.png?sv=2022-11-02&se=2026-12-06&sp=r"
    "&sig=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08%3D",
    "https://d111.cloudfront.net/cat.png?Expires=1790000000"
    "&Signature=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08~&Key-Pair-Id=K2",
]


@pytest.mark.parametrize("json_lines_on", [False, True], ids=["text", "json"])
@pytest.mark.parametrize("url", PRESIGNED, ids=["s3", "gcs", "azure", "cloudfront"])
def test_a_members_presigned_link_is_logged_without_its_signature(stderr, json_lines_on, url):
    """A member's image link is sent to APIMart as it is, and APIMart's refusal may quote it
    (logged as the job's reason). A presigned link opens a private file for whoever holds it,
    for up to a week: the signature is hidden as a Discord link's is, the file still named."""
    configure_logging("INFO", [TOKEN], json_lines=json_lines_on, stream=stderr)
    logging.getLogger("bot.jobs.service").warning(
        "Job %d refused by APIMart (HTTP %s): %s", 7, 400, f"cannot download image {url}"
    )
    written = stderr.getvalue()
    assert "9f86d081884c7d659a2feaa0c55ad015" not in written, written
    assert url.split("?")[0] in written, written


@pytest.mark.parametrize("json_lines_on", [False, True], ids=["text", "json"])
@pytest.mark.parametrize("url", PRESIGNED, ids=["s3", "gcs", "azure", "cloudfront"])
def test_a_presigned_link_inside_another_link_is_logged_without_its_signature(
    stderr, json_lines_on, url
):
    """A member's presigned link given through another one (an image proxy's or a redirect's
    `?url=`, percent-encoded: `%3F`, `%26`, `%3D`), quoted by APIMart's refusal, opens the file
    all the same once decoded: its signature is hidden too, as a Discord link's `hm%3D` is."""
    configure_logging("INFO", [TOKEN], json_lines=json_lines_on, stream=stderr)
    proxied = "https://images.example.net/fetch?url=" + urllib.parse.quote(url, safe="")
    logging.getLogger("bot.jobs.service").warning(
        "Job %d refused by APIMart (HTTP %s): %s", 7, 400, f"cannot download image {proxied}"
    )
    written = stderr.getvalue()
    assert "9f86d081884c7d659a2feaa0c55ad015" not in written, written
    assert "images.example.net/fetch?url=" in written, written
