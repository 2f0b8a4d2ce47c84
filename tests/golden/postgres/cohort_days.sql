DROP TABLE IF EXISTS cohort_days;

/* cohort_days: the UTC offset of the agreement's zone at local noon of each day that cohort_leads */
/* looks up (cohort_day_list, from cohort_facts.py), keyed by days since Monday 1970-01-05. Read at */
/* noon, it is the offset of every business-hours instant of that day when daylight-saving */
/* changes happen at night, which lets cohort_leads place instants on the local wall clock with a */
/* join to this small table instead of a time-zone conversion per lead. */
CREATE TABLE cohort_days AS
SELECT
  (
    CAST(d.day AS DATE) - CAST('1970-01-05' AS DATE)
  ) AS day_number,
  DATE_PART('epoch', CAST(d.day AS TIMESTAMP) + INTERVAL '12 HOUR') - DATE_PART('epoch', CAST(CAST(d.day AS TIMESTAMP) + INTERVAL '12 HOUR' AS TIMESTAMPTZ)) AS offset_seconds
FROM cohort_day_list AS d;

ANALYZE cohort_days;
