"""Self-tests: a real discord.py ``commands.Bot`` talks to :class:`FakeDiscord` end to end."""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import discord
import pytest
import yarl
from aiohttp import web
from discord import app_commands
from discord.ext import commands

from tests.fakes.discord import (
    CDN_EXPIRED_TEXT,
    CDN_LINK_LIFETIME,
    FLAG_EPHEMERAL,
    FLAG_LOADING,
    INTENT_MESSAGE_CONTENT,
    PERM_ATTACH_FILES,
    PERM_BAN_MEMBERS,
    PERM_EMBED_LINKS,
    PERM_MANAGE_THREADS,
    PERM_READ_MESSAGE_HISTORY,
    PERM_SEND_MESSAGES_IN_THREADS,
    PERM_VIEW_AUDIT_LOG,
    PERM_VIEW_CHANNEL,
    FakeDiscord,
)
from tests.fakes.test_fake_discord_user_installs import AUTH, call, command

TOKEN = "fake-bot-token"

# A bot in another process only learns the fake's URLs from the environment.
SUBPROCESS_BOT = """
import asyncio, os, discord, yarl

discord.http.Route.BASE = os.environ["DISCORD_API_BASE"]
discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(os.environ["DISCORD_GATEWAY_URL"])
client = discord.Client(intents=discord.Intents.default(), guild_ready_timeout=0.05)

@client.event
async def on_ready():
    channel = client.get_channel(int(os.environ["FAKE_CHANNEL_ID"]))
    await channel.send(f"hello from pid {os.getpid()}")
    await client.close()

client.run(os.environ["DISCORD_TOKEN"], log_handler=None)
"""


@dataclass
class Harness:
    """The fake, the running bot and what the bot's callbacks observed."""

    fake: FakeDiscord
    bot: commands.Bot
    seen: dict[str, Any] = field(default_factory=dict)
    gate: asyncio.Event = field(default_factory=asyncio.Event)
    messages: list[discord.Message] = field(default_factory=list)


class Form(discord.ui.Modal, title="Describe"):
    prompt: discord.ui.TextInput[Form] = discord.ui.TextInput(label="Prompt", custom_id="prompt")

    def __init__(self, harness: Harness) -> None:
        super().__init__(custom_id="describe-modal")
        self.harness = harness

    async def on_submit(self, interaction: discord.Interaction) -> None:
        self.harness.seen["modal_prompt"] = self.prompt.value
        await interaction.response.send_message(f"queued: {self.prompt.value}", ephemeral=True)


