-- A deleted message is looked up by its id among posted results, wherever it was deleted (a
-- server channel, the member's DM, a bulk delete): without a server to filter by first.
CREATE INDEX jobs_by_result ON jobs (delivery_message_id) WHERE delivery_message_id IS NOT NULL;
