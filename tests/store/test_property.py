"""Importing any file twice leaves the tables as the first import left them (SPEC "Data in")."""

from __future__ import annotations

import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from store_helpers import AGREEMENT, rows

from netlead.store import connect, import_file

# Few distinct values, so that generated files hold repeats, conflicts and bad rows.
IDS = st.sampled_from(["", "A", "B", " C ", "D"])
INSTANTS = st.sampled_from(["2026-03-29 01:30:00", "2026-07-01T09:30:00+02:00", "2026-01-01", "nope", "", "2026-13-01"])
TEXT = st.text(alphabet="ab ,\"\t\né", max_size=4)
AMOUNTS = st.sampled_from(["1", "1.5", "0.00001", "-2", "x", "", "10.1234"])
DATES = st.sampled_from(["2026-01-05", "", "2026-02-30"])

LEAD_ROW = st.tuples(IDS, INSTANTS, st.sampled_from(["web", " web ", "", "events"]), TEXT)
COST_ROW = st.tuples(IDS, st.sampled_from(["media", "labor", ""]), AMOUNTS, DATES, DATES, DATES,
                     st.sampled_from(["", "GBP", "EUR"]), TEXT)

SPECS = {
    "leads": (["lead_id", "created_at", "channel", "note_attr"], LEAD_ROW),
    "costs": (["cost_id", "category", "amount", "date", "period_start", "period_end", "currency", "vendor"], COST_ROW),
}


def csv_text(header, body) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(body)
    return out.getvalue()


def snapshot(con, kind):
    return (
        rows(con, f"SELECT * FROM {kind} ORDER BY ALL"),  # noqa: S608 - kind is one of ours
        rows(con, "SELECT kind, file, row_number, column_name, value, reason FROM quarantine ORDER BY ALL"),
    )


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), kind=st.sampled_from(sorted(SPECS)))
def test_importing_a_file_twice_changes_nothing(tmp_path, data, kind):
    header, row = SPECS[kind]
    body = data.draw(st.lists(row, max_size=12))
    path = tmp_path / f"{kind}.csv"
    path.write_text(csv_text(header, body), encoding="utf-8")
    con = connect(":memory:", "Europe/London")
    try:
        first = import_file(con, kind, path, AGREEMENT)
        before = snapshot(con, kind)
        second = import_file(con, kind, path, AGREEMENT)
        assert snapshot(con, kind) == before
        assert (second.loaded, second.updated) == (0, 0)
        assert second.unchanged == first.loaded == len(before[0])
        assert second.quarantined == first.quarantined
    finally:
        con.close()


SEEDS = {  # one row of each kind, with the key 'ZZZ'
    "leads": ("lead_id", "lead_id,created_at,channel\nZZZ,2026-01-01,seed\n"),
    "costs": ("cost_id", "cost_id,category,amount,date\nZZZ,media,1,2026-01-01\n"),
}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), kind=st.sampled_from(sorted(SPECS)))
def test_first_load_and_general_path_agree(tmp_path, data, kind):
    """The first load of a kind takes a one-pass path (bulk.py); a store already holding a row of
    that kind takes the general one. Both must load and refuse the same rows for the same reasons
    (costs: rows without a cost_id send the first load to the general path too)."""
    header, row = SPECS[kind]
    body = data.draw(st.lists(row, max_size=12))
    path = tmp_path / f"{kind}.csv"
    path.write_text(csv_text(header, body), encoding="utf-8")
    key, seed_text = SEEDS[kind]
    seed = tmp_path / "seed.csv"
    seed.write_text(seed_text)
    outcomes = []
    for seeded in (False, True):
        con = connect(":memory:", "Europe/London")
        try:
            if seeded:
                import_file(con, kind, seed, AGREEMENT)
            result = import_file(con, kind, path, AGREEMENT)
            outcomes.append((
                (result.loaded, result.quarantined, sorted(result.notes)),
                rows(con, f"SELECT * EXCLUDE (import_id) FROM {kind} WHERE {key} <> 'ZZZ' ORDER BY ALL"),  # noqa: S608
                rows(con, "SELECT row_number, column_name, value, reason FROM quarantine ORDER BY ALL"),
            ))
        finally:
            con.close()
    assert outcomes[0] == outcomes[1]
