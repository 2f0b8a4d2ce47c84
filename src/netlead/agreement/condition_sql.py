"""Reading, checking and compiling a rule condition with SQLGlot (conditions.py holds the
Condition itself). Imported only when a condition is read or compiled, so that a command whose
agreement was read before (agreement/loader.py keeps what it read) does not load SQLGlot."""

from __future__ import annotations

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError
from sqlglot.tokens import Tokenizer, TokenType

from .conditions import ALLOWED, ConditionError

_CAST_TYPES = {
    exp.DataType.Type.INT, exp.DataType.Type.BIGINT, exp.DataType.Type.DOUBLE,
    exp.DataType.Type.DECIMAL, exp.DataType.Type.DATE, exp.DataType.Type.TIMESTAMP,
    exp.DataType.Type.VARCHAR, exp.DataType.Type.TEXT,
}  # fmt: skip

# Node type -> the argument names it may carry (anything else, e.g. IN (subquery), is refused).
_ALLOWED_ARGS: dict[type[exp.Expression], set[str]] = {
    **{t: {"this", "expression"} for t in (exp.EQ, exp.NEQ, exp.LT, exp.LTE, exp.GT, exp.GTE)},
    **{t: {"this", "expression"} for t in (exp.And, exp.Or, exp.Add, exp.Sub, exp.Mul)},
    exp.Div: {"this", "expression", "typed", "safe"},
    exp.Like: {"this", "expression", "negate"},
    exp.ILike: {"this", "expression", "negate"},
    exp.In: {"this", "expressions"},
    exp.Is: {"this", "expression"},
    exp.Not: {"this"},
    exp.Neg: {"this"},
    exp.Paren: {"this"},
    exp.Literal: {"this", "is_string"},
    exp.Boolean: {"this"},
    exp.Null: set(),
    exp.Column: {"this"},
    exp.Identifier: {"this", "quoted"},
    exp.Cast: {"this", "to", "_type"},
    exp.TryCast: {"this", "to", "_type", "requires_string"},
    exp.DataType: {"this", "expressions", "nested"},
    exp.DataTypeParam: {"this"},
    exp.Lower: {"this"},
    exp.Upper: {"this"},
    exp.Trim: {"this"},
    exp.Length: {"this"},
    exp.Coalesce: {"this", "expressions"},
    exp.StartsWith: {"this", "expression"},
    exp.RegexpLike: {"this", "expression"},
}

# Nodes whose value is true/false/null: a condition must be one of these at the top.
_PREDICATES = (
    exp.EQ, exp.NEQ, exp.LT, exp.LTE, exp.GT, exp.GTE, exp.In, exp.Like, exp.ILike, exp.Is,
    exp.StartsWith, exp.RegexpLike, exp.Boolean,
)  # fmt: skip


def read(text: str) -> tuple[exp.Expression, tuple[tuple[str, bool], ...]]:
    """The checked tree of a condition and the column names it uses, as written: (name, quoted),
    in the order they appear. Raises ConditionError on anything outside the whitelist."""
    tree = _parse(text)
    _check(tree)
    names = tuple((c.name, bool(c.this.args.get("quoted"))) for c in tree.find_all(exp.Column))
    return tree, names


def compile_sql(tree: exp.Expression, resolved: list[tuple[str, bool]], alias: str) -> str:
    """A DuckDB boolean SQL fragment, in parentheses, with SPEC semantics (see _rewrite), the
    columns named as resolved: (name as stored, canonical) for each of `read`'s names in order."""
    tree = tree.copy()
    for column, (name, canonical) in zip(tree.find_all(exp.Column), resolved, strict=True):
        column.set("this", exp.to_identifier(name, quoted=not canonical))
    compiled = _compile(tree, exp.to_identifier(alias))
    return exp.Paren(this=compiled).sql(dialect="duckdb")


def _parse(text: str) -> exp.Expression:
    if not text.strip():
        raise ConditionError(f"the condition is empty — write an expression using {ALLOWED}")
    try:
        tokens = Tokenizer(dialect="duckdb").tokenize(text)
        if any(token.token_type == TokenType.SEMICOLON for token in tokens):
            raise ConditionError("a condition is one expression: ';' is not allowed — remove it")
        tree = sqlglot.parse_one(text, read="duckdb")
    except (ParseError, TokenError) as error:
        reason = str(error).splitlines()[0]
        raise ConditionError(f"cannot read the condition {text!r} ({reason}) — use {ALLOWED}") from None
    return tree


