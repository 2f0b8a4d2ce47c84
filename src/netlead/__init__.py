"""netlead: marketing, sales and finance agree once, in netlead.yaml, on what a net sales lead is,
what counts as cost and when a lead is issued; netlead turns CRM and cost data into the numbers
they review together.

    import netlead
    ws = netlead.open("my-workspace")          # a folder holding netlead.yaml and netlead.duckdb
    ws.import_files("leads", ["leads.csv"])
    ws.cpnsli(by="quarter").to_pandas()
"""

from typing import TYPE_CHECKING

from netlead.errors import AgreementError, ImportFileError, NetleadError, WorkspaceError

if TYPE_CHECKING:
    from netlead.workspace import MetricResult, Workspace, init, open

__version__ = "0.1.0"
__all__ = [
    "AgreementError",
    "ImportFileError",
    "MetricResult",
    "NetleadError",
    "Workspace",
    "WorkspaceError",
    "init",
    "open",
]

# The workspace brings DuckDB, Arrow, SQLGlot and pydantic: imported on first use, so that
# `import netlead.errors` and `netlead --help` stay instant.
_FROM_WORKSPACE = frozenset({"MetricResult", "Workspace", "init", "open"})


def __getattr__(name: str):
    if name in _FROM_WORKSPACE:
        from netlead import workspace

        value = globals()[name] = getattr(workspace, name)
        return value
    raise AttributeError(f"module 'netlead' has no attribute {name!r}")
