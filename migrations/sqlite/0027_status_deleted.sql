-- Whether the job's status message was deleted (by hand, or in a purge), as the bot heard it
-- or as an edit of it was answered (404): it is never edited again, /videos status no longer
-- links to it, and in every process and after a restart. Apart from `status_message_id`,
-- whose NULL means "never announced" (such a job is announced when it is sent).
ALTER TABLE jobs ADD COLUMN status_deleted INTEGER NOT NULL DEFAULT 0;
