"""D23-D24: the buyer journey: the agreement's stages in order, the leads that reached each, the
conversion to the next stage and the median days in each stage, with the stage's owners.

The stages, owners and stuck thresholds are those of the agreement version in force on `as_of`'s
local date (T4 names no rule for the journey; the current one is what a team reviews). An
opportunity stage the agreement names but the data does not hold by `as_of` is reported with
`never_reached` true and no leads; it is left out of the chain, so the stage before it converts
to the stage after it and a skipped stage is never filled from a stage nobody records. Ownership
is shared, each stage's owners with their shares (`owners`, e.g. "sales 0.8, marketing 0.2"): no
report ranks marketing-sourced against sales-sourced volume.
"""

from __future__ import annotations

import functools
import re
from decimal import Decimal

import duckdb
import pyarrow as pa

from netlead.errors import NetleadError
from netlead.metrics import _sql, derived, facts, periods
from netlead.metrics.facts import FIXED_KINDS

SPLITS = ("channel", "account_type")
# The lead_facts column timing each fixed stage but `net` (entered at the first issue by as_of,
# else at created_at).
FIXED_COLUMNS = {"lead": "created_at", "issued": "first_issued_at", "responded": "first_responded_at",
                 "opportunity": "first_opportunity_at", "won": "first_won_at"}


def owners_text(owners: dict[str, Decimal]) -> str:
    """Each owner with its share, in the agreement's order: `sales 0.8, marketing 0.2`."""
    return ", ".join(f"{name} {format(Decimal(share).normalize(), 'f')}" for name, share in owners.items())


_LEADING_COMMENTS = re.compile(r"(?:\s+|--[^\n]*)*")
_WITH = re.compile(r"WITH\b", re.IGNORECASE)


@functools.cache
def composed(name: str, base_name: str = "journey_lead_stages",
             chain: tuple[str, ...] = ()) -> tuple[str, frozenset[str]]:
    """The SQL of `sql/<name>.sql` with `sql/<base_name>.sql` as its first CTE, named like that
    file, and the parameters it uses: D23 (and D27's estimate) are written once. `chain` names the
    lead_facts column timing each stage of the journey's chain, in order (`chain_columns`): the
    journey's files have a column per stage, written in by `_sql.fill_text` (text, as a journey
    command loads no SQLGlot; every name in it is one lead_facts defines, none is the user's)."""
    placeholders = _chain_placeholders(chain) if base_name == "journey_lead_stages" else {}
    base = _sql.fill_text(_sql.text(base_name), placeholders)
    text = _sql.fill_text(_sql.text(name), placeholders)
    start = _LEADING_COMMENTS.match(text).end()
    if _WITH.match(text, start):
        sql = f"{text[:start]}WITH {base_name} AS (\n{base}\n),{text[start + 4:]}"
    else:
        sql = f"{text[:start]}WITH {base_name} AS (\n{base}\n)\n{text[start:]}"
    return sql, _sql.parameters_of(sql)


def run(
    con: duckdb.DuckDBPyConnection, name: str, params: dict, base_name: str = "journey_lead_stages",
    chain: tuple[str, ...] = (),
) -> pa.Table:
    """Run `sql/<name>.sql` over its base query with the parameters it uses bound."""
    sql, used = composed(name, base_name, chain)
    return con.sql(sql, params={k: v for k, v in params.items() if k in used}).to_arrow_table()


def chain_columns(agreement, stages: list[str]) -> tuple[str, ...]:
    """The lead_facts column timing each of the chain's stages (`net` for the net stage)."""
    columns = {**FIXED_COLUMNS, "net": "net", **facts.journey_stage_columns(agreement)}
    return tuple(columns[stage] for stage in stages)


def _chain_placeholders(chain: tuple[str, ...]) -> dict[str, str | list[str]]:
    """The SQL per chain stage k of journey_lead_stages.sql and the files reading it."""
    stages = range(len(chain))
    moved_on = range(len(chain) - 1)  # stages with a next one

    def known(name: str) -> str:
        if name == "net":  # entered at the first issue by as_of, else at created_at
            return "CASE WHEN f.first_issued_at <= $as_of THEN f.first_issued_at ELSE f.created_at END"
        if name == "created_at":
            return "f.created_at"
        return f"CASE WHEN f.{name} <= $as_of THEN f.{name} END"

    def raised(k: int) -> str:
        latest = ", ".join(f"n.known_{j}" for j in range(k + 1))
        return f"CASE WHEN NOT n.known_{k} IS NULL THEN GREATEST({latest}) END"

    def quantile(k: int, fraction: str) -> str:  # of the days from entering stage k to entering k + 1
        return f"QUANTILE_CONT((EPOCH(s.entered_{k + 1}) - EPOCH(s.entered_{k})) / 86400, {fraction})"

    def by_stage(index: str, value) -> str:
        """CASE index WHEN k THEN value(k) END over the chain (value None: no branch)."""
        branches = [f"WHEN {k} THEN {value(k)}" for k in stages if value(k) is not None]
        return f"CASE {index} {' '.join(branches)} END" if branches else "NULL"

    furthest = " ".join(f"WHEN NOT e.entered_{k} IS NULL THEN {k}" for k in reversed(stages) if k > 0)
    return {
        "__known_times": [f"{known(name)} AS known_{k}" for k, name in enumerate(chain)],
        "__raised_times": [f"{raised(k)} AS raised_{k}" for k in stages],
        "__entered_times": [
            f"LEAST({', '.join(f'r.raised_{j}' for j in range(k, len(chain)))}) AS entered_{k}" for k in stages
        ],
        "__furthest_index": f"CASE {furthest} ELSE 0 END",
        "__entered_columns": [f"e.entered_{k}" for k in stages],
        "__not_net_columns": ["f.created_at AS entered_0"] + [
            f"CAST(NULL AS TIMESTAMPTZ) AS entered_{k}" for k in stages if k > 0
        ],
        "__reached_counts": [f"COUNT(s.entered_{k}) AS reached_{k}" for k in stages],
        "__median_days": [f"{quantile(k, '0.5')} AS median_days_{k}" for k in moved_on],
        "__p90_days": [f"{quantile(k, '0.9')} AS p90_days_{k}" for k in moved_on],
        "__reached": by_stage("m.chain_index", lambda k: f"c.reached_{k}"),
        "__median_days_in_stage": by_stage(
            "m.chain_index", lambda k: f"c.median_days_{k}" if k in moved_on else None),
        "__p90": by_stage("m.chain_index", lambda k: f"h.p90_days_{k}" if k in moved_on else None),
        "__furthest_entered": by_stage("s.furthest_index", lambda k: f"s.entered_{k}"),
    }


