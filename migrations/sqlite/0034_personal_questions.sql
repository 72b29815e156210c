-- A cost question may be asked outside a server's rules too (Regenerate on another member's
-- result through the member's own install: their personal allowance pays), so a held request's
-- server may be NULL. SQLite cannot drop a NOT NULL, so the table is built again as it was.
CREATE TABLE pending_requests_new (
    token            TEXT PRIMARY KEY,
    guild_id         INTEGER,
    channel_id       INTEGER NOT NULL,
    user_id          INTEGER NOT NULL,
    locale           TEXT NOT NULL,
    request          TEXT NOT NULL,
    source_messages  TEXT NOT NULL DEFAULT '[]',
    reply_to_id      INTEGER,
    expected_credits REAL NOT NULL,
    created_at       REAL NOT NULL,
    expires_at       REAL NOT NULL,
    files_note       TEXT
);
INSERT INTO pending_requests_new (token, guild_id, channel_id, user_id, locale, request,
    source_messages, reply_to_id, expected_credits, created_at, expires_at, files_note)
    SELECT token, guild_id, channel_id, user_id, locale, request, source_messages, reply_to_id,
        expected_credits, created_at, expires_at, files_note
    FROM pending_requests;
DROP TABLE pending_requests;
ALTER TABLE pending_requests_new RENAME TO pending_requests;
CREATE INDEX pending_requests_by_expiry ON pending_requests (expires_at);
