DROP TABLE IF EXISTS journey_stage_times;

/* journey_stage_times (D23): for each lead, the first entry into each opportunity stage over its */
/* opportunities, and the first close of a won opportunity as stage 'won'; read per T3 (a time earlier than the lead's created_at is */
/* its created_at). Instants, independent of as_of: the first entry is on or before any as_of */
/* exactly when some entry is. Stage names are trimmed; rows named like a fixed stage are left to */
/* the fixed stage's own definition. Independent of the agreement too: whether a lead is net is */
/* decided when a metric runs. */
CREATE TABLE journey_stage_times AS
WITH entered AS MATERIALIZED (
  SELECT
    o.lead_id,
    TRIM(' 	
' FROM s.stage) AS stage,
    MIN(s.entered_at) AS entered_at
  FROM opportunity_stages AS s
  JOIN opportunities AS o
    ON o.opportunity_id = s.opportunity_id
  WHERE
    NOT o.lead_id IS NULL
    AND NOT TRIM(' 	
' FROM s.stage) IN ('lead', 'net', 'issued', 'responded', 'opportunity', 'won')
  GROUP BY
    1,
    2
  UNION ALL
  SELECT
    o.lead_id,
    'won' AS stage,
    MIN(o.closed_at) AS entered_at
  FROM opportunities AS o
  WHERE
    NOT o.lead_id IS NULL AND o.status = 'won' AND NOT o.closed_at IS NULL
  GROUP BY
    1
)
SELECT
  e.lead_id,
  e.stage,
  CASE WHEN e.entered_at < f.created_at THEN f.created_at ELSE e.entered_at END AS entered_at
FROM entered AS e
JOIN leads AS f
  ON f.lead_id = e.lead_id;

ANALYZE journey_stage_times;
