"""Loading the metric SQL: `sql/*.sql` files in DuckDB's dialect, parsed once with SQLGlot.

Three things are filled in on the parsed tree, never by string formatting:
- `netlead_trim(x)` becomes TRIM of spaces, tabs, carriage returns and line feeds (D4's trimming),
  so the files stay readable and every engine trims the same characters;
- `netlead_filled(x)` is true when x is non-empty after that trimming, null when x is null: a
  regular-expression match, measured about 4x cheaper in DuckDB than trimming with a character
  list (it runs on every answer field of every lead and event);
- a bare column named in `placeholders` becomes the given SQLGlot expression (agreement-dependent
  SQL: versions, rules, evidence), or, when given a list and standing in a SELECT list, that many
  select items.
Values are bound as `$name` parameters at execution.
"""

from __future__ import annotations

import functools
from importlib import resources

import duckdb
import pyarrow as pa
import sqlglot
from sqlglot import exp

WHITESPACE = " \t\r\n"


def trim(expression: exp.Expression) -> exp.Expression:
    """D4's trim, as an expression."""
    return exp.Trim(this=expression, expression=exp.Literal.string(WHITESPACE))


def filled(expression: exp.Expression) -> exp.Expression:
    """True when the text is non-empty after D4's trimming: it holds another character."""
    return exp.RegexpLike(this=expression, expression=exp.Literal.string(f"[^{WHITESPACE}]"))


@functools.cache
def _parsed(name: str) -> exp.Expression:
    text = resources.files("netlead.metrics").joinpath("sql", f"{name}.sql").read_text()
    return sqlglot.parse_one(text, read="duckdb")


def render(name: str, placeholders: dict[str, exp.Expression | list[exp.Expression]] | None = None) -> str:
    """The DuckDB SQL of `sql/<name>.sql` with its placeholders filled in."""
    tree = _parsed(name).copy()
    placeholders = placeholders or {}

    def fill(node: exp.Expression) -> exp.Expression | None:
        if isinstance(node, exp.Anonymous) and node.name.lower() == "netlead_trim":
            return trim(node.expressions[0])
        if isinstance(node, exp.Anonymous) and node.name.lower() == "netlead_filled":
            return filled(node.expressions[0])
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
