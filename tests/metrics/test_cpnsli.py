"""D5-D9 (and T4 for costs): investment, net leads issued, cost per net lead issued, by channel."""

import pytest
from conftest import rows, version

from netlead.metrics import cpnsli


def test_d5_a_reassigned_lead_counts_once_in_its_first_issue_period(write_agreement, store_for):
    agreement = write_agreement()
    s = store_for(agreement)
    s.lead("a", "2026-01-02 10:00")
    s.event("a", "issued", "2026-01-05 10:00", rep_id="amy")
    s.event("a", "recycled", "2026-01-20 10:00")
    s.event("a", "issued", "2026-02-03 10:00", rep_id="ben")
    s.cost(300, date="2026-01-10")
    s.refresh()
    assert rows(cpnsli(s.con, agreement, from_="2026-01", to="2026-02", as_of="2026-03-01")) == [
        ("2026-01-01", "2026-01", 300.0, 1, 0, 300.0),
        ("2026-02-01", "2026-02", 0.0, 0, 0, None),  # D8: null without net leads issued
    ]


def test_d6_issued_off_agreement_is_reported_beside_never_in(write_agreement, store_for):
    agreement = write_agreement()
    s = store_for(agreement)
    s.lead("net", "2026-01-02 10:00")
    s.lead("junk", "2026-01-02 11:00", domain="mailinator.com")
    s.lead("unready", "2026-01-02 12:00", trigger=None)
    for lead_id in ("net", "junk", "unready"):
        s.event(lead_id, "issued", "2026-01-05 10:00")
    s.cost(90, date="2026-01-10")
    s.refresh()
    table = cpnsli(s.con, agreement, from_="2026-01", to="2026-01", as_of="2026-03-01")
    assert table.column_names == [
        "period_start",
        "period",
        "investment",
        "net_leads_issued",
        "issued_off_agreement",
        "cpnsli",
    ]
    assert [str(t) for t in table.schema.types] == [
        "date32[day]",
        "string",
        "double",
        "int64",
        "int64",
        "double",
    ]
    assert rows(table) == [("2026-01-01", "2026-01", 90.0, 1, 2, 90.0)]


def test_d7_ranges_split_by_days_credits_and_costs_after_as_of(write_agreement, store_for):
    agreement = write_agreement()
    s = store_for(agreement)
    s.cost(200, period_start="2026-01-22", period_end="2026-02-10")  # 20 days: 10 in Jan, 10 in Feb
    s.cost(-50, date="2026-01-15")  # a credit
    s.cost(1000, category="travel", date="2026-01-15")  # not in the policy
    s.cost(70, date="2026-02-06")  # after as_of
    s.cost(40, category="labor", date="2026-02-05")  # on as_of's local date: counts
    s.refresh()
    table = cpnsli(s.con, agreement, from_="2026-01", to="2026-03", as_of="2026-02-05")
    # Feb: days 1-5 of the range (5 x 10) + 40; March is after as_of.
    assert [r[:3] for r in rows(table)] == [
        ("2026-01-01", "2026-01", 50.0),
        ("2026-02-01", "2026-02", 90.0),
        ("2026-03-01", "2026-03", 0.0),
    ]
    later = cpnsli(s.con, agreement, from_="2026-01", to="2026-03", as_of="2026-03-31")
    assert [r[2] for r in rows(later)] == [50.0, 210.0, 0.0]


def test_t4_costs_count_under_the_policy_of_each_day(write_agreement, store_for):
    v1 = version()  # includes media and labor
    v2 = version(version=2, effective_from="2026-04-01", investment={"include": ["media"]})
    agreement = write_agreement(v1, v2)
    s = store_for(agreement)
    s.cost(100, category="labor", date="2025-12-20")  # before the first version: v1 governs
    s.cost(310, category="labor", period_start="2026-03-17", period_end="2026-04-16")  # 31 days
    s.cost(20, category="labor", date="2026-04-02")  # v2 leaves labor out
    s.cost(30, category="media", date="2026-04-03")
    s.refresh()
    table = cpnsli(s.con, agreement, by="quarter", from_="2025-10-01", to="2026-06-30", as_of="2026-12-31")
    # The range: 15 days (17-31 March) at 10 a day under v1; its 16 April days are labor under v2.
    assert [r[:3] for r in rows(table)] == [
        ("2025-10-01", "2025-Q4", 100.0),
        ("2026-01-01", "2026-Q1", 150.0),
        ("2026-04-01", "2026-Q2", 30.0),
    ]


