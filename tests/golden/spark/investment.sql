/* D7 per period of metric_periods: the included costs of its days up to as_of's local date. */
/* `period_start, investment`, for the periods holding any cost; cpnsli.sql, cohorts.sql and */
/* scorecard.sql read it as metric_investment. */
WITH cost_days AS (
  SELECT
    p.period_start,
    CASE WHEN c.is_range THEN 0 ELSE c.amount END AS exact_amount,
    CASE
      WHEN c.is_range
      THEN TRY_DIVIDE(
        CAST(CAST(c.amount AS DOUBLE) * (
          DATEDIFF(
            DAY,
            GREATEST(c.segment_start, p.period_start),
            LEAST(c.segment_end, p.period_end, :as_of_date)
          ) + 1
        ) AS DOUBLE),
        c.range_days
      )
    END AS spread_amount
  FROM cost_facts AS c
  JOIN metric_periods AS p
    ON c.segment_start <= p.period_end AND c.segment_end >= p.period_start
  WHERE
    c.segment_start <= :as_of_date AND p.period_start <= :as_of_date
)
SELECT
  period_start,
  CAST(SUM(exact_amount) AS DOUBLE) + COALESCE(SUM(spread_amount), 0) AS investment
FROM cost_days
GROUP BY
  period_start;
