-- Nothing prunes the jobs table, so each stage must find its jobs without reading it whole.
-- Jobs waiting to be sent to APIMart, by when each is due (the submit stage's claim).
CREATE INDEX jobs_due_submit ON jobs (next_poll_at) WHERE state = 'recorded';
-- Finished jobs by state: with `jobs_unfinished_by_guild`, the metrics scrape counts every
-- state from indexes. Partial, so SQLite never takes it for the poll stage's claim in place of
-- `jobs_due_poll` (an index by state alone it would, and sort every running job each time).
CREATE INDEX jobs_finished_by_state ON jobs (state)
    WHERE state IN ('cancelled', 'completed', 'failed', 'rejected', 'submit_unknown', 'timed_out');
