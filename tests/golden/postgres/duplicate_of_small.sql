/* D2: the closest earlier lead with the same normalised keys (__same_keys compares l with t). */
SELECT
  l.lead_id
FROM leads AS t
JOIN leads AS l
  ON NULLIF(LOWER(TRIM(' 	
' FROM CAST(l.email AS TEXT))), '') = NULLIF(LOWER(TRIM(' 	
' FROM CAST(t.email AS TEXT))), '')
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
