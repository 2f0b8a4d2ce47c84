/* The development table of the cohorts (D28's triangle, actual values only): per cohort period and */
/* age in whole months since its first day (0 = the first month), the cumulative wins and gross */
/* profit of the cohort's wins closed by then, up to the age of as_of's local date. A win closed */
/* before its cohort's first day (a deal opened before the lead's issue) counts at age 0. */
/* metric_ages(age) lists 0, 1, 2, ... far enough for every period of the range. */
WITH wins AS (
  SELECT
    d.period_start,
    CAST(o.closed_at AS DATE) AS closed_date,
    o.gross_profit
  FROM cohort_opportunities AS o
  JOIN metric_days AS d
    ON d.day = o.first_issued_date
  WHERE
    o.first_issued_at <= :as_of
    AND o.created_at <= :as_of
    AND o.status = 'won'
    AND o.closed_at <= :as_of
), aged AS (
  SELECT
    w.period_start,
    GREATEST(
      0,
      (
        YEAR(w.closed_date) * 12 + MONTH(w.closed_date)
      ) - (
        YEAR(w.period_start) * 12 + MONTH(w.period_start)
      ) - CASE WHEN DAY(w.closed_date) < DAY(w.period_start) THEN 1 ELSE 0 END
    ) AS age,
    COUNT(*) AS wins,
    SUM(w.gross_profit) AS gross_profit
  FROM wins AS w
  GROUP BY
    1,
    2
), grid AS (
  SELECT
    p.period_start,
    p.period,
    a.age
  FROM metric_periods AS p
  JOIN metric_ages AS a
    ON a.age <= (
      YEAR(:as_of_date) * 12 + MONTH(:as_of_date)
    ) - (
      YEAR(p.period_start) * 12 + MONTH(p.period_start)
    ) - CASE WHEN DAY(:as_of_date) < DAY(p.period_start) THEN 1 ELSE 0 END
)
SELECT
  g.period_start,
  g.period,
  CAST(g.age AS BIGINT) AS months_since_start,
  CAST(SUM(COALESCE(a.wins, 0)) OVER (
    PARTITION BY g.period_start
    ORDER BY g.age NULLS LAST
    ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
  ) AS BIGINT) AS wins,
  SUM(COALESCE(a.gross_profit, 0)) OVER (
    PARTITION BY g.period_start
    ORDER BY g.age NULLS LAST
    ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
  ) AS gross_profit
FROM grid AS g
LEFT JOIN aged AS a
  ON a.period_start = g.period_start AND a.age = g.age
ORDER BY
  g.period_start NULLS LAST,
  g.age NULLS LAST;
