"""A plain mention of the bot (not a reply): a prompt makes a video, a bare hello gets help."""

import asyncio
import re
import sys
import time

import pytest

import cogs._forwards
from bot.i18n import t
from bot.moderation.store import Actor
from tests.cogs.test_moderation import mod, role_option, server, user_option, video
from tests.cogs.test_references import (
    MODAL,
    bots_reply_to,
    make_video_on,
    nothing_recorded,
    pictures,
    post,
    reply,
)
from tests.fakes.apimart import TaskPlan
from tests.fakes.components import custom_ids, is_layout
from tests.fakes.discord import FakeDiscord
from tests.fakes.web import PUBLIC_HOST, Site
from tests.harness import BOT_TOKEN, PNG, running_bot
from tests.timestamps import read_at, stamps

LINKS_ALLOWED = f"{PUBLIC_HOST}/32"


async def mention(world, content, **fields):
    """Alice posts a message that starts with the bot's mention (no reply)."""
    return await world.discord.message_create(
        f"<@{world.discord.bot_user_id}> {content}".rstrip(), **fields
    )


async def edit_mention(world, message, content):
    """Alice edits her message into one that starts with the bot's mention."""
    bot = world.discord.bot_user_id
    await world.discord.member_edits(int(message["id"]), f"<@{bot}> {content}")


async def only_the_request_is_answered(world, chatter, asking, prompt):
    """The request after the chatter is answered (by then the chatter has long been handled);
    nothing answers the chatter, and only the request reached APIMart."""
    await bots_reply_to(world, asking)
    answers = [
        m
        for m in world.discord.messages()
        if (m.get("message_reference") or {}).get("message_id") == chatter["id"]
    ]
    assert answers == []
    [sent] = world.api.submits
    assert sent["prompt"] == prompt


async def test_a_mention_with_a_prompt_and_flags_makes_a_video_from_its_own_images(tmp_path):
    # No Message Content intent: Discord still shows the bot messages that mention it.
    async with running_bot(tmp_path) as world:
        cat = world.png("cat.png")
        asking = await mention(world, "a dog running on the beach --res 4k", attachments=[cat])
        status = await bots_reply_to(world, asking)
        assert "asked for a video: a dog running on the beach" in status["content"]
        assert status["mentions"] == [] and status["mention_everyone"] is False
        await world.api.wait_for_submits(1)
        [sent] = world.api.submits
        assert sent["prompt"] == "a dog running on the beach"
        assert sent["resolution"] == "4k"
        assert sent["image_urls"] == [cat.url]


@pytest.mark.parametrize("content", ["", "hello", "Hi!!", "ok", "@everyone", "thanks @everyone"])
async def test_a_bare_mention_gets_a_short_help_for_the_member_that_goes_away(
    tmp_path, monkeypatch, content
):
    async with running_bot(tmp_path) as world:
        # The help notes' module, which the loaded extension imports: a short minute there.
        monkeypatch.setattr(sys.modules["cogs._help_notes"], "HELP_LIFETIME", 0.05)
        asking = await mention(world, content)
        help_reply = await bots_reply_to(world, asking)
        assert "/video" in help_reply["content"] and "/videos help" in help_reply["content"]
        assert [u["id"] for u in help_reply["mentions"]] == [str(world.discord.user_id)]
        assert help_reply["mention_everyone"] is False
        await world.discord.wait_for(
            lambda: world.discord.get_message(int(help_reply["id"])) is None,
            description="the help note deleting itself",
        )
        assert await nothing_recorded(world)
        assert world.api.member_requests == []


@pytest.mark.parametrize(
    "content",
    [
        "你好",
        "\u6211\u7684\u89c6\u9891\u5728\u54ea\u91cc\uff1f",  # where is my video?
        "\u8c22\u8c22\u5927\u5bb6",  # thanks, everyone
    ],
)
async def test_a_bare_mention_in_a_chinese_server_is_helped_in_chinese(tmp_path, content):
    """A greeting, thanks or a question about the bot in Chinese buys no video either."""
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        fake.set_preferred_locale("zh-CN")
        async with running_bot(tmp_path, fake=fake) as world:
            help_reply = await bots_reply_to(world, await mention(world, content))
            assert "/视频" in help_reply["content"] and "/我的视频 帮助" in help_reply["content"]
            assert "/video" not in help_reply["content"]
            assert await nothing_recorded(world)
            assert world.api.member_requests == []


async def test_a_chinese_mention_in_a_server_without_a_language_is_answered_in_chinese(tmp_path):
    """Only a Community server can choose a language (Discord sends every other's as en-US):
    there, as in a DM, the language the member wrote in chooses."""
    async with running_bot(tmp_path, plan=TaskPlan(polls_until_done=None)) as world:
        help_reply = await bots_reply_to(world, await mention(world, "你好"))
        assert "/视频" in help_reply["content"], help_reply["content"]
        status = await bots_reply_to(world, await mention(world, "一只在冲浪的猫"))
        assert "请求了一个视频" in status["content"], status["content"]
        english = await bots_reply_to(world, await mention(world, "a cat surfing"))
        assert "asked for a video" in english["content"], english["content"]


async def test_a_traditional_chinese_mention_in_a_server_without_a_language_reads_traditional(
    tmp_path,
):
    """Written in Traditional characters (Taiwan, Hong Kong): answered in Traditional Chinese
    with Taiwan wording, not in Simplified."""
    async with running_bot(tmp_path, plan=TaskPlan(polls_until_done=None)) as world:
        status = await bots_reply_to(world, await mention(world, "一隻在衝浪的貓"))
        assert "請求了一個影片" in status["content"], status["content"]
        assert "视频" not in status["content"]


@pytest.mark.parametrize(
    ("server_language", "content"),
    [
        ("zh-TW", "我還有多少點數\uff1f"),  # how many credits (點數, "points") do I have left?
        (None, "為什麼沒反應\uff1f"),  # why no response? (a server without a language)
    ],
)
async def test_a_question_in_traditional_chinese_gets_the_traditional_help_and_spends_nothing(
    tmp_path, server_language, content
):
    """ "@Bot 我還有多少點數?" from Taiwan asks about the bot: the help in Traditional Chinese
    with Taiwan wording, and no video of the question is made or paid for."""
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        if server_language:
            fake.set_preferred_locale(server_language)
        async with running_bot(tmp_path, fake=fake) as world:
            help_reply = await bots_reply_to(world, await mention(world, content))
            text = help_reply["content"]
            assert "/影片" in text and "/我的影片 說明" in text, text
            assert "视频" not in text and "/video" not in text
            assert await nothing_recorded(world)
            assert world.api.member_requests == []


async def test_a_community_server_that_chose_english_answers_a_chinese_mention_in_english(
    tmp_path,
):
    """A Community server chooses its language, and English (US) is a choice like any other:
    its members' mentions are answered, and their status posted for all to read, in English,
    whatever the member wrote in. Only a server that cannot choose (not a Community server)
    falls back to the language of the mention."""
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        plain_payload = fake.guild_payload

        def community(*args, **kwargs):
            payload = plain_payload(*args, **kwargs)
            payload["features"] = ["COMMUNITY", "NEWS"]
            return payload

        fake.guild_payload = community  # type: ignore[method-assign]
        fake.set_preferred_locale("en-US")
        async with running_bot(tmp_path, fake=fake, plan=TaskPlan(polls_until_done=None)) as world:
            assert "COMMUNITY" in world.bot.get_guild(fake.guild_id).features
            status = await bots_reply_to(world, await mention(world, "一只在冲浪的猫"))
            assert "asked for a video" in status["content"], status["content"]


async def test_a_request_worded_as_a_chinese_question_makes_a_video(tmp_path):
    """ "@Bot can you make a video of a rocket launch that fails?" in a Chinese server: its
    words of the service ("fails") do not make it a question about the bot."""
    prompt = "你能做一个火箭发射失败的视频吗\uff1f"
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        fake.set_preferred_locale("zh-CN")
        async with running_bot(tmp_path, fake=fake) as world:
            answer = await bots_reply_to(world, await mention(world, prompt))
            assert not await nothing_recorded(world), answer["content"]


async def test_a_mention_further_into_a_message_is_chatter_not_a_request(tmp_path):
    async with running_bot(tmp_path) as world:
        bot = world.discord.bot_user_id
        chatter = await world.discord.message_create(f"thanks <@{bot}>, that was a great video")
        asking = await mention(world, "a calm sea at dawn")
        await only_the_request_is_answered(world, chatter, asking, "a calm sea at dawn")


async def test_a_colon_after_the_bots_mention_is_no_part_of_the_prompt(tmp_path):
    """ "@Bot: a calm sea" addresses the bot; the status must not read "asked for a video: :"."""
    async with running_bot(tmp_path) as world:
        bot = world.discord.bot_user_id
        asking = await world.discord.message_create(f"<@{bot}>: a calm sea at dawn")
        status = await bots_reply_to(world, asking)
        assert "asked for a video: a calm sea at dawn" in status["content"]
        await world.api.wait_for_submits(1)
        assert world.api.submits[0]["prompt"] == "a calm sea at dawn"


async def test_a_mention_with_an_unknown_flag_is_told_which_flags_exist(tmp_path):
    async with running_bot(tmp_path) as world:
        answer = await bots_reply_to(world, await mention(world, "a cat --speed fast"))
        assert "I don't know the flag `--speed`" in answer["content"]
        assert await nothing_recorded(world)


