/* D25: the net leads whose furthest stage (D23, as of $as_of) is not the last, sitting in it for */
/* longer than the stage's threshold: the agreement's stuck_after_days, else the 90th percentile */
/* (quantile_cont) of the days leads spent in that stage before moving on, over all history. Not */
/* stuck: a lead not net (it stops at `lead`: the waterfall says why), a won lead, a lost lead (its */
/* latest opportunity is lost by as_of) and an excluded one (the `next` of its latest outcome code */
/* is closed or nurture; codes per the version in force on the event's date, metric_outcome_next). */
/* Oldest first. $stage (or null) keeps one stage. */
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
), history AS (
  SELECT
    s.chain_index,
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
      0.9
    ) AS p90_days
  FROM journey_lead_stages AS s
  WHERE
    NOT s.next_entered_at IS NULL
  GROUP BY
    s.chain_index
), furthest AS (
  SELECT
    s.*
  FROM journey_lead_stages AS s
  WHERE
    s.next_entered_at IS NULL
    AND s.stage <> 'lead'
    AND s.chain_index < (
      SELECT
        MAX(c.chain_index)
      FROM metric_chain AS c
    )
    AND (
      CAST(:stage AS STRING) IS NULL OR s.stage = :stage
    ) /* typed: PostgreSQL cannot type a bare null parameter */
), opportunity_order AS (
  SELECT
    o.lead_id,
    o.status,
    o.closed_at,
    ROW_NUMBER() OVER (PARTITION BY o.lead_id ORDER BY o.created_at DESC, o.opportunity_id DESC) AS latest
  FROM opportunities AS o
  JOIN furthest AS f
    ON f.lead_id = o.lead_id
  WHERE
    o.created_at <= :as_of
), latest_opportunity AS (
  SELECT
    lead_id,
    status,
    closed_at
  FROM opportunity_order
  WHERE
    latest = 1
), outcome_order AS (
  SELECT
    e.lead_id,
    n.next,
    ROW_NUMBER() OVER (PARTITION BY e.lead_id ORDER BY e.occurred_at DESC, e.event_id DESC) AS latest
  FROM lead_events AS e
  JOIN furthest AS f
    ON f.lead_id = e.lead_id
  LEFT JOIN metric_outcome_next AS n
    ON n.code = e.outcome_code
    AND CAST(e.occurred_at AS DATE) >= n.effective_from
    AND CAST(e.occurred_at AS DATE) <= n.effective_to
  WHERE
    e.type = 'outcome' AND e.occurred_at <= :as_of
), latest_outcome AS (
  SELECT
    lead_id,
    next
  FROM outcome_order
  WHERE
    latest = 1
), issue_order AS (
  SELECT
    e.lead_id,
    e.rep_id,
    ROW_NUMBER() OVER (PARTITION BY e.lead_id ORDER BY e.occurred_at DESC, e.event_id DESC) AS latest
  FROM lead_events AS e
  JOIN furthest AS f
    ON f.lead_id = e.lead_id
  WHERE
    e.type = 'issued' AND e.occurred_at <= :as_of
), latest_issue AS (
  SELECT
    lead_id,
    rep_id
  FROM issue_order
  WHERE
    latest = 1
), judged AS (
  SELECT
    f.lead_id,
    f.stage,
    m.stage_index,
    f.entered_at,
    TRY_DIVIDE(
      CAST((
        CAST((
          UNIX_TIMESTAMP(CAST(:as_of AS TIMESTAMP)) * 1000000 + CAST(EXTRACT(SECOND FROM CAST(:as_of AS TIMESTAMP)) * 1000000 AS BIGINT) % 1000000
        ) AS DOUBLE) / 1000000 - CAST((
          UNIX_TIMESTAMP(f.entered_at) * 1000000 + CAST(EXTRACT(SECOND FROM f.entered_at) * 1000000 AS BIGINT) % 1000000
        ) AS DOUBLE) / 1000000
      ) AS DOUBLE),
      86400
    ) AS days_in_stage,
    COALESCE(m.stuck_after_days, h.p90_days) AS threshold_days,
    CASE
      WHEN NOT m.stuck_after_days IS NULL
      THEN 'agreement'
      WHEN NOT h.p90_days IS NULL
      THEN 'p90'
    END AS threshold_from,
    i.rep_id AS rep,
    m.owners,
    f.channel,
    f.account_type,
    f.created_at
  FROM furthest AS f
  JOIN metric_stages AS m
    ON m.chain_index = f.chain_index
  LEFT JOIN history AS h
    ON h.chain_index = f.chain_index
  LEFT JOIN latest_opportunity AS o
    ON o.lead_id = f.lead_id
  LEFT JOIN latest_outcome AS x
    ON x.lead_id = f.lead_id
  LEFT JOIN latest_issue AS i
    ON i.lead_id = f.lead_id
  WHERE
    NOT COALESCE(o.status = 'lost' AND o.closed_at <= :as_of, FALSE)
    AND NOT COALESCE(x.next IN ('closed', 'nurture'), FALSE)
)
SELECT
  j.lead_id,
  j.stage,
  j.days_in_stage,
  j.threshold_days,
  j.threshold_from,
  j.entered_at,
  j.rep,
  j.owners,
  j.channel,
  j.account_type,
  j.created_at
FROM judged AS j
WHERE
  j.days_in_stage > j.threshold_days
ORDER BY
  j.entered_at NULLS LAST,
  j.stage_index NULLS LAST,
  j.lead_id NULLS LAST;
