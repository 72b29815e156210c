-- The hourly prune of the moderators' audit trail (`JOB_RETENTION_DAYS`) reads only the lines
-- past the retention, oldest first, not the whole trail.
CREATE INDEX mod_audit_by_age ON mod_audit (created_at);
