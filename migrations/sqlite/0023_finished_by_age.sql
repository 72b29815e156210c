-- Finished jobs by when they were asked for: the retention (bot/jobs/retention.py) deletes the
-- oldest first, reading only those past their time, never the table.
CREATE INDEX jobs_finished_by_age ON jobs (created_at)
    WHERE state IN ('cancelled', 'completed', 'failed', 'rejected', 'submit_unknown', 'timed_out');
