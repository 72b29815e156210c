"""Threads the bot cannot post in: locked ones (only Manage Threads may post), and private ones
it was never added to: refused before anything is spent."""

from tests.cogs.test_read_only_channel import CANNOT_POST, posted_by_bot
from tests.cogs.test_references import MESSAGE_COMMAND, MODAL, pictures
from tests.fakes.discord import FakeDiscord
from tests.harness import BOT_TOKEN, running_bot


async def test_video_in_a_locked_thread_is_refused_privately(tmp_path):
    """docs/members.md: "The member may not post in the channel (announcements, a locked thread) ...
    Refuses privately: the bot never posts a status or a video where the member cannot write"."""
    async with running_bot(tmp_path) as world:
        fake = world.discord
        thread = fake.add_thread(fake.channel_ids()[0], "closed topic", owner_id=fake.owner_id)
        fake.lock_thread(thread)
        alice = fake.add_member("alice")
        interaction = await fake.slash_command(
            "video", options={"prompt": "a paper boat"}, channel_id=thread, user=alice
        )
        answer = await interaction.wait_for_private_answer()
        assert CANNOT_POST in answer, answer
        assert posted_by_bot(world, thread) == []
        assert await world.db.fetch_all("SELECT id FROM jobs") == []


async def test_make_a_video_in_a_locked_thread_is_refused_before_the_form(tmp_path):
    """The message menu ("Apps > Make a video") stays offered in a locked thread, where a member
    without Manage Threads has no message box: refused, no form, nothing posted."""
    async with running_bot(tmp_path) as world:
        fake = world.discord
        thread = fake.add_thread(fake.channel_ids()[0], "closed topic", owner_id=fake.owner_id)
        bob = fake.add_member("bob")
        target = await fake.message_create(
            "look", channel_id=thread, author=bob, attachments=pictures(world, 1)
        )
        fake.lock_thread(thread)
        alice = fake.add_member("alice")
        menu = await fake.slash_command(
            "Make a video",
            command_type=MESSAGE_COMMAND,
            resolved={"messages": {target["id"]: target}},
            channel_id=thread,
            user=alice,
        )
        callback = await menu.wait_for_callback()
        assert callback["type"] != MODAL, "no prompt typed for nothing"
        assert CANNOT_POST in callback["data"]["content"]


async def test_a_moderator_in_a_locked_thread_hears_the_bot_needs_manage_threads(tmp_path):
    """A moderator may post in a locked thread; the bot may too only with Manage Threads: said
    before anything is spent, not a status post Discord refuses after the video is paid for."""
    async with running_bot(tmp_path) as world:
        fake = world.discord
        thread = fake.add_thread(fake.channel_ids()[0], "closed topic", owner_id=fake.owner_id)
        fake.lock_thread(thread)
        moderators = fake.add_role("Thread keepers", 1 << 34)  # Manage Threads
        keeper = fake.add_member("keeper", roles=[moderators])
        interaction = await fake.slash_command(
            "video", options={"prompt": "a paper boat"}, channel_id=thread, user=keeper
        )
        answer = await interaction.wait_for_private_answer()
        assert "Manage Threads (the thread is locked)" in answer, answer
        assert await world.db.fetch_all("SELECT id FROM jobs") == []


async def test_video_in_a_private_thread_the_bot_is_not_in_is_refused_clearly(tmp_path):
    """A private thread (type 12) only its members (and Manage Threads) can see: a bot never
    added to it cannot post there (403 50001 Missing Access), though the interaction reaches it
    and its app permissions, which Discord reads from the parent channel, grant everything.
    The member must learn that before anything is sent or counted, not be told "I'll post it in
    this channel" and then get the video by DM."""
    async with running_bot(tmp_path) as world:
        fake = world.discord
        thread = fake.add_thread(fake.channel_ids()[0], "just us")
        fake._channels[thread]["type"] = 12  # GUILD_PRIVATE_THREAD
        fake._channels[thread]["thread_metadata"]["invitable"] = False
        # Like a thread, no overwrites of its own (the fake computes type 11's from the parent).
        fake._channels[thread]["permission_overwrites"] = []
        # What the bot's own token meets there, on every try.
        fake.fail_next("*", rf"/channels/{thread}/", 403, 50001, "Missing Access", times=1000)
        interaction = await fake.slash_command(
            "video", options={"prompt": "a paper boat"}, channel_id=thread
        )
        answer = await interaction.wait_for_private_answer()
        assert "queued" not in answer, answer
        assert "Discord doesn't let me post in this channel" in answer
        assert "nothing was counted" in answer
        assert world.api.submits == [], "a video is paid for where nothing can be posted"
        [row] = await world.db.fetch_all("SELECT state FROM jobs")
        assert row["state"] == "rejected", "closed unsent: it does not count"


async def test_a_moderators_mention_in_a_locked_thread_hears_by_dm_the_bot_needs_manage_threads(
    tmp_path,
):
    """A moderator may post in a locked thread, and mention the bot there; the bot may answer
    there only with Manage Threads (else Discord refuses the reply: 400 160005). The refusal
    naming Manage Threads must reach them by DM, as where the bot lacks Send Messages, not be
    posted where Discord refuses it (a request counted toward an IP ban) and lost."""
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        thread = fake.add_thread(fake.channel_id, "closed topic", owner_id=fake.owner_id)
        fake.lock_thread(thread)
        moderators = fake.add_role("Thread keepers", 1 << 34)  # Manage Threads
        keeper = fake.add_member("keeper", roles=[moderators])
        async with running_bot(tmp_path, fake=fake) as world:
            await fake.message_create(
                f"<@{fake.bot_user_id}> a paper boat", channel_id=thread, author=keeper
            )
            dm = fake.dm_channel_id(keeper)
            told = await fake.wait_for_message(
                dm, predicate=lambda m: m["author"]["id"] == str(fake.bot_user_id)
            )
            assert "Manage Threads (the thread is locked)" in told["content"], told["content"]
            refused = [r for r in fake.requests if r.status == 400 and r.path.endswith("messages")]
            assert refused == [], "no post Discord refuses for certain (400 160005)"
            assert await world.db.fetch_all("SELECT id FROM jobs") == []
