"""A reply that mentions the bot, to a message of words alone: those words are the scene (and so
are a forward's, whose comment mentions the bot).

`@Bot make this into a video` under a message with no pictures was a paid video of the words
"make this into a video". Now the replied-to words come first, the reply's words after them as
direction; a bare reply films the replied-to words as they are. What was sent is what the member
reads back, mentions in it as names that ping nobody.
"""

import pytest

from bot.jobs.validation import MAX_PROMPT_LENGTH
from tests.cogs.test_moderation import mod, server
from tests.cogs.test_references import (
    bots_reply_to,
    forward_with_comment,
    nothing_recorded,
    pictures,
    post,
    reply,
)
from tests.fakes.apimart import TaskPlan
from tests.fakes.discord import FakeDiscord
from tests.fakes.web import PUBLIC_HOST, Site
from tests.harness import BOT_TOKEN, running_bot

STORY = "A knight rides through a burning village at dusk"
CUT_NOTE = {
    "en-US": "was too long to use whole",
    "zh-CN": "无法全部使用",
    "zh-TW": "無法全部使用",
}
FORWARD_CUT_NOTE = {
    "en-US": "The message you forwarded was too long to use whole",
    "zh-CN": "你转发的那条消息太长",
    "zh-TW": "你轉發的那則訊息太長",
}
FORWARD_UNREAD_NOTE = {
    "en-US": "The message you forwarded has no words I could use",
    "zh-CN": "你转发的那条消息里没有我能用的文字",
    "zh-TW": "你轉發的那則訊息裡沒有我能用的文字",
}
UNREAD_NOTE = {
    "en-US": "has no words I could use",
    "zh-CN": "没有我能用的文字",
    "zh-TW": "沒有我能用的文字",
}


def bots_replies_to(world, message) -> list[dict]:
    """Everything the bot said in reply to `message` so far."""
    return [
        m
        for m in world.discord.messages()
        if m["author"]["id"] == str(world.discord.bot_user_id)
        and (m.get("message_reference") or {}).get("message_id") == message["id"]
    ]


async def sent_prompt(world) -> dict:
    await world.api.wait_for_submits(1)
    [sent] = world.api.submits
    return sent


async def test_a_reply_with_words_films_the_replied_to_words_as_it_directs(tmp_path):
    async with running_bot(tmp_path, message_content_intent=True) as world:
        asking = await reply(world, await post(world, STORY), "make it cinematic --ar 9:16")
        status = await bots_reply_to(world, asking)
        sent = await sent_prompt(world)
        assert sent["prompt"] == f"{STORY}\n\nmake it cinematic"
        assert sent["aspect_ratio"] == "9:16"
        # What was sent is what the member reads: both parts, the flag taken out.
        assert f"asked for a video: {STORY} make it cinematic" in status["content"]


@pytest.mark.parametrize("own", ["", "--ar 9:16"])
async def test_a_bare_reply_films_the_replied_to_words(tmp_path, own):
    """No words of the member's own (a bare mention, or settings alone): the replied-to words
    are the prompt, not a help note nor "a description is still needed"."""
    async with running_bot(tmp_path, message_content_intent=True) as world:
        asking = await reply(world, await post(world, STORY), own)
        status = await bots_reply_to(world, asking)
        sent = await sent_prompt(world)
        assert sent["prompt"] == STORY
        assert f"asked for a video: {STORY}" in status["content"]
        assert sent["aspect_ratio"] == ("9:16" if own else "16:9")


async def test_a_reply_of_a_picture_link_alone_films_the_replied_to_words_with_it(tmp_path):
    """A link is a reference, as a picture attached to the reply is: the replied-to words
    say what to show, not "your prompt is only a link"."""
    async with (
        Site(PUBLIC_HOST) as web,
        running_bot(
            tmp_path, message_content_intent=True, link_allowed_networks=f"{PUBLIC_HOST}/32"
        ) as world,
    ):
        boat = web.serve("/boat.png")
        asking = await reply(world, await post(world, STORY), boat)
        status = await bots_reply_to(world, asking)
        assert "only a link" not in status["content"], status["content"]
        sent = await sent_prompt(world)
        assert (sent["prompt"], sent["image_urls"]) == (STORY, [boat])


