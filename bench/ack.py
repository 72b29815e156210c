"""Acknowledgement latency: many members run /video at the same instant.

The real bot runs in this process against the fake Discord and the fake APIMart (as in the
end-to-end tests, but with the production polling settings). All interactions are dispatched
at once; for each, the latency is the time from dispatch to the arrival of the bot's
interaction callback (its "thinking..." deferral), which Discord requires within 3 s. The
time until the member's private "queued" note is reported too. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import logging
import tempfile
import time
from pathlib import Path

from aiohttp import web

from tests.fakes.apimart import FakeAPIMart, TaskPlan
from tests.fakes.discord import FakeDiscord
from tests.harness import API_KEY, BOT_TOKEN, running_bot

# Settings of an earlier round, kept so this older run stays comparable: the first status check
# is 8 s away, so none competes with the burst.
PRODUCTION_POLLING = {
    "poll_first_delay": 8.0,
    "poll_interval": 8.0,
    "poll_max_gap": 60.0,
    "api_requests_per_second": 10.0,
}


async def measure(commands: int, folder: Path) -> dict[str, object]:
    """Dispatch `commands` /video interactions from different members at once."""
    # The bench measures latency, not request shapes (the end-to-end tests check those).
    fake = FakeDiscord(token=BOT_TOKEN, validate_requests=False)
    api = FakeAPIMart(api_key=API_KEY, record_bodies=False)
    async with (
        fake,
        api,
        running_bot(
            folder, fake=fake, api=api, plan=TaskPlan(polls_until_done=None), **PRODUCTION_POLLING
        ) as world,
    ):
        started = time.monotonic()
        interactions = await asyncio.gather(
            *(
                world.discord.slash_command(
                    "video", options={"prompt": f"a fox in snow, take {n}"}, user=10_000 + n
                )
                for n in range(commands)
            )
        )
        await world.discord.wait_for(
            lambda: all(i.callbacks or i.rejected_callbacks for i in interactions), timeout=30
        )
        await world.api.wait_for_submits(commands, timeout=60)
        callbacks: dict[str, float] = {}
        notes: dict[str, float] = {}

        def everyone_told() -> bool:
            for request in world.discord.requests:
                parts = request.path.split("/")
                if request.path.startswith("/interactions/") and parts[-1] == "callback":
                    callbacks.setdefault(parts[2], request.time)
                elif request.path.startswith("/webhooks/") and request.method in ("POST", "PATCH"):
                    notes.setdefault(parts[3], request.time)
            return len(notes) >= commands

        await world.discord.wait_for(everyone_told, timeout=60, poll_interval=0.1)
        burst_seconds = time.monotonic() - started
        ack = [callbacks[str(i.id)] - i.dispatched_at for i in interactions]
        queued = [notes[i.token] - i.dispatched_at for i in interactions]
        return {
            "commands": commands,
            "acknowledged": sum(1 for i in interactions if i.acknowledged),
            "rejected_late": sum(1 for i in interactions if i.rejected_callbacks),
            "ack_seconds": sorted(ack),
            "queued_note_seconds": sorted(queued),
            "submits": len(world.api.submits),
            "burst_seconds": burst_seconds,
        }


def widen_listen_backlog(backlog: int = 1024) -> None:
    """Let the fake Discord accept every simultaneous connection, as Discord's edge does.

    aiohttp listens with a backlog of 128. The bot opens one connection per request in
    flight, so 200 simultaneous acknowledgements overflow it, and the kernel makes the
    connections it dropped retry after a second: a fake-server artifact worth 1 s at p99.
    """
    web.SockSite.__init__ = functools.partialmethod(  # type: ignore[method-assign]
        web.SockSite.__init__, backlog=backlog
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--commands", type=int, default=200)
    parser.add_argument(
        "--aiohttp-backlog", action="store_true", help="keep aiohttp's 128 listen backlog"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.CRITICAL)
    if not args.aiohttp_backlog:
        widen_listen_backlog()
    with tempfile.TemporaryDirectory(prefix="bench-ack-") as folder:
        report = asyncio.run(measure(args.commands, Path(folder)))
    print(json.dumps(report))


if __name__ == "__main__":
    main()
