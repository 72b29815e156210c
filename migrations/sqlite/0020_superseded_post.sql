-- The post that told the member something before the job was delivered afresh (that it was
-- given up on, or its outcome unknown): a retry's search for the result starts after it, so it
-- is never taken for the result, whatever the clocks say.
ALTER TABLE jobs ADD COLUMN superseded_post_id INTEGER;
