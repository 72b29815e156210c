"""Role allowances and reserved options follow a member's roles: their ids come with every
interaction and message Discord sends, whether or not the server is in discord.py's cache."""

import discord
from discord.state import ConnectionState

from cogs._queue import role_ids

GUILD_ID = 1
NEWCOMER = 555  # say `/videomod role set role:@Newcomer allowance:1`


def member_of(guild: discord.Guild, state: ConnectionState) -> discord.Member:
    payload = {
        "user": {"id": "42", "username": "alice", "discriminator": "0", "avatar": None},
        "roles": [str(NEWCOMER)],
        "joined_at": None,
        "deaf": False,
        "mute": False,
        "flags": 0,
    }
    return discord.Member(data=payload, guild=guild, state=state)  # type: ignore[arg-type]


def connection() -> ConnectionState:
    return ConnectionState(dispatch=lambda *a: None, handlers={}, hooks={}, http=None)  # type: ignore[arg-type]


def test_a_member_of_a_server_not_in_the_cache_keeps_their_roles():
    """Before the server's GUILD_CREATE (a start, a deploy, a Discord outage) discord.py puts
    the member on a placeholder server that knows no roles: `member.roles` is empty there, and
    the member would get the default allowance instead of their role's."""
    state = connection()
    guild = discord.Guild._create_unavailable(state=state, guild_id=GUILD_ID, data=None)
    assert set(role_ids(member_of(guild, state))) == {NEWCOMER, GUILD_ID}


def test_a_user_outside_a_server_has_no_roles():
    state = connection()
    user = discord.User(
        state=state,
        data={"id": "42", "username": "alice", "discriminator": "0", "avatar": None},  # type: ignore[typeddict-item]
    )
    assert role_ids(user) == ()
