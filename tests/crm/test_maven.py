"""The Maven Analytics CRM export (examples/maven-crm), end to end through its mapping: the totals
the issue asks for, computed once from the imported canonical tables with SQL and once straight
from the CSV with pandas, and both compared with numbers written out by hand."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from netlead.agreement import load as load_agreement
from netlead.crm import import_mapped
from netlead.errors import ImportFileError

from .conftest import EXAMPLE, by_kind, open_store, rows

PIPELINE = EXAMPLE / "sales_pipeline.csv"
# Over 2016-Q4..2017-Q4 (the numbers, D11 and D13).
WINS, LOSSES, WON_REVENUE = 4238, 2473, 10_005_534
# products.csv of the same download names these seven; the pipeline writes "GTXPro".
PRODUCTS = {"GTX Basic", "GTX Pro", "MG Special", "MG Advanced", "GTX Plus Pro", "GTX Plus Basic", "GTK 500"}


@pytest.fixture(scope="module")
def imported():
    agreement = load_agreement(EXAMPLE / "netlead.yaml")
    con = open_store(agreement)
    results = import_mapped(con, EXAMPLE / "maven-crm.yaml", [PIPELINE, EXAMPLE / "accounts.csv"], agreement)
    yield con, results
    con.close()


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    deals = pd.read_csv(PIPELINE, dtype=str, keep_default_na=False)
    for column in ("engage_date", "close_date"):
        deals[column] = pd.to_datetime(deals[column].replace("", None))
    return deals


COHORTS = """
    WITH first_issue AS (SELECT lead_id, min(occurred_at) AS issued_at FROM lead_events
                         WHERE type = 'issued' GROUP BY lead_id),
         cohort AS (SELECT lead_id FROM first_issue JOIN leads USING (lead_id)
                    WHERE issued_at >= TIMESTAMPTZ '2016-10-01' AND issued_at < TIMESTAMPTZ '2018-01-01')
    SELECT count(*) FILTER (WHERE status = 'won'),
           count(*) FILTER (WHERE status = 'lost'),
           sum(revenue) FILTER (WHERE status = 'won'),
           count(*) FILTER (WHERE status = 'won' AND revenue IS NOT NULL AND gross_profit IS NULL AND cogs IS NULL)
    FROM opportunities JOIN cohort USING (lead_id)
"""


def test_cohort_totals_from_the_imported_tables(imported):
    con, _ = imported
    [(wins, losses, revenue, estimated)] = rows(con, COHORTS)
    assert (wins, losses, revenue) == (WINS, LOSSES, WON_REVENUE)
    assert estimated == WINS   # no gross profit in the export: every win uses default_margin (D12)
    assert wins / (wins + losses) == pytest.approx(4238 / 6711)   # closed win rate, D11


def test_cohort_totals_from_the_csv(raw):
    engaged = raw[(raw.engage_date >= "2016-10-01") & (raw.engage_date < "2018-01-01")]
    won, lost = engaged[engaged.deal_stage == "Won"], engaged[engaged.deal_stage == "Lost"]
    assert (len(won), len(lost), won.close_value.astype(int).sum()) == (WINS, LOSSES, WON_REVENUE)


def test_every_deal_is_accounted_for(imported, raw):
    con, results = imported
    counts = {r.kind: (r.loaded, r.quarantined) for r in results}
    assert counts == {"leads": (8300, 500), "lead_events": (8300, 0), "opportunities": (8300, 500),
                      "opportunity_stages": (23311, 0)}
    assert len(raw) == 8300 + 500
    # 8300 engaged deals enter prospecting and engaging; 6711 closed ones enter won or lost
    assert 8300 * 2 + WINS + LOSSES == 23311


def test_counts_by_stage_match_the_csv(imported, raw):
    con, _ = imported
    stages = dict(rows(con, "SELECT stage, count(*) FROM opportunity_stages GROUP BY stage"))
    statuses = dict(rows(con, "SELECT stage, count(*) FROM opportunities GROUP BY stage"))
    csv = raw.deal_stage.value_counts().to_dict()
    assert csv == {"Won": 4238, "Lost": 2473, "Engaging": 1589, "Prospecting": 500}
    assert stages == {"prospecting": 8300, "engaging": 8300, "won": csv["Won"], "lost": csv["Lost"]}
    assert statuses == {"engaging": csv["Engaging"], "won": csv["Won"], "lost": csv["Lost"]}


def test_median_days_from_engage_to_close(imported, raw):
    con, _ = imported
    closed = raw[raw.close_date.notna()]
    days = (closed.close_date - closed.engage_date).dt.days
    by_stage = days.groupby(closed.deal_stage).median().to_dict()
    assert (days.median(), by_stage) == (45.0, {"Lost": 14.0, "Won": 57.0})
    got = rows(con, """SELECT status, quantile_cont(date_diff('day', created_at, closed_at), 0.5)
                       FROM opportunities WHERE status <> 'open' GROUP BY ROLLUP (status) ORDER BY status""")
    assert got == [("lost", 14.0), ("won", 57.0), (None, 45.0)]


def test_open_deals_stay_open_without_close_date_or_value(imported):
    con, _ = imported
    assert rows(con, "SELECT count(*), count(closed_at), count(revenue) FROM opportunities WHERE status = 'open'") \
        == [(1589, 0, 0)]


def test_prospecting_deals_are_quarantined_with_the_reason(imported):
    con, results = imported
    got = rows(con, "SELECT kind, column_name, reason, count(*) FROM quarantine GROUP BY ALL ORDER BY kind")
    reason = "required value missing — a prospecting deal has no engage_date, so it cannot be placed in time"
    assert got == [("leads", "created_at", reason, 500), ("opportunities", "created_at", reason, 500)]
    notes = by_kind(results)["lead_events"].notes
    assert ("sales_pipeline.csv: 500 rows give no issued events: only rows where 'engage_date' is filled in do"
            in notes)


def test_product_names_are_normalised_and_the_sector_spelt(imported):
    con, _ = imported
    products = {r[0] for r in rows(con, "SELECT DISTINCT json_extract_string(attributes, '$.product') FROM leads")}
    assert products == PRODUCTS
    industries = {r[0] for r in rows(con, "SELECT DISTINCT industry FROM leads WHERE industry IS NOT NULL")}
    assert "technology" in industries and "technolgy" not in industries
    [(company, industry, employees, country, attributes)] = rows(
        con, "SELECT company, industry, employees, country, attributes FROM leads WHERE lead_id = '1C1I7A6R'")
    # accounts.csv: Cancity,retail,2001,718.62,2448,United States,
    assert (company, industry, employees, country) == ("Cancity", "retail", 2448, "United States")
    assert json.loads(attributes) == {"product": "GTX Plus Basic", "sales_agent": "Moses Frase"}


def test_every_lead_is_net_and_issued_at_its_engage_date(imported):
    con, _ = imported
    assert rows(con, """SELECT count(*) FROM leads l JOIN lead_events e USING (lead_id)
                        WHERE e.type = 'issued' AND e.occurred_at = l.created_at""") == [(8300,)]


def test_a_lookup_only_file_alone_is_refused(store):
    agreement = load_agreement(EXAMPLE / "netlead.yaml")
    with pytest.raises(ImportFileError, match="nothing to import: accounts.csv"):
        import_mapped(store(agreement), EXAMPLE / "maven-crm.yaml", [EXAMPLE / "accounts.csv"], agreement)
