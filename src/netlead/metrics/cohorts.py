"""D10-D15: cohort return, and the development table of cumulative gross profit by cohort age."""

from __future__ import annotations

from datetime import date

import duckdb
import pyarrow as pa

from netlead.errors import NetleadError
from netlead.metrics import _sql, periods
from netlead.metrics.cpnsli import cpnsli
from netlead.metrics.cpnsli import investment as cpnsli_investment

COHORT_UNITS = ("month", "quarter")


def investment(con: duckdb.DuckDBPyConnection, agreement, frame: periods.Frame, by: str,
               by_channel: bool = False) -> pa.Table:
    """D7 (or D9 per channel) for the frame's periods, as cpnsli computes it: `period_start, split,
    investment` (split: the channel, else null); periods without costs may be absent."""
    empty = _sql.table({"period_start": ([], pa.date32()), "split": ([], pa.string()),
                        "investment": ([], pa.float64())})
    if not frame.periods:
        return empty
    if by_channel:
        table = cpnsli(con, agreement, by=by, from_=frame.periods[0].start, to=frame.periods[-1].end,
                       as_of=frame.as_of, by_channel=True)
        split = table.column("channel")
    else:
        table = cpnsli_investment(con, frame)
        split = pa.nulls(table.num_rows, pa.string())
    return pa.table({"period_start": table.column("period_start"), "split": split,
                     "investment": table.column("investment")})


def _cohort_frame(con, agreement, by, from_, to, as_of) -> periods.Frame:
    if by not in COHORT_UNITS:
        raise NetleadError(f"cohorts are months or quarters, not {by!r}", "Use --by month or --by quarter.")
    return periods.frame(con, agreement, by, from_, to, as_of)


def cohorts(
    con: duckdb.DuckDBPyConnection, agreement, by: str = "month", from_=None, to=None, as_of=None
) -> pa.Table:
    """Cohort return per period (METRICS D10-D15): the net leads first issued in the period,
    followed through their opportunities up to as_of: `period_start, period, net_leads_issued,
    opportunities, lead_to_opportunity, wins, losses, opportunity_to_win, closed_win_rate, revenue,
    gross_profit, estimated_wins, avg_gross_profit_per_win, investment, cohort_roi, payback_date,
    mature`. Revenue is shown beside gross profit, never used for the return."""
    frame = _cohort_frame(con, agreement, by, from_, to, as_of)
    spent = investment(con, agreement, frame, by)
    with periods.registered(con, frame, {"metric_investment": spent}):
        return _sql.arrow(con, "cohorts", frame.params)


def _months(first: date, last: date) -> int:
    return (last.year * 12 + last.month) - (first.year * 12 + first.month) - (last.day < first.day)


def development(
    con: duckdb.DuckDBPyConnection, agreement, by: str = "month", from_=None, to=None, as_of=None
) -> pa.Table:
    """The development table: per cohort period and whole months since its first day (0 = its
    first month), the cumulative wins and gross profit of its wins closed by then, up to the age
    of as_of (the last row of a cohort is as of as_of): `period_start, period, months_since_start,
    wins, gross_profit`. Actual values only; projections are D28's."""
    frame = _cohort_frame(con, agreement, by, from_, to, as_of)
    oldest = _months(frame.periods[0].start, frame.as_of_date) if frame.periods else -1
    ages = _sql.table({"age": (list(range(max(oldest, -1) + 1)), pa.int32())})
    with periods.registered(con, frame, {"metric_ages": ages}):
        return _sql.arrow(con, "development", frame.params)
