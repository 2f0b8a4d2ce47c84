-- The bare load: DuckDB's read_csv of the canonical CSV files into typed tables, with no keys,
-- quarantine, hashing or attributes. What `netlead import` is compared against.
-- Variable: data_dir (the folder holding the five CSV files).
SET TimeZone = 'Europe/London';

CREATE OR REPLACE TABLE leads AS
SELECT * REPLACE (CAST(created_at AS TIMESTAMPTZ) AS created_at, CAST(employees AS BIGINT) AS employees)
FROM read_csv(getvariable('data_dir') || '/leads.csv', all_varchar = true);

CREATE OR REPLACE TABLE lead_events AS
SELECT * REPLACE (CAST(occurred_at AS TIMESTAMPTZ) AS occurred_at)
FROM read_csv(getvariable('data_dir') || '/lead_events.csv', all_varchar = true);

CREATE OR REPLACE TABLE opportunities AS
SELECT * REPLACE (CAST(created_at AS TIMESTAMPTZ) AS created_at, CAST(closed_at AS TIMESTAMPTZ) AS closed_at,
                  CAST(revenue AS DECIMAL(18, 4)) AS revenue, CAST(gross_profit AS DECIMAL(18, 4)) AS gross_profit,
                  CAST(cogs AS DECIMAL(18, 4)) AS cogs)
FROM read_csv(getvariable('data_dir') || '/opportunities.csv', all_varchar = true);

CREATE OR REPLACE TABLE opportunity_stages AS
SELECT * REPLACE (CAST(entered_at AS TIMESTAMPTZ) AS entered_at)
FROM read_csv(getvariable('data_dir') || '/opportunity_stages.csv', all_varchar = true);

CREATE OR REPLACE TABLE costs AS
SELECT * REPLACE (CAST(amount AS DECIMAL(18, 4)) AS amount, CAST(date AS DATE) AS date,
                  CAST(period_start AS DATE) AS period_start, CAST(period_end AS DATE) AS period_end)
FROM read_csv(getvariable('data_dir') || '/costs.csv', all_varchar = true);