async def test_a_reply_under_a_captioned_picture_films_the_picture_as_the_reply_says(tmp_path):
    """Under a picture, its caption is no scene to film: the picture is the reference and the
    reply's words the prompt, as before words alone were read."""
    async with running_bot(tmp_path, message_content_intent=True) as world:
        [picture] = pictures(world, 1)
        target = await post(world, STORY, attachments=[picture])
        await bots_reply_to(world, await reply(world, target, "make it move"))
        sent = await sent_prompt(world)
        assert (sent["prompt"], sent["image_urls"]) == ("make it move", [picture.url])


async def test_a_bare_reply_to_chatter_still_gets_the_help_and_spends_nothing(tmp_path):
    async with running_bot(tmp_path, message_content_intent=True) as world:
        asking = await reply(world, await post(world, "lol thanks"), "")
        answer = await bots_reply_to(world, asking)
        assert "To make a video from the message you replied to" in answer["content"]
        assert await nothing_recorded(world)


async def test_the_replied_to_words_are_read_without_the_bots_mention_or_their_flags(tmp_path):
    """Bob's own request, replied to: his flags are his choices (4K costs more), not words of
    the scene, and the bot's mention is no word either."""
    async with running_bot(tmp_path, message_content_intent=True) as world:
        bot = world.discord.bot_user_id
        target = await post(world, f"<@{bot}> a dragon over a castle --res 4k")
        await reply(world, target, "now at night")
        await world.api.wait_for_submits(2)  # bob's own request, then the reply's
        sent = world.api.submits[-1]
        assert sent["prompt"] == "a dragon over a castle\n\nnow at night"
        assert sent["resolution"] == "720p"


async def test_mentions_in_the_replied_to_words_are_names_that_ping_nobody(tmp_path):
    async with running_bot(tmp_path, message_content_intent=True) as world:
        carol = world.discord.add_member("carol")
        target = await post(world, f"<@{carol}> surfing a huge wave, @everyone watching")
        asking = await reply(world, target, "in slow motion")
        status = await bots_reply_to(world, asking)
        sent = await sent_prompt(world)
        assert sent["prompt"] == "@Carol surfing a huge wave, @everyone watching\n\nin slow motion"
        assert status["mention_everyone"] is False
        assert [u["id"] for u in status["mentions"]] in ([], [str(world.discord.user_id)])


@pytest.mark.parametrize("locale", ["en-US", "zh-CN", "zh-TW"])
async def test_replied_to_words_of_only_mentions_and_emoji_leave_the_members_words_alone(
    tmp_path, locale
):
    """Nothing to film in "@carol 🔥🔥 :party:": the reply's words alone, as before, and the
    member is told why their words alone were used."""
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        fake.set_preferred_locale(locale)
        async with running_bot(tmp_path, fake=fake, message_content_intent=True) as world:
            carol = world.discord.add_member("carol")
            target = await post(world, f"<@{carol}> 🔥🔥 <:party:123456789012345678>")
            asking = await reply(world, target, "a dragon over the sea")
            sent = await sent_prompt(world)
            assert sent["prompt"] == "a dragon over the sea"
            await world.discord.wait_for(
                lambda: any(
                    UNREAD_NOTE[locale] in m["content"] for m in bots_replies_to(world, asking)
                ),
                description="the note that the replied-to words could not be used",
            )


