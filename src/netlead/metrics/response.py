"""D16-D19: response time, the SLA and outcome coding of the handoff, per cohort period."""

from __future__ import annotations

import duckdb
import pyarrow as pa

from netlead.metrics import _sql, periods


def response(
    con: duckdb.DuckDBPyConnection, agreement, by: str = "month", from_=None, to=None, as_of=None
) -> pa.Table:
    """Response and the handoff per period (METRICS D16-D19), over the net leads first issued in
    the period: `period_start, period, net_leads_issued, responded, response_median_minutes,
    response_p90_minutes, sla_met_rate, sla_breaches, outcome_coded_rate`. Response minutes are
    elapsed; the SLA window counts business minutes when the agreement sets business hours."""
    frame = periods.frame(con, agreement, by, from_, to, as_of)
    with periods.registered(con, frame):
        return _sql.arrow(con, "response", frame.params)
