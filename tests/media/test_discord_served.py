"""Which links count as Discord's own copies of a picture an embed or a layout shows."""

import pytest

from bot.media.discord_served import discord_copy, served_by_discord


@pytest.mark.parametrize(
    "url",
    [
        "https://images-ext-1.discordapp.net/external/abc/https/example.com/cat.png",
        "https://images-ext-12.discordapp.net/external/abc/https/media.tenor.com/x.png",
        "https://media.discordapp.net/attachments/1/2/cat.png?ex=1&hm=2",
        "https://cdn.discordapp.com/attachments/1/2/cat.png",
    ],
)
def test_discords_cdn_and_media_proxy_serve_its_copies(url):
    assert served_by_discord(url)
    assert discord_copy(url) == url


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/cat.png",
        "http://images-ext-1.discordapp.net/external/abc/cat.png",
        "https://images-ext-1.discordapp.net:8443/external/abc/cat.png",
        "https://images-ext-1.discordapp.net.evil.example/external/abc/cat.png",
        "https://evil-images-ext-1.discordapp.net/external/abc/cat.png",
        "https://images-ext-one.discordapp.net/external/abc/cat.png",
        "https://cdn.discordapp.com.evil.example/attachments/1/2/cat.png",
        "https://user:pass@cdn.discordapp.com/attachments/1/2/cat.png",
        "http://cdn.discordapp.com/attachments/1/2/cat.png",
        "/external/abc/cat.png",
        "",
    ],
)
def test_look_alikes_and_other_hosts_are_no_copy_of_discords(url):
    assert not served_by_discord(url)
    assert discord_copy(url) is None


def test_no_proxy_link_is_no_copy():
    assert discord_copy(None) is None
