/* D23 over the whole range (the leads created on a day of metric_days, by $as_of): the leads that */
/* reached each stage of metric_stages, in the agreement's order. D26 starts from it. */
WITH leads_1 AS (
  SELECT
    f.lead_id,
    f.created_at,
    f.channel,
    f.account_type,
    d.period_start,
    COALESCE(f.net_from <= :as_of, FALSE) AS is_net, /* D3/D4: net at as_of exactly when net_from <= as_of (lead_facts.sql). */
    f.first_issued_at,
    f.first_responded_at,
    f.first_opportunity_at
  FROM lead_facts AS f
  LEFT JOIN metric_days AS d
    ON d.day = f.created_date
  WHERE
    f.created_at <= :as_of AND (
      :all_leads OR NOT d.day IS NULL
    )
), raw_2 AS (
  SELECT
    l.lead_id,
    'lead' AS stage,
    l.created_at AS entered_at
  FROM leads_1 AS l
  WHERE
    l.is_net
  UNION ALL
  SELECT
    l.lead_id,
    'net',
    CASE WHEN l.first_issued_at <= :as_of THEN l.first_issued_at ELSE l.created_at END
  FROM leads_1 AS l
  WHERE
    l.is_net
  UNION ALL
  SELECT
    l.lead_id,
    'issued',
    l.first_issued_at
  FROM leads_1 AS l
  WHERE
    l.is_net
  UNION ALL
  SELECT
    l.lead_id,
    'responded',
    l.first_responded_at
  FROM leads_1 AS l
  WHERE
    l.is_net
  UNION ALL
  SELECT
    l.lead_id,
    'opportunity',
    l.first_opportunity_at
  FROM leads_1 AS l
  WHERE
    l.is_net
  UNION ALL
  SELECT
    t.lead_id,
    t.stage,
    t.entered_at
  FROM journey_stage_times AS t
  JOIN leads_1 AS l
    ON l.lead_id = t.lead_id
  WHERE
    l.is_net
), known_3 AS (
  SELECT
    r.lead_id,
    c.chain_index,
    MAX(r.entered_at) OVER (
      PARTITION BY r.lead_id
      ORDER BY c.chain_index NULLS LAST
      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
    ) AS raised_at
  FROM raw_2 AS r
  JOIN metric_chain AS c
    ON c.stage = r.stage
  WHERE
    r.entered_at <= :as_of
), furthest_4 AS (
  SELECT
    k.lead_id,
    MAX(k.chain_index) AS furthest_index
  FROM known_3 AS k
  GROUP BY
    k.lead_id
), timed_5 AS (
  SELECT
    f.lead_id,
    c.chain_index,
    c.stage,
    MIN(k.raised_at) OVER (
      PARTITION BY f.lead_id
      ORDER BY c.chain_index DESC
      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
    ) AS entered_at
  FROM furthest_4 AS f
  JOIN metric_chain AS c
    ON c.chain_index <= f.furthest_index
  LEFT JOIN known_3 AS k
    ON k.lead_id = f.lead_id AND k.chain_index = c.chain_index
), journey_lead_stages AS (
  SELECT
    l.period_start,
    l.channel,
    l.account_type,
    l.created_at,
    t.lead_id,
    t.chain_index,
    t.stage,
    t.entered_at,
    LEAD(t.entered_at) OVER (PARTITION BY t.lead_id ORDER BY t.chain_index NULLS LAST) AS next_entered_at
  FROM timed_5 AS t
  JOIN leads_1 AS l
    ON l.lead_id = t.lead_id
  UNION ALL
  SELECT
    l.period_start,
    l.channel,
    l.account_type,
    l.created_at,
    l.lead_id,
    0,
    'lead',
    l.created_at,
    CAST(NULL AS TIMESTAMP)
  FROM leads_1 AS l
  WHERE
    NOT l.is_net
), counts AS (
  SELECT
    s.chain_index,
    COUNT(*) AS reached
  FROM journey_lead_stages AS s
  GROUP BY
    s.chain_index
)
SELECT
  m.stage,
  m.chain_index,
  CAST(COALESCE(c.reached, 0) AS BIGINT) AS reached,
  m.owners,
  m.never_reached
FROM metric_stages AS m
LEFT JOIN counts AS c
  ON c.chain_index = m.chain_index
ORDER BY
  m.stage_index NULLS LAST;
