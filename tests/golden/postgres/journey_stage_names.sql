/* journey_stage_names: every opportunity stage name in the data with its first entry, so that a */
/* stage the agreement names but the data never holds (by as_of) is reported as never reached. */
SELECT
  CASE
    WHEN ASCII(s.stage) <= 32 OR ASCII(RIGHT(s.stage, 1)) <= 32
    THEN TRIM(' 	
' FROM s.stage)
    ELSE s.stage
  END AS stage,
  MIN(s.entered_at) AS first_entered_at
FROM opportunity_stages AS s
GROUP BY
  1;
