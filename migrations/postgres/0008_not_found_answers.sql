-- "Not found" answers in a row for a job's task: a 404 may be a moment's glitch (a deploy, a
-- proxy), so a render is given up as unknown only after several, with no other answer between.
-- `poll_failures` counts every failed check (5xx, timeouts, 429s), not only those.
ALTER TABLE jobs ADD COLUMN not_found_answers INTEGER NOT NULL DEFAULT 0;
