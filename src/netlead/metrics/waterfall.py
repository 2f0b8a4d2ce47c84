"""D1-D4: the gross-to-net waterfall."""

from __future__ import annotations

import duckdb
import pyarrow as pa

from netlead.metrics import _sql, derived, periods


def steps(agreement) -> list[str]:
    """D4's rows: gross_leads, every rule reason in order of its first rule across the versions
    (rules sharing a reason share a row), not_ready, net_leads."""
    reasons = [rule.reason for version in agreement.versions for rule in version.net.subtract]
    return ["gross_leads", *dict.fromkeys(reasons), "not_ready", "net_leads"]


def waterfall(
    con: duckdb.DuckDBPyConnection, agreement, by: str = "month", from_=None, to=None, as_of=None
) -> pa.Table:
    """The gross-to-net waterfall per period (METRICS D1-D4): `period_start, period, reason,
    count`, every step of every period present, zero counts included."""
    derived.ensure(con, agreement)
    frame = periods.frame(con, agreement, by, from_, to, as_of)
    names = steps(agreement)
    step_table = _sql.table({"step": (list(range(len(names))), pa.int32()), "reason": (names, pa.string())})
    with periods.registered(con, frame, {"metric_steps": step_table}):
        return _sql.arrow(con, "waterfall", frame.params)
