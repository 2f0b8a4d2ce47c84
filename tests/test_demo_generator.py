"""The demo generator: deterministic, complete, and carrying the quirks the metrics must handle
(SPEC "Data in"; METRICS D2-D20 need duplicates, junk, late evidence, re-issues, slow responses,
wins with partial profit data, shared and ranged costs)."""

import time
from datetime import date

import duckdb
import pytest
from ruamel.yaml import YAML

from netlead.demo import AGREEMENT, KINDS, agreement_text, generate
from netlead.demo.generator import COLUMNS, V2_FROM, default_end

END = date(2026, 10, 31)

REQUIRED = {
    "leads": {"lead_id", "created_at", "channel"},
    "lead_events": {"lead_id", "type", "occurred_at"},
    "opportunities": {"opportunity_id", "created_at", "status"},
    "opportunity_stages": {"opportunity_id", "stage", "entered_at"},
    "costs": {"category", "amount"},
}


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    return generate(tmp_path_factory.mktemp("demo"), leads=2_000, seed=7, end=END)


@pytest.fixture(scope="module")
def con(files):
    con = duckdb.connect()
    for kind, path in files.items():
        con.read_csv(str(path), all_varchar=True).create(kind)
    yield con
    con.close()


@pytest.fixture(scope="module")
def versions():
    return list(YAML(typ="safe").load_all(agreement_text()))


def scalar(con, sql):
    return con.execute(sql).fetchone()[0]


def test_same_arguments_give_the_same_bytes(files, tmp_path):
    again = generate(tmp_path, leads=2_000, seed=7, end=END)
    for kind in KINDS:
        assert again[kind].read_bytes() == files[kind].read_bytes(), kind


def test_same_bytes_at_any_thread_count(files, tmp_path):
    again = generate(tmp_path, leads=2_000, seed=7, end=END, threads=1)
    for kind in KINDS:
        assert again[kind].read_bytes() == files[kind].read_bytes(), kind


def test_another_seed_gives_other_data(files, tmp_path):
    other = generate(tmp_path, leads=2_000, seed=8, end=END)
    for kind in ("leads", "lead_events", "opportunities", "costs"):
        assert other[kind].read_bytes() != files[kind].read_bytes(), kind


def test_every_kind_has_its_columns_and_rows(files, con):
    assert set(files) == set(KINDS)
    for kind in KINDS:
        header = files[kind].read_text().splitlines()[0].split(",")
        assert header == COLUMNS[kind]
        assert REQUIRED[kind] <= set(header)
        assert scalar(con, f"SELECT count(*) FROM {kind}") > 0, kind  # noqa: S608
    assert scalar(con, "SELECT count(*) FROM leads") == 2_000
    assert scalar(con, "SELECT count(DISTINCT lead_id) FROM leads") == 2_000
    # extra columns become attributes (SPEC "Data in")
    assert {"utm_source", "segment"} <= set(COLUMNS["leads"])


def test_the_window_ends_on_the_given_day(con):
    con.execute("SET TimeZone = 'Europe/London'")
    first, last = con.execute(
        "SELECT min(CAST(created_at AS TIMESTAMPTZ))::DATE, max(CAST(created_at AS TIMESTAMPTZ))::DATE FROM leads"
    ).fetchone()
    assert date(2024, 11, 1) <= first < date(2024, 11, 10)
    assert date(2026, 10, 20) < last <= END
    assert scalar(con, "SELECT max(CAST(occurred_at AS TIMESTAMPTZ))::DATE FROM lead_events") <= END
    assert default_end(date(2026, 11, 22)) == END
    assert default_end(date(2026, 1, 5)) == date(2025, 12, 31)


