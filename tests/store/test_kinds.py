"""Each kind loads with its canonical types; time is read in the agreement's timezone (T1, T3)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from store_helpers import rows

from netlead.store import COLUMNS, KINDS, attribute_names, connect, import_file, required

UTC = dt.UTC


def utc(con, sql):
    """The first column of `sql`, instants written as UTC text by the fixture's utc_text macro."""
    return [r[0] for r in rows(con, sql)]


def test_kinds_and_required_columns():
    assert KINDS == ("leads", "lead_events", "opportunities", "opportunity_stages", "costs")
    assert required("leads") == ["lead_id", "created_at", "channel"]
    assert required("costs") == ["category", "amount"]
    assert [c.name for c in COLUMNS["opportunity_stages"]] == ["opportunity_id", "stage", "entered_at"]


def test_connect_creates_the_schema_once(tmp_path):
    path = tmp_path / "netlead.duckdb"
    con = connect(path, "Europe/London")
    assert rows(con, "SELECT current_setting('TimeZone')") == [("Europe/London",)]
    con.execute("INSERT INTO attribute_names VALUES ('leads', 'x')")
    con.close()
    con = connect(path, "UTC")  # reopening keeps what is there
    assert rows(con, "SELECT * FROM attribute_names") == [("leads", "x")]
    assert rows(con, "SELECT current_setting('TimeZone')") == [("UTC",)]


def test_leads_load_with_types_and_attributes(con, agreement, write):
    path = write("leads.csv",
                 "lead_id,created_at,channel,employees,email,source_detail\n"
                 "L1,2026-07-01T09:30:00, paid_search ,250,a@x.com,fair\n"
                 "L2,2026-01-15T09:30:00+02:00,webinar,,\t,\n")
    result = import_file(con, "leads", path, agreement)
    assert (result.loaded, result.updated, result.unchanged, result.quarantined) == (2, 0, 0, 0)
    got = rows(con, "SELECT lead_id, channel, employees, email, attributes FROM leads ORDER BY lead_id")
    assert got == [("L1", "paid_search", 250, "a@x.com", '{"source_detail":"fair"}'),
                   ("L2", "webinar", None, None, '{"source_detail":null}')]
    # T1: 09:30 without offset in London summer (BST, UTC+1) is 08:30 UTC; with +02:00 it is 07:30.
    assert utc(con, "SELECT utc_text(created_at) FROM leads ORDER BY lead_id") == ["2026-07-01 08:30:00", "2026-01-15 07:30:00"]
    assert attribute_names(con, "leads") == {"source_detail"}
    assert json.loads(rows(con, "SELECT attributes FROM leads WHERE lead_id = 'L1'")[0][0]) == {"source_detail": "fair"}


def test_skipped_and_repeated_local_hour_read_with_the_lower_offset(con, agreement, write):
    # T3, London 2026: clocks go forward at 01:00 UTC on 29 March (01:30 local does not exist) and
    # back at 01:00 UTC on 25 October (01:30 local happens twice). Both read as 01:30 UTC.
    path = write("leads.csv", "lead_id,created_at,channel\nS,2026-03-29 01:30:00,web\nR,2026-10-25 01:30:00,web\n")
    import_file(con, "leads", path, agreement)
    assert utc(con, "SELECT utc_text(created_at) FROM leads ORDER BY lead_id DESC") == ["2026-03-29 01:30:00", "2026-10-25 01:30:00"]


def test_a_date_alone_is_the_start_of_that_local_day(con, agreement, write):
    path = write("leads.csv", "lead_id,created_at,channel\nL1,2026-07-01,web\n")
    import_file(con, "leads", path, agreement)
    assert utc(con, "SELECT utc_text(created_at) FROM leads") == ["2026-06-30 23:00:00"]
    assert rows(con, "SELECT CAST(created_at AS DATE) FROM leads") == [(dt.date(2026, 7, 1),)]


