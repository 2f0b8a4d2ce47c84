"""Where an import's rows come from: a file (CSV, Parquet, JSON lines; gzip too) or a staged table.

A file is not copied first: validate.py reads it once, straight from DuckDB's reader, with every
column as text (all_varchar), so no row is lost to type inference. CSV lines the reader itself
cannot split (too few or too many fields, broken quoting, bytes that are not text) are kept in
DuckDB's rejects tables with their line, and quarantined, not lost."""

# ruff: noqa: S608 - SQL is generated here: identifiers only through ident() and constants through
# literal() (both SQLGlot), values from files only as bound parameters.

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import sqlglot.expressions as exp

from netlead.errors import ImportFileError
from netlead.store.columns import COLUMNS

Progress = Callable[[int, int], None]

REJECTS = "_nl_rejects"  # CSV lines the reader refused: row_number, column_name, value, reason
_REJECT_SCANS = "_nl_reject_scans"  # DuckDB's own rejects tables
_REJECT_ERRORS = "_nl_reject_errors"

FORMATS = {
    ".csv": "csv", ".tsv": "csv", ".txt": "csv",
    ".parquet": "parquet", ".pq": "parquet",
    ".jsonl": "json", ".ndjson": "json", ".json": "json",
}

# What DuckDB's CSV error types mean, for the person reading the quarantine.
_CSV_REASONS = {
    "MISSING COLUMNS": "the line has fewer fields than the header",
    "TOO MANY COLUMNS": "the line has more fields than the header",
    "UNQUOTED VALUE": "a quoted field is not closed properly",
    "LINE SIZE OVER MAXIMUM": "the line is too long",
    "INVALID ENCODING": "the line is not valid text in the file's encoding",
}


def ident(name: str) -> str:
    """A quoted SQL identifier (names from files are user input)."""
    return exp.to_identifier(name, quoted=True).sql("duckdb")


def literal(value: str) -> str:
    """A SQL string literal, for constants that cannot be bound parameters (table-function options,
    CASE branches built from the agreement)."""
    return exp.Literal.string(value).sql("duckdb")


@dataclass(frozen=True)
class Source:
    """A FROM item giving an import's rows, e.g. `read_csv(?, ...)` with its bound `params`.
    `columns` maps each output name (canonical, or the attribute's name) to the source's column;
    `row` is SQL for the source row number (1 = the first data row), or None when the rows are
    numbered by their position in the file (see number_rows)."""
    sql: str
    params: tuple
    columns: dict[str, str]
    row: str | None
    format: str = "table"
    encoding: str = "utf-8"


def check_file(path: Path) -> int:
    """The file's size; refuses a missing or 0-byte file."""
    if not path.is_file():
        raise ImportFileError(f"{path}: no such file")
    size = path.stat().st_size
    if size == 0:
        raise ImportFileError(f"{path} is empty (0 bytes): nothing to import",
                              "Export the file again; a file with only a header imports 0 rows.")
    return size


def file_format(path: Path) -> tuple[str, str]:
    """(format, compression) from the file name."""
    suffixes = [s.lower() for s in path.suffixes]
    compression = "none"
    if suffixes and suffixes[-1] == ".gz":
        compression = "gzip"
        suffixes = suffixes[:-1]
    fmt = FORMATS.get(suffixes[-1]) if suffixes else None
    if fmt is None:
        raise ImportFileError(
            f"{path}: cannot tell the format from the name",
            "Name it .csv, .parquet or .jsonl (optionally .gz).",
        )
    return fmt, compression


class Hasher(threading.Thread):
    """sha256 of the file's bytes, computed while DuckDB reads it (hashlib releases the GIL)."""

    def __init__(self, path: Path):
        super().__init__(daemon=True)
        self.path, self.digest, self.error = path, "", None

    def run(self) -> None:
        try:
            h = hashlib.sha256()
            with self.path.open("rb") as f:
                while chunk := f.read(4 << 20):
                    h.update(chunk)
            self.digest = h.hexdigest()
        except OSError as e:
            self.error = e

    def result(self) -> str:
        self.join()
        if self.error:
            raise ImportFileError(f"{self.path}: cannot be read: {self.error}")
        return self.digest


def file_source(con, kind: str, path: Path, encoding: str = "utf-8") -> Source:
    """The Source reading `path` as text. Looks only at the header (and for JSON at the keys)."""
    fmt, compression = file_format(path)
    drop_rejects(con)
    if fmt == "csv":
        return _csv_source(con, kind, path, compression, encoding)
    elif fmt == "parquet":
        sql, params, row = "read_parquet(?, file_row_number = true)", (str(path),), "file_row_number + 1"
    else:
        # Every key of the whole file (sample_size = -1: a key that first appears late is still an
        # attribute), each read as text: numbers and nested values keep their JSON text.
        json_format = "auto" if path.suffix.lower() == ".json" else "newline_delimited"
        keys = _describe(con, f"read_json(?, format = '{json_format}', sample_size = -1)", (str(path),), path, fmt)
        spec = "{" + ", ".join(f"{literal(k)}: 'VARCHAR'" for k in keys) + "}"
        sql, params, row = f"read_json(?, format = '{json_format}', columns = {spec})", (str(path),), None
    names = _describe(con, sql, params, path, fmt)
    if fmt == "parquet":
        names = [n for n in names if n != "file_row_number"]
    return Source(sql, params, canonical_names(kind, names, path), row, fmt, encoding)


