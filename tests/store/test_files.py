"""Files as they come: empty, header only, BOM and CRLF, Latin-1, gzip, Parquet, JSON lines, and
rows staged by a CRM mapping."""

from __future__ import annotations

import gzip
from decimal import Decimal

import duckdb
import pytest
from store_helpers import rows

from netlead.errors import ImportFileError
from netlead.store import import_file, import_staged

LEADS = "lead_id,created_at,channel\nL1,2026-07-01T09:30:00,web\nL2,2026-07-02,events\n"


def test_empty_file_is_refused(con, agreement, write):
    with pytest.raises(ImportFileError, match="empty"):
        import_file(con, "leads", write("leads.csv", b""), agreement)
    assert rows(con, "SELECT count(*) FROM imports") == [(0,)]


def test_header_only_file_imports_nothing(con, agreement, write):
    result = import_file(con, "leads", write("leads.csv", "lead_id,created_at,channel\n"), agreement)
    assert (result.loaded, result.updated, result.unchanged, result.quarantined) == (0, 0, 0, 0)
    assert rows(con, "SELECT loaded FROM imports") == [(0,)]


def test_unknown_extension_is_refused(con, agreement, write):
    with pytest.raises(ImportFileError, match="cannot tell the format"):
        import_file(con, "leads", write("leads.xlsx", b"PK"), agreement)


def test_missing_file_is_refused(con, agreement, tmp_path):
    with pytest.raises(ImportFileError, match="no such file"):
        import_file(con, "leads", tmp_path / "nope.csv", agreement)


def test_bom_and_crlf(con, agreement, write):
    path = write("leads.csv", b"\xef\xbb\xbflead_id,created_at,channel\r\nL1,2026-07-01,web\r\nL2,2026-07-02,events\r\n")
    result = import_file(con, "leads", path, agreement)
    assert (result.loaded, result.quarantined) == (2, 0)
    assert rows(con, "SELECT lead_id, channel FROM leads ORDER BY 1") == [("L1", "web"), ("L2", "events")]


def test_headers_match_whatever_their_case_and_spaces(con, agreement, write):
    path = write("leads.csv", "Lead_ID , Created_At,CHANNEL,Region\nL1,2026-07-01,web,north\n")
    assert import_file(con, "leads", path, agreement).loaded == 1
    assert rows(con, "SELECT lead_id, channel, attributes FROM leads") == [("L1", "web", '{"Region":"north"}')]


def test_latin1_file_is_read_as_latin1_with_a_note(con, agreement, write):
    path = write("leads.csv", "lead_id,created_at,channel,company\nL1,2026-07-01,web,Café Müller\nL2,2026-07-01,web,Plain\n"
                 .encode("latin-1"))
    result = import_file(con, "leads", path, agreement)
    assert (result.loaded, result.quarantined) == (2, 0)
    assert rows(con, "SELECT company FROM leads ORDER BY lead_id") == [("Café Müller",), ("Plain",)]
    assert any("not UTF-8" in note and "Latin-1" in note for note in result.notes)


def test_utf8_text_is_kept(con, agreement, write):
    path = write("leads.csv", "lead_id,created_at,channel,company\nL1,2026-07-01,web,Café Müller 東京\n")
    result = import_file(con, "leads", path, agreement)
    assert result.notes == []
    assert rows(con, "SELECT company FROM leads") == [("Café Müller 東京",)]


def test_gzip_csv(con, agreement, write):
    result = import_file(con, "leads", write("leads.csv.gz", gzip.compress(LEADS.encode())), agreement)
    assert result.loaded == 2
    assert rows(con, "SELECT lead_id FROM leads ORDER BY 1") == [("L1",), ("L2",)]


def test_parquet_rows_are_numbered_and_checked(con, agreement, tmp_path):
    path = tmp_path / "costs.parquet"
    writer = duckdb.connect()
    writer.sql("""SELECT * FROM (VALUES ('C1', 'media', 12.5, DATE '2026-01-31', 'x'),
                                        ('C2', 'media', 1.23456, DATE '2026-01-31', 'y'))
                  t(cost_id, category, amount, date, vendor_code)""").write_parquet(str(path))
    writer.close()
    result = import_file(con, "costs", path, agreement)
    assert (result.loaded, result.quarantined) == (1, 1)
    assert rows(con, "SELECT cost_id, amount, date::VARCHAR, attributes FROM costs") == [
        ("C1", Decimal("12.5000"), "2026-01-31", '{"vendor_code":"x"}')]
    assert rows(con, "SELECT row_number, column_name FROM quarantine") == [(2, "amount")]


