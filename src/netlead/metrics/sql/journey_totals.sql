-- D23 over the whole range (the leads created on a day of metric_days, by $as_of): the leads that
-- reached each stage of metric_stages, in the agreement's order. D26 starts from it. journey.py
-- fills in __reached_counts (reached_<k> per chain stage k) and __reached (metric_chain's row).
WITH totals AS (
    SELECT __reached_counts FROM journey_lead_stages AS s
),
counts AS (
    SELECT m.chain_index, __reached AS reached FROM totals AS c CROSS JOIN metric_chain AS m
)
SELECT
    m.stage,
    m.chain_index,
    CAST(COALESCE(c.reached, 0) AS BIGINT) AS reached,
    m.owners,
    m.never_reached
FROM metric_stages AS m
LEFT JOIN counts AS c ON c.chain_index = m.chain_index
ORDER BY m.stage_index
