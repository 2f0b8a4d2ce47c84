/* cohort_versions: one row per agreement version, the dates it governs (T4: the earliest also */
/* governs everything before it) and what D10-D22 need of it. Business hours as seconds of the local */
/* day: per weekday k (0 = Monday), len_k the seconds of its window (0 on a day off), prefix_k those */
/* of the days of the week before it, through_k = prefix_k + len_k. Filled by cohort_facts.py. */
CREATE OR REPLACE TABLE cohort_versions (
  version_index INT,
  effective_from DATE,
  effective_to DATE,
  default_margin DECIMAL(18, 8),
  sales_cycle_days INT,
  respond_within_minutes INT,
  outcome_within_days INT,
  has_hours BOOLEAN,
  start_second DOUBLE,
  week_seconds DOUBLE,
  len_0 DOUBLE,
  len_1 DOUBLE,
  len_2 DOUBLE,
  len_3 DOUBLE,
  len_4 DOUBLE,
  len_5 DOUBLE,
  len_6 DOUBLE,
  prefix_0 DOUBLE,
  prefix_1 DOUBLE,
  prefix_2 DOUBLE,
  prefix_3 DOUBLE,
  prefix_4 DOUBLE,
  prefix_5 DOUBLE,
  prefix_6 DOUBLE,
  through_0 DOUBLE,
  through_1 DOUBLE,
  through_2 DOUBLE,
  through_3 DOUBLE,
  through_4 DOUBLE,
  through_5 DOUBLE,
  through_6 DOUBLE
);
