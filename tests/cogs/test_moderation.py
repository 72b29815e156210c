"""/videomod and /videos quota as moderators and members use them: the real bot, both fakes."""

import asyncio
import re
import time
from contextlib import asynccontextmanager
from dataclasses import dataclass

import pytest

from bot.i18n import msg
from bot.moderation.refusal_reports import BANNED_REPORT_EVERY
from bot.moderation.store import Actor
from bot.moderation.words import MAX_PATTERN_LENGTH
from cogs._modlog import MODLOG_REFUSED_FOR
from tests.conftest import FakeClock
from tests.fakes.apimart import TaskPlan
from tests.fakes.components import custom_ids
from tests.fakes.discord import PERM_ALL, PERM_VIEW_AUDIT_LOG, FakeDiscord
from tests.fakes.web import PUBLIC_HOST, Site
from tests.harness import BOT_TOKEN, World, running_bot

EPHEMERAL = 64
MANAGE_GUILD = 1 << 5


@dataclass
class Server:
    """The bot in a server with a moderator role, a Supporter role and a mod-log channel."""

    world: World
    mods: int  # role id
    supporter: int  # role id
    modlog: int  # channel id
    helper: int  # a member with the moderator role, without Manage Server
    carol: int  # a member with the Supporter role

    @property
    def owner(self):
        return self.world.discord.owner_id

    @property
    def alice(self):
        return self.world.discord.user_id


@asynccontextmanager
async def server(tmp_path, *, bot_role=0, **settings):
    # Roles and channels exist before the bot connects, as in a real server's cache; so do
    # the permissions `bot_role` adds to the bot's role.
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        if bot_role:
            fake.give_bot_role(bot_role)
        mods = fake.add_role("Video mods")
        supporter = fake.add_role("Supporter")
        modlog = fake.add_text_channel("mod-log")
        helper = fake.add_member("helper", roles=[mods])
        carol = fake.add_member("carol", roles=[supporter])
        async with running_bot(tmp_path, fake=fake, **settings) as world:
            yield Server(world, mods, supporter, modlog, helper, carol)


def morning_clock() -> FakeClock:
    """A clock at 06:00 UTC, the latest such time already past: a day's period (reset at
    midnight UTC) then has 18 hours left, whenever the test runs, so a limit of hours or
    minutes ends before it. (Never ahead of real time: Discord's ids carry real time.)"""
    now = time.time()
    six = now - now % 86400 + 6 * 3600
    return FakeClock(start=six if six <= now else six - 86400)


def user_option(world, user_id):
    member = world.discord.member_payload(user_id)
    user = member.pop("user")
    resolved = {"users": {str(user_id): user}, "members": {str(user_id): member}}
    return {"type": 6, "value": str(user_id)}, resolved


def role_option(world, role_id):
    [role] = [r for r in world.discord.guild_payload()["roles"] if r["id"] == str(role_id)]
    return {"type": 8, "value": str(role_id)}, {"roles": {str(role_id): role}}


def channel_option(world, channel_id):
    channel = {
        "id": str(channel_id),
        "type": 0,
        "name": "mod-log",
        "guild_id": str(world.discord.guild_id),
        "permissions": str(PERM_ALL),
    }
    return {"type": 7, "value": str(channel_id)}, {"channels": {str(channel_id): channel}}


async def command(world, name, *, user, member_permissions=None, locale="en-US", **options):
    """Run a slash command with plain or (option, resolved) values; return its private answer."""
    plain, resolved = {}, {}
    for key, value in options.items():
        if isinstance(value, tuple):
            plain[key], extra = value
            for kind, items in extra.items():
                resolved.setdefault(kind, {}).update(items)
        else:
            plain[key] = value
    interaction = await world.discord.slash_command(
        name,
        options=plain,
        user=user,
        member_permissions=member_permissions,
        resolved=resolved or None,
        locale=locale,
    )
    callback = await interaction.wait_for_callback()
    if callback["type"] == 5:
        return (await interaction.wait_for_answer())["content"]
    assert callback["data"]["flags"] & EPHEMERAL, "moderation answers are private"
    return callback["data"]["content"]


async def mod(s, name, **options):
    """A moderator (the server owner, who has Manage Server) runs a /videomod command."""
    return await command(s.world, f"videomod {name}", user=s.owner, **options)


async def video(world, user=None, **options):
    """A member runs /video; returns what they read privately."""
    options.setdefault("prompt", "a fox in snow")
    interaction = await world.discord.slash_command("video", options=options, user=user)
    return (await interaction.wait_for_answer())["content"]


async def modlog_message(s, text):
    return await told_in(s.world.discord, s.modlog, text)


async def test_a_forged_moderator_command_from_a_member_is_refused(tmp_path):
    async with server(tmp_path) as s:
        answer = await command(
            s.world, "videomod limits set", user=s.alice, member_permissions="0", allowance=100
        )
        assert "Only members with the Manage Server permission or the moderator role" in answer
        policy = await s.world.bot.moderation.store.policy(s.world.discord.guild_id)
        assert policy.default_limit == 5
        assert await s.world.db.fetch_all("SELECT id FROM mod_audit") == []


async def test_videomod_is_hidden_by_default_from_members_without_manage_server(tmp_path):
    async with server(tmp_path) as s:
        [group] = [c for c in s.world.discord.commands() if c["name"] == "videomod"]
        assert str(group["default_member_permissions"]) == str(MANAGE_GUILD)
        assert 1 not in group["contexts"], "not in DMs"


async def test_the_configured_moderator_role_may_moderate_without_manage_server(tmp_path):
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        mods = fake.add_role("Video mods")
        helper = fake.add_member("helper", roles=[mods])
        async with running_bot(tmp_path, fake=fake, moderator_role_id=mods) as world:
            answer = await command(
                world, "videomod limits show", user=helper, member_permissions="0"
            )
            assert "**Limits:** 5 videos per member per day" in answer


async def test_a_server_can_remove_the_configured_moderator_role_for_itself(tmp_path):
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        mods = fake.add_role("Video mods")
        helper = fake.add_member("helper", roles=[mods])
        async with running_bot(tmp_path, fake=fake, moderator_role_id=mods) as world:
            owner = fake.owner_id
            assert "removed the moderator role" in await command(
                world, "videomod modrole", user=owner
            )
            answer = await command(
                world, "videomod limits show", user=helper, member_permissions="0"
            )
            assert "**Limits:**" not in answer, "the role it said it removed no longer moderates"


async def test_a_server_can_choose_its_moderator_role(tmp_path):
    async with server(tmp_path) as s:
        answer = await mod(s, "modrole", role=role_option(s.world, s.mods))
        assert f"set the moderator role to <@&{s.mods}>" in answer
        answer = await command(
            s.world, "videomod limits show", user=s.helper, member_permissions="0"
        )
        assert "**Moderator role:**" in answer


async def test_a_new_servers_rules_say_how_to_set_what_is_not_set_yet(tmp_path):
    """An admin's first `limits show`: every rule still at "none" names the command that sets
    it (as the confirmation and banned words do), clickable; a mod-log not set yet says what
    goes unposted meanwhile."""
    async with server(tmp_path) as s:
        [group] = [c for c in s.world.discord.commands() if c["name"] == "videomod"]

        def mention(_fake, path):
            return f"</{path}:{group['id']}>"

        fake = s.world.discord
        answer = await mod(s, "limits show")
        budget = mention(fake, "videomod budget")
        assert f"**Monthly budget:** none (0 credits used this month; see {budget})." in answer
        assert (
            "**Mod-log channel:** none, so changes, refused prompts and alerts are posted"
            f" nowhere (see {mention(fake, 'videomod modlog')})." in answer
        )
        assert (
            "**Moderator role:** none: only members with Manage Server moderate"
            f" (see {mention(fake, 'videomod modrole')})." in answer
        )
        zh = await mod(s, "limits show", locale="zh-CN")
        expected = "**管理日志频道：**无，更改、被拒绝的提示词和警报都不会发布"  # noqa: RUF001
        assert expected + "（见 `/视频管理 管理日志`）。" in zh  # noqa: RUF001
        tw = await mod(s, "limits show", locale="zh-TW")
        assert "（見 `/影片管理 管理員身分組`）。" in tw  # noqa: RUF001
        await mod(s, "modlog", channel=channel_option(s.world, s.modlog))
        answer = await mod(s, "limits show")
        assert f"**Mod-log channel:** <#{s.modlog}>\n" in answer


async def test_the_rules_tell_moderators_when_discord_tells_the_bot_of_no_ban(tmp_path):
    """Invited with an older link, the bot's role has neither View Audit Log nor Ban Members:
    Discord tells it of no ban, so a ban stops no video. `limits show` says so, in the reader's
    language, with what to do; where the role has View Audit Log, nothing is said."""
    async with server(tmp_path) as s:
        answer = await mod(s, "limits show")
        assert "**Discord bans:** the bot's role has neither View Audit Log nor Ban Members" in (
            answer
        ), answer
        assert "/videomod block" in answer, answer
        zh = await mod(s, "limits show", locale="zh-CN")
        assert "查看审核日志" in zh and "不会告知" in zh, zh
        tw = await mod(s, "limits show", locale="zh-TW")
        assert "檢視審核日誌" in tw and "不會告知" in tw, tw
    async with server(tmp_path, bot_role=PERM_VIEW_AUDIT_LOG) as s:
        assert "Discord bans" not in await mod(s, "limits show")


async def test_only_manage_server_may_choose_the_moderator_role(tmp_path):
    async with server(tmp_path) as s:
        await mod(s, "modrole", role=role_option(s.world, s.mods))
        answer = await command(
            s.world,
            "videomod modrole",
            user=s.helper,
            member_permissions="0",
            role=role_option(s.world, s.supporter),
        )
        assert "Only members with the Manage Server permission can choose" in answer
        policy = await s.world.bot.moderation.store.policy(s.world.discord.guild_id)
        assert policy.moderator_role_id == s.mods


