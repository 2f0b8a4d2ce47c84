"""Keys and the merge: reimport changes nothing, a changed row is updated, rows without an id are
keyed by content, rows of one file that share a key but differ are all quarantined."""

from __future__ import annotations

import pytest
from store_helpers import rows

from netlead.store import import_file

LEADS = "lead_id,created_at,channel,campaign\nL1,2026-07-01,web,spring\nL2,2026-07-02,events,\n"


def counts(result):
    return result.loaded, result.updated, result.unchanged, result.quarantined


def test_reimport_changes_nothing(con, agreement, write):
    path = write("leads.csv", LEADS)
    assert counts(import_file(con, "leads", path, agreement)) == (2, 0, 0, 0)
    before = rows(con, "SELECT * FROM leads ORDER BY lead_id")
    assert counts(import_file(con, "leads", path, agreement)) == (0, 0, 2, 0)
    assert rows(con, "SELECT * FROM leads ORDER BY lead_id") == before  # import_id of the first import kept


def test_changed_row_is_updated_and_new_row_loaded(con, agreement, write):
    import_file(con, "leads", write("a.csv", LEADS), agreement)
    changed = "lead_id,created_at,channel,campaign\nL1,2026-07-01,web,summer\nL2,2026-07-02,events,\nL3,2026-07-03,web,\n"
    assert counts(import_file(con, "leads", write("b.csv", changed), agreement)) == (1, 1, 1, 0)
    assert rows(con, "SELECT lead_id, campaign, import_id FROM leads ORDER BY lead_id") == [
        ("L1", "summer", 2), ("L2", None, 1), ("L3", None, 2)]


def test_a_row_differing_only_in_an_attribute_is_updated(con, agreement, write):
    import_file(con, "leads", write("a.csv", "lead_id,created_at,channel,score\nL1,2026-07-01,web,1\n"), agreement)
    result = import_file(con, "leads", write("b.csv", "lead_id,created_at,channel,score\nL1,2026-07-01,web,2\n"), agreement)
    assert counts(result) == (0, 1, 0, 0)
    assert rows(con, "SELECT attributes FROM leads") == [('{"score":"2"}',)]


def test_same_instant_written_differently_is_unchanged(con, agreement, write):
    import_file(con, "leads", write("a.csv", "lead_id,created_at,channel\nL1,2026-07-01T09:30:00,web\n"), agreement)
    result = import_file(con, "leads", write("b.csv", "lead_id,created_at,channel\nL1,2026-07-01T08:30:00Z, web\n"), agreement)
    assert counts(result) == (0, 0, 1, 0)


def test_conflict_within_a_file_quarantines_every_row_of_the_key(con, agreement, write):
    path = write("leads.csv",
                 "lead_id,created_at,channel\nL1,2026-07-01,web\nL2,2026-07-01,web\nL1,2026-07-01,events\nL2,2026-07-01,web\n")
    result = import_file(con, "leads", path, agreement)
    # L1 differs between rows 1 and 3: both quarantined. L2 is repeated exactly: loaded once.
    assert counts(result) == (1, 0, 0, 2)
    assert rows(con, "SELECT lead_id FROM leads") == [("L2",)]
    assert rows(con, "SELECT row_number, column_name, value, reason FROM quarantine ORDER BY row_number") == [
        (1, "lead_id", "L1", "conflict: 2 rows of this file share this key but differ (all are quarantined; keep one)"),
        (3, "lead_id", "L1", "conflict: 2 rows of this file share this key but differ (all are quarantined; keep one)"),
    ]
    assert any("repeated an earlier row" in n for n in result.notes)
    assert any("conflicts" in n for n in result.notes)


