"""The derived table of the buyer journey (D23-D28) besides lead_facts, which holds each lead's
stage times (its fixed columns, `first_won_at` and one `journey_stage_<i>_at` per opportunity
stage the agreement names: facts.journey_stage_columns):

- `journey_stage_names(stage, first_entered_at)`: the opportunity stage names the data holds, so
  that a stage the agreement names but the data never holds (by as_of) is reported as never
  reached. Rebuilt after an import that brought opportunity stages (derived.py).
"""

from __future__ import annotations

import duckdb

from netlead.metrics import _sql


def refresh(con: duckdb.DuckDBPyConnection, agreement) -> None:  # noqa: ARG001 - the refresh signature
    """(Re)build journey_stage_names, inside the caller's transaction."""
    _sql.replace(con, "journey_stage_names", _sql.render("journey_stage_names"))
