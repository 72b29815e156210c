"""Role allowances and reserved options follow a member's roles: their ids come with every
interaction and message Discord sends, whether or not the server is in discord.py's cache."""

from dataclasses import dataclass

import discord
from discord.state import ConnectionState

from cogs._from_discord import role_ids
from cogs._moderators import is_moderator

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


class _Moderation:
    async def moderator_role_id(self, guild_id: int) -> int | None:
        return NEWCOMER if guild_id == GUILD_ID else None


class _Bot:
    moderation = _Moderation()


@dataclass
class _Asked:
    """What `is_moderator` reads of an interaction: where, the member, their permissions."""

    guild_id: int
    user: discord.Member
    permissions: discord.Permissions


async def test_a_moderator_of_a_server_not_in_the_cache_is_still_one():
    """The moderator role is read from the ids Discord sent too: before GUILD_CREATE a member
    with only that role would be refused /videomod and the moderator's Cancel."""
    state = connection()
    guild = discord.Guild._create_unavailable(state=state, guild_id=GUILD_ID, data=None)
    asked = _Asked(GUILD_ID, member_of(guild, state), discord.Permissions.none())
    assert await is_moderator(_Bot(), asked)  # type: ignore[arg-type]
    other = _Asked(GUILD_ID + 1, member_of(guild, state), discord.Permissions.none())
    assert not await is_moderator(_Bot(), other)  # type: ignore[arg-type]
