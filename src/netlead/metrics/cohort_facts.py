"""The derived tables of the cohort, response, decay and scorecard metrics (D10-D22), built after
`lead_facts` (they read it), whole or for the leads an import touched (derived.py). Like
lead_facts they hold instants and never depend on `as_of`, so a metric at any `as_of` is a filter
over them.

- `cohort_days`: the zone's offset on every local day cohort_leads looks up (sql/cohort_days.sql);
  it covers the days of every lead's lookups, so rebuilding it for all leads after lead_facts
  changed never changes another lead's row.
- `cohort_versions`: one row per agreement version with the dates it governs (T4) and what these
  metrics need of it: default_margin, sales_cycle_days, the SLA and its business hours as seconds.
- `cohort_leads`: one row per net lead that has been issued (D5), with its first issue, response,
  outcome and opportunity, `response_minutes` (D16, elapsed), `response_business_minutes`,
  `sla_due_at` (the instant its SLA window closes, D18) and `outcome_due_at` (D19). The window
  closes where the business-minute count would pass `respond_within_minutes`: a count reached at
  17:30 closes at the next opening, so a lead answered within its window is exactly one whose
  `response_business_minutes` are at most `respond_within_minutes`.
- `cohort_opportunities`: one row per opportunity of such a lead, with its cohort keys, the T3
  reading of its times and its D12 gross profit when won.

Business time is arithmetic, never a row per day: see sql/cohort_leads.sql. Business hours are
local wall-clock windows; minutes inside a window are real minutes as long as no daylight-saving
change falls inside the window itself (changes happen at night in the zones netlead is used in; a
window holding one would count its nominal length). Elapsed minutes (D16) are always real.
"""

from __future__ import annotations

from datetime import date, time, timedelta

import duckdb
import pyarrow as pa

from netlead.metrics import _sql

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # day 0 of the arithmetic is a Monday
FIRST_DAY, LAST_DAY = date(1, 1, 1), date(9999, 12, 31)
COLUMN_COUNT = 10 + 3 * 7  # sql/cohort_versions.sql


def refresh(con: duckdb.DuckDBPyConnection, agreement) -> None:
    """(Re)build cohort_versions, cohort_days, cohort_leads and cohort_opportunities, inside the
    caller's transaction, after lead_facts has been rebuilt."""
    write_versions(con, agreement)
    build(con, agreement)


def build(con: duckdb.DuckDBPyConnection, agreement) -> None:
    """cohort_days for lead_facts as it stands, then cohort_leads and cohort_opportunities."""
    write_days(con, agreement)
    write_leads(con)


def write_leads(con: duckdb.DuckDBPyConnection, scope: str | None = None) -> None:
    """cohort_leads and cohort_opportunities whole, or for the leads whose ids the table `scope`
    holds (lead_facts and cohort_days rebuilt for them before)."""
    _sql.replace(con, "cohort_leads", _sql.render("cohort_leads", scope=scope), scope)
    _sql.replace(con, "cohort_opportunities", _sql.render("cohort_opportunities", scope=scope), scope)


def _seconds(moment: time) -> int:
    return moment.hour * 3600 + moment.minute * 60 + moment.second


def _weeks_to_close(version) -> int:
    """Whole weeks, plus one, within which a SLA window under business hours closes."""
    hours = version.sla.business_hours
    if hours is None:
        return 0
    week = (_seconds(hours.end) - _seconds(hours.start)) * len(hours.days)
    return -(-version.sla.respond_within_minutes * 60 // week) + 1


def version_row(index: int, version, versions) -> tuple:
    """One row of cohort_versions. Per weekday k (0 = Monday): `len_k` the business seconds of that
    day, `prefix_k` those of the days of the week before it, `through_k` = prefix_k + len_k."""
    start = FIRST_DAY if index == 0 else version.effective_from  # T4: the earliest governs before it
    end = versions[index + 1].effective_from - timedelta(days=1) if index + 1 < len(versions) else LAST_DAY
    hours = version.sla.business_hours
    if hours is None:
        start_second, lengths = 0, [0] * 7
    else:
        start_second = _seconds(hours.start)
        window = _seconds(hours.end) - start_second
        lengths = [window if day in hours.days else 0 for day in WEEKDAYS]
    prefixes = [sum(lengths[:k]) for k in range(7)]
    throughs = [prefixes[k] + lengths[k] for k in range(7)]
    return (
        index, start, end, version.default_margin, version.sales_cycle_days,
        version.sla.respond_within_minutes, version.sla.outcome_within_days, hours is not None,
        float(start_second), float(sum(lengths)), *map(float, lengths + prefixes + throughs),
    )


def write_versions(con: duckdb.DuckDBPyConnection, agreement) -> None:
    versions = agreement.versions
    con.execute(_sql.render("cohort_versions"))
    marks = ", ".join("?" for _ in range(COLUMN_COUNT))
    con.executemany(
        f"INSERT INTO cohort_versions VALUES ({marks})",  # noqa: S608 - only '?' marks are inserted
        [version_row(i, v, versions) for i, v in enumerate(versions)],
    )


def write_days(con: duckdb.DuckDBPyConnection, agreement) -> None:
    """cohort_days for every local day cohort_leads looks up: those of the first issues and
    responses (a day either side, for instants placed near midnight) and those a SLA window can
    close on (the longest window, in whole weeks of business hours, after the last issue)."""
    first, last, responded = _sql.arrow(con, "cohort_day_range").to_pylist()[0].values()
    days: list[date] = []
    if first is not None:
        weeks = max((_weeks_to_close(v) for v in agreement.versions), default=0)
        end = max(last + timedelta(weeks=weeks), responded or last) + timedelta(days=2)
        day = first - timedelta(days=2)
        while day <= end:
            days.append(day)
            day += timedelta(days=1)
    con.register("cohort_day_list", _sql.table({"day": (days, pa.date32())}))
    try:
        con.execute(_sql.render("cohort_days"))
    finally:
        con.unregister("cohort_day_list")
