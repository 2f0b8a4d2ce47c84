"""PostgreSQL gives DuckDB's numbers: every metric on every hand fixture (tests/data/) as JSON,
from a DuckDB folder workspace and a PostgreSQL workspace loaded from the same files
(METRICS.md "Machine-readable output"). Needs NETLEAD_TEST_POSTGRES."""

from __future__ import annotations

import pytest
from engine_helpers import DATA, FIXTURES, as_json, assert_same_json, calls, differences, load

import netlead

pytestmark = pytest.mark.postgres
CASES = [(fixture, name) for fixture in FIXTURES for name in calls(fixture)]


@pytest.fixture(scope="module")
def workspaces(postgres_schema, tmp_path_factory):
    """fixture -> (DuckDB workspace, PostgreSQL workspace), both loaded from tests/data/<fixture>."""
    pairs = {}
    for fixture in FIXTURES:
        text = (DATA / fixture / "netlead.yaml").read_text()
        duck = netlead.init(tmp_path_factory.mktemp(fixture) / "ws", text)
        postgres = netlead.init(postgres_schema(fixture), text)
        load(duck, fixture)
        load(postgres, fixture)
        pairs[fixture] = (duck, postgres)
    yield pairs
    for duck, postgres in pairs.values():
        duck.close()
        postgres.close()


@pytest.mark.parametrize(("fixture", "name"), CASES, ids=[f"{f}-{n}" for f, n in CASES])
def test_postgres_gives_duckdbs_json(workspaces, fixture, name):
    assert_same_json(fixture, name, *workspaces[fixture])


