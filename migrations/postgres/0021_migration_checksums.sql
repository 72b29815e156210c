-- The SHA-256 of each migration's text as applied: a file changed after a database applied it
-- stops the bot starting, naming the file, instead of the change never reaching it. Rows
-- applied before it get theirs from the files of the first release that knows checksums.
ALTER TABLE schema_version ADD COLUMN checksum TEXT;
