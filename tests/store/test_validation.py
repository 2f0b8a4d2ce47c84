"""Bad rows are quarantined with file, row, column, value and reason; every good row still loads."""

from __future__ import annotations

import pytest
from store_helpers import rows

from netlead.errors import ImportFileError
from netlead.store import import_file, quarantine

QUARANTINE = "SELECT row_number, column_name, value, reason FROM quarantine ORDER BY row_number, column_name"


def test_missing_required_column_names_it_and_loads_nothing(con, agreement, write):
    path = write("leads.csv", "lead_id,channel\nL1,web\n")
    with pytest.raises(ImportFileError, match="missing required column created_at") as error:
        import_file(con, "leads", path, agreement)
    assert "lead_id, created_at, channel" in error.value.hint
    assert rows(con, "SELECT count(*) FROM leads") == [(0,)]
    assert rows(con, "SELECT count(*) FROM imports") == [(0,)]


def test_two_missing_columns_are_both_named(con, agreement, write):
    path = write("costs.csv", "cost_id,date\nC1,2026-01-01\n")
    with pytest.raises(ImportFileError, match="missing required columns category, amount"):
        import_file(con, "costs", path, agreement)


def test_unparsable_timestamp_is_quarantined_and_the_rest_loads(con, agreement, write):
    path = write("leads.csv",
                 "lead_id,created_at,channel\n"
                 "L1,2026-07-01T09:30:00,web\n"
                 "L2,01/07/2026,web\n"
                 "L3,epoch,web\n"
                 "L4,2026-07-02,web\n")
    result = import_file(con, "leads", path, agreement)
    assert (result.loaded, result.quarantined) == (2, 2)
    assert rows(con, "SELECT lead_id FROM leads ORDER BY 1") == [("L1",), ("L4",)]
    reason = "not a timestamp (ISO 8601 expected, e.g. 2026-03-01T09:30:00+00:00 or 2026-03-01)"
    assert rows(con, "SELECT import_id, kind, file, row_number, column_name, value, reason FROM quarantine ORDER BY row_number") == [
        (1, "leads", str(path), 2, "created_at", "01/07/2026", reason),
        (1, "leads", str(path), 3, "created_at", "epoch", reason),
    ]


def test_required_value_blank_after_trimming(con, agreement, write):
    path = write("leads.csv", "lead_id,created_at,channel\nL1,2026-07-01, \t \nL2,2026-07-01,web\n")
    result = import_file(con, "leads", path, agreement)
    assert (result.loaded, result.quarantined) == (1, 1)
    assert rows(con, QUARANTINE) == [(1, "channel", None, "required value missing")]


def test_one_row_with_two_problems_is_one_quarantined_row(con, agreement, write):
    path = write("leads.csv", "lead_id,created_at,channel,employees\nL1,never,web,12.5\n")
    assert import_file(con, "leads", path, agreement).quarantined == 1
    assert rows(con, QUARANTINE) == [
        (1, "created_at", "never", "not a timestamp (ISO 8601 expected, e.g. 2026-03-01T09:30:00+00:00 or 2026-03-01)"),
        (1, "employees", "12.5", "not a whole number (e.g. 250)"),
    ]


def test_unknown_event_type(con, agreement, write):
    path = write("events.csv", "event_id,lead_id,type,occurred_at\nE1,L1,issued,2026-02-01\nE2,L1,called,2026-02-01\n")
    result = import_file(con, "lead_events", path, agreement)
    assert (result.loaded, result.quarantined) == (1, 1)
    assert rows(con, QUARANTINE) == [
        (2, "type", "called", "unknown event type: one of qualified, issued, responded, outcome, recycled")]


def test_outcome_code_must_be_in_the_version_in_force_on_the_events_date(con, agreement, write):
    # T4: version 1 (from 2026-01-01) has meeting_booked; version 2 (from 2026-04-01) has not,
    # but has not_a_fit. The earliest version also governs before its effective_from.
    path = write("events.csv",
                 "event_id,lead_id,type,occurred_at,outcome_code\n"
                 "E1,L1,outcome,2026-03-31T23:30:00+00:00,meeting_booked\n"   # 1 April 00:30 London: version 2
                 "E2,L1,outcome,2026-03-31T22:30:00+00:00,meeting_booked\n"   # 31 March 23:30 London: version 1
                 "E3,L1,outcome,2026-05-01,not_a_fit\n"
                 "E4,L1,outcome,2025-06-01,not_a_fit\n"
                 "E5,L1,outcome,2026-05-01,\n"
                 "E6,L1,issued,2026-05-01,whatever\n")
    result = import_file(con, "lead_events", path, agreement)
    assert rows(con, "SELECT event_id FROM lead_events ORDER BY 1") == [("E2",), ("E3",), ("E6",)]
    assert result.quarantined == 3
    assert rows(con, QUARANTINE) == [
        (1, "outcome_code", "meeting_booked",
         "not an outcome code of agreement version 2 (in force from 2026-04-01): one of opportunity, not_a_fit"),
        (4, "outcome_code", "not_a_fit",
         "not an outcome code of agreement version 1 (in force from 2026-01-01): one of opportunity, "
         "meeting_booked, no_contact, not_now"),
        (5, "outcome_code", None, "an outcome event needs an outcome_code"),
    ]


