"""D21-D22: the weekly scorecard. UTC, weeks from Monday, SLA 60 wall-clock minutes, as of the end
of 31 January 2026. The range is the weeks of 12 and 19 January; the first row compares with the
week of 5 January, outside the range.

Week of 5 Jan (W02): a1, a2 created on the 5th, issued on the 6th; a1 answered in 30 minutes, a2 in
  90 (late); a1 has an opportunity won on the 20th, gross profit 200. Media 100 on the 7th.
Week of 12 Jan (W03): b1-b4 created on the 12th; b1-b3 issued on the 13th, b4 never. b1 answered in
  10 minutes, b2 in 20, b3 never. b1 has a lost opportunity, b2 one won on the 22nd (600).
  Media 300 on the 14th.
Week of 19 Jan (W04): c1 created, never issued: zero net leads issued. Media 50 on the 21st.

Channels: everything is web except a2 and b3 (paid); the media of W03 is 200 web + 100 paid.
Account types: a1, b1, b2, c1 new_logo; a2, b3, b4 existing_account.
"""

import math

import pytest

from netlead.metrics import cohort_facts
from netlead.metrics.scorecard import scorecard

NAMES = ["gross_leads", "net_leads_issued", "investment", "cpnsli", "response_median_minutes",
         "response_p90_minutes", "sla_met_rate", "lead_to_opportunity", "opportunity_to_win",
         "avg_gross_profit_per_win", "gross_profit", "cohort_roi"]
MOVED = ["moved_investment_share", "moved_volume_share", "moved_yield_share"]
RANGE = dict(from_="2026-01-12", to="2026-01-25", as_of="2026-01-31")


@pytest.fixture
def weeks(write_agreement, store_for):
    agreement = write_agreement()
    s = store_for(agreement)
    leads = {  # id: (created, issued, minutes to respond, channel, account type)
        "a1": ("2026-01-05 09:00", "2026-01-06 10:00", 30, "web", "new_logo"),
        "a2": ("2026-01-05 09:00", "2026-01-06 10:00", 90, "paid", "existing_account"),
        "b1": ("2026-01-12 09:00", "2026-01-13 10:00", 10, "web", "new_logo"),
        "b2": ("2026-01-12 09:00", "2026-01-13 10:00", 20, "web", "new_logo"),
        "b3": ("2026-01-12 09:00", "2026-01-13 10:00", None, "paid", "existing_account"),
        "b4": ("2026-01-12 09:00", None, None, "web", "existing_account"),
        "c1": ("2026-01-19 09:00", None, None, "web", "new_logo"),
    }
    for lead_id, (created, issued, minutes, channel, account_type) in leads.items():
        s.lead(lead_id, created, channel=channel, account_type=account_type)
        if issued:
            s.event(lead_id, "issued", issued)
        if minutes:
            s.event(lead_id, "responded", f"{issued[:11]}10:{minutes:02d}" if minutes < 60 else f"{issued[:11]}11:30")
    for opportunity_id, lead_id, status, closed_at, profit in (
        ("oa1", "a1", "won", "2026-01-20", 200), ("ob1", "b1", "lost", "2026-01-21", None),
        ("ob2", "b2", "won", "2026-01-22", 600),
    ):
        s._insert("opportunities", {"opportunity_id": opportunity_id, "lead_id": lead_id, "created_at": "2026-01-15",
                                    "status": status, "closed_at": closed_at, "gross_profit": profit})
    s.cost(100, date="2026-01-07", channel="web")
    s.cost(200, date="2026-01-14", channel="web")
    s.cost(100, date="2026-01-14", channel="paid")
    s.cost(50, date="2026-01-21", channel="web")
    s.refresh()
    cohort_facts.refresh(s.con, agreement)
    return s, agreement


def test_d21_d22_weekly_rows(weeks):
    s, agreement = weeks
    table = scorecard(s.con, agreement, **RANGE)
    assert table.column_names == ["period_start", "period", *NAMES, *[f"{n}_change" for n in NAMES], *MOVED]
    w03, w04 = table.to_pylist()
    values = [w03[n] for n in NAMES]
    # W03: cpnsli 300 / 3; response over 10, 20 (b3 unanswered): median 15, p90 19; SLA: b1, b2 met,
    # b3 breached; 2 of 3 leads have an opportunity, 1 of 2 won; ROI (600 - 300) / 300.
    assert values == [4, 3, 300.0, 100.0, 15.0, pytest.approx(19.0), pytest.approx(2 / 3), pytest.approx(2 / 3),
                      0.5, 600.0, 600, 1.0]
    # Against W02 (outside the range): 2 gross, 2 issued, 100, cpnsli 50, median 60 (30, 90),
    # p90 84, SLA 0.5, lead_to_opportunity 0.5, opportunity_to_win 1.0, avg 200, profit 200, ROI 1.0.
    changes = [w03[f"{n}_change"] for n in NAMES]
    assert changes == [2, 1, 200.0, 50.0, -45.0, pytest.approx(-65.0), pytest.approx(1 / 6), pytest.approx(1 / 6),
                       -0.5, 400.0, 400, 0.0]
    # D22: ln(100/50) = ln(300/100) - ln(4/2) - ln(0.75/1).
    log_change = math.log(2)
    assert [w03[n] for n in MOVED] == [pytest.approx(math.log(3) / log_change), pytest.approx(-1.0),
                                       pytest.approx(-math.log(0.75) / log_change)]
    assert sum(w03[n] for n in MOVED) == pytest.approx(1.0, rel=1e-12)
    # W04: zero net leads issued: cpnsli null and its change null, nothing moved; ROI (0 - 50) / 50.
    assert [w04[n] for n in NAMES] == [1, 0, 50.0, None, None, None, None, None, None, None, 0, -1.0]
    assert [w04[f"{n}_change"] for n in NAMES] == [-3, -3, -250.0, None, None, None, None, None, None, None,
                                                   -600, -2.0]
    assert [w04[n] for n in MOVED] == [None, None, None]
    assert (w03["period_start"].isoformat(), w03["period"], w04["period"]) == ("2026-01-12", "2026-W03", "2026-W04")


