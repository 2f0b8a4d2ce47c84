"""PostgreSQL gives DuckDB's numbers: every metric on every hand fixture (tests/data/) as JSON,
from a DuckDB folder workspace and a PostgreSQL workspace loaded from the same files
(METRICS.md "Machine-readable output"). Needs NETLEAD_TEST_POSTGRES."""

from __future__ import annotations

import pytest
from engine_helpers import DATA, FIXTURES, as_json, calls, differences, load

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
    duck, postgres = workspaces[fixture]
    run = calls(fixture)[name]
    expected, actual = as_json(run(duck)), as_json(run(postgres))
    assert expected or name in ("quarantine", "stuck"), "the fixture should give this metric something to compare"
    found = differences(expected, actual)
    assert not found, "\n".join(found[:20])


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