class OpenForm(discord.ui.View):
    def __init__(self, harness: Harness) -> None:
        super().__init__(timeout=30)
        self.harness = harness

    @discord.ui.button(label="Open", custom_id="open-form")
    async def open(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        await interaction.response.send_modal(Form(self.harness))


def build_bot(h: Harness, intents: discord.Intents) -> commands.Bot:
    bot = commands.Bot(command_prefix="!", intents=intents, guild_ready_timeout=0.05)

    @bot.tree.command(name="ping", description="Reply with pong")
    async def ping(interaction: discord.Interaction, text: str, times: int = 1) -> None:
        h.seen["ping"] = (text, times, interaction.user.id, interaction.channel_id)
        h.seen["filesize_limit"] = interaction.filesize_limit
        await interaction.response.send_message(f"pong {text} x{times}")
        h.seen["ping_original"] = await interaction.original_response()

    @bot.tree.command(name="render", description="Deferred work with an attachment")
    async def render(
        interaction: discord.Interaction, prompt: str, image: discord.Attachment
    ) -> None:
        await interaction.response.defer(thinking=True)
        data = await image.read()
        h.seen["render_input"] = (prompt, image.filename, image.content_type, data)
        await interaction.followup.send(
            f"done: {prompt}", file=discord.File(io.BytesIO(data[::-1]), "out.bin")
        )
        await interaction.followup.send("only for you", ephemeral=True)

    @bot.tree.command(name="slow", description="Responds only when the test opens the gate")
    async def slow(interaction: discord.Interaction) -> None:
        await h.gate.wait()
        try:
            await interaction.response.send_message("too late?")
        except discord.HTTPException as exc:
            h.seen["slow_error"] = exc

    @bot.tree.command(name="later", description="Defers, then follows up after the gate")
    async def later(interaction: discord.Interaction) -> None:
        await interaction.response.defer()
        await h.gate.wait()
        try:
            await interaction.followup.send("much later")
        except discord.HTTPException as exc:
            h.seen["later_error"] = exc

    @bot.tree.command(name="form", description="Button that opens a modal")
    async def form(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("Click to describe", view=OpenForm(h))
        # discord.py listens for the button only once this returns (it stores the view then).
        h.seen["form_listening"] = True

    @bot.tree.command(name="video", description="Group")
    @app_commands.describe(prompt="What to make")
    async def video(interaction: discord.Interaction, prompt: str) -> None:
        await interaction.response.send_message(f"video: {prompt}", ephemeral=True)

    @bot.event
    async def on_message(message: discord.Message) -> None:
        if message.author.id != h.fake.bot_user_id:
            h.messages.append(message)

    return bot


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    """A started fake with discord.py pointed at it (restored afterwards)."""
    old_base = discord.http.Route.BASE
    old_gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    async with FakeDiscord(token=TOKEN) as f:
        discord.http.Route.BASE = f.api_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(f.gateway_url)
        try:
            yield f
        finally:
            discord.http.Route.BASE = old_base
            discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_gateway


@contextlib.asynccontextmanager
async def _run_bot(fake: FakeDiscord, intents: discord.Intents) -> AsyncIterator[Harness]:
    """Start a real bot against the fake; yields once it is ready, closes it afterwards."""
    h = Harness(fake=fake, bot=None)  # type: ignore[arg-type]
    h.bot = build_bot(h, intents)
    task = asyncio.create_task(h.bot.start(TOKEN))
    try:
        await fake.wait_for_connection()
        await asyncio.wait_for(h.bot.wait_until_ready(), 5)
        yield h
    finally:
        await h.bot.close()
        await asyncio.wait_for(task, 5)


@pytest.fixture
async def harness(fake: FakeDiscord) -> AsyncIterator[Harness]:
    async with _run_bot(fake, discord.Intents.default()) as h:
        yield h


async def test_login_ready_guild_create_and_sync(harness: Harness) -> None:
    fake, bot = harness.fake, harness.bot
    assert bot.user is not None and bot.user.id == fake.bot_user_id
    assert bot.application_id == fake.application_id
    paths = [(r.method, r.path) for r in fake.requests]
    assert ("GET", "/users/@me") in paths
    assert ("GET", "/oauth2/applications/@me") in paths
    assert fake.requests[0].headers["Authorization"] == f"Bot {TOKEN}"
    # IDENTIFY carried the token and intents; READY and GUILD_CREATE were dispatched.
    assert fake.identify_payloads[0]["token"] == TOKEN
    assert fake.intents == discord.Intents.default().value
    assert [f["t"] for f in fake.gateway_dispatched[:2]] == ["READY", "GUILD_CREATE"]
    assert fake.gateway_dispatched[0]["s"] == 1
    # discord.py asked for zlib-stream transport compression, which the fake speaks.
    assert fake.gateway_connect_queries[0] == {
        "v": "10",
        "encoding": "json",
        "compress": "zlib-stream",
    }
    guild = bot.get_guild(fake.guild_id)
    assert guild is not None and guild.name == "Test Guild"
    channel = guild.get_channel(fake.channel_id)
    assert isinstance(channel, discord.TextChannel)
    assert guild.me is not None
    perms = channel.permissions_for(guild.me)
    assert perms.send_messages and perms.attach_files and perms.embed_links
    # Without the GUILD_MEMBERS intent only the bot's own member comes with GUILD_CREATE.
    assert guild.get_member(fake.user_id) is None
    member = await guild.fetch_member(fake.user_id)
    assert member.name == "alice"
    # Command sync (global and guild) is stored and echoed back with ids.
    synced = await bot.tree.sync()
    assert {c.name for c in synced} == {"ping", "render", "slow", "later", "form", "video"}
    assert {c["name"] for c in fake.commands()} == {c.name for c in synced}
    assert all(c.id for c in synced)
    fetched = await bot.tree.fetch_commands()
    assert sorted(c.id for c in fetched) == sorted(c.id for c in synced)
    bot.tree.copy_global_to(guild=discord.Object(fake.guild_id))
    guild_synced = await bot.tree.sync(guild=discord.Object(fake.guild_id))
    assert len(fake.commands(fake.guild_id)) == len(guild_synced) == 6
    assert bot.latency < 5


async def test_slash_command_send_message(harness: Harness) -> None:
    fake = harness.fake
    inter = await fake.slash_command("ping", {"text": "hi", "times": 3})
    callback = await inter.wait_for_callback()
    assert callback["type"] == 4
    assert callback["data"]["content"] == "pong hi x3"
    assert harness.seen["ping"] == ("hi", 3, fake.user_id, fake.channel_id)
    assert harness.seen["filesize_limit"] == fake.upload_limit
    original = await inter.wait_for_original()
    assert original["content"] == "pong hi x3"
    assert original["interaction_metadata"]["user"]["id"] == str(fake.user_id)
    assert fake.messages(fake.channel_id) == [original]
    # interaction.original_response() went through GET /webhooks/{app}/{token}/messages/@original
    await fake.wait_for_request("GET", r"/webhooks/\d+/[^/]+/messages/@original")
    await fake.wait_for(lambda: "ping_original" in harness.seen)
    assert harness.seen["ping_original"].id == int(original["id"])


async def test_defer_followup_with_attachment(harness: Harness) -> None:
    fake = harness.fake
    image = fake.make_attachment("cat.png", b"\x89PNG-bytes")
    inter = await fake.slash_command("render", {"prompt": "a cat", "image": image})
    first = await inter.wait_for_followup(1)
    second = await inter.wait_for_followup(2)
    assert inter.callback is not None and inter.callback["type"] == 5
    assert harness.seen["render_input"] == ("a cat", "cat.png", "image/png", b"\x89PNG-bytes")
    # The first follow-up replaced the "thinking..." message (same id as the original).
    assert int(first["id"]) == inter.original_message_id
    assert not first["flags"] & FLAG_LOADING
    assert first["content"] == "done: a cat"
    [att] = first["attachments"]
    assert att["filename"] == "out.bin" and att["size"] == len(b"\x89PNG-bytes")
    assert fake.attachment_bytes(att) == b"\x89PNG-bytes"[::-1]
    # The upload was recorded as a multipart part with its bytes.
    upload = next(r for r in fake.requests if r.files and r.path.startswith("/webhooks/"))
    assert upload.files[0].data == b"\x89PNG-bytes"[::-1]
    assert upload.payload["content"] == "done: a cat"
    # The second follow-up is a new ephemeral message only the invoker can see.
    assert second["content"] == "only for you" and second["flags"] & FLAG_EPHEMERAL
    assert [m["id"] for m in fake.messages(visible_to=fake.owner_id)] == [first["id"]]
    assert len(fake.messages(visible_to=fake.user_id)) == 2


async def test_channel_send_with_file_and_history(harness: Harness) -> None:
    fake, bot = harness.fake, harness.bot
    channel = bot.get_channel(fake.channel_id)
    assert isinstance(channel, discord.TextChannel)
    sent = await channel.send("here you go", file=discord.File(io.BytesIO(b"video!"), "v.mp4"))
    stored = await fake.wait_for_message(fake.channel_id, lambda m: m["content"] == "here you go")
    assert int(stored["id"]) == sent.id
    assert stored["author"]["id"] == str(fake.bot_user_id)
    [att] = stored["attachments"]
    assert (att["filename"], att["size"], att["content_type"]) == ("v.mp4", 6, "video/mp4")
    assert fake.attachment_bytes(att) == b"video!"
    assert await sent.attachments[0].read() == b"video!"
    req = await fake.wait_for_request("POST", rf"^/channels/{fake.channel_id}/messages$")
    assert req.files[0].field == "files[0]" and req.files[0].data == b"video!"
    reply = await sent.reply("and a reply", mention_author=False)
    await sent.edit(content="edited")
    assert fake.get_message(sent.id)["content"] == "edited"  # type: ignore[index]
    history = [m async for m in channel.history(limit=10)]
    assert [m.id for m in history] == [reply.id, sent.id]
    assert history[0].reference is not None and history[0].reference.message_id == sent.id
    oldest_first = [m.id async for m in channel.history(after=discord.Object(0), limit=10)]
    assert oldest_first == [sent.id, reply.id]
    fetched = await channel.fetch_message(sent.id)
    assert fetched.content == "edited"
    await reply.delete()
    assert [int(m["id"]) for m in fake.messages()] == [sent.id]
    assert fake.deleted_messages[-1]["content"] == "and a reply"


async def test_discord_error_rules(harness: Harness) -> None:
    fake, bot = harness.fake, harness.bot
    channel = bot.get_channel(fake.channel_id)
    assert isinstance(channel, discord.TextChannel)
    # A scripted 429 is retried transparently by discord.py.
    fault = fake.fail_next("POST", r"/channels/\d+/messages$", 429, retry_after=0.01)
    await channel.send("after a rate limit")
    assert fault.hits == 1
    # Scripted 400, upload limit, forbidden channel, unknown channel, empty message, big embeds.
    fake.fail_next("POST", r"/channels/\d+/messages$", 400, 50035, "Invalid Form Body")
    with pytest.raises(discord.HTTPException) as info:
        await channel.send("x")
    assert info.value.code == 50035
    fake.upload_limit = 4
    with pytest.raises(discord.HTTPException) as info:
        await channel.send(file=discord.File(io.BytesIO(b"12345"), "big.bin"))
    assert (info.value.status, info.value.code) == (413, 40005)
    fake.forbidden_channels.add(fake.channel_id)
    with pytest.raises(discord.Forbidden) as forbidden:
        await channel.send("nope")
    assert forbidden.value.code == 50013
    with pytest.raises(discord.NotFound) as missing:
        await bot.http.send_message(1234, params=discord.http.handle_message_parameters("x"))
    assert missing.value.code == 10003
    fake.forbidden_channels.clear()
    with pytest.raises(discord.HTTPException) as empty:
        await channel.send(embeds=[])
    assert empty.value.code == 50006
    # Embeds that each fit but together pass Discord's 6,000 characters are refused.
    halves = [discord.Embed(description="x" * 3001), discord.Embed(description="y" * 3000)]
    with pytest.raises(discord.HTTPException) as too_big:
        await channel.send(embeds=halves)
    assert (too_big.value.status, too_big.value.code) == (400, 50035)
    await channel.send(embeds=[discord.Embed(description="x" * 3000)] * 2)
    assert [m["content"] for m in fake.messages()] == ["after a rate limit", ""]


async def test_uploads_are_held_to_the_limit_where_they_go(harness: Harness) -> None:
    """Discord takes 50 MiB a file in a server at boost level 2 (100 MiB at level 3), and the
    base 10 MiB in a server below that and in a DM, however boosted the bot's other servers
    are; an interaction there carries its server's limit as ``attachment_size_limit``."""
    fake, bot = harness.fake, harness.bot
    fake._guild(fake.guild_id).premium_tier = 2
    size = 12 * 1024 * 1024

    def video() -> discord.File:
        return discord.File(io.BytesIO(b"x" * size), "video.mp4")

    boosted = bot.get_partial_messageable(fake.channel_id)
    sent = await boosted.send(file=video())
    assert [a.size for a in sent.attachments] == [size]
    plain = fake.add_guild("Plain")
    for channel_id in (fake.channel_ids(plain)[0], fake.dm_channel_id(fake.user_id)):
        with pytest.raises(discord.HTTPException) as info:
            await bot.get_partial_messageable(channel_id).send(file=video())
        assert (info.value.status, info.value.code) == (413, 40005)
    here = await fake.slash_command("ping", {"text": "hi"})
    assert here.payload["attachment_size_limit"] == 50 * 1024 * 1024
    there = await fake.slash_command("ping", {"text": "hi"}, guild_id=plain)
    assert there.payload["attachment_size_limit"] == 10 * 1024 * 1024


async def test_permissions_taken_from_the_bot_refuse_what_needs_them(harness: Harness) -> None:
    fake, bot = harness.fake, harness.bot
    channel = bot.get_channel(fake.channel_id)
    assert isinstance(channel, discord.TextChannel)
    first = await channel.send("first")
    fake.take_from_bot(fake.channel_id, PERM_READ_MESSAGE_HISTORY)
    # Like Discord: a reply needs Read Message History, the same message without it does not.
    with pytest.raises(discord.HTTPException) as no_reply:
        await first.reply("a reply")
    assert (no_reply.value.status, no_reply.value.code) == (400, 160002)
    await channel.send("not a reply")
    # Like Discord: the history reads as empty (no refusal), a message by its id is refused.
    assert [m async for m in channel.history(limit=10)] == []
    with pytest.raises(discord.Forbidden):
        await channel.fetch_message(first.id)


async def test_a_channel_hidden_from_the_bot_refuses_its_history(harness: Harness) -> None:
    """Like Discord ("Get Channel Messages" needs View Channel in a server's channel; "Get
    Channel Message" needs it and Read Message History): without View Channel, reading the
    channel's messages is refused (403 50001), not answered."""
    fake, bot = harness.fake, harness.bot
    channel = bot.get_partial_messageable(fake.channel_id)
    first = await channel.send("first")
    fake.take_from_bot(fake.channel_id, PERM_VIEW_CHANNEL)
    with pytest.raises(discord.Forbidden) as history:
        [m async for m in channel.history(limit=10)]
    assert history.value.code == 50001
    with pytest.raises(discord.Forbidden) as one:
        await channel.fetch_message(first.id)
    assert one.value.code == 50001


async def test_interaction_ack_rules(harness: Harness) -> None:
    fake = harness.fake
    # Late callback -> 10062 Unknown interaction.
    slow = await fake.slash_command("slow")
    fake.advance_clock(fake.ack_deadline + 0.5)
    harness.gate.set()
    await fake.wait_for(lambda: "slow_error" in harness.seen)
    assert isinstance(harness.seen["slow_error"], discord.NotFound)
    assert harness.seen["slow_error"].code == 10062
    assert slow.rejected_callbacks[0][1]["code"] == 10062 and not slow.acknowledged
    # A second callback for the same interaction -> 40060.
    ping = await fake.slash_command("ping", {"text": "once"})
    await ping.wait_for_callback()
    url = f"{fake.api_base}/interactions/{ping.id}/{ping.token}/callback"
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, json={"type": 4, "data": {"content": "twice"}}) as resp,
    ):
        assert resp.status == 400
        assert await resp.json() == {
            "code": 40060,
            "message": "Interaction has already been acknowledged.",
        }
    # Follow-up with an expired token -> 401 50027.
    harness.gate.clear()
    later = await fake.slash_command("later")
    await later.wait_for_callback()
    fake.advance_clock(fake.token_lifetime + 1)
    harness.gate.set()
    await fake.wait_for(lambda: "later_error" in harness.seen)
    assert (harness.seen["later_error"].status, harness.seen["later_error"].code) == (401, 50027)