async def test_a_limit_change_is_confirmed_audited_and_posted_to_the_mod_log(tmp_path):
    async with server(tmp_path) as s:
        await mod(s, "modlog", channel=channel_option(s.world, s.modlog))
        answer = await mod(s, "limits set", allowance=3, period="week", cooldown=30)
        assert "set the limits: 3 videos per member per week" in answer
        assert "30 seconds between videos" in answer
        posted = await modlog_message(s, "set the limits")
        assert posted["mentions"] == [], "the mod-log pings nobody"
        audit = await mod(s, "audit")
        assert audit.index("set the limits") < audit.index("set the mod-log channel")


async def test_a_cooldown_reads_in_the_unit_people_use(tmp_path):
    async with server(tmp_path) as s:
        assert "7 days between videos" in await mod(s, "limits set", cooldown=604800)
        assert "1 hour between videos" in await mod(s, "limits set", cooldown=3600)
        assert "90 seconds between videos" in await mod(s, "limits set", cooldown=90)
        assert "90 seconds between videos" in await mod(s, "limits show")


async def test_setting_limits_without_any_option_changes_nothing(tmp_path):
    async with server(tmp_path) as s:
        assert "Nothing was changed because no option was given" in await mod(s, "limits set")
        assert await s.world.db.fetch_all("SELECT id FROM mod_audit") == []


async def test_a_role_allowance_shows_in_the_members_quota(tmp_path):
    async with server(tmp_path) as s:
        await mod(s, "role set", role=role_option(s.world, s.supporter), allowance=30)
        answer = await command(s.world, "videos quota", user=s.carol)
        assert "**30 videos** left today (out of 30)" in answer


async def test_a_role_deleted_in_discord_takes_its_limit_with_it_and_the_modlog_says_so(
    tmp_path,
):
    """`/videomod role clear` picks a live role: a deleted role's limit could never be cleared,
    and `limits show` would list it for good."""
    async with server(tmp_path) as s:
        await mod(s, "modlog", channel=channel_option(s.world, s.modlog))
        await mod(s, "role set", role=role_option(s.world, s.supporter), allowance=30)
        await s.world.discord.delete_role(s.supporter)
        told = await modlog_message(s, "was deleted in Discord")
        assert "Supporter" in told["content"] and "30 videos per period" in told["content"]
        assert await s.world.bot.moderation.store.role_limits(s.world.discord.guild_id) == []
        assert f"<@&{s.supporter}>" not in await mod(s, "limits show")


async def test_a_deleted_role_that_alone_was_allowed_an_option_is_told_in_the_mod_log(tmp_path):
    """4K reserved for Supporter alone stays reserved once Supporter is deleted (opening it is
    the moderators' choice), so no member can use it: the mod-log says so and how to change
    it. 1080p, also allowed the moderator role, changes for no one: the dead role leaves it."""
    async with server(tmp_path) as s:
        await mod(s, "modlog", channel=channel_option(s.world, s.modlog))
        supporters = role_option(s.world, s.supporter)
        await mod(s, "options restrict", option="resolution:4k", role=supporters)
        await mod(s, "options restrict", option="resolution:1080p", role=supporters)
        await mod(
            s, "options restrict", option="resolution:1080p", role=role_option(s.world, s.mods)
        )
        await mod(s, "role set", role=supporters, allowance=30)
        await s.world.discord.delete_role(s.supporter)
        told = (await modlog_message(s, "was deleted in Discord"))["content"]
        assert "Supporter" in told and "4K" in told and "1080p" not in told, told
        assert "30 videos per period" in told and told.count("deleted in Discord") == 1, told
        assert "no member can use" in told, told
        shown = await mod(s, "limits show")
        assert f"1080p → <@&{s.mods}>" in shown, shown
        assert "deleted in Discord" in await mod(s, "audit")


async def test_quota_shows_a_member_what_is_left_and_when_it_resets(tmp_path):
    async with server(tmp_path, plan=TaskPlan(polls_until_done=None)) as s:
        await video(s.world)
        answer = await command(s.world, "videos quota", user=s.alice)
        assert "You have **4 videos** left today (out of 5)" in answer
        assert ":R>" in answer and ":F>" in answer
        assert "In progress: 1 video (at most 2 at a time)" in answer


@pytest.mark.parametrize(
    ("locale", "reserved", "reference"),
    [
        ("en-US", "Reserved for other roles", "reference video"),
        ("zh-CN", "仅限其他身份组使用", "参考视频"),
        ("zh-TW", "僅限其他身分組使用", "參考影片"),
    ],
)
async def test_quota_with_10_seconds_reserved_says_a_reference_video_is_ruled_out_too(
    tmp_path, locale, reserved, reference
):
    """A reference video sets the length, up to 10 s, so it needs 10 s: a member without the
    role that may use 10 s reads, in their quota, that a reference video is out as well (else
    they learn it only from a refusal). Another reserved option says nothing of it."""
    async with server(tmp_path) as s:
        supporters = role_option(s.world, s.supporter)
        await mod(s, "options restrict", option="resolution:4k", role=supporters)

        async def reserved_line(user):
            answer = await command(s.world, "videos quota", user=user, locale=locale)
            return [line for line in answer.splitlines() if line.startswith(reserved)]

        [only_4k] = await reserved_line(s.alice)
        assert reference not in only_4k, only_4k
        await mod(s, "options restrict", option="duration:10", role=supporters)
        [both] = await reserved_line(s.alice)
        assert "4K" in both and "10" in both and reference in both, both
        # Carol has the role: nothing is reserved from her, so nothing is said.
        assert await reserved_line(s.carol) == []


async def test_quota_reads_in_chinese_for_a_chinese_member(tmp_path):
    async with server(tmp_path) as s:
        answer = await command(s.world, "videos quota", user=s.alice, locale="zh-CN")
        assert "你今天还可以生成 **5 个视频**" in answer
        assert "本日" not in answer


async def test_an_allowance_set_below_what_a_member_made_says_so_when_it_is_set(tmp_path):
    """ "Alice: 2 a day", when she made 3 today, does not let her make 2 more: the moderator
    reads that at once, not only in /videomod usage."""
    async with server(tmp_path) as s:
        await mod(s, "limits set", max_active=5)
        for _ in range(3):
            assert "queued as job" in await video(s.world)
        alice = user_option(s.world, s.alice)
        answer = await mod(s, "member set", member=alice, allowance=2, reason="calm down")
        assert "has made 3 videos today, more than their limit of 2 videos" in answer
        assert "can make no more until the period ends" in answer
        # Set above what she made, it says what is left, as usage does.
        answer = await mod(s, "member set", member=alice, allowance=5, reason="fine")
        assert "has used 3 of 5 videos today" in answer


async def test_an_allowance_that_ends_before_the_period_says_when_videos_come_back(tmp_path):
    """ "Alice: 2 for 6 hours", when she made 3 today and the server allows 5: she may make
    videos again when it ends, not at midnight, and the moderator reads that time."""
    async with server(tmp_path, clock=morning_clock()) as s:
        await mod(s, "limits set", max_active=5)
        for _ in range(3):
            assert "queued as job" in await video(s.world)
        alice = user_option(s.world, s.alice)
        answer = await mod(s, "member set", member=alice, allowance=2, days=0.25, reason="calm")
        ends = round(s.world.bot.clock() + 0.25 * 86400)
        assert "more than their limit of 2 videos" in answer
        [again] = re.findall(r"can make no more until <t:(\d+):R> \(that limit ends", answer)
        assert abs(int(again) - ends) <= 2
        usage = await mod(s, "usage", member=alice)
        assert f"<t:{again}:R>" in usage


async def blocked_after_a_spent_day(s, *, days):
    """Alice makes all 5 of today's videos, then is blocked for `days`: when today's period
    ends, and what `/videomod usage member:` says of her."""
    await mod(s, "limits set", max_active=5)
    for _ in range(5):
        assert "queued as job" in await video(s.world)
    alice = user_option(s.world, s.alice)
    await mod(s, "block", member=alice, reason="calm", days=days)
    [period_end] = re.findall(r"this period ends <t:(\d+):R>", await mod(s, "limits show"))
    return period_end, await mod(s, "usage", member=alice)


async def test_a_short_block_after_a_spent_period_says_videos_come_back_with_the_period(
    tmp_path,
):
    """Alice made all 5 of today's videos, then got a 15-minute block: she makes no video when
    it ends but when the day does, and `/videomod usage member:` says so, as her refusal does."""
    async with server(tmp_path, clock=morning_clock()) as s:
        period_end, usage = await blocked_after_a_spent_day(s, days=0.01)
        assert f"so they may make videos again from <t:{period_end}:F>" in usage, usage
        assert f"can make videos again from <t:{period_end}:F>" in await video(s.world)


async def test_a_short_block_on_a_member_allowed_no_videos_promises_none_after_it(tmp_path):
    """Carol's role allows 0 videos; a 15-minute block on her: she has used nothing up and will
    make no video when it ends, so her usage line promises none (as her refusal does)."""
    async with server(tmp_path) as s:
        await mod(s, "role set", role=role_option(s.world, s.supporter), allowance=0)
        carol = user_option(s.world, s.carol)
        await mod(s, "block", member=carol, reason="calm", days=0.01)
        usage = await mod(s, "usage", member=carol)
        assert "blocked by a moderator until" in usage
        assert "used up" not in usage and "may make videos again" not in usage, usage


async def test_a_week_long_block_after_a_spent_day_says_videos_come_back_with_the_block(
    tmp_path,
):
    """Alice made all 5 of today's videos, then got a week's block: she makes no video when
    the day ends but when the block does, and both her refusal and her usage line say so."""
    async with server(tmp_path) as s:
        period_end, usage = await blocked_after_a_spent_day(s, days=7)
        refused = await video(s.world)
        for text in (usage, refused):
            assert "blocked" in text and f"<t:{period_end}:" not in text, text


