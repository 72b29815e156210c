"""The bot's Prometheus metrics: one `Metrics` per bot, with its own registry.

Counting is always on (it is cheap); the numbers are only served when `METRICS_PORT` is set.
Each bot has its own `CollectorRegistry`, so several bots in one process (tests) never collide.
Every name starts with `videobot_`; docs/operations.md lists them all.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Literal, get_args

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
)

from bot.jobs.budget import RequestBudget

PREFIX = "videobot"

# Seconds. APIMart answers in well under a second; a slow upload or a stall takes up to the timeout.
_API_LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
# Seconds. Omni-Flash-Ext renders take from about half a minute to several minutes.
_RENDER_BUCKETS = (15.0, 30.0, 60.0, 90.0, 120.0, 180.0, 240.0, 300.0, 450.0, 600.0, 900.0, 1800.0)
# Seconds from "the render finished" to "the member has the result" (poll gap + download + post).
_DELIVERY_BUCKETS = (1.0, 2.5, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0)

BalanceSource = Callable[[], float | None]

# Every outcome docs/operations.md lists, served at 0 from the start: a labelled series first
# served at 1 has no earlier sample, so `increase()` reads 0 for it and an alert on the first
# give-up (or rejection) after a start would stay silent. Typed: mypy holds every call that
# counts an outcome to these names.
SubmitOutcome = Literal[
    "accepted",
    "retry",
    "rejected",
    "unknown",
    "held",
    "refused_here",
    "announce_refused",
    "gave_up",
    "cancelled",
    "not_sent",
    "error",
]
PollOutcome = Literal["running", "finished", "timed_out", "not_found", "rate_limited", "error"]
DeliveryOutcomeName = Literal["delivered", "retry", "unreachable"]
RenderOutcome = Literal["completed", "failed", "cancelled"]
SUBMIT_OUTCOMES: tuple[SubmitOutcome, ...] = get_args(SubmitOutcome)
POLL_OUTCOMES: tuple[PollOutcome, ...] = get_args(PollOutcome)
DELIVERY_OUTCOMES: tuple[DeliveryOutcomeName, ...] = get_args(DeliveryOutcomeName)
RENDER_OUTCOMES: tuple[RenderOutcome, ...] = get_args(RenderOutcome)
# The same for the failures the APIMart and Discord alerts read: each endpoint's (as
# `bot.apimart.client.endpoint_label` names them) answers that are a failure (no answer, a rate
# limit, a server error) and a success, and Discord's failures that carry no error code. Any
# other status or Discord error code is served from its first count (those are unbounded).
APIMART_ENDPOINTS = (
    "/v1/videos/generations",
    "/v1/tasks/{task_id}",
    "/v1/uploads/images",
    "/v1/balance",
    "/v1/user/balance",
)
APIMART_STATUSES = (
    "200",
    "429",
    "500",
    "502",
    "503",
    "504",
    "connect_error",
    "timeout",
    "no_answer",
)
DISCORD_FAILURES = ("401", "429", "500", "502", "503", "504")

# The `_created` series of each counter and histogram double the output and no alert uses them
# (this is process-wide; the bot is the only user of prometheus_client in its process).
disable_created_metrics()  # type: ignore[no-untyped-call]


def _name(suffix: str) -> str:
    return f"{PREFIX}_{suffix}"


class Metrics:
    """Every metric the bot keeps, and the few methods the code calls to move them."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        registry = self.registry
        self.jobs = Gauge(
            _name("jobs"), "Jobs in the database by state.", ["state"], registry=registry
        )
        self.stage_overdue = Gauge(
            _name("stage_overdue_seconds"),
            "How long the most overdue job of a stage has waited past its due time (0: none).",
            ["stage"],
            registry=registry,
        )
        self.stage_up = Gauge(
            _name("stage_up"),
            "1 while a stage's loop (submit, poll, deliver) runs, 0 when it is dead.",
            ["stage"],
            registry=registry,
        )
        self.submits = Counter(
            _name("submits"), "Submit attempts by outcome.", ["outcome"], registry=registry
        )
        self.polls = Counter(
            _name("polls"), "Status checks of tasks by outcome.", ["outcome"], registry=registry
        )
        self.deliveries = Counter(
            _name("deliveries"), "Delivery attempts by outcome.", ["outcome"], registry=registry
        )
        # The polls find renders finished; how each ended is counted here, once: failures that
        # APIMart reports with a 200 move no other counter.
        self.renders = Counter(
            _name("renders"), "Renders that ended, by outcome.", ["outcome"], registry=registry
        )
        for counter, outcomes in (
            (self.submits, SUBMIT_OUTCOMES),
            (self.polls, POLL_OUTCOMES),
            (self.deliveries, DELIVERY_OUTCOMES),
            (self.renders, RENDER_OUTCOMES),
        ):
            for outcome in outcomes:
                counter.labels(outcome=outcome)
        self.apimart_requests = Counter(
            _name("apimart_requests"),
            "APIMart requests by endpoint and HTTP status (or the network error).",
            ["endpoint", "status"],
            registry=registry,
        )
        for endpoint in APIMART_ENDPOINTS:
            for status in APIMART_STATUSES:
                self.apimart_requests.labels(endpoint=endpoint, status=status)
        self.apimart_latency = Histogram(
            _name("apimart_request_duration_seconds"),
            "Time from sending an APIMart request to reading its whole answer.",
            ["endpoint"],
            buckets=_API_LATENCY_BUCKETS,
            registry=registry,
        )
        self.apimart_rate_limited = Counter(
            _name("apimart_rate_limited"),
            "APIMart answers that were a rate limit (429), by endpoint.",
            ["endpoint"],
            registry=registry,
        )
        for endpoint in APIMART_ENDPOINTS:
            self.apimart_rate_limited.labels(endpoint=endpoint)
        self.budget_rate = Gauge(
            _name("request_budget_rate"),
            "Requests per second the request budget allows now (below the ceiling after a 429;"
            " NaN: the engine is not set up yet).",
            registry=registry,
        )
        self.budget_ceiling = Gauge(
            _name("request_budget_ceiling"),
            "This process's configured share of API_REQUESTS_PER_SECOND (NaN: the engine is"
            " not set up yet).",
            registry=registry,
        )
        # The endpoints serve before the engine exists (while Discord is unreachable): not 0,
        # which would read as a budget that allows nothing.
        self.budget_rate.set(math.nan)
        self.budget_ceiling.set(math.nan)
        self.delivery_delay = Histogram(
            _name("delivery_delay_seconds"),
            "Time from a render's end (as the bot learned it) to its result being posted.",
            buckets=_DELIVERY_BUCKETS,
            registry=registry,
        )
        self.render_time = Histogram(
            _name("render_duration_seconds"),
            "Time from an accepted submit to the check that found the render completed.",
            ["resolution", "duration"],
            buckets=_RENDER_BUCKETS,
            registry=registry,
        )
        self.credits = Counter(
            _name("credits_spent"), "APIMart credits charged for finished tasks.", registry=registry
        )
        self.discord_errors = Counter(
            _name("discord_rest_errors"),
            "Discord REST requests that failed, by HTTP status and Discord error code.",
            ["status", "code"],
            registry=registry,
        )
        for status in DISCORD_FAILURES:
            self.discord_errors.labels(status=status, code="0")
        self.database_up = Gauge(
            _name("database_up"),
            "1 when the scrape's database reads succeeded, 0 when they failed or took too long"
            " (NaN: none made yet).",
            registry=registry,
        )
        self.database_up.set(math.nan)
        self.gateway_latency = Gauge(
            _name("gateway_latency_seconds"),
            "Time between a gateway heartbeat and its acknowledgement, per shard.",
            ["shard"],
            registry=registry,
        )
        self.balance = Gauge(
            _name("apimart_balance"),
            "APIMart's remaining balance as last read (NaN: not known yet).",
            registry=registry,
        )
        self.balance.set(math.nan)
        self.key_refused = Gauge(
            _name("apimart_key_refused"),
            "1 while APIMart refuses the API key (HTTP 401 to the last balance read), else 0.",
            registry=registry,
        )

    # Instrumentation: one call per event, from one place each.

    def submit_attempt(self, outcome: SubmitOutcome) -> None:
        """A submit ended: accepted, retry (busy or rate-limited), rejected or unknown."""
        self.submits.labels(outcome=outcome).inc()

    def poll_done(self, outcome: PollOutcome) -> None:
        """A status check ended: running, finished, timed_out, not_found, rate_limited, error."""
        self.polls.labels(outcome=outcome).inc()

    def delivery_done(self, outcome: DeliveryOutcomeName, *, delay: float | None = None) -> None:
        """A delivery attempt ended; `delay`: seconds since the render ended, once posted."""
        self.deliveries.labels(outcome=outcome).inc()
        if delay is not None:
            self.delivery_delay.observe(max(delay, 0.0))

    def render_ended(self, outcome: RenderOutcome) -> None:
        """A render's end was recorded: completed (with a video), failed or cancelled."""
        self.renders.labels(outcome=outcome).inc()

    def render_finished(self, *, resolution: str, duration: int | None, seconds: float) -> None:
        """A render completed `seconds` after it was submitted."""
        length = str(duration) if duration is not None else "default"
        self.render_time.labels(resolution=resolution, duration=length).observe(max(seconds, 0.0))

    def credits_spent(self, credits: float | None) -> None:
        """APIMart charged this much for a finished task."""
        if credits is not None and credits > 0:
            self.credits.inc(credits)

    def apimart_answer(self, endpoint: str, status: str, seconds: float) -> None:
        """An APIMart request ended with this HTTP status (or network error name)."""
        self.apimart_requests.labels(endpoint=endpoint, status=status).inc()
        self.apimart_latency.labels(endpoint=endpoint).observe(seconds)

    def apimart_rate_limit(self, endpoint: str) -> None:
        """APIMart answered a request with a rate limit."""
        self.apimart_rate_limited.labels(endpoint=endpoint).inc()

    def discord_error(self, status: int, code: int) -> None:
        """A Discord REST request failed (after discord.py's own retries)."""
        self.discord_errors.labels(status=str(status), code=str(code)).inc()

    # Values read at scrape time.

    def watch_budget(self, budget: RequestBudget) -> None:
        """Report this request budget's current rate and ceiling."""
        self.budget_rate.set_function(budget.rate)
        self.budget_ceiling.set_function(lambda: budget.ceiling)

    def set_balance_source(self, source: BalanceSource) -> None:
        """Report APIMart's balance from `source`, called at every scrape.

        `source` must be cheap and synchronous (return the last balance read, not fetch one);
        None means not known yet and shows as NaN. Whatever it raises shows as NaN too.
        """

        def read() -> float:
            try:
                value = source()
            except Exception:
                return math.nan
            return math.nan if value is None else float(value)

        self.balance.set_function(read)

    def set_key_refused_source(self, refused: Callable[[], bool]) -> None:
        """Report whether APIMart refuses the API key, from `refused`, called at every scrape
        (cheap and synchronous, as a balance source). /healthz stays 200 for a refused key (a
        restart cannot fix it), so this is what an alert reads."""
        self.key_refused.set_function(lambda: 1.0 if refused() else 0.0)

    def set_jobs_by_state(self, states: Iterable[str], counts: dict[str, int]) -> None:
        """Every state's count (0 for absent ones, so no series vanishes)."""
        for state in states:
            self.jobs.labels(state=state).set(counts.get(state, 0))

    def set_gateway_latencies(self, latencies: Iterable[tuple[int, float]]) -> None:
        """Each shard's heartbeat latency; a shard without one yet shows NaN."""
        self.gateway_latency.clear()
        for shard_id, latency in latencies:
            value = latency if math.isfinite(latency) else math.nan
            self.gateway_latency.labels(shard=str(shard_id)).set(value)

    def render(self) -> bytes:
        """Everything, in Prometheus' text format."""
        return generate_latest(self.registry)
