/* D23 over the whole range (the leads created on a day of metric_days, by $as_of): the leads that */
/* reached each stage of metric_stages, in the agreement's order. D26 starts from it. journey.py */
/* fills in __reached_counts (reached_<k> per chain stage k) and __reached (metric_chain's row). */
WITH net_1 AS (
  /* D3/D4: net at as_of exactly when net_from <= as_of (lead_facts.sql); only a net lead goes */
  /* past `lead` (D23). */
  SELECT
    f.lead_id,
    f.created_at,
    f.channel,
    f.account_type,
    d.period_start,
    f.created_at AS known_0,
    CASE WHEN f.first_issued_at <= :as_of THEN f.first_issued_at ELSE f.created_at END AS known_1,
    CASE WHEN f.first_issued_at <= :as_of THEN f.first_issued_at END AS known_2,
    CASE WHEN f.first_responded_at <= :as_of THEN f.first_responded_at END AS known_3,
    CASE WHEN f.first_opportunity_at <= :as_of THEN f.first_opportunity_at END AS known_4,
    CASE WHEN f.journey_stage_0_at <= :as_of THEN f.journey_stage_0_at END AS known_5,
    CASE WHEN f.journey_stage_1_at <= :as_of THEN f.journey_stage_1_at END AS known_6,
    CASE WHEN f.first_won_at <= :as_of THEN f.first_won_at END AS known_7
  FROM lead_facts AS f
  LEFT JOIN metric_days AS d
    ON d.day = f.created_date
  WHERE
    f.created_at <= :as_of
    AND (
      :all_leads OR NOT d.day IS NULL
    )
    AND f.net_from <= :as_of
), raised_2 AS (
  SELECT
    n.*,
    CASE WHEN NOT n.known_0 IS NULL THEN n.known_0 END AS raised_0,
    CASE WHEN NOT n.known_1 IS NULL THEN GREATEST(n.known_0, n.known_1) END AS raised_1,
    CASE WHEN NOT n.known_2 IS NULL THEN GREATEST(n.known_0, n.known_1, n.known_2) END AS raised_2,
    CASE
      WHEN NOT n.known_3 IS NULL
      THEN GREATEST(n.known_0, n.known_1, n.known_2, n.known_3)
    END AS raised_3,
    CASE
      WHEN NOT n.known_4 IS NULL
      THEN GREATEST(n.known_0, n.known_1, n.known_2, n.known_3, n.known_4)
    END AS raised_4,
    CASE
      WHEN NOT n.known_5 IS NULL
      THEN GREATEST(n.known_0, n.known_1, n.known_2, n.known_3, n.known_4, n.known_5)
    END AS raised_5,
    CASE
      WHEN NOT n.known_6 IS NULL
      THEN GREATEST(n.known_0, n.known_1, n.known_2, n.known_3, n.known_4, n.known_5, n.known_6)
    END AS raised_6,
    CASE
      WHEN NOT n.known_7 IS NULL
      THEN GREATEST(n.known_0, n.known_1, n.known_2, n.known_3, n.known_4, n.known_5, n.known_6, n.known_7)
    END AS raised_7
  FROM net_1 AS n
), entered_3 AS (
  SELECT
    r.*,
    LEAST(r.raised_0, r.raised_1, r.raised_2, r.raised_3, r.raised_4, r.raised_5, r.raised_6, r.raised_7) AS entered_0,
    LEAST(r.raised_1, r.raised_2, r.raised_3, r.raised_4, r.raised_5, r.raised_6, r.raised_7) AS entered_1,
    LEAST(r.raised_2, r.raised_3, r.raised_4, r.raised_5, r.raised_6, r.raised_7) AS entered_2,
    LEAST(r.raised_3, r.raised_4, r.raised_5, r.raised_6, r.raised_7) AS entered_3,
    LEAST(r.raised_4, r.raised_5, r.raised_6, r.raised_7) AS entered_4,
    LEAST(r.raised_5, r.raised_6, r.raised_7) AS entered_5,
    LEAST(r.raised_6, r.raised_7) AS entered_6,
    r.raised_7 AS entered_7
  FROM raised_2 AS r
), journey_lead_stages AS (
  SELECT
    e.period_start,
    e.channel,
    e.account_type,
    e.created_at,
    e.lead_id,
    CASE
      WHEN NOT e.entered_7 IS NULL
      THEN 7
      WHEN NOT e.entered_6 IS NULL
      THEN 6
      WHEN NOT e.entered_5 IS NULL
      THEN 5
      WHEN NOT e.entered_4 IS NULL
      THEN 4
      WHEN NOT e.entered_3 IS NULL
      THEN 3
      WHEN NOT e.entered_2 IS NULL
      THEN 2
      WHEN NOT e.entered_1 IS NULL
      THEN 1
      ELSE 0
    END AS furthest_index,
    e.entered_0,
    e.entered_1,
    e.entered_2,
    e.entered_3,
    e.entered_4,
    e.entered_5,
    e.entered_6,
    e.entered_7
  FROM entered_3 AS e
  UNION ALL
  /* A lead that is not net stops at `lead` (D23: the waterfall says why). Read apart from the net */
  /* ones: a query read twice would be materialised. */
  SELECT
    d.period_start,
    f.channel,
    f.account_type,
    f.created_at,
    f.lead_id,
    0,
    f.created_at AS entered_0,
    CAST(NULL AS TIMESTAMP) AS entered_1,
    CAST(NULL AS TIMESTAMP) AS entered_2,
    CAST(NULL AS TIMESTAMP) AS entered_3,
    CAST(NULL AS TIMESTAMP) AS entered_4,
    CAST(NULL AS TIMESTAMP) AS entered_5,
    CAST(NULL AS TIMESTAMP) AS entered_6,
    CAST(NULL AS TIMESTAMP) AS entered_7
  FROM lead_facts AS f
  LEFT JOIN metric_days AS d
    ON d.day = f.created_date
  WHERE
    f.created_at <= :as_of
    AND (
      :all_leads OR NOT d.day IS NULL
    )
    AND NOT COALESCE(f.net_from <= :as_of, FALSE)
), totals AS (
  SELECT
    COUNT(s.entered_0) AS reached_0,
    COUNT(s.entered_1) AS reached_1,
    COUNT(s.entered_2) AS reached_2,
    COUNT(s.entered_3) AS reached_3,
    COUNT(s.entered_4) AS reached_4,
    COUNT(s.entered_5) AS reached_5,
    COUNT(s.entered_6) AS reached_6,
    COUNT(s.entered_7) AS reached_7
  FROM journey_lead_stages AS s
), counts AS (
  SELECT
    m.chain_index,
    CASE m.chain_index
      WHEN 0
      THEN c.reached_0
      WHEN 1
      THEN c.reached_1
      WHEN 2
      THEN c.reached_2
      WHEN 3
      THEN c.reached_3
      WHEN 4
      THEN c.reached_4
      WHEN 5
      THEN c.reached_5
      WHEN 6
      THEN c.reached_6
      WHEN 7
      THEN c.reached_7
    END AS reached
  FROM totals AS c
  CROSS JOIN metric_chain AS m
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
