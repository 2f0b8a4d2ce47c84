/* D5-D8 per period: investment, net leads issued, issued off agreement, cost per net lead issued. */
WITH issued AS (
  SELECT
    d.period_start,
    COUNT(CASE WHEN f.issued_net THEN 1 END) AS net_leads_issued,
    COUNT(CASE WHEN NOT f.issued_net THEN 1 END) AS issued_off_agreement
  FROM lead_facts AS f
  JOIN metric_days AS d
    ON d.day = f.first_issued_date
  WHERE
    f.first_issued_at <= :as_of
  GROUP BY
    d.period_start
), cost_days AS (
  SELECT
    p.period_start,
    CASE WHEN c.is_range THEN 0 ELSE c.amount END AS exact_amount,
    CASE
      WHEN c.is_range
      THEN TRY_DIVIDE(
        CAST(CAST(c.amount AS DOUBLE) * (
          DATEDIFF(
            DAY,
            GREATEST(c.segment_start, p.period_start),
            LEAST(c.segment_end, p.period_end, :as_of_date)
          ) + 1
        ) AS DOUBLE),
        c.range_days
      )
    END AS spread_amount
  FROM cost_facts AS c
  JOIN metric_periods AS p
    ON c.segment_start <= p.period_end AND c.segment_end >= p.period_start
  WHERE
    c.segment_start <= :as_of_date AND p.period_start <= :as_of_date
), investment AS (
  SELECT
    period_start,
    CAST(SUM(exact_amount) AS DOUBLE) + COALESCE(SUM(spread_amount), 0) AS investment
  FROM cost_days
  GROUP BY
    period_start
)
SELECT
  p.period_start,
  p.period,
  COALESCE(i.investment, 0) AS investment,
  COALESCE(n.net_leads_issued, 0) AS net_leads_issued,
  COALESCE(n.issued_off_agreement, 0) AS issued_off_agreement,
  CASE
    WHEN n.net_leads_issued > 0
    THEN TRY_DIVIDE(CAST(COALESCE(i.investment, 0) AS DOUBLE), n.net_leads_issued)
  END AS cpnsli /* D8: null when no net lead was issued. */
FROM metric_periods AS p
LEFT JOIN investment AS i
  ON i.period_start = p.period_start
LEFT JOIN issued AS n
  ON n.period_start = p.period_start
ORDER BY
  p.period_start NULLS LAST;
