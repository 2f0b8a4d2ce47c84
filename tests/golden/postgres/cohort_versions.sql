DROP TABLE IF EXISTS cohort_versions;

/* cohort_versions: one row per agreement version, the dates it governs (T4: the earliest also */
/* governs everything before it) and what D10-D22 need of it. Business hours as seconds of the local */
/* day: per weekday k (0 = Monday), len_k the seconds of its window (0 on a day off), prefix_k those */
/* of the days of the week before it, through_k = prefix_k + len_k. Filled by cohort_facts.py. */
CREATE TABLE cohort_versions (
  version_index INT,
  effective_from DATE,
  effective_to DATE,
  default_margin DECIMAL(18, 8),
  sales_cycle_days INT,
  respond_within_minutes INT,
  outcome_within_days INT,
  has_hours BOOLEAN,
  start_second DOUBLE PRECISION,
  week_seconds DOUBLE PRECISION,
  len_0 DOUBLE PRECISION,
  len_1 DOUBLE PRECISION,
  len_2 DOUBLE PRECISION,
  len_3 DOUBLE PRECISION,
  len_4 DOUBLE PRECISION,
  len_5 DOUBLE PRECISION,
  len_6 DOUBLE PRECISION,
  prefix_0 DOUBLE PRECISION,
  prefix_1 DOUBLE PRECISION,
  prefix_2 DOUBLE PRECISION,
  prefix_3 DOUBLE PRECISION,
  prefix_4 DOUBLE PRECISION,
  prefix_5 DOUBLE PRECISION,
  prefix_6 DOUBLE PRECISION,
  through_0 DOUBLE PRECISION,
  through_1 DOUBLE PRECISION,
  through_2 DOUBLE PRECISION,
  through_3 DOUBLE PRECISION,
  through_4 DOUBLE PRECISION,
  through_5 DOUBLE PRECISION,
  through_6 DOUBLE PRECISION
);
