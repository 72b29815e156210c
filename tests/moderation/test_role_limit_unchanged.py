"""A role's allowance set again to what it is already changes nothing, on both engines."""

from bot.i18n import msg
from bot.moderation.service import Moderation
from bot.moderation.store import Actor

MOD = Actor(1, 99)


async def test_a_role_allowance_set_to_its_own_value_is_no_change(db, clock):
    store = Moderation(db, clock=clock).store
    assert await store.set_role_limit(MOD, 5, 30) is not None
    assert await store.set_role_limit(MOD, 5, 30) is None, "nothing to audit"
    assert await store.set_role_limit(MOD, 5, 31) is not None
    [(limit,)] = await db.fetch_all("SELECT video_limit FROM mod_role_limits WHERE role_id = 5")
    assert limit == 31


async def test_a_deleted_role_leaves_shared_options_and_keeps_its_own_reserved(db, clock):
    """On both engines: 1080p, shared with role 6, drops the dead role 5; 4K, role 5's alone,
    stays reserved (for no one now), and the change names only 4K."""
    store = Moderation(db, clock=clock).store
    for option, role in (("resolution:4k", 5), ("resolution:1080p", 5), ("resolution:1080p", 6)):
        assert await store.reserve_option(MOD, option, msg("option_value", value=option), role)
    change = await store.forget_deleted_role(MOD, 5, "Supporter")
    assert change is not None and change.key == "change_role_deleted_options"
    said = change.render("en-US")
    assert "4K" in said and "1080p" not in said, said
    assert await store.reserved_options(MOD.guild_id) == {
        "resolution:1080p": [6],
        "resolution:4k": [5],
    }
