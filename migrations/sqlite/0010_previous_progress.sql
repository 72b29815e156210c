-- The last two progress readings of a running job, each with the time it was read: the poll
-- schedule extrapolates a render's end from its recent speed. Older jobs have none.
ALTER TABLE jobs ADD COLUMN progress_at REAL;
ALTER TABLE jobs ADD COLUMN previous_progress INTEGER;
ALTER TABLE jobs ADD COLUMN previous_progress_at REAL
