-- How many times the result's download failed: a delivery that Discord refused (an outage)
-- does not use up the download's own tries, which `delivery_attempts` counts with the rest.
ALTER TABLE jobs ADD COLUMN download_failures INTEGER NOT NULL DEFAULT 0;
