"""Printing metric tables: Rich tables for people, JSON and CSV for machines (METRICS.md
"Machine-readable output": numbers as numbers, nulls as null, dates YYYY-MM-DD, money unrounded)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
from collections.abc import Iterator
from decimal import Decimal
from json.encoder import encode_basestring
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa

FORMULA_STARTS = ("=", "+", "-", "@")


def to_json_value(value: Any) -> Any:
    """A cell as the JSON module can write it (Decimals are handled by `dumps`)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def decimal_text(value: Decimal) -> str:
    """A Decimal as a plain JSON number, exactly (no exponent, no rounding)."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def dumps(value: Any) -> str:
    """JSON for metric rows and their meta; Decimals are written exactly, as numbers."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(str(k))}: {dumps(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(dumps(v) for v in value) + "]"
    return _cell(value)


def _cell(value: Any) -> str:
    """One JSON value that is not a container; the common cell types are written directly."""
    kind = type(value)
    if value is None:
        return "null"
    if kind is str:
        return encode_basestring(value)  # what json.dumps(value, ensure_ascii=False) writes
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return int.__repr__(value)
    if kind is float:
        return float.__repr__(value) if math.isfinite(value) else "null"
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, dict | list | tuple):  # a list or struct cell
        return dumps(value)
    return json.dumps(to_json_value(value), ensure_ascii=False)


# Rows per part of table_json_parts.
PART_ROWS = 10_000


def table_json(table: pa.Table) -> str:
    """`dumps(table.to_pylist())`, column by column: the same text without a dict per row."""
    return "".join(table_json_parts(table))


def table_json_parts(table: pa.Table) -> Iterator[str]:
    """The text of `table_json`, PART_ROWS rows at a time, for writing out a large result without
    holding all of its text (the stuck leads of a 10M-lead store: 1.3M rows, 430 MB of JSON)."""
    names = table.column_names
    if not names or len(set(names)) != len(names):
        yield dumps(table.to_pylist())
        return
    keys = [json.dumps(str(name)) for name in names]
    yield "["
    for start in range(0, table.num_rows, PART_ROWS):
        part = table.slice(start, PART_ROWS)
        columns = [[_cell(value) for value in column.to_pylist()] for column in part.columns]
        rows = ("{" + ", ".join(f"{key}: {cell}" for key, cell in zip(keys, cells, strict=True)) + "}"
                for cells in zip(*columns, strict=True))
        yield (", " if start else "") + ", ".join(rows)
    yield "]"


def neutralise(text: str) -> str:
    """A text cell that a spreadsheet would run as a formula is prefixed with a quote."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def to_csv(rows: list[dict[str, Any]], columns: list[str]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        cells = []
        for column in columns:
            value = row.get(column)
            if value is None:
                cells.append("")
            elif isinstance(value, str):
                cells.append(neutralise(value))
            elif isinstance(value, Decimal):
                cells.append(decimal_text(value))
            else:
                cells.append(to_json_value(value))
        writer.writerow(cells)
    return buffer.getvalue()


def cell_text(value: Any) -> str:
    """How a value reads in a table for people: money and ratios rounded for the eye only."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float | Decimal):
        number = float(value)
        return f"{number:,.2f}" if abs(number) >= 1 or number == 0 else f"{number:.4f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)