def _csv_source(con, kind: str, path: Path, compression: str, encoding: str) -> Source:
    """Sniff the dialect and header once, then read with them spelled out, so that DuckDB does not
    sniff again (about a tenth of the import of a large file). Where sniff_csv disagrees with
    header = true (small odd files), the reader detects the dialect itself."""
    # The rejects tables are named here, so a previous import's lines never mix in.
    common = (f"compression = ?, encoding = ?, store_rejects = true, "
              f"rejects_table = '{_REJECT_ERRORS}', rejects_scan = '{_REJECT_SCANS}'")
    # Standard CSV quoting ("a ""b"""), which Excel and CRM exports write, is given rather than
    # sniffed: a sample without quotes (or with odd ones) must not decide it for the whole file.
    try:
        delimiter, quote, escape, new_line, columns = con.execute(
            "SELECT Delimiter, Quote, Escape, NewLineDelimiter, Columns FROM sniff_csv(?, header = true, "
            "all_varchar = true, quote = '\"', escape = '\"', ignore_errors = true, compression = ?, "
            "encoding = ?)",
            [str(path), compression, encoding],
        ).fetchone()
    except duckdb.Error:
        sql = f"read_csv(?, all_varchar = true, header = true, {common})"
        params: tuple = (str(path), compression, encoding)
        names = _describe(con, sql, params, path, "csv")
        return Source(sql, params, canonical_names(kind, names, path), None, "csv", encoding)
    names = [c["name"] for c in columns]
    spec = "{" + ", ".join(f"{literal(n)}: 'VARCHAR'" for n in names) + "}"
    sql = (f"read_csv(?, auto_detect = false, header = true, delim = ?, quote = ?, escape = ?, "
           f"new_line = ?, columns = {spec}, {common})")
    params = (str(path), delimiter, quote, escape, new_line, compression, encoding)
    return Source(sql, params, canonical_names(kind, names, path), None, "csv", encoding)


def table_source(con, kind: str, table: str) -> Source:
    """The Source of a staged table: text columns plus `_row`."""
    sql = exp.to_table(table).sql("duckdb")
    names = [n for n in _describe(con, sql, (), Path(table), "table") if n != "_row"]
    return Source(sql, (), canonical_names(kind, names, Path(table)), "_row")


def _describe(con, sql: str, params: tuple, path: Path, fmt: str) -> list[str]:
    try:
        return [row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {sql}", list(params)).fetchall()]
    except duckdb.Error as e:
        raise ImportFileError(f"{path}: cannot be read as {fmt.upper()}: {first_line(e)}") from e


def first_line(e: Exception) -> str:
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__


def canonical_names(kind: str, names: list[str], path: Path) -> dict[str, str]:
    """Map output names to source columns: a header matches a canonical column whatever its case
    and surrounding spaces; other columns keep their (trimmed) name, as attributes."""
    canonical = {c.name for c in COLUMNS[kind]}
    out: dict[str, str] = {}
    for column in names:
        name = column.strip()
        if name.lower() in canonical:
            name = name.lower()
        if name in out:
            raise ImportFileError(f"{path}: the header has the column {name!r} twice",
                                  "Rename or remove one of them.")
        out[name] = column
    return out


def drop_rejects(con) -> None:
    for table in (REJECTS, _REJECT_SCANS, _REJECT_ERRORS, "_nl_shift"):
        con.execute(f"DROP TABLE IF EXISTS temp.{table}")


def encoding_errors(con) -> int:
    """Lines of the last CSV read that were not valid in its encoding."""
    return con.execute(
        f"SELECT count(DISTINCT line) FROM temp.{_REJECT_ERRORS} WHERE error_type = 'INVALID ENCODING'"
    ).fetchone()[0]


def collect_rejects(con) -> int:
    """REJECTS from DuckDB's rejects table of the last CSV read, one row per refused line; returns
    their number. DuckDB counts `line` in records (a quoted field over two lines is one), header
    = 1, so the data row is line - 1."""
    cases = " ".join(f"WHEN {literal(k)} THEN {literal(v)}" for k, v in _CSV_REASONS.items())
    reason = f"CASE CAST(error_type AS VARCHAR) {cases} ELSE lower(CAST(error_type AS VARCHAR)) END"
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {REJECTS} AS
        SELECT line - 1 AS row_number,
               first(column_name ORDER BY column_idx) AS column_name,
               first(csv_line) AS value,
               string_agg(DISTINCT {reason}, '; ') || ' (' || first(error_message) || ')' AS reason
        FROM temp.{_REJECT_ERRORS}
        GROUP BY line""")
    return con.execute(f"SELECT count(*) FROM temp.{REJECTS}").fetchone()[0]


def number_rows(con, table: str, has_rejects: bool, where: str) -> None:
    """Fill `_row` of the rows of `table` matching `where` from their position among the rows read
    (`_position`, else `rowid`: rows are stored in file order). Without rejected lines the p-th
    row read is data row p. With them: the k-th rejected data row r_k had g_k = r_k - k rows read
    before it, so the p-th row read is data row p + (how many rejected rows have g_k < p), an ASOF
    join on a table as small as the rejects."""
    position = "coalesce(p._position, p.rowid + 1)"
    if not has_rejects:
        con.execute(f"""UPDATE temp.{table} p SET _row = {position} WHERE _row IS NULL AND ({where})""")
        return
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _nl_shift AS
        SELECT row_number - k AS read_before, max(k) AS shift
        FROM (SELECT row_number, row_number() OVER (ORDER BY row_number) AS k FROM temp.{REJECTS})
        GROUP BY ALL""")
    con.execute(f"""
        UPDATE temp.{table} SET _row = n.row_number
        FROM (SELECT p.rowid AS id, {position} + coalesce(s.shift, 0) AS row_number
              FROM temp.{table} p ASOF LEFT JOIN temp._nl_shift s ON {position} > s.read_before
              WHERE p._row IS NULL AND ({where})) n
        WHERE {table}.rowid = n.id""")
