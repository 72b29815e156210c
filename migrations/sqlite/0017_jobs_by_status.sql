-- A reply to one of the bot's status messages is looked up by the message's id, as a reply to
-- a result is (`jobs_by_result`).
CREATE INDEX jobs_by_status ON jobs (status_message_id) WHERE status_message_id IS NOT NULL
