/* D5-D8 per period: investment, net leads issued, issued off agreement, cost per net lead issued. */
/* metric_investment(period_start, investment) is D7 (investment.sql). */
WITH issued_by_day AS (
  SELECT
    f.first_issued_date,
    COUNT(CASE WHEN f.issued_net THEN 1 END) AS net_leads_issued,
    COUNT(CASE WHEN NOT f.issued_net THEN 1 END) AS issued_off_agreement
  FROM lead_facts AS f
  WHERE
    f.first_issued_at <= :as_of
    AND f.first_issued_date BETWEEN :first_day AND :last_day
  GROUP BY
    f.first_issued_date
), issued AS (
  SELECT
    d.period_start,
    CAST(SUM(i.net_leads_issued) AS BIGINT) AS net_leads_issued,
    CAST(SUM(i.issued_off_agreement) AS BIGINT) AS issued_off_agreement
  FROM issued_by_day AS i
  JOIN metric_days AS d
    ON d.day = i.first_issued_date
  GROUP BY
    d.period_start
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
LEFT JOIN metric_investment AS i
  ON i.period_start = p.period_start
LEFT JOIN issued AS n
  ON n.period_start = p.period_start
ORDER BY
  p.period_start NULLS LAST;
