"""Videos from pictures in the conversation: the "Make a video" menu and replies to the bot."""

import asyncio
import sys
import threading
from contextlib import asynccontextmanager

import pytest

from bot.i18n import msg
from bot.jobs.link_allowance import LinkAllowance
from bot.jobs.models import JobState
from bot.moderation.store import Actor
from tests.conftest import FakeClock
from tests.fakes.apimart import TaskPlan
from tests.fakes.components import MEDIA_GALLERY, THUMBNAIL, walk
from tests.fakes.discord import FakeDiscord
from tests.fakes.nameserver import silent_nameserver
from tests.fakes.web import PUBLIC_HOST, Site
from tests.harness import BOT_TOKEN, MP4, PNG, running_bot

EPHEMERAL = 64
MESSAGE_COMMAND = 3
MODAL = 9


def pictures(world, count, prefix="pic"):
    return [world.png(f"{prefix}{i}.png") for i in range(count)]


async def post(world, content="", **fields):
    """Another member, bob, posts a message in the channel."""
    bob = world.discord.add_member("bob")
    return await world.discord.message_create(content, author=bob, **fields)


async def make_video_on(world, message, locale="en-US"):
    """A member uses the message context menu "Make a video" on `message`."""
    return await world.discord.slash_command(
        "Make a video",
        command_type=MESSAGE_COMMAND,
        resolved={"messages": {message["id"]: message}},
        locale=locale,
    )


def form_fields(modal):
    """Label text -> custom id of the input under it."""
    return {row["label"]: row["component"]["custom_id"] for row in modal["components"]}


async def fill_form(world, interaction, prompt, **choices):
    """Submit the modal the menu opened: the prompt, and choices by their label text."""
    callback = await interaction.wait_for_callback()
    assert callback["type"] == MODAL
    fields = form_fields(interaction.modal)
    values = {fields["Prompt"]: prompt}
    values.update({fields[label]: [value] for label, value in choices.items()})
    return await world.discord.modal_submit(values, interaction=interaction)


async def reply(world, message, content, **fields):
    """The member (alice) replies to `message`, mentioning the bot."""
    return await world.discord.message_create(
        f"<@{world.discord.bot_user_id}> {content}",
        message_reference=int(message["id"]),
        **fields,
    )


async def bots_reply_to(world, message):
    """The bot's answer to a member's reply, sent as a reply to it, once past "waiting"."""
    return await world.discord.wait_for_message(
        predicate=lambda m: (
            m["author"]["id"] == str(world.discord.bot_user_id)
            and (m.get("message_reference") or {}).get("message_id") == message["id"]
            and "waiting for the video service" not in m["content"]
        )
    )


async def nothing_recorded(world):
    return await world.db.fetch_all("SELECT id FROM jobs") == []


# The same rules, whichever way a member asks -----------------------------------------------

WAYS = ["slash", "menu", "reply"]


async def ask(world, way, files, prompt="a paper boat", beside=""):
    """Ask for a video the given way with these files; returns what the member reads.
    `beside`: words in the message with the files (with /video, after the prompt)."""
    images = [f for f in files if not f.content_type.startswith("video/")]
    videos = [f for f in files if f.content_type.startswith("video/")]
    if way == "slash":
        options = dict(zip(["image", "image2", "image3"], images, strict=False))
        if videos:
            options["video"] = videos[0]
        interaction = await world.video(prompt=f"{prompt} {beside}".strip(), **options)
        callback = await interaction.wait_for_callback()
        if callback["type"] == 4:
            return callback["data"]["content"]
        return (await interaction.wait_for_answer())["content"]
    # Discord posts no empty message: one without files has words.
    target = await post(world, beside or ("" if files else "look at this"), attachments=files)
    if way == "menu":
        interaction = await make_video_on(world, target)
        callback = await interaction.wait_for_callback()
        if callback["type"] == 4:
            return callback["data"]["content"]
        submit = await fill_form(world, interaction, prompt)
        return (await submit.wait_for_answer())["content"]
    return (await bots_reply_to(world, await reply(world, target, prompt)))["content"]


def says_queued(answer: str) -> bool:
    """The private note ("queued as job #1") or, for replies, the status message."""
    text = answer.lower()
    return "queued as job #1" in text or "job #1 is queued at the video service" in text


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("count", [0, 1, 3])
async def test_each_way_queues_0_1_or_3_images_in_order(tmp_path, way, count):
    async with running_bot(tmp_path, message_content_intent=True) as world:
        files = pictures(world, count)
        answer = await ask(world, way, files)
        assert says_queued(answer)
        await world.api.wait_for_submits(1)
        [sent] = world.api.submits
        assert sent.get("image_urls", []) == [f.url for f in files]
        assert sent.get("generation_type") == {0: None, 1: "frame", 3: "reference"}[count]


@pytest.mark.parametrize(
    ("way", "count"), [("slash", 2), ("menu", 2), ("menu", 4), ("reply", 2), ("reply", 4)]
)
async def test_each_way_refuses_2_or_4_images_saying_how_many(tmp_path, way, count):
    async with running_bot(tmp_path, message_content_intent=True) as world:
        answer = await ask(world, way, pictures(world, count))
        assert f"I found {count} images, but a video can use 0, 1 or 3" in answer
        assert await nothing_recorded(world)


@pytest.mark.parametrize("way", WAYS)
async def test_each_way_sends_an_image_with_a_video_and_no_duration(tmp_path, way):
    async with running_bot(tmp_path, message_content_intent=True) as world:
        [cat], clip = pictures(world, 1), world.mp4()
        answer = await ask(world, way, [cat, clip])
        assert says_queued(answer)
        await world.api.wait_for_submits(1)
        [sent] = world.api.submits
        assert (sent["image_urls"], sent["video_urls"]) == ([cat.url], [clip.url])
        assert "duration" not in sent


@pytest.mark.parametrize("way", ["menu", "reply"])  # /video has a single video option
async def test_each_way_refuses_two_videos(tmp_path, way):
    async with running_bot(tmp_path, message_content_intent=True) as world:
        answer = await ask(world, way, [world.mp4("a.mp4"), world.mp4("b.mp4")])
        assert "I found 2 videos, but only 1 reference video can be used" in answer
        assert await nothing_recorded(world)


@pytest.mark.parametrize("way", WAYS)
async def test_each_way_judges_files_by_content_type_not_name(tmp_path, way):
    async with running_bot(tmp_path, message_content_intent=True) as world:
        not_png = world.discord.make_attachment("cat.png", b"%PDF", "application/pdf")
        answer = await ask(world, way, [not_png])
        assert "`cat.png` is not a supported image" in answer
        assert await nothing_recorded(world)


RENAME_IT = {
    "en-US": "rename it to end in `.png`, `.jpg` or `.webp` and upload it again",
    "zh-CN": "请把它重命名为以 `.png`、`.jpg` 或 `.webp` 结尾，再重新上传",  # noqa: RUF001
    "zh-TW": "請把它重新命名為以 `.png`、`.jpg` 或 `.webp` 結尾，再重新上傳",  # noqa: RUF001
}


@pytest.mark.parametrize("way", WAYS)
async def test_each_way_tells_how_to_mend_a_picture_uploaded_without_an_extension(tmp_path, way):
    """A phone or a download names a picture `IMG_2041`: Discord calls it
    application/octet-stream, and the video service would fetch it under that type. The bot
    passes members' files on by link, unread: it does not guess from the bytes, but says what
    to do (rename it to `.png`, `.jpg` or `.webp`, or paste the picture itself), not just "not
    supported" (which reads as "PNGs are not accepted" to someone who sent one)."""
    async with running_bot(tmp_path, message_content_intent=True) as world:
        unnamed = world.discord.make_attachment("IMG_2041", PNG, "application/octet-stream")
        answer = await ask(world, way, [unnamed])
        assert "`IMG_2041`" in answer and RENAME_IT["en-US"] in answer, answer
        assert await nothing_recorded(world)
        assert world.api.member_requests == []


@pytest.mark.parametrize("locale", ["zh-CN", "zh-TW"])
@pytest.mark.parametrize("way", ["slash", "reply"])
async def test_a_picture_without_an_extension_is_mended_in_the_members_language(
    tmp_path, locale, way
):
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        fake.set_preferred_locale(locale)
        async with running_bot(tmp_path, fake=fake, message_content_intent=True) as world:
            unnamed = world.discord.make_attachment("IMG_2041", PNG, "application/octet-stream")
            if way == "slash":
                interaction = await world.discord.slash_command(
                    "video", options={"prompt": "a paper boat", "image": unnamed}, locale=locale
                )
                answer = (await interaction.wait_for_answer())["content"]
            else:
                answer = await ask(world, way, [unnamed])
            assert RENAME_IT[locale] in answer, answer
            assert await nothing_recorded(world)


# An iPhone photo's first bytes (the HEIF `ftyp` box).
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 32
AS_JPEG_OR_PNG = {
    "en-US": "Please share it as a JPEG or PNG instead",
    "zh-CN": "请改为以 JPEG 或 PNG 格式分享",
    "zh-TW": "請改以 JPEG 或 PNG 格式分享",
}


@pytest.mark.parametrize("way", WAYS)
async def test_each_way_tells_an_iphone_photo_to_come_as_jpeg_or_png(tmp_path, way):
    """An iPhone saves photos as HEIC, which the video service cannot read. "Not a supported
    image" leaves the member guessing what is wrong with their photo: they are told it is a
    HEIC, and to share it as a JPEG or PNG, before anything is spent."""
    async with running_bot(tmp_path, message_content_intent=True) as world:
        photo = world.discord.make_attachment("IMG_2041.HEIC", HEIC, "image/heic")
        answer = await ask(world, way, [photo])
        assert "`IMG_2041.HEIC`" in answer and "HEIC" in answer.replace("`IMG_2041.HEIC`", "")
        assert AS_JPEG_OR_PNG["en-US"] in answer, answer
        assert "is not a supported image" not in answer, answer
        assert await nothing_recorded(world)
        assert world.api.member_requests == []


@pytest.mark.parametrize("locale", ["zh-CN", "zh-TW"])
@pytest.mark.parametrize("way", ["slash", "reply"])
async def test_an_iphone_photo_is_explained_in_the_members_language(tmp_path, locale, way):
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        fake.set_preferred_locale(locale)
        async with running_bot(tmp_path, fake=fake, message_content_intent=True) as world:
            photo = world.discord.make_attachment("IMG_2041.HEIC", HEIC, "image/heif")
            if way == "slash":
                interaction = await world.discord.slash_command(
                    "video", options={"prompt": "a paper boat", "image": photo}, locale=locale
                )
                answer = (await interaction.wait_for_answer())["content"]
            else:
                answer = await ask(world, way, [photo])
            assert AS_JPEG_OR_PNG[locale] in answer, answer
            assert await nothing_recorded(world)


