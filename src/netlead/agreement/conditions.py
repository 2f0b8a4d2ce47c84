"""Rule conditions: plain text in netlead.yaml, read and checked against a short whitelist, compiled
to SQL (condition_sql.py does that with SQLGlot).

A condition is never evaluated in Python: it becomes a SQL fragment that runs where the data is.
The whitelist keeps it to what every engine computes the same way (SPEC "The agreement file"),
and the compiled form removes the engine differences that remain (integer division, division by
zero, casts of bad text).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema

# The canonical lead columns (SPEC "Data in"); every other name is a text attribute.
CANONICAL_COLUMNS = (
    "lead_id", "created_at", "channel", "campaign", "account_type", "account_owner", "email",
    "company", "domain", "country", "industry", "employees", "trigger", "cost_of_inaction",
    "decision_makers", "need", "appointment_at", "intent",
)  # fmt: skip

ALLOWED = (
    "comparisons (= != <> < <= > >=), in (a list), like, ilike, is [not] null, and, or, not, "
    "+ - * /, parentheses, text in single quotes, numbers, true, false, null, column names, "
    "cast(x as integer|bigint|double|decimal|date|timestamp|varchar) and the functions "
    "lower, upper, trim, length, coalesce, starts_with, regexp_matches"
)

class ConditionError(ValueError):
    """A condition that cannot be used; the message reads `what is wrong — what is allowed`."""


def resolve_name(name: str, quoted: bool, attributes: Iterable[str] | None) -> tuple[str, bool]:
    """(the name as stored, whether it is canonical). An unquoted name matches a canonical
    column in any case, as SQL does; attributes keep the case of the file's header."""
    if name in CANONICAL_COLUMNS or (not quoted and name.lower() in CANONICAL_COLUMNS):
        return name.lower(), True
    if attributes is None:
        return name, False
    known = set(attributes)
    if name in known:
        return name, False
    if not quoted:
        folded = [a for a in known if a.lower() == name.lower()]
        if len(folded) == 1:
            return folded[0], False
    listed = ", ".join(CANONICAL_COLUMNS)
    extra = f"; attributes: {', '.join(sorted(known))}" if known else "; no attributes have been imported"
    raise ConditionError(f"unknown column {name!r} — columns: {listed}{extra}")


class Condition:
    """A checked boolean condition over lead columns; `sql()` compiles it for DuckDB.

    `names` are the (name, quoted) pairs `condition_sql.read` found in this very text before (the
    agreement loader keeps them beside the file it read): given them, SQLGlot reads the text, and
    checks it again, only when it is compiled."""

    __slots__ = ("text", "line", "names", "columns", "attributes", "_known", "_read")

    def __init__(self, text: str, line: int = 0, attributes: Iterable[str] | None = None,
                 names: tuple[tuple[str, bool], ...] | None = None):
        self.text = text
        self.line = line
        self._known = None if attributes is None else frozenset(attributes)
        self._read = None
        if names is None:
            from . import condition_sql

            self._read = condition_sql.read(text)
            names = self._read[1]
        self.names = names
        resolved = self._resolved(names)
        self.columns = frozenset(name for name, canonical in resolved if canonical)
        self.attributes = frozenset(name for name, canonical in resolved if not canonical)

    def _resolved(self, names: tuple[tuple[str, bool], ...]) -> list[tuple[str, bool]]:
        return [resolve_name(name, quoted, self._known) for name, quoted in names]

    def sql(self, alias: str = "l") -> str:
        """A DuckDB boolean SQL fragment, in parentheses; null where the condition is unknown."""
        from . import condition_sql

        if self._read is None:
            self._read = condition_sql.read(self.text)
        tree, names = self._read
        return condition_sql.compile_sql(tree, self._resolved(names), alias)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Condition) and other.text == self.text

    def __hash__(self) -> int:
        return hash(self.text)

    def __repr__(self) -> str:
        return f"Condition({self.text!r}, line={self.line})"

    def __str__(self) -> str:
        return self.text

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> Any:
        # Conditions are plain text in YAML and in a version's canonical JSON; the lead
        # attribute names known to the store come in through the validation context.
        def validate(value: Any, info: core_schema.ValidationInfo) -> Condition:
            if isinstance(value, Condition):
                return value
            if not isinstance(value, str):
                raise ConditionError(f"a condition must be text, not {value!r} — write it in quotes")
            context = info.context or {}
            # The names each condition's text was read with: given by the loader when it read this
            # text before, kept by it otherwise (agreement/loader.py).
            names = context.setdefault("names", {})
            condition = cls(value, 0, context.get("attributes"), names.get(value))
            names[value] = condition.names
            context.setdefault("assumed", set()).update(condition.attributes)
            return condition

        return core_schema.with_info_plain_validator_function(
            validate, serialization=core_schema.plain_serializer_function_ser_schema(str)
        )


