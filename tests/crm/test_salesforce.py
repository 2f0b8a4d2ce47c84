"""`netlead import --from salesforce`: Leads, Opportunities, Opportunity History and Lead History
report exports (quoted cells, a blank line, a report footer, US dates), and a UK org's export
through `extends: salesforce` (day-first dates, `1.234,56` amounts); each value checked by hand."""

from __future__ import annotations

import shutil

import pytest

from netlead.crm import import_mapped

from .conftest import DATA, agreement_for, by_kind, open_store, rows

SF = DATA / "salesforce"
FILES = [SF / "leads.csv", SF / "opportunities.csv", SF / "opportunity_history.csv", SF / "lead_history.csv"]


@pytest.fixture(scope="module")
def imported():
    agreement = agreement_for("USD", "America/New_York")
    con = open_store(agreement)
    results = import_mapped(con, "salesforce", FILES, agreement)
    yield con, results
    con.close()


def test_each_report_feeds_its_kinds(imported):
    _, results = imported
    assert [(r.kind, r.file.rsplit("/", 1)[-1], r.loaded, r.quarantined) for r in results] == [
        ("leads", "leads.csv", 3, 0),
        ("lead_events", "leads.csv", 2, 0),
        ("lead_events", "lead_history.csv", 3, 0),
        ("opportunities", "opportunities.csv", 3, 0),
        ("opportunity_stages", "opportunity_history.csv", 5, 0),
    ]


def test_leads(imported):
    con, results = imported
    got = rows(con, """SELECT lead_id, utc(created_at), channel, account_owner, email, company, country,
                               industry, employees, json_extract_string(attributes, '$.lead_status')
                        FROM leads ORDER BY 1""")
    assert got == [
        # 9:05 AM in New York in January is 14:05 UTC
        ("00Q1", "2026-01-15 14:05", "Web", "Amy Rep", "ann@acme.com", "Acme Corp", "United States", "Software",
         1500, "Closed - Converted"),
        # a date alone: the start of that day in New York
        ("00Q2", "2026-02-03 05:00", "Trade Show", "Ben Rep", "bo@ng.com", "Ng, Sons & Co", "Canada", "Retail", 80,
         "Working - Contacted"),
        ("00Q3", "2026-03-01 21:30", "unknown", None, None, "Ray Inc", None, None, None, "Open - Not Contacted"),
    ]
    assert "leads.csv: no column 'Website': leads.domain left empty" in by_kind(results)["leads"].notes


def test_owner_at_creation_is_issued_and_status_changes_are_responses(imported):
    con, _ = imported
    got = rows(con, "SELECT lead_id, type, utc(occurred_at), rep_id, note FROM lead_events ORDER BY 1, 3")
    assert got == [
        ("00Q1", "issued", "2026-01-15 14:05", "Amy Rep", None),
        ("00Q1", "responded", "2026-01-15 14:40", "Amy Rep", "Working - Contacted"),
        ("00Q1", "responded", "2026-01-20 15:00", "Amy Rep", "Closed - Converted"),
        ("00Q2", "issued", "2026-02-03 05:00", "Ben Rep", None),
        ("00Q2", "responded", "2026-02-04 18:05", "Ben Rep", "Working - Contacted"),  # the owner change is not
    ]


def test_opportunities_find_their_lead_through_the_converted_opportunity_id(imported):
    con, _ = imported
    got = rows(con, """SELECT opportunity_id, lead_id, utc(created_at), stage, status, utc(closed_at),
                               revenue::VARCHAR, json_extract_string(attributes, '$.type')
                        FROM opportunities ORDER BY 1""")
    assert got == [
        ("0061", "00Q1", "2026-01-20 15:00", "closed_won", "won", "2026-03-02 05:00", "25000.0000", "New Business"),
        ("0062", None, "2026-02-10 19:15", "closed_lost", "lost", "2026-02-28 05:00", "3500.0000", "New Business"),
        # open: its Close Date is only expected, so not kept
        ("0063", None, "2026-03-05 16:00", "negotiation_review", "open", None, "8000.0000", "Existing Business"),
    ]


def test_opportunity_history_is_the_stage_history(imported):
    con, _ = imported
    got = rows(con, "SELECT opportunity_id, stage, utc(entered_at) FROM opportunity_stages ORDER BY 1, 3")
    assert got == [
        ("0061", "prospecting", "2026-01-20 15:00"),
        ("0061", "proposal_price_quote", "2026-02-02 20:00"),
        ("0061", "closed_won", "2026-03-02 14:30"),
        ("0062", "prospecting", "2026-02-10 19:15"),
        ("0062", "closed_lost", "2026-02-28 05:00"),
    ]


def test_a_report_footer_is_listed_not_imported(store, tmp_path):
    agreement = agreement_for("USD", "America/New_York")
    con = store(agreement)
    export = tmp_path / "opportunities.csv"
    shutil.copy(SF / "opportunities.csv", export)
    with export.open("ab") as f:
        f.write(b'\r\n"Grand Totals (3 records)"\r\n\r\n'
                b'"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."\r\n'
                b'"Confidential Information - Do Not Distribute"\r\n')
    [result] = import_mapped(con, "salesforce", [export], agreement)
    assert (result.loaded, result.quarantined) == (3, 0)
    refused = next(n for n in result.notes if "could not be read" in n)
    assert refused.startswith("opportunities.csv: 3 lines could not be read as rows and are not imported: "
                              'line 6: ("Grand Totals (3 records)")')
    assert "no leads file among the files imported together: opportunities.lead_id left empty" in \
        " ".join(result.notes)


def test_a_uk_org_extends_the_built_in_with_day_first_dates_and_decimal_commas(store):
    agreement = agreement_for("GBP", "Europe/London")
    con = store(agreement)
    [result] = import_mapped(con, SF / "uk.yaml", [SF / "opportunities_uk.csv"], agreement)
    assert (result.loaded, result.quarantined) == (2, 1)
    got = rows(con, """SELECT opportunity_id, utc(created_at), status, utc(closed_at), revenue::VARCHAR
                        FROM opportunities ORDER BY 1""")
    assert got == [
        ("0071", "2026-04-03 13:30", "won", "2026-04-27 23:00", "1234.5600"),   # 3 April, BST
        ("0073", "2026-01-13 09:00", "open", None, "12000.0000"),
    ]
    [(row, column, value, reason)] = rows(con, "SELECT row_number, column_name, value, reason FROM quarantine")
    assert (row, column, value) == (2, "revenue", "1.234,56 €")   # euros under a GBP agreement
    assert reason.endswith("— the mapping reads numbers written like 1.234,56 in GBP (other currencies are not converted)")
