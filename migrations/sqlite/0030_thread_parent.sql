-- The channel (or forum) a job's thread is in: a deleted channel takes its threads' messages
-- with it, archived ones with no event of their own.
ALTER TABLE jobs ADD COLUMN parent_channel_id INTEGER;
