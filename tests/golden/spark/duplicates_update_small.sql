CREATE TEMPORARY VIEW _nl_duplicate_groups_0 AS
SELECT
  duplicate_key_0
FROM (
  SELECT
    duplicate_key_0
  FROM lead_keys
  WHERE
    lead_id IN (
      SELECT
        id
      FROM _nl_changed_leads
    )
  UNION
  SELECT
    duplicate_key_0
  FROM (
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
    FROM leads AS l
    WHERE
      l.lead_id IN (
        SELECT
          id
        FROM _nl_changed_leads
      )
  ) AS n
) AS v
WHERE
  NOT duplicate_key_0 IS NULL;

DELETE FROM lead_keys
WHERE
  lead_id IN (
    SELECT
      id
    FROM _nl_changed_leads
  );

INSERT INTO lead_keys
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
FROM leads AS l
WHERE
  l.lead_id IN (
    SELECT
      id
    FROM _nl_changed_leads
  );

CREATE TEMPORARY VIEW _nl_duplicate_candidates AS
SELECT
  k.lead_id,
  k.created_at,
  k.duplicate_key_0
FROM lead_keys AS k
JOIN _nl_duplicate_groups_0 AS g
  ON k.duplicate_key_0 = g.duplicate_key_0;

DELETE FROM duplicate_gaps
WHERE
  key_list = ?
  AND lead_id IN (
    SELECT
      lead_id
    FROM _nl_duplicate_candidates
  );

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
  FROM _nl_duplicate_candidates AS k
) AS d
WHERE
  d.gap <= 7776000.0;

INSERT INTO _nl_touched_leads
SELECT
  lead_id
FROM _nl_duplicate_candidates;

DROP TABLE _nl_duplicate_candidates;

DROP TABLE _nl_duplicate_groups_0;
