"""D27: time to convert, censoring-aware. The Kaplan-Meier estimate over the net leads first
issued in each period (D5) of the days from their first issue to their first opportunity, or to
their first win: median days with a 95% interval and the share converted by day 30, 60 and 90.

A lead without the event by `as_of` is censored at `as_of`, or at its loss when it was lost before
(its latest opportunity lost, or its latest outcome code's `next` closed). The interval is the
log-log transform of Greenwood's variance ("exponential Greenwood", lifelines' default); the
median's interval is where the band's lower and upper curves first reach one half (null where a
curve never does). Everything is computed in the database over the aggregated distinct
durations: no naive mean over converted leads is ever reported.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from netlead.errors import NetleadError
from netlead.metrics import derived, periods
from netlead.metrics.journey import run, split_name
from netlead.metrics.stuck import outcome_next_table

EVENTS = ("opportunity", "win")


def _run(con, agreement, name, by, from_, to, as_of, split, to_event) -> pa.Table:
    if to_event not in EVENTS:
        raise NetleadError(
            f"time to convert runs to opportunity or win, not {to_event!r}",
            "Use --to-event opportunity or --to-event win.",
        )
    split_column = split_name(split)
    derived.ensure(con, agreement)
    frame = periods.frame(con, agreement, by, from_, to, as_of)
    params = {**frame.params, "split": split_column, "to_event": to_event}
    with periods.registered(con, frame, {"metric_outcome_next": outcome_next_table(agreement)}):
        table = run(con, name, params, base_name="convert_time_km")
    if split is None:
        return table.drop_columns(["split"])
    return table.rename_columns([split if n == "split" else n for n in table.column_names])


def convert_time(
    con: duckdb.DuckDBPyConnection,
    agreement,
    by: str = "month",
    from_=None,
    to=None,
    as_of=None,
    split: str | None = None,
    to_event: str = "opportunity",
) -> pa.Table:
    """Time to convert per cohort period (METRICS D27): `period_start, period, [channel |
    account_type,] leads, converted, censored, median_days, median_days_low, median_days_high,
    converted_by_30, converted_by_60, converted_by_90`; every period of the range present
    (empty: counts 0, the rest null)."""
    return _run(con, agreement, "convert_time", by, from_, to, as_of, split, to_event)


def convert_time_curve(
    con: duckdb.DuckDBPyConnection,
    agreement,
    by: str = "month",
    from_=None,
    to=None,
    as_of=None,
    split: str | None = None,
    to_event: str = "opportunity",
) -> pa.Table:
    """The Kaplan-Meier curve of D27: `period_start, period, [split,] days, at_risk, converted,
    censored, share_not_converted, share_not_converted_low, share_not_converted_high`, one row per
    distinct duration of each cohort (a step function: the share holds until the next row)."""
    return _run(con, agreement, "convert_time_curve", by, from_, to, as_of, split, to_event)