async def test_the_ack_deadline_leaves_out_the_time_the_test_process_waited_for_a_cpu(
    harness: Harness,
) -> None:
    """Discord's clock runs on Discord's machines: seconds in which other processes on the
    test machine held every CPU are not the bot's lateness; the bot's own time still is."""
    fake = harness.fake
    waited = 0.0
    fake.cpu_wait = lambda: waited
    busy = await fake.slash_command("slow")
    fake.advance_clock(fake.ack_deadline + 2)
    waited += 4.0  # of those 5 s, 4 were spent waiting for a CPU
    harness.gate.set()
    await fake.wait_for(lambda: busy.callbacks or busy.rejected_callbacks)
    assert busy.acknowledged and not busy.rejected_callbacks
    harness.gate.clear()
    late = await fake.slash_command("slow")
    fake.advance_clock(fake.ack_deadline + 2)
    waited += 1.0  # 4 s of the bot's own: too late all the same
    harness.gate.set()
    await fake.wait_for(lambda: "slow_error" in harness.seen)
    assert late.rejected_callbacks[0][1]["code"] == 10062 and not late.acknowledged


async def test_component_and_modal_flow(harness: Harness) -> None:
    fake = harness.fake
    cmd = await fake.slash_command("form")
    prompt_msg = await cmd.wait_for_original()
    assert prompt_msg["components"][0]["components"][0]["custom_id"] == "open-form"
    # A click as soon as the message exists can beat discord.py's storing of the view.
    await fake.wait_for(lambda: harness.seen.get("form_listening"))
    click = await fake.component_interaction("open-form", message_id=int(prompt_msg["id"]))
    modal = await click.wait_for_callback()
    assert modal["type"] == 9 and modal["data"]["custom_id"] == "describe-modal"
    submit = await fake.modal_submit({"prompt": "a red fox"}, interaction=click)
    reply = await submit.wait_for_original()
    assert harness.seen["modal_prompt"] == "a red fox"
    assert reply["content"] == "queued: a red fox" and reply["flags"] & FLAG_EPHEMERAL