@pytest.mark.parametrize("way", WAYS)
async def test_each_way_names_a_gif_beside_a_picture_rather_than_counting_it(tmp_path, way):
    """A GIF can never be used: "I found 2 images ... add images to match" would have the
    member add a third picture only to be refused for the GIF next."""
    async with running_bot(tmp_path, message_content_intent=True) as world:
        gif = world.discord.make_attachment("party.gif", b"GIF89a", "image/gif")
        answer = await ask(world, way, [world.png("cat.png"), gif])
        assert "`party.gif` is not a supported image" in answer
        assert "I found 2 images" not in answer
        assert await nothing_recorded(world)


@pytest.mark.parametrize("way", WAYS)
async def test_each_way_refuses_a_file_over_the_size_cap(tmp_path, way):
    async with running_bot(tmp_path, message_content_intent=True, max_reference_bytes=200) as w:
        big = w.discord.make_attachment("big.png", PNG * 4, "image/png")
        answer = await ask(w, way, [big])
        assert "over the 0.0002 MB limit for references" in answer, "a limit that shows"
        assert await nothing_recorded(w)


@pytest.mark.parametrize("way", WAYS)
async def test_each_way_refuses_a_prompt_with_nothing_visible_before_spending(tmp_path, way):
    async with running_bot(tmp_path, message_content_intent=True) as world:
        invisible = "\u200b\u2800\ufeff\u200e\u3164\u0301 \u115f"
        answer = await ask(world, way, pictures(world, 1), prompt=invisible)
        # A reply without a prompt gets the short help on how to ask in a reply.
        expected = "write what to film" if way == "reply" else "prompt is empty"
        assert expected in answer
        assert await nothing_recorded(world)
        assert world.api.member_requests == [], "nothing reached APIMart"


@pytest.mark.parametrize("way", WAYS)
async def test_each_way_makes_the_video_from_a_picture_beside_a_link_whose_host_is_no_name(
    tmp_path, way
):
    """Bob's picture with a typo'd link beside it, whose host IDNA cannot read (`xn--zz`): the
    video is made from the picture, the link being no link; not "Something went wrong"."""
    async with running_bot(tmp_path, message_content_intent=True) as world:
        [picture] = pictures(world, 1)
        answer = await ask(world, way, [picture], beside="my cat http://xn--zz/cat.png")
        assert says_queued(answer), answer
        await world.api.wait_for_submits(1)
        [sent] = world.api.submits
        assert sent["image_urls"] == [picture.url]


# The context menu ------------------------------------------------------------------------


async def test_menu_announces_the_job_as_a_reply_to_the_pictures(tmp_path):
    async with running_bot(tmp_path) as world:
        target = await post(world, attachments=pictures(world, 1))
        await fill_form(world, await make_video_on(world, target), "x")
        status = await bots_reply_to(world, target)
        assert "asked for a video" in status["content"]
        assert status["mentions"] == [], "replying to bob's message does not ping him"


async def test_flags_typed_in_the_menus_form_set_the_options_left_as_they_opened(tmp_path):
    """`--dur 8` in the form's prompt (typed, or kept from the message it was filled from)
    makes an 8 s video, as in /video, while the Duration field still shows the default."""
    async with running_bot(tmp_path) as world:
        target = await post(world, attachments=pictures(world, 1))
        submit = await fill_form(
            world, await make_video_on(world, target), "a cat --dur 8", Duration="6"
        )
        await submit.wait_for_answer()
        await world.api.wait_for_submits(1)
        [sent] = world.api.submits
    assert (sent["prompt"], sent["duration"]) == ("a cat", 8)


async def test_a_mention_typed_in_the_menus_form_reaches_the_service_as_a_name(tmp_path):
    """As in /video's prompt: `<#…>` typed into the form is the channel's name to the model,
    where it went to APIMart as typed."""
    async with running_bot(tmp_path) as world:
        target = await post(world, attachments=pictures(world, 1))
        typed = f"a cat in <#{world.discord.channel_id}> @everyone"
        submit = await fill_form(world, await make_video_on(world, target), typed)
        await submit.wait_for_answer()
        await world.api.wait_for_submits(1)
        [sent] = world.api.submits
    assert sent["prompt"] == "a cat in #general @everyone"


async def test_menu_with_an_image_and_a_video_offers_no_duration_and_sends_both(tmp_path):
    async with running_bot(tmp_path) as world:
        [cat], clip = pictures(world, 1), world.mp4()
        target = await post(world, attachments=[cat, clip])
        interaction = await make_video_on(world, target)
        await interaction.wait_for_callback()
        assert "Duration" not in form_fields(interaction.modal)
        submit = await fill_form(
            world, interaction, "dance like this", **{"How to use the image": "reference"}
        )
        await submit.wait_for_answer()
        await world.api.wait_for_submits(1)
        [sent] = world.api.submits
        assert sent["image_urls"] == [cat.url]
        assert sent["video_urls"] == [clip.url]
        assert sent["generation_type"] == "reference"
        assert "duration" not in sent


@asynccontextmanager
async def form_sent_on_a_video_link(tmp_path, duration=None, prompt="a robot dancing like this"):
    """The form of a message whose link is a video, sent with `prompt` and `duration` chosen
    (None: left out): the bot, the link, and the first answer."""
    async with (
        Site(PUBLIC_HOST) as web,
        running_bot(tmp_path, link_allowed_networks=f"{PUBLIC_HOST}/32") as world,
    ):
        clip = web.serve("/dance.mp4", MP4, "video/mp4")
        target = await post(world, content=f"look at this {clip}")
        interaction = await make_video_on(world, target)
        chosen = {} if duration is None else {"Duration": duration}
        submit = await fill_form(world, interaction, prompt, **chosen)
        yield world, clip, (await submit.wait_for_answer())["content"]


async def test_menu_on_a_message_with_a_video_link_makes_a_video_from_it(tmp_path):
    """A link's kind is known only once the form is sent, so the form offers a Duration, and
    Discord sends its default when it is left alone: the video sets the length instead."""
    async with form_sent_on_a_video_link(tmp_path, "6") as (world, clip, answer):
        assert "duration can't be used" not in answer, answer
        await world.api.wait_for_submits(1)
        [sent] = world.api.submits
        assert sent["video_urls"] == [clip]
        assert "duration" not in sent


async def test_a_duration_chosen_in_the_menus_form_is_not_overruled_by_a_video_link(tmp_path):
    """The member picked 4 s and the link turned out to be a video, which sets the length (and
    the price) itself: asked again, not made longer and dearer than chosen."""
    async with form_sent_on_a_video_link(tmp_path, "4") as (world, _, answer):
        assert "can't be 4 s" in answer, answer
        assert "Nothing was made or counted" in answer
        assert world.api.submits == []


async def test_menu_on_the_bots_result_posted_as_a_link_makes_a_video_from_it(tmp_path):
    """A result over the upload limit is posted as APIMart's link: a video to remix."""
    plan = TaskPlan(polls_until_done=1, video_bytes=11 * 1024 * 1024)
    async with running_bot(tmp_path, plan=plan, link_allowed_networks="127.0.0.1/32") as world:
        await world.video(prompt="a long 4k shot", resolution="4k")
        result = await world.wait_for_result()
        submit = await fill_form(
            world, await make_video_on(world, result), "now at night", Duration="6"
        )
        answer = await submit.wait_for_answer()
        assert "duration can't be used" not in answer["content"], answer["content"]
        await world.api.wait_for_submits(2)
        assert "duration" not in world.api.submits[1]


async def test_a_duration_flag_in_the_menus_form_is_not_overruled_by_a_video_link(tmp_path):
    """`--dur 4` typed in the prompt is a length the member chose, as the Duration menu's 4 is:
    a link that turns out to be a video (longer, dearer) is asked about, nothing made."""
    flagged = "a robot dancing like this --dur 4"
    async with form_sent_on_a_video_link(tmp_path, prompt=flagged) as (world, _, answer):
        assert "can't be 4 s" in answer, answer
        assert "Nothing was made or counted" in answer
        assert "--dur" in answer, "says what to take out"
        assert world.api.submits == []
        assert await nothing_recorded(world)


async def test_a_duration_flag_in_the_menus_form_beside_an_attached_video_is_explained(tmp_path):
    """The form offers no length beside an attached video; a `--dur 8` typed anyway is a
    length the video cannot take: explained privately, nothing made (as /video does)."""
    async with running_bot(tmp_path) as world:
        target = await post(world, attachments=[world.mp4()])
        interaction = await make_video_on(world, target)
        submit = await fill_form(world, interaction, "dance like this --dur 8")
        answer = await submit.wait_for_answer()
        assert "can't be 8 s" in answer["content"], answer["content"]
        assert answer["flags"] & EPHEMERAL
        assert world.api.submits == []
        assert await nothing_recorded(world)


async def test_menu_on_a_forwarded_picture_makes_the_video_from_that_picture(tmp_path):
    async with running_bot(tmp_path) as world:
        [cat] = pictures(world, 1)
        original = await post(world, attachments=[cat])
        forward = await world.discord.message_create("", forwards=int(original["id"]))
        submit = await fill_form(world, await make_video_on(world, forward), "make it dance")
        await submit.wait_for_answer()
        await world.api.wait_for_submits(1)
        [sent] = world.api.submits
        assert sent["image_urls"] == [cat.url], "the picture lives in the forward's snapshot"


async def test_reply_to_a_forwarded_picture_makes_the_video_from_that_picture(tmp_path):
    async with running_bot(tmp_path, message_content_intent=True) as world:
        [cat] = pictures(world, 1)
        original = await post(world, attachments=[cat])
        forward = await world.discord.message_create(
            "", author=world.discord.add_member("bob"), forwards=int(original["id"])
        )
        await bots_reply_to(world, await reply(world, forward, "make it dance"))
        await world.api.wait_for_submits(1)
        [sent] = world.api.submits
        assert sent["image_urls"] == [cat.url]


async def test_menu_passes_the_chosen_options(tmp_path):
    async with running_bot(tmp_path) as world:
        target = await post(world, attachments=pictures(world, 1))
        submit = await fill_form(
            world,
            await make_video_on(world, target),
            "x",
            Duration="8",
            Resolution="1080p",
            **{"Aspect ratio": "9:16"},
        )
        await submit.wait_for_answer()
        await world.api.wait_for_submits(1)
        [sent] = world.api.submits
        assert (sent["duration"], sent["resolution"], sent["aspect_ratio"]) == (8, "1080p", "9:16")


# The image site is "public" (127.0.0.2, opened like an operator's LINK_ALLOWED_NETWORKS);
# the bot's neighbours on 127.0.0.1 (fake Discord, fake APIMart) stay out of reach.
LINKS_ALLOWED = f"{PUBLIC_HOST}/32"


