"""Engines for the agreement tests: PostgreSQL when NETLEAD_TEST_POSTGRES names a server (CI
sets it), each test session in schemas of its own, dropped at the end."""

from __future__ import annotations

import os
import uuid
from urllib.parse import quote

import pytest


@pytest.fixture(scope="session")
def postgres_schema():
    """A function giving the URL of a new, empty schema on the test server (dropped at the end
    of the session)."""
    base = os.environ.get("NETLEAD_TEST_POSTGRES")
    if not base:
        pytest.skip("NETLEAD_TEST_POSTGRES is not set (e.g. postgresql://postgres@127.0.0.1:5432/test)")
    psycopg = pytest.importorskip("psycopg", reason="PostgreSQL tests need psycopg (pip install '.[postgres]')")
    created = []
    session = uuid.uuid4().hex[:8]

    def make(name: str) -> str:
        schema = f"nl_test_{session}_{name}"
        with psycopg.connect(base, autocommit=True) as con:
            con.execute(f'CREATE SCHEMA "{schema}"')
        created.append(schema)
        separator = "&" if "?" in base else "?"
        return f"{base}{separator}options={quote(f'-csearch_path={schema}')}"

    yield make
    with psycopg.connect(base, autocommit=True) as con:
        for schema in created:
            con.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture(scope="session")
def spark_session():
    """One local Spark (local[2]) for the whole test session, when NETLEAD_TEST_SPARK=1 (CI sets
    it): starting one takes about 10 s."""
    if os.environ.get("NETLEAD_TEST_SPARK") != "1":
        pytest.skip("NETLEAD_TEST_SPARK is not 1 (Spark tests start a local Spark: set it to run them)")
    pytest.importorskip("pyspark", reason="Spark tests need pyspark (pip install '.[spark]')")
    from pyspark.sql import SparkSession

    session = (SparkSession.builder.master("local[2]").appName("netlead-tests")
               .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
               .config("spark.ui.showConsoleProgress", "false").getOrCreate())
    session.sparkContext.setLogLevel("OFF")  # failed queries are the tests' to report, not the log's
    yield session
    session.stop()
