-- D23 per lead: every stage of metric_chain (chain_index, stage) that a lead created by $as_of
-- has reached, with the time it entered the stage and the time it entered the next one (null at
-- its furthest stage). Only the leads created on a day of metric_days, unless $all_leads.
-- metric_chain holds the agreement's stages in order, without opportunity stages the data never
-- holds. The metric files read this query as the table `journey_lead_stages` (journey.py).
--
-- The stage times are columns of lead_facts (kept by every import); journey.py fills in one
-- column per stage of the chain, k = its chain_index:
--   __known_times    known_k: the stage's time if at or before $as_of (T2), else null;
--   __raised_times   raised_k: for a known stage, the latest known time of it and the stages
--                    before it (a time earlier than the stage before it is raised to it);
--   __entered_times  entered_k: the least raised time at or after k, which, as raised times never
--                    decrease, is the raised time of the next known stage (a skipped stage takes
--                    the next later known time); null past the furthest known stage;
--   __entered_at, __next_entered_at: entered_k and entered_(k+1) of metric_chain's row k.
WITH leads AS (
    SELECT
        f.lead_id,
        f.created_at,
        f.channel,
        f.account_type,
        d.period_start,
        -- D3/D4: net at as_of exactly when net_from <= as_of (lead_facts.sql).
        COALESCE(f.net_from <= $as_of, FALSE) AS is_net,
        __known_times
    FROM lead_facts AS f
    LEFT JOIN metric_days AS d ON d.day = f.created_date
    WHERE f.created_at <= $as_of AND ($all_leads OR d.day IS NOT NULL)
),
raised AS (
    -- Only a net lead goes past `lead` (D23).
    SELECT l.*, __raised_times FROM leads AS l WHERE l.is_net
),
entered AS (
    SELECT r.*, __entered_times FROM raised AS r
),
stages AS (
    SELECT
        e.period_start,
        e.channel,
        e.account_type,
        e.created_at,
        e.lead_id,
        c.chain_index,
        c.stage,
        __entered_at AS entered_at,
        __next_entered_at AS next_entered_at
    FROM entered AS e
    CROSS JOIN metric_chain AS c
)
SELECT
    s.period_start,
    s.channel,
    s.account_type,
    s.created_at,
    s.lead_id,
    s.chain_index,
    s.stage,
    s.entered_at,
    s.next_entered_at
FROM stages AS s
WHERE s.entered_at IS NOT NULL
UNION ALL
-- A lead that is not net stops at `lead` (the first stage of every chain).
SELECT l.period_start, l.channel, l.account_type, l.created_at, l.lead_id, 0, 'lead', l.created_at,
       CAST(NULL AS TIMESTAMPTZ)
FROM leads AS l
WHERE NOT l.is_net
