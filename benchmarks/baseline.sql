-- A HAND-WRITTEN BASELINE, NOT PRODUCT CODE.
-- What an analyst would write by hand in DuckDB over the raw canonical tables (bare_load.sql)
-- for the demo agreement (src/netlead/demo/netlead.yaml), its rules hard-coded: the yardstick
-- netlead's speed and numbers are measured against (bench.py). METRICS.md ids in the comments.
--
-- Variables: as_of (TIMESTAMPTZ, T2), from_month and to_month (DATE, first days of months).
-- Results: b_waterfall, b_cpnsli, b_cpnsli_by_channel, with METRICS.md's JSON keys in order.
-- Layout: shared facts first (periods, one row per lead), then one section per metric. Cohorts
-- (D10-D15), response (D16-D19), decay (D20) and the scorecard (D21-D22) are new sections over
-- b_lead_facts (it already holds first_issued_at and channel; add first_responded_at, the first
-- opportunity and wins there).

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
           account_type, email, domain, company, country, employees,
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
SELECT l.lead_id, l.created_at, l.created_date, l.channel, l.account_type, f.first_issued_at,
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
