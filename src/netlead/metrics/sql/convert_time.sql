-- D27 per cohort period (and split value): the leads, how many converted and how many were
-- censored, the Kaplan-Meier median days with its 95% interval (the first duration at which the
-- curve, or its lower or upper band, is at or below one half; null where it never is) and the
-- share converted by day 30, 60 and 90 (1 - S at the last duration on or before that day: S never
-- rises, so that is the least S up to the day).
-- Every period of the range has a row for every split value seen.
WITH groups AS (
    SELECT
        k.period_start,
        k.split,
        SUM(k.converted + k.censored) AS leads,
        SUM(k.converted) AS converted,
        SUM(k.censored) AS censored,
        MIN(k.days) FILTER (WHERE k.survival <= 0.5 + 1e-9) AS median_days,
        MIN(k.days) FILTER (WHERE k.survival_low <= 0.5 + 1e-9) AS median_days_low,
        MIN(k.days) FILTER (WHERE k.survival_high <= 0.5 + 1e-9) AS median_days_high,
        1 - COALESCE(MIN(k.survival) FILTER (WHERE k.days <= 30), 1) AS converted_by_30,
        1 - COALESCE(MIN(k.survival) FILTER (WHERE k.days <= 60), 1) AS converted_by_60,
        1 - COALESCE(MIN(k.survival) FILTER (WHERE k.days <= 90), 1) AS converted_by_90
    FROM convert_time_km AS k
    GROUP BY 1, 2
),
splits AS (
    SELECT DISTINCT split FROM groups WHERE $split <> 'none'
    UNION ALL
    SELECT CAST(NULL AS VARCHAR) WHERE $split = 'none'
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
LEFT JOIN groups AS g ON g.period_start = p.period_start AND g.split IS NOT DISTINCT FROM x.split
ORDER BY p.period_start, x.split NULLS LAST
