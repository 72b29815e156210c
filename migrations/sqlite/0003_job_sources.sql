-- The messages a job's media came from (a JSON list of [channel_id, message_id] pairs), so
-- signed Discord attachment URLs can be fetched fresh before a late submit.
ALTER TABLE jobs ADD COLUMN source_messages TEXT NOT NULL DEFAULT '[]'