async def test_message_create_dm_and_reconnect(harness: Harness) -> None:
    fake, bot = harness.fake, harness.bot
    # Without the MESSAGE_CONTENT intent the content is blanked, like on Discord.
    sent = await fake.message_create("hello bot")
    await fake.wait_for(lambda: harness.messages)
    assert harness.messages[0].id == int(sent["id"]) and harness.messages[0].content == ""
    # DM: POST /users/@me/channels then POST /channels/{dm}/messages.
    user = await bot.fetch_user(fake.user_id)
    dm = await user.send("your video is ready")
    dm_channel = fake.dm_channel_id(fake.user_id)
    assert [m["content"] for m in fake.messages(dm_channel)] == ["your video is ready"]
    assert dm.channel.id == dm_channel
    fake.dm_blocked_users.add(fake.user_id)
    with pytest.raises(discord.Forbidden) as blocked:
        await user.send("again")
    assert blocked.value.code == 50007
    # Drop the gateway: discord.py RESUMEs and keeps working.
    assert await fake.disconnect_all() == 1
    await fake.wait_for_connection(handshakes=2)
    assert fake.resume_payloads[0]["session_id"] == fake.gateway_dispatched[0]["d"]["session_id"]
    inter = await fake.slash_command("ping", {"text": "again"})
    assert (await inter.wait_for_callback())["data"]["content"] == "pong again x1"


