-- Cost before spending: a server's confirmation threshold (credits; NULL = never ask), the
-- requests waiting for their member's Confirm, and an index that keeps learning the expected
-- credits of a resolution and length from completed jobs one short index read.
ALTER TABLE mod_policy ADD COLUMN confirm_above REAL CHECK (confirm_above IS NULL OR confirm_above > 0);

CREATE TABLE pending_requests (
    token            TEXT PRIMARY KEY,
    guild_id         INTEGER NOT NULL,
    channel_id       INTEGER NOT NULL,
    user_id          INTEGER NOT NULL,
    locale           TEXT NOT NULL,
    request          TEXT NOT NULL,
    source_messages  TEXT NOT NULL DEFAULT '[]',
    reply_to_id      INTEGER,
    expected_credits REAL NOT NULL,
    created_at       REAL NOT NULL,
    expires_at       REAL NOT NULL
);
CREATE INDEX pending_requests_by_expiry ON pending_requests (expires_at);

CREATE INDEX jobs_charged ON jobs (resolution, duration, finished_at)
    WHERE state = 'completed' AND credits_cost IS NOT NULL
