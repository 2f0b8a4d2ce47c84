"""The frame every metric shares: the `as_of` moment (T2) and the periods of the range (T1),
handed to the SQL as two small tables built from the agreement's Calendar:
`metric_periods(period_start, period_end, period)` and `metric_days(day, period_start)`, the
latter so that rows are bucketed by an equi-join on their local date."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import duckdb
import pyarrow as pa

from netlead.agreement.calendar import Period
from netlead.errors import NetleadError
from netlead.metrics import _sql

UNITS = ("week", "month", "quarter")


@dataclass(frozen=True)
class Frame:
    as_of: datetime  # aware
    as_of_date: date  # its local date
    periods: list[Period]

    @property
    def params(self) -> dict:
        """The bound parameters of the metric SQL: as_of, its local date, and the first and last
        day of the periods (null without periods), which let a scan skip the row groups outside
        them before any join to metric_days."""
        first_day = self.periods[0].start if self.periods else None
        last_day = self.periods[-1].end if self.periods else None
        return {"as_of": self.as_of, "as_of_date": self.as_of_date, "first_day": first_day, "last_day": last_day}


def resolve_as_of(calendar, as_of: str | date | datetime | None) -> datetime:
    """T2: default now; a date alone is the end of that local day; a naive time is local (T3)."""
    if isinstance(as_of, datetime):
        moment = as_of if as_of.tzinfo is not None else calendar.local_to_utc(as_of)
        return moment.astimezone(calendar.zone)
    if isinstance(as_of, date):
        return calendar.parse_as_of(as_of.isoformat())
    return calendar.parse_as_of(as_of)


def _bound(calendar, value: str | date | None, side: str) -> date | None:
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    if isinstance(value, datetime):
        return calendar.local_date(value) if value.tzinfo else value.date()
    return calendar.parse_bound(value, side)


def frame(con: duckdb.DuckDBPyConnection, agreement, by: str, from_, to, as_of) -> Frame:
    if by not in UNITS:
        raise NetleadError(f"unknown period unit {by!r}", f"Use one of: {', '.join(UNITS)}.")
    calendar = agreement.calendar
    moment = resolve_as_of(calendar, as_of)
    as_of_date = calendar.local_date(moment)
    first = _bound(calendar, from_, "from")
    last = _bound(calendar, to, "to") or as_of_date
    if first is None:
        # Without --from: the first period holding any lead, cost or event that exists at as_of.
        first = _sql.arrow(con, "first_date", {"as_of": moment, "as_of_date": as_of_date})[0][0].as_py()
        first = as_of_date if first is None else first
    return Frame(moment, as_of_date, calendar.periods(first, last, by) if first <= last else [])


@contextlib.contextmanager
def registered(
    con: duckdb.DuckDBPyConnection, fr: Frame, extra: dict[str, pa.Table] | None = None
) -> Iterator[None]:
    """Make the frame's tables (and any `extra` ones) visible to the metric SQL for one query."""
    periods = _sql.table(
        {
            "period_start": ([p.start for p in fr.periods], pa.date32()),
            "period_end": ([p.end for p in fr.periods], pa.date32()),
            "period": ([p.label for p in fr.periods], pa.string()),
        }
    )
    days, starts = [], []
    for p in fr.periods:
        for offset in range((p.end - p.start).days + 1):
            days.append(p.start + timedelta(days=offset))
            starts.append(p.start)
    tables = {
        "metric_periods": periods,
        "metric_days": _sql.table({"day": (days, pa.date32()), "period_start": (starts, pa.date32())}),
        **(extra or {}),
    }
    for name, table in tables.items():
        con.register(name, table)
    try:
        yield
    finally:
        for name in tables:
            con.unregister(name)