async def test_message_content_intent_and_clean_close(fake: FakeDiscord) -> None:
    intents = discord.Intents.default()
    intents.message_content = True
    async with _run_bot(fake, intents) as h:
        assert fake.intents is not None and fake.intents & INTENT_MESSAGE_CONTENT
        await fake.message_create("full text", attachments=[fake.make_attachment("a.txt", b"a")])
        await fake.wait_for(lambda: h.messages)
        assert h.messages[0].content == "full text"
        assert await h.messages[0].attachments[0].read() == b"a"
        bot = h.bot
    assert bot.is_closed()
    await fake.wait_for(lambda: not fake.connected)
    # discord.py's Client.close() interrupts its own pending receive(), whose handler sends the
    # close frame first -- with 4000, not 1000 -- so only check that exactly one socket closed.
    assert len(fake.gateway_close_codes) == 1
    assert fake.handshakes == 1


async def test_bot_in_a_subprocess(fake: FakeDiscord) -> None:
    env = {
        **os.environ,
        "DISCORD_API_BASE": fake.api_base,
        "DISCORD_GATEWAY_URL": fake.gateway_url,
        "DISCORD_TOKEN": TOKEN,
        "FAKE_CHANNEL_ID": str(fake.channel_id),
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", SUBPROCESS_BOT, env=env, stderr=asyncio.subprocess.PIPE
    )
    try:
        msg = await fake.wait_for_message(timeout=15)
        assert msg["content"] == f"hello from pid {proc.pid}"
        _, stderr = await asyncio.wait_for(proc.communicate(), 15)
        assert proc.returncode == 0, stderr.decode()
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


