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
Values are bound as `$name` parameters at execution. (`fill_text` fills `__name` placeholders as
text, for the journey's per-stage columns, which a command writes without loading SQLGlot.)

`transpile(sql, dialect)` turns that DuckDB SQL into the statements of another engine (`postgres`,
`spark`) with SQLGlot, raising on anything SQLGlot cannot express (`ErrorLevel.RAISE`). Where
SQLGlot's output would run but mean something else, or not run, the portable form is chosen here,
once, on the parsed tree (see `_portable`); the metric code never names an engine.
"""

from __future__ import annotations

import functools
import itertools
import re
import sys
from array import array
from importlib import resources

import duckdb
import pyarrow as pa

from netlead._lazy import exp, sqlglot

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
def text(name: str) -> str:
    """`sql/<name>.sql` as written."""
    return resources.files("netlead.metrics").joinpath("sql", f"{name}.sql").read_text()


@functools.cache
def _parsed(name: str) -> exp.Expression:
    return sqlglot.parse_one(text(name), read="duckdb")


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


# What the metric files hold besides SQL code: comments, text literals and quoted names, where a
# `$name` or a helper's name is not one. Text runs to the next quote ('' is a quote inside it).
_NOT_CODE = re.compile(r"--[^\n]*|/\*.*?\*/|'[^']*'|\"[^\"]*\"", re.DOTALL)
_PARAMETER = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_HELPER = re.compile(r"\bnetlead_(trim|filled|in_scope)\s*\(", re.IGNORECASE)


@functools.cache
def _code(name: str) -> str:
    """The file with its comments and literals blanked out."""
    return _NOT_CODE.sub(" ", text(name))


@functools.cache
def _parameters(name: str) -> frozenset[str]:
    return frozenset(_PARAMETER.findall(_code(name)))


def parameters_of(sql: str) -> frozenset[str]:
    """The `$name` parameters the code of `sql` uses."""
    return frozenset(_PARAMETER.findall(_NOT_CODE.sub(" ", sql)))


# A text placeholder (`__name`) in the code of SQL; comments and literals are matched first and
# kept as written.
_TEXT_PLACEHOLDER = re.compile(f"({_NOT_CODE.pattern})|\\b(__[a-z][a-z0-9_]*)\\b", re.DOTALL)


def fill_text(sql: str, placeholders: dict[str, str | list[str]]) -> str:
    """`sql` with each `__name` of its code replaced by its SQL text (a list: comma-separated).
    Only for SQL netlead writes itself from names it defines (journey.py): never the user's text."""
    def replace(match: re.Match) -> str:
        if match.group(1) is not None:
            return match.group(1)
        value = placeholders[match.group(2)]
        return ",\n    ".join(value) if isinstance(value, list) else value

    return _TEXT_PLACEHOLDER.sub(replace, sql)


@functools.cache
def _static(name: str) -> str:
    """The SQL of a file without placeholders: the file as written, unless it uses the
    `netlead_trim`/`netlead_filled`/`netlead_in_scope` helpers, which only `render` fills in.
    Parsing with SQLGlot (and importing it) costs a command more than running the query at 1M leads; the text is the
    DuckDB SQL `render` would write back (tests/metrics/test_sql.py checks every file)."""
    return render(name) if _HELPER.search(_code(name)) else text(name)


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


@functools.cache
def _try_patterns() -> dict:
    return {
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
    if dialect == "spark":
        return _spark(node)
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
        pattern = _try_patterns().get(kind)
        if pattern is None:
            raise sqlglot.errors.UnsupportedError(f"TRY_CAST to {node.to.sql()} on {dialect}")
        text = exp.Cast(this=node.this.copy(), to=exp.DataType.build("varchar"))
        return exp.Case(
            ifs=[exp.If(this=exp.RegexpLike(this=text, expression=exp.Literal.string(pattern)),
                        true=exp.Cast(this=node.this, to=node.to))]
        )
    return node


def _spark(node: exp.Expression) -> exp.Expression:
    """One node for Spark (4.x, ANSI mode) meaning what it means in DuckDB."""
    if isinstance(node, exp.PercentileCont) and node.expression is not None:
        # SQLGlot writes Spark's PERCENTILE_CONT(x, q), which Spark refuses, or PERCENTILE_APPROX;
        # Spark's exact, interpolating percentile is `percentile(x, q)`.
        return exp.Anonymous(this="percentile", expressions=[node.this, node.expression])
    if isinstance(node, exp.Div):
        # DuckDB's `/` is floating-point division; Spark's divides decimals as decimals (rounded to
        # a few digits) and raises on a zero divisor: DOUBLE, and null where DuckDB gives inf/NaN.
        return exp.func("try_divide", exp.cast(node.this, "double"), node.expression)
    if isinstance(node, exp.TimeToUnix):
        # EPOCH: seconds with their fraction. SQLGlot's UNIX_TIMESTAMP drops the fraction; Spark's
        # whole seconds plus the microseconds of the seconds field work for TIMESTAMP (an instant)
        # and TIMESTAMP_NTZ (read as UTC, as DuckDB reads a TIMESTAMP).
        value = node.this
        micros = exp.Add(
            this=exp.Mul(this=exp.func("unix_timestamp", value.copy()), expression=exp.Literal.number(1_000_000)),
            expression=exp.Mod(
                this=exp.cast(exp.Mul(this=exp.Extract(this=exp.var("SECOND"), expression=value.copy()),
                                      expression=exp.Literal.number(1_000_000)), "bigint"),
                expression=exp.Literal.number(1_000_000)),
        )
        return exp.Div(this=exp.cast(exp.Paren(this=micros), "double"), expression=exp.Literal.number(1_000_000))
    if isinstance(node, exp.Greatest | exp.Least) and not node.expressions:
        # GREATEST or LEAST of one value, which DuckDB allows (the journey builds them from the
        # stages the agreement names) and Spark refuses: that value.
        return node.this
    if isinstance(node, exp.Cast) and node.to.is_type(exp.DataType.Type.JSON):
        # DuckDB's JSON is its text; SQLGlot's TO_JSON would quote that text once more.
        return exp.cast(node.this, "string")
    if isinstance(node, exp.UnixToTime) and node.args.get("scale") is None:
        # TO_TIMESTAMP(seconds): SQLGlot's FROM_UNIXTIME goes through text in whole seconds and the
        # local zone (a repeated autumn hour is ambiguous); microseconds are exact.
        micros = exp.Round(this=exp.Mul(this=exp.paren(node.this), expression=exp.Literal.number(1_000_000)))
        return exp.func("timestamp_micros", exp.cast(micros, "bigint"))
    if (isinstance(node, exp.Anonymous) and node.name.lower() == "current_setting"
            and [e.name.lower() for e in node.expressions] == ["timezone"]):
        return exp.func("current_timezone")
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
            portable = _bottom_up(tree, dialect)
            if dialect == "spark":
                portable = _nested_ctes_renamed(portable)
            trees.extend(_statements(portable, dialect))
    return trees


def _nested_ctes_renamed(tree: exp.Expression) -> exp.Expression:
    """SQLGlot writes Spark SQL with every CTE moved up to the outermost WITH, where two CTEs of
    the same name (`furthest` in journey_lead_stages.sql and in stuck.sql) collide: Spark refuses
    them, or a query would read the wrong one. A nested WITH's CTEs get names of their own first,
    the innermost first, and so do the references to them in their scope."""
    numbers = itertools.count(1)
    for with_ in reversed(list(tree.find_all(exp.With, bfs=False))):
        owner = with_.parent
        if owner.find_ancestor(exp.CTE, exp.Subquery, exp.Query) is None:
            continue  # the outermost WITH keeps its names
        renamed = {}
        for cte in with_.expressions:
            renamed[cte.alias] = f"{cte.alias}_{next(numbers)}"
            cte.set("alias", exp.TableAlias(this=exp.to_identifier(renamed[cte.alias])))
        for table in owner.find_all(exp.Table):
            if not table.db and table.name in renamed:
                if not table.alias:  # columns still name it `f.x`
                    table.set("alias", exp.TableAlias(this=exp.to_identifier(table.name)))
                table.set("this", exp.to_identifier(renamed[table.name]))
    return tree


def _bottom_up(tree: exp.Expression, dialect: str) -> exp.Expression:
    """Every node made portable, children before their parent, so that a rewritten node holds
    rewritten children (SQLGlot's `transform` does not visit the children of a replaced node)."""
    tree = tree.copy()
    for node in reversed(list(tree.walk())):
        new = _portable(node, dialect)
        if new is node:
            continue
        if node is tree:
            tree = new
        else:
            node.replace(new)
    return tree


@functools.lru_cache(maxsize=512)
def transpile(sql: str, dialect: str, pretty: bool = False) -> tuple[str, ...]:
    """The statements of DuckDB `sql` in `dialect`, raising on what SQLGlot cannot express.
    `$name` parameters come out as the dialect writes them (`%(name)s` for psycopg, `:name` for
    Spark). `pretty` lays it out for reading (the golden files)."""
    if dialect == "duckdb":
        return (sql,)
    return tuple(
        tree.sql(dialect=dialect, unsupported_level=sqlglot.ErrorLevel.RAISE, pretty=pretty)
        for tree in _trees(sql, dialect)
    )


def _numbered(tree: exp.Expression, dialect: str) -> tuple[exp.Expression, tuple[str | int, ...]]:
    order: list[str | int] = []
    positions = itertools.count()

    def number(node: exp.Expression) -> exp.Expression:
        if not isinstance(node, exp.Placeholder):
            return node
        key = node.name if node.name and node.name != "?" else next(positions)
        if key not in order:
            order.append(key)
        if dialect == "spark":  # Spark binds named markers only (`:p1`), not numbered ones
            return exp.Placeholder(this=f"p{order.index(key) + 1}")
        return exp.Parameter(this=exp.Literal.number(order.index(key) + 1))

    return tree.transform(number), tuple(order)


@functools.lru_cache(maxsize=512)
def statements(sql: str, dialect: str) -> tuple[tuple[exp.Expression, str, tuple[str | int, ...]], ...]:
    """The statements of DuckDB `sql` for `dialect`, each as (its portable tree, its text, what its
    parameters stand for). Parameters are numbered: PostgreSQL's own `$1, $2...` (no client-side
    substitution, so a `%` in the SQL is just a character), Spark's named `:p1, :p2...`; the k-th
    stands for a `$name` parameter's name, or the 0-based position of a `?`. The trees are shared:
    copy one before changing it."""
    out = []
    for tree in _trees(sql, dialect):
        numbered, order = _numbered(tree, dialect)
        out.append((numbered, numbered.sql(dialect=dialect, unsupported_level=sqlglot.ErrorLevel.RAISE), order))
    return tuple(out)


def transpile_numbered(sql: str, dialect: str) -> tuple[tuple[str, tuple[str | int, ...]], ...]:
    """`statements` without the trees: (text, what each parameter stands for)."""
    return tuple((text, order) for _, text, order in statements(sql, dialect))


# --- small Arrow tables from Python lists ------------------------------------------------------

# `pa.array` of a Python list imports pandas when it is installed (pyarrow 26 asks its pandas shim
# whether the list is array-like: 0.3-0.4 s and 30-40 MiB per command), and so does
# `Schema.empty_table`; an in-memory DuckDB building them costs 40-50 ms on its first use. The
# metrics' small tables are therefore assembled from Arrow's buffers: a validity bitmap, then the
# values (fixed-width), or offsets and UTF-8 bytes (text). Arrow's buffers are little-endian.
_EPOCH_ORDINAL = 719163  # date(1970, 1, 1).toordinal(): date32 counts days from it
_FIXED = {  # Arrow type -> (array typecode, how a value is stored)
    pa.date32(): ("i", lambda d: d.toordinal() - _EPOCH_ORDINAL),
    pa.int32(): ("i", int),
    pa.int64(): ("q", int),
    pa.float64(): ("d", float),
}


def _bits(flags: list[bool]) -> pa.Buffer:
    packed = bytearray((len(flags) + 7) // 8)
    for i, flag in enumerate(flags):
        if flag:
            packed[i >> 3] |= 1 << (i & 7)
    return pa.py_buffer(packed)


def _little_endian(values: array) -> pa.Buffer:
    if sys.byteorder == "big":
        values.byteswap()
    return pa.py_buffer(values)


def _array(values: list, type_: pa.DataType) -> pa.Array:
    present = [v is not None for v in values]
    validity = None if all(present) else _bits(present)
    if type_ == pa.bool_():
        return pa.Array.from_buffers(type_, len(values), [validity, _bits([bool(v) for v in values])])
    if type_ == pa.string():
        data = [v.encode() if v is not None else b"" for v in values]
        offsets = array("i", [0])
        for chunk in data:
            offsets.append(offsets[-1] + len(chunk))
        return pa.Array.from_buffers(type_, len(values), [validity, _little_endian(offsets), pa.py_buffer(b"".join(data))])
    if type_ not in _FIXED:
        raise ValueError(f"no small-table builder for the Arrow type {type_}")
    code, store = _FIXED[type_]
    stored = array(code, [store(v) if v is not None else 0 for v in values])
    return pa.Array.from_buffers(type_, len(values), [validity, _little_endian(stored)])


def table(columns: dict[str, tuple[list, pa.DataType]]) -> pa.Table:
    """`pa.table({name: pa.array(values, type)})` without pyarrow's pandas import: same column
    names and types (date32, string, int32, int64, float64, bool), nulls kept; empty lists give
    an empty table of that schema."""
    if len({len(values) for values, _ in columns.values()}) > 1:
        raise ValueError("columns of different lengths")
    arrays = [_array(list(values), type_) for values, type_ in columns.values()]
    return pa.Table.from_arrays(arrays, schema=pa.schema([(n, t) for n, (_, t) in columns.items()]))


# --- the derived tables -------------------------------------------------------------------------


def replace(con, table: str, select: str, scope: str | None = None, key: str = "lead_id") -> None:
    """Write the derived `table` from `select` (its rows, rendered with the same `scope`): whole
    when `scope` is None, else only the rows whose `key` is an `id` of the table `scope`."""
    if scope is None:
        con.execute(f"CREATE OR REPLACE TABLE {table} AS {select}")
        return
    con.execute(f"DELETE FROM {table} WHERE {key} IN (SELECT id FROM {scope})")  # noqa: S608 - our names
    con.execute(f"INSERT INTO {table} {select}")
