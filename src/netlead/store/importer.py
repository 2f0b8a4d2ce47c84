"""Import a file of one kind into the store: read (reading.py), parse and check (validate.py), key,
quarantine and merge (merge.py), and record the import. Runs inside the caller's transaction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb

from netlead.errors import ImportFileError, NetleadError
from netlead.store import bulk, merge, reading, validate
from netlead.store.columns import COLUMNS, CONTENT_KEYED, KINDS, required


@dataclass(frozen=True)
class ImportResult:
    kind: str
    file: str
    loaded: int  # new keys
    updated: int  # keys already stored, with different values: replaced
    unchanged: int  # keys already stored with the same values
    quarantined: int  # rows refused (see the quarantine table)
    notes: list[str] = field(default_factory=list)


def import_file(con, kind: str, path: str | Path, agreement,
                progress: reading.Progress | None = None) -> ImportResult:
    """Import a canonical file (CSV, Parquet or JSON lines, optionally .gz) of `kind`. Every good
    row is loaded, every bad one quarantined with its row, column, value and reason; importing the
    same file again changes nothing. Raises ImportFileError when the whole file is unusable (empty,
    unreadable, a required column missing). `progress(done_bytes, total_bytes)` is called when
    the import starts and ends. Runs in the caller's transaction."""
    _check_kind(kind)
    path = Path(path)
    total = reading.check_file(path)
    if progress:
        progress(0, total)
    hasher = reading.Hasher(path)
    hasher.start()
    try:
        source = reading.file_source(con, kind, path)
        result = _import(con, kind, source, str(path), hasher.result, agreement)
    finally:
        hasher.join()
        reading.drop_rejects(con)
    if progress:
        progress(total, total)
    return result


def import_staged(con, kind: str, staged_table: str, file: str, file_hash: str, agreement) -> ImportResult:
    """Import rows already staged in `staged_table`: text columns named as the canonical columns
    (others become attributes) plus `_row` BIGINT, the row's number in the source file (1 = the
    first data row). CRM mappings use this; import_file runs the same validation and merge."""
    _check_kind(kind)
    source = reading.table_source(con, kind, staged_table)
    return _import(con, kind, source, file, lambda: file_hash, agreement)


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise NetleadError(f"unknown kind {kind!r}", f"Allowed: {', '.join(KINDS)}.")


def _check_columns(kind: str, source: reading.Source, file: str) -> None:
    missing = [c for c in required(kind) if c not in source.columns]
    if missing:
        found = ", ".join(source.columns) or "none"
        raise ImportFileError(
            f"{file}: missing required column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
            f"— nothing imported",
            f"A {kind} file needs {', '.join(required(kind))}; this one has: {found}.",
        )


def _parse(con, kind: str, source: reading.Source, rules, file: str, notes: list[str]) -> tuple[list[str], int]:
    """Parse the source into PARSED; a CSV that is not UTF-8 is read again as Latin-1. Returns the
    attribute names and the number of CSV lines the reader refused."""
    try:
        attributes = validate.parse(con, kind, source, rules)
        if source.format != "csv":
            return attributes, 0
        bad_encoding = reading.encoding_errors(con)
        if bad_encoding:
            # Excel on Windows still writes Latin-1 / Windows-1252. Read as Latin-1 every byte is
            # a character, so every row is kept instead of quarantined.
            source = reading.file_source(con, kind, Path(file), encoding="latin-1")
            attributes = validate.parse(con, kind, source, rules)
            notes.append(
                f"the file is not UTF-8 ({bad_encoding:,} lines had other bytes): read as Latin-1 "
                "(ISO-8859-1); check accented text, or export the file as UTF-8"
            )
        return attributes, reading.collect_rejects(con)
    except duckdb.Error as e:
        raise ImportFileError(f"{file}: cannot be read as {source.format.upper()}: {reading.first_line(e)}") from e


def _import(con, kind, source, file, file_hash, agreement) -> ImportResult:
    started_at = dt.datetime.now(dt.UTC)
    _check_columns(kind, source, file)
    rules = validate.rules_from(agreement)
    import_id = con.execute("SELECT nextval('import_ids')").fetchone()[0]
    notes: list[str] = []
    # The quarantine keeps the refusals of the latest import of each file: importing a corrected
    # file again clears what it fixed.
    con.execute("DELETE FROM quarantine WHERE kind = ? AND file = ?", [kind, file])
    content_keyed = repeats = conflicts = updated = unchanged = 0
    try:
        first = bulk.first_load(con, kind, source, rules, import_id, file) if bulk.applies(con, kind) else None
        if first is not None:
            attributes = [name for name in source.columns if name not in {c.name for c in COLUMNS[kind]}]
            loaded, quarantined, missing_leads = first.loaded, first.quarantined, first.missing_leads
        else:
            attributes, rejected_lines = _parse(con, kind, source, rules, file, notes)
            content_keyed = merge.assign_content_keys(con, kind)
            repeats, conflicts = merge.resolve_repeats(con, kind)
            quarantined = merge.quarantine(con, import_id, kind, file, rejected_lines > 0)
            loaded, updated, unchanged = merge.merge(con, kind, import_id)
            missing_leads = merge.leads_missing(con, kind)
    finally:
        for table in (validate.PARSED, "_nl_dupkeys", "_nl_dups", "_nl_match"):
            con.execute(f"DROP TABLE IF EXISTS temp.{table}")
    _record_attributes(con, kind, attributes)

    if content_keyed:
        id_column = CONTENT_KEYED[kind]
        notes.append(f"{_rows(content_keyed)} had no {id_column}: keyed by their content, so a "
                     f"corrected row becomes a new row — give every row its {id_column}")
    if repeats:
        notes.append(f"{_rows(repeats)} repeated an earlier row of the file exactly: loaded once")
    if conflicts:
        notes.append(f"{_rows(conflicts)} shared a key with another row of the file but differed: "
                     "all quarantined as conflicts")
    if missing_leads:
        notes.append(f"rows naming a lead not in the store yet: {missing_leads:,}, kept; they count "
                     "once the lead is imported (`netlead check` lists them)")

    version = agreement.version_on(dt.datetime.now(ZoneInfo(agreement.calendar.timezone)).date())
    con.execute(
        "INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [import_id, kind, file, file_hash(), started_at, dt.datetime.now(dt.UTC), loaded, updated,
         unchanged, quarantined, version.version, version.hash],
    )
    return ImportResult(kind, file, loaded, updated, unchanged, quarantined, notes)


def _rows(n: int) -> str:
    return f"{n:,} row" if n == 1 else f"{n:,} rows"


def _record_attributes(con, kind: str, names: list[str]) -> None:
    if names:
        con.execute(
            """INSERT INTO attribute_names
               SELECT ?, name FROM unnest(?::VARCHAR[]) AS n(name)
               WHERE name NOT IN (SELECT name FROM attribute_names WHERE kind = ?)""",
            [kind, names, kind],
        )
