"""Spark gives DuckDB's numbers: every metric on every hand fixture (tests/data/) as JSON, from a
DuckDB folder workspace and a Spark workspace reading what `netlead export` wrote of it
(METRICS.md "Machine-readable output"). Needs NETLEAD_TEST_SPARK=1."""

from __future__ import annotations

import pytest
from engine_helpers import DATA, FIXTURES, assert_same_json, calls, load

import netlead
from netlead.errors import NetleadError

pytestmark = pytest.mark.spark
CASES = [(fixture, name) for fixture in FIXTURES for name in calls(fixture)]


@pytest.fixture(scope="module")
def workspaces(spark_session, tmp_path_factory):
    """fixture -> (DuckDB workspace, Spark workspace over its export)."""
    pairs = {}
    for fixture in FIXTURES:
        folder = tmp_path_factory.mktemp(fixture)
        duck = netlead.init(folder / "ws", (DATA / fixture / "netlead.yaml").read_text())
        load(duck, fixture)
        duck.export(folder / "export")
        pairs[fixture] = (duck, netlead.open(f"spark:{folder / 'export'}"))
    yield pairs
    for duck, spark in pairs.values():
        duck.close()
        spark.close()


@pytest.mark.parametrize(("fixture", "name"), CASES, ids=[f"{f}-{n}" for f, n in CASES])
def test_spark_gives_duckdbs_json(workspaces, fixture, name):
    assert_same_json(fixture, name, *workspaces[fixture])


def test_a_spark_workspace_refuses_imports(workspaces):
    _, spark = workspaces["small"]
    with pytest.raises(NetleadError, match="read-only") as refused:
        spark.import_files("leads", [DATA / "small" / "leads.csv"])
    assert "netlead export" in refused.value.hint and "sources:" in refused.value.hint


def test_sql_never_writes_to_the_data(workspaces):
    """The derived tables are the session's own; the data's tables are never written, whichever
    statement the SQL is, and the rows stay."""
    _, spark = workspaces["small"]
    before = spark.con.execute("SELECT COUNT(*) FROM leads").fetchall()
    for statement in ("DELETE FROM leads", "INSERT INTO leads SELECT * FROM leads",
                      "CREATE OR REPLACE TABLE costs AS SELECT * FROM costs WHERE false"):
        with pytest.raises(NetleadError, match="does not write to"):
            spark.con.execute(statement)
    assert spark.con.execute("SELECT COUNT(*) FROM leads").fetchall() == before > [(0,)]


def test_export_refuses_a_folder_holding_an_agreement(workspaces, tmp_path):
    duck, _ = workspaces["small"]
    duck.export(tmp_path / "once")
    with pytest.raises(NetleadError, match="already exists"):
        duck.export(tmp_path / "once")


def test_a_spark_workspace_without_pyspark_says_what_to_install(monkeypatch, tmp_path):
    """Without the optional extra, opening `spark:DIR` names the package to install."""
    import sys

    (tmp_path / "netlead.yaml").write_text((DATA / "small" / "netlead.yaml").read_text())
    monkeypatch.setitem(sys.modules, "pyspark", None)
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    with pytest.raises(NetleadError, match="pyspark") as refused:
        netlead.open(f"spark:{tmp_path}")
    assert refused.value.hint == "pip install 'netlead[spark]'"


def test_sources_read_a_lakes_parquet_in_place(workspaces, tmp_path):
    """`sources:` on Spark: Parquet folders with their own names and columns, read in place as
    `parquet.`/path`` tables, give the metrics of the workspace that imported the same rows."""
    import pyarrow.parquet as pq
    from engine_helpers import SOURCE_CALLS, with_sources

    fixture = "cohorts"
    duck, _ = workspaces[fixture]
    exported = tmp_path / "export"
    duck.export(exported)
    renames = {"leads": ("contacts", {"lead_id": "contact_id", "channel": "source"}),
               "lead_events": ("activities", {"event_id": "activity_id"}),
               "opportunities": ("deals", {"opportunity_id": "deal_id"}), "costs": ("spend", {})}
    lines = ["sources:"]
    for kind, (name, columns) in renames.items():
        rows = pq.read_table(exported / kind).drop_columns(["import_id"])
        (tmp_path / "lake" / name).mkdir(parents=True)
        pq.write_table(rows.rename_columns([columns.get(c, c) for c in rows.column_names]),
                       tmp_path / "lake" / name / "part-0.parquet")
        mapping = ", ".join(f"{k}: {v}" for k, v in columns.items())
        lines.append(f"  {kind}: {{table: 'parquet.`{tmp_path / 'lake' / name}`', columns: {{{mapping}}}}}")
    (tmp_path / "ws").mkdir()
    text = with_sources((DATA / fixture / "netlead.yaml").read_text(), "\n".join(lines) + "\n")
    (tmp_path / "ws" / "netlead.yaml").write_text(text)
    with netlead.open(f"spark:{tmp_path / 'ws'}") as mapped:
        for name in SOURCE_CALLS:
            assert_same_json(fixture, name, duck, mapped)
