"""The product's real path: `python -m bot` in its own process, as in production.

This process hosts the fakes and plays the members: the fake Discord (REST and gateway, over
HTTP, answering after a 50 ms round trip, with Discord's rate limits: 50 requests per second
globally, interaction callbacks exempt; 5 per 5 s per channel and route for message posts and
for message edits; 5 per 5 s per webhook) and the fake APIMart (renders that take the time the
`--profile` draws, 150 ms round trip with jitter, real result bytes: 8 MiB, every 20th 12 MiB,
over Discord's 10 MiB upload limit, so posted as a link). The bot is started from the command
line with production settings, pointed at the fakes by `DISCORD_API_BASE`,
`DISCORD_GATEWAY_URL` and `APIMART_BASE_URL`; the only things set are the request budget and
Discord's global limit for the token (`DISCORD_REQUESTS_PER_SECOND`, the fake's own: 50/s).

`--jobs` members (spread over `--channels` channels) run /video at the same instant. Measured:
- acknowledgement: dispatch -> the bot's interaction callback arriving at the fake Discord (its
  bytes read off the connection, plus the round trip's outward half; the time the fake's
  handler got round to it, behind the others of the burst, is printed beside);
- completion -> delivery: the render becoming `completed` at the fake APIMart -> the result
  message existing on the fake Discord (found by its `video-job-<id>` nonce), through the real
  poll schedule, `Delivery` (download to disk, upload) and status edits;
- API calls per video (status checks the fake answered), Discord 429s answered (must be 0),
  status edits, and the bot process's peak RSS (`VmHWM`) and CPU.

Prints one JSON line with `--json`, else a table. `python -m bench realpath`.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import json
import logging
import math
import os
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from bench.ack import widen_listen_backlog
from bench.fakeapi import PROFILES, TimedFakeAPIMart
from bench.stats import nearest_rank
from bench.verdicts import print_verdicts
from bot.apimart import APIMartClient, VideoRequest
from bot.discord_pacing import window_places
from bot.event_loop import run_on_bot_loop
from bot.jobs.models import Requester
from bot.jobs.service import JobService, SubmitTiming
from bot.jobs.store import JobStore
from bot.settings import Settings
from bot.storage.sqlite import SqliteDatabase
from tests.fakes.discord import API_PREFIX, FakeDiscord, Json, RecordedFile
from tests.harness import API_KEY, BOT_TOKEN

MIB = 1024 * 1024
RESULT_NONCE = re.compile(r"^video-job-(\d+)$")


@dataclass(frozen=True)
class Plan:
    """One real-path run."""

    jobs: int = 200
    channels: int = 40
    profile: str = "pessimistic"  # APIMart's own example: 600 s for a 240 s render
    rate: float = 10.0  # API_REQUESTS_PER_SECOND: the default
    video_bytes: int = 8 * MIB
    oversize_bytes: int = 12 * MIB
    oversize_every: int = 20
    apimart_rtt: float = 0.15
    discord_rtt: float = 0.05
    global_limit: int = 50  # requests per second, whole bot
    bucket_limit: int = 5  # requests per bucket per window
    bucket_window: float = 5.0
    tail: float = 120.0  # give up this long after the last render finished
    render_scale: float = 1.0  # < 1 shortens every render (a quick look, not for figures)
    # Jobs already rendering when the members arrive, still rendering when the run ends: the
    # bot holds them in flight (polls them, keeps their state) beside the measured ones.
    background: int = 0
    background_render: float = 3600.0
    # Every member's render takes exactly this long, so they all complete within seconds of
    # each other (a burst of deliveries); None draws them from `profile`.
    burst_render: float | None = None
    # Measure the members' acknowledgement only, then stop (seconds, not minutes: for
    # comparing runs of the acknowledgement path, which varies from run to run).
    ack_only: bool = False


class RateLimitedDiscord(FakeDiscord):
    """The fake Discord with Discord's rate limits, and a note of when each result appeared."""

    def __init__(self, plan: Plan) -> None:
        super().__init__(token=BOT_TOKEN, validate_requests=False)
        self.plan = plan
        self.posted: dict[int, float] = {}  # job id -> when its result message appeared
        self.rate_limited: collections.Counter[str] = collections.Counter()
        # Which requests were answered 429: "scope METHOD route", seconds after the first request.
        self.rate_limited_requests: list[str] = []
        self._first_request_at: float | None = None
        self.edits = 0
        self._global: collections.deque[float] = collections.deque()
        self._buckets: dict[tuple[str, str, str], tuple[float, int]] = {}

    def _new_attachment(self, channel_id: int, upload: RecordedFile, meta: Json) -> Json:
        attachment = super()._new_attachment(channel_id, upload, meta)
        # Keep its description, not 8 MiB per result in this process.
        self._blobs[int(attachment["id"])] = (attachment["content_type"], b"")
        return attachment

    def _store_message(self, msg: Json, *, ephemeral_owner: int | None = None) -> None:
        match = RESULT_NONCE.match(str(msg.get("nonce") or ""))
        if match is not None:
            self.posted.setdefault(int(match.group(1)), time.time())
        super()._store_message(msg, ephemeral_owner=ephemeral_owner)

    @staticmethod
    def _bucket(method: str, path: str) -> tuple[str, str, str] | None:
        """The rate-limit bucket of a request; None for one exempt from every limit."""
        parts = path.strip("/").split("/")
        if parts[0] == "interactions":
            return None  # interaction callbacks: no global limit, no bucket here
        if parts[0] == "webhooks" and len(parts) >= 3:
            # Interaction follow-ups: their own bucket per token, outside the global limit.
            return ("webhook", method, parts[2])
        if parts[0] == "channels" and len(parts) >= 3 and parts[2] == "messages":
            route = "messages" if len(parts) == 3 else "messages/{id}"
            return (method, route, parts[1])
        return ("*", "other", "")

    def _too_many(self, retry_after: float, *, scope: str, method: str, path: str) -> web.Response:
        self.rate_limited[scope] += 1
        route = re.sub(r"/\d+", "/{id}", path)
        since = time.monotonic() - (self._first_request_at or time.monotonic())
        self.rate_limited_requests.append(f"{scope} {method} {route} at {since:.2f} s")
        body = {"message": "You are being rate limited.", "retry_after": retry_after}
        body["global"] = scope == "global"
        headers = {
            # Discord's own 429s come through its proxy; discord.py retries only those.
            "Via": "1.1 google",
            "Retry-After": str(max(1, math.ceil(retry_after))),
            "X-RateLimit-Scope": "user" if scope != "global" else "global",
        }
        if scope == "global":
            headers["X-RateLimit-Global"] = "true"
        else:
            headers.update(
                {
                    "X-RateLimit-Limit": str(self.plan.bucket_limit),
                    "X-RateLimit-Remaining": "0",
                    "X-RateLimit-Reset-After": f"{retry_after:.3f}",
                    "X-RateLimit-Reset": f"{time.time() + retry_after:.3f}",
                }
            )
        return web.json_response(body, status=429, headers=headers)

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if request.path == "/gateway" or request.path.startswith("/attachments/"):
            return await super()._middleware(request, handler)
        half = self.plan.discord_rtt / 2
        await asyncio.sleep(half)
        path = request.path.removeprefix(API_PREFIX)
        bucket = self._bucket(request.method, path)
        now = time.monotonic()
        if self._first_request_at is None:
            self._first_request_at = now
        response: web.StreamResponse
        if bucket is not None:
            while self._global and self._global[0] <= now - 1.0:
                self._global.popleft()
            started, used = self._buckets.get(bucket, (now, 0))
            if now >= started + self.plan.bucket_window:
                started, used = now, 0
            exempt = bucket[0] == "webhook"
            if not exempt and len(self._global) >= self.plan.global_limit:
                response = self._too_many(
                    self._global[0] + 1.0 - now, scope="global", method=request.method, path=path
                )
            elif bucket[1] != "other" and used >= self.plan.bucket_limit:
                response = self._too_many(
                    started + self.plan.bucket_window - now,
                    scope="bucket",
                    method=request.method,
                    path=path,
                )
            else:
                if not exempt:
                    self._global.append(now)
                self._buckets[bucket] = (started, used + 1)
                if request.method == "PATCH" and bucket[1] == "messages/{id}":
                    self.edits += 1
                response = await super()._middleware(request, handler)
                if bucket[1] != "other":
                    reset_after = max(0.0, started + self.plan.bucket_window - time.monotonic())
                    response.headers.update(
                        {
                            "X-RateLimit-Limit": str(self.plan.bucket_limit),
                            "X-RateLimit-Remaining": str(self.plan.bucket_limit - used - 1),
                            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
                            "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
                            # As Discord's: the route's, without the channel (or token) it
                            # is for; discord.py keeps one limiter per bucket and channel.
                            "X-RateLimit-Bucket": f"{abs(hash(bucket[:2])):x}",
                        }
                    )
        else:
            response = await super()._middleware(request, handler)
        await asyncio.sleep(half)
        return response


