-- The progress readings of a running job (JSON [[first seen at, percent], ...], oldest first):
-- the time left is measured from their recent rate, not from APIMart's fixed estimate.
ALTER TABLE jobs ADD COLUMN progress_readings TEXT NOT NULL DEFAULT '[]';

-- "Usually ready in ...": the latest completed renders of one resolution and length.
CREATE INDEX jobs_render_times ON jobs (resolution, duration, finished_at)
    WHERE state = 'completed';

-- A server's own concurrency rule: at most this many of its videos render at once (NULL: no
-- limit); the others wait, unsent, in line.
ALTER TABLE mod_policy ADD COLUMN max_rendering INTEGER
    CHECK (max_rendering IS NULL OR max_rendering >= 1);

-- A server's unsent and rendering jobs: its line, and its videos-at-once rule.
CREATE INDEX jobs_unfinished_by_guild ON jobs (guild_id, state)
    WHERE state IN ('recorded', 'submitting', 'queued', 'processing');