def test_two_imports_at_once_both_land_whole(postgres_schema, tmp_path):
    """Two processes importing overlapping files into one workspace at the same moment: the
    workspace lock runs them one after the other, each whole; the shared rows count once."""
    import threading

    url = postgres_schema("concurrent")
    text = (DATA / "journey" / "netlead.yaml").read_text()
    netlead.init(url, text).close()
    lines = (DATA / "journey" / "leads.csv").read_text().splitlines(keepends=True)
    header, rows = lines[0], lines[1:]
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    first.write_text(header + "".join(rows[: len(rows) // 2 + 1]))
    second.write_text(header + "".join(rows[len(rows) // 2 - 1:]))
    barrier, results, errors = threading.Barrier(2), {}, []

    def run(file):
        try:
            with netlead.open(url) as workspace:
                barrier.wait()
                results[file.name] = workspace.import_files("leads", [file])[0]
        except BaseException as e:  # reported below
            errors.append(e)

    threads = [threading.Thread(target=run, args=(f,)) for f in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert sum(r.loaded for r in results.values()) == len(rows)
    assert sum(r.unchanged for r in results.values()) == 2  # the two rows both files hold
    with netlead.open(url) as workspace, netlead.init(tmp_path / "duck", text) as duck:
        duck.import_files("leads", [DATA / "journey" / "leads.csv"])
        assert workspace.check()["rows"]["leads"] == len(rows)
        assert workspace.con.execute("SELECT count(*) FROM imports").fetchone()[0] == 2
        expected, actual = as_json(duck.waterfall(as_of="2026-04-01")), as_json(workspace.waterfall(as_of="2026-04-01"))
        assert not differences(expected, actual)


def test_the_agreement_lives_in_the_database(postgres_schema):
    """`init URL --agreement FILE` stores the agreement; `open(URL)` reads it; init again without
    one refuses, with one replaces it under the versions check of an edited netlead.yaml."""
    from netlead.errors import WorkspaceError

    url = postgres_schema("agreement")
    text = (DATA / "small" / "netlead.yaml").read_text()
    netlead.init(url, text).close()
    with netlead.open(url) as workspace:
        assert workspace.agreement.versions[0].hash == netlead.agreement.loads(text).versions[0].hash
    with pytest.raises(WorkspaceError, match="already a workspace"):
        netlead.init(url)
    netlead.init(url, text).close()  # the same agreement again: accepted, nothing changes
    with netlead.open(url) as workspace:
        assert workspace.con.execute("SELECT count(*) FROM netlead_agreement").fetchone()[0] == 1



def test_sources_read_differently_named_tables_in_place(postgres_schema, tmp_path):
    """`sources:` maps the canonical tables onto a CRM sync's tables (views here, with their own
    names, columns and a local wall-clock TIMESTAMP): the workspace reads them in place, refuses to
    import into them, and gives the metrics of a workspace that imported the same rows."""
    from engine_helpers import SOURCE_CALLS, with_sources

    fixture = "cohorts"
    text = (DATA / fixture / "netlead.yaml").read_text()
    with netlead.init(postgres_schema("crm"), text) as crm:
        load(crm, fixture)
        crm_schema = crm.con.execute("SELECT current_schema()").fetchone()[0]
        crm.con.run_native("CREATE VIEW crm_contacts AS SELECT lead_id AS contact_id, "
                           "(created_at AT TIME ZONE 'Europe/London') AS created_local, channel AS source, l.* FROM leads l")
        crm.con.run_native("CREATE VIEW crm_activities AS SELECT event_id AS activity_id, * FROM lead_events")
        crm.con.run_native("CREATE VIEW crm_deals AS SELECT opportunity_id AS deal_id, * FROM opportunities")
        crm.con.run_native("CREATE TABLE finance_costs AS SELECT * FROM costs")
    sources = f"""sources:
  leads:
    table: {crm_schema}.crm_contacts
    columns: {{lead_id: contact_id, created_at: created_local, channel: source}}
  lead_events: {{table: {crm_schema}.crm_activities, columns: {{event_id: activity_id}}}}
  opportunities: {{table: {crm_schema}.crm_deals, columns: {{opportunity_id: deal_id}}}}
  costs: {crm_schema}.finance_costs
"""
    url = postgres_schema("read_in_place")
    duck = netlead.init(tmp_path / "duck", text)
    load(duck, fixture)
    with netlead.init(url, with_sources(text, sources)) as mapped, duck:
        mapped_schema = mapped.con.execute("SELECT current_schema()").fetchone()[0]
        assert mapped.con.execute("SELECT count(*) FROM imports").fetchone()[0] == 0
        for name in SOURCE_CALLS:
            assert_same_json(fixture, name, duck, mapped)
        with pytest.raises(netlead.NetleadError, match="never writes into a source"):
            mapped.import_files("leads", [DATA / fixture / "leads.csv"])
        # A sync adds a cost: the metrics read the facts, which `refresh` rebuilds (D7).
        january = {"from_": "2026-01", "to": "2026-01", "as_of": "2026-02-28"}
        before = mapped.cpnsli(**january).rows()[0]["investment"]
        synced = ("INSERT INTO finance_costs (cost_id, category, amount, date, import_id) "
                  "VALUES ('synced', 'media', 1000, DATE '2026-01-15', 0)")
        mapped.con.run_native(f"SET search_path TO {crm_schema}; {synced}; SET search_path TO {mapped_schema}")
        assert mapped.cpnsli(**january).rows()[0]["investment"] == before
        mapped.refresh()
        assert mapped.cpnsli(**january).rows()[0]["investment"] == before + 1000


def test_a_source_without_a_required_column_names_its_line(postgres_schema):
    from engine_helpers import with_sources

    text = (DATA / "small" / "netlead.yaml").read_text()
    url = postgres_schema("bad_source")
    netlead.init(url, text).close()
    with netlead.open(url) as workspace:
        workspace.con.run_native("CREATE TABLE crm_people (id TEXT, created TIMESTAMPTZ, channel TEXT)")
    broken = with_sources(text, "sources:\n  leads: {table: crm_people, columns: {lead_id: id}}\n")
    line = broken.splitlines().index("  leads: {table: crm_people, columns: {lead_id: id}}") + 1
    with pytest.raises(netlead.AgreementError) as refused:
        netlead.init(url, broken)
    assert refused.value.issues == [
        f"netlead.yaml:{line}: sources.leads: crm_people has no column 'created_at' for created_at — name the "
        "source's column in `columns: {created_at: ...}`"]
