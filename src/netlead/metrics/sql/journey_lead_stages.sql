-- D23 per lead, one row each: the leads created by $as_of (on a day of metric_days, unless
-- $all_leads), with the time each entered every stage of metric_chain it reached (entered_<k>,
-- k its chain_index; null past its furthest stage, furthest_index). metric_chain holds the
-- agreement's stages in order, without opportunity stages the data never holds. The metric files
-- read this query as the table `journey_lead_stages` (journey.py).
--
-- The stage times are columns of lead_facts (kept by every import); journey.py fills in one
-- column per stage of the chain:
--   __known_times    known_<k>: the stage's time if at or before $as_of (T2), else null;
--   __raised_times   raised_<k>: for a known stage, the latest known time of it and the stages
--                    before it (a time earlier than the stage before it is raised to it);
--   __entered_times  entered_<k>: the least raised time at or after k, which, as raised times
--                    never decrease, is the raised time of the next known stage (a skipped stage
--                    takes the next later known time); null past the furthest known stage.
WITH net AS (
    -- D3/D4: net at as_of exactly when net_from <= as_of (lead_facts.sql); only a net lead goes
    -- past `lead` (D23).
    SELECT
        f.lead_id,
        f.created_at,
        f.channel,
        f.account_type,
        d.period_start,
        __known_times
    FROM lead_facts AS f
    LEFT JOIN metric_days AS d ON d.day = f.created_date
    WHERE f.created_at <= $as_of AND ($all_leads OR d.day IS NOT NULL) AND f.net_from <= $as_of
),
raised AS (
    SELECT n.*, __raised_times FROM net AS n
),
entered AS (
    SELECT r.*, __entered_times FROM raised AS r
)
SELECT
    e.period_start,
    e.channel,
    e.account_type,
    e.created_at,
    e.lead_id,
    __furthest_index AS furthest_index,
    __entered_columns
FROM entered AS e
UNION ALL
-- A lead that is not net stops at `lead` (D23: the waterfall says why). Read apart from the net
-- ones: a query read twice would be materialised.
SELECT d.period_start, f.channel, f.account_type, f.created_at, f.lead_id, 0, __not_net_columns
FROM lead_facts AS f
LEFT JOIN metric_days AS d ON d.day = f.created_date
WHERE f.created_at <= $as_of AND ($all_leads OR d.day IS NOT NULL) AND NOT COALESCE(f.net_from <= $as_of, FALSE)
