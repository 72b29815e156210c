"""The core the bot runs on, built in one place: fetchers, APIMart clients, store, moderation,
job service, status messages, delivery and the poller, each handed what it talks to."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import aiohttp
import yarl

from bot.apimart import APIMartClient, RetryPolicy
from bot.apimart.client import UPLOAD_MAX_BYTES
from bot.balance import BalanceWatch
from bot.delivery import Delivery
from bot.interaction_delivery import RouteDelivery
from bot.jobs.budget import RequestBudget
from bot.jobs.cancels import CancelOutcome
from bot.jobs.kept_tasks import KeptTasks, kept_beside
from bot.jobs.link_allowance import LinkAllowance
from bot.jobs.link_marks import LinkMarks
from bot.jobs.media import LinkProber
from bot.jobs.models import Job
from bot.jobs.poller import Poller, PollerConfig
from bot.jobs.pricing import Pricing
from bot.jobs.reply_routes import ReplyRoutes
from bot.jobs.retention import JobRetention
from bot.jobs.schedule import PollSchedule, ScheduleMode
from bot.jobs.service import JobService, SubmitTiming
from bot.jobs.stages import LeaseTerms, Stage
from bot.jobs.status_marks import StatusMarks
from bot.jobs.store import JobStore
from bot.link_expiry import ExpiredLinkPosts
from bot.media.fetcher import GuardedFetcher, TrustedOrigin
from bot.media_refresh import DiscordMediaRefresher
from bot.moderation.catch_up import CatchUpMark
from bot.moderation.personal import PersonalLimits
from bot.moderation.service import Moderation
from bot.reach import hand_over_window
from bot.result_layout import Row
from bot.settings import Settings
from bot.status_messages import StatusMessages
from bot.status_sweep import StatusSweep
from bot.storage import Database

if TYPE_CHECKING:
    from bot.app import VideoBot

# How long after the engine starts videos waiting in servers wait, at most, for this process's
# shards to be ready and checked (`VideoBot.shard_checked`).
SERVERS_READY_CAP = PollerConfig.servers_ready_cap


@dataclass(frozen=True, slots=True)
class Services:
    """What `build_services` made; `VideoBot` keeps each as its attribute (`bot.jobs`...)."""

    member_urls: GuardedFetcher
    result_links: GuardedFetcher
    rehosts: GuardedFetcher
    apimart: APIMartClient
    store: JobStore
    status_marks: StatusMarks
    reply_routes: ReplyRoutes
    moderation: Moderation
    pricing: Pricing
    balance: BalanceWatch
    jobs: JobService
    link_prober: LinkProber
    link_allowance: LinkAllowance
    status_messages: StatusMessages
    routes: RouteDelivery
    retention: JobRetention
    status_sweep: StatusSweep
    poller: Poller


def build_services(bot: VideoBot, session: aiohttp.ClientSession) -> Services:
    """Build the core on `session` (trusted: APIMart and Discord only), nothing started yet."""
    settings = bot.settings
    member_urls, result_links, rehosts = _fetchers(settings, session)
    apimart = APIMartClient(
        session,
        base_url=settings.apimart_base_url,
        api_key=settings.apimart_api_key.get_secret_value(),
        timeout=settings.http_timeout,
        metrics=bot.metrics,
    )
    api_key = settings.apimart_api_key.get_secret_value()
    store = JobStore(
        bot.db,
        clock=bot.clock,
        leases=LeaseTerms.lasting(settings.lease_seconds),
        api_key=api_key,
    )
    status_marks = StatusMarks(bot.db, clock=bot.clock, api_key=api_key)
    reply_routes = ReplyRoutes(bot.db, api_key=api_key)
    # Admission runs inside each job's insert; cogs.moderation posts its mod-log feed.
    moderation = Moderation(
        bot.db,
        clock=bot.clock,
        default_moderator_role_id=settings.moderator_role_id,
        personal=PersonalLimits(
            videos_per_day=settings.user_install_allowance,
            max_active=settings.user_install_concurrency,
            monthly_budget=settings.user_install_monthly_budget,
        ),
    )
    pricing = Pricing(bot.db)
    balance = BalanceWatch(
        apimart.balance,
        bot.db,
        moderation.feed,
        clock=bot.clock,
        interval=settings.balance_check_interval,
        alert_below=settings.balance_alert_below,
    )
    bot.metrics.set_balance_source(balance.remaining_balance)
    bot.metrics.set_key_refused_source(lambda: balance.key_refused)
    # The engine retries a failed call itself, later and within its budget, so its client
    # makes exactly one request per budget token and every 429 reaches the budget (a
    # submit's pauses only submits); a submit never sleeps on `Retry-After` (it becomes the
    # job's next due time).
    engine_client = APIMartClient(
        session,
        base_url=settings.apimart_base_url,
        api_key=settings.apimart_api_key.get_secret_value(),
        timeout=settings.http_timeout,
        retry=RetryPolicy(max_retries=0),
        metrics=bot.metrics,
    )
    budget = RequestBudget(settings.budget_share())
    bot.metrics.watch_budget(budget)
    # Built last, after the job service that wakes it.
    poller: Poller | None = None

    def wake_poller() -> None:
        if poller is not None:
            poller.wake()

    async def on_balance(ok: bool, sent_at: float | None) -> None:
        """A 402 pauses new videos and has the balance read at once (a success resumes)."""
        await moderation.pause.on_balance(ok, sent_at)
        if not ok:
            balance.read_soon()

    async def tell_ban_stopped(job: Job, outcome: CancelOutcome) -> None:
        """A job stopped by its member's saved ban (before its submit, or its video before
        its post) where the ban's cancels missed it, told as those cancels tell it."""
        guild_id = job.requester.guild_id
        if guild_id is not None:
            by = bot.user.id if bot.user is not None else 0
            await moderation.tell_ban_stopped(guild_id, job.requester.user_id, job.id, by, outcome)

    jobs = JobService(
        store,
        engine_client,
        clock=bot.clock,
        timing=SubmitTiming(first_poll_delay=settings.poll_first_delay),
        on_change=wake_poller,
        admission=moderation,
        on_balance=on_balance,
        on_key_refused=balance.read_soon,
        budget=budget,
        metrics=bot.metrics,
        personal_budget=settings.user_install_monthly_budget,
        kept_tasks=KeptTasks(kept_beside(settings.database_path)),
        on_ban_stopped=tell_ban_stopped,
        # A re-host is one of the submit's requests: one try within the budget, and a 429
        # becomes the job's next due time (as the submit's own), never a sleep in a worker.
        refresh_media=DiscordMediaRefresher(
            attachment_urls=bot.attachment_urls,
            client=engine_client,
            budget=budget,
            fetcher=rehosts,
            cdn_origins=bot.cdn_origins,
            clock=bot.clock,
        ),
    )
    link_prober = LinkProber(member_urls)
    link_allowance = LinkAllowance()
    status_messages = StatusMessages(
        bot,
        store,
        status_marks,
        clock=bot.clock,
        pricing=pricing,
        waits_for=settings.task_timeout,
    )
    # Jobs asked where the bot is no member answer through the interaction or by DM.
    routes = RouteDelivery(
        bot,
        store,
        reply_routes,
        status_text=status_messages.render,
        clock=bot.clock,
        hand_over_before=hand_over_window(settings.poll_max_gap),
    )
    retention = JobRetention(bot.db, settings.job_retention_days, clock=bot.clock)

    def result_view(job: Job) -> Row | None:
        # Read at each delivery (and expired link edit): `cogs.results` sets it while loaded.
        return bot.result_view(job) if bot.result_view is not None else None

    # Result posts of APIMart's links that expired say so, edited once (a round of the sweep).
    expired_links = ExpiredLinkPosts(
        bot,
        LinkMarks(bot.db, clock=bot.clock, api_key=api_key),
        clock=bot.clock,
        result_view=result_view,
        cdn_origins=bot.cdn_origins,
    )
    status_sweep = StatusSweep(
        status_marks,
        reply_routes,
        status_messages,
        clock=bot.clock,
        hand_over=routes.each_round,
        expired_links=expired_links.sweep_once,
    )

    async def on_progress(job: Job) -> None:
        """A job's news: its channel status message, or its private one through the interaction."""
        await status_messages.progress(job)
        await routes.progress(job)

    async def announce_orphan(job: Job) -> None:
        """Post the status message of a job recorded by a command that did not get to it."""
        if job.requester.reply is not None:
            return  # the bot is no member where it was asked: nothing to post there
        channel = bot.get_partial_messageable(job.requester.channel_id)
        await status_messages.post(channel, job)

    delivery = Delivery(
        bot,
        result_links,
        store,
        clock=bot.clock,
        status=status_messages,
        result_view=result_view,
        route=routes.deliver,
        to_discord=bot.discord_clock.to_discord,
        cdn_origins=bot.cdn_origins,
    )
    poller = Poller(
        store,
        engine_client,
        jobs,
        delivery,
        give_up=delivery.given_up,
        clock=bot.clock,
        on_progress=on_progress,
        on_account_refused=balance.read_soon,
        on_ban_stopped=tell_ban_stopped,
        config=_poller_config(settings, bot.db),
        budget=budget,
        announce=announce_orphan,
        # Only on SQLite is this process alone: on PostgreSQL other processes may hold
        # claims right now, so a restart waits for leases to lapse instead.
        recover_at_start=bot.db.dialect == "sqlite",
        metrics=bot.metrics,
        servers_ready=bot.servers_checked,
    )
    return Services(
        member_urls=member_urls,
        result_links=result_links,
        rehosts=rehosts,
        apimart=apimart,
        store=store,
        status_marks=status_marks,
        reply_routes=reply_routes,
        moderation=moderation,
        pricing=pricing,
        balance=balance,
        jobs=jobs,
        link_prober=link_prober,
        link_allowance=link_allowance,
        status_messages=status_messages,
        routes=routes,
        retention=retention,
        status_sweep=status_sweep,
        poller=poller,
    )


