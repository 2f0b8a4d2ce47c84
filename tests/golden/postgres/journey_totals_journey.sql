/* D23 over the whole range (the leads created on a day of metric_days, by $as_of): the leads that */
/* reached each stage of metric_stages, in the agreement's order. D26 starts from it. */
WITH journey_lead_stages AS MATERIALIZED (
  WITH leads AS MATERIALIZED (
    SELECT
      f.lead_id,
      f.created_at,
      f.channel,
      f.account_type,
      d.period_start,
      COALESCE(f.net_from <= %(as_of)s, FALSE) AS is_net, /* D3/D4: net at as_of exactly when net_from <= as_of (lead_facts.sql). */
      f.created_at AS known_0,
      CASE
        WHEN f.first_issued_at <= %(as_of)s
        THEN f.first_issued_at
        ELSE f.created_at
      END AS known_1,
      CASE WHEN f.first_issued_at <= %(as_of)s THEN f.first_issued_at END AS known_2,
      CASE WHEN f.first_responded_at <= %(as_of)s THEN f.first_responded_at END AS known_3,
      CASE WHEN f.first_opportunity_at <= %(as_of)s THEN f.first_opportunity_at END AS known_4,
      CASE WHEN f.journey_stage_0_at <= %(as_of)s THEN f.journey_stage_0_at END AS known_5,
      CASE WHEN f.journey_stage_1_at <= %(as_of)s THEN f.journey_stage_1_at END AS known_6,
      CASE WHEN f.first_won_at <= %(as_of)s THEN f.first_won_at END AS known_7
    FROM lead_facts AS f
    LEFT JOIN metric_days AS d
      ON d.day = f.created_date
    WHERE
      f.created_at <= %(as_of)s AND (
        %(all_leads)s OR NOT d.day IS NULL
      )
  ), raised AS MATERIALIZED (
    SELECT
      l.*,
      CASE WHEN NOT l.known_0 IS NULL THEN GREATEST(l.known_0) END AS raised_0,
      CASE WHEN NOT l.known_1 IS NULL THEN GREATEST(l.known_0, l.known_1) END AS raised_1,
      CASE WHEN NOT l.known_2 IS NULL THEN GREATEST(l.known_0, l.known_1, l.known_2) END AS raised_2,
      CASE
        WHEN NOT l.known_3 IS NULL
        THEN GREATEST(l.known_0, l.known_1, l.known_2, l.known_3)
      END AS raised_3,
      CASE
        WHEN NOT l.known_4 IS NULL
        THEN GREATEST(l.known_0, l.known_1, l.known_2, l.known_3, l.known_4)
      END AS raised_4,
      CASE
        WHEN NOT l.known_5 IS NULL
        THEN GREATEST(l.known_0, l.known_1, l.known_2, l.known_3, l.known_4, l.known_5)
      END AS raised_5,
      CASE
        WHEN NOT l.known_6 IS NULL
        THEN GREATEST(l.known_0, l.known_1, l.known_2, l.known_3, l.known_4, l.known_5, l.known_6)
      END AS raised_6,
      CASE
        WHEN NOT l.known_7 IS NULL
        THEN GREATEST(l.known_0, l.known_1, l.known_2, l.known_3, l.known_4, l.known_5, l.known_6, l.known_7)
      END AS raised_7
    FROM leads AS l
    WHERE
      l.is_net
  ), entered AS MATERIALIZED (
    SELECT
      r.*,
      LEAST(r.raised_0, r.raised_1, r.raised_2, r.raised_3, r.raised_4, r.raised_5, r.raised_6, r.raised_7) AS entered_0,
      LEAST(r.raised_1, r.raised_2, r.raised_3, r.raised_4, r.raised_5, r.raised_6, r.raised_7) AS entered_1,
      LEAST(r.raised_2, r.raised_3, r.raised_4, r.raised_5, r.raised_6, r.raised_7) AS entered_2,
      LEAST(r.raised_3, r.raised_4, r.raised_5, r.raised_6, r.raised_7) AS entered_3,
      LEAST(r.raised_4, r.raised_5, r.raised_6, r.raised_7) AS entered_4,
      LEAST(r.raised_5, r.raised_6, r.raised_7) AS entered_5,
      LEAST(r.raised_6, r.raised_7) AS entered_6,
      LEAST(r.raised_7) AS entered_7
    FROM raised AS r
  ), stages AS MATERIALIZED (
    SELECT
      e.period_start,
      e.channel,
      e.account_type,
      e.created_at,
      e.lead_id,
      c.chain_index,
      c.stage,
      CASE c.chain_index
        WHEN 0
        THEN e.entered_0
        WHEN 1
        THEN e.entered_1
        WHEN 2
        THEN e.entered_2
        WHEN 3
        THEN e.entered_3
        WHEN 4
        THEN e.entered_4
        WHEN 5
        THEN e.entered_5
        WHEN 6
        THEN e.entered_6
        WHEN 7
        THEN e.entered_7
      END AS entered_at,
      CASE c.chain_index
        WHEN 0
        THEN e.entered_1
        WHEN 1
        THEN e.entered_2
        WHEN 2
        THEN e.entered_3
        WHEN 3
        THEN e.entered_4
        WHEN 4
        THEN e.entered_5
        WHEN 5
        THEN e.entered_6
        WHEN 6
        THEN e.entered_7
      END AS next_entered_at
    FROM entered AS e
    CROSS JOIN metric_chain AS c
  )
  SELECT
    s.period_start,
    s.channel,
    s.account_type,
    s.created_at,
    s.lead_id,
    s.chain_index,
    s.stage,
    s.entered_at,
    s.next_entered_at
  FROM stages AS s
  WHERE
    NOT s.entered_at IS NULL
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
    NOT l.is_net
), counts AS MATERIALIZED (
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
  m.stage_index;
