"""D26, what-if, on tests/data/journey over 2026-Q1, as of 2026-04-01 00:00 UTC.

The range's journey (all ten leads, test_journey.py): reached lead 10, net 8, issued 8, responded
7, opportunity 5, proposal 3, contract 0 (never in the data, outside the chain), won 2; so the
conversions are 0.8, 1, 7/8, 5/7, 3/5 and 2/3 (proposal -> won). The range's cohorts (D13): O1
1000 in January and O4 500 in February, 2 wins: 750 per win. Investment (D7): media 3000 + labor
1000 = 4000. Base: 2 wins x 750 = 1500 of gross profit, ROI (1500 - 4000) / 4000 = -0.625.
"""

from __future__ import annotations

import pytest
from test_journey import AS_OF, build

from netlead.errors import NetleadError
from netlead.metrics.whatif import levers, parse_change, whatif

RANGE = {"from_": "2026-Q1", "to": "2026-Q1", "as_of": AS_OF}
STAGES = ["lead", "net", "issued", "responded", "opportunity", "proposal", "contract", "won"]
REACHED = [10, 8, 8, 7, 5, 3, 0, 2]
CONVERSIONS = [0.8, 1.0, 7 / 8, 5 / 7, 3 / 5, 2 / 3, None]


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    workspace = build(tmp_path_factory.mktemp("whatif") / "ws")
    yield workspace
    workspace.close()


def base_rows():
    rows = []
    for stage, reached, conversion in zip(STAGES, REACHED, [*CONVERSIONS, "last"], strict=True):
        rows.append({"item": "reached", "stage": stage, "base": reached})
        if conversion != "last":
            rows.append({"item": "conversion_to_next", "stage": stage, "base": conversion})
    return rows + [{"item": "wins", "stage": None, "base": 2.0},
                   {"item": "avg_gross_profit_per_win", "stage": None, "base": 750.0},
                   {"item": "gross_profit", "stage": None, "base": 1500.0},
                   {"item": "investment", "stage": None, "base": 4000.0},
                   {"item": "roi", "stage": None, "base": -0.625}]


def test_a_change_of_nothing_is_the_base_d26(ws):
    for change in ("+0", "*1", "-0.0"):
        table = whatif(ws.con, ws.agreement, {"responded": change}, **RANGE)
        assert table.column_names == ["item", "stage", "base", "scenario", "change"]
        rows = table.to_pylist()
        assert [{k: r[k] for k in ("item", "stage", "base")} for r in rows] == [
            {**r, "base": pytest.approx(r["base"]) if r["base"] is not None else None} for r in base_rows()
        ]
        # Exactly equal: an unchanged journey is carried as the base counts times 1.
        assert [r["scenario"] for r in rows] == [r["base"] for r in rows]
        assert all(r["change"] in (0, None) for r in rows)


def test_two_points_more_at_responded_d26(ws):
    # responded -> opportunity 5/7 + 0.02: opportunity 7 x (5/7 + 0.02) = 5.14, and every later
    # stage x (5/7 + 0.02) / (5/7) = 1.028: proposal 3.084, won 2.056; gross profit 2.056 x 750 =
    # 1542, ROI (1542 - 4000) / 4000 = -0.6145.
    rows = whatif(ws.con, ws.agreement, {"responded": "+0.02"}, **RANGE).to_pylist()
    scenario = {(r["item"], r["stage"]): r["scenario"] for r in rows}
    assert scenario[("reached", "responded")] == 7
    assert scenario[("conversion_to_next", "responded")] == pytest.approx(5 / 7 + 0.02)
    assert scenario[("reached", "opportunity")] == pytest.approx(5.14)
    assert scenario[("reached", "proposal")] == pytest.approx(3.084)
    assert scenario[("reached", "contract")] == 0
    assert scenario[("reached", "won")] == pytest.approx(2.056)
    assert scenario[("wins", None)] == pytest.approx(2.056)
    assert scenario[("gross_profit", None)] == pytest.approx(1542.0)
    assert scenario[("roi", None)] == pytest.approx(-0.6145)
    change = {(r["item"], r["stage"]): r["change"] for r in rows}
    assert change[("gross_profit", None)] == pytest.approx(42.0)


def test_relative_changes_compound_d26(ws):
    # opportunity x 1.10: 0.66; issued: 7/8 + 0.1 = 0.975. Wins 2 x (0.975 / 0.875) x 1.1.
    rows = whatif(ws.con, ws.agreement, {"opportunity": "*1.10", "issued": "+0.1"}, **RANGE).to_pylist()
    scenario = {(r["item"], r["stage"]): r["scenario"] for r in rows}
    assert scenario[("conversion_to_next", "opportunity")] == pytest.approx(0.66)
    assert scenario[("wins", None)] == pytest.approx(2 * (0.975 / 0.875) * 1.1)


def test_conversions_stay_within_0_and_1_d26(ws):
    rows = whatif(ws.con, ws.agreement, {"net": "+0.5", "lead": "-0.9"}, **RANGE).to_pylist()
    scenario = {(r["item"], r["stage"]): r["scenario"] for r in rows}
    assert scenario[("conversion_to_next", "net")] == 1.0
    assert scenario[("conversion_to_next", "lead")] == 0.0
    assert scenario[("wins", None)] == 0.0


def test_lever_table_d26(ws):
    # +1 point at stage k alone: wins x (c_k + 0.01) / c_k, so 2 x 0.01 / c_k more wins, x 750:
    # 15 / c_k of gross profit; net is at 1 already (a conversion stays <= 1).
    assert levers(ws.con, ws.agreement, **RANGE).to_pylist() == [
        {"stage": "lead", "conversion_to_next": 0.8, "wins_gained": pytest.approx(0.025),
         "gross_profit_gained": pytest.approx(18.75)},
        {"stage": "net", "conversion_to_next": 1.0, "wins_gained": 0.0, "gross_profit_gained": 0.0},
        {"stage": "issued", "conversion_to_next": 0.875, "wins_gained": pytest.approx(0.02 / 0.875),
         "gross_profit_gained": pytest.approx(15 / 0.875)},
        {"stage": "responded", "conversion_to_next": pytest.approx(5 / 7), "wins_gained": pytest.approx(0.028),
         "gross_profit_gained": pytest.approx(21.0)},
        {"stage": "opportunity", "conversion_to_next": 0.6, "wins_gained": pytest.approx(0.02 / 0.6),
         "gross_profit_gained": pytest.approx(25.0)},
        {"stage": "proposal", "conversion_to_next": pytest.approx(2 / 3), "wins_gained": pytest.approx(0.03),
         "gross_profit_gained": pytest.approx(22.5)},
    ]


@pytest.mark.parametrize("changes", [{"contract": "+0.01"}, {"won": "+0.01"}, {"closing": "+0.01"},
                                     {"responded": "0.02"}, {"responded": "+x"}])
def test_bad_changes_are_refused(ws, changes):
    with pytest.raises(NetleadError):
        whatif(ws.con, ws.agreement, changes, **RANGE)


def test_parse_change():
    assert parse_change("+0.02") == ("+", 0.02)
    assert parse_change("*1.10") == ("*", 1.1)
    assert parse_change(" -0.01 ") == ("-", 0.01)