async def test_menu_counts_attachments_then_embeds_then_image_links(tmp_path):
    async with (
        Site(PUBLIC_HOST) as web,
        Site(PUBLIC_HOST) as proxy,
        running_bot(
            tmp_path, link_allowed_networks=LINKS_ALLOWED, media_proxy=proxy.origin
        ) as world,
    ):
        attached, linked = world.png("a.png"), web.serve("/l.png")
        # A bot's embedded picture, by Discord's copy of it.
        embedded = proxy.serve("/external/e.png")
        embed = {"type": "rich", "image": {"url": web.url("/e.png"), "proxy_url": embedded}}
        page = web.serve("/page", b"<html>", "text/html")  # a link, not an image
        target = await post(
            world, f"look {linked} and {page}", attachments=[attached], embeds=[embed]
        )
        submit = await fill_form(world, await make_video_on(world, target), "x")
        skipped = await submit.wait_for_answer()
        assert (
            f"I'll go on without 1 link I can't use: `{page[7:]}`"
            " (not an image or a video)" in (skipped["content"])
        )
        assert "queued as job #1" in (await submit.wait_for_answer(2))["content"]
        await world.api.wait_for_submits(1)
        [sent] = world.api.submits
        assert sent["image_urls"] == [attached.url, embedded, linked]


async def test_a_phone_photo_linked_under_a_jpeg_type_is_refused_before_anything_is_sent(
    tmp_path,
):
    """Bob links his iPhone photo, a HEIC his web server calls `image/jpeg` by its `.jpg`
    name. The service cannot read it: the member is told so at once, by its name and what it
    really is, and nothing is recorded or sent, instead of a queued job that fails minutes
    later."""
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 32
    async with (
        Site(PUBLIC_HOST) as web,
        running_bot(tmp_path, link_allowed_networks=LINKS_ALLOWED) as world,
    ):
        target = await post(world, f"my dog {web.serve('/dog.jpg', heic, 'image/jpeg')}")
        submit = await fill_form(world, await make_video_on(world, target), "a dog surfing")
        answer = (await submit.wait_for_answer())["content"]
        assert "`dog.jpg` is a HEIC/HEIF photo" in answer, answer
        assert AS_JPEG_OR_PNG["en-US"] in answer, answer
        assert await nothing_recorded(world)
        assert world.api.submits == []


async def test_links_to_the_bots_own_network_are_left_out(tmp_path):
    async with running_bot(tmp_path, link_allowed_networks=LINKS_ALLOWED) as world:
        inside = world.png("inside.png")  # served by the fake on 127.0.0.1, like an intranet
        target = await post(world, f"look {inside.url}")
        submit = await fill_form(world, await make_video_on(world, target), "x")
        skipped = await submit.wait_for_followup()
        assert "a private or local address, which I never fetch" in skipped["content"]
        assert "inside.png" in skipped["content"]
        assert "made nothing" in skipped["content"], "the link was all there was to use"
        assert await nothing_recorded(world)
        assert world.api.member_requests == []


async def block_alice(world):
    actor = Actor(world.discord.guild_id, world.discord.owner_id)
    await world.bot.moderation.store.set_member_limit(
        actor, world.discord.user_id, 0, "flooding", None
    )


@pytest.mark.parametrize("way", ["menu", "reply"])
async def test_a_blocked_member_with_links_makes_the_bot_fetch_nothing(tmp_path, way):
    async with (
        Site(PUBLIC_HOST) as web,
        running_bot(
            tmp_path, message_content_intent=True, link_allowed_networks=LINKS_ALLOWED
        ) as world,
    ):
        links = [web.serve(f"/{number}.png") for number in range(16)]
        await block_alice(world)
        target = await post(world, " ".join(links[:8]))
        if way == "menu":
            # Told before typing a prompt: no form opens.
            menu = await make_video_on(world, target)
            assert (await menu.wait_for_callback())["type"] != MODAL
            answer = await menu.wait_for_private_answer()
            assert "blocked you from making videos in this server (reason: flooding)" in answer
        else:
            asking = await reply(world, target, "make these move " + " ".join(links[8:]))
            answer = (await bots_reply_to(world, asking))["content"]
            # A reply is public: no block and no reason in it, and it goes in a minute.
            assert "can't make videos here right now" in answer and "/videos quota" in answer
            assert "flooding" not in answer and "blocked" not in answer
        assert web.hits == []
        assert await nothing_recorded(world)


async def test_menu_speaks_chinese_to_a_chinese_member(tmp_path):
    async with running_bot(tmp_path) as world:
        target = await post(world, attachments=pictures(world, 2))
        callback = await (await make_video_on(world, target, locale="zh-CN")).wait_for_callback()
        assert callback["data"]["content"].startswith("我找到了 2 张图片")


# Replies -----------------------------------------------------------------------------------


async def forward_with_comment(world, original, comment):
    """The member (alice) forwards `original` with a comment, as Discord's client sends one:
    the forward, then the comment as a message of its own."""
    await world.discord.message_create("", forwards=int(original["id"]))
    return await world.discord.message_create(comment)


async def test_a_forward_whose_comment_mentions_the_bot_makes_the_video_from_its_picture(
    tmp_path,
):
    """Forwarding bob's picture with the comment "@Bot make it dance" is one gesture to the
    member: the video is made from that picture, not from the words alone."""
    async with running_bot(tmp_path, message_content_intent=True) as world:
        [cat] = pictures(world, 1)
        original = await post(world, attachments=[cat])
        bot = world.discord.bot_user_id
        comment = await forward_with_comment(world, original, f"<@{bot}> make it dance")
        status = await bots_reply_to(world, comment)
        assert "1 image (first frame)" in status["content"]
        await world.api.wait_for_submits(1)
        [sent] = world.api.submits
        assert sent["image_urls"] == [cat.url]
        assert sent["prompt"] == "make it dance"


async def test_a_forward_the_bot_cannot_see_is_said_so_not_made_from_the_comment_alone(
    tmp_path,
):
    """Without the Message Content intent Discord hides what was forwarded (the forward names
    no bot): the member is told, and no video of the comment's words alone is charged."""
    async with running_bot(tmp_path, message_content_intent=False) as world:
        original = await post(world, attachments=pictures(world, 1))
        bot = world.discord.bot_user_id
        comment = await forward_with_comment(world, original, f"<@{bot}> make it dance")
        answer = (await bots_reply_to(world, comment))["content"]
        assert "can't see what you forwarded" in answer
        assert "Apps → Make a video" in answer
        assert await nothing_recorded(world)


async def test_a_refused_comment_on_a_forward_edited_still_uses_the_forwards_picture(tmp_path):
    """A comment refused for a typo in a flag and mended by an edit is read again with the
    forward it came with."""
    async with running_bot(tmp_path, message_content_intent=True) as world:
        [cat] = pictures(world, 1)
        original = await post(world, attachments=[cat])
        bot = world.discord.bot_user_id
        comment = await forward_with_comment(world, original, f"<@{bot}> make it dance --sped 2")
        assert "I don't know the flag" in (await bots_reply_to(world, comment))["content"]
        await world.discord.member_edits(int(comment["id"]), f"<@{bot}> make it dance")
        await world.api.wait_for_submits(1)
        [sent] = world.api.submits
        assert sent["image_urls"] == [cat.url]


async def test_a_mention_after_other_words_is_not_tied_to_an_earlier_forward(tmp_path):
    """Only the comment sent with a forward (the member's next message) uses its pictures: a
    mention after the member said something else is a mention of its own."""
    async with running_bot(tmp_path, message_content_intent=True) as world:
        original = await post(world, attachments=pictures(world, 1))
        bot = world.discord.bot_user_id
        await forward_with_comment(world, original, "look at this")
        asking = await world.discord.message_create(f"<@{bot}> a lighthouse at dusk")
        status = await bots_reply_to(world, asking)
        assert "text to video" in status["content"]


async def test_reply_with_flags_queues_the_replied_to_picture_and_answers_in_thread(tmp_path):
    async with running_bot(tmp_path, message_content_intent=True) as world:
        [cat] = pictures(world, 1)
        target = await post(world, attachments=[cat])
        asking = await reply(world, target, "make it surf --duration 8 --ar 9:16")
        status = await bots_reply_to(world, asking)
        assert "asked for a video: make it surf" in status["content"]
        assert "Job #1 is queued at the video service" in status["content"]
        assert status["mentions"] == [] and status["mention_everyone"] is False
        await world.api.wait_for_submits(1)
        [sent] = world.api.submits
        assert sent["image_urls"] == [cat.url]
        assert (sent["duration"], sent["aspect_ratio"]) == (8, "9:16")
        assert sent["prompt"] == "make it surf"


async def test_reply_takes_the_replied_to_images_then_its_own(tmp_path):
    async with running_bot(tmp_path, message_content_intent=True) as world:
        [first] = pictures(world, 1, "theirs")
        mine = pictures(world, 2, "mine")
        target = await post(world, attachments=[first])
        asking = await reply(world, target, "fuse these", attachments=mine)
        await bots_reply_to(world, asking)
        await world.api.wait_for_submits(1)
        [sent] = world.api.submits
        assert sent["image_urls"] == [first.url, mine[0].url, mine[1].url]
        assert sent["generation_type"] == "reference"


async def test_reply_asking_for_a_duration_with_a_video_is_told_why_not(tmp_path):
    async with running_bot(tmp_path, message_content_intent=True) as world:
        target = await post(world, attachments=[world.mp4()])
        asking = await reply(world, target, "a dancer --duration 8")
        answer = await bots_reply_to(world, asking)
        assert "duration can't be used" in answer["content"]
        assert await nothing_recorded(world)


async def test_reply_with_an_unknown_flag_lists_the_valid_ones_and_pings_only_the_member(
    tmp_path,
):
    async with running_bot(tmp_path, message_content_intent=True) as world:
        target = await post(world, attachments=pictures(world, 1))
        asking = await reply(world, target, "@everyone a cat --speed fast")
        answer = await bots_reply_to(world, asking)
        assert "I don't know the flag `--speed`" in answer["content"]
        assert "`--resolution` (or `--res`) 720p, 1080p or 4K" in answer["content"]
        assert answer["mention_everyone"] is False
        assert [u["id"] for u in answer["mentions"]] == [str(world.discord.user_id)]
        assert await nothing_recorded(world)


@pytest.mark.parametrize("value", ["9" * 5000, "²"])
async def test_reply_with_an_unreadable_duration_is_told_so_not_apologised_to(tmp_path, value):
    async with running_bot(tmp_path, message_content_intent=True) as world:
        target = await post(world, attachments=pictures(world, 1))
        answer = await bots_reply_to(world, await reply(world, target, f"a cat --duration {value}"))
        assert "is not a valid value for `--duration`" in answer["content"]
        assert "went wrong" not in answer["content"]
        assert await nothing_recorded(world)


async def test_reply_with_a_phones_em_dash_flag_sets_the_option(tmp_path):
    async with running_bot(tmp_path, message_content_intent=True) as world:
        target = await post(world, attachments=pictures(world, 1))
        asking = await reply(world, target, "make it surf \u2014duration 8 \u2013\u2013ar 9:16")
        status = await bots_reply_to(world, asking)
        assert "Job #1 is queued at the video service" in status["content"]
        [sent] = world.api.submits
        assert (sent["duration"], sent["aspect_ratio"], sent["prompt"]) == (
            8,
            "9:16",
            "make it surf",
        )


