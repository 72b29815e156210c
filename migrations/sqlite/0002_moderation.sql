-- Moderation: per-server usage policy, overrides, banned words and an audit trail.
-- A server without a `mod_policy` row uses the defaults below.
CREATE TABLE mod_policy (
    guild_id           INTEGER PRIMARY KEY,
    period             TEXT NOT NULL DEFAULT 'day' CHECK (period IN ('day', 'week', 'month')),
    reset_hour         INTEGER NOT NULL DEFAULT 0 CHECK (reset_hour BETWEEN 0 AND 23),
    reset_weekday      INTEGER NOT NULL DEFAULT 0 CHECK (reset_weekday BETWEEN 0 AND 6),
    default_limit      INTEGER NOT NULL DEFAULT 5 CHECK (default_limit >= 0),
    max_active         INTEGER NOT NULL DEFAULT 2 CHECK (max_active >= 1),
    cooldown_seconds   INTEGER NOT NULL DEFAULT 0 CHECK (cooldown_seconds >= 0),
    monthly_budget     REAL CHECK (monthly_budget IS NULL OR monthly_budget > 0),
    modlog_channel_id  INTEGER,
    moderator_role_id  INTEGER
);

-- A role's allowance replaces the default; the highest among a member's roles wins.
CREATE TABLE mod_role_limits (
    guild_id     INTEGER NOT NULL,
    role_id      INTEGER NOT NULL,
    video_limit  INTEGER NOT NULL CHECK (video_limit >= 0),
    PRIMARY KEY (guild_id, role_id)
);

-- A member's own allowance beats every role; 0 blocks. Ignored once expired.
CREATE TABLE mod_member_limits (
    guild_id     INTEGER NOT NULL,
    user_id      INTEGER NOT NULL,
    video_limit  INTEGER NOT NULL CHECK (video_limit >= 0),
    reason       TEXT NOT NULL,
    expires_at   REAL,
    set_by       INTEGER NOT NULL,
    set_at       REAL NOT NULL,
    PRIMARY KEY (guild_id, user_id)
);

-- An option value ('resolution:4k', 'duration:10') listed here is reserved for these roles.
CREATE TABLE mod_option_roles (
    guild_id  INTEGER NOT NULL,
    option    TEXT NOT NULL,
    role_id   INTEGER NOT NULL,
    PRIMARY KEY (guild_id, option, role_id)
);

-- Channels where /video may be used; none listed means every channel.
CREATE TABLE mod_channels (
    guild_id    INTEGER NOT NULL,
    channel_id  INTEGER NOT NULL,
    PRIMARY KEY (guild_id, channel_id)
);

-- Words or phrases refused in prompts (matched case-insensitively, '*' only at the ends).
CREATE TABLE mod_banned_words (
    guild_id  INTEGER NOT NULL,
    pattern   TEXT NOT NULL,
    added_by  INTEGER NOT NULL,
    added_at  REAL NOT NULL,
    PRIMARY KEY (guild_id, pattern)
);

-- Every moderator change: `action` is the catalog key of its sentence, `detail` its values.
CREATE TABLE mod_audit (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id      INTEGER NOT NULL,
    moderator_id  INTEGER NOT NULL,
    action        TEXT NOT NULL,
    detail        TEXT NOT NULL,
    created_at    REAL NOT NULL
);
CREATE INDEX mod_audit_by_guild ON mod_audit (guild_id, id);

-- The server budget sums credits over a month of the server's jobs.
CREATE INDEX jobs_by_guild ON jobs (guild_id, created_at);
