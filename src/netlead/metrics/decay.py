"""D20: lead decay, the conversion of issued net leads by how fast they were answered."""

from __future__ import annotations

import duckdb
import pyarrow as pa

from netlead.metrics import _sql, periods


def decay(
    con: duckdb.DuckDBPyConnection, agreement, from_=None, to=None, as_of=None, by: str = "month"
) -> pa.Table:
    """Lead decay (METRICS D20) over the cohorts of the range (the net leads first issued in its
    periods): `bucket, leads, lead_to_opportunity`, buckets `0-5`, `5-60`, `60-1440`,
    `1440-4320`, `4320+` elapsed minutes to the first response, then `no_response`."""
    frame = periods.frame(con, agreement, by, from_, to, as_of)
    with periods.registered(con, frame):
        return _sql.arrow(con, "decay", frame.params)
