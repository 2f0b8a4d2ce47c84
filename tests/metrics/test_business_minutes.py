"""D16 and D18: business minutes to respond and the instant the SLA window closes, computed by
arithmetic in cohort_leads (cohort_facts.py), checked against times worked out by hand.

Europe/London, business hours Monday-Friday 09:00-17:30 (510 minutes a day, 2550 a week), an SLA
of 60 minutes. In 2026 the clocks go forward on Sunday 29 March (GMT to BST) and back on Sunday 25
October (BST to GMT), both at night.
"""

import json
from datetime import UTC, datetime, timedelta

import pytest
from conftest import Store, version
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netlead.agreement import load
from netlead.metrics import cohort_facts, refresh
from netlead.metrics.response import response

HOURS = {"days": ["mon", "tue", "wed", "thu", "fri"], "start": "09:00", "end": "17:30"}
LONDON = {"timezone": "Europe/London"}


def business_version(**changes):
    return version(calendar=LONDON, sla={"respond_within_minutes": 60, "outcome_within_days": 5,
                                         "business_hours": HOURS}, **changes)


def build(s, agreement):
    s.refresh()
    cohort_facts.refresh(s.con, agreement)


def facts(s) -> dict[str, tuple]:
    """lead_id -> (response_minutes, response_business_minutes, sla_due_at in UTC)."""
    out = {}
    query = "SELECT lead_id, response_minutes, response_business_minutes, sla_due_at FROM cohort_leads"
    for lead_id, minutes, business, due in s.con.execute(query).fetchall():
        out[lead_id] = (minutes, business, due.astimezone(UTC).replace(tzinfo=None))
    return out


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.fixture
def london(write_agreement, store_for):
    agreement = write_agreement(business_version())
    s = store_for(agreement)

    def add(lead_id, issued, responded=None):
        s.lead(lead_id, "2026-01-01 08:00")
        s.event(lead_id, "issued", issued)
        if responded:
            s.event(lead_id, "responded", responded)

    return agreement, s, add


def test_d16_d18_overnight_weekend_and_daylight_saving(london):
    agreement, s, add = london
    # Overnight: Tue 17:00 to Wed 09:45 = 30 + 45 business minutes, 16h45 elapsed; due Wed 09:30.
    add("overnight", "2026-01-13 17:00", "2026-01-14 09:45")
    # A weekend: Fri 16:45 to Mon 09:20 = 45 + 20; elapsed 64h35; due Mon 09:15.
    add("weekend", "2026-01-16 16:45", "2026-01-19 09:20")
    # Issued on a Saturday: nothing counts until Monday 09:00; due Mon 10:00.
    add("saturday", "2026-01-17 11:00", "2026-01-17 12:00")
    # Before opening: the clock starts at 09:00; due 10:00.
    add("early", "2026-01-20 07:00", "2026-01-20 09:10")
    # The due count is reached at Tue 17:30, the window's end: no business minute passes until
    # Wed 09:00, so the SLA window closes then (an answer in between is within it).
    add("closing", "2026-01-20 16:30", "2026-01-21 09:00")
    # Clocks forward on the weekend: Fri 17:00 GMT to Mon 09:30 BST is 63h30 elapsed (one hour
    # less than the wall clock says) and 30 + 30 business minutes; due Mon 09:30 BST = 08:30 UTC.
    add("spring", "2026-03-27 17:00", "2026-03-30 09:30")
    # Clocks back: Fri 17:00 BST to Mon 09:30 GMT is 65h30 elapsed; due Mon 09:30 GMT.
    add("autumn", "2026-10-23 17:00", "2026-10-26 09:30")
    # Two whole weeks: 2 x 2550 business minutes, 20160 elapsed.
    add("fortnight", "2026-01-05 10:00", "2026-01-19 10:00")
    # Seconds count as fractions of a minute (D16, never truncated).
    add("seconds", "2026-01-06 10:00:00", "2026-01-06 10:00:30")
    build(s, agreement)
    assert facts(s) == {
        "overnight": (1005.0, 75.0, utc("2026-01-14 09:30")),
        "weekend": (3875.0, 65.0, utc("2026-01-19 09:15")),
        "saturday": (60.0, 0.0, utc("2026-01-19 10:00")),
        "early": (130.0, 10.0, utc("2026-01-20 10:00")),
        "closing": (990.0, 60.0, utc("2026-01-21 09:00")),
        "spring": (3810.0, 60.0, utc("2026-03-30 08:30")),
        "autumn": (3930.0, 60.0, utc("2026-10-26 09:30")),
        "fortnight": (20160.0, 5100.0, utc("2026-01-05 11:00")),
        "seconds": (0.5, 0.5, utc("2026-01-06 11:00")),
    }


def test_d18_the_sla_counts_business_minutes(london):
    agreement, s, add = london
    add("friday", "2026-01-16 17:00", "2026-01-19 09:20")  # 50 business minutes: met, 3860 elapsed
    add("late", "2026-01-16 17:00", "2026-01-19 09:31")  # 61: a breach
    add("waiting", "2026-01-17 10:00")  # Saturday issue, as of Sunday: still inside its window
    build(s, agreement)
    table = response(s.con, agreement, from_="2026-01", to="2026-01", as_of="2026-01-18")
    row = table.to_pylist()[0]
    # As of Sunday 18th no response has happened yet; friday's and late's windows close on Monday.
    assert (row["responded"], row["sla_met_rate"], row["sla_breaches"]) == (0, None, 0)
    row = response(s.con, agreement, from_="2026-01", to="2026-01", as_of="2026-01-19 09:59").to_pylist()[0]
    # friday met, late breached; waiting's window closes at Mon 10:00: in neither count.
    assert (row["responded"], row["sla_met_rate"], row["sla_breaches"]) == (2, 0.5, 1)
    row = response(s.con, agreement, from_="2026-01", to="2026-01", as_of="2026-01-19 10:00").to_pylist()[0]
    assert (row["sla_met_rate"], row["sla_breaches"]) == (pytest.approx(1 / 3), 2)