async def test_a_blocked_member_reads_why_and_nothing_is_sent(tmp_path):
    async with server(tmp_path) as s:
        answer = await mod(s, "block", member=user_option(s.world, s.alice), reason="spamming")
        assert f"blocked <@{s.alice}> (reason: spamming)" in answer
        refused = await video(s.world)
        assert "blocked you from making videos in this server (reason: spamming)" in refused
        assert s.world.api.submits == []
        # Their usage says blocked, not that their limit was lowered until the period ends.
        usage = await mod(s, "usage", member=user_option(s.world, s.alice))
        assert "blocked by a moderator (reason: spamming)" in usage
        assert "lowered" not in usage
        await mod(s, "unblock", member=user_option(s.world, s.alice))
        assert "queued as job #1" in await video(s.world)


async def test_unblock_changes_only_a_block_that_still_holds(tmp_path):
    clock = FakeClock(start=time.time())
    async with server(tmp_path, clock=clock) as s:
        alice = user_option(s.world, s.alice)
        await mod(s, "block", member=alice, reason="spamming", days=1)
        clock.advance(2 * 86400)  # it ended by itself
        assert "has no personal limit or block" in await mod(s, "unblock", member=alice)
        # An allowance of their own is no block: unblock leaves it (member clear removes it).
        await mod(s, "member set", member=alice, allowance=20, reason="trusted")
        assert "isn't blocked" in await mod(s, "unblock", member=alice)
        assert "20 videos" in await mod(s, "usage", member=alice)
        audit = await mod(s, "audit")
        assert "unblocked" not in audit


async def test_a_block_over_a_members_own_allowance_says_the_allowance_will_not_come_back(
    tmp_path,
):
    """A member has one personal setting: a day's block replaces their allowance of 20, and
    when it ends they follow the usual limits. The moderator is told so, not left to find out."""
    clock = FakeClock(start=time.time())
    async with server(tmp_path, clock=clock) as s:
        alice = user_option(s.world, s.alice)
        await mod(s, "member set", member=alice, allowance=20, reason="trusted")
        blocked = await mod(s, "block", member=alice, reason="cool off", days=1)
        assert "replaces their own allowance of 20 videos" in blocked, blocked
        assert "replaces their own allowance" in await mod(s, "audit")
        # A member set over a block says it lifts it, and nothing more when there was none.
        lifted = await mod(s, "member set", member=alice, allowance=3, reason="back", days=7)
        assert "This lifts their block" in lifted, lifted
        carol = user_option(s.world, s.carol)
        assert "This" not in await mod(s, "member set", member=carol, allowance=3, reason="x")


async def test_a_default_allowance_under_an_everyone_allowance_says_members_get_that_one(
    tmp_path,
):
    """@everyone's own allowance is every member's: a new default changes nothing for them."""
    async with server(tmp_path) as s:
        everyone = role_option(s.world, s.world.discord.guild_id)
        await mod(s, "role set", role=everyone, allowance=3)
        answer = await mod(s, "limits set", allowance=10)
        assert "@everyone has its own allowance (3 videos), which members get instead" in answer
        assert "(out of 3)" in await command(s.world, "videos quota", user=s.alice)


async def test_limits_show_gives_an_everyone_allowance_as_what_every_member_gets(tmp_path):
    """With @everyone's own allowance of 3 under a default of 5, the limits line a moderator
    reads first said "5 videos per member", and the 3 members really get hid among the role
    limits as a role. The limits line now gives the 3, as @everyone's, in both languages."""
    async with server(tmp_path) as s:
        guild = s.world.discord.guild_id
        await mod(s, "role set", role=role_option(s.world, guild), allowance=3)
        await mod(s, "role set", role=role_option(s.world, s.supporter), allowance=30)
        answer = await mod(s, "limits show")
        limits = next(line for line in answer.splitlines() if line.startswith("**Limits:**"))
        assert limits.startswith("**Limits:** 3 videos per member per day"), limits
        assert "set on @everyone" in limits and "server default of 5 videos" in limits, limits
        assert f"<@&{guild}>" not in answer, "@everyone is not listed as one more role"
        assert f"- <@&{s.supporter}>: 30 videos" in answer, "the other roles stay listed"

        zh = await command(s.world, "videomod limits show", user=s.owner, locale="zh-CN")
        [limits] = [line for line in zh.splitlines() if "@everyone" in line]
        assert "3 个视频" in limits and "@everyone" in limits and "5 个视频" in limits, limits

        await mod(s, "role clear", role=role_option(s.world, guild))
        answer = await mod(s, "limits show")
        assert "**Limits:** 5 videos per member per day, starting again" in answer
        assert "@everyone" not in answer


async def test_a_budget_of_one_credit_and_role_allowances_read_with_their_units(tmp_path):
    async with server(tmp_path) as s:
        assert "set the monthly budget to 1 credit." in await mod(s, "budget", credits=1.0)
        await mod(s, "role set", role=role_option(s.world, s.supporter), allowance=30)
        assert f"<@&{s.supporter}>: 30 videos" in await mod(s, "limits show")


async def test_dozens_of_listed_channels_are_cut_short_not_the_rules_after_them(tmp_path):
    """70 channels allowed: `limits show` names the first 20 and how many more, and still shows
    the budget and the mod-log; a member's quota, and a refusal elsewhere, name them so too."""
    async with server(tmp_path) as s:
        store = s.world.bot.moderation.store
        actor = Actor(s.world.discord.guild_id, s.owner)
        for n in range(70):
            await store.add_channel(actor, 1_100_000_000_000_000_000 + n)
        await mod(s, "budget", credits=2000)
        answer = await mod(s, "limits show")
        for rule in ("**Monthly budget:**", "**Mod-log channel:**", "**Moderator role:**"):
            assert rule in answer, answer[-300:]
        assert "<#1100000000000000019>, 50 more channels" in answer
        assert "<#1100000000000000020>" not in answer
        quota = await command(s.world, "videos quota", user=s.alice)
        assert "<#1100000000000000019>, 50 more channels (and their threads" in quota
        refused = await video(s.world)  # in a channel not on the list
        assert "<#1100000000000000019>, 50 more channels (a thread or forum post" in refused


async def test_limits_show_with_dozens_of_role_allowances_keeps_every_other_rule(tmp_path):
    """A server with 50 level roles, each with its allowance: `limits show` still shows the
    budget, the mod-log and the moderator role, and as many roles as fit, one a line."""
    async with server(tmp_path) as s:
        store = s.world.bot.moderation.store
        actor = Actor(s.world.discord.guild_id, s.owner)
        for n in range(50):
            await store.set_role_limit(actor, 1_300_000_000_000_000_000 + n, 10 + n)
        await mod(s, "budget", credits=500)
        answer = await mod(s, "limits show")
        for rule in ("**Monthly budget:**", "**Mod-log channel:**", "**Moderator role:**"):
            assert rule in answer, answer[-300:]
        assert "**Role limits:**" in answer
        assert "- <@&1300000000000000049>: 59 videos" in answer  # the largest first
        assert re.search(r"…\d+ more lines not shown\.$", answer)


async def test_a_banned_word_is_refused_and_reported_without_pinging(tmp_path):
    async with server(tmp_path) as s:
        await mod(s, "modlog", channel=channel_option(s.world, s.modlog))
        await mod(s, "words add", pattern="Gore*")
        refused = await video(s.world, prompt="GOREFEST @everyone tonight")
        # Only the member sees this answer: it quotes the words to rephrase.
        assert "words this server doesn't allow (`GORE`)" in refused
        assert s.world.api.submits == []
        posted = await modlog_message(s, "matched `gore*`")
        assert posted["content"].endswith("\nGOREFEST @everyone tonight")
        assert posted["mention_everyone"] is False and posted["mentions"] == []


async def test_a_refused_request_is_not_first_told_it_goes_ahead_without_a_link(tmp_path):
    """A page link is left out, an image link kept: "I'll go on without 1 link" would promise a
    video the server's rules then refuse. The member reads the refusal alone."""
    async with (
        Site(PUBLIC_HOST) as web,
        server(tmp_path, link_allowed_networks=f"{PUBLIC_HOST}/32") as s,
    ):
        await mod(s, "words add", pattern="gore")
        page, boat = web.serve("/article", b"<html>", "text/html"), web.serve("/boat.png")
        interaction = await s.world.discord.slash_command(
            "video", options={"prompt": f"gore boats {page} {boat}"}
        )
        first = (await interaction.wait_for_answer(timeout=10))["content"]
        assert "words this server doesn't allow" in first, first
        assert s.world.api.submits == []


async def test_a_regex_like_pattern_is_taken_literally_not_refused(tmp_path):
    async with server(tmp_path) as s:
        answer = await mod(s, "words add", pattern="go*re")
        assert "can't be used as a banned word" in answer
        assert "No banned words yet" in await mod(s, "words list")


def words_option(world, sub):
    """The synced `pattern` option of `/videomod words <sub>`."""
    [videomod] = [c for c in world.discord.commands() if c["name"] == "videomod"]
    [words] = [o for o in videomod["options"] if o["name"] == "words"]
    [command] = [o for o in words["options"] if o["name"] == sub]
    [pattern] = command["options"]
    return pattern


async def test_words_add_takes_no_more_characters_than_a_banned_word_may_have(tmp_path):
    """Discord stops a word longer than the filter's 60 as it is typed; one sent anyway is
    refused as too long, naming the limit, in the moderator's language; nothing is banned."""
    async with server(tmp_path) as s:
        assert words_option(s.world, "add")["max_length"] == MAX_PATTERN_LENGTH == 60
        assert words_option(s.world, "remove")["max_length"] == MAX_PATTERN_LENGTH
        answer = await mod(s, "words add", pattern="g" * 61)
        assert "longer than 60 characters" in answer, answer
        assert "* only at the start or end" not in answer, "its only fault is its length"
        zh = await command(
            s.world, "videomod words add", user=s.owner, locale="zh-CN", pattern="g" * 61
        )
        assert "60 个字符" in zh, zh
        tw = await command(
            s.world, "videomod words add", user=s.owner, locale="zh-TW", pattern="g" * 61
        )
        assert "60 個字元" in tw, tw
        assert "No banned words yet" in await mod(s, "words list")


