-- A HAND-WRITTEN BASELINE, NOT PRODUCT CODE.
-- What an analyst would write by hand in DuckDB over the raw canonical tables (bare_load.sql)
-- for the demo agreement (src/netlead/demo/netlead.yaml), its rules hard-coded: the yardstick
-- netlead's speed and numbers are measured against (bench.py). METRICS.md ids in the comments.
--
-- Variables: as_of (TIMESTAMPTZ, T2), from_month and to_month (DATE, first days of months).
-- Results: b_waterfall, b_cpnsli, b_cpnsli_by_channel, b_cohorts, b_response, b_decay, b_scorecard
-- (weekly, over the weeks overlapping from_month .. the last day of to_month) and b_journey, with
-- METRICS.md's JSON keys in order.
-- Layout: shared facts first (periods, one row per lead), then one section per metric; the cohort
-- metrics (D10-D22) share b_cohort_leads (one row per net lead issued) and b_wins.

SET TimeZone = 'Europe/London';

-- D4 trimming (spaces, tabs, CR, LF). trim(x, characters) is slow, so: skip it when both ends are
-- already clean, and test "non-empty after trimming" as "holds a character outside the set".
CREATE OR REPLACE TEMP MACRO ws_trim(x) AS
    CASE WHEN ascii(x) > 32 AND ascii(right(x, 1)) > 32 THEN x ELSE trim(x, e' \t\r\n') END;
CREATE OR REPLACE TEMP MACRO answered(x) AS coalesce(regexp_matches(x, '[^ \t\r\n]'), false);

-- T1: the months of the report.
CREATE OR REPLACE TEMP TABLE b_periods AS
SELECT CAST(m AS DATE) AS period_start, strftime(m, '%Y-%m') AS period,
       CAST(m + INTERVAL 1 MONTH AS DATE) AS next_start
FROM generate_series(CAST(getvariable('from_month') AS TIMESTAMP), CAST(getvariable('to_month') AS TIMESTAMP),
                     INTERVAL 1 MONTH) t(m);

-- One row per lead (T2: nothing after as_of), with its status (D2-D4) and first issue (D5).
CREATE OR REPLACE TEMP TABLE b_lead_facts AS
WITH l AS (
    SELECT lead_id, created_at, CAST(created_at AS DATE) AS created_date, ws_trim(channel) AS channel,
           email, domain, company, country, employees,
           trigger, cost_of_inaction, decision_makers, need, appointment_at
    FROM leads
    WHERE created_at <= getvariable('as_of')
),
events AS (
    -- T3: an event before its lead's created_at is read as that created_at
    SELECT e.lead_id, e.type, greatest(e.occurred_at, l.created_at) AS t,
           e.trigger, e.cost_of_inaction, e.decision_makers, e.need, e.appointment_at
    FROM lead_events e JOIN l USING (lead_id)
    WHERE e.occurred_at <= getvariable('as_of') AND e.type IN ('issued', 'qualified')
),
first_issue AS (
    SELECT lead_id, min(t) AS first_issued_at FROM events WHERE type = 'issued' GROUP BY lead_id
),
qualified AS (
    -- D3: answers recorded at or before the first issue (or as_of, never issued)
    SELECT e.lead_id,
           bool_or(answered(e.trigger)) AS q_trigger,
           bool_or(answered(e.cost_of_inaction)) AS q_cost_of_inaction,
           bool_or(answered(e.decision_makers)) AS q_decision_makers,
           bool_or(answered(e.need)) AS q_need,
           bool_or(answered(e.appointment_at)) AS q_appointment
    FROM events e LEFT JOIN first_issue f USING (lead_id)
    WHERE e.type = 'qualified' AND e.t <= coalesce(f.first_issued_at, getvariable('as_of'))
    GROUP BY e.lead_id
),
previous AS (
    -- D2 duplicate: keys [email], within 90 x 24 hours of the latest earlier lead with that email
    -- (one sort over (key, created_at, lead_id) beats a window partitioned by a million keys)
    SELECT lead_id, CASE WHEN lag(k) OVER w = k THEN lag(created_at) OVER w END AS previous_at
    FROM (SELECT lead_id, created_at, lower(ws_trim(email)) AS k FROM l WHERE answered(email))
    WINDOW w AS (ORDER BY k, created_at, lead_id)
)
SELECT l.lead_id, l.created_at, l.created_date, l.channel, f.first_issued_at,
       CASE
           WHEN p.previous_at >= l.created_at - INTERVAL 2160 HOUR THEN 'duplicate'
           WHEN coalesce(lower(l.domain) IN ('example.com', 'mailinator.com') OR l.company IS NULL, false)
               THEN 'invalid'
           -- T4: version 2 (from 2025-10-01) asks for 50 employees, version 1 for 20
           WHEN NOT coalesce(l.country IN ('GB', 'IE') AND l.employees
                    >= CASE WHEN l.created_date >= DATE '2025-10-01' THEN 50 ELSE 20 END, false)
               THEN 'out_of_profile'
           WHEN (answered(l.trigger) OR coalesce(q.q_trigger, false))::INTEGER
                + (answered(l.cost_of_inaction) OR coalesce(q.q_cost_of_inaction, false))::INTEGER
                + (answered(l.decision_makers) OR coalesce(q.q_decision_makers, false))::INTEGER
                + (answered(l.need) OR coalesce(q.q_need, false))::INTEGER < 2
                OR NOT (answered(l.appointment_at) OR coalesce(q.q_appointment, false))
               THEN 'not_ready'
           ELSE 'net'
       END AS net_status
