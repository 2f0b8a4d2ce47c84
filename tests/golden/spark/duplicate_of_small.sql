/* D2: the closest earlier lead with the same normalised keys (__same_keys compares l with t). */
SELECT
  l.lead_id
FROM leads AS t
JOIN leads AS l
  ON NULLIF(LOWER(TRIM(' \t\r\n' FROM CAST(l.email AS STRING))), '') = NULLIF(LOWER(TRIM(' \t\r\n' FROM CAST(t.email AS STRING))), '')
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
