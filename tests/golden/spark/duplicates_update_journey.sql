DELETE FROM lead_keys
WHERE
  lead_id IN (
    SELECT
      id
    FROM _nl_changed_leads
  );

INSERT INTO lead_keys
SELECT
  l.lead_id,
  l.created_at
FROM leads AS l
WHERE
  l.lead_id IN (
    SELECT
      id
    FROM _nl_changed_leads
  );
