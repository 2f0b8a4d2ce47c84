/* D20: the leads of the chosen cohorts (first issued in the periods of the range, by as_of) by */
/* elapsed response minutes, with lead_to_opportunity (D10) per bucket. Every bucket has a row. */
WITH chosen_by_day AS (
  SELECT
    c.first_issued_date,
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
  WHERE
    c.first_issued_at <= :as_of
    AND c.first_issued_date BETWEEN :first_day AND :last_day
  GROUP BY
    1,
    2
), chosen AS (
  SELECT
    c.bucket_index,
    CAST(SUM(c.leads) AS BIGINT) AS leads,
    CAST(SUM(c.converted) AS BIGINT) AS converted
  FROM chosen_by_day AS c
  JOIN metric_days AS d
    ON d.day = c.first_issued_date
  GROUP BY
    c.bucket_index
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