async def test_links_a_mention_cannot_use_are_named_before_the_video_is_sent(tmp_path):
    async with (
        Site(PUBLIC_HOST) as web,
        running_bot(tmp_path, link_allowed_networks=LINKS_ALLOWED) as world,
    ):
        page = web.serve("/article", b"<html>", "text/html")
        inside = world.png("inside.png").url  # on the bot's own network (127.0.0.1)
        boat = world.png("boat.png")
        asking = await mention(world, f"a paper boat like {page} and {inside}", attachments=[boat])
        note = await world.discord.wait_for_message(
            predicate=lambda m: "go on without" in m["content"]
        )
        assert note["message_reference"]["message_id"] == asking["id"]
        assert f"`{page.removeprefix('http://')}` (not an image or a video)" in note["content"]
        assert "inside.png` (a private or local address, which I never fetch)" in note["content"]
        assert "2 links" in note["content"]
        status = await world.discord.wait_for_message(
            predicate=lambda m: "asked for a video" in m["content"]
        )
        assert status["message_reference"]["message_id"] == asking["id"]
        assert int(note["id"]) < int(status["id"]), "told before the job was announced and sent"
        await world.api.wait_for_submits(1)
        [sent] = world.api.submits
        assert sent["image_urls"] == [boat.url]


async def test_a_note_of_left_out_links_lost_on_its_way_does_not_stop_the_video(tmp_path):
    """The note is an aside: its connection reset on the way (no answer from Discord), the
    job is still announced and sent, not left recorded and unsent."""
    async with (
        Site(PUBLIC_HOST) as web,
        running_bot(tmp_path, link_allowed_networks=LINKS_ALLOWED) as world,
    ):
        page = web.serve("/article", b"<html>", "text/html")
        dropped = world.discord.drop_next("POST", r"/channels/\d+/messages")
        asking = await mention(world, f"a paper boat like {page}", attachments=[world.png()])
        status = await world.discord.wait_for_message(
            predicate=lambda m: "asked for a video" in m["content"]
        )
        assert status["message_reference"]["message_id"] == asking["id"]
        assert dropped.hits == 1, "the note was not the request that was cut"
        await world.api.wait_for_submits(1)


async def test_links_that_come_to_nothing_are_checked_only_so_often(tmp_path):
    """Links that make no video record no job, so no quota or cooldown counts them: a member
    could have the bot fetch from any site over and over. After 40 links in 10 minutes the
    next message's links are not fetched, and the member reads when to try again."""
    async with (
        Site(PUBLIC_HOST) as web,
        running_bot(tmp_path, link_allowed_networks=LINKS_ALLOWED) as world,
    ):
        links = " ".join(web.serve(f"/page{i}", b"<html>", "text/html") for i in range(8))
        for _ in range(5):
            answer = await bots_reply_to(world, await mention(world, f"a cat {links}"))
            assert "I can't use 8 links" in answer["content"], answer["content"]
        assert len(web.hits) == 40
        answer = await bots_reply_to(world, await mention(world, f"a cat {links}"))
        assert "a lot of links to check" in answer["content"], answer["content"]
        # When room comes (the first checks leave the window), as a moment: the reply stays
        # up, and read 8 minutes on it must not still say 10.
        [room] = stamps(answer["content"])
        assert 590 <= room - world.bot.clock() <= 601, answer["content"]
        later = read_at(answer["content"], room - 120)
        assert "You can send me links again in 2 minutes" in later, later
        chinese = t("too_many_links", "zh-CN", when=f"<t:{room}:R>")
        assert "2分钟后 可以再发送链接" in read_at(chinese, room - 120, "zh-CN"), chinese
        assert len(web.hits) == 40, "the sixth message's links were fetched"
        assert await nothing_recorded(world)


async def test_a_mention_whose_links_are_all_unusable_makes_nothing(tmp_path):
    """The member pointed at a picture to use: a video from the text alone is not what they
    asked to pay for."""
    async with (
        Site(PUBLIC_HOST) as web,
        running_bot(tmp_path, link_allowed_networks=LINKS_ALLOWED) as world,
    ):
        page = web.serve("/article", b"<html>", "text/html")
        answer = await bots_reply_to(world, await mention(world, f"a paper boat like {page}"))
        assert "(not an image or a video)" in answer["content"]
        assert "made nothing and nothing was counted" in answer["content"]
        assert await nothing_recorded(world)
        assert world.api.member_requests == []


async def test_a_reply_that_mentions_the_bot_further_in_is_chatter_not_a_request(tmp_path):
    """Members thank the bot in replies to its results; nobody pays for "thanks @Bot"."""
    async with running_bot(tmp_path, message_content_intent=True) as world:
        bot = world.discord.bot_user_id
        result = await world.discord.message_create("a result", author=bot)
        chatter = await world.discord.message_create(
            f"thanks <@{bot}>, this is great!", message_reference=int(result["id"])
        )
        asking = await reply(world, result, "now make it surf")
        await only_the_request_is_answered(world, chatter, asking, "now make it surf")


ENGLISH_REPLY_HELP = ("To make a video from the message you replied to", "/videos help")


@pytest.mark.parametrize(
    ("content", "help_says"),
    [
        *[
            (content, ENGLISH_REPLY_HELP)
            for content in ("thanks!", "thx", "ty 🔥🔥", "love it", "")
        ],
        # In the language it was written in: the server chose none.
        ("谢谢你", ("要用你回复的那条消息生成视频", "/我的视频 帮助")),
    ],
)
async def test_a_reply_that_only_says_thanks_to_the_bot_gets_help_not_a_video(
    tmp_path, content, help_says
):
    async with running_bot(tmp_path, message_content_intent=True) as world:
        result = await world.discord.message_create("a result", author=world.discord.bot_user_id)
        asking = await reply(world, result, content)
        help_reply = await bots_reply_to(world, asking)
        for words in help_says:
            assert words in help_reply["content"]
        assert await nothing_recorded(world)


async def test_a_mention_shows_what_its_video_is_expected_to_cost_before_it_is_sent(tmp_path):
    # A mention has no private note: its status reply is where the member learns the cost.
    async with running_bot(tmp_path, plan=TaskPlan(polls_until_done=None)) as world:
        asking = await mention(world, "a lighthouse in a storm --res 1080p --duration 8")
        posted = await world.discord.wait_for_request(
            "POST", r"^/channels/\d+/messages$", predicate=lambda r: r.status == 200
        )
        assert world.api.submits == [], "the status is posted before the request leaves"
        assert "Expected cost: about **8 credits**" in posted.json["content"]
        status = await bots_reply_to(world, asking)
        assert "Expected cost: about **8 credits**" in status["content"], "edits keep it"
        world.api.last_task.complete()
        await world.discord.wait_for(
            lambda: "Expected cost" not in world.discord.get_message(int(status["id"]))["content"],
            description="the finished status, which no longer guesses",
        )


async def test_the_status_says_what_is_made_from_what_before_it_is_sent(tmp_path):
    """A mention picks its images itself: the member sees which were used, and how, before
    anything is spent, as /video's member sees the options they chose."""
    async with running_bot(tmp_path, plan=TaskPlan(polls_until_done=None)) as world:
        cat = world.png("cat.png")
        await mention(world, "a cat surfing --res 1080p --ar 9:16", attachments=[cat])
        posted = await world.discord.wait_for_request(
            "POST", r"^/channels/\d+/messages$", predicate=lambda r: r.status == 200
        )
        assert world.api.submits == [], "the status is posted before the request leaves"
        settings = "**Duration** 6 s · **Resolution** 1080p · **Aspect ratio** 9:16"
        assert settings in posted.json["content"]
        assert "**References** 1 image (first frame)" in posted.json["content"]


async def test_image_links_are_references_not_words_of_the_prompt(tmp_path):
    async with (
        Site(PUBLIC_HOST) as web,
        running_bot(tmp_path, link_allowed_networks=LINKS_ALLOWED) as world,
    ):
        boat = web.serve("/boat.png")
        asking = await mention(world, f"a paper boat like <{boat}>, on a lake {boat}.")
        await bots_reply_to(world, asking)
        await world.api.wait_for_submits(1)
        [sent] = world.api.submits
        assert sent["prompt"] == "a paper boat like, on a lake."
        assert sent["image_urls"] == [boat]


ONLY_FLAGS = {
    "en-US": "I read the settings `--res` `4k`, but your prompt still needs a description",
    "zh-CN": "我已读取设置 `--res` `4k`，但你的提示词还需要一段描述",  # noqa: RUF001
    "zh-TW": "我已讀取設定 `--res` `4k`，但你的提示詞還需要一段描述",  # noqa: RUF001
}
ONLY_LINKS = {
    "en-US": "Your prompt is only a link. I use links as references",
    "zh-CN": "你的提示词只有链接。链接会被用作参考",
    "zh-TW": "你的提示詞只有連結。連結會被用作參考",
}


