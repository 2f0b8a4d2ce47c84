"""The demo data set on all three engines: every metric of the suite gives the same JSON from a
DuckDB folder workspace, a PostgreSQL workspace that imported the same files, and a Spark workspace
reading what `netlead export` wrote of the PostgreSQL one (METRICS.md "Machine-readable output").
The data is the demo generator's at DEMO_SIZE leads (engine_helpers), seeded, over a fixed window.
Needs NETLEAD_TEST_POSTGRES; the Spark half also NETLEAD_TEST_SPARK=1."""

from __future__ import annotations

import datetime as dt

import pytest
from engine_helpers import DEMO_END, DEMO_SEED, DEMO_SIZE, assert_same_json, calls

import netlead
from netlead.demo import KINDS, agreement_text, generate

pytestmark = pytest.mark.postgres
CASES = list(calls("demo"))


@pytest.fixture(scope="module")
def demo(postgres_schema, tmp_path_factory):
    """(DuckDB workspace, PostgreSQL workspace, the folder the PostgreSQL one was exported to)."""
    folder = tmp_path_factory.mktemp("demo")
    files = generate(folder / "data", leads=DEMO_SIZE, seed=DEMO_SEED, end=dt.date.fromisoformat(DEMO_END))
    duck = netlead.init(folder / "duck", agreement_text())
    postgres = netlead.init(postgres_schema("demo"), agreement_text())
    for kind in KINDS:
        duck.import_files(kind, [files[kind]])
        postgres.import_files(kind, [files[kind]])
    postgres.export(folder / "export")
    yield duck, postgres, folder / "export"
    duck.close()
    postgres.close()


@pytest.fixture(scope="module")
def spark(demo, spark_session):
    with netlead.open(f"spark:{demo[2]}") as workspace:
        yield workspace


@pytest.mark.parametrize("name", CASES)
def test_postgres_gives_duckdbs_json_on_the_demo(demo, name):
    assert_same_json("demo", name, *demo[:2])


@pytest.mark.spark
@pytest.mark.parametrize("name", CASES)
def test_spark_gives_duckdbs_json_on_the_demo(demo, spark, name):
    assert_same_json("demo", name, demo[0], spark)
