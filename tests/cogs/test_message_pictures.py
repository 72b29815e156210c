"""The pictures a message shows as its own, as references: an image link's preview, a GIF's
still, another app's layout; never an article's preview, and never fetched from anywhere but
Discord's own copy."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import pytest

from tests.cogs.test_references import (
    LINKS_ALLOWED,
    bots_reply_to,
    fill_form,
    make_video_on,
    post,
    reply,
)
from tests.fakes.apimart import TaskPlan
from tests.fakes.components import (
    FLAG_IS_COMPONENTS_V2,
    MEDIA_GALLERY,
    SECTION,
    THUMBNAIL,
    media_items,
    walk,
)
from tests.fakes.web import Site
from tests.harness import World, running_bot

TEXT_DISPLAY = 10


@dataclass
class Places:
    """The bot, a member's web site, and the stand-in for Discord's media proxy (which
    serves the copy of a picture Discord shows)."""

    world: World
    web: Site
    proxy: Site


@asynccontextmanager
async def places(tmp_path) -> AsyncIterator[Places]:
    async with (
        Site() as web,
        Site() as proxy,
        running_bot(
            tmp_path,
            media_proxy=proxy.origin,
            link_allowed_networks=LINKS_ALLOWED,
            message_content_intent=True,
        ) as world,
    ):
        yield Places(world, web, proxy)


async def sent_from(world, target, way, prompt="make it move"):
    """The image links the service was sent for a video asked `way` from `target`."""
    if way == "menu":
        submit = await fill_form(world, await make_video_on(world, target), prompt)
        answer = (await submit.wait_for_answer())["content"]
        if "queued as job #1" not in answer:  # after a note on a link left out
            answer = (await submit.wait_for_answer(2))["content"]
        assert "queued as job #1" in answer, answer
    else:
        answer = await bots_reply_to(world, await reply(world, target, prompt))
        assert "asked for a video" in answer["content"], answer["content"]
    await world.api.wait_for_submits(1)
    return world.api.submits[0]["image_urls"]


def proxied(proxy: Site, link: str) -> str:
    """Discord's copy of `link` (as images-ext-1.discordapp.net/external/... serves it)."""
    return proxy.serve("/external/" + link.rsplit("/", 1)[-1])


@pytest.mark.parametrize("way", ["menu", "reply"])
async def test_an_image_link_is_used_by_discords_copy_and_its_site_is_never_fetched(tmp_path, way):
    """A bare image link shows as an "image" embed: the member sees a picture. It is used,
    through Discord's copy of it: the link's own server gets no request from the bot."""
    async with places(tmp_path) as at:
        link = at.web.serve("/cat.png")
        copy = proxied(at.proxy, link)
        embed = {"type": "image", "url": link, "thumbnail": {"url": link, "proxy_url": copy}}
        target = await post(at.world, link, embeds=[embed])
        assert await sent_from(at.world, target, way) == [copy]
        assert at.web.hits == []


async def test_a_gif_from_the_gif_picker_is_used_by_discords_copy_of_its_still(tmp_path):
    """A Tenor GIF is a "gifv" embed: a looping video and a still of it. The still, as Discord
    keeps it, is the reference; neither Tenor's page, still nor loop is fetched."""
    async with places(tmp_path) as at:
        still, loop = at.web.serve("/dance.png"), at.web.serve("/dance.mp4", b"mp4", "video/mp4")
        copy = proxied(at.proxy, still)
        gif = {
            "type": "gifv",
            "url": "https://tenor.com/view/dance-123",
            "provider": {"name": "Tenor", "url": "https://tenor.co"},
            "thumbnail": {"url": still, "proxy_url": copy, "width": 498, "height": 280},
            "video": {"url": loop, "proxy_url": proxied(at.proxy, loop), "width": 498},
        }
        target = await post(at.world, "https://tenor.com/view/dance-123", embeds=[gif])
        assert await sent_from(at.world, target, "menu") == [copy]
        assert at.web.hits == []
        assert at.proxy.hits == ["/external/dance.png"], "the loop is not fetched"


def layout_media(url: str, copy: str) -> dict:
    return {"media": {"url": url, "proxy_url": copy}}


async def test_another_apps_gallery_of_pictures_is_used_by_discords_copies(tmp_path):
    """A bot or webhook posts three pictures in a Components V2 media gallery: the member
    sees them as the message's pictures, and they are the references, in order."""
    async with places(tmp_path) as at:
        links = [at.web.serve(f"/{n}.png") for n in range(3)]
        copies = [proxied(at.proxy, link) for link in links]
        gallery = {
            "type": MEDIA_GALLERY,
            "items": [layout_media(link, copy) for link, copy in zip(links, copies, strict=True)],
        }
        target = await post(at.world, components=[gallery], flags=FLAG_IS_COMPONENTS_V2)
        assert await sent_from(at.world, target, "menu") == copies
        assert at.web.hits == []


async def test_another_apps_thumbnail_beside_its_text_is_used_by_discords_copy(tmp_path):
    """A Components V2 section's thumbnail is the picture such a post shows."""
    async with places(tmp_path) as at:
        link = at.web.serve("/portrait.png")
        copy = proxied(at.proxy, link)
        section = {
            "type": SECTION,
            "components": [{"type": TEXT_DISPLAY, "content": "Today's portrait"}],
            "accessory": {"type": THUMBNAIL, **layout_media(link, copy)},
        }
        target = await post(at.world, components=[section], flags=FLAG_IS_COMPONENTS_V2)
        assert await sent_from(at.world, target, "menu") == [copy]
        assert at.web.hits == []


