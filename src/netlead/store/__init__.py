"""The store: a DuckDB file holding the canonical tables (schema.sql), the import with quarantine,
and what the store holds. See ARCHITECTURE.md, "store"."""

from netlead.store.columns import COLUMNS, KEYS, KINDS, Column, required
from netlead.store.db import connect
from netlead.store.importer import ImportResult, import_file, import_staged
from netlead.store.quarantine import attribute_names, quarantine, summary

__all__ = [
    "COLUMNS",
    "KEYS",
    "KINDS",
    "Column",
    "ImportResult",
    "attribute_names",
    "connect",
    "import_file",
    "import_staged",
    "quarantine",
    "required",
    "summary",
]
