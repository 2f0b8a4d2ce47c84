/* D27's curve: per cohort period (and split value) and distinct duration, the leads at risk, those */
/* converting and censored there, and the share not yet converted with its 95% band. */
WITH opportunity_order_1 AS (
  SELECT
    o.lead_id,
    CASE WHEN o.status = 'lost' AND o.closed_at <= :as_of THEN o.closed_at END AS lost_at,
    ROW_NUMBER() OVER (PARTITION BY o.lead_id ORDER BY o.created_at DESC, o.opportunity_id DESC) AS latest
  FROM cohort_opportunities AS o
  WHERE
    o.created_at <= :as_of
), latest_opportunity_2 AS (
  SELECT
    lead_id,
    lost_at
  FROM opportunity_order_1 AS opportunity_order
  WHERE
    latest = 1
), outcome_order_3 AS (
  SELECT
    e.lead_id,
    CASE WHEN n.next = 'closed' THEN e.occurred_at END AS closed_at,
    ROW_NUMBER() OVER (PARTITION BY e.lead_id ORDER BY e.occurred_at DESC, e.event_id DESC) AS latest
  FROM lead_events AS e
  JOIN cohort_leads AS c
    ON c.lead_id = e.lead_id
  LEFT JOIN metric_outcome_next AS n
    ON n.code = e.outcome_code
    AND CAST(e.occurred_at AS DATE) >= n.effective_from
    AND CAST(e.occurred_at AS DATE) <= n.effective_to
  WHERE
    e.type = 'outcome' AND e.occurred_at <= :as_of
), latest_outcome_4 AS (
  SELECT
    lead_id,
    closed_at
  FROM outcome_order_3 AS outcome_order
  WHERE
    latest = 1
), first_win_5 AS (
  SELECT
    o.lead_id,
    MIN(o.closed_at) AS won_at
  FROM cohort_opportunities AS o
  WHERE
    o.status = 'won' AND o.created_at <= :as_of AND o.closed_at <= :as_of
  GROUP BY
    o.lead_id
), leads_6 AS (
  SELECT
    d.period_start,
    CASE :split WHEN 'channel' THEN c.channel WHEN 'account_type' THEN c.account_type END AS split,
    c.first_issued_at,
    CASE
      WHEN :to_event = 'win'
      THEN w.won_at
      WHEN c.first_opportunity_at <= :as_of
      THEN c.first_opportunity_at
    END AS event_at,
    LEAST(o.lost_at, x.closed_at) AS lost_at
  FROM cohort_leads AS c
  JOIN metric_days AS d
    ON d.day = c.first_issued_date
  LEFT JOIN first_win_5 AS w
    ON w.lead_id = c.lead_id
  LEFT JOIN latest_opportunity_2 AS o
    ON o.lead_id = c.lead_id
  LEFT JOIN latest_outcome_4 AS x
    ON x.lead_id = c.lead_id
  WHERE
    c.first_issued_at <= :as_of
), durations_7 AS (
  SELECT
    l.period_start,
    l.split,
    CASE WHEN NOT l.event_at IS NULL THEN 1 ELSE 0 END AS converted,
    TRY_DIVIDE(
      CAST(GREATEST(
        0,
        CAST((
          UNIX_TIMESTAMP(COALESCE(l.event_at, LEAST(l.lost_at, CAST(:as_of AS TIMESTAMP)))) * 1000000 + CAST(EXTRACT(SECOND FROM COALESCE(l.event_at, LEAST(l.lost_at, CAST(:as_of AS TIMESTAMP)))) * 1000000 AS BIGINT) % 1000000
        ) AS DOUBLE) / 1000000 - CAST((
          UNIX_TIMESTAMP(l.first_issued_at) * 1000000 + CAST(EXTRACT(SECOND FROM l.first_issued_at) * 1000000 AS BIGINT) % 1000000
        ) AS DOUBLE) / 1000000
      ) AS DOUBLE),
      86400
    ) AS days
  FROM leads_6 AS l
), times_8 AS (
  SELECT
    period_start,
    split,
    days,
    SUM(converted) AS converted,
    COUNT(*) - SUM(converted) AS censored
  FROM durations_7 AS durations
  GROUP BY
    1,
    2,
    3
), risk_9 AS (
  SELECT
    t.*,
    SUM(t.converted + t.censored) OVER (
      PARTITION BY t.period_start, t.split
      ORDER BY t.days DESC
      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
    ) AS at_risk
  FROM times_8 AS t
), steps_10 AS (
  SELECT
    r.*,
    SUM(CASE WHEN r.converted = r.at_risk THEN 1 ELSE 0 END) OVER w AS wiped_out,
    SUM(
      CASE
        WHEN r.converted > 0 AND r.converted < r.at_risk
        THEN LN(1 - TRY_DIVIDE(CAST(r.converted AS DOUBLE), r.at_risk))
        ELSE 0
      END
    ) OVER w AS log_survival,
    SUM(
      CASE
        WHEN r.converted > 0 AND r.converted < r.at_risk
        THEN TRY_DIVIDE(CAST(r.converted AS DOUBLE), (
          r.at_risk * (
            r.at_risk - r.converted
          )
        ))
        ELSE 0
      END
    ) OVER w AS greenwood
  FROM risk_9 AS r
  WINDOW w AS (
    PARTITION BY r.period_start, r.split
    ORDER BY r.days NULLS LAST
    ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
  )
), convert_time_km AS (
  SELECT
    s.period_start,
    s.split,
    s.days,
    CAST(s.at_risk AS BIGINT) AS at_risk,
    CAST(s.converted AS BIGINT) AS converted,
    CAST(s.censored AS BIGINT) AS censored,
    CASE WHEN s.wiped_out > 0 THEN 0.0 ELSE EXP(s.log_survival) END AS survival,
    CASE
      WHEN s.wiped_out > 0
      THEN 0.0
      WHEN s.log_survival = 0
      THEN 1.0
      ELSE EXP(
        s.log_survival * EXP(
          TRY_DIVIDE(CAST(1.959963984540054 * SQRT(s.greenwood) AS DOUBLE), ABS(s.log_survival))
        )
      )
    END AS survival_low,
    CASE
      WHEN s.wiped_out > 0
      THEN 0.0
      WHEN s.log_survival = 0
      THEN 1.0
      ELSE EXP(
        s.log_survival * EXP(
          TRY_DIVIDE(CAST(-1.959963984540054 * SQRT(s.greenwood) AS DOUBLE), ABS(s.log_survival))
        )
      )
    END AS survival_high
  FROM steps_10 AS s
)
SELECT
  k.period_start,
  p.period,
  k.split,
  k.days,
  k.at_risk,
  k.converted,
  k.censored,
  k.survival AS share_not_converted,
  k.survival_low AS share_not_converted_low,
  k.survival_high AS share_not_converted_high
FROM convert_time_km AS k
JOIN metric_periods AS p
  ON p.period_start = k.period_start
ORDER BY
  k.period_start NULLS LAST,
  k.split NULLS LAST,
  k.days NULLS LAST;
