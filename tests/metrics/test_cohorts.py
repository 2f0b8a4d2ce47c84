"""D10-D15 and the development table: cohorts of net leads first issued in a period, followed
through their opportunities. UTC, default margin 0.4, sales cycle 90 days, media and labor costs.

January's cohort: j1-j5 (j5 issued twice: it counts in January only, D5); x is issued off the
agreement (not net, D6) and never counts. Opportunities:
  o1 j1 won 2026-02-10, gross_profit 300 (revenue 1000)      o2 j1 lost 2026-02-01
  o3 j2 won 2026-03-05, revenue 500 - cogs 200 = 300         o4 j3 won 2026-03-20, revenue 1000 only:
  o5 j4 open                                                    1000 x 0.4 = 400, an estimated win
  o6 j5 created 2026-04-02, after as_of                      o8 j2 won 2026-04-05, after as_of
  o7 x won (off agreement)
January's investment is 600 (media on 2026-01-10). February's cohort f1 has a lost deal and no
investment; March has no leads and 50 of labor.
"""

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from conftest import Store, rows, version
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netlead.agreement import load
from netlead.metrics import cohort_facts, cpnsli, refresh
from netlead.metrics.cohorts import cohorts, development

COLUMNS = ["period_start", "period", "net_leads_issued", "opportunities", "lead_to_opportunity", "wins",
           "losses", "opportunity_to_win", "closed_win_rate", "revenue", "gross_profit", "estimated_wins",
           "avg_gross_profit_per_win", "investment", "cohort_roi", "payback_date", "mature"]


def build(s, agreement):
    s.refresh()
    cohort_facts.refresh(s.con, agreement)


def opportunity(s, opportunity_id, lead_id, created_at, status="open", closed_at=None, **money):
    s._insert("opportunities", {"opportunity_id": opportunity_id, "lead_id": lead_id, "created_at": created_at,
                                "status": status, "closed_at": closed_at, **money})


@pytest.fixture
def january(write_agreement, store_for):
    agreement = write_agreement()
    s = store_for(agreement)
    for lead_id in ("j1", "j2", "j3", "j4", "j5"):
        s.lead(lead_id, "2026-01-02 10:00")
        s.event(lead_id, "issued", "2026-01-05 10:00")
    s.event("j5", "recycled", "2026-01-20 10:00")
    s.event("j5", "issued", "2026-02-03 10:00")  # re-assigned: still January's
    s.lead("x", "2026-01-02 10:00", trigger=None, need=None)  # no evidence: not net
    s.event("x", "issued", "2026-01-05 10:00")
    s.lead("f1", "2026-02-02 10:00")
    s.event("f1", "issued", "2026-02-05 10:00")
    opportunity(s, "o1", "j1", "2026-01-10", "won", "2026-02-10", gross_profit=300, revenue=1000)
    opportunity(s, "o2", "j1", "2026-01-12", "lost", "2026-02-01")
    opportunity(s, "o3", "j2", "2026-01-15", "won", "2026-03-05", revenue=500, cogs=200)
    opportunity(s, "o4", "j3", "2026-01-20", "won", "2026-03-20 15:00", revenue=1000)
    opportunity(s, "o5", "j4", "2026-02-01")
    opportunity(s, "o6", "j5", "2026-04-02")
    opportunity(s, "o7", "x", "2026-01-10", "won", "2026-01-20", gross_profit=5000)
    opportunity(s, "o8", "j2", "2026-01-25", "won", "2026-04-05", gross_profit=700)
    opportunity(s, "f", "f1", "2026-02-10", "lost", "2026-02-20")
    s.cost(600, date="2026-01-10")
    s.cost(50, category="labor", date="2026-03-10")
    build(s, agreement)
    return s, agreement


