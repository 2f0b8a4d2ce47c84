-- The scan floor: DuckDB reading exactly the columns the metric suite needs from the bare-loaded
-- tables (bare_load.sql), with the cheapest work that still touches every value. No metric can
-- run faster than this on the same engine. Keep the column lists in step with baseline.sql:
-- when cohorts, response, decay or the scorecard join the suite, add the opportunity columns below.
SET TimeZone = 'Europe/London';

SELECT
    (SELECT sum(hash(lead_id, created_at, channel, email, domain, company, country, employees, trigger,
                     cost_of_inaction, decision_makers, need, appointment_at)) FROM leads) AS leads,
    (SELECT sum(hash(lead_id, type, occurred_at, trigger, cost_of_inaction, decision_makers, need,
                     appointment_at)) FROM lead_events) AS lead_events,
    (SELECT sum(hash(category, amount, date, period_start, period_end, channel)) FROM costs) AS costs;
    -- cohorts / decay / journey will add:
    -- (SELECT sum(hash(lead_id, created_at, status, closed_at, revenue, gross_profit, cogs)) FROM opportunities)
    -- (SELECT sum(hash(opportunity_id, stage, entered_at)) FROM opportunity_stages)
