"""The calendar: periods and labels (T1), --from/--to, --as-of (T2), local time (T3)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netlead.agreement import Calendar, Period
from netlead.errors import NetleadError

MONDAY = Calendar()
SUNDAY = Calendar(week_start="sunday")
APRIL = Calendar(fiscal_year_start_month=4)
LONDON = Calendar(timezone="Europe/London")


def test_weeks_start_on_the_agreements_day():
    # 2026-10-01 is a Thursday.
    assert MONDAY.period_start(date(2026, 10, 1), "week") == date(2026, 9, 28)
    assert MONDAY.period_end(date(2026, 9, 28), "week") == date(2026, 10, 4)
    assert SUNDAY.period_start(date(2026, 10, 1), "week") == date(2026, 9, 27)
    assert SUNDAY.period_start(date(2026, 9, 27), "week") == date(2026, 9, 27)
    assert SUNDAY.period_end(date(2026, 9, 27), "week") == date(2026, 10, 3)
    assert Calendar(week_start="saturday").period_start(date(2026, 10, 1), "week") == date(2026, 9, 26)


def test_labels_t1():
    assert MONDAY.label(date(2026, 9, 28), "week") == "2026-W40"
    assert SUNDAY.label(date(2026, 9, 27), "week") == "2026-W40"  # its Wednesday is in ISO week 40
    assert MONDAY.label(date(2026, 10, 1), "month") == "2026-10"
    assert MONDAY.label(date(2026, 10, 1), "quarter") == "2026-Q4"
    assert MONDAY.label(date(2026, 3, 31), "quarter") == "2026-Q1"


def test_week_labels_at_year_boundaries():
    # The ISO year of start + 3 days names the week, whatever the calendar year of its start.
    assert MONDAY.label(date(2026, 12, 28), "week") == "2026-W53"  # 2026 has 53 ISO weeks
    assert MONDAY.label(date(2027, 1, 4), "week") == "2027-W01"
    assert MONDAY.label(date(2024, 12, 30), "week") == "2025-W01"  # starts in 2024, labelled 2025
    assert MONDAY.label(date(2023, 1, 1), "week") == "2022-W52"  # a Sunday: its week began 2022-12-26
    assert SUNDAY.label(date(2025, 12, 28), "week") == "2026-W01"
    assert SUNDAY.label(date(2026, 12, 27), "week") == "2026-W53"
    assert SUNDAY.label(date(2027, 1, 3), "week") == "2027-W01"


def test_fiscal_quarters_starting_in_april():
    assert APRIL.period_start(date(2026, 5, 17), "quarter") == date(2026, 4, 1)
    assert APRIL.period_start(date(2026, 3, 31), "quarter") == date(2026, 1, 1)
    assert APRIL.period_end(date(2026, 1, 1), "quarter") == date(2026, 3, 31)
    assert APRIL.label(date(2026, 4, 1), "quarter") == "FY2027-Q1"
    assert APRIL.label(date(2026, 10, 1), "quarter") == "FY2027-Q3"
    assert APRIL.label(date(2027, 1, 1), "quarter") == "FY2027-Q4"
    assert APRIL.label(date(2026, 3, 15), "quarter") == "FY2026-Q4"
    assert APRIL.quarter_start(date(2026, 12, 31)) == date(2026, 10, 1)
    february = Calendar(fiscal_year_start_month=2)
    assert february.period_start(date(2026, 1, 15), "quarter") == date(2025, 11, 1)
    assert february.label(date(2025, 11, 1), "quarter") == "FY2026-Q4"
    assert Calendar(fiscal_year_start_month=12).label(date(2026, 12, 1), "quarter") == "FY2027-Q1"


def test_periods_cover_a_range():
    assert MONDAY.periods(date(2026, 9, 30), date(2026, 10, 6), "week") == [
        Period(date(2026, 9, 28), date(2026, 10, 4), "2026-W40"),
        Period(date(2026, 10, 5), date(2026, 10, 11), "2026-W41"),
    ]
    assert [p.label for p in APRIL.periods(date(2026, 3, 31), date(2026, 4, 1), "quarter")] == [
        "FY2026-Q4", "FY2027-Q1",
    ]  # fmt: skip
    assert MONDAY.periods(date(2026, 2, 10), date(2026, 2, 10), "month") == [
        Period(date(2026, 2, 1), date(2026, 2, 28), "2026-02")
    ]


@pytest.mark.parametrize(
    ("calendar", "text", "first", "last"),
    [
        (MONDAY, "2026-W40", date(2026, 9, 28), date(2026, 10, 4)),
        (SUNDAY, "2026-W40", date(2026, 9, 27), date(2026, 10, 3)),
        (MONDAY, "2026-w53", date(2026, 12, 28), date(2027, 1, 3)),
        (SUNDAY, "2026-W01", date(2025, 12, 28), date(2026, 1, 3)),
        (MONDAY, "2026-10", date(2026, 10, 1), date(2026, 10, 31)),
        (MONDAY, "2028-02", date(2028, 2, 1), date(2028, 2, 29)),
        (MONDAY, "2026-Q4", date(2026, 10, 1), date(2026, 12, 31)),
        (APRIL, "2026-Q1", date(2026, 1, 1), date(2026, 3, 31)),  # a calendar quarter stays one
        (APRIL, "FY2027-Q1", date(2026, 4, 1), date(2026, 6, 30)),
        (APRIL, "FY2027-Q4", date(2027, 1, 1), date(2027, 3, 31)),
        (MONDAY, "FY2026-Q2", date(2026, 4, 1), date(2026, 6, 30)),
        (MONDAY, " 2026-10-05 ", date(2026, 10, 5), date(2026, 10, 5)),
    ],
)
def test_parse_bound_of_each_kind(calendar, text, first, last):
    assert calendar.parse_bound(text, "from") == first
    assert calendar.parse_bound(text, "to") == last


@pytest.mark.parametrize(
    "text", ["2026-W54", "2025-W53", "2026-13", "2026-Q5", "FY27-Q1", "last week", "2026-02-30"]
)
def test_parse_bound_refuses_other_text_and_says_what_is_allowed(text):
    with pytest.raises(NetleadError) as raised:
        MONDAY.parse_bound(text, "from")
    assert f"--from {text!r} is not a date or a period label" in raised.value.message
    assert "2026-W40" in raised.value.hint and "FY2027-Q1" in raised.value.hint


def test_as_of_date_alone_is_the_end_of_the_local_day():
    moment = LONDON.parse_as_of("2026-07-01")
    assert moment == datetime(2026, 7, 1, 22, 59, 59, 999999, tzinfo=UTC)  # BST is UTC+1
    assert LONDON.local_date(moment) == date(2026, 7, 1)
    assert MONDAY.parse_as_of("2026-01-15") == datetime(2026, 1, 15, 23, 59, 59, 999999, tzinfo=UTC)


def test_as_of_with_and_without_offset():
    assert LONDON.parse_as_of("2026-07-01T12:00") == datetime(2026, 7, 1, 11, 0, tzinfo=UTC)
    assert LONDON.parse_as_of("2026-07-01 12:00:00") == datetime(2026, 7, 1, 11, 0, tzinfo=UTC)
    assert LONDON.parse_as_of("2026-07-01T12:00:00+02:00") == datetime(2026, 7, 1, 10, 0, tzinfo=UTC)
    assert LONDON.parse_as_of("2026-07-01T12:00:00Z") == datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    assert LONDON.parse_as_of("2026-07-01T12:00").tzinfo is not None


def test_as_of_defaults_to_now():
    before = datetime.now(UTC)
    moment = LONDON.parse_as_of(None)
    assert before <= moment <= datetime.now(UTC)
    assert moment.utcoffset() is not None


@pytest.mark.parametrize("text", ["yesterday", "2026-07-01T25:00", "01/07/2026"])
def test_bad_as_of_says_what_is_allowed(text):
    with pytest.raises(NetleadError) as raised:
        LONDON.parse_as_of(text)
    assert "is not a date or a time" in raised.value.message and "2026-10-05T14:30" in raised.value.hint


def test_t3_skipped_and_repeated_hours_read_with_the_lower_offset():
    # 2026-03-29 01:30 does not exist in London; 2026-10-25 01:30 happens twice. Both are 01:30 UTC.
    assert LONDON.local_to_utc(datetime(2026, 3, 29, 1, 30)) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert LONDON.local_to_utc(datetime(2026, 10, 25, 1, 30)) == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    assert LONDON.parse_as_of("2026-03-29T01:30") == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert LONDON.parse_as_of("2026-10-25T01:30") == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    # Either side of the changes, ordinary local time.
    assert LONDON.local_to_utc(datetime(2026, 3, 29, 2, 30)) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert LONDON.local_to_utc(datetime(2026, 10, 25, 0, 30)) == datetime(2026, 10, 24, 23, 30, tzinfo=UTC)
    assert LONDON.local_to_utc(datetime(2026, 10, 25, 2, 30)) == datetime(2026, 10, 25, 2, 30, tzinfo=UTC)


def test_local_date():
    assert LONDON.local_date(datetime(2026, 6, 30, 23, 30, tzinfo=UTC)) == date(2026, 7, 1)
    assert MONDAY.local_date(datetime(2026, 6, 30, 23, 30, tzinfo=UTC)) == date(2026, 6, 30)


def test_unknown_timezone_is_refused():
    with pytest.raises(ValueError, match="unknown timezone 'Nowhere/City'"):
        Calendar(timezone="Nowhere/City")


# --- properties ------------------------------------------------------------------------------------

calendars = st.builds(
    Calendar,
    week_start=st.sampled_from(
        ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    ),
    fiscal_year_start_month=st.integers(1, 12),
)
units = st.sampled_from(["week", "month", "quarter"])
days = st.dates(date(1990, 1, 1), date(2090, 12, 31))


@settings(max_examples=300)
@given(calendar=calendars, day=days, unit=units)
def test_a_date_lies_in_its_period_and_the_label_names_it_back(calendar, day, unit):
    start = calendar.period_start(day, unit)
    end = calendar.period_end(start, unit)
    assert start <= day <= end
    assert calendar.period_start(start, unit) == start
    assert calendar.period_start(end, unit) == start
    assert calendar.period_start(end + timedelta(days=1), unit) == end + timedelta(days=1)
    label = calendar.label(start, unit)
    assert calendar.parse_bound(label, "from") == start
    assert calendar.parse_bound(label, "to") == end


@settings(max_examples=200)
@given(calendar=calendars, first=days, length=st.integers(0, 800), unit=units)
def test_periods_cover_a_range_without_gaps(calendar, first, length, unit):
    last = first + timedelta(days=length)
    periods = calendar.periods(first, last, unit)
    assert periods[0].start <= first <= periods[0].end
    assert periods[-1].start <= last <= periods[-1].end
    for before, after in zip(periods, periods[1:], strict=False):
        assert after.start == before.end + timedelta(days=1)
    assert len({p.label for p in periods}) == len(periods)


@pytest.fixture(scope="module")
def london_duckdb():
    con = duckdb.connect()
    con.execute("SET TimeZone = 'Europe/London'")
    return con


@settings(max_examples=200, deadline=None)
@given(
    moment=st.one_of(
        st.datetimes(datetime(2026, 3, 29, 0, 0), datetime(2026, 3, 29, 3, 0)),
        st.datetimes(datetime(2026, 10, 25, 0, 0), datetime(2026, 10, 25, 3, 0)),
        st.datetimes(datetime(1990, 1, 1), datetime(2060, 1, 1)),
    ).map(lambda d: d.replace(microsecond=0))
)
def test_local_to_utc_agrees_with_duckdb(london_duckdb, moment):
    (utc,) = london_duckdb.execute(
        "SELECT CAST(? AS TIMESTAMPTZ) AT TIME ZONE 'UTC'", [moment.isoformat(sep=" ")]
    ).fetchone()
    assert LONDON.local_to_utc(moment) == utc.replace(tzinfo=UTC)
