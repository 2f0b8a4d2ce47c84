DROP TABLE IF EXISTS _nl_duplicate_groups_0;

CREATE TEMPORARY TABLE _nl_duplicate_groups_0 AS
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
            WHEN ASCII(CAST(l.email AS TEXT)) <= 32
            OR ASCII(RIGHT(CAST(l.email AS TEXT), 1)) <= 32
            THEN TRIM(' 	
' FROM CAST(l.email AS TEXT))
            ELSE CAST(l.email AS TEXT)
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

ANALYZE _nl_duplicate_groups_0;

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
        WHEN ASCII(CAST(l.email AS TEXT)) <= 32
        OR ASCII(RIGHT(CAST(l.email AS TEXT), 1)) <= 32
        THEN TRIM(' 	
' FROM CAST(l.email AS TEXT))
        ELSE CAST(l.email AS TEXT)
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

DROP TABLE IF EXISTS _nl_duplicate_candidates;

CREATE TEMPORARY TABLE _nl_duplicate_candidates AS
SELECT
  k.lead_id,
  k.created_at,
  k.duplicate_key_0
FROM lead_keys AS k
JOIN _nl_duplicate_groups_0 AS g
  ON k.duplicate_key_0 = g.duplicate_key_0;

ANALYZE _nl_duplicate_candidates;

DELETE FROM duplicate_gaps
WHERE
  key_list = %s
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
      WHEN k.duplicate_key_0 = LAG(k.duplicate_key_0) OVER (ORDER BY k.duplicate_key_0, k.created_at, k.lead_id)
      THEN DATE_PART('epoch', k.created_at) - DATE_PART(
        'epoch',
        LAG(k.created_at) OVER (ORDER BY k.duplicate_key_0, k.created_at, k.lead_id)
      )
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
