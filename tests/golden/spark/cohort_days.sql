/* cohort_days: the UTC offset of the agreement's zone at local noon of each day that cohort_leads */
/* looks up (cohort_day_list, from cohort_facts.py), keyed by days since Monday 1970-01-05. Read at */
/* noon, it is the offset of every business-hours instant of that day when daylight-saving */
/* changes happen at night, which lets cohort_leads place instants on the local wall clock with a */
/* join to this small table instead of a time-zone conversion per lead. */
CREATE OR REPLACE TABLE cohort_days AS
SELECT
  DATEDIFF(DAY, CAST('1970-01-05' AS DATE), d.day) AS day_number,
  CAST((
    UNIX_TIMESTAMP(CAST(d.day AS TIMESTAMP_NTZ) + INTERVAL '12' HOUR) * 1000000 + CAST(EXTRACT(SECOND FROM CAST(d.day AS TIMESTAMP_NTZ) + INTERVAL '12' HOUR) * 1000000 AS BIGINT) % 1000000
  ) AS DOUBLE) / 1000000 - CAST((
    UNIX_TIMESTAMP(CAST(CAST(d.day AS TIMESTAMP_NTZ) + INTERVAL '12' HOUR AS TIMESTAMP)) * 1000000 + CAST(EXTRACT(SECOND FROM CAST(CAST(d.day AS TIMESTAMP_NTZ) + INTERVAL '12' HOUR AS TIMESTAMP)) * 1000000 AS BIGINT) % 1000000
  ) AS DOUBLE) / 1000000 AS offset_seconds
FROM cohort_day_list AS d;
