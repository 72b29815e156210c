-- The version a submit claim had while its request had not left yet (cleared just before it
-- leaves). A claim that lapses still matching it sent nothing: the job waits to be sent again
-- rather than become `submit_unknown`. Any other claim (this column NULL, or an older bot's
-- claim, which moves the version without setting it) may have sent its request.
ALTER TABLE jobs ADD COLUMN unsent_version INTEGER