def test_d21_split_by_account_type_has_no_investment(weeks):
    s, agreement = weeks
    table = scorecard(s.con, agreement, split="account_type", **RANGE)
    assert table.column_names[:4] == ["period_start", "period", "account_type", "gross_leads"]
    got = [(r["period"], r["account_type"], r["gross_leads"], r["net_leads_issued"], r["investment"], r["cpnsli"],
            r["cohort_roi"], r["lead_to_opportunity"], r["gross_leads_change"], r["moved_investment_share"])
           for r in table.to_pylist()]
    assert got == [
        # existing_account: b3, b4 created (a2 the week before); b3 issued (a2 before).
        ("2026-W03", "existing_account", 2, 1, None, None, None, 0.0, 1, None),
        ("2026-W03", "new_logo", 2, 2, None, None, None, 1.0, 1, None),
        ("2026-W04", "existing_account", 0, 0, None, None, None, None, -2, None),
        ("2026-W04", "new_logo", 1, 0, None, None, None, None, -1, None),
    ]


def test_d21_split_by_channel_uses_d9_investment(weeks):
    s, agreement = weeks
    table = scorecard(s.con, agreement, split="channel", **RANGE)
    assert table.column_names[:3] == ["period_start", "period", "channel"]
    got = [(r["period"], r["channel"], r["gross_leads"], r["net_leads_issued"], r["investment"], r["cpnsli"],
            r["cpnsli_change"], r["moved_investment_share"], r["moved_volume_share"], r["moved_yield_share"])
           for r in table.to_pylist()]
    # W02 was web: a1 (1 gross, 1 issued, 100); paid: a2 (1, 1, nothing invested).
    # web W03: ln(100/100) = 0: nothing moved; paid had no investment in W02: no shares.
    assert got == [
        ("2026-W03", "paid", 1, 1, 100.0, 100.0, 100.0, None, None, None),
        ("2026-W03", "web", 3, 2, 200.0, 100.0, 0.0, None, None, None),
        ("2026-W04", "paid", 0, 0, 0.0, None, None, None, None, None),
        ("2026-W04", "web", 1, 0, 50.0, None, None, None, None, None),
    ]


def test_d21_an_empty_range_and_a_bad_split(weeks):
    s, agreement = weeks
    assert scorecard(s.con, agreement, from_="2026-02-09", to="2026-02-01", as_of="2026-03-01").num_rows == 0
    from netlead.errors import NetleadError

    with pytest.raises(NetleadError, match="account_type or channel"):
        scorecard(s.con, agreement, split="campaign")


def test_d22_terms_sum_to_the_log_change(weeks):
    s, agreement = weeks
    # Another week with different numbers in every term: W05 has 2 gross, 1 issued, 80 invested.
    s.lead("d1", "2026-01-26 09:00")
    s.lead("d2", "2026-01-26 09:00")
    s.event("d1", "issued", "2026-01-27 10:00")
    s.cost(80, date="2026-01-28")
    s.refresh()
    cohort_facts.refresh(s.con, agreement)
    table = scorecard(s.con, agreement, from_="2026-01-05", to="2026-02-01", as_of="2026-02-01")
    by_week = {r["period"]: r for r in table.to_pylist()}
    assert [by_week["2026-W02"][n] for n in MOVED] == [None, None, None]  # the week before had nothing
    assert [by_week["2026-W05"][n] for n in MOVED] == [None, None, None]  # W04 issued no net lead
    w03 = by_week["2026-W03"]
    terms = [math.log(300 / 100), -math.log(4 / 2), -math.log((3 / 4) / (2 / 2))]
    assert sum(terms) == pytest.approx(math.log(w03["cpnsli"] / 50.0), rel=1e-12)
    assert [w03[n] for n in MOVED] == [pytest.approx(t / math.log(2), rel=1e-12) for t in terms]
