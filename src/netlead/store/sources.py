"""Canonical tables read in place: the agreement's `sources:` maps a kind to an existing table or
view (a CRM sync's tables, a lake's), which the workspace reads through a view named as the kind,
never writing to it.

The view selects every canonical column of store/schema.sql, cast to its canonical type, from
the source's column named in `columns:`, else the source's column of the same name, else null (a
required column must be found). The row's `import_id` is 0: no import brought it. Instants without
an offset are read in the agreement's timezone (the session's), as an import reads them.
"""

from __future__ import annotations

import functools

import sqlglot
from sqlglot import exp

from netlead.errors import AgreementError, NetleadError
from netlead.store.columns import COLUMNS, KEYS
from netlead.store.db import schema_sql

HINT = "Fix sources: in netlead.yaml (a table or view the workspace's database can read), then run again."


@functools.cache
def canonical_types() -> dict[str, dict[str, exp.DataType]]:
    """table -> column -> type, from schema.sql."""
    out = {}
    for tree in sqlglot.parse(schema_sql(), read="duckdb"):
        if isinstance(tree, exp.Create) and isinstance(tree.this, exp.Schema):
            out[tree.this.this.name] = {c.name: c.args["kind"] for c in tree.this.expressions
                                        if isinstance(c, exp.ColumnDef)}
    return out


def table_sql(kind: str) -> str:
    """The CREATE TABLE of `kind` in schema.sql (DuckDB SQL)."""
    for tree in sqlglot.parse(schema_sql(), read="duckdb"):
        if isinstance(tree, exp.Create) and isinstance(tree.this, exp.Schema) and tree.this.this.name == kind:
            return tree.sql(dialect="duckdb")
    raise ValueError(f"no table {kind} in schema.sql")


def create_views(con, agreement) -> None:
    """A view per mapped kind, over its source (CREATE OR REPLACE VIEW, in the caller's
    transaction). Raises AgreementError, with the line of the source in netlead.yaml, when a source
    cannot be read or lacks a column."""
    issues = []
    for kind, source in agreement.sources.items():
        try:
            con.execute(view_sql(con, kind, source, agreement.path.name))
        except _SourceProblem as problem:
            issues.append(str(problem))
    if issues:
        raise AgreementError(issues, HINT)


class _SourceProblem(Exception):
    pass


def view_sql(con, kind: str, source, file_name: str = "netlead.yaml") -> str:
    """CREATE OR REPLACE VIEW <kind> AS SELECT the canonical columns FROM the source (DuckDB SQL)."""
    where = f"{file_name}:{source.line}: sources.{kind}"
    dialect = getattr(con, "dialect", "duckdb")
    try:
        table = exp.to_table(source.table, dialect=dialect)
    except sqlglot.errors.ParseError:
        raise _SourceProblem(f"{where}: {source.table!r} is not a table name — write schema.table") from None
    try:
        present = con.sql(exp.select("*").from_(table.copy()).limit(0).sql(dialect="duckdb")).to_arrow_table()
    except NetleadError as e:
        raise _SourceProblem(f"{where}: cannot read {source.table}: {e.message}") from None
    found = {name.lower(): name for name in present.column_names}
    types = canonical_types()[kind]
    canonical = set(types) - {"import_id"}
    unknown = sorted(set(source.columns) - canonical)
    if unknown:
        raise _SourceProblem(f"{where}.columns: {', '.join(unknown)} is not a column of {kind} — "
                             f"allowed: {', '.join(c for c in types if c != 'import_id')}")
    required = {c.name for c in COLUMNS[kind] if c.required} | set(KEYS[kind])
    items = []
    for column, kind_type in types.items():
        if column == "import_id":
            items.append(exp.alias_(exp.cast(exp.Literal.number(0), "bigint"), column))
            continue
        name = source.columns.get(column, column)
        actual = found.get(name.lower())
        if actual is None and (column in source.columns or column in required):
            raise _SourceProblem(f"{where}: {source.table} has no column {name!r} for {column} — name the "
                                 f"source's column in `columns: {{{column}: ...}}`")
        value = exp.column(actual, table="s", quoted=True) if actual is not None else exp.null()
        items.append(exp.alias_(exp.cast(value, kind_type.copy()), column))
    query = exp.select(*items).from_(table.as_("s"))
    view = exp.Create(this=exp.to_table(kind), kind="VIEW", replace=True, expression=query)
    return view.sql(dialect="duckdb")
