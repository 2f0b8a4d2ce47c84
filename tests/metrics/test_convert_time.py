"""D27, time to convert (Kaplan-Meier), on tests/data/journey, as of 2026-04-01 00:00 UTC.

January's cohort (net leads first issued in January), days from the first issue:
  to the first opportunity:
    A1 issued 5 Jan 10:00, O1 8 Jan 10:00: converted at 3
    A2 issued 7 Jan, O2 9 Jan: converted at 2
    A3 issued 11 Jan, outcome not_a_fit (next closed) 13 Jan: lost, censored at 2
    A4 issued 13 Jan, nothing: censored at as_of, 78
  At 2: 4 at risk, 1 converts: S = 3/4. At 3: 2 at risk (A1, A4), 1 converts: S = 3/8.
  Median 3 (the first time S <= 1/2); converted by day 30, 60, 90: 1 - 3/8 = 0.625.
  Greenwood: at 2, 1 / (4 x 3) = 1/12; at 3, + 1 / (2 x 1) = 7/12. The 95% band (log-log):
  S^exp(+-1.96 sqrt(G) / |ln S|); at 2 the lower band is 0.128 (<= 1/2: the median's lower bound
  is 2), the upper band never reaches 1/2 (0.96, 0.81): no upper bound.
  to the first win:
    A1 won 20 Jan 10:00: converted at 15; A2 lost (O2 lost 19 Jan): censored at 12; A3 censored at
    its loss, 2; A4 censored at 78. At 15: 2 at risk, 1 converts: S = 1/2, the median is 15.
February's cohort to the first opportunity: B4's opportunity before its issue is at 0, B2 at 1,
B3 at 2; B1 (outcome no_contact: still working) censored at as_of, 57.5. At 0, 4 at risk: S = 3/4;
at 1, 3 at risk: 1/2 (the median); at 2, 2 at risk: 1/4.
"""

from __future__ import annotations

import math

import pytest
from test_journey import AS_OF, build

from netlead.errors import NetleadError
from netlead.metrics.convert_time import convert_time, convert_time_curve

Z = 1.959963984540054
RANGE = {"from_": "2026-01", "to": "2026-03", "as_of": AS_OF}


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    workspace = build(tmp_path_factory.mktemp("convert") / "ws")
    yield workspace
    workspace.close()


def band(survival: float, greenwood: float) -> tuple[float, float]:
    """The log-log 95% band around S (exponential Greenwood), written out."""
    log = math.log(survival)
    spread = Z * math.sqrt(greenwood) / abs(log)
    return survival ** math.exp(spread), survival ** math.exp(-spread)


def plain(table):
    return [{k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row.items()} for row in table.to_pylist()]


def test_time_to_opportunity_d27(ws):
    assert plain(convert_time(ws.con, ws.agreement, **RANGE)) == [
        {"period_start": "2026-01-01", "period": "2026-01", "leads": 4, "converted": 2, "censored": 2,
         "median_days": 3.0, "median_days_low": 2.0, "median_days_high": None,
         "converted_by_30": pytest.approx(0.625), "converted_by_60": pytest.approx(0.625),
         "converted_by_90": pytest.approx(0.625)},
        {"period_start": "2026-02-01", "period": "2026-02", "leads": 4, "converted": 3, "censored": 1,
         "median_days": 1.0, "median_days_low": 0.0, "median_days_high": None,
         "converted_by_30": pytest.approx(0.75), "converted_by_60": pytest.approx(0.75),
         "converted_by_90": pytest.approx(0.75)},
        {"period_start": "2026-03-01", "period": "2026-03", "leads": 0, "converted": 0, "censored": 0,
         "median_days": None, "median_days_low": None, "median_days_high": None,
         "converted_by_30": None, "converted_by_60": None, "converted_by_90": None},
    ]


def test_curve_with_censoring_d27(ws):
    low2, high2 = band(3 / 4, 1 / 12)
    low3, high3 = band(3 / 8, 7 / 12)
    assert (round(low2, 4), round(high2, 4), round(low3, 4), round(high3, 4)) == (0.1279, 0.9605, 0.011, 0.808)
    curve = plain(convert_time_curve(ws.con, ws.agreement, from_="2026-01", to="2026-01", as_of=AS_OF))
    assert curve == [
        {"period_start": "2026-01-01", "period": "2026-01", "days": 2.0, "at_risk": 4, "converted": 1, "censored": 1,
         "share_not_converted": pytest.approx(0.75), "share_not_converted_low": pytest.approx(low2),
         "share_not_converted_high": pytest.approx(high2)},
        {"period_start": "2026-01-01", "period": "2026-01", "days": 3.0, "at_risk": 2, "converted": 1, "censored": 0,
         "share_not_converted": pytest.approx(0.375), "share_not_converted_low": pytest.approx(low3),
         "share_not_converted_high": pytest.approx(high3)},
        {"period_start": "2026-01-01", "period": "2026-01", "days": 78.0, "at_risk": 1, "converted": 0, "censored": 1,
         "share_not_converted": pytest.approx(0.375), "share_not_converted_low": pytest.approx(low3),
         "share_not_converted_high": pytest.approx(high3)},
    ]


def test_time_to_win_censors_at_the_loss_d27(ws):
    january = convert_time(ws.con, ws.agreement, from_="2026-01", to="2026-01", as_of=AS_OF, to_event="win")
    low, _ = band(1 / 2, 1 / (2 * 1))
    assert low < 0.5
    assert plain(january) == [
        {"period_start": "2026-01-01", "period": "2026-01", "leads": 4, "converted": 1, "censored": 3,
         "median_days": 15.0, "median_days_low": 15.0, "median_days_high": None,
         "converted_by_30": pytest.approx(0.5), "converted_by_60": pytest.approx(0.5),
         "converted_by_90": pytest.approx(0.5)},
    ]
    curve = convert_time_curve(ws.con, ws.agreement, from_="2026-01", to="2026-01", as_of=AS_OF, to_event="win")
    assert [(r["days"], r["at_risk"], r["converted"], r["censored"], r["share_not_converted"])
            for r in curve.to_pylist()] == [(2.0, 4, 0, 1, 1.0), (12.0, 3, 0, 1, 1.0), (15.0, 2, 1, 0, 0.5),
                                            (78.0, 1, 0, 1, 0.5)]


def test_as_of_censors_d27(ws):
    # As of 8 Jan 12:00 only A1 and A2 are issued: A1 converted at 3 (8 Jan 10:00), A2 is censored at
    # as_of, 1.5 days after its issue. S(3) = 1/2.
    rows = convert_time(ws.con, ws.agreement, from_="2026-01", to="2026-01", as_of="2026-01-08T12:00").to_pylist()
    assert [(r["leads"], r["converted"], r["censored"], r["median_days"]) for r in rows] == [(2, 1, 1, 3.0)]


def test_split_by_channel_adds_up_d27(ws):
    rows = convert_time(ws.con, ws.agreement, split="channel", **RANGE).to_pylist()
    assert [(r["period"], r["channel"], r["leads"], r["converted"]) for r in rows] == [
        ("2026-01", "paid", 2, 2), ("2026-01", "webinar", 2, 0), ("2026-02", "paid", 2, 1),
        ("2026-02", "webinar", 2, 2), ("2026-03", "paid", 0, 0), ("2026-03", "webinar", 0, 0),
    ]


def test_unknown_event_is_refused(ws):
    with pytest.raises(NetleadError):
        convert_time(ws.con, ws.agreement, to_event="meeting")
