"""PostgreSQL gives DuckDB's numbers: every metric on every hand fixture (tests/data/) as JSON,
from a DuckDB folder workspace and a PostgreSQL workspace loaded from the same files
(METRICS.md "Machine-readable output"). Needs NETLEAD_TEST_POSTGRES."""

from __future__ import annotations

from unittest import mock

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


def test_updates_on_postgres_equal_a_rebuild(postgres_schema, tmp_path):
    """An import into a PostgreSQL workspace updates the derived tables for what it touched, as on
    DuckDB (tests/metrics/test_update.py): an opportunity and an event moved to another lead, an
    email changed (freeing a duplicate, D2), a lead arriving after its events leave every table as
    a rebuild leaves it."""
    from netlead import metrics
    from netlead.metrics import derived

    files = {
        "leads-1": "lead_id,created_at,channel,email,company,country,employees,trigger,need\n"
                   "A1,2026-01-05 09:00,paid,a@x.test,Acme,GB,50,t,n\n"
                   "A2,2026-01-20 09:00,paid, A@x.test,Acme,GB,50,t,n\n",
        "lead_events-1": "event_id,lead_id,type,occurred_at\nE1,A1,issued,2026-01-06 10:00\n"
                         "E2,A3,issued,2026-01-22 10:00\n",
        "opportunities-1": "opportunity_id,lead_id,created_at,status,closed_at,revenue\n"
                           "O1,A1,2026-01-10 10:00,won,2026-02-01 10:00,100\n",
        "opportunity_stages-1": "opportunity_id,stage,entered_at\nO1,proposal,2026-01-12 10:00\n",
        "leads-2": "lead_id,created_at,channel,email,company,country,employees,trigger,need\n"
                   "A1,2026-01-05 09:00,paid,b@x.test,Acme,GB,50,t,n\n"
                   "A3,2026-01-21 09:00,web,c@x.test,Bolt,GB,50,t,n\n",
        "opportunities-2": "opportunity_id,lead_id,created_at,status,closed_at,revenue\n"
                           "O1,A2,2026-01-10 10:00,won,2026-02-01 10:00,100\n",
        "lead_events-2": "event_id,lead_id,type,occurred_at\nE1,A2,issued,2026-01-21 10:00\n",
    }
    text = (DATA / "journey" / "netlead.yaml").read_text().replace(
        "  subtract:\n", "  subtract:\n    - reason: duplicate\n      duplicate: {keys: [email], within_days: 30}\n")
    # Every touched table updated row by row, however much of it an import touched, in batches of 2.
    with netlead.init(postgres_schema("updates"), text) as workspace, \
            mock.patch.object(derived, "WHOLE_SHARE", float("inf")), mock.patch.object(derived, "BATCH_SIZE", 2):
        for name, body in files.items():
            path = tmp_path / f"{name}.csv"
            path.write_text(body)
            workspace.import_files(name.split("-")[0], [path])
        con = workspace.con
        assert con.execute("SELECT count(*) FROM duplicate_gaps").fetchone()[0] == 0  # A1 left a@x.test

        def tables():
            return {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=repr)  # noqa: S608
                    for t in ("lead_facts", "lead_keys", "duplicate_gaps", "cohort_leads",
                              "cohort_opportunities", "cost_facts", "journey_stage_names")}

        updated = tables()
        con.execute("BEGIN TRANSACTION")
        metrics.refresh(con, workspace.agreement)
        rebuilt = tables()
        con.execute("ROLLBACK")
        assert updated == rebuilt
