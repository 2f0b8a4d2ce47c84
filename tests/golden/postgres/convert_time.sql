/* D27 per cohort period (and split value): the leads, how many converted and how many were */
/* censored, the Kaplan-Meier median days with its 95% interval (the first duration at which the */
/* curve, or its lower or upper band, is at or below one half; null where it never is) and the */
/* share converted by day 30, 60 and 90 (1 - S at the last duration on or before that day: S never */
/* rises, so that is the least S up to the day). */
/* Every period of the range has a row for every split value seen. */
WITH convert_time_km AS MATERIALIZED (
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
  WITH opportunity_order AS MATERIALIZED (
    SELECT
      o.lead_id,
      CASE WHEN o.status = 'lost' AND o.closed_at <= %(as_of)s THEN o.closed_at END AS lost_at,
      ROW_NUMBER() OVER (
        PARTITION BY o.lead_id
        ORDER BY o.created_at DESC NULLS LAST, o.opportunity_id DESC NULLS LAST
      ) AS latest
    FROM cohort_opportunities AS o
    WHERE
      o.created_at <= %(as_of)s
  ), latest_opportunity AS MATERIALIZED (
    SELECT
      lead_id,
      lost_at
    FROM opportunity_order
    WHERE
      latest = 1
  ), outcome_order AS MATERIALIZED (
    SELECT
      e.lead_id,
      CASE WHEN n.next = 'closed' THEN e.occurred_at END AS closed_at,
      ROW_NUMBER() OVER (
        PARTITION BY e.lead_id
        ORDER BY e.occurred_at DESC NULLS LAST, e.event_id DESC NULLS LAST
      ) AS latest
    FROM lead_events AS e
    JOIN cohort_leads AS c
      ON c.lead_id = e.lead_id
    LEFT JOIN metric_outcome_next AS n
      ON n.code = e.outcome_code
      AND CAST(e.occurred_at AS DATE) >= n.effective_from
      AND CAST(e.occurred_at AS DATE) <= n.effective_to
    WHERE
      e.type = 'outcome' AND e.occurred_at <= %(as_of)s
  ), latest_outcome AS MATERIALIZED (
    SELECT
      lead_id,
      closed_at
    FROM outcome_order
    WHERE
      latest = 1
  ), first_win AS MATERIALIZED (
    SELECT
      o.lead_id,
      MIN(o.closed_at) AS won_at
    FROM cohort_opportunities AS o
    WHERE
      o.status = 'won' AND o.created_at <= %(as_of)s AND o.closed_at <= %(as_of)s
    GROUP BY
      o.lead_id
  ), leads AS MATERIALIZED (
    SELECT
      d.period_start,
      CASE %(split)s
        WHEN 'channel'
        THEN c.channel
        WHEN 'account_type'
        THEN c.account_type
      END AS split,
      c.first_issued_at,
      CASE
        WHEN %(to_event)s = 'win'
        THEN w.won_at
        WHEN c.first_opportunity_at <= %(as_of)s
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
      c.first_issued_at <= %(as_of)s
  ), durations AS MATERIALIZED (
    SELECT
      l.period_start,
      l.split,
      CASE WHEN NOT l.event_at IS NULL THEN 1 ELSE 0 END AS converted,
      CAST(GREATEST(
        0,
        DATE_PART('epoch', COALESCE(l.event_at, LEAST(l.lost_at, CAST(%(as_of)s AS TIMESTAMPTZ)))) - DATE_PART('epoch', l.first_issued_at)
      ) AS DOUBLE PRECISION) / 86400 AS days
    FROM leads AS l
  ), times AS MATERIALIZED (
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
  ), risk AS MATERIALIZED (
    SELECT
      t.*,
      SUM(t.converted + t.censored) OVER (
        PARTITION BY t.period_start, t.split
        ORDER BY t.days DESC NULLS LAST
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
      ) AS at_risk
    FROM times AS t
  ), steps AS MATERIALIZED (
    SELECT
      r.*,
      SUM(CASE WHEN r.converted = r.at_risk THEN 1 ELSE 0 END) OVER w AS wiped_out,
      SUM(
        CASE
          WHEN r.converted > 0 AND r.converted < r.at_risk
          THEN LN(1 - CAST(r.converted AS DOUBLE PRECISION) / r.at_risk)
          ELSE 0
        END
      ) OVER w AS log_survival,
      SUM(
        CASE
          WHEN r.converted > 0 AND r.converted < r.at_risk
          THEN CAST(r.converted AS DOUBLE PRECISION) / (
            r.at_risk * (
              r.at_risk - r.converted
            )
          )
          ELSE 0
        END
      ) OVER w AS greenwood
    FROM risk AS r
    WINDOW w AS (
      PARTITION BY r.period_start, r.split
      ORDER BY r.days
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
          CAST(1.959963984540054 * SQRT(s.greenwood) AS DOUBLE PRECISION) / ABS(s.log_survival)
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
          CAST(-1.959963984540054 * SQRT(s.greenwood) AS DOUBLE PRECISION) / ABS(s.log_survival)
        )
      )
    END AS survival_high
  FROM steps AS s
), groups AS MATERIALIZED (
  SELECT
    k.period_start,
    k.split,
    SUM(k.converted + k.censored) AS leads,
    SUM(k.converted) AS converted,
    SUM(k.censored) AS censored,
    MIN(k.days) FILTER(WHERE
      k.survival <= 0.5 + 1e-9) AS median_days,
    MIN(k.days) FILTER(WHERE
      k.survival_low <= 0.5 + 1e-9) AS median_days_low,
    MIN(k.days) FILTER(WHERE
      k.survival_high <= 0.5 + 1e-9) AS median_days_high,
    1 - COALESCE(MIN(k.survival) FILTER(WHERE
      k.days <= 30), 1) AS converted_by_30,
    1 - COALESCE(MIN(k.survival) FILTER(WHERE
      k.days <= 60), 1) AS converted_by_60,
    1 - COALESCE(MIN(k.survival) FILTER(WHERE
      k.days <= 90), 1) AS converted_by_90
  FROM convert_time_km AS k
  GROUP BY
    1,
    2
), splits AS MATERIALIZED (
  SELECT DISTINCT
    split
  FROM groups
  WHERE
    %(split)s <> 'none'
  UNION ALL
  SELECT
    CAST(NULL AS TEXT)
  WHERE
    %(split)s = 'none'
)
SELECT
  p.period_start,
  p.period,
  x.split,
  CAST(COALESCE(g.leads, 0) AS BIGINT) AS leads,
  CAST(COALESCE(g.converted, 0) AS BIGINT) AS converted,
  CAST(COALESCE(g.censored, 0) AS BIGINT) AS censored,
  g.median_days,
  g.median_days_low,
  g.median_days_high,
  g.converted_by_30,
  g.converted_by_60,
  g.converted_by_90
FROM metric_periods AS p
CROSS JOIN splits AS x
LEFT JOIN groups AS g
  ON g.period_start = p.period_start AND g.split IS NOT DISTINCT FROM x.split
ORDER BY
  p.period_start,
  x.split;