def test_d10_d15_cohorts(january):
    s, agreement = january
    table = cohorts(s.con, agreement, from_="2026-01", to="2026-03", as_of="2026-03-31")
    assert table.column_names == COLUMNS
    assert rows(table) == [
        # D10: 6 opportunities by as_of (not o6, not o7); 4 of 5 leads have one. D11: wins o1, o3,
        # o4 (o8 closes after as_of), loss o2. D12-D13: 300 + 300 + 400. D14: (1000 - 600) / 600.
        # D15: 300 on 10 Feb, 600 on 5 Mar reaches the 600 invested. Mature on 1 May (31 Jan + 90).
        ("2026-01-01", "2026-01", 5, 6, 0.8, 3, 1, 0.5, 0.75, 2500, 1000, 1, pytest.approx(1000 / 3), 600.0,
         pytest.approx(400 / 600), "2026-03-05", False),
        # No investment: ROI null (D14), and no wins: no payback, no average.
        ("2026-02-01", "2026-02", 1, 1, 1.0, 0, 1, 0.0, 0.0, 0, 0, 0, None, 0.0, None, None, False),
        # An empty cohort with an investment.
        ("2026-03-01", "2026-03", 0, 0, None, 0, 0, None, None, 0, 0, 0, None, 50.0, -1.0, None, False),
    ]


def test_d15_payback_reached_on_a_close_date(january):
    s, agreement = january
    before = cohorts(s.con, agreement, from_="2026-01", to="2026-01", as_of="2026-03-04")
    assert rows(before)[0][9:] == (1000, 300, 0, 300.0, 600.0, -0.5, None, False)
    on = cohorts(s.con, agreement, from_="2026-01", to="2026-01", as_of="2026-03-05")
    assert rows(on)[0][15] == "2026-03-05"


def test_d15_mature_to_the_day(january):
    s, agreement = january
    # January's last day is 31 January; + 90 days is 1 May.
    assert rows(cohorts(s.con, agreement, from_="2026-01", to="2026-01", as_of="2026-04-30 23:59"))[0][16] is False
    assert rows(cohorts(s.con, agreement, from_="2026-01", to="2026-01", as_of="2026-05-01 00:00"))[0][16] is True


def test_cohorts_by_quarter(january):
    s, agreement = january
    (row,) = rows(cohorts(s.con, agreement, by="quarter", from_="2026-Q1", to="2026-Q1", as_of="2026-03-31"))
    # Q1 is January's and February's cohorts together: 6 leads, 7 opportunities, 3 wins, 2 losses.
    assert row[:9] == ("2026-01-01", "2026-Q1", 6, 7, pytest.approx(5 / 6), 3, 2, pytest.approx(3 / 7), 0.6)
    assert row[13:] == (650.0, pytest.approx(350 / 650), "2026-03-20", False)


def test_cohorts_refuse_weeks(january):
    s, agreement = january
    from netlead.errors import NetleadError

    with pytest.raises(NetleadError, match="months or quarters"):
        cohorts(s.con, agreement, by="week")


def test_d12_default_margin_of_the_version_on_the_close_date(write_agreement, store_for):
    v2 = version(version=2, effective_from="2026-04-01", default_margin=0.5)
    agreement = write_agreement(version(), v2)
    s = store_for(agreement)
    s.lead("a", "2026-01-02 10:00")
    s.event("a", "issued", "2026-01-05 10:00")
    opportunity(s, "march", "a", "2026-01-10", "won", "2026-03-31 23:00", revenue=100)  # v1: 40
    opportunity(s, "april", "a", "2026-01-10", "won", "2026-04-01 00:30", revenue=100)  # v2: 50
    opportunity(s, "given", "a", "2026-01-10", "won", "2026-04-01", revenue=100, gross_profit=7)
    opportunity(s, "cogs", "a", "2026-01-10", "won", "2026-04-01", revenue=100, cogs=80)
    build(s, agreement)
    (row,) = rows(cohorts(s.con, agreement, from_="2026-01", to="2026-01", as_of="2026-06-30"))
    assert row[5] == 4 and row[9:12] == (400, 40 + 50 + 7 + 20, 2)


def test_t3_an_opportunity_before_its_lead_is_read_at_created_at(write_agreement, store_for):
    agreement = write_agreement()
    s = store_for(agreement)
    s.lead("a", "2026-01-02 10:00")
    s.event("a", "issued", "2026-01-05 10:00")
    opportunity(s, "early", "a", "2025-12-20", "won", "2025-12-21", gross_profit=10)
    build(s, agreement)
    # Read at 2 January 10:00: it exists as of that moment, not before.
    assert rows(cohorts(s.con, agreement, from_="2026-01", to="2026-01", as_of="2026-01-05 10:00"))[0][5] == 1
    assert rows(cohorts(s.con, agreement, from_="2026-01", to="2026-01", as_of="2026-01-02 09:59"))[0][2] == 0
    dev = rows(development(s.con, agreement, from_="2026-01", to="2026-01", as_of="2026-01-31"))
    assert dev == [("2026-01-01", "2026-01", 0, 1, 10)]


