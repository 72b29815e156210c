"""Self-tests: the fake answers user-install interactions the way Discord does (issue 17).

Plain HTTP against the fake's REST routes; the interactions are built as the gateway would
deliver them (no bot needed to read a payload or to call a webhook).
"""

from __future__ import annotations

import aiohttp

from tests.fakes.discord import (
    CALLBACK_CHANNEL_MESSAGE,
    CALLBACK_DEFERRED_CHANNEL_MESSAGE,
    FLAG_EPHEMERAL,
    INTERACTION_APPLICATION_COMMAND,
    PERM_SEND_MESSAGES,
    PERM_USE_EXTERNAL_APPS,
    FakeDiscord,
    FakeInteraction,
)

AUTH = {"Authorization": "Bot fake-bot-token"}


def command(
    fake: FakeDiscord,
    *,
    guild_id: int | None = None,
    dm: bool = False,
    group_dm: int | None = None,
    user_install: bool = False,
) -> FakeInteraction:
    """A /video interaction as Discord builds it (not dispatched)."""
    return fake._new_interaction(
        INTERACTION_APPLICATION_COMMAND,
        {"id": "1", "name": "video", "type": 1, "options": []},
        user_id=None,
        channel_id=None,
        guild_id=guild_id,
        dm=dm,
        locale="en-US",
        app_permissions=None,
        member_permissions=None,
        user_install=user_install,
        group_dm=group_dm,
    )


async def call(
    http: aiohttp.ClientSession, method: str, url: str, body: dict
) -> tuple[int, dict | None]:
    async with http.request(method, url, json=body, headers=AUTH) as response:
        data = await response.json() if response.status != 204 else None
        return response.status, data


async def test_payloads_say_where_a_command_was_used_and_who_installed_the_app():
    async with FakeDiscord() as fake:
        foreign = fake.add_guild("Friends", bot_member=False)
        group = fake.add_group_dm(fake.user_id, fake.add_user("bob"))
        in_server = command(fake).payload
        both = command(fake, user_install=True).payload
        elsewhere = command(fake, guild_id=foreign).payload
        in_group = command(fake, group_dm=group).payload
        in_dm = command(fake, dm=True).payload
    user = str(fake.user_id)
    assert (in_server["context"], in_server["authorizing_integration_owners"]) == (
        0,
        {"0": str(fake.guild_id)},
    )
    assert both["authorizing_integration_owners"] == {"0": str(fake.guild_id), "1": user}
    assert (elsewhere["context"], elsewhere["authorizing_integration_owners"]) == (0, {"1": user})
    app_permissions = int(elsewhere["app_permissions"])
    assert not app_permissions & PERM_SEND_MESSAGES, "the bot cannot post there itself"
    assert app_permissions & PERM_USE_EXTERNAL_APPS
    assert (in_group["context"], in_group["authorizing_integration_owners"]) == (2, {"1": user})
    assert in_group["channel"]["type"] == 3 and "guild_id" not in in_group
    assert (in_dm["context"], in_dm["authorizing_integration_owners"]) == (1, {"0": "0"})


async def test_a_user_install_gets_five_follow_ups_and_the_bot_token_no_access():
    async with FakeDiscord() as fake, aiohttp.ClientSession() as http:
        foreign = fake.add_guild("Friends", bot_member=False)
        channel = fake.channel_ids(foreign)[0]
        inter = command(fake, guild_id=foreign)
        assert inter.user_install_only
        callback = f"{fake.api_base}/interactions/{inter.id}/{inter.token}/callback"
        status, _ = await call(
            http, "POST", callback, {"type": CALLBACK_DEFERRED_CHANNEL_MESSAGE, "data": {}}
        )
        assert status == 204
        hook = f"{fake.api_base}/webhooks/{fake.application_id}/{inter.token}?wait=true"
        statuses = [(await call(http, "POST", hook, {"content": f"note {n}"}))[0] for n in range(5)]
        assert statuses == [200] * 5
        status, error = await call(http, "POST", hook, {"content": "one too many"})
        assert (status, error["code"]) == (400, 40094)
        status, error = await call(
            http, "POST", f"{fake.api_base}/channels/{channel}/messages", {"content": "hi"}
        )
        assert (status, error["code"]) == (403, 50001)


async def test_an_expired_token_is_refused_and_the_call_recorded():
    async with FakeDiscord() as fake, aiohttp.ClientSession() as http:
        inter = command(fake, dm=True)
        callback = f"{fake.api_base}/interactions/{inter.id}/{inter.token}/callback"
        await call(http, "POST", callback, {"type": CALLBACK_DEFERRED_CHANNEL_MESSAGE, "data": {}})
        hook = f"{fake.api_base}/webhooks/{fake.application_id}/{inter.token}"
        assert (await call(http, "PATCH", f"{hook}/messages/@original", {"content": "ok"}))[
            0
        ] == 200
        assert fake.expired_webhook_calls == []
        fake.advance_clock(fake.token_lifetime + 1)
        status, error = await call(http, "PATCH", f"{hook}/messages/@original", {"content": "x"})
        assert (status, error["code"]) == (401, 50027)
        [late] = fake.expired_webhook_calls
        assert late.method == "PATCH"


async def test_a_server_that_blocks_external_apps_gets_only_ephemeral_answers():
    async with FakeDiscord() as fake, aiohttp.ClientSession() as http:
        strict = fake.add_guild("Strict", bot_member=False)
        fake.external_apps_blocked.add(strict)
        inter = command(fake, guild_id=strict)
        assert not int(inter.payload["member"]["permissions"]) & PERM_USE_EXTERNAL_APPS
        callback = f"{fake.api_base}/interactions/{inter.id}/{inter.token}/callback"
        body = {"type": CALLBACK_CHANNEL_MESSAGE, "data": {"content": "public, I hope"}}
        assert (await call(http, "POST", callback, body))[0] == 204
        hook = f"{fake.api_base}/webhooks/{fake.application_id}/{inter.token}?wait=true"
        _, followup = await call(http, "POST", hook, {"content": "the result"})
    assert inter.original_message["flags"] & FLAG_EPHEMERAL
    assert followup["flags"] & FLAG_EPHEMERAL


async def test_a_server_that_begins_blocking_external_apps_makes_the_next_follow_up_ephemeral():
    """The command was used while the server let its members use external apps (its answer
    public); the server blocks them before the result: Discord shows the result only to the
    member."""
    async with FakeDiscord() as fake, aiohttp.ClientSession() as http:
        later = fake.add_guild("Later strict", bot_member=False)
        inter = command(fake, guild_id=later)
        assert int(inter.payload["member"]["permissions"]) & PERM_USE_EXTERNAL_APPS
        callback = f"{fake.api_base}/interactions/{inter.id}/{inter.token}/callback"
        body = {"type": CALLBACK_CHANNEL_MESSAGE, "data": {"content": "queued"}}
        assert (await call(http, "POST", callback, body))[0] == 204
        hook = f"{fake.api_base}/webhooks/{fake.application_id}/{inter.token}?wait=true"
        _, before = await call(http, "POST", hook, {"content": "a progress note"})
        fake.external_apps_blocked.add(later)
        _, after = await call(http, "POST", hook, {"content": "the result"})
    assert not inter.original_message["flags"] & FLAG_EPHEMERAL
    assert not before["flags"] & FLAG_EPHEMERAL
    assert after["flags"] & FLAG_EPHEMERAL
