-- Nothing prunes the jobs table, so each stage must find its jobs without reading it whole.
-- Jobs waiting to be sent to APIMart, by when each is due (the submit stage's claim).
CREATE INDEX jobs_due_submit ON jobs (next_poll_at) WHERE state = 'recorded';
-- Jobs by state: the metrics scrape counts them from this index, not from the table.
CREATE INDEX jobs_by_state ON jobs (state);
