"""Collecting references from messages: order, links, and what a link really is."""

import asyncio
import ipaddress

import pytest

from bot.jobs.media import (
    LinkProber,
    MessageMedia,
    Skipped,
    SkipReason,
    collect,
    links_to_check,
    skipped_note,
)
from bot.jobs.models import JobRefused, MediaInput
from bot.jobs.validation import check_media
from bot.media.fetcher import GuardedFetcher
from bot.media_refresh import attachment_id, rehosted_expiry
from tests.fakes.nameserver import silent_nameserver
from tests.fakes.web import INTERNAL_HOST, PNG, PUBLIC_HOST, ScriptedDNS, Site

LIMIT = 1024


def attachment(name, content_type, size=10):
    return MediaInput(f"https://cdn.example/{name}?ex=1&hm=2", name, content_type, size)


async def no_probe(url):
    raise AssertionError(f"{url} should not be probed")


@pytest.fixture
async def site():
    """A small web server on the "public" address: images, a page and redirects."""
    async with Site(PUBLIC_HOST) as web:
        web.serve("/cat.png")
        web.serve("/photo", PNG, "image/webp")
        web.serve("/page", b"<html>", "text/html")
        web.redirect("/moved", "/cat.png")
        web.redirect("/to-ftp", "ftp://files.example/cat.png")
        yield web.origin


@pytest.fixture
async def internal():
    """The operator's own server: a member's link must never reach it."""
    async with Site(INTERNAL_HOST) as web:
        web.serve("/secret.png", b"internal secret", "image/png")
        yield web


def guarded_prober(dns=None):
    allowed = [ipaddress.ip_network(f"{PUBLIC_HOST}/32")]
    return GuardedFetcher(max_bytes=LIMIT, timeout=5, allowed_networks=allowed, resolver=dns)


@pytest.fixture
async def prober():
    async with guarded_prober() as fetcher:
        yield LinkProber(fetcher)


