"""The last page a moderator may ask for (`page:` 100 in `/videomod usage`, `audit` and
`words list`): Discord refuses `page:101`, so with more beyond it the last line says how the
rest is reached instead, in every language, and the page still fits in one message."""

import re
import time

from bot.i18n import msg
from bot.moderation.store import Actor
from cogs._audit import AUDIT_PAGE, AUDIT_PAGES
from cogs._mod_jobs import LISTED_MEMBERS, USAGE_PAGES
from cogs._mod_words import WORDS_PAGES
from tests.cogs.test_moderation import command, server, user_option

LOCALES = ("en-US", "zh-CN", "zh-TW")
FIRST_MEMBER = 1_100_000_000_000_000_000
# What the last line says instead of a page past the bound, by language: its command.
MEMBER_OPTION = {"en-US": "`member`", "zh-CN": "`成员`", "zh-TW": "`成員`"}
WORDS_REMOVE = {"en-US": "words remove:", "zh-CN": "禁用词 移除", "zh-TW": "禁用詞 移除"}


def names_a_page_past(answer, bound):
    """Whether the answer sends the moderator to a page past `bound` (which Discord refuses)."""
    return re.search(rf"`[^`]*:{bound + 1}`", answer) is not None


async def ask(s, name, locale, **options):
    return await command(s.world, f"videomod {name}", user=s.owner, locale=locale, **options)


async def test_the_last_usage_page_with_more_members_beyond_names_no_page_past_it(tmp_path):
    """1,001 members made a video this period: page 100 lists the 991st to the 1,000th, and
    its last line says the one left made no more and `member:` reads them, not `page:101`."""
    async with server(tmp_path) as s:
        count = USAGE_PAGES * LISTED_MEMBERS + 1
        guild, channel = s.world.discord.guild_id, s.world.discord.channel_id
        now = time.time()
        async with s.world.db.transaction() as conn:
            for n in range(count):
                # With the credits APIMart reported: one reported without is priced by a read
                # of its own, per member and page (0.6 s a page here), not what this is about.
                await conn.execute(
                    "INSERT INTO jobs (guild_id, channel_id, user_id, prompt, resolution,"
                    " aspect_ratio, state, credits_cost, created_at, media_fetched_at,"
                    " finished_at, delivered_at) VALUES (?, ?, ?, 'a fox', '720p', '16:9',"
                    " 'completed', 10, ?, ?, ?, ?)",
                    (guild, channel, FIRST_MEMBER + n, now, now, now, now),
                )
        for locale in LOCALES:
            last = await ask(s, "usage", locale, page=USAGE_PAGES)
            assert len(last) <= 2000, len(last)
            assert f"{USAGE_PAGES * LISTED_MEMBERS}. <@" in last, last
            assert not names_a_page_past(last, USAGE_PAGES), last
            assert MEMBER_OPTION[locale] in last, last
            before = await ask(s, "usage", locale, page=USAGE_PAGES - 1)
            assert f":{USAGE_PAGES}`" in before, before


async def test_the_last_audit_page_with_older_changes_names_no_page_past_it(tmp_path):
    """1,501 changes, all about one member: page 100 holds the 1,486th to the 1,500th, and
    its last line says the oldest are not listed, not `page:101`; one member's pages alike."""
    async with server(tmp_path) as s:
        store = s.world.bot.moderation.store
        actor = Actor(s.world.discord.guild_id, s.owner)
        member = f"<@{s.alice}>"
        change = msg("change_member_unblocked", moderator=f"<@{s.owner}>", member=member)
        async with s.world.db.transaction() as conn:
            for _ in range(AUDIT_PAGES * AUDIT_PAGE + 1):
                await store._audit(conn, actor, change)
        alice = user_option(s.world, s.alice)
        for locale in LOCALES:
            for options in ({}, {"member": alice}):
                last = await ask(s, "audit", locale, page=AUDIT_PAGES, **options)
                assert len(last) <= 2000, len(last)
                assert last.count(member) >= AUDIT_PAGE, last
                assert not names_a_page_past(last, AUDIT_PAGES), last
                assert str(AUDIT_PAGES) in last.splitlines()[-1], last
                before = await ask(s, "audit", locale, page=AUDIT_PAGES - 1, **options)
                assert before.endswith(f":{AUDIT_PAGES}`"), before


async def test_the_last_words_page_with_more_words_beyond_names_no_page_past_it(tmp_path):
    """Thousands of the longest banned words: page 100 ends by saying more exist and that
    `words remove` takes one by its name, not `page:101`, and still fits in one message."""
    async with server(tmp_path) as s:
        guild = s.world.discord.guild_id
        # 60 characters each (the longest a word may be): some 28 a page, so 143 pages.
        patterns = [f"banned phrase {n:04d} ".ljust(60, "x") for n in range(4000)]
        async with s.world.db.transaction() as conn:
            for pattern in patterns:
                await conn.execute(
                    "INSERT INTO mod_banned_words (guild_id, pattern, added_by, added_at)"
                    " VALUES (?, ?, ?, ?)",
                    (guild, pattern, s.owner, time.time()),
                )
        for locale in LOCALES:
            last = await ask(s, "words list", locale, page=WORDS_PAGES)
            assert len(last) <= 2000, len(last)
            assert sum(f"`{p}`" in last for p in patterns) > 10, last
            assert not names_a_page_past(last, WORDS_PAGES), last
            assert WORDS_REMOVE[locale] in last.splitlines()[-1], last
            before = await ask(s, "words list", locale, page=WORDS_PAGES - 1)
            assert before.endswith(f":{WORDS_PAGES}`"), before
