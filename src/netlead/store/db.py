"""Open the DuckDB store of a workspace."""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import duckdb

from netlead.errors import NetleadError


def schema_sql() -> str:
    return resources.files("netlead.store").joinpath("schema.sql").read_text(encoding="utf-8")


# DuckDB's own default (80% of RAM) starves everything else on a laptop or a shared server, and
# netlead needs far less: the metrics read small per-lead facts, and sorts and joins spill to
# disk beyond the limit instead of failing. Measured: at 1M leads commands and imports run as fast
# as under 60% of RAM; at 10M the metric commands stay near 300 MiB, but the journey spills (45 s
# instead of 20 s, 0.6 GiB instead of 2.9 GiB): give it more with $NETLEAD_MEMORY_LIMIT.
DEFAULT_MEMORY_LIMIT = "400MB"
MEMORY_LIMIT_ENV, THREADS_ENV = "NETLEAD_MEMORY_LIMIT", "NETLEAD_THREADS"


def connect(path: str | Path, timezone: str, memory_limit: str | None = None,
            threads: int | None = None) -> duckdb.DuckDBPyConnection:
    """Open (or create) the store at `path` (":memory:" for a throwaway one) with its session
    TimeZone set to the agreement's, so that text without an offset is local time and
    `CAST(ts AS DATE)` is the local date (T1). Creates the canonical schema when missing.

    `memory_limit` (DuckDB's, e.g. "2GB" or "50%") defaults to $NETLEAD_MEMORY_LIMIT, else
    DEFAULT_MEMORY_LIMIT; `threads` to $NETLEAD_THREADS, else the cores this process may use."""
    limit = _bytes((memory_limit or os.environ.get(MEMORY_LIMIT_ENV) or DEFAULT_MEMORY_LIMIT).strip())
    threads = _threads(threads)
    try:
        con = duckdb.connect(str(path))
    except duckdb.Error as e:
        raise NetleadError(f"cannot open the store {path}: {e}") from e
    con.execute(f"SET memory_limit = '{limit}B'")
    con.execute(f"SET VARIABLE netlead_memory_limit = {limit}")  # exact, for import_memory
    con.execute(f"SET threads = {threads}")
    # DuckDB draws a progress bar on stdout (a terminal or not) once a query passes 2 s, which
    # would land inside `--format json` / `csv` output.
    con.execute("SET enable_progress_bar = false")
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


# An import (reading files, inserting, bringing the facts up to date) holds memory DuckDB does not
# count against its limit: at 10M leads, under the default 400MB, its processes peaked at 613 MiB
# (leads) to 624 MiB (lead_events); with the limit at 300MB at 519-592 MiB (opportunities, whose
# update of the facts holds the most outside the limit) in the same time, at 240MB 458-524 MiB
# about 8% slower. It runs with this share of the connection's limit.
IMPORT_MEMORY_SHARE = 0.7
_UNITS = {"KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12,
          "KiB": 2**10, "MiB": 2**20, "GiB": 2**30, "TiB": 2**40}


def _bytes(limit: str) -> int:
    """A memory limit ("400MB", "2 GiB", "60%" of the machine's memory) in bytes."""
    size = re.fullmatch(r"([0-9]+(?:\.[0-9]+)?) ?(%|[KMGT]i?B)", limit)
    if size is None:
        raise NetleadError(f"memory limit {limit!r} is not a size",
                           f"Use e.g. '4GB' or '60%' (argument memory_limit or ${MEMORY_LIMIT_ENV}).")
    if size[2] == "%":
        return int(float(size[1]) / 100 * os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    return int(float(size[1]) * _UNITS[size[2]])


@contextlib.contextmanager
def import_memory(con) -> Iterator[None]:
    """Within: DuckDB's memory limit (one for the whole database) at IMPORT_MEMORY_SHARE of the one
    `connect` set. Unchanged on other engines, and on a DuckDB connection `connect` did not make
    (a cursor of one: the variable is the connection's own)."""
    limit = None
    if isinstance(con, duckdb.DuckDBPyConnection):
        (limit,) = con.execute("SELECT getvariable('netlead_memory_limit')").fetchone()
    if limit is None:
        yield
        return
    con.execute(f"SET memory_limit = '{int(limit * IMPORT_MEMORY_SHARE)}B'")
    try:
        yield
    finally:
        con.execute(f"SET memory_limit = '{limit}B'")


@contextlib.contextmanager
def unordered(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Let DuckDB write the rows of the statements inside in any order: an insert into a stored
    table then runs on every thread (1M leads: a third less wall time). Only where nothing reads
    the rows' order later (the row numbers of a file come from PARSED, written in order)."""
    con.execute("SET preserve_insertion_order = false")
    try:
        yield
    finally:
        con.execute("SET preserve_insertion_order = true")


def _threads(threads: int | None) -> int:
    """Threads for DuckDB: the argument, else $NETLEAD_THREADS, else the cores this process may
    run on (its CPU affinity, which os.cpu_count ignores)."""
    if threads is None and os.environ.get(THREADS_ENV):
        text = os.environ[THREADS_ENV].strip()
        if not text.isdigit() or int(text) < 1:
            raise NetleadError(f"${THREADS_ENV} is {text!r}, not a whole number of threads", "Use e.g. 2.")
        threads = int(text)
    if threads is None:
        threads = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, int(threads or 1))
