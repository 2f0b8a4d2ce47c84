/* The local date of the earliest lead, cost or event that exists at $as_of (T2): where a range */
/* without --from begins. */
SELECT
  MIN(first_date) AS first_date
FROM (
  SELECT
    CAST(MIN(l.created_at) AS DATE) AS first_date
  FROM leads AS l
  WHERE
    l.created_at <= :as_of
  UNION ALL
  SELECT
    CAST(MIN(e.occurred_at) AS DATE)
  FROM lead_events AS e
  WHERE
    e.occurred_at <= :as_of
  UNION ALL
  SELECT
    MIN(COALESCE(c.date, c.period_start))
  FROM costs AS c
  WHERE
    COALESCE(c.date, c.period_start) <= :as_of_date
) AS firsts;