def test_links_come_from_embeds_then_text_once_each_and_only_http():
    media = MessageMedia(
        shown_urls=("https://img.example/a.png",),
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


@pytest.mark.parametrize(
    ("text", "hidden"),
    [
        ("||https://pics.example/a.png|| https://pics.example/b.png", {"a"}),
        ("https://pics.example/a.png ||https://pics.example/b.png||", {"b"}),
        ("||a twist|| https://pics.example/a.png https://pics.example/b.png", set()),
    ],
)
def test_a_spoiler_hides_the_preview_of_its_own_link_alone(text, hidden):
    """Each image link's preview (Discord's copy) is hidden as its link is written: one link
    behind a spoiler leaves the previews of open links uncovered; a picture no link stands for
    (a bot's) stays hidden beside any link behind one."""
    previews = {name: f"https://media.example/external/{name}.png" for name in "ab"}
    pages = {name: f"https://pics.example/{name}.png" for name in "ab"}
    media = MessageMedia(
        shown_urls=(*previews.values(), "https://media.example/bots.png"),
        content=text,
        pictured_pages=tuple((pages[name], previews[name]) for name in "ab"),
    )
    shown_hidden = {name for name, url in previews.items() if url in media.hidden_urls()}
    assert shown_hidden == hidden
    assert ("https://media.example/bots.png" in media.hidden_urls()) is bool(hidden)


def test_a_link_whose_host_is_no_valid_name_is_no_link():
    """`xn--zz` parses as a host, but IDNA cannot read it (yarl's `.host` raises UnicodeError):
    written in a message, shown as its picture, or Bob's typo beside his picture, it is no
    link, and the rest of the message is read as ever."""
    media = MessageMedia(
        shown_urls=("http://xn--a-ecp.ru/a.png",),
        content="my cat http://xn--zz/cat.png and https://img.example/b.png",
    )
    assert media.link_urls() == ["https://img.example/b.png"]
    assert links_to_check([media]) == 1


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
    assert [item.filename for item in collected.images] == ["a.png"]
    assert [item.filename for item in collected.videos] == ["move.mp4"]


async def test_a_file_that_is_neither_image_nor_video_is_left_out_by_name():
    """A message's PDF is no reference; the member cannot remove it from someone else's
    message, so it is left out (and named) rather than refusing the whole request."""
    pdf = attachment("notes.pdf", "application/pdf")
    collected = await collect(
        [MessageMedia(attachments=(attachment("a.png", "image/png"), pdf))], no_probe
    )
    assert [item.filename for item in collected.images] == ["a.png"]
    assert collected.skipped == (Skipped(pdf.url, SkipReason.NOT_MEDIA, filename="notes.pdf"),)
    note = skipped_note(collected.skipped).render("en-US")
    # One thing left out is no "them".
    assert "go on without 1 file I can't use: `notes.pdf` (not an image or a video)" in note
    assert "cdn.example" not in note


async def test_an_image_type_the_service_refuses_is_still_offered_so_it_is_named():
    """A GIF is an image the service cannot use: validation names it rather than skipping
    it quietly and making a video without the picture the member meant."""
    collected = await collect(
        [MessageMedia(attachments=(attachment("a.gif", "image/gif"),))], no_probe
    )
    assert [item.filename for item in collected.images] == ["a.gif"]
    with pytest.raises(JobRefused) as refused:
        check_media(collected.images, collected.videos, max_file_bytes=LIMIT)
    told = refused.value.user_message.render("en-US")
    assert told.startswith("`a.gif` is not a supported image"), told


async def test_replied_to_message_comes_first_then_the_reply(site, prober):
    replied_to = MessageMedia(
        attachments=(attachment("first.png", "image/png"),), content=f"{site}/page"
    )
    reply = MessageMedia(content=f"and this {site}/photo please")
    collected = await collect([replied_to, reply], prober)
    assert [item.filename for item in collected.images] == ["first.png", "photo"]
    assert collected.images[1].content_type == "image/webp"
    assert collected.images[1].size == len(PNG)
    assert collected.skipped == (Skipped(f"{site}/page", SkipReason.NOT_MEDIA),)


async def test_a_link_is_judged_by_its_content_type_not_its_name(site, prober):
    assert (await prober(f"{site}/photo")).content_type == "image/webp"
    assert await prober(f"{site}/page") == Skipped(f"{site}/page", SkipReason.NOT_MEDIA)


# What phones and web servers really send under an image's or a video's type.
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 32
AVIF = b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf" + b"\x00" * 32
SVG = b'<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>'
LOGIN_PAGE = b"\xef\xbb\xbf\n  <!DOCTYPE html><html><body>Please log in</body></html>"


@pytest.mark.parametrize(
    ("body", "declared", "judged"),
    [
        (HEIC, "image/jpeg", "image/heic"),  # an iPhone photo renamed .jpg, typed by its name
        (AVIF, "image/png", "image/avif"),
        (SVG, "image/png", "image/svg+xml"),
        (b"GIF89a" + b"\x00" * 32, "image/jpeg", "image/gif"),
    ],
    ids=["heic", "avif", "svg", "gif"],
)
async def test_a_picture_the_service_cannot_use_is_named_whatever_type_its_server_gives(
    prober, body, declared, judged
):
    """A server naming a HEIC, AVIF, SVG or GIF `image/jpeg` (by the file's name, say) would
    have the job sent, and the member wait for a failure from the service: its first bytes
    tell what it is, and the member is told at once which picture cannot be used."""
    async with Site(PUBLIC_HOST) as web:
        found = await prober(web.serve("/photo.jpg", body, declared))
    assert isinstance(found, MediaInput), found
    assert found.content_type == judged
    with pytest.raises(JobRefused) as refused:
        check_media([found], [], max_file_bytes=LIMIT)
    # A HEIC, an iPhone's photo, is named as one, with what to send instead.
    told = "heic_image" if judged == "image/heic" else "wrong_image_type"
    assert refused.value.user_message.key == told


@pytest.mark.parametrize("declared", ["image/png", "video/mp4"])
async def test_a_web_page_sent_as_an_image_or_a_video_is_left_out_as_no_media(prober, declared):
    """A hot-link guard or a login page answering 200 under the picture's type is a page."""
    async with Site(PUBLIC_HOST) as web:
        link = web.serve("/cat.png", LOGIN_PAGE, declared)
        assert await prober(link) == Skipped(link, SkipReason.NOT_MEDIA)


async def test_pictures_and_clips_whose_first_bytes_agree_keep_their_type(site, prober):
    async with Site(PUBLIC_HOST) as web:
        mp4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 8
        clip = await prober(web.serve("/clip", mp4, "video/mp4"))
        unknown = await prober(web.serve("/odd", b"\xff" * 32, "image/jpeg"))
    assert (clip.content_type, unknown.content_type) == ("video/mp4", "image/jpeg")
    # A PNG sent as WebP is a picture the service takes either way: judged as sent.
    assert (await prober(f"{site}/photo")).content_type == "image/webp"


async def test_redirects_are_followed_to_http_only(site, prober):
    moved = await prober(f"{site}/moved")
    assert moved.url == f"{site}/cat.png"
    assert (await prober(f"{site}/to-ftp")).reason is SkipReason.UNREACHABLE


async def test_a_streamed_image_past_the_size_cap_is_refused_after_reading_just_past_it(prober):
    async with Site(PUBLIC_HOST) as web:
        # 1 MB with no declared length: far more than the cap, so only counting can tell.
        big = await prober(web.stream("/big", chunks=64, chunk_size=16 * 1024))
    assert big.content_type == "image/jpeg"
    assert LIMIT < big.size <= LIMIT + 64 * 1024
    with pytest.raises(JobRefused) as refused:
        check_media([big], [], max_file_bytes=LIMIT)
    # Its real size is unknown (only counted until past the cap): no size is made up for it.
    assert refused.value.user_message.key == "file_over_limit"


async def test_unreachable_links_are_left_out(prober):
    assert (await prober(f"http://{PUBLIC_HOST}:9/cat.png")).reason is SkipReason.UNREACHABLE


async def test_a_members_link_cannot_pass_for_the_bots_own_rehosted_copy(prober):
    """The bot marks its copies re-hosted on APIMart in the URL's fragment: a member's link
    typed with that mark, or redirected to one carrying it, keeps none of it (else it would be
    fetched again at submit and uploaded on the operator's account)."""
    mark = "#rehosted-until=1&attachment=5"
    async with Site(PUBLIC_HOST) as web:
        web.serve("/cat.png")
        typed = await prober(web.url("/cat.png") + mark)
        redirected = await prober(web.redirect("/moved", "/cat.png" + mark))
    for found in (typed, redirected):
        assert isinstance(found, MediaInput), found
        assert found.url == web.url("/cat.png")
        assert rehosted_expiry(found.url) is None and attachment_id(found.url) is None


async def test_private_addresses_are_refused_unless_allowed(site, internal, prober):
    assert (await prober(internal.url("/secret.png"))).reason is SkipReason.BLOCKED
    async with GuardedFetcher(max_bytes=LIMIT) as fetcher:
        assert (await LinkProber(fetcher)(f"{site}/cat.png")).reason is SkipReason.BLOCKED
    assert internal.hits == []


async def test_a_link_or_redirect_to_another_port_than_the_webs_is_left_out_saying_so(prober):
    """A link to a public host's mail port, typed or redirected to, is left out as such (not
    "could not be reached", which would invite trying again), in English and Chinese."""
    async with Site(PUBLIC_HOST) as web:
        typed = "http://93.184.215.14:25/cat.png"
        redirected = web.redirect("/cat.png", "https://93.184.215.14:6379/cat.png")
        collected = await collect([MessageMedia(content=f"{typed} {redirected}")], prober)
    assert [item.reason for item in collected.skipped] == [SkipReason.PORT, SkipReason.PORT]
    assert web.hits == ["/cat.png"]
    note = skipped_note(collected.skipped, nothing_left=True)
    said = (
        "`93.184.215.14:25/cat.png` (a port other than the web's 80 and 443, which I never fetch)"
    )
    assert said in note.render("en-US")
    assert "80 和 443 以外的端口" in note.render("zh-CN")


async def test_a_link_whose_name_rebinds_to_loopback_is_left_out(internal):
    dns = ScriptedDNS({"rebind.test": [[PUBLIC_HOST], [INTERNAL_HOST]]})
    async with Site(PUBLIC_HOST, internal.port) as web, guarded_prober(dns) as fetcher:
        web.serve("/secret.png", PNG, "image/png")
        probe = LinkProber(fetcher)
        link = f"http://rebind.test:{internal.port}/secret.png"
        assert (await probe(link)).content_type == "image/png"
        assert (await probe(link)).reason is SkipReason.BLOCKED
    assert internal.hits == []


async def test_a_redirect_into_the_bots_network_is_left_out(site, internal, prober):
    async with Site(PUBLIC_HOST) as web:
        for path, target in [
            ("/loopback", internal.url("/secret.png")),
            ("/metadata", "http://169.254.169.254/latest/meta-data/"),
            ("/decimal", f"http://2130706433:{internal.port}/secret.png"),
            ("/mapped", f"http://[::ffff:127.0.0.1]:{internal.port}/secret.png"),
        ]:
            assert (await prober(web.redirect(path, target))).reason is SkipReason.BLOCKED, path
    assert internal.hits == []


async def test_a_link_redirecting_to_a_host_that_is_no_valid_name_is_left_out_by_its_link(
    prober,
):
    async with Site(PUBLIC_HOST) as web:
        link = web.redirect("/cat.png", "http://xn--zz/cat.png")
        collected = await collect([MessageMedia(content=f"my cat {link}")], prober)
    [skipped] = collected.skipped
    assert skipped.reason is SkipReason.UNREACHABLE
    assert skipped.shown == f"{PUBLIC_HOST}:{web.port}/cat.png"


async def test_one_members_links_on_a_silent_nameserver_leave_another_members_link_be_read(
    monkeypatch,
):
    """Mallory posts one message of 8 links whose names' nameserver never answers (within the
    link allowance). Alice's picture link, a moment later, is read: Mallory's lookups hold
    only her share of the lookup threads, not every one, leaving Alice told her link "could
    not be reached"."""
    allowed = [ipaddress.ip_network(f"{PUBLIC_HOST}/32")]
    with silent_nameserver(monkeypatch, answers={"cats.example": PUBLIC_HOST}):
        async with (
            Site(PUBLIC_HOST) as web,
            GuardedFetcher(max_bytes=LIMIT, timeout=2, allowed_networks=allowed) as fetcher,
        ):
            web.serve("/cat.png")
            prober = LinkProber(fetcher)
            links = " ".join(f"http://img{i}.silent-dns.example/x.png" for i in range(8))
            mallory = asyncio.create_task(
                collect([MessageMedia(content=links)], prober.for_member(666))
            )
            await asyncio.sleep(0.2)
            alices = MessageMedia(content=f"http://cats.example:{web.port}/cat.png")
            alice = await collect([alices], prober.for_member(42))
            assert alice.skipped == () and len(alice.images) == 1, alice
            assert len((await mallory).skipped) == 8


@pytest.mark.parametrize(
    ("name", "content_type", "kind"),
    [
        ("notes.pdf", None, "skipped"),  # no type from Discord: the name tells
        ("clip", None, "image"),  # nothing tells: offered, so validation names it
        ("cat.png", "application/octet-stream", "image"),
        ("move.mp4", None, "video"),
    ],
)
async def test_a_file_without_a_telling_type_is_judged_by_its_name(name, content_type, kind):
    collected = await collect(
        [MessageMedia(attachments=(attachment(name, content_type),))], no_probe
    )
    found = {
        "image": collected.images,
        "video": collected.videos,
        "skipped": collected.skipped,
    }
    assert [kind_ for kind_, items in found.items() if items] == [kind]


async def test_an_ipv4_only_image_host_seen_through_dns64_is_not_called_a_private_address():
    """The member is told the link is "a private or local address the bot never fetches"."""
    dns = ScriptedDNS({"ipv4only.test": [["64:ff9b::a29f:80e9"]]})  # 162.159.128.233
    async with GuardedFetcher(max_bytes=1024, timeout=2, resolver=dns) as fetcher:
        found = await LinkProber(fetcher)("http://ipv4only.test/cat.png")
    assert not (hasattr(found, "reason") and found.reason is SkipReason.BLOCKED), found


async def test_a_link_with_a_password_is_not_forwarded_to_apimart_with_it():
    """A member's `user:pass@` link: its password must not travel to APIMart (nor be stored)."""
    async with Site(PUBLIC_HOST) as site:
        site.serve("/cat.png")
        url = f"http://victim:hunter2@{PUBLIC_HOST}:{site.port}/cat.png"
        async with GuardedFetcher(
            max_bytes=1024, timeout=5, allowed_networks=[ipaddress.ip_network(f"{PUBLIC_HOST}/32")]
        ) as fetcher:
            found = await LinkProber(fetcher)(url)
    assert not isinstance(found, MediaInput), found.url
    assert found.reason is SkipReason.PASSWORD


def test_links_that_were_all_a_video_prompt_had_are_named_as_one_or_as_several():
    one = (Skipped("https://example.com/page", SkipReason.NOT_MEDIA),)
    two = (*one, Skipped("https://example.com/gone.png", SkipReason.UNREACHABLE))

    def said(skipped):
        return skipped_note(skipped, nothing_left=True, in_prompt=True).render("en-US")

    assert "take the link out of your prompt" in said(one)
    assert "take those links out of your prompt" in said(two)
    assert "去掉这些链接" in skipped_note(two, nothing_left=True, in_prompt=True).render("zh-CN")
