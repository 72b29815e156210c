"""The one HTTP client for URLs the bot does not control: public addresses only, every time.

Members' links and references, and the result links APIMart names (which a spoofed or hijacked
answer could point anywhere) all go through it.

The address check lives in the connector's socket factory, which is handed the very address
each connection is about to use, after DNS. So a redirect hop, a second DNS answer (rebinding)
or an IPv6 form of a private address meets the same check as the first request. The session is
the fetcher's own: no proxy from the environment, no cookies, nothing shared with the bot's
trusted session (APIMart, Discord) except on the one origin it is told to trust. Redirects are
followed by hand (at most 3, http(s) only); every `fetch` has a byte cap and a total time cap
(an `open` caller streams and caps the body itself).

Only the web's ports, 80 and 443, on every hop: any other port of a public host would let a
link make the bot speak HTTP to a third party's mail, Redis or SSH server (or map its open
ports) from the operator's address. The networks the operator opened (LINK_ALLOWED_NETWORKS)
are theirs, every port included. A named port is refused from the URL when it can be (a
literal address, or nothing opened that a name could lead to), else by the socket factory,
which sees the address and port of every connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import socket
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import aiohttp
import yarl
from aiohappyeyeballs import AddrInfoType
from aiohttp.abc import AbstractResolver

from bot.media.addresses import (
    IPAddress,
    IPNetwork,
    NumericHostError,
    literal_address,
    refusal,
)
from bot.media.formats import HEAD_BYTES
from bot.media.resolver import LinkResolver

log = logging.getLogger(__name__)

HTTP_SCHEMES = frozenset({"http", "https"})
# Not 8080 or 8443: they are admin panels, proxies and development servers far more often than
# image hosts and CDNs, which is what this rule keeps links away from; a picture on one can be
# attached instead, and an operator's own server there is opened by LINK_ALLOWED_NETWORKS.
WEB_PORTS = frozenset({80, 443})
MAX_REDIRECTS = 3
# What a member's link may be, as a reference; the bot sizes nothing else.
MEDIA_TYPES = ("image/", "video/")
DEFAULT_TIMEOUT = 30.0
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024
# Starts every socket-factory refusal, so it is recognised even when aiohappyeyeballs merges the
# errors of several addresses into one plain OSError.
_REFUSED = "refused: "
# The same for a port the guard does not open (never a substring of `_REFUSED`'s refusals).
_PORT_REFUSED = "closed port: "


class FetchError(Exception):
    """A member's URL was not fetched; the message says why (never the URL's query)."""


class Refused(FetchError):
    """The guard said no: not a public address, not http(s), or too many redirects."""


class PrivateAddress(Refused):
    """The link leads to a private, local or otherwise non-public address (or hides one)."""


class PortRefused(Refused):
    """The link (or a redirect) names a port other than the web's on a host not opened."""


class TooLarge(FetchError):
    """The body is larger than the byte cap."""


class Unreachable(FetchError):
    """The network or the server failed, or the time cap passed."""


class AddressRefused(OSError):
    """Raised by the socket factory, so aiohttp gives up on that address without connecting."""


@dataclass(frozen=True)
class Fetched:
    """The final answer, after redirects."""

    url: str
    status: int
    content_type: str
    # Declared by the server, or counted (counting stops just past the cap).
    size: int
    # Empty unless the body was asked for.
    body: bytes = b""
    # False when counting stopped past the cap: the body is larger still, by how much unknown.
    size_exact: bool = True
    # A media body's first bytes (up to `HEAD_BYTES`), which tell what it really is.
    head: bytes = b""


def _not_a_web_port(port: object) -> str:
    return f"port {port}, not 80 or 443"


def _parse(url: str) -> yarl.URL:
    try:
        return yarl.URL(url)
    except ValueError:
        raise Refused("not a valid link") from None


def has_a_host_name(url: yarl.URL) -> bool:
    """Whether `url` names a host, and one IDNA can read: yarl parses `http://xn--zz/` but its
    `.host` (and `human_repr`) raise UnicodeError on it. Messages and logs use `raw_host`. A
    control character (a NUL typed into a link) names no host either: the C resolver and
    `inet_aton` raise ValueError on it."""
    if not url.raw_host or any(ord(char) < 0x20 or ord(char) == 0x7F for char in url.raw_host):
        return False
    try:
        return url.host is not None
    except UnicodeError:
        return False


@dataclass(frozen=True)
class TrustedOrigin:
    """One origin reached through a session of the bot's own, unchecked: APIMart's, whose
    answers name the result links (an operator may run it behind a proxy on a private address).
    Only that exact scheme, host and port; a redirect away from it is checked like any link."""

    origin: yarl.URL
    session: aiohttp.ClientSession


