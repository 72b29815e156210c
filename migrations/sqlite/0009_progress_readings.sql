-- The progress readings of a running job (JSON [[first seen at, percent], ...], oldest first):
-- the time left is measured from their recent rate, not from APIMart's fixed estimate.
ALTER TABLE jobs ADD COLUMN progress_readings TEXT NOT NULL DEFAULT '[]';

-- "Usually ready in ...": the latest completed renders of one resolution and length.
CREATE INDEX jobs_render_times ON jobs (resolution, duration, finished_at)
    WHERE state = 'completed';
