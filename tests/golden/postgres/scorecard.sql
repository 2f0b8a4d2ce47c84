/* D21-D22: the weekly scorecard, optionally split by channel or account_type ($split is 'none', */
/* 'channel' or 'account_type'). metric_periods holds the weeks of the range plus the week before */
/* it, so that the first row's *_change compares with that week; rows before $first_week are */
/* dropped at the end. metric_investment(period_start, split, investment) is D7, or D9 per channel. */
/* Every week has a row for every split value seen in the weeks, so LAG compares consecutive weeks. */
WITH gross_by_day AS MATERIALIZED (
  SELECT
    f.created_date,
    CASE %(split)s
      WHEN 'channel'
      THEN f.channel
      WHEN 'account_type'
      THEN f.account_type
    END AS split,
    COUNT(*) AS gross_leads
  FROM lead_facts AS f
  WHERE
    f.created_at <= %(as_of)s
    AND f.created_date BETWEEN %(first_day)s AND %(last_day)s
  GROUP BY
    1,
    2
), gross AS MATERIALIZED (
  SELECT
    d.period_start,
    g.split,
    CAST(SUM(g.gross_leads) AS BIGINT) AS gross_leads
  FROM gross_by_day AS g
  JOIN metric_days AS d
    ON d.day = g.created_date
  GROUP BY
    1,
    2
), cohort AS MATERIALIZED (
  SELECT
    d.period_start,
    CASE %(split)s
      WHEN 'channel'
      THEN c.channel
      WHEN 'account_type'
      THEN c.account_type
    END AS split,
    COUNT(*) AS net_leads_issued,
    COUNT(CASE WHEN c.first_opportunity_at <= %(as_of)s THEN 1 END) AS converted,
    PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY
      CASE WHEN c.first_responded_at <= %(as_of)s THEN c.response_minutes END) AS response_median_minutes,
    PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY
      CASE WHEN c.first_responded_at <= %(as_of)s THEN c.response_minutes END) AS response_p90_minutes,
    COUNT(
      CASE
        WHEN c.first_responded_at <= c.sla_due_at AND c.first_responded_at <= %(as_of)s
        THEN 1
      END
    ) AS sla_met,
    COUNT(
      CASE
        WHEN c.sla_due_at <= %(as_of)s
        AND NOT COALESCE(c.first_responded_at <= c.sla_due_at, FALSE)
        THEN 1
      END
    ) AS sla_breaches
  FROM cohort_leads AS c
  JOIN metric_days AS d
    ON d.day = c.first_issued_date
  WHERE
    c.first_issued_at <= %(as_of)s
  GROUP BY
    1,
    2
), opportunities AS MATERIALIZED (
  SELECT
    d.period_start,
    CASE %(split)s
      WHEN 'channel'
      THEN o.channel
      WHEN 'account_type'
      THEN o.account_type
    END AS split,
    COUNT(*) AS opportunities,
    COUNT(CASE WHEN o.status = 'won' AND o.closed_at <= %(as_of)s THEN 1 END) AS wins,
    SUM(CASE WHEN o.status = 'won' AND o.closed_at <= %(as_of)s THEN o.gross_profit END) AS gross_profit
  FROM cohort_opportunities AS o
  JOIN metric_days AS d
    ON d.day = o.first_issued_date
  WHERE
    o.first_issued_at <= %(as_of)s AND o.created_at <= %(as_of)s
  GROUP BY
    1,
    2
), splits AS MATERIALIZED (
  SELECT DISTINCT
    split
  FROM (
    SELECT
      split
    FROM gross
    UNION ALL
    SELECT
      split
    FROM cohort
    UNION ALL
    SELECT
      split
    FROM metric_investment
    WHERE
      %(split)s = 'channel'
    UNION ALL
    SELECT
      CAST(NULL AS TEXT)
    WHERE
      %(split)s = 'none'
  ) AS seen
), week_values AS MATERIALIZED (
  SELECT
    p.period_start,
    p.period,
    s.split,
    COALESCE(g.gross_leads, 0) AS gross_leads,
    COALESCE(c.net_leads_issued, 0) AS net_leads_issued,
    CASE WHEN %(split)s <> 'account_type' THEN COALESCE(i.investment, 0) END AS investment, /* Costs carry no account type: no investment in that split (D21). */
    c.response_median_minutes,
    c.response_p90_minutes,
    CASE
      WHEN c.sla_met + c.sla_breaches > 0
      THEN CAST(c.sla_met AS DOUBLE PRECISION) / (
        c.sla_met + c.sla_breaches
      )
    END AS sla_met_rate,
    CASE
      WHEN c.net_leads_issued > 0
      THEN CAST(c.converted AS DOUBLE PRECISION) / c.net_leads_issued
    END AS lead_to_opportunity,
    CASE
      WHEN o.opportunities > 0
      THEN CAST(o.wins AS DOUBLE PRECISION) / o.opportunities
    END AS opportunity_to_win,
    CASE WHEN o.wins > 0 THEN CAST(o.gross_profit AS DOUBLE PRECISION) / o.wins END AS avg_gross_profit_per_win,
    COALESCE(o.gross_profit, 0) AS gross_profit
  FROM metric_periods AS p
  CROSS JOIN splits AS s
  LEFT JOIN gross AS g
    ON g.period_start = p.period_start AND g.split IS NOT DISTINCT FROM s.split
  LEFT JOIN cohort AS c
    ON c.period_start = p.period_start AND c.split IS NOT DISTINCT FROM s.split
  LEFT JOIN opportunities AS o
    ON o.period_start = p.period_start AND o.split IS NOT DISTINCT FROM s.split
  LEFT JOIN metric_investment AS i
    ON %(split)s <> 'account_type'
    AND i.period_start = p.period_start
    AND i.split IS NOT DISTINCT FROM s.split
), ratios AS MATERIALIZED (
  SELECT
    w.*,
    CASE
      WHEN w.net_leads_issued > 0
      THEN CAST(w.investment AS DOUBLE PRECISION) / w.net_leads_issued
    END AS cpnsli,
    CASE
      WHEN w.investment <> 0
      THEN CAST((
        CAST(w.gross_profit AS DOUBLE PRECISION) - w.investment
      ) AS DOUBLE PRECISION) / w.investment
    END AS cohort_roi
  FROM week_values AS w
), changes AS MATERIALIZED (
  SELECT
    r.*,
    LAG(r.gross_leads) OVER previous AS prior_gross_leads,
    LAG(r.net_leads_issued) OVER previous AS prior_net_leads_issued,
    LAG(r.investment) OVER previous AS prior_investment,
    LAG(r.cpnsli) OVER previous AS prior_cpnsli,
    LAG(r.response_median_minutes) OVER previous AS prior_response_median_minutes,
    LAG(r.response_p90_minutes) OVER previous AS prior_response_p90_minutes,
    LAG(r.sla_met_rate) OVER previous AS prior_sla_met_rate,
    LAG(r.lead_to_opportunity) OVER previous AS prior_lead_to_opportunity,
    LAG(r.opportunity_to_win) OVER previous AS prior_opportunity_to_win,
    LAG(r.avg_gross_profit_per_win) OVER previous AS prior_avg_gross_profit_per_win,
    LAG(r.gross_profit) OVER previous AS prior_gross_profit,
    LAG(r.cohort_roi) OVER previous AS prior_cohort_roi
  FROM ratios AS r
  WINDOW previous AS (PARTITION BY r.split ORDER BY r.period_start)
), moved AS MATERIALIZED (
  SELECT
    c.*,
    CASE
      WHEN c.investment > 0
      AND c.prior_investment > 0
      AND c.gross_leads > 0
      AND c.prior_gross_leads > 0
      AND c.net_leads_issued > 0
      AND c.prior_net_leads_issued > 0
      AND ABS(LN(CAST(c.cpnsli AS DOUBLE PRECISION) / c.prior_cpnsli)) > 1e-9
      THEN LN(CAST(c.cpnsli AS DOUBLE PRECISION) / c.prior_cpnsli)
    END AS log_change
  FROM changes AS c
)
SELECT
  m.period_start,
  m.period,
  m.split,
  m.gross_leads,
  m.net_leads_issued,
  m.investment,
  m.cpnsli,
  m.response_median_minutes,
  m.response_p90_minutes,
  m.sla_met_rate,
  m.lead_to_opportunity,
  m.opportunity_to_win,
  m.avg_gross_profit_per_win,
  m.gross_profit,
  m.cohort_roi,
  m.gross_leads - m.prior_gross_leads AS gross_leads_change,
  m.net_leads_issued - m.prior_net_leads_issued AS net_leads_issued_change,
  m.investment - m.prior_investment AS investment_change,
  m.cpnsli - m.prior_cpnsli AS cpnsli_change,
  m.response_median_minutes - m.prior_response_median_minutes AS response_median_minutes_change,
  m.response_p90_minutes - m.prior_response_p90_minutes AS response_p90_minutes_change,
  m.sla_met_rate - m.prior_sla_met_rate AS sla_met_rate_change,
  m.lead_to_opportunity - m.prior_lead_to_opportunity AS lead_to_opportunity_change,
  m.opportunity_to_win - m.prior_opportunity_to_win AS opportunity_to_win_change,
  m.avg_gross_profit_per_win - m.prior_avg_gross_profit_per_win AS avg_gross_profit_per_win_change,
  m.gross_profit - m.prior_gross_profit AS gross_profit_change,
  m.cohort_roi - m.prior_cohort_roi AS cohort_roi_change,
  CASE
    WHEN NOT m.log_change IS NULL
    THEN CAST(LN(CAST(m.investment AS DOUBLE PRECISION) / m.prior_investment) AS DOUBLE PRECISION) / m.log_change
  END AS moved_investment_share,
  CASE
    WHEN NOT m.log_change IS NULL
    THEN CAST(-LN(CAST(m.gross_leads AS DOUBLE PRECISION) / m.prior_gross_leads) AS DOUBLE PRECISION) / m.log_change
  END AS moved_volume_share,
  CASE
    WHEN NOT m.log_change IS NULL
    THEN CAST(-LN(
      CAST((
        CAST(m.net_leads_issued AS DOUBLE PRECISION) / m.gross_leads
      ) AS DOUBLE PRECISION) / (
        CAST(m.prior_net_leads_issued AS DOUBLE PRECISION) / m.prior_gross_leads
      )
    ) AS DOUBLE PRECISION) / m.log_change
  END AS moved_yield_share
FROM moved AS m
WHERE
  m.period_start >= %(first_week)s
ORDER BY
  m.period_start,
  m.split = '(shared)',
  m.split;
