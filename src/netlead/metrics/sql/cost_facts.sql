-- cost_facts: each included cost row cut at the agreement's version changes (T4: every day of a
-- range counts under the cost policy in force on that day), so D7 is arithmetic over date ranges,
-- never a per-day expansion. Rows whose category the policy of their days excludes are left out.
-- netlead_in_scope(cost_id) keeps the rows rebuilt (all, or those an import touched).
WITH spans AS (
    SELECT
        c.cost_id,
        c.category,
        NULLIF(netlead_trim(c.channel), '') AS channel,   -- null: shared (D9)
        c.amount,
        c.date IS NULL AS is_range,
        COALESCE(c.date, c.period_start) AS first_day,
        COALESCE(c.date, c.period_end) AS last_day
    FROM costs AS c
    WHERE netlead_in_scope(c.cost_id)
      AND COALESCE(c.date, c.period_start) IS NOT NULL
      AND COALESCE(c.date, c.period_end) >= COALESCE(c.date, c.period_start)
)
SELECT
    s.cost_id,
    s.channel,
    s.amount,
    s.is_range,
    DATE_DIFF('day', s.first_day, s.last_day) + 1 AS range_days,
    GREATEST(s.first_day, v.effective_from) AS segment_start,
    LEAST(s.last_day, v.effective_to) AS segment_end,
    v.version_index,
    v.shared_costs
FROM spans AS s
JOIN fact_versions AS v
  ON s.first_day <= v.effective_to AND s.last_day >= v.effective_from
JOIN fact_cost_categories AS k
  ON k.version_index = v.version_index AND k.category = netlead_trim(s.category)
