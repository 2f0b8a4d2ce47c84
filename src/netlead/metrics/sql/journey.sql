-- D23-D24 per period of the leads' created_at (and per split value when $split is 'channel' or
-- 'account_type'; 'none' otherwise): for each stage of metric_stages (stage_index, stage,
-- chain_index, owners, never_reached) the leads that reached it, the conversion to the next stage
-- of the chain, and the median days from entering it to entering the next one. A stage outside
-- the chain (named by the agreement, never in the data) has no leads and no rates.
-- journey.py fills in, per chain stage k: __reached_counts (reached_<k>) and __median_days
-- (median_days_<k>) over journey_lead_stages' columns, and __reached, __median_days_in_stage:
-- those of metric_chain's row.
WITH counts AS (
    SELECT
        s.period_start,
        CASE $split WHEN 'channel' THEN s.channel WHEN 'account_type' THEN s.account_type END AS split,
        -- D24: a median over the leads that reached the next stage (the others have no time there).
        __reached_counts,
        __median_days
    FROM journey_lead_stages AS s
    GROUP BY 1, 2
),
stage_counts AS (
    SELECT c.period_start, c.split, m.chain_index, __reached AS reached,
           __median_days_in_stage AS median_days_in_stage
    FROM counts AS c
    CROSS JOIN metric_chain AS m
),
splits AS (
    SELECT DISTINCT split FROM counts WHERE $split <> 'none'
    UNION ALL
    SELECT CAST(NULL AS VARCHAR) WHERE $split = 'none'
),
chain AS (
    SELECT
        p.period_start,
        x.split,
        m.chain_index,
        COALESCE(c.reached, 0) AS reached,
        LEAD(COALESCE(c.reached, 0)) OVER (
            PARTITION BY p.period_start, x.split ORDER BY m.chain_index
        ) AS next_reached,
        c.median_days_in_stage
    FROM metric_periods AS p
    CROSS JOIN splits AS x
    CROSS JOIN metric_stages AS m
    LEFT JOIN stage_counts AS c
      ON c.period_start = p.period_start AND c.split IS NOT DISTINCT FROM x.split
     AND c.chain_index = m.chain_index
    WHERE m.chain_index IS NOT NULL
)
SELECT
    p.period_start,
    p.period,
    x.split,
    m.stage,
    CAST(COALESCE(c.reached, 0) AS BIGINT) AS reached,
    CASE WHEN c.reached > 0 THEN CAST(c.next_reached AS DOUBLE) / c.reached END AS conversion_to_next,
    c.median_days_in_stage,
    m.owners,
    m.never_reached
FROM metric_periods AS p
CROSS JOIN splits AS x
CROSS JOIN metric_stages AS m
LEFT JOIN chain AS c
  ON c.period_start = p.period_start AND c.split IS NOT DISTINCT FROM x.split
 AND c.chain_index = m.chain_index
ORDER BY p.period_start, x.split NULLS LAST, m.stage_index
