-- Two migrations were rewritten in place after release, a column and an index added to each: a
-- database that applied a first text of `honest_waits` (0005) lacks a server's videos-at-once
-- rule or the index of its unfinished jobs (its line, that rule, the counts by state read the
-- whole jobs table), one that applied a first text of `status_sweep` (0014) the status sweep's
-- hold or the index of stored interaction tokens.
ALTER TABLE mod_policy ADD COLUMN IF NOT EXISTS max_rendering INTEGER
    CHECK (max_rendering IS NULL OR max_rendering >= 1);
CREATE INDEX IF NOT EXISTS jobs_unfinished_by_guild ON jobs (guild_id, state)
    WHERE state IN ('recorded', 'submitting', 'queued', 'processing');
ALTER TABLE jobs ADD COLUMN IF NOT EXISTS status_swept_until DOUBLE PRECISION;
CREATE INDEX IF NOT EXISTS jobs_with_token ON jobs (interaction_expires_at)
    WHERE interaction_token IS NOT NULL;
