"""The guarded fetcher: a member's URL never reaches the bot's own network, however it tries."""

import asyncio
import ipaddress
import subprocess
import sys
import threading
import time

import pytest

from bot.media.fetcher import GuardedFetcher, Refused, TooLarge, Unreachable
from bot.media.resolver import LinkResolver
from tests.fakes.nameserver import silent_nameserver
from tests.fakes.web import INTERNAL_HOST, PNG, PUBLIC_HOST, ScriptedDNS, Site

LIMIT = 1024
PUBLIC_ONLY = [ipaddress.ip_network(f"{PUBLIC_HOST}/32")]


@pytest.fixture
async def internal():
    """The operator's internal server, holding a secret; nothing may ever reach it."""
    async with Site(INTERNAL_HOST) as site:
        site.serve("/secret.png", b"internal secret", "image/png")
        yield site


@pytest.fixture
async def public(internal):
    """The "public" image site, on the same port as the internal server (for rebinding)."""
    async with Site(PUBLIC_HOST, internal.port) as site:
        site.serve("/cat.png")
        yield site


def guarded(dns=None, **options):
    return GuardedFetcher(
        max_bytes=options.pop("max_bytes", LIMIT),
        timeout=options.pop("timeout", 5),
        allowed_networks=PUBLIC_ONLY,
        resolver=dns,
        **options,
    )


async def refusal(fetcher, url):
    with pytest.raises(Refused) as caught:
        await fetcher.fetch(url)
    return str(caught.value)


async def test_a_public_image_is_fetched(public):
    async with guarded() as fetcher:
        fetched = await fetcher.fetch(public.url("/cat.png"), keep_body=True)
    assert (fetched.status, fetched.content_type, fetched.body) == (200, "image/png", PNG)


async def test_a_redirect_to_loopback_is_refused(public, internal):
    start = public.redirect("/start", internal.url("/secret.png"))
    async with guarded() as fetcher:
        reason = await refusal(fetcher, start)
    assert reason == "127.0.0.1 is loopback"
    assert internal.hits == []


async def test_a_redirect_to_cloud_metadata_is_refused_without_connecting(public):
    start = public.redirect("/start", "http://169.254.169.254/latest/meta-data/")
    async with guarded(timeout=60) as fetcher:
        reason = await refusal(fetcher, start)
    assert reason == "169.254.169.254 is link-local"


async def test_a_redirect_to_ipv6_loopback_is_refused(public):
    async with Site("::1") as internal6:
        internal6.serve("/secret.png")
        start = public.redirect("/start", internal6.url("/secret.png"))
        async with guarded() as fetcher:
            reason = await refusal(fetcher, start)
        assert reason == "::1 is loopback"
        assert internal6.hits == []


@pytest.mark.parametrize("host", ["2130706433", "0177.0.0.1", "0x7f.0.0.1", "127.1"])
async def test_numeric_forms_of_loopback_are_refused(public, internal, host):
    async with guarded() as fetcher:
        reason = await refusal(fetcher, f"http://{host}:{internal.port}/secret.png")
        redirected = public.redirect("/start", f"http://{host}:{internal.port}/secret.png")
        assert "unusual numeric form" in await refusal(fetcher, redirected)
    assert "unusual numeric form" in reason
    assert internal.hits == []


async def test_ipv4_mapped_ipv6_forms_of_loopback_are_refused(public, internal):
    mapped = f"http://[::ffff:127.0.0.1]:{internal.port}/secret.png"
    dns = ScriptedDNS({"mapped.test": [["::ffff:127.0.0.1"]]})
    async with guarded(dns) as fetcher:
        # The address as Python spells it: ::ffff:7f00:1 up to 3.12, ::ffff:127.0.0.1 from 3.13.
        literal = ipaddress.ip_address("::ffff:127.0.0.1")
        assert await refusal(fetcher, mapped) == f"{literal} is loopback (127.0.0.1 inside)"
        by_name = await refusal(fetcher, f"http://mapped.test:{internal.port}/secret.png")
    assert by_name == "::ffff:127.0.0.1 is loopback (127.0.0.1 inside)"
    assert internal.hits == []


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("169.254.169.254", "link-local"),
        # Oracle Cloud Classic's metadata: Python 3.11 calls it global.
        ("192.0.0.192", "IETF protocol assignments"),
    ],
)
async def test_a_name_that_resolves_to_metadata_is_refused_at_the_connection(public, address, kind):
    dns = ScriptedDNS({"metadata.test": [[address]]})
    async with guarded(dns, timeout=60) as fetcher:
        reason = await refusal(fetcher, "http://metadata.test/latest/meta-data/")
    assert reason == f"{address} is {kind}"


