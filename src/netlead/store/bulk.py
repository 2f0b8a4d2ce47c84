"""The first load of a kind, in one pass: the file is parsed and written straight into the empty
canonical table, with no intermediate copy (10M leads: the copy would cost more than DuckDB's own
read_csv). It is optimistic; whatever it cannot settle falls back to the general path: rows of the
file sharing a key, a row without the id of a kind keyed by content when missing (they are numbered
among identical rows there), a CSV that is not UTF-8.

Rows that fail a check are written too, with `import_id = -import_id` and placeholders in their
NOT NULL columns, so that one statement tells whether there were any; they are deleted before this
returns (the caller's transaction never sees them outside this function)."""

# ruff: noqa: S608 - SQL is generated here: identifiers only through ident() and constants through
# literal() (both SQLGlot), values from files only as bound parameters.

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from netlead.errors import ImportFileError
from netlead.store import db, merge, reading, validate
from netlead.store.columns import COLUMNS, CONTENT_KEYED, INSTANT, KEYS, MONEY
from netlead.store.reading import ident


@dataclass(frozen=True)
class FirstLoad:
    loaded: int
    quarantined: int
    missing_leads: int


def applies(con, kind: str) -> bool:
    """Only into an empty table (nothing to compare with)."""
    return con.execute(f"SELECT NOT EXISTS (SELECT 1 FROM {ident(kind)})").fetchone()[0]


def _placeholder(kind: str, column) -> str:
    """A value of the column's type for a refused row (deleted again below), and '' for a missing
    id of a kind keyed by content (never an id: blank text is null), which sends the file to the
    general path."""
    zero = {INSTANT: "TIMESTAMPTZ 'epoch'", MONEY: "0"}.get(column.type, "''")
    needed = column.required or CONTENT_KEYED.get(kind) == column.name
    return f"coalesce({ident(column.name)}, {zero})" if needed else ident(column.name)


def first_load(con, kind: str, source: reading.Source, rules: validate.Rules, import_id: int,
               file: str) -> FirstLoad | None:
    """Load `source` into the empty table of `kind`; None (and the table empty again) when the
    general path must do it: a CSV that is not UTF-8, or rows of the file sharing a key."""
    table = ident(kind)
    sql, _ = validate.parsed_select(kind, source, rules)
    columns = [c.name for c in COLUMNS[kind]]
    column_list = ", ".join(ident(c) for c in columns)
    values = ", ".join(_placeholder(kind, c) for c in COLUMNS[kind])
    try:
        with db.unordered(con):  # refused rows are numbered by a second, ordered read below
            con.execute(
                f"""INSERT INTO {table} ({column_list}, attributes, import_id)
                    SELECT {values}, attributes, CASE WHEN _bad THEN -? ELSE ? END FROM ({sql})""",
                [import_id, import_id, *source.params],
            )
    except duckdb.Error as e:
        raise ImportFileError(f"{file}: cannot be read as {source.format.upper()}: {reading.first_line(e)}") from e
    shared_keys = con.execute(f"""
        SELECT count(*) FROM (SELECT {', '.join(ident(k) for k in KEYS[kind])} FROM {table}
                              WHERE import_id = ? GROUP BY ALL HAVING count(*) > 1)""", [import_id]).fetchone()[0]
    without_id = kind in CONTENT_KEYED and con.execute(
        f"SELECT EXISTS (SELECT 1 FROM {table} WHERE import_id = ? AND {ident(CONTENT_KEYED[kind])} = '')",
        [import_id]).fetchone()[0]
    if shared_keys or without_id or (source.format == "csv" and reading.encoding_errors(con)):
        con.execute(f"DELETE FROM {table}")
        reading.drop_rejects(con)  # the general path reads the file again
        return None
    refused = con.execute(f"SELECT count(*) FROM {table} WHERE import_id = ?", [-import_id]).fetchone()[0]
    rejected_lines = reading.collect_rejects(con) if source.format == "csv" else 0
    quarantined = 0
    if refused:
        con.execute(f"DELETE FROM {table} WHERE import_id = ?", [-import_id])
        # Which rows, and why: only now is the file read again, keeping its refused rows alone.
        validate.parse(con, kind, source, rules, only_bad=True)
        quarantined = merge.quarantine(con, import_id, kind, file, rejected_lines > 0)
    elif rejected_lines:
        quarantined = merge.quarantine_rejects(con, import_id, kind, file)
    loaded = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    missing = merge.leads_missing(con, kind, f"(SELECT lead_id FROM {table})")
    return FirstLoad(loaded, quarantined, missing)
