-- Claims held now (a lease is cleared when its stage lets go): the stage loops ask when the
-- next job comes due, which is a held job's lease end when that is later than its due time,
-- without reading every running job.
CREATE INDEX jobs_held ON jobs (lease_until) WHERE lease_until IS NOT NULL;