async def test_dns_rebinding_a_public_answer_then_a_private_one_never_reaches_inside(
    public, internal
):
    """The name answers public first, private next: each connection is checked on its own."""
    dns = ScriptedDNS({"rebind.test": [[PUBLIC_HOST], [INTERNAL_HOST]]})
    name = f"http://rebind.test:{public.port}"
    public.redirect("/start", f"{name}/secret.png")
    async with guarded(dns) as fetcher:
        reason = await refusal(fetcher, f"{name}/start")
        again = await refusal(fetcher, f"{name}/secret.png")
    assert reason == again == "127.0.0.1 is loopback"
    assert public.hits == ["/start"]
    assert internal.hits == []


async def test_a_name_with_a_private_and_a_public_answer_connects_only_to_the_public_one(
    public, internal
):
    dns = ScriptedDNS({"both.test": [[INTERNAL_HOST, PUBLIC_HOST]]})
    async with guarded(dns) as fetcher:
        fetched = await fetcher.fetch(f"http://both.test:{public.port}/cat.png", keep_body=True)
    assert fetched.body == PNG
    assert internal.hits == []


async def test_at_most_three_redirects_are_followed(public):
    for hop in range(1, 5):
        public.redirect(f"/r{hop}", f"/r{hop + 1}" if hop < 4 else "/cat.png")
    async with guarded() as fetcher:
        assert (await fetcher.fetch(public.url("/r2"))).url == public.url("/cat.png")
        assert await refusal(fetcher, public.url("/r1")) == "more than 3 redirects"


async def test_a_redirect_to_a_link_with_a_user_name_is_refused_and_never_sent(public, internal):
    """`http://evil@127.0.0.1/` names the internal server after a user name; to the public
    site, a password the redirect adds would be carried there. Neither hop is made."""
    to_inside = public.redirect("/inside", f"http://evil@{INTERNAL_HOST}:{internal.port}/")
    to_public = public.redirect("/public", f"http://victim:hunter2@{PUBLIC_HOST}:{public.port}/")
    async with guarded() as fetcher:
        assert await refusal(fetcher, to_inside) == "a link with a user name or password"
        assert await refusal(fetcher, to_public) == "a link with a user name or password"
    assert public.hits == ["/inside", "/public"]
    assert internal.hits == []


@pytest.mark.parametrize("target", ["ftp://files.example/cat.png", "file:///etc/passwd"])
async def test_redirects_to_other_schemes_are_refused(public, target):
    start = public.redirect("/start", target)
    async with guarded() as fetcher:
        assert "not http(s)" in await refusal(fetcher, start)


# A public address (example.com's): a link to it on a refused port never gets a connection.
THIRD_PARTY = "93.184.215.14"
# Mail, SSH, Redis, and the web's alternates (admin panels and dev servers far more often than
# image hosts): services a link could otherwise make the bot talk to from the operator's address.
OTHER_PORTS = [25, 22, 6379, 8080, 8443]


@pytest.mark.parametrize("port", OTHER_PORTS)
async def test_a_link_to_a_public_host_on_a_port_other_than_the_webs_is_refused_unlooked_up(
    port,
):
    """`http://mail.example:25/` would make the bot speak HTTP to a third party's mail server
    (or map its open ports) from the operator's address: refused before any lookup."""
    dns = ScriptedDNS({"mail.example": [[THIRD_PARTY]]})
    async with GuardedFetcher(max_bytes=LIMIT, timeout=2, resolver=dns) as fetcher:
        by_name = await refusal(fetcher, f"http://mail.example:{port}/cat.png")
        by_address = await refusal(fetcher, f"https://{THIRD_PARTY}:{port}/cat.png")
    assert by_name == by_address == f"port {port}, not 80 or 443"
    assert dns.asked == []


@pytest.mark.parametrize(
    "link",
    [
        "http://web.example/cat.png",
        "https://web.example/cat.png",
        "http://web.example:80/cat.png",
        "https://web.example:443/cat.png",
        "http://web.example:443/cat.png",
        "https://web.example:80/cat.png",
    ],
)
async def test_the_webs_ports_pass_on_to_the_address_check(link):
    """80 and 443, named or the scheme's own: the link is looked up and judged by its address
    (loopback here, so nothing is fetched)."""
    dns = ScriptedDNS({"web.example": [[INTERNAL_HOST]]})
    async with GuardedFetcher(max_bytes=LIMIT, timeout=2, resolver=dns) as fetcher:
        assert await refusal(fetcher, link) == "127.0.0.1 is loopback"
    assert dns.asked == ["web.example"]


