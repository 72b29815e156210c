-- Whether the job's private status was handed over to a DM (its render outlasting the
-- interaction's 15 minutes). Its token is kept until the note saying so is made: a process
-- killed in between leaves the note to the next one, while the token lasts.
ALTER TABLE jobs ADD COLUMN reply_handed_over INTEGER NOT NULL DEFAULT 0;
