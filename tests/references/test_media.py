"""Collecting references from messages: order, links, and what a link really is."""

import aiohttp
import pytest
from aiohttp import web

from bot.jobs.media import LinkProber, MessageMedia, collect
from bot.jobs.models import MediaInput

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
LIMIT = 1024


def attachment(name, content_type, size=10):
    return MediaInput(f"https://cdn.example/{name}?ex=1&hm=2", name, content_type, size)


async def no_probe(url):
    raise AssertionError(f"{url} should not be probed")


@pytest.fixture
async def site():
    """A small web server: images, a page, redirects and a large streamed image."""

    async def big(request):
        response = web.StreamResponse(headers={"Content-Type": "image/jpeg"})
        response.enable_chunked_encoding()
        await response.prepare(request)
        for _ in range(4):
            await response.write(b"\xff" * 600)
        return response

    def answer(body, content_type):
        async def handler(request):
            return web.Response(body=body, content_type=content_type)

        return handler

    def redirect(location):
        async def handler(request):
            raise web.HTTPFound(location)

        return handler

    app = web.Application()
    app.router.add_get("/cat.png", answer(PNG, "image/png"))
    app.router.add_get("/photo", answer(PNG, "image/webp"))
    app.router.add_get("/page", answer(b"<html>", "text/html"))
    app.router.add_get("/moved", redirect("/cat.png"))
    app.router.add_get("/to-ftp", redirect("ftp://files.example/cat.png"))
    app.router.add_get("/big", big)
    runner = web.AppRunner(app)
    await runner.setup()
    tcp = web.TCPSite(runner, "127.0.0.1", 0)
    await tcp.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


@pytest.fixture
async def prober():
    async with aiohttp.ClientSession() as session:
        yield LinkProber(session, max_bytes=LIMIT, allow_private=True, timeout=5)


def test_links_come_from_embeds_then_text_once_each_and_only_http():
    media = MessageMedia(
        embed_image_urls=("https://img.example/a.png",),
        content=(
            "see https://img.example/a.png, <https://img.example/b.png> and "
            "(https://img.example/c.png). ftp://img.example/d.png javascript:alert(1)"
        ),
    )
    assert media.link_urls() == [
        "https://img.example/a.png",
        "https://img.example/b.png",
        "https://img.example/c.png",
    ]


async def test_attachments_are_split_by_content_type_and_keep_their_order():
    collected = await collect(
        [
            MessageMedia(
                attachments=(
                    attachment("a.png", "image/png"),
                    attachment("move.mp4", "video/mp4"),
                    attachment("notes.pdf", "application/pdf"),
                )
            )
        ],
        no_probe,
    )
    assert [item.filename for item in collected.images] == ["a.png", "notes.pdf"]
    assert [item.filename for item in collected.videos] == ["move.mp4"]


async def test_replied_to_message_comes_first_then_the_reply(site, prober):
    replied_to = MessageMedia(
        attachments=(attachment("first.png", "image/png"),), content=f"{site}/page"
    )
    reply = MessageMedia(content=f"and this {site}/photo please")
    collected = await collect([replied_to, reply], prober)
    assert [item.filename for item in collected.images] == ["first.png", "photo"]
    assert collected.images[1].content_type == "image/webp"
    assert collected.images[1].size == len(PNG)


async def test_a_link_is_judged_by_its_content_type_not_its_name(site, prober):
    assert (await prober(f"{site}/photo")).content_type == "image/webp"
    assert await prober(f"{site}/page") is None


async def test_redirects_are_followed_to_http_only(site, prober):
    moved = await prober(f"{site}/moved")
    assert moved.url == f"{site}/cat.png"
    assert await prober(f"{site}/to-ftp") is None


async def test_a_streamed_image_is_counted_only_up_to_just_past_the_limit(site, prober):
    big = await prober(f"{site}/big")
    assert big.content_type == "image/jpeg"
    assert big.size > LIMIT


async def test_unreachable_links_are_left_out(prober):
    assert await prober("http://127.0.0.1:9/cat.png") is None


async def test_private_addresses_are_refused_unless_allowed(site):
    async with aiohttp.ClientSession() as session:
        guarded = LinkProber(session, max_bytes=LIMIT)
        assert await guarded(f"{site}/cat.png") is None
