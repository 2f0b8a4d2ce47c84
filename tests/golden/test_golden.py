"""Golden transpiled SQL: every statement netlead runs, written in DuckDB's dialect, as SQLGlot
turns it into PostgreSQL and Spark SQL (with `ErrorLevel.RAISE`, through `_sql.transpile`).

The snapshots under tests/golden/<dialect>/ are the review copy of what runs on each engine: a
change to a metric's SQL, to the portable rewrites or to SQLGlot shows up here as a diff. Refresh
them with `make golden` (this file run as a script); the test fails when they differ. That the
SQL also runs, and gives DuckDB's numbers, is tests/engines/'s part.
"""

from __future__ import annotations

import importlib
import sys
from importlib import resources
from pathlib import Path

import pytest

from netlead import agreement as agreement_module
from netlead.metrics import _sql, derived, duplicates, facts
from netlead.store.db import schema_sql

cohorts = importlib.import_module("netlead.metrics.cohorts")
journey = importlib.import_module("netlead.metrics.journey")
HERE = Path(__file__).parent
DATA = HERE.parent / "data"
DIALECTS = ("postgres", "spark")
FIXTURES = ("small", "cohorts", "journey")  # tests/data/*/netlead.yaml: their agreement-dependent SQL
COMPOSED = {"journey": "journey_lead_stages", "journey_totals": "journey_lead_stages",
            "stuck": "journey_lead_stages", "convert_time": "convert_time_km",
            "convert_time_curve": "convert_time_km"}


class Recorder:
    """Stands in for a connection to collect the statements a function runs."""

    def __init__(self):
        self.statements: list[str] = []

    def execute(self, sql: str, params=None):
        self.statements.append(sql)


def collect() -> dict[str, str]:
    """Every DuckDB SQL netlead runs, by snapshot name."""
    units = {"schema": schema_sql()}
    names = sorted(p.name[:-4] for p in resources.files("netlead.metrics").joinpath("sql").iterdir()
                   if p.name.endswith(".sql"))
    for name in names:
        if name in ("lead_facts", "duplicate_of", "journey_lead_stages") or COMPOSED.get(name) == "journey_lead_stages":
            continue  # agreement-dependent: below, per fixture agreement
        units[name] = journey.composed(name, COMPOSED[name])[0] if name in COMPOSED else _sql.render(name)
    units["cost_facts_scoped"] = _sql.render("cost_facts", scope=derived.TOUCHED_COSTS)
    for name in ("cohort_leads", "cohort_opportunities"):
        units[f"{name}_scoped"] = _sql.render(name, scope=derived.BATCH)
    for fixture in FIXTURES:
        agreement = agreement_module.load(DATA / fixture / "netlead.yaml")
        units[f"facts_{fixture}"] = facts.lead_facts_sql(agreement)
        for version in agreement.versions:
            for rule in version.net.subtract:
                if rule.duplicate is not None:
                    same = facts.exp.and_(*[duplicates.normalised_key(k, "l").eq(duplicates.normalised_key(k, "t"))
                                            for k in rule.duplicate.keys])
                    units[f"duplicate_of_{fixture}"] = _sql.render("duplicate_of", {"__same_keys": same})
    # The SQL that differs only in the agreement's rules or stages: one fixture each.
    small, journey_fixture = (agreement_module.load(DATA / f / "netlead.yaml") for f in ("small", "journey"))
    units["facts_small_scoped"] = facts.lead_facts_sql(small, derived.BATCH)
    for step, run in (("rebuild", lambda c: duplicates.rebuild(c, small)),
                      ("update", lambda c: duplicates.update(c, small, derived.CHANGED_LEADS, derived.TOUCHED_LEADS))):
        recorder = Recorder()
        run(recorder)
        units[f"duplicates_{step}_small"] = ";\n".join(recorder.statements)
    chain = journey.chain_columns(journey_fixture, journey_fixture.versions[-1].stages)
    for name, base in COMPOSED.items():
        if base == "journey_lead_stages":
            units[name] = journey.composed(name, base, chain)[0]
    return units


def rendered(dialect: str) -> dict[str, str]:
    return {name: ";\n\n".join(_sql.transpile(sql, dialect, pretty=True)) + ";\n"
            for name, sql in collect().items()}


def _read(path: Path) -> str:
    with open(path, encoding="utf-8", newline="") as f:  # the SQL holds carriage returns (D4's trim)
        return f.read()


def write() -> None:
    for dialect in DIALECTS:
        folder = HERE / dialect
        folder.mkdir(exist_ok=True)
        for old in folder.glob("*.sql"):
            old.unlink()
        for name, text in rendered(dialect).items():
            with open(folder / f"{name}.sql", "w", encoding="utf-8", newline="") as f:
                f.write(text)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_transpiled_sql_matches_the_golden_files(dialect):
    expected = {p.stem: _read(p) for p in (HERE / dialect).glob("*.sql")}
    actual = rendered(dialect)
    assert sorted(actual) == sorted(expected), "snapshots added or removed: run `make golden`"
    changed = [name for name in actual if actual[name] != expected[name]]
    assert not changed, f"transpiled SQL differs for {changed}: review, then run `make golden`"


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: python tests/golden/test_golden.py --write")
    write()
