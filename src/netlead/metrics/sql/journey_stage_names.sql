-- journey_stage_names: every opportunity stage name in the data with its first entry, so that a
-- stage the agreement names but the data never holds (by as_of) is reported as never reached.
SELECT netlead_trim(s.stage) AS stage, MIN(s.entered_at) AS first_entered_at
FROM opportunity_stages AS s
GROUP BY 1
