"""D26: what-if on the journey: change stage conversions, carry the counts through every later
stage, and compare wins, gross profit and ROI with the base; the lever table says what +1 point
of conversion at each stage alone is worth.

A change to stage k changes `conversion_to_next(k)` (the row of k in the journey), either by
absolute points (`+0.02`, `-0.01`) or relatively (`*1.10`); a conversion stays within [0, 1].
The counts of the range's journey (the leads created in the range) are carried as
`scenario_reached(k+1) = scenario_reached(k) x scenario_conversion(k)`, written as the base count
times the product of `scenario_conversion / base_conversion` so that an unchanged journey gives
the base counts exactly. Gross profit is wins x the range's `avg_gross_profit_per_win` (D13 over
the range's cohorts), ROI uses the range's investment (D7) in both. Counts are aggregates: the
arithmetic over a handful of stages is done here, not in SQL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from netlead.errors import NetleadError
from netlead.metrics import _sql, derived
from netlead.metrics.cohorts import cohorts
from netlead.metrics.journey import totals

_CHANGE = re.compile(r"^\s*([+\-*])\s*(\d+(?:\.\d*)?|\.\d+)\s*$")
POINT = 0.01


@dataclass(frozen=True)
class Base:
    stages: list[str]  # the chain: stages the data can hold, in order
    reached: list[int]
    all_stages: list[tuple[str, bool]]  # every stage of the agreement with never_reached
    avg_gross_profit_per_win: float | None
    investment: float

    def conversions(self) -> list[float | None]:
        """conversion_to_next of each chain stage; None for the last and where nobody reached it."""
        out = []
        for k in range(len(self.stages) - 1):
            out.append(self.reached[k + 1] / self.reached[k] if self.reached[k] else None)
        return [*out, None]


def parse_change(text: str) -> tuple[str, float]:
    """'+0.02' (absolute points), '-0.01', '*1.10' (relative) -> (operator, value)."""
    match = _CHANGE.match(text)
    if match is None:
        raise NetleadError(
            f"cannot read the change {text!r}",
            "Write +0.02 or -0.01 (points of conversion) or *1.10 (relative).",
        )
    return match.group(1), float(match.group(2))


def base(con: duckdb.DuckDBPyConnection, agreement, from_=None, to=None, as_of=None) -> Base:
    derived.ensure(con, agreement)
    stage_totals = totals(con, agreement, from_=from_, to=to, as_of=as_of).to_pylist()
    returns = cohorts(con, agreement, by="month", from_=from_, to=to, as_of=as_of).to_pylist()
    wins = sum(r["wins"] for r in returns)
    gross_profit = sum(float(r["gross_profit"]) for r in returns)
    return Base(
        stages=[t["stage"] for t in stage_totals if t["chain_index"] is not None],
        reached=[t["reached"] for t in stage_totals if t["chain_index"] is not None],
        all_stages=[(t["stage"], t["never_reached"]) for t in stage_totals],
        avg_gross_profit_per_win=gross_profit / wins if wins else None,
        investment=sum(float(r["investment"]) for r in returns),
    )


def _scenario(b: Base, changes: dict[str, tuple[str, float]]) -> tuple[list[float | None], list[float]]:
    base_conversions = b.conversions()
    conversions, reached = [], [float(b.reached[0])]
    ratio = 1.0
    for k, stage in enumerate(b.stages):
        c = base_conversions[k]
        if k == len(b.stages) - 1:
            conversions.append(None)
            break
        new = c
        if stage in changes:
            op, value = changes[stage]
            start = c or 0.0
            new = min(
                1.0, max(0.0, start + value if op == "+" else start - value if op == "-" else start * value)
            )
        conversions.append(new)
        if c:  # the base flow is known: scale it, so that an unchanged stage keeps its count exactly
            ratio *= new / c
            reached.append(b.reached[k + 1] * ratio)
        else:  # nobody moved on in the base: carry the scenario's count by the new rate
            reached.append(reached[k] * (new or 0.0))
            ratio = reached[k + 1] / b.reached[k + 1] if b.reached[k + 1] else 0.0
    return conversions, reached


def _money(b: Base, wins: float) -> tuple[float | None, float | None]:
    if b.avg_gross_profit_per_win is None:
        return None, None
    gross_profit = wins * b.avg_gross_profit_per_win
    return gross_profit, (gross_profit - b.investment) / b.investment if b.investment else None


def _check(b: Base, changes: dict[str, str]) -> dict[str, tuple[str, float]]:
    parsed = {}
    never = {s for s, n in b.all_stages if n}
    for stage, text in changes.items():
        if stage in never:
            raise NetleadError(
                f"stage {stage!r} is never reached in the data", "Change a stage the leads reach."
            )
        if stage not in b.stages[:-1]:
            raise NetleadError(
                f"no conversion to change at stage {stage!r}",
                f"Stages with a conversion to the next: {', '.join(b.stages[:-1])}.",
            )
        parsed[stage] = parse_change(text)
    return parsed


def _delta(base_value, scenario_value):
    return None if base_value is None or scenario_value is None else scenario_value - base_value


def whatif(
    con: duckdb.DuckDBPyConnection, agreement, changes: dict[str, str], from_=None, to=None, as_of=None
) -> pa.Table:
    """Base and scenario of the range's journey (METRICS D26): `item, stage, base, scenario,
    change`, where item is `reached` and `conversion_to_next` per stage (the agreement's order; a
    never-reached stage has 0 and null), then `wins`, `avg_gross_profit_per_win`, `gross_profit`,
    `investment`, `roi` (stage null). `changes` maps a stage to '+0.02', '-0.01' or '*1.10'."""
    b = base(con, agreement, from_, to, as_of)
    conversions, reached = _scenario(b, _check(b, changes))
    base_conversions = b.conversions()
    index = {s: k for k, s in enumerate(b.stages)}
    rows = []
    for stage, never in b.all_stages:
        k = index.get(stage)
        base_count = 0.0 if never else float(b.reached[k])
        scenario_count = 0.0 if never else reached[k]
        rows.append(("reached", stage, base_count, scenario_count, scenario_count - base_count))
        if k is None or k < len(b.stages) - 1:
            c0 = None if never else base_conversions[k]
            c1 = None if never else conversions[k]
            rows.append(("conversion_to_next", stage, c0, c1, _delta(c0, c1)))
    wins0, wins1 = float(b.reached[-1]), reached[-1]
    (gp0, roi0), (gp1, roi1) = _money(b, wins0), _money(b, wins1)
    rows += [
        ("wins", None, wins0, wins1, wins1 - wins0),
        (
            "avg_gross_profit_per_win",
            None,
            b.avg_gross_profit_per_win,
            b.avg_gross_profit_per_win,
            _delta(b.avg_gross_profit_per_win, b.avg_gross_profit_per_win),
        ),
        ("gross_profit", None, gp0, gp1, _delta(gp0, gp1)),
        ("investment", None, b.investment, b.investment, 0.0),
        ("roi", None, roi0, roi1, _delta(roi0, roi1)),
    ]
    names = ["item", "stage", "base", "scenario", "change"]
    types = [pa.string(), pa.string(), pa.float64(), pa.float64(), pa.float64()]
    return _sql.table(
        {n: ([r[i] for r in rows], t) for i, (n, t) in enumerate(zip(names, types, strict=True))}
    )


def levers(con: duckdb.DuckDBPyConnection, agreement, from_=None, to=None, as_of=None) -> pa.Table:
    """The lever table (METRICS D26): for each stage with a conversion to the next, alone, what +1
    point of conversion (+0.01, capped at 1) adds: `stage, conversion_to_next, wins_gained,
    gross_profit_gained`, in the agreement's order (gross profit null without a win to price it)."""
    b = base(con, agreement, from_, to, as_of)
    conversions = b.conversions()
    stages, rates, wins, profits = [], [], [], []
    for k, stage in enumerate(b.stages[:-1]):
        _, reached = _scenario(b, {stage: ("+", POINT)})
        gained = reached[-1] - b.reached[-1]
        stages.append(stage)
        rates.append(conversions[k])
        wins.append(gained)
        profits.append(None if b.avg_gross_profit_per_win is None else gained * b.avg_gross_profit_per_win)
    return _sql.table(
        {
            "stage": (stages, pa.string()),
            "conversion_to_next": (rates, pa.float64()),
            "wins_gained": (wins, pa.float64()),
            "gross_profit_gained": (profits, pa.float64()),
        }
    )
