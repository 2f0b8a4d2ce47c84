"""Keeping the derived tables the metrics read current, inside the caller's transaction.

`refresh` rebuilds them all: when the agreement's versions change, for a store that has none yet
(or built by another version of netlead), and for tests that write canonical rows by hand.
`update`, run after every import, rebuilds only what the import touched. Every canonical row
carries the import that wrote it, and `fact_state` the last import the tables include, so the
rows after it are the new and updated ones; `replaced_leads` (store/merge.py) adds the leads that
updated events and opportunities named before. From them:

- the leads touched: those of the new lead rows, events and opportunities, of the opportunities
  of new stage rows, and the replaced leads; plus, for D2, every lead sharing a duplicate rule's
  normalised values, before or after, with a changed lead row (duplicates.py);
- lead_facts, cohort_leads and cohort_opportunities are rebuilt for those leads; cohort_days is
  rebuilt (a few rows per day of the data, covering every lead's lookups); cost_facts for the new
  cost rows; journey_stage_names when stage rows arrived.

Each derived row depends only on its lead's (or cost's) canonical rows, the duplicate gaps and
the agreement, so the result equals a rebuild (tests/metrics/test_update.py checks it on random
import sequences). A table whose touched rows are more than WHOLE_SHARE of it is rebuilt whole,
which is then faster than deleting and inserting that many rows.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

import duckdb

from netlead.errors import NetleadError
from netlead.metrics import _sql, cohort_facts, duplicates, facts, journey_facts
from netlead.store import db

# The tables this module keeps (with the agreement's versions as tables, fact_versions and
# fact_cost_categories, and cohort_versions).
TABLES = ("fact_versions", "fact_cost_categories", "cost_facts", "lead_keys", "duplicate_gaps",
          "lead_facts", "cohort_versions", "cohort_days", "cohort_leads", "cohort_opportunities",
          "journey_stage_names", "fact_state")
# What the tables hold: a store whose tables another version of netlead built is rebuilt.
LAYOUT = 2
# Touched rows of a table above this share of it: rebuild it whole. Measured at 1M leads (lead_facts
# and the cohort tables, CPU s): 100k touched leads 0.9 row by row against 3.1 whole, 300k 1.8
# (and 1.2 s more at the commit, which writes the deletions) against 3.1, 500k 2.5 (+1.1) against 3.0.
WHOLE_SHARE = 0.3
# The touched leads are rebuilt in batches of at most this many: the memory a batch takes grows
# with it (at 1M leads 100k leads fit in 100 MB of DuckDB memory, 200k did not; at 10M the 710k
# leads of an opportunities file ran out of the 400 MB default in one go).
BATCH_SIZE = 100_000
# lead_facts is rebuilt whole a range of about this many leads at a time (DuckDB).
RANGE_SIZE = 1_000_000
TOUCHED_LEADS, CHANGED_LEADS, TOUCHED_COSTS = "_nl_touched_leads", "_nl_changed_leads", "_nl_touched_costs"
LEAD_BATCHES, BATCH = "_nl_lead_batches", "_nl_lead_batch"


def refresh(con: duckdb.DuckDBPyConnection, agreement) -> None:
    """(Re)build every derived table from the canonical tables, inside the caller's transaction.

    The connection's TimeZone must be the agreement's: local dates (T1) are CAST(instant AS DATE).
    """
    _check_timezone(con, agreement)
    with _unordered(con):
        facts.write_versions(con, agreement)
        cohort_facts.write_versions(con, agreement)
        _sql.replace(con, "cost_facts", facts.cost_facts_sql())
        duplicates.rebuild(con, agreement)
        _rebuild_lead_facts(con, agreement)
        cohort_facts.build(con, agreement)
        journey_facts.refresh(con, agreement)
        _record(con)


def update(con: duckdb.DuckDBPyConnection, agreement) -> None:
    """Bring the derived tables up to date with the imports since they were last built, rebuilding
    only what those imports touched (a rebuild when the tables are missing or were built under
    other agreement versions). Inside the caller's transaction."""
    built = _built(con, agreement)
    if built is None:
        refresh(con, agreement)
        return
    last = con.execute("SELECT COALESCE(MAX(import_id), 0) FROM imports").fetchall()[0][0]
    if last == built:
        return
    _check_timezone(con, agreement)
    with _unordered(con):
        _update(con, agreement, built)