def test_development_table(january):
    s, agreement = january
    table = development(s.con, agreement, from_="2026-01", to="2026-03", as_of="2026-03-31")
    assert table.column_names == ["period_start", "period", "months_since_start", "wins", "gross_profit"]
    assert rows(table) == [
        ("2026-01-01", "2026-01", 0, 0, 0),
        ("2026-01-01", "2026-01", 1, 1, 300),  # o1 closed 10 Feb
        ("2026-01-01", "2026-01", 2, 3, 1000),  # o3 and o4 in March
        ("2026-02-01", "2026-02", 0, 0, 0),
        ("2026-02-01", "2026-02", 1, 0, 0),
        ("2026-03-01", "2026-03", 0, 0, 0),
    ]
    # Whole months since the first day: 10 April is 2 months and 9 days after 1 February.
    later = rows(development(s.con, agreement, from_="2026-01", to="2026-01", as_of="2026-04-10"))
    assert later[-1] == ("2026-01-01", "2026-01", 3, 4, 1700)  # o8 (700) closed 5 April


# --- a property: the cohorts partition the issued net leads (D5) ----------------------------------

START = datetime(2026, 1, 1, tzinfo=UTC)
moments = st.integers(min_value=0, max_value=200 * 24 * 60).map(lambda m: START + timedelta(minutes=m))


@pytest.fixture(scope="module")
def london(tmp_path_factory):
    path = tmp_path_factory.mktemp("cohorts") / "netlead.yaml"
    v1 = version(calendar={"timezone": "Europe/London"})
    v2 = version(version=2, effective_from="2026-04-01", calendar={"timezone": "Europe/London"})
    v2["net"]["evidence"]["min_answers"] = 1
    path.write_text(f"{json.dumps(v1)}\n---\n{json.dumps(v2)}")
    return load(path)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    leads=st.lists(st.tuples(moments, st.sampled_from([None, "t"]), st.sampled_from([None, "n"]),
                             st.lists(st.tuples(st.sampled_from(["issued", "responded"]), moments), max_size=3)),
                   max_size=12),
    costs=st.lists(st.tuples(st.integers(min_value=-100, max_value=1000), st.integers(min_value=0, max_value=250),
                             st.one_of(st.none(), st.integers(min_value=0, max_value=60))), max_size=4),
    as_of=moments,
    by=st.sampled_from(["month", "quarter"]),
)
def test_cohorts_partition_the_issued_net_leads(london, leads, costs, as_of, by):
    store = Store("Europe/London")
    for i, (created_at, trigger, need, events) in enumerate(leads):
        store.lead(f"L{i}", created_at, trigger=trigger, need=need)
        for kind, at in events:
            store.event(f"L{i}", kind, at)
    for amount, offset, length in costs:  # D7 as cpnsli computes it: dated rows and ranges
        day = date(2025, 12, 1) + timedelta(days=offset)
        if length is None:
            store.cost(amount, date=day)
        else:
            store.cost(amount, period_start=day, period_end=day + timedelta(days=length))
    refresh(store.con, london)
    cohort_facts.refresh(store.con, london)
    bounds = dict(by=by, from_=date(2025, 12, 1), to=date(2026, 9, 30), as_of=as_of)
    table, reference = rows(cohorts(store.con, london, **bounds)), rows(cpnsli(store.con, london, **bounds))
    sizes = [r[2] for r in table]
    assert sizes == [r[3] for r in reference]
    assert [r[13] for r in table] == pytest.approx([r[2] for r in reference], rel=1e-12, abs=1e-9)
    assert sum(sizes) == store.con.execute(
        "SELECT COUNT(*) FROM lead_facts WHERE issued_net AND first_issued_at <= ?", [as_of]).fetchall()[0][0]
    store.con.close()
