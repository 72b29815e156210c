-- Where a job's news goes, decided when it is recorded: 'channel' (NULL: the bot posts with its
-- own token), 'interaction' (through the command's interaction, where the bot is no member) or
-- 'dm'. The interaction's token lives 15 minutes: it is kept only while it may still be used
-- (cleared once the job is delivered or the token expired), and never logged.
ALTER TABLE jobs ADD COLUMN reply_route TEXT;
ALTER TABLE jobs ADD COLUMN interaction_token TEXT;
ALTER TABLE jobs ADD COLUMN interaction_expires_at REAL;
-- The member's private answer (the interaction's original response), edited as the status.
ALTER TABLE jobs ADD COLUMN interaction_message_id INTEGER;
-- 1 when Discord makes every answer there private (the server blocks external apps).
ALTER TABLE jobs ADD COLUMN reply_ephemeral INTEGER NOT NULL DEFAULT 0;
-- The interaction's upload limit (`attachment_size_limit`): a result up to it is uploaded.
ALTER TABLE jobs ADD COLUMN interaction_upload_limit INTEGER;
-- Requests outside a server that installed the bot (guild_id NULL) count per user.
CREATE INDEX jobs_personal ON jobs (user_id, created_at) WHERE guild_id IS NULL
