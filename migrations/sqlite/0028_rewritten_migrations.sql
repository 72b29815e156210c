-- Two migrations were rewritten in place after release, an index added to each: a database that
-- applied the first text of `honest_waits` (0009) lacks the index of a server's unfinished jobs
-- (its line, its videos-at-once rule, the counts by state read the whole jobs table), one that
-- applied the first text of `status_sweep` (0018) the index of stored interaction tokens.
-- (Their earliest texts, each current for minutes, also lacked a column, which SQLite cannot
-- add only where it is missing.)
CREATE INDEX IF NOT EXISTS jobs_unfinished_by_guild ON jobs (guild_id, state)
    WHERE state IN ('recorded', 'submitting', 'queued', 'processing');
CREATE INDEX IF NOT EXISTS jobs_with_token ON jobs (interaction_expires_at)
    WHERE interaction_token IS NOT NULL;
