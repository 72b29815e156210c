-- A cancel is a mark beside the state, not a state: a job APIMart already has keeps moving
-- through queued → processing → completed/failed (polled quietly, so its credits are recorded)
-- and is never posted. `cancel_reason_key` is the catalog key saying who cancelled it.
ALTER TABLE jobs ADD COLUMN cancelled_at REAL;
ALTER TABLE jobs ADD COLUMN cancel_reason_key TEXT;

-- Jobs cancelled before this migration never reached APIMart or stopped being polled: keep
-- them as they were (cancelled, refunded), with the mark and the reason in the new terms.
UPDATE jobs SET cancelled_at = finished_at, cancel_reason_key = 'cancelled_by_member'
    WHERE state = 'cancelled' AND error_key = 'cancelled_by_member';
UPDATE jobs SET cancelled_at = finished_at, cancel_reason_key = 'cancelled_by_moderator',
    error_key = 'cancelled_by_moderator'
    WHERE state = 'cancelled' AND error_key = 'mod_cancelled_reason';

-- A task given up on (timed_out) is still looked at now and then, until APIMart says how it
-- ended, so its credits reach the budget.
DROP INDEX jobs_due_poll;
CREATE INDEX jobs_due_poll ON jobs (next_poll_at)
    WHERE state IN ('queued', 'processing', 'timed_out');
