"""What a moderator reads of other members' videos: never the prompt of one made where Discord
would not let that moderator read (a staff-only channel, a private thread), the real bot and
the fake Discord, permissions from real overwrites."""

from contextlib import asynccontextmanager
from dataclasses import dataclass

from tests.cogs.test_moderation import (
    archive_out_of_cache,
    command,
    listed_channel_option,
    told_in,
    user_option,
)
from tests.fakes.discord import PERM_ADMINISTRATOR, PERM_MANAGE_THREADS, FakeDiscord
from tests.harness import BOT_TOKEN, World, running_bot

HIDDEN = "prompt hidden: made in a channel you can't view"
SECRET = "the staff party plans"
OPEN = "a fox in snow"


@dataclass
class Staff:
    """A server with a staff-only channel that carol (staff) and the bot read, and a moderator
    by role, helper, who cannot."""

    world: World
    fake: FakeDiscord
    staff: int  # the channel only carol (and the bot) may view
    helper: int  # a member with the moderator role
    carol: int
    admin: int  # a member with an Administrator role
    manager: int  # a member with a Manage Threads role
    modlog: int  # a channel everyone reads


@asynccontextmanager
async def staff_server(tmp_path):
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        mods = fake.add_role("Video mods")
        helper = fake.add_member("helper", roles=[mods])
        carol = fake.add_member("carol")
        admin = fake.add_member("admin", roles=[fake.add_role("Admins", PERM_ADMINISTRATOR)])
        managers = fake.add_role("Thread managers", PERM_MANAGE_THREADS)
        manager = fake.add_member("manager", roles=[mods, managers])
        staff = fake.add_text_channel("staff-only")
        modlog = fake.add_text_channel("mod-log")
        fake.hide_channel(staff, but_from=[carol, fake.bot_user_id])
        async with running_bot(tmp_path, fake=fake, moderator_role_id=mods) as world:
            yield Staff(world, fake, staff, helper, carol, admin, manager, modlog)


async def make(s, prompt, *, user, channel_id):
    interaction = await s.fake.slash_command(
        "video", options={"prompt": prompt}, user=user, channel_id=channel_id
    )
    assert "queued as job" in (await interaction.wait_for_answer())["content"]


async def jobs_as(s, user, permissions="0", **options):
    """`/videomod jobs` (or `usage member:` with `member`) as `user` reads it."""
    name = "videomod usage" if "member" in options else "videomod jobs"
    return await command(s.world, name, user=user, member_permissions=permissions, **options)


async def test_a_moderator_reads_no_prompt_from_a_channel_they_cannot_view(tmp_path):
    async with staff_server(tmp_path) as s:
        await make(s, SECRET, user=s.carol, channel_id=s.staff)
        await make(s, OPEN, user=s.carol, channel_id=s.fake.channel_id)
        listed = await jobs_as(s, s.helper)
        assert SECRET not in listed, listed
        assert HIDDEN in listed and OPEN in listed
        # Still listed, with who made it and its state: only the words are withheld.
        assert "`#1`" in listed and f"<@{s.carol}>" in listed
        history = await jobs_as(s, s.helper, member=user_option(s.world, s.carol))
        assert SECRET not in history and HIDDEN in history
        assert "2 of 5 videos" in history, "counted in their use all the same"


async def test_the_owner_and_an_administrator_read_every_prompt(tmp_path):
    async with staff_server(tmp_path) as s:
        await make(s, SECRET, user=s.carol, channel_id=s.staff)
        assert SECRET in await jobs_as(s, s.fake.owner_id, permissions=None)
        assert SECRET in await jobs_as(s, s.admin, permissions=None)


async def test_a_moderator_let_into_the_channel_reads_its_prompts(tmp_path):
    async with staff_server(tmp_path) as s:
        await make(s, SECRET, user=s.carol, channel_id=s.staff)
        s.fake.hide_channel(s.staff, but_from=[s.carol, s.fake.bot_user_id, s.helper])
        await s.fake.dispatch("CHANNEL_UPDATE", s.fake._channel_payload(s.staff))
        await s.fake.wait_for(
            lambda: any(o.id == s.helper for o in s.world.bot.get_channel(s.staff)._overwrites),
            5.0,
            description="the new overwrite seen",
        )
        assert SECRET in await jobs_as(s, s.helper)


async def test_a_private_thread_shows_its_prompts_to_its_members_and_thread_managers(tmp_path):
    async with staff_server(tmp_path) as s:
        thread = s.fake.add_thread(s.fake.channel_id, "carol's", owner_id=s.carol, private=True)
        await s.fake.dispatch("THREAD_CREATE", s.fake._channel_payload(thread))
        await s.fake.wait_for(
            lambda: s.world.bot.get_channel(thread) is not None, 5.0, description="thread"
        )
        await make(s, SECRET, user=s.carol, channel_id=thread)
        assert HIDDEN in await jobs_as(s, s.helper), "not in the thread: hidden"
        assert SECRET in await jobs_as(s, s.manager), "Manage Threads sees every private thread"
        s.fake.add_thread_member(thread, s.helper)
        assert SECRET in await jobs_as(s, s.helper), "added to it: they may read it"


