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
    if by_channel:
        with periods.registered(con, frame):
            return _sql.arrow(con, "cpnsli_by_channel", frame.params)
    with periods.registered(con, frame, {"metric_investment": investment(con, frame)}):
        return _sql.arrow(con, "cpnsli", frame.params)


def investment(con: duckdb.DuckDBPyConnection, frame: periods.Frame) -> pa.Table:
    """D7 for the frame's periods: `period_start, investment`, periods without costs absent."""
    with periods.registered(con, frame):
        return _sql.arrow(con, "investment", frame.params)
