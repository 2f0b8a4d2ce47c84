"""T1-T3: periods, as_of and local time, through the waterfall and cpnsli tables."""

from datetime import UTC, datetime

import pytest
from conftest import rows, version

from netlead.errors import NetleadError
from netlead.metrics import cpnsli, lead, waterfall


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def gross(table) -> list[tuple]:
    return [(r[0], r[1], r[3]) for r in rows(table) if r[2] == "gross_leads"]


def test_t1_week_starting_sunday(write_agreement, store_for):
    agreement = write_agreement(version(calendar={"week_start": "sunday"}))
    s = store_for(agreement)
    s.lead("sat", "2026-01-03 12:00")  # Saturday: the week of Sunday 2025-12-28
    s.lead("sun", "2026-01-04 12:00")  # Sunday: a new week starts
    s.refresh()
    table = waterfall(s.con, agreement, by="week", from_="2026-01-01", to="2026-01-10", as_of="2026-01-31")
    # Labels: ISO week of period_start + 3 days (2025-12-31 is in 2026-W01, 2026-01-07 in W02).
    assert gross(table) == [("2025-12-28", "2026-W01", 1), ("2026-01-04", "2026-W02", 1)]


def test_t1_fiscal_year_starting_april(write_agreement, store_for):
    agreement = write_agreement(version(calendar={"fiscal_year_start_month": 4}))
    s = store_for(agreement)
    s.lead("march", "2026-03-31 12:00")
    s.lead("april", "2026-04-01 12:00")
    s.refresh()
    table = waterfall(s.con, agreement, by="quarter", from_="2026-01-01", to="2026-06-30", as_of="2026-07-01")
    # The fiscal year is named by the calendar year it ends in: Apr 2026 - Mar 2027 is FY2027.
    assert gross(table) == [("2026-01-01", "FY2026-Q4", 1), ("2026-04-01", "FY2027-Q1", 1)]
    # --from/--to take fiscal labels too.
    table = waterfall(s.con, agreement, by="quarter", from_="FY2027-Q1", to="FY2027-Q1", as_of="2026-07-01")
    assert gross(table) == [("2026-04-01", "FY2027-Q1", 1)]


def test_t1_timezone_moves_a_lead_across_a_week_boundary(write_agreement, store_for):
    agreement = write_agreement(version(calendar={"timezone": "America/New_York"}))
    s = store_for(agreement)
    # Monday 03:00 UTC is Sunday 22:00 in New York: the week of Monday 2026-01-05.
    s.lead("late", "2026-01-12 03:00:00+00")
    s.refresh()
    table = waterfall(s.con, agreement, by="week", from_="2026-01-05", to="2026-01-12", as_of="2026-02-01")
    assert gross(table) == [("2026-01-05", "2026-W02", 1), ("2026-01-12", "2026-W03", 0)]


def test_t2_as_of_date_alone_includes_that_day(write_agreement, store_for):
    agreement = write_agreement()
    s = store_for(agreement)
    s.lead("a", "2026-01-31 23:30")
    s.refresh()
    assert gross(waterfall(s.con, agreement, from_="2026-01", to="2026-01", as_of="2026-01-31")) == [
        ("2026-01-01", "2026-01", 1)
    ]
    assert gross(waterfall(s.con, agreement, from_="2026-01", to="2026-01", as_of="2026-01-30")) == [
        ("2026-01-01", "2026-01", 0)
    ]


def test_t2_events_after_as_of_do_not_exist(write_agreement, store_for):
    agreement = write_agreement()
    s = store_for(agreement)
    s.lead("a", "2026-02-01 09:00", trigger=None, need=None)
    s.event("a", "qualified", "2026-02-03 10:00", trigger="budget cut", need="crm")
    s.event("a", "issued", "2026-02-10 10:00")
    s.refresh()

    def statuses(as_of):
        return {
            r[2]: r[3] for r in rows(waterfall(s.con, agreement, from_="2026-02", to="2026-02", as_of=as_of))
        }

    assert statuses("2026-02-02")["not_ready"] == 1  # the answers come on the 3rd
    assert statuses("2026-02-04")["net_leads"] == 1
    feb = "2026-02", "2026-02"
    assert rows(cpnsli(s.con, agreement, from_=feb[0], to=feb[1], as_of="2026-02-05")) == [
        ("2026-02-01", "2026-02", 0.0, 0, 0, None)  # the issue on the 10th has not happened yet
    ]
    assert rows(cpnsli(s.con, agreement, from_=feb[0], to=feb[1], as_of="2026-02-28")) == [
        ("2026-02-01", "2026-02", 0.0, 1, 0, 0.0)
    ]