async def test_reply_without_the_intent_points_to_the_menu_instead_of_failing(tmp_path):
    async with running_bot(tmp_path, message_content_intent=False) as world:
        target = await post(world, attachments=pictures(world, 1))
        answer = await bots_reply_to(world, await reply(world, target, "make it surf"))
        assert "can't see what's in the message you replied to" in answer["content"]
        assert "Apps → Make a video" in answer["content"]
        assert await nothing_recorded(world)


async def test_reply_without_the_intent_still_works_on_the_bots_own_message(tmp_path):
    async with running_bot(tmp_path, message_content_intent=False) as world:
        channel = world.discord.channel_id
        own = await world.bot.get_partial_messageable(channel).send("a message of mine")
        target = world.discord.get_message(own.id)
        asking = await reply(world, target, "a calm sea", attachments=pictures(world, 1))
        status = await bots_reply_to(world, asking)
        assert "Job #1 is queued at the video service" in status["content"]


async def test_reply_to_a_message_that_is_gone_is_told_so(tmp_path):
    async with running_bot(tmp_path, message_content_intent=True) as world:
        gone = {"id": str(world.discord.new_snowflake())}
        answer = await bots_reply_to(world, await reply(world, gone, "a calm sea"))
        assert "couldn't read the message you replied to" in answer["content"]
        assert await nothing_recorded(world)


async def ask_leaving_it(world, way, words):
    """The member (alice) asks the given way with `words` holding links, not waiting for an
    answer."""
    if way == "slash":
        await world.video(prompt=words)
    elif way == "mention":
        await world.discord.message_create(f"<@{world.discord.bot_user_id}> {words}")
    elif way == "menu":
        await fill_form(world, await make_video_on(world, await post(world, words)), "surf")
    else:
        await reply(world, await post(world, words), "surf")


@pytest.mark.parametrize("way", [*WAYS, "mention"])
async def test_a_members_links_on_a_silent_nameserver_leave_others_their_link_checks(
    tmp_path, monkeypatch, way
):
    """Alice asks, any way, with 8 links whose names' nameserver never answers (within the
    link allowance). Carol, a moment later, mentions the bot with her picture's link: it is
    read and her video queued. Alice's lookups hold only her share of the lookup threads, not
    every one, which left Carol told her link could not be reached."""
    asked = threading.Event()
    with silent_nameserver(
        monkeypatch, answers={"cats.example": PUBLIC_HOST}, asked=asked
    ) as silent:
        async with (
            Site(PUBLIC_HOST) as web,
            running_bot(
                tmp_path, message_content_intent=True, link_allowed_networks=LINKS_ALLOWED
            ) as world,
        ):
            links = " ".join(f"http://img{i}.silent-dns.example/x.png" for i in range(8))
            await ask_leaving_it(world, way, f"a paper boat {links}")
            assert await asyncio.to_thread(asked.wait, 10), "alice's links were looked up"
            cat = web.serve("/cat.png").replace(PUBLIC_HOST, "cats.example")
            carol = world.discord.add_member("carol")
            asking = await world.discord.message_create(
                f"<@{world.discord.bot_user_id}> make it surf {cat}", author=carol
            )
            answer = (await bots_reply_to(world, asking))["content"]
            assert says_queued(answer), answer
            await world.api.wait_for_submits(1)
            assert world.api.submits[0]["image_urls"] == [cat]
            silent.set()  # alice's answer then comes: her links could not be reached


async def test_links_in_two_members_video_prompts_each_take_their_own_share_of_lookups(
    tmp_path, monkeypatch
):
    """As above, both through /video's prompt: Alice's 8 links on a silent nameserver hold her
    share of the lookup threads; Carol's /video a moment later, with her picture's link in its
    prompt, is read and queued, not held behind Alice's lookups as if they were hers."""
    asked = threading.Event()
    with silent_nameserver(
        monkeypatch, answers={"cats.example": PUBLIC_HOST}, asked=asked
    ) as silent:
        async with (
            Site(PUBLIC_HOST) as web,
            running_bot(tmp_path, link_allowed_networks=LINKS_ALLOWED) as world,
        ):
            links = " ".join(f"http://img{i}.silent-dns.example/x.png" for i in range(8))
            await ask_leaving_it(world, "slash", f"a paper boat {links}")
            assert await asyncio.to_thread(asked.wait, 10), "alice's links were looked up"
            cat = web.serve("/cat.png").replace(PUBLIC_HOST, "cats.example")
            carol = world.discord.add_member("carol")
            asking = await world.discord.slash_command(
                "video", options={"prompt": f"make it surf {cat}"}, user=carol
            )
            answer = (await asking.wait_for_answer(timeout=10))["content"]
            assert says_queued(answer), answer
            await world.api.wait_for_submits(1)
            assert world.api.submits[0]["image_urls"] == [cat]
            silent.set()


# Expired links -----------------------------------------------------------------------------


@pytest.mark.parametrize("forwarded", [False, True], ids=["posted", "forwarded"])
async def test_a_job_submitted_late_gets_fresh_urls_from_the_message_first(tmp_path, forwarded):
    clock = FakeClock()
    async with running_bot(tmp_path, clock=clock) as world:
        [cat] = pictures(world, 1)
        target = await post(world, attachments=[cat])
        if forwarded:
            target = await world.discord.message_create("", forwards=int(target["id"]))
        world.api.fail_next("submit", status=429, retry_after_header="0")
        submit = await fill_form(world, await make_video_on(world, target), "x")
        assert "saved and waiting" in (await submit.wait_for_answer())["content"]
        # Hours later Discord signs the attachment anew; the old URL is about to die.
        stored = world.discord.get_message(int(target["id"]))
        if forwarded:
            stored = stored["message_snapshots"][0]["message"]
        fresh = cat.url.replace("hm=", "hm=resigned")
        stored["attachments"][0]["url"] = fresh
        clock.advance(2 * 3600)
        world.bot.poller.wake()
        await world.api.wait_for_submits(2, timeout=10)
        assert world.api.submits[-1]["image_urls"] == [fresh]
        job = await world.bot.store.get(1)
        assert job.state is not JobState.REJECTED
        assert job.media_fetched_at == clock()


async def test_a_reply_delivered_twice_to_a_member_with_one_left_makes_one_job_and_no_refusal(
    tmp_path, caplog
):
    """A deploy overlap: the same reply reaches the bot twice; the echo must not say "used all"."""
    caplog.set_level("INFO", logger="cogs._origin_ids")
    async with (
        Site(PUBLIC_HOST) as web,
        running_bot(
            tmp_path, message_content_intent=True, link_allowed_networks=LINKS_ALLOWED
        ) as world,
    ):
        actor = Actor(world.discord.guild_id, world.discord.owner_id)
        await world.bot.moderation.store.set_member_limit(
            actor, world.discord.user_id, 1, "one", None
        )
        target = await post(world, web.serve("/cat.png"))
        asking = await reply(world, target, "make it surf")
        status = await bots_reply_to(world, asking)
        assert "Job #1 is queued at the video service" in status["content"]
        [frame] = [
            frame
            for _, frame in world.discord.gateway_dispatched_to
            if frame["t"] == "MESSAGE_CREATE" and frame["d"]["id"] == asking["id"]
        ]
        await world.discord.dispatch("MESSAGE_CREATE", frame["d"])
        await world.discord.wait_for(
            lambda: "already recorded by another process" in caplog.text,
            description="the echo left alone",
        )
        answers = [
            m
            for m in world.discord.messages()
            if (m.get("message_reference") or {}).get("message_id") == asking["id"]
        ]
        assert answers == [status], "one answer, no refusal"
        assert len(await world.db.fetch_all("SELECT id FROM jobs")) == 1


@pytest.mark.parametrize("way", ["menu", "reply"])
async def test_a_file_that_is_no_image_in_the_message_is_left_out_and_named(tmp_path, way):
    """Bob's message has a photo and a PDF: the member cannot take the PDF off bob's message,
    so it is named and left out, and the photo makes the video."""
    async with running_bot(tmp_path, message_content_intent=True) as world:
        photo = world.png("photo.png")
        notes = world.discord.make_attachment("notes.pdf", b"%PDF-1.4", "application/pdf")
        await ask(world, way, [photo, notes])
        note = await world.discord.wait_for_message(
            predicate=lambda m: "go on without" in m["content"]
        )
        assert "`notes.pdf` (not an image or a video)" in note["content"]
        await world.api.wait_for_submits(1)
        [sent] = world.api.submits
        assert sent["image_urls"] == [photo.url]


@pytest.mark.parametrize("way", ["menu", "reply"])
async def test_a_message_whose_only_file_is_no_image_makes_nothing(tmp_path, way):
    """Bob's message holds only a PDF: the member meant it as the reference, so no video is
    made from the prompt alone; the menu says so before the form is even opened."""
    async with running_bot(tmp_path, message_content_intent=True) as world:
        notes = world.discord.make_attachment("notes.pdf", b"%PDF-1.4", "application/pdf")
        answer = await ask(world, way, [notes])
        assert "`notes.pdf` (not an image or a video)" in answer
        assert "made nothing and nothing was counted" in answer
        assert await nothing_recorded(world)
        assert world.api.member_requests == []


# Replies to the bot's own results, and video links ------------------------------------------


async def test_reply_to_a_result_posted_as_a_link_remixes_that_video(tmp_path):
    """A result over the upload limit is posted as the service's link in a gallery; a reply to
    it asks for a video from that video, as a reply to an uploaded result does."""
    plan = TaskPlan(polls_until_done=1, video_bytes=11 * 1024 * 1024)
    async with running_bot(
        tmp_path, plan=plan, message_content_intent=True, link_allowed_networks="127.0.0.1/32"
    ) as world:
        await world.video(prompt="a long 4k shot", resolution="4k")
        result = await world.wait_for_result()
        assert result["attachments"] == []
        first = world.api.last_task
        asking = await reply(world, result, "now at night")
        status = await bots_reply_to(world, asking)
        assert "**References** 1 video" in status["content"]
        await world.api.wait_for_submits(2)
        sent = world.api.submits[1]
        assert sent["video_urls"] == [first.video_url]
        assert "image_urls" not in sent and "duration" not in sent
        assert sent["prompt"] == "now at night"


@asynccontextmanager
async def linked_result(tmp_path, clock):
    """A result over the upload limit, posted as APIMart's link, which APIMart says stops
    working a day after it was made; the bot runs on `clock`, which the test moves on."""
    plan = TaskPlan(polls_until_done=1, video_bytes=11 * 1024 * 1024, expires_in=86400)
    async with running_bot(
        tmp_path,
        plan=plan,
        clock=clock,
        message_content_intent=True,
        link_allowed_networks="127.0.0.1/32",
    ) as world:
        await world.video(prompt="a long 4k shot", resolution="4k")
        result = await world.wait_for_result()
        assert result["attachments"] == []
        yield world, result


