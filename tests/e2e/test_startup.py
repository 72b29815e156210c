"""Start-up resilience, as an operator meets it: Discord unreachable at start or gone for a while
is one clear log line per retry, never a traceback exit; a wrong token still ends the process."""

import asyncio
import re
import signal
import socket
import sqlite3

import pytest

from tests.backends import lay_migrated_sqlite
from tests.e2e.process import bot_environment, bot_process, launched_bot
from tests.fakes.apimart import FakeAPIMart
from tests.fakes.discord import FakeDiscord
from tests.fakes.web import Site
from tests.harness import API_KEY, BOT_TOKEN, assert_no_spec_violations
from tests.observability.scrape import probe, until_status

UNREACHABLE = "Discord is unreachable"


# Ports held bound (never listening) for the whole run: a connection there is refused, and no
# other test's server, in this worker or another, is given one of them meanwhile.
_HELD: list[socket.socket] = []


def _bound() -> socket.socket:
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    return holder


def closed_port() -> int:
    """A loopback port nothing listens on, for as long as the tests run."""
    holder = _bound()
    _HELD.append(holder)
    return int(holder.getsockname()[1])


class AbsentDiscord(FakeDiscord):
    """A fake Discord not started yet: its port is held, not listening, until it starts (a
    port merely found free was given to another test's server and the bot connected there)."""

    def __init__(self) -> None:
        self._holder = _bound()
        super().__init__(token=BOT_TOKEN, port=int(self._holder.getsockname()[1]))

    async def start(self) -> None:
        """Give the port up, then listen on it."""
        self._holder.close()
        await super().start()


@pytest.fixture
async def api():
    async with FakeAPIMart(api_key=API_KEY) as fake:
        yield fake


@pytest.fixture
def absent_discord():
    """A fake Discord on a fixed port that is not listening yet."""
    fake = AbsentDiscord()
    yield fake
    fake._holder.close()


async def test_discord_unreachable_at_start_is_retried_until_it_answers(
    tmp_path, api, absent_discord
):
    fake = absent_discord
    async with launched_bot(tmp_path, bot_environment(tmp_path, fake, api)) as bot:
        await bot.wait_for_log(UNREACHABLE)
        async with fake:
            await fake.wait_for_connection(timeout=10)
            assert await bot.stop(signal.SIGTERM) == 0
            assert_no_spec_violations(fake)
    log = bot.log()
    line = bot.log_lines(UNREACHABLE)[0]
    assert "trying again in" in line and f"127.0.0.1:{fake.port}" in line, "says what and when"
    assert "Traceback" not in log


async def test_health_checks_say_why_while_discord_is_unreachable_at_start(
    tmp_path, api, absent_discord
):
    # A grace well inside the first retry's wait (0.5-1 s): the fake is up before that retry, not
    # met by the next one (1-2 s later).
    env = bot_environment(
        tmp_path, absent_discord, api, METRICS_PORT="0", HEALTH_GATEWAY_GRACE="0.1"
    )
    async with launched_bot(tmp_path, env) as bot:
        await bot.wait_for_log(UNREACHABLE)
        [port] = re.findall(r"/metrics on 127\.0\.0\.1:(\d+)", bot.log())
        base = f"http://127.0.0.1:{port}"
        status, body = await probe(base, "/readyz")
        assert status == 503
        assert body["reasons"][0] == "discord: not logged in yet"
        # Past the grace, the orchestrator hears it too (an outage at start-up is one).
        unhealthy = await until_status(base, "/healthz", 503)
        assert unhealthy["reasons"][0].startswith("gateway: not connected since start-up")
        async with absent_discord as fake:
            await fake.wait_for_connection(timeout=10)
            assert await until_status(base, "/readyz", 200) == {"status": "ready"}
            assert await probe(base, "/healthz") == (200, {"status": "ok"})
            assert await bot.stop(signal.SIGTERM) == 0


async def test_a_stop_while_discord_is_unreachable_exits_zero(tmp_path, api, absent_discord):
    async with launched_bot(tmp_path, bot_environment(tmp_path, absent_discord, api)) as bot:
        await bot.wait_for_log(UNREACHABLE, count=2)
        assert await bot.stop(signal.SIGTERM, timeout=5) == 0
    log = bot.log()
    assert "Stopped cleanly" in log
    assert "Traceback" not in log


