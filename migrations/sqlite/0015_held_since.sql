-- When the current run of submits held back by APIMart (busy, asked to slow down) began: the
-- bot gives a job up after 30 minutes of those, not 30 minutes after it was recorded (a job
-- that waited in the server's line, or for the bot to start, had not been refused at all).
ALTER TABLE jobs ADD COLUMN held_since REAL
