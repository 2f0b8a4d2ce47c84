"""What a command pays for before it computes anything (issue 4, item 5: each CLI metric command
within a second at 10M leads): `netlead --help` loads neither the engine nor Rich, a metric
command with JSON output loads neither SQLGlot, the YAML reader (once its agreement was read),
pandas, Rich nor the import, JSON output is written from the Arrow columns as `dumps` writes the
rows, and opening a workspace reads its agreement once unless it names lead attributes to check
against the store."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

import netlead
from netlead import output
from netlead.agreement import loader
from netlead.errors import AgreementError
from netlead.workspace import AGREEMENT_CACHE_FILE

DATA = Path(__file__).parent / "data" / "small"
BEFORE_THE_AGREEMENT = dt.date(2024, 12, 1)  # so that editing the rules is not a restatement
HEAVY = ("duckdb", "pyarrow", "sqlglot", "pydantic", "rich", "pandas", "netlead.workspace")


def test_help_and_the_package_load_nothing_heavy():
    script = (
        "import sys, netlead, netlead.cli; from netlead.cli import app\n"
        "sys.argv = ['netlead', '--help']\n"
        "try:\n    app()\nexcept SystemExit:\n    pass\n"
        f"print([m for m in {HEAVY!r} if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert "waterfall" in out
    assert out.strip().splitlines()[-1] == "[]"


# Imported only to build SQL (SQLGlot), read YAML (ruamel), convert for pandas users, print
# for people (Rich) or import files; none of it is needed to run a metric's SQL files.
NOT_FOR_A_METRIC = ("sqlglot", "ruamel", "pandas", "rich", "netlead.store.importer")
METRIC_COMMANDS = (["waterfall"], ["cpnsli"], ["cpnsli", "--by-channel"], ["cohorts"], ["response"], ["decay"],
                   ["scorecard"], ["journey"], ["convert-time"])


def test_a_metric_command_loads_only_what_runs_its_query(folder):
    script = (
        "import sys, json\nfrom netlead.cli import app\n"
        "try:\n    app(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        f"print(json.dumps([m for m in {NOT_FOR_A_METRIC!r} if m in sys.modules]), file=sys.stderr)"
    )
    options = ["--from", "2026-01", "--to", "2026-02", "--as-of", "2026-02-28", "--format", "json", "-w", str(folder)]
    (folder / AGREEMENT_CACHE_FILE).unlink()
    first = subprocess.run([sys.executable, "-c", script, "waterfall", *options], capture_output=True, text=True,
                           check=True)
    assert "ruamel" in json.loads(first.stderr.splitlines()[-1])  # its agreement is read once
    assert (folder / AGREEMENT_CACHE_FILE).exists()
    for command in METRIC_COMMANDS:
        run = subprocess.run([sys.executable, "-c", script, *command, *options], capture_output=True, text=True,
                             check=True)
        assert isinstance(json.loads(run.stdout), list), command
        assert json.loads(run.stderr.splitlines()[-1]) == [], command
    stuck = subprocess.run([sys.executable, "-c", script, "stuck", *options[4:]], capture_output=True, text=True,
                           check=True)  # as of a day, over all history: no range
    assert isinstance(json.loads(stuck.stdout), list)
    assert json.loads(stuck.stderr.splitlines()[-1]) == []


def test_table_json_is_dumps_of_the_rows():
    con = duckdb.connect()
    for sql in [
        """SELECT 1 AS a, 'x"é\n😀' AS b, 1.5::DOUBLE AS c, 'nan'::DOUBLE AS d, 'inf'::DOUBLE AS e,
                  12.3400::DECIMAL(18, 4) AS f, 0::DECIMAL(18, 4) AS g, DATE '2026-01-05' AS h, true AS i,
                  NULL::INTEGER AS j, [1, 2] AS k, {'q': 1.25::DECIMAL(9, 2)} AS l, 1e300 AS m,
                  123456789012::BIGINT AS n, 1e-7::DOUBLE AS o""",
        "SELECT range::INTEGER AS a, range * 0.1 AS b FROM range(50)",
        "SELECT 1 AS a WHERE false",
    ]:
        table = con.sql(sql).to_arrow_table()
        assert output.table_json(table) == output.dumps(table.to_pylist())
    assert json.loads(output.table_json(table)) == []
    for rows in (2 * output.PART_ROWS + 1, output.PART_ROWS):  # written in parts; exactly one part
        table = con.sql("SELECT range::INTEGER AS a, range * 0.1 AS b FROM range($rows)", params={"rows": rows}).to_arrow_table()
        assert output.table_json(table) == output.dumps(table.to_pylist())


@pytest.fixture
def folder(tmp_path) -> Path:
    target = tmp_path / "ws"
    target.mkdir()
    shutil.copy(DATA / "netlead.yaml", target / "netlead.yaml")
    netlead.init(target).close()
    with netlead.open(target) as ws:
        ws.import_files("leads", [DATA / "leads.csv"])  # brings the attribute `segment`
    return target


def count_loads(monkeypatch) -> list[set[str] | None]:
    calls: list[set[str] | None] = []
    real = loader.load

    def load(path, attributes=None, cache=None):
        calls.append(attributes)
        return real(path, attributes, cache)

    monkeypatch.setattr("netlead.agreement.load", load)
    return calls


def test_open_reads_an_agreement_of_canonical_columns_once(folder, monkeypatch):
    calls = count_loads(monkeypatch)
    with netlead.open(folder) as ws:
        assert ws.agreement.assumed_attributes == frozenset()
    assert calls == [None]


def test_attributes_named_by_the_agreement_are_checked_against_the_store(folder, monkeypatch):
    agreement = folder / "netlead.yaml"
    text = agreement.read_text()
    agreement.write_text(text.replace("employees >= 20", "employees >= 20 and segment != 'consumer'"))
    calls = count_loads(monkeypatch)
    with netlead.open(folder, today=BEFORE_THE_AGREEMENT) as ws:
        assert ws.agreement.assumed_attributes == frozenset()  # checked: `segment` was imported
    assert calls == [None, {"segment"}]
    agreement.write_text(text.replace("employees >= 20", "employees >= 20 and tier != 'consumer'"))
    with pytest.raises(AgreementError, match="tier"):
        netlead.open(folder, today=BEFORE_THE_AGREEMENT)
