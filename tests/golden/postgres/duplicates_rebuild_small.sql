DROP TABLE IF EXISTS lead_keys;

CREATE TABLE lead_keys AS
SELECT
  l.lead_id,
  l.created_at,
  NULLIF(
    LOWER(
      CASE
        WHEN ASCII(CAST(l.email AS TEXT)) <= 32
        OR ASCII(RIGHT(CAST(l.email AS TEXT), 1)) <= 32
        THEN TRIM(' 	
' FROM CAST(l.email AS TEXT))
        ELSE CAST(l.email AS TEXT)
      END
    ),
    ''
  ) AS duplicate_key_0
FROM leads AS l;

ANALYZE lead_keys;

DROP TABLE IF EXISTS duplicate_gaps;

CREATE TABLE duplicate_gaps (
  lead_id TEXT,
  key_list INT,
  gap DOUBLE PRECISION
);

DROP TABLE IF EXISTS _nl_duplicate_groups;

CREATE TEMPORARY TABLE _nl_duplicate_groups AS
SELECT
  duplicate_key_0
FROM lead_keys
WHERE
  NOT duplicate_key_0 IS NULL
GROUP BY
  duplicate_key_0
HAVING
  COUNT(*) > 1;

ANALYZE _nl_duplicate_groups;

INSERT INTO duplicate_gaps
SELECT
  d.lead_id,
  0 AS key_list,
  d.gap
FROM (
  SELECT
    k.lead_id,
    CASE
      WHEN k.duplicate_key_0 = LAG(k.duplicate_key_0) OVER (ORDER BY k.duplicate_key_0, k.created_at, k.lead_id)
      THEN DATE_PART('epoch', k.created_at) - DATE_PART(
        'epoch',
        LAG(k.created_at) OVER (ORDER BY k.duplicate_key_0, k.created_at, k.lead_id)
      )
    END AS gap
  FROM (
    SELECT
      k.lead_id,
      k.created_at,
      k.duplicate_key_0
    FROM lead_keys AS k
    JOIN _nl_duplicate_groups AS g
      ON k.duplicate_key_0 = g.duplicate_key_0
  ) AS k
) AS d
WHERE
  d.gap <= 7776000.0;

DROP TABLE IF EXISTS _nl_duplicate_groups;
