/* D25: the net leads whose furthest stage (D23, as of $as_of) is not the last, sitting in it for */
/* longer than the stage's threshold: the agreement's stuck_after_days, else the 90th percentile */
/* (quantile_cont) of the days leads spent in that stage before moving on, over all history. Not */
/* stuck: a lead not net (it stops at `lead`: the waterfall says why), a won lead, a lost lead (its */
/* latest opportunity is lost by as_of) and an excluded one (the `next` of its latest outcome code */
/* is closed or nurture; codes per the version in force on the event's date, metric_outcome_next). */
/* Oldest first. $stage (or null) keeps one stage. */
WITH journey_lead_stages AS MATERIALIZED (
  /* D23 per lead, one row each: the leads created by $as_of (on a day of metric_days, unless */
  /* $all_leads), with the time each entered every stage of metric_chain it reached (entered_<k>, */
  /* k its chain_index; null past its furthest stage, furthest_index). metric_chain holds the */
  /* agreement's stages in order, without opportunity stages the data never holds. The metric files */
  /* read this query as the table `journey_lead_stages` (journey.py). */
  /* The stage times are columns of lead_facts (kept by every import); journey.py fills in one */
  /* column per stage of the chain: */
  /*   __known_times    known_<k>: the stage's time if at or before $as_of (T2), else null; */
  /*   __raised_times   raised_<k>: for a known stage, the latest known time of it and the stages */
  /*                    before it (a time earlier than the stage before it is raised to it); */
  /*   __entered_times  entered_<k>: the least raised time at or after k, which, as raised times */
  /*                    never decrease, is the raised time of the next known stage (a skipped stage */
  /*                    takes the next later known time); null past the furthest known stage. */
  WITH net AS MATERIALIZED (
    /* D3/D4: net at as_of exactly when net_from <= as_of (lead_facts.sql); only a net lead goes */
    /* past `lead` (D23). */
    SELECT
      f.lead_id,
      f.created_at,
      f.channel,
      f.account_type,
      d.period_start,
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
      f.created_at <= %(as_of)s
      AND (
        %(all_leads)s OR NOT d.day IS NULL
      )
      AND f.net_from <= %(as_of)s
  ), raised AS MATERIALIZED (
    SELECT
      n.*,
      CASE WHEN NOT n.known_0 IS NULL THEN GREATEST(n.known_0) END AS raised_0,
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
    FROM net AS n
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
  )
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
  FROM entered AS e
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
    CAST(NULL AS TIMESTAMPTZ) AS entered_1,
    CAST(NULL AS TIMESTAMPTZ) AS entered_2,
    CAST(NULL AS TIMESTAMPTZ) AS entered_3,
    CAST(NULL AS TIMESTAMPTZ) AS entered_4,
    CAST(NULL AS TIMESTAMPTZ) AS entered_5,
    CAST(NULL AS TIMESTAMPTZ) AS entered_6,
    CAST(NULL AS TIMESTAMPTZ) AS entered_7
  FROM lead_facts AS f
  LEFT JOIN metric_days AS d
    ON d.day = f.created_date
  WHERE
    f.created_at <= %(as_of)s
    AND (
      %(all_leads)s OR NOT d.day IS NULL
    )
    AND NOT COALESCE(f.net_from <= %(as_of)s, FALSE)
), history AS MATERIALIZED (
  /* journey.py fills in __p90_days (p90_days_<k> per chain stage k) and __p90 (metric_chain's */
  /* row), and __furthest_entered: when a lead entered its furthest stage. */
  SELECT
    PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY
      CAST((
        DATE_PART('epoch', s.entered_1) - DATE_PART('epoch', s.entered_0)
      ) AS DOUBLE PRECISION) / 86400) AS p90_days_0,
    PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY
      CAST((
        DATE_PART('epoch', s.entered_2) - DATE_PART('epoch', s.entered_1)
      ) AS DOUBLE PRECISION) / 86400) AS p90_days_1,
    PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY
      CAST((
        DATE_PART('epoch', s.entered_3) - DATE_PART('epoch', s.entered_2)
      ) AS DOUBLE PRECISION) / 86400) AS p90_days_2,
    PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY
      CAST((
        DATE_PART('epoch', s.entered_4) - DATE_PART('epoch', s.entered_3)
      ) AS DOUBLE PRECISION) / 86400) AS p90_days_3,
    PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY
      CAST((
        DATE_PART('epoch', s.entered_5) - DATE_PART('epoch', s.entered_4)
      ) AS DOUBLE PRECISION) / 86400) AS p90_days_4,
    PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY
      CAST((
        DATE_PART('epoch', s.entered_6) - DATE_PART('epoch', s.entered_5)
      ) AS DOUBLE PRECISION) / 86400) AS p90_days_5,
    PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY
      CAST((
        DATE_PART('epoch', s.entered_7) - DATE_PART('epoch', s.entered_6)
      ) AS DOUBLE PRECISION) / 86400) AS p90_days_6
  FROM journey_lead_stages AS s
), history_by_stage AS MATERIALIZED (
  SELECT
    m.chain_index,
    CASE m.chain_index
      WHEN 0
      THEN h.p90_days_0
      WHEN 1
      THEN h.p90_days_1
      WHEN 2
      THEN h.p90_days_2
      WHEN 3
      THEN h.p90_days_3
      WHEN 4
      THEN h.p90_days_4
      WHEN 5
      THEN h.p90_days_5
      WHEN 6
      THEN h.p90_days_6
    END AS p90_days
  FROM history AS h
  CROSS JOIN metric_chain AS m
), furthest AS MATERIALIZED (
  SELECT
    s.lead_id,
    s.channel,
    s.account_type,
    s.created_at,
    s.furthest_index AS chain_index,
    m.stage,
    CASE s.furthest_index
      WHEN 0
      THEN s.entered_0
      WHEN 1
      THEN s.entered_1
      WHEN 2
      THEN s.entered_2
      WHEN 3
      THEN s.entered_3
      WHEN 4
      THEN s.entered_4
      WHEN 5
      THEN s.entered_5
      WHEN 6
      THEN s.entered_6
      WHEN 7
      THEN s.entered_7
    END AS entered_at
  FROM journey_lead_stages AS s
  JOIN metric_chain AS m
    ON m.chain_index = s.furthest_index
  WHERE
    s.furthest_index > 0 /* not `lead`: a lead not net stops there, and is never stuck */
    AND s.furthest_index < (
      SELECT
        MAX(c.chain_index)
      FROM metric_chain AS c
    )
    AND (
      CAST(%(stage)s AS TEXT) IS NULL OR m.stage = %(stage)s
    ) /* typed: PostgreSQL cannot type a bare null parameter */
), opportunity_order AS MATERIALIZED (
  SELECT
    o.lead_id,
    o.status,
    o.closed_at,
    ROW_NUMBER() OVER (
      PARTITION BY o.lead_id
      ORDER BY o.created_at DESC NULLS LAST, o.opportunity_id DESC NULLS LAST
    ) AS latest
  FROM opportunities AS o
  JOIN furthest AS f
    ON f.lead_id = o.lead_id
  WHERE
    o.created_at <= %(as_of)s
), latest_opportunity AS MATERIALIZED (
  SELECT
    lead_id,
    status,
    closed_at
  FROM opportunity_order
  WHERE
    latest = 1
), outcome_order AS MATERIALIZED (
  SELECT
    e.lead_id,
    n.next,
    ROW_NUMBER() OVER (
      PARTITION BY e.lead_id
      ORDER BY e.occurred_at DESC NULLS LAST, e.event_id DESC NULLS LAST
    ) AS latest
  FROM lead_events AS e
  JOIN furthest AS f
    ON f.lead_id = e.lead_id
  LEFT JOIN metric_outcome_next AS n
    ON n.code = e.outcome_code
    AND CAST(e.occurred_at AS DATE) >= n.effective_from
    AND CAST(e.occurred_at AS DATE) <= n.effective_to
  WHERE
    e.type = 'outcome' AND e.occurred_at <= %(as_of)s
), latest_outcome AS MATERIALIZED (
  SELECT
    lead_id,
    next
  FROM outcome_order
  WHERE
    latest = 1
), issue_order AS MATERIALIZED (
  SELECT
    e.lead_id,
    e.rep_id,
    ROW_NUMBER() OVER (
      PARTITION BY e.lead_id
      ORDER BY e.occurred_at DESC NULLS LAST, e.event_id DESC NULLS LAST
    ) AS latest
  FROM lead_events AS e
  JOIN furthest AS f
    ON f.lead_id = e.lead_id
  WHERE
    e.type = 'issued' AND e.occurred_at <= %(as_of)s
), latest_issue AS MATERIALIZED (
  SELECT
    lead_id,
    rep_id
  FROM issue_order
  WHERE
    latest = 1
), judged AS MATERIALIZED (
  SELECT
    f.lead_id,
    f.stage,
    m.stage_index,
    f.entered_at,
    CAST((
      DATE_PART('epoch', CAST(%(as_of)s AS TIMESTAMPTZ)) - DATE_PART('epoch', f.entered_at)
    ) AS DOUBLE PRECISION) / 86400 AS days_in_stage,
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
  LEFT JOIN history_by_stage AS h
    ON h.chain_index = f.chain_index
  LEFT JOIN latest_opportunity AS o
    ON o.lead_id = f.lead_id
  LEFT JOIN latest_outcome AS x
    ON x.lead_id = f.lead_id
  LEFT JOIN latest_issue AS i
    ON i.lead_id = f.lead_id
  WHERE
    NOT COALESCE(o.status = 'lost' AND o.closed_at <= %(as_of)s, FALSE)
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
  j.entered_at,
  j.stage_index,
  j.lead_id;