async def test_a_thread_out_of_the_bots_cache_is_judged_by_its_channel(tmp_path):
    async with staff_server(tmp_path) as s:
        thread = s.fake.add_thread(s.staff, "plans", owner_id=s.carol)
        await s.fake.dispatch("THREAD_CREATE", s.fake._channel_payload(thread))
        await s.fake.wait_for(
            lambda: s.world.bot.get_channel(thread) is not None, 5.0, description="thread"
        )
        await make(s, SECRET, user=s.carol, channel_id=thread)
        await archive_out_of_cache(s.world, s.fake, thread)
        assert HIDDEN in await jobs_as(s, s.helper)
        assert SECRET in await jobs_as(s, s.fake.owner_id, permissions=None)


async def test_a_deleted_channels_prompts_stay_readable_to_moderators(tmp_path):
    async with staff_server(tmp_path) as s:
        await make(s, SECRET, user=s.carol, channel_id=s.staff)
        await s.fake.delete_channel(s.staff)
        await s.fake.wait_for(
            lambda: s.world.bot.get_channel(s.staff) is None, 5.0, description="deleted"
        )
        assert SECRET in await jobs_as(s, s.helper)


async def test_the_placeholder_is_in_the_moderators_language(tmp_path):
    async with staff_server(tmp_path) as s:
        await make(s, SECRET, user=s.carol, channel_id=s.staff)
        for locale, words in (("zh-CN", "提示词已隐藏"), ("zh-TW", "提示詞已隱藏")):
            listed = await command(
                s.world, "videomod jobs", user=s.helper, member_permissions="0", locale=locale
            )
            assert SECRET not in listed and words in listed, listed


async def test_during_an_outage_of_the_server_its_channels_are_read_from_discord(tmp_path):
    """Discord says the server is unavailable (an outage): the bot's cache of it is stale,
    its channels and roles are read over REST instead, and still nothing leaks."""
    async with staff_server(tmp_path) as s:
        await make(s, SECRET, user=s.carol, channel_id=s.staff)
        await s.fake.dispatch("GUILD_DELETE", {"id": str(s.fake.guild_id), "unavailable": True})
        await s.fake.wait_for(
            lambda: s.world.bot.get_guild(s.fake.guild_id).unavailable, 5.0, description="outage"
        )
        listed = await jobs_as(s, s.helper)
        assert SECRET not in listed and HIDDEN in listed
        assert SECRET in await jobs_as(s, s.fake.owner_id, permissions=None)
        read = f"/guilds/{s.fake.guild_id}/channels"
        reads = [r for r in s.fake.requests if r.method == "GET" and r.path == read]
        assert reads, "the channels were read from Discord"


async def test_the_mod_log_quotes_a_refused_prompt_from_a_private_channel_all_the_same(tmp_path):
    """A separate audience, chosen by the server for refusals: its line keeps the words, and
    names the channel (see docs/moderators.md, banned words)."""
    async with staff_server(tmp_path) as s:
        owner = s.fake.owner_id
        option = listed_channel_option(s.fake, s.modlog)
        await command(s.world, "videomod modlog", user=owner, channel=option)
        await command(s.world, "videomod words add", user=owner, pattern="party")
        interaction = await s.fake.slash_command(
            "video", options={"prompt": SECRET}, user=s.carol, channel_id=s.staff
        )
        assert "doesn't allow" in (await interaction.wait_for_answer())["content"]
        line = await told_in(s.fake, s.modlog, "matched `party`")
        assert f"<#{s.staff}>" in line["content"] and line["content"].endswith(SECRET)


async def test_a_channel_of_a_kind_discord_py_does_not_know_withholds_prompts_not_the_list(
    tmp_path,
):
    """A server read over REST with a channel of a kind this discord.py cannot build (a
    Student Hub's directory, type 14): its channels are unread, so prompts are withheld, but
    the list is still answered."""
    async with staff_server(tmp_path) as s:
        await make(s, SECRET, user=s.carol, channel_id=s.staff)
        await make(s, OPEN, user=s.carol, channel_id=s.fake.channel_id)
        s.fake._add_guild_channel(14, "directory", guild_id=None)
        await s.fake.dispatch("GUILD_DELETE", {"id": str(s.fake.guild_id), "unavailable": True})
        await s.fake.wait_for(
            lambda: s.world.bot.get_guild(s.fake.guild_id).unavailable, 5.0, description="outage"
        )
        listed = await jobs_as(s, s.helper)
        assert SECRET not in listed and HIDDEN in listed, listed
        assert "`#1`" in listed and "`#2`" in listed