def _check(tree: exp.Expression) -> None:
    for node in tree.walk():
        if isinstance(node, exp.Column) and (
            node.args.get("table") or not isinstance(node.this, exp.Identifier)
        ):
            raise ConditionError(
                f"{node.sql(dialect='duckdb')!r} is not a column name — write a lead column or attribute "
                'name alone, such as country or "My Field"'
            )
        allowed_args = _ALLOWED_ARGS.get(type(node))
        if allowed_args is None:
            raise ConditionError(f"{_describe(node)} is not allowed in a condition — allowed: {ALLOWED}")
        extra = {key for key, value in node.args.items() if value not in (None, False, [])} - allowed_args
        if extra:
            raise ConditionError(
                f"{node.sql(dialect='duckdb')!r} uses a form that is not allowed — allowed: {ALLOWED}"
            )
        if isinstance(node, exp.Is) and not isinstance(node.expression, exp.Null):
            raise ConditionError(
                f"{node.sql(dialect='duckdb')!r} is not allowed — only is null and is not null"
            )
        if isinstance(node, exp.Cast | exp.TryCast) and node.to.this not in _CAST_TYPES:
            raise ConditionError(
                f"cast to {node.to.sql(dialect='duckdb')} is not allowed — "
                "cast to integer, bigint, double, decimal, date, timestamp or varchar"
            )
    if not _is_boolean(tree):
        raise ConditionError(
            f"{tree.sql(dialect='duckdb')!r} is not true or false — write a comparison, "
            "for example country = 'GB' or employees >= 20"
        )


def _is_boolean(node: exp.Expression) -> bool:
    if isinstance(node, exp.Paren | exp.Not):
        return _is_boolean(node.this)
    if isinstance(node, exp.And | exp.Or):
        return _is_boolean(node.this) and _is_boolean(node.expression)
    return isinstance(node, _PREDICATES)


def _describe(node: exp.Expression) -> str:
    if isinstance(node, exp.Func):
        name = node.name if isinstance(node, exp.Anonymous) else node.sql_name()
        return f"the function {name.lower()}()"
    if isinstance(node, exp.Query | exp.Subquery):
        return "a subquery"
    if isinstance(node, exp.Star):
        return "'*'"
    if isinstance(node, exp.Placeholder):
        return "a parameter placeholder"
    return f"{node.sql(dialect='duckdb')!r}"


def _compile(node: exp.Expression, table: exp.Identifier) -> exp.Expression:
    """Rewrite bottom-up: children first, so a rewritten node's operands are already final."""
    for key, value in list(node.args.items()):
        if isinstance(value, exp.Expression):
            node.set(key, _compile(value, table))
        elif isinstance(value, list):
            node.set(key, [_compile(v, table) if isinstance(v, exp.Expression) else v for v in value])
    return _rewrite(node, table)


def _rewrite(node: exp.Expression, table: exp.Identifier) -> exp.Expression:
    if isinstance(node, exp.Column):
        identifier = node.this
        if not identifier.args.get("quoted"):
            return exp.Column(this=exp.to_identifier(identifier.name), table=table.copy())
        # Attributes are text inside the lead's JSON `attributes` object (store/schema.sql).
        path = exp.JSONPath(expressions=[exp.JSONPathRoot(), exp.JSONPathKey(this=identifier.name)])
        return exp.JSONExtractScalar(this=exp.Column(this=exp.to_identifier("attributes"), table=table.copy()),
                                     expression=path)  # fmt: skip
    if isinstance(node, exp.Div):
        # SPEC: never integer division, and null (not an error) when dividing by zero.
        numerator = exp.Cast(this=node.this, to=exp.DataType.build("double"))
        return exp.Case(
            ifs=[exp.If(this=exp.EQ(this=node.expression.copy(), expression=exp.Literal.number(0)),
                        true=exp.Null())],
            default=exp.Div(this=numerator, expression=node.expression),
        )  # fmt: skip
    if isinstance(node, exp.Cast) and not isinstance(node, exp.TryCast):
        # SPEC: text that does not parse as the type is null, not an error.
        return exp.TryCast(this=node.this, to=node.to)
    return node