def test_t2_range_without_bounds_runs_from_first_data_to_as_of(write_agreement, store_for):
    agreement = write_agreement()
    s = store_for(agreement)
    s.cost(10, date="2025-11-20")  # the earliest row: the range starts in November
    s.lead("a", "2026-01-10 09:00")
    s.refresh()
    table = cpnsli(s.con, agreement, as_of="2026-02-15")
    assert [r[:3] for r in rows(table)] == [
        ("2025-11-01", "2025-11", 10.0),
        ("2025-12-01", "2025-12", 0.0),
        ("2026-01-01", "2026-01", 0.0),
        ("2026-02-01", "2026-02", 0.0),
    ]


def test_t3_skipped_and_repeated_hours_read_with_the_lower_offset(write_agreement, store_for):
    agreement = write_agreement(version(calendar={"timezone": "Europe/London"}))
    s = store_for(agreement)
    s.lead("spring", "2026-03-29 01:30")  # does not exist in London: read as 01:30 GMT (UTC)
    s.lead("autumn", "2026-10-25 01:30")  # occurs twice: read as the second, 01:30 GMT (UTC)
    s.refresh()
    assert lead(s.con, agreement, "spring", as_of="2026-12-31")["created_at"].astimezone(UTC) == utc(
        2026, 3, 29, 1, 30
    )
    assert lead(s.con, agreement, "autumn", as_of="2026-12-31")["created_at"].astimezone(UTC) == utc(
        2026, 10, 25, 1, 30
    )
    # --as-of in the repeated hour reads the same way: 01:15 local is 01:15 UTC, before the lead.
    oct25 = dict(by="week", from_="2026-10-19", to="2026-10-19")
    assert gross(waterfall(s.con, agreement, as_of="2026-10-25T01:15", **oct25)) == [
        ("2026-10-19", "2026-W43", 0)
    ]
    assert gross(waterfall(s.con, agreement, as_of="2026-10-25T01:45", **oct25)) == [
        ("2026-10-19", "2026-W43", 1)
    ]


def test_t3_event_before_created_at_reads_as_created_at(write_agreement, store_for):
    agreement = write_agreement()
    s = store_for(agreement)
    s.lead("a", "2026-02-01 09:00", trigger=None, need=None)
    # A date-only export puts the answers and the issue on the day before the lead existed.
    s.event("a", "qualified", "2026-01-31", trigger="t", need="n")
    s.event("a", "issued", "2026-01-31")
    s.refresh()
    table = cpnsli(s.con, agreement, from_="2026-01", to="2026-02", as_of="2026-03-01")
    assert rows(table) == [
        ("2026-01-01", "2026-01", 0.0, 0, 0, None),
        ("2026-02-01", "2026-02", 0.0, 1, 0, 0.0),  # issued at created_at, with its evidence
    ]
    explained = lead(s.con, agreement, "a", as_of="2026-03-01")
    assert explained["first_issued_at"] == utc(2026, 2, 1, 9)


def test_t3_first_response_is_at_or_after_the_first_issue(write_agreement, store_for):
    agreement = write_agreement()
    s = store_for(agreement)
    s.lead("early", "2026-02-01 09:00")
    s.event("early", "responded", "2026-01-31")  # before the lead: read as created_at
    s.event("early", "issued", "2026-01-30")  # also read as created_at: the response counts
    s.lead("touch_first", "2026-02-01 09:00")
    s.event("touch_first", "responded", "2026-02-02 08:00")  # before the issue: not a response
    s.event("touch_first", "issued", "2026-02-02 09:00")
    s.event("touch_first", "responded", "2026-02-02 09:30")
    s.event("touch_first", "responded", "2026-02-02 09:10")
    s.refresh()
    assert lead(s.con, agreement, "early", as_of="2026-03-01")["first_responded_at"] == utc(2026, 2, 1, 9)
    assert lead(s.con, agreement, "touch_first", as_of="2026-03-01")["first_responded_at"] == utc(
        2026, 2, 2, 9, 10
    )
    # T2: a response after as_of has not happened.
    assert lead(s.con, agreement, "touch_first", as_of="2026-02-02T09:05")["first_responded_at"] is None


def test_t1_bounds_any_label_kind_and_an_empty_range(write_agreement, store_for):
    agreement = write_agreement()
    s = store_for(agreement)
    s.lead("a", "2026-02-10 10:00")
    s.refresh()
    # A week label as --from with months: the month overlapping that week's first day.
    table = waterfall(s.con, agreement, from_="2026-W05", to="2026-02", as_of="2026-03-01")
    assert gross(table) == [("2026-01-01", "2026-01", 0), ("2026-02-01", "2026-02", 1)]
    empty = cpnsli(s.con, agreement, from_="2026-03", to="2026-02", as_of="2026-03-01")
    assert empty.num_rows == 0 and empty.column_names[0] == "period_start"
    with pytest.raises(NetleadError):
        waterfall(s.con, agreement, by="year")
    with pytest.raises(NetleadError):
        waterfall(s.con, agreement, from_="soon")