@pytest.mark.parametrize("locale", ["en-US", "zh-CN", "zh-TW"])
@pytest.mark.parametrize("way", ["mention", "reply to pictures", "reply to emoji"])
async def test_a_request_of_flags_alone_is_told_they_were_read_and_a_description_is_needed(
    tmp_path, locale, way
):
    """`@bot --res 4k` is a request without its words: as /video says, the settings were
    read and a description is still needed (not the help for a hello), in the member's
    language; nothing is fetched or spent. (Under a message of words it can film, those words
    are the description: `tests/cogs/test_replies_to_words.py`.)"""
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        fake.set_preferred_locale(locale)
        async with running_bot(tmp_path, fake=fake, message_content_intent=True) as world:
            if way == "mention":
                asking = await mention(world, "--res 4k")
            else:
                if way == "reply to pictures":
                    target = await post(world, "look", attachments=pictures(world, 1))
                else:
                    target = await post(world, "🔥🔥")
                asking = await reply(world, target, "--res 4k")
            answer = await bots_reply_to(world, asking)
            assert ONLY_FLAGS[locale] in answer["content"], answer["content"]
            assert await nothing_recorded(world)
            assert world.api.member_requests == []


@pytest.mark.parametrize("locale", ["en-US", "zh-CN", "zh-TW"])
@pytest.mark.parametrize("way", ["mention", "reply"])
async def test_a_request_of_a_link_alone_is_told_a_link_is_a_reference_not_words(
    tmp_path, locale, way
):
    """`@bot https://…/boat.png`: as /video says, a link is a reference, not words; said
    before the link is fetched, and nothing is spent. (Under a message of words it can film,
    those words are the description: `tests/cogs/test_replies_to_words.py`.)"""
    async with (
        Site(PUBLIC_HOST) as web,
        FakeDiscord(token=BOT_TOKEN) as fake,
    ):
        fake.set_preferred_locale(locale)
        async with running_bot(
            tmp_path, fake=fake, link_allowed_networks=LINKS_ALLOWED, message_content_intent=True
        ) as world:
            boat = web.serve("/boat.png")
            if way == "mention":
                asking = await mention(world, boat)
            else:
                asking = await reply(world, await post(world, "🔥🔥"), boat)
            answer = await bots_reply_to(world, asking)
            assert ONLY_LINKS[locale] in answer["content"], answer["content"]
            assert web.hits == [], "nothing was fetched for a request that is not one"
            assert await nothing_recorded(world)
            assert world.api.member_requests == []


async def test_a_mention_of_the_bots_own_role_is_a_mention_of_the_bot(tmp_path):
    """Discord's autocomplete offers the bot's managed role beside the bot itself: members who
    pick it mean the bot."""
    async with running_bot(tmp_path, message_content_intent=True) as world:
        role = world.discord.bot_role_id()
        asking = await world.discord.message_create(f"<@&{role}> a calm sea at dawn --res 1080p")
        status = await bots_reply_to(world, asking)
        assert "asked for a video: a calm sea at dawn" in status["content"]
        await world.api.wait_for_submits(1)
        [sent] = world.api.submits
        assert (sent["prompt"], sent["resolution"]) == ("a calm sea at dawn", "1080p")


async def test_without_the_intent_a_mention_of_the_bots_role_is_told_to_mention_the_bot(
    tmp_path,
):
    """Discord shows the bot the text of messages that mention the bot itself, not of those
    that mention its role: without Message Content such a request arrives blank. The member
    is told how to reach the bot, instead of silence, and nothing is spent."""
    async with running_bot(tmp_path) as world:
        role = world.discord.bot_role_id()
        asking = await world.discord.message_create(f"<@&{role}> a calm sea at dawn")
        answer = await bots_reply_to(world, asking)
        assert "not its role" in answer["content"] and "/video" in answer["content"]
        assert [u["id"] for u in answer["mentions"]] == [str(world.discord.user_id)]
        assert await nothing_recorded(world)
        assert world.api.member_requests == []


async def test_a_role_mention_edited_into_a_mention_of_the_bot_as_the_hint_says_is_read(
    tmp_path,
):
    async with running_bot(tmp_path) as world:
        role = world.discord.bot_role_id()
        asking = await world.discord.message_create(f"<@&{role}> a calm sea at dawn")
        assert "not its role" in (await bots_reply_to(world, asking))["content"]
        await edit_mention(world, asking, "a calm sea at dawn")
        await world.api.wait_for_submits(1)
        [sent] = world.api.submits
        assert sent["prompt"] == "a calm sea at dawn"


async def test_the_role_hint_names_the_bot_as_the_server_shows_it(tmp_path):
    """Typing @ offers the bot under its server nickname: the hint names that, not a user
    name the member cannot find in the list."""
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        role = fake.bot_role_id()
        fake.add_member("ignored", user_id=fake.bot_user_id, roles=[role], nick="Studio")
        async with running_bot(tmp_path, fake=fake) as world:
            asking = await world.discord.message_create(f"<@&{role}> a calm sea at dawn")
            answer = await bots_reply_to(world, asking)
            assert "Mention `@Studio` itself" in answer["content"]


async def test_the_role_hint_is_not_repeated_to_a_member_at_every_message(tmp_path):
    """A member who keeps pinging the role (in passing, too: the bot cannot tell) is told once
    in a while, not at every message."""
    async with running_bot(tmp_path) as world:
        role = world.discord.bot_role_id()
        first = await world.discord.message_create(f"<@&{role}> ping 0")
        await bots_reply_to(world, first)
        for n in (1, 2):
            await world.discord.message_create(f"thanks <@&{role}> {n}")
        bob = world.discord.add_member("bob")
        other = await world.discord.message_create(f"<@&{role}> hello", author=bob)
        await bots_reply_to(world, other)
        hints = [m for m in world.discord.messages() if "not its role" in m.get("content", "")]
        assert len(hints) == 2, "one for each member"


async def test_a_refused_request_that_is_edited_soon_after_is_read_again(tmp_path):
    """A typo in a flag, fixed by editing the message: the member need not post it again."""
    async with running_bot(tmp_path) as world:
        asking = await mention(world, "a calm sea at dawn --res 4kk")
        refusal = await bots_reply_to(world, asking)
        assert "`4kk` is not a valid value" in refusal["content"]
        await edit_mention(world, asking, "a calm sea at dawn --res 4k")
        await world.api.wait_for_submits(1)
        [sent] = world.api.submits
        assert (sent["prompt"], sent["resolution"]) == ("a calm sea at dawn", "4k")


async def test_a_request_the_rules_refuse_that_is_edited_soon_after_is_read_again(tmp_path):
    """A length asked with a reference video: the member deletes the flag, not the message."""
    async with running_bot(tmp_path) as world:
        asking = await mention(world, "a dancer --duration 8", attachments=[world.mp4()])
        refusal = await bots_reply_to(world, asking)
        assert "duration can't be used" in refusal["content"]
        await edit_mention(world, asking, "a dancer")
        await world.api.wait_for_submits(1)
        [sent] = world.api.submits
        assert sent["prompt"] == "a dancer" and len(sent["video_urls"]) == 1


async def test_removing_an_extra_image_by_editing_the_refused_request_is_read_again(tmp_path):
    """Four images are one too many: the member removes one in an edit, the text unchanged."""
    async with running_bot(tmp_path) as world:
        pictures = [world.png(f"pic{n}.png") for n in range(4)]
        asking = await mention(world, "fuse these into a parade", attachments=pictures)
        await bots_reply_to(world, asking)
        assert await nothing_recorded(world)
        stored = world.discord.get_message(int(asking["id"]))
        stored["attachments"] = stored["attachments"][:3]
        await world.discord.member_edits(int(asking["id"]), stored["content"])
        await world.api.wait_for_submits(1)
        [sent] = world.api.submits
        assert sent["image_urls"] == [picture.url for picture in pictures[:3]]


async def test_editing_a_refused_request_over_and_over_gets_a_bounded_number_of_answers(
    tmp_path,
):
    """Each edit with another wrong flag is refused again, but only the first few are read:
    editing one message cannot make the bot post without end."""
    async with running_bot(tmp_path) as world:
        asking = await mention(world, "a calm sea --res 4kk")
        await bots_reply_to(world, asking)
        for n in range(6):
            value = f"4k{'x' * (n + 1)}"
            await edit_mention(world, asking, f"a calm sea --res {value}")
            if n < 3:  # answered: the next edit comes once it was
                await world.discord.wait_for_message(
                    predicate=lambda m, value=value: f"`{value}`" in m["content"]
                )
        later = await mention(world, "a red fox")  # handled after the edits were
        await bots_reply_to(world, later)
        answers = [
            m
            for m in world.discord.messages()
            if (m.get("message_reference") or {}).get("message_id") == asking["id"]
        ]
        assert len(answers) == 4, "the refusal and three re-read edits, no more"


async def test_replies_count_toward_the_bound_one_by_one_a_note_on_links_too(tmp_path):
    """Each read of this message posts two replies: a note on a link left out (a web page),
    then the refusal (two images: a video uses 0, 1 or 3). The bound counts replies, not
    reads: four in all, then its edits are no longer read (nor its links fetched again)."""
    async with (
        Site(PUBLIC_HOST) as web,
        running_bot(tmp_path, link_allowed_networks=LINKS_ALLOWED) as world,
    ):
        page = web.serve("/article", b"<html>", "text/html")
        pictures = [world.png("a.png"), world.png("b.png")]
        asking = await mention(world, f"a parade like {page}", attachments=pictures)

        def answers():
            return [
                m
                for m in world.discord.messages()
                if (m.get("message_reference") or {}).get("message_id") == asking["id"]
            ]

        await world.discord.wait_for(lambda: len(answers()) == 2, description="two replies")
        for n in range(4):
            await edit_mention(world, asking, f"a parade number {n} like {page}")
            if n == 0:  # read again: two more replies
                await world.discord.wait_for(lambda: len(answers()) == 4, description="four")
        later = await mention(world, "a red fox")  # handled after the edits were
        await bots_reply_to(world, later)
        assert len(answers()) == 4, [a["content"][:60] for a in answers()]
        assert len(web.hits) == 2, "the page fetched on the two reads only"


