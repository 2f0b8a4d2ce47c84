/* The local days the issued net leads' first issues span, and their last first response. */
SELECT
  MIN(f.first_issued_date) AS first_day,
  MAX(f.first_issued_date) AS last_day,
  CAST(MAX(f.first_responded_at) AS DATE) AS last_response_day
FROM lead_facts AS f
WHERE
  f.issued_net;
