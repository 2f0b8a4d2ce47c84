"""D28, projected cohort return (chain ladder with Mack's standard error), on a store built by hand:
UTC, sales_cycle_days 89, as of 2026-05-15. Each month's leads are issued on its first day; the
wins (gross profit) by cohort and age in whole months since the cohort's first day:

    cohort  age 0        age 1        age 2        cumulative by age (the triangle)
    Jan     J1 100 15/1  J2 100 10/2  J3 50 10/3   100, 200, 250, 250, 250
    Feb     F1 200 15/2  F2 200 15/3  F3 50 15/4   200, 400, 450, 450
    Mar     M1 100 15/3  M2  50 10/4               100, 150, 150
    Apr     P1  50 10/4  P2  50 10/5               50, 100
Maturity age: the last day + 89 days, in whole months from the first day: Jan 30 Apr -> 3, Feb 28 May
-> 3, Mar 28 Jun -> 3, Apr 28 Jul -> 3: no development past age 3. Jan is mature (30 Apr <= 15 May).
Factors: f0 = (200 + 400 + 150 + 100) / (100 + 200 + 100 + 50) = 850/450, f1 = (250 + 450 + 150) /
(200 + 400 + 150) = 850/750, f2 = (250 + 450) / (250 + 450) = 1.
Investment: 100 on the first of each month.
"""

from __future__ import annotations

import pytest
from conftest import version

from netlead.metrics import cohort_facts, journey_facts
from netlead.metrics.projected import Z, chain_ladder, project, projected

WINS = {
    "J": ("2026-01-01", [("2026-01-15", 100), ("2026-02-10", 100), ("2026-03-10", 50)]),
    "F": ("2026-02-01", [("2026-02-15", 200), ("2026-03-15", 200), ("2026-04-15", 50)]),
    "M": ("2026-03-01", [("2026-03-15", 100), ("2026-04-10", 50)]),
    "P": ("2026-04-01", [("2026-04-10", 50), ("2026-05-10", 50)]),
}
AS_OF = "2026-05-15"


@pytest.fixture
def store(write_agreement, store_for):
    agreement = write_agreement(version(sales_cycle_days=89))
    s = store_for(agreement)
    for prefix, (day, wins) in WINS.items():
        for n, (closed, gross_profit) in enumerate(wins, start=1):
            lead_id = f"{prefix}{n}"
            s.lead(lead_id, f"{day}T00:00:00")
            s.event(lead_id, "issued", f"{day}T01:00:00", rep_id="r1")
            s._insert("opportunities", {"opportunity_id": f"O{lead_id}", "lead_id": lead_id,
                                        "created_at": f"{day}T02:00:00", "status": "won",
                                        "closed_at": f"{closed}T12:00:00", "gross_profit": gross_profit})
        s.cost(100, date=day)
    s.refresh()
    cohort_facts.refresh(s.con, agreement)
    journey_facts.refresh(s.con, agreement)
    return s, agreement


def test_chain_ladder_triangle_by_hand_d28():
    triangle = {"jan": [100, 200, 250, 250, 250], "feb": [200, 400, 450, 450], "mar": [100, 150, 150],
                "apr": [50, 100]}
    factors, sigma2, sums = chain_ladder(triangle, dict.fromkeys(triangle, 3))
    assert factors == {0: pytest.approx(850 / 450), 1: pytest.approx(850 / 750), 2: 1.0}  # no factor 3->4
    # sigma2_k = sum_i C_ik (C_i,k+1 / C_ik - f_k)^2 / (n_k - 1)
    f0, f1 = 850 / 450, 850 / 750
    assert sigma2[0] == pytest.approx((100 * (2 - f0) ** 2 + 200 * (2 - f0) ** 2 + 100 * (1.5 - f0) ** 2
                                       + 50 * (2 - f0) ** 2) / 3)
    assert sigma2[1] == pytest.approx((200 * (1.25 - f1) ** 2 + 400 * (1.125 - f1) ** 2 + 150 * (1 - f1) ** 2) / 2)
    assert sigma2[1] == pytest.approx(65 / 24)
    assert sigma2[2] == 0.0
    assert sums == {0: 450, 1: 750, 2: 700}
    # apr: latest 100 at age 1, x f1 x f2; mse = U^2 x sigma2_1 / f1^2 x (1/100 + 1/750).
    ultimate, error = project(triangle["apr"], 3, factors, sigma2, sums)
    assert ultimate == pytest.approx(100 * 17 / 15)
    assert error == pytest.approx((ultimate**2 * (65 / 24) / f1**2 * (1 / 100 + 1 / 750)) ** 0.5)
    assert project(triangle["jan"], 3, factors, sigma2, sums) == (250, 0.0)   # past its maturity age


