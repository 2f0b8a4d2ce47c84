"""The derived tables of the buyer journey (D23-D28), rebuilt with `refresh(con, agreement)` after
`lead_facts` (they read it). Like lead_facts they hold instants and never depend on `as_of`, so a
journey at any `as_of` is a filter over them.

- `journey_stage_times(lead_id, stage, entered_at)`: per lead that can be net, its first entry into
  each opportunity stage (from opportunity_stages) and its first won close (stage `won`), T3-read.
- `journey_stage_names(stage, first_entered_at)`: the opportunity stage names the data holds.

The fixed stages (lead, net, issued, responded, opportunity) come from lead_facts.
"""

from __future__ import annotations

import duckdb

from netlead.metrics import _sql


def refresh(con: duckdb.DuckDBPyConnection, agreement) -> None:  # noqa: ARG001 - the refresh signature
    """(Re)build journey_stage_times and journey_stage_names, inside the caller's transaction.
    The agreement does not enter these tables: stage names are matched with the agreement's
    journey, and whether a lead is net is decided, when a metric runs. `journey_facts_built`
    records the last import they include."""
    con.execute(_sql.render("journey_stage_times"))
    con.execute(_sql.render("journey_stage_names"))
    con.execute(
        "CREATE OR REPLACE TABLE journey_facts_built AS SELECT MAX(import_id) AS import_id FROM imports"
    )


def ensure(con: duckdb.DuckDBPyConnection, agreement) -> None:
    """Build the journey tables when they are missing (a store nothing was imported into yet) or
    older than the last import (a caller that refreshed only the other facts)."""
    built = con.execute(
        "SELECT COUNT(*) FROM information_schema.tables "
        "WHERE table_name IN ('journey_stage_times', 'journey_stage_names', 'journey_facts_built')"
    ).fetchall()[0][0]
    if built == 3:
        current = con.execute(
            "SELECT (SELECT import_id FROM journey_facts_built) IS NOT DISTINCT FROM "
            "(SELECT MAX(import_id) FROM imports)"
        ).fetchall()[0][0]
        if current:
            return
    refresh(con, agreement)
