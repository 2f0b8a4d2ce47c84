-- D27's curve: per cohort period (and split value) and distinct duration, the leads at risk, those
-- converting and censored there, and the share not yet converted with its 95% band.
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
JOIN metric_periods AS p ON p.period_start = k.period_start
ORDER BY k.period_start, k.split NULLS LAST, k.days
