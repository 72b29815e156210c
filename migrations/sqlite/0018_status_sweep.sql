-- When a job's last status edit was made (or Discord said the message is gone): a job told
-- of its end without it (the process stopped or crashed first) has it made by a later sweep,
-- so its status never says "rendering" with a Cancel button beside its posted video.
ALTER TABLE jobs ADD COLUMN status_final_at REAL;
-- A sweep making that edit holds the job until then (a lease: a sweep that dies midway, or an
-- edit Discord failed, leaves it to a later sweep once this time has passed).
ALTER TABLE jobs ADD COLUMN status_swept_until REAL;
-- Jobs already told before this migration: their last status is taken as shown.
UPDATE jobs SET status_final_at = COALESCE(delivered_at, cancelled_at)
    WHERE status_message_id IS NOT NULL
    AND (delivered_at IS NOT NULL OR cancelled_at IS NOT NULL);
CREATE INDEX jobs_status_unshown ON jobs (id)
    WHERE status_message_id IS NOT NULL AND status_final_at IS NULL;
-- Interaction tokens past their life are forgotten by the same sweep (a cancelled job's, which
-- no delivery ever forgets): the few still stored are found without reading every job.
CREATE INDEX jobs_with_token ON jobs (interaction_expires_at)
    WHERE interaction_token IS NOT NULL
