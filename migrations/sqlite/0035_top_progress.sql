-- The most progress a status check read for the job's task: what its status and /videos status
-- show, so a lower reading (APIMart's progress jumps about) never moves the bar back. `progress`
-- stays the last reading, which the poll schedule and the time left go by. Rows from before
-- have 0 here and show `progress` (the larger of the two is shown).
-- `previous_progress` and `previous_progress_at` (0010) are no longer written nor read: the
-- schedule takes its previous reading from `progress` and `progress_at` as they were before a
-- check. They stay, for processes of an older release during a rolling deploy.
ALTER TABLE jobs ADD COLUMN top_progress INTEGER NOT NULL DEFAULT 0;
