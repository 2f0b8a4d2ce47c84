"""Loading the metric SQL: `sql/*.sql` files in DuckDB's dialect, parsed once with SQLGlot.

Three things are filled in on the parsed tree, never by string formatting:
- `netlead_trim(x)` becomes TRIM of spaces, tabs, carriage returns and line feeds (D4's trimming),
  so the files stay readable and every engine trims the same characters;
- `netlead_filled(x)` is true when x is non-empty after that trimming, null when x is null: a
  regular-expression match, measured about 4x cheaper in DuckDB than trimming with a character
  list (it runs on every answer field of every lead and event), and skipped where the first
  character is above the space (2.5x cheaper again);
- `netlead_in_scope(x)` (in the derived tables' SQL) becomes TRUE, or with a `scope` table
  `x IN (SELECT id FROM scope)`, or with the scope RANGE `$scope_from <= x < $scope_to`: the same
  SQL rebuilds a derived table whole, for the rows an import touched, or a range at a time;
- a bare column named in `placeholders` becomes the given SQLGlot expression (agreement-dependent
  SQL: versions, rules, evidence), or, when given a list and standing in a SELECT list, that many
  select items.
Values are bound as `$name` parameters at execution.

`transpile(sql, dialect)` turns that DuckDB SQL into the statements of another engine (`postgres`,
`spark`) with SQLGlot, raising on anything SQLGlot cannot express (`ErrorLevel.RAISE`). Where
SQLGlot's output would run but mean something else, or not run, the portable form is chosen here,
once, on the parsed tree (see `_portable`); the metric code never names an engine.
"""

from __future__ import annotations

import functools
import itertools
from importlib import resources

import duckdb
import pyarrow as pa
import sqlglot
from sqlglot import exp
from sqlglot.errors import ErrorLevel

WHITESPACE = " \t\r\n"
RANGE = "$range"  # the scope of `render` that is a range of ids


def trim(expression: exp.Expression) -> exp.Expression:
    """D4's trim, as an expression. Trimming a character set costs a new string per value (DuckDB:
    a third of a second per million), so it runs only where an end is a space or a control
    character: text the import stored is trimmed already."""
    first = exp.func("ascii", expression.copy())
    last = exp.func("ascii", exp.func("right", expression.copy(), exp.Literal.number(1)))
    edge = exp.or_(first <= exp.Literal.number(32), last <= exp.Literal.number(32))
    return exp.Case().when(edge, exp.Trim(this=expression.copy(), expression=exp.Literal.string(WHITESPACE))).else_(
        expression.copy())


def filled(expression: exp.Expression) -> exp.Expression:
    """True when the text is non-empty after D4's trimming: it holds another character. Text
    starting with a character above the space needs no regular expression."""
    other = exp.RegexpLike(this=expression.copy(), expression=exp.Literal.string(f"[^{WHITESPACE}]"))
    return exp.Case().when(exp.func("ascii", expression.copy()) > exp.Literal.number(32), exp.true()).else_(other)


@functools.cache
def _parsed(name: str) -> exp.Expression:
    text = resources.files("netlead.metrics").joinpath("sql", f"{name}.sql").read_text()
    return sqlglot.parse_one(text, read="duckdb")


def render(name: str, placeholders: dict[str, exp.Expression | list[exp.Expression]] | None = None,
           scope: str | None = None) -> str:
    """The DuckDB SQL of `sql/<name>.sql` with its placeholders filled in, and its rows kept to
    the ids of the table `scope` when given (`netlead_in_scope`)."""
    tree = _parsed(name).copy()
    placeholders = placeholders or {}

    def fill(node: exp.Expression) -> exp.Expression | None:
        if isinstance(node, exp.Anonymous) and node.name.lower() == "netlead_trim":
            return trim(node.expressions[0])
        if isinstance(node, exp.Anonymous) and node.name.lower() == "netlead_filled":
            return filled(node.expressions[0])
        if isinstance(node, exp.Anonymous) and node.name.lower() == "netlead_in_scope":
            if scope is None:
                return exp.true()
            if scope == RANGE:  # between the bound parameters $scope_from and $scope_to; null: open
                value = node.expressions[0]
                return exp.and_(
                    exp.func("coalesce", value.copy() >= exp.Placeholder(this="scope_from"), exp.true()),
                    exp.func("coalesce", value.copy() < exp.Placeholder(this="scope_to"), exp.true()))
            return node.expressions[0].isin(query=exp.select("id").from_(scope))
        if isinstance(node, exp.Column) and not node.table and node.name in placeholders:
            value = placeholders[node.name]
            if isinstance(value, list):
                return node  # spliced below: a list only makes sense in a SELECT list
            return value.copy()
        return node

    tree = tree.transform(fill)
    for select in list(tree.find_all(exp.Select)):
        items = []
        for item in select.expressions:
            value = placeholders.get(item.name) if isinstance(item, exp.Column) and not item.table else None
            items.extend(v.copy() for v in value) if isinstance(value, list) else items.append(item)
        select.set("expressions", items)
    return tree.sql(dialect="duckdb")


