-- What the member was told a job is expected to cost, when it was recorded: shown until APIMart
-- says what it cost, so a restart or newer prices learned never change the figure they read
-- (NULL: recorded before this, priced as then learned).
ALTER TABLE jobs ADD COLUMN quoted_credits REAL;
ALTER TABLE jobs ADD COLUMN quoted_samples INTEGER;
