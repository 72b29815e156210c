-- Leases: a stage (submit, poll, deliver) claims a job by writing its owner and an expiry and by
-- raising `version`; every write a worker makes afterwards says `WHERE version = <claimed>`, so a
-- worker whose lease lapsed (or was revoked by a cancel) can never overwrite a newer state.
ALTER TABLE jobs ADD COLUMN lease_owner TEXT;
ALTER TABLE jobs ADD COLUMN lease_until REAL;
ALTER TABLE jobs ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
-- When the last delivery attempt started and where it posted ('channel' or 'dm'), so a retry
-- after a crash knows exactly which stretch of which conversation to look in for its own post.
ALTER TABLE jobs ADD COLUMN delivery_started_at REAL;
ALTER TABLE jobs ADD COLUMN delivery_target TEXT;
CREATE INDEX jobs_submitting ON jobs (lease_until) WHERE state = 'submitting'
