/* lead_facts: one row per lead, independent of as_of, so that a status at any as_of is a filter */
/* (see facts.py). The __placeholders are filled from the agreement by facts.py; */
/* netlead_in_scope(lead_id) keeps the leads whose facts are rebuilt (all, or those an import */
/* touched). */
WITH event_firsts AS (
  SELECT
    e.lead_id,
    MIN(CASE WHEN e.type = 'issued' THEN e.occurred_at END) AS issued_at,
    MIN(CASE WHEN e.type = 'outcome' THEN e.occurred_at END) AS outcome_at,
    MIN(CASE WHEN e.type = 'responded' THEN e.occurred_at END) AS responded_at,
    MIN(
      CASE
        WHEN e.type = 'qualified'
        AND CASE WHEN ASCII(e.trigger) > 32 THEN TRUE ELSE e.trigger RLIKE '[^ \t\r\n]' END
        THEN e.occurred_at
      END
    ) AS trigger_at,
    MIN(
      CASE
        WHEN e.type = 'qualified'
        AND CASE
          WHEN ASCII(e.cost_of_inaction) > 32
          THEN TRUE
          ELSE e.cost_of_inaction RLIKE '[^ \t\r\n]'
        END
        THEN e.occurred_at
      END
    ) AS cost_of_inaction_at,
    MIN(
      CASE
        WHEN e.type = 'qualified'
        AND CASE
          WHEN ASCII(e.decision_makers) > 32
          THEN TRUE
          ELSE e.decision_makers RLIKE '[^ \t\r\n]'
        END
        THEN e.occurred_at
      END
    ) AS decision_makers_at,
    MIN(
      CASE
        WHEN e.type = 'qualified'
        AND CASE WHEN ASCII(e.need) > 32 THEN TRUE ELSE e.need RLIKE '[^ \t\r\n]' END
        THEN e.occurred_at
      END
    ) AS need_at,
    MIN(
      CASE
        WHEN e.type = 'qualified'
        AND CASE
          WHEN ASCII(e.appointment_at) > 32
          THEN TRUE
          ELSE e.appointment_at RLIKE '[^ \t\r\n]'
        END
        THEN e.occurred_at
      END
    ) AS appointment_at_at
  FROM lead_events AS e
  WHERE
    TRUE
  GROUP BY
    e.lead_id
), opportunity_firsts AS (
  SELECT
    o.lead_id,
    MIN(o.created_at) AS created_at,
    MIN(CASE WHEN o.status = 'won' THEN o.closed_at END) AS won_at
  FROM opportunities AS o
  WHERE
    NOT o.lead_id IS NULL AND TRUE
  GROUP BY
    o.lead_id
), stage_firsts AS (
  SELECT
    o.lead_id
  FROM opportunity_stages AS s
  JOIN opportunities AS o
    ON o.opportunity_id = s.opportunity_id
  WHERE
    NOT o.lead_id IS NULL AND TRUE
  GROUP BY
    o.lead_id
), gaps AS (
  SELECT
    d.lead_id,
    MAX(CASE WHEN d.key_list = 0 THEN d.gap END) AS duplicate_gap_0
  FROM duplicate_gaps AS d
  WHERE
    TRUE
  GROUP BY
    d.lead_id
), ruled AS (
  SELECT
    l.lead_id,
    l.created_at,
    CAST(l.created_at AS DATE) AS created_date,
    CASE
      WHEN ASCII(l.channel) <= 32 OR ASCII(RIGHT(l.channel, 1)) <= 32
      THEN TRIM(' \t\r\n' FROM l.channel)
      ELSE l.channel
    END AS channel,
    NULLIF(
      CASE
        WHEN ASCII(l.account_type) <= 32 OR ASCII(RIGHT(l.account_type, 1)) <= 32
        THEN TRIM(' \t\r\n' FROM l.account_type)
        ELSE l.account_type
      END,
      ''
    ) AS account_type,
    0 AS version_index,
    CASE
      WHEN l.duplicate_gap_0 <= 7776000.0
      THEN 0
      WHEN COALESCE((
        LOWER(l.domain) IN ('example.com', 'mailinator.com')
      ), FALSE)
      THEN 1
      WHEN NOT COALESCE((
        l.country IN ('GB', 'IE') AND l.employees >= 20
      ), FALSE)
      THEN 2
    END AS rule_index,
    COALESCE(
      CASE
        WHEN CASE WHEN ASCII(l.trigger) > 32 THEN TRUE ELSE l.trigger RLIKE '[^ \t\r\n]' END
        THEN l.created_at
      END,
      CASE WHEN f.trigger_at < l.created_at THEN l.created_at ELSE f.trigger_at END
    ) AS trigger_at, /* D3: an answer on the lead row counts as recorded at created_at, else at the first */ /* qualified event carrying it. */
    COALESCE(
      CASE
        WHEN CASE
          WHEN ASCII(l.cost_of_inaction) > 32
          THEN TRUE
          ELSE l.cost_of_inaction RLIKE '[^ \t\r\n]'
        END
        THEN l.created_at
      END,
      CASE
        WHEN f.cost_of_inaction_at < l.created_at
        THEN l.created_at
        ELSE f.cost_of_inaction_at
      END
    ) AS cost_of_inaction_at,
    COALESCE(
      CASE
        WHEN CASE
          WHEN ASCII(l.decision_makers) > 32
          THEN TRUE
          ELSE l.decision_makers RLIKE '[^ \t\r\n]'
        END
        THEN l.created_at
      END,
      CASE
        WHEN f.decision_makers_at < l.created_at
        THEN l.created_at
        ELSE f.decision_makers_at
      END
    ) AS decision_makers_at,
    COALESCE(
      CASE
        WHEN CASE WHEN ASCII(l.need) > 32 THEN TRUE ELSE l.need RLIKE '[^ \t\r\n]' END
        THEN l.created_at
      END,
      CASE WHEN f.need_at < l.created_at THEN l.created_at ELSE f.need_at END
    ) AS need_at,
    COALESCE(
      CASE
        WHEN CASE
          WHEN ASCII(l.appointment_at) > 32
          THEN TRUE
          ELSE l.appointment_at RLIKE '[^ \t\r\n]'
        END
        THEN l.created_at
      END,
      CASE
        WHEN f.appointment_at_at < l.created_at
        THEN l.created_at
        ELSE f.appointment_at_at
      END
    ) AS appointment_at_at,
    CASE WHEN f.issued_at < l.created_at THEN l.created_at ELSE f.issued_at END AS first_issued_at,
    CASE
      WHEN f.issued_at <= l.created_at
      THEN CASE WHEN f.responded_at < l.created_at THEN l.created_at ELSE f.responded_at END
    END AS responded_when_issued_at_creation,
    CASE WHEN f.outcome_at < l.created_at THEN l.created_at ELSE f.outcome_at END AS first_outcome_at,
    CASE WHEN o.created_at < l.created_at THEN l.created_at ELSE o.created_at END AS first_opportunity_at,
    CASE WHEN o.won_at < l.created_at THEN l.created_at ELSE o.won_at END AS first_won_at /* D23 (T3: a time before created_at is read as created_at). */
  FROM (
    /* The duplicate rules' gaps (D2) beside every lead column the rule conditions may read as */
    /* l.<column>. */
    SELECT
      l.*,
      g.duplicate_gap_0 AS duplicate_gap_0
    FROM leads AS l
    LEFT JOIN gaps AS g
      ON g.lead_id = l.lead_id
    WHERE
      TRUE
  ) AS l
  LEFT JOIN event_firsts AS f
    ON f.lead_id = l.lead_id
  LEFT JOIN opportunity_firsts AS o
    ON o.lead_id = l.lead_id
  LEFT JOIN stage_firsts AS s
    ON s.lead_id = l.lead_id
), answered AS (
  SELECT
    r.*,
    LEAST(r.trigger_at, r.cost_of_inaction_at, r.decision_makers_at, r.need_at) AS answered_at
  FROM ruled AS r
), evidenced AS (
  SELECT
    a.*,
    a.answered_at AS evidence_at
  FROM answered AS a
), responses AS (
  SELECT
    e.lead_id,
    MIN(e.occurred_at) AS responded_after_issue_at
  FROM lead_events AS e
  JOIN (
    SELECT
      i.lead_id,
      MIN(i.occurred_at) AS issued_at
    FROM lead_events AS i
    WHERE
      i.type = 'issued' AND TRUE
    GROUP BY
      i.lead_id
  ) AS f
    ON f.lead_id = e.lead_id
  WHERE
    e.type = 'responded' AND e.occurred_at >= f.issued_at AND TRUE
  GROUP BY
    e.lead_id
)
SELECT
  v.lead_id,
  v.created_at,
  v.created_date,
  v.channel,
  v.account_type,
  v.version_index,
  v.rule_index,
  CASE
    WHEN v.version_index = 0 AND v.rule_index = 0
    THEN 'duplicate'
    WHEN v.version_index = 0 AND v.rule_index = 1
    THEN 'invalid'
    WHEN v.version_index = 0 AND v.rule_index = 2
    THEN 'out_of_profile'
  END AS rule_reason,
  v.evidence_at,
  v.first_issued_at,
  CAST(v.first_issued_at AS DATE) AS first_issued_date,
  CASE
    WHEN v.rule_index IS NULL
    AND (
      v.first_issued_at IS NULL OR v.evidence_at <= v.first_issued_at
    )
    THEN v.evidence_at
  END AS net_from, /* D3/D4: with no rule matched, a lead is net at as_of exactly when net_from <= as_of: its */ /* evidence counts up to the first issue, or up to as_of while it is not issued yet. */
  CASE
    WHEN NOT v.first_issued_at IS NULL
    THEN v.rule_index IS NULL AND COALESCE(v.evidence_at <= v.first_issued_at, FALSE)
  END AS issued_net, /* The status at the first issue does not depend on as_of once the issue has happened (D5/D6). */
  COALESCE(v.responded_when_issued_at_creation, r.responded_after_issue_at) AS first_responded_at,
  v.first_outcome_at,
  v.first_opportunity_at,
  v.first_won_at
FROM evidenced AS v
LEFT JOIN responses AS r
  ON r.lead_id = v.lead_id;
