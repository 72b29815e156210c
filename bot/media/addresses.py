"""Which addresses a member's link may make the bot connect to: the public internet only.

`ipaddress`'s `is_global` alone is not enough: in Python 3.11 it calls `2002:7f00:1::1` (6to4
around 127.0.0.1), `64:ff9b::7f00:1` (NAT64 around it), `fec0::1` (site-local), most of
192.0.0.0/24 (192.0.0.192 is Oracle Cloud Classic's instance metadata) and 3fff::/20
(documentation, registered in 2024) global. So an
IPv6 address that carries an IPv4 one is judged by the IPv4 one, and each kind of non-public
range is named, which also gives the logs a reason.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Sequence

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")
# IANA's special-purpose registry: not globally reachable, but for two anycast services.
_IETF_PROTOCOL = ipaddress.ip_network("192.0.0.0/24")
_IETF_ANYCAST = (ipaddress.ip_address("192.0.0.9"), ipaddress.ip_address("192.0.0.10"))
_DOCUMENTATION_V6 = ipaddress.ip_network("3fff::/20")
# IPv4-compatible in form only, so judged as themselves. Named outright: from Python 3.13 on,
# `is_loopback` is also true of ::ffff:127.0.0.0/104, which must be judged by the IPv4 address
# inside (the operator's LINK_ALLOWED_NETWORKS included) like every other mapped address.
_NOT_CARRYING_IPV4 = (ipaddress.IPv6Address("::"), ipaddress.IPv6Address("::1"))

# In this order, so 169.254.169.254 reads "link-local" rather than "private".
_KINDS: tuple[tuple[str, Callable[[IPAddress], bool]], ...] = (
    ("unspecified", lambda a: a.is_unspecified),
    ("loopback", lambda a: a.is_loopback),
    ("link-local", lambda a: a.is_link_local),
    ("multicast", lambda a: a.is_multicast),
    ("shared (carrier-grade NAT)", lambda a: a in _CGNAT),
    ("IETF protocol assignments", lambda a: a in _IETF_PROTOCOL and a not in _IETF_ANYCAST),
    ("documentation", lambda a: a in _DOCUMENTATION_V6),
    ("site-local", lambda a: isinstance(a, ipaddress.IPv6Address) and a.is_site_local),
    ("reserved", lambda a: a.is_reserved),
    ("private", lambda a: a.is_private),
    ("not public", lambda a: not a.is_global),
)


class NumericHostError(ValueError):
    """A host written as a number in a form only old parsers read (`2130706433`, `0x7f.1`)."""


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries and would reach: mapped, compatible, NAT64, 6to4,
    or a Teredo client."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in _IPV4_COMPATIBLE or address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    return None


def refusal(address: IPAddress, allowed: Sequence[IPNetwork] = ()) -> str | None:
    """Why the bot must not connect to `address`, or None when it may.

    `allowed` lists networks the operator opened on purpose (none by default).
    """
    if any(address in network for network in allowed):
        return None
    if isinstance(address, ipaddress.IPv6Address):
        inner = embedded_ipv4(address)
        if inner is not None and address not in _NOT_CARRYING_IPV4:
            reason = refusal(inner, allowed)
            if reason is not None:
                return f"{reason} ({inner} inside)"
            # NAT64 too: on an IPv6-only network with DNS64, every IPv4-only site is reached
            # through 64:ff9b::/96, and the public address inside is where it goes.
            if address.ipv4_mapped is not None or any(
                address in network for network in (_IPV4_COMPATIBLE, _NAT64)
            ):
                return None
    for reason, applies in _KINDS:
        if applies(address):
            return reason
    return None


def literal_address(host: str) -> IPAddress | None:
    """The address a URL's host spells out, or None for a name that DNS must resolve.

    Raises `NumericHostError` for the legacy numeric forms (`2130706433`, `0177.0.0.1`,
    `0x7f.0.0.1`, `127.1`): the C resolver reads them as addresses, so they are refused outright.
    """
    bare = host.strip("[]")
    try:
        return ipaddress.ip_address(bare)
    except ValueError:
        pass
    try:
        socket.inet_aton(bare)
    except OSError:
        return None
    raise NumericHostError(f"{host!r} is an address in an unusual numeric form")
