"""The whole bot, in-process, against a fake Discord and a fake APIMart on loopback."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import discord
import yarl

from bot.app import VideoBot
from bot.settings import Settings
from bot.storage import Database
from bot.storage.sqlite import SqliteDatabase
from tests.backends import lay_migrated_sqlite
from tests.fakes.apimart import FakeAPIMart, TaskPlan
from tests.fakes.components import is_layout
from tests.fakes.discord import FakeDiscord

BOT_TOKEN = "fake-bot-token.abc123"
API_KEY = "sk-test-apimart-key-987"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64


# The tasks discord.py runs the bot's handlers in: events (a message, an edit), slash commands,
# buttons and forms (persistent ones too). A view's timeout is not an answer to anything.
HANDLER_TASKS = (
    "discord.py: ",
    "CommandTree-invoker",
    "discord-ui-view-dispatch-",
    "discord-ui-modal-dispatch-",
    "discord-ui-dynamic-item-",
)


@dataclass
class World:
    """Everything a test needs to act as a member and look at what members see."""

    bot: VideoBot
    discord: FakeDiscord
    api: FakeAPIMart
    db: Database
    settings: Settings

    async def video(self, **options: Any):
        """A member runs /video with these options; returns the fake interaction."""
        return await self.discord.slash_command("video", options=options)

    async def wait_for_result(self) -> dict[str, Any]:
        """The bot's result post: a layout replying to the announcement."""
        return await self.discord.wait_for_message(
            predicate=lambda m: is_layout(m) and m.get("message_reference") is not None,
            timeout=10,
        )

    async def handled_everything(self, timeout: float = 10) -> None:  # noqa: ASYNC109
        """Wait until every event the fake has sent reached the bot and each of its handlers
        (`HANDLER_TASKS`) returned: what the bot would answer to them, it has answered by now.
        (A fixed wait was longer than needed on a quiet machine, and shorter on a busy one.)
        Work the engine does later (a submit) is not waited for: check the recorded jobs."""

        def caught_up() -> bool:
            sent = {s.session_id: s.seq for s in self.discord._sessions.values()}
            for shard in self.bot.shards.values():
                ws = shard._parent.ws
                if ws.session_id in sent and (ws.sequence or 0) < sent[ws.session_id]:
                    return False
            return not any(
                task.get_name().startswith(HANDLER_TASKS) and not task.done()
                for task in asyncio.all_tasks()
            )

        # Twice in a row, a moment apart: a handler may leave the loop a turn between tasks.
        for _ in range(2):
            await self.discord.wait_for(caught_up, timeout, description="the bot at rest")
            await asyncio.sleep(0.02)
        await self.discord.wait_for(caught_up, timeout, description="the bot at rest")

    def png(self, name: str = "cat.png"):
        return self.discord.make_attachment(name, PNG, "image/png")

    def mp4(self, name: str = "move.mp4"):
        return self.discord.make_attachment(name, MP4, "video/mp4")


def fast_settings(
    tmp_path: Path, api: FakeAPIMart, fake: FakeDiscord, **overrides: Any
) -> Settings:
    values: dict[str, Any] = {
        "discord_token": BOT_TOKEN,
        "apimart_api_key": API_KEY,
        "apimart_base_url": api.base_url,
        "database_path": tmp_path / "data" / "bot.sqlite3",
        "discord_api_base": fake.api_base,
        "discord_gateway_url": fake.gateway_url,
        "poll_first_delay": 0.05,
        "poll_interval": 0.05,
        # Tests script tasks by poll count, not by time: keep checks dense and unthrottled.
        "poll_max_gap": 0.05,
        "api_requests_per_second": 1000.0,
        "http_timeout": 2.0,
        # The fake sends a shard's servers at once: no need to wait 2 s for more.
        "guild_ready_timeout": 0.05,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)


@asynccontextmanager
async def discord_pointed_at(fake: FakeDiscord) -> AsyncIterator[None]:
    """Point discord.py's class-level URLs at the fake for the duration, then restore them."""
    old_base, old_gateway = (
        discord.http.Route.BASE,
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY,
    )
    discord.http.Route.BASE = fake.api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)
    try:
        yield
    finally:
        discord.http.Route.BASE = old_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_gateway


@asynccontextmanager
async def running_bot(
    tmp_path: Path,
    *,
    plan: TaskPlan | None = None,
    fake: FakeDiscord | None = None,
    api: FakeAPIMart | None = None,
    clock: Callable[[], float] = time.time,
    database: Database | None = None,
    cdn_origins: frozenset[str] | None = None,
    media_proxy: str | None = None,
    until_ready: bool = True,
    **settings: Any,
) -> AsyncIterator[World]:
    """Start fakes (unless given) and the real bot (on `clock`); stop everything afterwards.

    The bot uses its own SQLite file unless given a migrated `database` (which the caller closes).
    Discord's CDN is the fake's own, unless `cdn_origins` names another; `media_proxy`: an
    origin standing in for Discord's media proxy too (its copies of the pictures embeds show,
    served from a "public" `Site`: the fake's own address is one links may not reach). The
    world is handed over once every shard is ready, or at once without `until_ready` (for a
    shard that never comes up).
    """
    async with (
        FakeDiscord(token=BOT_TOKEN) if fake is None else _given(fake) as discord_fake,
        FakeAPIMart(api_key=API_KEY) if api is None else _given(api) as api_fake,
        discord_pointed_at(discord_fake),
    ):
        if plan is not None:
            api_fake.default_plan = plan
        config = fast_settings(tmp_path, api_fake, discord_fake, **settings)
        if database is None:
            await lay_migrated_sqlite(config.database_path)
        db = database or await SqliteDatabase.open(config.database_path)
        await db.migrate()
        bot = VideoBot(
            config,
            db,
            clock=clock,
            # The fake has no limit on session starts: a reconnect starts its new one at once.
            identify_pause=0.0,
            cdn_origins=(cdn_origins or frozenset({discord_fake.base_url}))
            | ({media_proxy} if media_proxy is not None else set()),
        )
        try:
            # Entered first, as `python -m bot` does: `wait_until_ready` needs the client set up.
            async with bot:
                runner = asyncio.create_task(bot.start(BOT_TOKEN))
                try:
                    if until_ready:
                        await asyncio.wait_for(bot.wait_until_ready(), 10)
                    yield World(bot, discord_fake, api_fake, db, config)
                finally:
                    await bot.close()
                    await runner
        finally:
            # Even if the bot died (e.g. a rejected command sync), close the database, whose
            # worker thread would otherwise keep the test process from exiting.
            if database is None:
                await db.close()
        # Only reached when the test body passed, so a failing test keeps its own error.
        assert_no_spec_violations(discord_fake)


def assert_no_spec_violations(fake: FakeDiscord) -> None:
    """Fail if the bot sent any REST request that does not conform to Discord's OpenAPI spec."""
    violations = fake.spec_violations
    assert violations == [], (
        f"the bot sent {len(violations)} request problem(s) that do not conform to Discord's "
        "OpenAPI spec (tests/fakes/discord-openapi.json):\n"
        + "\n".join(f"  - {v}" for v in violations)
    )


@asynccontextmanager
async def _given(value: Any) -> AsyncIterator[Any]:
    yield value