async def test_a_word_that_grows_past_the_limit_once_folded_says_so(tmp_path):
    """31 `ß` fit Discord's 60 but read as 62 letters (`ss`): the answer says why a word
    under the limit is too long, rather than asking for one of at most 60 characters."""
    async with server(tmp_path) as s:
        answer = await mod(s, "words add", pattern="ß" * 31)
        assert "reads as 62 characters" in answer, answer
        assert "more than the 60" in answer, answer
        assert "No banned words yet" in await mod(s, "words list")


async def test_4k_reserved_for_supporters_is_refused_to_other_members(tmp_path):
    async with server(tmp_path, plan=TaskPlan(polls_until_done=None)) as s:
        answer = await mod(
            s, "options restrict", option="resolution:4k", role=role_option(s.world, s.supporter)
        )
        assert f"reserved 4K for <@&{s.supporter}>" in answer
        again = await mod(
            s, "options restrict", option="resolution:4k", role=role_option(s.world, s.supporter)
        )
        assert "may already use 4K, so nothing was changed" in again
        audit = await mod(s, "audit")
        assert audit.count("reserved 4K") == 1, "one change, audited once"
        refused = await video(s.world, resolution="4k")
        assert f"4K is reserved for members with <@&{s.supporter}>" in refused
        assert "queued" in await video(s.world, user=s.carol, resolution="4k")


async def test_opening_an_option_to_a_role_it_was_not_reserved_for_says_just_that(tmp_path):
    """4K stays reserved for supporters: "isn't reserved for any role" would be untrue."""
    async with server(tmp_path) as s:
        supporters = role_option(s.world, s.supporter)
        await mod(s, "options restrict", option="resolution:4k", role=supporters)
        mods = role_option(s.world, s.mods)
        answer = await mod(s, "options open", option="resolution:4k", role=mods)
        assert f"4K isn't reserved for <@&{s.mods}>, so nothing was changed." in answer
        assert "any role" not in answer
        assert f"4K is reserved for members with <@&{s.supporter}>" in await video(
            s.world, resolution="4k"
        )


async def test_two_moderators_setting_limits_at_once_are_told_what_stands(tmp_path):
    """Each answer (and its audit line) describes the limits its change left: the one made
    last states the server's setting, not one that never existed."""
    async with server(tmp_path) as s:
        first, second = await asyncio.gather(
            mod(s, "limits set", allowance=10), mod(s, "limits set", period="week")
        )
        policy = await s.world.bot.moderation.store.policy(s.world.discord.guild_id)
        assert (policy.default_limit, policy.period.value) == (10, "week")
        assert any("10 videos per member per week" in answer for answer in (first, second))
        newest = (await mod(s, "audit")).splitlines()[0]
        assert "10 videos per member per week" in newest, newest


async def test_a_burst_of_50_commands_with_3_left_gives_3_jobs_and_47_refusals(tmp_path):
    async with server(tmp_path, plan=TaskPlan(polls_until_done=None)) as s:
        await mod(s, "limits set", allowance=3, max_active=10)
        answers = await asyncio.gather(*(video(s.world, prompt=f"shot {i}") for i in range(50)))
        queued = [a for a in answers if "is queued as job" in a]
        refused = [a for a in answers if "You've used all your videos today (3 videos)" in a]
        assert (len(queued), len(refused)) == (3, 47)
        assert len(s.world.api.submits) == 3


async def test_an_empty_balance_pauses_videos_until_a_moderator_resumes(tmp_path):
    async with server(tmp_path, plan=TaskPlan(polls_until_done=None)) as s:
        await mod(s, "modlog", channel=channel_option(s.world, s.modlog))
        s.world.api.fail_next("submit", status=402)
        assert "paused because the service's balance is empty" in await video(s.world)
        await modlog_message(s, "no balance (HTTP 402)")
        refused = await video(s.world, user=s.carol)
        assert "Video generation is paused" in refused
        assert len(s.world.api.submits) == 1
        assert "resumed video generation" in await mod(s, "resume")
        assert "queued" in await video(s.world, user=s.carol)


async def test_a_resume_while_the_balance_still_reads_empty_keeps_the_pause(tmp_path):
    """Moderators of any server may resume, and are not the ones who top up: lifted into an
    empty account, every mod-log would read it is back, the next member's video would be
    refused and every mod-log would read the pause again."""
    async with server(tmp_path, plan=TaskPlan(polls_until_done=None)) as s:
        api = s.world.api
        await mod(s, "modlog", channel=channel_option(s.world, s.modlog))
        api.remain_balance = 0.0
        api.fail_next("submit", status=402)
        assert "balance is empty" in await video(s.world)
        answer = await mod(s, "resume")
        assert "still reads 0.00" in answer and "top up the account" in answer
        assert await s.world.bot.moderation.pause.is_paused()
        assert "Video generation is paused" in await video(s.world, user=s.carol)
        await s.world.bot.moderation.feed.drain()
        assert not any("resumed" in m["content"] for m in s.world.discord.messages(s.modlog))
        assert len(api.submits) == 1, "nothing was sent into the empty account"

        api.remain_balance = 50.0  # topped up
        assert "resumed video generation" in await mod(s, "resume")
        assert "queued" in await video(s.world, user=s.carol)


async def test_a_resume_is_told_in_every_servers_mod_log_as_the_pause_was(tmp_path):
    async with server(tmp_path, plan=TaskPlan(polls_until_done=None)) as s:
        fake = s.world.discord
        other = fake.add_guild("Other")
        other_log = fake.channel_ids(other)[0]
        await s.world.bot.moderation.store.update_policy(
            Actor(other, s.owner),
            msg("change_modlog", moderator="x", channel="y"),
            modlog_channel_id=other_log,
        )
        await mod(s, "modlog", channel=channel_option(s.world, s.modlog))
        s.world.api.fail_next("submit", status=402)
        await video(s.world)
        for channel in (s.modlog, other_log):
            await fake.wait_for_message(channel, predicate=lambda m: "HTTP 402" in m["content"])
        await mod(s, "resume")
        await fake.wait_for_message(
            other_log, predicate=lambda m: "resumed video generation for everyone" in m["content"]
        )
        # This server's own mod-log names who resumed, once.
        here = await fake.wait_for_message(
            s.modlog, predicate=lambda m: "resumed video generation" in m["content"]
        )
        assert here["content"] == f"<@{s.owner}> resumed video generation."
        await s.world.bot.moderation.feed.drain()
        resumed = [m for m in fake.messages(s.modlog) if "resumed" in m["content"]]
        assert len(resumed) == 1


async def test_usage_ranks_members_and_jobs_lists_states(tmp_path):
    async with server(tmp_path, plan=TaskPlan(polls_until_done=1, credits_cost=4)) as s:
        await video(s.world)
        await s.world.api.wait_for_polls(1)
        await s.world.bot.poller.stop()  # lets the round in flight record the credits
        usage = await mod(s, "usage")
        assert f"1. <@{s.alice}>: 1 video, 4 credits" in usage
        history = await mod(s, "usage", member=user_option(s.world, s.alice))
        assert f"<@{s.alice}> has used 1 of 5 videos today (server default)" in history
        jobs = await mod(s, "jobs")
        assert "`#1`" in jobs and "done" in jobs and "credits, a fox in snow" in jobs


def listed_channel_option(fake, channel_id):
    """A channel option as a moderator's Discord client sends it for any kind of channel."""
    resolved = fake.resolved_channel(channel_id, fake.owner_id)
    return {"type": 7, "value": str(channel_id)}, {"channels": {str(channel_id): resolved}}


async def log_and_list(world, fake, modlog, *listed):
    """The owner sets the mod-log to `modlog`, then lists the channels `listed` for /video."""
    owner = fake.owner_id
    await command(world, "videomod modlog", user=owner, channel=listed_channel_option(fake, modlog))
    for channel in listed:
        option = listed_channel_option(fake, channel)
        await command(world, "videomod channels add", user=owner, channel=option)


async def archive_out_of_cache(world, fake, thread):
    """A moderator closes (archives) and locks `thread`: Discord says so, and discord.py drops
    it from its cache."""
    fake.lock_thread(thread, archived=True)
    await fake.dispatch("THREAD_UPDATE", fake._channel_payload(thread))
    await fake.wait_for(
        lambda: world.bot.get_channel(thread) is None, 5.0, description="thread uncached"
    )


async def told_in(fake, channel, text):
    """The message posted in `channel` that says `text`, once it is there."""
    return await fake.wait_for_message(channel_id=channel, predicate=lambda m: text in m["content"])


async def test_a_listed_forum_lets_members_make_videos_in_every_post_of_it(tmp_path):
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        forum = fake.add_forum_channel("showcase")
        post = fake.add_thread(forum, "My fox")
        async with running_bot(tmp_path, fake=fake) as world:
            [group] = [c for c in fake.commands() if c["name"] == "videomod"]
            [channels] = [o for o in group["options"] if o["name"] == "channels"]
            for sub in channels["options"]:
                if sub["name"] in ("add", "remove"):
                    # What a Discord client offers in the picker: forum and media channels too.
                    [option] = sub["options"]
                    assert {15, 16} <= set(option["channel_types"]), sub["name"]

            owner = fake.owner_id
            option = listed_channel_option(fake, forum)
            answer = await command(world, "videomod channels add", user=owner, channel=option)
            assert f"allowed videos in <#{forum}> and in every post of that forum" in answer

            interaction = await fake.slash_command(
                "video", options={"prompt": "a fox"}, channel_id=post
            )
            assert "queued as job #1" in (await interaction.wait_for_answer())["content"]
            result = await fake.wait_for_message(
                channel_id=post, predicate=lambda m: bool(m.get("attachments")), timeout=10
            )
            assert result["attachments"][0]["filename"] == "video.mp4", "delivered in the post"

            refused = await video(world)  # in #general, not a listed channel
            assert f"use one of these channels: <#{forum}>" in refused
            assert "forum post" in refused, "members learn that a post of the forum works"
            shown = await command(world, "videomod limits show", user=owner)
            assert f"**Channels:** only <#{forum}>" in shown

            answer = await command(world, "videomod channels remove", user=owner, channel=option)
            assert f"removed <#{forum}>, the last listed channel" in answer
            assert "queued as job #2" in await video(world)