def stage_table(con: duckdb.DuckDBPyConnection, agreement, frame: periods.Frame) -> tuple[pa.Table, pa.Table]:
    """(metric_stages, metric_chain) for the version in force on as_of's local date:
    metric_stages(stage_index, stage, chain_index, owners, never_reached, stuck_after_days) and
    metric_chain(chain_index, stage), the chain being the stages the data can hold by as_of."""
    version = agreement.version_on(frame.as_of_date)
    held = {
        stage
        for (stage,) in con.execute(
            "SELECT stage FROM journey_stage_names WHERE first_entered_at <= $as_of", {"as_of": frame.as_of}
        ).fetchall()
    }
    names, chain_indexes, owners, never, stuck = [], [], [], [], []
    chain = 0
    for stage in version.journey:
        absent = stage.stage not in FIXED_KINDS and stage.stage not in held
        names.append(stage.stage)
        chain_indexes.append(None if absent else chain)
        chain += 0 if absent else 1
        owners.append(owners_text(stage.owners))
        never.append(absent)
        stuck.append(None if stage.stuck_after_days is None else float(stage.stuck_after_days))
    stages = _sql.table(
        {
            "stage_index": (list(range(len(names))), pa.int32()),
            "stage": (names, pa.string()),
            "chain_index": (chain_indexes, pa.int32()),
            "owners": (owners, pa.string()),
            "never_reached": (never, pa.bool_()),
            "stuck_after_days": (stuck, pa.float64()),
        }
    )
    in_chain = [(i, n) for i, n in zip(chain_indexes, names, strict=True) if i is not None]
    chain_table = _sql.table(
        {
            "chain_index": ([i for i, _ in in_chain], pa.int32()),
            "stage": ([n for _, n in in_chain], pa.string()),
        }
    )
    return stages, chain_table


def never_reached(con: duckdb.DuckDBPyConnection, agreement, as_of=None) -> list[str]:
    """The opportunity stages the agreement's journey names that the data does not hold by as_of
    (for `netlead check`): the journey reports them as never reached."""
    derived.ensure(con, agreement)
    frame = periods.frame(con, agreement, "month", None, None, as_of)
    stages, _ = stage_table(con, agreement, frame)
    return [
        s for s, n in zip(stages["stage"].to_pylist(), stages["never_reached"].to_pylist(), strict=True) if n
    ]


def split_name(split: str | None) -> str:
    """The $split parameter of the SQL: 'channel', 'account_type' or 'none'."""
    if split is not None and split not in SPLITS:
        raise NetleadError(
            f"the split is by channel or account_type, not {split!r}",
            "Use --split channel or --split account_type.",
        )
    return split or "none"


def journey(
    con: duckdb.DuckDBPyConnection,
    agreement,
    by: str = "month",
    from_=None,
    to=None,
    as_of=None,
    split: str | None = None,
) -> pa.Table:
    """The buyer journey of the leads created in each period (METRICS D23-D24): `period_start,
    period, [channel | account_type,] stage, reached, conversion_to_next, median_days_in_stage,
    owners, never_reached`, the agreement's stages in order, every period of the range present.
    Rates are fractions; days are fractions of 24 hours. With `split`, `reached` adds up across
    the split values to the unsplit count."""
    split_value = split_name(split)
    derived.ensure(con, agreement)
    frame = periods.frame(con, agreement, by, from_, to, as_of)
    stages, chain = stage_table(con, agreement, frame)
    params = {**frame.params, "split": split_value, "all_leads": False}
    with periods.registered(con, frame, {"metric_stages": stages, "metric_chain": chain}):
        table = run(con, "journey", params, chain=chain_columns(agreement, chain["stage"].to_pylist()))
    if split is None:
        return table.drop_columns(["split"])
    return table.rename_columns([split if name == "split" else name for name in table.column_names])


def totals(con: duckdb.DuckDBPyConnection, agreement, from_=None, to=None, as_of=None) -> pa.Table:
    """The journey of the whole range as one group: `stage, chain_index, reached, owners,
    never_reached` in the agreement's order (D26 starts from it)."""
    derived.ensure(con, agreement)
    frame = periods.frame(con, agreement, "month", from_, to, as_of)
    stages, chain = stage_table(con, agreement, frame)
    with periods.registered(con, frame, {"metric_stages": stages, "metric_chain": chain}):
        return run(con, "journey_totals", {**frame.params, "all_leads": False},
                   chain=chain_columns(agreement, chain["stage"].to_pylist()))