def test_t4_the_sla_of_the_version_in_force_on_the_first_issue(write_agreement, store_for):
    v1 = business_version()
    v2 = version(version=2, effective_from="2026-04-01", calendar=LONDON,
                 sla={"respond_within_minutes": 30, "outcome_within_days": 2})  # wall clock
    agreement = write_agreement(v1, v2)
    s = store_for(agreement)
    s.lead("march", "2026-03-31 08:00")
    s.event("march", "issued", "2026-03-31 17:00")  # v1: 30 minutes Tue, 30 Wed: due Wed 09:30 BST
    s.event("march", "responded", "2026-04-01 09:00")
    s.lead("april", "2026-04-04 08:00")
    s.event("april", "issued", "2026-04-04 11:00")  # a Saturday; v2 has no business hours
    s.event("april", "responded", "2026-04-04 11:45")
    build(s, agreement)
    assert facts(s) == {
        "march": (960.0, 30.0, utc("2026-04-01 08:30")),
        "april": (45.0, 45.0, utc("2026-04-04 10:30")),
    }
    due = s.con.execute("SELECT lead_id, outcome_due_at FROM cohort_leads ORDER BY lead_id").fetchall()
    # D19: outcome_within_days x 24 hours of elapsed time: 5 days under v1, 2 under v2.
    assert [(lead, at.astimezone(UTC).replace(tzinfo=None)) for lead, at in due] == [
        ("april", utc("2026-04-06 10:00")), ("march", utc("2026-04-05 16:00")),
    ]


# --- a property: the arithmetic equals counting window by window ----------------------------------

CONFIGS = {
    "london_weekdays": ("Europe/London", {"days": ["mon", "tue", "wed", "thu", "fri"], "start": "09:00",
                                          "end": "17:30"}),
    "new_york_odd_days": ("America/New_York", {"days": ["wed", "sat", "sun"], "start": "03:15", "end": "20:45"}),
    # Chile changes its clocks at midnight; Lord Howe Island by half an hour.
    "santiago": ("America/Santiago", {"days": ["sun", "mon", "tue", "sat"], "start": "01:30", "end": "23:00"}),
    "lord_howe": ("Australia/Lord_Howe", {"days": ["mon", "fri", "sun"], "start": "06:00", "end": "12:00"}),
}
START = datetime(2026, 1, 1, tzinfo=UTC)
instants = st.integers(min_value=0, max_value=365 * 24 * 3600).map(lambda s: START + timedelta(seconds=s))


@pytest.fixture(scope="module")
def configured(tmp_path_factory):
    out = {}
    for name, (zone, hours) in CONFIGS.items():
        path = tmp_path_factory.mktemp(name) / "netlead.yaml"
        path.write_text(json.dumps(version(calendar={"timezone": zone}, sla={
            "respond_within_minutes": 137, "outcome_within_days": 5, "business_hours": hours})))
        out[name] = load(path)
    return out


def counted(agreement, a: datetime, b: datetime) -> float:
    """Business seconds in [a, b], window by window, each window's ends read as instants (T3)."""
    calendar, hours = agreement.calendar, agreement.latest.sla.business_hours
    total, day = 0.0, calendar.local_date(a) - timedelta(days=1)
    while day <= calendar.local_date(b):
        if WEEKDAY_NAMES[day.weekday()] in hours.days:
            opens = calendar.local_to_utc(datetime.combine(day, hours.start))
            closes = calendar.local_to_utc(datetime.combine(day, hours.end))
            total += max(0.0, (min(b, closes) - max(a, opens)).total_seconds())
        day += timedelta(days=1)
    return total


WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pairs=st.lists(st.tuples(instants, st.integers(min_value=0, max_value=20 * 24 * 3600)), min_size=1,
                      max_size=15),
       config=st.sampled_from(sorted(CONFIGS)))
def test_business_minutes_equal_counting_window_by_window(configured, pairs, config):
    agreement = configured[config]
    store = Store(agreement.calendar.timezone)
    for i, (issued, wait) in enumerate(pairs):
        store.lead(f"L{i}", issued - timedelta(days=1))
        store.event(f"L{i}", "issued", issued)
        store.event(f"L{i}", "responded", issued + timedelta(seconds=wait))
    refresh(store.con, agreement)
    cohort_facts.refresh(store.con, agreement)
    got = store.con.execute(
        "SELECT lead_id, response_business_minutes, sla_due_at FROM cohort_leads").fetchall()
    store.con.close()
    assert len(got) == len(pairs)
    for lead_id, business, due in got:
        issued, wait = pairs[int(lead_id[1:])]
        assert business == pytest.approx(counted(agreement, issued, issued + timedelta(seconds=wait)) / 60,
                                         abs=1e-6)
        # D18: the window closes when the count would pass 137 minutes: it has reached them at the
        # close, and one second later it has passed them.
        assert counted(agreement, issued, due) == pytest.approx(137 * 60, abs=1e-6)
        assert counted(agreement, issued, due + timedelta(seconds=1)) > 137 * 60
