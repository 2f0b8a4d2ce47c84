"""What the store holds and what imports refused: for `netlead quarantine` and `netlead check`."""

# ruff: noqa: S608 - SQL is generated here: identifiers only through ident() and constants through
# literal() (both SQLGlot), values from files only as bound parameters.

from __future__ import annotations

from typing import Any

import pyarrow as pa

from netlead.store.columns import KINDS


def quarantine(con, limit: int | None = None) -> pa.Table:
    """Every refused row, newest import first, in file order within an import: import_id, kind,
    file, row_number (1 = the first data row), column_name, value, reason."""
    sql = """SELECT import_id, kind, file, row_number, column_name, value, reason FROM quarantine
             ORDER BY import_id DESC, row_number NULLS LAST, column_name"""
    if limit is not None:
        return con.sql(sql + " LIMIT ?", params=[limit]).to_arrow_table()
    return con.sql(sql).to_arrow_table()


def attribute_names(con, kind: str) -> set[str]:
    """The names of the extra columns (attributes) files of `kind` have brought."""
    return {row[0] for row in con.execute("SELECT name FROM attribute_names WHERE kind = ?", [kind]).fetchall()}


def summary(con) -> dict[str, Any]:
    """Row counts per kind, quarantined rows, and events/opportunities whose lead is not stored."""
    rows = {kind: con.execute(f'SELECT count(*) FROM "{kind}"').fetchone()[0] for kind in KINDS}
    quarantined = con.execute("SELECT count(DISTINCT (import_id, row_number)) FROM quarantine").fetchone()[0]
    without_lead, examples = {}, {}
    for kind in ("lead_events", "opportunities"):
        # Every lead id these rows name that the store lacks, with how many rows name it.
        missing = con.execute(
            f"""SELECT x.lead_id, count(*) FROM "{kind}" x WHERE x.lead_id IS NOT NULL
                AND NOT EXISTS (SELECT 1 FROM leads l WHERE l.lead_id = x.lead_id)
                GROUP BY x.lead_id ORDER BY x.lead_id"""
        ).fetchall()
        without_lead[kind] = sum(n for _, n in missing)
        examples[kind] = [lead_id for lead_id, _ in missing]
    lines = [f"{kind}: {count:,} rows" for kind, count in rows.items()]
    if quarantined:
        lines.append(f"quarantine: {quarantined:,} rows refused (`netlead quarantine` shows why)")
    for kind, count in without_lead.items():
        if count:
            shown = ", ".join(examples[kind][:20]) + (" …" if len(examples[kind]) > 20 else "")
            lines.append(f"{kind}: {count:,} rows name {len(examples[kind]):,} lead(s) not in the store "
                         f"({shown}); they count once the lead arrives")
    return {"rows": rows, "quarantined": quarantined, "without_lead": without_lead,
            "missing_leads": examples, "lines": lines}