async def test_mentions_where_the_bot_cannot_post_do_not_pile_up_refused_requests(tmp_path):
    """The bot may not post in this channel (its cached permissions say so) and the member's
    DMs are closed. Ten refused requests there, and three other kinds of answer, must not make
    a refused post and DM each: Discord counts every refused request toward banning the bot's
    IP. No post is tried where the bot knows it may not post, and once their DMs refused the
    bot, no DM for ten minutes."""
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        fake.forbidden_channels.add(fake.channel_id)
        fake.dm_blocked_users.add(fake.user_id)
        async with running_bot(tmp_path, fake=fake) as world:
            before = len(fake.requests)
            for n in range(10):
                await mention(world, f"a fox number {n} --res 4kx")

            def refused():
                return [
                    f"{r.method} {r.path} -> {r.status}"
                    for r in fake.requests[before:]
                    if r.status in (401, 403, 429)
                ]

            await fake.wait_for(refused, description="the DM attempt")
            # Other kinds of answer to the same member: their DMs refused the bot, no retry.
            for content in ("hi", "a cat on a beach", "a fox --duration 99"):
                await mention(world, content)
            await world.handled_everything()  # all handled meanwhile
            assert refused() == [
                f"POST /channels/{fake.dm_channel_id(fake.user_id)}/messages -> 403"
            ]
            assert await nothing_recorded(world)


async def test_bare_mentions_in_a_row_get_one_help_while_it_is_up(tmp_path):
    """ "@Bot hi", "@Bot ok", "@Bot thx"... in a row: one help reply (it stays up a minute),
    not one each (and each deleted a minute later)."""
    async with running_bot(tmp_path) as world:
        asked = [await mention(world, text) for text in ("hi", "hello", "ok", "thx", "hey")]
        later = await mention(world, "a red fox on a frozen lake")
        await bots_reply_to(world, later)
        helps = [
            m
            for m in world.discord.messages()
            if (m.get("message_reference") or {}).get("message_id") in {a["id"] for a in asked}
        ]
        assert len(helps) == 1, [h["content"][:40] for h in helps]


async def test_a_help_by_dm_does_not_silence_the_refusal_that_follows(tmp_path):
    """Where the bot may not post, "@Bot hi" gets the help by DM; the member's real request a
    minute later must still tell them why nothing is made there (the bot lacks Send
    Messages): one DM of each kind of answer, not one in all."""
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        fake.forbidden_channels.add(fake.channel_id)
        async with running_bot(tmp_path, fake=fake) as world:

            def dms():
                dm = fake.dm_channel_id(fake.user_id)
                return [m["content"] for m in fake.messages(dm)]

            await mention(world, "hi")
            await fake.wait_for(lambda: len(dms()) == 1, description="the help, by DM")
            await mention(world, "a cat running on the beach")
            await fake.wait_for(
                lambda: any("Send Messages" in text for text in dms()),
                description="the refusal, by DM",
            )
            assert await nothing_recorded(world)


async def test_a_thanks_under_a_result_does_not_silence_the_help_of_a_bare_mention(tmp_path):
    """ "@Bot thanks!" under a result gets the reply's help; "@Bot" alone lower down asks how
    to start a new video, a different help, and gets it."""
    async with running_bot(tmp_path, plan=TaskPlan(polls_until_done=1)) as world:
        interaction = await world.video(prompt="a paper boat on a river")
        await interaction.wait_for_answer()
        result = await delivered_result(world)
        await bots_reply_to(world, await reply(world, result, "thanks!"))
        answer = await bots_reply_to(world, await mention(world, ""))
        assert "Tell me what to film" in answer["content"]


async def test_edits_answered_with_nothing_do_not_use_up_the_bound(tmp_path):
    """After the help (given once), edits that are still chatter get no reply and cost no
    re-read: the member's real prompt, even a fourth edit later, is still read."""
    async with running_bot(tmp_path) as world:
        asking = await mention(world, "hi")
        await bots_reply_to(world, asking)
        for text in ("hey", "hello", "hiya"):
            await edit_mention(world, asking, text)
            await world.handled_everything()  # read (silently) before the next edit
        await edit_mention(world, asking, "a calm sea at dawn")
        await world.api.wait_for_submits(1)
        assert world.api.submits[0]["prompt"] == "a calm sea at dawn"


async def test_editing_a_request_that_already_made_a_video_makes_no_second_one(tmp_path):
    async with running_bot(tmp_path) as world:
        asking = await mention(world, "a calm sea at dawn")
        await bots_reply_to(world, asking)
        await world.api.wait_for_submits(1)
        await edit_mention(world, asking, "a calm sea at dusk")
        later = await mention(world, "a red fox")  # handled after the edit was
        await bots_reply_to(world, later)
        await world.api.wait_for_submits(2)
        assert [sent["prompt"] for sent in world.api.submits] == ["a calm sea at dawn", "a red fox"]


async def test_an_edited_request_that_is_still_chatter_gets_no_second_help(tmp_path):
    async with running_bot(tmp_path) as world:
        asking = await mention(world, "thanks")
        await bots_reply_to(world, asking)
        await edit_mention(world, asking, "thanks!!")
        later = await mention(world, "a red fox")  # handled after the edit was
        await bots_reply_to(world, later)
        helps = [m for m in world.discord.messages() if "Tell me what to film" in m["content"]]
        assert len(helps) == 1


async def test_a_flag_error_after_the_help_does_not_bring_the_help_back(tmp_path):
    async with running_bot(tmp_path) as world:
        asking = await mention(world, "thanks")
        await bots_reply_to(world, asking)
        await edit_mention(world, asking, "thanks --res 4kk")
        await world.discord.wait_for_message(predicate=lambda m: "`4kk`" in m["content"])
        await edit_mention(world, asking, "thanks!!")
        later = await mention(world, "a red fox")  # handled after the last edit was
        await bots_reply_to(world, later)
        helps = [m for m in world.discord.messages() if "Tell me what to film" in m["content"]]
        assert len(helps) == 1


async def test_an_ordinary_message_edited_into_a_request_is_not_read(tmp_path):
    """Only refused requests are read again: an edit never starts a paid video by surprise."""
    async with running_bot(tmp_path) as world:
        chatter = await world.discord.message_create("what a nice day")
        first = await mention(world, "a red fox")  # read after the chatter was
        await bots_reply_to(world, first)
        await edit_mention(world, chatter, "a calm sea at dawn")
        later = await mention(world, "a blue bird")  # read after the edit was
        await bots_reply_to(world, later)
        await world.api.wait_for_submits(2)
        assert [sent["prompt"] for sent in world.api.submits] == ["a red fox", "a blue bird"]


async def test_people_and_emoji_named_in_a_prompt_reach_the_service_by_name(tmp_path):
    """The model cannot know who `<@1577…>` is: it reads the name the member saw."""
    async with running_bot(tmp_path) as world:
        bob = world.discord.add_member("bob")
        asking = await mention(world, f"<@{bob}> surfing a huge wave <:party:123456789012345678>")
        await bots_reply_to(world, asking)
        await world.api.wait_for_submits(1)
        [sent] = world.api.submits
        assert sent["prompt"] == "@Bob surfing a huge wave :party:"


async def delivered_result(world):
    """The bot's result message (a layout with its buttons)."""
    return await world.discord.wait_for_message(
        predicate=lambda m: is_layout(m) and bool(custom_ids(m)), timeout=10
    )


async def test_the_example_the_help_under_a_result_gives_makes_a_video(tmp_path):
    """The help a "thanks!" under a result gets shows an example; typed as shown, it works
    (a result is a video, which sets the length: no `--duration` in the example)."""
    async with running_bot(tmp_path, plan=TaskPlan(polls_until_done=1)) as world:
        interaction = await world.video(prompt="a paper boat on a river")
        await interaction.wait_for_answer()
        result = await delivered_result(world)
        help_note = await bots_reply_to(world, await reply(world, result, "thanks!"))
        example = re.search(r"`@\S+ ([^`]+)`", help_note["content"])
        assert example is not None, help_note["content"]
        await reply(world, result, example.group(1))
        await world.api.wait_for_submits(2)


async def test_a_reply_to_a_result_keeps_its_shape_and_resolution_unless_told(tmp_path):
    """`@Bot now at night` under a 9:16 1080p result comes back 9:16 1080p, not the defaults;
    a flag in the reply still chooses."""
    async with running_bot(tmp_path, plan=TaskPlan(polls_until_done=1)) as world:
        interaction = await world.video(
            prompt="a fox in snow", aspect_ratio="9:16", resolution="1080p"
        )
        await interaction.wait_for_answer()
        result = await delivered_result(world)
        await reply(world, result, "now make it night")
        await world.api.wait_for_submits(2)
        night = world.api.submits[1]
        assert (night.get("aspect_ratio"), night.get("resolution")) == ("9:16", "1080p")
        await reply(world, result, "now at dawn --ar 16:9")
        await world.api.wait_for_submits(3)
        dawn = world.api.submits[2]
        assert (dawn.get("aspect_ratio"), dawn.get("resolution")) == ("16:9", "1080p")
        # Another member's reply keeps the shape, not the owner's (maybe dearer) resolution.
        await reply_as(world, world.discord.add_member("bob"), result, "now in rain")
        await world.api.wait_for_submits(4)
        rain = world.api.submits[3]
        assert (rain.get("aspect_ratio"), rain.get("resolution", "720p")) == ("9:16", "720p")


