-- The scan floor: DuckDB reading exactly the columns the metric suite needs from the bare-loaded
-- tables (bare_load.sql), with the cheapest work that still touches every value. No metric can
-- run faster than this on the same engine. Keep the column lists in step with baseline.sql: these
-- are the columns its sections read (waterfall, cpnsli and by channel, cohorts, response, decay,
-- scorecard, journey), no more.
SET TimeZone = 'Europe/London';

SELECT
    (SELECT sum(hash(lead_id, created_at, channel, email, domain, company, country, employees, trigger,
                     cost_of_inaction, decision_makers, need, appointment_at)) FROM leads) AS leads,
    (SELECT sum(hash(lead_id, type, occurred_at, outcome_code, trigger, cost_of_inaction, decision_makers, need,
                     appointment_at)) FROM lead_events) AS lead_events,
    (SELECT sum(hash(opportunity_id, lead_id, created_at, status, closed_at, revenue, gross_profit, cogs))
     FROM opportunities) AS opportunities,
    (SELECT sum(hash(opportunity_id, stage, entered_at)) FROM opportunity_stages) AS opportunity_stages,
    (SELECT sum(hash(category, amount, date, period_start, period_end, channel)) FROM costs) AS costs;