@pytest.mark.parametrize("port", OTHER_PORTS)
async def test_a_redirect_to_a_public_host_on_another_port_is_refused_at_that_hop(public, port):
    """Each hop is held to the web's ports, whether it names the host (checked on the address
    it resolves to, as names may lead into `LINK_ALLOWED_NETWORKS`) or an address."""
    dns = ScriptedDNS({"redis.example": [[THIRD_PARTY]]})
    by_name = public.redirect("/by-name", f"http://redis.example:{port}/")
    by_address = public.redirect("/by-address", f"http://{THIRD_PARTY}:{port}/")
    async with guarded(dns, timeout=2) as fetcher:
        assert await refusal(fetcher, by_name) == f"{THIRD_PARTY}: port {port}, not 80 or 443"
        assert await refusal(fetcher, by_address) == f"port {port}, not 80 or 443"
    assert public.hits == ["/by-name", "/by-address"]


async def test_a_network_the_operator_opened_is_reached_on_any_port(public):
    """LINK_ALLOWED_NETWORKS (the "public" site here, on a random port) opens every port of
    its own addresses: an internal image server on :8080 is the operator's to allow."""
    dns = ScriptedDNS({"images.internal": [[PUBLIC_HOST]]})
    async with guarded(dns) as fetcher:
        assert (await fetcher.fetch(public.url("/cat.png"))).status == 200
        by_name = await fetcher.fetch(f"http://images.internal:{public.port}/cat.png")
    assert by_name.status == 200
    assert public.port not in (80, 443)


async def test_an_opened_network_is_reached_on_any_port_in_its_ipv6_mapped_spelling_too(public):
    """`[::ffff:127.0.0.2]` reaches the opened 127.0.0.2 itself: the address check already
    judges the IPv4 address inside, and the port check does the same."""
    async with guarded() as fetcher:
        fetched = await fetcher.fetch(f"http://[::ffff:{PUBLIC_HOST}]:{public.port}/cat.png")
    assert fetched.status == 200
    assert public.hits == ["/cat.png"]


# Hosts yarl parses but cannot name: IDNA cannot read them back (`.host` raises UnicodeError).
NO_IDN_NAMES = ["http://xn--zz/cat.png", "http://xn--a-ecp.ru/cat.png"]


@pytest.mark.parametrize("target", NO_IDN_NAMES)
async def test_a_link_or_redirect_to_a_host_that_is_no_valid_name_is_refused(public, target):
    """A member's link, or a redirect from one, to such a host is not fetched like any invalid
    link, without a lookup; never a UnicodeError for the caller to trip on."""
    start = public.redirect("/start", target)
    async with guarded() as fetcher:
        assert await refusal(fetcher, target) == "not a valid link"
        assert await refusal(fetcher, start) == "not a valid link"


async def test_a_link_whose_host_holds_a_control_character_is_refused_as_no_valid_link(public):
    """A NUL typed into a link's host is no host to look up: refused like any invalid link,
    never a ValueError from the resolver for the member to read as "something went wrong"."""
    async with guarded() as fetcher:
        assert await refusal(fetcher, "http://a\x00b/cat.png") == "not a valid link"
        assert await refusal(fetcher, "http://img\x07.example/cat.png") == "not a valid link"


async def test_a_body_past_the_byte_cap_is_refused_and_counted_only_just_past_it(public):
    big = public.stream("/big.jpg", chunks=64, chunk_size=16 * 1024)
    async with guarded() as fetcher:
        with pytest.raises(TooLarge):
            await fetcher.fetch(big, keep_body=True)
        counted = await fetcher.fetch(big)
    assert LIMIT < counted.size <= LIMIT + 64 * 1024 < 64 * 16 * 1024


async def test_a_link_that_is_no_image_or_video_is_not_downloaded_to_be_sized(public):
    """Its type alone refuses it as a reference: a member's page of 20 MB is not read."""
    page = public.stream("/page", chunks=64, chunk_size=16 * 1024, content_type="text/html")
    async with guarded() as fetcher:
        probed = await fetcher.fetch(page)
    assert (probed.content_type, probed.size) == ("text/html", 0)


