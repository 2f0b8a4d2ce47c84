"""A stand-in for netlead.agreement's Agreement, with only what the store reads (calendar.timezone,
currency, versions with effective_from, version, hash and outcome_codes, and version_on), and a
small query helper."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Code:
    code: str


@dataclass(frozen=True)
class Version:
    effective_from: dt.date
    version: int
    outcome_codes: tuple[Code, ...]
    hash: str = "hash"


@dataclass(frozen=True)
class Calendar:
    timezone: str = "Europe/London"


@dataclass(frozen=True)
class Agreement:
    versions: tuple[Version, ...]
    currency: str = "GBP"
    calendar: Calendar = field(default_factory=Calendar)

    def version_on(self, d: dt.date) -> Version:
        governing = [v for v in self.versions if v.effective_from <= d]
        return governing[-1] if governing else self.versions[0]


def codes(*names: str) -> tuple[Code, ...]:
    return tuple(Code(n) for n in names)


AGREEMENT = Agreement(versions=(
    Version(dt.date(2026, 1, 1), 1, codes("opportunity", "meeting_booked", "no_contact", "not_now"), "h1"),
    Version(dt.date(2026, 4, 1), 2, codes("opportunity", "not_a_fit"), "h2"),
))


def rows(con, sql: str, params=None) -> list[tuple]:
    return con.execute(sql, params or []).fetchall()