async def test_forum_posts_are_threads_that_follow_their_forum(harness: Harness) -> None:
    fake, bot = harness.fake, harness.bot
    forum_id = fake.add_forum_channel("showcase")
    post_id = fake.add_thread(forum_id, "My fox")
    fake.forbidden_channels.add(forum_id)  # the bot's overwrite on the forum ...
    in_post = fake.permissions_for(fake.bot_user_id, post_id)
    assert not in_post & PERM_EMBED_LINKS, "... is the post's too (it has none of its own)"
    fake.forbidden_channels.clear()
    await fake.send_guild_create()
    await fake.wait_for(lambda: bot.get_channel(forum_id) is not None)
    guild = bot.get_guild(fake.guild_id)
    assert guild is not None
    forum, post = guild.get_channel(forum_id), guild.get_thread(post_id)
    assert isinstance(forum, discord.ForumChannel) and isinstance(post, discord.Thread)
    assert post.parent_id == forum_id and post.parent is forum
    await post.send("in the post")
    await fake.wait_for_message(post_id, lambda m: m["content"] == "in the post")
    with pytest.raises(discord.HTTPException) as refused:  # nothing is posted in a forum itself
        await bot.http.send_message(forum_id, params=discord.http.handle_message_parameters("x"))
    assert refused.value.code == 50024


# ---------------------------------------------------------------- Discord's rules, plain HTTP


def _video_upload(size: int = 16, payload: str = '{"content": "the video"}') -> aiohttp.FormData:
    form = aiohttp.FormData()
    form.add_field("payload_json", payload)
    form.add_field("files[0]", b"\x00" * size, filename="video.mp4", content_type="video/mp4")
    return form


async def test_posts_need_the_bots_own_permissions_in_the_channel() -> None:
    async with FakeDiscord() as fake, aiohttp.ClientSession() as http:
        posts = f"{fake.api_base}/channels/{fake.channel_id}/messages"
        thread = fake.add_thread(fake.channel_id, "a topic")
        in_thread = f"{fake.api_base}/channels/{thread}/messages"

        fake.take_from_bot(fake.channel_id, PERM_ATTACH_FILES)
        async with http.post(posts, data=_video_upload(), headers=AUTH) as upload:
            assert (upload.status, (await upload.json())["code"]) == (403, 50013)
        assert (await call(http, "POST", posts, {"content": "text only"}))[0] == 200

        fake.take_from_bot(fake.channel_id, PERM_SEND_MESSAGES_IN_THREADS)
        status, body = await call(http, "POST", in_thread, {"content": "in the topic"})
        assert (status, (body or {}).get("code")) == (403, 50013), body
        assert (await call(http, "POST", posts, {"content": "in the channel"}))[0] == 200

        fake.hide_channel(fake.channel_id, but_from=[fake.user_id])  # the bot's role forgotten
        status, body = await call(http, "POST", posts, {"content": "hi"})
        assert (status, (body or {}).get("code")) == (403, 50001), body


async def test_a_locked_thread_takes_posts_only_from_manage_threads() -> None:
    async with FakeDiscord() as fake, aiohttp.ClientSession() as http:
        thread = fake.add_thread(fake.channel_id, "closed topic")
        fake.lock_thread(thread)
        url = f"{fake.api_base}/channels/{thread}/messages"
        status, body = await call(http, "POST", url, {"content": "your video"})
        assert (status, (body or {}).get("code")) == (400, 160005), body
        fake.give_to_bot(fake.channel_id, PERM_MANAGE_THREADS)  # the thread's parent
        assert (await call(http, "POST", url, {"content": "your video"}))[0] == 200


async def test_a_servers_automod_blocks_the_bots_posts_and_edits_holding_its_word() -> None:
    async with FakeDiscord() as fake, aiohttp.ClientSession() as http:
        fake.automod_blocks("Kite")
        url = f"{fake.api_base}/channels/{fake.channel_id}/messages"
        blocked = (400, 200000)
        status, body = await call(http, "POST", url, {"content": "a red kite flies"})
        assert (status, (body or {}).get("code")) == blocked, body
        layout = {
            "flags": 1 << 15,
            "components": [{"type": 17, "components": [{"type": 10, "content": "a KITE"}]}],
        }
        status, body = await call(http, "POST", url, layout)
        assert (status, (body or {}).get("code")) == blocked, body
        # A whole word only; the embeds are not checked (Discord's docs do not say they are).
        _, sent = await call(http, "POST", url, {"content": "kites", "embeds": [{"title": "kite"}]})
        assert sent is not None
        status, body = await call(http, "PATCH", f"{url}/{sent['id']}", {"content": "kite!"})
        assert (status, (body or {}).get("code")) == blocked, body
        assert fake.get_message(int(sent["id"]))["content"] == "kites"
        # Another server's channels, and DMs, are not this server's AutoMod's.
        elsewhere = fake.add_text_channel("other", guild_id=fake.add_guild("Other"))
        for channel in (elsewhere, fake.dm_channel_id(fake.user_id)):
            other = f"{fake.api_base}/channels/{channel}/messages"
            assert (await call(http, "POST", other, {"content": "a kite"}))[0] == 200