async def reply_as(world, member, target, text):
    """`member`'s reply to `target` that mentions the bot."""
    return await world.discord.message_create(
        f"<@{world.discord.bot_user_id}> {text}", author=member, message_reference=int(target["id"])
    )


async def finished_status(world, prompt, media):
    """The status message of a video asked for by a mention with `media`, once it is made."""
    status = await bots_reply_to(world, await mention(world, prompt, attachments=[media]))
    await world.wait_for_result()
    return world.discord.get_message(int(status["id"]))


async def test_a_reply_to_the_status_of_a_video_made_from_a_picture_uses_that_picture(tmp_path):
    """Its status still reads "asked for a video: a cat...": `@Bot the same at night` under it
    means that picture and shape, not a video from the words alone."""
    async with running_bot(
        tmp_path, plan=TaskPlan(polls_until_done=1), message_content_intent=True
    ) as world:
        cat = world.png("cat.png")
        status = await finished_status(world, "a cat on the beach --ar 9:16", cat)
        await reply(world, status, "the same at night")
        await world.api.wait_for_submits(2)
        night = world.api.submits[1]
        assert night["image_urls"] == [cat.url]
        assert (night["prompt"], night["aspect_ratio"]) == ("the same at night", "9:16")


async def test_a_reply_to_the_status_of_a_video_from_words_keeps_its_shape(tmp_path):
    """The status reads "Aspect ratio 9:16": `@Bot now at night` under it comes back 9:16
    (and, as it is her own, 1080p and 10 s), as a reply to its result does, not at the
    defaults. Another member's keeps the shape at the default length and resolution."""
    async with running_bot(
        tmp_path, plan=TaskPlan(polls_until_done=1), message_content_intent=True
    ) as world:
        asking = await mention(world, "a fox in snow --ar 9:16 --res 1080p --dur 10")
        status = await bots_reply_to(world, asking)
        await world.wait_for_result()
        await reply(world, status, "now make it night")
        await world.api.wait_for_submits(2)
        night = world.api.submits[1]
        assert night["prompt"] == "now make it night"
        shape = (night.get("aspect_ratio"), night.get("resolution"), night.get("duration"))
        assert shape == ("9:16", "1080p", 10), night
        await reply_as(world, world.discord.add_member("bob"), status, "the same at dawn")
        await world.api.wait_for_submits(3)
        dawn = world.api.submits[2]
        shape = (dawn.get("aspect_ratio"), dawn.get("resolution", "720p"), dawn.get("duration"))
        assert shape == ("9:16", "720p", 6), dawn


async def test_another_members_reply_to_a_status_does_not_keep_its_resolution(tmp_path):
    """Their pictures and shape, not the owner's (maybe dearer, maybe reserved) resolution."""
    async with running_bot(
        tmp_path, plan=TaskPlan(polls_until_done=1), message_content_intent=True
    ) as world:
        cat = world.png("cat.png")
        status = await finished_status(world, "a cat --res 1080p", cat)
        await reply_as(world, world.discord.add_member("bob"), status, "the same at night")
        await world.api.wait_for_submits(2)
        night = world.api.submits[1]
        assert night["image_urls"] == [cat.url]
        assert night.get("resolution", "720p") == "720p"


async def test_another_members_reply_to_a_status_does_not_keep_its_length(tmp_path):
    """Bob's reply under Alice's 10 s status makes his video at the default 6 s, as it is made
    at the default resolution: her dearer length is no choice of his, and a reply is asked no
    cost first. `--dur` in his reply chooses; her own reply keeps her length."""
    async with running_bot(
        tmp_path, plan=TaskPlan(polls_until_done=1), message_content_intent=True
    ) as world:
        cat = world.png("cat.png")
        status = await finished_status(world, "a cat --dur 10", cat)
        bob = world.discord.add_member("bob")
        await reply_as(world, bob, status, "the same at night")
        await world.api.wait_for_submits(2)
        night = world.api.submits[1]
        assert night["image_urls"] == [cat.url]
        assert night["duration"] == 6
        await reply_as(world, bob, status, "the same at dawn --dur 8")
        await world.api.wait_for_submits(3)
        assert world.api.submits[2]["duration"] == 8
        await reply(world, status, "the same in rain")
        await world.api.wait_for_submits(4)
        assert world.api.submits[3]["duration"] == 10, "her own reply keeps her length"


async def test_a_refused_reply_to_a_status_is_read_again_once_edited(tmp_path):
    async with running_bot(
        tmp_path, plan=TaskPlan(polls_until_done=1), message_content_intent=True
    ) as world:
        status = await finished_status(world, "a dancer", world.mp4())
        again = await reply(world, status, "the same at night --duration 8")
        refusal = await bots_reply_to(world, again)
        assert "duration can't be used" in refusal["content"]
        bot = world.discord.bot_user_id
        await world.discord.member_edits(int(again["id"]), f"<@{bot}> the same at night")
        await world.api.wait_for_submits(2)
        assert world.api.submits[1]["prompt"] == "the same at night"


async def test_a_mention_where_the_bot_cannot_post_is_answered_by_dm(tmp_path):
    """The permission check refuses before anything is counted; its answer cannot go in the
    channel, so it goes to the member's DMs rather than nowhere."""
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        fake.forbidden_channels.add(fake.channel_id)
        async with running_bot(tmp_path, fake=fake) as world:
            await mention(world, "a cat running on the beach")
            dm = fake.dm_channel_id(fake.user_id)
            told = await fake.wait_for_message(
                dm, predicate=lambda m: m["author"]["id"] == str(fake.bot_user_id)
            )
            assert "Send Messages" in told["content"]
            assert await nothing_recorded(world)


async def test_a_mention_with_a_link_where_the_bot_cannot_post_reads_no_link(tmp_path):
    """Where the bot cannot post, the member is told so without the links in their mention
    being fetched first for a video that could never be posted."""
    async with (
        Site(PUBLIC_HOST) as web,
        FakeDiscord(token=BOT_TOKEN) as fake,
    ):
        fake.forbidden_channels.add(fake.channel_id)
        async with running_bot(
            tmp_path, fake=fake, link_allowed_networks=f"{PUBLIC_HOST}/32"
        ) as world:
            boat = web.serve("/boat.png")
            await mention(world, f"make this boat sail {boat}")
            dm = fake.dm_channel_id(fake.user_id)
            told = await fake.wait_for_message(
                dm, predicate=lambda m: m["author"]["id"] == str(fake.bot_user_id)
            )
            assert "Send Messages" in told["content"]
            assert web.hits == [], "the link was read for a video that could not be posted"
            assert await nothing_recorded(world)


async def test_a_bot_timed_out_by_a_moderator_is_not_said_to_lack_permissions(tmp_path):
    """Discord lets a timed-out member only read, so the bot's permissions look stripped: a
    mention, /video and the menu (before its form) tell of the timeout and when it ends, not
    send the member to ask for permissions the bot's role already has."""
    until = int(time.time()) + 3600
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        fake.time_out(fake.bot_user_id, until=until)
        async with running_bot(tmp_path, fake=fake) as world:
            await mention(world, "a cat running on the beach")
            told = await fake.wait_for_message(
                fake.dm_channel_id(fake.user_id),
                predicate=lambda m: m["author"]["id"] == str(fake.bot_user_id),
            )
            assert f"A moderator has timed me out until <t:{until}:f>" in told["content"]
            assert "Send Messages" not in told["content"]
            answer = await (await world.video(prompt="a paper boat")).wait_for_private_answer()
            assert f"timed me out until <t:{until}:f>" in answer and "Send" not in answer
            picture = await post(world, attachments=pictures(world, 1))
            menu = await (await make_video_on(world, picture)).wait_for_callback()
            assert menu["type"] != MODAL, "no prompt typed for nothing"
            assert f"timed me out until <t:{until}:f>" in menu["data"]["content"]
            assert await nothing_recorded(world)
            assert world.api.submits == []


async def test_without_the_intent_a_bare_reply_to_a_members_picture_is_pointed_to_the_menu(
    tmp_path,
):
    """Without Message Content a reply to a member's picture cannot work: the help must not
    ask for a prompt in the reply, which would then be refused."""
    async with running_bot(tmp_path) as world:
        bob = world.discord.add_member("bob")
        picture = await world.discord.message_create(
            "my cat", author=bob, attachments=[world.png()]
        )
        answer = await bots_reply_to(world, await reply(world, picture, ""))
        assert "write what to film after the mention" not in answer["content"]
        assert "Make a video" in answer["content"]
        assert await nothing_recorded(world)


