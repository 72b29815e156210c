-- How a held request uses the member's files where the options they chose do not say it (a
-- clip put in an image option), as its cost question told it, in the request's language: a
-- question asked again because the cost rose tells it again, read before Confirm once more.
ALTER TABLE pending_requests ADD COLUMN files_note TEXT;