def test_parquet_timestamps_keep_their_instant(con, agreement, tmp_path):
    path = tmp_path / "stages.parquet"
    writer = duckdb.connect()
    writer.execute("SET TimeZone = 'UTC'")
    writer.sql("""SELECT 'O1' AS opportunity_id, 'proposal' AS stage,
                         TIMESTAMPTZ '2026-07-01 12:00:00+00' AS entered_at""").write_parquet(str(path))
    writer.close()
    import_file(con, "opportunity_stages", path, agreement)
    assert rows(con, "SELECT utc_text(entered_at) FROM opportunity_stages") == [("2026-07-01 12:00:00",)]


def test_json_lines(con, agreement, write):
    path = write("opps.jsonl",
                 '{"opportunity_id": "O1", "created_at": "2026-02-01", "status": "won", "revenue": 100.5, "tags": ["a"]}\n'
                 '{"opportunity_id": "O2", "created_at": "2026-02-01", "status": "open", "late_key": 7}\n')
    result = import_file(con, "opportunities", path, agreement)
    assert (result.loaded, result.quarantined) == (2, 0)
    assert rows(con, "SELECT opportunity_id, revenue, attributes FROM opportunities ORDER BY 1") == [
        ("O1", Decimal("100.5000"), '{"tags":"[\\"a\\"]","late_key":null}'),
        ("O2", None, '{"tags":null,"late_key":"7"}'),
    ]


def test_staged_rows_keep_their_source_row_numbers(con, agreement):
    con.execute("""CREATE TEMP TABLE crm AS SELECT * FROM (VALUES
                     (10::BIGINT, 'L1', '2026-07-01', 'web', 'hubspot'),
                     (12::BIGINT, 'L2', 'yesterday', 'web', 'hubspot'))
                   t(_row, lead_id, created_at, channel, source_system)""")
    result = import_staged(con, "leads", "crm", "contacts.csv", "abc123", agreement)
    assert (result.loaded, result.quarantined) == (1, 1)
    assert rows(con, "SELECT row_number, file, value FROM quarantine") == [(12, "contacts.csv", "yesterday")]
    assert rows(con, "SELECT file_hash FROM imports") == [("abc123",)]
    assert rows(con, "SELECT attributes FROM leads") == [('{"source_system":"hubspot"}',)]


def test_progress_is_reported_from_start_to_end(con, agreement, write):
    path = write("leads.csv", LEADS)
    calls = []
    import_file(con, "leads", path, agreement, progress=lambda done, total: calls.append((done, total)))
    size = path.stat().st_size
    assert calls[0] == (0, size) and calls[-1] == (size, size)


def test_malformed_json_line_refuses_the_file(con, agreement, write):
    path = write("leads.jsonl", '{"lead_id": "L1", "created_at": "2026-07-01", "channel": "web"}\n{"lead_id": \n')
    with pytest.raises(ImportFileError, match="cannot be read as JSON"):
        import_file(con, "leads", path, agreement)
    assert rows(con, "SELECT count(*) FROM leads") == [(0,)]


def test_refused_lines_alone_are_quarantined_on_a_first_load(con, agreement, write):
    path = write("leads.csv", "lead_id,created_at,channel\nL1,2026-07-01\nL2,2026-07-01,web\n")
    result = import_file(con, "leads", path, agreement)
    assert (result.loaded, result.quarantined) == (1, 1)
    assert rows(con, "SELECT row_number, value FROM quarantine") == [(1, "L1,2026-07-01")]


def test_semicolons_and_quotes_after_the_sniffed_sample(con, agreement, write):
    # DuckDB sniffs the first 20,480 rows; quoting that first appears after them still reads.
    body = "".join(f"L{i};2026-07-01;web\n" for i in range(25_000))
    path = write("leads.csv", "lead_id;created_at;channel\n" + body + 'L_last;2026-07-01;"web; site"\n')
    result = import_file(con, "leads", path, agreement)
    assert (result.loaded, result.quarantined) == (25_001, 0)
    assert rows(con, "SELECT channel FROM leads WHERE lead_id = 'L_last'") == [("web; site",)]


def test_a_column_named_twice_keeps_the_second_as_an_attribute(con, agreement, write):
    # DuckDB's reader renames a repeated header (case-insensitively): nothing is lost.
    path = write("leads.csv", "lead_id,created_at,channel,email,Email\nL1,2026-01-01,web,a,b\n")
    import_file(con, "leads", path, agreement)
    assert rows(con, "SELECT email, attributes FROM leads") == [("a", '{"Email_1":"b"}')]
