CREATE OR REPLACE TABLE lead_keys AS
SELECT
  l.lead_id,
  l.created_at
FROM leads AS l;

CREATE OR REPLACE TABLE duplicate_gaps (
  lead_id STRING,
  key_list INT,
  gap DOUBLE
);

DROP TABLE IF EXISTS _nl_duplicate_groups;
