"""The agreement's calendar: where a date falls, what its period is called, and how the
`--from`/`--to`/`--as-of` texts of the CLI are read (METRICS.md T1-T3)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Literal, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, Strict, field_validator

from netlead.errors import NetleadError

Unit = Literal["week", "month", "quarter"]
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
UNITS = ("week", "month", "quarter")

_WEEK_LABEL = re.compile(r"(\d{4})-W(\d{2})")
_MONTH_LABEL = re.compile(r"(\d{4})-(\d{2})")
_QUARTER_LABEL = re.compile(r"(\d{4})-Q([1-4])")
_FISCAL_LABEL = re.compile(r"FY(\d{4})-Q([1-4])")
_END_OF_DAY = time(23, 59, 59, 999999)

BOUND_FORMS = "a date (2026-10-05), a week (2026-W40), a month (2026-10), a quarter (2026-Q4) or a fiscal quarter (FY2027-Q1)"
AS_OF_FORMS = (
    "a date (2026-10-05: the end of that day), a local time (2026-10-05T14:30) "
    "or a time with an offset (2026-10-05T14:30:00+01:00)"
)


class Period(NamedTuple):
    start: date
    end: date
    label: str


def _valid_zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown timezone {name!r} — use an IANA name such as UTC, Europe/London or America/New_York"
        ) from None


def _add_months(d: date, months: int) -> date:
    """The first day of the month `months` after d's month."""
    index = d.year * 12 + (d.month - 1) + months
    return date(index // 12, index % 12 + 1, 1)


class Calendar(BaseModel):
    """Timezone, week start and fiscal year of the agreement; the same in every version (T4)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    timezone: str = "UTC"
    week_start: Weekday = "monday"
    fiscal_year_start_month: Annotated[int, Strict()] = Field(default=1, ge=1, le=12)

    @field_validator("timezone")
    @classmethod
    def _check_timezone(cls, value: str) -> str:
        _valid_zone(value)
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    # --- periods (T1) -----------------------------------------------------------------------

    def period_start(self, d: date, unit: Unit) -> date:
        """The first day of the `unit` period holding d."""
        if isinstance(d, datetime):
            d = d.date()
        if unit == "week":
            return d - timedelta(days=(d.weekday() - WEEKDAYS.index(self.week_start)) % 7)
        if unit == "month":
            return d.replace(day=1)
        if unit == "quarter":
            months_into_year = (d.month - self.fiscal_year_start_month) % 12
            return _add_months(d.replace(day=1), -(months_into_year % 3))
        raise _bad_unit(unit)

    def period_end(self, start: date, unit: Unit) -> date:
        """The last day of the `unit` period holding `start`."""
        start = self.period_start(start, unit)
        if unit == "week":
            return start + timedelta(days=6)
        return _add_months(start, 1 if unit == "month" else 3) - timedelta(days=1)

    def quarter_start(self, d: date) -> date:
        return self.period_start(d, "quarter")

    def label(self, start: date, unit: Unit) -> str:
        """`2026-W40`, `2026-10`, `2026-Q4`, or `FY2027-Q1` when the fiscal year is not January's."""
        start = self.period_start(start, unit)
        if unit == "week":
            iso = (start + timedelta(days=3)).isocalendar()
            return f"{iso.year}-W{iso.week:02d}"
        if unit == "month":
            return f"{start.year}-{start.month:02d}"
        fiscal_month = self.fiscal_year_start_month
        quarter = (start.month - fiscal_month) % 12 // 3 + 1
        if fiscal_month == 1:
            return f"{start.year}-Q{quarter}"
        # A fiscal year not starting in January spans two calendar years; it is named by the second.
        first_year = start.year if start.month >= fiscal_month else start.year - 1
        return f"FY{first_year + 1}-Q{quarter}"

    def periods(self, first: date, last: date, unit: Unit) -> list[Period]:
        """Every period of `unit` overlapping first..last (both inclusive), in order, no gaps."""
        out: list[Period] = []
        start = self.period_start(first, unit)
        while start <= last:
            end = self.period_end(start, unit)
            out.append(Period(start, end, self.label(start, unit)))
            start = end + timedelta(days=1)
        return out

    # --- reading the CLI's texts ------------------------------------------------------------

    def parse_bound(self, text: str, side: Literal["from", "to"]) -> date:
        """A `--from`/`--to` text as a date: a label stands for its first day (from) or last (to)."""
        if side not in ("from", "to"):
            raise ValueError(f"side must be 'from' or 'to', not {side!r}")
        cleaned = text.strip().upper()
        try:
            first, last = self._label_range(cleaned)
        except ValueError:
            raise NetleadError(
                f"--{side} {text!r} is not a date or a period label", f"Use {BOUND_FORMS}."
            ) from None
        return first if side == "from" else last

    def _label_range(self, text: str) -> tuple[date, date]:
        if m := _WEEK_LABEL.fullmatch(text):
            iso_monday = date.fromisocalendar(int(m[1]), int(m[2]), 1)
            # The agreement week carrying this label has its start + 3 days inside the ISO week,
            # and the one agreement week holding the ISO Thursday is exactly that week.
            start = self.period_start(iso_monday + timedelta(days=3), "week")
            return start, start + timedelta(days=6)
        if m := _MONTH_LABEL.fullmatch(text):
            start = date(int(m[1]), int(m[2]), 1)
            return start, _add_months(start, 1) - timedelta(days=1)
        if m := _QUARTER_LABEL.fullmatch(text):
            start = date(int(m[1]), 3 * int(m[2]) - 2, 1)
            return start, _add_months(start, 3) - timedelta(days=1)
        if m := _FISCAL_LABEL.fullmatch(text):
            fiscal_month = self.fiscal_year_start_month
            first_year = int(m[1]) - (0 if fiscal_month == 1 else 1)
            start = _add_months(date(first_year, fiscal_month, 1), 3 * (int(m[2]) - 1))
            return start, _add_months(start, 3) - timedelta(days=1)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            day = date.fromisoformat(text)
            return day, day
        raise ValueError(text)

    def parse_as_of(self, text: str | None) -> datetime:
        """The `--as-of` moment as an aware UTC datetime (T2): now when None; a date alone is the
        end of that local day; a time without offset is local time (T3). UTC, not local, because
        Python never finds an aware time in a repeated hour equal to one in another zone (PEP 495)."""
        if text is None:
            return datetime.now(UTC)
        cleaned = text.strip()
        try:
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", cleaned):
                moment = datetime.combine(date.fromisoformat(cleaned), _END_OF_DAY)
            else:
                moment = datetime.fromisoformat(cleaned.replace(" ", "T", 1))
        except ValueError:
            raise NetleadError(f"--as-of {text!r} is not a date or a time", f"Use {AS_OF_FORMS}.") from None
        if moment.tzinfo is None:
            moment = self.local_to_utc(moment)
        return moment.astimezone(UTC)

    # --- instants and local time (T1, T3) ---------------------------------------------------

    def local_to_utc(self, naive: datetime) -> datetime:
        """A local wall-clock time as an aware UTC instant. A time skipped or repeated by a
        daylight-saving change is read with the lower of the two offsets around it (T3), which is
        what DuckDB does; zoneinfo alone would read the repeated hour with the first offset."""
        zone = self.zone
        offsets = (naive.replace(tzinfo=zone, fold=fold).utcoffset() for fold in (0, 1))
        offset = min(o for o in offsets if o is not None)
        return (naive - offset).replace(tzinfo=UTC)

    def local_date(self, moment: datetime) -> date:
        """The date in the agreement's timezone of an aware instant."""
        if moment.tzinfo is None:
            raise ValueError("local_date needs an aware datetime")
        return moment.astimezone(self.zone).date()


def _bad_unit(unit: str) -> NetleadError:
    return NetleadError(f"unknown period unit {unit!r}", f"Use one of: {', '.join(UNITS)}.")
