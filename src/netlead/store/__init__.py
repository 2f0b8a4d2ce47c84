"""The store: a DuckDB file holding the canonical tables (schema.sql), the import with quarantine,
and what the store holds. See ARCHITECTURE.md, "store".

The import (and the SQLGlot it builds SQL with) is loaded on first use: a metric command opens
the store and never imports."""

from typing import TYPE_CHECKING

from netlead.store.columns import COLUMNS, KEYS, KINDS, Column, required
from netlead.store.db import connect, import_memory
from netlead.store.quarantine import attribute_names, quarantine, summary

if TYPE_CHECKING:
    from netlead.store.importer import ImportResult, import_file, import_staged

__all__ = [
    "COLUMNS",
    "KEYS",
    "KINDS",
    "Column",
    "ImportResult",
    "attribute_names",
    "connect",
    "import_memory",
    "import_file",
    "import_staged",
    "quarantine",
    "required",
    "summary",
]

_FROM_IMPORTER = frozenset({"ImportResult", "import_file", "import_staged"})


def __getattr__(name: str):
    if name in _FROM_IMPORTER:
        from netlead.store import importer

        value = globals()[name] = getattr(importer, name)
        return value
    raise AttributeError(f"module 'netlead.store' has no attribute {name!r}")