@pytest.mark.parametrize("locale", ["en-US", "zh-CN", "zh-TW"])
async def test_replied_to_words_too_long_to_use_whole_are_cut_and_the_member_told(tmp_path, locale):
    """The member cannot shorten another's message: its end gives way to their direction,
    which is kept whole, and they are told."""
    long_story = " ".join(["a knight rides on"] * 130)  # past the limit alone
    assert len(long_story) > MAX_PROMPT_LENGTH
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        fake.set_preferred_locale(locale)
        async with running_bot(tmp_path, fake=fake, message_content_intent=True) as world:
            asking = await reply(world, await post(world, long_story), "make it cinematic")
            sent = await sent_prompt(world)
            assert len(sent["prompt"]) <= MAX_PROMPT_LENGTH
            assert sent["prompt"].endswith("…\n\nmake it cinematic")
            assert sent["prompt"].startswith("a knight rides on a knight")
            await world.discord.wait_for(
                lambda: any(
                    CUT_NOTE[locale] in m["content"] for m in bots_replies_to(world, asking)
                ),
                description="the note that the replied-to words were cut",
            )


async def test_a_banned_word_in_the_replied_to_words_refuses_the_video(tmp_path):
    async with server(tmp_path, message_content_intent=True) as s:
        await mod(s, "words add", pattern="gore*")
        asking = await reply(s.world, await post(s.world, "a gorefest at dawn"), "make it move")
        answer = await bots_reply_to(s.world, asking)
        assert "words this server doesn't allow" in answer["content"]
        assert "gorefest" not in answer["content"]
        assert await nothing_recorded(s.world)
        assert s.world.api.member_requests == []


HIDDEN_SOURCE_NOTE = {
    "en-US": ("can't see what's in the message you replied to", "Make a video"),
    "zh-CN": ("看不到你回复的那条消息里的内容", "生成视频"),
    "zh-TW": ("看不到你回覆的那則訊息裡的內容", "生成影片"),
}
WORDS_TOO = {"en-US": "pictures or words", "zh-CN": "图片或文字", "zh-TW": "圖片或文字"}
PICTURES_ONLY = {"en-US": "the images", "zh-CN": "里的图片", "zh-TW": "裡的圖片"}


@pytest.mark.parametrize("locale", ["en-US", "zh-CN", "zh-TW"])
async def test_without_the_intent_a_reply_to_words_is_pointed_to_the_menu_as_before(
    tmp_path, locale
):
    """Discord hides the replied-to words: never a video of "make this into a video". The note
    says the words are hidden too, not only "the images", which a message of words has none of."""
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        fake.set_preferred_locale(locale)
        async with running_bot(tmp_path, fake=fake, plan=TaskPlan(polls_until_done=None)) as world:
            asking = await reply(world, await post(world, STORY), "make this into a video")
            answer = await bots_reply_to(world, asking)
            hidden, menu = HIDDEN_SOURCE_NOTE[locale]
            assert hidden in answer["content"] and menu in answer["content"], answer["content"]
            assert WORDS_TOO[locale] in answer["content"]
            assert PICTURES_ONLY[locale] not in answer["content"]
            assert await nothing_recorded(world)


async def test_words_behind_a_spoiler_in_the_replied_to_message_stay_hidden(tmp_path):
    """The status quotes the prompt as plain text: a spoiler quoted in it would be uncovered."""
    async with running_bot(tmp_path, message_content_intent=True) as world:
        target = await post(world, "a knight at dusk ||who dies at the end||")
        status = await bots_reply_to(world, await reply(world, target, "make it cinematic"))
        sent = await sent_prompt(world)
        assert sent["prompt"] == "a knight at dusk\n\nmake it cinematic"
        assert "dies" not in status["content"]


# Forwards ----------------------------------------------------------------------------------


async def comment_on_forward(world, original, comment):
    """Alice forwards `original` with a comment that starts with the bot's mention."""
    bot = world.discord.bot_user_id
    return await forward_with_comment(world, original, f"<@{bot}> {comment}".rstrip())


async def test_a_forward_of_words_films_them_as_its_comment_directs(tmp_path):
    """Forwarding bob's words with "@Bot make it cinematic" is a reply to them by other means:
    the forwarded words are the scene, the comment's the direction."""
    async with running_bot(tmp_path, message_content_intent=True) as world:
        comment = await comment_on_forward(
            world, await post(world, STORY), "make it cinematic --ar 9:16"
        )
        status = await bots_reply_to(world, comment)
        sent = await sent_prompt(world)
        assert sent["prompt"] == f"{STORY}\n\nmake it cinematic"
        assert sent["aspect_ratio"] == "9:16"
        assert f"asked for a video: {STORY} make it cinematic" in status["content"]