def _fetchers(
    settings: Settings, session: aiohttp.ClientSession
) -> tuple[GuardedFetcher, GuardedFetcher, GuardedFetcher]:
    """The guarded fetchers: members' links, APIMart's result links, and late jobs' re-hosts."""
    member_urls = GuardedFetcher(
        max_bytes=settings.max_reference_bytes,
        allowed_networks=settings.link_allowed_networks,
    )
    apimart_origin = TrustedOrigin(yarl.URL(settings.apimart_base_url).origin(), session)
    # APIMart's answers name the result links: checked like members' links, except on
    # APIMart's own origin (trusted already with the key). Only `open` is used: Delivery
    # caps each video at the upload limit of where it goes.
    result_links = GuardedFetcher(
        max_bytes=0,
        allowed_networks=settings.link_allowed_networks,
        trusted=apimart_origin,
    )
    # Copies of a late job's pictures (from Discord's CDN, or APIMart's earlier copy): name
    # lookups of their own, so members' links on a silent nameserver never hold them up.
    # APIMart's own origin is trusted as for the result links: an APIMart behind a proxy on
    # the operator's network still gives its earlier copies back.
    rehosts = GuardedFetcher(
        # No more than APIMart's upload takes: a larger picture is refused as such.
        max_bytes=min(settings.max_reference_bytes, UPLOAD_MAX_BYTES),
        allowed_networks=settings.link_allowed_networks,
        trusted=apimart_origin,
    )
    return member_urls, result_links, rehosts