def test_lead_events_load(con, agreement, write):
    path = write("events.csv",
                 "event_id,lead_id,type,occurred_at,rep_id,outcome_code,need\n"
                 "E1,L1,qualified,2026-02-01T10:00:00Z,,,budget approved\n"
                 "E2,L1,Issued,2026-02-01T11:00:00Z,rep7,,\n"
                 "E3,L1,outcome,2026-02-02T11:00:00Z,rep7,meeting_booked,\n")
    result = import_file(con, "lead_events", path, agreement)
    assert (result.loaded, result.quarantined) == (3, 0)
    assert rows(con, "SELECT event_id, lead_id, type, rep_id, outcome_code, need FROM lead_events ORDER BY event_id") == [
        ("E1", "L1", "qualified", None, None, "budget approved"),
        ("E2", "L1", "issued", "rep7", None, None),  # event types are read case-insensitively
        ("E3", "L1", "outcome", "rep7", "meeting_booked", None),
    ]
    # L1 is not in the store: the events are kept, and the import says so.
    assert any("not in the store yet" in note for note in result.notes)


def test_opportunities_load_with_exact_money(con, agreement, write):
    path = write("opps.csv",
                 "opportunity_id,lead_id,created_at,stage,status,closed_at,revenue,gross_profit,cogs\n"
                 "O1,L1,2026-02-01,proposal,won,2026-03-01,1000.1234,,400\n"
                 "O2,,2026-02-01,,open,,,,\n"
                 "O3,L2,2026-02-01,,lost,2026-03-02,-5,,\n")
    result = import_file(con, "opportunities", path, agreement)
    assert (result.loaded, result.quarantined) == (3, 0)
    assert rows(con, "SELECT opportunity_id, lead_id, status, revenue, gross_profit, cogs FROM opportunities ORDER BY 1") == [
        ("O1", "L1", "won", Decimal("1000.1234"), None, Decimal("400.0000")),
        ("O2", None, "open", None, None, None),
        ("O3", "L2", "lost", Decimal("-5.0000"), None, None),
    ]
    assert rows(con, "SELECT CAST(closed_at AS DATE) FROM opportunities WHERE opportunity_id = 'O1'") == [(dt.date(2026, 3, 1),)]


def test_opportunity_stages_load(con, agreement, write):
    path = write("stages.csv", "opportunity_id,stage,entered_at\nO1,proposal,2026-02-03T12:00:00Z\nO1,negotiation,2026-02-10T12:00:00Z\n")
    assert import_file(con, "opportunity_stages", path, agreement).loaded == 2
    assert utc(con, "SELECT utc_text(entered_at) FROM opportunity_stages ORDER BY entered_at") == [
        "2026-02-03 12:00:00", "2026-02-10 12:00:00"]


def test_costs_load(con, agreement, write):
    path = write("costs.csv",
                 "cost_id,category,amount,date,period_start,period_end,channel,currency,vendor\n"
                 "C1,media,1200.50,2026-01-31,,,paid_search,GBP,Google\n"
                 "C2,labor,9000,,2026-01-01,2026-03-31,  ,gbp,\n")
    result = import_file(con, "costs", path, agreement)
    assert (result.loaded, result.quarantined) == (2, 0)
    assert rows(con, "SELECT cost_id, category, amount, date, period_start, period_end, channel, currency FROM costs ORDER BY 1") == [
        ("C1", "media", Decimal("1200.5000"), dt.date(2026, 1, 31), None, None, "paid_search", "GBP"),
        ("C2", "labor", Decimal("9000.0000"), None, dt.date(2026, 1, 1), dt.date(2026, 3, 31), None, "GBP"),
    ]


def test_import_is_recorded(con, agreement, write):
    path = write("leads.csv", "lead_id,created_at,channel\nL1,2026-07-01,web\nL2,bad,web\n")
    import_file(con, "leads", path, agreement)
    got = rows(con, "SELECT import_id, kind, file, length(file_hash), loaded, updated, unchanged, quarantined, "
                    "agreement_version, agreement_hash, finished_at >= started_at FROM imports")
    # today is after 2026-04-01, so version 2 is in force when the import runs
    assert got == [(1, "leads", str(path), 64, 1, 0, 0, 1, 2, "h2", True)]
