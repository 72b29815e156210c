-- A result posted as APIMart's link (over the upload limit, or not fetched) plays a dead video
-- once that link expires (about a day later): a sweep edits the post once to say so. When that
-- edit was made (or the post found deleted, or shut to the bot): no sweep takes it again.
ALTER TABLE jobs ADD COLUMN link_expiry_noted_at REAL;
-- A sweep making that edit holds the job until then (a lease: a sweep that dies midway, or an
-- edit Discord failed, leaves it to a later sweep once this time has passed).
ALTER TABLE jobs ADD COLUMN link_expiry_swept_until REAL;
-- The sweep reads only linked results not yet edited, by when their link expires.
CREATE INDEX jobs_link_expiry_due ON jobs (result_expires_at)
    WHERE result_linked = 1 AND link_expiry_noted_at IS NULL
