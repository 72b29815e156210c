"""/videomod audit as moderators page through it: every change on one page, each page one
private message, one member's changes on their own."""

import re

import pytest

from bot.moderation.store import Actor
from tests.cogs.test_moderation import command, mod, role_option, server, user_option
from tests.test_message_limits import LONGEST_REASON

FIRST_MEMBER = 1_100_000_000_000_000_000


async def blocked_members(s, count, reason=LONGEST_REASON):
    """`count` members blocked one after another, by default each with the longest reason a
    moderator can give (200 characters of markdown, longer once escaped)."""
    store = s.world.bot.moderation.store
    actor = Actor(s.world.discord.guild_id, s.owner)
    for n in range(count):
        await store.set_member_limit(actor, FIRST_MEMBER + n, 0, reason, None)
    return [f"<@{FIRST_MEMBER + n}>" for n in range(count)]


def members_named(answer):
    return re.findall(rf"<@({FIRST_MEMBER // 10**9}\d{{9}})>", answer)


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
async def test_paging_through_the_audit_shows_every_change_once_each_page_in_a_message(
    tmp_path, locale
):
    """40 blocks with the longest reasons: 15 of them do not fit one message, so "the newest
    15" showed a few and "…and 11 more", and those were nowhere to be read. Page after page,
    as each answer's last line says, every block is read once, newest first."""
    async with server(tmp_path) as s:
        members = await blocked_members(s, 40)
        seen, page = [], 1
        while True:
            answer = await command(
                s.world, "videomod audit", user=s.owner, locale=locale, page=page
            )
            assert len(answer) <= 2000, len(answer)
            named = members_named(answer)
            assert named, answer
            seen += named
            if not answer.endswith(f":{page + 1}`"):  # the last line names the next page
                break
            page += 1
        assert page > 2, "40 long changes take pages"
        assert [f"<@{m}>" for m in seen] == members[::-1], "each once, newest first"


async def test_the_last_line_of_a_page_says_how_to_read_the_older_changes(tmp_path):
    """20 short changes: the newest 15, then the 5 before them on page 2."""
    async with server(tmp_path) as s:
        members = await blocked_members(s, 20, reason="spam")
        first = await mod(s, "audit")
        assert first.splitlines()[-1].startswith("Older changes: "), first
        assert first.endswith("`page:2`"), first
        assert members_named(first) == [m[2:-1] for m in members[:4:-1]], first
        second = await mod(s, "audit", page=2)
        assert second.startswith("**Moderator changes, page 2** (newest first):"), second
        assert members_named(second) == [m[2:-1] for m in members[4::-1]], second
        assert "Older changes" not in second, second


async def test_a_page_past_the_last_says_which_page_is_the_last(tmp_path):
    async with server(tmp_path) as s:
        await blocked_members(s, 3)
        answer = await mod(s, "audit", page=4)
        assert "There is no page 4" in answer and "page 1" in answer, answer


async def test_one_members_audit_shows_the_changes_by_or_about_them(tmp_path):
    async with server(tmp_path) as s:
        alice = user_option(s.world, s.alice)
        carol = user_option(s.world, s.carol)
        await mod(s, "block", member=alice, reason="spamming")
        await mod(s, "member set", member=carol, allowance=3, reason="new")
        await mod(s, "modrole", role=role_option(s.world, s.mods))
        await command(s.world, "videomod words add", user=s.helper, pattern="gore")
        about_alice = await mod(s, "audit", member=alice)
        assert f"blocked <@{s.alice}>" in about_alice, about_alice
        assert f"<@{s.carol}>" not in about_alice and "gore" not in about_alice, about_alice
        by_helper = await mod(s, "audit", member=user_option(s.world, s.helper))
        assert by_helper.startswith(f"**Changes by or about <@{s.helper}>**"), by_helper
        assert "gore" in by_helper and f"<@{s.alice}>" not in by_helper, by_helper
        dave = s.world.discord.add_member("dave")
        nobody = await mod(s, "audit", member=user_option(s.world, dave))
        assert "No change by or about" in nobody, nobody
