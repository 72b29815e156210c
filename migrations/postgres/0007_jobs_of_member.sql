-- A member's own jobs, wherever they were made (/videos history, status and cancel answer
-- about all of them), newest first.
CREATE INDEX jobs_of_member ON jobs (user_id, id);
