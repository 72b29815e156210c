"""The Bot subclass: Discord's side (events, start-up, shards, shutdown); it owns the trusted
HTTP session and keeps the core `bot.wiring` builds on it."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import aiohttp
import discord
from discord.ext import commands

from bot.apimart import APIMartClient, VideoRequest
from bot.apimart.session import api_connector
from bot.balance import BalanceWatch
from bot.command_sync import sync_commands, sync_refused
from bot.commands_in_flight import CommandsInFlight
from bot.discord_pacing import GlobalWindow, global_window, pace_requests
from bot.discord_time import DiscordClock
from bot.i18n import use_command_ids
from bot.interaction_answers import watch_answers
from bot.interaction_delivery import RouteDelivery
from bot.jobs.link_allowance import LinkAllowance
from bot.jobs.media import LinkProber
from bot.jobs.models import Job, MessageRef
from bot.jobs.poller import Poller
from bot.jobs.pricing import Pricing
from bot.jobs.reply_routes import ReplyRoutes
from bot.jobs.retention import JobRetention
from bot.jobs.service import JobService
from bot.jobs.status_marks import StatusMarks
from bot.jobs.store import JobStore
from bot.media.fetcher import GuardedFetcher
from bot.media_refresh import (
    DISCORD_CDN_ORIGINS,
    SourceUnanswered,
    links_gone,
)
from bot.moderation.catch_up import CatchUpMark
from bot.moderation.service import Moderation
from bot.observability.discord_errors import count_rest_errors
from bot.observability.health import GatewayWatch
from bot.observability.metrics import Metrics
from bot.observability.server import ObservabilityServer
from bot.observability.wiring import Readiness, answer_for_bot, serve
from bot.reconnect import (
    Backoff,
    SetupFailed,
    describe,
    until_reachable,
    worth_waiting_out,
)
from bot.result_layout import Row
from bot.settings import Settings
from bot.status_messages import StatusMessages
from bot.status_sweep import StatusSweep
from bot.storage import Database
from bot.text import NO_MENTIONS
from bot.translator import CommandTranslator
from bot.wiring import Services, ban_catch_up_mark, build_services

if TYPE_CHECKING:
    from discord.types.gateway import SessionStartLimit

log = logging.getLogger(__name__)
# Before a session starts again (not the first): discord.py's own pause; Discord limits how
# many sessions a bot may start.
IDENTIFY_PAUSE = 5.0

INITIAL_EXTENSIONS: tuple[str, ...] = (
    "cogs.errors",
    "cogs.video",
    "cogs.member",
    "cogs.references",
    "cogs.moderation",
    "cogs.server_changes",
    "cogs.results",
    "cogs.confirm",
    "cogs.deleted_results",
    "cogs.controls",
    "cogs.owner",
)


class VideoBot(commands.AutoShardedBot):
    """The video bot. Everything it owns is made in `setup_hook` (the core by
    `bot.wiring.build_services`) and released in `close`."""

    session: aiohttp.ClientSession
    member_urls: GuardedFetcher
    result_links: GuardedFetcher
    rehosts: GuardedFetcher
    apimart: APIMartClient
    store: JobStore
    status_marks: StatusMarks
    reply_routes: ReplyRoutes
    jobs: JobService
    moderation: Moderation
    pricing: Pricing
    balance: BalanceWatch
    poller: Poller
    ban_catch_up: CatchUpMark
    link_prober: LinkProber
    link_allowance: LinkAllowance
    status_messages: StatusMessages
    status_sweep: StatusSweep
    retention: JobRetention
    # Set by `cogs.results` while it is loaded (the buttons in a result's layout): the core
    # never imports a cog.
    result_view: Callable[[Job], Row | None] | None = None
    routes: RouteDelivery
    # Every REST request to Discord takes a turn here first (`bot.discord_pacing`).
    discord_window: GlobalWindow

    def __init__(
        self,
        settings: Settings,
        db: Database,
        *,
        clock: Callable[[], float] = time.time,
        cdn_origins: frozenset[str] = DISCORD_CDN_ORIGINS,
        identify_pause: float = IDENTIFY_PAUSE,
    ) -> None:
        # Slash commands and context menus need no privileged intents; replies read the
        # replied-to message only with Message Content, enabled in the developer portal first.
        intents = discord.Intents.default()
        intents.message_content = settings.message_content_intent
        # Unset: one process, Discord's recommended count. Set: this process runs these.
        shards: dict[str, Any] = {"shard_count": settings.shard_count}
        if settings.shard_ids is not None:
            shards["shard_ids"] = list(settings.shard_ids)
        # The bot never joins voice: discord.py's warnings about missing voice libraries are noise.
        discord.VoiceClient.warn_nacl = False
        discord.VoiceClient.warn_dave = False
        # Discord's global limit, shared by the processes as the shards are.
        shard_share = (
            len(settings.shard_ids) / settings.shard_count
            if settings.shard_ids is not None and settings.shard_count is not None
            else 1.0
        )
        self.discord_window = global_window(shard_share, settings.discord_requests_per_second)
        self.discord_clock = DiscordClock(clock)
        super().__init__(
            http_trace=self.discord_clock.trace(),
            command_prefix=commands.when_mentioned,
            intents=intents,
            help_command=None,
            allowed_mentions=NO_MENTIONS,
            guild_ready_timeout=settings.guild_ready_timeout,
            **shards,
        )
        pace_requests(self.http, self.discord_window)
        # An interaction's first answer that met a 5xx is resent by discord.py: noted, so a
        # refusal of the resend is not taken for another process's answer (`cogs._answers`).
        watch_answers(self.http)
        self._identify_pause = identify_pause
        self.settings = settings
        self.db = db
        self.clock = clock
        # Commands that are recording or sending a job; shutdown waits for them.
        self._commands_in_flight = CommandsInFlight()
        self.closing = False
        self._drained: asyncio.Task[None] | None = None
        # Set when a stop begins: ends a wait for Discord to become reachable at once.
        self.stopping = asyncio.Event()
        self._setting_up = False
        # Where Discord serves attachments, and (with its media proxy) its copies of the pictures
        # embeds show (tests: the fake Discord).
        self.cdn_origins = cdn_origins
        # Counted always; served on METRICS_PORT only (`bot.observability`).
        self.metrics = Metrics()
        count_rest_errors(self.http, self.metrics)
        if settings.discord_gateway_url is not None:
            # Without SHARD_COUNT discord.py connects where `GET /gateway/bot` says: the
            # operator's gateway must win there too.
            self.http.get_bot_gateway = self._bot_gateway  # type: ignore[method-assign]
        self.gateway = GatewayWatch(grace=settings.health_gateway_grace, shards=self._own_shards)
        self.gateway.listen(self)
        self.readiness = Readiness(self)
        self.observability: ObservabilityServer | None = None
        self._health_tried = False
        # Set once every shard of this process had its first READY and `cogs.server_changes`
        # caught up the servers that removed the bot while it was down: the engine sends no video
        # waiting in a server before (nothing billed for a server that removed the bot).
        self.servers_checked = asyncio.Event()
        self._shards_checked: set[int] = set()
        # True once `setup_hook` finished: cogs loaded, commands synced, engine started.
        self.set_up = False

    async def start(self, token: str, *, reconnect: bool = True) -> None:
        """Log in and connect, waiting out a Discord that cannot be reached (one line a try).

        discord.py retries a lost gateway by itself, but not a failed log-in or gateway lookup.
        """
        # Before the first try, so /healthz and /readyz say why while Discord cannot be reached.
        await self._serve_health()
        logged_in = await until_reachable(
            lambda: self._log_in(token),
            what="log-in",
            stopping=self.stopping,
            backoff=Backoff(),
            between=self._fresh_http_session,
        )
        if logged_in:
            await until_reachable(
                lambda: self.connect(reconnect=reconnect),
                what="gateway",
                stopping=self.stopping,
                backoff=Backoff(),
            )

    async def shard_checked(self, shard_id: int) -> None:
        """`shard_id` is ready and its servers' removals and bans missed while the bot was down
        are caught up: once every shard of this process is, videos waiting in servers are sent,
        and videos made in servers are posted (by any process: `bot.moderation.bans`)."""
        self._shards_checked.add(shard_id)
        if self.servers_checked.is_set() or not self._shards_checked.issuperset(self._own_shards()):
            return
        self.servers_checked.set()
        if hasattr(self, "poller"):
            self.poller.wake()
        if hasattr(self, "ban_catch_up"):
            await self.ban_catch_up.end()

    async def ban_catch_up_failed(self) -> None:
        """A shard's start-up catch-up failed (logged by its caller): videos made in servers are
        no longer held for it, since nothing looks the bans up until the next start."""
        if hasattr(self, "ban_catch_up"):
            await self.ban_catch_up.end()

    def _own_shards(self) -> Sequence[int]:
        """The shards this process runs: SHARD_IDS, else all of SHARD_COUNT or of the count
        Discord recommended (which discord.py keeps in its connection state only, once asked).
        """
        if self.shard_ids is not None:
            return self.shard_ids
        if self._connection.shard_ids:
            return self._connection.shard_ids
        return range(self.shard_count or 0)

    async def launch_shards(self) -> None:
        """Open the shards' gateway connections; a stop ends the attempt at once.

        discord.py retries a shard that cannot connect every 5 s for ever and never looks at a
        stop: a SIGTERM during a gateway outage left the process running until it was killed.
        """
        launching = asyncio.ensure_future(super().launch_shards())
        stopped = asyncio.ensure_future(self.stopping.wait())
        try:
            await asyncio.wait({launching, stopped}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopped.cancel()
            if not launching.done():
                launching.cancel()  # the stop came first (or this wait was cancelled)
        await asyncio.wait({launching})
        if not launching.cancelled():
            launching.result()  # a fault discord.py does not retry (a refused token, say)

    async def _bot_gateway(self) -> tuple[int, str, SessionStartLimit]:
        """Discord's answer to `GET /gateway/bot`, with DISCORD_GATEWAY_URL as the URL."""
        shards, _, limits = await discord.http.HTTPClient.get_bot_gateway(self.http)
        assert self.settings.discord_gateway_url is not None
        return shards, self.settings.discord_gateway_url, limits

    async def _log_in(self, token: str) -> None:
        """`login`, which ends by running `setup_hook`: a fault from there is not retried."""
        try:
            await self.login(token)
        except Exception as error:
            if self._setting_up and worth_waiting_out(error):
                # Logged in already: the set-up failed, and must not run a second time.
                raise SetupFailed(describe(error)) from error
            raise

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """Wait `IDENTIFY_PAUSE` before a re-IDENTIFY, as discord.py does (Discord limits
        session starts).

        A stop ends the wait: shutting down during a reconnect must not take 5 s longer.
        """
        if not initial:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.stopping.wait(), self._identify_pause)

    def take_over_health(self, server: ObservabilityServer | None) -> None:
        """Answer on the server `python -m bot` started while it opened the database (None: its
        port was taken, which one error line said; not tried again)."""
        self._health_tried = True
        self.observability = server
        if server is not None:
            answer_for_bot(server, self)

    async def _serve_health(self) -> None:
        """Serve /healthz, /readyz and /metrics (on METRICS_PORT); tried once (a taken port is
        one error line, and the bot runs on without them)."""
        if not self._health_tried:
            self._health_tried = True
            self.observability = await serve(self)

    async def _fresh_http_session(self) -> None:
        """Close the session a failed log-in opened; the next log-in opens a new one."""
        await self.http.close()
        self.http.connector = discord.utils.MISSING

    def _adopt(self, services: Services) -> None:
        """Keep each service as the attribute of its name: cogs reach the core as `bot.jobs`."""
        for field in dataclasses.fields(services):
            setattr(self, field.name, getattr(services, field.name))

    async def setup_hook(self) -> None:
        """Open the session, wire the core, load cogs, sync commands, start polling."""
        self._setting_up = True
        settings = self.settings
        # First (when `start` did not already), so the endpoints answer during the set-up.
        await self._serve_health()
        # Trusted: APIMart and Discord only. Members' URLs go through `member_urls`, never this.
        self.session = aiohttp.ClientSession(
            connector=api_connector(
                checks=settings.poll_concurrency,
                submits=settings.submit_workers,
                deliveries=settings.delivery_workers,
            )
        )
        self._adopt(build_services(self, self.session))
        await self.tree.set_translator(CommandTranslator())
        for extension in INITIAL_EXTENSIONS:
            try:
                await self.load_extension(extension)
            except commands.ExtensionError:
                log.exception("Failed to load extension %s", extension)
        try:
            await sync_commands(self, self.db, self.settings.dev_guild_id)
        except discord.HTTPException as error:
            if not self.closing:
                # The commands synced last time still work; keep serving them and polling.
                # One line, Discord's answer in it: a traceback tells the operator nothing more.
                log.error("%s", sync_refused(error, self.settings.dev_guild_id))
        except Exception:
            # A stop during the sync closes the HTTP session under it: a stop, not a crash.
            if not self.closing:
                raise
        if self.closing:
            # Stopped while setting up: `close` already stopped what would start here.
            log.info("Stopped during start-up; the engine was not started")
            return
        # Before the engine starts: until this process caught up the bans it missed while it was
        # down, no process posts a video made in a server (its member may be banned there).
        self.ban_catch_up = ban_catch_up_mark(self.db, self.store, self.clock)
        await self.ban_catch_up.begin()
        self.poller.start()
        self.balance.start()
        self.status_sweep.start()
        self.retention.start()
        self.set_up = True

    async def media_lost(self, request: VideoRequest, sources: Sequence[MessageRef]) -> bool:
        """Whether a new job from `request` would be refused for links nothing can renew:
        asked before it is saved or counted (Regenerate, a form, Confirm, a reply), judged as
        the submit will judge it (a source message is read only when a link needs it)."""
        return await links_gone(
            request,
            sources,
            self.clock(),
            self.attachment_urls,
            self.cdn_origins,
            self.jobs.media_margin,
        )

    async def attachment_urls(self, source: MessageRef) -> dict[int, str]:
        """A message's attachment URLs as Discord signs them now; empty if it is gone or shut to
        the bot. Any other failure raises `SourceUnanswered`: it may pass, and the job waits."""
        try:
            data = await self.http.get_message(source.channel_id, source.message_id)
        except (discord.NotFound, discord.Forbidden) as error:
            # 404: the message or its channel was deleted; 403: the bot lost access to it.
            log.info("Message %d cannot be read again (%s)", source.message_id, error)
            return {}
        except (discord.HTTPException, aiohttp.ClientError, OSError, TimeoutError) as error:
            # A 5xx, a rate limit outlasting discord.py's retries, a dropped connection.
            raise SourceUnanswered(str(error) or type(error).__name__) from error
        # A forwarded message carries its attachments in its snapshots.
        payload: dict[str, Any] = dict(data)
        parts = [
            payload,
            *(snapshot["message"] for snapshot in payload.get("message_snapshots", [])),
        ]
        return {
            int(item["id"]): item["url"] for part in parts for item in part.get("attachments", [])
        }

    async def on_message(self, message: discord.Message, /) -> None:
        """No prefix commands: a mention is a reply asking for a video (`cogs.references`)."""

    async def on_ready(self) -> None:
        """Log who we are once connected."""
        log.info(
            "Connected as %s (id %s) to %d servers",
            self.user,
            self.application_id,
            len(self.guilds),
        )

    def command_in_flight(self) -> contextlib.AbstractAsyncContextManager[None]:
        """Mark a command that records or sends a job, so shutdown lets it finish (marked
        already, by the command around it: once is enough)."""
        return self._commands_in_flight.mark()

    async def close(self) -> None:
        """Drain while HTTP still works: the commands and the engine's work in flight side by
        side, within one SHUTDOWN_GRACE; then the last status edits; then the cogs.

        New commands are answered "restarting" from the first moment; a submit in flight
        completes and its task id is stored; nothing is marked delivered before it was posted.
        A second call (Ctrl-C pressed twice; systemd and make each passing on SIGTERM) waits
        for the first: a second drain would find nothing left to wait for and close the
        sessions under the first one's submits.
        """
        if self._drained is None:
            self._drained = asyncio.ensure_future(self._drain_and_close())
        await asyncio.shield(self._drained)

    async def _drain_and_close(self) -> None:
        self.closing = True
        self.stopping.set()
        # One grace for every wait, not one each: `docker stop` kills 10 s after SIGTERM.
        deadline = asyncio.get_running_loop().time() + self.settings.shutdown_grace

        def left(at_least: float = 0.0) -> float:
            return max(at_least, deadline - asyncio.get_running_loop().time())

        # Side by side: the engine stops claiming at once, and its work in flight and the
        # commands in flight finish (or are cut short) by the same deadline.
        await asyncio.gather(
            self._commands_in_flight.finish(left()),
            self.poller.stop(grace=left()) if hasattr(self, "poller") else asyncio.sleep(0),
        )
        if hasattr(self, "ban_catch_up"):
            self.ban_catch_up.stop()  # during the catch-up: its mark lapses, as a claim does
        if hasattr(self, "balance"):
            await self.balance.stop()
        if hasattr(self, "status_sweep"):
            await self.status_sweep.stop()
        if hasattr(self, "retention"):
            await self.retention.stop()
        # The last status edits and interaction answers get what is left, and a moment anyway.
        if hasattr(self, "status_messages"):
            await self.status_messages.close(grace=min(2.0, left(at_least=0.25)))
        if hasattr(self, "routes"):
            await self.routes.close(grace=min(2.0, left(at_least=0.25)))
        if hasattr(self, "moderation"):
            # Before the cogs unload: a post Discord holds back must not hold up the stop.
            await self.moderation.feed.drain(grace=min(2.0, left(at_least=0.25)))
        for extension in list(self.extensions):
            try:
                await self.unload_extension(extension)
            except commands.ExtensionError:
                log.exception("Failed to unload extension %s", extension)
        await super().close()
        if hasattr(self, "session"):
            await self.session.close()
        use_command_ids({})  # this session's commands: named plainly again
        if hasattr(self, "member_urls"):
            await self.member_urls.close()
        if hasattr(self, "result_links"):
            await self.result_links.close()
        if hasattr(self, "rehosts"):
            await self.rehosts.close()
        if self.observability is not None:
            await self.observability.stop()