async def test_a_stop_during_the_command_sync_exits_zero(tmp_path, api):
    """`docker stop` in the first seconds, while Discord answers the command sync with 5xx
    (discord.py waits, then retries): a normal stop, not a crash."""
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        fake.fail_next("*", r"/commands", status=500, times=2)
        async with launched_bot(tmp_path, bot_environment(tmp_path, fake, api)) as bot:
            await fake.wait_for_request(path_regex=r"/commands", timeout=20)
            assert await bot.stop(signal.SIGTERM, timeout=15) == 0
    log = bot.log()
    assert "the engine was not started" in log, "the stop came before the engine started"
    assert "Stopped cleanly" in log
    assert "Traceback" not in log


async def test_a_wrong_token_ends_the_process_with_one_line_and_no_restart(tmp_path, api):
    """Exit status 2, which the documented systemd unit does not restart (a restart cannot fix
    a token): with 1 it restarted the bot, each try refused, until its start limit."""
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        env = bot_environment(tmp_path, fake, api, DISCORD_TOKEN="not-the-token")
        async with launched_bot(tmp_path, env) as bot:
            assert await asyncio.wait_for(bot.process.wait(), 20) == 2
    log = bot.log()
    assert len(bot.log_lines("Discord refused DISCORD_TOKEN")) == 1
    assert "Traceback" not in log
    assert "not-the-token" not in log


async def test_a_discord_address_that_is_not_discord_ends_the_process_with_one_line_and_no_restart(
    tmp_path, api
):
    """A DISCORD_API_BASE answering 404 for the log-in (`/users/@me`) is a wrong address, not an
    outage: exit status 2, which the documented systemd unit does not restart."""
    async with FakeDiscord(token=BOT_TOKEN) as fake, Site(host="127.0.0.1") as elsewhere:
        wrong = elsewhere.url("/api/v10")
        env = bot_environment(tmp_path, fake, api, DISCORD_API_BASE=wrong)
        async with launched_bot(tmp_path, env) as bot:
            assert await asyncio.wait_for(bot.process.wait(), 20) == 2
    [line] = bot.log_lines(" ERROR ")
    assert "HTTP 404" in line and "/users/@me" in line
    assert f"DISCORD_API_BASE ({wrong})" in line and "https://discord.com/api/v10" in line
    assert "Traceback" not in bot.log()


async def test_a_gateway_lookup_answered_404_ends_the_process_with_no_restart(tmp_path, api):
    """Discord itself never answers 404 for `GET /gateway/bot`: a proxy at DISCORD_API_BASE that
    does not forward it is as wrong as a wrong address, and a restart meets it again."""
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        fake.fail_next("GET", r"/gateway/bot", status=404, message="404: Not Found")
        async with launched_bot(tmp_path, bot_environment(tmp_path, fake, api)) as bot:
            assert await asyncio.wait_for(bot.process.wait(), 20) == 2
    [line] = bot.log_lines(" ERROR ")
    assert "HTTP 404" in line and "/gateway/bot" in line and "DISCORD_API_BASE" in line
    assert "Traceback" not in bot.log()


async def test_message_content_not_switched_on_in_the_portal_names_the_setting(tmp_path, api):
    """MESSAGE_CONTENT_INTENT=true before the portal's switch: Discord closes the gateway (4014).
    The one line says which intent, where to switch it on, and the setting that asks for it;
    exit status 2, not restarted by the documented systemd unit."""
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        fake.message_content_enabled = False
        env = bot_environment(tmp_path, fake, api, MESSAGE_CONTENT_INTENT="true")
        async with launched_bot(tmp_path, env) as bot:
            assert await asyncio.wait_for(bot.process.wait(), 20) == 2
    [line] = bot.log_lines(" ERROR ")
    assert "Message Content Intent" in line and "developer portal" in line
    assert "MESSAGE_CONTENT_INTENT=false" in line
    assert "approval" in line, "a verified bot's switch is Discord's to grant"
    assert "Traceback" not in bot.log()