async def dm_answer(fake, content):
    """The member writes `content` to the bot's DM; the bot's reply to it."""
    dm = fake.dm_channel_id(fake.user_id)
    asked = await fake.message_create(content, channel_id=dm)
    return await fake.wait_for_message(
        dm,
        predicate=lambda m: (
            m["author"]["id"] == str(fake.bot_user_id)
            and (m.get("message_reference") or {}).get("message_id") == asked["id"]
        ),
    )


async def test_a_dm_without_the_mention_is_shown_how_to_ask_once_and_spends_nothing(tmp_path):
    """In a DM nobody thinks of mentioning the bot: silence would read as broken. A question
    must not become a paid video either, so it gets the short help, once in a while."""
    async with running_bot(tmp_path) as world:
        fake = world.discord
        dm = fake.dm_channel_id(fake.user_id)
        note = await dm_answer(fake, "can you make a video of a dog in space?")
        assert "start your message with" in note["content"]
        assert "/video" in note["content"]
        again = await fake.message_create("a dog in space", channel_id=dm)
        await world.handled_everything()
        answers = [
            m
            for m in fake.messages(dm)
            if (m.get("message_reference") or {}).get("message_id") == again["id"]
        ]
        assert answers == [], "told once, not after every message"
        assert await nothing_recorded(world)


async def test_a_dm_edited_to_start_with_the_mention_as_the_help_says_is_read(tmp_path):
    """The help asks them to start with the mention: editing it in does what it promises."""
    async with running_bot(tmp_path) as world:
        fake = world.discord
        dm = fake.dm_channel_id(fake.user_id)
        asked = await fake.message_create(
            "a dog in space", channel_id=dm, attachments=[world.png()]
        )
        await fake.wait_for_message(
            dm, predicate=lambda m: m["author"]["id"] == str(fake.bot_user_id)
        )
        await fake.member_edits(int(asked["id"]), f"<@{fake.bot_user_id}> a dog in space")
        await world.api.wait_for_submits(1)
        assert world.api.submits[0]["prompt"] == "a dog in space"


async def test_a_resolution_flag_in_a_reply_to_ones_own_result_chooses_it(tmp_path):
    """`--resolution 720p` under one's own 1080p result is a 720p video (cheaper), not 1080p."""
    async with running_bot(tmp_path, plan=TaskPlan(polls_until_done=1)) as world:
        interaction = await world.video(prompt="a fox in snow", resolution="1080p")
        await interaction.wait_for_answer()
        result = await delivered_result(world)
        await reply(world, result, "now at dusk --resolution 720p")
        await world.api.wait_for_submits(2)
        dusk = world.api.submits[1]
        assert dusk.get("resolution", "720p") == "720p"


async def test_a_mention_refused_for_a_reserved_resolution_is_read_again_once_edited(tmp_path):
    """The refusal says "Choose another resolution ... and try again"; docs/members.md says a
    refused mention edited within 10 minutes is read again. Editing `--res 4k` to `--res 1080p`
    must make the video."""
    async with server(tmp_path) as s:
        world = s.world
        await mod(
            s, "options restrict", option="resolution:4k", role=role_option(world, s.supporter)
        )
        asking = await mention(world, "a calm sea at dawn --res 4k")
        refusal = await bots_reply_to(world, asking)
        assert "4K is reserved for members with" in refusal["content"]
        await edit_mention(world, asking, "a calm sea at dawn --res 1080p")
        await world.api.wait_for_submits(1)
        [sent] = world.api.submits
        assert sent["resolution"] == "1080p"


async def test_a_refused_mention_edited_at_once_is_read_again_on_a_host_whose_clock_runs_ahead(
    tmp_path,
):
    """Members have 10 minutes to fix a refused mention by editing it, by Discord's clock (its
    message ids): on a host whose clock runs 12 minutes ahead of Discord's, an edit a moment
    after the refusal is still read, not taken for one made too late."""
    async with (
        FakeDiscord(token=BOT_TOKEN, clock_ahead=-720.0) as fake,
        running_bot(tmp_path, fake=fake) as world,
    ):
        role = world.discord.bot_role_id()
        asking = await world.discord.message_create(f"<@&{role}> a calm sea at dawn")
        assert "not its role" in (await bots_reply_to(world, asking))["content"]
        await edit_mention(world, asking, "a calm sea at dawn")
        await world.api.wait_for_submits(1)
        assert world.api.submits[0]["prompt"] == "a calm sea at dawn"


async def test_a_mention_refused_for_a_banned_word_is_read_again_once_rephrased(tmp_path):
    """ "Please rephrase it and try again": rephrasing by editing must be read, as for any
    refused mention."""
    async with server(tmp_path) as s:
        world = s.world
        await mod(s, "words add", pattern="gore*")
        asking = await mention(world, "a gorefest at dawn")
        refusal = await bots_reply_to(world, asking)
        assert "words this server doesn't allow" in refusal["content"]
        await edit_mention(world, asking, "a calm sea at dawn")
        await world.api.wait_for_submits(1)
        assert world.api.submits[0]["prompt"] == "a calm sea at dawn"


async def test_a_mention_refused_for_a_banned_word_does_not_repeat_it_in_public(
    tmp_path, monkeypatch
):
    """The refusal of a mention is a public reply: quoting the word would put the very word
    the server banned in the channel, under the bot's name, where it stays once a moderator
    deletes the member's message. It says why without the word, and goes away as a block's
    note does (the mod-log and a private /video answer still quote it)."""
    async with server(tmp_path) as s:
        monkeypatch.setattr(sys.modules["cogs._origins"], "PRIVATE_NOTE_LIFETIME", 0.05)
        await mod(s, "words add", pattern="slurword")
        asking = await mention(s.world, "a slurword painted on a wall")
        answer = await bots_reply_to(s.world, asking)
        assert "doesn't allow, so nothing was made or counted" in answer["content"]
        assert "slurword" not in answer["content"], answer["content"]
        await s.world.discord.wait_for(
            lambda: s.world.discord.get_message(int(answer["id"])) is None,
            description="the note deleting itself",
        )


def bots_replies_to(world, messages) -> list[dict]:
    """The bot's replies to any of `messages`."""
    ids = {m["id"] for m in messages}
    return [
        m
        for m in world.discord.messages()
        if m["author"]["id"] == str(world.discord.bot_user_id)
        and (m.get("message_reference") or {}).get("message_id") in ids
    ]


async def test_a_blocked_member_posting_mention_after_mention_gets_one_note_not_one_each(
    tmp_path,
):
    """As a bare mention's help: one note up at a time for the member in the channel, or each
    mention they post makes the bot post too. What only they read is answered every time."""
    async with server(tmp_path) as s:
        await mod(s, "block", member=user_option(s.world, s.alice), reason="flooding")
        first = await mention(s.world, "a red fox in the snow")
        note = await bots_reply_to(s.world, first)
        spam = [await mention(s.world, f"a red fox number {n}") for n in range(2, 7)]
        await s.world.handled_everything()  # the bot has read them all by now
        assert [m["id"] for m in bots_replies_to(s.world, [first, *spam])] == [note["id"]]
        for _ in range(2):
            assert "(reason: flooding)" in await video(s.world)


async def test_a_blocked_member_with_a_bad_flag_gets_the_one_block_note_not_flag_help_each_time(
    tmp_path,
):
    """A flag the bot cannot read is no way around the one note: each such mention got the
    flag help, a long reply left up for good, as if the member could still make videos."""
    async with server(tmp_path) as s:
        await mod(s, "block", member=user_option(s.world, s.alice), reason="flooding")
        first = await mention(s.world, "--duration 99 a red fox in the snow")
        note = await bots_reply_to(s.world, first)
        assert "can't make videos here" in note["content"], note["content"]
        spam = [await mention(s.world, f"--duration 99 a red fox {n}") for n in range(2, 7)]
        await s.world.handled_everything()  # the bot has read them all by now
        assert [m["id"] for m in bots_replies_to(s.world, [first, *spam])] == [note["id"]]
        assert s.world.api.submits == []


async def test_a_mention_refused_by_a_rule_gets_a_note_that_goes_away(tmp_path, monkeypatch):
    """Like the block note: the refusal is for the member, not the channel to read forever."""
    async with server(tmp_path) as s:
        monkeypatch.setattr(sys.modules["cogs._origins"], "PRIVATE_NOTE_LIFETIME", 0.05)
        await mod(s, "limits set", allowance=1)
        first = await mention(s.world, "a red fox in the snow")
        await s.world.api.wait_for_submits(1)
        second = await mention(s.world, "a red fox in the rain")
        note = await bots_reply_to(s.world, second)
        assert "1 video" in note["content"], note["content"]
        await s.world.discord.wait_for(
            lambda: s.world.discord.get_message(int(note["id"])) is None,
            description="the refusal deleting itself",
        )
        assert bots_replies_to(s.world, [first])  # the video's status stays


async def test_an_italic_banned_word_in_a_mention_is_refused(tmp_path):
    """Discord shows "_gore_" as "gore" in italics: the word the server banned."""
    async with server(tmp_path) as s:
        await mod(s, "words add", pattern="gore")
        asking = await mention(s.world, "a _gore_ scene in the rain")
        answer = await bots_reply_to(s.world, asking)
        assert "words this server doesn't allow" in answer["content"], answer["content"]
        assert s.world.api.submits == []


def tenor_gif(web):
    """A GIF's page (HTML, as Tenor's) and the still picture its preview shows (Discord's copy
    of it: `web` stands in for its media proxy too)."""
    return web.serve("/view/dance-123", b"<html>tenor</html>", "text/html"), web.serve("/dance.png")


