"""The agreement as a whole: its versions in time order and which one governs a date (T4)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from pathlib import Path

from .calendar import Calendar
from .models import Source, Version


class Agreement:
    """Every version of netlead.yaml, sorted by `effective_from`; calendar and currency are the
    same in all of them (the loader refuses a file where they differ)."""

    def __init__(
        self,
        path: Path,
        versions: Iterable[Version],
        texts: Mapping[int, str] | None = None,
        assumed_attributes: frozenset[str] = frozenset(),
    ):
        self.path = Path(path)
        self.versions: tuple[Version, ...] = tuple(sorted(versions, key=lambda v: v.effective_from))
        if not self.versions:
            raise ValueError("an agreement has at least one version")
        self._texts = dict(texts or {})
        self.assumed_attributes = assumed_attributes

    @property
    def calendar(self) -> Calendar:
        return self.versions[0].calendar

    @property
    def currency(self) -> str:
        return self.versions[0].currency

    @property
    def sources(self) -> dict[str, Source]:
        """Where canonical tables already live (the same in every version); empty: imported."""
        return dict(self.versions[0].sources)

    @property
    def latest(self) -> Version:
        return self.versions[-1]

    def version_on(self, day: date | datetime) -> Version:
        """T4: the version with the latest effective_from on or before `day`; the earliest version
        also governs everything before it. An aware datetime is placed on its local date."""
        if isinstance(day, datetime):
            day = self.calendar.local_date(day) if day.tzinfo else day.date()
        governing = self.versions[0]
        for version in self.versions:
            if version.effective_from <= day:
                governing = version
        return governing

    def text_of(self, version: Version) -> str:
        """The YAML source of one version as written in the file (comments included)."""
        try:
            return self._texts[id(version)]
        except KeyError:
            raise ValueError(f"version {version.version} is not one of this agreement's versions") from None

    def __repr__(self) -> str:
        listed = ", ".join(f"{v.version}@{v.effective_from}" for v in self.versions)
        return f"Agreement({str(self.path)!r}, versions=[{listed}])"