def process_status(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of a live process, in KiB."""
    found: dict[str, int] = {}
    with contextlib.suppress(OSError), open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            key = line.split(":", 1)[0]
            if key in ("VmRSS", "VmHWM"):
                found[key] = int(line.split()[1])
    return found


def process_cpu(pid: int) -> float:
    """User + system CPU seconds of a live process."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def bot_environment(
    plan: Plan, folder: Path, fake: FakeDiscord, api: TimedFakeAPIMart
) -> dict[str, str]:
    """Production settings, pointed at the fakes; nothing else changed but the budget (and
    Discord's global limit, which the fake enforces)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key in ("PATH", "HOME", "LANG", "PYTHONPATH", "VIRTUAL_ENV")
    }
    env.update(
        {
            "DISCORD_TOKEN": BOT_TOKEN,
            "APIMART_API_KEY": API_KEY,
            "APIMART_BASE_URL": api.base_url,
            "DISCORD_API_BASE": fake.api_base,
            "DISCORD_GATEWAY_URL": fake.gateway_url,
            "DATABASE_PATH": str(folder / "data" / "bot.sqlite3"),
            "API_REQUESTS_PER_SECOND": repr(plan.rate),
            "DISCORD_REQUESTS_PER_SECOND": str(plan.global_limit),
        }
    )
    return env


BACKGROUND_SUBMITTERS = 64


async def seed_background(
    plan: Plan, database: Path, api: TimedFakeAPIMart, channels: list[int], guild_id: int
) -> set[str]:
    """Submit `plan.background` jobs into the bot's database, through the real `JobService`
    with the bot's default settings, as if members had asked a moment before it started;
    their renders outlast the run. Returns their task ids."""
    database.parent.mkdir(parents=True, exist_ok=True)
    db = await SqliteDatabase.open(database)
    api.held_render = plan.background_render
    try:
        await db.migrate()
        async with aiohttp.ClientSession() as session:
            client = APIMartClient(session, base_url=api.base_url, api_key=API_KEY)
            timing = SubmitTiming(
                first_poll_delay=Settings.model_fields["poll_first_delay"].default
            )
            service = JobService(JobStore(db), client, clock=time.time, timing=timing)
            numbers = iter(range(plan.background))

            async def member() -> None:
                for number in numbers:
                    requester = Requester(
                        user_id=1_000_000 + number,
                        channel_id=channels[number % len(channels)],
                        guild_id=guild_id,
                    )
                    request = VideoRequest(prompt=f"a river at dusk, take {number}")
                    await service.create_and_submit(requester, request)

            await asyncio.gather(*(member() for _ in range(BACKGROUND_SUBMITTERS)))
    finally:
        api.held_render = None
        await db.close()
    return set(api.task_ids)


async def measure(plan: Plan, folder: Path) -> dict[str, Any]:
    """Run the members' burst and every render to delivery; return the figures."""
    fake = RateLimitedDiscord(plan)
    api = TimedFakeAPIMart(
        api_key=API_KEY,
        record_bodies=False,
        seed=8,
        profile=plan.profile,
        round_trip=plan.apimart_rtt,
    )
    api.video = b"\x00\x00\x00\x18ftypmp42" + bytes(plan.video_bytes - 12)
    api.oversize_video = b"\x00\x00\x00\x18ftypmp42" + bytes(plan.oversize_bytes - 12)
    api.oversize_every = plan.oversize_every
    api.duration_scale = plan.render_scale
    channels = [fake.add_text_channel(f"videos-{n}") for n in range(plan.channels)]
    async with fake, api:
        background = (
            await seed_background(
                plan, folder / "data" / "bot.sqlite3", api, channels, fake.guild_ids()[0]
            )
            if plan.background
            else set()
        )
        api.held_render = plan.burst_render
        # The bot logs at its production level (INFO) to a file: a pipe nobody reads while it
        # runs would fill and stall it.
        log_path = folder / "bot.log"
        with log_path.open("wb") as log_file:
            bot = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                cwd=folder,
                env=bot_environment(plan, folder, fake, api),
                stdout=asyncio.subprocess.DEVNULL,
                stderr=log_file,
            )
        try:
            await fake.wait_for_connection(timeout=60)
            await fake.wait_for(lambda: fake.commands(), timeout=60, description="command sync")
            await asyncio.sleep(1.0)  # let start-up settle (guild caches, the engine's loops)
            idle = process_status(bot.pid)
            cpu_before = process_cpu(bot.pid)
            interactions = await asyncio.gather(
                *(
                    fake.slash_command(
                        "video",
                        options={"prompt": f"a fox in the snow, take {n}"},
                        user=10_000 + n,
                        channel_id=channels[n % len(channels)],
                    )
                    for n in range(plan.jobs)
                )
            )
            await fake.wait_for(
                lambda: all(i.callbacks or i.rejected_callbacks for i in interactions), timeout=60
            )
            # A callback arrives at Discord when its bytes reach the fake, plus the round
            # trip's outward half the fake waits out on receipt. The fake then handles 200
            # requests one after another in one Python process, where Discord's edge handles
            # them in parallel; the time its handler starts is reported beside, not judged.
            arrived: dict[str, float] = {}
            handled: dict[str, float] = {}
            for request in fake.requests:
                parts = request.path.split("/")
                if request.path.startswith("/interactions/") and parts[-1] == "callback":
                    arrived.setdefault(parts[2], request.received + plan.discord_rtt / 2)
                    handled.setdefault(parts[2], request.time)
            ack = [arrived[str(i.id)] - i.dispatched_at for i in interactions]
            ack_handled = [handled[str(i.id)] - i.dispatched_at for i in interactions]
            # The bot's CPU for the burst: parsing 200 interactions is serial work.
            ack_cpu = process_cpu(bot.pid) - cpu_before
            if plan.ack_only:
                return {
                    "plan": plan.__dict__,
                    "jobs": plan.jobs,
                    "acknowledged": sum(1 for i in interactions if i.acknowledged),
                    "ack_seconds": sorted(ack),
                    "ack_handled_seconds": sorted(ack_handled),
                    "ack_cpu_seconds": ack_cpu,
                }
            # Each job is sent once its command announced it: announcements beyond what
            # Discord's limit lets out at once delay the sends.
            announcing = plan.jobs / window_places(token_limit=plan.global_limit)
            await api.wait_for_submits(plan.background + plan.jobs, timeout=120 + announcing)
            measured = [task for task in api.timed_tasks() if task.id not in background]
            last_end = max(task.finished_at for task in measured)
            peak_rss = 0
            while len(fake.posted) < plan.jobs and time.time() < last_end + plan.tail:
                await asyncio.sleep(0.5)
                peak_rss = max(peak_rss, process_status(bot.pid).get("VmRSS", 0))
            cpu = process_cpu(bot.pid) - cpu_before
            after = process_status(bot.pid)
        finally:
            if bot.returncode is None:
                # After the acknowledgement alone, 200 commands are still announcing through
                # Discord's limits: a graceful stop would wait them out, for nothing measured.
                if plan.ack_only:
                    bot.kill()
                else:
                    bot.terminate()
            await bot.wait()
        err = log_path.read_bytes()
        database = sqlite3.connect(folder / "data" / "bot.sqlite3")
        try:
            task_of = {
                job: task
                for job, task in database.execute("SELECT id, task_id FROM jobs").fetchall()
                if task not in background
            }
            in_flight = database.execute(
                "SELECT COUNT(*) FROM jobs WHERE state IN ('queued', 'processing')"
            ).fetchone()[0]
        finally:
            database.close()
        finished = {task.id: task.finished_at for task in measured}
        polls = collections.Counter(
            request.path.rsplit("/", 1)[-1] in background for request in api.requests_for("poll")
        )
        delays = [
            fake.posted[job] - finished[task] if job in fake.posted else math.inf
            for job, task in task_of.items()
        ]
        return {
            "plan": plan.__dict__,
            "jobs": len(task_of),
            "acknowledged": sum(1 for i in interactions if i.acknowledged),
            "ack_seconds": sorted(ack),
            "ack_handled_seconds": sorted(ack_handled),
            "ack_cpu_seconds": ack_cpu,
            "delays": sorted(delays),
            "posted": len(fake.posted),
            "polls": polls[False],
            "background": len(background),
            "background_polls": polls[True],
            "in_flight_at_end": in_flight,
            "discord_429": dict(fake.rate_limited),
            "discord_429_requests": fake.rate_limited_requests,
            "status_edits": fake.edits,
            "bot_idle_rss_kib": idle.get("VmRSS", 0),
            "bot_peak_rss_kib": max(after.get("VmHWM", 0), peak_rss),
            "bot_rss_after_kib": after.get("VmRSS", 0),
            "bot_cpu_seconds": cpu,
            "bot_stderr_tail": err.decode(errors="replace")[-2000:],
        }


