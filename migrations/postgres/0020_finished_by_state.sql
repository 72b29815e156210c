-- `stage_indexes` was first released with a full index by state, then rewritten in place: a
-- database that applied the first text still has `jobs_by_state` (SQLite takes it for the poll
-- stage's claim and sorts every running job) and lacks the partial index that replaced it.
DROP INDEX IF EXISTS jobs_by_state;
CREATE INDEX IF NOT EXISTS jobs_finished_by_state ON jobs (state)
    WHERE state IN ('cancelled', 'completed', 'failed', 'rejected', 'submit_unknown', 'timed_out');