def test_timestamps_are_iso_with_a_mix_of_offsets(con):
    styles = dict(con.execute(
        """SELECT CASE WHEN created_at LIKE '%Z' THEN 'utc' WHEN created_at LIKE '%+0_:00' THEN 'offset'
                       WHEN created_at SIMILAR TO '\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d' THEN 'local' END,
                  count(*)
           FROM leads GROUP BY 1"""
    ).fetchall())
    assert set(styles) == {"utc", "offset", "local"}
    assert styles["offset"] > styles["utc"] > styles["local"]
    assert scalar(con, "SELECT count(*) FROM leads WHERE created_at LIKE '%+01:00'") > 0  # summer time
    assert scalar(con, "SELECT count(*) FROM lead_events WHERE TRY_CAST(occurred_at AS TIMESTAMPTZ) IS NULL") == 0


def test_duplicates_by_email_within_90_days(con):
    con.execute("SET TimeZone = 'Europe/London'")
    duplicates = scalar(con, """
        SELECT count(*) FROM (
            SELECT CAST(created_at AS TIMESTAMPTZ) AS t,
                   lag(CAST(created_at AS TIMESTAMPTZ)) OVER (PARTITION BY lower(trim(email))
                       ORDER BY CAST(created_at AS TIMESTAMPTZ), lead_id) AS previous
            FROM leads WHERE email IS NOT NULL)
        WHERE previous >= t - INTERVAL 2160 HOUR""")
    assert 40 <= duplicates <= 200
    # some come back typed differently, and some come back after the 90 days
    assert scalar(con, "SELECT count(*) FROM leads WHERE email <> lower(email)") > 0
    assert scalar(con, """
        SELECT count(*) FROM (
            SELECT CAST(created_at AS TIMESTAMPTZ) - lag(CAST(created_at AS TIMESTAMPTZ))
                       OVER (PARTITION BY lower(email) ORDER BY CAST(created_at AS TIMESTAMPTZ)) AS gap
            FROM leads WHERE email IS NOT NULL)
        WHERE gap > INTERVAL 90 DAY""") > 0


def test_junk_and_out_of_profile_leads(con):
    assert scalar(con, "SELECT count(*) FROM leads WHERE lower(domain) IN ('example.com', 'mailinator.com')") > 0
    assert scalar(con, "SELECT count(*) FROM leads WHERE domain = 'Example.com'") >= 0
    assert scalar(con, "SELECT count(*) FROM leads WHERE company IS NULL") > 0
    assert scalar(con, "SELECT count(*) FROM leads WHERE country NOT IN ('GB', 'IE')") > 0
    assert scalar(con, "SELECT count(*) FROM leads WHERE country IS NULL") > 0
    assert scalar(con, "SELECT count(*) FROM leads WHERE CAST(employees AS INTEGER) < 20") > 0
    assert scalar(con, "SELECT count(*) FROM leads WHERE CAST(employees AS INTEGER) BETWEEN 20 AND 49") > 0
    assert scalar(con, "SELECT count(*) FROM leads WHERE employees IS NULL") > 0
    assert scalar(con, "SELECT count(*) FROM leads WHERE company LIKE '%,%'") >= 0  # quoting survives
    assert scalar(con, "SELECT count(DISTINCT channel) FROM leads") == 12
    assert dict(con.execute("SELECT account_type, count(*) FROM leads GROUP BY 1").fetchall()).keys() == {
        "new_logo", "existing_account"}


def test_evidence_on_the_lead_row_and_on_qualified_events(con):
    assert scalar(con, "SELECT count(*) FROM leads WHERE trigger IS NOT NULL AND appointment_at IS NOT NULL") > 0
    assert scalar(con, "SELECT count(*) FROM lead_events WHERE type = 'qualified' AND need IS NOT NULL") > 0
    # a blank answer does not count (D3 trims)
    assert scalar(con, "SELECT count(*) FROM lead_events WHERE trim(cost_of_inaction) = ''") > 0
    # answers recorded after the first issue (D3: they do not count; the issue is off agreement)
    assert scalar(con, """
        SELECT count(*) FROM lead_events q JOIN lead_events i USING (lead_id)
        WHERE q.type = 'qualified' AND i.type = 'issued'
          AND CAST(q.occurred_at AS TIMESTAMPTZ) > CAST(i.occurred_at AS TIMESTAMPTZ)""") > 0
    # leads with no evidence at all (nurture)
    assert scalar(con, """
        SELECT count(*) FROM leads l WHERE trigger IS NULL AND need IS NULL AND appointment_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM lead_events e WHERE e.lead_id = l.lead_id AND e.type = 'qualified')""") > 0


