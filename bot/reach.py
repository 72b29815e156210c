"""Where a request came from, and which way its news goes back (issue 17: DMs, user installs).

Discord tells each interaction where it runs (`context`: 0 a server, 1 the bot's DM, 2 a group
DM or a DM between other people) and which installs authorized it
(`authorizing_integration_owners`: key 0 a server install, key 1 a user install). The bot can
post with its own token only where it is present: a server that installed it, or its own DM
with the member. Anywhere else it can only answer through the interaction, whose token lives
15 minutes; a render that would outlive it is sent by DM, or kept in `/videos history`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from bot.i18n import Message, msg

# An interaction's token works this long after Discord created the interaction.
TOKEN_LIFETIME = 900.0
# No call through the interaction this close to its expiry: Discord may refuse a little early,
# and every refused call counts toward an IP ban.
TOKEN_SAFETY_MARGIN = 60.0
# A user install may send at most 5 follow-ups per interaction (Discord's rule); the route
# spends two (the private "queued" answer, then the result) and edits the original response,
# which is no follow-up, for progress (`bot.interaction_delivery`).

# Seconds a render usually takes, by resolution (APIMart: 3-5 minutes; 4K longer), plus the wait
# for the submit and the first checks: used to decide at submit time whether the token will
# outlive it. Members read the same figures, as a range, until renders were measured here.
_RENDER_SECONDS = {"720p": 240.0, "1080p": 300.0, "4k": 480.0}
_RENDER_OVERHEAD = 120.0


class Route(enum.StrEnum):
    """Which way a job's status and result reach the member."""

    CHANNEL = "channel"  # the bot's own messages in the channel (a server that installed it, DMs)
    INTERACTION = "interaction"  # follow-ups through the command's interaction
    DM = "dm"  # a direct message once done (else kept in /videos history)


@dataclass(frozen=True)
class Reply:
    """How to answer through an interaction; the token never appears in a repr or a log."""

    route: Route
    token: str | None = field(default=None, repr=False)
    expires_at: float | None = None
    # Discord makes every answer private there (the server blocks external apps).
    ephemeral: bool = False
    # The interaction's upload limit (`attachment_size_limit`), in bytes.
    upload_limit: int | None = None
    # Handed over to a DM before the token's end: its status's last edit says the video comes
    # by DM (the token kept until that edit is made).
    handed_over: bool = False

    def usable(self, now: float) -> bool:
        """Whether the interaction may still be called (with the safety margin)."""
        return (
            self.token is not None
            and self.expires_at is not None
            and now < self.expires_at - TOKEN_SAFETY_MARGIN
        )


@dataclass(frozen=True)
class Place:
    """What Discord said about where a request was made."""

    guild_id: int | None
    # A server that installed the bot authorized it (key 0 of `authorizing_integration_owners`
    # is this server): its /videomod rules apply, and the bot posts there with its own token.
    server_installed: bool
    # The member's DM with the bot (context 1): the bot posts there with its own token.
    bot_dm: bool
    # Discord makes every answer private: a server that blocks external apps for the member.
    ephemeral_only: bool = False
    # The bot is a member of the server (it is cached), whichever install Discord named.
    bot_in_server: bool = False

    @property
    def bot_can_post(self) -> bool:
        """Whether the bot's own token can post in the channel."""
        return self.server_installed or self.bot_dm

    @property
    def rules_guild_id(self) -> int | None:
        """The server whose rules and allowance apply; None: the member's personal allowance.
        A server the bot is in binds its members even through their own install (named alone
        where the server restricts the command): else a block there would be a way around."""
        return self.guild_id if self.server_installed or self.bot_in_server else None


# A render still going this close to the end of the interaction's usable life is handed
# over to a DM: longer than the longest gap between two status checks (POLL_MAX_GAP's default
# 120 s, plus a minute), so a check lands in it, and the status says so with its last edit.
HAND_OVER_BEFORE = 180.0
_CHECK_SLACK = 60.0


# At most this much of the token's usable life (840 s): a POLL_MAX_GAP longer than the token
# itself would otherwise send every such job by DM from its first check.
_LONGEST_HAND_OVER = 600.0


def hand_over_window(max_gap: float) -> float:
    """The hand-over's stretch for checks at most `max_gap` seconds apart (POLL_MAX_GAP)."""
    return min(max(HAND_OVER_BEFORE, max_gap + _CHECK_SLACK), _LONGEST_HAND_OVER)


def last_call(reply: Reply, now: float, window: float = HAND_OVER_BEFORE) -> bool:
    """Whether the interaction is in its last stretch (`window` seconds before the end of its
    usable life): the last edits it can still take."""
    if reply.expires_at is None or not reply.usable(now):
        return False
    return now >= reply.expires_at - TOKEN_SAFETY_MARGIN - window


def usual_render_seconds(resolution: str) -> float:
    """How long APIMart usually renders a video of `resolution`, before any was measured here
    (an unknown resolution counts as the slowest)."""
    return _RENDER_SECONDS.get(resolution, max(_RENDER_SECONDS.values()))


def expected_render_seconds(resolution: str) -> float:
    """A generous estimate of how long a job takes from submit to finished video."""
    return usual_render_seconds(resolution) + _RENDER_OVERHEAD


def outlives_token(
    reply: Reply, *, now: float, typical: float, window: float = HAND_OVER_BEFORE
) -> bool:
    """Whether a render measured here to take `typical` seconds (a kind of video that takes
    longer than the usual guess) would end in the interaction's last stretch (`window`), where
    it is handed over to DM, or past its usable life."""
    if reply.expires_at is None:
        return True
    return now + typical + _CHECK_SLACK >= reply.expires_at - TOKEN_SAFETY_MARGIN - window


def choose_route(
    place: Place,
    *,
    now: float,
    expires_at: float,
    resolution: str,
    window: float = HAND_OVER_BEFORE,
) -> Route:
    """Channel where the bot may post; else the interaction, for a render expected to end
    before its last stretch (`window`: from there on a job under way is handed over to DM);
    else a DM, said from the start."""
    if place.bot_can_post:
        return Route.CHANNEL
    ends = now + expected_render_seconds(resolution)
    if ends < expires_at - TOKEN_SAFETY_MARGIN - window:
        return Route.INTERACTION
    return Route.DM


def queued_message(
    reply: Reply,
    job_id: int,
    *,
    typical: Message,
    waiting: bool = False,
    discord_silent: bool = False,
    held_by_server: Message | None = None,
) -> Message:
    """What the member reads once the job is queued (or `waiting` to be sent: for a busy
    service, or for a Discord that did not answer, `discord_silent`): which way the result
    will come, and how long such videos usually take (`typical`, said when queued here).
    `held_by_server`: the note of a job its server's videos-at-once rule holds (its rule and
    place in line, `{where}` to fill): a busy service is not why it waits."""
    by_dm = reply.route is Route.DM
    if held_by_server is not None:
        where = msg("where_reply_dm" if by_dm else "where_reply_here")
        return Message(held_by_server.key, {**held_by_server.values, "where": where})
    if waiting:
        cause = "discord_silent" if discord_silent else "service_busy"
        return msg(f"{cause}_by_dm" if by_dm else f"{cause}_here", job_id=job_id)
    if by_dm:
        return msg("queued_by_dm", job_id=job_id)
    key = "queued_here_private" if reply.ephemeral else "queued_here"
    return msg(key, job_id=job_id, typical=typical)
