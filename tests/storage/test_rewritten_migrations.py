"""Every migration rewritten in place after release reaches the databases that applied its
first text, as `stage_indexes` does (SQLite's 0024, PostgreSQL's 0020; `tests/test_db.py`):
`rewritten_migrations` (SQLite's 0028, PostgreSQL's 0024) makes what was added later."""

import dataclasses

from bot.storage import load_migrations
from bot.storage.base import MIGRATIONS_ROOT
from tests.backends import postgres_only
from tests.test_db import index_names

# `honest_waits` (SQLite's 0009, PostgreSQL's 0005) as committed in ca42aa5; 13 minutes later
# (3950c76) the index every line, slot and state count reads was added to the same file.
HONEST_WAITS_BEFORE_ITS_INDEX = """\
ALTER TABLE jobs ADD COLUMN progress_readings TEXT NOT NULL DEFAULT '[]';
CREATE INDEX jobs_render_times ON jobs (resolution, duration, finished_at)
    WHERE state = 'completed';
ALTER TABLE mod_policy ADD COLUMN max_rendering INTEGER
    CHECK (max_rendering IS NULL OR max_rendering >= 1);
"""
# ... and as first committed (7f8bdb1), before the videos-at-once rule's column too.
FIRST_HONEST_WAITS = """\
ALTER TABLE jobs ADD COLUMN progress_readings TEXT NOT NULL DEFAULT '[]';
CREATE INDEX jobs_render_times ON jobs (resolution, duration, finished_at)
    WHERE state = 'completed';
"""


def status_sweep_before_its_index(dialect: str, *, with_hold: bool = True) -> str:
    """`status_sweep` (SQLite's 0018, PostgreSQL's 0014) as committed in 4436b76, before
    1658623 added the index of stored interaction tokens; `with_hold=False`: as first
    committed (c6af30f), before the sweep's hold column too."""
    real = "REAL" if dialect == "sqlite" else "DOUBLE PRECISION"
    hold = f"ALTER TABLE jobs ADD COLUMN status_swept_until {real};\n" if with_hold else ""
    return (
        f"ALTER TABLE jobs ADD COLUMN status_final_at {real};\n{hold}"
        "CREATE INDEX jobs_status_unshown ON jobs (id)\n"
        "    WHERE status_message_id IS NOT NULL AND status_final_at IS NULL;\n"
    )


async def upgraded_from(backend, first_texts: dict[str, str]):
    """A database that applied `first_texts` (by migration name) as released, then upgraded to
    today's migrations: opened, for the caller to close."""
    migrations = load_migrations(MIGRATIONS_ROOT / backend.dialect)
    last = max(m.version for m in migrations if m.name in first_texts)
    released = [
        dataclasses.replace(m, sql=first_texts[m.name]) if m.name in first_texts else m
        for m in migrations
        if m.version <= last
    ]
    db = await backend.open()
    # Released before `migration_checksums`: today's texts are not refused.
    await db.migrate(released)
    await db.migrate()
    return db


async def column_names(db, table: str) -> set[str]:
    rows = await db.fetch_all(
        "SELECT column_name FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND table_name = ?",
        (table,),
    )
    return {row[0] for row in rows}


async def test_an_upgrade_from_the_first_honest_waits_gets_the_unfinished_jobs_index(backend):
    db = await upgraded_from(backend, {"honest_waits": HONEST_WAITS_BEFORE_ITS_INDEX})
    try:
        indexes = await index_names(db)
    finally:
        await db.close()
    assert "jobs_unfinished_by_guild" in indexes, (
        "count_by_state, slot_limit, held_position, call_held_now read the whole jobs table"
    )


async def test_an_upgrade_from_the_first_status_sweep_gets_the_interaction_tokens_index(backend):
    db = await upgraded_from(
        backend, {"status_sweep": status_sweep_before_its_index(backend.dialect)}
    )
    try:
        indexes = await index_names(db)
    finally:
        await db.close()
    assert "jobs_with_token" in indexes


@postgres_only
async def test_on_postgresql_an_upgrade_from_the_earliest_texts_gets_their_columns(backend):
    db = await upgraded_from(
        backend,
        {
            "honest_waits": FIRST_HONEST_WAITS,
            "status_sweep": status_sweep_before_its_index("postgres", with_hold=False),
        },
    )
    try:
        assert "max_rendering" in await column_names(db, "mod_policy")
        assert "status_swept_until" in await column_names(db, "jobs")
    finally:
        await db.close()
