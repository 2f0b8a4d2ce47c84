-- D25: the net leads whose furthest stage (D23, as of $as_of) is not the last, sitting in it for
-- longer than the stage's threshold: the agreement's stuck_after_days, else the 90th percentile
-- (quantile_cont) of the days leads spent in that stage before moving on, over all history. Not
-- stuck: a lead not net (it stops at `lead`: the waterfall says why), a won lead, a lost lead (its
-- latest opportunity is lost by as_of) and an excluded one (the `next` of its latest outcome code
-- is closed or nurture; codes per the version in force on the event's date, metric_outcome_next).
-- Oldest first. $stage (or null) keeps one stage.
WITH history AS (
    -- journey.py fills in __p90_days (p90_days_<k> per chain stage k) and __p90 (metric_chain's
    -- row), and __furthest_entered: when a lead entered its furthest stage.
    SELECT __p90_days FROM journey_lead_stages AS s
),
history_by_stage AS (
    SELECT m.chain_index, __p90 AS p90_days FROM history AS h CROSS JOIN metric_chain AS m
),
furthest AS (
    SELECT
        s.lead_id,
        s.channel,
        s.account_type,
        s.created_at,
        s.furthest_index AS chain_index,
        m.stage,
        __furthest_entered AS entered_at
    FROM journey_lead_stages AS s
    JOIN metric_chain AS m ON m.chain_index = s.furthest_index
    WHERE s.furthest_index > 0  -- not `lead`: a lead not net stops there, and is never stuck
      AND s.furthest_index < (SELECT MAX(c.chain_index) FROM metric_chain AS c)
      AND (CAST($stage AS VARCHAR) IS NULL OR m.stage = $stage)  -- typed: PostgreSQL cannot type a bare null parameter
),
opportunity_order AS (
    SELECT o.lead_id, o.status, o.closed_at,
           ROW_NUMBER() OVER (PARTITION BY o.lead_id ORDER BY o.created_at DESC, o.opportunity_id DESC) AS latest
    FROM opportunities AS o
    JOIN furthest AS f ON f.lead_id = o.lead_id
    WHERE o.created_at <= $as_of
),
latest_opportunity AS (
    SELECT lead_id, status, closed_at FROM opportunity_order WHERE latest = 1
),
outcome_order AS (
    SELECT e.lead_id, n.next,
           ROW_NUMBER() OVER (PARTITION BY e.lead_id ORDER BY e.occurred_at DESC, e.event_id DESC) AS latest
    FROM lead_events AS e
    JOIN furthest AS f ON f.lead_id = e.lead_id
    LEFT JOIN metric_outcome_next AS n
      ON n.code = e.outcome_code
     AND CAST(e.occurred_at AS DATE) >= n.effective_from AND CAST(e.occurred_at AS DATE) <= n.effective_to
    WHERE e.type = 'outcome' AND e.occurred_at <= $as_of
),
latest_outcome AS (
    SELECT lead_id, next FROM outcome_order WHERE latest = 1
),
issue_order AS (
    SELECT e.lead_id, e.rep_id,
           ROW_NUMBER() OVER (PARTITION BY e.lead_id ORDER BY e.occurred_at DESC, e.event_id DESC) AS latest
    FROM lead_events AS e
    JOIN furthest AS f ON f.lead_id = e.lead_id
    WHERE e.type = 'issued' AND e.occurred_at <= $as_of
),
latest_issue AS (
    SELECT lead_id, rep_id FROM issue_order WHERE latest = 1
),
judged AS (
    SELECT
        f.lead_id,
        f.stage,
        m.stage_index,
        f.entered_at,
        (EPOCH(CAST($as_of AS TIMESTAMPTZ)) - EPOCH(f.entered_at)) / 86400 AS days_in_stage,
        COALESCE(m.stuck_after_days, h.p90_days) AS threshold_days,
        CASE WHEN m.stuck_after_days IS NOT NULL THEN 'agreement'
             WHEN h.p90_days IS NOT NULL THEN 'p90' END AS threshold_from,
        i.rep_id AS rep,
        m.owners,
        f.channel,
        f.account_type,
        f.created_at
    FROM furthest AS f
    JOIN metric_stages AS m ON m.chain_index = f.chain_index
    LEFT JOIN history_by_stage AS h ON h.chain_index = f.chain_index
    LEFT JOIN latest_opportunity AS o ON o.lead_id = f.lead_id
    LEFT JOIN latest_outcome AS x ON x.lead_id = f.lead_id
    LEFT JOIN latest_issue AS i ON i.lead_id = f.lead_id
    WHERE NOT COALESCE(o.status = 'lost' AND o.closed_at <= $as_of, FALSE)
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
WHERE j.days_in_stage > j.threshold_days
ORDER BY j.entered_at, j.stage_index, j.lead_id
