/* D23 per lead: every stage of metric_chain (chain_index, stage) that a lead created by $as_of */
/* has reached, with the time it entered the stage and the time it entered the next one (null at */
/* its furthest stage). Only the leads created on a day of metric_days, unless $all_leads. */
/* metric_chain holds the agreement's stages in order, without opportunity stages the data never */
/* holds. The metric files read this query as the table `journey_lead_stages` (journey.py). */
/* The rules of D23, set-wise: a stage's known time is its raw time if it is at or before $as_of */
/* (T2); known times are raised to the latest known time before them (a running MAX over the chain */
/* order); a stage without a known time takes the raised time of the next known stage after it, */
/* which, as raised times never decrease, is the least raised time at or after it. */
WITH leads AS MATERIALIZED (
  SELECT
    f.lead_id,
    f.created_at,
    f.channel,
    f.account_type,
    d.period_start,
    COALESCE(f.net_from <= %(as_of)s, FALSE) AS is_net, /* D3/D4: net at as_of exactly when net_from <= as_of (lead_facts.sql). */
    f.first_issued_at,
    f.first_responded_at,
    f.first_opportunity_at
  FROM lead_facts AS f
  LEFT JOIN metric_days AS d
    ON d.day = f.created_date
  WHERE
    f.created_at <= %(as_of)s AND (
      %(all_leads)s OR NOT d.day IS NULL
    )
), raw AS MATERIALIZED (
  SELECT
    l.lead_id,
    'lead' AS stage,
    l.created_at AS entered_at
  FROM leads AS l
  WHERE
    l.is_net
  UNION ALL
  SELECT
    l.lead_id,
    'net',
    CASE
      WHEN l.first_issued_at <= %(as_of)s
      THEN l.first_issued_at
      ELSE l.created_at
    END
  FROM leads AS l
  WHERE
    l.is_net
  UNION ALL
  SELECT
    l.lead_id,
    'issued',
    l.first_issued_at
  FROM leads AS l
  WHERE
    l.is_net
  UNION ALL
  SELECT
    l.lead_id,
    'responded',
    l.first_responded_at
  FROM leads AS l
  WHERE
    l.is_net
  UNION ALL
  SELECT
    l.lead_id,
    'opportunity',
    l.first_opportunity_at
  FROM leads AS l
  WHERE
    l.is_net
  UNION ALL
  SELECT
    t.lead_id,
    t.stage,
    t.entered_at
  FROM journey_stage_times AS t
  JOIN leads AS l
    ON l.lead_id = t.lead_id
  WHERE
    l.is_net
), known AS MATERIALIZED (
  SELECT
    r.lead_id,
    c.chain_index,
    MAX(r.entered_at) OVER (
      PARTITION BY r.lead_id
      ORDER BY c.chain_index
      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
    ) AS raised_at
  FROM raw AS r
  JOIN metric_chain AS c
    ON c.stage = r.stage
  WHERE
    r.entered_at <= %(as_of)s
), furthest AS MATERIALIZED (
  SELECT
    k.lead_id,
    MAX(k.chain_index) AS furthest_index
  FROM known AS k
  GROUP BY
    k.lead_id
), timed AS MATERIALIZED (
  SELECT
    f.lead_id,
    c.chain_index,
    c.stage,
    MIN(k.raised_at) OVER (
      PARTITION BY f.lead_id
      ORDER BY c.chain_index DESC NULLS LAST
      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
    ) AS entered_at
  FROM furthest AS f
  JOIN metric_chain AS c
    ON c.chain_index <= f.furthest_index
  LEFT JOIN known AS k
    ON k.lead_id = f.lead_id AND k.chain_index = c.chain_index
)
SELECT
  l.period_start,
  l.channel,
  l.account_type,
  l.created_at,
  t.lead_id,
  t.chain_index,
  t.stage,
  t.entered_at,
  LEAD(t.entered_at) OVER (PARTITION BY t.lead_id ORDER BY t.chain_index) AS next_entered_at
FROM timed AS t
JOIN leads AS l
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
  CAST(NULL AS TIMESTAMPTZ)
FROM leads AS l
WHERE
  NOT l.is_net;
