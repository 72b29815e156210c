"""The address policy: which addresses a member's link may make the bot connect to."""

import ipaddress

import pytest

from bot.media.addresses import NumericHostError, literal_address, refusal

REFUSED = [
    ("127.0.0.1", "loopback"),
    ("127.255.255.254", "loopback"),
    ("10.1.2.3", "private"),
    ("172.16.0.1", "private"),
    ("192.168.1.1", "private"),
    ("169.254.169.254", "link-local"),  # cloud metadata
    ("100.64.0.1", "shared (carrier-grade NAT)"),
    ("100.127.255.254", "shared (carrier-grade NAT)"),
    ("224.0.0.1", "multicast"),
    ("240.0.0.1", "reserved"),
    ("255.255.255.255", "reserved"),
    ("0.0.0.0", "unspecified"),
    ("0.1.2.3", "private"),
    ("192.0.2.1", "private"),  # documentation
    ("198.18.0.1", "private"),  # benchmarking
    ("192.0.0.192", "IETF protocol assignments"),  # Oracle Cloud Classic's instance metadata
    ("192.0.0.100", "IETF protocol assignments"),
    ("3fff::1", "documentation"),
    ("::1", "loopback"),
    ("::", "unspecified"),
    ("fc00::1", "private"),
    ("fd12:3456::1", "private"),
    ("fe80::1", "link-local"),
    ("fe80::1%eth0", "link-local"),
    ("fec0::1", "site-local"),
    ("ff02::1", "multicast"),
    ("2001:db8::1", "private"),
    ("::ffff:127.0.0.1", "loopback (127.0.0.1 inside)"),
    ("::ffff:169.254.169.254", "link-local (169.254.169.254 inside)"),
    ("::ffff:10.0.0.1", "private (10.0.0.1 inside)"),
    ("::127.0.0.1", "loopback (127.0.0.1 inside)"),  # IPv4-compatible
    ("64:ff9b::7f00:1", "loopback (127.0.0.1 inside)"),  # NAT64
    ("2002:7f00:1::1", "loopback (127.0.0.1 inside)"),  # 6to4
    ("2002:c0a8:101::1", "private (192.168.1.1 inside)"),
    ("::ffff:192.0.0.192", "IETF protocol assignments (192.0.0.192 inside)"),
    ("2002:c000:c0::1", "IETF protocol assignments (192.0.0.192 inside)"),
    ("2001:0:4136:e378:8000:63bf:80ff:fffe", "loopback (127.0.0.1 inside)"),  # Teredo
]
PUBLIC = [
    "8.8.8.8",
    "1.1.1.1",
    "162.159.128.233",
    "2606:4700::6810:84e5",
    "::ffff:8.8.8.8",
    "64:ff9b::808:808",
    "192.0.0.9",  # anycast services IANA lists as globally reachable within 192.0.0.0/24
    "192.0.0.10",
]


@pytest.mark.parametrize(("address", "reason"), REFUSED)
def test_non_public_addresses_are_refused_with_their_kind(address, reason):
    assert refusal(ipaddress.ip_address(address)) == reason


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_are_allowed(address):
    assert refusal(ipaddress.ip_address(address)) is None


def test_an_allowed_network_opens_only_itself_including_its_ipv6_mapped_form():
    allowed = [ipaddress.ip_network("127.0.0.2/32")]
    assert refusal(ipaddress.ip_address("127.0.0.2"), allowed) is None
    assert refusal(ipaddress.ip_address("::ffff:127.0.0.2"), allowed) is None
    assert refusal(ipaddress.ip_address("127.0.0.1"), allowed) == "loopback"
    assert refusal(ipaddress.ip_address("::1"), allowed) == "loopback"


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("8.8.8.8", "8.8.8.8"),
        ("[::1]", "::1"),
        ("::ffff:7f00:1", "::ffff:127.0.0.1"),
        ("img.example", None),
        ("1e100.net", None),
        ("cafe", None),
    ],
)
def test_hosts_that_spell_an_address_are_read_as_one(host, address):
    expected = ipaddress.ip_address(address) if address else None
    assert literal_address(host) == expected


@pytest.mark.parametrize(
    "host", ["2130706433", "0177.0.0.1", "0x7f.0.0.1", "0x7f000001", "127.1", "017700000001"]
)
def test_legacy_numeric_forms_are_refused_outright(host):
    with pytest.raises(NumericHostError):
        literal_address(host)