async def test_an_interactions_answers_are_held_to_its_own_upload_limit() -> None:
    async with FakeDiscord() as fake, aiohttp.ClientSession() as http:
        inter = command(fake)
        inter.payload["attachment_size_limit"] = 1024  # what Discord told the bot
        assert fake.upload_limit > 4096
        callback = f"{fake.api_base}/interactions/{inter.id}/{inter.token}/callback"
        answer = '{"type": 4, "data": {"content": "the video"}}'
        async with http.post(callback, data=_video_upload(4096, answer)) as refused:
            assert refused.status == 413, await refused.text()
        async with http.post(callback, data=_video_upload(1024, answer)) as answered:
            assert answered.status == 204, await answered.text()
        hook = f"{fake.api_base}/webhooks/{fake.application_id}/{inter.token}"
        async with http.post(f"{hook}?wait=true", data=_video_upload(4096)) as follow_up:
            assert follow_up.status == 413, await follow_up.text()
        async with http.patch(f"{hook}/messages/@original", data=_video_upload(4096)) as edit:
            assert edit.status == 413, await edit.text()


async def test_an_edit_without_allowed_mentions_pings_whatever_the_post_was_sent_with() -> None:
    """Discord (Edit Message): with no allowed_mentions in the edit, "the content will be parsed
    with default allowances", not with those of the request that created the message."""
    async with FakeDiscord() as fake, aiohttp.ClientSession() as http:
        url = f"{fake.api_base}/channels/{fake.channel_id}/messages"
        quiet = {"content": "queued", "allowed_mentions": {"parse": []}}
        _, sent = await call(http, "POST", url, quiet)
        assert sent is not None
        _, edited = await call(http, "PATCH", f"{url}/{sent['id']}", {"content": "@everyone done"})
        assert edited is not None and edited["mention_everyone"] is True, edited
        edit = {"content": "@everyone done", "allowed_mentions": {"parse": []}}
        _, quiet_edit = await call(http, "PATCH", f"{url}/{sent['id']}", edit)
        assert quiet_edit is not None and quiet_edit["mention_everyone"] is False, quiet_edit


async def test_an_ephemeral_message_or_one_elsewhere_cannot_be_replied_to() -> None:
    async with FakeDiscord() as fake, aiohttp.ClientSession() as http:
        inter = command(fake)
        callback = f"{fake.api_base}/interactions/{inter.id}/{inter.token}/callback"
        body = {"type": 4, "data": {"content": "only you", "flags": FLAG_EPHEMERAL}}
        await call(http, "POST", callback, body)
        elsewhere = fake.add_text_channel("elsewhere")
        _, other = await call(
            http, "POST", f"{fake.api_base}/channels/{elsewhere}/messages", {"content": "there"}
        )
        assert inter.original_message_id is not None and other is not None
        url = f"{fake.api_base}/channels/{fake.channel_id}/messages"
        for target in (str(inter.original_message_id), other["id"]):
            reference = {"message_id": target, "fail_if_not_exists": False}
            _, posted = await call(
                http, "POST", url, {"content": "x", "message_reference": reference}
            )
            assert posted is not None and posted["referenced_message"] is None, posted
            reference["fail_if_not_exists"] = True
            status, refused = await call(
                http, "POST", url, {"content": "x", "message_reference": reference}
            )
            assert (status, (refused or {}).get("code")) == (400, 50035), refused


async def test_a_cdn_link_stops_working_at_its_expiry_on_the_fakes_clock() -> None:
    async with FakeDiscord() as fake, aiohttp.ClientSession() as http:
        picture = fake.make_attachment("cat.png", b"\x89PNG")
        async with http.get(picture.url) as fresh:
            assert (fresh.status, await fresh.read()) == (200, b"\x89PNG")
        fake.advance_clock(CDN_LINK_LIFETIME + 1)
        async with http.get(picture.url) as expired:
            assert (expired.status, await expired.text()) == (404, CDN_EXPIRED_TEXT)
        again = fake.make_attachment("cat.png", b"\x89PNG")  # signed on the moved clock
        async with http.get(again.url) as renewed:
            assert renewed.status == 200