def test_opportunity_stages_are_keyed_by_opportunity_stage_and_time(con, agreement, write):
    path = write("stages.csv",
                 "opportunity_id,stage,entered_at,by\nO1,proposal,2026-02-01,ann\nO1,proposal,2026-03-01,ann\n"
                 "O1,proposal,2026-02-01T00:00:00+00:00,bob\n")
    result = import_file(con, "opportunity_stages", path, agreement)
    # rows 1 and 3 are the same instant (London is on UTC in February) with different attributes
    assert counts(result) == (1, 0, 0, 2)
    assert rows(con, "SELECT row_number, column_name, value FROM quarantine ORDER BY row_number") == [
        (1, "opportunity_id, stage, entered_at", "O1 / proposal / 2026-02-01 00:00:00+00"),
        (3, "opportunity_id, stage, entered_at", "O1 / proposal / 2026-02-01 00:00:00+00"),
    ]


def test_identical_cost_lines_without_id_are_two_costs(con, agreement, write):
    path = write("costs.csv", "category,amount,date,channel\nmedia,100,2026-01-05,web\nmedia,100,2026-01-05,web\n"
                              "media,100,2026-01-05,\n")
    result = import_file(con, "costs", path, agreement)
    assert counts(result) == (3, 0, 0, 0)
    assert any("3 rows had no cost_id" in n and "give every row its cost_id" in n for n in result.notes)
    ids = [r[0] for r in rows(con, "SELECT cost_id FROM costs ORDER BY cost_id")]
    assert sorted(i.rsplit(":", 1)[1] for i in ids) == ["1", "1", "2"]
    assert all(i.startswith("h:") and len(i.split(":")[1]) == 32 for i in ids)
    assert rows(con, "SELECT sum(amount) FROM costs")[0][0] == 300
    # importing the same file again changes nothing
    assert counts(import_file(con, "costs", path, agreement)) == (0, 0, 3, 0)
    assert [r[0] for r in rows(con, "SELECT cost_id FROM costs ORDER BY cost_id")] == ids


def test_corrected_cost_line_without_id_becomes_a_new_cost(con, agreement, write):
    import_file(con, "costs", write("a.csv", "category,amount,date\nmedia,100,2026-01-05\n"), agreement)
    result = import_file(con, "costs", write("b.csv", "category,amount,date\nmedia,110,2026-01-05\n"), agreement)
    assert counts(result) == (1, 0, 0, 0)
    assert rows(con, "SELECT count(*) FROM costs") == [(2,)]


def test_events_mix_ids_and_content_keys(con, agreement, write):
    path = write("events.csv", "event_id,lead_id,type,occurred_at\nE1,L1,issued,2026-02-01\n,L1,responded,2026-02-01T10:00:00\n")
    result = import_file(con, "lead_events", path, agreement)
    assert counts(result) == (2, 0, 0, 0)
    ids = sorted(r[0] for r in rows(con, "SELECT event_id FROM lead_events"))
    assert ids[0] == "E1" and ids[1].startswith("h:") and ids[1].endswith(":1")


def test_events_of_a_lead_not_yet_imported_are_kept(con, agreement, write):
    events = write("events.csv", "event_id,lead_id,type,occurred_at\nE1,L9,issued,2026-02-01\n")
    result = import_file(con, "lead_events", events, agreement)
    assert result.loaded == 1
    assert any("rows naming a lead not in the store yet: 1," in n for n in result.notes)
    import_file(con, "leads", write("leads.csv", "lead_id,created_at,channel\nL9,2026-01-01,web\n"), agreement)
    assert import_file(con, "lead_events", events, agreement).notes == []


@pytest.mark.parametrize("kind,text", [
    ("leads", "lead_id,created_at,channel\nL1,2026-07-01,web\n"),
    ("opportunities", "opportunity_id,created_at,status,gross_profit\nO1,2026-07-01,won,5\n"),
])
def test_a_store_change_happens_only_through_the_callers_transaction(con, agreement, write, kind, text):
    # The workspace wraps import + facts rebuild in one transaction: a rollback leaves nothing.
    con.execute("BEGIN")
    import_file(con, kind, write("f.csv", text), agreement)
    con.execute("ROLLBACK")
    assert rows(con, f"SELECT (SELECT count(*) FROM {kind}) + (SELECT count(*) FROM imports)") == [(0,)]  # noqa: S608
