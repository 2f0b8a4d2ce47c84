/* One lead's facts and its status at $as_of (the same reading as waterfall.sql). */
SELECT
  f.*,
  l.attributes,
  CASE
    WHEN NOT f.rule_reason IS NULL
    THEN f.rule_reason
    WHEN f.net_from <= %(as_of)s
    THEN 'net'
    ELSE 'not_ready'
  END AS status,
  CASE WHEN f.first_issued_at <= %(as_of)s THEN f.first_issued_at ELSE %(as_of)s END AS evidence_cutoff
FROM lead_facts AS f
JOIN leads AS l
  ON l.lead_id = f.lead_id
WHERE
  f.lead_id = %(lead_id)s;