def test_issues_responses_and_outcomes(con, versions):
    types = dict(con.execute("SELECT type, count(*) FROM lead_events GROUP BY 1").fetchall())
    assert set(types) == {"qualified", "issued", "responded", "outcome", "recycled"}
    # issued twice, to another rep
    assert scalar(con, """
        SELECT count(*) FROM (SELECT lead_id FROM lead_events WHERE type = 'issued'
                              GROUP BY lead_id HAVING count(DISTINCT rep_id) = 2)""") > 0
    minutes = con.execute("""
        WITH i AS (SELECT lead_id, min(CAST(occurred_at AS TIMESTAMPTZ)) AS t FROM lead_events
                   WHERE type = 'issued' GROUP BY 1),
             r AS (SELECT lead_id, min(CAST(occurred_at AS TIMESTAMPTZ)) AS t FROM lead_events
                   WHERE type = 'responded' GROUP BY 1)
        SELECT epoch(r.t - i.t) / 60 FROM i LEFT JOIN r USING (lead_id)""").fetchall()
    answered = [m for (m,) in minutes if m is not None]
    assert min(answered) >= 0
    assert any(m < 1 for m in answered)  # in seconds
    assert any(5 <= m < 60 for m in answered)
    assert any(m > 3 * 1440 for m in answered)  # after days
    assert any(m is None for (m,) in minutes)  # never
    codes = {c["code"] for v in versions for c in v["outcome_codes"]}
    used = {c for (c,) in con.execute("SELECT DISTINCT outcome_code FROM lead_events WHERE type = 'outcome'").fetchall()}
    assert used <= codes
    assert {"opportunity", "not_a_fit", "no_contact"} <= used
    assert scalar(con, "SELECT count(*) FROM lead_events WHERE type <> 'outcome' AND outcome_code IS NOT NULL") == 0


def test_opportunities_stages_and_profit(con, versions):
    assert scalar(con, """
        SELECT count(*) FROM (SELECT lead_id FROM opportunities WHERE lead_id IS NOT NULL
                              GROUP BY 1 HAVING count(*) > 1)""") > 0
    assert scalar(con, "SELECT count(*) FROM opportunities WHERE lead_id IS NULL") > 0
    assert {s for (s,) in con.execute("SELECT DISTINCT status FROM opportunities").fetchall()} == {"open", "won", "lost"}
    won = "FROM opportunities WHERE status = 'won'"
    assert scalar(con, f"SELECT count(*) {won} AND gross_profit IS NOT NULL") > 0  # noqa: S608
    assert scalar(con, f"SELECT count(*) {won} AND gross_profit IS NULL AND cogs IS NOT NULL") > 0  # noqa: S608
    assert scalar(con, f"SELECT count(*) {won} AND gross_profit IS NULL AND cogs IS NULL") > 0  # noqa: S608
    assert scalar(con, f"SELECT count(*) {won} AND revenue IS NULL") == 0  # noqa: S608
    assert scalar(con, f"SELECT count(*) {won} AND closed_at IS NULL") == 0  # noqa: S608
    assert scalar(con, "SELECT count(*) FROM opportunities WHERE status = 'open' AND closed_at IS NOT NULL") == 0
    assert scalar(con, "SELECT count(*) FROM opportunities WHERE revenue NOT SIMILAR TO '-?\\d+\\.\\d\\d'") == 0
    by_type = dict(con.execute("""
        SELECT account_type, avg((status = 'won')::INTEGER) FROM opportunities
        WHERE account_type IS NOT NULL GROUP BY 1""").fetchall())
    assert by_type["existing_account"] > by_type["new_logo"]  # they convert differently
    stages = {s for (s,) in con.execute("SELECT DISTINCT stage FROM opportunity_stages").fetchall()}
    assert stages == {"discovery", "proposal", "negotiation"}
    journey = {j["stage"] for v in versions for j in v["journey"]}
    assert {"proposal", "negotiation"} <= journey
    assert scalar(con, """
        SELECT count(*) FROM opportunity_stages s LEFT JOIN opportunities o USING (opportunity_id)
        WHERE o.opportunity_id IS NULL""") == 0


