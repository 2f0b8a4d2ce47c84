/* The canonical tables (SPEC "Data in") and the bookkeeping of a workspace. DuckDB dialect. */
/* Instants are TIMESTAMPTZ; the connection's TimeZone is the agreement's, so CAST(x AS DATE) is the */
/* local date (T1). Money is DECIMAL(18, 4). Columns a file carries beyond these are kept, as text, */
/* in `attributes` (a JSON object of text values). An import tells "unchanged" from "updated" by */
/* comparing a row's parsed values with the stored ones, column by column (exact, and nothing to */
/* compute or store on a first load). Keys are enforced by the import, not by constraints, so */
/* that loading 10M rows does not build an index. */
CREATE SEQUENCE IF NOT EXISTS import_ids START WITH 1;

CREATE TABLE IF NOT EXISTS leads (
  lead_id TEXT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  channel TEXT NOT NULL,
  campaign TEXT,
  account_type TEXT,
  account_owner TEXT,
  email TEXT,
  company TEXT,
  domain TEXT,
  country TEXT,
  industry TEXT,
  employees BIGINT,
  trigger TEXT,
  cost_of_inaction TEXT,
  decision_makers TEXT,
  need TEXT,
  appointment_at TEXT,
  intent TEXT,
  attributes JSON,
  import_id BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS lead_events (
  event_id TEXT NOT NULL, /* given, else 'h:' || md5 of the parsed row || ':' || occurrence */
  lead_id TEXT NOT NULL,
  type TEXT NOT NULL, /* qualified | issued | responded | outcome | recycled */
  occurred_at TIMESTAMPTZ NOT NULL,
  rep_id TEXT,
  outcome_code TEXT,
  note TEXT,
  trigger TEXT,
  cost_of_inaction TEXT,
  decision_makers TEXT,
  need TEXT,
  appointment_at TEXT,
  attributes JSON,
  import_id BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS opportunities (
  opportunity_id TEXT NOT NULL,
  lead_id TEXT, /* null: not from a lead */
  created_at TIMESTAMPTZ NOT NULL,
  stage TEXT,
  status TEXT NOT NULL, /* open | won | lost */
  closed_at TIMESTAMPTZ,
  revenue DECIMAL(18, 4),
  gross_profit DECIMAL(18, 4),
  cogs DECIMAL(18, 4),
  account_type TEXT,
  attributes JSON,
  import_id BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS opportunity_stages (
  opportunity_id TEXT NOT NULL,
  stage TEXT NOT NULL,
  entered_at TIMESTAMPTZ NOT NULL,
  attributes JSON,
  import_id BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS costs (
  cost_id TEXT NOT NULL, /* given, else 'h:' || md5 of the parsed row || ':' || occurrence */
  category TEXT NOT NULL,
  amount DECIMAL(18, 4) NOT NULL,
  date DATE, /* either date, or period_start and period_end (inclusive) */
  period_start DATE,
  period_end DATE,
  channel TEXT, /* trimmed; null: shared */
  currency TEXT,
  vendor TEXT,
  note TEXT,
  attributes JSON,
  import_id BIGINT NOT NULL
);

/* The lead an event or opportunity named before an import replaced it with a row naming another */
/* lead (an update may move it): the metric facts of both leads are rebuilt after the import */
/* (netlead.metrics.update), which then empties this table. */
CREATE TABLE IF NOT EXISTS replaced_leads (
  import_id BIGINT NOT NULL,
  lead_id TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS quarantine (
  import_id BIGINT NOT NULL,
  kind TEXT NOT NULL,
  file TEXT NOT NULL,
  row_number BIGINT, /* 1 = the first data row after the header */
  column_name TEXT,
  value TEXT,
  reason TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS imports (
  import_id BIGINT NOT NULL,
  kind TEXT NOT NULL,
  file TEXT NOT NULL,
  file_hash TEXT NOT NULL,
  started_at TIMESTAMPTZ NOT NULL,
  finished_at TIMESTAMPTZ NOT NULL,
  loaded BIGINT NOT NULL,
  updated BIGINT NOT NULL,
  unchanged BIGINT NOT NULL,
  quarantined BIGINT NOT NULL,
  agreement_version INT,
  agreement_hash TEXT
);

CREATE TABLE IF NOT EXISTS attribute_names (
  kind TEXT NOT NULL,
  name TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS agreement_versions (
  effective_from DATE NOT NULL,
  version INT NOT NULL,
  hash TEXT NOT NULL,
  text TEXT NOT NULL,
  restatement TEXT,
  recorded_at TIMESTAMPTZ NOT NULL
);
