-- Whether a finished video was posted as APIMart's link (over the upload limit, or not
-- fetched) rather than uploaded: that post's video stops working when the link expires, and
-- /videos status and history say so instead of pointing to the post as if it lasted.
ALTER TABLE jobs ADD COLUMN result_linked INTEGER NOT NULL DEFAULT 0
