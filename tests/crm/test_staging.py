"""The mapping's SQL on its own: what each feature puts in the staged table (text for the store
to validate), checked value by value."""

from __future__ import annotations

import textwrap

import pytest

from netlead.crm import load, stage
from netlead.errors import ImportFileError
from netlead.store import connect


@pytest.fixture
def con():
    con = connect(":memory:", "Europe/London")
    con.execute("BEGIN")  # as in a workspace import: row numbers must not depend on it
    yield con
    con.close()


def mapping_file(tmp_path, text: str):
    path = tmp_path / "map.yaml"
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return load(path)


def csv_file(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_bytes(textwrap.dedent(text).lstrip("\n").replace("\n", "\r\n").encode("utf-8"))
    return path


def staged_rows(con, staged, kind: str, columns: str) -> list[tuple]:
    table = next(s.table for s in staged if s.kind == kind)
    return con.execute(f'SELECT {columns} FROM "{table}" ORDER BY _row, 1').fetchall()  # noqa: S608


COSTS = """
    name: amounts
    date_formats: ["%d/%m/%Y %H:%M", "%d/%m/%Y"]
    number: {{decimal: "{decimal}", thousands: "{thousands}"}}
    sources:
      sheet: {{header: [Amount]}}
    outputs:
      - kind: costs
        from: sheet
        columns:
          category: {{value: media}}
          amount: Amount
          date: Day
"""


@pytest.mark.parametrize(("text", "expected"), [
    ("1,234.56", "1234.56"),
    ("$1,234.56", "1234.56"),
    ("(1,234.00)", "-1234.00"),
    ("USD 12", "12"),
    ("12 USD", "12"),
    ("-$5", "-5"),
    ("+7.5", "7.5"),
    ("1 234", "1234"),
    ("1234.5", "1234.5"),
    ("1.234,56 €", "1.234,56 €"),   # another currency and separator: left for the store to refuse
    ("£3", "£3"),                   # pounds under a USD agreement: not converted, refused
    ("EUR 3", "EUR 3"),
    ("12,5", "12,5"),               # not a thousands group: ambiguous, refused
    ("abc", "abc"),
])
def test_amounts_in_the_stated_format_become_plain_decimals(con, tmp_path, text, expected):
    mapping = mapping_file(tmp_path, COSTS.format(decimal=".", thousands=","))
    sheet = csv_file(tmp_path, "sheet.csv", f'Amount,Day\n"{text}",01/02/2026\n')
    staged = stage(con, mapping, [sheet], "USD")
    assert staged_rows(con, staged, "costs", "amount") == [(expected,)]


@pytest.mark.parametrize(("text", "expected"), [
    ("1.234,56 €", "1234.56"),
    ("€1.234", "1234"),
    ("EUR 2.000,00", "2000.00"),
    ("1,5", "1.5"),
    ("1.23", "1.23"),               # neither a decimal comma nor a group of three: refused
    ("$5", "$5"),
])
def test_amounts_with_decimal_comma(con, tmp_path, text, expected):
    mapping = mapping_file(tmp_path, COSTS.format(decimal=",", thousands="."))
    sheet = csv_file(tmp_path, "sheet.csv", f'Amount,Day\n"{text}",01/02/2026\n')
    staged = stage(con, mapping, [sheet], "EUR")
    assert staged_rows(con, staged, "costs", "amount") == [(expected,)]


EVENTS = """
    name: events
    date_formats: ["%d/%m/%Y %H:%M", "%d/%m/%Y"]
    sources:
      calls: {header: [Lead IDs, When]}
    outputs:
      - kind: lead_events
        from: calls
        columns:
          lead_id: {column: Lead IDs, split: ";", pick: explode}
          type: {value: responded}
          occurred_at: When
          note: {template: "call {Call}"}
"""


def test_day_first_dates_become_iso_text_and_a_date_alone_stays_a_date(con, tmp_path):
    calls = csv_file(tmp_path, "calls.csv", """
        Call,Lead IDs,When
        c1,L1,03/04/2026 14:30
        c2,L2,28/04/2026
        c3,L3,2026-04-28T10:00:00+02:00
        c4,L4,13/13/2026
    """)
    staged = stage(con, mapping_file(tmp_path, EVENTS), [calls], "GBP")
    assert staged_rows(con, staged, "lead_events", "lead_id, occurred_at, _row") == [
        ("L1", "2026-04-03T14:30:00", 1),   # day first; local time, read in the agreement's zone
        ("L2", "2026-04-28", 2),            # the start of that day
        ("L3", "2026-04-28T10:00:00+02:00", 3),   # already ISO 8601: passed on
        ("L4", "13/13/2026", 4),            # no such date: passed on, the store refuses it
    ]
    notes = next(s.notes for s in staged if s.kind == "lead_events")
    assert ("calls.csv: 1 lead_events.occurred_at value had a date without a time: read as the start "
            "of that day in the agreement's timezone") in notes


def test_a_multi_value_cell_explodes_into_one_row_per_value(con, tmp_path):
    calls = csv_file(tmp_path, "calls.csv", """
        Call,Lead IDs,When
        c1," L1; L2;;L3; ",01/02/2026 09:00
        c2,,01/02/2026 10:00
        ,,
        c3,L4,01/02/2026 11:00
    """)
    staged = stage(con, mapping_file(tmp_path, EVENTS), [calls], "GBP")
    assert staged_rows(con, staged, "lead_events", "lead_id, note, _row") == [
        ("L1", "call c1", 1), ("L2", "call c1", 1), ("L3", "call c1", 1),
        (None, "call c2", 2),               # kept: the store quarantines it (lead_id missing)
        ("L4", "call c3", 4),               # row 3 is blank: skipped, and said so
    ]
    notes = next(s.notes for s in staged if s.kind == "lead_events")
    assert "calls.csv: 1 empty row (every cell blank) skipped" in notes


DEALS = """
    name: deals
    sources:
      deals: {header: [Deal]}
      people: {header: [Person, Deals]}
    outputs:
      - kind: opportunities
        from: deals
        when: {column: Stage, not_in: [Deleted]}
        columns:
          opportunity_id: Deal
          lead_id:
            column: Contacts
            split: "|"
            pick: last
            fallback: {lookup: {source: people, key: Deals, split: ";", value: Person, by: Deal}}
          created_at: Created
          stage: {column: Stage, slug: true}
          status: {column: Stage, map: {closed won: won, CLOSED LOST: lost}, else: open}
          closed_at: {column: Closed, only_if: {column: Stage, in: [Closed Won, Closed Lost]}}
          account_type: {column: Type, map: {New: new_logo}, default: new_logo}
        attributes: rest
        skip_attributes: ["^Secret"]
"""


def test_maps_slugs_tests_fallbacks_lookups_and_attributes(con, tmp_path):
    deals = csv_file(tmp_path, "deals.csv", """
        Deal,Contacts,Created,Stage,Closed,Type,Region Name,Secret Note
        D1,P1|P2,2026-01-02,Closed Won,2026-02-01,New,North,x
        D2,,2026-01-03,closed lost,2026-02-02,Existing,,y
        D3,,2026-01-04,Proposal / Quote,2026-03-31,,South,
        D4,,2026-01-05,Deleted,,,,
    """)
    people = csv_file(tmp_path, "people.csv", """
        Person,Deals
        P9,D2; D3
        P8,D3
    """)
    staged = stage(con, mapping_file(tmp_path, DEALS), [deals, people], "GBP")
    assert staged_rows(con, staged, "opportunities",
                       "opportunity_id, lead_id, stage, status, closed_at, account_type, region_name") == [
        ("D1", "P2", "closed_won", "won", "2026-02-01", "new_logo", "North"),
        ("D2", "P9", "closed_lost", "lost", "2026-02-02", "Existing", None),
        ("D3", "P9", "proposal_quote", "open", None, "new_logo", "South"),   # first person naming it
    ]
    table = next(s.table for s in staged if s.kind == "opportunities")
    names = [r[0] for r in con.execute(f'DESCRIBE "{table}"').fetchall()]  # noqa: S608
    assert "secret_note" not in names
    notes = next(s.notes for s in staged if s.kind == "opportunities")
    assert "deals.csv: 1 row gives no opportunities: only rows where 'Stage' is none of Deleted do" in notes


def test_stage_columns_unpivot_into_rows(con, tmp_path):
    mapping = mapping_file(tmp_path, """
        name: stages
        sources:
          deals: {header: [Deal]}
        outputs:
          - kind: opportunity_stages
            from: deals
            unpivot: {columns: '^Entered (?P<label>.+)$', value: at}
            columns:
              opportunity_id: Deal
              stage: {column: label, slug: true}
              entered_at: at
    """)
    deals = csv_file(tmp_path, "deals.csv", """
        Deal,Entered Demo,Entered Closed Won,Left Demo
        D1,2026-01-02,2026-01-09,2026-01-09
        D2,2026-01-03,,
    """)
    staged = stage(con, mapping, [deals], "GBP")
    assert sorted(staged_rows(con, staged, "opportunity_stages", "opportunity_id, stage, entered_at")) == [
        ("D1", "closed_won", "2026-01-09"), ("D1", "demo", "2026-01-02"), ("D2", "demo", "2026-01-03"),
    ]


def test_a_file_of_no_known_kind_is_refused_with_its_columns(con, tmp_path):
    other = csv_file(tmp_path, "other.csv", "Name,Phone\nAda,123\n")
    with pytest.raises(ImportFileError) as caught:
        stage(con, load("hubspot"), [other], "GBP")
    assert "not an export the hubspot mapping knows" in caught.value.message
    assert "Name, Phone" in caught.value.hint


def test_an_empty_file_is_refused(con, tmp_path):
    empty = tmp_path / "contacts.csv"
    empty.write_bytes(b"")
    with pytest.raises(ImportFileError, match="empty"):
        stage(con, load("hubspot"), [empty], "GBP")


def test_a_header_only_file_stages_no_rows(con, tmp_path):
    contacts = csv_file(tmp_path, "contacts.csv", "Record ID,Email,Create Date,Lifecycle Stage\n")
    staged = stage(con, load("hubspot"), [contacts], "GBP")
    assert {s.kind: s.rows for s in staged} == {"leads": 0}
    notes = staged[0].notes
    assert "contacts.csv: no column 'Became a Sales Qualified Lead Date': no issued events " \
        "(Became a Sales Qualified Lead Date)" in notes
    assert "contacts.csv: no column 'Original Source': leads.channel left empty" in notes


def test_a_latin_1_file_is_read_as_latin_1_and_says_so(con, tmp_path):
    contacts = tmp_path / "contacts.csv"
    contacts.write_bytes(b"Record ID,Email,First Name,Create Date\r\n1,a@b.c,Jos\xe9,2026-01-01 10:00\r\n")
    staged = stage(con, load("hubspot"), [contacts], "GBP")
    assert staged_rows(con, staged, "leads", "lead_id, first_name") == [("1", "Jos\u00e9")]
    assert "contacts.csv: not UTF-8: read as Latin-1 (ISO-8859-1); check accented text" in staged[0].notes


def test_a_companies_export_is_not_taken_for_contacts(con, tmp_path):
    companies = csv_file(tmp_path, "companies.csv", "Record ID,Company name,Create Date,Lifecycle Stage\n1,Acme,2026-01-01,Lead\n")
    with pytest.raises(ImportFileError, match="not an export the hubspot mapping knows"):
        stage(con, load("hubspot"), [companies], "GBP")