async def test_a_dev_guild_id_of_a_server_without_the_bot_names_the_setting_in_one_line(
    tmp_path, api
):
    """DEV_GUILD_ID set to a server the bot was not added to (or a mistyped id): Discord refuses
    the command sync (403 Missing Access). The operator reads one line naming the setting and
    the server, not a traceback; the bot runs on."""
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        elsewhere = 987654321098765432
        env = bot_environment(tmp_path, fake, api, DEV_GUILD_ID=str(elsewhere))
        async with launched_bot(tmp_path, env) as bot:
            await fake.wait_for_connection(timeout=30)
            await bot.wait_for_log("Connected as", timeout=20)
            assert bot.process.returncode is None, "the bot runs on"
            assert await bot.stop(signal.SIGTERM) == 0
    lines = bot.log_lines(" ERROR ")
    assert len(lines) == 1, bot.log()[-6000:]
    [line] = lines
    assert "DEV_GUILD_ID" in line and str(elsewhere) in line
    assert "HTTP 403" in line and "Missing Access" in line
    assert "Traceback" not in bot.log()


async def test_an_address_discord_blocks_for_a_while_is_waited_out_not_exited(tmp_path, api):
    """Cloudflare answers an address that made too many invalid requests 429 (a text page, no
    JSON) for up to an hour, and discord.py raises that at once. Exiting on it sent the bot back
    into the block at every restart (systemd gives up after five in ten seconds), with a line
    telling the operator to check DISCORD_API_BASE: it is waited out like an outage instead."""
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        fake.block_address(times=2)
        async with launched_bot(tmp_path, bot_environment(tmp_path, fake, api)) as bot:
            await bot.wait_for_log(UNREACHABLE, count=2)
            await fake.wait_for_connection(timeout=10)
            assert await bot.stop(signal.SIGTERM) == 0
    lines = bot.log_lines(UNREACHABLE)
    assert "HTTP 429" in lines[0] and "trying again in" in lines[0]
    log = bot.log()
    assert "DISCORD_API_BASE" not in log and "Traceback" not in log


async def test_apimart_unreachable_at_start_does_not_hold_the_bot_up(tmp_path, api):
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        closed = f"http://127.0.0.1:{closed_port()}"
        async with bot_process(tmp_path, fake, api, APIMART_BASE_URL=closed) as bot:
            interaction = await fake.slash_command("video", options={"prompt": "a kite"})
            answer = await interaction.wait_for_answer(timeout=10)
            assert "busy" in answer["content"], "the job is kept and sent later"
            assert await bot.stop(signal.SIGTERM) == 0
        assert_no_spec_violations(fake)
    assert "Traceback" not in bot.log()


async def test_a_gateway_outage_is_logged_in_one_line_per_retry_and_survived(tmp_path, api):
    async with FakeDiscord(token=BOT_TOKEN) as fake, bot_process(tmp_path, fake, api) as bot:
        visits = len(fake.gateway_connect_queries)
        await fake.stop()
        await bot.wait_for_log("Attempting a reconnect")
        await fake.start()  # the same port
        await fake.wait_for(lambda: len(fake.gateway_connect_queries) > visits, timeout=10)
        # Back at the gateway, the bot waits 5 s before identifying again: a stop cuts that short.
        assert await bot.stop(signal.SIGTERM, timeout=3) == 0
    # One line per retry (discord.py's first retry may come 0.01 s after the first, before
    # the fake is back), each saying why.
    lines = bot.log_lines("Attempting a reconnect")
    assert lines, "the outage was logged"
    assert all("Cannot connect to host" in line for line in lines), "says why"
    assert "Traceback" not in bot.log()


class GatewayDownDiscord(FakeDiscord):
    """REST answers; the gateway websocket `GET /gateway/bot` names is down (a gateway-only
    outage, or a firewall that lets HTTPS out but not the websocket)."""

    down = f"ws://127.0.0.1:{closed_port()}/gateway"

    @property
    def gateway_url(self) -> str:
        return self.down


