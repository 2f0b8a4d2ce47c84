DROP TABLE IF EXISTS lead_keys;

CREATE TABLE lead_keys AS
SELECT
  l.lead_id,
  l.created_at
FROM leads AS l;

ANALYZE lead_keys;

DROP TABLE IF EXISTS duplicate_gaps;

CREATE TABLE duplicate_gaps (
  lead_id TEXT,
  key_list INT,
  gap DOUBLE PRECISION
);

DROP TABLE IF EXISTS _nl_duplicate_groups;
