/* D16-D19 per cohort period: response times of the net leads first issued in the period, the SLA */
/* and the outcome coding, as of as_of. */
WITH leads AS (
  SELECT
    d.period_start,
    COUNT(*) AS net_leads_issued,
    COUNT(CASE WHEN c.first_responded_at <= :as_of THEN 1 END) AS responded,
    PERCENTILE(CASE WHEN c.first_responded_at <= :as_of THEN c.response_minutes END, 0.5) AS response_median_minutes, /* D17: elapsed minutes, over the leads that have responded by as_of. */
    PERCENTILE(CASE WHEN c.first_responded_at <= :as_of THEN c.response_minutes END, 0.9) AS response_p90_minutes,
    COUNT(
      CASE
        WHEN c.first_responded_at <= c.sla_due_at AND c.first_responded_at <= :as_of
        THEN 1
      END
    ) AS sla_met, /* D18: met = responded inside the window (so by as_of); breached = the window closed by */ /* as_of without a response inside it. A lead still inside its window is in neither. */
    COUNT(
      CASE
        WHEN c.sla_due_at <= :as_of
        AND NOT COALESCE(c.first_responded_at <= c.sla_due_at, FALSE)
        THEN 1
      END
    ) AS sla_breaches,
    COUNT(CASE WHEN c.outcome_due_at <= :as_of THEN 1 END) AS outcome_due, /* D19: leads whose outcome window has passed by as_of, and those of them with an outcome. */
    COUNT(CASE WHEN c.outcome_due_at <= :as_of AND c.first_outcome_at <= :as_of THEN 1 END) AS outcome_coded
  FROM cohort_leads AS c
  JOIN metric_days AS d
    ON d.day = c.first_issued_date
  WHERE
    c.first_issued_at <= :as_of
  GROUP BY
    d.period_start
)
SELECT
  p.period_start,
  p.period,
  COALESCE(l.net_leads_issued, 0) AS net_leads_issued,
  COALESCE(l.responded, 0) AS responded,
  l.response_median_minutes,
  l.response_p90_minutes,
  CASE
    WHEN l.sla_met + l.sla_breaches > 0
    THEN TRY_DIVIDE(CAST(l.sla_met AS DOUBLE), (
      l.sla_met + l.sla_breaches
    ))
  END AS sla_met_rate,
  COALESCE(l.sla_breaches, 0) AS sla_breaches,
  CASE
    WHEN l.outcome_due > 0
    THEN TRY_DIVIDE(CAST(l.outcome_coded AS DOUBLE), l.outcome_due)
  END AS outcome_coded_rate
FROM metric_periods AS p
LEFT JOIN leads AS l
  ON l.period_start = p.period_start
ORDER BY
  p.period_start NULLS LAST;