def print_ack(result: dict[str, Any]) -> None:
    """The acknowledgement's figures."""
    ack = result["ack_seconds"]
    print(
        f"  acknowledged {result['acknowledged']}/{result['jobs']}:"
        f" p50 {nearest_rank(ack, 0.5):.3f} s, p99 {nearest_rank(ack, 0.99):.3f} s,"
        f" max {max(ack):.3f} s (the bot's CPU until all were acknowledged:"
        f" {result['ack_cpu_seconds']:.2f} s)"
    )
    handled = result["ack_handled_seconds"]
    print(
        f"  as the fake got round to handling them: p50 {nearest_rank(handled, 0.5):.3f} s,"
        f" p99 {nearest_rank(handled, 0.99):.3f} s"
    )


def ack_verdict(result: dict[str, Any], name: str) -> tuple[bool, str]:
    """The acknowledgement's verdict: all acknowledged, p99 under 250 ms."""
    ack_p99 = nearest_rank(result["ack_seconds"], 0.99)
    return (
        result["acknowledged"] == result["jobs"] and ack_p99 < 0.25,
        f"{name}: {result['jobs']} simultaneous /video, p99 acknowledgement"
        f" {ack_p99:.3f} s (target < 0.25 s, fake Discord in another process)",
    )


def report_lines(result: dict[str, Any]) -> list[tuple[bool, str]]:
    """Print the figures; return the verdicts."""
    plan = result["plan"]
    if plan["ack_only"]:
        print(f"real path, {result['jobs']} jobs: the acknowledgement only")
        print_ack(result)
        return [ack_verdict(result, f"real path, {result['jobs']} jobs")]
    delays = result["delays"]
    calls = result["polls"] / max(1, result["jobs"])
    p95, p99 = nearest_rank(delays, 0.95), nearest_rank(delays, 0.99)
    throttled = sum(result["discord_429"].values())
    print(
        f"real path, {result['jobs']} jobs ({plan['profile']}), budget {plan['rate']:g}/s,"
        f" APIMart RTT {1000 * plan['apimart_rtt']:.0f} ms, Discord {plan['global_limit']}/s,"
        f" results {plan['video_bytes'] // MIB}"
        f" MiB (every {plan['oversize_every']}th {plan['oversize_bytes'] // MIB} MiB: a link)"
    )
    print_ack(result)
    print(
        f"  completion -> result message: posted {result['posted']}/{result['jobs']},"
        f" p50 {nearest_rank(delays, 0.5):.1f} s, p95 {p95:.1f} s, p99 {p99:.1f} s,"
        f" max {max(delays):.1f} s; {calls:.2f} API calls per video"
    )
    print(
        f"  Discord: {result['status_edits']} message edits, 429s {throttled}"
        f" {result['discord_429'] or ''}; bot process: RSS idle"
        f" {result['bot_idle_rss_kib'] / 1024:.1f} MB, peak {result['bot_peak_rss_kib'] / 1024:.1f}"
        f" MB, after {result['bot_rss_after_kib'] / 1024:.1f} MB; {result['bot_cpu_seconds']:.1f}"
        " CPU s"
    )
    for line in result.get("discord_429_requests", []):
        print(f"    429: {line}")
    name = f"real path, {result['jobs']} jobs"
    if result["background"]:
        print(
            f"  beside {result['background']} jobs already in flight (renders of"
            f" {plan['background_render']:.0f} s): {result['background_polls']} status checks"
            f" of theirs; {result['in_flight_at_end']} jobs still in flight at the end"
        )
        name += f" + {result['background']} in flight"
    if plan.get("burst_render"):
        name += f", every render {plan['burst_render']:g} s (one burst of deliveries)"
    return [
        ack_verdict(result, name),
        (
            calls <= 4 and p95 <= 10 and p99 <= 20,
            f"{name}: {calls:.2f} calls/video with completion -> result message p95 {p95:.1f} s,"
            f" p99 {p99:.1f} s (target <= 4 AND <= 10 s AND <= 20 s)",
        ),
        (throttled == 0, f"{name}: {throttled} Discord 429s (target 0)"),
        (
            result["bot_peak_rss_kib"] / 1024 < 150,
            f"{name}: bot peak RSS {result['bot_peak_rss_kib'] / 1024:.1f} MB with"
            f" {result['posted']} deliveries of {plan['video_bytes'] // MIB} MiB (target < 150)",
        ),
    ]