@pytest.mark.parametrize(
    ("later", "said"),
    [(2 * 86400, "which expired <t:"), (86400 - 600, "which stops working <t:")],
    ids=["two-days-later", "ten-minutes-before-its-end"],
)
async def test_a_reply_to_a_result_whose_link_runs_out_is_refused_before_anything_is_sent(
    tmp_path, later, said
):
    """The result's link (APIMart's, with the end it gave) has run out, or runs out before the
    service would fetch it: the member is told so at once, with when, and nothing is fetched,
    recorded or sent; not a job failed by the service minutes later (this fake APIMart still
    serves the file: the end APIMart gave is what tells)."""
    from tests.cogs.test_reach import ShiftedClock

    clock = ShiftedClock()
    async with linked_result(tmp_path, clock) as (world, result):
        clock.offset = later
        fetched = len(world.api.requests_for("file"))
        asking = await reply(world, result, "now at night")
        answer = await bots_reply_to(world, asking)
        assert said in answer["content"], answer["content"]
        assert "nothing was made or counted" in answer["content"]
        assert len(world.api.submits) == 1
        assert len(await world.db.fetch_all("SELECT id FROM jobs")) == 1, "nothing recorded"
        assert len(world.api.requests_for("file")) == fetched, "the dead link is not fetched"


async def test_the_menu_on_a_result_whose_link_expired_is_refused_before_the_form(tmp_path):
    from tests.cogs.test_reach import ShiftedClock

    clock = ShiftedClock()
    async with linked_result(tmp_path, clock) as (world, result):
        clock.offset = 2 * 86400
        interaction = await make_video_on(world, result, locale="zh-CN")
        callback = await interaction.wait_for_callback()
        assert callback["type"] == 4, "no form to fill in for nothing"
        assert "该链接已于 <t:" in callback["data"]["content"]
        assert len(await world.db.fetch_all("SELECT id FROM jobs")) == 1


async def test_a_menu_form_sent_once_the_results_link_runs_short_is_refused(tmp_path):
    """The form opened with two hours of the link left; it is sent with ten minutes left."""
    from tests.cogs.test_reach import ShiftedClock

    clock = ShiftedClock()
    async with linked_result(tmp_path, clock) as (world, result):
        clock.offset = 86400 - 7200
        interaction = await make_video_on(world, result)
        callback = await interaction.wait_for_callback()
        assert callback["type"] == MODAL, callback
        clock.offset = 86400 - 600
        submit = await fill_form(world, interaction, "now at night")
        answer = await submit.wait_for_answer()
        assert "which stops working <t:" in answer["content"], answer["content"]
        assert len(world.api.submits) == 1
        assert len(await world.db.fetch_all("SELECT id FROM jobs")) == 1


async def test_a_video_from_a_linked_result_is_not_regenerated_once_that_link_is_gone(tmp_path):
    """A reply made a video from the result's link, good for a day. Regenerate two days on
    would send APIMart a dead link: refused at the click, nothing saved or sent."""
    from tests.cogs.test_reach import ShiftedClock
    from tests.cogs.test_results import delivery_recorded

    clock = ShiftedClock()
    async with linked_result(tmp_path, clock) as (world, result):
        first = world.api.last_task
        asking = await reply(world, result, "now at night")
        await bots_reply_to(world, asking)
        await world.api.wait_for_submits(2)
        assert world.api.submits[1]["video_urls"] == [first.video_url], "the mark is not sent"
        await delivery_recorded(world, 2)
        second = (await world.bot.store.get(2)).delivery_message_id
        clock.offset = 2 * 86400
        click = await world.discord.component_interaction("video:regen:2", message_id=second)
        told = await click.wait_for_private_answer(timeout=10)
        assert "files this video was made from are no longer available" in told, told
        assert "you attached" not in told, "the member attached nothing"
        assert len(world.api.submits) == 2
        assert len(await world.db.fetch_all("SELECT id FROM jobs")) == 2, "nothing saved"


async def test_a_link_to_a_video_is_a_reference_video(tmp_path):
    async with (
        Site(PUBLIC_HOST) as web,
        running_bot(
            tmp_path, message_content_intent=True, link_allowed_networks=f"{PUBLIC_HOST}/32"
        ) as world,
    ):
        clip = web.serve("/dance.mp4", MP4, "video/mp4")
        target = await post(world, content=f"look at this {clip}")
        asking = await reply(world, target, "a robot dancing like this")
        await bots_reply_to(world, asking)
        await world.api.wait_for_submits(1)
        [sent] = world.api.submits
        assert sent["video_urls"] == [clip]
        assert "image_urls" not in sent


async def prefilled_prompt(interaction):
    """The prompt the menu's form opened with."""
    callback = await interaction.wait_for_callback()
    assert callback["type"] == MODAL
    fields = {
        row["component"]["custom_id"]: row["component"] for row in interaction.modal["components"]
    }
    return fields["prompt"].get("value")


async def test_menu_on_a_message_of_text_offers_its_words_as_the_prompt(tmp_path):
    """Nothing to show the service but words: the form starts from them, the member edits."""
    async with running_bot(tmp_path, message_content_intent=True) as world:
        target = await post(world, "a cat surfing at sunset")
        interaction = await make_video_on(world, target)
        assert await prefilled_prompt(interaction) == "a cat surfing at sunset"


async def test_menu_on_a_message_with_nothing_to_use_says_so(tmp_path):
    async with running_bot(tmp_path, message_content_intent=True) as world:
        target = await post(world, "", embeds=[{"title": "a poll result"}])
        interaction = await make_video_on(world, target)
        callback = await interaction.wait_for_callback()
        assert callback["type"] == 4 and callback["data"]["flags"] & EPHEMERAL
        assert "nothing in that message" in callback["data"]["content"]
        assert "/video" in callback["data"]["content"]


async def test_menu_on_a_forwarded_message_of_text_offers_the_forwarded_words(tmp_path):
    async with running_bot(tmp_path, message_content_intent=True) as world:
        original = await post(world, "a cat surfing at sunset <:party:123456789012345678>")
        forward = await world.discord.message_create("", forwards=int(original["id"]))
        interaction = await make_video_on(world, forward)
        assert await prefilled_prompt(interaction) == "a cat surfing at sunset :party:", (
            "emoji by name, not id"
        )


async def test_menu_on_a_forward_names_who_the_forwarded_words_mention(tmp_path):
    async with running_bot(tmp_path, message_content_intent=True) as world:
        alice = world.discord.user_id
        original = await post(world, f"<@{alice}> surfing at sunset")
        forward = await world.discord.message_create("", forwards=int(original["id"]))
        on_original = await prefilled_prompt(await make_video_on(world, original))
        on_forward = await prefilled_prompt(await make_video_on(world, forward))
        assert on_forward == on_original
        assert not on_forward.startswith("@someone")


async def test_menu_does_not_name_a_channel_the_member_using_it_cannot_see(tmp_path):
    """Bob can see #ban-appeal-bob; Alice, using the menu on his message, cannot: her prompt
    (posted with her video) says #channel, as Discord shows his mention to her."""
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        bob = fake.add_member("bob")
        secret = fake.add_text_channel("ban-appeal-bob")
        fake.hide_channel(secret, but_from=[fake.bot_user_id, bob])
        async with running_bot(tmp_path, fake=fake, message_content_intent=True) as world:
            posted = await fake.message_create(f"a neon sign reading <#{secret}>", author=bob)
            interaction = await make_video_on(world, posted)
            assert await prefilled_prompt(interaction) == "a neon sign reading #channel"


@pytest.mark.parametrize("intent", [True, False])
async def test_a_reply_to_a_sticker_says_a_sticker_cannot_be_used_and_makes_nothing(
    tmp_path, intent
):
    """A sticker is a picture the member sees, but no file the video service can fetch: a
    video from the reply's words alone is not what they asked to pay for. (Discord shows
    stickers without the Message Content intent, so that is not the reason.)"""
    async with running_bot(tmp_path, message_content_intent=intent) as world:
        bob = world.discord.add_member("bob")
        posted = await world.discord.message_create("", author=bob, dispatch=False)
        target = world.discord.get_message(int(posted["id"]))
        target["sticker_items"] = [
            {"id": "749054660769218631", "name": "Wumpus dance", "format_type": 1}
        ]
        asking = await reply(world, target, "make this dance on the moon")
        answer = (await bots_reply_to(world, asking))["content"]
        assert "I can't use 1 sticker: `Wumpus dance` (a sticker, which the video" in answer
        assert "Message Content" not in answer
        assert await nothing_recorded(world)


async def test_make_a_video_on_a_sticker_says_a_sticker_cannot_be_used(tmp_path):
    """The menu says what the reply says: not "no pictures", when the member sees one."""
    async with running_bot(tmp_path) as world:
        bob = world.discord.add_member("bob")
        posted = await world.discord.message_create("", author=bob, dispatch=False)
        target = world.discord.get_message(int(posted["id"]))
        target["sticker_items"] = [
            {"id": "749054660769218631", "name": "Wumpus dance", "format_type": 1}
        ]
        callback = await (await make_video_on(world, target)).wait_for_callback()
        assert "I can't use 1 sticker: `Wumpus dance`" in callback["data"]["content"]
        assert await nothing_recorded(world)


async def test_a_bots_picture_shown_in_its_own_embed_counts_once(tmp_path):
    """Bots post an upload shown in a rich embed (`attachment://cat.png`): Discord keeps the
    file in `attachments` and points the embed's image at it. One picture, one image."""
    async with running_bot(tmp_path, link_allowed_networks="127.0.0.1/32") as world:
        cat = world.png("cat.png")
        image = {"url": cat.url, "proxy_url": cat.to_payload()["proxy_url"]}
        embed = {"type": "rich", "title": "Your image", "image": image}
        target = await post(world, attachments=[cat], embeds=[embed])
        submit = await fill_form(world, await make_video_on(world, target), "make it move")
        answer = (await submit.wait_for_answer())["content"]
        assert "queued as job #1" in answer, answer
        assert world.api.submits[0]["image_urls"] == [cat.url]


async def test_a_block_landing_while_a_mentions_job_is_sent_is_not_named_in_public(tmp_path):
    from cogs._private import cancel_for_block

    async with running_bot(tmp_path, message_content_intent=True) as world:
        fake, api = world.discord, world.api
        api.delay_next("submit", 1.5)
        asking = await fake.message_create(f"<@{fake.bot_user_id}> a dog running on the beach")
        await api.wait_until(lambda: api.requests_for("submit"), what="the submit")
        await block_alice(world)
        await cancel_for_block(
            world.bot, fake.guild_id, fake.user_id, reason_key="cancelled_by_block"
        )
        answer = await fake.wait_for_message(
            predicate=lambda m: (
                m["author"]["id"] == str(fake.bot_user_id)
                and (m.get("message_reference") or {}).get("message_id") == asking["id"]
                and "cancelled" in m["content"]
            ),
            timeout=10,
        )
        assert "a moderator cancelled it" in answer["content"]
        assert "blocked" not in answer["content"]


async def test_a_sticker_beside_words_does_not_stop_a_video_from_those_words(tmp_path):
    """Only a replied-to message's sticker is something the member pointed at: the menu on a
    message with words and a sticker, or a mention with one, makes the video from the words."""
    async with running_bot(tmp_path, message_content_intent=True) as world:
        target = await post(world, "a cat surfing at sunset", dispatch=False)
        message = world.discord.get_message(int(target["id"]))
        message["sticker_items"] = [
            {"id": "749054660769218631", "name": "Wumpus", "format_type": 1}
        ]
        submit = await fill_form(world, await make_video_on(world, message), "a cat surfing")
        assert "queued as job #1" in (await submit.wait_for_answer())["content"]


