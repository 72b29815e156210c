"""What older versions saved of APIMart's words, read back: never the API key.

Before the key was taken out of APIMart's answers (first as written, later once decoded), a
reason or a result link that quoted it was saved with the job as said. Such a row is shown
long after (`/videos status`, the failure notice a restart posts), so it is read without the
current key, whatever the row holds.
"""

import urllib.parse

from bot.storage.sqlite import SqliteDatabase
from tests.cogs.test_plain_words import answer_to, visible_text
from tests.cogs.test_reach import eventually
from tests.cogs.test_results import delivery_recorded
from tests.fakes.apimart import FakeAPIMart, TaskPlan
from tests.fakes.components import is_layout
from tests.fakes.discord import FakeDiscord
from tests.harness import API_KEY, BOT_TOKEN, running_bot

FAILS = TaskPlan(polls_until_done=1, final_status="failed", error_message="Upstream refused")
NEVER_DONE = TaskPlan(polls_until_done=None)
# As older versions kept it: as said, and percent-encoded in a link (JSON escapes were undone
# by the JSON reader before anything was saved).
SAVED_REASON = (
    f"Upstream refused key {API_KEY} at https://gw.example/log?auth="
    f"{urllib.parse.quote(API_KEY, safe='').replace('s', '%73')}"
)


async def saved_as_older_versions_did(world, job_id, sql, params):
    await world.db.write(f"UPDATE jobs SET {sql} WHERE id = ?", (*params, job_id))


async def test_a_saved_reason_quoting_the_key_is_shown_without_it_in_videos_status(tmp_path):
    async with running_bot(tmp_path, plan=FAILS) as world:
        await answer_to(world, "video", prompt="a fox")
        await world.discord.wait_for_message(predicate=is_layout)
        await delivery_recorded(world, 1)
        await saved_as_older_versions_did(world, 1, "error_message = ?", (SAVED_REASON,))
        text = await answer_to(world, "videos status", job=1)
        assert "Upstream refused key" in text, text
        assert API_KEY not in urllib.parse.unquote(text), text
        assert "[REDACTED]" in text, text


async def test_a_saved_result_link_carrying_the_key_is_shown_without_it(tmp_path):
    async with running_bot(tmp_path, plan=TaskPlan(polls_until_done=1)) as world:
        await answer_to(world, "video", prompt="a fox")
        await world.discord.wait_for_message(predicate=is_layout)
        await delivery_recorded(world, 1)
        link = f"https://cdn.example/v.mp4?sig={API_KEY}"
        expires = int(world.bot.clock()) + 3600
        await saved_as_older_versions_did(
            world,
            1,
            "result_url = ?, result_linked = 1, result_expires_at = ?",
            (link, expires),
        )
        text = await answer_to(world, "videos status", job=1)
        assert "https://cdn.example/v.mp4" in text, text
        assert API_KEY not in text, text


async def test_a_failure_notice_posted_after_an_upgrade_never_quotes_the_saved_key(tmp_path):
    """A render that failed under an older version, its notice not posted yet when it stopped:
    the new version posts it from the saved row."""
    async with (
        FakeDiscord(token=BOT_TOKEN) as fake,
        FakeAPIMart(api_key=API_KEY) as api,
    ):
        await _failed_under_an_older_version(tmp_path, fake, api)
        async with running_bot(tmp_path, fake=fake, api=api, plan=NEVER_DONE) as world:
            notice = await world.discord.wait_for_message(
                predicate=lambda m: is_layout(m) and "Upstream refused key" in visible_text(m),
                timeout=10,
            )
    text = visible_text(notice)
    assert API_KEY not in urllib.parse.unquote(text), text


async def _failed_under_an_older_version(tmp_path, fake, api):
    """A job sent, then (the bot stopped) saved as failed with a reason quoting the key."""
    async with running_bot(tmp_path, fake=fake, api=api, plan=NEVER_DONE) as world:
        await answer_to(world, "video", prompt="a fox")
        await world.api.wait_for_submits(1)
        await eventually(lambda: _has_task(world), True)
    db = await SqliteDatabase.open(tmp_path / "data" / "bot.sqlite3")
    try:
        await db.write(
            "UPDATE jobs SET state = 'failed', error_message = ?, finished_at = 1,"
            " next_poll_at = NULL, next_delivery_at = 0 WHERE id = 1",
            (SAVED_REASON,),
        )
    finally:
        await db.close()


async def _has_task(world):
    job = await world.bot.store.get(1)
    return job.task_id is not None