async def test_a_listed_channel_deleted_in_discord_is_no_longer_listed(tmp_path):
    """`channels remove` picks a live channel: a deleted one stayed listed for good, and when it
    was the only one /video worked nowhere, members sent to a channel that is gone. The mod-log
    says so, and when the list is left empty."""
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        modlog = fake.add_text_channel("mod-log")
        videos = fake.add_text_channel("videos")
        post = fake.add_thread(fake.add_text_channel("showcase"), "My fox")
        async with running_bot(tmp_path, fake=fake) as world:
            owner = fake.owner_id
            await log_and_list(world, fake, modlog, videos, post)

            await fake.delete_channel(post)
            told = await told_in(fake, modlog, "#My fox")
            assert "was deleted in Discord, so it is no longer listed" in told["content"]
            assert f"use one of these channels: <#{videos}>" in await video(world)

            await fake.delete_channel(videos)
            told = await told_in(fake, modlog, "#videos was deleted")
            assert "videos are allowed in every channel again" in told["content"]
            assert "**Channels:** all" in await command(world, "videomod limits show", user=owner)
            assert "queued as job #1" in await video(world)


async def test_a_listed_archived_thread_goes_with_its_deleted_channel(tmp_path):
    """A listed thread that was archived (so no longer in the bot's cache) goes when its
    channel is deleted: Discord sends no THREAD_DELETE for a deleted channel's threads, and
    discord.py only makes them up for the threads it holds. Left listed, /video works
    nowhere and members are sent to a thread that is gone."""
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        modlog = fake.add_text_channel("mod-log")
        videos = fake.add_text_channel("videos")
        post = fake.add_thread(videos, "My fox")
        async with running_bot(tmp_path, fake=fake) as world:
            owner = fake.owner_id
            await log_and_list(world, fake, modlog, videos, post)
            await archive_out_of_cache(world, fake, post)

            await fake.delete_channel(videos)  # its threads go with it, unannounced
            await told_in(fake, modlog, "#videos was deleted")
            # Found gone when read (404): the bot no longer knows its name.
            await fake.wait_for_message(
                channel_id=modlog,
                predicate=lambda m: (
                    f"<#{post}> was deleted" in m["content"]
                    and "last listed channel" in m["content"]
                ),
            )
            shown = await command(world, "videomod limits show", user=owner)
            assert "**Channels:** all" in shown, shown
            assert "queued as job #1" in await video(world)


async def test_an_archived_thread_of_a_channel_still_there_stays_listed_when_another_goes(
    tmp_path,
):
    """A deleted channel's threads are found by reading the listed ones the bot does not hold:
    one Discord still has (another channel's archived thread) stays listed."""
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        modlog = fake.add_text_channel("mod-log")
        videos = fake.add_text_channel("videos")
        other = fake.add_text_channel("other")
        post = fake.add_thread(other, "My fox")
        async with running_bot(tmp_path, fake=fake) as world:
            owner = fake.owner_id
            await log_and_list(world, fake, modlog, videos, post)
            await archive_out_of_cache(world, fake, post)

            await fake.delete_channel(videos)
            await told_in(fake, modlog, "#videos was deleted")
            await fake.wait_for(
                lambda: any(
                    r.method == "GET" and r.path.endswith(f"/channels/{post}")
                    for r in fake.requests
                ),
                5.0,
                description="the listed thread read",
            )
            shown = await command(world, "videomod limits show", user=owner)
            assert f"<#{post}>" in shown, shown
            assert "**Channels:** all" not in shown, shown


async def test_turning_the_mod_log_off_or_moving_it_is_said_where_moderators_were_reading(
    tmp_path,
):
    """A moderator silencing the mod-log, or moving it, is seen in the channel the others
    read: the change is posted in the old channel too."""
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        old_log = fake.add_text_channel("mod-log")
        new_log = fake.add_text_channel("new-log")
        async with running_bot(tmp_path, fake=fake) as world:
            owner = fake.owner_id
            old, new = listed_channel_option(fake, old_log), listed_channel_option(fake, new_log)
            await command(world, "videomod modlog", user=owner, channel=old)
            await command(world, "videomod modlog", user=owner, channel=new)
            await fake.wait_for_message(
                channel_id=old_log, predicate=lambda m: f"<#{new_log}>" in m["content"]
            )
            await fake.wait_for_message(
                channel_id=new_log, predicate=lambda m: f"<#{new_log}>" in m["content"]
            )
            await command(world, "videomod modlog", user=owner)
            await fake.wait_for_message(
                channel_id=new_log, predicate=lambda m: "turned the mod-log off" in m["content"]
            )
            await world.bot.moderation.feed.drain()
            assert not any("turned the mod-log off" in m["content"] for m in fake.messages(old_log))


async def test_everyone_cannot_be_the_moderator_role(tmp_path):
    async with server(tmp_path) as s:
        await mod(s, "modrole", role=role_option(s.world, s.mods))
        everyone = s.world.discord.guild_id
        answer = await mod(s, "modrole", role=role_option(s.world, everyone))
        assert "@everyone can't be the moderator role" in answer
        policy = await s.world.bot.moderation.store.policy(everyone)
        assert policy.moderator_role_id == s.mods, "the real moderator role stays"


async def test_reserving_an_option_for_everyone_is_refused_and_points_to_options_open(tmp_path):
    """Every member has @everyone: 4K "reserved" for it would restrict nothing, yet it would be
    confirmed, audited and listed as reserved. The moderator is told to use options open."""
    async with server(tmp_path) as s:
        await mod(s, "modlog", channel=channel_option(s.world, s.modlog))
        everyone = role_option(s.world, s.world.discord.guild_id)
        answer = await mod(s, "options restrict", option="resolution:4k", role=everyone)
        assert "restricts nothing" in answer and "nothing was changed" in answer, answer
        assert "/videomod options open" in answer, answer
        zh = await command(
            s.world,
            "videomod options restrict",
            user=s.owner,
            locale="zh-CN",
            option="resolution:4k",
            role=everyone,
        )
        assert "@everyone" in zh and "没有做任何更改" in zh, zh
        assert "4K" not in await mod(s, "limits show")
        audit = await mod(s, "audit")
        assert "4K" not in audit and audit.count("\n") == 0, "only the mod-log change"


async def test_a_blocks_cancelled_jobs_name_the_member_in_the_mod_log_and_the_audit(tmp_path):
    async with server(tmp_path, plan=TaskPlan(polls_until_done=None)) as s:
        await mod(s, "modlog", channel=channel_option(s.world, s.modlog))
        await video(s.world)
        await s.world.api.wait_for_polls(1)
        await mod(s, "block", member=user_option(s.world, s.alice), reason="spam")
        posted = await modlog_message(s, "cancelled")
        assert f"<@{s.alice}>'s jobs in progress are cancelled" in posted["content"]
        assert "#1" in posted["content"]
        audit = await mod(s, "audit")
        assert f"<@{s.alice}>'s jobs in progress are cancelled" in audit


async def test_a_member_blocked_here_is_refused_through_their_own_install_too(tmp_path):
    """In a server the bot is in, its rules bind a member however Discord says the command was
    authorized: one named by the member's own install alone (a server restricting /video under
    Integrations, say) is no way around a block onto their personal allowance."""
    async with server(tmp_path) as s:
        await mod(s, "block", member=user_option(s.world, s.alice), reason="spamming")
        interaction = await s.world.discord.slash_command(
            "video", {"prompt": "a fox in snow"}, user_install=True, guild_install=False
        )
        refused = (await interaction.wait_for_answer())["content"]
        assert "blocked you from making videos in this server (reason: spamming)" in refused
        assert s.world.api.submits == []


async def lose_server(s, how):
    """The bot stops holding the server's details: Discord reports an outage there
    (GUILD_DELETE with `unavailable`), or the bot identifies anew (a start, a reconnect with a
    new session) while the outage lasts, so READY lists it unavailable and no GUILD_CREATE
    follows. Either way discord.py keeps a stub of it, marked unavailable, until it comes back."""
    fake, bot = s.world.discord, s.world.bot
    fake.outage_guilds.add(fake.guild_id)
    if how == "outage":
        await fake.dispatch("GUILD_DELETE", {"id": str(fake.guild_id), "unavailable": True})
    else:
        held = bot.get_guild(fake.guild_id)

        await fake.invalidate_session(resumable=False)
        # The new READY's stub takes the place of the server the bot held.
        await fake.wait_for(
            lambda: bot.get_guild(fake.guild_id) is not held, description="the new READY"
        )
    await fake.wait_for(lambda: bot.get_guild(fake.guild_id).unavailable, description="outage")


@pytest.mark.parametrize("how", ["outage", "new session during an outage"])
async def test_a_block_holds_through_their_own_install_while_the_server_is_unavailable(
    tmp_path, how
):
    """After a start or a reconnect, until Discord sends the server, and while it has an
    outage there, the bot knows little of the server; its member's own install alone naming
    the command must still meet the server's block, never their personal allowance (Discord
    sends such a command to the server's shard, whose READY named the server)."""
    async with server(tmp_path) as s:
        await mod(s, "block", member=user_option(s.world, s.alice), reason="spamming")
        await lose_server(s, how)
        interaction = await s.world.discord.slash_command(
            "video", {"prompt": "a fox in snow"}, user_install=True, guild_install=False
        )
        refused = (await interaction.wait_for_answer())["content"]
        assert "blocked you from making videos in this server (reason: spamming)" in refused
        assert s.world.api.submits == []


async def test_limits_show_says_no_wait_and_blocked_in_words(tmp_path):
    async with server(tmp_path) as s:
        await mod(s, "block", member=user_option(s.world, s.alice), reason="spam")
        carol = user_option(s.world, s.carol)
        await mod(s, "member set", member=carol, allowance=3, reason="kind")
        shown = await mod(s, "limits show")
        assert "no wait between videos" in shown
        assert f"- <@{s.alice}>: blocked (reason: spam)" in shown
        assert f"- <@{s.carol}>: 3 videos (reason: kind)" in shown


