"""D5-D9: investment, net leads issued and the cost per net sales lead issued."""

from __future__ import annotations

import duckdb
import pyarrow as pa

from netlead.metrics import _sql, derived, periods


def cpnsli(
    con: duckdb.DuckDBPyConnection,
    agreement,
    by: str = "month",
    from_=None,
    to=None,
    as_of=None,
    by_channel: bool = False,
) -> pa.Table:
    """Cost per net sales lead issued per period (METRICS D5-D8): `period_start, period,
    investment, net_leads_issued, issued_off_agreement, cpnsli`; with `by_channel` (D9):
    `period_start, period, channel, investment, net_leads_issued, cpnsli`, channels sorted by name
    and `(shared)` last, no rows for an empty period."""
    derived.ensure(con, agreement)
    frame = periods.frame(con, agreement, by, from_, to, as_of)
    with periods.registered(con, frame):
        return _sql.arrow(con, "cpnsli_by_channel" if by_channel else "cpnsli", frame.params)
