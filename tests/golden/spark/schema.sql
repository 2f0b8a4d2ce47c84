/* The canonical tables (SPEC "Data in") and the bookkeeping of a workspace. DuckDB dialect. */
/* Instants are TIMESTAMPTZ; the connection's TimeZone is the agreement's, so CAST(x AS DATE) is the */
/* local date (T1). Money is DECIMAL(18, 4). Columns a file carries beyond these are kept, as text, */
/* in `attributes` (a JSON object of text values). An import tells "unchanged" from "updated" by */
/* comparing a row's parsed values with the stored ones, column by column (exact, and nothing to */
/* compute or store on a first load). Keys are enforced by the import, not by constraints, so */
/* that loading 10M rows does not build an index. */
CREATE SEQUENCE IF NOT EXISTS import_ids START WITH 1;

CREATE TABLE IF NOT EXISTS leads (
  lead_id STRING NOT NULL,
  created_at TIMESTAMP NOT NULL,
  channel STRING NOT NULL,
  campaign STRING,
  account_type STRING,
  account_owner STRING,
  email STRING,
  company STRING,
  domain STRING,
  country STRING,
  industry STRING,
  employees BIGINT,
  trigger STRING,
  cost_of_inaction STRING,
  decision_makers STRING,
  need STRING,
  appointment_at STRING,
  intent STRING,
  attributes JSON,
  import_id BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS lead_events (
  event_id STRING NOT NULL, /* given, else 'h:' || md5 of the parsed row || ':' || occurrence */
  lead_id STRING NOT NULL,
  type STRING NOT NULL, /* qualified | issued | responded | outcome | recycled */
  occurred_at TIMESTAMP NOT NULL,
  rep_id STRING,
  outcome_code STRING,
  note STRING,
  trigger STRING,
  cost_of_inaction STRING,
  decision_makers STRING,
  need STRING,
  appointment_at STRING,
  attributes JSON,
  import_id BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS opportunities (
  opportunity_id STRING NOT NULL,
  lead_id STRING, /* null: not from a lead */
  created_at TIMESTAMP NOT NULL,
  stage STRING,
  status STRING NOT NULL, /* open | won | lost */
  closed_at TIMESTAMP,
  revenue DECIMAL(18, 4),
  gross_profit DECIMAL(18, 4),
  cogs DECIMAL(18, 4),
  account_type STRING,
  attributes JSON,
  import_id BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS opportunity_stages (
  opportunity_id STRING NOT NULL,
  stage STRING NOT NULL,
  entered_at TIMESTAMP NOT NULL,
  attributes JSON,
  import_id BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS costs (
  cost_id STRING NOT NULL, /* given, else 'h:' || md5 of the parsed row || ':' || occurrence */
  category STRING NOT NULL,
  amount DECIMAL(18, 4) NOT NULL,
  date DATE, /* either date, or period_start and period_end (inclusive) */
  period_start DATE,
  period_end DATE,
  channel STRING, /* trimmed; null: shared */
  currency STRING,
  vendor STRING,
  note STRING,
  attributes JSON,
  import_id BIGINT NOT NULL
);

/* The lead an event or opportunity named before an import replaced it with a row naming another */
/* lead (an update may move it): the metric facts of both leads are rebuilt after the import */
/* (netlead.metrics.update), which then empties this table. */
CREATE TABLE IF NOT EXISTS replaced_leads (
  import_id BIGINT NOT NULL,
  lead_id STRING NOT NULL
);

CREATE TABLE IF NOT EXISTS quarantine (
  import_id BIGINT NOT NULL,
  kind STRING NOT NULL,
  file STRING NOT NULL,
  row_number BIGINT, /* 1 = the first data row after the header */
  column_name STRING,
  value STRING,
  reason STRING NOT NULL
);

CREATE TABLE IF NOT EXISTS imports (
  import_id BIGINT NOT NULL,
  kind STRING NOT NULL,
  file STRING NOT NULL,
  file_hash STRING NOT NULL,
  started_at TIMESTAMP NOT NULL,
  finished_at TIMESTAMP NOT NULL,
  loaded BIGINT NOT NULL,
  updated BIGINT NOT NULL,
  unchanged BIGINT NOT NULL,
  quarantined BIGINT NOT NULL,
  agreement_version INT,
  agreement_hash STRING
);

CREATE TABLE IF NOT EXISTS attribute_names (
  kind STRING NOT NULL,
  name STRING NOT NULL
);

CREATE TABLE IF NOT EXISTS agreement_versions (
  effective_from DATE NOT NULL,
  version INT NOT NULL,
  hash STRING NOT NULL,
  text STRING NOT NULL,
  restatement STRING,
  recorded_at TIMESTAMP NOT NULL
);