def command_option(fake, *path):
    """The synced description of a command's option, by its path."""
    [node] = [c for c in fake.commands() if c["name"] == path[0]]
    for name in path[1:]:
        [node] = [o for o in node["options"] if o["name"] == name]
    return node


async def test_a_members_own_allowance_of_0_says_its_reason_is_shown_to_them(tmp_path):
    """`member set allowance:0` blocks, and the member reads the reason as with block."""
    async with server(tmp_path) as s:
        await mod(s, "member set", member=user_option(s.world, s.alice), allowance=0, reason="x y")
        assert "x y" in await video(s.world)
        reason = command_option(s.world.discord, "videomod", "member", "set", "reason")
        assert "shown to them" in reason["description"]


@pytest.mark.parametrize("stage", [False, True], ids=["voice", "stage"])
async def test_a_voice_channels_text_chat_can_be_listed_for_videos(tmp_path, stage):
    """Members chat (and use /video) in a voice or stage channel's text chat: a server that
    keeps videos to some channels can list it, or /video there is refused with no way to
    allow it."""
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        lounge = fake.add_voice_channel("movie night", stage=stage)
        async with running_bot(tmp_path, fake=fake) as world:
            [group] = [c for c in fake.commands() if c["name"] == "videomod"]
            [channels] = [o for o in group["options"] if o["name"] == "channels"]
            for sub in channels["options"]:
                if sub["name"] in ("add", "remove"):
                    [option] = sub["options"]
                    assert {2, 13} <= set(option["channel_types"]), sub["name"]

            owner = fake.owner_id
            option = listed_channel_option(fake, lounge)
            answer = await command(world, "videomod channels add", user=owner, channel=option)
            assert f"allowed videos in <#{lounge}>" in answer

            interaction = await fake.slash_command(
                "video", options={"prompt": "a fox"}, channel_id=lounge
            )
            assert "queued as job #1" in (await interaction.wait_for_answer())["content"]
            result = await fake.wait_for_message(
                channel_id=lounge, predicate=lambda m: bool(m.get("attachments")), timeout=10
            )
            assert result["attachments"][0]["filename"] == "video.mp4"
            refused = await video(world)  # in #general, not a listed channel
            assert f"use one of these channels: <#{lounge}>" in refused


async def test_a_channel_the_bot_cannot_post_in_is_not_listed_for_videos(tmp_path):
    """Listed alone it would leave /video working nowhere, and the moderator unaware."""
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        closed = fake.add_text_channel("closed")
        fake.forbidden_channels.add(closed)
        async with running_bot(tmp_path, fake=fake) as world:
            answer = await add_channel(world, closed)
            assert "Send Messages" in answer and "nothing was changed" in answer
            assert "**Channels:** all" in await command(
                world, "videomod limits show", user=fake.owner_id
            )


async def add_channel(world, channel_id):
    """The server's owner runs `/videomod channels add` on the channel; the answer."""
    owner = world.discord.owner_id
    channel = channel_option(world, channel_id)
    return await command(world, "videomod channels add", user=owner, channel=channel)


async def test_a_channel_the_bot_cannot_see_names_view_channel_once(tmp_path):
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        hidden = fake.add_text_channel("staff only")
        fake._channels[hidden]["permission_overwrites"] = [
            {"id": str(fake.bot_role_id()), "type": 0, "allow": "0", "deny": str(1 << 10)}
        ]
        async with running_bot(tmp_path, fake=fake) as world:
            answer = await add_channel(world, hidden)
            assert answer.count("View Channel") == 1, answer
            assert "Grant it to me in that channel" in answer, "one permission, not 'them'"
            assert "nothing was changed" in answer


async def test_a_weekday_for_a_daily_period_is_said_to_apply_only_to_weekly_ones(tmp_path):
    async with server(tmp_path) as s:
        answer = await mod(s, "limits set", period="day", reset_weekday=3)
        assert "only applies to weekly periods" in answer


async def test_setting_what_is_already_set_changes_nothing_and_posts_nothing(tmp_path):
    async with server(tmp_path) as s:
        for _ in range(2):
            answer = await mod(s, "modlog", channel=channel_option(s.world, s.modlog))
        assert "nothing was changed" in answer
        await mod(s, "budget", credits=100.0)
        assert "nothing was changed" in await mod(s, "budget", credits=100.0)
        await mod(s, "confirm", credits=20.0)
        assert "nothing was changed" in await mod(s, "confirm", credits=20.0)
        await mod(s, "limits set", allowance=4)
        assert "nothing was changed" in await mod(s, "limits set", allowance=4)
        supporters = role_option(s.world, s.supporter)
        await mod(s, "role set", role=supporters, allowance=30)
        assert "nothing was changed" in await mod(s, "role set", role=supporters, allowance=30)
        # No moderator role was ever set (nor MODERATOR_ROLE_ID): there is none to remove.
        assert "nothing was changed" in await mod(s, "modrole")
        rows = await s.world.db.fetch_all("SELECT id FROM mod_audit")
        assert len(rows) == 5, "one audit line per real change"


async def test_a_words_list_longer_than_a_message_goes_on_on_the_next_page(tmp_path):
    """A busy server's list fills more than a message: each page shows whole words and names
    the next, so every banned word can be read (and so removed) on some page."""
    async with server(tmp_path) as s:
        patterns = [f"forbidden phrase number {i:02d} with several words" for i in range(60)]
        for pattern in patterns:
            await mod(s, "words add", pattern=pattern)
        first = await mod(s, "words list")
        second = await mod(s, "words list", page=2)
        beyond = await mod(s, "words list", page=3)
    assert first.startswith("**Banned words (60):**")
    assert second.startswith("**Banned words (60), page 2:**")
    pages = (first, second)
    for listed in pages:
        assert len(listed) <= 2000
        shown = [p for p in patterns if f"`{p}`" in listed]
        assert listed.count("`") - 2 * len(shown) == (2 if listed is first else 0), listed[-120:]
    assert re.search(r"More banned words: </videomod words list:\d+> `page:2`$", first), first[-99:]
    assert [p for p in patterns if f"`{p}`" in first + second] == patterns, "each on a page"
    assert not any(f"`{p}`" in first and f"`{p}`" in second for p in patterns)
    assert beyond == "There is no page 3: the last page is 2."


async def test_a_member_blocked_everywhere_reads_so_to_moderators_in_usage_and_unblock(tmp_path):
    """The operator's block refuses every /video of hers: usage must not say she has videos
    left, and unblock must not say she has no block."""
    async with server(tmp_path) as s:
        await s.world.bot.moderation.block_everywhere(s.alice, "scam links", set_by=1)
        assert "The bot's operator has blocked you" in await video(s.world)
        usage = await mod(s, "usage", member=user_option(s.world, s.alice))
        assert usage.startswith(f"<@{s.alice}> is blocked by the bot's operator"), usage
        assert "scam links" in usage
        unblocked = await mod(s, "unblock", member=user_option(s.world, s.alice))
        assert "only the operator can lift it" in unblocked, unblocked


def modlog_posts(s):
    """The bot's attempts to post in the mod-log channel, and Discord's answers."""
    path = f"/channels/{s.modlog}/messages"
    return [r.status for r in s.world.discord.requests if r.method == "POST" and r.path == path]


async def test_a_mod_log_channel_that_refuses_the_bot_is_not_posted_in_again_and_again(tmp_path):
    """Every refused post counts toward Discord's ban of invalid requests: a member trying
    banned words over and over must not make the bot hammer a channel it lost. It is tried
    again an hour later (a moderator may have set it again through another process), and at
    once when a moderator sets the mod-log here (which checks the bot may post there)."""
    clock = FakeClock(start=time.time())
    async with server(tmp_path, clock=clock) as s:
        await mod(s, "modlog", channel=channel_option(s.world, s.modlog))
        await mod(s, "words add", pattern="gore")
        await modlog_message(s, "gore")
        s.world.discord.forbidden_channels.add(s.modlog)

        async def banned_prompt(prompt, user=None):
            assert "doesn't allow" in await video(s.world, prompt=prompt, user=user)
            await s.world.bot.moderation.feed.drain()

        for _ in range(3):
            await banned_prompt("gore tonight")
        assert modlog_posts(s).count(403) == 1, "one refusal, then the channel is left alone"
        clock.advance(MODLOG_REFUSED_FOR)
        await banned_prompt("gore later")
        assert modlog_posts(s).count(403) == 2, "tried again after an hour"

        s.world.discord.forbidden_channels.discard(s.modlog)
        await mod(s, "modlog", channel=channel_option(s.world, s.modlog))
        # Another member: alice's next line waits out `BANNED_REPORT_EVERY`.
        await banned_prompt("gore again", user=s.carol)
        await modlog_message(s, "gore again")


async def test_unblocking_a_member_the_operator_also_blocked_says_they_still_cannot(tmp_path):
    """Alice is blocked here and by the operator everywhere: unblock lifts this server's block
    only, and the moderator must not read "unblocked" alone and tell her she may go on."""
    async with server(tmp_path) as s:
        alice = user_option(s.world, s.alice)
        await mod(s, "block", member=alice, reason="spamming")
        await s.world.bot.moderation.block_everywhere(s.alice, "scam links", set_by=1)
        unblocked = await mod(s, "unblock", member=alice)
        assert f"unblocked <@{s.alice}>" in unblocked, unblocked
        assert "only the operator can lift it" in unblocked, unblocked
        assert "The bot's operator has blocked you" in await video(s.world)
        zh = await command(s.world, "videomod unblock", user=s.owner, locale="zh-CN", member=alice)
        assert "只有运营者可以解除" in zh, zh