async def test_a_mention_of_a_member_blocked_for_a_while_names_no_block_in_public(tmp_path):
    import time

    from bot.moderation.store import Actor

    async with running_bot(tmp_path, message_content_intent=True) as world:
        fake = world.discord
        actor = Actor(fake.guild_id, fake.owner_id)
        await world.bot.moderation.store.set_member_limit(
            actor, fake.user_id, 0, "flooding", time.time() + 3 * 86400
        )
        asking = await fake.message_create(f"<@{fake.bot_user_id}> a dog on the beach")
        answer = (await bots_reply_to(world, asking))["content"]
        assert "can't make videos here right now" in answer
        assert "flooding" not in answer and "blocked" not in answer
        assert await nothing_recorded(world)


async def test_a_mention_of_a_member_blocked_for_an_hour_after_spending_names_no_block(tmp_path):
    """docs/moderators.md: nothing public names the block or its reason; a mention is answered
    with a note to look at /videos quota. A member who already used today's allowance and is
    then blocked for an hour gets `mod_blocked_until_spent`, which must be hidden too."""
    import time

    from bot.i18n import msg
    from bot.moderation.store import Actor

    async with running_bot(tmp_path, message_content_intent=True) as world:
        fake = world.discord
        actor = Actor(fake.guild_id, fake.owner_id)
        await world.bot.moderation.store.update_policy(
            actor, msg("change_channels_all", moderator=actor.mention), default_limit=1
        )
        first = await fake.message_create(f"<@{fake.bot_user_id}> a cat on a boat")
        status = await bots_reply_to(world, first)
        assert "job #1" in status["content"].lower(), status["content"]
        await world.bot.moderation.store.set_member_limit(
            actor, fake.user_id, 0, "flooding the channel", time.time() + 3600
        )
        asking = await fake.message_create(f"<@{fake.bot_user_id}> a dog on the beach")
        answer = (await bots_reply_to(world, asking))["content"]
        assert "flooding" not in answer and "blocked" not in answer, answer
        assert "can't make videos here right now" in answer, answer


async def test_the_menu_opens_its_form_when_the_rules_are_slow_to_read(tmp_path):
    """The form must open within Discord's 3 seconds: a database too slow to say whether the
    rules refuse the member leaves that to the form's submit."""
    async with running_bot(tmp_path) as world:
        moderation = world.bot.moderation

        async def slow(_requester):
            await asyncio.sleep(5)

        moderation.refusal_before_fetching = slow
        target = await post(world, attachments=pictures(world, 1))
        menu = await make_video_on(world, target)
        assert (await menu.wait_for_callback(timeout=4))["type"] == MODAL


async def test_make_a_video_names_the_bots_missing_permissions_before_the_form(tmp_path):
    """Discord sends the bot's permissions with the menu: where it cannot post the status and
    video, the member reads which permissions it lacks before typing a prompt for nothing."""
    async with running_bot(tmp_path) as world:
        picture = await post(world, attachments=pictures(world, 1))
        world.discord.forbidden_channels.add(world.discord.channel_id)
        callback = await (await make_video_on(world, picture)).wait_for_callback()
        assert callback["type"] != MODAL, "no prompt typed for nothing"
        assert "I need Send Messages, Embed Links and Attach Files" in callback["data"]["content"]
        assert callback["data"]["flags"] & EPHEMERAL
        assert await nothing_recorded(world)


@pytest.mark.parametrize("problem", ["two videos", "a file over the cap"])
async def test_menu_refuses_what_a_link_cannot_mend_before_the_form_opens(tmp_path, problem):
    """A link in the message may add a picture once the form is sent; it never makes two
    attached videos one, nor a file fit: those are refused before the member types a prompt."""
    async with running_bot(tmp_path, max_reference_bytes=200) as world:
        if problem == "two videos":
            files = [world.mp4("a.mp4"), world.mp4("b.mp4")]
            expected = "I found 2 videos, but only 1 reference video can be used"
        else:
            files = [world.discord.make_attachment("big.png", PNG * 4, "image/png")]
            expected = "over the 0.0002 MB limit for references"
        target = await post(world, "found it on https://example.com/page", attachments=files)
        callback = await (await make_video_on(world, target)).wait_for_callback()
        assert callback["type"] != MODAL, "no form for a message that can never be used"
        assert expected in callback["data"]["content"]
        assert await nothing_recorded(world)


async def test_make_a_video_on_a_forwarded_sticker_says_a_sticker_cannot_be_used(tmp_path):
    """A forward carries its sticker in its snapshot: the menu names it, as it does a sticker
    posted directly, not "no pictures"."""
    async with running_bot(tmp_path) as world:
        bob = world.discord.add_member("bob")
        original = await world.discord.message_create("", author=bob, dispatch=False)
        forward = await world.discord.message_create(
            "", author=bob, forwards=int(original["id"]), dispatch=False
        )
        target = world.discord.get_message(int(forward["id"]))
        target["message_snapshots"][0]["message"]["sticker_items"] = [
            {"id": "749054660769218631", "name": "Wumpus dance", "format_type": 1}
        ]
        callback = await (await make_video_on(world, target)).wait_for_callback()
        assert "I can't use 1 sticker: `Wumpus dance`" in callback["data"]["content"]
        assert await nothing_recorded(world)


async def test_a_reply_refused_is_not_first_told_it_goes_on_without_a_file(tmp_path):
    """Bob's message has two photos and a PDF: no video can use two images. The member reads
    that, and which file was no use beside it, not first "I'll go on without 1 file", which
    promises a video that never comes (as /video says it, `test_video_command.py`)."""
    async with running_bot(tmp_path, message_content_intent=True) as world:
        notes = world.discord.make_attachment("notes.pdf", b"%PDF-1.4", "application/pdf")
        first = await ask(world, "reply", [*pictures(world, 2), notes])
        assert "I found 2 images" in first, first
        also = await world.discord.wait_for_message(
            predicate=lambda m: m["content"].startswith("Also, I couldn't use 1 file")
        )
        assert "`notes.pdf` (not an image or a video)" in also["content"]
        answers = [m["content"] for m in world.discord.messages() if m["content"]]
        assert not any("go on without" in text for text in answers), answers
        assert await nothing_recorded(world)


async def test_a_menu_form_refused_is_not_first_told_it_goes_on_without_a_link(tmp_path):
    """Two photos and a page link: the form opens (a link might have been a third image), and
    once it is sent the member reads why no video is made, not "I'll go on without 1 link"."""
    async with (
        Site(PUBLIC_HOST) as web,
        running_bot(tmp_path, link_allowed_networks=LINKS_ALLOWED) as world,
    ):
        page = web.serve("/page", b"<html>", "text/html")
        target = await post(world, f"look {page}", attachments=pictures(world, 2))
        submit = await fill_form(world, await make_video_on(world, target), "x")
        first = (await submit.wait_for_answer())["content"]
        assert "I found 2 images" in first, first
        assert "/video" in first and "Remove or add" not in first, "bob's images stay his"
        also = (await submit.wait_for_answer(2))["content"]
        assert also.startswith("Also, I couldn't use 1 link"), also
        assert await nothing_recorded(world)


# Links typed into the form's prompt: references, as in /video's --------------------------


async def test_image_links_typed_in_the_menus_form_add_to_the_messages_pictures(tmp_path):
    """As /video's links add to its attached files: bob's picture, then the two linked in the
    prompt, three to fuse; the links are taken out of the words sent to the model."""
    async with (
        Site(PUBLIC_HOST) as web,
        running_bot(tmp_path, link_allowed_networks=LINKS_ALLOWED) as world,
    ):
        boat, sail = web.serve("/boat.png"), web.serve("/sail.png")
        [picture] = pictures(world, 1)
        target = await post(world, attachments=[picture])
        typed = f"fuse it with {boat} {sail}\r\nat dusk"
        submit = await fill_form(world, await make_video_on(world, target), typed)
        answer = (await submit.wait_for_answer())["content"]
        assert "queued as job #1" in answer, answer
        await world.api.wait_for_submits(1)
        [sent] = world.api.submits
    assert sent["image_urls"] == [picture.url, boat, sail]
    assert sent["prompt"] == "fuse it with\r\nat dusk"
    assert sent["generation_type"] == "reference"


async def test_a_picture_link_typed_beside_the_messages_picture_is_counted_with_it(tmp_path):
    """Bob's picture stays (the member cannot take it out of his message): one more linked in
    the prompt makes two, which no video can use; said before anything is spent, with what the
    member can change, the links in the prompt."""
    async with (
        Site(PUBLIC_HOST) as web,
        running_bot(tmp_path, link_allowed_networks=LINKS_ALLOWED) as world,
    ):
        boat = web.serve("/boat.png")
        target = await post(world, attachments=pictures(world, 1))
        submit = await fill_form(world, await make_video_on(world, target), f"a boat {boat}")
        answer = await submit.wait_for_answer()
        assert answer["flags"] & EPHEMERAL
        assert "I found 2 images" in answer["content"], answer["content"]
        assert "image links in your prompt" in answer["content"], answer["content"]
        assert world.api.submits == []
        assert await nothing_recorded(world)


async def test_a_link_typed_in_the_menus_form_that_the_message_has_is_used_once(tmp_path):
    """The member pastes bob's own link into the prompt: the same picture, not a second one
    ("I found 2 images"), nor a second link checked against their allowance."""
    async with (
        Site(PUBLIC_HOST) as web,
        running_bot(tmp_path, link_allowed_networks=LINKS_ALLOWED) as world,
    ):
        world.bot.link_allowance = LinkAllowance(links=1)
        cat = web.serve("/cat.png")
        target = await post(world, f"my cat {cat}")
        submit = await fill_form(world, await make_video_on(world, target), f"a cat surfing {cat}")
        answer = (await submit.wait_for_answer())["content"]
        assert "queued as job #1" in answer, answer
        await world.api.wait_for_submits(1)
        [sent] = world.api.submits
        assert (sent["prompt"], sent["image_urls"]) == ("a cat surfing", [cat])
        assert web.hits == ["/cat.png"]


async def test_a_link_typed_in_the_menus_form_is_counted_once_in_the_members_links(tmp_path):
    """The form's link is checked against the member's links checked with the message's, once:
    a member with room for one more link gets their video, and that one link is all it took."""
    async with (
        Site(PUBLIC_HOST) as web,
        running_bot(
            tmp_path, message_content_intent=True, link_allowed_networks=LINKS_ALLOWED
        ) as world,
    ):
        world.bot.link_allowance = LinkAllowance(links=1)
        boat = web.serve("/boat.png")
        target = await post(world, "a paper boat in a storm")
        submit = await fill_form(world, await make_video_on(world, target), f"a storm {boat}")
        answer = (await submit.wait_for_answer())["content"]
        assert "queued as job #1" in answer, answer
        await world.api.wait_for_submits(1)
        [sent] = world.api.submits
        assert sent["image_urls"] == [boat]
        assert web.hits == ["/boat.png"]
        assert (
            world.bot.link_allowance.take(world.discord.user_id, 1, world.bot.clock()) is not None
        )