FROM l
LEFT JOIN first_issue f USING (lead_id)
LEFT JOIN qualified q USING (lead_id)
LEFT JOIN previous p USING (lead_id);

-- D1-D4: the waterfall, every step of every month.
CREATE OR REPLACE TEMP TABLE b_waterfall AS
WITH steps(reason, step) AS (
    VALUES ('gross_leads', 0), ('duplicate', 1), ('invalid', 2), ('out_of_profile', 3), ('not_ready', 4),
           ('net_leads', 5)
),
counts AS (
    SELECT date_trunc('month', created_date) AS period_start,
           count(*) AS gross_leads,
           count(*) FILTER (WHERE net_status = 'duplicate') AS duplicate,
           count(*) FILTER (WHERE net_status = 'invalid') AS invalid,
           count(*) FILTER (WHERE net_status = 'out_of_profile') AS out_of_profile,
           count(*) FILTER (WHERE net_status = 'not_ready') AS not_ready,
           count(*) FILTER (WHERE net_status = 'net') AS net_leads
    FROM b_lead_facts GROUP BY 1
)
SELECT p.period_start, p.period, s.reason,
       coalesce(CASE s.reason WHEN 'gross_leads' THEN c.gross_leads WHEN 'duplicate' THEN c.duplicate
                    WHEN 'invalid' THEN c.invalid WHEN 'out_of_profile' THEN c.out_of_profile
                    WHEN 'not_ready' THEN c.not_ready ELSE c.net_leads END, 0) AS count
FROM b_periods p CROSS JOIN steps s LEFT JOIN counts c ON c.period_start = p.period_start
ORDER BY p.period_start, s.step;

-- D7: investment per month and channel (NULL: shared), all eight categories of the policy (both
-- versions include the same). Dated rows count on their date; ranges by days inside the month,
-- only up to as_of's local date (T2).
CREATE OR REPLACE TEMP TABLE b_investment AS
WITH c AS (
    SELECT amount, date, period_start, period_end, nullif(ws_trim(channel), '') AS channel
    FROM costs
    WHERE category IN ('media', 'labor', 'creative', 'tools', 'agency', 'events', 'subscriptions', 'overhead')
),
dated AS (
    SELECT p.period_start, c.channel, CAST(sum(c.amount) AS DOUBLE) AS investment
    FROM c JOIN b_periods p ON c.date >= p.period_start AND c.date < p.next_start
    WHERE c.date IS NOT NULL AND c.date <= CAST(getvariable('as_of') AS DATE)
    GROUP BY ALL
),
ranged AS (
    SELECT p.period_start, c.channel,
           sum(CAST(c.amount AS DOUBLE)
               * (least(c.period_end, p.next_start - 1, CAST(getvariable('as_of') AS DATE)) - greatest(c.period_start, p.period_start) + 1)
               / (c.period_end - c.period_start + 1)) AS investment
    FROM c JOIN b_periods p
      ON c.period_start < p.next_start AND c.period_end >= p.period_start AND p.period_start <= CAST(getvariable('as_of') AS DATE)
    WHERE c.date IS NULL AND c.period_start <= CAST(getvariable('as_of') AS DATE)
    GROUP BY ALL
)
SELECT period_start, channel, sum(investment) AS investment
FROM (SELECT * FROM dated UNION ALL SELECT * FROM ranged)
GROUP BY ALL;

-- D5, D6, D8: cost per net sales lead issued, per month.
CREATE OR REPLACE TEMP TABLE b_issued AS
SELECT date_trunc('month', CAST(first_issued_at AS DATE)) AS period_start, channel,
       count(*) FILTER (WHERE net_status = 'net') AS net_leads_issued,
       count(*) FILTER (WHERE net_status <> 'net') AS issued_off_agreement
FROM b_lead_facts
WHERE first_issued_at IS NOT NULL
GROUP BY ALL;

