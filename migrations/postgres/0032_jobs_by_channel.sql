-- A channel or thread deleted in Discord takes the bot's messages in it (and in its threads)
-- with it: its jobs are looked up by the channel they were asked in, and by the channel their
-- thread is in, not through every job of the server (a parallel scan of the whole table on
-- PostgreSQL, the server's whole history on SQLite: 0.5-0.7 s per deleted thread at 1.5
-- million jobs). The server comes first: SQLite prefers these to `jobs_by_guild` for that
-- look-up (two columns matched, not one), and never takes them for a deleted message's
-- (`jobs_by_status`, which names no server).
CREATE INDEX jobs_in_channel ON jobs (guild_id, channel_id);
CREATE INDEX jobs_in_threads_of ON jobs (guild_id, parent_channel_id)
    WHERE parent_channel_id IS NOT NULL;