async def test_a_tenor_gif_in_a_mention_whose_preview_comes_a_moment_later_is_used(tmp_path):
    """Discord often sends a message first without its link previews and adds them with a
    MESSAGE_UPDATE (same text). A GIF picked from Discord's GIF picker (a Tenor page link)
    must be used by its still picture, as docs/members.md promises, not refused as "not an image"
    with the preview that arrives right after ignored."""
    async with (
        Site(PUBLIC_HOST) as web,
        running_bot(tmp_path, link_allowed_networks=LINKS_ALLOWED, media_proxy=web.origin) as world,
    ):
        page, still = tenor_gif(web)
        asking = await mention(world, f"make this robot dance {page}")
        await bots_reply_to(world, asking)  # the page alone: "not an image or a video"
        gif = {
            "type": "gifv",
            "url": page,
            "provider": {"name": "Tenor", "url": "https://tenor.co"},
            "thumbnail": {"url": still, "proxy_url": still, "width": 498, "height": 280},
        }
        stored = world.discord.get_message(int(asking["id"]))
        stored["embeds"] = [gif]
        await world.discord.member_edits(int(asking["id"]), stored["content"])
        await world.api.wait_for_submits(1)
        assert world.api.submits[0]["image_urls"] == [still]


async def test_a_preview_added_to_a_mention_refused_for_a_flag_is_not_answered_again(tmp_path):
    """Only a refusal for the links themselves is mended by a preview: a mention refused for a
    typo in a flag whose preview arrives a moment later gets its one refusal, not two."""
    async with (
        Site(PUBLIC_HOST) as web,
        running_bot(tmp_path, link_allowed_networks=LINKS_ALLOWED, media_proxy=web.origin) as world,
    ):
        page, still = tenor_gif(web)
        asking = await mention(world, f"make this robot dance --res 4kk {page}")
        assert "`4kk`" in (await bots_reply_to(world, asking))["content"]
        stored = world.discord.get_message(int(asking["id"]))
        stored["embeds"] = [
            {"type": "gifv", "url": page, "thumbnail": {"url": still, "proxy_url": still}}
        ]
        await world.discord.member_edits(int(asking["id"]), stored["content"])
        later = await mention(world, "a red fox")  # handled after the preview's edit was
        await bots_reply_to(world, later)
        answers = [
            m
            for m in world.discord.messages()
            if (m.get("message_reference") or {}).get("message_id") == asking["id"]
        ]
        assert len(answers) == 1


async def test_a_question_about_a_video_gets_the_help_not_a_paid_video(tmp_path):
    """ "@Bot where is my video?" while one renders: the short help, nothing made."""
    async with running_bot(tmp_path) as world:
        answer = await bots_reply_to(world, await mention(world, "where is my video?"))
        assert "asked for a video" not in answer["content"], answer["content"]
        assert await nothing_recorded(world)


@pytest.mark.parametrize(
    ("server_language", "content", "command"),
    [
        (None, "who made this bot?", "/video"),
        ("zh-CN", "这个机器人是谁做的", "/视频"),  # who made this bot (Simplified)
        ("zh-TW", "這個機器人是誰做的", "/影片"),  # the same in Traditional characters
    ],
)
async def test_asking_who_made_the_bot_gets_the_help_naming_its_video_model_and_spends_nothing(
    tmp_path, server_language, content, command
):
    """ "@Bot who made this bot?" is no prompt: the help, in the member's language, says
    which model makes the videos, and no video of the question is made or paid for."""
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        if server_language:
            fake.set_preferred_locale(server_language)
        async with running_bot(tmp_path, fake=fake) as world:
            text = (await bots_reply_to(world, await mention(world, content)))["content"]
            assert "APIMart" in text and "Omni-Flash-Ext" in text and command in text, text
            assert await nothing_recorded(world)
            assert world.api.member_requests == []


async def test_asking_in_a_dm_which_model_it_uses_gets_the_help_and_spends_nothing(tmp_path):
    """ "@Bot 你用的是什么模型" (what model do you use) in its DM: the help, no job."""
    async with running_bot(tmp_path) as world:
        fake = world.discord
        note = await dm_answer(fake, f"<@{fake.bot_user_id}> 你用的是什么模型")
        assert "Omni-Flash-Ext" in note["content"] and "/视频" in note["content"], note["content"]
        assert await nothing_recorded(world)
        assert world.api.member_requests == []


async def test_the_dm_help_names_the_bot_as_it_is_typed_after_the_at(tmp_path):
    """In a code span Discord shows a backslash as typed: `Omni\\_Bot` is no name @ offers."""
    async with (
        FakeDiscord(token=BOT_TOKEN, bot_name="Omni_Video_Bot") as fake,
        running_bot(tmp_path, fake=fake),
    ):
        note = await dm_answer(fake, "can you make a video of a dog?")
    assert "`@Omni_Video_Bot a dog" in note["content"], note["content"]


async def test_a_tenor_preview_that_arrives_while_the_page_is_fetched_is_still_used(tmp_path):
    """The preview comes "a moment later": often while the bot is still fetching the Tenor page
    it was given. discord.py writes the edit into the very message object being handled, so
    the refusal remembered once the page proves no image already holds the preview's picture,
    and the preview (the one thing that mends it) is never read: the member keeps a refusal
    beside the GIF they picked."""
    from aiohttp import web as aioweb

    async with (
        Site(PUBLIC_HOST) as web,
        running_bot(tmp_path, link_allowed_networks=LINKS_ALLOWED, media_proxy=web.origin) as world,
    ):
        fetching = asyncio.Event()
        previewed = asyncio.Event()

        async def slow_page(request):
            fetching.set()
            await previewed.wait()
            await asyncio.sleep(0.2)  # the edit reaches the bot before the page's answer
            return aioweb.Response(body=b"<html>tenor</html>", content_type="text/html")

        web._routes["/view/dance-123"] = slow_page
        page = web.url("/view/dance-123")
        still = web.serve("/dance.png")
        asking = await mention(world, f"make this robot dance {page}")
        await asyncio.wait_for(fetching.wait(), 10)
        stored = world.discord.get_message(int(asking["id"]))
        stored["embeds"] = [
            {"type": "gifv", "url": page, "thumbnail": {"url": still, "proxy_url": still}}
        ]
        await world.discord.member_edits(int(asking["id"]), stored["content"])
        previewed.set()
        await bots_reply_to(world, asking)  # the page alone: "not an image or a video"
        await world.api.wait_for_submits(1)
        assert world.api.submits[0]["image_urls"] == [still]


async def test_a_mention_refused_is_not_first_told_it_goes_on_without_a_link(tmp_path):
    """Two photos and a page link: no video can use two images. The member reads that, not
    first "I'll go on without 1 link", which promises a video that never comes."""
    async with (
        Site(PUBLIC_HOST) as web,
        running_bot(tmp_path, link_allowed_networks=LINKS_ALLOWED) as world,
    ):
        page = web.serve("/article", b"<html>", "text/html")
        photos = [world.png("a.png"), world.png("b.png")]
        asking = await mention(world, f"boats like {page}", attachments=photos)
        first = await bots_reply_to(world, asking)
        assert "I found 2 images" in first["content"], first["content"]
        also = await world.discord.wait_for_message(
            predicate=lambda m: m["content"].startswith("Also, I couldn't use 1 link")
        )
        assert also["message_reference"]["message_id"] == asking["id"]
        assert await nothing_recorded(world)


async def test_answers_moved_to_a_dm_name_their_channel_and_a_self_deleting_note_deletes_there(
    tmp_path, monkeypatch
):
    """Where the bot may not post, its answers to a mention go by DM: they say which channel
    they are about ("this channel" read in a DM is the DM itself), and the help note that says
    it deletes itself in a minute does, there too."""
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        fake.forbidden_channels.add(fake.channel_id)
        async with running_bot(tmp_path, fake=fake) as world:
            # The help notes' module, which the loaded extension imports: a short minute.
            monkeypatch.setattr(sys.modules["cogs._help_notes"], "HELP_LIFETIME", 0.3)
            dm = fake.dm_channel_id(fake.user_id)
            await mention(world, "hi")
            await fake.wait_for(lambda: fake.deleted_messages, description="the help DM deleted")
            [help_dm] = fake.deleted_messages
            assert help_dm["channel_id"] == str(dm)
            assert f"<#{fake.channel_id}>" in help_dm["content"], help_dm["content"]
            await mention(world, "a cat running on the beach")
            await fake.wait_for(lambda: fake.messages(dm), description="the refusal by DM")
            [refusal] = fake.messages(dm)
            assert f"About your message in <#{fake.channel_id}>:" in refusal["content"]
            assert "I can't post videos in this channel" in refusal["content"]


async def test_a_mention_does_not_post_the_name_of_a_channel_the_member_cannot_see(tmp_path):
    """Discord shows a hidden channel's mention as "#unknown" to whoever cannot see it: the
    bot's status, which quotes the prompt, says #channel, and names the channels they see."""
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        secret = fake.add_text_channel("ban-appeal-bob")
        fake.hide_channel(secret, but_from=[fake.bot_user_id])
        async with running_bot(tmp_path, fake=fake) as world:
            asking = await mention(
                world, f"a neon sign reading <#{secret}> in <#{fake.channel_id}>"
            )
            status = await bots_reply_to(world, asking)
            assert (
                "asked for a video: a neon sign reading #channel in #general" in status["content"]
            )
            assert "ban-appeal-bob" not in status["content"]


