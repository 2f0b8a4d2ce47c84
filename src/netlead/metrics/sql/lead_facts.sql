-- lead_facts: one row per lead, independent of as_of, so that a status at any as_of is a filter
-- (see facts.py). The __placeholders are filled from the agreement by facts.py;
-- netlead_in_scope(lead_id) keeps the leads whose facts are rebuilt (all, or those an import
-- touched).
WITH event_firsts AS (
    -- Earliest raw time per lead and kind. T3 reads an event before its lead's created_at as at
    -- created_at; since min(max(t, c)) = max(min(t), c), clamping after aggregating is the same
    -- and avoids joining every event to its lead.
    SELECT
        e.lead_id,
        MIN(CASE WHEN e.type = 'issued' THEN e.occurred_at END) AS issued_at,
        MIN(CASE WHEN e.type = 'outcome' THEN e.occurred_at END) AS outcome_at,
        MIN(CASE WHEN e.type = 'responded' THEN e.occurred_at END) AS responded_at,
        MIN(CASE WHEN e.type = 'qualified' AND netlead_filled(e.trigger)
            THEN e.occurred_at END) AS trigger_at,
        MIN(CASE WHEN e.type = 'qualified' AND netlead_filled(e.cost_of_inaction)
            THEN e.occurred_at END) AS cost_of_inaction_at,
        MIN(CASE WHEN e.type = 'qualified' AND netlead_filled(e.decision_makers)
            THEN e.occurred_at END) AS decision_makers_at,
        MIN(CASE WHEN e.type = 'qualified' AND netlead_filled(e.need)
            THEN e.occurred_at END) AS need_at,
        MIN(CASE WHEN e.type = 'qualified' AND netlead_filled(e.appointment_at)
            THEN e.occurred_at END) AS appointment_at_at
    FROM lead_events AS e
    WHERE netlead_in_scope(e.lead_id)
    GROUP BY e.lead_id
),
opportunity_firsts AS (
    SELECT o.lead_id, MIN(o.created_at) AS created_at,
           MIN(CASE WHEN o.status = 'won' THEN o.closed_at END) AS won_at
    FROM opportunities AS o
    WHERE o.lead_id IS NOT NULL AND netlead_in_scope(o.lead_id)
    GROUP BY o.lead_id
),
stage_firsts AS (
    -- D23: the first entry into each opportunity stage the agreement's journey names, over the
    -- lead's opportunities (__stage_firsts: one column per stage, journey_stage_<i>_at).
    SELECT o.lead_id, __stage_firsts
    FROM opportunity_stages AS s
    JOIN opportunities AS o ON o.opportunity_id = s.opportunity_id
    WHERE o.lead_id IS NOT NULL AND netlead_in_scope(o.lead_id)
    GROUP BY o.lead_id
),
gaps AS (
    -- D2: seconds since the closest earlier lead with the same keys, per key list (duplicates.py).
    SELECT d.lead_id, __duplicate_gap_columns
    FROM duplicate_gaps AS d
    WHERE netlead_in_scope(d.lead_id)
    GROUP BY d.lead_id
),
ruled AS (
    SELECT
        l.lead_id,
        l.created_at,
        CAST(l.created_at AS DATE) AS created_date,
        netlead_trim(l.channel) AS channel,
        NULLIF(netlead_trim(l.account_type), '') AS account_type,
        __version_index AS version_index,
        __rule_index AS rule_index,
        -- D3: an answer on the lead row counts as recorded at created_at, else at the first
        -- qualified event carrying it.
        COALESCE(CASE WHEN netlead_filled(l.trigger) THEN l.created_at END,
                 CASE WHEN f.trigger_at < l.created_at THEN l.created_at ELSE f.trigger_at END)
            AS trigger_at,
        COALESCE(CASE WHEN netlead_filled(l.cost_of_inaction) THEN l.created_at END,
                 CASE WHEN f.cost_of_inaction_at < l.created_at THEN l.created_at ELSE f.cost_of_inaction_at END)
            AS cost_of_inaction_at,
        COALESCE(CASE WHEN netlead_filled(l.decision_makers) THEN l.created_at END,
                 CASE WHEN f.decision_makers_at < l.created_at THEN l.created_at ELSE f.decision_makers_at END)
            AS decision_makers_at,
        COALESCE(CASE WHEN netlead_filled(l.need) THEN l.created_at END,
                 CASE WHEN f.need_at < l.created_at THEN l.created_at ELSE f.need_at END)
            AS need_at,
        COALESCE(CASE WHEN netlead_filled(l.appointment_at) THEN l.created_at END,
                 CASE WHEN f.appointment_at_at < l.created_at THEN l.created_at ELSE f.appointment_at_at END)
            AS appointment_at_at,
        CASE WHEN f.issued_at < l.created_at THEN l.created_at ELSE f.issued_at END AS first_issued_at,
        CASE WHEN f.issued_at <= l.created_at
             THEN CASE WHEN f.responded_at < l.created_at THEN l.created_at ELSE f.responded_at END
        END AS responded_when_issued_at_creation,
        CASE WHEN f.outcome_at < l.created_at THEN l.created_at ELSE f.outcome_at END AS first_outcome_at,
        CASE WHEN o.created_at < l.created_at THEN l.created_at ELSE o.created_at END AS first_opportunity_at,
        -- D23 (T3: a time before created_at is read as created_at).
        CASE WHEN o.won_at < l.created_at THEN l.created_at ELSE o.won_at END AS first_won_at,
        __stage_times
    FROM (
        -- The duplicate rules' gaps (D2) beside every lead column the rule conditions may read as
        -- l.<column>.
        SELECT l.*, __duplicate_gaps FROM leads AS l LEFT JOIN gaps AS g ON g.lead_id = l.lead_id
        WHERE netlead_in_scope(l.lead_id)
    ) AS l
    LEFT JOIN event_firsts AS f ON f.lead_id = l.lead_id
    LEFT JOIN opportunity_firsts AS o ON o.lead_id = l.lead_id
    LEFT JOIN stage_firsts AS s ON s.lead_id = l.lead_id
),
answered AS (
    SELECT r.*, __answered_at AS answered_at FROM ruled AS r
),
evidenced AS (
    SELECT a.*, __evidence_at AS evidence_at FROM answered AS a
),
responses AS (
    -- D16: the first responded event at or after the first issue, both read per T3. With raw
    -- times t (response) and i (issue) and created_at c: max(t, c) >= max(i, c) holds when t >= i,
    -- or for every response when i <= c; so only responses after the raw first issue are needed
    -- here, and event_firsts has the first of all responses for the other case. The first issues
    -- are read again rather than from event_firsts: a query read twice is materialised whole.
    SELECT e.lead_id, MIN(e.occurred_at) AS responded_after_issue_at
    FROM lead_events AS e
    JOIN (
        SELECT i.lead_id, MIN(i.occurred_at) AS issued_at
        FROM lead_events AS i
        WHERE i.type = 'issued' AND netlead_in_scope(i.lead_id)
        GROUP BY i.lead_id
    ) AS f ON f.lead_id = e.lead_id
    WHERE e.type = 'responded' AND e.occurred_at >= f.issued_at AND netlead_in_scope(e.lead_id)
    GROUP BY e.lead_id
)
SELECT
    v.lead_id,
    v.created_at,
    v.created_date,
    v.channel,
    v.account_type,
    v.version_index,
    v.rule_index,
    __rule_reason AS rule_reason,
    v.evidence_at,
    v.first_issued_at,
    CAST(v.first_issued_at AS DATE) AS first_issued_date,
    -- D3/D4: with no rule matched, a lead is net at as_of exactly when net_from <= as_of: its
    -- evidence counts up to the first issue, or up to as_of while it is not issued yet.
    CASE WHEN v.rule_index IS NULL AND (v.first_issued_at IS NULL OR v.evidence_at <= v.first_issued_at)
         THEN v.evidence_at END AS net_from,
    -- The status at the first issue does not depend on as_of once the issue has happened (D5/D6).
    CASE WHEN v.first_issued_at IS NOT NULL
         THEN v.rule_index IS NULL AND COALESCE(v.evidence_at <= v.first_issued_at, FALSE) END AS issued_net,
    COALESCE(v.responded_when_issued_at_creation, r.responded_after_issue_at) AS first_responded_at,
    v.first_outcome_at,
    v.first_opportunity_at,
    v.first_won_at,
    __stage_columns
FROM evidenced AS v
LEFT JOIN responses AS r ON r.lead_id = v.lead_id