async def test_unblocking_a_member_whose_role_allows_no_videos_says_they_still_cannot(tmp_path):
    """Carol's Supporter role allows 0 videos: lifting her block leaves her unable to make any,
    as /video and usage say; the unblock says it too, rather than only "unblocked"."""
    async with server(tmp_path) as s:
        await mod(s, "role set", role=role_option(s.world, s.supporter), allowance=0)
        carol = user_option(s.world, s.carol)
        await mod(s, "block", member=carol, reason="spamming")
        unblocked = await mod(s, "unblock", member=carol)
        assert f"unblocked <@{s.carol}>" in unblocked, unblocked
        assert "still can't make videos here: their role limit is 0 videos" in unblocked
        assert "Your allowance in this server is 0 videos" in await video(s.world, user=s.carol)
        # Asked again, nothing is lifted, and the answer still says why she can make none.
        again = await mod(s, "unblock", member=carol)
        assert "nothing was changed" in again
        assert "still can't make videos here: their role limit is 0 videos" in again, again
        zh = await command(s.world, "videomod unblock", user=s.owner, locale="zh-CN", member=carol)
        assert "仍然不能在这里生成视频" in zh, zh
        # The mod-log and the audit keep the change alone: the rest is for the one who asked.
        audit = await mod(s, "audit")
        assert "still can't" not in audit


async def test_a_chinese_unblock_says_the_block_was_lifted_not_that_videos_are_allowed(tmp_path):
    """English says "unblocked @carol"; Chinese said "restored carol's permission to make
    videos", which is not so when her role allows none (the next line says she still can't)."""
    async with server(tmp_path) as s:
        await mod(s, "role set", role=role_option(s.world, s.supporter), allowance=0)
        carol = user_option(s.world, s.carol)
        await mod(s, "block", member=carol, reason="spamming")
        zh = await command(s.world, "videomod unblock", user=s.owner, locale="zh-CN", member=carol)
        assert f"解除了对 <@{s.carol}> 生成视频的禁止" in zh, zh
        assert "恢复了" not in zh and "允许" not in zh, zh


async def test_the_same_block_or_allowance_again_changes_nothing_and_says_so(tmp_path):
    """A block sent twice (a second moderator, a retried command) changes nothing: it must not
    be confirmed, audited and posted to the mod-log as a second block, as every other setting
    given its own value again says "nothing was changed"."""
    async with server(tmp_path) as s:
        await mod(s, "modlog", channel=channel_option(s.world, s.modlog))
        alice = user_option(s.world, s.alice)
        await mod(s, "block", member=alice, reason="spamming")
        again = await mod(s, "block", member=alice, reason="spamming")
        assert "already blocked" in again and "nothing was changed" in again, again
        zh = await command(
            s.world, "videomod block", user=s.owner, locale="zh-CN", member=alice, reason="spamming"
        )
        assert "没有做任何更改" in zh, zh
        carol = user_option(s.world, s.carol)
        await mod(s, "member set", member=carol, allowance=3, reason="new")
        same = await mod(s, "member set", member=carol, allowance=3, reason="new")
        assert "already has" in same and "nothing was changed" in same, same
        assert "has used 0 of 3 videos today" in same, "where it leaves her, as before"
        audit = await mod(s, "audit")
        assert audit.count("blocked") == 1 and audit.count("set the limit of") == 1, audit
        # A new reason is a change.
        assert "(reason: flooding)" in await mod(s, "block", member=alice, reason="flooding")
        await modlog_message(s, "flooding")
        posts = s.world.discord.messages(s.modlog)
        assert sum("blocked" in p["content"] for p in posts) == 2, [p["content"] for p in posts]


async def test_usage_pages_through_every_member_not_just_the_top_ten(tmp_path):
    """A busy server has more than ten members making videos: the 11th is no less a member to
    look at. The first page says how many more there are and how to read them; the next
    page goes on with their ranks, for the period and for the month's credits alike."""
    async with server(tmp_path, plan=TaskPlan(polls_until_done=0, credits_cost=4)) as s:
        fake = s.world.discord
        members = [fake.add_member(f"member{i:02d}") for i in range(13)]
        for member in members:
            await video(s.world, user=member)
        db = s.world.db

        async def all_done():
            rows = await db.fetch_all("SELECT credits_cost FROM jobs WHERE credits_cost > 0")
            return len(rows) == len(members)

        for _ in range(300):
            if await all_done():
                break
            await asyncio.sleep(0.05)
        assert await all_done()
        first = await mod(s, "usage")
        assert "10. <@" in first and "11. <@" not in first, first
        assert "3 more members: </videomod usage:" in first, first
        assert "`page:2`" in first, first
        second = await mod(s, "usage", page=2)
        listed = set(map(int, re.findall(r"\d+\. <@(\d+)>: 1 video, 4 credits", second)))
        shown_first = set(map(int, re.findall(r"\d+\. <@(\d+)>: 1 video, 4 credits", first)))
        assert "11. <@" in second and "13. <@" in second and "14. <@" not in second, second
        assert len(listed) == 3 and listed.isdisjoint(shown_first), second
        assert shown_first | listed == set(members)
        # The month's top spenders page the same way.
        assert re.search(r"13\. <@\d+>: 4 credits", second), second
        assert "more members" not in second, "the last page promises no more"
        third = await mod(s, "usage", page=3)
        assert "There is no page 3: the last page is 2." in third, third


async def test_a_member_retrying_banned_words_gets_one_mod_log_line_per_few_minutes(tmp_path):
    """A member (or a script) retrying a banned prompt must not flood the mod-log: one line,
    then the further tries are counted and told in the next line, a few minutes on."""
    clock = FakeClock(start=time.time())
    async with server(tmp_path, clock=clock) as s:
        await mod(s, "modlog", channel=channel_option(s.world, s.modlog))
        await mod(s, "words add", pattern="gore")

        async def banned_prompt(prompt, user=None):
            assert "doesn't allow" in await video(s.world, prompt=prompt, user=user)
            await s.world.bot.moderation.feed.drain()

        def refusals_posted():
            return [
                m for m in s.world.discord.messages(s.modlog) if "matched `gore`" in m["content"]
            ]

        for attempt in range(8):
            await banned_prompt(f"gore take {attempt}")
        [first] = refusals_posted()
        assert first["content"].endswith("gore take 0")
        await banned_prompt("gore from carol", user=s.carol)
        assert len(refusals_posted()) == 2, "another member's refusal is posted at once"
        clock.advance(BANNED_REPORT_EVERY)
        await banned_prompt("gore take 8")
        later = refusals_posted()[-1]
        assert "gore take 8" in later["content"]
        assert "7 more of their prompts were refused" in later["content"], later["content"]
        assert later["mention_everyone"] is False and later["mentions"] == []


ADMINISTRATOR = 1 << 3


async def test_a_moderator_may_not_block_the_owner_or_a_member_ranked_at_or_above_them(tmp_path):
    """As Discord refuses a kick or ban up the role list: a moderator by role may not block,
    or set the allowance of, the server's owner or a member whose top role is not below
    their own; an administrator (or the owner) may."""
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        newcomer = fake.add_role("Newcomer")
        mods = fake.add_role("Video mods")
        seniors = fake.add_role("Senior mods")
        helper = fake.add_member("helper", roles=[mods])
        peer = fake.add_member("peer", roles=[mods])
        senior = fake.add_member("senior", roles=[seniors, newcomer])
        newbie = fake.add_member("newbie", roles=[newcomer])
        async with running_bot(tmp_path, fake=fake, moderator_role_id=mods) as world:

            async def block(target, by=helper, permissions="0"):
                return await command(
                    world,
                    "videomod block",
                    user=by,
                    member_permissions=permissions,
                    member=user_option(world, target),
                    reason="calm down",
                )

            owner = await block(fake.owner_id)
            assert f"moderate <@{fake.owner_id}>: they own this server" in owner, owner
            for higher in (senior, peer):
                refused = await block(higher)
                assert "their highest role is at or above yours" in refused, refused
            set_higher = await command(
                world,
                "videomod member set",
                user=helper,
                member_permissions="0",
                member=user_option(world, senior),
                allowance=0,
                reason="calm down",
            )
            assert "at or above yours" in set_higher, set_higher
            audited = await world.db.fetch_all("SELECT id FROM mod_audit")
            assert audited == [], "nothing changed"
            assert f"blocked <@{newbie}>" in await block(newbie)
            assert f"blocked <@{senior}>" in await block(senior, permissions=str(ADMINISTRATOR))
            assert f"blocked <@{peer}>" in await block(peer, by=fake.owner_id, permissions=None)


async def _moderate(world, action, *, by, target, job_id):
    """A moderator lifts `target`'s block (`member clear`, `unblock`) or cancels their job
    `job_id` (`cancel`, or the Cancel button on its status); what they read."""
    if action in ("member clear", "unblock"):
        member = user_option(world, target)
        return await command(
            world, f"videomod {action}", user=by, member_permissions="0", member=member
        )
    if action == "cancel":
        return await command(world, "videomod cancel", user=by, member_permissions="0", job=job_id)
    status = await world.discord.wait_for_message(
        predicate=lambda m: f"video:cancel:{job_id}" in custom_ids(m), timeout=10
    )
    click = await world.discord.component_interaction(
        f"video:cancel:{job_id}", message_id=int(status["id"]), user=by
    )
    return (await click.wait_for_answer())["content"]


