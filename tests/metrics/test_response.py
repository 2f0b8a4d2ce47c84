"""D16-D19: response minutes, their median and 90th percentile, the SLA met rate and breaches, and
the outcome-coded rate, over the net leads first issued in a period. UTC; the base agreement's SLA
is 60 wall-clock minutes (no business hours) and outcome_within_days 5.

January, as of the end of 31 January:
  r1 issued 5 Jan 10:00, responded 10:30 (30 min: met), outcome 6 Jan
  r2 issued 5 Jan 10:00, a response at 09:00 before the issue (ignored), then 12:00 (120: late)
  r3 issued 5 Jan 10:00, never answered (a breach)
  r4 issued 31 Jan 23:30, not answered by as_of: still inside its window (in neither count)
  r5 issued 10 Jan 10:00 and again 12 Jan (the first counts), responded 10:10 (10: met),
     outcome on 2 Feb (after as_of)
  r6 issued 5 Jan 10:00, responded 11:00, exactly at the window's end (60: met)
  x  issued off the agreement (not net): never counted
"""

import pytest
from conftest import rows

from netlead.metrics import cohort_facts
from netlead.metrics.response import response

COLUMNS = ["period_start", "period", "net_leads_issued", "responded", "response_median_minutes",
           "response_p90_minutes", "sla_met_rate", "sla_breaches", "outcome_coded_rate"]


@pytest.fixture
def january(write_agreement, store_for):
    agreement = write_agreement()
    s = store_for(agreement)
    for lead_id in ("r1", "r2", "r3", "r5", "r6"):
        s.lead(lead_id, "2026-01-02 08:00")
    s.lead("r4", "2026-01-31 08:00")
    s.lead("x", "2026-01-02 08:00", trigger=None, need=None)
    for lead_id in ("r1", "r2", "r3", "r6", "x"):
        s.event(lead_id, "issued", "2026-01-05 10:00")
    s.event("r1", "responded", "2026-01-05 10:30")
    s.event("r1", "outcome", "2026-01-06 10:00", outcome_code="opportunity")
    s.event("r2", "responded", "2026-01-05 09:00")
    s.event("r2", "responded", "2026-01-05 12:00")
    s.event("r4", "issued", "2026-01-31 23:30")
    s.event("r5", "issued", "2026-01-10 10:00")
    s.event("r5", "issued", "2026-01-12 10:00")
    s.event("r5", "responded", "2026-01-10 10:10")
    s.event("r5", "outcome", "2026-02-02 10:00", outcome_code="not_a_fit")
    s.event("r6", "responded", "2026-01-05 11:00")
    s.event("x", "responded", "2026-01-05 10:01")
    s.refresh()
    cohort_facts.refresh(s.con, agreement)
    return s, agreement


def test_d16_d19_response(january):
    s, agreement = january
    table = response(s.con, agreement, from_="2026-01", to="2026-02", as_of="2026-01-31")
    assert table.column_names == COLUMNS
    assert rows(table) == [
        # D17 over 10, 30, 60, 120: the median 45; p90 at rank 2.7: 60 + 0.7 x 60 = 102.
        # D18: met r1, r5, r6; breached r2, r3; r4 in neither. D19: r1-r3, r5, r6 issued at least
        # 5 days before as_of, of which only r1 has an outcome by then.
        ("2026-01-01", "2026-01", 6, 4, 45.0, pytest.approx(102.0), 0.6, 2, 0.2),
        ("2026-02-01", "2026-02", 0, 0, None, None, None, 0, None),
    ]


def test_d18_a_lead_whose_window_closes_later_is_counted_then(january):
    s, agreement = january
    (row,) = rows(response(s.con, agreement, from_="2026-01", to="2026-01", as_of="2026-02-01 00:30"))
    # r4's window closed at 00:30 without a response: a third breach. r5's outcome is not yet in.
    assert row[6:8] == (0.5, 3)
    (row,) = rows(response(s.con, agreement, from_="2026-01", to="2026-01", as_of="2026-02-10"))
    # Now r4 is due an outcome too (6 leads), and r5 has one: 2 of 6.
    assert row[8] == pytest.approx(2 / 6)


def test_d17_as_of_hides_later_responses(january):
    s, agreement = january
    (row,) = rows(response(s.con, agreement, from_="2026-01", to="2026-01", as_of="2026-01-05 11:30"))
    # r1 (30) and r6 (60) have responded; r5 is not issued yet. r3's and r2's windows closed at
    # 11:00 unanswered. No outcome window has passed.
    assert row[2:] == (4, 2, 45.0, 57.0, 0.5, 2, None)


def test_by_week(january):
    s, agreement = january
    table = rows(response(s.con, agreement, by="week", from_="2026-01-05", to="2026-01-11", as_of="2026-01-31"))
    # The week of 5 January holds r1, r2, r3, r6 and r5 (issued on Saturday 10 January).
    assert table == [("2026-01-05", "2026-W02", 5, 4, 45.0, pytest.approx(102.0), 0.6, 2, 0.2)]