class GuardedFetcher:
    """Fetches members' URLs; owns its session, opened on first use and closed by `close`."""

    def __init__(
        self,
        *,
        max_bytes: int,
        timeout: float = DEFAULT_TIMEOUT,
        allowed_networks: Sequence[IPNetwork] = (),
        resolver: AbstractResolver | None = None,
        max_redirects: int = MAX_REDIRECTS,
        trusted: TrustedOrigin | None = None,
    ) -> None:
        self.max_bytes = max_bytes
        self._timeout = timeout
        # Networks the operator opened on purpose (LINK_ALLOWED_NETWORKS); none by default.
        self._allowed = tuple(allowed_networks)
        # Never the event loop's resolver: a silent nameserver behind a link would hold up
        # every lookup the bot makes (`bot.media.resolver`).
        self._resolver = resolver if resolver is not None else LinkResolver()
        self._max_redirects = max_redirects
        self._trusted = trusted
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> GuardedFetcher:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the session, if one was opened."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _open_socket(self, addr_info: AddrInfoType) -> socket.socket:
        """The connector's socket factory: the last word on every address, after DNS."""
        family, kind, proto, _, sockaddr = addr_info
        address = literal_address(str(sockaddr[0]))
        reason = "not an address" if address is None else refusal(address, self._allowed)
        if reason is not None:
            raise AddressRefused(f"{_REFUSED}{sockaddr[0]} is {reason}")
        assert address is not None
        if not self._port_open(address, int(sockaddr[1])):
            raise AddressRefused(f"{_PORT_REFUSED}{sockaddr[0]}: {_not_a_web_port(sockaddr[1])}")
        return socket.socket(family=family, type=kind, proto=proto)

    def _port_open(self, address: IPAddress, port: int) -> bool:
        """The web's ports anywhere; any port on a network the operator opened, an
        IPv4-mapped address judged by the IPv4 address it reaches (as `refusal` judges it)."""
        if port in WEB_PORTS:
            return True
        reached = (
            address.ipv4_mapped
            if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None
            else address
        )
        return any(reached in network or address in network for network in self._allowed)

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None:
            connector = aiohttp.TCPConnector(
                socket_factory=self._open_socket,
                resolver=self._resolver,
                # Every connection resolves and is checked afresh; nothing is reused.
                use_dns_cache=False,
                force_close=True,
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                trust_env=False,
                cookie_jar=aiohttp.DummyCookieJar(),
            )
        return self._session

    def _check(self, url: yarl.URL) -> None:
        """What can be refused from the URL alone, with a clear reason and no connection."""
        if url.scheme not in HTTP_SCHEMES or not url.raw_host:
            raise Refused(f"{url.scheme or 'a relative'} link, not http(s)")
        if not has_a_host_name(url):
            raise Refused("not a valid link")
        if url.user is not None or url.password is not None:
            # Never sent on, nor tried: the bot would carry someone's password to APIMart,
            # and could be used to test passwords against a site.
            raise Refused("a link with a user name or password")
        try:
            address = literal_address(url.raw_host)
        except NumericHostError as error:
            raise PrivateAddress(str(error)) from None
        reason = None if address is None else refusal(address, self._allowed)
        if reason is not None:
            raise PrivateAddress(f"{address} is {reason}")
        port = url.port
        if port is None or port in WEB_PORTS:
            return
        # A name may lead into an opened network: the socket factory judges its address then.
        if address is None and self._allowed:
            return
        if address is None or not self._port_open(address, port):
            raise PortRefused(_not_a_web_port(port))

    async def fetch(self, url: str, *, keep_body: bool = False) -> Fetched:
        """GET `url` within the caps; with `keep_body`, read the body (else only count it)."""
        target = _parse(url)
        try:
            async with asyncio.timeout(self._timeout), self._final(target, None) as final:
                final_url, response = final
                try:
                    return await self._answer(final_url, response, keep_body=keep_body)
                except (aiohttp.ClientError, ValueError) as error:
                    raise Unreachable(
                        f"{final_url.raw_host} failed ({type(error).__name__})"
                    ) from None
        except TimeoutError:
            raise Unreachable(f"no answer within {self._timeout:g} s") from None

    @contextlib.asynccontextmanager
    async def open(
        self, url: str, *, per_hop: aiohttp.ClientTimeout | None = None
    ) -> AsyncIterator[aiohttp.ClientResponse]:
        """The answer to GET `url`, after guarded redirects, with its body unread.

        For a large body the caller streams and caps itself (a result video); `per_hop` is each
        hop's time limit. Raises `FetchError` as `fetch` does; errors while reading are the
        caller's.
        """
        async with self._final(_parse(url), per_hop) as (_, response):
            yield response

    @contextlib.asynccontextmanager
    async def _final(
        self, url: yarl.URL, per_hop: aiohttp.ClientTimeout | None
    ) -> AsyncIterator[tuple[yarl.URL, aiohttp.ClientResponse]]:
        for _ in range(self._max_redirects + 1):
            response = await self._hop(url, per_hop)
            if response.status not in _REDIRECTS:
                try:
                    yield url, response
                finally:
                    response.release()
                return
            location = response.headers.get("Location")
            response.release()
            if not location:
                raise Unreachable(f"HTTP {response.status} without a Location")
            try:
                url = url.join(yarl.URL(location))
            except ValueError:
                raise Refused("not a valid link") from None
        raise Refused(f"more than {self._max_redirects} redirects")

    async def _hop(
        self, url: yarl.URL, per_hop: aiohttp.ClientTimeout | None
    ) -> aiohttp.ClientResponse:
        """One GET, redirects not followed: through the trusted session on the trusted origin,
        else checked and through the guarded one."""
        # `origin()` needs an absolute URL: anything else (file:, data:, a bare path) is
        # refused by `_check` like any link that is not http(s).
        if (
            self._trusted is not None
            and url.scheme in HTTP_SCHEMES
            and url.raw_host
            and url.origin() == self._trusted.origin
        ):
            session = self._trusted.session
        else:
            self._check(url)
            session = self._client()
        options: dict[str, Any] = {} if per_hop is None else {"timeout": per_hop}
        try:
            return await session.get(url, allow_redirects=False, **options)
        except aiohttp.ClientConnectorError as error:
            said = str(error.os_error)
            # A private address first: of a name's several addresses, that is what it hides.
            if _REFUSED in said:
                raise PrivateAddress(said.replace(_REFUSED, "")) from None
            if _PORT_REFUSED in said:
                raise PortRefused(said.replace(_PORT_REFUSED, "")) from None
            raise Unreachable(f"cannot connect to {url.raw_host} ({error.os_error})") from None
        except (aiohttp.ClientError, ValueError) as error:
            raise Unreachable(f"{url.raw_host} failed ({type(error).__name__})") from None

    async def _answer(
        self, url: yarl.URL, response: aiohttp.ClientResponse, *, keep_body: bool
    ) -> Fetched:
        content_type = response.content_type.lower()
        declared = response.content_length
        if response.status != 200:
            return Fetched(str(url), response.status, content_type, 0)
        if not keep_body:
            if not content_type.startswith(MEDIA_TYPES):
                # Its type alone refuses it as a reference: nothing to size, nothing read.
                return Fetched(str(url), response.status, content_type, 0)
            # An encoded body's Content-Length is its packed size (aiohttp unpacks it): what
            # counts against the cap is the file, so such a body is counted as it unpacks.
            encoding = response.headers.get(aiohttp.hdrs.CONTENT_ENCODING, "").lower()
            trusted = declared is not None and encoding in ("", "identity")
            if trusted and declared is not None:
                head = await self._head(response)
                return Fetched(str(url), response.status, content_type, declared, head=head)
            size, head = await self._count(response)
            exact = size <= self.max_bytes
            return Fetched(
                str(url), response.status, content_type, size, size_exact=exact, head=head
            )
        if declared is not None and declared > self.max_bytes:
            raise TooLarge(f"{declared} bytes, over the {self.max_bytes}-byte cap")
        body = bytearray()
        async for chunk in response.content.iter_chunked(_CHUNK):
            body += chunk
            if len(body) > self.max_bytes:
                raise TooLarge(f"over the {self.max_bytes}-byte cap")
        head = bytes(body[:HEAD_BYTES])
        return Fetched(str(url), response.status, content_type, len(body), bytes(body), head=head)

    @staticmethod
    async def _head(response: aiohttp.ClientResponse) -> bytes:
        """The body's first bytes, the rest left unread."""
        head = b""
        while len(head) < HEAD_BYTES and (chunk := await response.content.read(HEAD_BYTES)):
            head += chunk
        return head[:HEAD_BYTES]

    async def _count(self, response: aiohttp.ClientResponse) -> tuple[int, bytes]:
        """The body's size and first bytes; counting stops just past the cap, enough to
        refuse it."""
        size, head = 0, b""
        async for chunk in response.content.iter_chunked(_CHUNK):
            if len(head) < HEAD_BYTES:
                head += chunk[: HEAD_BYTES - len(head)]
            size += len(chunk)
            if size > self.max_bytes:
                break
        return size, head