def test_costs_in_every_category_with_ranges_shared_and_credits(con, versions):
    included = set(versions[0]["investment"]["include"])
    categories = {c for (c,) in con.execute("SELECT DISTINCT category FROM costs").fetchall()}
    assert included <= categories
    assert categories - included == {"sales_commission"}  # out of the policy
    assert scalar(con, "SELECT count(*) FROM costs WHERE period_start IS NOT NULL AND period_end IS NOT NULL") > 0
    assert scalar(con, "SELECT count(*) FROM costs WHERE (date IS NULL) = (period_start IS NULL)") == 0
    assert scalar(con, """
        SELECT count(*) FROM costs WHERE CAST(period_end AS DATE) - CAST(period_start AS DATE) > 300""") > 0
    assert scalar(con, "SELECT count(*) FROM costs WHERE channel IS NULL") > 0
    assert scalar(con, "SELECT count(*) FROM costs WHERE CAST(amount AS DECIMAL(18, 2)) < 0") > 0
    assert scalar(con, "SELECT count(*) FROM costs WHERE amount NOT SIMILAR TO '-?\\d+\\.\\d\\d'") == 0
    assert {c for (c,) in con.execute("SELECT DISTINCT currency FROM costs").fetchall()} == {"GBP", None}
    assert scalar(con, "SELECT count(*) FROM costs WHERE cost_id IS NULL") > 0
    assert scalar(con, """
        SELECT count(*) FROM (SELECT * EXCLUDE (cost_id) FROM costs WHERE cost_id IS NULL
                              GROUP BY ALL HAVING count(*) = 2)""") == 1


def test_the_demo_agreement_fits_the_data(versions):
    assert AGREEMENT.name == "netlead.yaml"
    assert [v["version"] for v in versions] == [1, 2]
    assert versions[0]["effective_from"] <= date(2024, 1, 1)
    assert versions[1]["effective_from"] == V2_FROM
    assert V2_FROM.day == 1 and V2_FROM.month in (1, 4, 7, 10)
    assert all(v["currency"] == "GBP" and v["calendar"]["timezone"] == "Europe/London" for v in versions)
    assert len(versions[0]["outcome_codes"]) <= 8


def test_fifty_thousand_leads_in_under_ten_seconds(tmp_path):
    started = time.perf_counter()
    files = generate(tmp_path, leads=50_000, seed=3, end=END)
    assert time.perf_counter() - started < 10
    assert sum(1 for _ in files["leads"].open()) == 50_001


def test_run_demo_builds_a_workspace_that_can_be_rebuilt(tmp_path):
    """`netlead demo`: the demo agreement loads, the data imports, and a second run replaces the first."""
    from netlead.demo import run_demo

    folder = tmp_path / "demo"
    said = []
    for _ in range(2):
        with run_demo(folder, leads=2_000, seed=7, say=said.append) as ws:
            rows = ws.waterfall(by="quarter").rows()
            assert [v.version for v in ws.agreement.versions] == [1, 2]
        gross = sum(r["count"] for r in rows if r["reason"] == "gross_leads")
        assert gross == 2_000
        assert sum(r["count"] for r in rows if r["reason"] == "net_leads") > 0
    assert (folder / ".netlead-demo").exists() and (folder / "data" / "leads.csv").exists()
    assert any("Importing" in line for line in said)
