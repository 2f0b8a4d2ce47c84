"""CRM exports into netlead through mapping files: `netlead import --from hubspot|salesforce FILE...`
and `netlead import --map my-crm.yaml FILE...` both call `import_mapped`. The built-in importers
are the mapping files in `netlead/crm/mappings/`: one mechanism."""

from __future__ import annotations

import dataclasses
import uuid
from pathlib import Path
from typing import Any

import duckdb

from netlead.errors import ImportFileError

from .mapping import BUILT_IN, Mapping, MappingError, load
from .staging import Staged, drop, stage

__all__ = ["BUILT_IN", "Mapping", "MappingError", "Staged", "import_mapped", "load", "stage"]


def import_mapped(con: duckdb.DuckDBPyConnection, mapping: str | Path | Mapping, files: list[str | Path],
                  agreement: Any) -> list[Any]:
    """Import CRM export `files` through `mapping` (`"hubspot"`, `"salesforce"`, or the path of a
    mapping file): each file is recognised by its header, turned into staged rows of each kind it
    feeds, and imported with `netlead.store.import_staged` inside the caller's transaction. Returns
    one `ImportResult` per kind and file, in the canonical order of kinds, with the mapping's notes
    (rows a derived output left out, dates without a time, columns the export lacks) added."""
    from netlead.store import import_staged  # the store validates, merges and quarantines

    model = mapping if isinstance(mapping, Mapping) else load(mapping)
    prefix = f"_netlead_crm_{uuid.uuid4().hex[:8]}"
    try:
        staged = stage(con, model, [Path(f) for f in files], getattr(agreement, "currency", None), prefix)
        if not staged:
            raise ImportFileError(
                f"nothing to import: {', '.join(Path(f).name for f in files)} feed no kind of row "
                f"through the {model.name} mapping",
                "Give the files that hold the records too (a file that is only looked up, like "
                "accounts.csv, goes with them).")
        order = ("leads", "lead_events", "opportunities", "opportunity_stages", "costs")
        staged.sort(key=lambda s: order.index(s.kind))  # stable: files keep their order
        results = []
        for s in staged:
            result = import_staged(con, s.kind, s.table, str(s.file.path), s.file.file_hash, agreement)
            if (s.missing or s.formats) and result.quarantined:
                _explain(con, s)
            results.append(_with_notes(result, s.notes))
        return results
    finally:
        drop(con, prefix)


def _explain(con: duckdb.DuckDBPyConnection, staged: Staged) -> None:
    """Add the mapping's word to the quarantine reasons of the rows the import just refused: why a
    value is missing (say, a deal without any date), or how the mapping reads dates and amounts
    (the value was the CRM's text, which the mapping could not read)."""
    import_id = con.execute("SELECT max(import_id) FROM imports WHERE kind = ? AND file = ?",
                            [staged.kind, str(staged.file.path)]).fetchall()[0][0]
    for column, why in staged.missing.items():
        con.execute(
            "UPDATE quarantine SET reason = reason || ' — ' || ? WHERE import_id = ? AND kind = ? "
            "AND column_name = ? AND (value IS NULL OR trim(value) = '')",
            [why, import_id, staged.kind, column])
    for column, how in staged.formats.items():
        con.execute(
            "UPDATE quarantine SET reason = reason || ' — ' || ? WHERE import_id = ? AND kind = ? "
            "AND column_name = ? AND trim(value) <> ''",
            [how, import_id, staged.kind, column])


def _with_notes(result: Any, notes: list[str]) -> Any:
    if not notes:
        return result
    merged = [*(getattr(result, "notes", None) or []), *notes]
    if dataclasses.is_dataclass(result):
        return dataclasses.replace(result, notes=merged)
    if hasattr(result, "model_copy"):
        return result.model_copy(update={"notes": merged})
    result.notes = merged
    return result
