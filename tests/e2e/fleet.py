"""Several real `python -m bot` processes on one PostgreSQL schema, sharded on the fake Discord.

Each process runs `SHARD_COUNT=2` with its own `SHARD_IDS`; the fake gives each shard's session
only its guilds and their events, as Discord does. The processes share one schema of the test
server (`search_path` in `DATABASE_URL`), so any of them may submit, poll and deliver any job.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

from tests.e2e.process import BotProcess, bot_process
from tests.fakes.apimart import FakeAPIMart
from tests.fakes.components import shown_text, texts
from tests.fakes.discord import FakeDiscord, Json

# A claim lasts this long in these runs (LEASE_SECONDS); production's is 60 s.
LEASE = 1.5
# A process looks at the shared database at least this often (POLL_INTERVAL).
POLL_INTERVAL = 0.2


def database_url(dsn: str, schema: str) -> str:
    """A DSN whose connections use `schema` (asyncpg passes `search_path` on as a setting)."""
    joiner = "&" if "?" in dsn else "?"
    return f"{dsn}{joiner}search_path={schema}"


def guilds_on_two_shards(fake: FakeDiscord) -> list[tuple[int, int, int]]:
    """A (guild, channel, member) on shard 0 and one on shard 1, of 2 shards."""
    made = []
    for shard in (0, 1):
        guild = fake.add_guild_on_shard(f"Shard {shard}", shard, 2)
        member = fake.add_member(f"member{shard}", guild_id=guild)
        made.append((guild, fake.channel_ids(guild)[0], member))
    return made


@asynccontextmanager
async def fleet(
    tmp_path: Path,
    fake: FakeDiscord,
    api: FakeAPIMart,
    database: str,
    shard_ids: Sequence[str],
    **env: str,
) -> AsyncIterator[list[BotProcess]]:
    """One bot process per entry of `shard_ids` (of 2 shards), started in order, on `database`.

    Started ones are killed on the way out; stop them first to see them exit cleanly.
    """
    settings = {
        "DATABASE_URL": database,
        "SHARD_COUNT": "2",
        "LEASE_SECONDS": str(LEASE),
        "POLL_SCHEDULE": "fixed",
        "POLL_INTERVAL": str(POLL_INTERVAL),
        "POLL_MAX_GAP": str(POLL_INTERVAL),
        "SHUTDOWN_GRACE": "2",
        **env,
    }
    async with AsyncExitStack() as stack:
        processes = []
        for ids in shard_ids:
            name = _unused_log_name(tmp_path)
            started = bot_process(tmp_path, fake, api, name=name, SHARD_IDS=ids, **settings)
            processes.append(await stack.enter_async_context(started))
        yield processes


def _unused_log_name(folder: Path) -> str:
    """`bot0`, `bot1`, ... in start order, whichever fleet started them."""
    return f"bot{sum(1 for _ in folder.glob('bot*.log'))}"


def results(fake: FakeDiscord, channel_id: int) -> dict[int, list[Json]]:
    """The result posts in a channel, by job id (read from the layout's marker line)."""
    found: dict[int, list[Json]] = {}
    for message in fake.messages(channel_id):
        for line in texts(message):
            marker = re.fullmatch(r"-# Job #(\d+)", line)
            if marker and "your video is ready" in shown_text(message):
                found.setdefault(int(marker.group(1)), []).append(message)
    return found


def jobs_recorded_by(process: BotProcess) -> set[int]:
    """The jobs a process recorded, i.e. whose commands it handled (from its log)."""
    return {int(n) for n in re.findall(r"Job (\d+) recorded for user", process.log())}


def jobs_ended_by(process: BotProcess) -> list[int]:
    """The jobs whose end a process recorded from a poll (from its log)."""
    return [int(n) for n in re.findall(r"Job (\d+) \(task \S+\) ended as", process.log())]
