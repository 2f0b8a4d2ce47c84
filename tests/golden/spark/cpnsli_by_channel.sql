/* D9: investment and net leads issued per channel. Shared costs (no channel) are spread by the */
/* shared_costs mode of the version in force on each of their days (T4), using the period's shares; */
/* where a share's denominator is 0 they stay in the '(shared)' row. Rows add up to D7. */
WITH issued_by_day AS (
  SELECT
    f.first_issued_date,
    f.channel,
    COUNT(*) AS net_leads_issued
  FROM lead_facts AS f
  WHERE
    f.first_issued_at <= :as_of
    AND f.issued_net
    AND f.first_issued_date BETWEEN :first_day AND :last_day
  GROUP BY
    f.first_issued_date,
    f.channel
), issued AS (
  SELECT
    d.period_start,
    i.channel,
    CAST(SUM(i.net_leads_issued) AS BIGINT) AS net_leads_issued
  FROM issued_by_day AS i
  JOIN metric_days AS d
    ON d.day = i.first_issued_date
  GROUP BY
    d.period_start,
    i.channel
), cost_days AS (
  SELECT
    p.period_start,
    c.channel,
    c.shared_costs,
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
      ELSE 0
    END AS spread_amount
  FROM cost_facts AS c
  JOIN metric_periods AS p
    ON c.segment_start <= p.period_end AND c.segment_end >= p.period_start
  WHERE
    c.segment_start <= :as_of_date AND p.period_start <= :as_of_date
), direct AS (
  SELECT
    period_start,
    channel,
    CAST(SUM(exact_amount) AS DOUBLE) + SUM(spread_amount) AS investment
  FROM cost_days
  WHERE
    NOT channel IS NULL
  GROUP BY
    period_start,
    channel
), shared AS (
  SELECT
    period_start,
    SUM(CASE WHEN shared_costs = 'by_net_leads' THEN exact_amount ELSE 0 END) + SUM(CASE WHEN shared_costs = 'by_net_leads' THEN spread_amount ELSE 0 END) AS by_net_leads,
    SUM(CASE WHEN shared_costs = 'by_direct' THEN exact_amount ELSE 0 END) + SUM(CASE WHEN shared_costs = 'by_direct' THEN spread_amount ELSE 0 END) AS by_direct,
    SUM(CASE WHEN shared_costs = 'unallocated' THEN exact_amount ELSE 0 END) + SUM(CASE WHEN shared_costs = 'unallocated' THEN spread_amount ELSE 0 END) AS unallocated
  FROM cost_days
  WHERE
    channel IS NULL
  GROUP BY
    period_start
), channels AS (
  SELECT
    COALESCE(i.period_start, k.period_start) AS period_start,
    COALESCE(i.channel, k.channel) AS channel,
    COALESCE(k.investment, 0) AS direct,
    COALESCE(i.net_leads_issued, 0) AS net_leads_issued
  FROM issued AS i
  FULL OUTER JOIN direct AS k
    ON k.period_start = i.period_start AND k.channel = i.channel
), totals AS (
  SELECT
    p.period_start,
    COALESCE(SUM(c.direct), 0) AS direct,
    COALESCE(SUM(c.net_leads_issued), 0) AS net_leads_issued,
    COALESCE(MAX(s.by_net_leads), 0) AS by_net_leads,
    COALESCE(MAX(s.by_direct), 0) AS by_direct,
    COALESCE(MAX(s.unallocated), 0) AS unallocated
  FROM metric_periods AS p
  LEFT JOIN channels AS c
    ON c.period_start = p.period_start
  LEFT JOIN shared AS s
    ON s.period_start = p.period_start
  GROUP BY
    p.period_start
), channel_rows AS (
  SELECT
    c.period_start,
    c.channel,
    FALSE AS is_shared,
    CAST(c.direct + CASE
      WHEN t.net_leads_issued > 0
      THEN TRY_DIVIDE(CAST(t.by_net_leads * c.net_leads_issued AS DOUBLE), t.net_leads_issued)
      ELSE 0
    END + CASE
      WHEN t.direct <> 0
      THEN TRY_DIVIDE(CAST(t.by_direct * c.direct AS DOUBLE), t.direct)
      ELSE 0
    END AS DOUBLE) AS investment,
    c.net_leads_issued
  FROM channels AS c
  JOIN totals AS t
    ON t.period_start = c.period_start
  WHERE
    c.direct <> 0 OR c.net_leads_issued > 0
), shared_rows AS (
  SELECT
    t.period_start,
    '(shared)' AS channel,
    TRUE AS is_shared,
    CAST(t.unallocated + CASE WHEN t.net_leads_issued > 0 THEN 0 ELSE t.by_net_leads END + CASE WHEN t.direct <> 0 THEN 0 ELSE t.by_direct END AS DOUBLE) AS investment,
    0 AS net_leads_issued
  FROM totals AS t
), all_rows AS (
  SELECT
    *
  FROM channel_rows
  UNION ALL
  SELECT
    *
  FROM shared_rows
  WHERE
    investment <> 0
)
SELECT
  p.period_start,
  p.period,
  r.channel,
  r.investment,
  CAST(r.net_leads_issued AS BIGINT) AS net_leads_issued,
  CASE
    WHEN r.net_leads_issued > 0
    THEN TRY_DIVIDE(CAST(r.investment AS DOUBLE), r.net_leads_issued)
  END AS cpnsli
FROM all_rows AS r
JOIN metric_periods AS p
  ON p.period_start = r.period_start
ORDER BY
  p.period_start NULLS LAST,
  r.is_shared NULLS LAST,
  r.channel NULLS LAST;
