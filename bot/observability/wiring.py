"""The bot's side of the endpoints: what "ready" means for it, and the server it starts."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from bot.observability.health import DATABASE_TIMEOUT, Health, Starting, database_problem
from bot.observability.live import LiveValues
from bot.observability.metrics import Metrics
from bot.observability.server import ObservabilityServer
from bot.storage.base import MIGRATIONS_ROOT, load_migrations

if TYPE_CHECKING:
    from bot.app import VideoBot
    from bot.settings import Settings

log = logging.getLogger(__name__)


class Readiness:
    """Why the bot does not take commands now; the database is asked on every probe, its
    migrations until they are applied."""

    def __init__(self, bot: VideoBot) -> None:
        self._bot = bot
        self._migrated = False

    async def reasons(self) -> list[str]:
        """Every reason, in the order an operator would fix them (empty: ready)."""
        from bot.app import INITIAL_EXTENSIONS  # the app imports this module

        bot = self._bot
        reasons: list[str] = []
        if bot.closing:
            reasons.append("shutting down")
        if bot.user is None:
            # `start` retries the log-in until Discord answers (one log line per try).
            reasons.append("discord: not logged in yet")
        if not bot.set_up:
            reasons.append("setting up (cogs, command sync, engine)")
        missing = [name for name in INITIAL_EXTENSIONS if name not in bot.extensions]
        if bot.set_up and missing:
            reasons.append(f"extensions not loaded: {', '.join(missing)}")
        if not bot.is_ready():
            reasons.append("gateway: not ready yet")
        elif bot.gateway.down():
            reasons.append("gateway: reconnecting")
        database = await self._database_problem()
        if database is not None:
            reasons.append(database)
        if hasattr(bot, "balance") and bot.balance.key_refused:
            reasons.append("apimart: the API key was refused (check APIMART_API_KEY)")
        return reasons

    async def _database_problem(self) -> str | None:
        """A database that does not answer, or migrations not applied yet: a probe made
        while it is down gets the reason (as /healthz does), never an error or a hang."""
        db = self._bot.db
        unreachable = await database_problem(db)
        if unreachable is not None or self._migrated:
            return unreachable
        wanted = load_migrations(MIGRATIONS_ROOT / db.dialect)
        latest = wanted[-1].version if wanted else 0
        try:
            async with asyncio.timeout(DATABASE_TIMEOUT):
                self._migrated = await db.schema_version() >= latest
        except Exception as error:
            return f"database: unreachable ({type(error).__name__})"
        return None if self._migrated else "database: migrations not applied"


def _checks_of(bot: VideoBot) -> tuple[Health, LiveValues]:
    """`bot`'s health checks and the live values its /metrics reads."""
    # The engine and the store exist once `setup_hook` made them: until then, nothing to check.
    health = Health(
        db=bot.db,
        gateway=bot.gateway,
        dead_loops=lambda: bot.poller.dead_loops() if hasattr(bot, "poller") else [],
        not_ready=bot.readiness.reasons,
    )
    live = LiveValues(
        bot.metrics,
        store=lambda: bot.store if hasattr(bot, "store") else None,
        latencies=lambda: bot.latencies,
        loops=lambda: bot.poller.loop_states() if hasattr(bot, "poller") else {},
    )
    return health, live


async def serve(bot: VideoBot) -> ObservabilityServer | None:
    """Serve /healthz, /readyz and /metrics for `bot` on METRICS_PORT; None if unset or taken."""
    settings = bot.settings
    if settings.metrics_port is None:
        return None
    health, live = _checks_of(bot)
    server = ObservabilityServer(
        health,
        bot.metrics,
        host=settings.metrics_host,
        port=settings.metrics_port,
        refresh=live.refresh,
    )
    return await _started(server, settings)


async def serve_while_starting(settings: Settings) -> ObservabilityServer | None:
    """Serve the endpoints on METRICS_PORT while the database is opened (alive, not ready), for
    the bot to take over (`answer_for_bot`); None if unset or taken."""
    if settings.metrics_port is None:
        return None
    server = ObservabilityServer(
        Starting(), Metrics(), host=settings.metrics_host, port=settings.metrics_port
    )
    return await _started(server, settings)


def answer_for_bot(server: ObservabilityServer, bot: VideoBot) -> None:
    """The server started while the database was opened answers for `bot` from now on."""
    health, live = _checks_of(bot)
    server.answer_for(health, bot.metrics, live.refresh)


async def _started(server: ObservabilityServer, settings: Settings) -> ObservabilityServer | None:
    """`server`, serving; None if its port is taken."""
    try:
        await server.start()
    except OSError as error:
        # The bot itself still works: say so once and go on without the endpoints.
        log.error(
            "Cannot serve health checks and metrics on %s:%d (%s); running without them",
            server.host,
            settings.metrics_port,
            error.strerror or error,
        )
        return None
    return server