@pytest.mark.parametrize(
    ("signum", "shards"),
    [(signal.SIGTERM, None), (signal.SIGINT, "1")],
    ids=["sigterm", "ctrl-c-with-shard-count"],
)
async def test_a_stop_while_the_gateway_cannot_be_reached_exits_zero(tmp_path, api, signum, shards):
    """discord.py retries a shard's connection every 5 s for ever; a stop must end that."""
    async with GatewayDownDiscord(token=BOT_TOKEN) as fake:
        extra = {} if shards is None else {"SHARD_COUNT": shards}
        env = bot_environment(tmp_path, fake, api, **extra)
        async with launched_bot(tmp_path, env) as bot:
            # Stopped in the 5 s wait before the next try, as a stop would meet it.
            await bot.wait_for_log("Failed to connect for shard_id", timeout=20)
            assert await bot.stop(signum, timeout=5) == 0, bot.tail()
    assert bot.log_lines("Stopped cleanly")
    assert "Traceback" not in bot.log(), bot.tail()


async def test_discord_gateway_url_is_where_the_bot_connects_without_shard_count(tmp_path, api):
    """`GET /gateway/bot` names Discord's gateway; DISCORD_GATEWAY_URL says to use another."""
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        env = bot_environment(
            tmp_path, fake, api, DISCORD_GATEWAY_URL=f"ws://127.0.0.1:{closed_port()}/gateway"
        )
        assert "SHARD_COUNT" not in env
        async with launched_bot(tmp_path, env) as bot:
            await bot.wait_for_log("Failed to connect for shard_id", timeout=20)
            assert fake.gateway_connect_queries == [], "the fake's own gateway was not used"
            assert await bot.stop(signal.SIGTERM, timeout=5) == 0


async def test_a_changed_migration_ends_the_process_with_one_line_and_no_restart(tmp_path, api):
    """A migration file edited after the database applied it: one line naming the file, exit
    status 2 (a restart cannot fix it), and Discord is never asked."""
    path = tmp_path / "data" / "bot.sqlite3"
    path.parent.mkdir()
    await lay_migrated_sqlite(path)
    with sqlite3.connect(path) as connection:  # as if it had applied another text of 0021
        connection.execute("UPDATE schema_version SET checksum = 'earlier' WHERE version = 21")
    connection.close()
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        async with launched_bot(tmp_path, bot_environment(tmp_path, fake, api)) as bot:
            assert await asyncio.wait_for(bot.process.wait(), 20) == 2
        assert fake.handshakes == 0
    [line] = bot.log_lines(" ERROR ")
    assert "0021_stage_indexes.sql" in line and "changed" in line
    assert "Traceback" not in bot.log()


async def test_health_checks_answer_while_the_database_is_awaited_at_start(tmp_path, api):
    """PostgreSQL not reachable yet (DATABASE_CONNECT_WAIT, or a slow migration): a liveness
    probe met "connection refused" until the database was open, and an orchestrator could
    restart the bot mid-migration. It is alive and starting: /healthz 200, /readyz 503."""
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        env = bot_environment(
            tmp_path,
            fake,
            api,
            METRICS_PORT="0",
            DATABASE_URL=f"postgresql://bot@127.0.0.1:{closed_port()}/bot",
            DATABASE_CONNECT_WAIT="60",
        )
        async with launched_bot(tmp_path, env) as bot:
            await bot.wait_for_log("cannot be reached yet")
            [port] = re.findall(r"/metrics on 127\.0\.0\.1:(\d+)", bot.log())
            base = f"http://127.0.0.1:{port}"
            assert await probe(base, "/healthz") == (200, {"status": "ok"})
            status, body = await probe(base, "/readyz")
            assert status == 503
            assert body["reasons"] == ["starting: opening the database"]
            assert await bot.stop(signal.SIGTERM, timeout=5) == 0
        assert fake.handshakes == 0
    assert "Traceback" not in bot.log()


async def test_the_bot_says_at_start_that_its_health_checks_are_off(tmp_path, api):
    """`METRICS_PORT=` in an `--env-file` turns off the image's 8080: one line says what that
    leaves the image's HEALTHCHECK to go by."""
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        env = bot_environment(tmp_path, fake, api, METRICS_PORT="", LOG_LEVEL="INFO")
        async with launched_bot(tmp_path, env) as bot:
            await fake.wait_for_connection(timeout=30)
            assert await bot.stop(signal.SIGTERM) == 0
    [line] = bot.log_lines("METRICS_PORT")
    assert (
        "Health checks and metrics are off" in line and "no /healthz, /readyz or /metrics" in line
    )
    assert "HEALTHCHECK" in line and "only that the container runs" in line