async def run_worker(plan: Plan) -> dict[str, Any]:
    """The run in a fresh process, so its figures are its own."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.realpath",
        "--json",
        f"--jobs={plan.jobs}",
        f"--channels={plan.channels}",
        f"--profile={plan.profile}",
        f"--rate={plan.rate!r}",
        f"--render-scale={plan.render_scale!r}",
        f"--background={plan.background}",
        f"--rtt={plan.apimart_rtt!r}",
        *([f"--burst={plan.burst_render!r}"] if plan.burst_render is not None else []),
        f"--discord-limit={plan.global_limit}",
        *(["--ack-only"] if plan.ack_only else []),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"real-path run failed:\n{err.decode()[-4000:]}")
    result: dict[str, Any] = json.loads(out.decode().splitlines()[-1])
    return result


async def measure_all(plan: Plan) -> list[tuple[bool, str]]:
    print(f"running the real path, {plan.jobs} jobs, {plan.profile} ...", flush=True)
    result = await run_worker(plan)
    print()
    return report_lines(result)


async def repeat_ack(plan: Plan, runs: int) -> None:
    """The acknowledgement `runs` times, one fresh bot process each: it varies from run to run
    with what else the machine does, so one run's p99 says little on its own."""
    p99s = []
    for run in range(1, runs + 1):
        result = await run_worker(plan)
        p99s.append(nearest_rank(result["ack_seconds"], 0.99))
        print(
            f"run {run}/{runs}: p99 acknowledgement {p99s[-1]:.3f} s (the bot's CPU"
            f" {result['ack_cpu_seconds']:.2f} s)",
            flush=True,
        )
    over = sum(1 for p99 in p99s if p99 >= 0.25)
    print(
        f"{plan.jobs} simultaneous /video, {runs} runs: p99 acknowledgement median"
        f" {statistics.median(p99s):.3f} s, best {min(p99s):.3f} s, worst {max(p99s):.3f} s;"
        f" {over} of {runs} at 0.25 s or more"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobs", type=int, default=Plan.jobs)
    parser.add_argument("--channels", type=int, default=Plan.channels)
    parser.add_argument("--profile", choices=PROFILES, default=Plan.profile)
    parser.add_argument("--rate", type=float, default=Plan.rate)
    parser.add_argument(
        "--render-scale", type=float, default=1.0, help="shorten renders (a quick look only)"
    )
    parser.add_argument(
        "--background", type=int, default=0, help="jobs already in flight, rendering throughout"
    )
    parser.add_argument(
        "--rtt", type=float, default=Plan.apimart_rtt, help="APIMart's round trip, seconds"
    )
    parser.add_argument(
        "--burst",
        type=float,
        help="every render takes exactly this many seconds (they all complete together)",
    )
    parser.add_argument(
        "--discord-limit",
        type=int,
        default=Plan.global_limit,
        help="Discord's global limit for the token, requests/s (the fake's and the bot's)",
    )
    parser.add_argument(
        "--ack-only",
        action="store_true",
        help="measure the members' acknowledgement, then stop (about 10 s a run)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="with --ack-only: this many runs, each in a fresh bot process, and their spread",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON line")
    args = parser.parse_args()
    if args.discord_limit < 1:
        parser.error("--discord-limit must be at least 1")
    if args.repeat < 1 or (args.repeat > 1 and not args.ack_only):
        parser.error("--repeat needs --ack-only and at least 1")
    logging.basicConfig(level=logging.CRITICAL)
    widen_listen_backlog()
    plan = Plan(
        jobs=args.jobs,
        channels=args.channels,
        profile=args.profile,
        rate=args.rate,
        render_scale=args.render_scale,
        background=args.background,
        apimart_rtt=args.rtt,
        burst_render=args.burst,
        global_limit=args.discord_limit,
        ack_only=args.ack_only,
    )
    if args.repeat > 1:
        run_on_bot_loop(repeat_ack(plan, args.repeat))
        return
    with tempfile.TemporaryDirectory(prefix="bench-realpath-") as folder:
        result = run_on_bot_loop(measure(plan, Path(folder)))
    if args.json:
        print(json.dumps(result, default=str))
        return
    sys.exit(print_verdicts(report_lines(result)))


if __name__ == "__main__":
    main()