@pytest.mark.parametrize("kind", ["article", "link"])
@pytest.mark.parametrize("shown_as", ["thumbnail", "image"])
async def test_an_articles_preview_picture_is_no_second_image(tmp_path, kind, shown_as):
    """A photo and a news link: the link's preview picture is decoration, not a picture the
    member posted. One image, not two (which the service refuses: "attach 1 or 3")."""
    async with places(tmp_path) as at:
        photo = at.world.png("photo.png")
        page = at.web.serve("/news", b"<html>", "text/html")
        preview = at.web.serve("/preview.png")
        article = {
            "type": kind,
            "url": page,
            "title": "City floods",
            shown_as: {"url": preview, "proxy_url": proxied(at.proxy, preview)},
        }
        target = await post(at.world, f"look {page}", attachments=[photo], embeds=[article])
        assert await sent_from(at.world, target, "menu") == [photo.url]
        assert at.proxy.hits == []
        assert "/preview.png" not in at.web.hits


SHAPES = {
    "rich embed": lambda media: {"embeds": [{"type": "rich", "image": media}]},
    "image embed": lambda media: {
        "embeds": [{"type": "image", "url": media["url"], "thumbnail": media}]
    },
    "gallery": lambda media: {
        "components": [{"type": MEDIA_GALLERY, "items": [{"media": media}]}],
        "flags": FLAG_IS_COMPONENTS_V2,
    },
}


@pytest.mark.parametrize("copy", ["none", "elsewhere"])
@pytest.mark.parametrize("shape", SHAPES)
async def test_a_picture_only_reachable_outside_discord_is_never_fetched(tmp_path, shape, copy):
    """An embed or a layout whose picture Discord keeps no copy of (or whose copy is said to
    be elsewhere) names a server the bot must not be made to reach: it is left out unfetched,
    and the member's own picture makes the video. (A gallery's link Discord did not copy is
    answered with itself as its copy.)"""
    async with places(tmp_path) as at:
        photo = at.world.png("photo.png")
        media = {"url": at.web.serve("/inside.png")}
        if copy == "elsewhere":
            media["proxy_url"] = at.web.serve("/copy.png")
        target = await post(at.world, attachments=[photo], **SHAPES[shape](media))
        assert await sent_from(at.world, target, "menu") == [photo.url]
        assert at.web.hits == []


async def test_a_reply_to_a_result_is_no_reference_to_the_pictures_it_was_made_from(tmp_path):
    """The bot's result shows the picture it was made from as a thumbnail beside its label:
    a reply to the result means the result's video, not that picture as well."""
    async with running_bot(
        tmp_path,
        plan=TaskPlan(polls_until_done=1),
        message_content_intent=True,
        # Were the thumbnail read, its copy (on the fake's CDN) could be fetched and sent.
        link_allowed_networks="127.0.0.1/32",
    ) as world:
        await (await world.video(prompt="a cat", image=world.png("cat.png"))).wait_for_answer()
        result = await world.wait_for_result()
        assert "/cat.png?" in media_items(result)[-1]["url"], "the reference is shown"
        video = result["attachments"][0]["url"]
        await bots_reply_to(world, await reply(world, result, "now at night"))
        await world.api.wait_for_submits(2)
        sent = world.api.submits[1]
        assert "image_urls" not in sent
        assert [url.split("?")[0] for url in sent["video_urls"]] == [video.split("?")[0]]


async def test_one_picture_link_behind_a_spoiler_hides_that_picture_alone(tmp_path):
    """Bob posts three picture links and hides only the middle one (`||link||`): Discord shows
    the other two openly. Alice's reply fuses all three: the result keeps the hidden one behind
    a spoiler (and the video made from it), but not the two Bob showed to everyone."""
    async with (
        Site() as web,
        Site() as proxy,
        running_bot(
            tmp_path,
            media_proxy=proxy.origin,
            link_allowed_networks=LINKS_ALLOWED,
            message_content_intent=True,
            plan=TaskPlan(polls_until_done=1),
        ) as world,
    ):
        links = [web.serve(f"/{name}.png") for name in ("dawn", "ending", "dusk")]
        copies = [proxied(proxy, link) for link in links]
        embeds = [
            {"type": "image", "url": link, "thumbnail": {"url": link, "proxy_url": copy}}
            for link, copy in zip(links, copies, strict=True)
        ]
        dawn, ending, dusk = links
        target = await post(world, f"{dawn} ||{ending}|| {dusk}", embeds=embeds)
        await reply(world, target, "blend them into one scene")
        result = await world.wait_for_result()
        [sent] = world.api.submits
    assert sent["image_urls"] == copies
    components = list(walk(result["components"]))
    thumbnails = [c for c in components if c["type"] == THUMBNAIL]
    assert [bool(t.get("spoiler")) for t in thumbnails] == [False, True, False]
    [gallery] = [c for c in components if c["type"] == MEDIA_GALLERY]
    assert [bool(item.get("spoiler")) for item in gallery["items"]] == [True]
