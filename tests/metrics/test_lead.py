"""`lead()`: one lead's status explained (D2-D6, T4)."""

from datetime import UTC, date, datetime

import pytest
from conftest import version

from netlead.errors import NetleadError
from netlead.metrics import lead


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_explains_a_rule_with_its_line_and_text(write_agreement, store_for):
    agreement = write_agreement()
    s = store_for(agreement)
    s.lead("a", "2026-01-05 10:00", country="US", channel=" paid ")
    s.event("a", "issued", "2026-01-06 10:00")
    s.refresh()
    explained = lead(s.con, agreement, "a", as_of="2026-02-01")
    rule = agreement.versions[0].net.subtract[2]
    assert explained["status"] == "out_of_profile" and explained["reason"] == "out_of_profile"
    assert explained["rule"] == {
        "number": 3,
        "line": rule.line,
        "kind": "unless",
        "reason": "out_of_profile",
        "text": "country in ('GB', 'IE') and employees >= 20",
    }
    assert explained["channel"] == "paid"
    assert (explained["version"], explained["version_effective_from"]) == (1, date(2026, 1, 1))
    assert explained["first_issued_at"] == utc(2026, 1, 6, 10)
    assert explained["issued_off_agreement"] is True  # D6


def test_explains_a_duplicate_and_what_it_duplicates(write_agreement, store_for):
    agreement = write_agreement()
    s = store_for(agreement)
    s.lead("first", "2026-01-05 10:00", email="Jo@Acme.test")
    s.lead("second", "2026-01-06 10:00", email="jo@acme.test ")
    s.refresh()
    rule = lead(s.con, agreement, "second", as_of="2026-02-01")["rule"]
    assert (rule["number"], rule["kind"], rule["duplicate_of"]) == (1, "duplicate", "first")


def test_explains_the_evidence_and_when_it_was_recorded(write_agreement, store_for):
    agreement = write_agreement()
    s = store_for(agreement)
    s.lead("a", "2026-01-05 10:00", trigger=None, need="crm")
    s.event("a", "qualified", "2026-01-06 10:00", trigger="audit")
    s.event("a", "qualified", "2026-01-07 10:00", trigger="new CFO")  # the latest value wins
    s.event("a", "issued", "2026-01-08 10:00")
    s.event("a", "qualified", "2026-01-09 10:00", decision_makers="CFO")  # after the issue
    s.event("a", "responded", "2026-01-08 10:30")
    s.refresh()
    explained = lead(s.con, agreement, "a", as_of="2026-02-01")
    assert explained["status"] == "net" and explained["reason"] is None and explained["rule"] is None
    answers = {
        a["field"]: (a["value"], a["recorded_at"], a["counted"]) for a in explained["evidence"]["answers"]
    }
    assert answers == {
        "trigger": ("new CFO", utc(2026, 1, 7, 10), True),
        "cost_of_inaction": (None, None, False),
        "decision_makers": ("CFO", utc(2026, 1, 9, 10), False),
        "need": ("crm", utc(2026, 1, 5, 10), True),
    }
    assert explained["evidence"]["sufficient_at"] == utc(2026, 1, 6, 10)  # the 2nd answer
    assert explained["first_responded_at"] == utc(2026, 1, 8, 10, 30)
    assert explained["issued_off_agreement"] is False


def test_a_lead_not_created_by_as_of_is_an_error(write_agreement, store_for):
    agreement = write_agreement()
    s = store_for(agreement)
    s.lead("a", "2026-01-05 10:00")
    s.refresh()
    with pytest.raises(NetleadError):
        lead(s.con, agreement, "a", as_of="2026-01-04")
    with pytest.raises(NetleadError):
        lead(s.con, agreement, "nobody")


def test_t4_names_the_governing_version(write_agreement, store_for):
    agreement = write_agreement(version(), version(version=2, effective_from="2026-04-01"))
    s = store_for(agreement)
    s.lead("a", "2026-04-01 00:00")
    s.refresh()
    assert lead(s.con, agreement, "a")["version"] == 2