async def test_a_link_typed_in_the_menus_form_to_the_messages_file_is_used_once(tmp_path):
    """The member pastes the link of bob's attached picture: still one picture."""
    async with running_bot(tmp_path, link_allowed_networks=LINKS_ALLOWED) as world:
        [picture] = pictures(world, 1)
        target = await post(world, attachments=[picture])
        typed = f"a cat surfing {picture.url}"
        submit = await fill_form(world, await make_video_on(world, target), typed)
        answer = (await submit.wait_for_answer())["content"]
        assert "queued as job #1" in answer, answer
        await world.api.wait_for_submits(1)
        [sent] = world.api.submits
        assert (sent["prompt"], sent["image_urls"]) == ("a cat surfing", [picture.url])


@pytest.mark.parametrize("duration", ["4", "6"])
async def test_a_video_link_typed_in_the_menus_form_sets_the_length_unless_one_was_chosen(
    tmp_path, duration
):
    """A message of words, and a video linked in the form's prompt: as a link in the message,
    the video sets the length when the Duration is left as it opened (6 s); 4 s picked is asked
    about, not quietly made longer and dearer."""
    async with (
        Site(PUBLIC_HOST) as web,
        running_bot(
            tmp_path, message_content_intent=True, link_allowed_networks=LINKS_ALLOWED
        ) as world,
    ):
        clip = web.serve("/dance.mp4", MP4, "video/mp4")
        target = await post(world, "a robot dancing")
        interaction = await make_video_on(world, target)
        typed = f"{await prefilled_prompt(interaction)} like this {clip}"
        submit = await fill_form(world, interaction, typed, Duration=duration)
        answer = (await submit.wait_for_answer())["content"]
        if duration == "4":
            assert "can't be 4 s" in answer, answer
            assert world.api.submits == []
            assert await nothing_recorded(world)
            return
        assert "queued as job #1" in answer, answer
        await world.api.wait_for_submits(1)
        [sent] = world.api.submits
    assert (sent["prompt"], sent["video_urls"]) == ("a robot dancing like this", [clip])
    assert "duration" not in sent


async def test_a_link_typed_in_the_menus_form_to_another_port_is_never_fetched(tmp_path):
    """The form's links go through the same guarded fetcher as /video's: named and left out,
    and bob's picture still makes the video."""
    async with (
        Site(PUBLIC_HOST) as web,
        running_bot(tmp_path, link_allowed_networks=LINKS_ALLOWED) as world,
    ):
        [picture] = pictures(world, 1)
        target = await post(world, attachments=[picture])
        typed = "a boat http://93.184.215.14:6379/boat.png"
        submit = await fill_form(world, await make_video_on(world, target), typed)
        skipped = (await submit.wait_for_answer())["content"]
        assert "I'll go on without 1 link" in skipped, skipped
        assert "(a port other than the web's 80 and 443" in skipped, skipped
        assert "queued as job #1" in (await submit.wait_for_answer(2))["content"]
        await world.api.wait_for_submits(1)
        [sent] = world.api.submits
        assert sent["image_urls"] == [picture.url]
        assert sent["prompt"] == "a boat"
        assert web.hits == []


async def test_a_menus_form_prompt_of_only_a_link_is_refused_before_any_link_is_read(tmp_path):
    """As in /video: a link is no words to make a video of. Said before the bot reads the
    message's links or the prompt's (none counted against the member's links checked)."""
    async with (
        Site(PUBLIC_HOST) as web,
        running_bot(tmp_path, link_allowed_networks=LINKS_ALLOWED) as world,
    ):
        cat, boat = web.serve("/cat.png"), web.serve("/boat.png")
        target = await post(world, f"my cat {cat}")
        submit = await fill_form(world, await make_video_on(world, target), boat)
        answer = (await submit.wait_for_answer())["content"]
        assert "Your prompt is only a link" in answer, answer
        assert web.hits == []
        assert await nothing_recorded(world)


async def test_a_menus_form_over_the_links_allowance_with_its_prompt_fetches_nothing(tmp_path):
    """The message's links and the prompt's are one request: a member whose links checked
    leave room for the message's but not the prompt's is told before any is read, and none
    is counted (the message's links are not read for a request then refused)."""
    async with (
        Site(PUBLIC_HOST) as web,
        running_bot(tmp_path, link_allowed_networks=LINKS_ALLOWED) as world,
    ):
        world.bot.link_allowance = LinkAllowance(links=2)
        cat, dog, boat = web.serve("/cat.png"), web.serve("/dog.png"), web.serve("/boat.png")
        target = await post(world, f"my pets {cat} {dog}")
        submit = await fill_form(world, await make_video_on(world, target), f"a boat {boat}")
        answer = (await submit.wait_for_answer())["content"]
        assert "a lot of links to check" in answer, answer
        assert web.hits == []
        assert await nothing_recorded(world)
        # Nothing was counted: the message's two links alone still fit.
        assert world.bot.link_allowance.take(world.discord.user_id, 2, world.bot.clock()) is None


async def test_a_link_typed_in_the_menus_form_still_asks_the_cost_first_where_asked(tmp_path):
    """A server asking above 2 credits: the linked picture is read and checked, then the cost
    is asked, as before; nothing is recorded or sent until the member confirms."""
    async with (
        Site(PUBLIC_HOST) as web,
        running_bot(
            tmp_path, message_content_intent=True, link_allowed_networks=LINKS_ALLOWED
        ) as world,
    ):
        await world.bot.moderation.store.update_policy(
            Actor(world.discord.guild_id, world.discord.owner_id),
            msg("change_resumed", moderator="x"),
            confirm_above=2.0,
        )
        boat = web.serve("/boat.png")
        target = await post(world, "a paper boat in a storm")
        submit = await fill_form(world, await make_video_on(world, target), f"a storm {boat}")
        question = await submit.wait_for_answer(timeout=10)
        assert question["flags"] & EPHEMERAL
        assert "Nothing is made or counted until you confirm" in question["content"], question
        assert web.hits == ["/boat.png"], "read and checked before the question"
        assert world.api.submits == []
        assert await nothing_recorded(world)


FORM_PROMPT_BACK = "Here is the prompt you typed, to change and paste into the form again:"


async def ban_gore(world):
    actor = Actor(world.discord.guild_id, world.discord.owner_id)
    await world.bot.moderation.store.add_banned(actor, "gore")


@pytest.mark.parametrize(
    ("refused_by", "typed_after", "told"),
    [
        (ban_gore, " gore on the deck", "words this server doesn't allow"),
        (None, " --dur 7", "7"),
        (block_alice, "", "blocked you from making videos in this server"),
    ],
    ids=["banned-word", "flag", "limit-set-while-typing"],
)
async def test_a_refused_menu_form_gives_the_typed_prompt_back_to_mend(
    tmp_path, refused_by, typed_after, told
):
    """As Edit prompt and Remix do: a long prompt typed into "Make a video" and refused (a word
    the server bans, a flag, a block set while the form was open) is not lost with the form:
    it follows the refusal, privately, to change and paste into the form again."""
    typed = "a paper boat in a storm, lightning, " + "waves " * 40 + typed_after
    async with running_bot(tmp_path) as world:
        target = await post(world, attachments=pictures(world, 1))
        menu = await make_video_on(world, target)
        await menu.wait_for_callback()
        if refused_by is not None:
            await refused_by(world)
        submit = await fill_form(world, menu, typed)
        refusal = (await submit.wait_for_answer(timeout=10))["content"]
        assert told in refusal, refusal
        given_back = await submit.wait_for_answer(2, timeout=10)
        assert given_back["flags"] & EPHEMERAL, "only to the member"
        assert given_back["content"] == f"{FORM_PROMPT_BACK}\n```\n{typed}\n```"
        assert given_back["allowed_mentions"]["parse"] == []
        assert await nothing_recorded(world)


async def test_a_menu_form_that_fails_unexpectedly_gives_the_typed_prompt_back(tmp_path, caplog):
    """A bug before the job is saved: the apology, the operator's one error record, then the
    prompt typed into the form, to paste into it again."""

    def boom(*args, **kwargs):
        raise RuntimeError("injected failure")

    typed = "a paper boat in a storm, lightning over the harbour, " + "waves " * 40
    async with running_bot(tmp_path) as world:
        target = await post(world, attachments=pictures(world, 1))
        world.bot.jobs.record = boom
        submit = await fill_form(world, await make_video_on(world, target), typed)
        apology = (await submit.wait_for_answer(timeout=10))["content"]
        assert "Something went wrong on my side" in apology
        given_back = await submit.wait_for_answer(2, timeout=10)
        assert given_back["content"] == f"{FORM_PROMPT_BACK}\n```\n{typed}\n```"
        [error] = [r for r in caplog.records if r.levelname == "ERROR"]
        assert "VideoModal" in error.getMessage()
        assert await nothing_recorded(world)


async def test_a_video_from_a_spoilered_picture_keeps_it_behind_a_spoiler(tmp_path):
    """Bob hid his picture behind a spoiler (Discord names such a file `SPOILER_...`); Alice
    replies asking for a video from it. The result must not show the channel that picture
    uncovered as its reference thumbnail, nor the video made from it (its first frame, in
    frame mode) playing openly."""
    async with running_bot(
        tmp_path, message_content_intent=True, plan=TaskPlan(polls_until_done=1)
    ) as world:
        hidden = world.png("SPOILER_ending.png")
        target = await post(world, "", attachments=[hidden])
        await reply(world, target, "make the ending move")
        result = await world.wait_for_result()
    components = list(walk(result["components"]))
    [thumbnail] = [c for c in components if c["type"] == THUMBNAIL]
    assert thumbnail["media"]["url"] == hidden.url
    assert thumbnail.get("spoiler") is True, "the spoilered picture is shown uncovered"
    [gallery] = [c for c in components if c["type"] == MEDIA_GALLERY]
    assert [item.get("spoiler") for item in gallery["items"]] == [True]


async def test_a_video_from_an_open_picture_is_shown_openly(tmp_path):
    async with running_bot(
        tmp_path, message_content_intent=True, plan=TaskPlan(polls_until_done=1)
    ) as world:
        target = await post(world, "", attachments=[world.png("cat.png")])
        await reply(world, target, "make the cat move")
        result = await world.wait_for_result()
    shown = [c for c in walk(result["components"]) if c["type"] in (THUMBNAIL, MEDIA_GALLERY)]
    assert len(shown) == 2
    assert not any(c.get("spoiler") for c in shown)
    assert not any(item.get("spoiler") for c in shown for item in c.get("items", []))


