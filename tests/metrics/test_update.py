"""After any sequence of imports, the derived tables `metrics.update` keeps (rebuilding only what
each import touched) equal those a full `metrics.refresh` builds from the same canonical rows.

The imports are small files drawn from few ids, so that they hold re-imports, updates that move an
event or an opportunity to another lead or change a duplicate key, events and opportunities
arriving before their lead, stage rows before their opportunity, and a lead arriving before an
earlier-created lead with the same email (which makes the later one a duplicate, D2)."""

from __future__ import annotations

import csv
import json
from unittest import mock

import pytest
from conftest import version
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from netlead import metrics, store
from netlead.agreement import load
from netlead.metrics import derived

TABLES = {  # every derived table, ordered by all its columns
    "lead_facts", "cost_facts", "lead_keys", "duplicate_gaps", "cohort_leads", "cohort_opportunities",
    "cohort_days", "cohort_versions", "journey_stage_names", "fact_versions", "fact_cost_categories",
}
HOURS = {"days": ["mon", "tue", "wed", "thu", "fri"], "start": "09:00", "end": "17:30"}


@pytest.fixture(scope="module")
def agreement(tmp_path_factory):
    """Two versions; two duplicate rules on different keys (one an attribute), business hours."""
    subtract = [
        {"reason": "duplicate", "duplicate": {"keys": ["email"], "within_days": 30}},
        {"reason": "duplicate", "duplicate": {"keys": ["company", "segment"], "within_days": 10}},
        {"reason": "out_of_profile", "unless": "country in ('GB', 'IE')"},
    ]
    journey = [{"stage": s, "owners": {"sales": 1.0}}
               for s in ("lead", "net", "issued", "responded", "opportunity", "proposal", "contract", "won")]
    v1 = version(calendar={"timezone": "Europe/London"}, net={"subtract": subtract}, journey=journey,
                 sla={"respond_within_minutes": 60, "business_hours": HOURS, "outcome_within_days": 5})
    v2 = version(version=2, effective_from="2026-04-01", calendar={"timezone": "Europe/London"},
                 net={"subtract": subtract[:1] + subtract[2:]}, journey=journey,
                 sla={"respond_within_minutes": 30, "outcome_within_days": 3})
    path = tmp_path_factory.mktemp("update") / "netlead.yaml"
    path.write_text(f"{json.dumps(v1)}\n---\n{json.dumps(v2)}")
    return load(path)


moments = st.sampled_from(["2026-03-02 09:00", "2026-03-02 17:20", "2026-03-06 16:00", "2026-03-29 01:30",
                           "2026-04-01 10:00", "2026-04-03T08:00:00+01:00", "2026-05-10 12:00"])
leads = st.lists(st.tuples(
    st.sampled_from(["L1", "L2", "L3", "L4"]), moments,
    st.sampled_from(["a@x.test", " A@x.test", "b@x.test", ""]),  # email
    st.sampled_from(["Acme", "Bolt", ""]),  # company
    st.sampled_from(["GB", "US"]),  # country
    st.sampled_from(["t", ""]),  # trigger
    st.sampled_from(["n", ""]),  # need
    st.sampled_from(["small", "large", ""]),  # segment (an attribute)
), max_size=3)
events = st.lists(st.tuples(
    st.sampled_from(["E1", "E2", "E3", "E4", ""]), st.sampled_from(["L1", "L2", "L3", "L5"]),
    st.sampled_from(["issued", "responded", "qualified", "outcome"]), moments,
    st.sampled_from(["t", ""]),  # trigger, on qualified events
), max_size=3)
opportunities = st.lists(st.tuples(
    st.sampled_from(["O1", "O2", "O3"]), st.sampled_from(["L1", "L2", "L3", "L5", ""]), moments,
    st.sampled_from(["open", "won", "lost"]), moments, st.sampled_from(["100", "250.5"]),
), max_size=3)
stages = st.lists(st.tuples(
    st.sampled_from(["O1", "O2", "O3", "O4"]), st.sampled_from(["proposal", " contract", "other"]), moments,
), max_size=3)
costs = st.lists(st.tuples(
    st.sampled_from(["C1", "C2", ""]), st.sampled_from(["media", "labor", "travel"]),
    st.sampled_from(["100", "-20.5"]), st.sampled_from(["2026-03-02", "2026-04-15"]),
    st.sampled_from(["web", ""]),
), max_size=3)


def rows_of(kind: str, drawn: list[tuple]) -> tuple[list[str], list[tuple]]:
    if kind == "leads":
        header = ["lead_id", "created_at", "channel", "email", "company", "country", "employees", "trigger",
                  "need", "segment"]
        return header, [(i, t, "web", e, c, n, "50", tr, nd, s) for i, t, e, c, n, tr, nd, s in drawn]
    if kind == "lead_events":
        header = ["event_id", "lead_id", "type", "occurred_at", "outcome_code", "trigger"]
        return header, [(i, lead, k, t, "not_a_fit" if k == "outcome" else "", tr if k == "qualified" else "")
                        for i, lead, k, t, tr in drawn]
    if kind == "opportunities":
        header = ["opportunity_id", "lead_id", "created_at", "status", "closed_at", "revenue"]
        return header, [(i, lead, t, s, c if s != "open" else "", r) for i, lead, t, s, c, r in drawn]
    if kind == "opportunity_stages":
        return ["opportunity_id", "stage", "entered_at"], drawn
    return ["cost_id", "category", "amount", "date", "channel"], drawn


