"""Which links Discord itself serves: its CDN (attachments) and its media proxy (its copy of
every picture an embed or a layout shows, `images-ext-1.discordapp.net/external/...`).

An embed's or a layout's links are written by whoever posted the message (a bot, a webhook, a
site's preview tags), so they may name any server, the operator's own included. The picture
such a message shows is taken only from Discord's copy of it: whatever its links say, the bot
reaches no other server for it (and still through the guarded fetcher, as every link).
"""

from __future__ import annotations

import re

import yarl

from bot.media_refresh import DISCORD_CDN_ORIGINS

# Discord's media proxy for pictures from elsewhere: images-ext-1, images-ext-2, ...
_EXTERNAL_PROXY = re.compile(r"images-ext-\d+\.discordapp\.net")


def served_by_discord(url: str, origins: frozenset[str] = DISCORD_CDN_ORIGINS) -> bool:
    """Whether `url` is on Discord's CDN or media proxy (`origins`: where Discord serves
    attachments; tests: the fakes'), over https on its own port, with no user name in it."""
    try:
        parsed = yarl.URL(url)
        origin = str(parsed.origin())
    except ValueError:  # relative, or no host
        return False
    if parsed.user is not None or parsed.password is not None:
        return False
    if origin in origins:
        return True
    return (
        parsed.scheme == "https"
        and parsed.explicit_port is None
        and _EXTERNAL_PROXY.fullmatch(parsed.raw_host or "") is not None
    )


def discord_copy(url: str | None, origins: frozenset[str] = DISCORD_CDN_ORIGINS) -> str | None:
    """`url` (a `proxy_url` Discord gave) if Discord serves it, else None."""
    return url if url and served_by_discord(url, origins) else None
