-- Video jobs: one row per /video request, from recording to delivery.
CREATE TABLE jobs (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id           INTEGER,
    channel_id         INTEGER NOT NULL,
    user_id            INTEGER NOT NULL,
    locale             TEXT NOT NULL DEFAULT 'en-US',
    prompt             TEXT NOT NULL,
    duration           INTEGER,
    resolution         TEXT NOT NULL,
    aspect_ratio       TEXT NOT NULL,
    generation_type    TEXT,
    image_urls         TEXT NOT NULL DEFAULT '[]',
    video_urls         TEXT NOT NULL DEFAULT '[]',
    state              TEXT NOT NULL,
    task_id            TEXT UNIQUE,
    progress           INTEGER NOT NULL DEFAULT 0,
    estimated_time     INTEGER,
    result_url         TEXT,
    result_expires_at  INTEGER,
    error_key          TEXT,
    error_message      TEXT,
    cost               REAL,
    credits_cost       REAL,
    created_at         REAL NOT NULL,
    media_fetched_at   REAL NOT NULL,
    submitted_at       REAL,
    finished_at        REAL,
    next_poll_at       REAL,
    poll_failures      INTEGER NOT NULL DEFAULT 0,
    status_message_id  INTEGER,
    next_delivery_at   REAL,
    delivery_attempts  INTEGER NOT NULL DEFAULT 0,
    delivered_at       REAL,
    delivery_message_id INTEGER
);

-- The poller's two questions: which tasks are due a status check, which results await delivery.
CREATE INDEX jobs_due_poll ON jobs (next_poll_at) WHERE state IN ('queued', 'processing');
CREATE INDEX jobs_due_delivery ON jobs (next_delivery_at) WHERE delivered_at IS NULL;
CREATE INDEX jobs_by_user ON jobs (guild_id, user_id, created_at);

-- Small key/value facts the bot keeps between runs (e.g. the synced command set's hash).
CREATE TABLE bot_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