@functools.cache
def _parameters(name: str) -> frozenset[str]:
    return frozenset(p.name for p in _parsed(name).find_all(exp.Placeholder))


@functools.cache
def _static(name: str) -> str:
    return render(name)


def arrow(con: duckdb.DuckDBPyConnection, name: str, params: dict | None = None) -> pa.Table:
    """Run a placeholder-free `sql/<name>.sql` with bound parameters and return Arrow. Only the
    parameters the file uses are bound (DuckDB refuses extra ones)."""
    used = _parameters(name)
    bound = {k: v for k, v in (params or {}).items() if k in used}
    return con.sql(_static(name), params=bound).to_arrow_table()


# --- other engines ----------------------------------------------------------------------------

DIALECTS = ("duckdb", "postgres", "spark")

# TRY_CAST's types in the agreement's conditions (agreement/conditions.py) and the text each
# accepts, for engines without TRY_CAST (PostgreSQL): anything else is null, not an error.
_NUMBER = r"^[ \t\r\n]*[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]+)?[ \t\r\n]*$"
_INTEGER = r"^[ \t\r\n]*[+-]?[0-9]+[ \t\r\n]*$"
_DATE = r"^[ \t\r\n]*[0-9]{4}-[0-9]{2}-[0-9]{2}[ \t\r\n]*$"
_TIMESTAMP = r"^[ \t\r\n]*[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?)?[ \t\r\n]*$"
_TRY_PATTERNS = {
    exp.DataType.Type.INT: _INTEGER,
    exp.DataType.Type.BIGINT: _INTEGER,
    exp.DataType.Type.SMALLINT: _INTEGER,
    exp.DataType.Type.DOUBLE: _NUMBER,
    exp.DataType.Type.FLOAT: _NUMBER,
    exp.DataType.Type.DECIMAL: _NUMBER,
    exp.DataType.Type.DATE: _DATE,
    exp.DataType.Type.TIMESTAMP: _TIMESTAMP,
}


def _portable(node: exp.Expression, dialect: str) -> exp.Expression:
    """One node in the form that means the same on `dialect` as in DuckDB."""
    if isinstance(node, exp.PercentileCont) and dialect == "spark" and node.expression is not None:
        # SQLGlot writes Spark's PERCENTILE_CONT(x, q), which Spark refuses, or PERCENTILE_APPROX;
        # Spark's exact, interpolating percentile is `percentile(x, q)`.
        return exp.Anonymous(this="percentile", expressions=[node.this, node.expression])
    if (dialect == "postgres" and isinstance(node, exp.Table) and node.db.lower() == "information_schema"
            and node.name.lower() == "tables" and not node.meta.get("netlead_scoped")):
        # The tables of this workspace only: a PostgreSQL database may hold several (a schema each).
        table = node.copy()
        table.set("alias", None)
        table.meta["netlead_scoped"] = True
        scoped = exp.select("*").from_(table).where(
            exp.column("table_schema").eq(exp.func("current_schema")))
        return scoped.subquery(node.alias or "tables")
    if isinstance(node, exp.CTE) and dialect == "postgres":
        # PostgreSQL inlines a CTE read once into the query reading it; the metric SQL builds
        # columns on columns through chains of CTEs (cohort_leads.sql), which inlined grow into
        # expressions planned for minutes. Computed once each, as DuckDB does.
        node.set("materialized", True)
        return node
    if isinstance(node, exp.TryCast) and dialect == "postgres":
        # SQLGlot writes PostgreSQL's plain CAST, an error on bad text: cast only text of the
        # type's shape (an impossible date such as 2026-02-30 remains an error there).
        kind = node.to.this
        if kind in (exp.DataType.Type.VARCHAR, exp.DataType.Type.TEXT):
            return exp.Cast(this=node.this, to=node.to)
        pattern = _TRY_PATTERNS.get(kind)
        if pattern is None:
            raise sqlglot.errors.UnsupportedError(f"TRY_CAST to {node.to.sql()} on {dialect}")
        text = exp.Cast(this=node.this.copy(), to=exp.DataType.build("varchar"))
        return exp.Case(
            ifs=[exp.If(this=exp.RegexpLike(this=text, expression=exp.Literal.string(pattern)),
                        true=exp.Cast(this=node.this, to=node.to))]
        )
    return node


def _statements(tree: exp.Expression, dialect: str) -> list[exp.Expression]:
    """On PostgreSQL: CREATE OR REPLACE TABLE, which it lacks (and SQLGlot passes through), as
    DROP then CREATE; and a table made from a query is analysed at once, since the next statement
    reads it and a fresh table's guessed size (thousands of rows for a handful) misleads the
    planner into plans that take seconds where DuckDB takes milliseconds."""
    if dialect != "postgres" or not isinstance(tree, exp.Create):
        return [tree]
    table = tree.this if isinstance(tree.this, exp.Table) else tree.this.this  # a Schema holds it
    out = [tree]
    if tree.args.get("replace"):
        tree = tree.copy()
        tree.set("replace", False)
        out = [exp.Drop(tables=[table.copy()], kind=tree.args.get("kind") or "TABLE", exists=True), tree]
    if isinstance(tree.expression, exp.Query):
        out.append(exp.Analyze(tables=[table.copy()]))
    return out