def _poller_config(settings: Settings, db: Database) -> PollerConfig:
    """The poller's intervals, pools and schedule, from the settings."""
    return PollerConfig(
        poll_interval=settings.poll_interval,
        task_timeout=settings.task_timeout,
        concurrency=settings.poll_concurrency,
        submit_workers=settings.submit_workers,
        delivery_workers=settings.delivery_workers,
        stop_timeout=settings.shutdown_grace,
        # On PostgreSQL other processes record jobs and die without waking this one: it
        # looks at least every poll interval, so theirs wait at most lease + interval.
        max_idle_wait=(
            settings.poll_interval if db.dialect == "postgres" else PollerConfig.max_idle_wait
        ),
        servers_ready_cap=SERVERS_READY_CAP,
        schedule=PollSchedule(
            interval=settings.poll_interval,
            max_gap=settings.poll_max_gap,
            mode=ScheduleMode(settings.poll_schedule),
        ),
    )


def ban_catch_up_mark(db: Database, store: JobStore, clock: Callable[[], float]) -> CatchUpMark:
    """This process's mark that it has not caught up yet the bans it missed while down."""
    return CatchUpMark(
        db,
        store.leases.owner,
        clock=clock,
        lasts=store.leases.length(Stage.POLL),
        cap=SERVERS_READY_CAP,
        alone=db.dialect == "sqlite",
    )
