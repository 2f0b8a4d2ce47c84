"""D25: the leads stuck in a stage, oldest first, for the weekly meeting to act on."""

from __future__ import annotations

from datetime import timedelta

import duckdb
import pyarrow as pa

from netlead.errors import NetleadError
from netlead.metrics import _sql, derived, periods
from netlead.metrics.facts import FIRST_DAY, LAST_DAY
from netlead.metrics.journey import chain_columns, run, stage_table


def outcome_next_table(agreement) -> pa.Table:
    """metric_outcome_next(effective_from, effective_to, code, next): each version's outcome codes
    with the dates it governs (T4: the earliest also governs everything before it)."""
    starts, ends, codes, nexts = [], [], [], []
    versions = agreement.versions
    for index, version in enumerate(versions):
        start = FIRST_DAY if index == 0 else version.effective_from
        end = (
            versions[index + 1].effective_from - timedelta(days=1) if index + 1 < len(versions) else LAST_DAY
        )
        for code in version.outcome_codes:
            starts.append(start)
            ends.append(end)
            codes.append(code.code)
            nexts.append(code.next)
    return _sql.table(
        {
            "effective_from": (starts, pa.date32()),
            "effective_to": (ends, pa.date32()),
            "code": (codes, pa.string()),
            "next": (nexts, pa.string()),
        }
    )


def stuck(con: duckdb.DuckDBPyConnection, agreement, stage: str | None = None, as_of=None) -> pa.Table:
    """The leads stuck in a stage as of `as_of` (METRICS D25), oldest first: `lead_id, stage,
    days_in_stage, threshold_days, threshold_from, entered_at, rep, owners, channel, account_type,
    created_at`. The threshold is the stage's `stuck_after_days` (threshold_from `agreement`), else
    the 90th percentile of the days leads spent in the stage before moving on, over all history
    (`p90`). Won, lost, excluded (latest outcome code's next is closed or nurture) and non-net
    leads are never stuck. `rep` is the rep of the lead's latest issue."""
    derived.ensure(con, agreement)
    frame = periods.frame(con, agreement, "month", None, None, as_of)
    frame = periods.Frame(frame.as_of, frame.as_of_date, [])  # every lead counts: no range
    stages, chain = stage_table(con, agreement, frame)
    names = stages["stage"].to_pylist()
    if stage is not None and stage not in names:
        raise NetleadError(f"unknown stage {stage!r}", f"The agreement's stages: {', '.join(names)}.")
    extra = {
        "metric_stages": stages,
        "metric_chain": chain,
        "metric_outcome_next": outcome_next_table(agreement),
    }
    with periods.registered(con, frame, extra):
        return run(con, "stuck", {**frame.params, "all_leads": True, "stage": stage},
                   chain=chain_columns(agreement, chain["stage"].to_pylist()))
