/* D3: where one lead's answers were recorded: the lead row (at created_at) and its qualified */
/* events up to $as_of (read per T3: never before created_at), oldest first. */
SELECT
  l.created_at AS recorded_at,
  'lead' AS source,
  NULL AS event_id,
  l.trigger,
  l.cost_of_inaction,
  l.decision_makers,
  l.need,
  l.appointment_at
FROM leads AS l
WHERE
  l.lead_id = :lead_id
UNION ALL
SELECT
  CASE WHEN e.occurred_at < l.created_at THEN l.created_at ELSE e.occurred_at END,
  'qualified',
  e.event_id,
  e.trigger,
  e.cost_of_inaction,
  e.decision_makers,
  e.need,
  e.appointment_at
FROM lead_events AS e
JOIN leads AS l
  ON l.lead_id = e.lead_id
WHERE
  e.lead_id = :lead_id AND e.type = 'qualified' AND e.occurred_at <= :as_of
ORDER BY
  1 NULLS LAST,
  2 NULLS LAST,
  3 NULLS LAST;
