/* D1-D4: gross leads, one row per subtraction reason, not_ready and net leads, per period. */
/* metric_steps(step, reason) lists the rows in order; every step appears, zero counts included. */
WITH counts AS (
  SELECT
    d.period_start,
    CASE
      WHEN NOT f.rule_reason IS NULL
      THEN f.rule_reason
      WHEN f.net_from <= :as_of
      THEN 'net_leads'
      ELSE 'not_ready'
    END AS reason,
    COUNT(*) AS count
  FROM lead_facts AS f
  JOIN metric_days AS d
    ON d.day = f.created_date
  WHERE
    f.created_at <= :as_of
  GROUP BY
    1,
    2
), steps AS (
  SELECT
    period_start,
    reason,
    count
  FROM counts
  UNION ALL
  SELECT
    period_start,
    'gross_leads',
    SUM(count)
  FROM counts
  GROUP BY
    period_start
)
SELECT
  p.period_start,
  p.period,
  s.reason,
  CAST(COALESCE(c.count, 0) AS BIGINT) AS count
FROM metric_periods AS p
CROSS JOIN metric_steps AS s
LEFT JOIN steps AS c
  ON c.period_start = p.period_start AND c.reason = s.reason
ORDER BY
  p.period_start NULLS LAST,
  s.step NULLS LAST;
