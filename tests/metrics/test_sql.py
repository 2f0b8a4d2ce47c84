"""metrics/_sql.py: the metric files run as written (no SQLGlot on a command's path) mean what
SQLGlot reads in them, and the small tables built from Arrow buffers are what `pa.array` builds."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from importlib import resources

import pyarrow as pa
import pytest
import sqlglot
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netlead.metrics import _sql

NAMES = sorted(p.name[:-4] for p in resources.files("netlead.metrics").joinpath("sql").iterdir()
               if p.name.endswith(".sql"))


@pytest.mark.parametrize("name", NAMES)
def test_parameters_are_those_sqlglot_finds(name):
    parsed = sqlglot.parse_one(_sql.text(name), read="duckdb")
    assert _sql._parameters(name) == {p.name for p in parsed.find_all(sqlglot.exp.Placeholder)}


@pytest.mark.parametrize("name", NAMES)
def test_a_file_run_as_written_is_the_sql_render_writes(name):
    # The same statements, comments aside (SQLGlot drops some on writing): DuckDB runs the same
    # query, and so do the other engines, which transpile the SQL they are given.
    as_written = sqlglot.parse(_sql._static(name), read="duckdb")
    assert as_written == sqlglot.parse(_sql.render(name), read="duckdb")


def test_only_files_with_the_helpers_are_rendered():
    rendered = {name for name in NAMES if _sql._static(name) != _sql.text(name)}
    assert rendered == {name for name in NAMES if "netlead_trim(" in _sql.text(name).lower()
                        or "netlead_filled(" in _sql.text(name).lower()
                        or "netlead_in_scope(" in _sql.text(name).lower()}
    assert "waterfall" not in rendered and "lead_facts" in rendered


def test_comments_and_text_hide_parameters_and_helpers():
    code = _sql._NOT_CODE.sub(" ", "SELECT $a, '$b', \"$c\" -- $d netlead_trim(x)\n/* $e\n */ 'it''s $f' $g")
    assert _sql._PARAMETER.findall(code) == ["a", "g"]
    assert not _sql._HELPER.search(code)


TYPES = {
    pa.date32(): st.dates(),
    pa.string(): st.text(),
    pa.int32(): st.integers(-(2**31), 2**31 - 1),
    pa.int64(): st.integers(-(2**63), 2**63 - 1),
    pa.float64(): st.floats(allow_nan=False) | st.integers(-(2**53), 2**53),
    pa.bool_(): st.booleans(),
}


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.data())
def test_table_is_pa_table_of_the_lists(data):
    n = data.draw(st.integers(0, 12))
    types = data.draw(st.lists(st.sampled_from(list(TYPES)), min_size=1, max_size=4))
    columns = {f"c{i}": (data.draw(st.lists(st.none() | TYPES[t], min_size=n, max_size=n)), t)
               for i, t in enumerate(types)}
    built = _sql.table(columns)
    built.validate(full=True)
    assert built.equals(pa.table({name: pa.array(values, t) for name, (values, t) in columns.items()}))


def test_table_takes_what_the_metrics_pass():
    built = _sql.table({
        "day": ([date(1, 1, 1), datetime(2026, 3, 29, 23, 30), date(9999, 12, 31)], pa.date32()),
        "share": ([Decimal("0.1"), 2, None], pa.float64()),
    })
    assert built.to_pylist() == [
        {"day": date(1, 1, 1), "share": 0.1},
        {"day": date(2026, 3, 29), "share": 2.0},
        {"day": date(9999, 12, 31), "share": None},
    ]
    assert _sql.table({"a": ([], pa.string())}).schema == pa.schema([("a", pa.string())])
    with pytest.raises(ValueError, match="lengths"):
        _sql.table({"a": ([1], pa.int32()), "b": ([], pa.int32())})
