/* D20: the leads of the chosen cohorts (first issued in the periods of the range, by as_of) by */
/* elapsed response minutes, with lead_to_opportunity (D10) per bucket. Every bucket has a row. */
WITH chosen AS (
  SELECT
    CASE
      WHEN NOT COALESCE(c.first_responded_at <= :as_of, FALSE)
      THEN 5
      WHEN c.response_minutes < 5
      THEN 0
      WHEN c.response_minutes < 60
      THEN 1
      WHEN c.response_minutes < 1440
      THEN 2
      WHEN c.response_minutes < 4320
      THEN 3
      ELSE 4
    END AS bucket_index,
    COUNT(*) AS leads,
    COUNT(CASE WHEN c.first_opportunity_at <= :as_of THEN 1 END) AS converted
  FROM cohort_leads AS c
  JOIN metric_days AS d
    ON d.day = c.first_issued_date
  WHERE
    c.first_issued_at <= :as_of
  GROUP BY
    1
)
SELECT
  b.bucket,
  COALESCE(c.leads, 0) AS leads,
  CASE WHEN c.leads > 0 THEN TRY_DIVIDE(CAST(c.converted AS DOUBLE), c.leads) END AS lead_to_opportunity
FROM VALUES
  (0, '0-5'),
  (1, '5-60'),
  (2, '60-1440'),
  (3, '1440-4320'),
  (4, '4320+'),
  (5, 'no_response') AS b(bucket_index, bucket)
LEFT JOIN chosen AS c
  ON c.bucket_index = b.bucket_index
ORDER BY
  b.bucket_index NULLS LAST;
