"""Self-tests: the fake routes guilds and their events to shards the way Discord does.

A session that identifies with ``shard: [i, n]`` hears only of the guilds with
``(guild_id >> 22) % n == i``, and a guild's events (interactions, messages) reach only its
shard's sessions; DMs go to shard 0. Real discord.py clients (one per shard) talk to the fake.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import discord
import pytest

from tests.fakes.discord import FakeDiscord
from tests.harness import BOT_TOKEN


class ShardClient(discord.AutoShardedClient):
    """A client that runs the shards it is given and notes the events it receives."""

    def __init__(self, **shards: Any) -> None:
        super().__init__(intents=discord.Intents.default(), guild_ready_timeout=0.05, **shards)
        self.interactions: list[discord.Interaction] = []
        self.messages: list[discord.Message] = []

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """The fake has no identify rate limit: no 5 s pause between this client's shards."""

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        self.interactions.append(interaction)
        with contextlib.suppress(discord.HTTPException):
            await interaction.response.send_message(f"shards {sorted(self.shards)}")

    async def on_message(self, message: discord.Message) -> None:
        if not message.author.bot:
            self.messages.append(message)


@contextlib.asynccontextmanager
async def running(fake: FakeDiscord, **shards: Any) -> AsyncIterator[ShardClient]:
    """A client connected to the fake on the given shards, closed afterwards."""
    client = ShardClient(**shards)
    handshakes = fake.handshakes
    # Entered first, as `python -m bot` does: `wait_until_ready` needs the client set up, and
    # from Python 3.12 on `wait_for` runs it at once, before the `start` task has had a turn.
    async with client:
        task = asyncio.create_task(client.start(BOT_TOKEN))
        try:
            await asyncio.wait_for(client.wait_until_ready(), 10)
            await fake.wait_for_connection(handshakes=handshakes + len(client.shards))
            yield client
        finally:
            await client.close()
            await asyncio.wait_for(task, 5)


@pytest.fixture
async def sharded(fake: FakeDiscord) -> tuple[int, int]:
    """Two more guilds, one on each of two shards (each with its own channel)."""
    return fake.add_guild_on_shard("Shard Zero", 0, 2), fake.add_guild_on_shard("Shard One", 1, 2)


def guilds_on(fake: FakeDiscord, shard_id: int, shard_count: int) -> set[int]:
    return {gid for gid in fake.guild_ids() if (gid >> 22) % shard_count == shard_id}


@pytest.mark.parametrize("shard_count", [2, 3, 7])
def test_a_guild_added_on_a_shard_has_an_id_that_lands_there(fake, shard_count):
    made = [fake.add_guild_on_shard(f"g{i}", i % shard_count, shard_count) for i in range(10)]
    assert [(gid >> 22) % shard_count for gid in made] == [i % shard_count for i in range(10)]
    assert len(set(made)) == 10
    assert len({fake.new_snowflake(), *made, fake.new_snowflake()}) == 12, "ids stay unique"


async def test_each_shard_hears_only_of_its_own_guilds(fake, sharded):
    zero, one = sharded
    async with (
        running(fake, shard_count=2, shard_ids=[0]) as first,
        running(fake, shard_count=2, shard_ids=[1]) as second,
    ):
        assert {g.id for g in first.guilds} == guilds_on(fake, 0, 2)
        assert {g.id for g in second.guilds} == guilds_on(fake, 1, 2)
        assert zero in {g.id for g in first.guilds} and one in {g.id for g in second.guilds}
    assert [p["shard"] for p in fake.identify_payloads] == [[0, 2], [1, 2]]


async def test_a_guilds_commands_and_messages_reach_only_its_shard(fake, sharded):
    zero, one = sharded
    async with (
        running(fake, shard_count=2, shard_ids=[0]) as first,
        running(fake, shard_count=2, shard_ids=[1]) as second,
    ):
        command = await fake.slash_command("ping", guild_id=one)
        assert (await command.wait_for_answer())["content"] == "shards [1]"
        channel_zero = fake.channel_ids(zero)[0]
        await fake.message_create(f"<@{fake.bot_user_id}> hi", channel_id=channel_zero)
        dm = fake.dm_channel_id(fake.user_id)
        await fake.message_create("a DM", channel_id=dm)
        await fake.wait_for(lambda: len(first.messages) == 2, description="both messages")
        assert [i.guild_id for i in second.interactions] == [one]
        assert first.interactions == []
        assert [m.channel.id for m in first.messages] == [channel_zero, dm], "DMs: shard 0"
        assert second.messages == []
    routed = [(shard, frame["t"]) for shard, frame in fake.gateway_dispatched_to]
    assert ((1, 2), "INTERACTION_CREATE") in routed
    assert ((0, 2), "INTERACTION_CREATE") not in routed


async def test_one_client_running_both_shards_gets_every_guild_on_the_right_shard(fake, sharded):
    zero, one = sharded
    fake.recommended_shards = 2
    async with running(fake) as client:
        assert client.shard_count == 2, "the count /gateway/bot recommends"
        assert {g.id for g in client.guilds} == set(fake.guild_ids())
        assert client.get_guild(zero).shard_id == 0 and client.get_guild(one).shard_id == 1
        await fake.slash_command("ping", guild_id=one)
        await fake.wait_for(lambda: client.interactions, description="the interaction")
    shards = [shard for shard, f in fake.gateway_dispatched_to if f["t"] == "INTERACTION_CREATE"]
    assert shards == [(1, 2)]


async def test_two_sessions_on_one_shard_both_get_its_events_and_the_first_answer_wins(
    fake, sharded
):
    """Like two processes running the same shard (a deploy overlap): Discord tells both."""
    zero, _ = sharded
    async with (
        running(fake, shard_count=2, shard_ids=[0]) as old,
        running(fake, shard_count=2, shard_ids=[0]) as new,
    ):
        command = await fake.slash_command("ping", guild_id=zero)
        await fake.wait_for(lambda: old.interactions and new.interactions, description="both")
        await command.wait_for_answer()
        await fake.wait_for(lambda: command.rejected_callbacks, description="the loser's answer")
    assert len(command.callbacks) == 1
    assert command.rejected_callbacks[0][1]["code"] == 40060


async def test_an_unsharded_session_still_gets_every_guild_and_event(fake, sharded):
    _, one = sharded
    async with running(fake, shard_count=1) as client:
        assert {g.id for g in client.guilds} == set(fake.guild_ids())
        await fake.slash_command("ping", guild_id=one)
        await fake.wait_for(lambda: client.interactions, description="the interaction")
