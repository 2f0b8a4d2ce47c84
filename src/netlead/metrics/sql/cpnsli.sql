-- D5-D8 per period: investment, net leads issued, issued off agreement, cost per net lead issued.
WITH issued_by_day AS (
    -- D5/D6: a lead counts once, in the period of its first issue, if that issue is by as_of.
    -- Counted per local date first, then per period (cheaper than joining every lead to it).
    SELECT
        f.first_issued_date,
        COUNT(CASE WHEN f.issued_net THEN 1 END) AS net_leads_issued,
        COUNT(CASE WHEN NOT f.issued_net THEN 1 END) AS issued_off_agreement
    FROM lead_facts AS f
    WHERE f.first_issued_at <= $as_of AND f.first_issued_date BETWEEN $first_day AND $last_day
    GROUP BY f.first_issued_date
),
issued AS (
    SELECT
        d.period_start,
        CAST(SUM(i.net_leads_issued) AS BIGINT) AS net_leads_issued,
        CAST(SUM(i.issued_off_agreement) AS BIGINT) AS issued_off_agreement
    FROM issued_by_day AS i
    JOIN metric_days AS d ON d.day = i.first_issued_date
    GROUP BY d.period_start
),
cost_days AS (
    -- D7: a cost segment's days inside the period and not after as_of's local date (T2); a dated
    -- row keeps its exact amount, a range spreads amount x days / days in the range.
    SELECT
        p.period_start,
        CASE WHEN c.is_range THEN 0 ELSE c.amount END AS exact_amount,
        CASE WHEN c.is_range THEN CAST(c.amount AS DOUBLE)
            * (DATE_DIFF('day', GREATEST(c.segment_start, p.period_start),
                         LEAST(c.segment_end, p.period_end, $as_of_date)) + 1)
            / c.range_days END AS spread_amount
    FROM cost_facts AS c
    JOIN metric_periods AS p ON c.segment_start <= p.period_end AND c.segment_end >= p.period_start
    WHERE c.segment_start <= $as_of_date AND p.period_start <= $as_of_date
),
investment AS (
    SELECT period_start,
           CAST(SUM(exact_amount) AS DOUBLE) + COALESCE(SUM(spread_amount), 0) AS investment
    FROM cost_days
    GROUP BY period_start
)
SELECT
    p.period_start,
    p.period,
    COALESCE(i.investment, 0) AS investment,
    COALESCE(n.net_leads_issued, 0) AS net_leads_issued,
    COALESCE(n.issued_off_agreement, 0) AS issued_off_agreement,
    -- D8: null when no net lead was issued.
    CASE WHEN n.net_leads_issued > 0 THEN COALESCE(i.investment, 0) / n.net_leads_issued END AS cpnsli
FROM metric_periods AS p
LEFT JOIN investment AS i ON i.period_start = p.period_start
LEFT JOIN issued AS n ON n.period_start = p.period_start
ORDER BY p.period_start
