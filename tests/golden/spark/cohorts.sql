/* D10-D15 per cohort period: the net leads first issued in the period (D5), followed through */
/* their opportunities up to as_of. metric_investment(period_start, investment) is D7 (cpnsli.py). */
WITH leads_by_day AS (
  SELECT
    c.first_issued_date,
    COUNT(*) AS net_leads_issued,
    COUNT(CASE WHEN c.first_opportunity_at <= :as_of THEN 1 END) AS converted
  FROM cohort_leads AS c
  WHERE
    c.first_issued_at <= :as_of
    AND c.first_issued_date BETWEEN :first_day AND :last_day
  GROUP BY
    c.first_issued_date
), leads AS (
  SELECT
    d.period_start,
    CAST(SUM(l.net_leads_issued) AS BIGINT) AS net_leads_issued,
    CAST(SUM(l.converted) AS BIGINT) AS converted
  FROM leads_by_day AS l
  JOIN metric_days AS d
    ON d.day = l.first_issued_date
  GROUP BY
    d.period_start
), opportunities AS (
  SELECT
    d.period_start,
    COUNT(*) AS opportunities,
    COUNT(CASE WHEN o.status = 'won' AND o.closed_at <= :as_of THEN 1 END) AS wins,
    COUNT(CASE WHEN o.status = 'lost' AND o.closed_at <= :as_of THEN 1 END) AS losses,
    SUM(CASE WHEN o.status = 'won' AND o.closed_at <= :as_of THEN o.revenue END) AS revenue,
    SUM(CASE WHEN o.status = 'won' AND o.closed_at <= :as_of THEN o.gross_profit END) AS gross_profit,
    COUNT(CASE WHEN o.status = 'won' AND o.closed_at <= :as_of AND o.estimated THEN 1 END) AS estimated_wins
  FROM cohort_opportunities AS o
  JOIN metric_days AS d
    ON d.day = o.first_issued_date
  WHERE
    o.first_issued_at <= :as_of AND o.created_at <= :as_of
  GROUP BY
    d.period_start
), running AS (
  SELECT
    d.period_start,
    o.closed_at,
    SUM(o.gross_profit) OVER (
      PARTITION BY d.period_start
      ORDER BY o.closed_at NULLS LAST, o.opportunity_id NULLS LAST
      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
    ) AS running_gross_profit
  FROM cohort_opportunities AS o
  JOIN metric_days AS d
    ON d.day = o.first_issued_date
  WHERE
    o.first_issued_at <= :as_of
    AND o.created_at <= :as_of
    AND o.status = 'won'
    AND o.closed_at <= :as_of
), payback AS (
  SELECT
    r.period_start,
    CAST(MIN(r.closed_at) AS DATE) AS payback_date
  FROM running AS r
  JOIN metric_investment AS i
    ON i.period_start = r.period_start
  WHERE
    r.running_gross_profit >= i.investment
  GROUP BY
    r.period_start
)
SELECT
  p.period_start,
  p.period,
  COALESCE(l.net_leads_issued, 0) AS net_leads_issued,
  COALESCE(o.opportunities, 0) AS opportunities,
  CASE
    WHEN l.net_leads_issued > 0
    THEN TRY_DIVIDE(CAST(l.converted AS DOUBLE), l.net_leads_issued)
  END AS lead_to_opportunity,
  COALESCE(o.wins, 0) AS wins,
  COALESCE(o.losses, 0) AS losses,
  CASE
    WHEN o.opportunities > 0
    THEN TRY_DIVIDE(CAST(o.wins AS DOUBLE), o.opportunities)
  END AS opportunity_to_win,
  CASE
    WHEN o.wins + o.losses > 0
    THEN TRY_DIVIDE(CAST(o.wins AS DOUBLE), (
      o.wins + o.losses
    ))
  END AS closed_win_rate,
  COALESCE(o.revenue, 0) AS revenue,
  COALESCE(o.gross_profit, 0) AS gross_profit,
  COALESCE(o.estimated_wins, 0) AS estimated_wins,
  CASE WHEN o.wins > 0 THEN TRY_DIVIDE(CAST(o.gross_profit AS DOUBLE), o.wins) END AS avg_gross_profit_per_win,
  COALESCE(i.investment, 0) AS investment,
  CASE
    WHEN i.investment <> 0
    THEN TRY_DIVIDE(
      CAST((
        CAST(COALESCE(o.gross_profit, 0) AS DOUBLE) - i.investment
      ) AS DOUBLE),
      i.investment
    )
  END AS cohort_roi, /* D14: null when the investment is 0. */
  b.payback_date,
  :as_of_date >= p.period_end + v.sales_cycle_days AS mature
FROM metric_periods AS p
JOIN cohort_versions AS v
  ON p.period_start >= v.effective_from AND p.period_start <= v.effective_to
LEFT JOIN leads AS l
  ON l.period_start = p.period_start
LEFT JOIN opportunities AS o
  ON o.period_start = p.period_start
LEFT JOIN metric_investment AS i
  ON i.period_start = p.period_start
LEFT JOIN payback AS b
  ON b.period_start = p.period_start
ORDER BY
  p.period_start NULLS LAST;