async def test_a_declared_length_past_the_cap_is_refused_before_reading(public):
    huge = public.serve("/huge.png", PNG * 100)
    async with guarded() as fetcher:
        with pytest.raises(TooLarge):
            await fetcher.fetch(huge, keep_body=True)


async def test_a_server_that_never_answers_hits_the_time_cap(public):
    slow = public.never_answer("/slow.png")
    async with guarded(timeout=0.1) as fetcher:
        with pytest.raises(Unreachable, match=r"no answer within 0\.1 s"):
            await fetcher.fetch(slow)


async def test_proxy_settings_in_the_environment_are_ignored(public, monkeypatch):
    async with Site(PUBLIC_HOST) as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.origin)
        monkeypatch.setenv("http_proxy", proxy.origin)
        async with guarded() as fetcher:
            fetched = await fetcher.fetch(public.url("/cat.png"), keep_body=True)
        assert fetched.body == PNG
        assert proxy.hits == []


async def test_a_gzip_encoded_image_is_sized_by_what_it_unpacks_to(public):
    """Its Content-Length is the packed size; the size checked against the cap is the file's,
    with the body read or only counted."""
    url = public.gzipped("/big.png", PNG + b"\x00" * (LIMIT * 64))
    async with guarded() as fetcher:
        probed = await fetcher.fetch(url)
        assert probed.size > LIMIT
        with pytest.raises(TooLarge):
            await fetcher.fetch(url, keep_body=True)


async def test_links_on_a_silent_nameserver_do_not_hold_up_the_bots_other_lookups(monkeypatch):
    """A member's names whose nameserver never answers each hold a lookup thread until the
    resolver gives up, past the link's own time cap. They must not take the threads every
    other lookup of the bot (APIMart's, Discord's) goes through: 40 of them at once (five
    members' messages) would fill the event loop's pool on any machine. (Given up on after 1 s,
    the links' lookups still hold their threads, until the nameserver answers.)"""
    with silent_nameserver(monkeypatch):
        async with GuardedFetcher(max_bytes=LIMIT, timeout=1) as fetcher:
            links = [f"https://img{i}.silent-dns.example/cat.png" for i in range(40)]
            fetching = [asyncio.create_task(fetcher.fetch(link)) for link in links]
            await asyncio.sleep(0.2)
            loop = asyncio.get_running_loop()
            answered = await asyncio.wait_for(loop.getaddrinfo("localhost", 443), 2)
            assert answered, "the bot's own lookup waited behind the members' links"
            failed = await asyncio.gather(*fetching, return_exceptions=True)
        assert all(isinstance(error, Unreachable) for error in failed)


_STUCK_LOOKUP_THEN_EXIT = """
import asyncio, socket, time
from bot.media.fetcher import GuardedFetcher, Unreachable

lookup = socket.getaddrinfo
def getaddrinfo(host, *args, **kwargs):
    if str(host).endswith(".silent-dns.example"):
        time.sleep(30)
    return lookup(host, *args, **kwargs)
socket.getaddrinfo = getaddrinfo

async def main():
    async with GuardedFetcher(max_bytes=1024, timeout=0.5) as fetcher:
        try:
            await fetcher.fetch("https://img.silent-dns.example/cat.png")
        except Unreachable:
            print("given up")
asyncio.run(main())
"""


def test_a_lookup_stuck_on_a_silent_nameserver_does_not_hold_up_a_stop():
    """The link is given up on after its cap; the process then exits at once, not when the
    stuck lookup ends (Python waits for a thread pool's threads at exit: past `docker stop`'s
    10 s grace, the stop would end in SIGKILL)."""
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", _STUCK_LOOKUP_THEN_EXIT],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert done.stdout.strip() == "given up"
    assert time.monotonic() - started < 8, "the exit waited for the stuck lookup"


async def test_a_lookup_whose_thread_cannot_start_gives_its_place_back(monkeypatch):
    """No thread to be had for a moment (a container's process limit): that lookup fails, and
    the ones after it still run (a place lost each time would stop every link, and every
    result download, for good)."""
    resolver = LinkResolver(threads=1)
    start = threading.Thread.start

    def refused(thread):
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(threading.Thread, "start", refused)
    with pytest.raises(RuntimeError):
        await resolver.resolve("localhost", 443)
    monkeypatch.setattr(threading.Thread, "start", start)
    answered = await asyncio.wait_for(resolver.resolve("localhost", 443), 5)
    assert answered and answered[0]["port"] == 443