CREATE OR REPLACE TEMP TABLE b_cpnsli AS
WITH i AS (SELECT period_start, sum(investment) AS investment FROM b_investment GROUP BY 1),
n AS (
    SELECT period_start, sum(net_leads_issued) AS net_leads_issued, sum(issued_off_agreement) AS issued_off_agreement
    FROM b_issued GROUP BY 1
)
SELECT p.period_start, p.period, coalesce(i.investment, 0) AS investment,
       CAST(coalesce(n.net_leads_issued, 0) AS BIGINT) AS net_leads_issued,
       CAST(coalesce(n.issued_off_agreement, 0) AS BIGINT) AS issued_off_agreement,
       i.investment / nullif(n.net_leads_issued, 0) AS cpnsli
FROM b_periods p
LEFT JOIN i ON i.period_start = p.period_start
LEFT JOIN n ON n.period_start = p.period_start
ORDER BY p.period_start;

-- D9: by channel, shared costs spread by net leads issued (the policy's `by_net_leads`); where a
-- month has no net lead issued they stay in a `(shared)` row.
CREATE OR REPLACE TEMP TABLE b_cpnsli_by_channel AS
WITH direct AS (SELECT period_start, channel, investment FROM b_investment WHERE channel IS NOT NULL),
shared AS (SELECT period_start, sum(investment) AS investment FROM b_investment WHERE channel IS NULL GROUP BY 1),
issued AS (SELECT period_start, channel, sum(net_leads_issued) AS net_leads_issued FROM b_issued GROUP BY ALL),
totals AS (SELECT period_start, sum(net_leads_issued) AS net_leads_issued FROM issued GROUP BY 1),
channels AS (
    SELECT coalesce(d.period_start, i.period_start) AS period_start, coalesce(d.channel, i.channel) AS channel,
           coalesce(d.investment, 0) AS direct, coalesce(i.net_leads_issued, 0) AS net_leads_issued
    FROM direct d FULL JOIN issued i ON d.period_start = i.period_start AND d.channel = i.channel
),
rows AS (
    SELECT c.period_start, c.channel,
           c.direct + CASE WHEN coalesce(t.net_leads_issued, 0) > 0
                           THEN coalesce(s.investment, 0) * c.net_leads_issued / t.net_leads_issued ELSE 0 END
               AS investment,
           c.net_leads_issued
    FROM channels c
    LEFT JOIN totals t USING (period_start)
    LEFT JOIN shared s USING (period_start)
    WHERE c.direct <> 0 OR c.net_leads_issued > 0
    UNION ALL
    SELECT s.period_start, '(shared)', s.investment, 0
    FROM shared s LEFT JOIN totals t USING (period_start)
    WHERE coalesce(t.net_leads_issued, 0) = 0 AND s.investment <> 0
)
SELECT p.period_start, p.period, r.channel, r.investment, CAST(r.net_leads_issued AS BIGINT) AS net_leads_issued,
       r.investment / nullif(r.net_leads_issued, 0) AS cpnsli
FROM rows r JOIN b_periods p USING (period_start)
ORDER BY p.period_start, r.channel = '(shared)', r.channel;

-- ============================================================================================
-- Cohorts (D10-D22): one row per net lead first issued by as_of, with its cohort month and week,
-- response, SLA window, outcome and opportunities. The demo agreement: SLA 60 minutes before
-- 2025-10-01 and 30 from then (T4: the version on the first issue's date), business hours
-- Mon-Fri 09:00-17:30 Europe/London, outcome within 5 days, default margin 0.40 in both
-- versions, sales cycle 120 days.

-- Business time as arithmetic (no row per day): microseconds of business time from Monday
-- 1970-01-05 to the instant ts. 09:00-17:30 never holds a daylight-saving change in London, so
-- local wall-clock time inside business hours is elapsed time.
CREATE OR REPLACE TEMP MACRO b_days(ts) AS CAST(CAST(CAST(ts AS TIMESTAMP) AS DATE) - DATE '1970-01-05' AS BIGINT);
CREATE OR REPLACE TEMP MACRO b_business_us(ts) AS
    (b_days(ts) // 7) * 5 * 30600000000 + least(b_days(ts) % 7, 5) * 30600000000
    + CASE WHEN b_days(ts) % 7 < 5
           THEN least(greatest(epoch_us(CAST(ts AS TIMESTAMP)) - epoch_us(CAST(CAST(CAST(ts AS TIMESTAMP) AS DATE) AS TIMESTAMP))
                               - 32400000000, 0), 30600000000)
           ELSE 0 END;
-- The instant after which business time since the epoch passes b: the SLA window closes when
-- the business minutes since the issue would exceed the limit, so a response is within it
-- exactly when its business minutes are at most the limit (D16's measure). A limit reached
-- exactly at 17:30 closes at 09:00 on the next business day: no business minute passes in
-- between, and an issue one second later would be due then anyway.
CREATE OR REPLACE TEMP MACRO b_business_instant(b) AS
    CAST(CAST(DATE '1970-01-05' + CAST((b // 30600000000) // 5 * 7 + (b // 30600000000) % 5 AS INTEGER)
              AS TIMESTAMP)
         + INTERVAL 9 HOUR + to_microseconds(b - b // 30600000000 * 30600000000) AS TIMESTAMPTZ);

CREATE OR REPLACE TEMP TABLE b_cohort_leads AS
WITH c AS (
    SELECT lead_id, created_at, channel, first_issued_at, CAST(first_issued_at AS DATE) AS issued_date
    FROM b_lead_facts
    WHERE net_status = 'net' AND first_issued_at IS NOT NULL
),
ev AS (
    -- T3: an event before its lead's created_at is read as that created_at; D19: codes of the list
    SELECT e.lead_id,
           min(greatest(e.occurred_at, c.created_at)) FILTER (
               WHERE e.type = 'responded' AND greatest(e.occurred_at, c.created_at) >= c.first_issued_at)
               AS first_responded_at,
           min(greatest(e.occurred_at, c.created_at)) FILTER (WHERE e.type = 'outcome') AS first_outcome_at
    FROM lead_events e JOIN c USING (lead_id)
    WHERE e.occurred_at <= getvariable('as_of')
      AND (e.type = 'responded'
           OR (e.type = 'outcome' AND e.outcome_code IN ('opportunity', 'meeting_booked', 'no_contact',
                                                         'wrong_contact', 'not_now', 'not_a_fit')))
    GROUP BY e.lead_id
),
o AS (
    -- D10-D13 per lead: opportunities created by as_of, wins and losses closed by as_of
    SELECT o.lead_id, count(*) AS opportunities,
           count(*) FILTER (WHERE o.status = 'won' AND o.closed_at <= getvariable('as_of')) AS wins,
           count(*) FILTER (WHERE o.status = 'lost' AND o.closed_at <= getvariable('as_of')) AS losses
    FROM opportunities o JOIN c USING (lead_id)
    WHERE o.created_at <= getvariable('as_of')
    GROUP BY o.lead_id
)
SELECT c.lead_id, c.channel, c.first_issued_at, c.issued_date,
       CAST(date_trunc('month', c.issued_date) AS DATE) AS cohort_month,
       CAST(date_trunc('week', c.issued_date) AS DATE) AS cohort_week,
       ev.first_responded_at,
       (epoch_us(ev.first_responded_at) - epoch_us(c.first_issued_at)) / 60000000.0 AS response_minutes,
       -- D18: the SLA window closes when the business time since the first issue would exceed the limit
       b_business_instant(b_business_us(c.first_issued_at)
                          + CASE WHEN c.issued_date >= DATE '2025-10-01' THEN 30 ELSE 60 END * CAST(60000000 AS BIGINT)) AS sla_due_at,
       ev.first_outcome_at,
       coalesce(o.opportunities, 0) AS opportunities,
       coalesce(o.wins, 0) AS wins,
       coalesce(o.losses, 0) AS losses
FROM c
LEFT JOIN ev USING (lead_id)
LEFT JOIN o USING (lead_id);

-- D12: every win of a cohort lead with its gross profit and its local close date.
CREATE OR REPLACE TEMP TABLE b_wins AS
SELECT c.cohort_month, c.cohort_week,
       CAST(greatest(o.closed_at, l.created_at) AS DATE) AS closed_date,
       greatest(o.closed_at, l.created_at) AS closed_at,
       coalesce(o.revenue, 0) AS revenue,
       coalesce(o.gross_profit, o.revenue - o.cogs, o.revenue * 0.40) AS gross_profit,
       (o.gross_profit IS NULL AND (o.revenue IS NULL OR o.cogs IS NULL)) AS estimated
FROM opportunities o
JOIN b_cohort_leads c USING (lead_id)
JOIN b_lead_facts l USING (lead_id)
WHERE o.status = 'won' AND o.closed_at <= getvariable('as_of') AND o.created_at <= getvariable('as_of');

-- D10-D15 per month.
CREATE OR REPLACE TEMP TABLE b_cohorts AS
WITH c AS (
    SELECT cohort_month AS period_start, count(*) AS net_leads_issued, sum(opportunities) AS opportunities,
           count(*) FILTER (WHERE opportunities > 0) AS with_opportunity,
           sum(wins) AS wins, sum(losses) AS losses
    FROM b_cohort_leads GROUP BY 1
),
w AS (
    SELECT cohort_month AS period_start, sum(revenue) AS revenue, sum(gross_profit) AS gross_profit,
           count(*) FILTER (WHERE estimated) AS estimated_wins
    FROM b_wins GROUP BY 1
),
i AS (SELECT period_start, sum(investment) AS investment FROM b_investment GROUP BY 1),
running AS (
    SELECT w.cohort_month AS period_start, w.closed_date,
           sum(w.gross_profit) OVER (PARTITION BY w.cohort_month ORDER BY w.closed_at
                                     RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running
    FROM b_wins w
),
payback AS (
    SELECT r.period_start, min(r.closed_date) AS payback_date
    FROM running r JOIN i USING (period_start)
    WHERE r.running >= i.investment
    GROUP BY 1
)
SELECT p.period_start, p.period,
       CAST(coalesce(c.net_leads_issued, 0) AS BIGINT) AS net_leads_issued,
       CAST(coalesce(c.opportunities, 0) AS BIGINT) AS opportunities,
       CAST(c.with_opportunity AS DOUBLE) / nullif(c.net_leads_issued, 0) AS lead_to_opportunity,
       CAST(coalesce(c.wins, 0) AS BIGINT) AS wins,
       CAST(coalesce(c.losses, 0) AS BIGINT) AS losses,
       CAST(c.wins AS DOUBLE) / nullif(c.opportunities, 0) AS opportunity_to_win,
       CAST(c.wins AS DOUBLE) / nullif(c.wins + c.losses, 0) AS closed_win_rate,
       CAST(coalesce(w.revenue, 0) AS DOUBLE) AS revenue,
       CAST(coalesce(w.gross_profit, 0) AS DOUBLE) AS gross_profit,
       CAST(coalesce(w.estimated_wins, 0) AS BIGINT) AS estimated_wins,
       CAST(w.gross_profit AS DOUBLE) / nullif(c.wins, 0) AS avg_gross_profit_per_win,
       coalesce(i.investment, 0) AS investment,
       (coalesce(CAST(w.gross_profit AS DOUBLE), 0) - i.investment) / nullif(i.investment, 0) AS cohort_roi,
       b.payback_date,
       CAST(getvariable('as_of') AS DATE) >= p.next_start - 1 + 120 AS mature
FROM b_periods p
LEFT JOIN c USING (period_start)
LEFT JOIN w USING (period_start)
LEFT JOIN i USING (period_start)
LEFT JOIN payback b USING (period_start)
ORDER BY p.period_start;

-- D16-D19 per month.
CREATE OR REPLACE TEMP TABLE b_response AS
WITH r AS (
    SELECT cohort_month AS period_start, count(*) AS net_leads_issued,
           count(first_responded_at) AS responded,
           quantile_cont(response_minutes, 0.5) AS response_median_minutes,
           quantile_cont(response_minutes, 0.9) AS response_p90_minutes,
           count(*) FILTER (WHERE first_responded_at <= sla_due_at) AS sla_met,
           count(*) FILTER (WHERE sla_due_at <= getvariable('as_of')
                              AND NOT coalesce(first_responded_at <= sla_due_at, false)) AS sla_breaches,
           count(*) FILTER (WHERE first_issued_at <= getvariable('as_of') - INTERVAL 120 HOUR) AS outcome_due,
           count(*) FILTER (WHERE first_issued_at <= getvariable('as_of') - INTERVAL 120 HOUR
                              AND first_outcome_at IS NOT NULL) AS outcome_coded
    FROM b_cohort_leads GROUP BY 1
)
SELECT p.period_start, p.period,
       CAST(coalesce(r.net_leads_issued, 0) AS BIGINT) AS net_leads_issued,
       CAST(coalesce(r.responded, 0) AS BIGINT) AS responded,
       r.response_median_minutes, r.response_p90_minutes,
       CAST(r.sla_met AS DOUBLE) / nullif(r.sla_met + r.sla_breaches, 0) AS sla_met_rate,
       CAST(coalesce(r.sla_breaches, 0) AS BIGINT) AS sla_breaches,
       CAST(r.outcome_coded AS DOUBLE) / nullif(r.outcome_due, 0) AS outcome_coded_rate
FROM b_periods p LEFT JOIN r USING (period_start)
ORDER BY p.period_start;

-- D20 over the months of the report.
CREATE OR REPLACE TEMP TABLE b_decay AS
WITH buckets(bucket, lo, hi, n) AS (
    VALUES ('0-5', 0, 5, 0), ('5-60', 5, 60, 1), ('60-1440', 60, 1440, 2), ('1440-4320', 1440, 4320, 3),
           ('4320+', 4320, NULL, 4), ('no_response', NULL, NULL, 5)
),
l AS (
    SELECT response_minutes, opportunities > 0 AS opportunity
    FROM b_cohort_leads
    WHERE cohort_month BETWEEN getvariable('from_month') AND getvariable('to_month')
)
SELECT b.bucket, count(l.opportunity) AS leads,
       CAST(count(*) FILTER (WHERE l.opportunity) AS DOUBLE) / nullif(count(l.opportunity), 0) AS lead_to_opportunity
FROM buckets b
LEFT JOIN l ON CASE WHEN b.lo IS NULL THEN l.response_minutes IS NULL
                    ELSE l.response_minutes >= b.lo AND (b.hi IS NULL OR l.response_minutes < b.hi) END
GROUP BY b.bucket, b.n
ORDER BY b.n;

-- D21-D22: weeks (Monday) overlapping from_month .. the last day of to_month, plus the week
-- before (the first row's changes compare with it).
CREATE OR REPLACE TEMP TABLE b_weeks AS
SELECT CAST(w AS DATE) AS period_start, strftime(CAST(w AS DATE) + 3, '%G-W%V') AS period,
       CAST(w AS DATE) + 7 AS next_start
FROM generate_series(CAST(date_trunc('week', getvariable('from_month')) AS TIMESTAMP) - INTERVAL 7 DAY,
                     CAST(date_trunc('week', last_day(getvariable('to_month'))) AS TIMESTAMP),
                     INTERVAL 7 DAY) t(w);

CREATE OR REPLACE TEMP TABLE b_scorecard AS
WITH c AS (
    SELECT amount, date, period_start, period_end
    FROM costs
    WHERE category IN ('media', 'labor', 'creative', 'tools', 'agency', 'events', 'subscriptions', 'overhead')
),
investment AS (
    SELECT period_start, sum(investment) AS investment FROM (
        SELECT p.period_start, CAST(sum(c.amount) AS DOUBLE) AS investment
        FROM c JOIN b_weeks p ON c.date >= p.period_start AND c.date < p.next_start
        WHERE c.date IS NOT NULL AND c.date <= CAST(getvariable('as_of') AS DATE)
        GROUP BY ALL
        UNION ALL
        SELECT p.period_start,
               sum(CAST(c.amount AS DOUBLE)
                   * (least(c.period_end, p.next_start - 1, CAST(getvariable('as_of') AS DATE))
                      - greatest(c.period_start, p.period_start) + 1)
                   / (c.period_end - c.period_start + 1))
        FROM c JOIN b_weeks p
          ON c.period_start < p.next_start AND c.period_end >= p.period_start
             AND p.period_start <= CAST(getvariable('as_of') AS DATE)
        WHERE c.date IS NULL AND c.period_start <= CAST(getvariable('as_of') AS DATE)
        GROUP BY ALL
    ) GROUP BY 1
),
gross AS (
    SELECT CAST(date_trunc('week', created_date) AS DATE) AS period_start, count(*) AS gross_leads
    FROM b_lead_facts GROUP BY 1
),
cohort AS (
    SELECT cohort_week AS period_start, count(*) AS net_leads_issued,
           quantile_cont(response_minutes, 0.5) AS response_median_minutes,
           quantile_cont(response_minutes, 0.9) AS response_p90_minutes,
           count(*) FILTER (WHERE first_responded_at <= sla_due_at) AS sla_met,
           count(*) FILTER (WHERE sla_due_at <= getvariable('as_of')
                              AND NOT coalesce(first_responded_at <= sla_due_at, false)) AS sla_breaches,
           count(*) FILTER (WHERE opportunities > 0) AS with_opportunity,
           sum(opportunities) AS opportunities, sum(wins) AS wins
    FROM b_cohort_leads GROUP BY 1
),
gp AS (SELECT cohort_week AS period_start, CAST(sum(gross_profit) AS DOUBLE) AS gross_profit FROM b_wins GROUP BY 1),
weeks AS (
    SELECT p.period_start, p.period,
           CAST(coalesce(g.gross_leads, 0) AS BIGINT) AS gross_leads,
           CAST(coalesce(k.net_leads_issued, 0) AS BIGINT) AS net_leads_issued,
           coalesce(i.investment, 0) AS investment,
           i.investment / nullif(k.net_leads_issued, 0) AS cpnsli,
           k.response_median_minutes, k.response_p90_minutes,
           CAST(k.sla_met AS DOUBLE) / nullif(k.sla_met + k.sla_breaches, 0) AS sla_met_rate,
           CAST(k.with_opportunity AS DOUBLE) / nullif(k.net_leads_issued, 0) AS lead_to_opportunity,
           CAST(k.wins AS DOUBLE) / nullif(k.opportunities, 0) AS opportunity_to_win,
           gp.gross_profit / nullif(k.wins, 0) AS avg_gross_profit_per_win,
           coalesce(gp.gross_profit, 0) AS gross_profit,
           (coalesce(gp.gross_profit, 0) - i.investment) / nullif(i.investment, 0) AS cohort_roi
    FROM b_weeks p
    LEFT JOIN gross g USING (period_start)
    LEFT JOIN cohort k USING (period_start)
    LEFT JOIN investment i USING (period_start)
    LEFT JOIN gp USING (period_start)
),
changes AS (
    SELECT *,
           gross_leads - lag(gross_leads) OVER w AS gross_leads_change,
           net_leads_issued - lag(net_leads_issued) OVER w AS net_leads_issued_change,
           investment - lag(investment) OVER w AS investment_change,
           cpnsli - lag(cpnsli) OVER w AS cpnsli_change,
           response_median_minutes - lag(response_median_minutes) OVER w AS response_median_minutes_change,
           response_p90_minutes - lag(response_p90_minutes) OVER w AS response_p90_minutes_change,
           sla_met_rate - lag(sla_met_rate) OVER w AS sla_met_rate_change,
           lead_to_opportunity - lag(lead_to_opportunity) OVER w AS lead_to_opportunity_change,
           opportunity_to_win - lag(opportunity_to_win) OVER w AS opportunity_to_win_change,
           avg_gross_profit_per_win - lag(avg_gross_profit_per_win) OVER w AS avg_gross_profit_per_win_change,
           gross_profit - lag(gross_profit) OVER w AS gross_profit_change,
           cohort_roi - lag(cohort_roi) OVER w AS cohort_roi_change,
           -- D22: ln(cpnsli) moves by ln(investment) - ln(gross) - ln(yield)
           CASE WHEN investment > 0 AND lag(investment) OVER w > 0 AND net_leads_issued > 0
                     AND lag(net_leads_issued) OVER w > 0 AND gross_leads > 0 AND lag(gross_leads) OVER w > 0
                     AND cpnsli <> lag(cpnsli) OVER w
                THEN ln(cpnsli / lag(cpnsli) OVER w) END AS moved,
           ln(investment / lag(investment) OVER w) AS moved_investment,
           -ln(CAST(gross_leads AS DOUBLE) / lag(gross_leads) OVER w) AS moved_volume,
           -ln((CAST(net_leads_issued AS DOUBLE) / gross_leads)
               / (CAST(lag(net_leads_issued) OVER w AS DOUBLE) / lag(gross_leads) OVER w)) AS moved_yield
    FROM weeks
    WINDOW w AS (ORDER BY period_start)
)
SELECT period_start, period, gross_leads, net_leads_issued, investment, cpnsli, response_median_minutes,
       response_p90_minutes, sla_met_rate, lead_to_opportunity, opportunity_to_win, avg_gross_profit_per_win,
       gross_profit, cohort_roi,
       gross_leads_change, net_leads_issued_change, investment_change, cpnsli_change,
       response_median_minutes_change, response_p90_minutes_change, sla_met_rate_change,
       lead_to_opportunity_change, opportunity_to_win_change, avg_gross_profit_per_win_change,
       gross_profit_change, cohort_roi_change,
       CASE WHEN moved <> 0 THEN moved_investment / moved END AS moved_investment_share,
       CASE WHEN moved <> 0 THEN moved_volume / moved END AS moved_volume_share,
       CASE WHEN moved <> 0 THEN moved_yield / moved END AS moved_yield_share
FROM changes
WHERE period_start >= date_trunc('week', getvariable('from_month'))
ORDER BY period_start;

-- D23-D24: the journey of the leads created in each month. Stage times (T2: only up to as_of;
-- T3: nothing before created_at), then a skipped stage takes the next later known time and a
-- time earlier than the stage before is raised to it. Not-net leads stop at `lead`.
CREATE OR REPLACE TEMP TABLE b_journey AS
WITH net AS (
    SELECT lead_id, created_at, created_date, first_issued_at FROM b_lead_facts WHERE net_status = 'net'
),
responded AS (  -- D16's response: the first at or after the first issue (a response before it is ignored)
    SELECT lead_id, first_responded_at AS t FROM b_cohort_leads WHERE first_responded_at IS NOT NULL
),
opps AS (
    SELECT o.lead_id, o.opportunity_id, o.created_at, o.status, o.closed_at, n.created_at AS lead_created_at
    FROM opportunities o JOIN net n USING (lead_id)
    WHERE o.created_at <= getvariable('as_of')
),
opp AS (
    SELECT lead_id, min(greatest(created_at, lead_created_at)) AS opportunity,
           min(greatest(closed_at, lead_created_at)) FILTER (
               WHERE status = 'won' AND closed_at <= getvariable('as_of')) AS won
    FROM opps GROUP BY 1
),
stages AS (
    SELECT o.lead_id,
           min(greatest(s.entered_at, o.lead_created_at)) FILTER (WHERE s.stage = 'proposal') AS proposal,
           min(greatest(s.entered_at, o.lead_created_at)) FILTER (WHERE s.stage = 'negotiation') AS negotiation
    FROM opportunity_stages s JOIN opps o USING (opportunity_id)
    WHERE s.stage IN ('proposal', 'negotiation') AND s.entered_at <= getvariable('as_of')
    GROUP BY 1
),
raw AS (
    SELECT n.lead_id, n.created_date, n.created_at AS t0, coalesce(n.first_issued_at, n.created_at) AS t1,
           n.first_issued_at AS t2, r.t AS t3, o.opportunity AS t4, s.proposal AS t5, s.negotiation AS t6,
           o.won AS t7
    FROM net n
    LEFT JOIN responded r USING (lead_id)
    LEFT JOIN opp o USING (lead_id)
    LEFT JOIN stages s USING (lead_id)
),
filled AS (  -- the next later known time
    SELECT lead_id, created_date, t0, t1, coalesce(t2, t3, t4, t5, t6, t7) AS t2, coalesce(t3, t4, t5, t6, t7) AS t3,
           coalesce(t4, t5, t6, t7) AS t4, coalesce(t5, t6, t7) AS t5, coalesce(t6, t7) AS t6, t7
    FROM raw
),
raised AS (  -- never earlier than the stage before (greatest skips nulls: not reached stays null)
    SELECT lead_id, created_date, t0, greatest(t0, t1) AS t1,
           CASE WHEN t2 IS NOT NULL THEN greatest(t0, t1, t2) END AS t2,
           CASE WHEN t3 IS NOT NULL THEN greatest(t0, t1, t2, t3) END AS t3,
           CASE WHEN t4 IS NOT NULL THEN greatest(t0, t1, t2, t3, t4) END AS t4,
           CASE WHEN t5 IS NOT NULL THEN greatest(t0, t1, t2, t3, t4, t5) END AS t5,
           CASE WHEN t6 IS NOT NULL THEN greatest(t0, t1, t2, t3, t4, t5, t6) END AS t6,
           CASE WHEN t7 IS NOT NULL THEN greatest(t0, t1, t2, t3, t4, t5, t6, t7) END AS t7
    FROM filled
),
steps AS (  -- one row per lead and stage reached, with the days to the next stage when reached
    SELECT date_trunc('month', created_date) AS period_start, k,
           (epoch_us(next_t) - epoch_us(t)) / 86400000000.0 AS days
    FROM raised,
         LATERAL (VALUES (1, t1, t2), (2, t2, t3), (3, t3, t4), (4, t4, t5), (5, t5, t6), (6, t6, t7), (7, t7, NULL))
             s(k, t, next_t)
    WHERE t IS NOT NULL
),
per_stage AS (
    SELECT period_start, k, count(*) AS reached, quantile_cont(days, 0.5) AS median_days_in_stage
    FROM steps GROUP BY ALL
    UNION ALL
    SELECT date_trunc('month', created_date), 0, count(*), NULL FROM b_lead_facts GROUP BY 1
),
days_lead AS (  -- stage 0 (lead) to net, over the net leads
    SELECT date_trunc('month', created_date) AS period_start,
           quantile_cont((epoch_us(t1) - epoch_us(t0)) / 86400000000.0, 0.5) AS median_days_in_stage
    FROM raised GROUP BY 1
),
names(k, stage) AS (
    VALUES (0, 'lead'), (1, 'net'), (2, 'issued'), (3, 'responded'), (4, 'opportunity'), (5, 'proposal'),
           (6, 'negotiation'), (7, 'won')
),
grid AS (
    SELECT p.period_start, p.period, n.k, n.stage, CAST(coalesce(s.reached, 0) AS BIGINT) AS reached,
           CASE WHEN n.k = 0 THEN d.median_days_in_stage ELSE s.median_days_in_stage END AS median_days_in_stage
    FROM b_periods p CROSS JOIN names n
    LEFT JOIN per_stage s ON s.period_start = p.period_start AND s.k = n.k
    LEFT JOIN days_lead d ON d.period_start = p.period_start
)
SELECT period_start, period, stage, reached,
       CAST(lead(reached) OVER w AS DOUBLE) / nullif(reached, 0) AS conversion_to_next,
       CASE WHEN k < 7 THEN median_days_in_stage END AS median_days_in_stage
FROM grid
WINDOW w AS (PARTITION BY period_start ORDER BY k)
ORDER BY period_start, k;