def _trees(sql: str, dialect: str) -> list[exp.Expression]:
    if dialect not in DIALECTS:
        raise ValueError(f"unknown dialect {dialect!r}; known: {', '.join(DIALECTS)}")
    trees: list[exp.Expression] = []
    for tree in sqlglot.parse(sql, read="duckdb"):
        if tree is not None:
            trees.extend(_statements(tree.transform(lambda node: _portable(node, dialect)), dialect))
    return trees


@functools.lru_cache(maxsize=512)
def transpile(sql: str, dialect: str, pretty: bool = False) -> tuple[str, ...]:
    """The statements of DuckDB `sql` in `dialect`, raising on what SQLGlot cannot express.
    `$name` parameters come out as the dialect writes them (`%(name)s` for psycopg, `:name` for
    Spark). `pretty` lays it out for reading (the golden files)."""
    if dialect == "duckdb":
        return (sql,)
    return tuple(
        tree.sql(dialect=dialect, unsupported_level=ErrorLevel.RAISE, pretty=pretty)
        for tree in _trees(sql, dialect)
    )


def _numbered(tree: exp.Expression) -> tuple[exp.Expression, tuple[str | int, ...]]:
    order: list[str | int] = []
    positions = itertools.count()

    def number(node: exp.Expression) -> exp.Expression:
        if not isinstance(node, exp.Placeholder):
            return node
        key = node.name if node.name and node.name != "?" else next(positions)
        if key not in order:
            order.append(key)
        return exp.Parameter(this=exp.Literal.number(order.index(key) + 1))

    return tree.transform(number), tuple(order)


@functools.lru_cache(maxsize=512)
def transpile_numbered(sql: str, dialect: str) -> tuple[tuple[str, tuple[str | int, ...]], ...]:
    """`transpile`, with the parameters as the server's own numbered `$1, $2...` (PostgreSQL: no
    client-side substitution, so a `%` in the SQL is just a character), and for each statement
    what `$k` stands for: a `$name` parameter's name, or the 0-based position of a `?`."""
    out = []
    for tree in _trees(sql, dialect):
        numbered, order = _numbered(tree)
        out.append((numbered.sql(dialect=dialect, unsupported_level=ErrorLevel.RAISE), order))
    return tuple(out)


# --- small Arrow tables from Python lists ------------------------------------------------------

# pyarrow (26) imports pandas for any `pa.array` of a Python list (0.3-0.4 s, 30-40 MiB per
# command), so the metrics' small tables are built by an in-memory DuckDB from bound lists instead.
_DUCKDB_TYPES = {
    pa.date32(): "DATE",
    pa.string(): "VARCHAR",
    pa.int32(): "INTEGER",
    pa.int64(): "BIGINT",
    pa.float64(): "DOUBLE",
    pa.bool_(): "BOOLEAN",
}


@functools.cache
def _builder() -> duckdb.DuckDBPyConnection:
    return duckdb.connect(":memory:")


def table(columns: dict[str, tuple[list, pa.DataType]]) -> pa.Table:
    """`pa.table({name: pa.array(values, type)})` without pyarrow's pandas import (which
    `Schema.empty_table` also triggers): same column names and types (date32, string, int32,
    int64, float64, bool), nulls kept; empty lists give an empty table of that schema."""
    schema = pa.schema([(name, type_) for name, (_, type_) in columns.items()])
    select = ", ".join(
        f"unnest(${i}::{_DUCKDB_TYPES[type_]}[]) AS c{i}" for i, (_, type_) in enumerate(columns.values(), 1)
    )
    params = [list(values) for values, _ in columns.values()]
    if len({len(p) for p in params}) != 1:
        raise ValueError("columns of different lengths")
    with _builder().cursor() as cur:
        result = cur.sql(f"SELECT {select}", params=params).to_arrow_table()
    return result.rename_columns(list(columns)).cast(schema)


# --- the derived tables -------------------------------------------------------------------------


def replace(con, table: str, select: str, scope: str | None = None, key: str = "lead_id") -> None:
    """Write the derived `table` from `select` (its rows, rendered with the same `scope`): whole
    when `scope` is None, else only the rows whose `key` is an `id` of the table `scope`."""
    if scope is None:
        con.execute(f"CREATE OR REPLACE TABLE {table} AS {select}")
        return
    con.execute(f"DELETE FROM {table} WHERE {key} IN (SELECT id FROM {scope})")  # noqa: S608 - our names
    con.execute(f"INSERT INTO {table} {select}")
