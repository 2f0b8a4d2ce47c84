"""netlead: marketing, sales and finance agree once, in netlead.yaml, on what a net sales lead is,
what counts as cost and when a lead is issued; netlead turns CRM and cost data into the numbers
they review together.

    import netlead
    ws = netlead.open("my-workspace")          # a folder holding netlead.yaml and netlead.duckdb
    ws.import_files("leads", ["leads.csv"])
    ws.cpnsli(by="quarter").to_pandas()
"""

from netlead.errors import AgreementError, ImportFileError, NetleadError, WorkspaceError
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
