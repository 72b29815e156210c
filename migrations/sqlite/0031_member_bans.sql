-- Members banned from a server, as the bot heard it (GUILD_BAN_ADD, or its look at the start):
-- a request read before the ban and saved after it is refused, and a job the ban's cancels
-- missed is not sent. The unban (GUILD_BAN_REMOVE) deletes the row.
CREATE TABLE mod_bans (
    guild_id  INTEGER NOT NULL,
    user_id   INTEGER NOT NULL,
    banned_at REAL NOT NULL,
    PRIMARY KEY (guild_id, user_id)
);
