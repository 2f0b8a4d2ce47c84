/* D23-D24 per period of the leads' created_at (and per split value when $split is 'channel' or */
/* 'account_type'; 'none' otherwise): for each stage of metric_stages (stage_index, stage, */
/* chain_index, owners, never_reached) the leads that reached it, the conversion to the next stage */
/* of the chain, and the median days from entering it to entering the next one. A stage outside */
/* the chain (named by the agreement, never in the data) has no leads and no rates. */
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
    s.period_start,
    CASE :split WHEN 'channel' THEN s.channel WHEN 'account_type' THEN s.account_type END AS split,
    s.chain_index,
    COUNT(*) AS reached,
    PERCENTILE(
      TRY_DIVIDE(
        CAST((
          CAST((
            UNIX_TIMESTAMP(s.next_entered_at) * 1000000 + CAST(EXTRACT(SECOND FROM s.next_entered_at) * 1000000 AS BIGINT) % 1000000
          ) AS DOUBLE) / 1000000 - CAST((
            UNIX_TIMESTAMP(s.entered_at) * 1000000 + CAST(EXTRACT(SECOND FROM s.entered_at) * 1000000 AS BIGINT) % 1000000
          ) AS DOUBLE) / 1000000
        ) AS DOUBLE),
        86400
      ),
      0.5
    ) AS median_days_in_stage /* D24: over the leads that reached the next stage (the others have no next time). */
  FROM journey_lead_stages AS s
  GROUP BY
    1,
    2,
    3
), splits AS (
  SELECT DISTINCT
    split
  FROM counts
  WHERE
    :split <> 'none'
  UNION ALL
  SELECT
    CAST(NULL AS STRING)
  WHERE
    :split = 'none'
), chain AS (
  SELECT
    p.period_start,
    x.split,
    m.chain_index,
    COALESCE(c.reached, 0) AS reached,
    LEAD(COALESCE(c.reached, 0)) OVER (PARTITION BY p.period_start, x.split ORDER BY m.chain_index NULLS LAST) AS next_reached,
    c.median_days_in_stage
  FROM metric_periods AS p
  CROSS JOIN splits AS x
  CROSS JOIN metric_stages AS m
  LEFT JOIN counts AS c
    ON c.period_start = p.period_start
    AND c.split IS NOT DISTINCT FROM x.split
    AND c.chain_index = m.chain_index
  WHERE
    NOT m.chain_index IS NULL
)
SELECT
  p.period_start,
  p.period,
  x.split,
  m.stage,
  CAST(COALESCE(c.reached, 0) AS BIGINT) AS reached,
  CASE
    WHEN c.reached > 0
    THEN TRY_DIVIDE(CAST(c.next_reached AS DOUBLE), c.reached)
  END AS conversion_to_next,
  c.median_days_in_stage,
  m.owners,
  m.never_reached
FROM metric_periods AS p
CROSS JOIN splits AS x
CROSS JOIN metric_stages AS m
LEFT JOIN chain AS c
  ON c.period_start = p.period_start
  AND c.split IS NOT DISTINCT FROM x.split
  AND c.chain_index = m.chain_index
ORDER BY
  p.period_start NULLS LAST,
  x.split NULLS LAST,
  m.stage_index NULLS LAST;
