"""D21-D22: the weekly scorecard and what moved the cost per net sales lead issued."""

from __future__ import annotations

from datetime import timedelta

import duckdb
import pyarrow as pa

from netlead.errors import NetleadError
from netlead.metrics import _sql, periods
from netlead.metrics.cohorts import investment

SPLITS = ("account_type", "channel")


def scorecard(
    con: duckdb.DuckDBPyConnection, agreement, from_=None, to=None, as_of=None, split: str | None = None
) -> pa.Table:
    """The weekly scorecard (METRICS D21-D22): one row per week (and per channel or account type
    with `split`): `period_start, period, [channel | account_type,] gross_leads, net_leads_issued,
    investment, cpnsli, response_median_minutes, response_p90_minutes, sla_met_rate,
    lead_to_opportunity, opportunity_to_win, avg_gross_profit_per_win, gross_profit, cohort_roi`,
    each `*_change` from the week before (the first row's too), then `moved_investment_share,
    moved_volume_share, moved_yield_share` (D22). The cohort numbers of a week are those of the
    leads first issued in it. Split by account type, investment, cpnsli and cohort_roi are null."""
    if split is not None and split not in SPLITS:
        raise NetleadError(f"the scorecard splits by account_type or channel, not {split!r}",
                           "Use --split account_type or --split channel.")
    frame = periods.frame(con, agreement, "week", from_, to, as_of)
    if frame.periods:
        before = agreement.calendar.periods(frame.periods[0].start - timedelta(days=7),
                                            frame.periods[0].start - timedelta(days=1), "week")
        weeks = periods.Frame(frame.as_of, frame.as_of_date, before + frame.periods)
        first_week = frame.periods[0].start
    else:
        weeks, first_week = frame, frame.as_of_date
    # Costs carry no account type: that split needs no investment at all.
    spent = investment(con, agreement, weeks if split != "account_type" else periods.Frame(
        weeks.as_of, weeks.as_of_date, []), "week", by_channel=split == "channel")
    params = {**weeks.params, "split": split or "none", "first_week": first_week}
    with periods.registered(con, weeks, {"metric_investment": spent}):
        table = _sql.arrow(con, "scorecard", params)
    if split is None:
        return table.drop_columns(["split"])
    return table.rename_columns([split if name == "split" else name for name in table.column_names])