async def test_a_bare_comment_on_a_forward_of_words_films_them(tmp_path):
    async with running_bot(tmp_path, message_content_intent=True) as world:
        comment = await comment_on_forward(world, await post(world, STORY), "")
        status = await bots_reply_to(world, comment)
        sent = await sent_prompt(world)
        assert sent["prompt"] == STORY
        assert f"asked for a video: {STORY}" in status["content"]


async def test_forwarded_words_are_read_without_mentions_flags_or_spoilers(tmp_path):
    """Read as a replied-to message's: bob's flags are his choices, his spoiler stays hidden,
    his mentions are names that ping nobody."""
    async with running_bot(tmp_path, message_content_intent=True) as world:
        carol = world.discord.add_member("carol")
        original = await post(world, f"<@{carol}> on a dragon --res 4k ||who falls||")
        status = await bots_reply_to(
            world, await comment_on_forward(world, original, "now at night")
        )
        sent = await sent_prompt(world)
        assert sent["prompt"] == "@Carol on a dragon\n\nnow at night"
        assert sent["resolution"] == "720p"
        assert "falls" not in status["content"]
        assert status["mention_everyone"] is False
        assert [u["id"] for u in status["mentions"]] in ([], [str(world.discord.user_id)])


async def test_a_forward_of_words_this_process_never_saw_names_its_channels_from_the_server(
    tmp_path,
):
    """The forwarded message was posted before a restart (or seen by another process): its
    mentions come as bare ids, and the member's server still knows the channel's name."""
    async with running_bot(tmp_path, message_content_intent=True) as world:
        bob = world.discord.add_member("bob")
        unseen = await world.discord.message_create(
            f"a neon sign reading <#{world.discord.channel_id}>", author=bob, dispatch=False
        )
        await bots_reply_to(world, await comment_on_forward(world, unseen, "now at night"))
        sent = await sent_prompt(world)
        assert sent["prompt"] == "a neon sign reading #general\n\nnow at night"


@pytest.mark.parametrize("locale", ["en-US", "zh-CN", "zh-TW"])
async def test_forwarded_words_too_long_to_use_whole_are_cut_and_the_member_told(tmp_path, locale):
    long_story = " ".join(["a knight rides on"] * 130)  # past the limit alone
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        fake.set_preferred_locale(locale)
        async with running_bot(tmp_path, fake=fake, message_content_intent=True) as world:
            original = await post(world, long_story)
            comment = await comment_on_forward(world, original, "make it cinematic")
            sent = await sent_prompt(world)
            assert len(sent["prompt"]) <= MAX_PROMPT_LENGTH
            assert sent["prompt"].endswith("…\n\nmake it cinematic")
            await world.discord.wait_for(
                lambda: any(
                    FORWARD_CUT_NOTE[locale] in m["content"]
                    for m in bots_replies_to(world, comment)
                ),
                description="the note that the forwarded words were cut",
            )


@pytest.mark.parametrize("locale", ["en-US", "zh-CN", "zh-TW"])
async def test_forwarded_words_of_only_mentions_and_emoji_leave_the_comments_words_alone(
    tmp_path, locale
):
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        fake.set_preferred_locale(locale)
        async with running_bot(tmp_path, fake=fake, message_content_intent=True) as world:
            carol = world.discord.add_member("carol")
            original = await post(world, f"<@{carol}> 🔥🔥 <:party:123456789012345678>")
            comment = await comment_on_forward(world, original, "a dragon over the sea")
            sent = await sent_prompt(world)
            assert sent["prompt"] == "a dragon over the sea"
            await world.discord.wait_for(
                lambda: any(
                    FORWARD_UNREAD_NOTE[locale] in m["content"]
                    for m in bots_replies_to(world, comment)
                ),
                description="the note that the forwarded words could not be used",
            )
