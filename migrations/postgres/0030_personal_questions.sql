-- A cost question may be asked outside a server's rules too (Regenerate on another member's
-- result through the member's own install: their personal allowance pays), so a held request's
-- server may be NULL.
ALTER TABLE pending_requests ALTER COLUMN guild_id DROP NOT NULL;
