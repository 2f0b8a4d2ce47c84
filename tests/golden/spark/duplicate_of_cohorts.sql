/* D2: the closest earlier lead with the same normalised keys (__same_keys compares l with t). */
SELECT
  l.lead_id
FROM leads AS t
JOIN leads AS l
  ON NULLIF(
    LOWER(
      CASE
        WHEN ASCII(CAST(l.email AS STRING)) <= 32
        OR ASCII(RIGHT(CAST(l.email AS STRING), 1)) <= 32
        THEN TRIM(' \t\r\n' FROM CAST(l.email AS STRING))
        ELSE CAST(l.email AS STRING)
      END
    ),
    ''
  ) = NULLIF(
    LOWER(
      CASE
        WHEN ASCII(CAST(t.email AS STRING)) <= 32
        OR ASCII(RIGHT(CAST(t.email AS STRING), 1)) <= 32
        THEN TRIM(' \t\r\n' FROM CAST(t.email AS STRING))
        ELSE CAST(t.email AS STRING)
      END
    ),
    ''
  )
WHERE
  t.lead_id = :lead_id
  AND (
    l.created_at < t.created_at
    OR (
      l.created_at = t.created_at AND l.lead_id < t.lead_id
    )
  )
ORDER BY
  l.created_at DESC,
  l.lead_id DESC
LIMIT 1;