imports = st.lists(st.one_of(*[st.tuples(st.just(kind), strategy) for kind, strategy in (
    ("leads", leads), ("lead_events", events), ("opportunities", opportunities),
    ("opportunity_stages", stages), ("costs", costs))]), min_size=1, max_size=6)


def snapshot(con) -> dict[str, list[tuple]]:
    return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in sorted(TABLES)}  # noqa: S608


def lead(lead_id, created_at, email="a@x.test", company="Acme", segment=""):
    """A lead row that is net unless a duplicate (D2-D3)."""
    return (lead_id, created_at, email, company, "GB", "t", "n", segment)


EARLY, LATE, LATER = "2026-03-02 09:00", "2026-03-06 16:00", "2026-05-10 12:00"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=imports)
# An opportunity, then an event, moved to another lead: the lead it leaves loses it.
@example(sequence=[("leads", [lead("L1", EARLY, "a@x.test"), lead("L2", LATE, "b@x.test")]),
                   ("opportunities", [("O1", "L1", LATE, "won", LATE, "100")]),
                   ("opportunities", [("O1", "L2", LATE, "won", LATE, "100")])])
@example(sequence=[("leads", [lead("L1", EARLY, "a@x.test"), lead("L2", LATE, "b@x.test")]),
                   ("lead_events", [("E1", "L1", "issued", LATE, "")]),
                   ("lead_events", [("E1", "L2", "issued", LATE, "")])])
# An earlier lead with the same email arriving makes the later one a duplicate (D2), and changing
# its email frees it again; the same through the second rule's two keys.
@example(sequence=[("leads", [lead("L2", LATE, "a@x.test")]), ("leads", [lead("L1", EARLY, " A@x.test")]),
                   ("leads", [lead("L1", EARLY, "b@x.test")])])
@example(sequence=[("leads", [lead("L2", LATE, "a@x.test", "Bolt", "small")]),
                   ("leads", [lead("L1", EARLY, "b@x.test", "Bolt", "small")]),
                   ("leads", [lead("L1", EARLY, "b@x.test", "Bolt", "large")])])
# Stage rows of a stored opportunity; a lead issued weeks after the others (cohort_days grows).
@example(sequence=[("leads", [lead("L1", EARLY)]), ("opportunities", [("O1", "L1", LATE, "open", "", "100")]),
                   ("opportunity_stages", [("O1", "proposal", LATE)])])
@example(sequence=[("leads", [lead("L1", EARLY, "a@x.test"), lead("L2", EARLY, "b@x.test")]),
                   ("lead_events", [("E1", "L1", "issued", EARLY, ""), ("E2", "L1", "responded", LATE, "")]),
                   ("lead_events", [("E3", "L2", "issued", LATER, "")])])
# Events, opportunities and stage rows before what they name.
@example(sequence=[("lead_events", [("E1", "L1", "issued", LATE, ""), ("E2", "L1", "responded", LATE, "")]),
                   ("opportunity_stages", [("O1", "proposal", LATE)]),
                   ("opportunities", [("O1", "L1", LATE, "open", "", "100")]),
                   ("leads", [lead("L1", EARLY)])])
def test_update_after_any_imports_equals_a_rebuild(tmp_path, agreement, sequence):
    con = store.connect(":memory:", agreement.calendar.timezone)
    # The update takes every path it has on a small store: every touched table updated row by
    # row however much of it an import touched, the touched leads two at a time, and a rebuild (the
    # first import) one lead's range at a time; the rebuild it is compared with takes none.
    small = (mock.patch.object(derived, "WHOLE_SHARE", float("inf")), mock.patch.object(derived, "BATCH_SIZE", 2),
             mock.patch.object(derived, "RANGE_SIZE", 1))
    for step, (kind, drawn) in enumerate(sequence):
        path = tmp_path / f"{step}-{kind}.csv"
        header, body = rows_of(kind, drawn)
        with path.open("w", newline="") as f:
            csv.writer(f).writerows([header, *body])
        con.execute("BEGIN TRANSACTION")
        store.import_file(con, kind, path, agreement)
        with small[0], small[1], small[2]:
            metrics.update(con, agreement)
        con.execute("COMMIT")
        updated = snapshot(con)
        con.execute("BEGIN TRANSACTION")
        metrics.refresh(con, agreement)
        rebuilt = snapshot(con)
        con.execute("ROLLBACK")
        assert updated == rebuilt, f"after import {step + 1} ({kind})"
    con.close()


def test_a_costs_import_touches_no_lead_fact(tmp_path, agreement):
    """Only what a kind can change is rebuilt: a costs file leaves lead_facts as it was."""
    con = store.connect(":memory:", agreement.calendar.timezone)

    def load(kind, body):
        path = tmp_path / f"{kind}.csv"
        with path.open("w", newline="") as f:
            csv.writer(f).writerows([rows_of(kind, [])[0], *body])
        store.import_file(con, kind, path, agreement)
        metrics.update(con, agreement)

    load("leads", [("L1", "2026-03-02 09:00", "web", "a@x.test", "Acme", "GB", "50", "t", "", "")])
    before = con.execute("SELECT rowid, * FROM lead_facts").fetchall()
    load("costs", [("C1", "media", "100", "2026-03-02", "web")])
    assert con.execute("SELECT rowid, * FROM lead_facts").fetchall() == before  # not rewritten
    assert con.execute("SELECT cost_id, amount FROM cost_facts").fetchall() == [("C1", 100)]
    con.close()
