"""Open the DuckDB store of a workspace."""

from __future__ import annotations

import os
import re
from importlib import resources
from pathlib import Path

import duckdb

from netlead.errors import NetleadError


def schema_sql() -> str:
    return resources.files("netlead.store").joinpath("schema.sql").read_text(encoding="utf-8")


def connect(path: str | Path, timezone: str, memory_limit: str | None = None,
            threads: int | None = None) -> duckdb.DuckDBPyConnection:
    """Open (or create) the store at `path` (":memory:" for a throwaway one) with its session
    TimeZone set to the agreement's, so that text without an offset is local time and
    `CAST(ts AS DATE)` is the local date (T1). Creates the canonical schema when missing."""
    try:
        con = duckdb.connect(str(path))
    except duckdb.Error as e:
        raise NetleadError(f"cannot open the store {path}: {e}") from e
    # Leave the machine some room: DuckDB's default (80% of RAM) starves everything else on a
    # laptop; it spills to disk beyond the limit rather than failing.
    limit = memory_limit or "60%"
    if not re.fullmatch(r"[0-9]+(\.[0-9]+)? ?(%|[KMGT]i?B)", limit):
        raise NetleadError(f"memory_limit {limit!r} is not a size", "Use e.g. '4GB' or '60%'.")
    con.execute(f"SET memory_limit = '{limit}'")
    con.execute(f"SET threads = {int(threads or os.cpu_count() or 1)}")
    # Row numbers of a file come from the order rows are stored in (see reading.py).
    con.execute("SET preserve_insertion_order = true")
    try:
        # SET takes no bound parameters: allow only the characters of IANA zone names.
        if not re.fullmatch(r"[A-Za-z0-9_+\-/]+", timezone):
            raise duckdb.InvalidInputException("not a zone name")
        con.execute(f"SET TimeZone = '{timezone}'")
    except duckdb.Error as e:
        con.close()
        raise NetleadError(f"unknown timezone {timezone!r}: {e}") from e
    con.execute(schema_sql())
    return con