@pytest.mark.parametrize("action", ["member clear", "unblock", "cancel", "cancel button"])
async def test_a_moderator_may_not_unblock_or_cancel_for_a_member_ranked_at_or_above_them(
    tmp_path, action
):
    """The rank rule of `block` holds for whatever acts on one member: `member clear` and
    `unblock` of their block, `/videomod cancel` of their job and its Cancel button. Told so
    privately, nothing changes; a member ranked below is acted on as before."""
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        newcomer = fake.add_role("Newcomer")
        mods = fake.add_role("Video mods")
        seniors = fake.add_role("Senior mods")
        helper = fake.add_member("helper", roles=[mods])
        senior = fake.add_member("senior", roles=[seniors])
        newbie = fake.add_member("newbie", roles=[newcomer])
        plan = TaskPlan(polls_until_done=None, credits_cost=4)
        async with running_bot(tmp_path, fake=fake, moderator_role_id=mods, plan=plan) as world:
            for member in (senior, newbie):
                if action.startswith("cancel"):
                    await video(world, user=member)
                else:
                    block = user_option(world, member)
                    await command(
                        world, "videomod block", user=fake.owner_id, member=block, reason="rest"
                    )
            audited = len(await world.db.fetch_all("SELECT id FROM mod_audit"))

            refused = await _moderate(world, action, by=helper, target=senior, job_id=1)
            assert f"moderate <@{senior}>: their highest role is at or above yours" in refused
            assert len(await world.db.fetch_all("SELECT id FROM mod_audit")) == audited
            [[state]] = await world.db.fetch_all("SELECT state FROM jobs WHERE id = 1") or [["-"]]
            assert state != "cancelled", "their job goes on"

            done = await _moderate(world, action, by=helper, target=newbie, job_id=2)
            assert f"<@{newbie}>" in done and "can't" not in done, done
            assert len(await world.db.fetch_all("SELECT id FROM mod_audit")) == audited + 1


async def test_a_moderator_may_not_change_the_allowance_of_a_role_at_or_above_their_own(tmp_path):
    """As Discord lets a member manage only roles below their highest: a moderator by role may
    not set or clear the allowance of a role at or above it (their own top role included),
    which would reach every member ranked above them at once. Told privately, naming the role
    without pinging it; nothing changes or is audited. A lower role and @everyone they may;
    the owner and an administrator may any role."""
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        newcomer = fake.add_role("Newcomer")
        mods = fake.add_role("Video mods")
        seniors = fake.add_role("Senior mods")
        helper = fake.add_member("helper", roles=[mods, newcomer])
        async with running_bot(tmp_path, fake=fake, moderator_role_id=mods) as world:
            guild = fake.guild_id
            await command(
                world,
                "videomod role set",
                user=fake.owner_id,
                role=role_option(world, seniors),
                allowance=20,
            )
            before = await world.db.fetch_all("SELECT id FROM mod_audit")
            limits = await world.bot.moderation.store.role_limits(guild)

            async def role_command(name, role, by=helper, permissions="0", locale="en-US"):
                option, resolved = role_option(world, role)
                options = {"role": option, **({"allowance": 0} if name == "set" else {})}
                interaction = await world.discord.slash_command(
                    f"videomod role {name}",
                    options=options,
                    user=by,
                    member_permissions=permissions,
                    resolved=resolved,
                    locale=locale,
                )
                callback = await interaction.wait_for_callback()
                answer = (
                    await interaction.wait_for_answer()
                    if callback["type"] == 5
                    else callback["data"]
                )
                assert answer["allowed_mentions"]["parse"] == [], "pings no one"
                return answer["content"]

            for name, role in (("set", seniors), ("clear", seniors), ("set", mods)):
                refused = await role_command(name, role)
                assert f"allowance of <@&{role}>: it is at or above your highest role" in refused
            in_chinese = await role_command("set", seniors, locale="zh-CN")
            assert f"<@&{seniors}>" in in_chinese and "身份组" in in_chinese, in_chinese
            in_taiwan = await role_command("set", seniors, locale="zh-TW")
            assert f"<@&{seniors}>" in in_taiwan and "身分組" in in_taiwan, in_taiwan
            assert await world.db.fetch_all("SELECT id FROM mod_audit") == before
            assert await world.bot.moderation.store.role_limits(guild) == limits

            for role in (newcomer, guild):
                allowed = await role_command("set", role)
                assert "can't" not in allowed and "0" in allowed, allowed
            admin = str(ADMINISTRATOR)
            assert "can't" not in await role_command("set", mods, permissions=admin)
            assert "can't" not in await role_command("clear", seniors, permissions=admin)
            assert "can't" not in await role_command(
                "set", seniors, by=fake.owner_id, permissions=None
            )
            audited = await world.db.fetch_all("SELECT id FROM mod_audit")
            assert len(audited) == len(before) + 5, "each allowed change is audited"


async def test_a_moderator_may_not_reserve_or_open_an_option_for_a_role_at_or_above_their_own(
    tmp_path,
):
    """As for a role's allowance: a moderator by role may not reserve an option for, or take
    it from, a role at or above their highest (their own top role included): either would
    change what every member ranked above them may ask for. Told privately in the member's
    language, naming the role without pinging it; nothing changes or is audited. A lower role
    they may; opening an option to everyone (no role) is the server's rule, as the default
    allowance is; the owner and an administrator may any role."""
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        newcomer = fake.add_role("Newcomer")
        mods = fake.add_role("Video mods")
        seniors = fake.add_role("Senior mods")
        helper = fake.add_member("helper", roles=[mods, newcomer])
        async with running_bot(tmp_path, fake=fake, moderator_role_id=mods) as world:
            guild = fake.guild_id
            seniors_only = role_option(world, seniors)
            await command(
                world,
                "videomod options restrict",
                user=fake.owner_id,
                option="resolution:4k",
                role=seniors_only,
            )
            before = await world.db.fetch_all("SELECT id FROM mod_audit")
            reserved = await world.bot.moderation.store.reserved_options(guild)
            assert reserved == {"resolution:4k": [seniors]}

            async def option_command(
                name, role, option="resolution:4k", by=helper, permissions="0", locale="en-US"
            ):
                options = {"option": option}
                resolved = None
                if role is not None:
                    options["role"], resolved = role_option(world, role)
                interaction = await world.discord.slash_command(
                    f"videomod options {name}",
                    options=options,
                    user=by,
                    member_permissions=permissions,
                    resolved=resolved,
                    locale=locale,
                )
                callback = await interaction.wait_for_callback()
                assert callback["data"]["flags"] & EPHEMERAL, "told privately"
                answer = (
                    await interaction.wait_for_answer()
                    if callback["type"] == 5
                    else callback["data"]
                )
                assert answer["allowed_mentions"]["parse"] == [], "pings no one"
                return answer["content"]

            for name, role, option in (
                ("open", seniors, "resolution:4k"),
                ("restrict", seniors, "resolution:1080p"),
                ("restrict", mods, "resolution:1080p"),
            ):
                refused = await option_command(name, role, option)
                assert (
                    f"which resolutions and lengths <@&{role}> may use: "
                    "it is at or above your highest role" in refused
                ), refused
            in_chinese = await option_command("open", seniors, locale="zh-CN")
            assert f"<@&{seniors}>" in in_chinese and "身份组" in in_chinese, in_chinese
            in_taiwan = await option_command("open", seniors, locale="zh-TW")
            assert f"<@&{seniors}>" in in_taiwan and "身分組" in in_taiwan, in_taiwan
            assert await world.db.fetch_all("SELECT id FROM mod_audit") == before
            assert await world.bot.moderation.store.reserved_options(guild) == reserved

            lower = await option_command("restrict", newcomer, "resolution:1080p")
            assert f"reserved 1080p for <@&{newcomer}>" in lower, lower
            admin = str(ADMINISTRATOR)
            by_admin = await option_command("restrict", mods, "resolution:1080p", permissions=admin)
            assert f"reserved 1080p for <@&{mods}>" in by_admin, by_admin
            by_owner = await option_command(
                "open", mods, "resolution:1080p", by=fake.owner_id, permissions=None
            )
            assert "can't" not in by_owner, by_owner
            to_all = await option_command("open", None)
            assert "opened 4K to everyone" in to_all, to_all
            audited = await world.db.fetch_all("SELECT id FROM mod_audit")
            assert len(audited) == len(before) + 4, "each allowed change is audited"


@pytest.mark.parametrize(
    ("locale", "says"),
    [
        ("en-US", "added only my commands"),
        ("zh-CN", "只添加了我的命令"),
        ("zh-TW", "只加入了我的指令"),
    ],
)
async def test_a_rank_check_in_a_server_that_added_only_the_commands_is_a_clear_refusal(
    tmp_path, locale, says
):
    """A server whose admins added only the bot's commands (scope `applications.commands`, no
    bot member): /videomod works there, but the bot can read none of its roles (Discord answers
    403 50001), so a moderator's rank cannot be compared with a member's or a role's. They are
    told so privately, in their language, with nothing changed; not "something went wrong". An
    administrator, who may act on anyone, is not held up by it."""
    async with running_bot(tmp_path) as world:
        fake = world.discord
        guild = fake.add_guild("Commands only", commands_only=True)
        newcomer = fake.add_role("Newcomer", guild_id=guild)
        helper = fake.add_member("helper", guild_id=guild)
        newbie = fake.add_member("newbie", guild_id=guild, roles=[newcomer])

        async def run(name, options, resolved, permissions):
            interaction = await fake.slash_command(
                name,
                options,
                user=helper,
                guild_id=guild,
                member_permissions=str(permissions),
                resolved=resolved,
                locale=locale,
            )
            answer = await interaction.wait_for_answer(timeout=10)
            assert answer["flags"] & EPHEMERAL, "moderation answers are private"
            return answer["content"]

        member = fake.member_payload(newbie, guild)
        user = member.pop("user")
        target = {"type": 6, "value": str(newbie)}
        whom = {"users": {str(newbie): user}, "members": {str(newbie): member}}
        [role] = [r for r in fake.guild_payload(guild)["roles"] if r["id"] == str(newcomer)]
        role_target = {"type": 8, "value": str(newcomer)}
        which = {"roles": {str(newcomer): role}}

        blocked = await run(
            "videomod block", {"member": target, "reason": "calm down"}, whom, MANAGE_GUILD
        )
        assert says in blocked, blocked
        allowance = await run(
            "videomod role set", {"role": role_target, "allowance": 1}, which, MANAGE_GUILD
        )
        assert says in allowance, allowance
        assert await world.db.fetch_all("SELECT id FROM mod_audit") == [], "nothing changed"
        done = await run(
            "videomod block",
            {"member": target, "reason": "calm down"},
            whom,
            ADMINISTRATOR | MANAGE_GUILD,
        )
        assert f"<@{newbie}>" in done and says not in done, done