def test_mack_extrapolates_the_last_sigma_d28():
    # Age 2 -> 3 has one cohort: sigma2_2 = min(sigma2_1^2 / sigma2_0, sigma2_0, sigma2_1).
    triangle = {"a": [100, 200, 300, 330], "b": [100, 150, 200], "c": [100, 180]}
    factors, sigma2, _ = chain_ladder(triangle, dict.fromkeys(triangle, 5))
    assert sigma2[2] == pytest.approx(min(sigma2[1] ** 2 / sigma2[0], sigma2[0], sigma2[1]))
    assert factors[2] == pytest.approx(1.1)


def test_projected_cohorts_d28(store):
    s, agreement = store
    rows = projected(s.con, agreement, from_="2026-01", to="2026-04", as_of=AS_OF).to_pylist()
    f1 = 850 / 750
    april = 100 * f1
    april_error = (april**2 * (65 / 24) / f1**2 * (1 / 100 + 1 / 750)) ** 0.5
    got = [{k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in r.items()} for r in rows]
    assert got == [
        # Mature: the projection is the actual value.
        {"period_start": "2026-01-01", "period": "2026-01", "investment": 100.0, "gross_profit_to_date": 250.0,
         "projected_gross_profit": 250.0, "projected_gross_profit_low": 250.0, "projected_gross_profit_high": 250.0,
         "projected_roi": 1.5, "mature": True, "months_since_start": 4, "projected_standard_error": 0.0},
        # At its maturity age already (age 3, May): nothing left to develop.
        {"period_start": "2026-02-01", "period": "2026-02", "investment": 100.0, "gross_profit_to_date": 450.0,
         "projected_gross_profit": 450.0, "projected_gross_profit_low": 450.0, "projected_gross_profit_high": 450.0,
         "projected_roi": 3.5, "mature": False, "months_since_start": 3, "projected_standard_error": 0.0},
        # 150 x f2 (= 1, no spread).
        {"period_start": "2026-03-01", "period": "2026-03", "investment": 100.0, "gross_profit_to_date": 150.0,
         "projected_gross_profit": 150.0, "projected_gross_profit_low": 150.0, "projected_gross_profit_high": 150.0,
         "projected_roi": 0.5, "mature": False, "months_since_start": 2, "projected_standard_error": 0.0},
        {"period_start": "2026-04-01", "period": "2026-04", "investment": 100.0, "gross_profit_to_date": 100.0,
         "projected_gross_profit": pytest.approx(april), "projected_gross_profit_low": pytest.approx(april - Z * april_error),
         "projected_gross_profit_high": pytest.approx(april + Z * april_error),
         "projected_roi": pytest.approx((april - 100) / 100), "mature": False, "months_since_start": 1,
         "projected_standard_error": pytest.approx(april_error)},
    ]


def test_a_mature_cohorts_projection_is_its_actual_d28(store):
    s, agreement = store
    # As of 2026-06-30 January, February (28 May) and March (28 Jun) are mature: each projection
    # equals its actual value, with no spread.
    for row in projected(s.con, agreement, from_="2026-01", to="2026-04", as_of="2026-06-30").to_pylist():
        if row["mature"]:
            assert row["projected_gross_profit"] == row["gross_profit_to_date"]
            assert row["projected_standard_error"] == 0.0
    mature = [r["period"] for r in projected(s.con, agreement, as_of="2026-06-30").to_pylist() if r["mature"]]
    assert mature == ["2026-01", "2026-02", "2026-03"]