def _update(con: duckdb.DuckDBPyConnection, agreement, built: int) -> None:
    since = [built]
    con.execute(f"CREATE OR REPLACE TEMP TABLE {CHANGED_LEADS} AS "  # noqa: S608 - our names
                "SELECT DISTINCT lead_id AS id FROM leads WHERE import_id > ?", since)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {TOUCHED_LEADS} AS
        SELECT id FROM {CHANGED_LEADS}
        UNION SELECT lead_id FROM lead_events WHERE import_id > ?
        UNION SELECT lead_id FROM opportunities WHERE import_id > ? AND lead_id IS NOT NULL
        UNION SELECT o.lead_id FROM opportunity_stages AS s
              JOIN opportunities AS o ON o.opportunity_id = s.opportunity_id
              WHERE s.import_id > ? AND o.lead_id IS NOT NULL
        UNION SELECT lead_id FROM replaced_leads""", since * 3)  # noqa: S608 - our names
    con.execute(f"CREATE OR REPLACE TEMP TABLE {TOUCHED_COSTS} AS "  # noqa: S608 - our names
                "SELECT cost_id AS id FROM costs WHERE import_id > ?", since)
    leads = _count(con, "lead_facts")

    changed = _count(con, CHANGED_LEADS)
    if changed > WHOLE_SHARE * leads:
        duplicates.rebuild(con, agreement)
    elif changed:
        duplicates.update(con, agreement, CHANGED_LEADS, TOUCHED_LEADS)

    touched = con.execute(f"SELECT COUNT(DISTINCT id) FROM {TOUCHED_LEADS}").fetchall()[0][0]  # noqa: S608
    if touched > WHOLE_SHARE * leads:
        _rebuild_lead_facts(con, agreement)
        cohort_facts.build(con, agreement)
    elif touched:
        batches = _batches(con, touched)
        for batch in batches():
            _sql.replace(con, "lead_facts", facts.lead_facts_sql(agreement, batch), batch)
        cohort_facts.write_days(con, agreement)  # for lead_facts as it now stands
        for batch in batches():
            cohort_facts.write_leads(con, batch)

    costs = _count(con, TOUCHED_COSTS)
    if costs:
        scope = None if costs > WHOLE_SHARE * _count(con, "costs") else TOUCHED_COSTS
        _sql.replace(con, "cost_facts", facts.cost_facts_sql(scope), scope, key="cost_id")

    stages = con.execute("SELECT EXISTS (SELECT 1 FROM opportunity_stages WHERE import_id > ?)", since)
    if stages.fetchall()[0][0]:
        journey_facts.refresh(con, agreement)
    for table in (CHANGED_LEADS, TOUCHED_LEADS, TOUCHED_COSTS, LEAD_BATCHES, BATCH):
        con.execute(f"DROP TABLE IF EXISTS {table}")
    _record(con)


def _rebuild_lead_facts(con: duckdb.DuckDBPyConnection, agreement) -> None:
    """lead_facts of every lead; on DuckDB a range of about RANGE_SIZE lead ids at a time, cut at
    ids drawn from a sample. Whole, the joins of 10M leads with their events spill beyond DuckDB's
    memory limit (69 s at 10M); a range at a time, each fits (1M leads under a quarter of the limit:
    2.9 s of CPU in four ranges against 5.1 s whole)."""
    parts = -(-_count(con, "leads") // RANGE_SIZE) if isinstance(con, duckdb.DuckDBPyConnection) else 1
    if parts <= 1:
        _sql.replace(con, "lead_facts", facts.lead_facts_sql(agreement))
        return
    sample = sorted(row[0] for row in con.execute("SELECT lead_id FROM leads USING SAMPLE 10000 ROWS").fetchall())
    cuts = sorted(set(sample[len(sample) * part // parts] for part in range(1, parts)))
    select = facts.lead_facts_sql(agreement, _sql.RANGE)
    for part, (first, last) in enumerate(zip([None, *cuts], [*cuts, None], strict=True)):
        write = "CREATE OR REPLACE TABLE lead_facts AS " if part == 0 else "INSERT INTO lead_facts "
        con.execute(write + select, {"scope_from": first, "scope_to": last})


def _batches(con: duckdb.DuckDBPyConnection, touched: int) -> Callable[[], Iterator[str]]:
    """The touched leads in batches of at most BATCH_SIZE (by id, so that a batch is a narrow range
    of each table's row groups): a function giving, one after the other, the name of a table
    holding the `id`s of each batch."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE {LEAD_BATCHES} AS "  # noqa: S608 - our names
                "SELECT id, FLOOR((ROW_NUMBER() OVER (ORDER BY id) - 1) / ?) AS batch "
                f"FROM (SELECT DISTINCT id FROM {TOUCHED_LEADS}) AS t", [BATCH_SIZE])

    def each() -> Iterator[str]:
        for number in range(-(-touched // BATCH_SIZE)):
            con.execute(f"CREATE OR REPLACE TEMP TABLE {BATCH} AS "  # noqa: S608 - our names
                        f"SELECT id FROM {LEAD_BATCHES} WHERE batch = ?", [number])
            yield BATCH

    return each


def ensure(con: duckdb.DuckDBPyConnection, agreement) -> None:
    """Before a metric: build the derived tables when they are missing (a store nothing was
    imported into yet) or were built under other agreement versions, so a metric never reads facts
    of another agreement, and update them when an import ran without (the workspace updates them
    in every import's transaction, so this is usually two small queries)."""
    update(con, agreement)


def _built(con: duckdb.DuckDBPyConnection, agreement) -> int | None:
    """The last import the derived tables include, or None when they must be rebuilt."""
    names = ", ".join(f"'{t}'" for t in TABLES)
    present = con.execute(
        f"SELECT COUNT(*) FROM information_schema.tables WHERE table_name IN ({names})"  # noqa: S608
    ).fetchall()[0][0]
    if present != len(TABLES):
        return None
    import_id, layout = con.execute("SELECT import_id, layout FROM fact_state").fetchall()[0]
    hashes = [h for (h,) in con.execute("SELECT hash FROM fact_versions ORDER BY version_index").fetchall()]
    if layout != LAYOUT or hashes != [v.hash for v in agreement.versions]:
        return None
    return import_id


def _record(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("DELETE FROM replaced_leads")
    con.execute("CREATE OR REPLACE TABLE fact_state AS "
                "SELECT COALESCE(MAX(import_id), 0) AS import_id, CAST(? AS INTEGER) AS layout FROM imports",
                [LAYOUT])


def _unordered(con):
    """No derived table is read in the order its rows are stored: on DuckDB, inserts need not
    keep it, which spares the memory an ordered insert holds back (DuckDB's own advice when a
    large insert runs out of memory). PostgreSQL has no such setting."""
    return db.unordered(con) if isinstance(con, duckdb.DuckDBPyConnection) else contextlib.nullcontext()


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    return con.execute(f"SELECT COUNT(*) FROM {table}").fetchall()[0][0]  # noqa: S608 - our names


def _check_timezone(con: duckdb.DuckDBPyConnection, agreement) -> None:
    timezone = con.execute("SELECT current_setting('TimeZone')").fetchall()[0][0]
    if timezone != agreement.calendar.timezone:
        raise NetleadError(
            f"the connection's TimeZone is {timezone}, the agreement's is {agreement.calendar.timezone}",
            "open the store with netlead.store.connect(path, agreement.calendar.timezone)",
        )
