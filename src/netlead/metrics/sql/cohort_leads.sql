-- cohort_leads: one row per net lead that has been issued (D5), with what D10-D22 need of it,
-- independent of as_of (instants: any as_of is a filter). The SLA, business hours and outcome
-- window are those of the version in force on the first issue's local date (T4).
--
-- Business time (D16, D18) is arithmetic, never a row per day. An instant is placed on the local
-- wall clock as seconds since Monday 1970-01-05 00:00 local: its epoch plus the zone's offset on
-- its local day (cohort_days; a response's day is found from the issue's offset, then once more
-- from its own). Its business seconds since then are: whole weeks x the week's business seconds,
-- + those of the days of its week before its day (prefix), + the part of its own day's window
-- before it. Business seconds between two instants are the difference; the SLA window closes
-- where the issue's count plus respond_within_minutes x 60 would be passed (the inverse: the
-- week, then the weekday whose window holds the rest, then the offset in that window, read back
-- to an instant with that day's offset). An instant misplaced by an offset change at night falls
-- outside every window, where the count is the same either way.
WITH issued AS (
    SELECT
        f.lead_id,
        f.created_at,
        f.channel,
        f.account_type,
        f.first_issued_at,
        f.first_issued_date,
        f.first_responded_at,
        f.first_outcome_at,
        f.first_opportunity_at,
        v.*,
        EPOCH(f.first_issued_at) AS issued_epoch,
        EPOCH(f.first_responded_at) AS responded_epoch,
        EPOCH(f.first_issued_at) + z.offset_seconds - 345600 AS issued_local
    FROM lead_facts AS f
    JOIN cohort_versions AS v
      ON f.first_issued_date >= v.effective_from AND f.first_issued_date <= v.effective_to
    LEFT JOIN cohort_days AS z ON z.day_number = DATE_DIFF('day', DATE '1970-01-05', f.first_issued_date)
    WHERE f.issued_net AND netlead_in_scope(f.lead_id)
),
responded_guess AS (
    SELECT i.*, z.offset_seconds AS responded_guess_offset
    FROM issued AS i
    LEFT JOIN cohort_days AS z
      ON z.day_number = FLOOR((i.responded_epoch + i.issued_local - i.issued_epoch) / 86400)
),
responded AS (
    SELECT g.*, g.responded_epoch + z.offset_seconds - 345600 AS responded_local
    FROM responded_guess AS g
    LEFT JOIN cohort_days AS z
      ON z.day_number = FLOOR((g.responded_epoch + g.responded_guess_offset - 345600) / 86400)
),
days AS (
    SELECT r.*,
           FLOOR(r.issued_local / 86400) AS issued_day,
           FLOOR(r.responded_local / 86400) AS responded_day
    FROM responded AS r
),
placed AS (
    SELECT d.*,
           FLOOR(d.issued_day / 7) AS issued_week,
           d.issued_day - 7 * FLOOR(d.issued_day / 7) AS issued_weekday,
           d.issued_local - 86400 * d.issued_day AS issued_clock,
           FLOOR(d.responded_day / 7) AS responded_week,
           d.responded_day - 7 * FLOOR(d.responded_day / 7) AS responded_weekday,
           d.responded_local - 86400 * d.responded_day AS responded_clock
    FROM days AS d
),
business AS (
    SELECT v.*,
           v.issued_week * v.week_seconds
               + CASE v.issued_weekday WHEN 0 THEN v.prefix_0 WHEN 1 THEN v.prefix_1 WHEN 2 THEN v.prefix_2 WHEN 3 THEN v.prefix_3 WHEN 4 THEN v.prefix_4 WHEN 5 THEN v.prefix_5 ELSE v.prefix_6 END
               + LEAST(GREATEST(v.issued_clock - v.start_second, 0),
                       CASE v.issued_weekday WHEN 0 THEN v.len_0 WHEN 1 THEN v.len_1 WHEN 2 THEN v.len_2 WHEN 3 THEN v.len_3 WHEN 4 THEN v.len_4 WHEN 5 THEN v.len_5 ELSE v.len_6 END) AS issued_business,
           v.responded_week * v.week_seconds
               + CASE v.responded_weekday WHEN 0 THEN v.prefix_0 WHEN 1 THEN v.prefix_1 WHEN 2 THEN v.prefix_2 WHEN 3 THEN v.prefix_3 WHEN 4 THEN v.prefix_4 WHEN 5 THEN v.prefix_5 ELSE v.prefix_6 END
               + LEAST(GREATEST(v.responded_clock - v.start_second, 0),
                       CASE v.responded_weekday WHEN 0 THEN v.len_0 WHEN 1 THEN v.len_1 WHEN 2 THEN v.len_2 WHEN 3 THEN v.len_3 WHEN 4 THEN v.len_4 WHEN 5 THEN v.len_5 ELSE v.len_6 END) AS responded_business
    FROM placed AS v
),
due AS (
    -- The week holding the due count, with the rest in [0, week): the window closes where the count
    -- would pass respond_within_minutes, so a count reached exactly at a window's end closes at the
    -- next window's start (answering then, or in the evening between, is within the SLA: no
    -- business minute has passed since). A response is within its window exactly when its
    -- business minutes are at most respond_within_minutes.
    SELECT b.*,
           FLOOR((b.issued_business + 60 * b.respond_within_minutes) / NULLIF(b.week_seconds, 0)) AS due_week
    FROM business AS b
),
due_rest AS (
    SELECT d.*, d.issued_business + 60 * d.respond_within_minutes - d.due_week * d.week_seconds AS due_rest
    FROM due AS d
),
due_day AS (
    SELECT d.*, CASE WHEN d.due_rest < d.through_0 THEN 0 WHEN d.due_rest < d.through_1 THEN 1 WHEN d.due_rest < d.through_2 THEN 2 WHEN d.due_rest < d.through_3 THEN 3 WHEN d.due_rest < d.through_4 THEN 4 WHEN d.due_rest < d.through_5 THEN 5 ELSE 6 END AS due_weekday
    FROM due_rest AS d
),
due_local AS (
    SELECT d.*,
           7 * d.due_week + d.due_weekday AS due_day_number,
           86400 * (7 * d.due_week + d.due_weekday) + d.start_second + d.due_rest
               - CASE d.due_weekday WHEN 0 THEN d.prefix_0 WHEN 1 THEN d.prefix_1 WHEN 2 THEN d.prefix_2 WHEN 3 THEN d.prefix_3 WHEN 4 THEN d.prefix_4 WHEN 5 THEN d.prefix_5 ELSE d.prefix_6 END AS due_local
    FROM due_day AS d
)
SELECT
    b.lead_id,
    b.created_at,
    b.channel,
    b.account_type,
    b.version_index,
    b.first_issued_at,
    b.first_issued_date,
    b.first_responded_at,
    b.first_outcome_at,
    b.first_opportunity_at,
    -- D16: elapsed minutes as a fraction.
    (b.responded_epoch - b.issued_epoch) / 60 AS response_minutes,
    CASE WHEN b.has_hours THEN (b.responded_business - b.issued_business) / 60
         ELSE (b.responded_epoch - b.issued_epoch) / 60 END AS response_business_minutes,
    -- D18: the instant the SLA window closes.
    CASE WHEN b.has_hours THEN TO_TIMESTAMP(b.due_local + 345600 - z.offset_seconds)
         ELSE TO_TIMESTAMP(b.issued_epoch + 60 * b.respond_within_minutes) END AS sla_due_at,
    -- D19: outcome_within_days x 24 hours of elapsed time after the first issue (epoch arithmetic:
    -- elapsed seconds, and no calendar arithmetic in the local zone).
    TO_TIMESTAMP(b.issued_epoch + 86400 * b.outcome_within_days) AS outcome_due_at
FROM due_local AS b
LEFT JOIN cohort_days AS z ON z.day_number = b.due_day_number
