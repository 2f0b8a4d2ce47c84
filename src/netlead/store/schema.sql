-- The canonical tables (SPEC "Data in") and the bookkeeping of a workspace. DuckDB dialect.
-- Instants are TIMESTAMPTZ; the connection's TimeZone is the agreement's, so CAST(x AS DATE) is the
-- local date (T1). Money is DECIMAL(18, 4). Columns a file carries beyond these are kept, as text,
-- in `attributes` (a JSON object of text values). An import tells "unchanged" from "updated" by
-- comparing a row's parsed values with the stored ones, column by column (exact, and nothing to
-- compute or store on a first load). Keys are enforced by the import, not by constraints, so
-- that loading 10M rows does not build an index.

CREATE SEQUENCE IF NOT EXISTS import_ids START 1;

CREATE TABLE IF NOT EXISTS leads (
    lead_id          VARCHAR NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    channel          VARCHAR NOT NULL,
    campaign         VARCHAR,
    account_type     VARCHAR,
    account_owner    VARCHAR,
    email            VARCHAR,
    company          VARCHAR,
    domain           VARCHAR,
    country          VARCHAR,
    industry         VARCHAR,
    employees        BIGINT,
    trigger          VARCHAR,
    cost_of_inaction VARCHAR,
    decision_makers  VARCHAR,
    need             VARCHAR,
    appointment_at   VARCHAR,
    intent           VARCHAR,
    attributes       JSON,
    import_id        BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS lead_events (
    event_id         VARCHAR NOT NULL,   -- given, else 'h:' || md5 of the parsed row || ':' || occurrence
    lead_id          VARCHAR NOT NULL,
    type             VARCHAR NOT NULL,   -- qualified | issued | responded | outcome | recycled
    occurred_at      TIMESTAMPTZ NOT NULL,
    rep_id           VARCHAR,
    outcome_code     VARCHAR,
    note             VARCHAR,
    trigger          VARCHAR,
    cost_of_inaction VARCHAR,
    decision_makers  VARCHAR,
    need             VARCHAR,
    appointment_at   VARCHAR,
    attributes       JSON,
    import_id        BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS opportunities (
    opportunity_id   VARCHAR NOT NULL,
    lead_id          VARCHAR,            -- null: not from a lead
    created_at       TIMESTAMPTZ NOT NULL,
    stage            VARCHAR,
    status           VARCHAR NOT NULL,   -- open | won | lost
    closed_at        TIMESTAMPTZ,
    revenue          DECIMAL(18, 4),
    gross_profit     DECIMAL(18, 4),
    cogs             DECIMAL(18, 4),
    account_type     VARCHAR,
    attributes       JSON,
    import_id        BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS opportunity_stages (
    opportunity_id   VARCHAR NOT NULL,
    stage            VARCHAR NOT NULL,
    entered_at       TIMESTAMPTZ NOT NULL,
    attributes       JSON,
    import_id        BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS costs (
    cost_id          VARCHAR NOT NULL,   -- given, else 'h:' || md5 of the parsed row || ':' || occurrence
    category         VARCHAR NOT NULL,
    amount           DECIMAL(18, 4) NOT NULL,
    date             DATE,               -- either date, or period_start and period_end (inclusive)
    period_start     DATE,
    period_end       DATE,
    channel          VARCHAR,            -- trimmed; null: shared
    currency         VARCHAR,
    vendor           VARCHAR,
    note             VARCHAR,
    attributes       JSON,
    import_id        BIGINT NOT NULL
);

-- The lead an event or opportunity named before an import replaced it with a row naming another
-- lead (an update may move it): the metric facts of both leads are rebuilt after the import
-- (netlead.metrics.update), which then empties this table.
CREATE TABLE IF NOT EXISTS replaced_leads (
    import_id        BIGINT NOT NULL,
    lead_id          VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS quarantine (
    import_id        BIGINT NOT NULL,
    kind             VARCHAR NOT NULL,
    file             VARCHAR NOT NULL,
    row_number       BIGINT,             -- 1 = the first data row after the header
    column_name      VARCHAR,
    value            VARCHAR,
    reason           VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS imports (
    import_id        BIGINT NOT NULL,
    kind             VARCHAR NOT NULL,
    file             VARCHAR NOT NULL,
    file_hash        VARCHAR NOT NULL,
    started_at       TIMESTAMPTZ NOT NULL,
    finished_at      TIMESTAMPTZ NOT NULL,
    loaded           BIGINT NOT NULL,
    updated          BIGINT NOT NULL,
    unchanged        BIGINT NOT NULL,
    quarantined      BIGINT NOT NULL,
    agreement_version INTEGER,
    agreement_hash   VARCHAR
);

CREATE TABLE IF NOT EXISTS attribute_names (
    kind             VARCHAR NOT NULL,
    name             VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS agreement_versions (
    effective_from   DATE NOT NULL,
    version          INTEGER NOT NULL,
    hash             VARCHAR NOT NULL,
    text             VARCHAR NOT NULL,
    restatement      VARCHAR,
    recorded_at      TIMESTAMPTZ NOT NULL
);
