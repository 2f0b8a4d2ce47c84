/* D2: the closest earlier lead with the same normalised keys (__same_keys compares l with t). */
SELECT
  l.lead_id
FROM leads AS t
JOIN leads AS l
  ON NULLIF(
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
  ) = NULLIF(
    LOWER(
      CASE
        WHEN ASCII(CAST(t.email AS TEXT)) <= 32
        OR ASCII(RIGHT(CAST(t.email AS TEXT), 1)) <= 32
        THEN TRIM(' 	
' FROM CAST(t.email AS TEXT))
        ELSE CAST(t.email AS TEXT)
      END
    ),
    ''
  )
WHERE
  t.lead_id = %(lead_id)s
  AND (
    l.created_at < t.created_at
    OR (
      l.created_at = t.created_at AND l.lead_id < t.lead_id
    )
  )
ORDER BY
  l.created_at DESC NULLS LAST,
  l.lead_id DESC NULLS LAST
LIMIT 1;
