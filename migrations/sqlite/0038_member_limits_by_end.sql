-- A member's own allowance or block that ended is pruned the retention period after its end
-- (every process, every hour): the prune reads those that ended through this index, not every
-- member's setting.
CREATE INDEX mod_member_limits_by_end ON mod_member_limits (expires_at)
    WHERE expires_at IS NOT NULL;
