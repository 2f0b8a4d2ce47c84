/* D27: the Kaplan-Meier estimate of the share of a cohort not yet converted, per cohort period of */
/* the first issue (D5) and split value ($split: 'channel', 'account_type' or 'none'), one row per */
/* distinct duration. The event ($to_event) is the first opportunity, or the first won close */
/* ('win'); the duration runs from the first issue, in days (a fraction; an event before the issue */
/* counts as at day 0). A lead without the event by $as_of is right-censored at $as_of, or at its */
/* loss when lost before: its latest opportunity lost (closed_at), or its latest outcome code's */
/* `next` is closed (the outcome's time), whichever came first. */
/* Set-wise product-limit: at_risk is the number of durations >= t (a running count from the */
/* longest); S(t) = exp(sum of ln(1 - d/n)) over the event times <= t, 0 once all at risk convert; */
/* Greenwood's sum d / (n (n - d)) gives the log-log ("exponential Greenwood") 95% interval */
/* S^exp(+-z sqrt(greenwood) / |ln S|). */
WITH opportunity_order AS (
  SELECT
    o.lead_id,
    CASE WHEN o.status = 'lost' AND o.closed_at <= :as_of THEN o.closed_at END AS lost_at,
    ROW_NUMBER() OVER (PARTITION BY o.lead_id ORDER BY o.created_at DESC, o.opportunity_id DESC) AS latest
  FROM cohort_opportunities AS o
  WHERE
    o.created_at <= :as_of
), latest_opportunity AS (
  SELECT
    lead_id,
    lost_at
  FROM opportunity_order
  WHERE
    latest = 1
), outcome_order AS (
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
), latest_outcome AS (
  SELECT
    lead_id,
    closed_at
  FROM outcome_order
  WHERE
    latest = 1
), first_win AS (
  SELECT
    o.lead_id,
    MIN(o.closed_at) AS won_at
  FROM cohort_opportunities AS o
  WHERE
    o.status = 'won' AND o.created_at <= :as_of AND o.closed_at <= :as_of
  GROUP BY
    o.lead_id
), leads AS (
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
  LEFT JOIN first_win AS w
    ON w.lead_id = c.lead_id
  LEFT JOIN latest_opportunity AS o
    ON o.lead_id = c.lead_id
  LEFT JOIN latest_outcome AS x
    ON x.lead_id = c.lead_id
  WHERE
    c.first_issued_at <= :as_of
), durations AS (
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
  FROM leads AS l
), times AS (
  SELECT
    period_start,
    split,
    days,
    SUM(converted) AS converted,
    COUNT(*) - SUM(converted) AS censored
  FROM durations
  GROUP BY
    1,
    2,
    3
), risk AS (
  SELECT
    t.*,
    SUM(t.converted + t.censored) OVER (
      PARTITION BY t.period_start, t.split
      ORDER BY t.days DESC
      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
    ) AS at_risk
  FROM times AS t
), steps AS (
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
  FROM risk AS r
  WINDOW w AS (
    PARTITION BY r.period_start, r.split
    ORDER BY r.days NULLS LAST
    ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
  )
)
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
FROM steps AS s;