async def test_without_the_intent_replies_in_a_row_get_one_note_that_goes_away(
    tmp_path, monkeypatch
):
    """Without Message Content every reply to a member's picture is refused alike: a member
    trying again and again must not fill the channel with the same public note, left there
    for good. One note, for them, that deletes itself as the help does."""
    async with running_bot(tmp_path, message_content_intent=False) as world:
        monkeypatch.setattr(sys.modules["cogs._help_notes"], "HELP_LIFETIME", 0.5)
        target = await post(world, attachments=pictures(world, 1))
        first = await reply(world, target, "make it surf")
        note = await bots_reply_to(world, first)
        assert "can't see what's in the message you replied to" in note["content"]
        assert "deletes itself" in note["content"]
        again = [await reply(world, target, text) for text in ("make it surf!", "surf please")]
        await world.discord.wait_for(
            lambda: world.discord.get_message(int(note["id"])) is None, description="the note gone"
        )
        answered = {a["id"] for a in again}
        notes = [
            m
            for m in world.discord.messages() + world.discord.deleted_messages
            if (m.get("message_reference") or {}).get("message_id") in answered
        ]
        assert notes == []
        assert await nothing_recorded(world)


async def test_a_link_left_out_from_behind_a_spoiler_is_named_behind_one(tmp_path):
    """Bob hid the ending behind a spoiler: a link to a page about it (no picture) and a file
    of notes on it, beside an open picture. Alice's reply makes a video of the picture; the
    note in the channel naming what was left out must not uncover what Bob hid."""
    async with (
        Site(PUBLIC_HOST) as web,
        running_bot(
            tmp_path, link_allowed_networks=LINKS_ALLOWED, message_content_intent=True
        ) as world,
    ):
        page = web.serve("/the-butler-did-it", b"<html>", "text/html")
        notes = world.discord.make_attachment("SPOILER_twist.pdf", b"%PDF-1.4", "application/pdf")
        target = await post(
            world, f"the ending ||{page}||", attachments=[world.png("poster.png"), notes]
        )
        asking = await reply(world, target, "make the poster move")
        note = await world.discord.wait_for_message(
            predicate=lambda m: "go on without" in m["content"]
        )
        assert note["message_reference"]["message_id"] == asking["id"]
        shown = page.removeprefix("http://")
        content = note["content"]
        assert f"||`{shown}`||" in content
        assert "||`SPOILER_twist.pdf`||" in content
        assert content.count("the-butler-did-it") == 1 and content.count("twist.pdf") == 1
        await world.api.wait_for_submits(1)


@pytest.mark.parametrize(
    ("text", "hidden"),
    [
        ("the ending ||{link}||", True),
        ("||the ending, here: {link} (do not look)||", True),
        ("the ending {link}", False),
        ("||a spoiler|| then the ending {link}", False),
    ],
)
async def test_a_video_from_a_link_behind_a_spoiler_keeps_it_behind_one(tmp_path, text, hidden):
    """Bob hid his picture's link behind a spoiler (`||link||`: Discord hides its preview too);
    Alice replies asking for a video from it. As with a `SPOILER_` file, the result must not
    show the channel that picture uncovered, nor the video made from it playing openly; the
    link APIMart gets is the one Bob wrote."""
    async with (
        Site(PUBLIC_HOST) as web,
        running_bot(
            tmp_path,
            link_allowed_networks=LINKS_ALLOWED,
            message_content_intent=True,
            plan=TaskPlan(polls_until_done=1),
        ) as world,
    ):
        link = web.serve("/ending.png")
        target = await post(world, text.format(link=link))
        await reply(world, target, "make the ending move")
        result = await world.wait_for_result()
        [sent] = world.api.submits
    assert sent["image_urls"] == [link]
    components = list(walk(result["components"]))
    [thumbnail] = [c for c in components if c["type"] == THUMBNAIL]
    assert bool(thumbnail.get("spoiler")) is hidden
    [gallery] = [c for c in components if c["type"] == MEDIA_GALLERY]
    assert [bool(item.get("spoiler")) for item in gallery["items"]] == [hidden]


@pytest.mark.parametrize(
    ("files", "found"), [(("png", 2), "I found 2 images"), (("mp4", 2), "I found 2 videos")]
)
async def test_the_menu_on_someone_elses_message_is_not_told_to_change_its_files(
    tmp_path, files, found
):
    """Make a video on bob's message with two pictures (or clips): the member cannot add files
    to his message nor take them out, and made no reply to attach them to. They are pointed to
    /video, where they choose the files."""
    async with running_bot(tmp_path) as world:
        kind, count = files
        made = pictures(world, count) if kind == "png" else [world.mp4(f"{i}.mp4") for i in "ab"]
        target = await post(world, attachments=made)
        interaction = await make_video_on(world, target)
        answer = (await interaction.wait_for_callback())["data"]["content"]
        assert found in answer, answer
        assert "/video" in answer, answer
        for advice in ("Remove or add", "your reply", "Keep just one"):
            assert advice not in answer, answer
        assert await nothing_recorded(world)


async def test_a_reply_in_a_thread_to_its_starter_message_renews_its_picture_from_the_channel(
    tmp_path,
):
    """A thread started from bob's picture shows that message at its top, and a member replies
    to it there: the reply names the channel it lives in, not the thread. Submitted hours later
    (the service busy), its picture's link is renewed from that message where it is, not
    looked for in the thread (not there: the job would fail as if bob had deleted it)."""
    clock = FakeClock()
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        channel = fake.channel_ids(fake.guild_id)[0]
        thread = fake.add_thread(channel, "cats")
        async with running_bot(
            tmp_path, fake=fake, clock=clock, message_content_intent=True
        ) as world:
            [cat] = pictures(world, 1)
            starter = await post(world, attachments=[cat])
            world.api.fail_next("submit", status=429, retry_after_header="0")
            await fake.message_create(
                f"<@{fake.bot_user_id}> make it dance",
                channel_id=thread,
                message_reference={"message_id": starter["id"], "channel_id": str(channel)},
            )
            await world.api.wait_for_submits(1)
            # Held back, to be tried again.
            while (await world.bot.store.get(1)).error_key is None:  # noqa: ASYNC110
                await asyncio.sleep(0.01)
            stored = fake.get_message(int(starter["id"]))
            fresh = cat.url.replace("hm=", "hm=resigned")
            stored["attachments"][0]["url"] = fresh
            clock.advance(2 * 3600)
            world.bot.poller.wake()
            await world.api.wait_for_submits(2, timeout=10)
            assert world.api.submits[-1]["image_urls"] == [fresh]
            job = await world.bot.store.get(1)
            assert job.state is not JobState.REJECTED


@pytest.mark.parametrize(
    ("files", "found"), [(("png", 4), "I found 4 images"), (("mp4", 2), "I found 2 videos")]
)
async def test_a_reply_to_someone_elses_message_with_too_many_files_is_pointed_to_video(
    tmp_path, files, found
):
    """Bob's message holds four pictures (or two clips): a member replying to it can take none
    of them out, and adding files to the reply only adds to the count. "Remove" or "keep just
    one" cannot be followed: they are pointed to /video, where they choose the files."""
    async with running_bot(tmp_path, message_content_intent=True) as world:
        kind, count = files
        made = pictures(world, count) if kind == "png" else [world.mp4(f"{i}.mp4") for i in "ab"]
        target = await post(world, attachments=made)
        answer = (await bots_reply_to(world, await reply(world, target, "make it dance")))[
            "content"
        ]
        assert found in answer, answer
        assert "/video" in answer, answer
        for advice in ("Remove or add", "your reply", "Keep just one"):
            assert advice not in answer, answer
        assert await nothing_recorded(world)


@pytest.mark.parametrize("own", [0, 2], ids=["reply-without-pictures", "reply-with-two"])
async def test_a_reply_to_someone_elses_two_pictures_is_told_to_attach_one_to_the_reply(
    tmp_path, own
):
    """Bob's message holds two pictures (a video uses 1 or 3): the member replying can take
    neither out of it, only choose what their own reply holds. They are told to reply with
    exactly one picture (three in all) or use /video, never to "remove" images."""
    async with running_bot(tmp_path, message_content_intent=True) as world:
        target = await post(world, attachments=pictures(world, 2))
        mine = pictures(world, own, prefix="mine")
        asked = await reply(world, target, "make it dance", attachments=mine)
        answer = (await bots_reply_to(world, asked))["content"]
        assert f"I found {2 + own} images" in answer, answer
        assert "The message you replied to has 2" in answer, answer
        assert "exactly 1 image" in answer and "/video" in answer, answer
        assert "Remove" not in answer and "remove" not in answer, answer
        assert await nothing_recorded(world)


async def test_a_reply_with_a_picture_to_someone_elses_three_is_told_to_leave_its_own_out(
    tmp_path,
):
    """Bob's three pictures are all a video can use: the member's one more is the only file
    they can take away, so they are told to reply without it (or use /video)."""
    async with running_bot(tmp_path, message_content_intent=True) as world:
        target = await post(world, attachments=pictures(world, 3))
        mine = pictures(world, 1, prefix="mine")
        asked = await reply(world, target, "make it dance", attachments=mine)
        answer = (await bots_reply_to(world, asked))["content"]
        assert "I found 4 images" in answer, answer
        assert "The message you replied to has 3 already" in answer, answer
        assert "without images" in answer and "/video" in answer, answer
        assert "Remove or add" not in answer, answer
        assert await nothing_recorded(world)


async def test_a_reply_with_a_clip_to_someone_elses_clip_is_told_to_leave_its_own_out(tmp_path):
    """Bob's message holds a clip and the member's reply another: "keep just one" offers a
    choice they do not have (bob's stays). They are told to reply without theirs to use
    bob's, or use /video with the one they want."""
    async with running_bot(tmp_path, message_content_intent=True) as world:
        target = await post(world, attachments=[world.mp4("bob.mp4")])
        asked = await reply(world, target, "make it dance", attachments=[world.mp4("mine.mp4")])
        answer = (await bots_reply_to(world, asked))["content"]
        assert "I found 2 videos" in answer, answer
        assert "the message you replied to has a video already" in answer, answer
        assert "/video" in answer, answer
        assert "Keep just one" not in answer, answer
        assert await nothing_recorded(world)


async def test_a_reply_to_ones_own_two_pictures_keeps_remove_or_add(tmp_path):
    """The member's own message (they can take a picture off it) keeps both ways."""
    async with running_bot(tmp_path, message_content_intent=True) as world:
        target = await world.discord.message_create("mine", attachments=pictures(world, 2))
        answer = (await bots_reply_to(world, await reply(world, target, "make it dance")))[
            "content"
        ]
        assert "I found 2 images" in answer and "Remove or add" in answer, answer


async def test_a_reply_to_ones_own_message_with_too_many_pictures_is_told_to_remove_some(
    tmp_path,
):
    """The member's own message (they can edit a picture off it) keeps the advice to remove."""
    async with running_bot(tmp_path, message_content_intent=True) as world:
        target = await world.discord.message_create("mine", attachments=pictures(world, 4))
        answer = (await bots_reply_to(world, await reply(world, target, "make it dance")))[
            "content"
        ]
        assert "I found 4 images" in answer and "Remove or add" in answer, answer