def test_won_opportunity_without_profit_or_revenue_is_refused(con, agreement, write):
    # D12: gross_profit, else revenue - cogs, else revenue x default_margin; with none, refused.
    path = write("opps.csv",
                 "opportunity_id,created_at,status,revenue,gross_profit,cogs\n"
                 "O1,2026-02-01,won,,,100\n"
                 "O2,2026-02-01,won,,50,\n"
                 "O3,2026-02-01,won,80,,\n"
                 "O4,2026-02-01,lost,,,\n"
                 "O5,2026-02-01,pending,,,\n")
    result = import_file(con, "opportunities", path, agreement)
    assert rows(con, "SELECT opportunity_id FROM opportunities ORDER BY 1") == [("O2",), ("O3",), ("O4",)]
    assert rows(con, QUARANTINE) == [
        (1, "gross_profit", None,
         "a won opportunity needs gross_profit, or revenue (with cogs, or the agreement's default_margin) (D12)"),
        (5, "status", "pending", "unknown status: one of open, won, lost"),
    ]
    assert result.quarantined == 2


def test_amounts_are_exact_never_rounded(con, agreement, write):
    path = write("costs.csv",
                 "cost_id,category,amount,date\n"
                 "C1,media,0.1234,2026-01-01\n"
                 "C2,media,0.12345,2026-01-01\n"
                 "C3,media,\"1,200\",2026-01-01\n"
                 "C4,media,£12,2026-01-01\n"
                 "C5,media,123456789012345,2026-01-01\n"
                 "C6,media,-.5,2026-01-01\n"
                 "C7,media,7.250000,2026-01-01\n")
    import_file(con, "costs", path, agreement)
    assert [str(r[0]) for r in rows(con, "SELECT amount FROM costs ORDER BY cost_id")] == ["0.1234", "-0.5000", "7.2500"]
    number = "not a number (a decimal like 1234.50 expected: no thousands separators or currency signs)"
    assert rows(con, QUARANTINE) == [
        (2, "amount", "0.12345", "more than 4 decimal places (amounts are kept exact, never rounded)"),
        (3, "amount", "1,200", number),
        (4, "amount", "£12", number),
        (5, "amount", "123456789012345", "too large (at most 14 digits before the decimal point)"),
    ]


def test_cost_currency_and_dates(con, agreement, write):
    path = write("costs.csv",
                 "cost_id,category,amount,date,period_start,period_end,currency\n"
                 "C1,media,10,2026-01-01,,,EUR\n"
                 "C2,media,10,,,,\n"
                 "C3,media,10,2026-01-01,2026-01-01,2026-01-31,\n"
                 "C4,media,10,,2026-01-01,,\n"
                 "C5,media,10,,2026-02-01,2026-01-31,\n"
                 "C6,media,10,2026-02-30,,,\n"
                 "C7,media,10,,2026-01-01,2026-01-01,GBP\n")
    result = import_file(con, "costs", path, agreement)
    assert (result.loaded, result.quarantined) == (1, 6)
    assert rows(con, QUARANTINE) == [
        (1, "currency", "EUR", "currency EUR is not the agreement's (GBP): costs are not converted"),
        (2, "date", None, "a cost needs a date, or period_start and period_end"),
        (3, "date", "2026-01-01", "give either date, or period_start and period_end, not both"),
        (4, "period_end", None, "period_start and period_end go together"),
        (5, "period_end", "2026-01-31", "period_end is before period_start"),
        (6, "date", "2026-02-30", "not a date (YYYY-MM-DD expected, e.g. 2026-03-01)"),
    ]


def test_malformed_csv_lines_are_quarantined_with_their_row(con, agreement, write):
    path = write("leads.csv",
                 "lead_id,created_at,channel\n"
                 "L1,2026-07-01,web\n"
                 "L2,2026-07-01\n"                        # row 2: a field short
                 "L3,\"2026-07-01\",\"web\nsite\"\n"      # row 3: a quoted value over two lines
                 "L4,2026-07-01,web,extra\n"              # row 4: a field too many
                 "L5,bad,web\n")                          # row 5: loads through the reader, bad date
    result = import_file(con, "leads", path, agreement)
    assert (result.loaded, result.quarantined) == (2, 3)
    assert rows(con, "SELECT lead_id, channel FROM leads ORDER BY 1") == [("L1", "web"), ("L3", "web\nsite")]
    got = rows(con, "SELECT row_number, column_name, value, reason FROM quarantine ORDER BY row_number")
    assert [(r[0], r[2]) for r in got] == [(2, "L2,2026-07-01"), (4, "L4,2026-07-01,web,extra"), (5, "bad")]
    assert got[0][3].startswith("the line has fewer fields than the header")
    assert got[1][3].startswith("the line has more fields than the header")


def test_quarantine_lists_newest_import_first(con, agreement, write):
    import_file(con, "leads", write("a.csv", "lead_id,created_at,channel\nA,bad,web\n"), agreement)
    import_file(con, "leads", write("b.csv", "lead_id,created_at,channel\nB,2026-01-01,web\nB2,worse,web\n"), agreement)
    table = quarantine(con)
    assert table.column_names == ["import_id", "kind", "file", "row_number", "column_name", "value", "reason"]
    assert [(r["import_id"], r["row_number"], r["value"]) for r in table.to_pylist()] == [(2, 2, "worse"), (1, 1, "bad")]


def test_reimporting_a_file_replaces_its_quarantine_lines(con, agreement, write):
    path = write("leads.csv", "lead_id,created_at,channel\nA,bad,web\n")
    import_file(con, "leads", path, agreement)
    import_file(con, "leads", path, agreement)
    assert rows(con, "SELECT import_id, value FROM quarantine") == [(2, "bad")]
    path.write_text("lead_id,created_at,channel\nA,2026-01-01,web\n")
    import_file(con, "leads", path, agreement)
    assert rows(con, "SELECT count(*) FROM quarantine") == [(0,)]
