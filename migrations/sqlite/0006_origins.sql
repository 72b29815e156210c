-- What asked for each job ("interaction:<id>", "message:<id>"): during a deploy overlap Discord
-- delivers one command to two processes, and this keeps it to one job. Older jobs have none.
ALTER TABLE jobs ADD COLUMN origin_id TEXT;
CREATE UNIQUE INDEX jobs_by_origin ON jobs (origin_id) WHERE origin_id IS NOT NULL