async def test_a_message_fetched_again_carries_links_signed_afresh() -> None:
    """Discord signs the attachment links of every message it returns: a message fetched
    again after its links expired carries links that work (what `bot.media_refresh` renews a
    late job's media by), not the expired ones it was first sent with."""
    async with FakeDiscord() as fake, aiohttp.ClientSession() as http:
        picture = fake.make_attachment("cat.png", b"\x89PNG")
        posted = await fake.message_create("a cat", attachments=[picture], dispatch=False)
        fake.advance_clock(CDN_LINK_LIFETIME + 1)
        url = f"{fake.api_base}/channels/{fake.channel_id}/messages/{posted['id']}"
        async with http.get(url, headers={"Authorization": f"Bot {fake.token}"}) as response:
            assert response.status == 200, await response.text()
            fetched = await response.json()
        link = fetched["attachments"][0]["url"]
        async with http.get(link) as download:
            assert (download.status, await download.read()) == (200, b"\x89PNG"), link


class _HeldBackFake(FakeDiscord):
    """The fake behind a hold before its handling, as the benchmark's round trip is."""

    hold = 0.2

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
        await asyncio.sleep(self.hold)
        return await super()._middleware(request, handler)


async def test_a_request_keeps_the_time_it_arrived_apart_from_when_the_fake_handled_it() -> None:
    # The benchmark judges the members' acknowledgement by when it reached "Discord", not by
    # when the one-process fake got round to it; each request on a reused connection by its own.
    async with _HeldBackFake(token=TOKEN) as fake, aiohttp.ClientSession() as session:
        for _ in range(2):
            async with session.get(f"{fake.api_base}/users/@me", headers=AUTH) as response:
                assert response.status == 200
            await asyncio.sleep(0.3)
    first, second = fake.requests
    assert first.time - first.received >= 0.15
    assert second.time - second.received >= 0.15
    assert second.received - first.received >= 0.45  # its own arrival, not the connection's first


async def test_ban_events_reach_only_a_bot_that_may_ban_or_read_the_audit_log(
    harness: Harness,
) -> None:
    """Like Discord ("only sent to bots with the BAN_MEMBERS or VIEW_AUDIT_LOG permission"):
    the moderation intent alone hears no ban; with View Audit Log (or Ban Members) on the
    bot's role it hears bans and unbans."""
    fake = harness.fake
    bob, carol = fake.add_member("bob"), fake.add_member("carol")

    def heard() -> list[str]:
        return [f["t"] for f in fake.gateway_dispatched if f["t"].startswith("GUILD_BAN_")]

    await fake.ban_member(bob)
    await fake.unban_member(bob)
    assert heard() == []
    fake.give_bot_role(PERM_VIEW_AUDIT_LOG)
    await fake.ban_member(carol)
    await fake.unban_member(carol)
    assert heard() == ["GUILD_BAN_ADD", "GUILD_BAN_REMOVE"]


async def test_the_audit_log_lists_bans_and_unbans_to_view_audit_log_alone(
    harness: Harness,
) -> None:
    """Bans and unbans, heard or not, are in the server's audit log: newest first (`before`),
    oldest first after an entry (`after`), filtered by action; without View Audit Log, 403
    50013, as Discord answers. A ban is read only with Ban Members, whatever else."""
    fake, bot = harness.fake, harness.bot
    guild = bot.get_guild(fake.guild_id)
    assert guild is not None
    bob, carol = fake.add_member("bob"), fake.add_member("carol")
    fake.ban_member_unheard(bob)
    await fake.ban_member(carol)
    await fake.unban_member(carol)
    with pytest.raises(discord.Forbidden) as refused:
        [entry async for entry in guild.audit_logs()]
    assert refused.value.code == 50013
    fake.give_bot_role(PERM_VIEW_AUDIT_LOG)
    bans = [e async for e in guild.audit_logs(action=discord.AuditLogAction.ban, limit=None)]
    assert [e.target.id for e in bans if e.target] == [carol, bob], "newest first"
    assert all(e.user_id == fake.owner_id for e in bans)
    every = [e async for e in guild.audit_logs(limit=None)]
    assert [e.action for e in every] == [
        discord.AuditLogAction.unban,
        discord.AuditLogAction.ban,
        discord.AuditLogAction.ban,
    ]
    after = guild.audit_logs(after=bans[-1], oldest_first=True, limit=None)
    assert [e.action async for e in after] == [
        discord.AuditLogAction.ban,
        discord.AuditLogAction.unban,
    ]
    older = [e async for e in guild.audit_logs(before=bans[0], limit=None)]
    assert [e.target.id for e in older if e.target] == [bob]
    with pytest.raises(discord.Forbidden):
        await guild.fetch_ban(discord.Object(bob))
    fake.give_bot_role(PERM_BAN_MEMBERS)
    assert (await guild.fetch_ban(discord.Object(bob))).user.id == bob
    assert fake.spec_violations == []
