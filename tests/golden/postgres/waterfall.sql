/* D1-D4: gross leads, one row per subtraction reason, not_ready and net leads, per period. */
/* metric_steps(step, reason) lists the rows in order; every step appears, zero counts included. */
WITH by_day AS MATERIALIZED (
  SELECT
    f.created_date,
    f.rule_reason,
    COUNT(*) AS leads,
    COUNT(CASE WHEN f.net_from <= %(as_of)s THEN 1 END) AS ready /* D3: answers count up to the first issue, or up to as_of for a lead not issued by then */ /* (an issue after as_of has not happened yet, T2): lead_facts.net_from says when. */
  FROM lead_facts AS f
  WHERE
    f.created_at <= %(as_of)s
    AND f.created_date BETWEEN %(first_day)s AND %(last_day)s
  GROUP BY
    f.created_date,
    f.rule_reason
), counts AS MATERIALIZED (
  SELECT
    d.period_start,
    CASE WHEN k.part = 2 THEN 'not_ready' ELSE COALESCE(b.rule_reason, 'net_leads') END AS reason,
    SUM(
      CASE
        WHEN k.part = 2
        THEN b.leads - b.ready
        WHEN b.rule_reason IS NULL
        THEN b.ready
        ELSE b.leads
      END
    ) AS count
  FROM by_day AS b
  JOIN metric_days AS d
    ON d.day = b.created_date
  CROSS JOIN (VALUES
    (1),
    (2)) AS k(part)
  WHERE
    k.part = 1 OR b.rule_reason IS NULL
  GROUP BY
    1,
    2
), steps AS MATERIALIZED (
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
  p.period_start,
  s.step;
