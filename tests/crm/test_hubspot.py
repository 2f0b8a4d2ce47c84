"""`netlead import --from hubspot`: a contacts and a deals export as HubSpot writes them (property
labels as headers, CRLF, a blank row, a quoted newline, several associated IDs in one cell,
"Date entered" stage columns), each stored value checked by hand. Agreement: Europe/London, USD."""

from __future__ import annotations

import json

import pytest

from netlead.crm import import_mapped

from .conftest import DATA, agreement_for, by_kind, open_store, rows

FILES = [DATA / "hubspot" / "contacts.csv", DATA / "hubspot" / "deals.csv"]


@pytest.fixture(scope="module")
def imported():
    agreement = agreement_for("USD", "Europe/London")
    con = open_store(agreement)
    results = import_mapped(con, "hubspot", FILES, agreement)
    yield con, results, agreement
    con.close()


def test_counts_per_kind_and_file(imported):
    _, results, _ = imported
    assert [(r.kind, r.file.rsplit("/", 1)[-1], r.loaded, r.quarantined) for r in results] == [
        ("leads", "contacts.csv", 3, 2),
        ("lead_events", "contacts.csv", 3, 0),
        ("opportunities", "deals.csv", 4, 1),
        ("opportunity_stages", "deals.csv", 8, 0),
    ]


def test_contacts_become_leads(imported):
    con, _, _ = imported
    got = rows(con, """SELECT lead_id, utc(created_at), channel, campaign, account_owner, email, company,
                               domain, country, industry, employees
                        FROM leads ORDER BY lead_id""")
    assert got == [
        ("101", "2026-01-05 09:15", "Paid Search", "spring-brand", "Amy Rep", "ada@acme.co.uk", "Acme Ltd",
         "acme.co.uk", "United Kingdom", "Software", 1200),
        # 14:00 in London in June is 13:00 UTC; the company cell held a line break in quotes
        ("102", "2026-06-10 13:00", "Organic Search", None, "Ben Rep", "bob@build.ie", "Build\r\nCo",
         "build.ie", "Ireland", "Construction", 45),
        ("103", "2026-02-01 08:00", "Direct Traffic", None, None, "cy@example.com", None, None, None, None, None),
    ]


def test_custom_properties_and_lifecycle_are_attributes(imported):
    con, _, _ = imported
    attributes = json.loads(rows(con, "SELECT attributes FROM leads WHERE lead_id = '101'")[0][0])
    assert attributes == {
        "first_name": "Ada", "last_name": "Lovelace", "lifecycle_stage": "Customer", "lead_status": "Connected",
        "original_source_drill_down_1": "google", "date_of_first_engagement": "2026-01-07 11:45",
        "preferred_product": "Analytics",
    }


def test_bad_contact_rows_are_quarantined_with_row_column_and_reason(imported):
    con, _, _ = imported
    got = rows(con, "SELECT row_number, column_name, value, reason FROM quarantine WHERE kind = 'leads' "
                    "ORDER BY row_number")
    assert [g[:3] for g in got] == [(5, "employees", "12,5"), (6, "created_at", "31/02/2026")]
    assert got[0][3].endswith("— the mapping reads numbers written like 1,234")
    assert got[1][3].endswith("— the mapping reads dates as %Y-%m-%d %H:%M:%S or %Y-%m-%d %H:%M or %Y-%m-%d")


def test_sql_date_is_issued_and_first_engagement_is_responded(imported):
    con, results, _ = imported
    got = rows(con, "SELECT event_id, lead_id, type, utc(occurred_at), rep_id FROM lead_events ORDER BY 1")
    assert got == [
        ("hubspot:101:issued", "101", "issued", "2026-01-07 11:30", "Amy Rep"),
        ("hubspot:101:responded", "101", "responded", "2026-01-07 11:45", "Amy Rep"),
        ("hubspot:102:issued", "102", "issued", "2026-06-11 23:00", "Ben Rep"),  # a date alone: London midnight
    ]
    notes = by_kind(results)["lead_events"].notes
    assert ("contacts.csv: 1 lead_events.occurred_at value had a date without a time: read as the start of "
            "that day in the agreement's timezone") in notes
    assert any(n.startswith("contacts.csv: 3 rows give no issued events") for n in notes)


def test_deals_become_opportunities(imported):
    con, _, _ = imported
    got = rows(con, """SELECT opportunity_id, lead_id, utc(created_at), stage, status, utc(closed_at),
                               revenue::VARCHAR
                        FROM opportunities ORDER BY 1""")
    assert got == [
        ("9001", "101", "2026-01-20 16:00", "closed_won", "won", "2026-02-15 12:00", "12500.0000"),  # first of 101;102
        ("9002", "103", "2026-02-02 09:00", "closed_lost", "lost", "2026-02-20 00:00", "900.0000"),  # via contact's deals
        ("9003", "103", "2026-02-10 10:00", "contract_sent", "open", None, "2000.0000"),  # expected close dropped
        ("9004", None, "2026-06-01 09:00", "appointment_scheduled", "open", None, None),
    ]
    quarantined = rows(con, "SELECT row_number, column_name, value, reason FROM quarantine WHERE kind = 'opportunities'")
    assert [q[:3] for q in quarantined] == [(5, "revenue", "EUR 100")]
    assert "in USD (other currencies are not converted)" in quarantined[0][3]


def test_date_entered_columns_become_the_stage_history(imported):
    con, _, _ = imported
    got = rows(con, "SELECT opportunity_id, stage, utc(entered_at) FROM opportunity_stages ORDER BY 1, 3")
    assert got == [
        ("9001", "appointment_scheduled", "2026-01-20 16:00"),
        ("9001", "contract_sent", "2026-02-01 09:00"),
        ("9001", "closed_won", "2026-02-15 12:00"),
        ("9002", "appointment_scheduled", "2026-02-02 09:00"),
        ("9002", "closed_lost", "2026-02-20 00:00"),
        ("9003", "appointment_scheduled", "2026-02-10 10:00"),
        ("9003", "contract_sent", "2026-02-25 00:00"),
        ("9004", "appointment_scheduled", "2026-06-01 09:00"),
    ]


def test_importing_the_same_exports_again_changes_nothing(imported):
    con, first, agreement = imported
    again = import_mapped(con, "hubspot", FILES, agreement)
    assert [(r.loaded, r.updated, r.unchanged) for r in again] == [(0, 0, r.loaded) for r in first]


def test_the_staging_tables_are_dropped(imported):
    con, _, _ = imported
    assert rows(con, "SELECT count(*) FROM duckdb_tables() WHERE temporary AND table_name LIKE '_netlead_crm%'") == [(0,)]
