"""D28: projected cohort return, clearly labelled projected and never mixed into D13-D15.

The development triangle is helper `cohorts.development` (cumulative gross profit of each monthly
cohort's wins by whole months since the cohort's first day, as of `as_of`), over every cohort from
the first period with data, so the factors use all history whatever range is shown. Chain ladder:
the age-to-age factor f_k is the volume-weighted sum C(k+1) / sum C(k) over the cohorts that have
both ages, using only ages up to each cohort's maturity age (whole months from its first day to its
last day + `sales_cycle_days`): no development is assumed past the sales cycle. A cohort's
projected ultimate is its latest value times the factors from its latest age to its maturity age,
so a cohort at or past that age (every mature cohort) is projected at its actual value.

Mack (1993) standard error of the ultimate:
    sigma2_k = sum_i C_ik (C_i,k+1 / C_ik - f_k)^2 / (n_k - 1)
    mse_i    = U_i^2 * sum_k (sigma2_k / f_k^2) * (1 / C^_ik + 1 / sum_j C_jk)
over the ages k still to develop, C^_ik the projected value at age k; for the last age with one
cohort sigma2 = min(sigma2_{k-1}^2 / sigma2_{k-2}, sigma2_{k-2}, sigma2_{k-1}) (Mack's
extrapolation; 0 when there is nothing to extrapolate from). A factor with nothing to weigh
(sum C(k) = 0) is 1. The interval is the ultimate +- 1.96 s.e. The triangle is an aggregate (cohorts
x months), so the arithmetic is done here.
"""

from __future__ import annotations

from datetime import timedelta

import duckdb
import pyarrow as pa

from netlead.metrics import _sql, derived, periods
from netlead.metrics.cohorts import _months, cohorts, development

Z = 1.959963984540054


def _maturity_age(agreement, start, end) -> int:
    cycle = agreement.version_on(start).sales_cycle_days  # T4: in force on the cohort's first day
    return _months(start, end + timedelta(days=cycle))


def chain_ladder(triangle: dict, maturity: dict) -> tuple[dict, dict, dict]:
    """(factors f_k, sigma2_k, sums S_k) of a triangle {cohort: [C_0, C_1, ...]} with each
    cohort's maturity age; pairs (k, k+1) count only where k + 1 <= the cohort's maturity age."""
    ages = max((len(v) for v in triangle.values()), default=0)
    factors, sigma2, sums = {}, {}, {}
    for k in range(ages - 1):
        pairs = [(v[k], v[k + 1]) for c, v in triangle.items() if len(v) > k + 1 and k + 1 <= maturity[c]]
        if not pairs:
            continue
        total = sum(a for a, _ in pairs)
        sums[k] = total
        factors[k] = sum(b for _, b in pairs) / total if total else 1.0
        used = [(a, b) for a, b in pairs if a > 0]
        if len(used) > 1:
            sigma2[k] = sum(a * (b / a - factors[k]) ** 2 for a, b in used) / (len(used) - 1)
        elif k >= 2 and sigma2.get(k - 2, 0) > 0 and k - 1 in sigma2:
            sigma2[k] = min(sigma2[k - 1] ** 2 / sigma2[k - 2], sigma2[k - 2], sigma2[k - 1])
        else:
            sigma2[k] = 0.0
    return factors, sigma2, sums


def project(
    values: list[float], maturity: int, factors: dict, sigma2: dict, sums: dict
) -> tuple[float, float]:
    """(ultimate, Mack standard error) of one cohort's cumulative values by age."""
    latest = len(values) - 1
    projected = [values[-1]]
    for k in range(latest, maturity):
        projected.append(projected[-1] * factors.get(k, 1.0))
    ultimate = projected[-1]
    if ultimate == 0:
        return ultimate, 0.0
    total = 0.0
    for step, k in enumerate(range(latest, maturity)):
        f = factors.get(k, 1.0)
        if sigma2.get(k, 0.0) == 0 or projected[step] == 0:
            continue
        total += sigma2[k] / f**2 * (1 / projected[step] + (1 / sums[k] if sums.get(k) else 0.0))
    return ultimate, (ultimate**2 * total) ** 0.5


def projected(con: duckdb.DuckDBPyConnection, agreement, from_=None, to=None, as_of=None) -> pa.Table:
    """Projected return of each monthly cohort (METRICS D28), labelled projected: `period_start,
    period, investment, gross_profit_to_date, projected_gross_profit, projected_gross_profit_low,
    projected_gross_profit_high, projected_roi, mature, months_since_start,
    projected_standard_error`. Investment, gross profit to date and mature are D7, D13 and D15."""
    derived.ensure(con, agreement)
    frame = periods.frame(con, agreement, "month", from_, to, as_of)
    history = development(con, agreement, by="month", as_of=frame.as_of).to_pylist()
    triangle: dict = {}
    for row in history:
        triangle.setdefault(row["period_start"], []).append(float(row["gross_profit"]))
    maturity = {p: _maturity_age(agreement, p, periods_end(agreement, p)) for p in triangle}
    factors, sigma2, sums = chain_ladder(triangle, maturity)
    shown = cohorts(con, agreement, by="month", from_=from_, to=to, as_of=frame.as_of).to_pylist()
    columns: dict[str, list] = {name: [] for name in COLUMNS}
    for row in shown:
        start = row["period_start"]
        values = triangle.get(start)
        investment = float(row["investment"])
        if values:
            ultimate, error = project(values, maturity[start], factors, sigma2, sums)
            low, high = ultimate - Z * error, ultimate + Z * error
            roi = (ultimate - investment) / investment if investment else None
        else:
            ultimate = error = low = high = roi = None
        for name, value in zip(
            COLUMNS,
            (
                start,
                row["period"],
                investment,
                float(row["gross_profit"]),
                ultimate,
                low,
                high,
                roi,
                row["mature"],
                len(values) - 1 if values else None,
                error,
            ),
            strict=True,
        ):
            columns[name].append(value)
    return _sql.table({name: (values, TYPES[name]) for name, values in columns.items()})


def periods_end(agreement, start):
    return agreement.calendar.period_end(start, "month")


COLUMNS = (
    "period_start",
    "period",
    "investment",
    "gross_profit_to_date",
    "projected_gross_profit",
    "projected_gross_profit_low",
    "projected_gross_profit_high",
    "projected_roi",
    "mature",
    "months_since_start",
    "projected_standard_error",
)
TYPES = {
    "period_start": pa.date32(),
    "period": pa.string(),
    "mature": pa.bool_(),
    "months_since_start": pa.int64(),
    **{
        n: pa.float64()
        for n in COLUMNS
        if n not in ("period_start", "period", "mature", "months_since_start")
    },
}