async def test_a_mention_does_not_post_the_name_of_a_private_thread_the_member_is_not_in(
    tmp_path,
):
    """Discord shows a private thread only to those added to it, not to everyone who sees its
    channel: Alice in #general cannot learn the name of Bob's private thread there."""
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        bob = fake.add_member("bob")
        private = fake.add_thread(fake.channel_id, "bobs-appeal", owner_id=bob, private=True)
        public = fake.add_thread(fake.channel_id, "fox-pics", owner_id=bob)
        async with running_bot(tmp_path, fake=fake) as world:
            asking = await mention(world, f"a sign reading <#{private}> and <#{public}>")
            status = await bots_reply_to(world, asking)
            assert "asked for a video: a sign reading #channel and #fox-pics" in status["content"]


async def test_a_mention_deleted_while_its_links_are_read_still_gets_its_status(tmp_path):
    """A mention removed right after it is posted (by its member, AutoMod, or a proxy bot
    such as PluralKit reposting it) while its links are read: the job goes ahead, so its
    status (with Cancel) must still be posted, as a plain message naming the member, not
    refused by Discord as a reply to a message that is gone, leaving a video nobody announced."""
    from aiohttp import web as aioweb

    async with (
        Site(PUBLIC_HOST) as web,
        running_bot(tmp_path, link_allowed_networks=LINKS_ALLOWED) as world,
    ):
        fetching = asyncio.Event()
        deleted = asyncio.Event()

        async def slow_picture(request):
            fetching.set()
            await deleted.wait()
            return aioweb.Response(body=PNG, content_type="image/png")

        web._routes["/cat.png"] = slow_picture
        asking = await mention(world, f"a cat surfing {web.url('/cat.png')}")
        await asyncio.wait_for(fetching.wait(), 10)
        world.discord.delete_message(int(asking["id"]))
        deleted.set()
        await world.api.wait_for_submits(1)
        status = await world.discord.wait_for_message(
            predicate=lambda m: (
                m["author"]["id"] == str(world.discord.bot_user_id)
                and "asked for a video: a cat surfing" in m["content"]
            )
        )
        assert f"<@{world.discord.user_id}>" in status["content"]
        assert status["mentions"] == []


async def reply_in(world, channel_id, message):
    """The text of the bot's first answer to `message`, in its thread."""
    answer = await world.discord.wait_for_message(
        channel_id=channel_id,
        predicate=lambda m: (
            (m.get("message_reference") or {}).get("message_id") == message["id"]
            and "waiting for the video service" not in m["content"]
        ),
    )
    return answer["content"]


@pytest.mark.parametrize("way", ["mention", "/video"])
async def test_a_thread_of_a_listed_channel_works_while_its_server_is_not_loaded_yet(tmp_path, way):
    """Right after a start or a reconnect the bot holds none of a server's channels until
    Discord sends the server (and never during an outage there): a mention in a thread of
    the listed #videos was refused as "not a listed channel", its parent unknown. The
    thread's channel is read from Discord, as /video reads it from the interaction."""
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        videos = fake.add_text_channel("videos")
        thread = fake.add_thread(videos, "boats")
        fake.outage_guilds.add(fake.guild_id)
        async with running_bot(tmp_path, fake=fake) as world:
            assert world.bot.get_channel(thread) is None, "the server is not loaded"
            actor = Actor(fake.guild_id, fake.owner_id)
            await world.bot.moderation.store.add_channel(actor, videos)
            if way == "mention":
                asking = await mention(world, "a fox in snow", channel_id=thread)
                answer = await reply_in(world, thread, asking)
                assert "asked for a video: a fox in snow" in answer, answer
            else:
                interaction = await fake.slash_command(
                    "video", options={"prompt": "a fox in snow"}, channel_id=thread
                )
                answer = (await interaction.wait_for_answer())["content"]
                assert "queued as job #1" in answer, answer
            await world.api.wait_for_submits(1)
            # A thread of another channel is still refused.
            other = fake.add_thread(fake.channel_id, "elsewhere")
            refused = await mention(world, "a fox in snow", channel_id=other)
            answer = await reply_in(world, other, refused)
            assert f"Please use one of these channels: <#{videos}>" in answer, answer


@pytest.mark.parametrize(
    ("locale", "reserved"),
    [("en-US", "4K is reserved for members with @Supporter"), ("zh-CN", "@Supporter")],
)
async def test_a_refusal_moved_to_a_dm_names_the_roles_it_mentions(tmp_path, locale, reserved):
    """A DM is in no server: Discord shows a role's mention there as "@deleted-role", so a
    refusal sent by DM (the channel refused the reply) names the role as the member knows it."""
    async with server(tmp_path) as s:
        fake = s.world.discord
        await mod(
            s, "options restrict", option="resolution:4k", role=role_option(s.world, s.supporter)
        )
        # Discord refuses the reply (permissions changed since the bot last read them).
        fake.forbidden_channels.add(fake.channel_id)
        prompt = "a cat on the beach --res 4k" if locale == "en-US" else "海滩上的猫 --res 4k"
        await mention(s.world, prompt)
        dm = fake.dm_channel_id(fake.user_id)
        await fake.wait_for(lambda: fake.messages(dm), description="the refusal by DM")
        [refusal] = fake.messages(dm)
        assert reserved in refusal["content"], refusal["content"]
        assert "<@&" not in refusal["content"]


async def test_a_picture_forwarded_to_the_dm_is_shown_how_to_use_it(tmp_path, monkeypatch):
    """Forwarding a picture to the bot is the natural first try, and a forward can carry no
    mention: "start your message with my mention" is no way to use that picture. The note
    says how: reply to it mentioning the bot, or Apps → Make a video on it (once no comment
    came with the forward, a fifth of a second here: none is sent)."""
    monkeypatch.setattr(cogs._forwards, "COMMENT_WINDOW", 0.2)
    async with running_bot(tmp_path) as world:
        fake = world.discord
        original = await fake.message_create("", attachments=[world.png()], dispatch=False)
        dm = fake.dm_channel_id(fake.user_id)
        forward = await fake.message_create("", channel_id=dm, forwards=int(original["id"]))
        note = await fake.wait_for_message(
            dm,
            predicate=lambda m: (
                (m.get("message_reference") or {}).get("message_id") == forward["id"]
            ),
        )
        assert "reply to it" in note["content"], note["content"]
        assert "Make a video" in note["content"], note["content"]
        assert await nothing_recorded(world)


def dm_help_notes(world, dm):
    """The bot's "how to ask" notes in the member's DM with it."""
    return [
        message
        for message in world.discord.messages(dm)
        if message["author"]["id"] == str(world.discord.bot_user_id)
        and "My videos are made by" in message["content"]
    ]


async def test_a_picture_forwarded_to_the_dm_with_a_comment_asking_draws_no_help_note(tmp_path):
    """Forwarding a picture to the bot with the comment "@Bot make it dance" is one request:
    the video starts from the comment, and no note on how to ask flashes up for the forward
    (Discord's client sends the forward just before its comment)."""
    async with running_bot(tmp_path) as world:
        fake = world.discord
        [cat] = pictures(world, 1)
        original = await fake.message_create("", attachments=[cat], dispatch=False)
        dm = fake.dm_channel_id(fake.user_id)
        await fake.message_create("", channel_id=dm, forwards=int(original["id"]))
        comment = await fake.message_create(f"<@{fake.bot_user_id}> make it dance", channel_id=dm)
        status = await fake.wait_for_message(
            dm,
            predicate=lambda m: (
                (m.get("message_reference") or {}).get("message_id") == comment["id"]
            ),
        )
        assert "1 image (first frame)" in status["content"], status["content"]
        await world.api.wait_for_submits(1)
        assert world.api.submits[0]["image_urls"] == [cat.url]
        await world.handled_everything()  # a note the forward might still draw
        assert dm_help_notes(world, dm) == []


async def test_a_picture_forwarded_to_the_dm_with_a_plain_comment_is_shown_how_to_use_it(
    tmp_path,
):
    """A forward whose comment does not mention the bot is still no request: one note, on the
    forward, says how to use its picture (not "start your message with my mention")."""
    async with running_bot(tmp_path) as world:
        fake = world.discord
        [cat] = pictures(world, 1)
        original = await fake.message_create("", attachments=[cat], dispatch=False)
        dm = fake.dm_channel_id(fake.user_id)
        forward = await fake.message_create("", channel_id=dm, forwards=int(original["id"]))
        comment = await fake.message_create("look at this", channel_id=dm)
        note = await fake.wait_for_message(dm, predicate=lambda m: "My videos" in m["content"])
        assert note["message_reference"]["message_id"] == forward["id"]
        assert "reply to it" in note["content"], note["content"]
        await world.handled_everything()  # a second note the comment might still draw
        assert len(dm_help_notes(world, dm)) == 1
        assert await nothing_recorded(world)
        # Edited to ask, the comment makes the video from the forward's picture.
        await fake.member_edits(int(comment["id"]), f"<@{fake.bot_user_id}> make it dance")
        await world.api.wait_for_submits(1)
        assert world.api.submits[0]["image_urls"] == [cat.url]
