CREATE OR REPLACE TABLE lead_keys AS
SELECT
  l.lead_id,
  l.created_at,
  NULLIF(
    LOWER(
      CASE
        WHEN ASCII(CAST(l.email AS STRING)) <= 32
        OR ASCII(RIGHT(CAST(l.email AS STRING), 1)) <= 32
        THEN TRIM(' \t\r\n' FROM CAST(l.email AS STRING))
        ELSE CAST(l.email AS STRING)
      END
    ),
    ''
  ) AS duplicate_key_0
FROM leads AS l;

CREATE OR REPLACE TABLE duplicate_gaps (
  lead_id STRING,
  key_list INT,
  gap DOUBLE
);

CREATE TEMPORARY VIEW _nl_duplicate_groups AS
SELECT
  duplicate_key_0
FROM lead_keys
WHERE
  NOT duplicate_key_0 IS NULL
GROUP BY
  duplicate_key_0
HAVING
  COUNT(*) > 1;

INSERT INTO duplicate_gaps
SELECT
  d.lead_id,
  0 AS key_list,
  d.gap
FROM (
  SELECT
    k.lead_id,
    CASE
      WHEN k.duplicate_key_0 = LAG(k.duplicate_key_0) OVER (
        ORDER BY k.duplicate_key_0 NULLS LAST, k.created_at NULLS LAST, k.lead_id NULLS LAST
      )
      THEN CAST((
        UNIX_TIMESTAMP(k.created_at) * 1000000 + CAST(EXTRACT(SECOND FROM k.created_at) * 1000000 AS BIGINT) % 1000000
      ) AS DOUBLE) / 1000000 - CAST((
        UNIX_TIMESTAMP(
          LAG(k.created_at) OVER (
            ORDER BY k.duplicate_key_0 NULLS LAST, k.created_at NULLS LAST, k.lead_id NULLS LAST
          )
        ) * 1000000 + CAST(EXTRACT(SECOND FROM LAG(k.created_at) OVER (
          ORDER BY k.duplicate_key_0 NULLS LAST, k.created_at NULLS LAST, k.lead_id NULLS LAST
        )) * 1000000 AS BIGINT) % 1000000
      ) AS DOUBLE) / 1000000
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
