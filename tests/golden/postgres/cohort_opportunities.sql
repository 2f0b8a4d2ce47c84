/* cohort_opportunities: one row per opportunity of a lead in cohort_leads (D10), with the lead's */
/* cohort keys, its times read per T3 (earlier than the lead's created_at: at created_at), and when */
/* won its gross profit (D12: gross_profit, else revenue - cogs, else revenue x the default_margin */
/* of the version in force on the close date, T4, which is then an estimated win). */
WITH read AS MATERIALIZED (
  SELECT
    o.opportunity_id,
    c.lead_id,
    c.channel,
    c.account_type,
    c.first_issued_at,
    c.first_issued_date,
    CASE WHEN o.created_at < c.created_at THEN c.created_at ELSE o.created_at END AS created_at,
    o.status,
    CASE WHEN o.closed_at < c.created_at THEN c.created_at ELSE o.closed_at END AS closed_at,
    o.revenue,
    o.gross_profit,
    o.cogs
  FROM opportunities AS o
  JOIN cohort_leads AS c
    ON c.lead_id = o.lead_id
  WHERE
    TRUE
)
SELECT
  r.opportunity_id,
  r.lead_id,
  r.channel,
  r.account_type,
  r.first_issued_at,
  r.first_issued_date,
  r.created_at,
  r.status,
  r.closed_at,
  CASE WHEN r.status = 'won' THEN COALESCE(r.revenue, 0) END AS revenue,
  CASE
    WHEN r.status = 'won'
    THEN COALESCE(r.gross_profit, r.revenue - r.cogs, r.revenue * v.default_margin)
  END AS gross_profit,
  r.status = 'won'
  AND r.gross_profit IS NULL
  AND (
    r.revenue IS NULL OR r.cogs IS NULL
  ) AS estimated
FROM read AS r
LEFT JOIN cohort_versions AS v
  ON CAST(r.closed_at AS DATE) >= v.effective_from
  AND CAST(r.closed_at AS DATE) <= v.effective_to;
