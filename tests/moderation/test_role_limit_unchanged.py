"""A role's allowance set again to what it is already changes nothing, on both engines."""

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