def setup_channels(write_agreement, store_for, mode, *, february=True):
    agreement = write_agreement(version(investment={"shared_costs": mode}))
    s = store_for(agreement)
    # January: web issues 2 net leads, paid 1, events none (and one off agreement, not counted).
    for lead_id, channel in (("w1", " web "), ("w2", "web"), ("p1", "paid"), ("x1", "events")):
        s.lead(lead_id, "2026-01-02 10:00", channel=channel, trigger=None if lead_id == "x1" else "t")
        s.event(lead_id, "issued", "2026-01-05 10:00")
    s.cost(100, channel="web\t", date="2026-01-10")
    s.cost(300, channel="paid", date="2026-01-10")
    s.cost(100, channel="events", date="2026-01-10")
    s.cost(600, date="2026-01-10")  # shared
    s.cost(0, channel="radio", date="2026-01-10")  # zero direct investment: no row
    if february:
        s.cost(70, date="2026-02-10")  # shared, in a month where nothing was issued
    s.refresh()
    return s, agreement


def by_channel(s, agreement, to="2026-03"):
    table = cpnsli(s.con, agreement, from_="2026-01", to=to, as_of="2026-03-31", by_channel=True)
    assert table.column_names == [
        "period_start",
        "period",
        "channel",
        "investment",
        "net_leads_issued",
        "cpnsli",
    ]
    return [r[2:] for r in rows(table)], table


def test_d9_shared_costs_by_net_leads(write_agreement, store_for):
    s, agreement = setup_channels(write_agreement, store_for, "by_net_leads")
    channel_rows, table = by_channel(s, agreement)
    assert channel_rows == [
        ("events", 100.0, 0, None),
        ("paid", 300.0 + 200.0, 1, 500.0),  # 1/3 of the shared 600
        ("web", 100.0 + 400.0, 2, 250.0),  # 2/3
        ("(shared)", 70.0, 0, None),  # February: no net lead issued, the denominator is 0
    ]
    assert [r[1] for r in rows(table)] == ["2026-01"] * 3 + ["2026-02"]  # March is empty: no rows


def test_d9_shared_costs_by_direct(write_agreement, store_for):
    s, agreement = setup_channels(write_agreement, store_for, "by_direct")
    channel_rows, _ = by_channel(s, agreement)
    # Direct investment 500: web and events 1/5 of 600 each, paid 3/5.
    assert channel_rows == [
        ("events", 220.0, 0, None),
        ("paid", 660.0, 1, 660.0),
        ("web", 220.0, 2, 110.0),
        ("(shared)", 70.0, 0, None),  # February: no direct investment
    ]


def test_d9_shared_costs_unallocated(write_agreement, store_for):
    s, agreement = setup_channels(write_agreement, store_for, "unallocated")
    channel_rows, _ = by_channel(s, agreement)
    assert channel_rows == [
        ("events", 100.0, 0, None),
        ("paid", 300.0, 1, 300.0),
        ("web", 100.0, 2, 50.0),
        ("(shared)", 600.0, 0, None),
        ("(shared)", 70.0, 0, None),
    ]


def test_d9_by_direct_fallback_keeps_net_leads_rows(write_agreement, store_for):
    agreement = write_agreement(version(investment={"shared_costs": "by_direct"}))
    s = store_for(agreement)
    s.lead("w1", "2026-02-02 10:00", channel="web")
    s.event("w1", "issued", "2026-02-03 10:00")
    s.cost(70, date="2026-02-10")
    s.refresh()
    channel_rows, _ = by_channel(s, agreement, to="2026-02")
    assert channel_rows == [("web", 0.0, 1, 0.0), ("(shared)", 70.0, 0, None)]


@pytest.mark.parametrize("mode", ["by_net_leads", "by_direct", "unallocated"])
def test_d9_channel_rows_add_up_to_d7(write_agreement, store_for, mode):
    s, agreement = setup_channels(write_agreement, store_for, mode)
    total = rows(cpnsli(s.con, agreement, from_="2026-01", to="2026-03", as_of="2026-03-31"))
    channel_rows, table = by_channel(s, agreement)
    per_period = {}
    for r in rows(table):
        per_period[r[0]] = per_period.get(r[0], 0) + r[3]
    assert per_period == {r[0]: r[2] for r in total if r[2]}
    assert sum(r[4] for r in rows(table)) == sum(r[3] for r in total)


def test_t4_shared_costs_mode_applies_day_by_day(write_agreement, store_for):
    v1 = version(investment={"shared_costs": "unallocated"})
    v2 = version(version=2, effective_from="2026-04-01", investment={"shared_costs": "by_net_leads"})
    agreement = write_agreement(v1, v2)
    s = store_for(agreement)
    s.lead("w1", "2026-03-30 10:00", channel="web")
    s.event("w1", "issued", "2026-03-31 10:00")
    s.cost(700, period_start="2026-03-30", period_end="2026-04-05")  # shared, Monday to Sunday
    s.refresh()
    table = cpnsli(
        s.con, agreement, by="week", from_="2026-03-30", to="2026-04-05", as_of="2026-04-30", by_channel=True
    )
    # 30-31 March (2 days) stay unallocated under v1; 1-5 April (5 days) follow v2's net leads.
    assert [r[2:] for r in rows(table)] == [("web", 500.0, 1, 500.0), ("(shared)", 200.0, 0, None)]
